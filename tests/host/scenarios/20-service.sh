# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# watchbpf as a user runs it: installed from its package (15-package.sh),
# enforcing examples/host.yaml (filled in as its header says) as the service,
# on a Debian 12 host whose PID 1 was running long before. PID 1 is adopted
# and its BPF unit settings keep working (checked by their effect); real
# loaders from Debian's packages are approved and copies of them denied; a
# reload, the journal, the log file, a stop and a crash behave as
# docs/security.md says: logging ends, enforcement stays.

SD=/usr/lib/systemd/systemd
P=/etc/watchbpf/policy.yaml

# dd of the disk's first block in a transient unit with PROPS: 0 if it read
disk_read() { systemd-run --quiet --wait --pipe --collect "$@" dd if=/dev/vda of=/dev/null bs=512 count=1 >/dev/null 2>&1; }
no_disk_read() { ! disk_read "$@"; }
# ping the loopback in a transient unit with PROPS
ping_lo() { systemd-run --quiet --wait --pipe --collect "$@" ping -c 1 -W 2 127.0.0.1 >/dev/null 2>&1; }
no_ping_lo() { ! ping_lo "$@"; }
# EPERM from CMD...
eperm() { local out; ! out=$("$@" 2>&1) && grep -q 'Operation not permitted' <<<"$out"; }
journal() { journalctl -q -o cat -u watchbpf.service; }
in_journal() { journal | grep -Eq -- "$1"; }
not_in_journal() { ! journal | grep -Eq -- "$1"; }
wait_active() { for _ in $(seq 1 180); do systemctl is-active --quiet watchbpf && return 0; sleep 1; done; return 1; }

# ---- before watchbpf: the kernel and systemd do what the settings say
check "without watchbpf: DevicePolicy=closed keeps a unit off the disk" no_disk_read -p DevicePolicy=closed
check "without watchbpf: a unit without it reads the disk" disk_read
check "without watchbpf: IPAddressDeny=any cuts a unit off the loopback" no_ping_lo -p IPAddressDeny=any
check "without watchbpf: a unit without it pings the loopback" ping_lo

# ---- the policy, as examples/host.yaml's header says to fill it in
check "enroll watchbpf's own code (--persist needs fs-verity on it)" watchbpf enroll /usr/sbin/watchbpf
check "enroll systemd: its digest and its libraries' (measured where no fs-verity)" \
	watchbpf enroll --measured --output /etc/watchbpf/systemd.digests $SD
check "enroll the tools" watchbpf enroll --output /etc/watchbpf/tools.digests /usr/sbin/bpftool /usr/sbin/execsnoop
sed -e "s|^\(      digest: \)sha256:[0-9a-f]*$|\1$(watchbpf digest $SD | cut -d' ' -f1)|" \
	-e 's|^      digests: \[/usr/lib/x86_64-linux-gnu/\]$|      digests: [/etc/watchbpf/systemd.digests]|' \
	-e 's|^  digests: \[/usr/lib/x86_64-linux-gnu/\]$|  digests: [/etc/watchbpf/systemd.digests, /etc/watchbpf/tools.digests]|' \
	/opt/hosttest/host.yaml >$P
# the two tools, uncommented, without their example digests
cat >>$P <<EOT
  # no path: Debian's bpftool wherever its bytes are verity or measured
  - name: bpftool
    exec: { digest: $(watchbpf digest /usr/sbin/bpftool | cut -d' ' -f1) }
  - name: execsnoop
    exec: { path: /usr/sbin/execsnoop, digest: $(watchbpf digest /usr/sbin/execsnoop | cut -d' ' -f1) }
    programs: { types: [tracepoint], deny_helpers: [probe_write_user, send_signal, override_return] }
EOT
check "the host policy is valid" watchbpf check $P
check "check gives no PID 1 warning for it" bash -c "! watchbpf check $P 2>&1 | grep -q 'PID 1'"
cat >/tmp/nosd.yaml <<EOT
name: nosd
mode: enforce
default: { bpf: deny }
loaders:
  - name: bpftool
    exec: { digest: $(watchbpf digest /usr/sbin/bpftool | cut -d' ' -f1) }
EOT
check "check warns when an enforcing policy names no loader for PID 1" \
	bash -c "watchbpf check /tmp/nosd.yaml 2>&1 | grep -q 'PID 1'"

# ---- the service
check "systemctl enable --now watchbpf (Type=notify: ready once in force)" systemctl enable --now watchbpf
check "the service is active" systemctl is-active --quiet watchbpf
note "watchbpf says:" "$(journal | grep -v '^process:' | head -n 20)"
check "PID 1 adopted as systemd, in the journal" \
	in_journal 'pid: 1 .*op: adopt action: (Prog|Maps)[A-Za-z,]* loader: systemd' 
journal | grep 'op: adopt' | grep 'pid: 1 ' | head -n 3 | sed 's/^/# /'

# ---- systemd's BPF unit settings still apply, by their effect
check "with watchbpf: DevicePolicy=closed still keeps a unit off the disk" no_disk_read -p DevicePolicy=closed
check "with watchbpf: IPAddressDeny=any still cuts a unit off" no_ping_lo -p IPAddressDeny=any
check "with watchbpf: a unit without them still works" ping_lo
check "systemd's sd_devices load is approved as loader systemd" \
	in_journal 'op: load type: cgroup_device name: sd_devices action: Approved loader: systemd'
journal | grep -E 'sd_devices|sd_fw_' | head -n 4 | sed 's/^/# /'
check "nothing of PID 1 denied" not_in_journal 'pid: 1 .*action: (BPFDenied|Denied)'
journal | grep -E 'pid: 1 .*action: (BPFDenied|Denied)' | head -n 5 | sed 's/^/# /' 
check "systemd never proceeded without its device ACL" bash -c "! journalctl -q -b | grep -q 'WITHOUT applying'"

# ---- real loaders approved, copies denied
check "bpftool (Debian's) creates a map" bpftool map create /sys/fs/bpf/hostmap type array key 4 value 4 entries 1 name hostmap
rm -f /sys/fs/bpf/hostmap
cp /usr/sbin/bpftool /root/bpftool-copy
check "a copy of bpftool is denied" eperm /root/bpftool-copy map create /sys/fs/bpf/evemap type array key 4 value 4 entries 1 name evemap
timeout -s INT 90 execsnoop >/tmp/es.out 2>&1
check "execsnoop (libbpf-tools) runs: its header" grep -q PCOMM /tmp/es.out
grep -q PCOMM /tmp/es.out || note "execsnoop says:" "$(head -n 5 /tmp/es.out)" "$(journal | grep execsnoop | head -n 5)"
cp /usr/sbin/execsnoop /root/execsnoop-copy
timeout -s INT 90 /root/execsnoop-copy >/tmp/esc.out 2>&1
check "a copy of execsnoop is denied" bash -c "! grep -q PCOMM /tmp/esc.out"
note "the copy says:" "$(tail -n 3 /tmp/esc.out)"
check "the denial of the copy is in the journal" in_journal 'process: bpftool-copy .*action: BPFDenied' 
check "decisions go to /var/log/watchbpf/ too: PID 1's adoption there" \
	bash -c "watchbpf log show --op adopt /var/log/watchbpf/decisions.jsonl | grep -q 'loader: systemd'" 

# ---- measured identity on XFS (no fs-verity there), picked up by a reload
truncate -s 300M /root/xfs.img
check "mkfs.xfs" mkfs.xfs -q /root/xfs.img
mkdir -p /mnt/xfs
check "mount the XFS image" mount -o loop /root/xfs.img /mnt/xfs
cp /usr/sbin/bpftool /mnt/xfs/bpftool
cp /usr/sbin/bpftool /mnt/xfs/bpftool-other
echo "$(watchbpf digest /mnt/xfs/bpftool | cut -d' ' -f1)  /mnt/xfs/bpftool" >>/etc/watchbpf/tools.digests
check "systemctl reload watchbpf" systemctl reload watchbpf
sleep 2
check "the reload is in the journal" in_journal 'reloaded: enforcing policy debian12-host' 
check "XFS: bpftool there, measured, is bpftool" /mnt/xfs/bpftool map create /sys/fs/bpf/xmap type array key 4 value 4 entries 1 name xmap
rm -f /sys/fs/bpf/xmap
check "XFS: a write to the measured file is refused" eperm sh -c 'echo x >>/mnt/xfs/bpftool'
check "XFS: the same bytes in an unmeasured file are nobody" \
	eperm /mnt/xfs/bpftool-other map create /sys/fs/bpf/emap type array key 4 value 4 entries 1 name emap

# ---- stop and crash: logging ends, enforcement stays (--persist)
check "systemctl stop watchbpf" systemctl stop watchbpf
check "the service is inactive" bash -c '! systemctl is-active --quiet watchbpf'
check "after the stop the copy is still denied (pinned)" eperm /root/bpftool-copy map create /sys/fs/bpf/e2 type array key 4 value 4 entries 1 name e2
check "and bpftool still approved" bpftool map create /sys/fs/bpf/s2 type array key 4 value 4 entries 1 name s2
rm -f /sys/fs/bpf/s2
check "systemctl start watchbpf: adopts the pinned state" systemctl start watchbpf
check "the restarted service is active" systemctl is-active --quiet watchbpf
check "the gap without a daemon is named in the journal" in_journal DaemonGap
check "root's kill -9 of the daemon is refused" eperm kill -9 "$(systemctl show -p MainPID --value watchbpf)"
check "systemctl kill -s KILL (PID 1 sends it): the daemon dies" systemctl kill -s KILL watchbpf
check "the copy is denied while it is down" eperm /root/bpftool-copy map create /sys/fs/bpf/e3 type array key 4 value 4 entries 1 name e3
check "Restart=on-failure brings it back" wait_active
check "with watchbpf back, PID 1's DevicePolicy still applies" no_disk_read -p DevicePolicy=closed
note "the journal's last records:" "$(journal | tail -n 8)"
