#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every test: host unit tests, the end-to-end suite in the VMs, then the
# Debian host booted with systemd (tests/host/).
# Sums the "NAME: N passed, N failed" lines of each part into the closing
# "N passed, N failed" line; exits non-zero when anything failed.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT

bash "$top/tests/run-unit.sh" 2>&1 | tee -a "$out"
bash "$top/tests/vm/selftest.sh" 2>&1 | tee -a "$out"
bash "$top/tests/vm/run-suite.sh" 2>&1 | tee -a "$out"
bash "$top/tests/host/run.sh" 2>&1 | tee -a "$out"

passed=0 failed=0 parts=0
while read -r p f; do
	passed=$((passed + p))
	failed=$((failed + f))
	parts=$((parts + 1))
done < <(sed -n 's/^[a-z0-9-]*: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$out")
# a part that crashed before its summary line is a failure too: the unit
# tests, each tests/unit/*.sh, the harness self-test, the e2e suite and
# the host suite
want=$(( 4 + $(ls "$top"/tests/unit/*.sh | wc -l) ))
[ $parts -ge $want ] || { echo "only $parts of $want test parts reported"; failed=$((failed + 1)); }
echo
echo "$passed passed, $failed failed"
[ $failed = 0 ]
