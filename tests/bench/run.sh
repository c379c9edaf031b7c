#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: runs every tests/bench/*.sh but this one. Each prints its
# measurements and the targets they are held to; none of them is a test.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export WATCHBPF=${WATCHBPF:-$here/../../build/watchbpf}
rc=0
for b in "$here"/*.sh; do
	[ "$b" = "$here/run.sh" ] && continue
	echo "== $(basename "$b" .sh)"
	bash "$b" || rc=1
done
exit $rc
