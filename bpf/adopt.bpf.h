/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Adoption of running processes, the kernel's half (bpf/adopt.bpf.c): the
 * daemon checks a running process from user space, then asks the kernel to
 * mark it, and the mark holds only if nothing happened to the process in
 * between. These are the "somethings": an exec, an executable mapping, a
 * ptrace. Each bumps the sequence number of a task being adopted, and of its
 * thread group leader, which the commit compares.
 */
#ifndef WATCHBPF_ADOPT_BPF_H
#define WATCHBPF_ADOPT_BPF_H

#include "bpf/common.bpf.h"

#define WB_SEQ_ONE (1ULL << 32) /* seq is the high half of ident */

static __always_inline void seq_bump(struct wbpf_task *t)
{
	__sync_fetch_and_add(&t->ident, WB_SEQ_ONE);
}

/* P (mark T, which is being adopted) changed what the daemon checked. */
static __always_inline void adopt_disturbed(struct task_struct *p, struct wbpf_task *t)
{
	struct wbpf_task *lt;

	seq_bump(t);
	lt = bpf_task_storage_get(&task_marks, p->group_leader, NULL, 0);
	if (lt && lt != t && lt->adopting)
		seq_bump(lt);
}

#endif
