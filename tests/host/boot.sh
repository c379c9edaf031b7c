#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boots the Debian 12 host (tests/host/image.sh) on one test kernel under
# qemu, with systemd as PID 1, runs TEST_DIR/test.sh from a unit once the
# system is up, and copies the serial console to LOG.
# Usage: boot.sh KERNEL_DIR TEST_DIR LOG [TIMEOUT_SECONDS]
#   KERNEL_DIR  a directory of tests/vm/kernels.sh (vmlinuz, modules/, release)
#   TEST_DIR    test.sh and what it needs: /opt/hosttest in the guest
#   TIMEOUT     the test's time limit once the host is up (default 600)
# Exit status: the test's; 124 when no boot reached the test in 3 tries or
# the test hung; 125 when the host could not be made.  One line on stderr
# says how long the boot took ("boot.sh: RELEASE: up in ...").
# HOST_BOOT_TIMEOUT: seconds a boot may take to reach the test (default 300).
# HOST_APPEND: more kernel command line.  BUILD: watchbpf's build directory.
# WATCHBPF_DEB: the package to install (default: scripts/build-deb.sh builds
# it into $BUILD/deb); apt's output goes to apt-RELEASE.log beside LOG.
set -euo pipefail
kdir=$1 test_dir=$2 log=$3 timeout=${4:-600}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}
boot_timeout=${HOST_BOOT_TIMEOUT:-300}

die() { echo "boot.sh: $2" >&2; exit "$1"; }

rel=$(cat "$kdir/release")
[ -f "$kdir/modules/modules.dep" ] ||
	die 125 "$kdir has no modules/ (tests/vm/kernels.sh fetches them)"
[ -f "$test_dir/test.sh" ] || die 125 "no $test_dir/test.sh"
rootfs=$("$here/image.sh") || die 125 "no root file system image"

work=$(mktemp -d "${TMPDIR:-/tmp}/watchbpf-host.XXXXXX")
qpid=""
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	[ -z "$qpid" ] || kill -KILL "$qpid" 2>/dev/null || true
	# never through the chroot's /proc (apt's install below)
	umount "$work/root/proc" 2>/dev/null || true
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the root file system: the cached image, then this run's parts ----
stage=$work/root
cp -a "$rootfs" "$stage"
# /lib is /usr/lib there (merged /usr): modprobe finds them either way
mkdir -p "$stage/lib/modules"
cp -a "$kdir/modules" "$stage/lib/modules/$rel"

# watchbpf installed as an admin installs it: its package, by the host's
# own apt (`apt-get install ./watchbpf_*.deb`). The image has none of the
# dependencies that only watchbpf needs: apt resolves them from Debian 12
# and bookworm-backports (-t: libbpf1 >= 1.4 is only there), after an
# update of the lists the image keeps. Nothing is started: policy-rc.d.
deb=${WATCHBPF_DEB:-}
if [ -z "$deb" ]; then
	deb=$("$top/scripts/build-deb.sh" "$build/deb") || die 125 "scripts/build-deb.sh failed"
fi
[ -f "$deb" ] || die 125 "no package $deb"
aptlog=$(dirname "$log")/apt-$rel.log
cp "$deb" "$stage/tmp/"
printf '#!/bin/sh\nexit 101\n' >"$stage/usr/sbin/policy-rc.d"
chmod 0755 "$stage/usr/sbin/policy-rc.d"
# this host's resolver for the update; the guest has no network anyway
# (a plain file: not written through a link the image might have there)
rm -f "$stage/etc/resolv.conf"
cp -L /etc/resolv.conf "$stage/etc/resolv.conf" 2>/dev/null || true
mount -t proc proc "$stage/proc"
in_stage() { chroot "$stage" env DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"; }
arc=0
{
	in_stage apt-get update -q &&
		in_stage apt-get install -y -q -t bookworm-backports "/tmp/$(basename "$deb")"
} >"$aptlog" 2>&1 || arc=$?
in_stage apt-get clean >/dev/null 2>&1 || true
umount "$stage/proc"
[ $arc = 0 ] || { tail -n 30 "$aptlog" >&2; die 125 "apt-get install of $(basename "$deb") failed (exit $arc; $aptlog)"; }
rm -f "$stage/usr/sbin/policy-rc.d" "$stage/tmp/$(basename "$deb")"
# the lists stay in the image, not on each boot's disk
rm -rf "$stage"/var/lib/apt/lists/* "$stage"/var/cache/apt/*.bin

mkdir -p "$stage/opt/hosttest"
cp -a "$test_dir/." "$stage/opt/hosttest/"

# The runner: waits for the end of the boot so that the boot time it
# prints is systemd's own, runs the test under its time limit, prints the
# markers the host looks for, and powers off.
cat >"$stage/usr/local/sbin/hosttest-run" <<EOT
#!/bin/bash
echo "HOSTTEST-BOOTED \$(uname -r) uptime \$(cut -d' ' -f1 /proc/uptime)s"
for i in \$(seq 60); do
	t=\$(systemd-analyze time 2>/dev/null) && break
	sleep 1
done
echo "\${t:-systemd-analyze time: boot not finished after 60s}" | sed 's/^/# /'
cd /opt/hosttest
timeout -s KILL $timeout bash /opt/hosttest/test.sh </dev/null 2>&1
rc=\$?
[ \$rc != 137 ] || { echo "HOSTTEST-ERROR test killed after ${timeout}s"; rc=124; }
sync
echo "HOSTTEST-EXIT \$rc"
systemctl poweroff --no-block
EOT
chmod 0755 "$stage/usr/local/sbin/hosttest-run"
# Type=exec, not oneshot: a oneshot's start job lasts until it exits, so
# the boot would not finish while the test runs, and a test that waits for
# it (`systemctl is-system-running --wait`, `systemd-analyze time`) would
# wait for itself.  Output straight to the serial port: through the
# journal it would arrive late or not at all at poweroff.
cat >"$stage/etc/systemd/system/hosttest.service" <<'EOT'
[Unit]
Description=watchbpf host test (/opt/hosttest/test.sh)
After=multi-user.target

[Service]
Type=exec
ExecStart=/usr/local/sbin/hosttest-run
StandardInput=null
StandardOutput=tty
StandardError=inherit
TTYPath=/dev/ttyS0
TTYReset=no
TTYVHangup=no

[Install]
WantedBy=multi-user.target
EOT
mkdir -p "$stage/etc/systemd/system/multi-user.target.wants"
ln -sf ../hosttest.service "$stage/etc/systemd/system/multi-user.target.wants/hosttest.service"

# ---- the disk: ext4 with verity, the content plus room for the tests ----
size=$(($(du -sm "$stage" | cut -f1) * 5 / 4 + 512))
mkfs.ext4 -q -F -b 4096 -i 8192 -O verity -L hostroot -d "$stage" "$work/disk.img" "${size}M" >/dev/null ||
	die 125 "mkfs.ext4 failed"
rm -rf --one-file-system "$stage"

# ---- the initramfs: busybox, the modules for /dev/vda, switch_root ----
ird=$work/initrd
mkdir -p "$ird"/{bin,dev,proc,sys,newroot,lib/modules}
cp /bin/busybox "$ird/bin/busybox"
mdir=$kdir/modules
# the files to insmod for module $1 in load order, none when built in
# (modules.dep lists every dependency; modprobe loads the last one first)
module_files() {
	local line
	grep -q "/$1\.ko" "$mdir/modules.builtin" && return 0
	line=$(grep -E "/$1\.ko(\.xz|\.zst|\.gz)?:" "$mdir/modules.dep") ||
		die 125 "$rel: no module $1"
	# shellcheck disable=SC2086 # the dependency list is a word list
	[ -z "${line#*:}" ] || printf '%s\n' ${line#*:} | tac
	echo "${line%%:*}"
}
for m in virtio_blk ext4; do module_files "$m"; done | awk '!seen[$0]++' |
	while read -r f; do
		# decompressed here: busybox's insmod may not read xz or zstd
		n=$(basename "$f"); n=${n%.xz}; n=${n%.zst}; n=${n%.gz}
		case "$f" in
		*.xz) xz -dc "$mdir/$f" ;;
		*.zst) zstd -qdc "$mdir/$f" ;;
		*.gz) gzip -dc "$mdir/$f" ;;
		*) cat "$mdir/$f" ;;
		esac >"$ird/lib/modules/$n"
		echo "$n" >>"$ird/lib/modules/load"
	done
touch "$ird/lib/modules/load"
cat >"$ird/init" <<'EOT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r m; do
	insmod "/lib/modules/$m" || echo "HOSTTEST-ERROR insmod $m"
done </lib/modules/load
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if ! mount -t ext4 -o rw /dev/vda /newroot; then
	echo "HOSTTEST-ERROR cannot mount /dev/vda"
	poweroff -f
fi
# systemd takes the API file systems as they are mounted
mount --move /dev /newroot/dev
mount --move /sys /newroot/sys
mount --move /proc /newroot/proc
exec switch_root /newroot /sbin/init
EOT
chmod 0755 "$ird/init"
(cd "$ird" && find . | cpio -o -H newc --quiet) | gzip -1 >"$work/initrd.gz"

# ---- boot: retried when it never reaches the test, as tests/vm/run.sh ----
qemu=${QEMU:-qemu-system-x86_64}
append="console=ttyS0 root=/dev/vda rw panic=-1 loglevel=4 ${HOST_APPEND:-}"
found() { grep -q "$1" "$log" 2>/dev/null; }
# why a guest went away without a word: qemu's own messages (a signal),
# and a triple fault, which resets the machine and prints nothing
why() {
	sed 's/^/  /' "$work/qemu.out"
	grep -h 'Triple fault' "$work/qemu.debug" 2>/dev/null | sed 's/^/qemu: /' | head -n 3 || true
}
for try in 1 2 3; do
	: >"$log"
	start=$(date +%s)
	"$qemu" -nodefaults -no-reboot -nographic \
		-machine q35 -cpu max -smp 2 -m 2048 -accel tcg \
		-kernel "$kdir/vmlinuz" -initrd "$work/initrd.gz" -append "$append" \
		-drive "file=$work/disk.img,format=raw,if=virtio" \
		-serial "file:$log" -monitor none -d guest_errors,cpu_reset -D "$work/qemu.debug" \
		</dev/null >"$work/qemu.out" 2>&1 &
	qpid=$!
	# watched, not just waited for: the boot, the test and the poweroff
	# each have their own limit
	booted="" ended="" deadline=$((start + boot_timeout)) killed=""
	while kill -0 "$qpid" 2>/dev/null; do
		now=$(date +%s)
		if [ -z "$booted" ] && found HOSTTEST-BOOTED; then
			booted=$now deadline=$((now + timeout + 60))
		fi
		if [ -z "$ended" ] && found HOSTTEST-EXIT; then
			ended=$now deadline=$((now + 120))
		fi
		if [ "$now" -ge "$deadline" ]; then
			killed=$now
			kill -KILL "$qpid" 2>/dev/null || true
		fi
		sleep 1
	done
	qrc=0
	wait "$qpid" || qrc=$?
	qpid=""
	# plain text: no carriage returns, no colours of systemd's status
	tr -d '\r' <"$log" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' >"$log.tmp" && mv "$log.tmp" "$log"
	if [ -n "$booted" ]; then
		guest=$(sed -n 's/^# multi-user.target reached after \(.*\) in userspace.*/\1/p' "$log" | head -1)
		echo "boot.sh: $rel: up in $((booted - start))s (try $try; systemd: multi-user.target after ${guest:-?} in userspace), test $((${ended:-$(date +%s)} - booted))s" >&2
		rc=$(sed -n 's/.*HOSTTEST-EXIT \([0-9]*\).*/\1/p' "$log" | tail -1)
		if [ -z "$rc" ]; then
			echo "boot.sh: the test did not finish (qemu exit $qrc, limit ${timeout}s)" >&2
			why >&2
			exit 124
		fi
		[ -z "$killed" ] || echo "boot.sh: $rel did not power off: killed" >&2
		exit "$rc"
	fi
	echo "boot.sh: boot $try of 3 did not reach the test (qemu exit $qrc):" >&2
	tail -n 5 "$log" >&2
	why >&2
done
echo "boot.sh: $rel never booted to the test" >&2
exit 124
