#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The gatekeeper's cost on hot paths, measured in the test VM (issue 4's
# targets): boots the first kernel of $KERNELS (default 6.12).
# The guest clock counts instructions (qemu -icount): under software
# emulation the wall clock swings by tens of percent between identical runs,
# far more than the 3% to resolve. BENCH_CLOCK=wall measures wall time.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}
out=$build/vm
mkdir -p "$out"
make -C "$top" --no-print-directory -s $build/progs/alice $build/progs/benchops >/dev/null || exit 1
k=$("$top/tests/vm/kernels.sh" "${KERNELS:-6.12}" | head -n 1) || exit 1
"$top/tests/vm/initramfs.sh" "$out/initramfs.cpio.gz" "$build/watchbpf" || exit 1
SCENARIOS=none "$top/tests/vm/stage.sh" "$out/bench-disk" "$build" || exit 1
cp "$top/tests/vm/bench-guest.sh" "$out/bench-disk/scenario.sh"
[ "${BENCH_CLOCK:-icount}" = wall ] || export WBVM_ICOUNT=1
"$top/tests/vm/run.sh" "$k" "$out/initramfs.cpio.gz" "$out/bench-disk" "$out/bench-console.log" 900
rc=$?
sed -n '/BENCH-BEGIN/,/BENCH-END/p' "$out/bench-console.log" | grep -v BENCH-END | sed 's/^BENCH-BEGIN /kernel /'
exit $rc
