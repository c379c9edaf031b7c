// SPDX-License-Identifier: GPL-2.0
/*
 * The learned model as a policy. Alone, it is a new policy of one loader
 * per executable. Merged, the existing policy's text is kept as it was
 * written, byte for byte (its comments, its style, keys learn knows
 * nothing of), and learn only inserts: the loaders of executables it does
 * not list, and comments. An executable it lists keeps its rules: what
 * they allow stays allowed, what they deny stays denied, and what the log
 * shows them denying is said in a comment and a warning, never added.
 * Whatever comes out is parsed again before anyone gets it.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fsverity/digest.h"
#include "learn/emit.h"
#include "learn/learn.h"
#include "lib/util.h"
#include "policy/ytree.h"

/* ---- growable text ---- */

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if ((size_t)n < room) {
			b->len += n;
			return;
		}
		size_t cap = (b->cap + n + 1) * 2;
		char *s = realloc(b->s, cap);

		if (!s) {
			b->oom = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
}

void sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (n)
		sb_printf(b, "%.*s", (int)n, s);
}

/* A path or other log string in a comment: one line of printable ASCII,
 * whatever bytes the log held, so the comment can neither end nor make the
 * file invalid UTF-8. */
static void sb_clean(struct sbuf *b, const char *s, size_t max)
{
	char c[2] = { 0, 0 };

	for (size_t i = 0; i < max && s[i]; i++) {
		c[0] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
		sb_printf(b, "%s", c);
	}
}

/* ---- loader names ---- */

/* The last component of path as a loader name: [A-Za-z0-9_.-], 1 to 31. */
static void name_from_path(const char *path, char *out)
{
	const char *base = path ? strrchr(path, '/') : NULL;
	size_t n = 0;

	base = base ? base + 1 : path;
	for (; base && *base && n < WB_LOADER_NAME_MAX - 4; base++) {
		char c = *base;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '.' || c == '-')
			out[n++] = c;
		else if (n && out[n - 1] != '_')
			out[n++] = '_';
	}
	out[n] = '\0';
	if (!n)
		memcpy(out, "loader", sizeof("loader"));
}

static bool name_taken(const struct wb_policy *base, char (*names)[WB_LOADER_NAME_MAX + 1],
		       size_t nr, const char *name)
{
	for (size_t i = 0; base && i < base->nr_loaders; i++)
		if (!strcmp(base->loaders[i].name, name))
			return true;
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

static int by_name(const void *a, const void *b)
{
	const struct learn_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return strcmp(x->exe->digest ? x->exe->digest : "", y->exe->digest ? y->exe->digest : "");
}

/* The executable's loader in base: by digest, or by name for one known by
 * name alone. */
static const struct wb_loader *base_loader(const struct wb_policy *base, const struct learn_exe *e)
{
	char d[FSV_DIGEST_STR_SIZE];

	for (size_t i = 0; base && i < base->nr_loaders; i++) {
		const struct wb_loader *bl = &base->loaders[i];

		if (e->digest && bl->has_digest &&
		    !strcmp(fsv_digest_format(&bl->digest, d, sizeof(d)), e->digest))
			return bl;
		if (!e->digest && e->loader && !strcmp(bl->name, e->loader))
			return bl;
	}
	return NULL;
}

/*
 * The executables with something to write, sorted: new ones named after
 * their path (made unique against base's loaders and each other), those
 * base lists under its name. Sorting by the candidate name before making
 * names unique keeps the result independent of the log's order.
 */
int learn_entries(const struct learn *l, const struct wb_policy *base, struct learn_entry **out,
		  size_t *nr)
{
	char(*names)[WB_LOADER_NAME_MAX + 1];
	struct learn_entry *v;
	size_t n = 0, made = 0;

	*out = NULL;
	*nr = 0;
	v = calloc(l->nr_exes + 1, sizeof(*v));
	names = calloc(l->nr_exes + 1, sizeof(*names));
	if (!v || !names) {
		free(v);
		free(names);
		return -ENOMEM;
	}
	for (size_t i = 0; i < l->nr_exes; i++) {
		const struct learn_exe *e = &l->exes[i];

		if (!e->records)
			continue; /* exec'd, never used bpf(): needs no authority */
		v[n].exe = e;
		v[n].base = base_loader(base, e);
		if (v[n].base)
			snprintf(v[n].name, sizeof(v[n].name), "%s", v[n].base->name);
		else
			name_from_path(e->path ? e->path : e->comm ? e->comm : e->loader, v[n].name);
		n++;
	}
	qsort(v, n, sizeof(*v), by_name);
	for (size_t i = 0; i < n; i++) {
		char cand[WB_LOADER_NAME_MAX + 1];

		if (v[i].base || !v[i].exe->digest)
			continue;
		snprintf(cand, sizeof(cand), "%s", v[i].name);
		for (unsigned int k = 2; name_taken(base, names, made, cand); k++)
			snprintf(cand, sizeof(cand), "%s-%u", v[i].name, k);
		snprintf(v[i].name, sizeof(v[i].name), "%s", cand);
		snprintf(names[made++], sizeof(names[0]), "%s", cand);
	}
	free(names);
	*out = v;
	*nr = n;
	return 0;
}

/* ---- a learned loader ---- */

/* What 'kernel_reads: false' would deny: a helper or a kfunc that reads
 * kernel memory, or kfuncs the log could not list all of. */
static bool uses_kernel_reads(const struct learn_exe *e)
{
	if (e->kfuncs_unknown || e->kfuncs_cut || e->kfuncs.overflow)
		return true;
	for (size_t i = 0; i < wb_nr_kernel_read_helpers; i++)
		if (strset_has(&e->helpers, wb_kernel_read_helpers[i]))
			return true;
	for (size_t i = 0; i < wb_nr_kernel_read_kfuncs; i++)
		if (strset_has(&e->kfuncs, wb_kernel_read_kfuncs[i]))
			return true;
	return false;
}

/* Returns 1: one key written. */
static int put_list(struct sbuf *b, const char *ind, const char *key, const struct strset *s,
		    bool quote)
{
	sb_printf(b, "%s%s: [", ind, key);
	for (size_t i = 0; i < s->n; i++)
		sb_printf(b, quote ? "%s\"%s\"" : "%s%s", i ? ", " : "", s->v[i]);
	sb_printf(b, "]\n");
	return 1;
}

static int cmp_map(const void *a, const void *b)
{
	return strcmp(((const struct learn_map *)a)->name, ((const struct learn_map *)b)->name);
}

/* programs: what its loads show; ind is the loader's keys' indentation */
static int put_programs(struct sbuf *b, const struct learn_exe *e, const char *ind)
{
	size_t hdr, hdr_len;
	struct strset globs;
	char in2[72];
	int keys = 0;

	snprintf(in2, sizeof(in2), "%s  ", ind);
	if (!e->loads) {
		/* no list may be empty, and no valid program has 1 instruction
		 * (feature probes pass rules: docs/policy.md) */
		sb_printf(b, "%s# no program load was seen: max_insns 1 refuses every program\n",
			  ind);
		sb_printf(b, "%sprograms:\n%smax_insns: 1\n", ind, in2);
		return 0;
	}
	hdr = b->len;
	sb_printf(b, "%sprograms:\n", ind);
	hdr_len = b->len - hdr;
	if (e->types_unknown || !e->types.n || e->types.overflow)
		sb_printf(b, "%s# types: not learned (a load without a type the policy can name)\n",
			  in2);
	else
		keys += put_list(b, in2, "types", &e->types, false);
	if (e->attach_unknown || !e->attach.n || e->attach.overflow)
		sb_printf(b, "%s# attach: not learned (a load without an attach type the policy can "
			     "name)\n",
			  in2);
	else
		keys += put_list(b, in2, "attach", &e->attach, false);
	if (e->unnamed_prog || !e->names.n || e->names.overflow) {
		sb_printf(b, "%s# names: not learned (a program without a name the policy can "
			     "spell)\n",
			  in2);
	} else {
		if (learn_collapse_names(&e->names, &globs))
			return -ENOMEM;
		keys += put_list(b, in2, "names", &globs, true);
		strset_free(&globs);
	}
	if (e->helpers_unknown || e->helpers.overflow) {
		sb_printf(b, "%s# allow_helpers, kernel_reads: not learned (the log does not give "
			     "every load's helpers)\n",
			  in2);
	} else {
		/* [] allows none */
		keys += put_list(b, in2, "allow_helpers", &e->helpers, false);
		if (!uses_kernel_reads(e))
			sb_printf(b, "%skernel_reads: false\n", in2);
	}
	if (e->kfuncs_cut)
		sb_printf(b, "%s# allow_kfuncs: not learned (a program called more kfuncs than "
			     "the log lists)\n",
			  in2);
	else if (e->kfuncs_unknown || e->kfuncs.overflow)
		sb_printf(b, "%s# allow_kfuncs: not learned (the log does not give every load's "
			     "kfuncs)\n",
			  in2);
	else
		keys += put_list(b, in2, "allow_kfuncs", &e->kfuncs, false);
	if (!e->insns_unknown && e->max_insns) {
		uint64_t m = (e->max_insns * 3 + 1) / 2;

		if (m > WB_MAX_INSNS_LIMIT)
			m = WB_MAX_INSNS_LIMIT;
		sb_printf(b, "%smax_insns: %llu   # largest seen: %llu\n", in2,
			  (unsigned long long)m, (unsigned long long)e->max_insns);
		keys++;
	}
	/* nothing could be learned: no 'programs:' with nothing under it */
	if (!keys && !b->oom) {
		memmove(b->s + hdr, b->s + hdr + hdr_len, b->len - hdr - hdr_len + 1);
		b->len -= hdr_len;
	}
	return 0;
}

static int put_maps(struct sbuf *b, const struct learn_exe *e, const char *ind)
{
	struct learn_map *m;

	if (e->unnamed_maps)
		sb_printf(b, "%s# %llu record(s) of maps without a name: no rule can name them\n",
			  ind, (unsigned long long)e->unnamed_maps);
	if (e->maps_overflow) {
		sb_printf(b, "%s# maps: not learned (more than %d names)\n", ind, WB_LIST_MAX);
		return 0;
	}
	sb_printf(b, "%smaps:\n", ind);
	if (!e->nr_maps) {
		sb_printf(b, "%s  \"*\": none   # no map was used\n", ind);
		return 0;
	}
	m = malloc(e->nr_maps * sizeof(*m));
	if (!m)
		return -ENOMEM;
	memcpy(m, e->maps, e->nr_maps * sizeof(*m));
	qsort(m, e->nr_maps, sizeof(*m), cmp_map);
	for (size_t i = 0; i < e->nr_maps; i++)
		sb_printf(b, "%s  \"%s\": %s\n", ind, m[i].name, m[i].rw ? "rw" : "ro");
	free(m);
	return 0;
}

int put_rules(struct sbuf *b, const struct learn_exe *e, const char *ind)
{
	if (put_programs(b, e, ind) || put_maps(b, e, ind))
		return -ENOMEM;
	return b->oom ? -ENOMEM : 0;
}

/* One new loader as an item of 'loaders', its dash at column dash. */
int put_loader(struct sbuf *b, const struct learn_entry *le, unsigned int dash, bool mark)
{
	const struct learn_exe *e = le->exe;
	char ind[48], keys[56];

	if (dash > 40)
		dash = 40;
	memset(ind, ' ', dash);
	ind[dash] = '\0';
	snprintf(keys, sizeof(keys), "%s  ", ind);
	sb_printf(b, "%s# %s", ind, mark ? "learned: " : "");
	if (e->path)
		sb_clean(b, e->path, 512);
	else
		sb_printf(b, "(path not in the log)");
	sb_printf(b, ", %llu record(s)\n", (unsigned long long)e->records);
	if (e->bad_names)
		sb_printf(b, "%s# %llu name(s) no policy can spell were left out\n", ind,
			  (unsigned long long)e->bad_names);
	sb_printf(b, "%s- name: %s\n", ind, le->name);
	sb_printf(b, "%sexec: { digest: %s }\n", keys, e->digest);
	return put_rules(b, e, keys);
}
