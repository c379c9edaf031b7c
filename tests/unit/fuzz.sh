#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Bad input never crashes anything: the libFuzzer targets of tests/fuzz/
# (policy parser, log reader, JSON log lines, learn's logs), built with ASan and UBSan
# into the build dir of $WATCHBPF (`make fuzz-build`). Every regression
# input under tests/fuzz/regressions/TARGET/ runs once, a test each; every
# seed runs once; then each target fuzzes for FUZZ_SECONDS (20 by default).
# A crash, a leak, undefined behaviour or a hang fails.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
W=${WATCHBPF:-build/watchbpf}
build=$(cd "$(dirname "$W")" && pwd)
fuzz=$build/fuzz
secs=${FUZZ_SECONDS:-20}
targets=(fuzz_policy fuzz_log fuzz_log_json fuzz_learn)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() {
	echo "FAIL $1"
	shift
	printf '     %s\n' "$@"
	failed=$((failed + 1))
}
finish() {
	echo "fuzz: $passed passed, $failed failed"
	[ "$failed" = 0 ] && exit 0
	exit 1
}

if make -C "$top" --no-print-directory BUILD="$build" fuzz-build >"$tmp/build" 2>&1; then
	ok "the fuzz targets build (clang, ASan, UBSan, libFuzzer)"
else
	bad "the fuzz targets build (clang, ASan, UBSan, libFuzzer)" "$(grep -E 'error:|\*\*\*' "$tmp/build" | head -n 10)"
	finish
fi
if bash "$top/tests/fuzz/seeds.sh" "$fuzz" >"$tmp/seeds" 2>&1; then
	ok "$(cat "$tmp/seeds")"
else
	bad "seed corpora and dictionaries" "$(tail -n 10 "$tmp/seeds")"
	finish
fi

# runs TARGET on the given inputs once each; the report when one fails
run_once() {
	local t=$1
	shift
	"$fuzz/$t" -timeout=10 -close_fd_mask=3 "$@" >"$tmp/run" 2>&1
}

report() {
	grep -aE '==ERROR|SUMMARY|runtime error:|ALARM|Running:' "$tmp/run" | tail -n 6
}

for t in "${targets[@]}"; do
	for f in "$top/tests/fuzz/regressions/$t"/*; do
		[ -f "$f" ] || continue
		if run_once "$t" "$f"; then
			ok "$t: regression ${f#"$top"/}"
		else
			bad "$t: regression ${f#"$top"/}" "$(report)"
		fi
	done
	n=$(find "$fuzz/seeds/$t" -type f | wc -l)
	if [ "$n" -gt 0 ] && run_once "$t" "$fuzz/seeds/$t"/*; then
		ok "$t: each of its $n seeds once"
	else
		bad "$t: each of its $n seeds once" "$(report)"
	fi
	# a fresh corpus: the one `make fuzz` grows takes longer to rerun
	if FUZZ_CORPUS=$tmp bash "$top/tests/fuzz/run.sh" "$fuzz" "$secs" "$t" >"$tmp/fuzz" 2>&1; then
		ok "$(head -n 1 "$tmp/fuzz")"
	else
		bad "$t: fuzzing for $secs s" "$(cat "$tmp/fuzz")"
	fi
done
finish
