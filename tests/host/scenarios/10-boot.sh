# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The harness itself: a Debian 12 host under systemd, on the test kernel,
# with what the watchbpf scenarios will need (fs-verity on the root file
# system, modules, the BPF tools, watchbpf installed).  watchbpf's service
# is not started here.

check "systemd is PID 1" grep -qx systemd /proc/1/comm

state=$(systemctl is-system-running --wait 2>&1) || true
case "$state" in
running) ok "the system is running" ;;
degraded)
	ok "the system is up (degraded)"
	note "failed units:" "$(systemctl --failed --no-legend --plain)"
	;;
*) fail "the system is running" "is-system-running: $state" "$(systemctl --failed --no-legend --plain)" ;;
esac

check "the root file system is ext4 with verity" \
	sh -c 'findmnt -no FSTYPE / | grep -qx ext4 && dumpe2fs -h /dev/vda 2>/dev/null | grep -q "features:.* verity"'
head -c 1048576 /dev/urandom >/root/verity-test
check "fsverity enable on the root file system" fsverity enable /root/verity-test
check "fsverity measure after enable" fsverity measure /root/verity-test

check "modprobe overlay" modprobe overlay
check "overlay is registered" grep -qw overlay /proc/filesystems
check "modprobe xfs" modprobe xfs
check "xfs is registered" grep -qw xfs /proc/filesystems

check "bpftool version" bpftool version
check "bpftool lists programs" bpftool prog list
check "bpftrace --version" bpftrace --version
check "bpftrace runs a program" \
	sh -c "bpftrace -e 'BEGIN { printf(\"hello from bpftrace\\n\"); exit(); }' | grep -q 'hello from bpftrace'"
check "libbpf-tools are installed" test -x /usr/sbin/execsnoop

check "watchbpf is installed" test -x /usr/sbin/watchbpf
check "watchbpf's libraries resolve" sh -c '! ldd /usr/sbin/watchbpf | grep -q "not found"'
check "watchbpf doctor" watchbpf doctor
note "watchbpf doctor:" "$(watchbpf doctor 2>&1)"
check "the watchbpf service is not running" sh -c '! systemctl is-active --quiet watchbpf.service'
