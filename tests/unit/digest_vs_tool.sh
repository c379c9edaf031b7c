#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `watchbpf digest` must print exactly what fsverity-utils' `fsverity digest`
# prints, since policies may be written with either. Compares both on files
# at block and tree-level boundaries, random sizes and a sparse 1 GiB file,
# for every block size / hash / salt combination.
#
#   WATCHBPF=path   binary under test (default build/watchbpf)
#   FSVERITY=path   reference tool (default fsverity)
#   SEED=n          seed for the random sizes (printed, to reproduce a run)
#   DIGEST_TOOL_HUGE=1  also a sparse 5 GiB file, default parameters only
#                       (64-bit sizes; adds ~20 s)

set -u

WATCHBPF=${WATCHBPF:-build/watchbpf}
FSVERITY=${FSVERITY:-fsverity}
SEED=${SEED:-$RANDOM}
passed=0
failed=0

ok() {
	echo "ok   $1"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL $1"
	failed=$((failed + 1))
}

finish() {
	echo "digest-tool: $passed passed, $failed failed"
	exit $((failed != 0))
}

if ! command -v "$FSVERITY" >/dev/null; then
	fail "setup: '$FSVERITY' not found (Debian package fsverity)"
	finish
fi
if [ ! -x "$WATCHBPF" ]; then
	fail "setup: '$WATCHBPF' is not an executable (build it or set WATCHBPF)"
	finish
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/digest-vs-tool.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# One random pool; every test file is a prefix of it.
pool_size=$((20 * 1024 * 1024))
head -c "$pool_size" /dev/urandom >"$tmp/pool"

sizes=(0 1 4095 4096 4097)
# 1 KiB blocks: SHA-256 has 32 hashes per block, SHA-512 16, so new levels
# start past 16K/32K (2), 256K/1M (3) and 4M (4 with SHA-512). 4 KiB blocks:
# 128 and 64 hashes, so 256K/512K (2) and 16M (3 with SHA-512).
for edge in $((16 * 1024)) $((32 * 1024)) $((256 * 1024)) $((512 * 1024)) \
	    $((1024 * 1024)) $((4 * 1024 * 1024)) $((16 * 1024 * 1024)); do
	sizes+=($((edge - 1)) "$edge" $((edge + 1)))
done
# 3 levels at 1 KiB blocks with SHA-512 without sitting on an edge
sizes+=($((128 * 1024 * 3)) $((128 * 1024 * 3 + 517)))
echo "# random sizes from SEED=$SEED"
RANDOM=$SEED
for _ in 1 2 3 4; do
	sizes+=($(((RANDOM * 32768 + RANDOM) % pool_size + 1)))
done

files=()
for size in "${sizes[@]}"; do
	f="$tmp/f_$size"
	[ -e "$f" ] && continue
	head -c "$size" "$tmp/pool" >"$f"
	files+=("$f")
done
# Sparse, but not all zeroes, so a reader that skipped holes would differ.
truncate -s 1G "$tmp/sparse_1G"
printf 'watchbpf' | dd of="$tmp/sparse_1G" bs=1 seek=$((512 * 1024 * 1024 + 123)) \
	conv=notrunc status=none
files+=("$tmp/sparse_1G")

salt_short=deadbeef01
salt_max=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f

# Runs both tools over all files with one option set (concurrently: two
# cores), then compares per file.
compare() {
	local desc=$1
	shift
	local -A want=() got=()
	local dig path f name ours_rc tool_rc pid

	"$WATCHBPF" digest "$@" "${files[@]}" >"$tmp/ours.out" 2>"$tmp/ours.err" &
	pid=$!
	"$FSVERITY" digest "$@" "${files[@]}" >"$tmp/tool.out" 2>"$tmp/tool.err"
	tool_rc=$?
	wait "$pid"
	ours_rc=$?
	if [ "$tool_rc" -ne 0 ]; then
		fail "$desc: fsverity failed ($tool_rc): $(head -1 "$tmp/tool.err")"
		return
	fi
	[ "$ours_rc" -eq 0 ] || fail "$desc: exit $ours_rc: $(head -1 "$tmp/ours.err")"
	while read -r dig path; do want[$path]=$dig; done <"$tmp/tool.out"
	while read -r dig path; do got[$path]=$dig; done <"$tmp/ours.out"
	for f in "${files[@]}"; do
		name=${f#"$tmp/"}
		if [ "${got[$f]:-none}" = "${want[$f]:-none}" ]; then
			ok "$desc $name"
		else
			fail "$desc $name: want ${want[$f]:-none} got ${got[$f]:-none}"
		fi
	done
}

for bs in 1024 4096; do
	for alg in sha256 sha512; do
		compare "bs=$bs $alg" --block-size "$bs" --hash-alg "$alg"
		salt=$salt_short
		[ "$alg" = sha512 ] && salt=$salt_max
		compare "bs=$bs $alg salt=$salt" --block-size "$bs" --hash-alg "$alg" --salt "$salt"
	done
done
compare "defaults"
if [ "${DIGEST_TOOL_HUGE:-0}" = 1 ]; then
	# Past 4 GiB, with data past 4 GiB; default parameters only (slow).
	truncate -s $((5 * 1024 * 1024 * 1024 + 1)) "$tmp/sparse_5G"
	printf 'x' | dd of="$tmp/sparse_5G" bs=1 seek=$((4 * 1024 * 1024 * 1024 + 7)) \
		conv=notrunc status=none
	files=("$tmp/sparse_5G")
	compare "huge"
fi

# The command line around the digests: output format, exit codes.
out=$("$WATCHBPF" digest "$tmp/f_1" 2>/dev/null)
want_line=$("$FSVERITY" digest "$tmp/f_1")
if [ "$out" = "$want_line" ]; then
	ok "line format"
else
	fail "line format: want '$want_line' got '$out'"
fi
out=$("$WATCHBPF" digest "$tmp/f_1" "$tmp/missing" "$tmp/f_4096" 2>"$tmp/err")
rc=$?
lines=$(printf '%s\n' "$out" | grep -c .)
if [ "$rc" -eq 1 ] && [ "$lines" -eq 2 ] && grep -q "missing" "$tmp/err"; then
	ok "missing file: exit 1, other files still printed"
else
	fail "missing file: want exit 1 and 2 lines got exit $rc and $lines lines"
fi
for bad in "--block-size 512" "--block-size 3000" "--block-size 131072" "--block-size 4k" \
	   "--hash-alg md5" "--salt abc" "--salt zz" "--salt ${salt_max}00" "--bogus"; do
	# shellcheck disable=SC2086 # split the option from its value
	"$WATCHBPF" digest $bad "$tmp/f_1" >/dev/null 2>&1
	rc=$?
	if [ "$rc" -eq 2 ]; then
		ok "usage error: $bad"
	else
		fail "usage error: $bad: want exit 2 got $rc"
	fi
done
"$WATCHBPF" digest >/dev/null 2>&1
rc=$?
if [ "$rc" -eq 2 ]; then
	ok "usage error: no file"
else
	fail "usage error: no file: want exit 2 got $rc"
fi

finish
