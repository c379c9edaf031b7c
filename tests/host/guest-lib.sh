# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Guest-side helpers of the host tests (bash, sourced by test.sh before the
# scenario), in the style of tests/vm/lib.sh: every check prints
# "ok - NAME" or "not ok - NAME" followed by "#"-prefixed details, which the
# host counts; summary prints "SCENARIO: N passed, N failed".

PASSED=0
FAILED=0

ok() {
	echo "ok - $1"
	PASSED=$((PASSED + 1))
}

# fail NAME [DETAIL...]
fail() {
	echo "not ok - $1"
	shift
	[ $# -eq 0 ] || printf '%s\n' "$@" | sed 's/^/#   /'
	FAILED=$((FAILED + 1))
}

# check NAME CMD...: CMD exits 0; its output is shown when it does not.
# A check that takes 5 s or more says so: under emulation that adds up.
check() {
	local name=$1 out rc=0 t0=$SECONDS
	shift
	out=$("$@" 2>&1) || rc=$?
	if [ $rc = 0 ]; then ok "$name"; else fail "$name" "exit $rc from: $*" "$out"; fi
	[ $((SECONDS - t0)) -lt 5 ] || note "($((SECONDS - t0))s: $name)"
}

# note TEXT...: a detail on the console that is no check
note() { printf '%s\n' "$@" | sed 's/^/# /'; }

# summary NAME: the closing line; fails when a check failed or none ran
summary() {
	echo "$1: $PASSED passed, $FAILED failed"
	[ "$FAILED" = 0 ] && [ "$PASSED" -gt 0 ]
}
