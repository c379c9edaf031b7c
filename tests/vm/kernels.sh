#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fetches the test kernels into the cache and prints one directory per kernel
# (vmlinuz, virtio_blk.ko, release, and modules/: the kernel's whole
# lib/modules/RELEASE tree, for tests/host/).  Usage: kernels.sh [NAME...]
#   6.12  newest linux-image-6.12.*-cloud-amd64-unsigned of bookworm(-backports)
#   sid   newest cloud kernel of sid (7.x, split linux-binary/linux-modules)
# Downloads happen once; later runs use the cache ($WATCHBPF_CACHE).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/apt-mirror.sh"

CACHE=${WATCHBPF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/watchbpf}
mkdir -p "$CACHE/kernels"

log() { printf 'kernels: %s\n' "$*" >&2; }

# apt with a private state directory for sid, so the host's apt is untouched.
sid_apt() {
	local d="$CACHE/apt-sid" mirror
	mkdir -p "$d/lists/partial" "$d/archives/partial" "$d/prefs"
	touch "$d/status"
	if [ ! -s "$d/sources.list" ]; then
		mirror=$(debian_mirror) || { log "no Debian source in /etc/apt"; return 1; }
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror sid main" \
			>"$d/sources.list"
	fi
	apt-get -q -o Dir::State="$d" -o Dir::State::Lists="$d/lists" \
		-o Dir::State::status="$d/status" -o Dir::Cache="$d" \
		-o Dir::Cache::archives="$d/archives" \
		-o Dir::Etc::SourceList="$d/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts="$d/prefs" \
		-o APT::Architecture=amd64 -o APT::Sandbox::User=root "$@"
}
sid_cache() { local d="$CACHE/apt-sid"; apt-cache -o Dir::State="$d" \
	-o Dir::State::Lists="$d/lists" -o Dir::State::status="$d/status" \
	-o Dir::Cache="$d" -o Dir::Etc::SourceList="$d/sources.list" \
	-o Dir::Etc::SourceParts=/dev/null -o APT::Architecture=amd64 "$@"; }

# Lists refreshed at most once a day: a run must not depend on the network
# when the cache already holds a kernel.
fresh() { [ -n "$(find "$1" -maxdepth 0 -mmin -1440 2>/dev/null)" ]; }

# unpack DEB... into kernel dir $1 (release $2)
unpack() {
	local out=$1 rel=$2 tmp vmlinuz ko mods
	shift 2
	tmp=$(mktemp -d)
	for deb in "$@"; do dpkg-deb -x "$deb" "$tmp"; done
	vmlinuz=$(find "$tmp" \( -name "vmlinuz-$rel" -o -name 'vmlinuz.unsigned' -o -name vmlinuz \) -type f | head -1)
	ko=$(find "$tmp" -name 'virtio_blk.ko*' | head -1)
	[ -n "$vmlinuz" ] && [ -n "$ko" ] || { log "no vmlinuz/virtio_blk in $*"; rm -rf "$tmp"; return 1; }
	mkdir -p "$out.new"
	cp "$vmlinuz" "$out.new/vmlinuz"
	case "$ko" in
	*.xz) xz -dc "$ko" >"$out.new/virtio_blk.ko" ;;
	*.zst) zstd -qdc "$ko" >"$out.new/virtio_blk.ko" ;;
	*) cp "$ko" "$out.new/virtio_blk.ko" ;;
	esac
	echo "$rel" >"$out.new/release"
	# The whole module tree, for the Debian host of tests/host/, which
	# boots with systemd and loads what it needs: the files as packaged
	# (kmod reads compressed modules), modules.builtin (without it modprobe
	# fails on what is built in) and the indexes modprobe reads, which
	# Debian makes at install time: depmod here (merged /usr or not).
	mods=$(find "$tmp" -path "*/lib/modules/$rel" -type d | head -1)
	if [ -z "$mods" ] || [ ! -f "$mods/modules.builtin" ]; then
		log "no lib/modules/$rel/modules.builtin in $*"; rm -rf "$tmp" "$out.new"; return 1
	fi
	# sid's linux-binary puts the kernel there: it is ./vmlinuz already
	rm -f "$mods/vmlinuz.unsigned"
	command -v depmod >/dev/null || PATH=$PATH:/usr/sbin:/sbin
	if ! command -v depmod >/dev/null; then
		log "installing kmod (depmod)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kmod >/dev/null
	fi
	depmod -b "${mods%/lib/modules/"$rel"}" "$rel" ||
		{ log "depmod failed for $rel"; rm -rf "$tmp" "$out.new"; return 1; }
	mv "$mods" "$out.new/modules"
	# a cached kernel refetched for modules/ may be in use by another run:
	# swap by renames, so it is never missing for longer than that
	[ ! -d "$out" ] || mv "$out" "$out.old.$$"
	mv "$out.new" "$out"
	rm -rf "$tmp" "$out.old.$$"
}

fetch_612() {
	local pkg rel dir
	pkg=$(apt-cache pkgnames linux-image-6.12 | grep -E '^linux-image-6\.12\.[0-9]+.*-cloud-amd64-unsigned$' | sort -V | tail -1 || true)
	if [ -z "$pkg" ]; then
		# the lists may predate the package: refresh once
		apt-get update -qq >&2 || true
		pkg=$(apt-cache pkgnames linux-image-6.12 | grep -E '^linux-image-6\.12\.[0-9]+.*-cloud-amd64-unsigned$' | sort -V | tail -1 || true)
	fi
	if [ -z "$pkg" ]; then
		dir=$(ls -d "$CACHE"/kernels/6.12.* 2>/dev/null | sort -V | tail -1)
		[ -n "$dir" ] || { log "no linux-image-6.12.*-cloud-amd64-unsigned in apt (bookworm-backports enabled? run scripts/deps.sh)"; return 1; }
		echo "$dir"; return
	fi
	rel=${pkg#linux-image-}; rel=${rel%-unsigned}
	dir="$CACHE/kernels/$rel"
	# a cache older than modules/ is fetched again
	if [ ! -f "$dir/vmlinuz" ] || [ ! -f "$dir/modules/modules.builtin" ]; then
		log "downloading $pkg"
		local dl; dl=$(mktemp -d)
		(cd "$dl" && apt-get download -q "$pkg" >&2 2>/dev/null) ||
			(cd "$dl" && apt-get -o APT::Sandbox::User=root download -q "$pkg" >&2)
		unpack "$dir" "$rel" "$dl"/*.deb
		rm -rf "$dl"
	fi
	echo "$dir"
}

fetch_sid() {
	local bin mods rel dir d="$CACHE/apt-sid"
	if ! fresh "$d/lists/lock" || [ -z "$(ls "$d/lists" 2>/dev/null | grep Packages)" ]; then
		sid_apt update -qq >&2 || log "sid lists not refreshed (offline?)"
		touch "$d/lists/lock" 2>/dev/null || true
	fi
	bin=$(sid_cache pkgnames linux-binary-unsigned- 2>/dev/null | grep -E -- '-cloud-amd64$' | sort -V | tail -1 || true)
	if [ -z "$bin" ]; then
		dir=$(ls -d "$CACHE"/kernels/[7-9].* 2>/dev/null | sort -V | tail -1)
		[ -n "$dir" ] || { log "no sid cloud kernel found"; return 1; }
		echo "$dir"; return
	fi
	rel=${bin#linux-binary-unsigned-}
	# linux-base-*: modules.builtin and modules.order of the module tree
	mods="linux-modules-$rel linux-base-$rel"
	dir="$CACHE/kernels/$rel"
	if [ ! -f "$dir/vmlinuz" ] || [ ! -f "$dir/modules/modules.builtin" ]; then
		log "downloading $bin $mods"
		local dl; dl=$(mktemp -d)
		# shellcheck disable=SC2086 # two package names
		(cd "$dl" && sid_apt download -q "$bin" $mods >&2)
		unpack "$dir" "$rel" "$dl"/*.deb
		rm -rf "$dl"
	fi
	echo "$dir"
}

names=${*:-${KERNELS:-6.12 sid}}
for k in $names; do
	case "$k" in
	6.12) fetch_612 ;;
	sid | 7 | 7.*) fetch_sid ;;
	*) log "unknown kernel '$k' (known: 6.12 sid)"; exit 2 ;;
	esac
done
