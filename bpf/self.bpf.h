/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Self-protection: watchbpf's own programs, maps and links belong to the
 * daemon alone. Nobody else, root or loader, whatever the policy says, gets
 * an fd of one (GET_FD_BY_ID, OBJ_GET, pidfd_getfd, SCM_RIGHTS), so nobody
 * writes its configuration, marks a task a loader through task storage, or
 * detaches it; and nobody loads a tracing program on the kernel's security
 * hooks, where fmod_ret could overrule every decision. Not a policy
 * decision: audit mode does not lift it.
 */
#ifndef WATCHBPF_SELF_BPF_H
#define WATCHBPF_SELF_BPF_H

#include "bpf/common.bpf.h"

#define WB_SELF_MAP 1
#define WB_SELF_PROG 2
#define WB_SELF_LINK 3

/* (kind << 32 | id) of each of watchbpf's objects: the daemon fills it
 * after load, and after every attach. */
WB_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u64);
	__type(value, __u32);
} self_objs SEC(".maps");

/* vmlinux BTF ids of the security_* and bpf_lsm_* functions: no tracing
 * program attaches there (the daemon fills it from the kernel's BTF). */
WB_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u32);
} guarded_funcs SEC(".maps");

/* The daemon's process (tgid, init pid namespace), set by its own bpf()
 * calls (bpf/syscall.bpf.c): 0 until the daemon has made one. */
extern volatile __u32 self_tgid;

#define WB_PF_KTHREAD 0x00200000 /* PF_KTHREAD: a define, not in BTF */

/* A task that acts on the daemon: the daemon's own threads, the service
 * manager (PID 1, which stops it at shutdown) and kernel threads may. */
static __always_inline bool may_rule_daemon(void)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	return tgid == self_tgid || tgid == 1 || (cur->flags & WB_PF_KTHREAD);
}

/* fs-verity digests (gen 0) of watchbpf's own executables: an exec of one,
 * not traced, makes the daemon that adopts the pinned state
 * (gatekeeper/persist.c registers its own, and upgrades theirs). */
WB_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, struct wbpf_digest_key);
	__type(value, __u32);
} self_digests SEC(".maps");

WB_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wbpf_persist);
} persist_state SEC(".maps");

static __always_inline bool is_self(__u32 kind, __u32 id)
{
	__u64 key = (__u64)kind << 32 | id;

	return id && bpf_map_lookup_elem(&self_objs, &key);
}

static __always_inline bool is_daemon(void)
{
	struct wbpf_task *t = current_mark();

	return t && t->daemon;
}

/* Refuses the current task an operation on watchbpf itself, and says so. */
static __always_inline int self_refuse(__u16 op, __u8 has_obj, __u32 obj_type, __u32 obj_id)
{
	struct wbpf_task *t = current_mark();
	struct wbpf_event *e;

	e = event_start(op, WB_ACT_DENIED, WB_R_SELF, t ? t->loader_id : 0, 0);
	if (e) {
		e->has_obj = has_obj;
		e->obj_type = obj_type;
		e->obj_id = obj_id;
		bpf_ringbuf_submit(e, 0);
	}
	return -EPERM;
}

/* Refuses the current task something it tried on the daemon's process
 * (bpf/self.bpf.c), with DETAIL (a signal, a ptrace mode...) for the log. */
static __always_inline int self_refuse_task(__u16 op, __u32 detail)
{
	struct wbpf_task *t = current_mark();
	struct wbpf_event *e;

	e = event_start(op, WB_ACT_DENIED, WB_R_SELF, t ? t->loader_id : 0, 0);
	if (e) {
		e->detail = detail;
		bpf_ringbuf_submit(e, 0);
	}
	return -EPERM;
}

/* A tracing program (fentry, fexit, fmod_ret) on a security hook. */
static __always_inline bool targets_security(struct bpf_prog *prog)
{
	__u32 id = prog->aux->attach_btf_id;

	if (prog->type != BPF_PROG_TYPE_TRACING || prog->aux->dst_prog)
		return false;
	return bpf_map_lookup_elem(&guarded_funcs, &id);
}

#endif
