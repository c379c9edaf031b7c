/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kfuncs, judged at a program's load (bpf/prog.bpf.c) like helpers: by
 * name, from the BTF the call names, against kfunc_rules (deny_kfuncs,
 * allow_kfuncs, and the kfuncs that read kernel memory, which
 * kernel_reads: false denies). Names, because a module's kfuncs get other
 * BTF ids each time it is loaded, and a policy may name a kfunc of a
 * module loaded after it.
 *
 * vmlinux's BTF is btf_vmlinux; a module's comes as an fd in the
 * caller's fd_array, read here before the verifier reads it: another
 * thread could swap the fd in between, so the program fd hook judges
 * module kfuncs again on the verifier's own table (kfunc_recheck()).
 *
 * A header, included by bpf/prog.bpf.c alone: the kernel symbols it uses
 * can be resolved from one object only.
 */
#ifndef WATCHBPF_KFUNC_BPF_H
#define WATCHBPF_KFUNC_BPF_H

#include "bpf/common.bpf.h"

extern const void btf_vmlinux __ksym;
extern const void btf_fops __ksym;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WB_MAX_KFUNC_RULES);
	__type(key, struct wbpf_kfunc_key);
	__type(value, struct wbpf_kfunc_rule);
} kfunc_rules SEC(".maps");

/* The BTF of a kfunc call's OFF: vmlinux's, or the module BTF whose fd
 * is fd_array[OFF] (USER: the array is the caller's memory). */
static __always_inline struct btf *kfunc_btf(__u64 fd_array, __s16 off)
{
	struct file *f;
	struct btf *btf = NULL;
	int fd;

	if (!off) {
		bpf_probe_read_kernel(&btf, sizeof(btf), (void *)&btf_vmlinux);
		return btf;
	}
	if (off < 0 || !fd_array ||
	    bpf_probe_read_user(&fd, sizeof(fd), (void *)(fd_array + off * sizeof(int))))
		return NULL;
	f = file_of_fd(fd);
	if (!f || BPF_CORE_READ(f, f_op) != (void *)&btf_fops)
		return NULL;
	return BPF_CORE_READ(f, private_data);
}

/* The name of type TYPE_ID of BTF into NAME, as the kernel's
 * btf_type_by_id() and btf_name_by_offset() find it (split BTF: a
 * module's types and strings follow its base's). */
static __always_inline bool btf_type_name(struct btf *btf, __u32 type_id, char *name)
{
	struct btf *b = btf;
	struct btf_type *t = NULL, **types;
	__u32 start, off;
	const char *strings;

	start = BPF_CORE_READ(b, start_id);
	if (type_id < start) {
		b = BPF_CORE_READ(b, base_btf);
		start = BPF_CORE_READ(b, start_id);
	}
	if (!b || type_id < start || type_id - start >= BPF_CORE_READ(b, nr_types))
		return false;
	types = BPF_CORE_READ(b, types);
	bpf_probe_read_kernel(&t, sizeof(t), &types[type_id - start]);
	off = BPF_CORE_READ(t, name_off);
	b = btf;
	if (off < BPF_CORE_READ(b, start_str_off))
		b = BPF_CORE_READ(b, base_btf);
	if (!b)
		return false;
	strings = BPF_CORE_READ(b, strings);
	return bpf_probe_read_kernel_str(name, WB_KFUNC_NAME_LEN,
					 strings + off - BPF_CORE_READ(b, start_str_off)) > 0;
}

/* The reason loader ID may not call the kfunc named KEY->name, or 0. */
static __always_inline __u8 kfunc_verdict(struct wbpf_kfunc_key *key, __u32 id, bool no_kreads,
					  bool allow_list)
{
	struct wbpf_kfunc_rule *r = bpf_map_lookup_elem(&kfunc_rules, key);
	__u64 bit = 1ULL << (id % 64);
	__u32 w = (id / 64) & 3;

	if (r && r->kernel_read && no_kreads)
		return WB_R_KERNEL_READ;
	if (r && (r->deny[w] & bit))
		return WB_R_KFUNC;
	if (allow_list && !(r && (r->allow[w] & bit)))
		return WB_R_KFUNC;
	return WB_R_NONE;
}

/* Module BTF BTF, judged as fd_array[OFF]. */
static __always_inline void note_module_btf(struct wbpf_scan *ctx, struct btf *btf, __s16 off)
{
	__u32 n = ctx->nr_mods;

	for (__u32 k = 0; k < WB_KFUNC_MODS; k++)
		if (k < n && ctx->mod_off[k] == off)
			return;
	if (n >= WB_KFUNC_MODS) {
		ctx->mods_overflow = 1;
		return;
	}
	ctx->mod_btf[n & (WB_KFUNC_MODS - 1)] = (__u64)btf;
	ctx->mod_off[n & (WB_KFUNC_MODS - 1)] = off;
	ctx->nr_mods = n + 1;
}

static __always_inline __u8 scan_kfunc(struct wbpf_scan *ctx, __u32 type_id, __s16 off,
				       __u32 *btf_id)
{
	struct btf *btf = kfunc_btf(ctx->fd_array, off);
	struct wbpf_kfunc_key key = { .gen = ctx->gen };

	/* vmlinux's BTF is object 1, but the log says 0: "vmlinux" */
	*btf_id = btf && off ? BPF_CORE_READ(btf, id) : 0;
	if (!ctx->kfunc_rules)
		return WB_R_NONE;
	if (off)
		note_module_btf(ctx, btf, off);
	/* a BTF it cannot name cannot be allowed: the verifier refuses such
	 * a program too */
	if (!btf || !btf_type_name(btf, type_id, key.name))
		return ctx->allow_kfuncs ? WB_R_KFUNC : WB_R_NONE;
	return kfunc_verdict(&key, ctx->loader_id, ctx->no_kernel_reads, ctx->allow_kfuncs);
}

/* What the program hook judged, kept on the loader's mark till the fd
 * hook (kfunc_recheck()). */
static __always_inline void kfunc_note(struct wbpf_task *t, const struct wbpf_scan *ctx)
{
	__builtin_memcpy(t->kf_btf, ctx->mod_btf, sizeof(t->kf_btf));
	__builtin_memcpy(t->kf_off, ctx->mod_off, sizeof(t->kf_off));
	t->kf_nr = ctx->mods_overflow ? 0xff : ctx->nr_mods;
}

struct recheck_ctx {
	struct bpf_kfunc_btf_tab *tab;
	struct wbpf_task *t;
	bool changed;
};

static long recheck_one(__u64 i, void *data)
{
	struct recheck_ctx *rc = data;
	struct wbpf_task *t = rc->t;
	struct bpf_kfunc_btf b = {};
	__u32 n = t->kf_nr;

	if (bpf_probe_read_kernel(&b, sizeof(b), &rc->tab->descs[i & 255]))
		goto changed;
	for (__u32 k = 0; k < WB_KFUNC_MODS; k++)
		if (k < n && t->kf_off[k] == (__s16)b.offset)
			return t->kf_btf[k] == (__u64)b.btf ? 0 : (rc->changed = true, 1);
changed:
	rc->changed = true;
	return 1;
}

/*
 * At the fd hook of a load: whether the module BTFs the verifier took from
 * fd_array (prog->aux->kfunc_btf_tab) are the ones the program hook judged
 * by name. Another thread may have put another BTF's fd there in between:
 * then the kfuncs were not judged, and the load fails.
 */
static __always_inline bool kfunc_recheck(struct bpf_prog *prog, struct wbpf_task *t)
{
	struct bpf_kfunc_btf_tab *tab = BPF_CORE_READ(prog, aux, kfunc_btf_tab);
	struct recheck_ctx rc = { .t = t, .tab = tab };
	__u32 nr;

	if (!tab)
		return true;
	nr = BPF_CORE_READ(tab, nr_descs);
	if (nr && t->kf_nr == 0xff)
		return false;
	bpf_loop(nr < 256 ? nr : 256, recheck_one, &rc, 0);
	return !rc.changed;
}

#endif
