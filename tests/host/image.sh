#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds, once, the root file system of the Debian 12 host that tests/host/
# boots with systemd as PID 1, and prints its directory.  Usage: image.sh
# The tree is cached in $WATCHBPF_CACHE/host/KEY/rootfs (the cache of
# tests/vm/kernels.sh); KEY hashes the package lists and this script, so a
# change to either builds a new tree instead of reusing a stale one.
# Kernel modules, watchbpf and the test are not in it: tests/host/boot.sh
# adds them to a copy at each boot (watchbpf by `apt-get install` of its
# package), so a rebuild of watchbpf costs no image. Nor are watchbpf's
# dependencies that nothing else here needs: apt must resolve them.
# apt's lists are kept, so that the update at each boot is a short one.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/apt-mirror.sh
. "$here/../../scripts/apt-mirror.sh"

CACHE=${WATCHBPF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/watchbpf}
SUITE=bookworm

# What a small real host has: systemd and its helpers, the tools a test
# uses (fsverity to turn verity on, xfsprogs for a second file system) and
# the BPF tools watchbpf is tested with. Not watchbpf's libraries: its
# package's Depends bring them (libyaml-0-2, and libbpf1 1.4 from
# bookworm-backports over the 1.1 that bpftrace and iproute2 pull in here).
PKGS="systemd systemd-sysv dbus udev kmod procps iproute2 iputils-ping util-linux
      e2fsprogs xfsprogs fsverity bpftrace"
# From bookworm-backports, as on the development host: bpftool 7.5 is the
# one tests/vm runs.
BPO_PKGS="bpftool"
# libbpf-tools (execsnoop, opensnoop...) when the archive has it: bookworm
# does (0.26); a run on a mirror without it still gets a host, and says so.
OPT_PKGS="libbpf-tools"
# Units a test host has no use for, masked (not disabled: a preset or a
# package's postinst cannot bring them back).  Timers that wake apt or
# scrub disks would run in the middle of a test; wait-online would hold
# the boot for two minutes with no network; the gettys would share the
# serial console with the test's output. logrotate comes with watchbpf's
# package (Recommends): its timer would rotate and reload mid-test.
MASK="apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer logrotate.timer
      e2scrub_reap.service fstrim.timer systemd-timesyncd.service
      systemd-networkd.service systemd-networkd.socket
      systemd-networkd-wait-online.service serial-getty@.service getty@.service"

log() { printf 'image: %s\n' "$*" >&2; }

key=$({ echo "$PKGS|$BPO_PKGS|$OPT_PKGS|$MASK"; cat "$0"; } | sha256sum | cut -c1-16)
top=$CACHE/host
dir=$top/$key
[ -f "$dir/done" ] && { echo "$dir/rootfs"; exit 0; }

[ "$(id -u)" = 0 ] || { log "building the image needs root (debootstrap, chroot)"; exit 1; }
mkdir -p "$top"
# two runs at once build it once: the second waits, then finds it done
exec 9>"$top/.lock"
flock 9
[ -f "$dir/done" ] && { echo "$dir/rootfs"; exit 0; }

if ! command -v debootstrap >/dev/null; then
	log "installing debootstrap"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
mirror=$(debian_mirror) || { log "no Debian $SUITE source in /etc/apt"; exit 1; }

opt=""
for p in $OPT_PKGS; do
	cand=$(apt-cache policy "$p" 2>/dev/null | sed -n 's/^ *Candidate: //p')
	if [ -n "$cand" ] && [ "$cand" != "(none)" ]; then
		opt="$opt $p"
	else
		log "note: $p is in neither $SUITE nor $SUITE-backports: not installed"
	fi
done

tmp=$dir.tmp
root=$tmp/rootfs
cleanup() {
	umount "$root/proc" 2>/dev/null || true
	umount "$root/sys" 2>/dev/null || true
	# a failed build leaves nothing that looks like an image
	# (never through a mount left behind)
	[ -f "$dir/done" ] || rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
rm -rf "$tmp"
mkdir -p "$tmp"
start=$(date +%s)
log "debootstrap $SUITE (minbase) into $root"
debootstrap --variant=minbase "$SUITE" "$root" "$mirror" >"$tmp/debootstrap.log" 2>&1 ||
	{ tail -n 20 "$tmp/debootstrap.log" >&2; exit 1; }

# apt's sources inside the image: the same mirror, backports enabled (the
# image is a host like the development one, and its libbpf1 comes from
# there); deb822 like the host's.
rm -f "$root/etc/apt/sources.list"
cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOT
Types: deb
URIs: $mirror
Suites: $SUITE $SUITE-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
# packages' maintainer scripts must not start daemons in the chroot
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
# systemd's and dbus's postinst read /proc
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
in_root() { chroot "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"; }
log "installing packages"
# shellcheck disable=SC2086 # the package lists are word lists
{
	in_root apt-get update -q &&
		in_root apt-get install -y -q --no-install-recommends $PKGS $opt &&
		in_root apt-get install -y -q --no-install-recommends -t "$SUITE-backports" $BPO_PKGS
} >"$tmp/apt.log" 2>&1 || { tail -n 30 "$tmp/apt.log" >&2; exit 1; }
# shellcheck disable=SC2016 # dpkg-query's format, not the shell's
in_root dpkg-query -W -f '${Package} ${Version}\n' >"$tmp/packages"
in_root apt-get clean
umount "$root/proc" "$root/sys"
rm -f "$root/usr/sbin/policy-rc.d"
rm -rf "$root"/var/cache/apt/*.bin

echo watchbpf-host >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\twatchbpf-host\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' \
	>"$root/etc/hosts"
# The disk is made anew for each boot: nothing for fsck to find, so pass 0.
printf '/dev/vda\t/\text4\trw,relatime\t0\t0\n' >"$root/etc/fstab"
# A fixed machine-id: with none, systemd takes every boot for the first
# one and runs `preset-all`, which would re-enable what is masked here.
od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$root/etc/machine-id"
echo >>"$root/etc/machine-id"
for u in $MASK; do ln -sf /dev/null "$root/etc/systemd/system/$u"; done
# A server boots to multi-user.target, not Debian's graphical.target, and
# systemd-analyze then says when it was reached.
ln -sf /lib/systemd/system/multi-user.target "$root/etc/systemd/system/default.target"
# The journal in memory: the disk is thrown away after each boot anyway.
mkdir -p "$root/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=volatile\n' >"$root/etc/systemd/journald.conf.d/hosttest.conf"
# Nobody logs in (root's password locked): the test runs from a unit.
in_root passwd -l root >/dev/null

du -sm "$root" | cut -f1 >"$tmp/size-mb"
log "built in $(($(date +%s) - start))s, $(cat "$tmp/size-mb") MB"
rm -rf "$dir"
mv "$tmp" "$dir"
touch "$dir/done"
echo "$dir/rootfs"
