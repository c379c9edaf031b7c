# SPDX-License-Identifier: GPL-2.0
# Audit mode decides exactly as enforce mode, and denies nothing; a loader
# can be audited alone; default.on_deny: kill kills only the offender.

B=/mnt/bin
verity_on $B/alice $B/bob
ad=$(watchbpf digest $B/alice | cut -d' ' -f1)
cat >/tmp/audit.yaml <<EOT
name: audit-test
loaders:
  - name: alice
    exec:
      digest: $ad
    programs:
      types: [xdp]
EOT

# the same operations, under each mode; prints one line per operation's
# exit status, so the two runs can be compared. Each operation is tried
# whatever the one before returned, so both runs make the same calls.
sequence() {
	$B/alice; echo "alice $?"
	$B/alice prog sched_cls; echo "alice-sched_cls $?"
	$B/alice prog kprobe; echo "alice-kprobe $?"
	/tmp/alice; echo "tmp-alice $?"
}
cp $B/alice /tmp/alice 2>/dev/null
cp "$(command -v bpftool)" /tmp/eve 2>/dev/null

start_gatekeeper --enforce /tmp/audit.yaml || fail "enforce run starts"
sequence >/tmp/seq.enforce 2>/dev/null
sleep 1
stop_gatekeeper
# decisions without pids and the audit marker
sed -E 's/ pid: [0-9]+//; s/ audit//' /tmp/wb.out >/tmp/dec.enforce

start_gatekeeper --audit /tmp/audit.yaml || fail "audit run starts"
sequence >/tmp/seq.audit 2>/dev/null
sleep 1
stop_gatekeeper
sed -E 's/ pid: [0-9]+//; s/ audit//' /tmp/wb.out >/tmp/dec.audit
grep -c ' audit' /tmp/wb.out >/tmp/n.audit

if cmp -s /tmp/dec.enforce /tmp/dec.audit; then pass "audit mode makes the same decisions as enforce mode"
else fail "audit mode makes the same decisions as enforce mode" "$(diff /tmp/dec.enforce /tmp/dec.audit | head -n 20)"; fi
if grep -q ' [1-9][0-9]*$' /tmp/seq.enforce && ! grep -q ' [1-9][0-9]*$' /tmp/seq.audit; then
	pass "in audit mode every operation succeeds"
else
	fail "in audit mode every operation succeeds" "enforce: $(cat /tmp/seq.enforce | tr '\n' ' ')" "audit: $(cat /tmp/seq.audit | tr '\n' ' ')"
fi
expect_line "audit: would-be denials are marked" "action: Denied audit reason: prog-type loader: alice$" /tmp/wb.out

# a loader in audit alone, the rest enforced
cat >/tmp/audit2.yaml <<EOT
name: audit-one
default:
  on_deny: kill
loaders:
  - name: alice
    mode: audit
    exec:
      digest: $ad
    programs:
      types: [xdp]
EOT
start_gatekeeper --enforce /tmp/audit2.yaml || fail "per-loader audit run starts"
expect_ok "alice in audit: her sched_cls load goes through" $B/alice prog sched_cls
/tmp/eve prog list >/dev/null 2>&1
rc=$?
if [ $rc = 137 ]; then pass "default.on_deny kill: eve is killed"; else fail "default.on_deny kill: eve is killed" "exit $rc"; fi
expect_ok "and alice is not" $B/alice
sleep 1
stop_gatekeeper
expect_line "log: alice audited" "op: load type: sched_cls name: probe action: Denied audit reason: prog-type loader: alice$" /tmp/wb.out
expect_line "log: eve killed" "process: eve pid: [0-9]+ pod: host op: [a-z_]+ .*action: BPFDenied,Killed reason: not-loader$" /tmp/wb.out
