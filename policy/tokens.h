/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A loader's 'tokens' and 'default.tokens' (docs/policy.md, BPF tokens):
 * what the parser's tables cannot say alone. Internal to policy/.
 */
#ifndef WATCHBPF_POLICY_TOKENS_H
#define WATCHBPF_POLICY_TOKENS_H

#include "policy/policy.h"
#include "policy/ytree.h"

/* The schema check of a loader's 'tokens' mapping (BASE: its struct
 * wb_tokens): 'use' defaults to 'create', and delegate_* limit nothing
 * unless the loader may hold a token. 0, or -1 with the error in e. */
int tokens_check(struct yerr *e, const struct ynode *map, void *base);

/* default.tokens against default.bpf (MAP: the 'default' mapping). */
int tokens_check_default(struct yerr *e, const struct ynode *map, const struct wb_policy *pol);

void tokens_free(struct wb_tokens *t);

#endif
