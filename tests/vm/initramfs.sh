#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds the kernel-independent part of the test initramfs: busybox-static,
# watchbpf, bpftool, fsverity, keyctl and their shared libraries, and /init.
# Usage: initramfs.sh OUT.cpio.gz WATCHBPF_BINARY
set -euo pipefail
out=$1 watchbpf=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,mnt,run,etc,lib,lib64,root}
cp /bin/busybox "$root/bin/busybox"
# glibc's NSS needs these to name users in ls -l and id; harmless otherwise
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"

copy_with_libs() {
	local bin=$1 dest=$2 lib
	install -D -m 0755 "$bin" "$root$dest"
	for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*' || true); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
copy_with_libs "$watchbpf" /bin/watchbpf
copy_with_libs "$(command -v bpftool)" /bin/bpftool
copy_with_libs "$(command -v fsverity)" /bin/fsverity
copy_with_libs "$(command -v keyctl)" /bin/keyctl
# the libraries of the real loaders that stage.sh puts on the verity disk
for t in /usr/sbin/execsnoop /usr/sbin/opensnoop; do
	copy_with_libs "$t" /bin/$(basename "$t")
	rm "$root/bin/$(basename "$t")"
done
install -m 0755 "$here/init" "$root/init"

(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
