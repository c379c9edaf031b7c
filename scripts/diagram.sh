#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Renders a graphviz source (docs/diagrams/NAME.dot) to SVG with dot and
# writes into the SVG the SHA-256 of the source it was made from:
#   <!-- source: docs/diagrams/NAME.dot sha256:HEX -->
# tests/unit/diagram.sh compares that with the source as it is, so a
# committed SVG cannot silently lag behind its .dot. (Comparing the SVG
# itself would fail across graphviz versions and installed fonts, which
# change its layout, not its meaning.)
# Usage: diagram.sh SOURCE.dot OUTPUT.svg
set -euo pipefail
[ $# = 2 ] || { echo "usage: diagram.sh SOURCE.dot OUTPUT.svg" >&2; exit 2; }
src=$1 out=$2
command -v dot >/dev/null || { echo "diagram.sh: dot not found (Debian: apt-get install graphviz)" >&2; exit 1; }
top=$(cd "$(dirname "$0")/.." && pwd)
# the source's path as the repository names it, wherever make runs from
rel=$(realpath --relative-to="$top" "$src")
sum=$(sha256sum "$src" | cut -d' ' -f1)
tmp=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmp"' EXIT
# the comment after the XML declaration and doctype, before <svg
dot -Tsvg "$src" | awk -v c="<!-- source: $rel sha256:$sum -->" '
	!done && /^<svg/ { print c; done = 1 }
	{ print }
	END { if (!done) exit 1 }' >"$tmp"
chmod 0644 "$tmp"
mv "$tmp" "$out"
trap - EXIT
