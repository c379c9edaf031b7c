// SPDX-License-Identifier: GPL-2.0
/*
 * BPF tokens (Linux 6.9+). A bpffs mounted with delegate_* options lets a
 * process of the user namespace that owns it create a token; the token's
 * fd, passed to bpf() with BPF_F_TOKEN_FD, stands in for CAP_BPF & co.
 * within that namespace. What a loader loads or creates through a token is
 * judged by its rules as ever (the bpf, bpf_prog_load and bpf_map hooks run
 * whether a token is used or not); here is who may hold a delegation:
 *
 * - a loader whose tokens.create allows creates tokens, one whose
 *   tokens.use allows uses them, if the token delegates no more than its
 *   tokens.delegate_* (the bpffs's options, copied into the token);
 * - a task that is no loader gets nothing from a token (default.tokens:
 *   deny): its token_cmd is refused, so the kernel drops the token and
 *   judges the task by its own capabilities, as if it had passed none.
 *
 * Each decision is logged; audit mode logs and lets through. The kernel
 * asks token_cmd once per command used with a token, then token_capable
 * for each capability the command needs (several per program load).
 */
#include "bpf/self.bpf.h"

/* The index of the lowest bit set in X (not 0), without a loop. */
static __always_inline __u32 lowest_bit(__u64 x)
{
	__u32 n = 0;

	x &= -x;
	if (x >> 32) {
		n += 32;
		x >>= 32;
	}
	if (x >> 16) {
		n += 16;
		x >>= 16;
	}
	if (x >> 8) {
		n += 8;
		x >>= 8;
	}
	if (x >> 4) {
		n += 4;
		x >>= 4;
	}
	if (x >> 2) {
		n += 2;
		x >>= 2;
	}
	return n + (__u32)(x >> 1);
}

/* Whether TOKEN delegates something C's limits do not allow; *detail says
 * the first such thing: WB_TOK_* << 16 | its bit. */
static __always_inline bool beyond_limits(const struct bpf_token *token,
					  const struct wbpf_loader_cfg *c, __u32 *detail)
{
	__u64 extra;
	__u32 part;

	if ((extra = token->allowed_cmds & ~c->token_limit[WB_TOK_CMDS]))
		part = WB_TOK_CMDS;
	else if ((extra = token->allowed_maps & ~c->token_limit[WB_TOK_MAPS]))
		part = WB_TOK_MAPS;
	else if ((extra = token->allowed_progs & ~c->token_limit[WB_TOK_PROGS]))
		part = WB_TOK_PROGS;
	else if ((extra = token->allowed_attachs & ~c->token_limit[WB_TOK_ATTACHS]))
		part = WB_TOK_ATTACHS;
	else
		return false;
	*detail = part << 16 | lowest_bit(extra);
	return true;
}

/* OP (BPF_TOKEN_CREATE, WB_OP_TOKEN_CMD or WB_OP_TOKEN_CAPABLE) with TOKEN;
 * WHAT (the command or capability) goes into the event's obj_id, for the
 * log's name. */
static __always_inline int token_judge(const struct bpf_token *token, __u16 op, __u32 what)
{
	struct wbpf_task *t = current_mark();
	__u8 action = WB_ACT_APPROVED, reason = WB_R_NONE, flags = 0;
	__u32 gen, detail = 0, loader_id = 0, need;
	struct wbpf_loader_cfg *c;
	struct wbpf_defaults *d;
	struct wbpf_event *e;
	bool audit, kill;
	int ret = 0;

	if (t && t->daemon)
		return 0;
	gen = current_gen();
	d = defaults_of(gen);
	if (!d)
		return 0;
	c = cfg_of(t, gen);
	if (c) {
		loader_id = t->loader_id;
		audit = d->audit || (c->flags & WB_LC_AUDIT);
		kill = c->flags & WB_LC_KILL;
		need = op == BPF_TOKEN_CREATE ? WB_LC_TOKEN_CREATE : WB_LC_TOKEN_USE;
		if (tainted(t))
			reason = WB_R_TAINTED;
		else if (!(c->flags & need))
			reason = op == BPF_TOKEN_CREATE ? WB_R_TOKEN_CREATE : WB_R_TOKEN_USE;
		else if (beyond_limits(token, c, &detail))
			reason = WB_R_TOKEN_DELEGATION;
		if (reason)
			action = WB_ACT_DENIED;
	} else {
		audit = d->audit;
		kill = d->kill;
		detail = WB_TOK_BY_DEFAULT;
		if (!d->tokens) {
			reason = WB_R_NOT_LOADER;
			action = WB_ACT_DENIED_TASK;
		}
	}
	if (reason)
		flags = enforce(audit, kill, &ret);
	e = event_start(op, action, reason, loader_id, flags);
	if (e) {
		e->detail = detail;
		e->obj_id = what;
		bpf_ringbuf_submit(e, 0);
	}
	return ret;
}

SEC("lsm/bpf_token_create")
int BPF_PROG(wb_token_create, struct bpf_token *token, union bpf_attr *attr, const struct path *path)
{
	return token_judge(token, BPF_TOKEN_CREATE, 0);
}

SEC("lsm/bpf_token_cmd")
int BPF_PROG(wb_token_cmd, const struct bpf_token *token, enum bpf_cmd cmd)
{
	return token_judge(token, WB_OP_TOKEN_CMD, cmd);
}

SEC("lsm/bpf_token_capable")
int BPF_PROG(wb_token_capable, const struct bpf_token *token, int cap)
{
	return token_judge(token, WB_OP_TOKEN_CAPABLE, cap);
}
