#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host-side tests: the C unit tests, then every tests/unit/*.sh (each prints
# its own "NAME: N passed, N failed" line).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
cd "$top" || exit 1 # the unit tests open fixtures by relative path
rc=0
"$build/unit-tests" || rc=1
for t in tests/unit/*.sh; do
	WATCHBPF="$build/watchbpf" bash "$t" || rc=1
done
exit $rc
