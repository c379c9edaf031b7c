#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The end-to-end suite: boots every kernel of $KERNELS (default "6.12 sid")
# once with all scenarios (side by side), prints each check as "[release] ok - ..." and
# closes with "e2e: N passed, N failed". Logs are kept in build/vm/.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}
out=$build/vm
mkdir -p "$out"

passed=0 failed=0
kdirs=$("$here/kernels.sh" ${KERNELS:-6.12 sid}) || {
	echo "e2e: cannot get the test kernels"
	echo "e2e: 0 passed, 1 failed"
	exit 1
}
"$here/initramfs.sh" "$out/initramfs.cpio.gz" "$build/watchbpf" || exit 1
"$here/stage.sh" "$out/disk" "$build" || exit 1

# One VM per kernel.  A VM's busy work (the verifier, the scenarios) runs
# on one emulated CPU at a time, so on a host with two cores or more the
# kernels boot side by side (WBVM_SERIAL=1 runs them one after the other).
# Each kernel's lines go to a file of its own, printed in order.
one_kernel() {
	local k=$1 res=$2 rel log start rc secs ok nok
	rel=$(cat "$k/release")
	log="$out/console-$rel.log"
	start=$(date +%s)
	"$here/run.sh" "$k" "$out/initramfs.cpio.gz" "$out/disk" "$log" "${VM_TIMEOUT:-3000}"
	rc=$?
	secs=$(( $(date +%s) - start ))
	ok=$(grep -c '^ok - ' "$log")
	nok=$(grep -c '^not ok - ' "$log")
	grep -E '^(ok|not ok) - |^#' "$log" | sed "s/^/[$rel] /"
	if [ "$rc" != 0 ] && [ "$nok" = 0 ]; then
		# the VM died or hung before reporting a failure: that is one
		echo "[$rel] not ok - VM run (exit $rc); console: $log"
		tail -n 30 "$log" | sed 's/^/#   /'
		nok=1
	fi
	echo "[$rel] $ok passed, $nok failed in ${secs}s; console: $log"
	echo "$ok $nok" >"$res"
}

res=$(mktemp -d)
trap 'rm -rf "$res"' EXIT
i=0
for k in $kdirs; do
	i=$((i + 1))
	if [ "$(nproc)" -ge 2 ] && [ "${WBVM_SERIAL:-0}" != 1 ]; then
		one_kernel "$k" "$res/$i" >"$res/$i.out" 2>&1 &
	else
		one_kernel "$k" "$res/$i" >"$res/$i.out" 2>&1
	fi
done
wait
for j in $(seq 1 $i); do
	cat "$res/$j.out"
	# no result file: the runner itself died, which is a failure
	read -r ok nok 2>/dev/null <"$res/$j" || { ok=0 nok=1; echo "not ok - kernel run $j left no result"; }
	passed=$((passed + ok))
	failed=$((failed + nok))
done
echo "e2e: $passed passed, $failed failed"
[ $failed = 0 ]
