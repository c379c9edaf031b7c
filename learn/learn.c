// SPDX-License-Identifier: GPL-2.0
/*
 * The learning model: every bpf() record of an executable adds what it
 * shows to that executable's entry. Records name a task, not a file, so
 * the executable is found by, in order: the record's exe_digest; the
 * executable an earlier exec record of the same process (boot, pid) gave;
 * the loader the record names, through an exec record of that loader or
 * the loaders of the policy it was made under. What none of these names
 * is counted, not guessed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <linux/types.h>

#include "bpf/watchbpf.h"
#include "fsverity/digest.h"
#include "fsverity/verity.h"
#include "learn/learn.h"
#include "lib/util.h"
#include "log/query.h"

/* ---- strset ---- */

static size_t strset_find(const struct strset *s, const char *str, bool *found)
{
	size_t lo = 0, hi = s->n;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->v[mid], str);

		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int strset_add(struct strset *s, const char *str, size_t len)
{
	char *copy;
	bool found;
	size_t at;

	copy = strndup(str, len);
	if (!copy)
		return -ENOMEM;
	at = strset_find(s, copy, &found);
	if (found) {
		free(copy);
		return 0;
	}
	if (s->n >= WB_LIST_MAX) {
		free(copy);
		s->overflow = true;
		return 0;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		char **v = realloc(s->v, cap * sizeof(*v));

		if (!v) {
			free(copy);
			return -ENOMEM;
		}
		s->v = v;
		s->cap = cap;
	}
	memmove(s->v + at + 1, s->v + at, (s->n - at) * sizeof(*s->v));
	s->v[at] = copy;
	s->n++;
	return 0;
}

bool strset_has(const struct strset *s, const char *str)
{
	bool found;

	strset_find(s, str, &found);
	return found;
}

void strset_free(struct strset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* ---- names ---- */

bool learn_kname_ok(const char *s, size_t len)
{
	return wb_kname_ok(s, len);
}

bool learn_objname_ok(const char *s, size_t len)
{
	if (!len || len > WB_OBJ_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.'))
			return false;
	}
	return true;
}

bool learn_digest_norm(const char *s, char *out, size_t len)
{
	size_t plen, hex, n = strlen(s);

	if (!strncmp(s, "sha256:", 7)) {
		plen = 7;
		hex = 64;
	} else if (!strncmp(s, "sha512:", 7)) {
		plen = 7;
		hex = 128;
	} else {
		return false;
	}
	if (n != plen + hex || n + 1 > len)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (i >= plen) {
			if (c >= 'A' && c <= 'F')
				c = c - 'A' + 'a';
			else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
				return false;
		}
		out[i] = c;
	}
	out[n] = '\0';
	return true;
}

/* ---- the model ---- */

void learn_init(struct learn *l)
{
	memset(l, 0, sizeof(*l));
}

static void exe_free(struct learn_exe *e)
{
	free(e->digest);
	free(e->loader);
	free(e->path);
	free(e->comm);
	strset_free(&e->types);
	strset_free(&e->attach);
	strset_free(&e->names);
	strset_free(&e->helpers);
	strset_free(&e->kfuncs);
	for (size_t i = 0; i < e->nr_maps; i++)
		free(e->maps[i].name);
	free(e->maps);
}

void learn_free(struct learn *l)
{
	for (size_t i = 0; i < l->nr_exes; i++)
		exe_free(&l->exes[i]);
	free(l->exes);
	for (size_t i = 0; i < l->nr_aliases; i++)
		free(l->aliases[i].loader);
	free(l->aliases);
	memset(l, 0, sizeof(*l));
}

/* The entry of digest (normalized) or, with digest NULL, of the loader
 * known by name alone; made when missing. -1 on ENOMEM. */
static int exe_get(struct learn *l, const char *digest, const char *loader)
{
	struct learn_exe *e;

	for (size_t i = 0; i < l->nr_exes; i++) {
		e = &l->exes[i];
		if (digest ? e->digest && !strcmp(e->digest, digest) :
			     loader && !e->digest && e->loader && !strcmp(e->loader, loader))
			return (int)i;
	}
	/* a policy has at most WB_LIST_MAX loaders; so does what learn writes */
	if (l->nr_exes >= WB_LIST_MAX)
		return -1;
	if (l->nr_exes == l->cap_exes) {
		size_t cap = l->cap_exes ? l->cap_exes * 2 : 8;
		struct learn_exe *v = realloc(l->exes, cap * sizeof(*v));

		if (!v)
			return -1;
		l->exes = v;
		l->cap_exes = cap;
	}
	e = &l->exes[l->nr_exes];
	memset(e, 0, sizeof(*e));
	if (digest && !(e->digest = strdup(digest)))
		return -1;
	if (loader && !(e->loader = strdup(loader))) {
		free(e->digest);
		return -1;
	}
	return (int)l->nr_exes++;
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static struct learn_proc *proc_slot(struct learn *l, const struct wb_record *r, bool make)
{
	uint64_t boot = hash_str(r->boot_id);
	size_t at = (size_t)((boot ^ r->pid) * 0x9e3779b97f4a7c15ull >> 32) % LEARN_PROCS;

	for (size_t i = 0; i < 8; i++) {
		struct learn_proc *p = &l->procs[(at + i) % LEARN_PROCS];

		if (p->used && p->boot == boot && p->pid == r->pid)
			return p;
		if (!p->used && make) {
			p->used = true;
			p->boot = boot;
			p->pid = r->pid;
			return p;
		}
	}
	if (!make)
		return NULL;
	/* full around here: the oldest knowledge goes, never memory */
	l->procs[at].boot = boot;
	l->procs[at].pid = r->pid;
	return &l->procs[at];
}

static int alias_set(struct learn *l, const char *loader, int exe)
{
	for (size_t i = 0; i < l->nr_aliases; i++) {
		if (!strcmp(l->aliases[i].loader, loader)) {
			l->aliases[i].exe = exe;
			return 0;
		}
	}
	if (l->nr_aliases >= WB_LIST_MAX)
		return 0;
	if (l->nr_aliases == l->cap_aliases) {
		size_t cap = l->cap_aliases ? l->cap_aliases * 2 : 8;
		struct learn_alias *v = realloc(l->aliases, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->aliases = v;
		l->cap_aliases = cap;
	}
	l->aliases[l->nr_aliases].loader = strdup(loader);
	if (!l->aliases[l->nr_aliases].loader)
		return -ENOMEM;
	l->aliases[l->nr_aliases++].exe = exe;
	return 0;
}

/* The digest the base policy gives loader NAME, when the record was made
 * under that policy (its version) or by the daemon itself. */
static bool base_digest(const struct learn *l, const struct wb_record *r, char *out, size_t len)
{
	const struct wb_policy *b = l->base;

	if (!b || !r->loader)
		return false;
	if (!l->measure_exec && (!r->policy_version || strcmp(r->policy_version, b->version)))
		return false;
	for (size_t i = 0; i < b->nr_loaders; i++) {
		if (strcmp(b->loaders[i].name, r->loader))
			continue;
		if (!b->loaders[i].has_digest)
			return false;
		return fsv_digest_format(&b->loaders[i].digest, out, len)[0] != '\0';
	}
	return false;
}

/* The live daemon's view of an exec'd verity file that is no loader. */
static bool measure_exe(const char *path, char *out, size_t len)
{
	struct fsv_digest d;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	int ret;

	if (fd < 0)
		return false;
	ret = fsv_measure_fd(fd, &d);
	close(fd);
	return !ret && fsv_digest_format(&d, out, len)[0];
}

static int note_exec(struct learn *l, const struct wb_record *r)
{
	char digest[FSV_DIGEST_STR_SIZE];
	struct learn_proc *p;
	int exe = -1;

	l->st.identity++;
	/* the record's digest, the policy's for its loader, or the file's
	 * now (the live form) */
	if ((r->exe_digest && learn_digest_norm(r->exe_digest, digest, sizeof(digest))) ||
	    (r->loader && base_digest(l, r, digest, sizeof(digest))) ||
	    (l->measure_exec && r->exe && !r->loader && measure_exe(r->exe, digest, sizeof(digest))))
		exe = exe_get(l, digest, NULL);
	else if (r->loader)
		exe = exe_get(l, NULL, r->loader);
	if (exe < 0 && (r->exe_digest || r->loader) && l->nr_exes < WB_LIST_MAX)
		return -ENOMEM;
	if (exe >= 0) {
		struct learn_exe *e = &l->exes[exe];

		if (r->exe) {
			char *p = strdup(r->exe);

			if (!p)
				return -ENOMEM;
			free(e->path);
			e->path = p;
		}
		if (r->loader && !e->loader && !(e->loader = strdup(r->loader)))
			return -ENOMEM;
		if (r->loader && alias_set(l, r->loader, exe))
			return -ENOMEM;
	}
	/* a new program in this process: what it was before no longer counts */
	p = proc_slot(l, r, true);
	p->exe = exe;
	return 0;
}

static int identify(struct learn *l, const struct wb_record *r)
{
	char digest[FSV_DIGEST_STR_SIZE];
	struct learn_proc *p;

	if (r->exe_digest && learn_digest_norm(r->exe_digest, digest, sizeof(digest)))
		return exe_get(l, digest, NULL);
	p = proc_slot(l, r, false);
	if (p && p->exe >= 0 &&
	    (!r->loader || (l->exes[p->exe].loader && !strcmp(l->exes[p->exe].loader, r->loader))))
		return p->exe;
	if (!r->loader)
		return -1;
	for (size_t i = 0; i < l->nr_aliases; i++)
		if (!strcmp(l->aliases[i].loader, r->loader))
			return l->aliases[i].exe;
	if (base_digest(l, r, digest, sizeof(digest)))
		return exe_get(l, digest, NULL);
	return exe_get(l, NULL, r->loader);
}

/* Ops of the log that are not bpf(): they teach nothing about programs or maps. */
static bool bpf_op(const char *op)
{
	static const char *const other[] = { "-",	 "exec",   "adopt",  "open",   "signal",
					     "ptrace",	 "task_set", "write", "pins",   "module",
					     "kexec",	 "kernel_mem", "mmap", "mprotect" };

	for (size_t i = 0; i < ARRAY_SIZE(other); i++)
		if (!strcmp(op, other[i]))
			return false;
	return true;
}

static bool map_write_op(const char *op)
{
	static const char *const w[] = { "map_create",
					 "update",
					 "map_update_elem",
					 "map_delete_elem",
					 "map_lookup_and_delete_elem",
					 "map_freeze",
					 "map_update_batch",
					 "map_delete_batch",
					 "map_lookup_and_delete_batch" };

	for (size_t i = 0; i < ARRAY_SIZE(w); i++)
		if (!strcmp(op, w[i]))
			return true;
	return false;
}

static int add_map(struct learn_exe *e, const char *name, bool rw)
{
	for (size_t i = 0; i < e->nr_maps; i++) {
		if (!strcmp(e->maps[i].name, name)) {
			e->maps[i].rw |= rw;
			return 0;
		}
	}
	if (e->nr_maps >= WB_LIST_MAX) {
		e->maps_overflow = true;
		return 0;
	}
	if (e->nr_maps == e->cap_maps) {
		size_t cap = e->cap_maps ? e->cap_maps * 2 : 8;
		struct learn_map *v = realloc(e->maps, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		e->maps = v;
		e->cap_maps = cap;
	}
	e->maps[e->nr_maps].name = strdup(name);
	if (!e->maps[e->nr_maps].name)
		return -ENOMEM;
	e->maps[e->nr_maps++].rw = rw;
	return 0;
}

/* "a,b,c" into set, each checked with ok(); a last ",..." (or "...")
 * says the list was cut: *cut. */
static int add_list(struct learn_exe *e, struct strset *set, const char *list,
		    bool (*ok)(const char *, size_t), bool *cut)
{
	const char *p = list;

	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == 3 && !memcmp(p, "...", 3) && !end) {
			if (cut)
				*cut = true;
			else
				e->bad_names++;
		} else if (n && ok(p, n)) {
			if (strset_add(set, p, n))
				return -ENOMEM;
		} else if (n) {
			e->bad_names++;
		}
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

/* A program or attach type as libbpf names it, which the policy's parser
 * checks types against: a name it does not know cannot be written. */
static bool libbpf_knows(const char *s, bool attach)
{
	for (int i = attach ? 0 : 1; i < 1024; i++) {
		const char *n = attach ? libbpf_bpf_attach_type_str(i) :
					 libbpf_bpf_prog_type_str(i);

		if (!n)
			return false;
		if (!strcmp(n, s))
			return true;
	}
	return false;
}

/* The load's type or attach type into set; *unknown when there is none,
 * or none the policy can name (the key then cannot be learned). */
static int add_type(struct learn_exe *e, struct strset *set, const char *s, bool attach,
		    bool *unknown)
{
	if (!s) {
		*unknown = true;
		return 0;
	}
	if (!learn_kname_ok(s, strlen(s)) || !libbpf_knows(s, attach)) {
		e->bad_names++;
		*unknown = true;
		return 0;
	}
	return strset_add(set, s, strlen(s));
}

/* libbpf's probes that carry a name: of program names (libbpf_nametest)
 * and of arg:ctx support (det_arg_ctx); bpftool's and bpftrace's have none. */
static const char *const probe_names[] = { "libbpf_nametest", "det_arg_ctx" };

/* A feature probe as the probe door sees one: a few instructions, no
 * kfunc, no name or a probe's. */
static bool probe_shaped(const struct wb_record *r)
{
	bool named = r->name && r->name[0];

	if (r->insn_cnt < 0 || r->insn_cnt > WB_PROBE_MAX_INSNS || (r->kfuncs && r->kfuncs[0]))
		return false;
	for (size_t i = 0; named && i < sizeof(probe_names) / sizeof(probe_names[0]); i++)
		if (!strcmp(r->name, probe_names[i]))
			named = false;
	return !named;
}

static int learn_load(struct learn_exe *e, const struct wb_record *r)
{
	int ret = 0;

	e->loads++;
	ret |= add_type(e, &e->types, r->type, false, &e->types_unknown);
	ret |= add_type(e, &e->attach, r->attach_type, true, &e->attach_unknown);
	/* a name no glob can spell cannot be listed: names stays open */
	if (r->name && r->name[0] && learn_objname_ok(r->name, strlen(r->name)))
		ret |= strset_add(&e->names, r->name, strlen(r->name));
	else
		e->unnamed_prog = true;
	if (r->name && r->name[0] && !learn_objname_ok(r->name, strlen(r->name)))
		e->bad_names++;
	if (r->helpers)
		ret |= add_list(e, &e->helpers, r->helpers, learn_kname_ok, NULL);
	else
		e->helpers_unknown = true;
	if (r->kfuncs)
		ret |= add_list(e, &e->kfuncs, r->kfuncs, learn_kname_ok, &e->kfuncs_cut);
	else
		e->kfuncs_unknown = true;
	if (r->insn_cnt < 0)
		e->insns_unknown = true;
	else if ((uint64_t)r->insn_cnt > e->max_insns)
		e->max_insns = (uint64_t)r->insn_cnt;
	return ret ? -ENOMEM : 0;
}

int learn_add(struct learn *l, const struct wb_record *r)
{
	struct learn_exe *e;
	int exe, ret = 0;

	l->st.records++;
	if (!strcmp(r->op, "-")) {
		l->st.daemon++;
		return 0;
	}
	if (!strcmp(r->op, "exec") || !strcmp(r->op, "adopt")) {
		ret = note_exec(l, r);
		l->oom |= ret != 0;
		return ret;
	}
	if (!bpf_op(r->op)) {
		l->st.not_bpf++;
		return 0;
	}
	/* refused for real: the program never ran so; audit ones did */
	if (record_denied(r) && !r->audit) {
		l->st.denied++;
		return 0;
	}
	exe = identify(l, r);
	if (exe < 0) {
		l->st.no_digest++;
		return 0;
	}
	e = &l->exes[exe];
	/* Feature probes: enforcement lets them through its probe door
	 * (docs/design.md, "Feature probes") whatever the types, names and
	 * sizes, if they call no helper the rules deny: their helpers are
	 * learned, nothing else (a policy listing their types would allow
	 * real programs of those types). */
	if (!strcmp(r->op, "load") && probe_shaped(r)) {
		l->st.probes++;
		if (r->helpers && add_list(e, &e->helpers, r->helpers, learn_kname_ok, NULL)) {
			l->oom = true;
			return -ENOMEM;
		}
		return 0;
	}
	l->st.used++;
	e->records++;
	if (r->loader && !e->loader && !(e->loader = strdup(r->loader)))
		ret = -ENOMEM;
	if (r->comm && r->comm[0] && !e->comm && !(e->comm = strdup(r->comm)))
		ret = -ENOMEM;
	if (!strcmp(r->op, "load")) {
		ret |= learn_load(e, r);
	} else if (!strncmp(r->op, "map_", 4) || !strcmp(r->op, "update") || r->map_id >= 0) {
		size_t n = r->name ? strlen(r->name) : 0;

		if (!n)
			e->unnamed_maps++;
		else if (!learn_objname_ok(r->name, n))
			e->bad_names++;
		else
			ret |= add_map(e, r->name, map_write_op(r->op));
	}
	l->oom |= ret != 0;
	return ret ? -ENOMEM : 0;
}
