/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A loader's executable code (bpf/integrity.bpf.h): every executable
 * mapping of a loader's process, mmap(PROT_EXEC) or an mprotect that makes
 * a mapping executable, must come from its own executable (verified at
 * exec), or from a file with fs-verity whose digest trust.digests or the
 * loader's code.digests names, or that carries a signature trust.certs
 * verifies. Shared libraries, dlopen, LD_PRELOAD, /etc/ld.so.preload and
 * a replaced ld.so all come through here. Anonymous or memfd executable
 * memory needs the loader's code.jit. Anything else costs the loader its
 * authority (code.on_untrusted: taint, kill) or the mapping (deny).
 *
 * A daemon that adopted the pinned state by exec maps only the code the
 * daemon before it registered (self_code): other code is refused.
 *
 * A header, included by bpf/verify.bpf.c alone: it calls the same kfuncs,
 * which the BPF static linker resolves from one object only.
 */
#ifndef WATCHBPF_CODE_BPF_H
#define WATCHBPF_CODE_BPF_H

#include "bpf/integrity.bpf.h"

#define WB_PROT_EXEC 0x4
#define WB_VM_EXEC 0x4
#define WB_TMPFS_MAGIC 0x01021994
#define WB_HUGETLBFS_MAGIC 0x958458f6

/* A memfd (an unlinked file of the kernel's internal tmpfs or hugetlbfs
 * mount): no file anyone can review, what a JIT maps twice. Judged as
 * anonymous memory. */
static __always_inline bool memfd_like(struct inode *inode)
{
	unsigned long magic = BPF_CORE_READ(inode, i_sb, s_magic);

	return !BPF_CORE_READ(inode, __i_nlink) &&
	       (magic == WB_TMPFS_MAGIC || magic == WB_HUGETLBFS_MAGIC);
}

/* The digest of a verity file a loader mapped executable, and which inode
 * it was: an inode number is used again once its inode is freed, and the
 * inode's address and generation tell the new one apart. */
struct wbpf_code_inode {
	struct wbpf_digest_key d;
	__u64 inode;
	__u32 generation;
	__u32 pad;
};

/* By inode: an mprotect only has vma->vm_file, which no kfunc takes, so it
 * looks the digest up here. A file it does not find was never mapped
 * executable by a loader: a library is, its segments by mmap; a file
 * mapped readable and made executable later is what an attacker does, and
 * is judged untrusted. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct wbpf_inode_key);
	__type(value, struct wbpf_code_inode);
} code_inodes SEC(".maps");

static __always_inline void code_inode_of(struct inode *inode, struct wbpf_code_inode *ci)
{
	ci->inode = (__u64)inode;
	ci->generation = BPF_CORE_READ(inode, i_generation);
	ci->pad = 0;
}

/* The file's last path component: where d_path may not be called (an
 * mprotect's vma->vm_file is no trusted pointer). */
static __always_inline bool copy_dentry_name(struct file *file, char *buf)
{
	const unsigned char *name = BPF_CORE_READ(file, f_path.dentry, d_name.name);

	return bpf_probe_read_kernel_str(buf, WB_PATH_LEN, name) > 0;
}

/* What untrusted code costs T (the current task); FILE names it in the log
 * when there is one. Returns the hook's verdict. */
static __always_inline int untrusted_code(struct wbpf_task *t, __u16 op, __u8 reason,
					  struct file *file, bool can_sleep)
{
	__u8 action = WB_ACT_TAINTED, flags = 0;
	struct wbpf_loader_cfg *c = NULL;
	struct wbpf_defaults *d;
	struct wbpf_event *e;
	__u32 gen;
	int ret = 0;

	if (t->daemon_exec) {
		/* the daemon's authority is the pins: never lent to code */
		action = WB_ACT_DENIED;
		ret = -EPERM;
	} else {
		gen = current_gen();
		c = cfg_of(t, gen);
		d = defaults_of(gen);
		if (c && (c->flags & WB_LC_CODE_DENY)) {
			action = WB_ACT_DENIED;
			flags = enforce(d && (d->audit || (c->flags & WB_LC_AUDIT)), false, &ret);
		}
		if (!ret) {
			/* what the process does from now on is not Alice's */
			taint(t);
			if (c && (c->flags & WB_LC_CODE_KILL) && !bpf_send_signal(SIGKILL))
				flags |= WB_EV_KILLED;
		}
	}
	e = event_start(op, action, reason, t->loader_id, flags);
	if (!e)
		return ret;
	if (file && can_sleep &&
	    bpf_path_d_path(&file->f_path, e->path, sizeof(e->path)) >= 0)
		e->flags |= WB_EV_PATH;
	else if (file)
		e->flags |= copy_dentry_name(file, e->path) ? WB_EV_PATH : 0;
	bpf_ringbuf_submit(e, 0);
	return ret;
}

/* Anonymous or memfd executable memory: a JIT's, with code.jit, or an
 * exploit's. */
static __always_inline int anon_exec(struct wbpf_task *t, __u16 op)
{
	struct wbpf_loader_cfg *c;

	if (!t->daemon_exec) {
		c = cfg_of(t, current_gen());
		if (c && (c->flags & WB_LC_JIT))
			return 0;
	}
	return untrusted_code(t, op, WB_R_ANON_EXEC, NULL, false);
}

/* Whether the loader may run the code of a file with digest KEY (gen 0). */
static __always_inline bool code_trusted(struct wbpf_task *t, struct wbpf_digest_key *key)
{
	struct wbpf_code *code;
	__u32 id = t->loader_id;

	if (t->daemon_exec)
		return bpf_map_lookup_elem(&self_code, key);
	key->gen = current_gen();
	code = bpf_map_lookup_elem(&code_digests, key);
	if (!code)
		return false;
	if (code->all)
		return true;
	return id < WB_MAX_LOADERS && ((code->loaders[(id / 64) & 3] >> (id % 64)) & 1);
}

/* A signature trust.certs verifies, as for a signed loader: in sleepable
 * hooks only (the xattr kfunc sleeps). KEY holds the file's digest. */
static __always_inline bool code_signed(struct file *file, struct wbpf_digest_key *key)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct wbpf_defaults *d = defaults_of(current_gen());
	struct wbpf_scratch *s;
	bool ok;

	if (!d || !d->keyring)
		return false;
	s = bpf_task_storage_get(&scratch, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!s)
		return false;
	__builtin_memcpy(&s->key, key, sizeof(*key));
	ok = !verify_signature(file, s, d->keyring);
	bpf_task_storage_delete(&scratch, task);
	return ok;
}

/* An executable mapping of FILE by mmap. */
static __always_inline int code_file(struct wbpf_task *t, struct file *file)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct wbpf_digest_key key;
	struct wbpf_code_inode ci;
	struct wbpf_inode_key ik;

	/* its own executable, verified at exec (and immutable: fs-verity) */
	if (file->f_inode == task->mm->exe_file->f_inode)
		return 0;
	if (memfd_like(file->f_inode))
		return anon_exec(t, WB_OP_MMAP);
	if (!file_digest(file, &key))
		return untrusted_code(t, WB_OP_MMAP, WB_R_NOT_VERITY, file, true);
	inode_key(file->f_inode, &ik);
	__builtin_memcpy(&ci.d, &key, sizeof(key));
	code_inode_of(file->f_inode, &ci);
	bpf_map_update_elem(&code_inodes, &ik, &ci, BPF_ANY);
	if (code_trusted(t, &key))
		return 0;
	if (!t->daemon_exec && code_signed(file, &key))
		return 0;
	return untrusted_code(t, WB_OP_MMAP, WB_R_UNTRUSTED_CODE, file, true);
}

/* A file mapping made executable by mprotect: its digest as an mmap saw
 * it, or untrusted. */
static __always_inline int code_mprotect(struct wbpf_task *t, struct file *file)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	struct wbpf_code_inode *known, now;
	struct wbpf_digest_key key;
	struct wbpf_inode_key ik;

	if (inode == BPF_CORE_READ(task, mm, exe_file, f_inode))
		return 0;
	if (memfd_like(inode))
		return anon_exec(t, WB_OP_MPROTECT);
	inode_key(inode, &ik);
	known = bpf_map_lookup_elem(&code_inodes, &ik);
	code_inode_of(inode, &now);
	if (!known || known->inode != now.inode || known->generation != now.generation)
		return untrusted_code(t, WB_OP_MPROTECT, WB_R_UNTRUSTED_CODE, file, false);
	__builtin_memcpy(&key, &known->d, sizeof(key));
	if (code_trusted(t, &key))
		return 0;
	return untrusted_code(t, WB_OP_MPROTECT, WB_R_UNTRUSTED_CODE, file, false);
}

/* Every mmap; the fast path is two tests: no PROT_EXEC, or not a loader. */
SEC("lsm.s/mmap_file")
int BPF_PROG(wb_mmap_file, struct file *file, unsigned long reqprot, unsigned long prot,
	     unsigned long flags)
{
	struct wbpf_task *t;

	if (!(prot & WB_PROT_EXEC))
		return 0;
	t = current_mark();
	if (!t)
		return 0;
	if (!code_concerns(t)) {
		if (t->adopting) {
			bpf_rcu_read_lock(); /* group_leader, in a sleepable hook */
			adopt_disturbed(bpf_get_current_task_btf(), t);
			bpf_rcu_read_unlock();
		}
		return 0;
	}
	/* FILE is NULL for anonymous memory. 7.x knows, and wants the test;
	 * 6.12 takes the pointer for non-NULL and drops the test as dead code,
	 * so a probe read of its inode tells there. */
	if (!file || !BPF_CORE_READ(file, f_inode))
		return anon_exec(t, WB_OP_MMAP);
	return code_file(t, file);
}

/* mprotect(PROT_EXEC) of a mapping not executable yet: a heap page made
 * code, or a file mapped readable first. Not sleepable: mmap_lock is held,
 * and vma->vm_file is no pointer the kfuncs take: code_inodes says. */
SEC("lsm/file_mprotect")
int BPF_PROG(wb_file_mprotect, struct vm_area_struct *vma, unsigned long reqprot,
	     unsigned long prot)
{
	struct wbpf_task *t;
	struct file *file;

	if (!(prot & WB_PROT_EXEC))
		return 0;
	t = current_mark();
	if (!t)
		return 0;
	if (!code_concerns(t)) {
		if (t->adopting)
			adopt_disturbed(bpf_get_current_task_btf(), t);
		return 0;
	}
	if (BPF_CORE_READ(vma, vm_flags) & WB_VM_EXEC)
		return 0; /* judged when it became executable */
	file = vma->vm_file;
	if (!file)
		return anon_exec(t, WB_OP_MPROTECT);
	return code_mprotect(t, file);
}

#endif
