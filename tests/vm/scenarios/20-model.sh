# SPDX-License-Identifier: GPL-2.0
# Fastabend's model in full: program metadata, read-only and read-write
# maps between loaders, program fds, identity, and dynamic code.

B=/mnt/bin
verity_on $B/alice $B/bob
ad=$(watchbpf digest $B/alice | cut -d' ' -f1)
bd=$(watchbpf digest $B/bob | cut -d' ' -f1)
cp "$(command -v bpftool)" /tmp/eve
rm -f /sys/fs/bpf/ct_map_tcp4 /sys/fs/bpf/alice_prog

cat >/tmp/model.yaml <<EOT
name: model
loaders:
  - name: alice
    exec:
      digest: $ad
    programs:
      types: [xdp, kprobe, socket_filter]
      deny_helpers: [probe_write_user, send_signal]
    maps:
      ct_map_tcp4: rw
      alice_map: rw
      "*": ro
  - name: bob
    exec:
      digest: $bd
    programs:
      types: [xdp]
      names: ["from_*"]
      kernel_reads: false
      max_insns: 1000
    maps:
      ct_map_tcp4: ro
      "*": none
EOT
expect_ok "model policy is valid" watchbpf check /tmp/model.yaml
start_gatekeeper --enforce /tmp/model.yaml || fail "gatekeeper starts with the model policy" "$(cat /tmp/wb.err)"
L=/tmp/wb.out

# Dynamic Alice: generated code, judged by metadata, never by its bytes
expect_ok "dynamic alice: a random program loads" $B/alice random
expect_ok "dynamic alice: another random program loads" $B/alice random
expect_ok "alice: a clean kprobe program loads" $B/alice prog kprobe
expect_eperm "alice: bpf_probe_write_user is denied" $B/alice prog kprobe 36
expect_eperm "alice: a type outside programs.types is denied" $B/alice prog sched_cls
expect_eperm "alice: a 1M-instruction program is judged in full" $B/alice big kprobe 1000000 36

# Bob: names, size, kernel reads
expect_ok "bob: a program named from_* loads" $B/bob name from_bob
expect_eperm "bob: another name is denied" $B/bob name evil
expect_eperm "bob: more than max_insns is denied" $B/bob big xdp 1001
expect_eperm "bob: bpf_probe_read_kernel is denied (kernel_reads: false)" $B/bob prog xdp 113 from_reader

# Maps: Alice owns ct_map_tcp4, Bob may only read it, Eve gets nothing
expect_ok "alice creates and pins ct_map_tcp4" $B/alice pin /sys/fs/bpf/ct_map_tcp4
$B/bob read /sys/fs/bpf/ct_map_tcp4 >/tmp/bob.out 2>&1
expect_line "bob reads ct_map_tcp4 through a read-only fd" '^bob: value 42$' /tmp/bob.out
expect_eperm "bob cannot update ct_map_tcp4" $B/bob update /sys/fs/bpf/ct_map_tcp4
$B/bob getrw /sys/fs/bpf/ct_map_tcp4 >/tmp/getrw.out 2>&1
expect_line "bob may open ct_map_tcp4 read-write, as real tools do to read" '^bob: obj_get_rw: ok$' /tmp/getrw.out
expect_line "but writes nothing through that fd" '^bob: update: Operation not permitted$' /tmp/getrw.out
expect_eperm "bob cannot create a map its rules do not grant" $B/bob
expect_eperm "eve: bpftool map update fails" /tmp/eve map update pinned /sys/fs/bpf/ct_map_tcp4 key 0 0 0 0 value 1 0 0 0 0 0 0 0
expect_eperm "eve: bpftool map dump fails" /tmp/eve map dump pinned /sys/fs/bpf/ct_map_tcp4

# Programs: no loader gets an fd of another loader's program
expect_ok "alice pins a program" $B/alice pinprog /sys/fs/bpf/alice_prog
expect_ok "alice gets its own program back" $B/alice getprog /sys/fs/bpf/alice_prog
expect_eperm "bob cannot get alice's program" $B/bob getprog /sys/fs/bpf/alice_prog

# Identity: only exec of the verified file makes a loader
expect_eperm "a copy of alice on tmpfs is no loader" sh -c "cp $B/alice /tmp/acopy && /tmp/acopy"
ln -sf $B/alice /tmp/alink
expect_ok "a symlink runs the verified file itself: alice" /tmp/alink
expect_ok "execveat of an fd of alice's file: alice" $B/bob execfd $B/alice alice
expect_eperm "execveat of an fd of a copy: no loader" $B/alice execfd /tmp/acopy acopy
printf '#!%s\n' $B/alice >/tmp/s.sh && chmod +x /tmp/s.sh
expect_eperm "a script with #!alice is no loader" /tmp/s.sh
cat >/tmp/rename.sh <<'EOT'
exec /tmp/acopy rename alice
EOT
expect_eperm "renaming itself alice (prctl) gives nothing" sh /tmp/rename.sh

sleep 1
stop_gatekeeper || fail "model: gatekeeper stops cleanly"

expect_line "log: random programs approved" "op: load type: xdp name: dyn_filter action: Approved loader: alice$" $L
expect_line "log: probe_write_user denied" "op: load type: kprobe name: probe action: Denied reason: helper:probe_write_user loader: alice$" $L
expect_line "log: 1M-instruction program denied by its last helper call" "op: load type: kprobe name: big action: Denied reason: helper:probe_write_user loader: alice$" $L
expect_line "log: program type denied" "op: load type: sched_cls name: probe action: Denied reason: prog-type loader: alice$" $L
expect_line "log: program name denied" "op: load type: xdp name: evil action: Denied reason: prog-name loader: bob$" $L
expect_line "log: size denied" "op: load type: xdp name: big action: Denied reason: max-insns:1001 loader: bob$" $L
expect_line "log: kernel read denied" "op: load type: xdp name: from_reader action: Denied reason: kernel-read:probe_read_kernel loader: bob$" $L
expect_line "log: bob's write through a read-write fd denied" "op: update type: hash name: ct_map_tcp4 action: Denied reason: map:ro loader: bob$" $L
expect_line "log: bob's map_create denied" "op: map_create type: array name: alice_map action: Denied reason: map:none loader: bob$" $L
expect_line "log: alice's update approved" "process: alice pid: [0-9]+ pod: host op: update type: hash name: ct_map_tcp4 action: Approved loader: alice$" $L
expect_line "log: bob's program fd denied" "op: obj_get type: xdp name: from_netdev action: Denied reason: prog-owner loader: bob$" $L
expect_line "log: exec lines say what a loader got" "process: alice pid: [0-9]+ pod: host op: exec action: ProgRestricted,MapsByRule loader: alice$" $L
expect_line "log: eve's map update denied" "process: eve pid: [0-9]+ pod: host op: [a-z_]+ .*action: BPFDenied reason: not-loader$" $L
expect_no_line "log: the copy and the script never approved" "process: (acopy|s.sh) .*Approved" $L
echo "--- model decision log"
cat $L
