#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `watchbpf sign -r --out DIR` over 10,000 files of 4 KiB, with an RSA-2048
# and an ECDSA P-256 key. Target: under 5 s. For scale, the floor the
# machine's signing speed sets (`openssl speed`, times the CPUs) is printed
# too: with RSA-2048 it is most of the time.
#
# A report, not a test: exit 0 unless signing fails.
#
#   WATCHBPF=path  binary (default build/watchbpf)   FILES=n  (10000)
#   TMPDIR=dir     where the files and signatures go (default /tmp)

set -uo pipefail
W=${WATCHBPF:-build/watchbpf}
FILES=${FILES:-10000}

command -v "$W" >/dev/null || { echo "sign bench: '$W' not found" >&2; exit 1; }
# the work happens in a scratch directory
W=$(readlink -f "$(command -v "$W")")
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
rc=0
for kind in rsa ec; do
	t0=$(date +%s%N)
	if ! "$W" sign --key $kind.key --cert $kind.crt -r --out "sigs-$kind" files; then
		echo "sign bench: watchbpf sign failed" >&2
		rc=1
		continue
	fi
	t1=$(date +%s%N)
	n=$(find "sigs-$kind" -name '*.sig' | wc -l)
	[ "$n" = "$FILES" ] || { echo "sign bench: $n signatures for $FILES files" >&2; rc=1; }
	alg=$([ $kind = rsa ] && echo rsa2048 || echo ecdsap256)
	# "rsa 2048 bits 0.000684s 0.000020s 1462.1 51047.3": sign/s is $6;
	# "256 bits ecdsa (nistp256) 0.0000s 0.0001s 41008.3 14380.8": $7
	rate=$(openssl speed -seconds 1 "$alg" 2>/dev/null |
		awk '/^rsa 2048/ { print $6 } /nistp256/ { print $7 }' | tail -1)
	awk -v us=$(((t1 - t0) / 1000)) -v n="$FILES" -v rate="${rate:-0}" -v cpus="$cpus" \
		-v kind="$kind" 'BEGIN {
		s = us / 1e6
		printf "  %-5s %6.2f s  %6.0f files/s  (target < 5 s)  %s", kind, s, n / s,
			s < 5 ? "PASS" : "MISS"
		if (rate > 0)
			printf "   signing alone: >= %.2f s (%.0f/s per core x %d)", n / (rate * cpus),
				rate, cpus
		printf "\n"
	}'
done
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
	echo "  note: the machine was busy (load $load): times are inflated"
fi
exit $rc
