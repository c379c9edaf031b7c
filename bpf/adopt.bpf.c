// SPDX-License-Identifier: GPL-2.0
/*
 * Adoption of the processes that were running before the daemon (PID 1
 * first of all): they never exec again, so the exec hooks never mark them.
 * gatekeeper/adopt.c walks /proc and checks each candidate as the exec hook
 * would, in three steps that this task iterator carries out for it, every
 * task named by its tid in adopt_reqs:
 *
 *   stage   the task gets a mark with no loader, "adopting", and seq set to
 *           a nonce the daemon chose; from here on its exec, executable
 *           mappings and ptrace bump seq (bpf/adopt.bpf.h);
 *   (the daemon checks the executable, the code mapped, the tracer)
 *   commit  the loader id goes in with one compare-and-exchange of
 *           (loader 0, seq nonce) -> (loader id, seq nonce), and holds only
 *           if the thread group leader's seq is still its nonce too;
 *   abort   undoes either.
 *
 * So a task that exec'd Eve's program, or mapped Eve's library, after the
 * daemon looked never gets the mark it was checked for. Runs only when the
 * daemon reads the iterator: no hook, nothing on any hot path.
 */
#include "bpf/adopt.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WB_MAX_ADOPT);
	__type(key, __u32); /* tid, in the initial pid namespace */
	__type(value, struct wbpf_adopt_req);
} adopt_reqs SEC(".maps");

static __always_inline void stage(struct task_struct *task, struct wbpf_adopt_req *r)
{
	struct wbpf_task *t = task_mark(task);
	__u64 old;

	if (!t) {
		t = bpf_task_storage_get(&task_marks, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!t) {
			r->result = WB_ADOPT_NOMEM;
			return;
		}
		r->created = 1;
	}
	old = t->ident;
	if ((__u32)old || t->daemon) {
		r->result = WB_ADOPT_MARKED;
		return;
	}
	t->adopting = 1;
	/* an exec between the read and here bumped seq: then this fails */
	if (__sync_val_compare_and_swap(&t->ident, old, (__u64)r->nonce << 32) != old) {
		r->result = WB_ADOPT_RACED;
		return;
	}
	r->result = WB_ADOPT_DONE;
}

static __always_inline void commit(struct task_struct *task, struct wbpf_adopt_req *r)
{
	struct wbpf_task *t = task_mark(task), *lt;
	__u64 staged = (__u64)r->nonce << 32;

	if (!t || !r->id || r->id >= WB_MAX_LOADERS) {
		r->result = WB_ADOPT_RACED;
		return;
	}
	if (__sync_val_compare_and_swap(&t->ident, staged, staged | r->id) != staged) {
		r->result = WB_ADOPT_RACED;
		return;
	}
	/* another thread of the process may have mapped code: its bump
	 * reached the leader, whose seq must still be as staged */
	if (r->leader_nonce) {
		lt = bpf_task_storage_get(&task_marks, task->group_leader, NULL, 0);
		if (!lt || (__u32)(lt->ident >> 32) != r->leader_nonce) {
			__sync_val_compare_and_swap(&t->ident, staged | r->id, staged);
			r->result = WB_ADOPT_RACED;
			return;
		}
	}
	t->adopting = 0;
	r->result = WB_ADOPT_DONE;
}

static __always_inline void abort_one(struct task_struct *task, struct wbpf_adopt_req *r)
{
	struct wbpf_task *t = task_mark(task);
	__u64 staged = (__u64)r->nonce << 32;

	if (!t)
		return;
	/* only what this adoption set: a mark an exec gave since stays */
	__sync_val_compare_and_swap(&t->ident, staged | r->id, staged);
	if (t->ident == staged) {
		t->adopting = 0;
		if (r->created)
			bpf_task_storage_delete(&task_marks, task);
	}
	r->result = WB_ADOPT_DONE;
}

SEC("iter/task")
int wb_adopt(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct wbpf_adopt_req *r;
	__u32 tid;

	if (!task)
		return 0;
	tid = task->pid;
	r = bpf_map_lookup_elem(&adopt_reqs, &tid);
	if (!r || r->result)
		return 0;
	if (r->op == WB_ADOPT_STAGE)
		stage(task, r);
	else if (r->op == WB_ADOPT_COMMIT)
		commit(task, r);
	else if (r->op == WB_ADOPT_ABORT)
		abort_one(task, r);
	return 0;
}
