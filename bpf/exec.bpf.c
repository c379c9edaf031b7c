// SPDX-License-Identifier: GPL-2.0
/*
 * Identity: a task becomes a loader only by exec of a file whose fs-verity
 * digest belongs to a loader of the policy; the mark follows fork and clone
 * and is replaced by the next exec.
 */
#include "bpf/common.bpf.h"

extern int bpf_get_fsverity_digest(struct file *file, struct bpf_dynptr *digest_ptr) __ksym;
extern void bpf_preempt_disable(void) __ksym;
extern void bpf_preempt_enable(void) __ksym;

/* The kfunc writes into map memory only (dynptr_from_mem refuses the
 * stack), so the digest lands in a per-CPU buffer. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wbpf_digest_key);
} digest_buf SEC(".maps");

/* Which loader, if any, FILE is; *reason says why none. */
static __always_inline __u32 loader_of(struct file *file, __u8 *reason)
{
	struct wbpf_digest_key *key;
	struct bpf_dynptr ptr;
	__u32 zero = 0, *id, ret = 0;

	*reason = WB_R_NONE;
	/* Another exec on this CPU must not overwrite the buffer between
	 * the kfunc and the lookup: that could hand out its identity. */
	bpf_preempt_disable();
	key = bpf_map_lookup_elem(&digest_buf, &zero);
	if (!key)
		goto out;
	__builtin_memset(key, 0, sizeof(*key));
	bpf_dynptr_from_mem(key, sizeof(*key), 0, &ptr);
	if (bpf_get_fsverity_digest(file, &ptr) < 0)
		goto out; /* not verity: nothing to report, most execs are this */
	id = bpf_map_lookup_elem(&loader_digests, key);
	if (id)
		ret = *id;
	else
		*reason = WB_R_UNKNOWN_DIGEST;
out:
	bpf_preempt_enable();
	return ret;
}

SEC("lsm/bprm_check_security")
int BPF_PROG(wb_bprm_check, struct linux_binprm *bprm)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct wbpf_task *t;
	__u8 reason;
	__u32 id;

	/* Only the file named by execve() can make a loader. A later pass
	 * for the interpreter of a script (or binfmt_misc) has interp
	 * changed, so "#!/path/to/alice" gives the script no identity. */
	if (bprm->interp != bprm->filename)
		return 0;

	id = loader_of(bprm->file, &reason);
	t = task_mark(task);
	if (!id && !t && reason == WB_R_NONE)
		return 0; /* fast path: not a loader, never was */
	if (!t)
		t = bpf_task_storage_get(&task_marks, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!t)
		return 0;
	t->pending_id = id;
	t->pending_reason = reason;
	t->pending_valid = 1;
	return 0;
}

/* Past the point of no return of exec: the new program runs as current. */
SEC("lsm/bprm_committed_creds")
int BPF_PROG(wb_bprm_committed, struct linux_binprm *bprm)
{
	struct wbpf_task *t = task_mark(bpf_get_current_task_btf());
	struct wbpf_event *e;
	__u32 id;

	if (!t || !t->pending_valid)
		return 0;
	id = t->pending_id;
	t->loader_id = id;
	t->pending_valid = 0;
	if (!id && t->pending_reason != WB_R_UNKNOWN_DIGEST)
		return 0;

	e = event_start(WB_OP_EXEC, id ? WB_ACT_APPROVED : WB_ACT_DENIED, t->pending_reason, id);
	if (e)
		bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("lsm/task_alloc")
int BPF_PROG(wb_task_alloc, struct task_struct *task, unsigned long clone_flags)
{
	struct wbpf_task *parent = task_mark(bpf_get_current_task_btf());
	struct wbpf_task *child;

	if (!parent)
		return 0;
	/* The daemon's exemption covers its own threads, never a child. */
	if (!parent->loader_id && !(parent->daemon && (clone_flags & WB_CLONE_THREAD)))
		return 0;
	child = bpf_task_storage_get(&task_marks, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!child)
		return 0; /* no memory: the child simply is no loader */
	child->loader_id = parent->loader_id;
	child->daemon = parent->daemon;
	return 0;
}
