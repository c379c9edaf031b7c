/* SPDX-License-Identifier: GPL-2.0 */
/* BPF tokens: a loader's 'tokens' as bpf/token.bpf.c reads it, and the
 * names the log gives what a token was asked for. */
#ifndef WATCHBPF_GATEKEEPER_TOKENS_H
#define WATCHBPF_GATEKEEPER_TOKENS_H

#include <stddef.h>
#include <linux/types.h>

#include "bpf/watchbpf.h"
#include "policy/policy.h"

/* Sets C's token flags and limits from L's resolved 'tokens'. */
void config_tokens(const struct wb_loader *l, struct wbpf_loader_cfg *c);

/* "cap_bpf", or "cap_N" for a capability this version does not know. */
const char *token_cap_name(unsigned int cap, char *buf, size_t len);

/* "cmds", "maps", "progs", "attachs" (WB_TOK_*), or "?" */
const char *token_part_name(unsigned int part);

#endif
