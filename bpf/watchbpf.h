/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared by the BPF programs and the daemon: the task mark, the
 * digest key, the decision event and the counters.  Plain __u* types only,
 * so this compiles against both vmlinux.h and <linux/types.h>.
 */
#ifndef WATCHBPF_H
#define WATCHBPF_H

#define WB_COMM_LEN 16
#define WB_NAME_LEN 16 /* BPF_OBJ_NAME_LEN */
#define WB_POD_LEN 64
#define WB_DIGEST_MAX 64
#define WB_MAX_LOADERS 4096

/* op: a bpf() command number (enum bpf_cmd), or one of these */
#define WB_OP_EXEC 0xffff

enum wbpf_action {
	WB_ACT_APPROVED = 1,
	WB_ACT_DENIED, /* "BPFDenied": the task is no authorized loader */
};

enum wbpf_reason {
	WB_R_NONE = 0,
	WB_R_NOT_LOADER, /* bpf() by a task that is no loader */
	WB_R_UNKNOWN_DIGEST, /* exec of a verity file no loader has */
};

/* event flags */
#define WB_EV_AUDIT (1U << 0) /* denied in policy, allowed by audit mode */

/* The identity of a task, in task storage. */
struct wbpf_task {
	__u32 loader_id; /* 1-based index of the policy's loader; 0: none */
	/* bprm_check_security decides, bprm_committed_creds commits: an exec
	 * that fails after the check must not change who the task is. */
	__u32 pending_id;
	__u8 pending_valid;
	__u8 pending_reason;
	__u8 daemon; /* watchbpf itself: never denied */
	__u8 pad;
};

/* Key of the digest -> loader map; laid out as struct fsverity_digest so the
 * kfunc's output is the key. Unused tail bytes are zero. */
struct wbpf_digest_key {
	__u16 alg; /* FS_VERITY_HASH_ALG_* */
	__u16 size;
	__u8 digest[WB_DIGEST_MAX];
};

struct wbpf_event {
	__u64 ts_boot_ns; /* bpf_ktime_get_boot_ns() */
	__u64 cgroup_id;
	__u32 pid; /* tgid, init pid namespace */
	__u32 tid;
	__u32 uid;
	__u32 loader_id;
	__u32 obj_type; /* prog or map type, when op creates one */
	__u16 op;
	__u8 action;
	__u8 reason;
	__u8 flags;
	__u8 has_obj; /* obj_type and name are valid */
	__u8 pad[2];
	char comm[WB_COMM_LEN];
	char name[WB_NAME_LEN];
	char pod[WB_POD_LEN];
};

/* Per-CPU counters (array map, one entry); never lost, unlike events. */
struct wbpf_counters {
	__u64 approved;
	__u64 denied;
	__u64 events_dropped;
};

#endif
