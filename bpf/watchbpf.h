/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared by the BPF programs and the daemon: the task mark, the
 * per-loader configuration, the digest key, the decision event and the
 * counters.  Plain __u* types only, so this compiles against both vmlinux.h
 * and <linux/types.h>.
 */
#ifndef WATCHBPF_H
#define WATCHBPF_H

#define WB_COMM_LEN 16
#define WB_NAME_LEN 16 /* BPF_OBJ_NAME_LEN */
#define WB_POD_LEN 64
#define WB_PATH_LEN 256
#define WB_DIGEST_MAX 64
#define WB_SIG_MAX 4096
#define WB_MAX_LOADERS 256 /* loader ids are 1..WB_MAX_LOADERS-1 */
#define WB_MAX_GLOBS 8
#define WB_MAX_MAP_RULES 16
#define WB_MAX_COLLATERAL 4
#define WB_MAX_SIGNED_LOADERS 32
#define WB_HELPER_WORDS 4 /* helper ids 0..255 */
#define WB_PROBE_MAX_INSNS 16 /* a feature probe: libbpf's are 6, bpftrace's 13 */
#define WB_PROBE_SLOTS 4 /* guarded probes a process may hold at once */

/* op: a bpf() command number (enum bpf_cmd), or one of these */
#define WB_OP_EXEC 0xffff
#define WB_OP_OPEN 0xfffe
#define WB_OP_MAP_FD 0xfffd /* a map fd outside any bpf() command we saw */
#define WB_OP_PROG_FD 0xfffc /* likewise for a program fd */
#define WB_OP_PERF_IOCTL 0xfffb /* an ioctl of a perf event (attaches programs) */
#define WB_OP_FD_RECEIVE 0xfffa /* an fd passed in (SCM_RIGHTS, pidfd_getfd) */
/* what others try on the daemon (bpf/self.bpf.c); detail as said */
#define WB_OP_SIGNAL 0xfff9 /* kill, tgkill, pidfd_send_signal, SIGIO; detail: signal */
#define WB_OP_PTRACE 0xfff8 /* attach, /proc/PID/mem, process_vm_*, pidfd_getfd; detail: mode */
#define WB_OP_TASK_SET 0xfff7 /* nice, scheduler, I/O priority, rlimits; detail: which */
#define WB_OP_WRITE 0xfff6 /* a write-open of a file that rules the daemon; path */
/* the kernel under it (bpf/kernel.bpf.c), by the policy's 'kernel' */
#define WB_OP_MODULE 0xfff5 /* init_module, finit_module, autoload; path: the module */
#define WB_OP_KEXEC 0xfff4 /* kexec_load, kexec_file_load */
#define WB_OP_KERNEL_MEM 0xfff3 /* /dev/mem, /dev/port, /proc/kcore, ioperm...; detail: lockdown reason */
#define WB_OP_PINS 0xfff2 /* the pinned state's bpffs (bpf/pins.bpf.c); detail: WB_PIN_* */
/* a loader's executable code (bpf/code.bpf.h): path, unless anonymous */
#define WB_OP_MMAP 0xfff1 /* mmap with PROT_EXEC */
#define WB_OP_MPROTECT 0xfff0 /* mprotect that makes a mapping executable */
/* a process already running when the daemon started or reloaded: adopted
 * as a loader, or not, with the reason (gatekeeper/adopt.c) */
#define WB_OP_ADOPT 0xffef
/* BPF tokens (bpf/token.bpf.c): a command a token is used for (detail: the
 * command), a capability asked of one (detail: the capability); creation
 * is op BPF_TOKEN_CREATE */
#define WB_OP_TOKEN_CMD 0xffee
#define WB_OP_TOKEN_CAPABLE 0xffed
#define WB_OP_LOWEST WB_OP_TOKEN_CAPABLE

/* detail of WB_OP_TASK_SET */
#define WB_SET_NICE 1
#define WB_SET_SCHEDULER 2
#define WB_SET_IOPRIO 3
#define WB_SET_RLIMIT 4

/* detail of WB_OP_PINS */
#define WB_PIN_ACCESS 1 /* a pin opened (OBJ_GET), or an entry made, removed, renamed */
#define WB_PIN_UMOUNT 2 /* the bpffs, or a mount above it, unmounted */
#define WB_PIN_REMOUNT 3
#define WB_PIN_MOUNT 4 /* something mounted over it */
#define WB_PIN_MOVE 5

/* detail of WB_R_UNSIGNED_PROG (bpf/signed.bpf.h) */
#define WB_SIG_NONE 0 /* no signature the kernel verified (or, without its verdict, none) */
#define WB_SIG_OTHER_KEYRING 1 /* verified, against a keyring that is not trust.certs' */
enum wbpf_action {
	WB_ACT_APPROVED = 1,
	WB_ACT_DENIED_TASK, /* "BPFDenied": the task may not use bpf() at all */
	WB_ACT_DENIED, /* "Denied": a loader's rule refused this operation */
	WB_ACT_TAINTED, /* a loader opened unverified collateral, or mapped untrusted code */
	WB_ACT_PROBE, /* a loader's feature probe let through: counted, not logged */
};

enum wbpf_reason {
	WB_R_NONE = 0,
	WB_R_NOT_LOADER, /* bpf() by a task that is no loader */
	WB_R_UNKNOWN_DIGEST, /* exec of a verity file no loader has */
	WB_R_NO_SIGNATURE, /* signed loader wanted, file has no signature */
	WB_R_BAD_SIGNATURE, /* signature does not verify with the trusted keys */
	WB_R_PATH, /* right file, wrong path */
	WB_R_NAMESPACE, /* restrict: not in the initial mount namespace */
	WB_R_BLOCKED, /* default.block */
	WB_R_TAINTED, /* the loader is tainted */
	WB_R_PROG_TYPE, /* detail: program type */
	WB_R_ATTACH_TYPE, /* detail: expected attach type */
	WB_R_PROG_NAME,
	WB_R_HELPER, /* detail: helper id */
	WB_R_KERNEL_READ, /* detail: helper id */
	WB_R_KFUNC, /* detail: index in kfuncs[] */
	WB_R_MAX_INSNS, /* detail: instruction count */
	WB_R_UNSIGNED_PROG,
	WB_R_MAP_NONE, /* no access to this map */
	WB_R_MAP_RO, /* write access asked, read-only granted */
	WB_R_PROG_OWNER,
	WB_R_COLLATERAL, /* path: the file */
	WB_R_NOT_VERITY, /* collateral without fs-verity */
	WB_R_NO_KEYRING, /* signatures wanted, no trusted keyring */
	WB_R_SIG_TOO_LARGE,
	WB_R_MAP_UNNAMED, /* a loader with map rules: the map has no name */
	WB_R_PROBE_HELD, /* attach while the process holds a feature probe */
	WB_R_PROBE_FD, /* an fd of a feature probe, other than at its load */
	WB_R_SELF, /* watchbpf's own objects, or the kernel's security hooks */
	WB_R_MODULES, /* kernel.modules */
	WB_R_KEXEC, /* kernel.kexec */
	WB_R_KERNEL_MEM, /* kernel.memory */
	WB_R_UNTRUSTED_CODE, /* executable code whose digest no trust names; path */
	WB_R_ANON_EXEC, /* anonymous or memfd executable memory, without code.jit */
	WB_R_TRACED, /* a loader (or watchbpf) exec'd under a tracer */
	WB_R_DELETED, /* exec of a file with no name left (unlinked, O_TMPFILE) */
	WB_R_TAKEOVER, /* ptrace, /proc/PID/mem, process_vm_*, pidfd_getfd into a
			* loader; detail: its loader id, obj_id: its pid */
	WB_R_MEASURED, /* a change to a measured file (bpf/measured.bpf.c); path */
	WB_R_KFUNC_CHANGED, /* a module BTF in fd_array changed while the program loaded */
	WB_R_TOKEN_CREATE, /* tokens.create: deny */
	WB_R_TOKEN_USE, /* tokens.use: deny */
	WB_R_TOKEN_DELEGATION, /* the token delegates more than tokens.delegate_*;
				* detail: WB_TOK_* << 16 | the first bit beyond */
};

/* event flags */
#define WB_EV_AUDIT (1U << 0) /* denied in policy, allowed by audit mode */
#define WB_EV_KILLED (1U << 1) /* SIGKILL sent */
#define WB_EV_PATH (1U << 2) /* path is valid */
#define WB_EV_KFUNC_DETAIL (1U << 3) /* detail is an index in kfuncs[] */

/* scan: what a program load's event says of the program's calls */
#define WB_SCAN_DONE (1U << 0) /* helpers and kfuncs[] are valid */
#define WB_SCAN_MORE_KFUNCS (1U << 1) /* it calls more kfuncs than kfuncs[] holds */
#define WB_EV_KFUNCS 16
#define WB_KFUNC_MODS 4 /* module BTFs one program's kfuncs come from, judged */

/* A kfunc a program calls: BTF type id of its FUNC in BTF object btf_id
 * (0: vmlinux; a module's BTF otherwise, while the module is loaded). */
struct wbpf_kfunc_ref {
	__u32 btf_id;
	__u32 type_id;
};

/* A program's scan (bpf/scan.bpf.h), in task storage for the length of
 * one load: too large for the stack of a hook and its bpf_loop callback. */
#define WB_SCAN_KFUNC_SLOTS 64 /* distinct kfuncs one program's scan holds */
#define WB_KFUNC_OVERFLOW 0xffffffff /* detail: more kfuncs than a scan holds */
struct wbpf_scan_call {
	__u32 type_id;
	__s16 off;
	__u8 used;
	__u8 pad;
};
struct wbpf_scan {
	__u64 insns; /* const struct bpf_insn * */
	__u64 fd_array; /* attr->fd_array: where module BTF fds are */
	__u32 len;
	__u32 found; /* helper id, or index in kfuncs[] (found_kfunc) */
	__u32 loader_id; /* the loader judged, for kfunc rules */
	__u32 gen;
	__u8 reason; /* the first thing found */
	__u8 found_kfunc;
	__u8 no_kernel_reads;
	__u8 kfunc_rules; /* judge kfuncs (WB_LC_KFUNC_RULES) */
	__u8 allow_kfuncs; /* WB_LC_ALLOW_KFUNCS */
	__u8 user; /* insns and fd_array are the caller's memory */
	__u8 collect; /* go on after the first finding: used and calls[] */
	__u8 nr_kfuncs;
	__u8 more_kfuncs;
	__u8 nr_mods;
	__u8 mods_overflow;
	__u8 nr_calls;
	__u8 calls_overflow;
	__u8 pad[3];
	__u64 deny[WB_HELPER_WORDS];
	__u64 used[WB_HELPER_WORDS];
	/* the distinct kfuncs called, by (BTF id, fd_array index): a hash
	 * table filled by the instruction scan, judged after it */
	struct wbpf_scan_call calls[WB_SCAN_KFUNC_SLOTS];
	struct wbpf_kfunc_ref kfuncs[WB_EV_KFUNCS]; /* for the event */
	/* module BTFs (struct btf *) judged, by fd_array index: the fd hook
	 * checks that the verifier used the same (bpf/kfunc.bpf.h) */
	__u64 mod_btf[WB_KFUNC_MODS];
	__s16 mod_off[WB_KFUNC_MODS];
};

/* The identity of a task, in task storage. */
struct wbpf_task {
	/* The loader id and a sequence number, in one word: adoption of a
	 * running process (bpf/adopt.bpf.c) sets the id only if nothing
	 * happened to the task since the daemon checked it, which every exec,
	 * executable mapping and ptrace of a task being adopted says by
	 * bumping seq. */
	union {
		__u64 ident;
		struct {
			__u32 loader_id; /* 0: none */
			__u32 seq;
		};
	};
	/* bprm_check_security decides, bprm_committed_creds commits: an exec
	 * that fails after the check must not change who the task is. */
	__u32 pending_id;
	__u8 pending_valid;
	__u8 pending_reason;
	__u8 daemon; /* watchbpf itself: never denied */
	__u8 tainted; /* opened unverified collateral: no longer trusted */
	/* the exec in progress is of watchbpf's own executable (self_digests),
	 * not traced: the new program is the daemon */
	__u8 pending_daemon;
	/* the daemon's mark came with an exec (a daemon adopting the pinned
	 * state), not from a daemon that started it: its code must be the
	 * registered daemon's code (self_code, bpf/code.bpf.h) */
	__u8 daemon_exec;
	/* the daemon is adopting this running task (bpf/adopt.bpf.c) */
	__u8 adopting;
	__u8 pad[7];
	__u32 cur_cmd; /* the bpf() command in progress, for the log */
	__u32 in_probe; /* the program being loaded came through the probe door */
	/* The process holds a write-mode fd of a map it may only read (real
	 * tools, bpftool among them, open maps read-write to look up): none
	 * of its map writes goes through. On the thread group leader's mark. */
	__u32 ro_writable;
	/* Feature probes this process holds that must not be attached
	 * (bpf/probe.bpf.h), by prog->aux; kept on the thread group
	 * leader's mark. */
	__u64 probes[WB_PROBE_SLOTS];
	/* The module BTFs (struct btf *) the program being loaded was judged
	 * with, by fd_array index, for the fd hook to compare with the
	 * verifier's (bpf/kfunc.bpf.h); kf_nr 0xff: more than fit. */
	__u64 kf_btf[WB_KFUNC_MODS];
	__s16 kf_off[WB_KFUNC_MODS];
	__u8 kf_nr;
	__u8 kf_pad[7];
};

/* Adoption of running tasks (bpf/adopt.bpf.c, gatekeeper/adopt.c): what
 * the daemon asks the task iterator to do to one task, by its tid, and
 * what came of it. */
#define WB_MAX_ADOPT 16384
enum wbpf_adopt_op {
	WB_ADOPT_STAGE = 1, /* mark it "being adopted", seq = nonce */
	WB_ADOPT_COMMIT, /* loader id, if seq is still nonce (and the leader's) */
	WB_ADOPT_ABORT, /* undo a stage (and a commit) */
};
enum wbpf_adopt_result {
	WB_ADOPT_PENDING = 0, /* the iterator did not meet the task: it exited */
	WB_ADOPT_DONE,
	WB_ADOPT_MARKED, /* stage: it has a loader or daemon mark already */
	WB_ADOPT_RACED, /* exec'd, mapped code or was traced meanwhile */
	WB_ADOPT_NOMEM,
};
struct wbpf_adopt_req {
	__u32 op;
	__u32 nonce; /* the task's seq while staged */
	__u32 leader_nonce; /* its group leader's: 0 when not staged */
	__u32 id; /* commit: the loader */
	__u32 result;
	__u32 created; /* stage made the task's storage: abort deletes it */
};

/* What a persistent daemon leaves for the next one (gatekeeper/persist.c):
 * the one entry of the pinned persist_state map, rewritten every second. */
struct wbpf_persist {
	__u64 last_seen_ns; /* CLOCK_BOOTTIME of the last write */
	__u64 decisions; /* all decisions counted by then */
	__u64 drops_told; /* events_dropped the log had reported */
	__u32 pid; /* the daemon that wrote it */
	__u32 stopped; /* 1: it stopped on purpose, and said why */
	/* The policy in force ("sha256:HEX" of its bytes), and whether it
	 * names admin.certs: then the next daemon may adopt the state only
	 * with that very policy (a new one takes a signed reload), or Eve
	 * could stop the service and start watchbpf with hers. */
	__u32 admin_locked;
	__u32 pad;
	char policy_sha256[72];
};

/* prog_owner: who loaded a program, and whether it came in as a probe */
#define WB_PO_PROBE (1U << 0) /* let through as a feature probe */
#define WB_PO_GUARDED (1U << 1) /* ... of a type that attaches through bpf() or perf */
struct wbpf_prog_owner {
	__u32 loader_id;
	__u32 flags;
};

/* Key of the digest -> loader map; the digest part is laid out as struct
 * fsverity_digest so the kfunc's output is the key. */
struct wbpf_digest_key {
	__u32 gen;
	__u16 alg; /* FS_VERITY_HASH_ALG_* */
	__u16 size;
	__u8 digest[WB_DIGEST_MAX];
};

#include "bpf/glob.h"

#define WBPF_ACCESS_NONE 0
#define WBPF_ACCESS_RO 1
#define WBPF_ACCESS_RW 2

/* A path (exact) or a path prefix, as masked 64-bit words: a match is
 * ((path ^ w) & m) == 0 for every word, with no branch the verifier must
 * follow. An exact path's mask covers its terminating NUL too. */
#define WB_PATH_WORDS (WB_PATH_LEN / 8)
struct wbpf_path {
	__u64 w[WB_PATH_WORDS];
	__u64 m[WB_PATH_WORDS];
	__u16 len;
	__u8 signed_req; /* collateral: a signature is required */
	__u8 pad[5];
};

static inline __attribute__((always_inline)) int wb_path_match(const __u64 *path,
							       const struct wbpf_path *p)
{
	__u64 diff = 0;

	for (int i = 0; i < WB_PATH_WORDS; i++)
		diff |= (path[i] ^ p->w[i]) & p->m[i];
	return !diff;
}

/* loader flags */
#define WB_LC_VALID (1U << 0)
#define WB_LC_AUDIT (1U << 1)
#define WB_LC_KILL (1U << 2)
#define WB_LC_NEED_DIGEST (1U << 3)
#define WB_LC_NEED_SIG (1U << 4)
#define WB_LC_NEED_PATH (1U << 5)
#define WB_LC_HAS_MAPS (1U << 6)
#define WB_LC_NO_KERNEL_READS (1U << 7)
#define WB_LC_PROG_SIGNED (1U << 8)
#define WB_LC_PROG_RULES (1U << 9) /* any program rule at all */
#define WB_LC_JIT (1U << 10) /* code.jit: anonymous executable memory allowed */
#define WB_LC_CODE_KILL (1U << 11) /* code.on_untrusted: kill (else taint) */
#define WB_LC_CODE_DENY (1U << 12) /* code.on_untrusted: deny: the mapping fails */
#define WB_LC_TAKEOVER_TAINT (1U << 13) /* code.on_takeover: taint (else deny) */
#define WB_LC_TOKEN_CREATE (1U << 14) /* tokens.create: allow */
#define WB_LC_TOKEN_USE (1U << 15) /* tokens.use: allow */

/* The parts of a token's delegation (struct bpf_token's allowed_*), as
 * indexes of wbpf_loader_cfg.token_limit and in WB_R_TOKEN_DELEGATION */
#define WB_TOK_CMDS 0
#define WB_TOK_MAPS 1
#define WB_TOK_PROGS 2
#define WB_TOK_ATTACHS 3
#define WB_TOK_PARTS 4
/* detail of a token decision on a task that is no loader: default.tokens
 * decided (not default.bpf, which the bpf hook logs with detail 0) */
#define WB_TOK_BY_DEFAULT 1
#define WB_LC_KFUNC_RULES (1U << 14) /* deny_kfuncs, allow_kfuncs or kernel_reads: false */
#define WB_LC_ALLOW_KFUNCS (1U << 15) /* allow_kfuncs: every other kfunc is denied */

/* kfunc rules by name (kfunc_rules): which loaders (bit per id) may not
 * call it, which allow_kfuncs name it, and whether it reads kernel memory
 * (denied to loaders with kernel_reads: false). Names, not BTF ids: a
 * module's kfuncs get new ids when it is loaded again. */
#define WB_KFUNC_NAME_LEN 60
#define WB_MAX_KFUNC_RULES 4096
struct wbpf_kfunc_key {
	__u32 gen;
	char name[WB_KFUNC_NAME_LEN];
};
struct wbpf_kfunc_rule {
	__u64 deny[WB_MAX_LOADERS / 64];
	__u64 allow[WB_MAX_LOADERS / 64];
	__u32 kernel_read;
	__u32 pad;
};

/* A file by its inode: the kernel's dev_t (MKDEV: major << 20 | minor)
 * and inode number. Measured files (bpf/measured.bpf.c) are registered so
 * by the daemon, and forgotten when their inode is freed. */
struct wbpf_inode_key {
	__u64 dev;
	__u64 ino;
};

/* Digests of trusted code per generation (trust.digests, code.digests) */
#define WB_MAX_CODE 4096

/* Who may run the code of a file, by its digest: every loader (trust.digests)
 * or those whose bit is set (their code.digests). */
struct wbpf_code {
	__u64 loaders[WB_MAX_LOADERS / 64];
	__u32 all;
	__u32 pad;
};

/* Per loader and generation, in an array indexed gen * WB_MAX_LOADERS + id. */
struct wbpf_loader_cfg {
	__u32 flags;
	__u32 max_insns; /* 0: no limit */
	__u64 prog_types; /* bit per enum bpf_prog_type; 0: any */
	__u64 attach_types[2]; /* bit per enum bpf_attach_type; 0: any */
	__u64 deny_helpers[WB_HELPER_WORDS];
	__u8 nr_names;
	__u8 nr_maps;
	__u8 nr_collateral;
	__u8 pad[5];
	struct wbpf_glob names[WB_MAX_GLOBS];
	struct wbpf_glob maps[WB_MAX_MAP_RULES];
	struct wbpf_path collateral[WB_MAX_COLLATERAL];
	struct wbpf_path exec_path;
	/* the most a token this loader creates or uses may delegate, bit per
	 * command, map, program and attach type (WB_TOK_*); ~0: anything */
	__u64 token_limit[WB_TOK_PARTS];
};

#define WBPF_BPF_DENY 0
#define WBPF_BPF_ALLOW 1
#define WBPF_BPF_RESTRICT 2

/* Policy-wide settings, per generation. */
struct wbpf_defaults {
	__u32 bpf; /* WB_BPF_* for tasks that are no loader */
	__u32 audit;
	__u32 kill;
	__s32 keyring; /* trusted keyring serial; 0: none */
	__u64 block; /* bit per bpf command, denied for non-loaders */
	__u64 mnt_ns_inum; /* the initial mount namespace, for restrict */
	__u32 signed_loaders[WB_MAX_SIGNED_LOADERS]; /* ids; 0 ends */
	/* the kernel under watchbpf: WBPF_K_* for modules, kexec, memory */
	__u8 modules;
	__u8 kexec;
	__u8 kernel_mem;
	__u8 tokens; /* default.tokens: 1 lets tokens work for tasks that are no loader */
	__u8 pad[4];
};

/* kernel.* settings: zero is the policy's default, allow */
#define WBPF_K_ALLOW 0
#define WBPF_K_RESTRICT 1 /* loaders, PID 1 and the kernel's own helpers */
#define WBPF_K_DENY 2

struct wbpf_event {
	__u64 ts_boot_ns; /* bpf_ktime_get_boot_ns() */
	__u64 cgroup_id;
	__u32 pid; /* tgid, init pid namespace */
	__u32 tid;
	__u32 uid;
	__u32 loader_id;
	__u32 obj_type; /* prog or map type, when has_obj */
	__u32 detail; /* helper id, insn count... as the reason says */
	__u32 insn_cnt;
	__u32 obj_id; /* map id, when known */
	__u32 attach_type; /* a program load's expected attach type */
	__u16 op;
	__u8 action;
	__u8 reason;
	__u8 flags;
	__u8 has_obj; /* 1: program, 2: map */
	__u8 nr_kfuncs; /* valid entries of kfuncs[] */
	__u8 scan; /* WB_SCAN_*: a program load only */
	__u32 pad;
	/* a program load's helper calls, by id, and the kfuncs it calls: what
	 * a policy learned from the log allows (learn/) */
	__u64 helpers[WB_HELPER_WORDS];
	struct wbpf_kfunc_ref kfuncs[WB_EV_KFUNCS];
	char comm[WB_COMM_LEN];
	char name[WB_NAME_LEN];
	char pod[WB_POD_LEN];
	char path[WB_PATH_LEN];
};

#define WB_OBJ_PROG 1
#define WB_OBJ_MAP 2

/* Per-CPU counters; never lost, unlike events. Decisions by op and
 * action: ops 0..63 are bpf commands, then the WB_OP_* from 0xffff down. */
#define WB_NR_ACTIONS 6
#define WB_NR_OPS 83
struct wbpf_counters {
	__u64 decisions[WB_NR_OPS][WB_NR_ACTIONS];
	__u64 audited;
	__u64 killed;
	__u64 events_dropped;
	__u64 probes[WB_MAX_LOADERS]; /* feature probes let through, per loader */
};

static inline unsigned int wb_op_index(unsigned int op)
{
	if (op < 64)
		return op;
	if (op >= WB_OP_LOWEST && op <= WB_OP_EXEC)
		return 64 + (WB_OP_EXEC - op);
	return WB_NR_OPS - 1;
}

#endif
