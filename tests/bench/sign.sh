#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `watchbpf sign -r --out DIR` over 10,000 files of 4 KiB, with an RSA-2048
# and an ECDSA P-256 key. Target: under 5 s. Beside it, what fsverity-utils
# does for the same signatures (`fsverity sign`, one process per file, as a
# CI script would run it; over the first 500 files), and the machine's
# signing speed (`openssl speed`, signatures per CPU second of one core),
# the floor it sets: with RSA-2048 it is most of the time.
#
# A report, not a test: exit 0 unless signing fails.
#
#   WATCHBPF=path  binary (default build/watchbpf)   FILES=n  (10000)
#   FILES_TOOL=n   files fsverity signs (500)
#   TMPDIR=dir     where the files and signatures go (default /tmp)
#   BENCH_DATA=dir also write sign.tsv there

set -uo pipefail
W=${WATCHBPF:-build/watchbpf}
FSVERITY=${FSVERITY:-fsverity}
FILES=${FILES:-10000}
FILES_TOOL=${FILES_TOOL:-500}
data=${BENCH_DATA:-}

for tool in "$W" "$FSVERITY" openssl; do
	command -v "$tool" >/dev/null || { echo "sign bench: '$tool' not found" >&2; exit 1; }
done
# the work happens in a scratch directory
W=$(readlink -f "$(command -v "$W")")
FSVERITY=$(readlink -f "$(command -v "$FSVERITY")")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-sign.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

if ! openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa.key -out rsa.crt -subj /CN=bench \
	-days 2 >/dev/null 2>&1 ||
	! openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key \
		-out ec.crt -subj /CN=bench -days 2 >/dev/null 2>&1; then
	echo "sign bench: openssl req failed" >&2
	exit 1
fi
mkdir files
# one random stream cut into 4 KiB files: a second, not a loop of 10,000
head -c $((FILES * 4096)) /dev/urandom | (cd files && split -b 4096 -a 6 -d - f)
cat files/* >/dev/null

cpus=$(nproc)
load=$(cut -d' ' -f1 /proc/loadavg)
# File creation is part of the time, and file systems differ: ext4 with
# many inodes freed in the last minutes (a previous run's cleanup) creates
# files several times slower. TMPDIR=/dev/shm measures the tool alone.
echo "files: $FILES of 4 KiB on $(stat -f -c %T "$tmp") ($tmp); $cpus CPUs; load average $load"
[ -n "$data" ] && printf 'key\ttool\tsignatures\tseconds\n' >"$data/sign.tsv"
# row KEY TOOL N SECONDS: a line of sign.tsv
row() { [ -z "$data" ] || printf '%s\t%s\t%s\t%s\n' "$@" >>"$data/sign.tsv"; }
rc=0
for kind in rsa ec; do
	key=$([ $kind = rsa ] && echo RSA-2048 || echo "ECDSA P-256")
	t0=$(date +%s%N)
	if ! "$W" sign --key $kind.key --cert $kind.crt -r --out "sigs-$kind" files; then
		echo "sign bench: watchbpf sign failed" >&2
		rc=1
		continue
	fi
	t1=$(date +%s%N)
	n=$(find "sigs-$kind" -name '*.sig' | wc -l)
	[ "$n" = "$FILES" ] || { echo "sign bench: $n signatures for $FILES files" >&2; rc=1; }
	ours=$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.6f", ns / 1e9 }')
	row "$key" "watchbpf sign" "$n" "$ours"

	mkdir "tool-$kind"
	t0=$(date +%s%N)
	i=0
	for f in files/*; do
		[ $i -lt "$FILES_TOOL" ] || break
		i=$((i + 1))
		"$FSVERITY" sign "$f" "tool-$kind/${f#files/}.sig" --key=$kind.key --cert=$kind.crt \
			>/dev/null || { echo "sign bench: fsverity sign failed" >&2; rc=1; break; }
	done
	t1=$(date +%s%N)
	tn=$(find "tool-$kind" -name '*.sig' | wc -l)
	tool=$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.6f", ns / 1e9 }')
	row "$key" "fsverity sign" "$tn" "$tool"

	# "Doing 2048 bits private rsa's for 3s: 2613 2048 bits private RSA's
	# in 2.46s", "Doing 256 bits sign ecdsa's for 3s: 3668 256 bits ECDSA
	# signs in 2.13s": signatures in CPU seconds of one core
	alg=$([ $kind = rsa ] && echo rsa2048 || echo ecdsap256)
	read -r sn ss < <(openssl speed -seconds 3 "$alg" 2>&1 |
		awk '/^Doing .*(private rsa|sign ecdsa)/ { sub(/s$/, "", $NF); print $8, $NF }')
	if [ -n "${sn:-}" ] && [ -n "${ss:-}" ]; then
		row "$key" "openssl speed, 1 core, CPU time" "$sn" "$ss"
	else
		echo "sign bench: openssl speed $alg gave nothing" >&2
		rc=1
		sn=0 ss=1
	fi
	awk -v s="$ours" -v n="$n" -v tn="$tn" -v ts="$tool" -v sn="$sn" -v ss="$ss" \
		-v cpus="$cpus" -v key="$key" 'BEGIN {
		printf "  %-11s watchbpf %6.2f s  %6.0f signatures/s  (target < 5 s)  %s\n", key, s,
			n / s, s < 5 ? "PASS" : "MISS"
		printf "  %-11s fsverity sign, a process per file: %6.0f signatures/s\n", "", tn / ts
		if (sn > 0)
			printf "  %-11s signing alone: >= %.2f s (%.0f/s per core x %d)\n", "",
				n / (sn / ss * cpus), sn / ss, cpus
	}'
done
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
	echo "  note: the machine was busy (load $load): times are inflated"
fi
exit $rc
