#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The decision log's speed: records/s through the writer (formatting, hashing,
# write(), signing), then `log verify` and `log summary` over a 1 GB log, held
# to 200 MB/s. Throughput is wall-clock; CPU-time throughput is printed too,
# as a shared machine's wall clock also measures its neighbours.
#
# LOG_BENCH_BYTES (default 1e9) sizes the big log; TMPDIR says where it goes.
set -uo pipefail
W=${WATCHBPF:-build/watchbpf}
size=${LOG_BENCH_BYTES:-1000000000}
target=200
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/k.pem" \
	-out "$tmp/c.pem" -subj /CN=bench -days 30 2>/dev/null || exit 1

# run VAR CMD...: runs CMD (stdout discarded), sets VAR_wall and VAR_cpu (s)
run() {
	local var=$1 t0 t1 u0 u1
	shift
	t0=$(date +%s.%N)
	u0=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
	"$@" >/dev/null || rc=1
	t1=$(date +%s.%N)
	u1=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
	printf -v "${var}_wall" '%s' "$(echo "$t1 - $t0" | bc -l)"
	printf -v "${var}_cpu" '%s' "$(echo "($u1 - $u0) / $(getconf CLK_TCK)" | bc -l)"
}

mbs() { echo "scale=1; $1 / 1000000 / $2" | bc -l; }

verdict() {
	if [ "$(echo "$1 >= $target" | bc -l)" = 1 ]; then echo PASS; else echo MISS; fi
}

echo "writer: 200000 records into a JSON file, signed checkpoints every 1000"
"$W" log generate 200000 "$tmp/w.log" --sign-key "$tmp/k.pem" --stats 2>&1 | sed 's/^generate: /  /' || rc=1
lines=$(wc -l <"$tmp/w.log")
bytes=$(stat -c %s "$tmp/w.log")
per_line=$((bytes / lines))

n=$((size / per_line))
echo "building a $((size / 1000000)) MB log ($n records of ~$per_line bytes)"
run gen "$W" log generate "$n" "$tmp/big.log" --sign-key "$tmp/k.pem"
big=$(stat -c %s "$tmp/big.log")
printf '  %.1f s, %.0f records/s\n' "$gen_wall" "$(echo "$n / $gen_wall" | bc -l)"
cat "$tmp/big.log" >/dev/null # from the page cache from here on, like a warm re-read

run ver "$W" log verify --cert "$tmp/c.pem" "$tmp/big.log"
v=$(mbs "$big" "$ver_wall")
printf 'log verify:  %6.1f MB/s (%.2f s; %.1f MB/s of CPU time)  target >= %d MB/s: %s\n' \
	"$v" "$ver_wall" "$(mbs "$big" "$ver_cpu")" "$target" "$(verdict "$v")"

run sum "$W" log summary "$tmp/big.log"
s=$(mbs "$big" "$sum_wall")
printf 'log summary: %6.1f MB/s (%.2f s; %.1f MB/s of CPU time)  target >= %d MB/s: %s\n' \
	"$s" "$sum_wall" "$(mbs "$big" "$sum_cpu")" "$target" "$(verdict "$s")"

run show "$W" log show --action Denied "$tmp/big.log"
printf 'log show --action Denied: %.1f MB/s (%.2f s)\n' "$(mbs "$big" "$show_wall")" "$show_wall"

head -n $((200000000 / per_line)) "$tmp/big.log" >"$tmp/part.log"
part=$(stat -c %s "$tmp/part.log")
gzip -1 "$tmp/part.log"
run gz "$W" log summary "$tmp/part.log.gz"
printf 'log summary of a .gz: %.1f MB/s of log (%.2f s for %d MB)\n' \
	"$(mbs "$part" "$gz_wall")" "$gz_wall" $((part / 1000000))
exit $rc
