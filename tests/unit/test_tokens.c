// SPDX-License-Identifier: GPL-2.0
/*
 * BPF tokens in the policy: a loader's 'tokens' and 'default.tokens' parsed,
 * resolved and built into what bpf/token.bpf.c reads, their errors, and the
 * log lines token decisions make.
 */
#include <bpf/btf.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "gatekeeper/config.h"
#include "gatekeeper/event_fmt.h"
#include "gatekeeper/event_record.h"
#include "gatekeeper/names.h"
#include "policy/policy.h"

#define D256 "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define LOADER "name: p\nloaders:\n  - name: c\n    exec: { digest: " D256 " }\n"

/* enum bpf_cmd as far as the tests need it */
static struct btf *fake_vmlinux(void)
{
	struct btf *btf = btf__new_empty();

	btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	btf__add_enum(btf, "bpf_cmd", 4);
	btf__add_enum_value(btf, "BPF_MAP_CREATE", BPF_MAP_CREATE);
	btf__add_enum_value(btf, "BPF_PROG_LOAD", BPF_PROG_LOAD);
	btf__add_enum_value(btf, "BPF_BTF_LOAD", BPF_BTF_LOAD);
	btf__add_enum_value(btf, "BPF_TOKEN_CREATE", 36);
	btf__add_enum_value(btf, "__MAX_BPF_CMD", 37);
	return btf;
}

/* Loads, resolves and builds TEXT; 0, or -1 with the error in err. */
static int build(const char *text, struct wb_config *cfg, char *err, size_t len)
{
	struct btf *btf = fake_vmlinux();
	struct wb_ids ids = {};
	struct wb_policy pol;
	int ret = -1;

	memset(cfg, 0, sizeof(*cfg));
	err[0] = '\0';
	if (!policy_load_string("t.yaml", text, strlen(text), &pol, err, len)) {
		if (!policy_resolve(&pol, btf, err, len) &&
		    !config_build(&pol, &ids, 0, 0, cfg, err, len))
			ret = 0;
		policy_free(&pol);
	}
	config_ids_free(&ids);
	btf__free(btf);
	return ret;
}

static struct wbpf_loader_cfg *loader_c(struct wb_config *cfg)
{
	return &cfg->cfg[cfg->id_of[0]];
}

TEST(tokens_default_nothing)
{
	static struct wb_config cfg;
	char err[512];

	CHECK_INT(build(LOADER, &cfg, err, sizeof(err)), ==, 0);
	CHECK_INT(loader_c(&cfg)->flags & (WB_LC_TOKEN_CREATE | WB_LC_TOKEN_USE), ==, 0);
	CHECK_INT(cfg.defaults.tokens, ==, 0);
	/* no limit written: the flags alone decide */
	for (int i = 0; i < WB_TOK_PARTS; i++)
		CHECK(loader_c(&cfg)->token_limit[i] == ~0ULL, "part %d limited", i);
}

TEST(tokens_create_allows_use_unless_said)
{
	static struct wb_config cfg;
	char err[512];

	CHECK_INT(build(LOADER "    tokens: { create: allow }\n", &cfg, err, sizeof(err)), ==, 0);
	CHECK_INT(loader_c(&cfg)->flags & (WB_LC_TOKEN_CREATE | WB_LC_TOKEN_USE), ==,
		  WB_LC_TOKEN_CREATE | WB_LC_TOKEN_USE);
	CHECK_INT(build(LOADER "    tokens: { create: allow, use: deny }\n", &cfg, err, sizeof(err)),
		  ==, 0);
	CHECK_INT(loader_c(&cfg)->flags & (WB_LC_TOKEN_CREATE | WB_LC_TOKEN_USE), ==,
		  WB_LC_TOKEN_CREATE);
	CHECK_INT(build(LOADER "    tokens: { use: allow }\n", &cfg, err, sizeof(err)), ==, 0);
	CHECK_INT(loader_c(&cfg)->flags & (WB_LC_TOKEN_CREATE | WB_LC_TOKEN_USE), ==,
		  WB_LC_TOKEN_USE);
	CHECK_INT(build("name: p\ndefault: { bpf: allow, tokens: allow }\nloaders: []\n", &cfg, err,
			sizeof(err)),
		  ==, 0);
	CHECK_INT(cfg.defaults.tokens, ==, 1);
}

TEST(tokens_limits_are_masks)
{
	static struct wb_config cfg;
	struct wbpf_loader_cfg *c;
	char err[512];

	CHECK_INT(build(LOADER "    tokens:\n      create: allow\n"
			       "      delegate_cmds: [prog_load, map_create, btf_load]\n"
			       "      delegate_maps: [array, hash]\n"
			       "      delegate_progs: [xdp, socket_filter]\n"
			       "      delegate_attachs: [xdp]\n",
			&cfg, err, sizeof(err)),
		  ==, 0);
	CHECK_STR(err, "");
	c = loader_c(&cfg);
	CHECK(c->token_limit[WB_TOK_CMDS] ==
		      (1ULL << BPF_PROG_LOAD | 1ULL << BPF_MAP_CREATE | 1ULL << BPF_BTF_LOAD),
	      "cmds 0x%llx", (unsigned long long)c->token_limit[WB_TOK_CMDS]);
	CHECK(c->token_limit[WB_TOK_MAPS] ==
		      (1ULL << BPF_MAP_TYPE_ARRAY | 1ULL << BPF_MAP_TYPE_HASH),
	      "maps 0x%llx", (unsigned long long)c->token_limit[WB_TOK_MAPS]);
	CHECK(c->token_limit[WB_TOK_PROGS] ==
		      (1ULL << BPF_PROG_TYPE_XDP | 1ULL << BPF_PROG_TYPE_SOCKET_FILTER),
	      "progs 0x%llx", (unsigned long long)c->token_limit[WB_TOK_PROGS]);
	CHECK(c->token_limit[WB_TOK_ATTACHS] == 1ULL << BPF_XDP, "attachs 0x%llx",
	      (unsigned long long)c->token_limit[WB_TOK_ATTACHS]);
}

#define EXPECT_BUILD_ERR(text, want)                                          \
	do {                                                                  \
		static struct wb_config cfg_;                                 \
		char err_[512];                                               \
		CHECK_INT(build(text, &cfg_, err_, sizeof(err_)), ==, -1);    \
		CHECK_STR(err_, want);                                        \
	} while (0)

TEST(tokens_errors)
{
	EXPECT_BUILD_ERR(LOADER "    tokens: { craete: allow }\n",
			 "t.yaml:5:15: unknown key 'craete' in tokens (expected: create, use, "
			 "delegate_cmds, delegate_maps, delegate_progs, delegate_attachs)");
	EXPECT_BUILD_ERR(LOADER "    tokens: { create: yes }\n",
			 "t.yaml:5:23: 'create' must be one of: deny, allow (got 'yes')");
	EXPECT_BUILD_ERR(LOADER "    tokens: { create: allow, delegate_progs: [] }\n",
			 "t.yaml:5:46: 'delegate_progs' must not be empty (leave it out to allow "
			 "any delegation of this kind)");
	EXPECT_BUILD_ERR(LOADER "    tokens: { delegate_progs: [xdp] }\n",
			 "t.yaml:5:31: 'delegate_progs' needs 'create: allow' or 'use: allow' (a "
			 "loader that may hold no token has no delegation to limit)");
	EXPECT_BUILD_ERR(LOADER "    tokens: { create: allow, delegate_maps: [hahs] }\n",
			 "t.yaml:5:46: unknown map type 'hahs' (did you mean 'hash'?)");
	EXPECT_BUILD_ERR(LOADER "    tokens: { create: allow, delegate_cmds: [prog_lod] }\n",
			 "t.yaml:5:46: unknown bpf command 'prog_lod' (did you mean 'prog_load'?)");
	EXPECT_BUILD_ERR(LOADER "    tokens: { create: allow, delegate_progs: [XDP] }\n",
			 "t.yaml:5:47: entries of 'delegate_progs' must be 1..63 characters of "
			 "[a-z0-9_], starting with a letter (got 'XDP'; write 'xdp')");
	EXPECT_BUILD_ERR(LOADER "    tokens: { create: allow, delegate_attachs: [xdp, xdp] }\n",
			 "t.yaml:5:54: duplicate entry 'xdp' in 'delegate_attachs' (first at line 5)");
	EXPECT_BUILD_ERR("name: p\ndefault: { tokens: allow }\nloaders: []\n",
			 "t.yaml:2:20: 'tokens: allow' needs 'bpf: allow' or 'bpf: restrict' (with "
			 "'bpf: deny' a task that is no loader has no bpf() to use a token with)");
	EXPECT_BUILD_ERR(LOADER "    tokens: [create]\n",
			 "t.yaml:5:13: 'tokens' must be a mapping, got a sequence");
}

/* The text line of a token decision. */
static const char *line_of(const struct wbpf_event *e)
{
	static struct wb_ids ids = { .name = { NULL, "ctr" } };
	static char line[1024];
	struct btf *btf = fake_vmlinux();
	struct wb_fmt_ctx ctx = { 0 };
	struct wb_names n;

	if (names_init(&n, btf)) {
		btf__free(btf);
		return "names_init failed";
	}
	ctx.names = &n;
	ctx.ids = &ids;
	event_format_text(e, &ctx, line, sizeof(line));
	names_free(&n);
	btf__free(btf);
	return line;
}

static void fill(struct wbpf_event *e, unsigned int op, unsigned int action, unsigned int reason,
		 unsigned int loader, unsigned int detail, unsigned int what)
{
	memset(e, 0, sizeof(*e));
	strcpy(e->comm, "tok");
	e->pid = 7;
	e->op = op;
	e->action = action;
	e->reason = reason;
	e->loader_id = loader;
	e->detail = detail;
	e->obj_id = what;
}

TEST(tokens_log_lines)
{
	struct wbpf_event e;

	fill(&e, 36, WB_ACT_APPROVED, WB_R_NONE, 1, 0, 0);
	CHECK_STR(line_of(&e), "process: tok pid: 7 pod: host op: token_create action: Approved "
			       "loader: ctr");
	fill(&e, 36, WB_ACT_DENIED, WB_R_TOKEN_CREATE, 1, 0, 0);
	CHECK_STR(line_of(&e), "process: tok pid: 7 pod: host op: token_create action: Denied "
			       "reason: token-create loader: ctr");
	fill(&e, WB_OP_TOKEN_CMD, WB_ACT_DENIED_TASK, WB_R_NOT_LOADER, 0, WB_TOK_BY_DEFAULT,
	     BPF_PROG_LOAD);
	CHECK_STR(line_of(&e), "process: tok pid: 7 pod: host op: token_cmd name: load action: "
			       "BPFDenied reason: not-loader");
	fill(&e, WB_OP_TOKEN_CAPABLE, WB_ACT_DENIED, WB_R_TOKEN_USE, 1, 0, 39);
	CHECK_STR(line_of(&e), "process: tok pid: 7 pod: host op: token_capable name: cap_bpf "
			       "action: Denied reason: token-use loader: ctr");
	fill(&e, WB_OP_TOKEN_CAPABLE, WB_ACT_APPROVED, WB_R_NONE, 1, 0, 99);
	CHECK_STR(line_of(&e), "process: tok pid: 7 pod: host op: token_capable name: cap_99 "
			       "action: Approved loader: ctr");
	fill(&e, 36, WB_ACT_DENIED, WB_R_TOKEN_DELEGATION, 1,
	     WB_TOK_PROGS << 16 | BPF_PROG_TYPE_KPROBE, 0);
	CHECK_STR(line_of(&e), "process: tok pid: 7 pod: host op: token_create action: Denied "
			       "reason: token-delegation:progs:kprobe loader: ctr");
	fill(&e, WB_OP_TOKEN_CMD, WB_ACT_DENIED, WB_R_TOKEN_DELEGATION, 1,
	     WB_TOK_CMDS << 16 | BPF_BTF_LOAD, BPF_MAP_CREATE);
	CHECK_STR(line_of(&e), "process: tok pid: 7 pod: host op: token_cmd name: map_create "
			       "action: Denied reason: token-delegation:cmds:btf_load loader: ctr");
}

/* The rule a token decision names: default.tokens for what a token gave a
 * task that is no loader, default.bpf for its bpf() itself. */
TEST(tokens_rules)
{
	static struct wb_ids ids = { .name = { NULL, "ctr" } };
	struct btf *btf = fake_vmlinux();
	struct wb_event_record er;
	struct wb_fmt_ctx ctx = { 0 };
	struct wbpf_event e;
	struct wb_names n;

	CHECK_INT(names_init(&n, btf), ==, 0);
	ctx.names = &n;
	ctx.ids = &ids;
	fill(&e, WB_OP_TOKEN_CMD, WB_ACT_DENIED_TASK, WB_R_NOT_LOADER, 0, WB_TOK_BY_DEFAULT, 5);
	event_record(&e, &ctx, NULL, NULL, 1, &er);
	CHECK_STR(er.rec.rule, "default.tokens");
	fill(&e, 36, WB_ACT_DENIED_TASK, WB_R_NOT_LOADER, 0, 0, 0);
	event_record(&e, &ctx, NULL, NULL, 1, &er);
	CHECK_STR(er.rec.rule, "default.bpf");
	fill(&e, 36, WB_ACT_DENIED, WB_R_TOKEN_CREATE, 1, 0, 0);
	event_record(&e, &ctx, NULL, NULL, 1, &er);
	CHECK_STR(er.rec.rule, "ctr.tokens.create");
	fill(&e, WB_OP_TOKEN_CMD, WB_ACT_DENIED, WB_R_TOKEN_DELEGATION, 1, WB_TOK_MAPS << 16 | 1, 5);
	event_record(&e, &ctx, NULL, NULL, 1, &er);
	CHECK_STR(er.rec.rule, "ctr.tokens.delegate");
	names_free(&n);
	btf__free(btf);
}
