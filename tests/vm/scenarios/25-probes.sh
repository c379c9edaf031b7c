# SPDX-License-Identifier: GPL-2.0
# Feature probes (bpf/probe.bpf.h): libbpf's probes come through a loader's
# program and map rules, are counted and not logged; a "probe" never gets
# attached anywhere, nor leaves its process; what is not inert is judged as
# any program.

B=/mnt/bin
verity_on $B/alice $B/bob
ad=$(watchbpf digest $B/alice | cut -d' ' -f1)
bd=$(watchbpf digest $B/bob | cut -d' ' -f1)
rm -f /sys/fs/bpf/probe_pin
ip link set lo up 2>/dev/null

cat >/tmp/probes.yaml <<EOT
name: probes
loaders:
  - name: alice
    exec:
      digest: $ad
    programs:
      types: [xdp]
      names: ["from_*"]
      kernel_reads: false
    maps:
      alice_map: rw
  - name: bob
    exec:
      digest: $bd
EOT
expect_ok "probes policy is valid" watchbpf check /tmp/probes.yaml
start_gatekeeper --enforce /tmp/probes.yaml || fail "gatekeeper starts with the probes policy" "$(cat /tmp/wb.err)"
L=/tmp/wb.out
# cgroup_sock/inet_sock_create (2), as libbpf's expected_attach_type probe
expect_ok "libbpf's trivial socket filter passes types: [xdp]" $B/alice probe socket_filter 0 hold
expect_ok "libbpf's expected_attach_type probe (cgroup_sock) passes" $B/alice probe cgroup_sock 2 hold
expect_ok "libbpf's global-data probe and its map pass map rules" $B/alice probemap probe
expect_ok "libbpf's memcg probe (ktime_get_coarse_ns) passes" $B/alice probehelper 160
# refused, libbpf would turn bpf_probe_read_user_str into bpf_probe_read_str
expect_ok "libbpf's probe_read_kernel probe passes kernel_reads: false: it never runs" \
	$B/alice probehelper 113 tracepoint
expect_ok "a perf link to fd -1 gets EBADF from the kernel, as libbpf's probe wants" \
	sh -c "$B/alice probe tracepoint 0 perflink | grep -q 'perf_link: Bad file descriptor'"
expect_ok "a link of program fd -1 gets EBADF, as cilium/ebpf's probe wants" \
	sh -c "$B/alice probe tracepoint 0 nolink | grep -q 'no_link: Bad file descriptor'"

# Attacks: a probe is never attached, never leaves its process
expect_eperm "a held cgroup_sock probe cannot be attached (PROG_ATTACH)" $B/alice probe cgroup_sock 2 cgattach
expect_eperm "nor linked to a cgroup (LINK_CREATE)" $B/alice probe cgroup_sock 2 cglink
expect_eperm "nor attached by a forked child" $B/alice probe cgroup_sock 2 fork
expect_eperm "a tracepoint probe cannot be attached to a perf event (ioctl)" $B/alice probe tracepoint 0 perf
$B/alice probe cgroup_skb 0 send >/tmp/send.out 2>&1
expect_line "its fd cannot be passed to another process (SCM_RIGHTS)" '^alice: receive: Operation not permitted$' /tmp/send.out
$B/alice probe cgroup_sock 2 xdp >/tmp/xdp.out 2>&1
expect_line "while a probe is held, the process attaches nothing" '^alice: xdp_link_holding: Operation not permitted$' /tmp/xdp.out
expect_line "once it is closed, attaching works at once" '^alice: xdp_link_after: ok$' /tmp/xdp.out
expect_ok "two threads loading probes at once never share a slot (100 rounds)" $B/alice proberace 100
expect_ok "a probe pinned by its loader..." $B/alice probe raw_tracepoint 0 pin /sys/fs/bpf/probe_pin
expect_eperm "...is no loader's to take (OBJ_GET)" $B/alice getprog /sys/fs/bpf/probe_pin
rm -f /sys/fs/bpf/probe_pin

# Not inert, or not a type the door takes: judged as any program
expect_eperm "an inert xdp program of a bad name is no probe (xdp attaches by netlink)" $B/alice probe xdp 0 hold
expect_eperm "nor is sk_reuseport (attached by setsockopt)" $B/alice probe sk_reuseport 0 hold
expect_eperm "a probe calling send_signal is judged as a program" $B/alice probehelper 109
expect_eperm "a probe calling bpf_probe_write_user too" $B/alice probehelper 36
expect_eperm "a socket filter reading the kernel (it can run: BPF_PROG_RUN)" $B/alice probehelper 113
expect_eperm "a 17-instruction probe too" $B/alice probebig
expect_eperm "a probe storing into a map a rule grants is judged as a program" $B/alice probemap rule
expect_eperm "a map no rule names, not shaped as a probe's, is denied" $B/alice pin /sys/fs/bpf/ct_map_probe
expect_eperm "an unnamed map of a loader with map rules is denied" $B/alice unnamed
expect_ok "a loader without program rules loads the same program..." $B/bob probe cgroup_sock 2 cgattach

sleep 2
stop_gatekeeper || fail "probes: gatekeeper stops cleanly"
expect_no_line "log: probes let through are not logged one by one" "op: (load|map_create) type: (socket_filter|cgroup_sock|tracepoint|cgroup_skb|raw_tracepoint) action: Approved loader: alice$" $L
expect_no_line "log: nor the probe maps" "name: libbpf_global" $L
expect_line "log: they are counted per loader" "op: - action: ProbesApproved loader: alice count: [1-9][0-9]*$" $L
expect_line "log: a held probe's attach denied" "op: prog_attach action: Denied reason: probe-held loader: alice$" $L
expect_line "log: a held probe's link denied" "op: link_create action: Denied reason: probe-held loader: alice$" $L
expect_line "log: a held probe's perf ioctl denied" "op: perf_ioctl action: Denied reason: probe-held loader: alice$" $L
expect_line "log: a probe's fd passed on denied" "op: fd_receive type: cgroup_skb action: Denied reason: probe-fd loader: alice$" $L
expect_line "log: a pinned probe's fd denied" "op: obj_get type: raw_tracepoint action: Denied reason: probe-fd loader: alice$" $L
expect_line "log: the xdp non-probe denied by its name" "op: load type: xdp action: Denied reason: prog-name loader: alice$" $L
expect_line "log: sk_reuseport denied by type" "op: load type: sk_reuseport action: Denied reason: prog-type loader: alice$" $L
expect_line "log: a map that is no probe's" "op: map_create type: hash name: ct_map_tcp4 action: Denied reason: map:none loader: alice$" $L
expect_line "log: the unnamed map says so" "op: map_create type: hash action: Denied reason: map:unnamed loader: alice$" $L
expect_line "log: ...as any program, logged" "op: load type: cgroup_sock action: Approved loader: bob$" $L
expect_line "totals on exit count the probes" 'feature probes$' /tmp/wb.err
echo "--- probes decision log"
cat $L
