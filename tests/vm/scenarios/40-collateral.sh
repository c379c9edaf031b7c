# SPDX-License-Identifier: GPL-2.0
# Collateral: what a loader opens under its prefixes must be verified, or
# the loader loses its authority; and on_deny: kill.

B=/mnt/bin
verity_on $B/alice $B/bob
verity_on /mnt/coll/good.o /mnt/coll/signed.o
ad=$(watchbpf digest $B/alice | cut -d' ' -f1)
bd=$(watchbpf digest $B/bob | cut -d' ' -f1)
cat >/tmp/coll.yaml <<EOT
name: collateral
trust:
  certs: [/mnt/keys/ci.pem]
loaders:
  - name: alice
    exec:
      digest: $ad
    collateral:
      - path: /mnt/coll/
        signed: false
  - name: bob
    exec:
      digest: $bd
    on_deny: kill
    programs:
      types: [xdp]
    collateral:
      - path: /mnt/coll/signed
        signed: true
EOT
expect_ok "collateral policy is valid" watchbpf check /tmp/coll.yaml
start_gatekeeper --enforce /tmp/coll.yaml || fail "gatekeeper starts (collateral)" "$(cat /tmp/wb.err)"

expect_ok "alice opening verified collateral keeps loading" $B/alice open /mnt/coll/good.o
expect_ok "alice opening files outside her prefixes keeps loading" $B/alice open /etc/passwd
$B/alice open /mnt/coll/bad.o >/tmp/taint.out 2>&1
expect_line "alice may open unverified collateral" '^alice: open: ok$' /tmp/taint.out
expect_line "but her loads are then denied" '^alice: prog_load: Operation not permitted$' /tmp/taint.out
expect_ok "bob opening signed collateral keeps loading" $B/bob open /mnt/coll/signed.o
expect_ok "the taint was alice's alone: a new alice loads" $B/alice

# on_deny: kill kills the offender, only it
$B/bob prog kprobe >/tmp/kill.out 2>&1
rc=$?
if [ $rc = 137 ]; then pass "bob's denied load kills bob (on_deny: kill)"
else fail "bob's denied load kills bob (on_deny: kill)" "exit $rc" "$(cat /tmp/kill.out)"; fi
expect_ok "after that, others are unaffected" $B/alice

sleep 1
stop_gatekeeper || fail "collateral: gatekeeper stops cleanly"
L=/tmp/wb.out
expect_line "log: taint" "process: alice pid: [0-9]+ pod: host op: open action: Tainted reason: collateral:/mnt/coll/bad.o check: not-verity loader: alice$" $L
expect_line "log: tainted loads denied" "process: alice pid: [0-9]+ pod: host op: map_create .*action: Denied reason: tainted loader: alice$" $L
expect_no_line "log: no taint for verified collateral" "Tainted reason: collateral:/mnt/coll/(good|signed).o" $L
expect_line "log: killed" "process: bob pid: [0-9]+ pod: host op: load type: kprobe name: probe action: Denied,Killed reason: prog-type loader: bob$" $L

# file_open is hooked only while a loader of the policy in force has
# collateral: a reload adds the hook and takes it away again.
cat >/tmp/nocoll.yaml <<EOT
name: nocoll
loaders:
  - name: alice
    exec:
      digest: $ad
EOT
hooks_now() { # the status file is rewritten every second
	sleep 2
	watchbpf status --file /tmp/coll-st.json >/tmp/coll-st.txt
}
reload_to() {
	cp "$1" /tmp/live.yaml
	reload_gatekeeper "$2" "reload to policy $2"
}
cp /tmp/nocoll.yaml /tmp/live.yaml
start_gatekeeper --enforce /tmp/live.yaml --status-file /tmp/coll-st.json ||
	fail "gatekeeper starts (no collateral)" "$(cat /tmp/wb.err)"
hooks_now
expect_line "status lists the hooks attached" '^hooks +\[.*"lsm/bpf".*\]$' /tmp/coll-st.txt
expect_no_line "no loader has collateral: file_open is not hooked for it" 'lsm.s/file_open' /tmp/coll-st.txt
expect_line "(self-protection's file_open is, always)" '"lsm/file_open"' /tmp/coll-st.txt
expect_ok "without collateral, alice opening anything keeps loading" $B/alice open /mnt/coll/bad.o
reload_to /tmp/coll.yaml collateral
hooks_now
expect_line "collateral in force: file_open is hooked" '^hooks +\[.*"lsm.s/file_open".*\]$' /tmp/coll-st.txt
$B/alice open /mnt/coll/bad.o >/tmp/taint2.out 2>&1
expect_line "collateral added by reload taints" '^alice: prog_load: Operation not permitted$' /tmp/taint2.out
reload_to /tmp/nocoll.yaml nocoll
hooks_now
expect_no_line "collateral gone: file_open is unhooked" 'lsm.s/file_open' /tmp/coll-st.txt
expect_ok "and unverified files no longer taint" $B/alice open /mnt/coll/bad.o
stop_gatekeeper || fail "collateral reloads: gatekeeper stops cleanly"
