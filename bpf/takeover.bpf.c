// SPDX-License-Identifier: GPL-2.0
/*
 * No takeover of a running loader: PTRACE_ATTACH/SEIZE, /proc/PID/mem,
 * process_vm_readv/writev and pidfd_getfd all ask ptrace_access_check for
 * attach mode, and PTRACE_TRACEME hands the caller to its parent. Into a
 * loader, only the same loader (its own children, bpftrace's helpers) may;
 * anyone else is refused, or with code.on_takeover: taint the loader loses
 * its authority and the access goes on. Exec under a tracer gives no
 * identity at all (bpf/verify.bpf.c). Tasks that are no loader return at
 * once: a ptrace of them costs the trampoline and one load.
 */
#include "bpf/adopt.bpf.h"
#include "bpf/integrity.bpf.h"

/* Loader P (its mark V) is reached into by someone that is not the same
 * loader: refused, or V tainted, as V's loader says. */
static __noinline int takeover(struct task_struct *p, struct wbpf_task *v)
{
	struct wbpf_task *t = current_mark();
	struct wbpf_loader_cfg *c;
	struct wbpf_defaults *d;
	struct wbpf_event *e;
	__u32 gen = current_gen();
	__u8 action = WB_ACT_DENIED, flags = 0;
	int ret = 0;

	if (!p || !v)
		return 0;
	c = loader_cfg(gen, v->loader_id);
	d = defaults_of(gen);
	if (c && !(c->flags & WB_LC_TAKEOVER_TAINT))
		flags = enforce(d && (d->audit || (c->flags & WB_LC_AUDIT)), false, &ret);
	if (!ret) {
		/* let through: whatever the loader does from now on may be
		 * the tracer's, so it does it without authority */
		action = WB_ACT_TAINTED;
		taint_task(p, v);
	}
	e = event_start(WB_OP_PTRACE, action, WB_R_TAKEOVER, t ? t->loader_id : 0, flags);
	if (e) {
		e->detail = v->loader_id;
		e->obj_id = p->tgid;
		bpf_ringbuf_submit(e, 0);
	}
	return ret;
}

SEC("lsm/ptrace_access_check")
int BPF_PROG(wb_takeover_check, struct task_struct *child, unsigned int mode)
{
	struct wbpf_task *v, *t;

	if (!(mode & WB_PTRACE_MODE_ATTACH))
		return 0;
	v = task_mark(child);
	if (!v)
		return 0;
	if (v->adopting && !v->loader_id) {
		/* a tracer now could steer what the daemon just checked */
		adopt_disturbed(child, v);
		return 0;
	}
	if (!v->loader_id || v->tainted)
		return 0;
	t = current_mark();
	if (t && t->loader_id == v->loader_id && !tainted(t))
		return 0; /* the same loader: nobody's authority is borrowed */
	return takeover(child, v);
}

/* A loader asks its parent to trace it: the parent is the one reaching in. */
SEC("lsm/ptrace_traceme")
int BPF_PROG(wb_takeover_traceme, struct task_struct *parent)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct wbpf_task *v = task_mark(cur), *pm;

	if (!v)
		return 0;
	if (v->adopting && !v->loader_id) {
		adopt_disturbed(cur, v);
		return 0;
	}
	if (!v->loader_id || v->tainted)
		return 0;
	pm = task_mark(parent);
	if (pm && pm->loader_id == v->loader_id && !pm->tainted)
		return 0;
	return takeover(cur, v);
}
