#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The end-to-end suite: boots every kernel of $KERNELS (default "6.12 sid")
# once with all scenarios, prints each check as "[release] ok - ..." and
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

for k in $kdirs; do
	rel=$(cat "$k/release")
	log="$out/console-$rel.log"
	start=$(date +%s)
	"$here/run.sh" "$k" "$out/initramfs.cpio.gz" "$out/disk" "$log" "${VM_TIMEOUT:-1800}"
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
	passed=$((passed + ok))
	failed=$((failed + nok))
done
echo "e2e: $passed passed, $failed failed"
[ $failed = 0 ]
