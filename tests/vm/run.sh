#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boots one test kernel under qemu with the test initramfs and an ext4 disk
# (fs-verity enabled) holding DISK_DIR, runs DISK_DIR/scenario.sh and copies
# the console to LOG.  Exit status: the scenario's, or 124 when no boot
# reached the scenario in 3 tries or the scenario hung.
# Usage: run.sh KERNEL_DIR INITRAMFS DISK_DIR LOG [TIMEOUT_SECONDS]
# WBVM_APPEND adds to the kernel command line (e.g. lsm=...).
# WBVM_ICOUNT=1 runs the guest clock on instructions executed (1 ns each):
# deterministic costs for benchmarks, where the wall clock of software
# emulation swings by tens of percent.
set -uo pipefail
kdir=$1 initrd=$2 disk_dir=$3 log=$4 timeout=${5:-300}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# WBVM_KEEP_DISK=FILE keeps the disk image after the run (to read results)
keep_disk=${WBVM_KEEP_DISK:-}

# the per-kernel part: virtio_blk.ko, appended as a second cpio archive
mkdir -p "$work/m/lib/modules"
cp "$kdir/virtio_blk.ko" "$work/m/lib/modules/"
# Modules the scenarios load, with what they depend on (modules.dep), in
# the order to insmod them (lib/modules/extra.order): overlayfs, for
# measured identity under container images; nf_conntrack, whose kfuncs are
# the tests' kfuncs from module BTF.
unpack_ko() {
	case "$1" in
	*.xz) xz -dc "$1" ;;
	*.zst) zstd -qdc "$1" ;;
	*) cat "$1" ;;
	esac
}
: >"$work/m/lib/modules/extra.order"
for mod in overlay nf_conntrack; do
	dep=$(grep -E "(^|/)$mod\.ko(\.xz|\.zst)?:" "$kdir/modules/modules.dep" 2>/dev/null | head -1)
	[ -n "$dep" ] || continue
	# "mod.ko: a.ko b.ko": b, then a, then mod
	for f in $(echo "${dep#*:}" | tr ' ' '\n' | tac) "${dep%%:*}"; do
		[ -n "$f" ] || continue
		name=$(basename "$f" | sed -E 's/\.(xz|zst)$//')
		grep -qx "$name" "$work/m/lib/modules/extra.order" && continue
		unpack_ko "$kdir/modules/$f" >"$work/m/lib/modules/$name" || continue
		echo "$name" >>"$work/m/lib/modules/extra.order"
	done
done
(cd "$work/m" && find . | cpio -o -H newc --quiet) | gzip -1 >"$work/mod.cpio.gz"
cat "$initrd" "$work/mod.cpio.gz" >"$work/initrd"

size=$(( $(du -sm "$disk_dir" | cut -f1) + 64 ))
mkfs.ext4 -q -F -b 4096 -O verity -L wbtest -d "$disk_dir" "$work/disk.img" "${size}M" >/dev/null ||
	{ echo "run.sh: mkfs.ext4 failed" >&2; exit 125; }

qemu=${QEMU:-qemu-system-x86_64}
accel=(-accel tcg)
append="console=ttyS0 panic=-1 oops=panic quiet loglevel=4 wbvm.timeout=$timeout ${WBVM_APPEND:-}"
if [ "${WBVM_ICOUNT:-0}" = 1 ]; then
	accel+=(-icount shift=0,sleep=off)
	append+=" wbvm.icount=1"
fi
for try in 1 2 3; do
	: >"$log"
	timeout -s KILL $((timeout + 60)) "$qemu" -nodefaults -no-reboot -nographic \
		-machine q35 -cpu max -smp 2 -m 1536 "${accel[@]}" \
		-kernel "$kdir/vmlinuz" -initrd "$work/initrd" \
		-append "$append" \
		-drive "file=$work/disk.img,format=raw,if=virtio" \
		-serial "file:$log" -monitor none </dev/null >"$work/qemu.out" 2>&1
	qrc=$?
	tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
	# the firmware leaves escape sequences before the first line: no ^
	if grep -q 'WBVM-BOOTED' "$log"; then
		rc=$(sed -n 's/.*WBVM-EXIT \([0-9]*\).*/\1/p' "$log" | tail -1)
		if [ -z "$rc" ]; then
			echo "run.sh: scenario did not finish (qemu exit $qrc, limit ${timeout}s)" >&2
			exit 124
		fi
		[ -n "$keep_disk" ] && mv "$work/disk.img" "$keep_disk"
		exit "$rc"
	fi
	echo "run.sh: boot $try of 3 did not reach the scenario (qemu exit $qrc):" >&2
	tail -n 5 "$log" "$work/qemu.out" >&2
done
echo "run.sh: $(cat "$kdir/release") never booted to the scenario" >&2
exit 124
