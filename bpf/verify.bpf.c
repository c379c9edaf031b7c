// SPDX-License-Identifier: GPL-2.0
/*
 * Files verified in the kernel: fs-verity digests and signatures.
 *
 * Identity: a task becomes a loader only by exec of a file with fs-verity
 * whose digest belongs to a loader, or whose signature verifies with the
 * trusted keys (and whose path matches, when the loader names one). The mark
 * follows fork and clone and is replaced by the next exec.
 *
 * Collateral: files a loader opens below a prefix of its policy (object
 * files, templates, generators) must have fs-verity, and a valid signature
 * when the policy says so. A loader that opens one that has not is tainted
 * for the rest of its life: its later bpf() calls are denied.
 *
 * Both live in this one object because the BPF static linker (libbpf 1.5)
 * cannot resolve the same kfunc extern from two objects.
 */
#include "bpf/verity.bpf.h"
#include "bpf/probe.bpf.h"
#include "bpf/self.bpf.h"
#include "bpf/adopt.bpf.h"

/* Checks what a loader found by digest asks for besides the digest. */
static __always_inline int check_extras(struct linux_binprm *bprm, struct wbpf_loader_cfg *c,
					struct wbpf_scratch *s, __s32 keyring)
{
	int reason;

	if (c->flags & WB_LC_NEED_SIG) {
		reason = verify_signature(bprm->file, s, keyring);
		if (reason)
			return reason;
	}
	if (c->flags & WB_LC_NEED_PATH) {
		if (bpf_path_d_path(&bprm->file->f_path, (char *)s->path, sizeof(s->path)) < 0 ||
		    !wb_path_match(s->path, &c->exec_path))
			return WB_R_PATH;
	}
	return 0;
}

/* Which loader a verity file is, given its digest in s->key. */
static __always_inline __u32 identify(struct linux_binprm *bprm, struct wbpf_scratch *s, __u32 gen,
				      __u8 *reason)
{
	struct wbpf_defaults *d = defaults_of(gen);
	struct wbpf_loader_cfg *c;
	bool have_path = false;
	__u32 *idp, id;
	int r;

	*reason = WB_R_UNKNOWN_DIGEST;
	if (!d)
		return 0;
	idp = bpf_map_lookup_elem(&loader_digests, &s->key);
	if (idp) {
		id = *idp;
		c = loader_cfg(gen, id);
		if (!c || !(c->flags & WB_LC_VALID))
			return 0;
		r = check_extras(bprm, c, s, d->keyring);
		*reason = r;
		return r ? 0 : id;
	}
	if (!d->signed_loaders[0])
		return 0;

	/* No digest matched: a loader identified by signature alone? */
	r = verify_signature(bprm->file, s, d->keyring);
	if (r) {
		*reason = r;
		return 0;
	}
	for (int i = 0; i < WB_MAX_SIGNED_LOADERS; i++) {
		id = d->signed_loaders[i];
		if (!id)
			break;
		c = loader_cfg(gen, id);
		if (!c || !(c->flags & WB_LC_VALID))
			continue;
		if (c->flags & WB_LC_NEED_PATH) {
			if (!have_path) {
				if (bpf_path_d_path(&bprm->file->f_path, (char *)s->path,
						    sizeof(s->path)) < 0)
					s->path[0] = 0;
				have_path = true;
			}
			if (!wb_path_match(s->path, &c->exec_path)) {
				*reason = WB_R_PATH;
				continue;
			}
		}
		*reason = WB_R_NONE;
		return id;
	}
	return 0;
}

SEC("lsm.s/bprm_check_security")
int BPF_PROG(wb_bprm_check, struct linux_binprm *bprm)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct wbpf_digest_key key;
	struct wbpf_scratch *s;
	struct wbpf_task *t;
	__u8 reason = WB_R_NONE;
	__u32 id = 0, gen;
	bool daemon;

	/* Only the file named by execve() can make a loader. A later pass
	 * for the interpreter of a script (or binfmt_misc) has interp
	 * changed, so "#!/path/to/alice" gives the script no identity. */
	if (bprm->interp != bprm->filename)
		return 0;

	t = task_mark(task);
	if (!file_digest(bprm->file, &key)) {
		if (t) { /* a loader (or the daemon) exec'ing something else */
			t->pending_id = 0;
			t->pending_reason = WB_R_NONE;
			t->pending_daemon = 0;
			t->pending_valid = 1;
		}
		return 0; /* not verity: the fast path of most execs */
	}

	gen = current_gen();
	s = bpf_task_storage_get(&scratch, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (s) {
		__builtin_memcpy(&s->key, &key, sizeof(key));
		s->key.gen = gen;
		id = identify(bprm, s, gen, &reason);
		bpf_task_storage_delete(&scratch, task);
	}
	/* watchbpf's own executable: the daemon, which may adopt the pinned
	 * state */
	key.gen = 0;
	daemon = bpf_map_lookup_elem(&self_digests, &key);
	if (daemon && !id)
		reason = WB_R_NONE; /* watchbpf is no unknown file */
	/* A file with no name left (unlinked, O_TMPFILE) is nobody's to
	 * review; a tracer could steer the new program from its first
	 * instruction. Neither gets an identity. */
	if ((id || daemon) && !bprm->file->f_inode->i_nlink) {
		id = 0;
		daemon = false;
		reason = WB_R_DELETED;
	} else if ((id || daemon) && task->ptrace) {
		id = 0;
		daemon = false;
		reason = WB_R_TRACED;
	}
	if (!t)
		t = bpf_task_storage_get(&task_marks, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!t)
		return 0;
	t->pending_id = id;
	t->pending_reason = reason;
	t->pending_daemon = daemon;
	t->pending_valid = 1;
	return 0;
}

/* Past the point of no return of exec: the new program runs as current. */
SEC("lsm/bprm_committed_creds")
int BPF_PROG(wb_bprm_committed, struct linux_binprm *bprm)
{
	struct wbpf_task *t = current_mark();
	struct wbpf_event *e;
	__u32 id;

	if (!t)
		return 0;
	/* a new program: an adoption of the old one in flight must fail */
	seq_bump(t);
	t->adopting = 0;
	if (!t->pending_valid) {
		/* the mark was made during this exec (by an adoption's stage):
		 * the check never saw the file, so it gives no identity */
		t->loader_id = 0;
		t->daemon = 0;
		t->daemon_exec = 0;
		return 0;
	}
	id = t->pending_id;
	t->loader_id = id;
	t->daemon = t->pending_daemon;
	t->daemon_exec = t->pending_daemon;
	t->tainted = 0; /* a new program: the old one's taint stays with it */
	t->pending_valid = 0;
	if (!id && t->pending_reason == WB_R_NONE)
		return 0;

	e = event_start(WB_OP_EXEC, id ? WB_ACT_APPROVED : WB_ACT_DENIED_TASK, t->pending_reason,
			id, 0);
	if (!e)
		return 0;
	if (bpf_path_d_path(&bprm->file->f_path, e->path, sizeof(e->path)) >= 0)
		e->flags |= WB_EV_PATH;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("lsm/task_alloc")
int BPF_PROG(wb_task_alloc, struct task_struct *task, unsigned long clone_flags)
{
	struct wbpf_task *parent = current_mark();
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
	child->daemon_exec = parent->daemon_exec;
	child->tainted = parent->tainted;
	inherit_fds(child, clone_flags);
	return 0;
}

static __always_inline void taint(struct wbpf_task *t)
{
	struct wbpf_task *lt;

	t->tainted = 1;
	/* a sleepable program reaches group_leader only under RCU */
	bpf_rcu_read_lock();
	lt = leader_mark();
	if (lt)
		lt->tainted = 1;
	bpf_rcu_read_unlock();
}

SEC("lsm.s/file_open")
int BPF_PROG(wb_file_open, struct file *file)
{
	struct task_struct *task;
	struct wbpf_loader_cfg *c;
	struct wbpf_defaults *d;
	struct wbpf_scratch *s;
	struct wbpf_event *e;
	struct wbpf_task *t;
	__u8 reason = WB_R_NONE;
	__u32 gen;
	int i;

	t = current_mark();
	if (!t || !t->loader_id || t->tainted)
		return 0; /* the fast path: not a loader */
	gen = current_gen();
	c = cfg_of(t, gen);
	if (!c || !c->nr_collateral)
		return 0;
	d = defaults_of(gen);
	if (!d)
		return 0;

	task = bpf_get_current_task_btf();
	s = bpf_task_storage_get(&scratch, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!s)
		return 0;
	if (bpf_path_d_path(&file->f_path, (char *)s->path, sizeof(s->path)) < 0)
		goto out;
	for (i = 0; i < WB_MAX_COLLATERAL; i++) {
		if (i >= c->nr_collateral)
			goto out;
		if (wb_path_match(s->path, &c->collateral[i]))
			break;
	}
	if (i >= WB_MAX_COLLATERAL)
		goto out;

	if (!file_digest(file, &s->key))
		reason = WB_R_NOT_VERITY;
	else if (c->collateral[i].signed_req)
		reason = verify_signature(file, s, d->keyring);
	if (!reason)
		goto out;

	/* The open itself goes on: what the loader does with it is judged by
	 * taking its authority away. */
	taint(t);
	e = event_start(WB_OP_OPEN, WB_ACT_TAINTED, reason, t->loader_id, 0);
	if (e) {
		__builtin_memcpy(e->path, s->path, sizeof(e->path));
		e->flags |= WB_EV_PATH;
		bpf_ringbuf_submit(e, 0);
	}
out:
	bpf_task_storage_delete(&scratch, task);
	return 0;
}

/* Executable mappings of loaders: here for the kfuncs (see the top). */
#include "bpf/code.bpf.h"
