/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Feature probes: real loaders (libbpf, cilium/ebpf, bpftrace) load tiny
 * programs and maps before the real ones to learn what the kernel supports,
 * and take a refusal as "not supported": libbpf then drops every object name,
 * refuses global data, loads without expected_attach_type. So a loader's
 * policy would change how it loads instead of what it may do.
 *
 * The door (docs/design.md, "Feature probes"): a program a loader's rules
 * refuse only for its type, attach type, name or size is let through when
 * it is *inert* (at most WB_PROBE_MAX_INSNS instructions, no kfunc, no
 * helper but a few that read and change nothing, no map but the loader's
 * own probe maps) and when attaching it can matter nowhere:
 *   - socket_filter: what it can do is what classic BPF does, which any
 *     process may attach to a socket it holds without bpf() at all;
 *   - types attached only through bpf() or a perf event ("guarded"): the
 *     process holds the probe in a slot of its leader's mark, and while a
 *     slot is live its attach commands and perf ioctls are refused, no
 *     other process receives the probe's fd, and no new fd of it is made.
 * Types attached through netlink or setsockopt (xdp, tc, lwt,
 * sk_reuseport) and struct_ops never come through the door.
 *
 * A map is a probe map when a loader with map rules creates a one-element
 * array that no rule of its own names. Probes are counted, not logged.
 */
#ifndef WATCHBPF_PROBE_BPF_H
#define WATCHBPF_PROBE_BPF_H

#include "bpf/common.bpf.h"

#define WB_LDDW 0x18 /* BPF_LD | BPF_IMM | BPF_DW */
#define WB_PSEUDO_CALL 1 /* call src_reg: bpf-to-bpf */
#define WB_PSEUDO_MAP_FD 1 /* ld_imm64 src_reg: map by fd */
#define WB_PSEUDO_MAP_VALUE 2 /* ... a map value by fd */
#define WB_PSEUDO_FUNC 4 /* ... a callback's address */
#define WB_MAP_F_PROBE (0x8 | 0x10 | 0x80 | 0x100 | 0x400) /* RDONLY, WRONLY, *_PROG, MMAPABLE */

/* Which loader loaded a program, so others can be kept from its fds, and
 * whether it came in as a probe. Keyed by prog->aux, which survives the
 * verifier's reallocations of prog; bpf_prog_free forgets it. */
WB_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct wbpf_prog_owner);
} prog_owner SEC(".maps");

/* Probe maps (struct bpf_map * -> loader id): the only maps a probe may
 * use. bpf_map_free forgets them. */
WB_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u32);
} probe_maps SEC(".maps");

/* Helpers a probe may call: they read nothing and change nothing. */
static __always_inline bool pure_helper(__u32 id)
{
	return id == BPF_FUNC_ktime_get_ns || id == BPF_FUNC_ktime_get_boot_ns ||
	       id == BPF_FUNC_ktime_get_coarse_ns || id == BPF_FUNC_ktime_get_tai_ns ||
	       id == BPF_FUNC_jiffies64 || id == BPF_FUNC_get_prandom_u32 ||
	       id == BPF_FUNC_get_smp_processor_id || id == BPF_FUNC_get_numa_node_id ||
	       id == BPF_FUNC_get_attach_cookie || id == BPF_FUNC_get_func_ip;
}

/* Program types that run only where they are attached: no BPF_PROG_RUN. */
static __always_inline bool runs_attached_only(__u32 type)
{
	return type == BPF_PROG_TYPE_KPROBE || type == BPF_PROG_TYPE_TRACEPOINT ||
	       type == BPF_PROG_TYPE_PERF_EVENT;
}

/*
 * Whether a probe of TYPE may call helper ID: a pure one, or the kernel read
 * libbpf and cilium/ebpf probe for (bpf_probe_read_kernel) when the loader
 * may read the kernel, or when the probe can never run (a guarded probe of a
 * type that runs only attached): refused, libbpf would rewrite the loader's
 * bpf_probe_read_user_str into bpf_probe_read_str, a kernel read. Never one
 * of the loader's deny_helpers.
 */
static __always_inline bool probe_helper_ok(struct wbpf_loader_cfg *c, __u32 type, __u32 id)
{
	if (id >= 64 * WB_HELPER_WORDS || (c->deny_helpers[(id / 64) & 3] & (1ULL << (id % 64))))
		return false;
	if (id == BPF_FUNC_probe_read_kernel)
		return !(c->flags & WB_LC_NO_KERNEL_READS) || runs_attached_only(type);
	return pure_helper(id);
}

/*
 * Whether map FD of the current task is a probe map of LOADER. The fd is
 * read from the task's table before the verifier resolves it (racy): a
 * swapped fd can only name a map the loader already holds, which any of its
 * programs could use anyway.
 */
static __always_inline bool probe_map_fd(int fd, __u32 loader)
{
	struct file *f = file_of_fd(fd);
	__u64 map;
	__u32 *owner;

	if (!f)
		return false;
	/* only a map's own file has the map as private_data */
	map = (__u64)BPF_CORE_READ(f, private_data);
	owner = bpf_map_lookup_elem(&probe_maps, &map);
	return owner && *owner == loader;
}

/* Inert: small, no kfunc, only probe helpers, only probe maps. Read one
 * instruction at a time: the hook's stack is shared with judge()'s. */
static __always_inline bool probe_inert(struct bpf_prog *prog, struct wbpf_loader_cfg *c,
					__u32 loader)
{
	const struct bpf_insn *insns;
	__u32 len = prog->len;
	struct bpf_insn in;
	bool skip = false;

	if (len > WB_PROBE_MAX_INSNS)
		return false;
	insns = (const struct bpf_insn *)__builtin_preserve_access_index(&prog->insnsi);
	for (int i = 0; i < WB_PROBE_MAX_INSNS; i++) {
		if ((__u32)i >= len)
			break;
		if (skip) { /* the second half of an ld_imm64 */
			skip = false;
			continue;
		}
		if (bpf_probe_read_kernel(&in, sizeof(in), insns + i))
			return false;
		if (in.code == WB_CALL) {
			if (in.src_reg == WB_PSEUDO_CALL)
				continue;
			if (in.src_reg || !probe_helper_ok(c, prog->type, in.imm))
				return false;
		} else if (in.code == WB_LDDW) {
			skip = true;
			if (in.src_reg == WB_PSEUDO_MAP_FD || in.src_reg == WB_PSEUDO_MAP_VALUE) {
				if (!probe_map_fd(in.imm, loader))
					return false;
			} else if (in.src_reg && in.src_reg != WB_PSEUDO_FUNC) {
				return false; /* kernel variables, fd_array maps */
			}
		}
	}
	return true;
}

/* Program types that attach only through bpf() commands or perf events,
 * where a held probe is refused. */
static __always_inline bool probe_guardable(__u32 type)
{
	switch (type) {
	case BPF_PROG_TYPE_KPROBE:
	case BPF_PROG_TYPE_TRACEPOINT:
	case BPF_PROG_TYPE_PERF_EVENT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE:
	case BPF_PROG_TYPE_TRACING:
	case BPF_PROG_TYPE_LSM:
	case BPF_PROG_TYPE_EXT:
	case BPF_PROG_TYPE_CGROUP_SKB:
	case BPF_PROG_TYPE_CGROUP_SOCK:
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
	case BPF_PROG_TYPE_CGROUP_DEVICE:
	case BPF_PROG_TYPE_CGROUP_SYSCTL:
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
	case BPF_PROG_TYPE_SOCK_OPS:
	case BPF_PROG_TYPE_SK_SKB:
	case BPF_PROG_TYPE_SK_MSG:
	case BPF_PROG_TYPE_FLOW_DISSECTOR:
	case BPF_PROG_TYPE_SK_LOOKUP:
	case BPF_PROG_TYPE_NETFILTER:
	case BPF_PROG_TYPE_SYSCALL:
		return true;
	}
	return false;
}

/*
 * A slot is live while its probe has references: an fd, a pin. The last
 * close drops the count at once; prog_owner forgets the program only after
 * an RCU grace period (bpf_prog_free), so the count decides, and the entry
 * (deleted before aux is freed) says the aux still is a guarded probe. An
 * aux freed and reused by another process's guarded probe keeps the slot
 * live a while: a refusal too many, never one too few.
 */
static __always_inline bool slot_live(struct wbpf_task *lt, int i)
{
	struct wbpf_prog_owner *o;
	__u64 aux = lt->probes[i];

	if (!aux)
		return false;
	o = bpf_map_lookup_elem(&prog_owner, &aux);
	if (!o || !(o->flags & WB_PO_GUARDED))
		return false;
	return BPF_CORE_READ((struct bpf_prog_aux *)aux, refcnt.counter) > 0;
}

/* Whether the current process holds a guarded probe. */
static __always_inline bool holds_probe(void)
{
	struct wbpf_task *lt = leader_mark();

	if (!lt)
		return false;
	for (int i = 0; i < WB_PROBE_SLOTS; i++)
		if (slot_live(lt, i))
			return true;
	return false;
}

/*
 * A process whose fd table another process shares (clone(CLONE_FILES)
 * without CLONE_THREAD) could attach a probe from there: such a process
 * gets no guarded probe. Threads share the table with their own group.
 */
static __always_inline bool files_private(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	int users = BPF_CORE_READ(task, files, count.counter);
	int threads = BPF_CORE_READ(task, signal, nr_threads);

	return users <= threads;
}

/*
 * Takes a free slot of the current process for the probe AUX, whose
 * prog_owner entry says it is guarded already, so the slot is live the
 * moment it is taken. A compare-and-swap: two threads of one process never
 * take the same slot. False when the process already holds WB_PROBE_SLOTS.
 */
static __always_inline bool hold_probe(__u64 aux)
{
	struct wbpf_task *lt = leader_mark();
	__u64 old;

	if (!lt || !files_private())
		return false;
	for (int i = 0; i < WB_PROBE_SLOTS; i++) {
		old = lt->probes[i];
		if (slot_live(lt, i))
			continue;
		if (__sync_val_compare_and_swap(&lt->probes[i], old, aux) == old)
			return true;
	}
	return false;
}

/* A new process has the fds of its parent: its probes, and its write-mode
 * fds of read-only maps. (A thread shares its leader's.) */
static __always_inline void inherit_fds(struct wbpf_task *child, unsigned long clone_flags)
{
	struct wbpf_task *lt;

	if (clone_flags & WB_CLONE_THREAD)
		return;
	lt = leader_mark();
	if (!lt)
		return;
	child->ro_writable = lt->ro_writable; /* the fds too (bpf/map.bpf.c) */
	for (int i = 0; i < WB_PROBE_SLOTS; i++)
		if (slot_live(lt, i))
			child->probes[i] = lt->probes[i];
}

static __always_inline void count_probe(__u16 op, __u32 loader)
{
	struct wbpf_counters *c;
	__u32 zero = 0;

	count(op, WB_ACT_PROBE, 0);
	c = bpf_map_lookup_elem(&counters, &zero);
	if (c && loader < WB_MAX_LOADERS)
		c->probes[loader]++;
}

/* Rules a probe of TYPE may be refused by and still come through the door:
 * a kernel read only where the probe can never run (probe_helper_ok). */
static __always_inline bool probe_reason(__u8 reason, __u32 type)
{
	return reason == WB_R_PROG_TYPE || reason == WB_R_ATTACH_TYPE ||
	       reason == WB_R_PROG_NAME || reason == WB_R_MAX_INSNS ||
	       (reason == WB_R_KERNEL_READ && runs_attached_only(type));
}

/*
 * The door for a program the loader's rules refuse for REASON. True when it
 * is let through as a probe, with its prog_owner entry (*OWNER, keyed by
 * *AUX: the caller's, for the hook's stack is full) written. Never for a
 * loader whose programs must be signed.
 */
static __always_inline bool probe_door(struct bpf_prog *prog, struct loader_ctx *l, __u8 reason,
				       struct wbpf_prog_owner *owner, __u64 *aux)
{
	__u32 type = prog->type;

	if (!probe_reason(reason, type) || (l->c->flags & WB_LC_PROG_SIGNED))
		return false;
	if (type != BPF_PROG_TYPE_SOCKET_FILTER && !probe_guardable(type))
		return false;
	if (!probe_inert(prog, l->c, l->t->loader_id))
		return false;
	owner->flags = WB_PO_PROBE;
	if (type != BPF_PROG_TYPE_SOCKET_FILTER)
		owner->flags |= WB_PO_GUARDED;
	if (bpf_map_update_elem(&prog_owner, aux, owner, BPF_ANY))
		return false;
	if (type == BPF_PROG_TYPE_SOCKET_FILTER || hold_probe(*aux))
		return true;
	bpf_map_delete_elem(&prog_owner, aux);
	owner->flags = 0;
	return false;
}

/*
 * Attach commands a held probe makes impossible, but for those the loaders'
 * own probes make and that attach nothing: any with program fd -1
 * (cilium/ebpf's bpf_link probe: EBADF, always), a perf link to fd -1
 * (libbpf's: EBADF, always), and a uprobe_multi link (libbpf's; a
 * kprobe-type program's return value is ignored there).
 */
static __always_inline bool attaches(int cmd, union bpf_attr *attr)
{
	__u32 type;

	if (cmd == BPF_PROG_ATTACH)
		return (int)BPF_CORE_READ(attr, attach_bpf_fd) >= 0;
	if (cmd == BPF_RAW_TRACEPOINT_OPEN)
		return (int)BPF_CORE_READ(attr, raw_tracepoint.prog_fd) >= 0;
	if (cmd == BPF_LINK_UPDATE)
		return (int)BPF_CORE_READ(attr, link_update.new_prog_fd) >= 0;
	if (cmd != BPF_LINK_CREATE || (int)BPF_CORE_READ(attr, link_create.prog_fd) < 0)
		return false;
	type = BPF_CORE_READ(attr, link_create.attach_type);
	if (type == BPF_PERF_EVENT && (int)BPF_CORE_READ(attr, link_create.target_fd) < 0)
		return false;
	return type != BPF_TRACE_UPROBE_MULTI;
}

#endif
