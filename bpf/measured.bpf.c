// SPDX-License-Identifier: GPL-2.0
/*
 * Measured files stay what was measured (bpf/measured.bpf.h): a truncate
 * by path or an attribute change is refused (a write open is refused by the
 * file_open guard of bpf/self.bpf.c, the one program on that hook), and a
 * freed inode's entry goes, so its number, used again, is nobody's. Every
 * hook returns at once while nothing is registered. Not a policy decision:
 * what the policy trusts by measurement would be worth nothing otherwise.
 */
#include "bpf/measured.bpf.h"

SEC("lsm/path_truncate")
int BPF_PROG(wb_measured_truncate, const struct path *path)
{
	if (!measured_count)
		return 0; /* before the argument's reads: the common case */
	if (!measured(BPF_CORE_READ(path, dentry, d_inode)))
		return 0;
	return measured_refuse(path);
}

/* chmod, chown, utimes, truncate: any change of attributes. */
SEC("lsm/inode_setattr")
int BPF_PROG(wb_measured_setattr, struct mnt_idmap *idmap, struct dentry *dentry,
	     struct iattr *attr)
{
	struct wbpf_task *t;
	struct wbpf_event *e;

	if (!measured_count)
		return 0;
	if (!measured(BPF_CORE_READ(dentry, d_inode)))
		return 0;
	t = current_mark();
	e = event_start(WB_OP_WRITE, WB_ACT_DENIED, WB_R_MEASURED, t ? t->loader_id : 0, 0);
	if (e) {
		bpf_probe_read_kernel_str(e->path, sizeof(e->path),
					  BPF_CORE_READ(dentry, d_name.name));
		e->flags |= WB_EV_PATH;
		bpf_ringbuf_submit(e, 0);
	}
	return -EPERM;
}

SEC("lsm/inode_free_security")
int BPF_PROG(wb_measured_free, struct inode *inode)
{
	struct wbpf_inode_key k;

	if (!measured_count)
		return 0;
	inode_key(inode, &k);
	bpf_map_delete_elem(&measured_inodes, &k);
	return 0;
}

/* The daemon's fds (gatekeeper/measured.c) -> the inode whose bytes each
 * reads, as data_inode() sees it: how the daemon learns which inode to
 * register for a file of an overlay, the real one underneath, with the
 * very code that will look it up. Zero when there is none. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct wbpf_inode_key);
} measured_fds SEC(".maps");

/* Run by the daemon over its own files only (the link names its pid). */
SEC("iter/task_file")
int wb_data_inodes(struct bpf_iter__task_file *ctx)
{
	struct file *file = ctx->file;
	struct wbpf_inode_key *k;
	struct inode *inode;
	__u32 fd = ctx->fd;

	if (!file)
		return 0;
	k = bpf_map_lookup_elem(&measured_fds, &fd);
	if (!k)
		return 0;
	inode = data_inode(file);
	if (!inode)
		return 0;
	inode_key(inode, k);
	return 0;
}
