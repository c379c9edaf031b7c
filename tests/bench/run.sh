#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: runs the parts (digest, sign, log, vm: tests/bench/NAME.sh),
# each printing its measurements and the targets they are held to (none of
# them is a test), with the machine they ran on, into BUILD/bench; when all
# of them succeeded, that data goes to docs/benchmarks/ and
# tests/bench/report.sh writes docs/benchmarks.md and the plots from it.
#   BENCH_PARTS="digest sign log vm"  the parts to run (a report of fewer
#                                     says which were not measured)
#   KERNELS="6.12 sid"                the VM part's kernels
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}
build=$(cd "$top" && cd "$build" && pwd) || exit 1
export WATCHBPF=${WATCHBPF:-$build/watchbpf}
parts=${BENCH_PARTS:-digest sign log vm}
for p in $parts; do
	case $p in
	digest | sign | log | vm) ;;
	*) echo "bench: no part '$p' (digest, sign, log, vm)" >&2; exit 2 ;;
	esac
done
data=$build/bench
docs=$top/docs/benchmarks
rm -rf "$data"
mkdir -p "$data"
export BENCH_DATA=$data BUILD=$build

load() { cut -d' ' -f1-3 /proc/loadavg; }
{
	printf 'key\tvalue\n'
	printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
	printf 'commit\t%s\n' "$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)"
	printf 'cpu\t%s\n' "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
	printf 'cpus\t%s\n' "$(nproc)"
	printf 'memory_mib\t%s\n' "$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)"
	printf 'os\t%s\n' "$(. /etc/os-release && echo "$PRETTY_NAME")"
	printf 'host_kernel\t%s\n' "$(uname -r)"
	printf 'load_start\t%s\n' "$(load)"
} >"$data/machine.tsv"

rc=0
for p in $parts; do
	echo "== $p"
	bash "$here/$p.sh" || { echo "bench: $p failed" >&2; rc=1; }
done
printf 'load_end\t%s\nparts\t%s\n' "$(load)" "$(echo "$parts" | xargs)" >>"$data/machine.tsv"

if [ $rc != 0 ]; then
	bash "$here/report.sh" "$data" "$data/benchmarks.md" 2>/dev/null
	echo "bench: a part failed: docs/benchmarks.md left as it was; this run's data in $data" >&2
	exit 1
fi
mkdir -p "$docs"
rm -f "$docs"/*.tsv "$docs"/*.png
cp "$data"/*.tsv "$docs/"
bash "$here/report.sh" "$docs" "$top/docs/benchmarks.md" || exit 1
echo "bench: docs/benchmarks.md and docs/benchmarks/ written"
