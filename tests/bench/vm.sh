#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The gatekeeper's cost on hot paths, measured in the test VM (issue 4's
# targets), on each kernel of $KERNELS (default: 6.12 and sid's).
# The guest clock counts instructions (qemu -icount): under software
# emulation the wall clock swings by tens of percent between identical runs,
# far more than the 3% to resolve. BENCH_CLOCK=wall measures wall time.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}
out=$build/vm
mkdir -p "$out"
rel=$(realpath --relative-to="$top" "$build") # the Makefile's targets are relative
make -C "$top" --no-print-directory -s "$rel/progs/alice" "$rel/progs/benchops" \
	"$rel/progs/empty_file_open.bpf.o" "$rel/progs/empty_task_kill.bpf.o" \
	"$rel/progs/empty_inode_permission.bpf.o" >/dev/null || exit 1
kdirs=$("$top/tests/vm/kernels.sh" ${KERNELS:-6.12 sid}) || exit 1
"$top/tests/vm/initramfs.sh" "$out/initramfs.cpio.gz" "$build/watchbpf" || exit 1
SCENARIOS=none "$top/tests/vm/stage.sh" "$out/bench-disk" "$build" || exit 1
cp "$top/tests/vm/bench-guest.sh" "$out/bench-disk/scenario.sh"
[ "${BENCH_CLOCK:-icount}" = wall ] || export WBVM_ICOUNT=1
rc=0
for k in $kdirs; do
	log=$out/bench-console-$(basename "$k").log
	"$top/tests/vm/run.sh" "$k" "$out/initramfs.cpio.gz" "$out/bench-disk" "$log" 1800 || rc=1
	sed -n '/BENCH-BEGIN/,/BENCH-END/p' "$log" | grep -v BENCH-END | sed 's/^BENCH-BEGIN /kernel /'
done
exit $rc
