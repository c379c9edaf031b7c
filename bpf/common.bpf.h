/* SPDX-License-Identifier: GPL-2.0 */
/* Maps, configuration and helpers shared by every BPF file. The maps are
 * defined once in maps.bpf.c and are extern elsewhere; the BPF static linker
 * (bpftool gen object) resolves them into one object. */
#ifndef WATCHBPF_COMMON_BPF_H
#define WATCHBPF_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/watchbpf.h"

#define EPERM 1
#define ENOMEM 12
#define SIGKILL 9
#define WB_CLONE_THREAD 0x00010000 /* uapi sched.h: not in BTF */
#define WB_FMODE_WRITE 0x2 /* FMODE_WRITE: a define, not in BTF */
#define WB_F_MMAPABLE 0x400 /* BPF_F_MMAPABLE: likewise */
#define WB_PTRACE_MODE_ATTACH 0x02 /* linux/ptrace.h: a define, not in BTF */
#define WB_CALL 0x85 /* BPF_JMP | BPF_CALL: uapi defines, not in BTF */

#ifdef WB_DEFINE_MAPS
#define WB_MAP
#else
#define WB_MAP extern
#endif

WB_MAP struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct wbpf_task);
} task_marks SEC(".maps");

WB_MAP struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct wbpf_scan);
} scans SEC(".maps");

WB_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * WB_MAX_LOADERS);
	__type(key, struct wbpf_digest_key);
	__type(value, __u32);
} loader_digests SEC(".maps");

WB_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * WB_MAX_LOADERS);
	__type(key, __u32);
	__type(value, struct wbpf_loader_cfg);
} loader_cfgs SEC(".maps");

WB_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct wbpf_defaults);
} defaults SEC(".maps");

WB_MAP struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

WB_MAP struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wbpf_counters);
} counters SEC(".maps");

/* The generation in force: the daemon fills the other one, then flips
 * this, so a reload is atomic for every decision (each reads it once). */
extern volatile __u32 active_gen;

/*
 * Hot paths (file_open, fork, exec) ask this of every task. Most tasks have
 * no BPF local storage at all, which one load tells; the helper call costs
 * as much again as the hook's trampoline.
 */
static __always_inline struct wbpf_task *task_mark(struct task_struct *task)
{
	if (!task->bpf_storage)
		return NULL;
	return bpf_task_storage_get(&task_marks, task, NULL, 0);
}

static __always_inline struct wbpf_task *current_mark(void)
{
	return task_mark(bpf_get_current_task_btf());
}

static __always_inline __u32 current_gen(void)
{
	return active_gen & 1;
}

static __always_inline struct wbpf_defaults *defaults_of(__u32 gen)
{
	return bpf_map_lookup_elem(&defaults, &gen);
}

static __always_inline struct wbpf_loader_cfg *loader_cfg(__u32 gen, __u32 id)
{
	__u32 idx;

	if (!id || id >= WB_MAX_LOADERS)
		return NULL;
	idx = gen * WB_MAX_LOADERS + id;
	return bpf_map_lookup_elem(&loader_cfgs, &idx);
}

/* The configuration of the current task's loader, if it is one in force. */
static __always_inline struct wbpf_loader_cfg *cfg_of(struct wbpf_task *t, __u32 gen)
{
	struct wbpf_loader_cfg *c;

	if (!t || !t->loader_id)
		return NULL;
	c = loader_cfg(gen, t->loader_id);
	if (!c || !(c->flags & WB_LC_VALID))
		return NULL; /* the loader was removed by a reload */
	return c;
}

/* The mark of the current thread group's leader: what a whole process
 * holds (taint, probes, write-mode fds of read-only maps). */
static __always_inline struct wbpf_task *leader_mark(void)
{
	struct task_struct *leader = bpf_get_current_task_btf()->group_leader;

	return bpf_task_storage_get(&task_marks, leader, NULL, 0);
}

/* Taint is per process: the thread that opened bad collateral marks its
 * group leader too, and every thread checks both. */
static __always_inline bool tainted(struct wbpf_task *t)
{
	struct wbpf_task *lt;

	if (t->tainted)
		return true;
	lt = leader_mark();
	return lt && lt->tainted;
}

/* The file behind FD in the current task's file table, or NULL. Racy: the
 * fd can change before the kernel looks, so what it finds only names an
 * object in the log, or decides what gains nothing from a swap. */
static __always_inline struct file *file_of_fd(int fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds, *f = NULL;

	if (fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

/* What an object hook needs to judge the current task: its mark, its
 * loader's configuration and the defaults in force. False for the daemon
 * and for tasks that are no loader (the bpf hook judged those). */
struct loader_ctx {
	struct wbpf_task *t;
	struct wbpf_loader_cfg *c;
	struct wbpf_defaults *d;
};

static __always_inline bool current_loader(struct loader_ctx *l)
{
	__u32 gen;

	l->t = current_mark();
	if (!l->t || l->t->daemon)
		return false;
	gen = current_gen();
	l->c = cfg_of(l->t, gen);
	l->d = defaults_of(gen);
	return l->c && l->d;
}

/* Audit applies when the policy or the loader says so. */
static __always_inline bool loader_audits(struct loader_ctx *l)
{
	return l->d->audit || (l->c->flags & WB_LC_AUDIT);
}

static __always_inline void count(__u16 op, __u8 action, __u8 flags)
{
	struct wbpf_counters *c;
	__u32 zero = 0, o = wb_op_index(op);

	c = bpf_map_lookup_elem(&counters, &zero);
	if (!c)
		return;
	if (o < WB_NR_OPS && action < WB_NR_ACTIONS)
		c->decisions[o][action]++;
	if (flags & WB_EV_AUDIT)
		c->audited++;
	if (flags & WB_EV_KILLED)
		c->killed++;
}

/*
 * Counts the decision and reserves its event, filled in with who the current
 * task is. NULL when the ring buffer is full: the drop is counted, so the
 * daemon can report it. The caller adds details and submits.
 */
static __always_inline struct wbpf_event *event_start(__u16 op, __u8 action, __u8 reason,
						      __u32 loader_id, __u8 flags)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 id = bpf_get_current_pid_tgid();
	struct kernfs_node *kn;
	struct wbpf_counters *c;
	struct wbpf_event *e;
	__u32 zero = 0;
	int level;

	count(op, action, flags);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		c = bpf_map_lookup_elem(&counters, &zero);
		if (c)
			c->events_dropped++;
		return NULL;
	}
	e->ts_boot_ns = bpf_ktime_get_boot_ns();
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->loader_id = loader_id;
	e->op = op;
	e->action = action;
	e->reason = reason;
	e->flags = flags;
	e->has_obj = 0;
	e->obj_type = 0;
	e->obj_id = 0;
	e->detail = 0;
	e->attach_type = 0;
	e->nr_kfuncs = 0;
	e->scan = 0;
	e->insn_cnt = 0;
	e->name[0] = '\0';
	e->path[0] = '\0';
	bpf_get_current_comm(e->comm, sizeof(e->comm));

	/* pod: the last component of the cgroup v2 path, "" at the root */
	e->pod[0] = '\0';
	level = BPF_CORE_READ(task, cgroups, dfl_cgrp, level);
	if (level > 0) {
		kn = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn);
		bpf_probe_read_kernel_str(e->pod, sizeof(e->pod), BPF_CORE_READ(kn, name));
	}
	return e;
}

/* A decision with nothing more to say than its reason. */
static __always_inline void emit(__u16 op, __u8 action, __u8 reason, __u32 loader_id, __u8 flags)
{
	struct wbpf_event *e = event_start(op, action, reason, loader_id, flags);

	if (e)
		bpf_ringbuf_submit(e, 0);
}

/*
 * What a denial does: in audit mode nothing (the flag says so in the log);
 * otherwise -EPERM, and SIGKILL first when the policy says so. Returns the
 * event flags to log; *ret the hook's return value.
 */
static __always_inline __u8 enforce(bool audit, bool kill, int *ret)
{
	if (audit) {
		*ret = 0;
		return WB_EV_AUDIT;
	}
	*ret = -EPERM;
	if (kill && !bpf_send_signal(SIGKILL))
		return WB_EV_KILLED;
	return 0;
}

/* The first of N globs (at most WB_MAX_MAP_RULES) NAME matches, or -1. */
static __always_inline int first_match(const struct wbpf_glob *globs, __u32 n,
				       const struct wbpf_name *name)
{
	for (int i = 0; i < WB_MAX_MAP_RULES; i++) {
		if ((__u32)i >= n)
			break;
		if (wb_glob_match(&globs[i], name))
			return i;
	}
	return -1;
}

#define WB_NO_RULE 0xff

/* The access the first of a loader's map rules matching NAME grants, or
 * WB_NO_RULE (none, and the log says why: no rule, or no name). */
static __always_inline __u8 map_rule_access(struct wbpf_loader_cfg *c, const char *s)
{
	struct wbpf_name name;
	int i;

	wb_name_prepare(&name, s);
	i = first_match(c->maps, c->nr_maps, &name);

	return i >= 0 && i < WB_MAX_MAP_RULES ? c->maps[i].access : WB_NO_RULE;
}

/* Why a map with access A (map_rule_access) is refused to a writer or
 * (WRITE false) a reader, or WB_R_NONE. */
static __always_inline __u8 map_refusal(__u8 a, const char *name, bool write)
{
	if (a == WB_NO_RULE)
		return name[0] ? WB_R_MAP_NONE : WB_R_MAP_UNNAMED;
	if (a == WBPF_ACCESS_NONE)
		return WB_R_MAP_NONE;
	if (a == WBPF_ACCESS_RO && write)
		return WB_R_MAP_RO;
	return WB_R_NONE;
}

#endif
