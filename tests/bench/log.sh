#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The decision log's speed: records/s through the writer (formatting, hashing,
# write(), signing), then `log verify` and `log summary` over a 1 GB log, held
# to 200 MB/s. Throughput is wall-clock; CPU-time throughput is printed too,
# as a shared machine's wall clock also measures its neighbours.
#
# LOG_BENCH_BYTES (default 1e9) sizes the big log; TMPDIR says where it goes.
# BENCH_DATA=dir also writes log.tsv there.
set -uo pipefail
W=${WATCHBPF:-build/watchbpf}
size=${LOG_BENCH_BYTES:-1000000000}
data=${BENCH_DATA:-}
target=200
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/k.pem" \
	-out "$tmp/c.pem" -subj /CN=bench -days 30 2>/dev/null || exit 1

# the CPU time of this shell's children so far, in clock ticks
ticks() { awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat; }

# run CMD...: runs CMD (stdout discarded); sets wall and cpu (s)
run() {
	local t0 t1 u0 u1
	t0=$(date +%s%N)
	u0=$(ticks)
	"$@" >/dev/null || { echo "log bench: $* failed" >&2; rc=1; }
	t1=$(date +%s%N)
	u1=$(ticks)
	wall=$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.6f", ns / 1e9 }')
	cpu=$(awk -v t=$((u1 - u0)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }')
}

# rates WHAT RECORDS BYTES: the last run's rates, held to the target, and
# its row of log.tsv
rates() {
	[ -z "$data" ] || printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$wall" "$cpu" >>"$data/log.tsv"
	awk -v what="$1:" -v n="$2" -v b="$3" -v w="$wall" -v c="$cpu" -v target="$target" 'BEGIN {
		mbs = b / 1e6 / w
		printf "%-27s %9.0f records/s %7.1f MB/s (%.2f s; %.1f MB/s of CPU time)", what,
			n / w, mbs, w, (c > 0 ? b / 1e6 / c : 0)
		if (what ~ /^log (verify|summary):$/)
			printf "  target >= %d MB/s: %s", target, (mbs >= target ? "PASS" : "MISS")
		printf "\n" }'
}

[ -z "$data" ] || printf 'what\trecords\tbytes\tseconds\tcpu_seconds\n' >"$data/log.tsv"
echo "writer: 200000 records into a JSON file, signed checkpoints every 1000"
"$W" log generate 200000 "$tmp/w.log" --sign-key "$tmp/k.pem" --stats 2>&1 | sed 's/^generate: /  /' || rc=1
lines=$(wc -l <"$tmp/w.log")
bytes=$(stat -c %s "$tmp/w.log")
per_line=$((bytes / lines))

n=$((size / per_line))
echo "a $((size / 1000000)) MB log ($n records of ~$per_line bytes), signed checkpoints every 1000"
run "$W" log generate "$n" "$tmp/big.log" --sign-key "$tmp/k.pem"
big=$(stat -c %s "$tmp/big.log")
records=$(wc -l <"$tmp/big.log") # lines: decisions and checkpoints, each a record
rates "writer (log generate)" "$records" "$big"
cat "$tmp/big.log" >/dev/null # from the page cache from here on, like a warm re-read

run "$W" log verify --cert "$tmp/c.pem" "$tmp/big.log"
rates "log verify" "$records" "$big"
run "$W" log summary "$tmp/big.log"
rates "log summary" "$records" "$big"
run "$W" log show --action Denied "$tmp/big.log"
rates "log show --action Denied" "$records" "$big"

head -n $((200000000 / per_line)) "$tmp/big.log" >"$tmp/part.log"
part=$(stat -c %s "$tmp/part.log")
part_n=$(wc -l <"$tmp/part.log")
gzip -1 "$tmp/part.log"
run "$W" log summary "$tmp/part.log.gz"
rates "log summary of a .gz" "$part_n" "$part"
exit $rc
