// SPDX-License-Identifier: GPL-2.0
/*
 * Self-protection of the daemon's process: nobody but the daemon itself,
 * the service manager (PID 1) and the kernel stops, kills, freezes, traces
 * or starves it. Every hook returns at once unless the task acted on is the
 * daemon, so other tasks pay only the trampoline (make bench). Not a policy
 * decision: no policy, audit included, lifts it. Signals the kernel sends on
 * its own (Ctrl-C on a terminal, the OOM killer) never reach these hooks.
 */
#include "bpf/scan.bpf.h"
#include "bpf/self.bpf.h"
#include "bpf/measured.bpf.h"

#define WB_PROC_SUPER_MAGIC 0x9fa0
#define WB_CGROUP2_SUPER_MAGIC 0x63677270

struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
void bpf_task_release(struct task_struct *p) __ksym;

/* P is a thread of the daemon: its tgid, and (only then looked up) its
 * leader's mark, for a pid a dead daemon left may be anyone's now. */
static __always_inline bool is_daemon_task(struct task_struct *p)
{
	__u32 self = self_tgid;
	struct wbpf_task *t;

	if (!self || p->tgid != self)
		return false;
	t = task_mark(p->group_leader);
	return t && t->daemon;
}

/* OP (with DETAIL for the log) on P: refused when P is the daemon and the
 * current task may not rule it. */
static __always_inline int guard_daemon(struct task_struct *p, __u16 op, __u32 detail)
{
	if (!is_daemon_task(p) || may_rule_daemon())
		return 0;
	return self_refuse_task(op, detail);
}

static __noinline int judge_signal(struct task_struct *p, int sig)
{
	return sig ? guard_daemon(p, WB_OP_SIGNAL, sig) : 0;
}

/* kill, tgkill, pidfd_send_signal, rt_sigqueueinfo: every signal a task
 * sends. Signal 0 (does it exist?) harms nobody. The judgement is a
 * function of its own: the fast path then needs no register the
 * program's prologue would save (make bench: a signal costs 1% more
 * than with an empty program otherwise, the path being that short). */
SEC("lsm/task_kill")
int BPF_PROG(wb_task_kill, struct task_struct *p, struct kernel_siginfo *info, int sig,
	     const struct cred *cred)
{
	__u32 self = self_tgid;

	if (!self || p->tgid != self)
		return 0;
	return judge_signal(p, sig);
}

/* F_SETOWN + F_SETSIG: I/O on a file signals its owner, from whatever
 * context the I/O completes in; the daemon owns no such file. */
SEC("lsm/file_send_sigiotask")
int BPF_PROG(wb_sigiotask, struct task_struct *tsk, struct fown_struct *fown, int sig)
{
	if (!is_daemon_task(tsk))
		return 0;
	return self_refuse_task(WB_OP_SIGNAL, sig ?: 29 /* SIGIO */);
}

/* PTRACE_ATTACH/SEIZE, /proc/PID/mem, process_vm_readv/writev and
 * pidfd_getfd all ask for attach mode; reading /proc/PID/stat does not.
 * Not only the daemon: any process running watchbpf's own executable under
 * a pinned state holds the daemon's mark (bpf/verify.bpf.c), and code put
 * into it would hold the pins. */
SEC("lsm/ptrace_access_check")
int BPF_PROG(wb_ptrace_check, struct task_struct *child, unsigned int mode)
{
	struct wbpf_task *t;

	if (!(mode & WB_PTRACE_MODE_ATTACH))
		return 0;
	t = task_mark(child->group_leader);
	if (!t || !t->daemon || is_daemon())
		return 0;
	return self_refuse_task(WB_OP_PTRACE, mode);
}

/*
 * bpf_override_return makes a kprobed function return at once, with a value
 * of the program's choosing: whatever the kernel checks in that function
 * (error-injectable functions include whole system calls) does not happen.
 * No loader gets it, whatever its policy or the mode: a program of its own,
 * on this hook, so the loader's judgement keeps its stack.
 */
SEC("lsm/bpf_prog_load")
int BPF_PROG(wb_prog_override, struct bpf_prog *prog, union bpf_attr *attr, struct bpf_token *token)
{
	struct wbpf_scan *s;
	__u8 reason;

	if (prog->type != BPF_PROG_TYPE_KPROBE || is_daemon())
		return 0;
	s = scan_begin();
	if (!s)
		return -ENOMEM; /* unjudged: it does not go through */
	s->insns = (__u64)__builtin_preserve_access_index(&prog->insnsi);
	s->len = prog->len;
	s->deny[BPF_FUNC_override_return / 64] = 1ULL << (BPF_FUNC_override_return % 64);
	scan_prog(s);
	reason = s->reason;
	scan_end();
	if (!reason)
		return 0;
	return self_refuse(BPF_PROG_LOAD, WB_OBJ_PROG, prog->type, 0);
}

/* kfuncs are not what this scan looks for */
static __always_inline __u8 scan_kfunc(struct wbpf_scan *s, __u32 type_id, __s16 off,
				       __u32 *btf_id)
{
	*btf_id = 0;
	return WB_R_NONE;
}

/* Starving: nice 19, SCHED_IDLE, an idle I/O class, an affinity to one
 * busy CPU, or rlimits it cannot live with. */
SEC("lsm/task_setnice")
int BPF_PROG(wb_setnice, struct task_struct *p, int nice)
{
	return guard_daemon(p, WB_OP_TASK_SET, WB_SET_NICE);
}

SEC("lsm/task_setscheduler")
int BPF_PROG(wb_setscheduler, struct task_struct *p)
{
	return guard_daemon(p, WB_OP_TASK_SET, WB_SET_SCHEDULER);
}

SEC("lsm/task_setioprio")
int BPF_PROG(wb_setioprio, struct task_struct *p, int ioprio)
{
	return guard_daemon(p, WB_OP_TASK_SET, WB_SET_IOPRIO);
}

SEC("lsm/task_setrlimit")
int BPF_PROG(wb_setrlimit, struct task_struct *p, unsigned int resource, struct rlimit *new_rlim)
{
	return guard_daemon(p, WB_OP_TASK_SET, WB_SET_RLIMIT);
}

/* The task of pid NR (init pid namespace), acquired, if it is a thread of
 * the daemon; else NULL. */
static __always_inline struct task_struct *daemon_by_pid(int nr)
{
	struct task_struct *task = bpf_task_from_pid(nr);

	if (task && !is_daemon_task(task)) {
		bpf_task_release(task);
		return NULL;
	}
	return task;
}

/* /proc/PID/<file> of the daemon, for any of its threads: oom_score_adj
 * and oom_adj (the OOM killer's next victim), fail-nth and make-it-fail
 * (allocations that fail), mem, comm... The proc inode names its pid. */
static __always_inline bool daemon_proc_file(struct inode *inode)
{
	struct proc_inode *pi = (void *)inode - bpf_core_field_offset(struct proc_inode, vfs_inode);
	struct task_struct *task;
	struct pid *pid;

	pid = BPF_CORE_READ(pi, pid);
	if (!pid)
		return false;
	task = daemon_by_pid(BPF_CORE_READ(pid, numbers[0].nr));
	if (!task)
		return false;
	bpf_task_release(task);
	return true;
}

/* A file of a cgroup that holds the daemon, itself or an ancestor other
 * than the root: cgroup.kill and cgroup.freeze stop it, memory.max,
 * pids.max and cpu.max starve it, cgroup.procs moves what it holds. */
static __always_inline bool daemon_cgroup_file(struct file *file)
{
	/* kernfs keeps a node in its inodes' i_private; a cgroup directory's
	 * node keeps the cgroup */
	struct kernfs_node *kn = BPF_CORE_READ(file, f_path.dentry, d_parent, d_inode, i_private);
	struct cgroup *cg = BPF_CORE_READ(kn, priv), *dcg, *anc = NULL;
	struct task_struct *daemon;
	int level, dlevel;

	level = BPF_CORE_READ(cg, level);
	if (level <= 0)
		return false;
	daemon = daemon_by_pid(self_tgid);
	if (!daemon)
		return false;
	dcg = BPF_CORE_READ(daemon, cgroups, dfl_cgrp);
	bpf_task_release(daemon);
	dlevel = BPF_CORE_READ(dcg, level);
	if (level > dlevel || level > 255)
		return false;
	bpf_probe_read_kernel(&anc, sizeof(anc),
			      (void *)dcg + bpf_core_field_offset(struct cgroup, ancestors) +
				      level * sizeof(anc));
	return anc == cg;
}

static __always_inline bool is_sysrq_trigger(struct file *file)
{
	char name[16] = {};

	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(file, f_path.dentry, d_name.name));
	return !__builtin_memcmp(name, "sysrq-trigger", 14);
}

/* The indirect routes: files whose writing stops, kills or starves the
 * daemon. Only opens for writing are looked at, and only on procfs and
 * cgroup2: everything else leaves after two loads. */
SEC("lsm/file_open")
int BPF_PROG(wb_guard_open, struct file *file)
{
	struct inode *inode;
	unsigned long magic;
	struct wbpf_event *e;
	bool hit;

	if (!(file->f_mode & WB_FMODE_WRITE) || !self_tgid)
		return 0;
	inode = file->f_inode;
	magic = inode->i_sb->s_magic;
	if (magic == WB_PROC_SUPER_MAGIC)
		hit = daemon_proc_file(inode) || is_sysrq_trigger(file);
	else if (magic == WB_CGROUP2_SUPER_MAGIC)
		hit = daemon_cgroup_file(file);
	else if (measured(inode))
		return measured_refuse(&file->f_path); /* bpf/measured.bpf.h */
	else
		return 0;
	if (!hit || may_rule_daemon())
		return 0;
	e = event_start(WB_OP_WRITE, WB_ACT_DENIED, WB_R_SELF, 0, WB_EV_PATH);
	if (e) {
		struct wbpf_task *t = current_mark();

		e->loader_id = t ? t->loader_id : 0;
		if (bpf_d_path((struct path *)&file->f_path, e->path, sizeof(e->path)) < 0)
			e->flags = 0;
		bpf_ringbuf_submit(e, 0);
	}
	return -EPERM;
}
