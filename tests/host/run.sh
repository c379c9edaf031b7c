#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The host suite: a real Debian 12 host with systemd as PID 1 (image.sh)
# booted on every kernel of $KERNELS (default "6.12 sid"), once, running
# the scenarios of tests/host/scenarios/ in order (SCENARIOS= selects by
# substring).
# Prints each check as "[release] ok - ..." and closes with
# "host: N passed, N failed".  Consoles: $BUILD/host/console-RELEASE.log
# HOST_TIMEOUT: the scenarios' time limit once the host is up (default 1200).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}
export BUILD=$build
out=$build/host
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0 failed=0
bad() {
	echo "$1"
	failed=$((failed + 1))
}

scenarios=()
for s in "$here"/scenarios/*.sh; do
	name=$(basename "$s" .sh)
	if [ -n "${SCENARIOS:-}" ]; then
		hit=""
		for want in $SCENARIOS; do case "$name" in *"$want"*) hit=1 ;; esac; done
		[ -n "$hit" ] || continue
	fi
	scenarios+=("$s")
done
[ ${#scenarios[@]} -gt 0 ] || bad "not ok - no scenario matches '${SCENARIOS:-}'"

# the image once for all boots: a failure to build it is one failure
if ! "$here/image.sh" >/dev/null; then
	bad "not ok - the host image (tests/host/image.sh)"
	scenarios=()
fi
# watchbpf's package too (cached by its inputs' hash), which each boot
# installs with apt (boot.sh)
if [ ${#scenarios[@]} -gt 0 ]; then
	if deb=$("$top/scripts/build-deb.sh" "$build/deb" 2>"$work/deb.err"); then
		export WATCHBPF_DEB=$deb
	else
		bad "not ok - the package (scripts/build-deb.sh)"
		sed 's/^/#   /' "$work/deb.err"
		scenarios=()
	fi
fi

# One boot per kernel, side by side on a host with two cores or more (as
# tests/vm/run-suite.sh; WBVM_SERIAL=1 serializes); each kernel's lines go
# to a file of its own, printed in order.
one_kernel() {
	local k=$1 res=$2 kdir rel kstart t log rc ok nok
	# a kernel that cannot be fetched is a failure, not a skip
	if ! kdir=$("$top/tests/vm/kernels.sh" "$k") || [ ! -f "$kdir/modules/modules.dep" ]; then
		echo "[$k] not ok - kernel $k cannot be fetched (with modules/)"
		echo "0 1" >"$res"
		return
	fi
	rel=$(cat "$kdir/release")
	kstart=$(date +%s)
	# one boot per kernel runs every scenario: a boot costs a minute
	t=$work/$rel
	mkdir -p "$t"
	cp "$here/guest-lib.sh" "$t/"
	# the example a user starts from, tried for real
	cp "$top/examples/host.yaml" "$t/"
	{
		echo ". /opt/hosttest/guest-lib.sh"
		for s in "${scenarios[@]}"; do
			name=$(basename "$s" .sh)
			cp "$s" "$t/$name.sh"
			echo "echo '# scenario $name'"
			echo ". /opt/hosttest/$name.sh"
		done
		echo "summary guest"
	} >"$t/test.sh"
	log=$out/console-$rel.log
	rc=0
	"$here/boot.sh" "$kdir" "$t" "$log" "${HOST_TIMEOUT:-1200}" 2>"$t/err" || rc=$?
	sed -n 's/^boot\.sh: .*: up in /up in /p' "$t/err" | sed "s/^/[$rel] # /"
	ok=$(grep -c '^ok - ' "$log" || true)
	nok=$(grep -c '^not ok - ' "$log" || true)
	# "#" details too; the guest's summary line prefixed like the rest,
	# so that tests/run-all.sh counts this suite's total only
	grep -E '^(ok|not ok) - |^#|: [0-9]+ passed, [0-9]+ failed$' "$log" | sed "s/^/[$rel] /" || true
	if [ "$rc" != 0 ] && [ "$nok" = 0 ]; then
		# no check failed, yet the boot or the test did: that is one
		echo "[$rel] not ok - boot or test (exit $rc); console: $log"
		sed 's/^/#   /' "$t/err"
		tail -n 30 "$log" | sed 's/^/#   /'
		nok=1
	fi
	echo "[$rel] $ok passed, $nok failed in $(($(date +%s) - kstart))s; console: $log"
	echo "$ok $nok" >"$res"
}

if [ ${#scenarios[@]} -gt 0 ]; then
	i=0
	for k in ${KERNELS:-6.12 sid}; do
		i=$((i + 1))
		if [ "$(nproc)" -ge 2 ] && [ "${WBVM_SERIAL:-0}" != 1 ]; then
			one_kernel "$k" "$work/res$i" >"$work/out$i" 2>&1 &
		else
			one_kernel "$k" "$work/res$i" >"$work/out$i" 2>&1
		fi
	done
	wait
	for j in $(seq 1 $i); do
		cat "$work/out$j"
		if read -r ok nok <"$work/res$j"; then
			passed=$((passed + ok)) failed=$((failed + nok))
		else
			bad "not ok - host run $j left no result"
		fi
	done
fi
echo "host: $passed passed, $failed failed"
[ "$failed" = 0 ]
