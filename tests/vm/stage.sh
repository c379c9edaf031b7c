#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Stages the test disk's content into DIR: the guest test library, the
# scenarios (all, or those whose name contains one of $SCENARIOS' words),
# test loaders and BPF objects. Usage: stage.sh DIR BUILD_DIR
set -euo pipefail
dir=$1 build=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$dir"
mkdir -p "$dir/bin" "$dir/bpf" "$dir/scenarios"
cp "$here/lib.sh" "$dir/lib.sh"
cp "$here/guest-main.sh" "$dir/scenario.sh"
for s in "$here"/scenarios/*.sh; do
	if [ -n "${SCENARIOS:-}" ]; then
		keep=0
		for w in $SCENARIOS; do case "$(basename "$s")" in *"$w"*) keep=1 ;; esac; done
		[ $keep = 1 ] || continue
	fi
	cp "$s" "$dir/scenarios/"
done
for p in "$build"/progs/*; do
	case "$p" in
	*.bpf.o) cp "$p" "$dir/bpf/" ;;
	*) cp "$p" "$dir/bin/" ;;
	esac
done
# Imposter Alice: the same program with one byte changed
LC_ALL=C sed 's/ALICE-BUILD-TAG-0/ALICE-BUILD-TAG-1/' "$dir/bin/alice" >"$dir/bin/imposter"
chmod +x "$dir/bin/imposter"
cmp -s "$dir/bin/alice" "$dir/bin/imposter" && { echo "stage.sh: imposter equals alice" >&2; exit 1; }
[ "$(cmp -l "$dir/bin/alice" "$dir/bin/imposter" | wc -l)" = 1 ] ||
	{ echo "stage.sh: imposter must differ from alice in exactly one byte" >&2; exit 1; }
