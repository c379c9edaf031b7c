// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gatekeeper/config.h"
#include "gatekeeper/tokens.h"

static int fail(char *err, size_t len, const struct wb_policy *pol, unsigned int line,
		unsigned int col, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int fail(char *err, size_t len, const struct wb_policy *pol, unsigned int line,
		unsigned int col, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, len, "%s:%u:%u: ", pol->path, line, col ? col : 1);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < len)
		vsnprintf(err + n, len - n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Pattern and mask words of LEN glob characters ('?' masked out). */
static void glob_words(const char *s, size_t len, __u64 words[2], __u64 mask[2])
{
	unsigned char *w = (unsigned char *)words, *m = (unsigned char *)mask;

	words[0] = words[1] = mask[0] = mask[1] = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '?')
			continue;
		w[i] = s[i];
		m[i] = 0xff;
	}
}

int glob_compile(const char *glob, struct wbpf_glob *out, const char **why)
{
	const char *star = strchr(glob, '*');
	char rsuf[WB_GLOB_LEN];
	size_t pre, suf;

	memset(out, 0, sizeof(*out));
	if (strpbrk(glob, "[]\\")) {
		*why = "character classes and escapes are not supported (use '*' and '?')";
		return -1;
	}
	if (star && strchr(star + 1, '*')) {
		*why = "at most one '*' is supported";
		return -1;
	}
	pre = star ? (size_t)(star - glob) : strlen(glob);
	suf = star ? strlen(star + 1) : 0;
	if (pre + suf > WB_GLOB_LEN - 1) {
		*why = "longer than a BPF object name (15 characters)";
		return -1;
	}
	for (size_t i = 0; i < suf; i++)
		rsuf[i] = star[suf - i];
	glob_words(glob, pre, out->pre, out->pmask);
	glob_words(rsuf, suf, out->suf, out->smask);
	out->min_len = pre + suf;
	out->star = !!star;
	return 0;
}

/* The words and mask of PATH; an exact path's mask covers its NUL too. */
static int path_compile(const char *path, bool exact, struct wbpf_path *out)
{
	size_t n = strlen(path), cover = exact ? n + 1 : n;
	unsigned char *m = (unsigned char *)out->m;

	memset(out, 0, sizeof(*out));
	if (cover > WB_PATH_LEN)
		return -1;
	memcpy(out->w, path, n);
	memset(m, 0xff, cover);
	out->len = n;
	return 0;
}

static int assign_id(struct wb_ids *ids, const char *name)
{
	int free_id = 0;

	for (int id = 1; id < WB_MAX_LOADERS; id++) {
		if (ids->name[id] && !strcmp(ids->name[id], name))
			return id;
		if (!ids->name[id] && !free_id)
			free_id = id;
	}
	if (!free_id)
		return -1;
	ids->name[free_id] = strdup(name);
	return ids->name[free_id] ? free_id : -1;
}

const char *config_loader_name(const struct wb_ids *ids, unsigned int id)
{
	return id && id < WB_MAX_LOADERS ? ids->name[id] : NULL;
}

void config_ids_free(struct wb_ids *ids)
{
	for (int id = 0; id < WB_MAX_LOADERS; id++) {
		free(ids->name[id]);
		ids->name[id] = NULL;
	}
}

/* "ProgApproved,MapsReadOnly": what the exec line says a loader got. */
static void describe_grants(const struct wb_loader *l, char *buf, size_t len)
{
	bool any_rw = false, any_ro = false;
	const char *maps;

	for (size_t i = 0; i < l->nr_maps; i++) {
		any_rw |= l->maps[i].access == WB_ACCESS_RW;
		any_ro |= l->maps[i].access == WB_ACCESS_RO;
	}
	if (!l->has_maps)
		maps = "MapsApproved";
	else if (any_rw)
		maps = "MapsByRule";
	else if (any_ro)
		maps = "MapsReadOnly";
	else
		maps = "MapsDenied";
	snprintf(buf, len, "%s,%s", l->programs.present ? "ProgRestricted" : "ProgApproved", maps);
}

/* id -1: a name policy_resolve() had no BTF for (`check` without a kernel):
 * nothing to set, the daemon always resolves. */
static int set_bit(__u64 *words, size_t nwords, int id)
{
	if (id == -1)
		return 0;
	if (id < 0 || (size_t)id >= nwords * 64)
		return -1;
	words[id / 64] |= 1ULL << (id % 64);
	return 0;
}

static int build_loader(const struct wb_policy *pol, const struct wb_loader *l,
			struct wbpf_loader_cfg *c, char *err, size_t len)
{
	const struct wb_programs *p = &l->programs;
	const char *why;

	memset(c, 0, sizeof(*c));
	c->flags = WB_LC_VALID;
	if (wb_loader_mode(pol, l) == WB_MODE_AUDIT)
		c->flags |= WB_LC_AUDIT;
	if (wb_loader_on_deny(pol, l) == WB_ON_DENY_KILL)
		c->flags |= WB_LC_KILL;
	if (l->has_digest)
		c->flags |= WB_LC_NEED_DIGEST;
	if (l->exec_signed)
		c->flags |= WB_LC_NEED_SIG;
	if (l->exec_path) {
		if (path_compile(l->exec_path, true, &c->exec_path))
			return fail(err, len, pol, l->line, 0,
				    "loader %s: exec.path is longer than %d bytes", l->name,
				    WB_PATH_LEN - 1);
		c->flags |= WB_LC_NEED_PATH;
	}
	if (p->present)
		c->flags |= WB_LC_PROG_RULES;
	if (l->jit)
		c->flags |= WB_LC_JIT;
	if (l->on_untrusted == WB_ON_UNTRUSTED_KILL)
		c->flags |= WB_LC_CODE_KILL;
	else if (l->on_untrusted == WB_ON_UNTRUSTED_DENY)
		c->flags |= WB_LC_CODE_DENY;
	if (l->on_takeover == WB_ON_TAKEOVER_TAINT)
		c->flags |= WB_LC_TAKEOVER_TAINT;
	for (size_t i = 0; i < p->nr_types; i++)
		if (set_bit(&c->prog_types, 1, p->types[i].id))
			return fail(err, len, pol, p->types[i].pos.line, p->types[i].pos.col,
				    "program type '%s' is not supported by this version",
				    p->types[i].name);
	for (size_t i = 0; i < p->nr_attach; i++)
		if (set_bit(c->attach_types, 2, p->attach[i].id))
			return fail(err, len, pol, p->attach[i].pos.line, p->attach[i].pos.col,
				    "attach type '%s' is not supported by this version",
				    p->attach[i].name);
	for (size_t i = 0; i < p->nr_deny_helpers; i++)
		if (set_bit(c->deny_helpers, WB_HELPER_WORDS, p->deny_helpers[i].id))
			return fail(err, len, pol, p->deny_helpers[i].pos.line,
				    p->deny_helpers[i].pos.col,
				    "helper '%s' is not supported by this version (id %d)",
				    p->deny_helpers[i].name, p->deny_helpers[i].id);
	if (p->has_allow_helpers) {
		/* every helper id, known or not, that it does not name */
		memset(c->deny_helpers, 0xff, sizeof(c->deny_helpers));
		for (size_t i = 0; i < p->nr_allow_helpers; i++) {
			int id = p->allow_helpers[i].id;

			if (id < 0 || id >= 64 * WB_HELPER_WORDS)
				return fail(err, len, pol, p->allow_helpers[i].pos.line,
					    p->allow_helpers[i].pos.col,
					    "helper '%s' is not supported by this version (id %d)",
					    p->allow_helpers[i].name, id);
			c->deny_helpers[id / 64] &= ~(1ULL << (id % 64));
		}
	}
	if (!p->kernel_reads && p->present)
		c->flags |= WB_LC_NO_KERNEL_READS;
	for (size_t i = 0; i < p->nr_deny_kfuncs + p->nr_allow_kfuncs; i++) {
		const struct wb_name_ref *k = i < p->nr_deny_kfuncs ?
						      &p->deny_kfuncs[i] :
						      &p->allow_kfuncs[i - p->nr_deny_kfuncs];

		if (strlen(k->name) >= WB_KFUNC_NAME_LEN)
			return fail(err, len, pol, k->pos.line, k->pos.col,
				    "kfunc name '%s' is longer than %d bytes", k->name,
				    WB_KFUNC_NAME_LEN - 1);
	}
	if (p->nr_deny_kfuncs || p->has_allow_kfuncs || (c->flags & WB_LC_NO_KERNEL_READS))
		c->flags |= WB_LC_KFUNC_RULES;
	if (p->has_allow_kfuncs)
		c->flags |= WB_LC_ALLOW_KFUNCS;
	c->max_insns = p->max_insns;
	if (p->signed_mode == WB_PROG_SIGNED_REQUIRED)
		c->flags |= WB_LC_PROG_SIGNED;
	if (p->nr_names > WB_MAX_GLOBS)
		return fail(err, len, pol, l->line, 0, "loader %s: more than %d program names",
			    l->name, WB_MAX_GLOBS);
	for (size_t i = 0; i < p->nr_names; i++)
		if (glob_compile(p->names[i], &c->names[i], &why))
			return fail(err, len, pol, l->line, 0, "loader %s: program name '%s': %s",
				    l->name, p->names[i], why);
	c->nr_names = p->nr_names;

	if (l->has_maps) {
		c->flags |= WB_LC_HAS_MAPS;
		if (l->nr_maps > WB_MAX_MAP_RULES)
			return fail(err, len, pol, l->line, 0, "loader %s: more than %d map rules",
				    l->name, WB_MAX_MAP_RULES);
		for (size_t i = 0; i < l->nr_maps; i++) {
			if (glob_compile(l->maps[i].glob, &c->maps[i], &why))
				return fail(err, len, pol, l->maps[i].pos.line, l->maps[i].pos.col,
					    "map '%s': %s", l->maps[i].glob, why);
			c->maps[i].access = l->maps[i].access == WB_ACCESS_RW ? WBPF_ACCESS_RW :
					    l->maps[i].access == WB_ACCESS_RO ? WBPF_ACCESS_RO :
										WBPF_ACCESS_NONE;
		}
		c->nr_maps = l->nr_maps;
	}
	if (l->nr_collateral > WB_MAX_COLLATERAL)
		return fail(err, len, pol, l->line, 0, "loader %s: more than %d collateral paths",
			    l->name, WB_MAX_COLLATERAL);
	for (size_t i = 0; i < l->nr_collateral; i++) {
		const struct wb_collateral *col = &l->collateral[i];

		if (path_compile(col->path, false, &c->collateral[i]))
			return fail(err, len, pol, col->pos.line, col->pos.col,
				    "collateral path is longer than %d bytes", WB_PATH_LEN);
		c->collateral[i].signed_req = col->signed_required;
	}
	c->nr_collateral = l->nr_collateral;
	config_tokens(l, c);
	return 0;
}

static __u8 kernel_setting(enum wb_kernel_setting k)
{
	return k == WB_KERNEL_DENY ? WBPF_K_DENY : k == WB_KERNEL_RESTRICT ? WBPF_K_RESTRICT : WBPF_K_ALLOW;
}

int config_build(const struct wb_policy *pol, struct wb_ids *ids, int keyring,
		 unsigned long long mnt_ns_inum, struct wb_config *out, char *err, size_t len)
{
	struct wbpf_defaults *d = &out->defaults;
	int nsigned = 0;

	memset(out, 0, sizeof(*out));
	d->bpf = pol->default_bpf == WB_BPF_ALLOW    ? WBPF_BPF_ALLOW :
		 pol->default_bpf == WB_BPF_RESTRICT ? WBPF_BPF_RESTRICT :
						       WBPF_BPF_DENY;
	d->audit = pol->mode == WB_MODE_AUDIT;
	d->kill = pol->default_on_deny == WB_ON_DENY_KILL;
	d->keyring = keyring;
	d->mnt_ns_inum = mnt_ns_inum;
	d->modules = kernel_setting(pol->kernel_modules);
	d->kexec = kernel_setting(pol->kernel_kexec);
	d->kernel_mem = kernel_setting(pol->kernel_memory);
	d->tokens = pol->default_tokens == WB_TOKEN_ALLOW;
	for (size_t i = 0; i < pol->nr_block; i++)
		if (set_bit(&d->block, 1, pol->block[i].id))
			return fail(err, len, pol, pol->block[i].pos.line, pol->block[i].pos.col,
				    "command '%s' cannot be blocked by this version",
				    pol->block[i].name);

	for (size_t i = 0; i < pol->nr_loaders; i++) {
		const struct wb_loader *l = &pol->loaders[i];
		int id = assign_id(ids, l->name);

		if (id < 0)
			return fail(err, len, pol, l->line, 0, "more than %d loaders",
				    WB_MAX_LOADERS - 1);
		if (build_loader(pol, l, &out->cfg[id], err, len))
			return -1;
		out->id_of[i] = id;
		describe_grants(l, out->grants[id], sizeof(out->grants[id]));
		if (l->exec_signed && !l->has_digest) {
			if (nsigned == WB_MAX_SIGNED_LOADERS)
				return fail(err, len, pol, l->line, 0,
					    "more than %d loaders identified by signature alone",
					    WB_MAX_SIGNED_LOADERS);
			d->signed_loaders[nsigned++] = id;
		}
	}
	return 0;
}

bool config_has_collateral(const struct wb_config *cfg)
{
	for (unsigned int id = 1; id < WB_MAX_LOADERS; id++)
		if ((cfg->cfg[id].flags & WB_LC_VALID) && cfg->cfg[id].nr_collateral)
			return true;
	return false;
}
