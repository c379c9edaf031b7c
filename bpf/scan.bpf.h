/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The calls of a program being loaded, found by scanning the kernel's copy
 * of its instructions (or, for a load the bpf hook logs, the caller's copy:
 * s->user): the helpers a loader's deny_helpers and kernel_reads forbid,
 * and bpf_override_return, which no loader gets (bpf/self.bpf.c); and,
 * with s->collect, every helper and kfunc it calls, for the log (a policy
 * learned from it allows exactly those: learn/).
 *
 * A kfunc call (src_reg BPF_PSEUDO_KFUNC_CALL) names a FUNC by its BTF id
 * (imm) in vmlinux's BTF (off 0) or in the module BTF whose fd is
 * fd_array[off]. The includer defines scan_kfunc(), which judges it and
 * says which BTF object it is: bpf/kfunc.bpf.h for the program hook, which
 * has the kernel symbols that takes; a stand-in elsewhere.
 *
 * Use: s = scan_begin(); fill in what to look for; scan_prog(s);
 * scan_kfuncs(s) where kfuncs matter; read the findings; scan_end(). The scan lives in task storage (struct wbpf_scan):
 * too large for a hook's stack beside its bpf_loop callback's.
 */
#ifndef WATCHBPF_SCAN_BPF_H
#define WATCHBPF_SCAN_BPF_H

#include "bpf/common.bpf.h"

#define WB_SCAN_CHUNK 32 /* instructions read per bpf_loop step (256 bytes of stack) */
#define WB_PSEUDO_KFUNC_CALL 2 /* uapi bpf.h: a define, not in BTF */
#define WB_MAX_PROG_INSNS 1000000 /* BPF_COMPLEXITY_LIMIT_INSNS: no program is longer */

/* The includer's: the reason a loader may not call kfunc TYPE_ID of the
 * BTF at fd_array[OFF] (0: vmlinux), or 0; *btf_id its BTF object's id. */
static __always_inline __u8 scan_kfunc(struct wbpf_scan *s, __u32 type_id, __s16 off,
				       __u32 *btf_id);

static __always_inline struct wbpf_scan *scan_begin(void)
{
	struct wbpf_scan *s = bpf_task_storage_get(&scans, bpf_get_current_task_btf(), NULL,
						   BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (s)
		__builtin_memset(s, 0, sizeof(*s));
	return s;
}

static __always_inline void scan_end(void)
{
	bpf_task_storage_delete(&scans, bpf_get_current_task_btf());
}

static __always_inline bool reads_kernel(__u32 id)
{
	return id == BPF_FUNC_probe_read || id == BPF_FUNC_probe_read_str ||
	       id == BPF_FUNC_probe_read_kernel || id == BPF_FUNC_probe_read_kernel_str ||
	       id == BPF_FUNC_snprintf_btf || id == BPF_FUNC_seq_printf_btf;
}

static __always_inline void found(struct wbpf_scan *s, __u8 reason, __u32 what, bool kfunc)
{
	if (s->reason)
		return;
	s->reason = reason;
	s->found = what;
	s->found_kfunc = kfunc;
}

static __always_inline void scan_helper(struct wbpf_scan *s, __u32 id)
{
	__u64 bit = 1ULL << (id % 64);

	if (id >= 64 * WB_HELPER_WORDS)
		return;
	s->used[(id / 64) & 3] |= bit;
	if (s->deny[(id / 64) & 3] & bit)
		found(s, WB_R_HELPER, id, false);
	else if (s->no_kernel_reads && reads_kernel(id))
		found(s, WB_R_KERNEL_READ, id, false);
}

/* One kfunc call: noted once per (BTF id, fd_array index) in calls[], a
 * hash table of four probes (no loop in the instruction loop, which the
 * verifier walks for every instruction slot). Judged after the scan, by
 * scan_kfuncs(), once per kfunc rather than once per call. */
static __always_inline void scan_kfunc_call(struct wbpf_scan *s, __u32 type_id, __s16 off)
{
	__u32 h = (type_id * 2654435761u) ^ (__u16)off;
	struct wbpf_scan_call *c;

#pragma unroll
	for (int k = 0; k < 4; k++) {
		c = &s->calls[(h + k) & (WB_SCAN_KFUNC_SLOTS - 1)];
		if (!c->used) {
			c->used = 1;
			c->type_id = type_id;
			c->off = off;
			s->nr_calls++;
			return;
		}
		if (c->type_id == type_id && c->off == off)
			return;
	}
	s->calls_overflow = 1;
}

static long scan_chunk(__u64 i, void *data)
{
	struct wbpf_scan *s = bpf_task_storage_get(&scans, bpf_get_current_task_btf(), NULL, 0);
	struct bpf_insn buf[WB_SCAN_CHUNK];
	__u32 first = i * WB_SCAN_CHUNK;
	const void *src;
	long err;

	if (!s || first >= s->len)
		return 1;
	src = (const struct bpf_insn *)s->insns + first;
	/* reading past the end is harmless: those slots are ignored */
	if (s->user)
		err = bpf_probe_read_user(buf, sizeof(buf), src);
	else
		err = bpf_probe_read_kernel(buf, sizeof(buf), src);
	if (err)
		__builtin_memset(buf, 0, sizeof(buf));
	for (int j = 0; j < WB_SCAN_CHUNK; j++) {
		if (first + j >= s->len)
			return 1;
		if (buf[j].code != WB_CALL)
			continue;
		if (buf[j].src_reg == 0)
			scan_helper(s, buf[j].imm);
		else if (buf[j].src_reg == WB_PSEUDO_KFUNC_CALL)
			scan_kfunc_call(s, buf[j].imm, buf[j].off);
		if (s->reason && !s->collect)
			return 1;
	}
	return 0;
}

static __always_inline void scan_prog(struct wbpf_scan *s)
{
	bpf_loop((s->len + WB_SCAN_CHUNK - 1) / WB_SCAN_CHUNK, scan_chunk, NULL, 0);
}

/* One slot of calls[]: judged by the includer's scan_kfunc(), and kept in
 * kfuncs[] for the log (a denied one takes the last entry when they are
 * all taken, so that the log names it). */
static long scan_kfunc_slot(__u64 i, void *data)
{
	struct wbpf_scan *s = bpf_task_storage_get(&scans, bpf_get_current_task_btf(), NULL, 0);
	struct wbpf_scan_call *c;
	__u32 btf_id = 0, n;
	__u8 reason;

	if (!s)
		return 1;
	c = &s->calls[i & (WB_SCAN_KFUNC_SLOTS - 1)];
	if (!c->used)
		return 0;
	reason = scan_kfunc(s, c->type_id, c->off, &btf_id);
	n = s->nr_kfuncs;
	if (n >= WB_EV_KFUNCS) {
		s->more_kfuncs = 1;
		if (!reason || s->reason)
			return 0;
		n = WB_EV_KFUNCS - 1;
	} else {
		s->nr_kfuncs = n + 1;
	}
	n &= WB_EV_KFUNCS - 1;
	s->kfuncs[n].btf_id = btf_id;
	s->kfuncs[n].type_id = c->type_id;
	if (reason)
		found(s, reason, n, true);
	return 0;
}

/* After scan_prog(): the kfuncs it found, judged. More than calls[] holds
 * cannot be judged: denied where kfunc rules apply. */
static __always_inline void scan_kfuncs(struct wbpf_scan *s)
{
	if (s->nr_calls)
		bpf_loop(WB_SCAN_KFUNC_SLOTS, scan_kfunc_slot, NULL, 0);
	if (s->calls_overflow) {
		s->more_kfuncs = 1;
		if (s->kfunc_rules)
			found(s, WB_R_KFUNC, WB_KFUNC_OVERFLOW, false);
	}
}

/* What the program calls, for its load's event. */
static __always_inline void scan_to_event(const struct wbpf_scan *s, struct wbpf_event *e)
{
	__builtin_memcpy(e->helpers, s->used, sizeof(e->helpers));
	__builtin_memcpy(e->kfuncs, s->kfuncs, sizeof(e->kfuncs));
	e->nr_kfuncs = s->nr_kfuncs;
	e->scan = WB_SCAN_DONE | (s->more_kfuncs ? WB_SCAN_MORE_KFUNCS : 0);
}

#endif
