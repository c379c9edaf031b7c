// SPDX-License-Identifier: GPL-2.0
/*
 * The pinned state of a persistent daemon (gatekeeper/persist.c): its links
 * and maps pinned in a bpffs instance of its own, mounted at
 * /sys/fs/bpf/watchbpf, so that enforcement outlives the daemon. Nobody but
 * the daemon opens a pin there (OBJ_GET), makes, removes or renames an entry,
 * remounts that bpffs, mounts over it or moves it, or unmounts it or a mount
 * above it (a lazy unmount of /sys would free every pin with the file
 * system). Everything in that file system is watchbpf's, so one comparison
 * of the superblock tells. Not a policy decision.
 */
#include "bpf/self.bpf.h"

#define WB_BPF_FS_MAGIC 0xcafe4a11
#define WB_MAY_WRITE 0x2
#define WB_MAY_READ 0x4
#define WB_MAY_APPEND 0x8
#define WB_S_IFMT 0170000
#define WB_S_IFDIR 0040000
#define WB_MS_REMOUNT 32

/* The superblock and the mount (struct mount) of the pinned state: the
 * daemon's chmod of the file system's root tells them (the daemon cannot
 * know kernel addresses; this hook sees them). 0: nothing pinned. */
extern volatile __u64 pin_sb, pin_mnt;

static __always_inline __u64 mount_of(struct vfsmount *mnt)
{
	return (__u64)((void *)mnt - bpf_core_field_offset(struct mount, mnt));
}

SEC("lsm/path_chmod")
int BPF_PROG(wb_pin_capture, const struct path *path, umode_t mode)
{
	struct dentry *dentry = path->dentry;
	struct super_block *sb = dentry->d_sb;

	if (sb->s_magic != WB_BPF_FS_MAGIC || dentry != sb->s_root || !is_daemon())
		return 0;
	pin_sb = (__u64)sb;
	pin_mnt = mount_of(path->mnt);
	return 0;
}

/* Lookups (exec on directories) and listing pass; opening a pin, and
 * writing a directory (create, unlink, rename) do not. */
static __noinline int judge_pin_access(struct inode *inode, int mask)
{
	if (!(mask & (WB_MAY_WRITE | WB_MAY_APPEND)) &&
	    (!(mask & WB_MAY_READ) || (inode->i_mode & WB_S_IFMT) == WB_S_IFDIR))
		return 0;
	if (is_daemon())
		return 0;
	return self_refuse_task(WB_OP_PINS, WB_PIN_ACCESS);
}

/* Every path lookup comes here: the fast path is one comparison, in
 * registers the program's prologue need not save (make bench). */
SEC("lsm/inode_permission")
int BPF_PROG(wb_pin_permission, struct inode *inode, int mask)
{
	__u64 sb = pin_sb;

	if (!sb || (__u64)inode->i_sb != sb)
		return 0;
	return judge_pin_access(inode, mask);
}

/* umount of the pins' mount or of any mount above it: the walk goes up
 * from the pins' mount (no more than 16 levels: /sys/fs/bpf/watchbpf has 4). */
SEC("lsm/sb_umount")
int BPF_PROG(wb_pin_umount, struct vfsmount *mnt, int flags)
{
	__u64 target = mount_of(mnt), m = pin_mnt;

	if (!m)
		return 0;
	for (int i = 0; i < 16; i++) {
		struct mount *parent;

		if (m == target)
			return is_daemon() ? 0 : self_refuse_task(WB_OP_PINS, WB_PIN_UMOUNT);
		parent = BPF_CORE_READ((struct mount *)m, mnt_parent);
		if ((__u64)parent == m || !parent)
			break;
		m = (__u64)parent;
	}
	return 0;
}

SEC("lsm/sb_remount")
int BPF_PROG(wb_pin_remount, struct super_block *sb, void *mnt_opts)
{
	if (!pin_sb || (__u64)sb != pin_sb || is_daemon())
		return 0;
	return self_refuse_task(WB_OP_PINS, WB_PIN_REMOUNT);
}

/* over the pins, which a restarted daemon would then not find */
SEC("lsm/sb_mount")
int BPF_PROG(wb_pin_mount, const char *dev_name, const struct path *path, const char *type,
	     unsigned long flags, void *data)
{
	if (!pin_sb || (__u64)path->dentry->d_sb != pin_sb || is_daemon())
		return 0;
	return self_refuse_task(WB_OP_PINS, (flags & WB_MS_REMOUNT) ? WB_PIN_REMOUNT : WB_PIN_MOUNT);
}

SEC("lsm/move_mount")
int BPF_PROG(wb_pin_move, const struct path *from_path, const struct path *to_path)
{
	if (!pin_sb || is_daemon())
		return 0;
	if ((__u64)from_path->dentry->d_sb != pin_sb && (__u64)to_path->dentry->d_sb != pin_sb)
		return 0;
	return self_refuse_task(WB_OP_PINS, WB_PIN_MOVE);
}
