#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host-side tests: the C unit tests and the digest comparison with the
# fsverity tool. Each prints its own "NAME: N passed, N failed" line.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
cd "$top" || exit 1  # the unit tests open fixtures by relative path
rc=0
"$build/unit-tests" || rc=1
WATCHBPF="$build/watchbpf" bash "$top/tests/unit/digest_vs_tool.sh" || rc=1
WATCHBPF="$build/watchbpf" bash "$top/tests/unit/cli.sh" || rc=1
exit $rc
