# SPDX-License-Identifier: GPL-2.0
# watchbpf learn: an audit run of several loaders (the test loaders alice
# and bob, a copy of Debian's bpftool), its policy learned by the daemon
# (--learn) and from its JSON log (`watchbpf learn`), then enforced: the
# same runs are approved, and a variant that calls one more helper is
# denied by name. Alice and carol (bpftool) are named by the audit run's
# policy without any rule; bob is no loader at all: the daemon measures
# its digest at its exec.

# start_slow ARGS...: start_gatekeeper, with up to 5 minutes more for a
# daemon still verifying its programs on a loaded host; 1 (and no daemon
# left) when it does not come up
start_slow() {
	local i=0
	start_gatekeeper "$@" && return 0
	while [ $i -lt 1200 ] && kill -0 $WB_PID 2>/dev/null; do
		grep -Eq 'watchbpf: (enforcing|auditing) policy' /tmp/wb.err && return 0
		sleep 0.25
		i=$((i + 1))
	done
	kill -9 $WB_PID 2>/dev/null
	wait $WB_PID 2>/dev/null
	return 1
}

learn_scenario() {
B=/mnt/bin
R=/mnt/real
O=/mnt/bpf
P=/sys/fs/bpf/learn
verity_on $B/alice $B/bob $R/carol
enroll_real || fail "the real loaders' code is enrolled"
dg() { watchbpf digest "$1" | cut -d' ' -f1; }
rm -rf $P /tmp/learn.jsonl /tmp/live.yaml && mkdir -p $P

cat >/tmp/learn-boot.yaml <<EOT
name: learn-boot
mode: audit
trust:
  digests: [/tmp/code.digests]
loaders:
  - name: alice
    exec:
      digest: $(dg $B/alice)
  - name: carol
    exec:
      digest: $(dg $R/carol)
EOT

# the runs, each one's exit status on a line (their output, with pids,
# in /tmp/runs.out); helper 5 is ktime_get_ns
runs() {
	rm -f $P/ct $P/xdp
	{
		$B/alice; echo "alice $?" >&3
		$B/alice prog kprobe 5 kprobe_foo_1; echo "alice-kprobe-1 $?" >&3
		$B/alice prog kprobe 5 kprobe_foo_2; echo "alice-kprobe-2 $?" >&3
		$B/bob pin $P/ct; echo "bob-pin $?" >&3
		$B/alice read $P/ct; echo "alice-read $?" >&3
		$R/carol prog load $O/xdp_pass.bpf.o $P/xdp; echo "carol-prog-load $?" >&3
	} 3>&1 >>/tmp/runs.out 2>&1
}

if ! start_slow --audit /tmp/learn-boot.yaml --log /tmp/learn.jsonl --learn /tmp/live.yaml; then
	fail "the audit run starts with --learn" "$(cat /tmp/wb.err)"
	return 1
fi
runs >/tmp/runs.audit 2>&1
sleep 1
watchbpf reload >/dev/null 2>&1
i=0
while [ ! -s /tmp/live.yaml ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if [ -s /tmp/live.yaml ]; then pass "--learn: a reload writes the learned policy"
else fail "--learn: a reload writes the learned policy" "$(tail -n 5 /tmp/wb.err)"; fi
rm -f /tmp/live.yaml
stop_gatekeeper
expect_no_line "audit run: every run succeeds" ' [1-9][0-9]*$' /tmp/runs.audit
expect_line "--learn: the stop writes it" "learned from [0-9]+ record\(s\): /tmp/live.yaml" /tmp/wb.err
expect_ok "--learn: the learned policy passes watchbpf check" watchbpf check /tmp/live.yaml
L=/tmp/live.yaml
expect_line "learned: alice's rules filled in" '# learned: its rules, from [0-9]+ record' $L
expect_line "learned: kprobe names collapsed to a glob" 'names: \[.*"kprobe_foo_\*"' $L
expect_line "learned: alice's helpers" 'allow_helpers: \[ktime_get_ns\]' $L
expect_line "learned: alice reads ct_map_tcp4 only" '"ct_map_tcp4": ro' $L
expect_line "learned: bob, no loader, added with his measured digest" "- name: bob" $L
expect_line "learned: bob creates and writes ct_map_tcp4" '"ct_map_tcp4": rw' $L
expect_line "learned: carol (bpftool) loads an xdp program" 'attach: \[xdp\]' $L
expect_line "learned: not its feature probes" 'types: \[xdp\]' $L
expect_line "learned: the policy's trust is kept" 'digests: \[/tmp/code.digests\]' $L

# from the log: the same loaders named by the policy; bob's records carry
# no digest, which learn says
watchbpf learn -o /tmp/offline.yaml /tmp/learn.jsonl >/tmp/learn.out 2>&1
expect_ok "learn from the log: passes watchbpf check" watchbpf check /tmp/offline.yaml
expect_line "learn from the log: alice" '^  - name: alice$' /tmp/offline.yaml
expect_line "learn from the log: carol" '^  - name: carol$' /tmp/offline.yaml
# bob is no loader: his records carry the digest the daemon read through
# /proc/PID/exe, unless he exited first; then learn says so
if grep -q '^  - name: bob$' /tmp/offline.yaml ||
	grep -q 'record(s) of processes no record gives a digest for' /tmp/learn.out; then
	pass "learn from the log: bob, no loader, learned by his digest or counted"
else
	fail "learn from the log: bob, no loader, learned by his digest or counted" "$(cat /tmp/learn.out)"
fi
expect_line "learn from the log: bpftool's feature probes are told apart" \
	'feature probe\(s\): only their helpers learned' /tmp/learn.out

# enforce what was learned: the same runs approved
if ! start_slow --enforce /tmp/live.yaml; then
	fail "the learned policy is enforced" "$(cat /tmp/wb.err)"
	return 1
fi
runs >/tmp/runs.enforce 2>&1
if cmp -s /tmp/runs.audit /tmp/runs.enforce; then pass "enforced: the same runs are approved"
else fail "enforced: the same runs are approved" "$(cat /tmp/runs.enforce)" "$(grep -E 'action: (BPF)?Denied' /tmp/wb.out | head)"; fi
expect_no_line "enforced: nothing denied" 'action: (BPF)?Denied' /tmp/wb.out
# one more helper (14: get_current_pid_tgid), under a name the glob allows
expect_eperm "enforced: a kprobe calling one more helper is denied" \
	$B/alice prog kprobe 14 kprobe_foo_3
# a map alice only read: no write
expect_eperm "enforced: alice cannot write the map she only read" $B/alice update $P/ct
sleep 1
stop_gatekeeper
expect_line "log: the helper by name" 'op: load type: kprobe name: kprobe_foo_3 action: Denied reason: helper:get_current_pid_tgid loader: alice$' /tmp/wb.out
rm -rf $P
}
learn_scenario
