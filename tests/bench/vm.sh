#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The gatekeeper's cost on hot paths, measured in the test VM (issue 4's
# targets), on each kernel of $KERNELS (default: 6.12 and sid's): each
# operation of tests/vm/bench-guest.sh with no BPF LSM program, with empty
# ones on the same hooks, and with watchbpf.
# The guest clock counts instructions (qemu -icount): under software
# emulation the wall clock swings by tens of percent between identical runs,
# far more than the 3% to resolve. BENCH_CLOCK=wall measures wall time.
# Writes to $BENCH_DATA (default BUILD/vm): hooks.tsv (every round),
# hook-ops.tsv (what each operation is) and vms.tsv (each kernel's VM).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}
build=$(cd "$top" && mkdir -p "$build" && cd "$build" && pwd)
out=$build/vm
data=${BENCH_DATA:-$out}
mkdir -p "$out" "$data"
# stage.sh copies every test program: all of them, built for this BUILD
make -C "$top" --no-print-directory -s BUILD="$build" all test-progs >/dev/null || exit 1
kdirs=$("$top/tests/vm/kernels.sh" ${KERNELS:-6.12 sid}) || exit 1
"$top/tests/vm/initramfs.sh" "$out/initramfs.cpio.gz" "$build/watchbpf" || exit 1
SCENARIOS=none "$top/tests/vm/stage.sh" "$out/bench-disk" "$build" || exit 1
cp "$top/tests/vm/bench-guest.sh" "$out/bench-disk/scenario.sh"
[ "${BENCH_CLOCK:-icount}" = wall ] || export WBVM_ICOUNT=1
qemu=$(${QEMU:-qemu-system-x86_64} --version | sed -n '1s/.*version \([^ ]*\).*/\1/p')

printf 'kernel\top\tconfig\tround\tns\n' >"$data/hooks.tsv"
printf 'op\twhat\thooks\ttargets\n' >"$data/hook-ops.tsv"
printf 'kernel\tclock\tvcpus\tmemory_mib\tqemu\n' >"$data/vms.tsv"
rc=0
for k in $kdirs; do
	log=$out/bench-console-$(basename "$k").log
	if ! "$top/tests/vm/run.sh" "$k" "$out/initramfs.cpio.gz" "$out/bench-disk" "$log" 5400; then
		echo "bench vm: the run on $(basename "$k") failed; its console: $log" >&2
		rc=1
		continue
	fi
	# Lines as the guest printed them: a kernel message can break into
	# the console mid-line, so each line is checked, never trusted.
	if ! awk -F'\t' -v kernel="$(basename "$k")" -v qemu="$qemu" \
		-v hooks="$data/hooks.tsv" -v ops="$data/hook-ops.tsv" -v vms="$data/vms.tsv" '
		{ sub(/\r$/, "") } # the line ends of a serial console
		/^BENCH-BEGIN / {
			sub(/^BENCH-BEGIN /, "")
			if (NF != 4 || $1 != kernel || $3 !~ /^[0-9]+$/ || $4 !~ /^[0-9]+$/) {
				print "bench vm: a malformed BENCH-BEGIN line: " $0 > "/dev/stderr"
				bad = 1
				next
			}
			printf "%s\t%s\t%s\t%d\t%s\n", $1, $2, $3, $4 / 1024, qemu >> vms
			begun = 1
		}
		/^BENCH-OP\t/ {
			if (NF != 5) { print "bench vm: malformed: " $0 > "/dev/stderr"; bad = 1; next }
			# the same for every kernel: those of the first are kept
			if (first) printf "%s\t%s\t%s\t%s\n", $2, $3, $4, $5 >> ops
			nops++
		}
		/^BENCH-TSV\t/ {
			if (NF != 5 || $4 !~ /^[0-9]+$/ || $5 !~ /^[0-9]+$/) {
				print "bench vm: malformed: " $0 > "/dev/stderr"
				bad = 1
				next
			}
			printf "%s\t%s\t%s\t%s\t%s\n", kernel, $2, $3, $4, $5 >> hooks
			rows++
		}
		/^BENCH-END/ { ended = 1 }
		END {
			if (!begun || !ended || !rows || !nops) {
				print "bench vm: incomplete output (" rows + 0 " rows)" > "/dev/stderr"
				bad = 1
			}
			exit bad
		}' first="$([ "$(wc -l <"$data/hook-ops.tsv")" = 1 ] && echo 1 || echo 0)" "$log"; then
		echo "bench vm: the output on $(basename "$k") is unusable; its console: $log" >&2
		rc=1
	fi
done
[ "$(wc -l <"$data/hooks.tsv")" -gt 1 ] && bash "$here/report.sh" --hooks-text "$data"
exit $rc
