// SPDX-License-Identifier: GPL-2.0
/*
 * BPF tokens in the policy. A token (Linux 6.9+) is made from a bpffs
 * mounted with delegate_cmds/maps/progs/attachs in a user namespace; with
 * it a process of that namespace uses bpf() as if it had CAP_BPF & co.
 * A loader's 'tokens' says whether it may create tokens and use them, and
 * the most a token's delegation may hold (bpf/token.bpf.c judges); what it
 * loads through a token is judged by its other rules as ever.
 */
#include <stdlib.h>
#include <string.h>

#include "policy/tokens.h"

static const char *const limit_keys[] = {
	"delegate_cmds",
	"delegate_maps",
	"delegate_progs",
	"delegate_attachs",
};

int tokens_check(struct yerr *e, const struct ynode *map, void *base)
{
	struct wb_tokens *t = base;
	const struct ynode *v;

	if (!t->has_use)
		t->use = t->create;
	if (t->create == WB_TOKEN_ALLOW || t->use == WB_TOKEN_ALLOW)
		return 0;
	/* a limit on what the loader may never hold reads as a grant */
	for (size_t i = 0; i < sizeof(limit_keys) / sizeof(limit_keys[0]); i++) {
		v = ynode_map_get(map, limit_keys[i]);
		if (v)
			return yerr_at(e, v->line, v->col,
				       "'%s' needs 'create: allow' or 'use: allow' (a loader that "
				       "may hold no token has no delegation to limit)",
				       limit_keys[i]);
	}
	return 0;
}

int tokens_check_default(struct yerr *e, const struct ynode *map, const struct wb_policy *pol)
{
	const struct ynode *v = ynode_map_get(map, "tokens");

	if (v && pol->default_tokens == WB_TOKEN_ALLOW && pol->default_bpf == WB_BPF_DENY)
		return yerr_at(e, v->line, v->col,
			       "'tokens: allow' needs 'bpf: allow' or 'bpf: restrict' (with "
			       "'bpf: deny' a task that is no loader has no bpf() to use a token "
			       "with)");
	return 0;
}

static void free_refs(struct wb_name_ref *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(r[i].name);
	free(r);
}

void tokens_free(struct wb_tokens *t)
{
	free_refs(t->cmds, t->nr_cmds);
	free_refs(t->maps, t->nr_maps);
	free_refs(t->progs, t->nr_progs);
	free_refs(t->attachs, t->nr_attachs);
	memset(t, 0, sizeof(*t));
}
