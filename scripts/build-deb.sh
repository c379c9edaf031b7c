#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds watchbpf's Debian package from a clean copy of the files git knows
# in this working tree (tracked ones as they are now, uncommitted changes
# included, and new files that are not ignored), puts watchbpf_*.deb into
# OUTDIR, prints its path, and fails when lintian reports an error.
# Usage: build-deb.sh OUTDIR
# The build is skipped when the inputs (those files, their modes, and the
# versions of the Build-Depends installed) hash to what built the .deb
# already in OUTDIR. OUTDIR also gets build.log and lintian.txt.
# DEB_BUILD_OPTIONS: as given; unset, "nocheck" (the C unit tests that
# debian/rules runs are a part of `make test` already).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
[ $# = 1 ] || { echo "usage: build-deb.sh OUTDIR" >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd)

log() { printf 'build-deb: %s\n' "$*" >&2; }

# one build at a time into OUTDIR: the host suite's kernels may ask at once
exec 9>"$out/.lock"
flock 9

cd "$top"
list=$(mktemp)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$list"' EXIT
# tracked files deleted in the working tree are not inputs
git ls-files -co --exclude-standard -z |
	while IFS= read -r -d '' f; do if [ -e "$f" ]; then printf '%s\0' "$f"; fi; done >"$list"
# Build-Depends' package names, whatever their version constraints
deps=$(sed -n '/^Build-Depends:/,/^[^ ]/p' debian/control | sed -e 's/^Build-Depends://' |
	tr ',' '\n' | sed -n 's/^[[:space:]]*\([a-z0-9][a-z0-9.+-]*\).*/\1/p' | grep -v '^debhelper-compat$' || true)
# shellcheck disable=SC2086 # a word list
key=$({
	xargs -0 sha256sum <"$list"
	xargs -0 stat -c '%a %n' <"$list"
	dpkg-query -W $deps 2>&1 || true
	echo "${DEB_BUILD_OPTIONS-nocheck} ${VMLINUX_BTF:-}"
} | sha256sum | cut -c1-16)

stamp=$out/watchbpf-deb.key
if [ -f "$stamp" ] && read -r k deb <"$stamp" && [ "$k" = "$key" ] && [ -f "$out/$deb" ]; then
	echo "$out/$deb"
	exit 0
fi

src=$tmp/watchbpf
mkdir -p "$src"
tar -cf - --null --no-recursion -T "$list" | tar -xf - -C "$src"
log "building in $src (log: $out/build.log)"
start=$(date +%s)
export DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS-nocheck}
# -J: parallel=N in DEB_BUILD_OPTIONS, which debian/rules passes to make
if ! (cd "$src" && dpkg-buildpackage -us -uc -b -J"$(nproc)") >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	log "dpkg-buildpackage failed (log: $out/build.log)"
	exit 1
fi
debs=("$tmp"/watchbpf_*.deb)
if [ ${#debs[@]} != 1 ] || [ ! -f "${debs[0]}" ]; then
	log "no single watchbpf_*.deb: ${debs[*]}"
	exit 1
fi
deb=$(basename "${debs[0]}")
# one package in OUTDIR, so that ./watchbpf_*.deb names it
rm -f "$stamp" "$out"/watchbpf_*.deb
cp "${debs[0]}" "$out/$deb"
log "built $deb in $(($(date +%s) - start))s"

# lintian's errors fail the build; its warnings and notes are shown
rc=0
lintian --allow-root --fail-on error --display-info "$out/$deb" >"$out/lintian.txt" 2>&1 || rc=$?
sed 's/^/lintian: /' "$out/lintian.txt" >&2
if [ $rc != 0 ]; then
	log "lintian failed (exit $rc): $out/lintian.txt"
	exit 1
fi
echo "$key $deb" >"$stamp"
echo "$out/$deb"
