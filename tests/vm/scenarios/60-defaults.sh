# SPDX-License-Identifier: GPL-2.0
# What tasks that are no loader may do: bpflock's deny/restrict/allow, and
# commands blocked even where bpf() is allowed.

cp "$(command -v bpftool)" /tmp/eve 2>/dev/null
cat >/tmp/restrict.yaml <<EOT
name: restrict
default:
  bpf: restrict
loaders: []
EOT
start_gatekeeper --enforce /tmp/restrict.yaml || fail "restrict policy starts" "$(cat /tmp/wb.err)"
# (on a map of eve's own: a list of all programs, maps or BTF stops at
# watchbpf's own objects, whose fds are the daemon's alone: 85-self.sh)
rm -f /sys/fs/bpf/eve_m
expect_ok "restrict: the initial mount namespace may use bpf()" \
	/tmp/eve map create /sys/fs/bpf/eve_m type array key 4 value 4 entries 1 name eve_m
expect_eperm "restrict: another mount namespace may not" unshare -m /tmp/eve map show pinned /sys/fs/bpf/eve_m
sleep 1
stop_gatekeeper
expect_line "log: restrict denial" "process: eve pid: [0-9]+ pod: host op: [a-z_]+ .*action: BPFDenied reason: mount-namespace$" /tmp/wb.out
expect_line "log: restrict approval" "process: eve pid: [0-9]+ pod: host op: map_create type: array name: eve_m action: Approved$" /tmp/wb.out

cat >/tmp/allow.yaml <<EOT
name: allow-but
default:
  bpf: allow
  block: [prog_load, map_create]
loaders: []
EOT
start_gatekeeper --enforce /tmp/allow.yaml || fail "allow policy starts" "$(cat /tmp/wb.err)"
expect_ok "allow: reading a map works" /tmp/eve map show pinned /sys/fs/bpf/eve_m
expect_eperm "allow: a blocked command is denied" /tmp/eve prog load /mnt/bpf/xdp_pass.bpf.o /sys/fs/bpf/blocked
expect_eperm "allow: creating a map is blocked too" /tmp/eve map create /sys/fs/bpf/m type array key 4 value 4 entries 1 name m
sleep 1
stop_gatekeeper
expect_line "log: blocked" "process: eve pid: [0-9]+ pod: host op: load .*action: BPFDenied reason: blocked$" /tmp/wb.out
rm -f /sys/fs/bpf/eve_m

# programs.signed: required accepts only loads the kernel verified (6.18+);
# alice's unsigned loads are refused, on 6.12 as well
B=/mnt/bin
verity_on $B/alice $B/bob
ad=$(watchbpf digest $B/alice | cut -d' ' -f1)
cat >/tmp/psigned.yaml <<EOT
name: signed-programs
trust:
  certs: [/mnt/keys/ci.pem]
loaders:
  - name: alice
    exec:
      digest: $ad
    programs:
      signed: required
EOT
start_gatekeeper --enforce /tmp/psigned.yaml || fail "signed-programs policy starts" "$(cat /tmp/wb.err)"
expect_eperm "an unsigned program of a loader that needs signed ones is denied" $B/alice prog xdp
sleep 1
stop_gatekeeper
expect_line "log: unsigned program" "op: load type: xdp name: probe action: Denied reason: unsigned-program loader: alice$" /tmp/wb.out
