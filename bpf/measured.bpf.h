/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Measured identity: files on file systems without fs-verity (ext4 made
 * without the feature, XFS, tmpfs) whose fs-verity-format digest the daemon
 * computed in user space and registered by inode (gatekeeper/measured.c).
 * file_digest() (bpf/verity.bpf.h) answers for them with that digest, so
 * exec identity, collateral and code trust work as with fs-verity, while
 * bpf/measured.bpf.c holds the file unchanged: no write open, truncate or
 * attribute change, and the entry goes with the inode.
 */
#ifndef WATCHBPF_MEASURED_BPF_H
#define WATCHBPF_MEASURED_BPF_H

#include "bpf/common.bpf.h"

#define WB_MINORBITS 20 /* MKDEV: a define, not in BTF */

WB_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * WB_MAX_CODE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct wbpf_inode_key);
	__type(value, struct wbpf_digest_key);
} measured_inodes SEC(".maps");

/* How many files are registered: 0 (the common case) spares every hot
 * hook the lookup. Set by the daemon. */
extern volatile __u32 measured_count;

static __always_inline void inode_key(struct inode *inode, struct wbpf_inode_key *k)
{
	k->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	k->ino = BPF_CORE_READ(inode, i_ino);
}

#define WB_OVERLAYFS_MAGIC 0x794c7630 /* uapi magic.h: a define, not in BTF */

/* Whether F is a struct file of a file system under an overlay: its
 * mapping is its inode's, as for every open file. */
static __always_inline bool real_file_like(struct file *f)
{
	struct inode *i = BPF_CORE_READ(f, f_inode);

	return i && BPF_CORE_READ(f, f_mapping) == BPF_CORE_READ(i, i_mapping) &&
	       BPF_CORE_READ(i, i_sb, s_magic) != WB_OVERLAYFS_MAGIC;
}

/*
 * The inode whose bytes FILE reads: its own, or for a file of an overlay
 * (every container image) the real file's underneath, which overlayfs
 * opened for it: file->private_data is that file up to 6.12, and from 6.13
 * (the release whose struct file counts references in f_ref) a struct
 * ovl_file whose first member it is. Taken only when it looks like an
 * open file; NULL otherwise: no measured identity then.
 */
static __always_inline struct inode *data_inode(struct file *file)
{
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	struct file *real = NULL;
	void *pd;

	if (BPF_CORE_READ(inode, i_sb, s_magic) != WB_OVERLAYFS_MAGIC)
		return inode;
	pd = BPF_CORE_READ(file, private_data);
	if (!pd)
		return NULL;
	if (!bpf_core_field_exists(struct file, f_ref))
		real = pd;
	else if (bpf_probe_read_kernel(&real, sizeof(real), pd))
		return NULL;
	if (!real || !real_file_like(real))
		return NULL;
	return BPF_CORE_READ(real, f_inode);
}

/* The registered digest of INODE, if it is a measured file. */
static __always_inline struct wbpf_digest_key *measured(struct inode *inode)
{
	struct wbpf_inode_key k;

	if (!measured_count || !inode)
		return NULL;
	inode_key(inode, &k);
	return bpf_map_lookup_elem(&measured_inodes, &k);
}

/* A measured file's digest into *key, unless a writer holds it open: a
 * write opened before the daemon registered it could change it since. */
static __always_inline bool measured_digest(struct file *file, struct wbpf_digest_key *key)
{
	struct inode *inode = data_inode(file);
	struct wbpf_digest_key *d = measured(inode);

	if (!d || BPF_CORE_READ(inode, i_writecount.counter) > 0)
		return false;
	__builtin_memcpy(key, d, sizeof(*key));
	return true;
}

/* Refuses a change to a measured file, and says so (op write, the path). */
static __always_inline int measured_refuse(const struct path *path)
{
	struct wbpf_task *t = current_mark();
	struct wbpf_event *e;

	e = event_start(WB_OP_WRITE, WB_ACT_DENIED, WB_R_MEASURED, t ? t->loader_id : 0,
			WB_EV_PATH);
	if (e) {
		if (bpf_d_path((struct path *)path, e->path, sizeof(e->path)) < 0)
			e->flags = 0;
		bpf_ringbuf_submit(e, 0);
	}
	return -EPERM;
}

#endif
