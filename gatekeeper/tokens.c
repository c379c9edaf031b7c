// SPDX-License-Identifier: GPL-2.0
/*
 * A loader's 'tokens' (policy/tokens.c) as the BPF side reads it
 * (bpf/token.bpf.c): two flags, and per part of a token's delegation the
 * bits it may hold. The kernel keeps a delegation in four 64-bit masks
 * (struct bpf_token's allowed_*, one bit per command, map, program and
 * attach type), so the limits are masks of the same kind.
 */
#include <stdio.h>
#include <string.h>

#include "gatekeeper/tokens.h"

static const char *const parts[WB_TOK_PARTS] = {
	[WB_TOK_CMDS] = "cmds",
	[WB_TOK_MAPS] = "maps",
	[WB_TOK_PROGS] = "progs",
	[WB_TOK_ATTACHS] = "attachs",
};

const char *token_part_name(unsigned int part)
{
	return part < WB_TOK_PARTS ? parts[part] : "?";
}

/* The bits of a resolved list; ~0 when the policy leaves it out. An id
 * of -1 (`check` with no kernel's BTF) sets none: the daemon always
 * resolves, and policy_resolve() refused ids past 63. */
static __u64 limit_of(const struct wb_name_ref *refs, size_t n)
{
	__u64 mask = 0;

	if (!n)
		return ~0ULL;
	for (size_t i = 0; i < n; i++)
		if (refs[i].id >= 0 && refs[i].id < 64)
			mask |= 1ULL << refs[i].id;
	return mask;
}

void config_tokens(const struct wb_loader *l, struct wbpf_loader_cfg *c)
{
	const struct wb_tokens *t = &l->tokens;

	if (t->create == WB_TOKEN_ALLOW)
		c->flags |= WB_LC_TOKEN_CREATE;
	if (t->use == WB_TOKEN_ALLOW)
		c->flags |= WB_LC_TOKEN_USE;
	c->token_limit[WB_TOK_CMDS] = limit_of(t->cmds, t->nr_cmds);
	c->token_limit[WB_TOK_MAPS] = limit_of(t->maps, t->nr_maps);
	c->token_limit[WB_TOK_PROGS] = limit_of(t->progs, t->nr_progs);
	c->token_limit[WB_TOK_ATTACHS] = limit_of(t->attachs, t->nr_attachs);
}

/* linux/capability.h, which only the kernel's headers name in full */
static const char *const caps[] = {
	"cap_chown",	      "cap_dac_override",   "cap_dac_read_search", "cap_fowner",
	"cap_fsetid",	      "cap_kill",	    "cap_setgid",	   "cap_setuid",
	"cap_setpcap",	      "cap_linux_immutable", "cap_net_bind_service", "cap_net_broadcast",
	"cap_net_admin",      "cap_net_raw",	    "cap_ipc_lock",	   "cap_ipc_owner",
	"cap_sys_module",     "cap_sys_rawio",	    "cap_sys_chroot",	   "cap_sys_ptrace",
	"cap_sys_pacct",      "cap_sys_admin",	    "cap_sys_boot",	   "cap_sys_nice",
	"cap_sys_resource",   "cap_sys_time",	    "cap_sys_tty_config",  "cap_mknod",
	"cap_lease",	      "cap_audit_write",    "cap_audit_control",   "cap_setfcap",
	"cap_mac_override",   "cap_mac_admin",	    "cap_syslog",	   "cap_wake_alarm",
	"cap_block_suspend",  "cap_audit_read",	    "cap_perfmon",	   "cap_bpf",
	"cap_checkpoint_restore",
};

const char *token_cap_name(unsigned int cap, char *buf, size_t len)
{
	if (cap < sizeof(caps) / sizeof(caps[0]))
		return caps[cap];
	snprintf(buf, len, "cap_%u", cap);
	return buf;
}
