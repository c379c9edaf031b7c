#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# docs/diagrams/*.svg in step with their graphviz sources, and the data-flow
# diagram in step with bpf/: every SVG names the SHA-256 of the .dot it was
# made from (scripts/diagram.sh) and that is the .dot's now; every LSM hook
# (SEC("lsm/..."), SEC("lsm.s/...")) and iterator of bpf/ is in
# dataflow.dot, in the box of the file that holds it, and in the SVG.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$top/docs/diagrams
dotsrc=$dir/dataflow.dot
svg=$dir/dataflow.svg
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

# ---- every SVG is made from its .dot as it is -------------------------------
n=0
for src in "$dir"/*.dot; do
	[ -e "$src" ] || continue
	n=$((n + 1))
	name=docs/diagrams/$(basename "$src")
	out=${src%.dot}.svg
	want="<!-- source: $name sha256:$(sha256sum "$src" | cut -d' ' -f1) -->"
	if [ ! -f "$out" ]; then
		bad "$name has its SVG" "no ${out#"$top"/}: make diagrams"
	elif ! grep -Fxq -- "$want" "$out"; then
		bad "${out#"$top"/} is made from $name as it is" \
			"want: $want" "has:  $(grep -m1 '^<!-- source:' "$out" || echo none)" "make diagrams"
	else
		ok "${out#"$top"/} is made from $name as it is"
	fi
done
[ "$n" -gt 0 ] || bad "docs/diagrams has a graphviz source" "none found"

if python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$svg" 2>"$tmp/err"; then
	ok "dataflow.svg is well-formed XML"
else
	bad "dataflow.svg is well-formed XML" "$(cat "$tmp/err")"
fi

# ---- the hooks of bpf/ ---------------------------------------------------------
# FILE HOOK lines: the section names of bpf/'s programs
grep -o 'SEC("\(lsm\|lsm\.s\|iter\)/[a-z_0-9]*")' "$top"/bpf/*.c "$top"/bpf/*.h |
	sed -E 's|^.*/bpf/([^:]*):SEC\("(lsm\|lsm\.s)/([a-z_0-9]*)"\)$|\1 \3|; s|^.*/bpf/([^:]*):SEC\("(iter/[a-z_0-9]*)"\)$|\1 \2|' |
	sort -u >"$tmp/hooks"
nh=$(wc -l <"$tmp/hooks")
if [ "$nh" -lt 30 ]; then
	bad "bpf/'s hooks found" "only $nh:" "$(cat "$tmp/hooks")"
else
	ok "bpf/'s hooks found ($nh)"
fi

# word match: a hook name with neither a letter, a digit nor '_' beside it
has_word() { grep -Eq "(^|[^A-Za-z0-9_/])$2([^A-Za-z0-9_]|\$)" "$1"; }

missing=$(while read -r file hook; do has_word "$dotsrc" "$hook" || echo "$file: $hook"; done <"$tmp/hooks")
if [ -n "$missing" ]; then
	bad "every hook of bpf/ is in dataflow.dot" "$missing"
else
	ok "every hook of bpf/ is in dataflow.dot"
fi

# the box of FILE: the node whose label starts with <b>FILE</b>, to its ']'
misplaced=$(while read -r file hook; do
	awk -v f="<b>$file</b>" 'index($0, f) { on = 1 } on { print } on && /\]/ { exit }' \
		"$dotsrc" >"$tmp/box"
	if [ ! -s "$tmp/box" ]; then
		echo "$file: no box"
	elif ! has_word "$tmp/box" "$hook"; then
		echo "$file: $hook is not in its box"
	fi
done <"$tmp/hooks")
if [ -n "$misplaced" ]; then
	bad "each hook is in the box of the file that holds it" "$misplaced"
else
	ok "each hook is in the box of the file that holds it"
fi

missing=$(while read -r file hook; do has_word "$svg" "$hook" || echo "$file: $hook"; done <"$tmp/hooks")
if [ -n "$missing" ]; then
	bad "every hook of bpf/ is drawn in dataflow.svg" "$missing"
else
	ok "every hook of bpf/ is drawn in dataflow.svg"
fi

# ---- the way to make them ----------------------------------------------------------
if grep -q '^diagrams:' "$top/Makefile"; then
	ok "make diagrams exists"
else
	bad "make diagrams exists" "no 'diagrams:' target in the Makefile"
fi
# the generator writes the line the first check wants (where dot is)
if command -v dot >/dev/null; then
	want="<!-- source: docs/diagrams/dataflow.dot sha256:$(sha256sum "$dotsrc" | cut -d' ' -f1) -->"
	if bash "$top/scripts/diagram.sh" "$dotsrc" "$tmp/again.svg" 2>"$tmp/err" &&
		grep -Fxq -- "$want" "$tmp/again.svg" && grep -q '^<svg' "$tmp/again.svg"; then
		ok "scripts/diagram.sh renders dataflow.dot and names its source"
	else
		bad "scripts/diagram.sh renders dataflow.dot and names its source" \
			"$(cat "$tmp/err")" "$(grep -m1 '^<!-- source:' "$tmp/again.svg" 2>/dev/null || true)"
	fi
fi

echo "diagram: $passed passed, $failed failed"
[ "$failed" = 0 ]
