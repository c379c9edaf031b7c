#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `watchbpf digest` against `fsverity digest`, files in the page cache, from
# 4 KiB to 256 MiB (x4 steps) and 1 GiB; small files many to a run (up to
# 4096 or 64 MiB), so a process start does not stand for the hashing. And
# what SHA-256 allows on this machine: the single-core speed `openssl speed`
# measures (16 KiB blocks, as the leaf level hashes 4 KiB ones back to back)
# times the CPUs we may use. Targets, on the 1 GiB file: at least 1.8x faster
# than fsverity, and within 1.3x of that limit.
#
# A report, not a test: exit 0 unless a tool fails or the two disagree.
#
#   WATCHBPF=path  binary (default build/watchbpf)   RUNS=n  best of n (3)
#   SIZES="bytes..." the file sizes (4 KiB .. 256 MiB, 1 GiB)
#   BENCH_DATA=dir  also write digest.tsv and sha256-speed.tsv there

set -uo pipefail
W=${WATCHBPF:-build/watchbpf}
FSVERITY=${FSVERITY:-fsverity}
RUNS=${RUNS:-3}
SIZES=${SIZES:-$(for s in 12 14 16 18 20 22 24 26 28 30; do echo $((1 << s)); done)}
data=${BENCH_DATA:-}

for tool in "$W" "$FSVERITY" openssl; do
	command -v "$tool" >/dev/null || { echo "digest bench: '$tool' not found" >&2; exit 1; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-digest.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# best TOOL...: the fastest of RUNS runs, in seconds; the output in $tmp/out
best() {
	local b="" t0 t1 s
	for _ in $(seq "$RUNS"); do
		t0=$(date +%s%N)
		"$@" >"$tmp/out" || return 1
		t1=$(date +%s%N)
		s=$(((t1 - t0) / 1000))
		if [ -z "$b" ] || [ "$s" -lt "$b" ]; then b=$s; fi
	done
	awk -v us="$b" 'BEGIN { printf "%.6f", us / 1e6 }'
}

cpus=$(nproc)
echo "files in the page cache; $cpus CPUs; best of $RUNS runs;" \
	"load average $(cut -d' ' -f1 /proc/loadavg)"
printf '  %10s %5s %12s %12s %8s\n' size files watchbpf fsverity speedup
[ -n "$data" ] && printf 'size_bytes\tfiles\ttool\tseconds\n' >"$data/digest.tsv"
ours="" tool=""
for size in $SIZES; do
	files=$(((64 << 20) / size))
	[ "$files" -gt 4096 ] && files=4096
	[ "$files" -lt 1 ] && files=1
	rm -rf "$tmp/d"
	mkdir "$tmp/d"
	# Random content, so that no shortcut for zero blocks applies; AES-CTR
	# makes it at memory speed where /dev/urandom would take seconds.
	openssl enc -aes-128-ctr -nosalt -pass pass:watchbpf-bench -in /dev/zero 2>/dev/null |
		head -c $((files * size)) | (cd "$tmp/d" && split -b "$size" -a 4 -d - f)
	cat "$tmp"/d/f* >/dev/null # into the page cache
	ours=$(best "$W" digest "$tmp"/d/f*) || { echo "digest bench: watchbpf digest failed" >&2; exit 1; }
	cut -d' ' -f1 "$tmp/out" >"$tmp/ours"
	tool=$(best "$FSVERITY" digest "$tmp"/d/f*) || { echo "digest bench: fsverity digest failed" >&2; exit 1; }
	if ! cut -d' ' -f1 "$tmp/out" | cmp -s - "$tmp/ours"; then
		echo "digest bench: the digests of the $size-byte files differ" >&2
		exit 1
	fi
	awk -v size="$size" -v n="$files" -v o="$ours" -v t="$tool" 'BEGIN {
		mb = size * n / 1e6
		printf "  %10d %5d %7.0f MB/s %7.0f MB/s %7.2fx\n", size, n, mb / o, mb / t, t / o }'
	if [ -n "$data" ]; then
		printf '%s\t%s\twatchbpf digest\t%s\n%s\t%s\tfsverity digest\t%s\n' \
			"$size" "$files" "$ours" "$size" "$files" "$tool" >>"$data/digest.tsv"
	fi
done
rm -rf "$tmp/d"

# "sha256  123456.78k": thousands of bytes per second, one core
per_core=$(openssl speed -evp sha256 -bytes 16384 -seconds 3 2>/dev/null |
	awk '$1 == "sha256" { sub(/k$/, "", $2); print $2 * 1000 }')
[ -n "$per_core" ] || { echo "digest bench: openssl speed gave nothing" >&2; exit 1; }
if [ -n "$data" ]; then
	printf 'block_bytes\tbytes_per_s_one_core\tcpus\n16384\t%s\t%s\n' "$per_core" "$cpus" \
		>"$data/sha256-speed.tsv"
fi

# the targets, on the largest file
awk -v ours="$ours" -v tool="$tool" -v bytes="$size" -v core="$per_core" -v cpus="$cpus" '
function verdict(ok) { return ok ? "PASS" : "MISS" }
BEGIN {
	limit = core * cpus
	limit_t = bytes / limit
	printf "%d MiB:\n", bytes / 1048576
	printf "  speedup over fsverity %5.2fx  (target >= 1.8x)  %s\n", tool / ours,
		verdict(tool / ours >= 1.8)
	printf "  SHA-256 limit     %7.3f s  %6.2f GB/s (%.2f GB/s per core x %d)\n",
		limit_t, limit / 1e9, core / 1e9, cpus
	printf "  of the limit      %7.2f   (our time %.2fx the limit'"'"'s; target <= 1.3x)  %s\n",
		limit_t / ours, ours / limit_t, verdict(ours <= 1.3 * limit_t)
}'
load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
	echo "  note: the machine was busy (load $load): times are inflated"
fi
