// SPDX-License-Identifier: GPL-2.0
/*
 * learn_emit(): the model as a policy text, merged into an existing policy
 * when one is given, and checked by the parser before it is given back.
 *
 * Merging edits the existing text by inserting lines only, at places the
 * parser's YAML tree gives (policy/ytree.h): the new loaders after the last
 * item of 'loaders', comments before an existing loader's item. So nothing
 * the admin wrote changes, and nothing learn does not know is lost.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "learn/emit.h"
#include "learn/learn.h"
#include "lib/util.h"
#include "policy/ytree.h"

/* ---- what an existing loader's rules deny of what was seen ---- */

struct denials {
	struct sbuf text; /* comment lines */
	size_t n;
	const char *loader;
	FILE *warn;
	const char *ind;
};

#define DENIALS_SHOWN 32

static void denied(struct denials *d, const char *what, const char *name, const char *why)
{
	if (++d->n <= DENIALS_SHOWN)
		sb_printf(&d->text, "%s# learned: seen, left denied: %s %s (%s)\n", d->ind, what,
			  name, why);
	if (d->warn && d->n <= DENIALS_SHOWN)
		fprintf(d->warn,
			"%s: warning: loader %s: the log shows %s %s, which its rules deny (%s): "
			"left denied\n",
			prog_name, d->loader, what, name, why);
}

static bool ref_has(const struct wb_name_ref *refs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(refs[i].name, name))
			return true;
	return false;
}

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

static bool name_allowed(const struct wb_programs *p, const char *name)
{
	for (size_t i = 0; i < p->nr_names; i++)
		if (!fnmatch(p->names[i], name, 0))
			return true;
	return false;
}

static void judge(struct denials *d, const struct learn_exe *e, const struct wb_loader *bl)
{
	const struct wb_programs *p = &bl->programs;
	char num[32];

	for (size_t i = 0; p->present && p->nr_types && i < e->types.n; i++)
		if (!ref_has(p->types, p->nr_types, e->types.v[i]))
			denied(d, "program type", e->types.v[i], "not in programs.types");
	for (size_t i = 0; p->present && p->nr_attach && i < e->attach.n; i++)
		if (!ref_has(p->attach, p->nr_attach, e->attach.v[i]))
			denied(d, "attach type", e->attach.v[i], "not in programs.attach");
	for (size_t i = 0; p->present && p->nr_names && i < e->names.n; i++)
		if (!name_allowed(p, e->names.v[i]))
			denied(d, "program name", e->names.v[i], "no programs.names glob matches");
	for (size_t i = 0; p->present && i < e->helpers.n; i++) {
		const char *h = e->helpers.v[i];

		if (ref_has(p->deny_helpers, p->nr_deny_helpers, h))
			denied(d, "helper", h, "in programs.deny_helpers");
		else if (p->has_allow_helpers && !ref_has(p->allow_helpers, p->nr_allow_helpers, h))
			denied(d, "helper", h, "not in programs.allow_helpers");
		else if (!p->kernel_reads &&
			 in_list(wb_kernel_read_helpers, wb_nr_kernel_read_helpers, h))
			denied(d, "helper", h, "programs.kernel_reads: false");
	}
	for (size_t i = 0; p->present && i < e->kfuncs.n; i++) {
		const char *k = e->kfuncs.v[i];

		if (ref_has(p->deny_kfuncs, p->nr_deny_kfuncs, k))
			denied(d, "kfunc", k, "in programs.deny_kfuncs");
		else if (p->has_allow_kfuncs && !ref_has(p->allow_kfuncs, p->nr_allow_kfuncs, k))
			denied(d, "kfunc", k, "not in programs.allow_kfuncs");
		else if (!p->kernel_reads &&
			 in_list(wb_kernel_read_kfuncs, wb_nr_kernel_read_kfuncs, k))
			denied(d, "kfunc", k, "programs.kernel_reads: false");
	}
	if (p->present && p->max_insns && e->max_insns > p->max_insns) {
		snprintf(num, sizeof(num), "%llu", (unsigned long long)e->max_insns);
		denied(d, "a program of", num, "instructions, over programs.max_insns");
	}
	for (size_t i = 0; bl->has_maps && i < e->nr_maps; i++) {
		enum wb_access a = wb_loader_map_access(bl, e->maps[i].name);

		if (a == WB_ACCESS_NONE)
			denied(d, "map", e->maps[i].name, "no maps rule lets it be used");
		else if (a == WB_ACCESS_RO && e->maps[i].rw)
			denied(d, "a write of map", e->maps[i].name, "its maps rule is ro");
	}
	if (bl->has_maps && e->unnamed_maps) {
		snprintf(num, sizeof(num), "%llu", (unsigned long long)e->unnamed_maps);
		denied(d, "maps without a name, records:", num, "no maps rule can name them");
	}
	if (d->n > DENIALS_SHOWN)
		sb_printf(&d->text, "%s# learned: ... and %zu more left denied\n", d->ind,
			  d->n - DENIALS_SHOWN);
}

/* ---- the existing text ---- */

struct insertion {
	unsigned int line; /* before this 1-based line; nr_lines + 1: at the end */
	size_t order; /* made before: put before, at the same line */
	char *text;
};

struct text {
	const char *s;
	size_t len;
	size_t *start; /* of each line, [nr_lines] = len */
	unsigned int nr_lines;
};

static int text_index(struct text *t, const char *s, size_t len)
{
	size_t n = 1;

	t->s = s;
	t->len = len;
	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	t->start = malloc((n + 1) * sizeof(*t->start));
	if (!t->start)
		return -ENOMEM;
	t->nr_lines = 0;
	t->start[t->nr_lines++] = 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n' && i + 1 < len)
			t->start[t->nr_lines++] = i + 1;
	t->start[t->nr_lines] = len;
	return 0;
}

/* Line l (1-based) without its newline. */
static const char *line_at(const struct text *t, unsigned int l, size_t *n)
{
	size_t a = t->start[l - 1], b = t->start[l];

	if (b > a && t->s[b - 1] == '\n')
		b--;
	*n = b - a;
	return t->s + a;
}

/* Blank, a comment, or a document marker: nothing a loader item owns. */
static bool line_is_filler(const struct text *t, unsigned int l)
{
	size_t n, i = 0;
	const char *s = line_at(t, l, &n);

	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	return i == n || s[i] == '#' || (n - i >= 3 && (!strncmp(s + i, "...", 3) || !strncmp(s + i, "---", 3)));
}

/* The column (0-based, bytes) of the '-' that starts line l's item, or -1. */
static int dash_col(const struct text *t, unsigned int l)
{
	size_t n, i = 0;
	const char *s = line_at(t, l, &n);

	while (i < n && s[i] == ' ')
		i++;
	return i < n && s[i] == '-' ? (int)i : -1;
}

static const struct ynode *root_key(const struct ynode *root, const char *key)
{
	for (size_t i = 0; root && root->kind == YNODE_MAP && i + 1 < root->nr; i += 2)
		if (root->items[i]->kind == YNODE_SCALAR && !strcmp(root->items[i]->str, key))
			return root->items[i];
	return NULL;
}

/* The first line after 'loaders' that belongs to the next top-level key. */
static unsigned int after_loaders(const struct ynode *root, const struct ynode *key,
				  unsigned int nr_lines)
{
	unsigned int end = nr_lines + 1;

	for (size_t i = 0; i + 1 < root->nr; i += 2)
		if (root->items[i]->line > key->line && root->items[i]->line < end)
			end = root->items[i]->line;
	return end;
}

static int add_ins(struct insertion **v, size_t *n, unsigned int line, struct sbuf *b)
{
	struct insertion *nv;

	if (b->oom)
		return -ENOMEM;
	if (!b->len)
		return 0;
	nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n].line = line;
	nv[*n].order = *n;
	nv[*n].text = b->s;
	(*n)++;
	memset(b, 0, sizeof(*b));
	return 0;
}

static int cmp_ins(const void *a, const void *b)
{
	const struct insertion *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The item of seq whose name is name. */
static const struct ynode *item_named(const struct ynode *seq, const char *name)
{
	for (size_t i = 0; seq && seq->kind == YNODE_SEQ && i < seq->nr; i++) {
		const struct ynode *n = ynode_map_get(seq->items[i], "name");

		if (n && n->kind == YNODE_SCALAR && !strcmp(n->str, name))
			return seq->items[i];
	}
	return NULL;
}

/*
 * A loader the policy names without any rule (an audit run's first
 * policy: who, not what) gets the rules learned, after its last line.
 * Only in block style: a loader written as {...} gets a warning instead.
 */
static int fill_loader(const struct text *t, const struct ynode *root, const struct ynode *key,
		       const struct ynode *seq, const struct ynode *item, const struct learn_entry *le,
		       struct insertion **ins, size_t *nr_ins, FILE *warn)
{
	unsigned int end = after_loaders(root, key, t->nr_lines);
	struct sbuf b = { 0 };
	size_t n;
	const char *s = line_at(t, item->line, &n);
	char ind[48];

	if (item->kind != YNODE_MAP || item->col - 1 >= n || s[item->col - 1] == '{' ||
	    item->col > 40) {
		if (warn)
			fprintf(warn,
				"%s: warning: loader %s is written as {...}: learned rules not added\n",
				prog_name, le->name);
		return 0;
	}
	for (size_t i = 0; i < seq->nr; i++)
		if (seq->items[i]->line > item->line && seq->items[i]->line < end)
			end = seq->items[i]->line;
	while (end - 1 > item->line && line_is_filler(t, end - 1))
		end--;
	memset(ind, ' ', item->col - 1);
	ind[item->col - 1] = '\0';
	sb_printf(&b, "%s# learned: its rules, from %llu record(s)\n", ind,
		  (unsigned long long)le->exe->records);
	if (put_rules(&b, le->exe, ind))
		return -ENOMEM;
	return add_ins(ins, nr_ins, end, &b);
}

static int merge(const struct learn *l, const struct learn_emit_opts *o,
		 const struct learn_entry *v, size_t nr, struct sbuf *out, char *err, size_t errlen)
{
	struct yerr ye = { .fname = o->base->path ? o->base->path : "policy", .buf = err, .size = errlen };
	struct insertion *ins = NULL;
	size_t nr_ins = 0, nr_new = 0;
	struct ynode *root = NULL;
	const struct ynode *key, *seq;
	struct text t = { 0 };
	struct sbuf b = { 0 };
	unsigned int at, cut_line = 0;
	size_t cut_from = 0, cut_len = 0;
	int dash = 2, ret = -1;

	if (ytree_parse(&ye, o->base_text, o->base_len, &root) || text_index(&t, o->base_text, o->base_len))
		goto out;
	key = root_key(root, "loaders");
	seq = key ? ynode_map_get(root, "loaders") : NULL;
	if (!seq || seq->kind != YNODE_SEQ) {
		snprintf(err, errlen, "%s: no 'loaders' sequence to merge into", ye.fname);
		goto out;
	}
	for (size_t i = 0; i < nr; i++)
		nr_new += !v[i].base && v[i].exe->digest;

	/* the loaders it has: one without rules gets what was learned, the
	 * others comments on what their rules leave denied */
	for (size_t i = 0; i < nr; i++) {
		const struct ynode *item;
		struct denials d = { .loader = v[i].name, .warn = o->warn };
		char ind[48];
		int dc;

		if (!v[i].base)
			continue;
		item = item_named(seq, v[i].base->name);
		if (!item)
			continue;
		if (!v[i].base->programs.present && !v[i].base->has_maps) {
			if (fill_loader(&t, root, key, seq, item, &v[i], &ins, &nr_ins, o->warn))
				goto oom;
			continue;
		}
		dc = dash_col(&t, item->line);
		dc = dc < 0 || dc > 40 ? 2 : dc;
		memset(ind, ' ', dc);
		ind[dc] = '\0';
		d.ind = ind;
		judge(&d, v[i].exe, v[i].base);
		if (add_ins(&ins, &nr_ins, item->line, &d.text))
			goto oom;
		free(d.text.s);
	}

	/* the new loaders, after the last item */
	if (nr_new) {
		size_t n;
		const char *s = line_at(&t, seq->line, &n);
		size_t c = seq->col - 1;

		if (c < n && s[c] == '[') {
			size_t j = c + 1;

			while (j < n && (s[j] == ' ' || s[j] == '\t'))
				j++;
			if (seq->nr || j >= n || s[j] != ']') {
				snprintf(err, errlen,
					 "%s:%u:%u: cannot add loaders to 'loaders' written as [...]: "
					 "write it as a block sequence (one '- name:' per loader)",
					 ye.fname, seq->line, seq->col);
				goto out;
			}
			/* "loaders: []" becomes "loaders:" and the items below it */
			cut_line = seq->line;
			cut_from = c;
			cut_len = j + 1 - c;
			at = seq->line + 1;
			dash = key->col + 1;
		} else {
			at = after_loaders(root, key, t.nr_lines);
			while (at - 1 > seq->line && line_is_filler(&t, at - 1))
				at--;
			if (seq->nr)
				dash = dash_col(&t, seq->items[0]->line);
			if (dash < 0)
				dash = key->col + 1;
		}
		for (size_t i = 0; i < nr; i++) {
			if (v[i].base || !v[i].exe->digest)
				continue;
			if (put_loader(&b, &v[i], dash, true))
				goto oom;
		}
		if (add_ins(&ins, &nr_ins, at, &b))
			goto oom;
	}
	sb_printf(&b, "# learned: watchbpf learn added %zu loader(s) from %llu record(s)\n", nr_new,
		  (unsigned long long)l->st.used);
	if (add_ins(&ins, &nr_ins, 1, &b))
		goto oom;

	/* the text, with the insertions, in a stable order */
	if (!ins)
		goto oom;
	qsort(ins, nr_ins, sizeof(*ins), cmp_ins);
	for (unsigned int line = 1, k = 0; line <= t.nr_lines + 1; line++) {
		for (; k < nr_ins && ins[k].line == line; k++) {
			if (out->len && out->s[out->len - 1] != '\n')
				sb_printf(out, "\n");
			sb_printf(out, "%s", ins[k].text);
		}
		if (line > t.nr_lines)
			break;
		size_t a = t.start[line - 1], z = t.start[line];

		if (line == cut_line) {
			sb_put(out, t.s + a, cut_from);
			sb_put(out, t.s + a + cut_from + cut_len, z - a - cut_from - cut_len);
		} else {
			sb_put(out, t.s + a, z - a);
		}
	}
	if (out->oom)
		goto oom;
	ret = 0;
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
out:
	for (size_t i = 0; i < nr_ins; i++)
		free(ins[i].text);
	free(ins);
	free(b.s);
	free(t.start);
	ytree_free(root);
	return ret;
}

/* ---- a new policy ---- */

static int fresh(const struct learn *l, const struct learn_emit_opts *o,
		 const struct learn_entry *v, size_t nr, struct sbuf *out)
{
	size_t n = 0;

	for (size_t i = 0; i < nr; i++)
		n += v[i].exe->digest != NULL;
	sb_printf(out,
		  "# Learned by watchbpf learn from %llu record(s): what the log shows and\n"
		  "# nothing else. Review it, then try it with --audit before --enforce.\n",
		  (unsigned long long)l->st.used);
	sb_printf(out, "name: %s\nmode: enforce\n", o->name ? o->name : "learned");
	sb_printf(out, "loaders:%s\n", n ? "" : " []");
	for (size_t i = 0; i < nr; i++)
		if (v[i].exe->digest && put_loader(out, &v[i], 2, false))
			return -ENOMEM;
	return out->oom ? -ENOMEM : 0;
}

int learn_emit_text(const struct learn *l, const struct learn_emit_opts *o, char **text,
		    size_t *len, char *err, size_t errlen)
{
	struct learn_entry *v = NULL;
	struct sbuf out = { 0 };
	size_t nr = 0;
	int ret = -1;

	*text = NULL;
	*len = 0;
	if (learn_entries(l, o->base, &v, &nr)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < nr; i++)
		if (!v[i].base && !v[i].exe->digest && o->warn)
			fprintf(o->warn,
				"%s: warning: loader %s is known by name alone (its records give no "
				"digest): not written\n",
				prog_name, v[i].exe->loader);
	if (o->base ? merge(l, o, v, nr, &out, err, errlen) : fresh(l, o, v, nr, &out)) {
		if (!o->base)
			snprintf(err, errlen, "out of memory");
		goto out;
	}
	sb_printf(&out, "%s", "");
	if (out.oom) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	*text = out.s;
	*len = out.len;
	out.s = NULL;
	ret = 0;
out:
	free(out.s);
	free(v);
	return ret;
}

int learn_emit(const struct learn *l, const struct learn_emit_opts *o, char **text, size_t *len,
	       char *err, size_t errlen)
{
	struct wb_policy pol = { 0 };
	char perr[1024];

	if (learn_emit_text(l, o, text, len, err, errlen))
		return -1;
	/* what `watchbpf check` would say; a failure here is learn's bug */
	if (policy_load_string(o->base && o->base->path ? o->base->path : "learned policy", *text,
			       *len, &pol, perr, sizeof(perr)) ||
	    policy_resolve(&pol, NULL, perr, sizeof(perr))) {
		snprintf(err, errlen, "the learned policy does not pass the parser, nothing written: %s",
			 perr);
		goto fail;
	}
	if (o->base && pol.nr_loaders < o->base->nr_loaders) {
		snprintf(err, errlen, "the merged policy lost loaders, nothing written");
		goto fail;
	}
	policy_free(&pol);
	return 0;
fail:
	policy_free(&pol);
	free(*text);
	*text = NULL;
	*len = 0;
	return -1;
}

int learn_write(const struct learn *l, const struct learn_emit_opts *o, const char *path,
		char *err, size_t errlen)
{
	size_t len;
	char *text;
	int ret;

	if (learn_emit(l, o, &text, &len, err, errlen))
		return -1;
	ret = replace_file(path, text, len, 0600);
	free(text);
	if (ret) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(-ret));
		return -1;
	}
	return 0;
}
