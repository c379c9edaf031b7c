// SPDX-License-Identifier: GPL-2.0
/*
 * Names in a policy -> the kernel's numbers. Program and attach types go by
 * libbpf's names, the ones bpftool and the log lines show. Helpers and bpf
 * commands go by the kernel's BTF rather than by a table compiled in here,
 * so that a policy can name anything the running kernel has and is told at
 * once when it names something the kernel has not.
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "policy/policy.h"
#include "policy/ytree.h"

const char *const wb_kernel_read_helpers[] = {
	"probe_read",	"probe_read_str", "probe_read_kernel", "probe_read_kernel_str",
	"snprintf_btf", "seq_printf_btf",
};
const size_t wb_nr_kernel_read_helpers = ARRAY_SIZE(wb_kernel_read_helpers);

/* libbpf's name tables end well before this. */
#define LIBBPF_MAX_ENUM 256
/* Longer names are not worth suggesting. */
#define SUGGEST_MAX_LEN 64

struct kname {
	char *name;
	int id;
};

struct ktable {
	const char *what; /* "helper": for messages */
	struct kname *v;
	size_t n, cap;
	const char *missing; /* set: the table could not be built, why */
};

struct resolver {
	struct ktable prog, attach, helper, cmd, map, kfunc;
	/* the problem earliest in the file; message built in msg */
	struct wb_pos at;
	char msg[2 * YSHOW_SIZE];
};

static int ktable_add(struct ktable *t, const char *name, size_t len, bool lower, int id)
{
	char *copy;

	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct kname *v = reallocarray(t->v, cap, sizeof(*v));

		if (!v)
			return -1;
		t->v = v;
		t->cap = cap;
	}
	copy = strndup(name, len);
	if (!copy)
		return -1;
	for (char *p = copy; lower && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = *p - 'A' + 'a';
	t->v[t->n++] = (struct kname){ copy, id };
	return 0;
}

static void ktable_free(struct ktable *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
}

static int libbpf_table(struct ktable *t, const char *(*str)(int), int first)
{
	for (int i = first; i < LIBBPF_MAX_ENUM; i++) {
		const char *s = str(i);

		if (s && ktable_add(t, s, strlen(s), false, i))
			return -1;
	}
	return 0;
}

static const char *prog_type_str(int t)
{
	return libbpf_bpf_prog_type_str((enum bpf_prog_type)t);
}

static const char *attach_type_str(int t)
{
	return libbpf_bpf_attach_type_str((enum bpf_attach_type)t);
}

static const char *map_type_str(int t)
{
	return libbpf_bpf_map_type_str((enum bpf_map_type)t);
}

/* The values of enum ename whose names start with prefix, without it. */
static int btf_table(struct ktable *t, const struct btf *btf, const char *ename, const char *prefix,
		     bool lower)
{
	size_t plen = strlen(prefix);
	const struct btf_type *type;
	const struct btf_enum *v;
	int id;

	id = btf__find_by_name_kind(btf, ename, BTF_KIND_ENUM);
	if (id < 0) {
		t->missing = ename;
		return 0;
	}
	type = btf__type_by_id(btf, id);
	v = btf_enum(type);
	for (int i = 0; i < btf_vlen(type); i++, v++) {
		const char *s = btf__name_by_offset(btf, v->name_off);

		/* __MAX_BPF_CMD and the like are no names */
		if (!s || strncmp(s, prefix, plen) || !s[plen] || !strcmp(s + plen, "unspec"))
			continue;
		if (ktable_add(t, s + plen, strlen(s + plen), lower, (int)v->val))
			return -1;
	}
	return 0;
}

static const struct kname *ktable_find(const struct ktable *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].name, name))
			return &t->v[i];
	return NULL;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[SUGGEST_MAX_LEN + 1];

	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* Whether name is one of the '_'-separated ends of k ("fentry" of
 * "trace_fentry", "map_lookup" of "map_lookup_elem"). */
static bool word_end_of(const char *name, const char *k)
{
	size_t ln = strlen(name), lk = strlen(k);

	if (ln >= lk)
		return false;
	return (!strncmp(k, name, ln) && k[ln] == '_') ||
	       (!strcmp(k + lk - ln, name) && k[lk - ln - 1] == '_');
}

/* The name in t that name was probably meant to be, or NULL. */
static const char *suggest(const struct ktable *t, const char *name)
{
	size_t len = strlen(name), limit = (len + 2) / 3, best = limit + 1;
	const char *s = NULL;

	if (len > SUGGEST_MAX_LEN)
		return NULL;
	for (size_t i = 0; i < t->n; i++) {
		size_t d;

		if (strlen(t->v[i].name) > SUGGEST_MAX_LEN)
			continue;
		d = edit_distance(name, t->v[i].name);
		if (d < best) {
			best = d;
			s = t->v[i].name;
		}
	}
	for (size_t i = 0; !s && i < t->n; i++)
		if (word_end_of(name, t->v[i].name))
			s = t->v[i].name;
	return s;
}

static bool earlier(struct wb_pos a, struct wb_pos b)
{
	return !b.line || a.line < b.line || (a.line == b.line && a.col < b.col);
}

static void problem(struct resolver *r, struct wb_pos at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(struct resolver *r, struct wb_pos at, const char *fmt, ...)
{
	va_list ap;

	if (!earlier(at, r->at))
		return;
	r->at = at;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
}

/* Resolves one list; key is its key in the file, for messages. */
static void resolve_list(struct resolver *r, const struct ktable *t, struct wb_name_ref *refs,
			 size_t n, const char *key)
{
	char buf[YSHOW_SIZE], buf2[YSHOW_SIZE];

	if (!n)
		return;
	if (t->missing) {
		problem(r, refs[0].pos, "cannot check %s names: the kernel's BTF has no enum %s",
			t->what, t->missing);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct kname *k = ktable_find(t, refs[i].name);
		const char *s;

		if (!k) {
			s = suggest(t, refs[i].name);
			yshow(refs[i].name, strlen(refs[i].name), buf);
			if (s)
				problem(r, refs[i].pos, "unknown %s '%s' (did you mean '%s'?)",
					t->what, buf, yshow(s, strlen(s), buf2));
			else if (t == &r->kfunc)
				problem(r, refs[i].pos,
					"unknown kfunc '%s': no kfunc of the running kernel or "
					"of a loaded module has that name",
					buf);
			else
				problem(r, refs[i].pos, "unknown %s '%s'", t->what, buf);
			continue;
		}
		refs[i].id = k->id;
		/* another name of the same thing ("load" and "prog_load") */
		for (size_t j = 0; j < i; j++) {
			if (refs[j].id != k->id)
				continue;
			problem(r, refs[i].pos, "'%s' in '%s' is the same %s as '%s' (line %u)",
				yshow(refs[i].name, strlen(refs[i].name), buf), key, t->what,
				yshow(refs[j].name, strlen(refs[j].name), buf2), refs[j].pos.line);
			break;
		}
	}
}

static void reset_ids(struct wb_name_ref *refs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		refs[i].id = -1;
}

static void tokens_reset(struct wb_tokens *t)
{
	reset_ids(t->cmds, t->nr_cmds);
	reset_ids(t->maps, t->nr_maps);
	reset_ids(t->progs, t->nr_progs);
	reset_ids(t->attachs, t->nr_attachs);
}

/* The kernel keeps a token's delegation in 64-bit masks (struct bpf_token's
 * allowed_*): a value past them is no delegation a token can carry. */
static void token_bits(struct resolver *r, const struct wb_name_ref *refs, size_t n,
		       const char *key)
{
	char buf[YSHOW_SIZE];

	for (size_t i = 0; i < n; i++)
		if (refs[i].id >= 64)
			problem(r, refs[i].pos,
				"'%s' in '%s' cannot be delegated by a token (a token holds "
				"values below 64)",
				yshow(refs[i].name, strlen(refs[i].name), buf), key);
}

/* A loader's tokens.delegate_*: commands by the kernel's BTF, like 'block';
 * the types by libbpf's names, like 'programs'. */
static void resolve_tokens(struct resolver *r, struct wb_tokens *t, bool btf)
{
	if (btf)
		resolve_list(r, &r->cmd, t->cmds, t->nr_cmds, "delegate_cmds");
	resolve_list(r, &r->map, t->maps, t->nr_maps, "delegate_maps");
	resolve_list(r, &r->prog, t->progs, t->nr_progs, "delegate_progs");
	resolve_list(r, &r->attach, t->attachs, t->nr_attachs, "delegate_attachs");
	token_bits(r, t->cmds, t->nr_cmds, "delegate_cmds");
	token_bits(r, t->maps, t->nr_maps, "delegate_maps");
	token_bits(r, t->progs, t->nr_progs, "delegate_progs");
	token_bits(r, t->attachs, t->nr_attachs, "delegate_attachs");
}

static void reset_all(struct wb_policy *pol)
{
	reset_ids(pol->block, pol->nr_block);
	for (size_t i = 0; i < pol->nr_loaders; i++) {
		struct wb_programs *p = &pol->loaders[i].programs;

		reset_ids(p->types, p->nr_types);
		reset_ids(p->attach, p->nr_attach);
		reset_ids(p->deny_helpers, p->nr_deny_helpers);
		reset_ids(p->allow_helpers, p->nr_allow_helpers);
		reset_ids(p->deny_kfuncs, p->nr_deny_kfuncs);
		reset_ids(p->allow_kfuncs, p->nr_allow_kfuncs);
		tokens_reset(&pol->loaders[i].tokens);
	}
}

/* A name twice (a module's kfunc of vmlinux's name) is harmless: the
 * first is found. No check here: vmlinux's BTF without kfunc tags makes
 * every FUNC a name, 60,000 of them. */
static int add_kfunc(void *arg, const char *name)
{
	struct ktable *t = arg;

	return ktable_add(t, name, strlen(name), false, (int)t->n);
}

/* Whether a loader names kfuncs: only then are module BTFs read. */
static bool names_kfuncs(const struct wb_policy *pol)
{
	for (size_t i = 0; i < pol->nr_loaders; i++)
		if (pol->loaders[i].programs.nr_deny_kfuncs ||
		    pol->loaders[i].programs.nr_allow_kfuncs)
			return true;
	return false;
}

static int build_tables(struct resolver *r, const struct btf *vmlinux, bool kfuncs)
{
	r->prog.what = "program type";
	r->attach.what = "attach type";
	r->helper.what = "helper";
	r->cmd.what = "bpf command";
	r->map.what = "map type";
	r->kfunc.what = "kfunc";
	/* 0 is BPF_PROG_TYPE_UNSPEC, which loads nothing; likewise maps */
	if (libbpf_table(&r->prog, prog_type_str, 1) ||
	    libbpf_table(&r->attach, attach_type_str, 0) || libbpf_table(&r->map, map_type_str, 1))
		return -1;
	if (!vmlinux)
		return 0;
	if (btf_table(&r->helper, vmlinux, "bpf_func_id", "BPF_FUNC_", false) ||
	    btf_table(&r->cmd, vmlinux, "bpf_cmd", "BPF_", true))
		return -1;
	/* the names the log lines use for these two */
	if (!r->cmd.missing && (ktable_add(&r->cmd, "load", 4, false, BPF_PROG_LOAD) ||
				ktable_add(&r->cmd, "update", 6, false, BPF_MAP_UPDATE_ELEM)))
		return -1;
	if (kfuncs && wb_kfunc_names(vmlinux, add_kfunc, &r->kfunc))
		return -1;
	return 0;
}

int policy_resolve(struct wb_policy *pol, const struct btf *vmlinux, char *err, size_t errlen)
{
	struct yerr e = { .fname = pol->path ? pol->path : "policy", .buf = err, .size = errlen };
	struct resolver r = { 0 };
	int ret = -1;

	if (err && errlen)
		err[0] = '\0';
	reset_all(pol);
	if (build_tables(&r, vmlinux, names_kfuncs(pol))) {
		yerr_at(&e, 0, 0, "out of memory");
		goto out;
	}
	if (vmlinux)
		resolve_list(&r, &r.cmd, pol->block, pol->nr_block, "block");
	for (size_t i = 0; i < pol->nr_loaders; i++) {
		struct wb_programs *p = &pol->loaders[i].programs;

		resolve_list(&r, &r.prog, p->types, p->nr_types, "types");
		resolve_list(&r, &r.attach, p->attach, p->nr_attach, "attach");
		if (vmlinux) {
			resolve_list(&r, &r.helper, p->deny_helpers, p->nr_deny_helpers,
				     "deny_helpers");
			resolve_list(&r, &r.helper, p->allow_helpers, p->nr_allow_helpers,
				     "allow_helpers");
			resolve_list(&r, &r.kfunc, p->deny_kfuncs, p->nr_deny_kfuncs,
				     "deny_kfuncs");
			resolve_list(&r, &r.kfunc, p->allow_kfuncs, p->nr_allow_kfuncs,
				     "allow_kfuncs");
		}
		resolve_tokens(&r, &pol->loaders[i].tokens, vmlinux != NULL);
	}
	if (r.at.line) {
		yerr_at(&e, r.at.line, r.at.col, "%s", r.msg);
		goto out;
	}
	ret = 0;
out:
	if (ret)
		reset_all(pol);
	ktable_free(&r.prog);
	ktable_free(&r.attach);
	ktable_free(&r.helper);
	ktable_free(&r.cmd);
	ktable_free(&r.map);
	ktable_free(&r.kfunc);
	return ret;
}
