# SPDX-License-Identifier: GPL-2.0
# Attacks on the daemon's process and on the kernel under it
# (bpf/self.bpf.c, bpf/kernel.bpf.c), each made with the raw system call by
# tests/progs/attack.c, as a root process that is no loader (eve) and as an
# authorized loader (mallory). Each must fail, be logged with who tried
# what, and leave enforcement intact: the daemon runs, and eve's own BPF
# is still denied.

B=/mnt/bin
verity_on $B/alice $B/attack
cp $B/attack /tmp/eve-attack
cp $B/alice /tmp/eve
CG=/sys/fs/cgroup
cat >/tmp/attacks.yaml <<EOT
name: attacks
default:
  bpf: deny
kernel:
  modules: deny
  kexec: deny
  memory: deny
loaders:
  - name: alice
    exec: { digest: $(watchbpf digest $B/alice | cut -d' ' -f1) }
  - name: mallory
    exec: { digest: $(watchbpf digest $B/attack | cut -d' ' -f1) }
EOT
expect_ok "attacks policy is valid" watchbpf check /tmp/attacks.yaml
L=/tmp/wb.out

# ---- the same attacks on a process that is not the daemon go through: the
# hooks concern the daemon only, and the attacks are real
sleep 300 &
victim=$!
for a in "attach $victim" "mem $victim" "nice $victim" "idle $victim" \
	"rlimit $victim" "write /proc/$victim/oom_score_adj 500"; do
	expect_ok "baseline: $a works on another process" /tmp/eve-attack $a
done
expect_ok "baseline: root opens /dev/mem without the gatekeeper" /tmp/eve-attack open /dev/mem
expect_ok "baseline: and ioperm" /tmp/eve-attack ioperm
if /tmp/eve-attack finitmod $B/attack >/tmp/a.out 2>&1 || grep -q 'not permitted' /tmp/a.out; then
	fail "baseline: finit_module of a non-module fails for its content" "$(cat /tmp/a.out)"
else pass "baseline: finit_module of a non-module fails for its content"; fi

# The daemon runs in a cgroup of its own, under a parent: wbp/wbd
mkdir -p $CG/wbp/wbd $CG/other
echo "+memory +pids" >$CG/cgroup.subtree_control 2>/dev/null
echo "+memory +pids" >$CG/wbp/cgroup.subtree_control 2>/dev/null
echo $$ >$CG/wbp/wbd/cgroup.procs
start_gatekeeper --enforce /tmp/attacks.yaml || fail "gatekeeper starts (attacks)" "$(cat /tmp/wb.err)"
echo $$ >$CG/cgroup.procs
P=$WB_PID

holds() { # WHO: the daemon runs and eve's BPF is still denied
	if kill -0 $P; then pass "$1: the daemon runs on"; else fail "$1: the daemon runs on"; fi
	expect_eperm "$1: enforcement holds (eve denied)" /tmp/eve
}

daemon_attacks() { # WHO ATTACK-BINARY
	local who=$1 A=$2 s
	for s in 9 15 19 20 1 2 10; do
		expect_eperm "$who: kill -$s of the daemon" $A kill $P $s
	done
	expect_eperm "$who: tgkill SIGKILL" $A tgkill $P 9
	expect_eperm "$who: pidfd_send_signal SIGKILL" $A pidfd $P 9
	expect_eperm "$who: rt_sigqueueinfo SIGKILL" $A sigqueue $P 9
	$A sigio $P 12 >/dev/null 2>&1 # refused in silence: the log says it
	expect_eperm "$who: ptrace attach" $A attach $P
	expect_eperm "$who: ptrace seize" $A seize $P
	expect_eperm "$who: /proc/PID/mem read-write" $A mem $P
	expect_eperm "$who: process_vm_writev" $A vmwrite $P
	expect_eperm "$who: process_vm_readv" $A vmread $P
	expect_eperm "$who: pidfd_getfd of fd 3" $A getfd $P 3
	expect_eperm "$who: nice 19" $A nice $P
	expect_eperm "$who: SCHED_IDLE" $A idle $P
	expect_eperm "$who: affinity" $A affinity $P
	expect_eperm "$who: I/O priority idle" $A ioprio $P
	expect_eperm "$who: prlimit NOFILE 4" $A rlimit $P
	expect_eperm "$who: oom_score_adj 1000" $A write /proc/$P/oom_score_adj 1000
	expect_eperm "$who: /proc/PID/comm" $A write /proc/$P/comm x
	expect_eperm "$who: cgroup.kill of its cgroup" $A write $CG/wbp/wbd/cgroup.kill 1
	expect_eperm "$who: cgroup.freeze of its parent" $A write $CG/wbp/cgroup.freeze 1
	[ -e $CG/wbp/wbd/memory.max ] && expect_eperm "$who: memory.max" $A write $CG/wbp/wbd/memory.max 4096
	[ -e $CG/wbp/wbd/pids.max ] && expect_eperm "$who: pids.max" $A write $CG/wbp/wbd/pids.max 1
	expect_eperm "$who: /proc/sysrq-trigger" $A write /proc/sysrq-trigger h
	expect_ok "$who: another cgroup's cgroup.freeze stays its owner's" $A write $CG/other/cgroup.freeze 0
	expect_ok "$who: kill -0 (is it there?) works" $A kill $P 0
	holds "$who"
}

kernel_attacks() { # WHO ATTACK-BINARY
	local who=$1 A=$2
	expect_eperm "$who: init_module" $A initmod $B/attack
	expect_eperm "$who: finit_module" $A finitmod $B/attack
	expect_eperm "$who: kexec_load" $A kexec
	expect_eperm "$who: kexec_file_load" $A kexecfile $B/attack
	expect_eperm "$who: open /dev/mem" $A open /dev/mem
	expect_eperm "$who: open /proc/kcore" $A open /proc/kcore
	expect_eperm "$who: ioperm" $A ioperm
	holds "$who (kernel)"
}

daemon_attacks eve /tmp/eve-attack
daemon_attacks mallory $B/attack
expect_eperm "eve: the shell's kill -9" kill -9 $P
expect_eperm "eve: the shell's kill -STOP" kill -STOP $P
kernel_attacks eve /tmp/eve-attack
kernel_attacks mallory $B/attack
mount -t wbnofs none /tmp 2>/dev/null
holds "module autoload"

# bpf_override_return skips the function a kprobe sits on: no loader gets it
expect_eperm "alice (a loader with no program rules) gets no bpf_override_return" $B/alice prog kprobe 58
expect_ok "... but a kprobe calling another helper" $B/alice prog kprobe 14

# restrict: loaders may, others may not
sed -i 's/modules: deny/modules: restrict/' /tmp/attacks.yaml
reload_gatekeeper attacks "reload: kernel.modules restrict"
expect_eperm "restrict: eve's finit_module denied" /tmp/eve-attack finitmod $B/attack
if $B/attack finitmod $B/attack >/tmp/a.out 2>&1 || grep -q 'not permitted' /tmp/a.out; then
	fail "restrict: mallory's finit_module reaches the module loader" "$(cat /tmp/a.out)"
else pass "restrict: mallory's finit_module reaches the module loader"; fi

X='pid: [0-9]+ pod: host op'
expect_line "log: eve's SIGKILL" "^process: eve-attack $X: signal action: Denied reason: watchbpf-own:SIGKILL$" $L
expect_line "log: mallory's SIGSTOP, as mallory" "^process: attack $X: signal action: Denied reason: watchbpf-own:SIGSTOP loader: mallory$" $L
expect_line "log: the shell's kill -9" "op: signal action: Denied reason: watchbpf-own:SIGKILL" $L
expect_line "log: SIGIO (F_SETSIG SIGUSR2) aimed at the daemon" "^process: eve-attack $X: signal action: Denied reason: watchbpf-own:SIGUSR2$" $L
expect_line "log: ptrace" "^process: eve-attack $X: ptrace action: Denied reason: watchbpf-own:ptrace$" $L
expect_line "log: nice" "op: task_set action: Denied reason: watchbpf-own:nice" $L
expect_line "log: rlimit" "op: task_set action: Denied reason: watchbpf-own:rlimit" $L
expect_line "log: oom_score_adj, with the path" "op: write action: Denied reason: watchbpf-own:/proc/$P/oom_score_adj" $L
expect_line "log: cgroup.freeze of the parent" "op: write action: Denied reason: watchbpf-own:$CG/wbp/cgroup.freeze" $L
expect_line "log: sysrq" "op: write action: Denied reason: watchbpf-own:/proc/sysrq-trigger" $L
expect_line "log: init_module" "^process: eve-attack $X: module action: Denied reason: kernel-modules:memory$" $L
expect_line "log: finit_module names the file" "op: module action: Denied reason: kernel-modules:file:attack loader: mallory$" $L
expect_line "log: module autoload names the module" "op: module action: Denied reason: kernel-modules:request:fs-wbnofs$" $L
expect_line "log: kexec_file_load" "op: kexec action: Denied reason: kernel-kexec:file:attack$" $L
expect_line "log: /dev/mem" "op: kernel_mem action: Denied reason: kernel-memory:dev_mem$" $L
expect_line "log: /proc/kcore" "op: kernel_mem action: Denied reason: kernel-memory:kcore$" $L
expect_line "log: ioperm" "op: kernel_mem action: Denied reason: kernel-memory:ioport$" $L
expect_line "log: override_return refused" "process: alice $X: load type: kprobe action: Denied reason: watchbpf-own loader: alice$" $L
stop_gatekeeper
if kill -0 $P 2>/dev/null; then fail "the daemon is gone after watchbpf stop"; else pass "the daemon is gone after watchbpf stop"; fi

# audit mode lifts no part of self-protection; the kernel rules it only logs
sed -i 's/modules: restrict/modules: deny/' /tmp/attacks.yaml
start_gatekeeper --audit /tmp/attacks.yaml || fail "gatekeeper starts (attacks, audit)" "$(cat /tmp/wb.err)"
P=$WB_PID
expect_eperm "audit: kill -9 still refused" /tmp/eve-attack kill $P 9
expect_eperm "audit: ptrace still refused" /tmp/eve-attack attach $P
expect_ok "audit: /dev/mem let through" /tmp/eve-attack open /dev/mem
expect_eperm "audit: bpf_override_return still refused" $B/alice prog kprobe 58
stop_gatekeeper
expect_line "audit: /dev/mem logged as a would-be denial" "op: kernel_mem action: Denied audit reason: kernel-memory:dev_mem$" $L
kill -9 $victim
rmdir $CG/wbp/wbd $CG/wbp $CG/other 2>/dev/null
