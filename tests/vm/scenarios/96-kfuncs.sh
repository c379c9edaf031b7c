# SPDX-License-Identifier: GPL-2.0
# kfuncs in the program model, through a real loader (bpftool, which
# resolves kfunc externs against vmlinux's and modules' BTF): deny_kfuncs,
# allow_kfuncs and kernel_reads: false judge every kfunc call at load, by
# name, from vmlinux's BTF and from a module's (nf_conntrack's, whose BTF
# fd libbpf passes in fd_array); the log names the kfunc, and every load
# record says which helpers and kfuncs the program calls.

R=/mnt/real
O=/mnt/bpf
for m in $(cat /lib/modules/extra.order 2>/dev/null); do
	grep -q "^${m%.ko} " /proc/modules || insmod /lib/modules/$m 2>/dev/null
done
if [ -e /sys/kernel/btf/nf_conntrack ]; then pass "nf_conntrack is loaded, with its BTF"
else fail "nf_conntrack is loaded, with its BTF" "$(cat /proc/modules | cut -d' ' -f1 | tr '\n' ' ')"; fi
B=/mnt/bin
verity_on $R/k_open $R/k_deny $R/k_allow $R/k_kread $B/alice $B/bob
enroll_real || fail "the real loaders' code is enrolled"
dg() { watchbpf digest $R/$1 | cut -d' ' -f1; }
rm -rf /sys/fs/bpf/kf && mkdir -p /sys/fs/bpf/kf
P=/sys/fs/bpf/kf

# The policy. Its module kfuncs are added by sed: the heredoc is checked
# on the build host too (tests/unit/policy_schema.sh), where nf_conntrack
# may not be loaded.
cat >/tmp/kf-base.yaml <<EOT
name: kfuncs
trust:
  digests: [/tmp/code.digests]
loaders:
  - name: k_open
    exec: { digest: $(dg k_open) }
    programs: { types: [xdp, kprobe] }
  - name: k_deny
    exec: { digest: $(dg k_deny) }
    programs: { types: [xdp], deny_kfuncs: [bpf_rcu_read_lock] }
  - name: k_allow
    exec: { digest: $(dg k_allow) }
    programs: { types: [xdp], allow_kfuncs: [bpf_rcu_read_lock, bpf_rcu_read_unlock] }
  - name: k_kread
    exec: { digest: $(dg k_kread) }
    programs: { types: [xdp], kernel_reads: false }
  # the raw loader of tests/progs/kfuncs.c
  - name: alice
    exec: { digest: $(watchbpf digest $B/alice | cut -d' ' -f1) }
    programs: { types: [xdp] }
  - name: bob
    exec: { digest: $(watchbpf digest $B/bob | cut -d' ' -f1) }
    programs: { types: [xdp], deny_kfuncs: [bpf_rcu_read_lock] }
EOT
sed 's/deny_kfuncs: \[bpf_rcu_read_lock\]/deny_kfuncs: [bpf_rcu_read_lock, bpf_ct_release]/' \
	/tmp/kf-base.yaml >/tmp/kf.yaml

# ---- names are checked against the running kernel's BTF
sed 's/deny_kfuncs: \[bpf_rcu_read_lock\]/deny_kfuncs: [bpf_rcu_read_lok]/' /tmp/kf-base.yaml >/tmp/kf-typo.yaml
out=$(watchbpf check /tmp/kf-typo.yaml 2>&1)
case "$out" in
*"kf-typo.yaml:10:45: unknown kfunc 'bpf_rcu_read_lok' (did you mean 'bpf_rcu_read_lock'?)"*)
	pass "check: a misspelt kfunc, with file:line and a suggestion" ;;
*) fail "check: a misspelt kfunc, with file:line and a suggestion" "$out" ;;
esac
sed 's/deny_kfuncs: \[bpf_rcu_read_lock\]/deny_kfuncs: [bpf_xdp_ct_lookp]/' /tmp/kf-base.yaml >/tmp/kf-typo2.yaml
out=$(watchbpf check /tmp/kf-typo2.yaml 2>&1)
case "$out" in
*"unknown kfunc 'bpf_xdp_ct_lookp' (did you mean 'bpf_xdp_ct_lookup'?)"*)
	pass "check: a module's kfunc, misspelt, is suggested from its BTF" ;;
*) fail "check: a module's kfunc, misspelt, is suggested from its BTF" "$out" ;;
esac
sed 's/deny_kfuncs: \[bpf_rcu_read_lock\]/deny_kfuncs: [bpf_rcu_read_lock], allow_kfuncs: [bpf_rdonly_cast]/' \
	/tmp/kf-base.yaml >/tmp/kf-both.yaml
out=$(watchbpf check /tmp/kf-both.yaml 2>&1)
case "$out" in
*"'allow_kfuncs' and 'deny_kfuncs' together"*) pass "check: allow_kfuncs and deny_kfuncs together are refused" ;;
*) fail "check: allow_kfuncs and deny_kfuncs together are refused" "$out" ;;
esac

expect_ok "kfuncs policy is valid" watchbpf check /tmp/kf.yaml
# nf_conntrack's BTF object and two kfuncs' type ids, for the raw loader
# (before the daemon: bpftool here is no loader)
# ("2: name [nf_conntrack]  size 61440B": kernel BTFs' names in brackets)
CT=$(bpftool btf show | sed -n 's/^\([0-9]*\): name \[*nf_conntrack\]* .*/\1/p')
LK=$(bpftool btf dump id "$CT" | sed -n "s/^\[\([0-9]*\)\] FUNC 'bpf_xdp_ct_lookup' .*/\1/p")
RL=$(bpftool btf dump id "$CT" | sed -n "s/^\[\([0-9]*\)\] FUNC 'bpf_ct_release' .*/\1/p")
echo "# nf_conntrack: BTF $CT, bpf_xdp_ct_lookup $LK, bpf_ct_release $RL"
t0=$(date +%s)
start_gatekeeper --enforce /tmp/kf.yaml --log /tmp/kf.jsonl --log-sign-key /mnt/keys/ci.key ||
	fail "gatekeeper starts with the kfuncs policy" "$(cat /tmp/wb.err)"
echo "# the daemon attached in $(($(date +%s) - t0)) s"
L=/tmp/wb.out

# ---- no kfunc rule: every kfunc, and the log says which
expect_ok "no kfunc rules: vmlinux kfuncs" $R/k_open prog load $O/kf_rcu.bpf.o $P/o1
expect_ok "no kfunc rules: a kernel-reading kfunc" $R/k_open prog load $O/kf_cast.bpf.o $P/o2
expect_ok "no kfunc rules: module kfuncs" $R/k_open prog load $O/kf_ct.bpf.o $P/o3
expect_ok "a kprobe with helpers" $R/k_open prog load $O/kp_read.bpf.o $P/o4

# ---- deny_kfuncs, vmlinux and module kfuncs
expect_eperm "deny_kfuncs: a denied vmlinux kfunc" $R/k_deny prog load $O/kf_rcu.bpf.o $P/t
expect_eperm "deny_kfuncs: a denied module kfunc (nf_conntrack)" $R/k_deny prog load $O/kf_ct.bpf.o $P/t
expect_ok "deny_kfuncs: a kfunc it does not name" $R/k_deny prog load $O/kf_cast.bpf.o $P/d1

# ---- a module BTF the program hook cannot read in fd_array: the
# verifier's is judged (the fd hook compares), as when a thread swaps the
# fd between the two
expect_ok "raw loader, no kfunc rule: module kfuncs through fd_array" $B/alice ctload "$CT" "$LK" "$RL" direct
expect_ok "raw loader, no kfunc rule: fd_array on a page not mapped in yet" \
	$B/alice ctload "$CT" "$LK" "$RL" unmapped
expect_eperm "deny_kfuncs: a module kfunc through fd_array" $B/bob ctload "$CT" "$LK" "$RL" direct
expect_eperm "deny_kfuncs: fd_array the program hook cannot read: denied at the fd hook" \
	$B/bob ctload "$CT" "$LK" "$RL" unmapped

# ---- allow_kfuncs: nothing else
expect_ok "allow_kfuncs: the kfuncs it names" $R/k_allow prog load $O/kf_rcu.bpf.o $P/a1
expect_eperm "allow_kfuncs: a vmlinux kfunc it does not name" $R/k_allow prog load $O/kf_cast.bpf.o $P/t
expect_eperm "allow_kfuncs: a module kfunc it does not name" $R/k_allow prog load $O/kf_ct.bpf.o $P/t
expect_ok "allow_kfuncs: a program without kfuncs" $R/k_allow prog load $O/xdp_pass.bpf.o $P/a2

# ---- a load refused for real is not scanned: Eve's flood of them must
# not have the hook read each one's instructions (their count unchecked yet)
cp $B/alice /tmp/eve # off the verity disk: no loader
expect_eperm "Eve (no loader) loads a program: refused" /tmp/eve prog kprobe 5 eve_prog

# ---- kernel_reads: false covers the kfuncs that read kernel memory
expect_eperm "kernel_reads: false denies bpf_rdonly_cast" $R/k_kread prog load $O/kf_cast.bpf.o $P/t
expect_ok "kernel_reads: false lets other kfuncs through" $R/k_kread prog load $O/kf_rcu.bpf.o $P/k1

sleep 1
expect_line "log: a denied vmlinux kfunc, by name" \
	"name: kf_rcu action: Denied reason: kfunc:bpf_rcu_read_lock loader: k_deny$" $L
expect_line "log: a denied module kfunc, by name" \
	"name: kf_ct action: Denied reason: kfunc:bpf_ct_release loader: k_deny$" $L
expect_line "log: allow_kfuncs, by name" \
	"name: kf_cast action: Denied reason: kfunc:bpf_rdonly_cast loader: k_allow$" $L
expect_line "log: allow_kfuncs and a module kfunc" \
	"name: kf_ct action: Denied reason: kfunc:bpf_xdp_ct_lookup loader: k_allow$" $L
expect_line "log: the raw loader's module kfunc, by name" \
	"name: ct_prog action: Denied reason: kfunc:bpf_ct_release loader: bob$" $L
expect_line "log: a module BTF the hook could not read" \
	"op: load type: xdp name: ct_prog action: Denied reason: kfunc-changed loader: bob$" $L
expect_line "log: kernel_reads: false and a kfunc" \
	"name: kf_cast action: Denied reason: kernel-read:bpf_rdonly_cast loader: k_kread$" $L
J=/tmp/kf.jsonl
expect_line "JSON: the rule that denied (deny_kfuncs)" \
	'"reason":"kfunc:bpf_rcu_read_lock","rule":"k_deny.programs.deny_kfuncs"' $J
expect_line "JSON: the rule that denied (allow_kfuncs)" \
	'"reason":"kfunc:bpf_rdonly_cast","rule":"k_allow.programs.allow_kfuncs"' $J
expect_line "JSON: a load says the kfuncs it calls" \
	'"name":"kf_rcu","insn_cnt":[0-9]+,"attach_type":"xdp","helpers":"","kfuncs":"bpf_rcu_read_lock,bpf_rcu_read_unlock"' $J
expect_line "JSON: and module kfuncs, by name" \
	'"name":"kf_ct",.*"kfuncs":"bpf_ct_release,bpf_xdp_ct_lookup"' $J
expect_line "JSON: and the helpers it calls" \
	'"name":"kp_read",.*"helpers":"get_current_task,probe_read_kernel","kfuncs":""' $J
expect_line "JSON: Eve's refused load is logged" '"op":"load","action":"BPFDenied".*"name":"eve_prog"' $J
expect_no_line "JSON: ... without a scan of her instructions" '"action":"BPFDenied".*"helpers":"' $J
expect_line "JSON: a loader's record names its executable" \
	"\"loader\":\"k_open\",.*\"exe\":\"$R/k_open\",\"exe_digest\":\"$(dg k_open)\"" $J
stop_gatekeeper
# the stop signs a last checkpoint
expect_ok "the JSON log verifies" watchbpf log verify $J --cert /mnt/keys/ci.pem
