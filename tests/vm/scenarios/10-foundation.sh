# SPDX-License-Identifier: GPL-2.0
# The walking skeleton: Alice (verity, digest in the policy) is approved,
# copies and imposters are not, Eve (bpftool) is denied, and all of it is
# logged; after the daemon stops Eve can load again.

B=/mnt/bin
verity_on $B/alice
cp $B/alice /tmp/alice                        # tmpfs: no fs-verity
verity_on $B/imposter                   # one byte changed (stage.sh)
cp "$(command -v bpftool)" /tmp/eve           # Eve: comm "eve"

digest=$(watchbpf digest $B/alice | cut -d' ' -f1)
measured=$(fsverity measure $B/alice | cut -d' ' -f1)
if [ "$digest" = "$measured" ]; then pass "digest equals the kernel's fs-verity measurement"
else fail "digest equals the kernel's fs-verity measurement" "watchbpf: $digest" "kernel: $measured"; fi

cat >/tmp/alice.yaml <<EOT
name: alice-demo
mode: enforce
loaders:
  - name: alice
    exec:
      digest: $digest
EOT
expect_ok "policy check" watchbpf check /tmp/alice.yaml
watchbpf doctor >/tmp/doctor.out 2>&1
expect_line "doctor: BPF LSM programs loadable" '^BPF LSM programs loadable: +yes$' /tmp/doctor.out
expect_line "doctor: BPF LSM active" '^BPF LSM active: +yes \(.*bpf.*\)$' /tmp/doctor.out
expect_line "doctor: can run" '^watchbpf can run on this kernel\.$' /tmp/doctor.out

expect_ok "without gatekeeper: eve loads a program" /tmp/eve prog load /mnt/bpf/xdp_pass.bpf.o /sys/fs/bpf/eve0
rm -f /sys/fs/bpf/eve0

if start_gatekeeper --enforce /tmp/alice.yaml; then pass "gatekeeper starts"; else fail "gatekeeper starts"; fi
expect_line "says it enforces the policy" '^watchbpf: enforcing policy alice-demo$' /tmp/wb.err

in_cgroup alice $B/alice >/tmp/alice.out 2>&1
if [ $? = 0 ]; then pass "alice loads and creates a map"; else fail "alice loads and creates a map" "$(cat /tmp/alice.out)"; fi
apid=$(sed -n 's/^alice: pid \([0-9]*\).*/\1/p' /tmp/alice.out)
expect_ok "alice from a thread" $B/alice thread
expect_ok "alice from a forked child" $B/alice fork
expect_eperm "alice copied to tmpfs (no verity) is denied" /tmp/alice
expect_eperm "alice exec'ing a non-loader loses the mark" $B/alice exec /tmp/alice
expect_ok "alice exec'ing alice keeps it" $B/alice exec $B/alice
printf '#!%s\n' $B/alice >/tmp/script.sh
chmod +x /tmp/script.sh
expect_eperm "a script with #!alice gets no mark" /tmp/script.sh
tpid=$(/tmp/alice | sed -n 's/^alice: pid \([0-9]*\).*/\1/p')
expect_eperm "imposter alice (one byte changed) is denied" $B/imposter
in_cgroup eve /tmp/eve prog load /mnt/bpf/xdp_pass.bpf.o /sys/fs/bpf/eve1 >/tmp/eve.out 2>&1
rc=$?
epid=$(cat /tmp/last.pid)
if [ $rc != 0 ] && grep -q 'Operation not permitted' /tmp/eve.out; then pass "eve cannot load a program"
else fail "eve cannot load a program" "$(cat /tmp/eve.out)"; fi
expect_eperm "eve cannot create a map" /tmp/eve map create /sys/fs/bpf/evemap type array key 4 value 4 entries 1 name eve_map
expect_eperm "eve cannot list programs" /tmp/eve prog list

sleep 1
if stop_gatekeeper; then pass "gatekeeper exits 0 on SIGINT"; else fail "gatekeeper exits 0 on SIGINT" "$(cat /tmp/wb.err)"; fi
expect_line "log: alice's exec approved" "^process: alice pid: $apid pod: alice op: exec action: ProgApproved,MapsApproved loader: alice$" /tmp/wb.out
expect_line "log: alice's load approved" "^process: alice pid: $apid pod: alice op: load type: xdp name: from_netdev action: Approved loader: alice$" /tmp/wb.out
expect_line "log: alice's map approved" "^process: alice pid: $apid pod: alice op: map_create type: array name: alice_map action: Approved loader: alice$" /tmp/wb.out
# bpftool gives up at its first denied feature probe, before its own load
expect_line "log: eve's load denied" "^process: eve pid: $epid pod: eve op: load type: [a-z_]+( name: [a-z_]+)? action: BPFDenied reason: not-loader$" /tmp/wb.out
expect_line "log: eve's map denied" "^process: eve pid: [0-9]+ pod: host op: map_create type: array action: BPFDenied reason: not-loader$" /tmp/wb.out
expect_line "log: eve's listing denied" "^process: eve pid: [0-9]+ pod: host op: prog_get_next_id action: BPFDenied reason: not-loader$" /tmp/wb.out
expect_line "log: tmpfs alice's load denied" "^process: alice pid: $tpid pod: host op: load type: xdp name: from_netdev action: BPFDenied reason: not-loader$" /tmp/wb.out
expect_line "log: tmpfs alice's map denied" "^process: alice pid: $tpid pod: host op: map_create type: array name: alice_map action: BPFDenied reason: not-loader$" /tmp/wb.out
expect_line "log: imposter's exec flagged" "^process: imposter pid: [0-9]+ pod: host op: exec action: BPFDenied reason: unknown-digest$" /tmp/wb.out
expect_no_line "log: no approval for the imposter" "^process: imposter .*Approved" /tmp/wb.out
expect_line "totals on exit" 'watchbpf: detached: [1-9][0-9]* approved, [1-9][0-9]* denied, 0 events dropped' /tmp/wb.err

expect_ok "after the daemon stops eve loads again" /tmp/eve prog load /mnt/bpf/xdp_pass.bpf.o /sys/fs/bpf/eve2
rm -f /sys/fs/bpf/eve2
echo "--- decision log"
cat /tmp/wb.out

# Audit mode: the same decisions, logged as such, and nothing denied;
# `watchbpf stop` ends it cleanly.
if start_gatekeeper --audit /tmp/alice.yaml; then pass "audit: gatekeeper starts"; else fail "audit: gatekeeper starts"; fi
expect_line "audit: says it audits" '^watchbpf: auditing policy alice-demo$' /tmp/wb.err
expect_ok "audit: tmpfs alice is allowed" /tmp/alice
expect_ok "audit: alice is allowed" $B/alice
watchbpf stop >/tmp/stop.out 2>&1
expect_line "watchbpf stop says so" '^stopping$' /tmp/stop.out
if wait $WB_PID; then pass "gatekeeper exits 0 on watchbpf stop"; else fail "gatekeeper exits 0 on watchbpf stop"; fi
expect_line "audit: tmpfs alice's load logged as would-be denial" "^process: alice pid: [0-9]+ pod: host op: load type: xdp name: from_netdev action: BPFDenied audit reason: not-loader$" /tmp/wb.out
expect_line "audit: alice's load approved" "^process: alice pid: [0-9]+ pod: host op: load type: xdp name: from_netdev action: Approved loader: alice$" /tmp/wb.out
