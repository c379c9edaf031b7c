// SPDX-License-Identifier: GPL-2.0
/*
 * Policy files: YAML text -> ynode tree (ytree.c) -> struct wb_policy, by
 * walking the tree with the schema tables below. A new key is one more
 * struct field entry and one more member in policy.h; the walk, the error
 * messages and the "expected:" key lists all come from the tables. What one
 * key cannot say alone (a loader needs a digest or a signature, 'block'
 * needs 'bpf' other than deny) is a schema's check, run once its mapping has
 * been read, or the policy's, run last.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "fsverity/digest.h"
#include "lib/util.h"
#include "policy/policy.h"
#include "policy/tokens.h"
#include "policy/ytree.h"

/* More than any mapping of the schema has keys; sizes the "seen" arrays. */
#define SCHEMA_MAX_FIELDS 16

enum field_type {
	FT_STRING, /* char *; with .punct: 1..max_len of [A-Za-z0-9] and .punct */
	FT_ENUM, /* int (an enum), one of .names */
	FT_DIGEST, /* struct fsv_digest */
	FT_BOOL, /* bool: true or false, .def_bool when absent */
	FT_UINT, /* uint32_t in decimal, .min.. .max */
	FT_PATH, /* char *: absolute, normalized, see .path_kind */
	FT_MAP, /* .schema filled into the struct at .off (0: this one) */
	FT_SEQ, /* array of .schema structs at .off, count at .count_off */
	FT_LIST, /* sequence of strings, stored as .item says */
	FT_RULES, /* mapping glob -> one of .names, as struct wb_map_rule[] */
};

enum field_flags {
	FF_REQUIRED = 1 << 0,
	FF_HAS = 1 << 1, /* set the bool at .has_off when the key is present */
};

enum item_kind {
	ITEM_NAME, /* struct wb_name_ref[]: a kernel name, resolved later */
	ITEM_GLOB, /* char *[]: an object name glob */
	ITEM_CERT, /* char *[] and struct wb_pos[] at .pos_off: a file */
	ITEM_CODE, /* likewise: a digest, a digests file or a directory */
};

enum path_kind {
	PATH_FILE, /* no '/' at the end */
	PATH_PREFIX, /* a '/' at the end makes it a directory */
};

struct enum_name {
	const char *name;
	int value;
};

struct schema;

struct field {
	const char *key;
	enum field_type type;
	unsigned int flags;
	size_t off;
	size_t has_off;
	/* FT_STRING */
	size_t max_len;
	const char *punct;
	/* FT_ENUM: names[0] is the default; FT_RULES: the values */
	const struct enum_name *names;
	size_t nr_names;
	/* FT_BOOL */
	bool def_bool;
	/* FT_UINT */
	uint32_t min, max;
	/* FT_PATH */
	enum path_kind path_kind;
	/* FT_MAP, FT_SEQ */
	const struct schema *schema;
	/* FT_SEQ, FT_LIST, FT_RULES */
	size_t count_off;
	size_t max_items; /* 0: no limit */
	const char *empty_hint; /* set: an empty one is an error, this says why */
	/* FT_SEQ */
	size_t elem_size;
	const char *unique; /* FT_STRING or FT_PATH key of .schema no two entries share */
	/* FT_LIST */
	enum item_kind item;
	size_t pos_off;
	const char *kprefix; /* ITEM_NAME: the kernel's spelling starts so */
	/* ITEM_GLOB, FT_RULES: "program", "map" */
	const char *glob_what;
};

struct schema {
	const char *what; /* for messages: "unknown key 'x' in <what>" */
	const struct field *fields;
	size_t nr_fields;
	bool store_line; /* the mapping's line into the unsigned int at .line_off */
	size_t line_off;
	bool store_pos; /* the mapping's position into the wb_pos at .pos_off */
	size_t pos_off;
	/* what keys say together, once the mapping has been read */
	int (*check)(struct yerr *e, const struct ynode *map, void *base);
};

/* FT_ENUM values are stored through an int *. */
_Static_assert(sizeof(enum wb_mode) == sizeof(int), "enum wb_mode is not int-sized");
_Static_assert(sizeof(enum wb_bpf_default) == sizeof(int), "enum wb_bpf_default not int-sized");
_Static_assert(sizeof(enum wb_on_deny) == sizeof(int), "enum wb_on_deny is not int-sized");
_Static_assert(sizeof(enum wb_access) == sizeof(int), "enum wb_access is not int-sized");
_Static_assert(sizeof(enum wb_prog_signed) == sizeof(int), "enum wb_prog_signed not int-sized");
_Static_assert(sizeof(enum wb_on_untrusted) == sizeof(int), "enum wb_on_untrusted not int-sized");
_Static_assert(sizeof(enum wb_on_takeover) == sizeof(int), "enum wb_on_takeover not int-sized");
_Static_assert(sizeof(enum wb_kernel_setting) == sizeof(int), "enum wb_kernel_setting not int-sized");
_Static_assert(sizeof(enum wb_token_perm) == sizeof(int), "enum wb_token_perm not int-sized");

static const struct enum_name mode_names[] = {
	{ "enforce", WB_MODE_ENFORCE },
	{ "audit", WB_MODE_AUDIT },
};

static const struct enum_name bpf_default_names[] = {
	{ "deny", WB_BPF_DENY },
	{ "allow", WB_BPF_ALLOW },
	{ "restrict", WB_BPF_RESTRICT },
};

static const struct enum_name kernel_setting_names[] = {
	{ "allow", WB_KERNEL_ALLOW },
	{ "restrict", WB_KERNEL_RESTRICT },
	{ "deny", WB_KERNEL_DENY },
};

static const struct enum_name on_deny_names[] = {
	{ "deny", WB_ON_DENY_DENY },
	{ "kill", WB_ON_DENY_KILL },
};

static const struct enum_name access_names[] = {
	{ "rw", WB_ACCESS_RW },
	{ "ro", WB_ACCESS_RO },
	{ "none", WB_ACCESS_NONE },
};

static const struct enum_name prog_signed_names[] = {
	{ "optional", WB_PROG_SIGNED_OPTIONAL },
	{ "required", WB_PROG_SIGNED_REQUIRED },
};

static const struct enum_name on_untrusted_names[] = {
	{ "taint", WB_ON_UNTRUSTED_TAINT },
	{ "kill", WB_ON_UNTRUSTED_KILL },
	{ "deny", WB_ON_UNTRUSTED_DENY },
};

static const struct enum_name on_takeover_names[] = {
	{ "deny", WB_ON_TAKEOVER_DENY },
	{ "taint", WB_ON_TAKEOVER_TAINT },
};

static const struct enum_name token_perm_names[] = {
	{ "deny", WB_TOKEN_DENY },
	{ "allow", WB_TOKEN_ALLOW },
};

static int check_exec(struct yerr *e, const struct ynode *map, void *base);
static int check_programs(struct yerr *e, const struct ynode *map, void *base);
static int check_default(struct yerr *e, const struct ynode *map, void *base);
static int check_policy(struct yerr *e, const struct ynode *map, void *base);
static int check_trust(struct yerr *e, const struct ynode *map, void *base);

static const struct field exec_fields[] = {
	{
		.key = "digest",
		.type = FT_DIGEST,
		.flags = FF_HAS,
		.off = offsetof(struct wb_loader, digest),
		.has_off = offsetof(struct wb_loader, has_digest),
	},
	{
		.key = "signed",
		.type = FT_BOOL,
		.off = offsetof(struct wb_loader, exec_signed),
	},
	{
		.key = "path",
		.type = FT_PATH,
		.off = offsetof(struct wb_loader, exec_path),
		.path_kind = PATH_FILE,
	},
};

/* exec's keys describe the loader itself, so they fill struct wb_loader. */
static const struct schema exec_schema = {
	.what = "exec",
	.fields = exec_fields,
	.nr_fields = ARRAY_SIZE(exec_fields),
	.check = check_exec,
};

static const struct field programs_fields[] = {
	{
		.key = "types",
		.type = FT_LIST,
		.off = offsetof(struct wb_programs, types),
		.count_off = offsetof(struct wb_programs, nr_types),
		.max_items = WB_LIST_MAX,
		.empty_hint = "leave it out to allow every program type",
		.item = ITEM_NAME,
		.kprefix = "BPF_PROG_TYPE_",
	},
	{
		.key = "attach",
		.type = FT_LIST,
		.off = offsetof(struct wb_programs, attach),
		.count_off = offsetof(struct wb_programs, nr_attach),
		.max_items = WB_LIST_MAX,
		.empty_hint = "leave it out to allow every attach type",
		.item = ITEM_NAME,
		.kprefix = "BPF_",
	},
	{
		.key = "names",
		.type = FT_LIST,
		.off = offsetof(struct wb_programs, names),
		.count_off = offsetof(struct wb_programs, nr_names),
		.max_items = WB_LIST_MAX,
		.empty_hint = "leave it out to allow every name",
		.item = ITEM_GLOB,
		.glob_what = "program",
	},
	{
		.key = "deny_helpers",
		.type = FT_LIST,
		.off = offsetof(struct wb_programs, deny_helpers),
		.count_off = offsetof(struct wb_programs, nr_deny_helpers),
		.max_items = WB_LIST_MAX,
		.empty_hint = "leave it out to deny no helper",
		.item = ITEM_NAME,
		.kprefix = "BPF_FUNC_",
	},
	{
		.key = "allow_helpers",
		.type = FT_LIST,
		.flags = FF_HAS,
		.off = offsetof(struct wb_programs, allow_helpers),
		.count_off = offsetof(struct wb_programs, nr_allow_helpers),
		.has_off = offsetof(struct wb_programs, has_allow_helpers),
		.max_items = WB_LIST_MAX,
		.item = ITEM_NAME,
		.kprefix = "BPF_FUNC_",
	},
	{
		.key = "deny_kfuncs",
		.type = FT_LIST,
		.off = offsetof(struct wb_programs, deny_kfuncs),
		.count_off = offsetof(struct wb_programs, nr_deny_kfuncs),
		.max_items = WB_LIST_MAX,
		.empty_hint = "leave it out to deny no kfunc",
		.item = ITEM_NAME,
		.kprefix = "",
	},
	{
		.key = "allow_kfuncs",
		.type = FT_LIST,
		.flags = FF_HAS,
		.off = offsetof(struct wb_programs, allow_kfuncs),
		.count_off = offsetof(struct wb_programs, nr_allow_kfuncs),
		.has_off = offsetof(struct wb_programs, has_allow_kfuncs),
		.max_items = WB_LIST_MAX,
		.item = ITEM_NAME,
		.kprefix = "",
	},
	{
		.key = "kernel_reads",
		.type = FT_BOOL,
		.off = offsetof(struct wb_programs, kernel_reads),
		.def_bool = true,
	},
	{
		.key = "max_insns",
		.type = FT_UINT,
		.off = offsetof(struct wb_programs, max_insns),
		.min = 1,
		.max = WB_MAX_INSNS_LIMIT,
	},
	{
		.key = "signed",
		.type = FT_ENUM,
		.off = offsetof(struct wb_programs, signed_mode),
		.names = prog_signed_names,
		.nr_names = ARRAY_SIZE(prog_signed_names),
	},
};

static const struct schema programs_schema = {
	.what = "programs",
	.fields = programs_fields,
	.nr_fields = ARRAY_SIZE(programs_fields),
	.check = check_programs,
};

static const struct field collateral_fields[] = {
	{
		.key = "path",
		.type = FT_PATH,
		.flags = FF_REQUIRED,
		.off = offsetof(struct wb_collateral, path),
		.path_kind = PATH_PREFIX,
	},
	{
		.key = "signed",
		.type = FT_BOOL,
		.off = offsetof(struct wb_collateral, signed_required),
		.def_bool = true,
	},
};

static const struct schema collateral_schema = {
	.what = "collateral",
	.fields = collateral_fields,
	.nr_fields = ARRAY_SIZE(collateral_fields),
	.store_pos = true,
	.pos_off = offsetof(struct wb_collateral, pos),
};

#define CODE_DIGESTS(base, member, hint)                                 \
	{                                                                \
		.key = "digests", .type = FT_LIST,                       \
		.off = offsetof(base, member.entries),                   \
		.count_off = offsetof(base, member.nr),                  \
		.max_items = WB_LIST_MAX, .empty_hint = hint,            \
		.item = ITEM_CODE, .pos_off = offsetof(base, member.pos), \
	}

static const struct field code_fields[] = {
	CODE_DIGESTS(struct wb_loader, code, "leave it out if trust.digests names all its code"),
	{
		.key = "on_untrusted",
		.type = FT_ENUM,
		.off = offsetof(struct wb_loader, on_untrusted),
		.names = on_untrusted_names,
		.nr_names = ARRAY_SIZE(on_untrusted_names),
	},
	{
		.key = "jit",
		.type = FT_BOOL,
		.off = offsetof(struct wb_loader, jit),
	},
	{
		.key = "on_takeover",
		.type = FT_ENUM,
		.off = offsetof(struct wb_loader, on_takeover),
		.names = on_takeover_names,
		.nr_names = ARRAY_SIZE(on_takeover_names),
	},
};

/* 'code': what the loader's process may run besides its executable; its
 * keys fill struct wb_loader. */
static const struct schema code_schema = {
	.what = "code",
	.fields = code_fields,
	.nr_fields = ARRAY_SIZE(code_fields),
};

#define TOKEN_LIMIT(k, member, count, prefix)                                       \
	{                                                                           \
		.key = k, .type = FT_LIST, .off = offsetof(struct wb_tokens, member), \
		.count_off = offsetof(struct wb_tokens, count),                     \
		.max_items = WB_LIST_MAX,                                           \
		.empty_hint = "leave it out to allow any delegation of this kind",  \
		.item = ITEM_NAME, .kprefix = prefix,                               \
	}

static const struct field tokens_fields[] = {
	{
		.key = "create",
		.type = FT_ENUM,
		.off = offsetof(struct wb_tokens, create),
		.names = token_perm_names,
		.nr_names = ARRAY_SIZE(token_perm_names),
	},
	{
		.key = "use",
		.type = FT_ENUM,
		.flags = FF_HAS,
		.off = offsetof(struct wb_tokens, use),
		.has_off = offsetof(struct wb_tokens, has_use),
		.names = token_perm_names,
		.nr_names = ARRAY_SIZE(token_perm_names),
	},
	TOKEN_LIMIT("delegate_cmds", cmds, nr_cmds, "BPF_"),
	TOKEN_LIMIT("delegate_maps", maps, nr_maps, "BPF_MAP_TYPE_"),
	TOKEN_LIMIT("delegate_progs", progs, nr_progs, "BPF_PROG_TYPE_"),
	TOKEN_LIMIT("delegate_attachs", attachs, nr_attachs, "BPF_"),
};

/* 'tokens': BPF tokens the loader may create and use (policy/tokens.c) */
static const struct schema tokens_schema = {
	.what = "tokens",
	.fields = tokens_fields,
	.nr_fields = ARRAY_SIZE(tokens_fields),
	.check = tokens_check,
};

static const struct field loader_fields[] = {
	{
		.key = "name",
		.type = FT_STRING,
		.flags = FF_REQUIRED,
		.off = offsetof(struct wb_loader, name),
		.max_len = WB_LOADER_NAME_MAX,
		.punct = "_.-",
	},
	{
		.key = "mode",
		.type = FT_ENUM,
		.flags = FF_HAS,
		.off = offsetof(struct wb_loader, mode),
		.has_off = offsetof(struct wb_loader, has_mode),
		.names = mode_names,
		.nr_names = ARRAY_SIZE(mode_names),
	},
	{
		.key = "on_deny",
		.type = FT_ENUM,
		.flags = FF_HAS,
		.off = offsetof(struct wb_loader, on_deny),
		.has_off = offsetof(struct wb_loader, has_on_deny),
		.names = on_deny_names,
		.nr_names = ARRAY_SIZE(on_deny_names),
	},
	{
		.key = "exec",
		.type = FT_MAP,
		.flags = FF_REQUIRED,
		.off = 0,
		.schema = &exec_schema,
	},
	{
		.key = "programs",
		.type = FT_MAP,
		.flags = FF_HAS,
		.off = offsetof(struct wb_loader, programs),
		.has_off = offsetof(struct wb_loader, programs.present),
		.schema = &programs_schema,
	},
	{
		.key = "maps",
		.type = FT_RULES,
		.flags = FF_HAS,
		.off = offsetof(struct wb_loader, maps),
		.has_off = offsetof(struct wb_loader, has_maps),
		.names = access_names,
		.nr_names = ARRAY_SIZE(access_names),
		.count_off = offsetof(struct wb_loader, nr_maps),
		.max_items = WB_LIST_MAX,
		.empty_hint = "write '\"*\": none' to deny every map",
		.glob_what = "map",
	},
	{
		.key = "collateral",
		.type = FT_SEQ,
		.off = offsetof(struct wb_loader, collateral),
		.schema = &collateral_schema,
		.count_off = offsetof(struct wb_loader, nr_collateral),
		.max_items = WB_LIST_MAX,
		.empty_hint = "leave it out if the loader has none",
		.elem_size = sizeof(struct wb_collateral),
		.unique = "path",
	},
	{
		.key = "code",
		.type = FT_MAP,
		.off = 0,
		.schema = &code_schema,
	},
	{
		.key = "tokens",
		.type = FT_MAP,
		.flags = FF_HAS,
		.off = offsetof(struct wb_loader, tokens),
		.has_off = offsetof(struct wb_loader, tokens.present),
		.schema = &tokens_schema,
	},
};

static const struct schema loader_schema = {
	.what = "loader",
	.fields = loader_fields,
	.nr_fields = ARRAY_SIZE(loader_fields),
	.store_line = true,
	.line_off = offsetof(struct wb_loader, line),
};

static const struct field trust_fields[] = {
	{
		.key = "certs",
		.type = FT_LIST,
		.off = offsetof(struct wb_policy, trust_certs),
		.count_off = offsetof(struct wb_policy, nr_trust_certs),
		.max_items = WB_LIST_MAX,
		.empty_hint = "leave it out if no certificate is trusted",
		.item = ITEM_CERT,
		.pos_off = offsetof(struct wb_policy, trust_cert_pos),
	},
	CODE_DIGESTS(struct wb_policy, trust_code, "leave it out if no code is trusted by digest"),
};

static const struct field admin_fields[] = {
	{
		.key = "certs",
		.type = FT_LIST,
		.flags = FF_REQUIRED,
		.off = offsetof(struct wb_policy, admin_certs),
		.count_off = offsetof(struct wb_policy, nr_admin_certs),
		.max_items = WB_LIST_MAX,
		.empty_hint = "leave 'admin' out if no certificate signs requests",
		.item = ITEM_CERT,
		.pos_off = offsetof(struct wb_policy, admin_cert_pos),
	},
};

/* 'admin': the certificates whose signed requests alone end enforcement,
 * change the policy in force or upgrade the daemon */
static const struct schema admin_schema = {
	.what = "admin",
	.fields = admin_fields,
	.nr_fields = ARRAY_SIZE(admin_fields),
};

static const struct schema trust_schema = {
	.what = "trust",
	.fields = trust_fields,
	.nr_fields = ARRAY_SIZE(trust_fields),
	.check = check_trust,
};

static const struct field default_fields[] = {
	{
		.key = "bpf",
		.type = FT_ENUM,
		.off = offsetof(struct wb_policy, default_bpf),
		.names = bpf_default_names,
		.nr_names = ARRAY_SIZE(bpf_default_names),
	},
	{
		.key = "block",
		.type = FT_LIST,
		.off = offsetof(struct wb_policy, block),
		.count_off = offsetof(struct wb_policy, nr_block),
		.max_items = WB_LIST_MAX,
		.empty_hint = "leave it out to block no command",
		.item = ITEM_NAME,
		.kprefix = "BPF_",
	},
	{
		.key = "on_deny",
		.type = FT_ENUM,
		.off = offsetof(struct wb_policy, default_on_deny),
		.names = on_deny_names,
		.nr_names = ARRAY_SIZE(on_deny_names),
	},
	{
		.key = "tokens",
		.type = FT_ENUM,
		.off = offsetof(struct wb_policy, default_tokens),
		.names = token_perm_names,
		.nr_names = ARRAY_SIZE(token_perm_names),
	},
};

/* 'default' and 'trust' describe the policy, so they fill struct wb_policy. */
static const struct schema default_schema = {
	.what = "default",
	.fields = default_fields,
	.nr_fields = ARRAY_SIZE(default_fields),
	.check = check_default,
};

#define KERNEL_FIELD(k, member)                                   \
	{                                                         \
		.key = k, .type = FT_ENUM,                        \
		.off = offsetof(struct wb_policy, member),        \
		.names = kernel_setting_names,                    \
		.nr_names = ARRAY_SIZE(kernel_setting_names),     \
	}

static const struct field kernel_fields[] = {
	KERNEL_FIELD("modules", kernel_modules),
	KERNEL_FIELD("kexec", kernel_kexec),
	KERNEL_FIELD("memory", kernel_memory),
};

/* 'kernel': what root may do to the kernel under watchbpf */
static const struct schema kernel_schema = {
	.what = "kernel",
	.fields = kernel_fields,
	.nr_fields = ARRAY_SIZE(kernel_fields),
};

static const struct field policy_fields[] = {
	{
		.key = "name",
		.type = FT_STRING,
		.flags = FF_REQUIRED,
		.off = offsetof(struct wb_policy, name),
		.max_len = WB_POLICY_NAME_MAX,
		.punct = "_.:-",
	},
	{
		.key = "mode",
		.type = FT_ENUM,
		.off = offsetof(struct wb_policy, mode),
		.names = mode_names,
		.nr_names = ARRAY_SIZE(mode_names),
	},
	{
		.key = "trust",
		.type = FT_MAP,
		.off = 0,
		.schema = &trust_schema,
	},
	{
		.key = "default",
		.type = FT_MAP,
		.off = 0,
		.schema = &default_schema,
	},
	{
		.key = "kernel",
		.type = FT_MAP,
		.off = 0,
		.schema = &kernel_schema,
	},
	{
		.key = "admin",
		.type = FT_MAP,
		.off = 0,
		.schema = &admin_schema,
	},
	{
		.key = "loaders",
		.type = FT_SEQ,
		.flags = FF_REQUIRED,
		.off = offsetof(struct wb_policy, loaders),
		.schema = &loader_schema,
		.count_off = offsetof(struct wb_policy, nr_loaders),
		/* like every list: the name and digest checks compare each
		 * loader with those before it, and the 10,000 loaders of a
		 * 1 MiB file took 0.8 s to refuse, 28 s in fuzz_policy (its
		 * timeout is 10 s); the kernel side takes 255 (config_build()) */
		.max_items = WB_LIST_MAX,
		.elem_size = sizeof(struct wb_loader),
		.unique = "name",
	},
};

static const struct schema policy_schema = {
	.what = "policy",
	.fields = policy_fields,
	.nr_fields = ARRAY_SIZE(policy_fields),
	.check = check_policy,
};

_Static_assert(ARRAY_SIZE(policy_fields) <= SCHEMA_MAX_FIELDS, "raise SCHEMA_MAX_FIELDS");
_Static_assert(ARRAY_SIZE(loader_fields) <= SCHEMA_MAX_FIELDS, "raise SCHEMA_MAX_FIELDS");
_Static_assert(ARRAY_SIZE(exec_fields) <= SCHEMA_MAX_FIELDS, "raise SCHEMA_MAX_FIELDS");
_Static_assert(ARRAY_SIZE(programs_fields) <= SCHEMA_MAX_FIELDS, "raise SCHEMA_MAX_FIELDS");
_Static_assert(ARRAY_SIZE(collateral_fields) <= SCHEMA_MAX_FIELDS, "raise SCHEMA_MAX_FIELDS");
_Static_assert(ARRAY_SIZE(trust_fields) <= SCHEMA_MAX_FIELDS, "raise SCHEMA_MAX_FIELDS");
_Static_assert(ARRAY_SIZE(code_fields) <= SCHEMA_MAX_FIELDS, "raise SCHEMA_MAX_FIELDS");
_Static_assert(ARRAY_SIZE(default_fields) <= SCHEMA_MAX_FIELDS, "raise SCHEMA_MAX_FIELDS");
_Static_assert(ARRAY_SIZE(tokens_fields) <= SCHEMA_MAX_FIELDS, "raise SCHEMA_MAX_FIELDS");

static const char *name_of(const struct enum_name *names, size_t n, int value)
{
	for (size_t i = 0; i < n; i++)
		if (names[i].value == value)
			return names[i].name;
	return "unknown";
}

const char *wb_mode_name(enum wb_mode m)
{
	return name_of(mode_names, ARRAY_SIZE(mode_names), m);
}

const char *wb_bpf_default_name(enum wb_bpf_default b)
{
	return name_of(bpf_default_names, ARRAY_SIZE(bpf_default_names), b);
}

const char *wb_kernel_setting_name(enum wb_kernel_setting k)
{
	return name_of(kernel_setting_names, ARRAY_SIZE(kernel_setting_names), k);
}

const char *wb_on_deny_name(enum wb_on_deny d)
{
	return name_of(on_deny_names, ARRAY_SIZE(on_deny_names), d);
}

const char *wb_access_name(enum wb_access a)
{
	return name_of(access_names, ARRAY_SIZE(access_names), a);
}

const char *wb_prog_signed_name(enum wb_prog_signed s)
{
	return name_of(prog_signed_names, ARRAY_SIZE(prog_signed_names), s);
}

const char *wb_on_untrusted_name(enum wb_on_untrusted u)
{
	return name_of(on_untrusted_names, ARRAY_SIZE(on_untrusted_names), u);
}

const char *wb_on_takeover_name(enum wb_on_takeover t)
{
	return name_of(on_takeover_names, ARRAY_SIZE(on_takeover_names), t);
}

const char *wb_token_perm_name(enum wb_token_perm t)
{
	return name_of(token_perm_names, ARRAY_SIZE(token_perm_names), t);
}

enum wb_mode wb_loader_mode(const struct wb_policy *p, const struct wb_loader *l)
{
	return l->has_mode ? l->mode : p->mode;
}

enum wb_on_deny wb_loader_on_deny(const struct wb_policy *p, const struct wb_loader *l)
{
	return l->has_on_deny ? l->on_deny : p->default_on_deny;
}

enum wb_access wb_loader_map_access(const struct wb_loader *l, const char *map_name)
{
	if (!l->has_maps)
		return WB_ACCESS_RW;
	for (size_t i = 0; i < l->nr_maps; i++)
		if (!fnmatch(l->maps[i].glob, map_name, 0))
			return l->maps[i].access;
	return WB_ACCESS_NONE;
}

/* An error about node n, at its position. */
#define perr(e, n, ...) yerr_at(e, (n)->line, (n)->col, __VA_ARGS__)

static void *member(void *base, size_t off)
{
	return (char *)base + off;
}

static const struct field *find_field(const struct schema *s, const char *key, size_t len)
{
	for (size_t i = 0; i < s->nr_fields; i++)
		if (strlen(s->fields[i].key) == len && !memcmp(s->fields[i].key, key, len))
			return &s->fields[i];
	return NULL;
}

/* The key node (not the value) of key in mapping map, or NULL. */
static const struct ynode *map_key(const struct ynode *map, const char *key)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i + 1 < map->nr; i += 2) {
		const struct ynode *k = map->items[i];

		if (k->kind == YNODE_SCALAR && k->len == klen && !memcmp(k->str, key, klen))
			return k;
	}
	return NULL;
}

static void list_add(char *buf, size_t size, size_t *used, const char *name)
{
	int n = snprintf(buf + *used, size - *used, "%s%s", *used ? ", " : "", name);

	if (n > 0 && (size_t)n < size - *used)
		*used += n;
}

/* "name, mode, loaders": the keys of s, for "expected" lists. */
static const char *field_keys(const struct schema *s, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < s->nr_fields; i++)
		list_add(buf, size, &used, s->fields[i].key);
	return buf;
}

static const char *enum_names(const struct field *f, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < f->nr_names; i++)
		list_add(buf, size, &used, f->names[i].name);
	return buf;
}

static bool is_scalar(const struct ynode *v)
{
	return v->kind == YNODE_SCALAR && !ynode_is_null(v);
}

static bool scalar_is(const struct ynode *v, const char *s)
{
	return strlen(s) == v->len && !memcmp(s, v->str, v->len);
}

static bool has_control(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

/* The scalar text of v as a C string, or an error naming the key. */
static int get_string(struct yerr *e, const struct field *f, const struct ynode *v, const char **s)
{
	if (!is_scalar(v))
		return perr(e, v, "'%s' must be a string, got %s", f->key, ynode_kind_name(v));
	if (memchr(v->str, '\0', v->len))
		return perr(e, v, "'%s' must not contain NUL characters", f->key);
	*s = v->str;
	return 0;
}

static bool valid_name(const struct field *f, const char *s, size_t len)
{
	if (!len || len > f->max_len)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = s[i];
		bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			     (ch >= '0' && ch <= '9');

		if (!alnum && !strchr(f->punct, ch))
			return false;
	}
	return true;
}

static int set_string(struct yerr *e, const struct field *f, const struct ynode *v, void *dst)
{
	const char *s;
	char *copy;

	if (get_string(e, f, v, &s))
		return -1;
	if (f->punct && !valid_name(f, s, v->len)) {
		char buf[YSHOW_SIZE];

		return perr(e, v, "'%s' must be 1..%zu characters of [A-Za-z0-9%s] (got '%s')",
			    f->key, f->max_len, f->punct, yshow(s, v->len, buf));
	}
	copy = strdup(s);
	if (!copy)
		return perr(e, v, "out of memory");
	*(char **)dst = copy;
	return 0;
}

/* v as one of names into *dst; label says what it is ("'mode'"). */
static int get_enum(struct yerr *e, const struct field *f, const char *label, const struct ynode *v,
		    int *dst)
{
	char names[128], buf[YSHOW_SIZE];

	if (!is_scalar(v))
		return perr(e, v, "%s must be one of: %s (got %s)", label,
			    enum_names(f, names, sizeof(names)), ynode_kind_name(v));
	for (size_t i = 0; i < f->nr_names; i++) {
		if (scalar_is(v, f->names[i].name)) {
			*dst = f->names[i].value;
			return 0;
		}
	}
	return perr(e, v, "%s must be one of: %s (got '%s')", label,
		    enum_names(f, names, sizeof(names)), yshow(v->str, v->len, buf));
}

static int set_enum(struct yerr *e, const struct field *f, const struct ynode *v, void *dst)
{
	char label[64];

	snprintf(label, sizeof(label), "'%s'", f->key);
	return get_enum(e, f, label, v, dst);
}

static int set_digest(struct yerr *e, const struct field *f, const struct ynode *v, void *dst)
{
	char buf[YSHOW_SIZE];
	const char *s, *want;

	if (get_string(e, f, v, &s))
		return -1;
	if (!fsv_digest_parse(s, dst))
		return 0;
	if (!strncmp(s, "sha256:", 7))
		want = "sha256: followed by 64 hex digits";
	else if (!strncmp(s, "sha512:", 7))
		want = "sha512: followed by 128 hex digits";
	else
		want = "sha256: followed by 64 hex digits or sha512: followed by 128";
	return perr(e, v, "bad digest '%s': expected %s", yshow(s, v->len, buf), want);
}

/*
 * YAML 1.2's core schema has only true and false; YAML 1.1 also read these
 * as booleans, and a policy author may well expect them to work.
 */
static const char *const true_lookalikes[] = {
	"True", "TRUE", "yes", "Yes", "YES", "y", "Y", "on", "On", "ON",
};
static const char *const false_lookalikes[] = {
	"False", "FALSE", "no", "No", "NO", "n", "N", "off", "Off", "OFF",
};

static bool scalar_in(const struct ynode *v, const char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (scalar_is(v, words[i]))
			return true;
	return false;
}

static int set_bool(struct yerr *e, const struct field *f, const struct ynode *v, void *dst)
{
	char buf[YSHOW_SIZE];

	if (!is_scalar(v))
		return perr(e, v, "'%s' must be true or false (got %s)", f->key,
			    ynode_kind_name(v));
	if (scalar_is(v, "true") || scalar_is(v, "false")) {
		*(bool *)dst = v->str[0] == 't';
		return 0;
	}
	if (scalar_in(v, true_lookalikes, ARRAY_SIZE(true_lookalikes)))
		return perr(e, v, "'%s' must be true or false (got '%s'; write true)", f->key,
			    yshow(v->str, v->len, buf));
	if (scalar_in(v, false_lookalikes, ARRAY_SIZE(false_lookalikes)))
		return perr(e, v, "'%s' must be true or false (got '%s'; write false)", f->key,
			    yshow(v->str, v->len, buf));
	return perr(e, v, "'%s' must be true or false (got '%s')", f->key,
		    yshow(v->str, v->len, buf));
}

/*
 * Plain decimal digits only: YAML 1.1 would read 010 as octal, 0x10 as hex
 * and 1_000 or 1e6 as numbers too, and a limit that means something else
 * than it seems to is worse than one refused.
 */
static int set_uint(struct yerr *e, const struct field *f, const struct ynode *v, void *dst)
{
	char buf[YSHOW_SIZE];
	uint64_t n = 0;
	bool ok;

	if (!is_scalar(v))
		return perr(e, v, "'%s' must be a decimal integer from %u to %u (got %s)", f->key,
			    f->min, f->max, ynode_kind_name(v));
	ok = v->len <= 10 && (v->str[0] != '0' || v->len == 1);
	for (size_t i = 0; ok && i < v->len; i++) {
		ok = v->str[i] >= '0' && v->str[i] <= '9';
		if (ok)
			n = n * 10 + (uint64_t)(v->str[i] - '0');
	}
	if (!ok || n < f->min || n > f->max)
		return perr(e, v, "'%s' must be a decimal integer from %u to %u (got '%s')", f->key,
			    f->min, f->max, yshow(v->str, v->len, buf));
	*(uint32_t *)dst = n;
	return 0;
}

/* NULL if s is an absolute, normalized path of kind k, else why not. */
static const char *path_problem(const char *s, size_t len, enum path_kind k)
{
	size_t start = 1;

	if (s[0] != '/')
		return "must be an absolute path";
	if (len >= PATH_MAX)
		return "is longer than the longest path (PATH_MAX)";
	if (has_control(s, len))
		return "must not contain control characters";
	for (size_t i = 1; i <= len; i++) {
		size_t n = i - start;

		if (i < len && s[i] != '/')
			continue;
		if (i == len && !n) /* "/" or "/usr/": a directory */
			return k == PATH_FILE ? "names a file and must not end with '/'" : NULL;
		if (!n || (n == 1 && s[start] == '.') ||
		    (n == 2 && s[start] == '.' && s[start + 1] == '.'))
			return "must be normalized, without '.', '..' or empty components";
		start = i + 1;
	}
	return NULL;
}

static int set_path(struct yerr *e, const struct field *f, const struct ynode *v, void *dst)
{
	const char *s, *why;
	char buf[YSHOW_SIZE];
	char *copy;

	if (get_string(e, f, v, &s))
		return -1;
	why = path_problem(s, v->len, f->path_kind);
	if (why)
		return perr(e, v, "'%s' %s (got '%s')", f->key, why, yshow(s, v->len, buf));
	copy = strdup(s);
	if (!copy)
		return perr(e, v, "out of memory");
	*(char **)dst = copy;
	return 0;
}

/* The characters the kernel lets into program and map names. */
static bool obj_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.';
}

static bool glob_class_known(const char *s, size_t len)
{
	static const char *const classes[] = {
		"alnum", "alpha", "blank", "cntrl", "digit", "graph",
		"lower", "print", "punct", "space", "upper", "xdigit"
	};

	for (size_t i = 0; i < ARRAY_SIZE(classes); i++)
		if (strlen(classes[i]) == len && !memcmp(classes[i], s, len))
			return true;
	return false;
}

/*
 * NULL if glob g could match some kernel object name, else why not. fnmatch()
 * takes a '[' without ']' as a literal and an unknown [:class:] as no match,
 * and a name the kernel cuts to 15 characters never matches a longer
 * pattern: each would silently never apply, so each is refused here.
 */
static const char *glob_problem(const char *g, size_t len)
{
	size_t min = 0; /* the shortest name g matches */

	if (!len)
		return "is not valid: it is empty";
	for (size_t i = 0; i < len;) {
		char c = g[i];

		if (c == '*') {
			i++;
			continue;
		}
		if (c == '?') {
			i++;
			min++;
			continue;
		}
		if (c == '[') {
			size_t j = i + 1;

			if (j < len && (g[j] == '!' || g[j] == '^'))
				j++;
			if (j < len && g[j] == ']')
				j++;
			while (j < len && g[j] != ']') {
				if (g[j] == '[' && j + 1 < len && g[j + 1] == ':') {
					const char *end = memmem(g + j + 2, len - j - 2, ":]", 2);

					if (!end || !glob_class_known(g + j + 2, end - (g + j + 2)))
						return "is not valid: unknown [:class:]";
					j = end + 2 - g;
					continue;
				}
				j++;
			}
			if (j >= len)
				return "is not valid: '[' without a closing ']'";
			i = j + 1;
			min++;
			continue;
		}
		if (c == '\\') {
			if (i + 1 == len)
				return "is not valid: it ends with a lone '\\'";
			c = g[++i];
		}
		if (!obj_name_char(c))
			return "can never match: names have only the characters [A-Za-z0-9_.]";
		i++;
		min++;
	}
	if (min > WB_OBJ_NAME_MAX)
		return "can never match: names have at most 15 characters";
	return NULL;
}

static bool glob_is_star(const char *g)
{
	return g[0] && strspn(g, "*") == strlen(g);
}

/* Kernel names as the policy spells them: BPF_FUNC_probe_write_user is
 * probe_write_user, BPF_PROG_TYPE_XDP is xdp. */
bool wb_kname_ok(const char *s, size_t len)
{
	if (!len || len > WB_KNAME_MAX || s[0] < 'a' || s[0] > 'z')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/* The spelling s probably meant, as a "; write 'x'" hint, or "". */
static const char *kname_hint(const struct field *f, const char *s, size_t len, char *buf,
			      size_t size)
{
	size_t plen = strlen(f->kprefix), n;
	char name[WB_KNAME_MAX + 1];

	buf[0] = '\0';
	if (len > plen && !strncasecmp(s, f->kprefix, plen)) {
		s += plen;
		len -= plen;
	}
	if (len >= sizeof(name))
		return buf;
	for (n = 0; n < len; n++)
		name[n] = (s[n] >= 'A' && s[n] <= 'Z') ? s[n] - 'A' + 'a' : s[n];
	name[n] = '\0';
	if (wb_kname_ok(name, n))
		snprintf(buf, size, "; write '%s'", name);
	return buf;
}

/* Whether item idx of a FT_LIST or FT_RULES node repeats an earlier one. */
static const struct ynode *find_repeat(const struct ynode *node, size_t idx, size_t stride)
{
	const struct ynode *v = node->items[idx];

	for (size_t j = 0; j < idx; j += stride) {
		const struct ynode *o = node->items[j];

		if (o->len == v->len && !memcmp(o->str, v->str, v->len))
			return o;
	}
	return NULL;
}

/* A digest, not a path: "ALG:..." with no '/' before the colon. A file
 * whose name has a colon is written "./name:x". */
static bool looks_like_digest(const char *s)
{
	const char *colon = strchr(s, ':');

	return colon && colon != s && !memchr(s, '/', colon - s) && s[0] != '.';
}

/* Relative to the policy file's directory, so the same file is meant from
 * any working directory. */
static char *cert_path(const char *fname, const char *s)
{
	const char *slash = strrchr(fname, '/');
	char *p;

	if (s[0] == '/' || !slash)
		return strdup(s);
	if (asprintf(&p, "%.*s%s", (int)(slash - fname + 1), fname, s) < 0)
		return NULL;
	return p;
}

static int check_count(struct yerr *e, const struct field *f, const struct ynode *v, size_t n)
{
	if (!n && f->empty_hint)
		return perr(e, v, "'%s' must not be empty (%s)", f->key, f->empty_hint);
	if (f->max_items && n > f->max_items)
		return perr(e, v, "'%s' has more than %zu entries", f->key, f->max_items);
	return 0;
}

static int list_item(struct yerr *e, const struct field *f, const struct ynode *v, void *arr,
		     void *pos, size_t i)
{
	char buf[YSHOW_SIZE], hint[WB_KNAME_MAX + 16];
	const char *why;
	char *copy;

	if (!is_scalar(v))
		return perr(e, v, "each entry of '%s' must be a string, got %s", f->key,
			    ynode_kind_name(v));
	if (memchr(v->str, '\0', v->len))
		return perr(e, v, "entries of '%s' must not contain NUL characters", f->key);
	switch (f->item) {
	case ITEM_NAME:
		if (!wb_kname_ok(v->str, v->len))
			return perr(e, v,
				    "entries of '%s' must be 1..%d characters of [a-z0-9_], "
				    "starting with a letter (got '%s'%s)",
				    f->key, WB_KNAME_MAX, yshow(v->str, v->len, buf),
				    kname_hint(f, v->str, v->len, hint, sizeof(hint)));
		break;
	case ITEM_GLOB:
		why = glob_problem(v->str, v->len);
		if (why)
			return perr(e, v, "%s name glob '%s' %s", f->glob_what,
				    yshow(v->str, v->len, buf), why);
		break;
	case ITEM_CERT:
	case ITEM_CODE:
		if (!v->len)
			return perr(e, v, "entries of '%s' must not be empty", f->key);
		if (has_control(v->str, v->len))
			return perr(e, v, "entries of '%s' must not contain control characters",
				    f->key);
		if (f->item == ITEM_CODE && looks_like_digest(v->str)) {
			struct fsv_digest d;

			if (fsv_digest_parse(v->str, &d))
				return perr(e, v,
					    "'%s' is neither a digest (sha256:<64 hex digits>) "
					    "nor a path",
					    yshow(v->str, v->len, buf));
		}
		break;
	}

	switch (f->item) {
	case ITEM_NAME: {
		struct wb_name_ref *r = (struct wb_name_ref *)arr + i;

		copy = strdup(v->str);
		r->name = copy;
		r->pos = (struct wb_pos){ v->line, v->col };
		r->id = -1;
		break;
	}
	case ITEM_GLOB:
		copy = strdup(v->str);
		((char **)arr)[i] = copy;
		break;
	case ITEM_CODE:
		copy = looks_like_digest(v->str) ? strdup(v->str) : cert_path(e->fname, v->str);
		((char **)arr)[i] = copy;
		((struct wb_pos *)pos)[i] = (struct wb_pos){ v->line, v->col };
		break;
	case ITEM_CERT:
	default:
		copy = cert_path(e->fname, v->str);
		((char **)arr)[i] = copy;
		((struct wb_pos *)pos)[i] = (struct wb_pos){ v->line, v->col };
		break;
	}
	return copy ? 0 : perr(e, v, "out of memory");
}

static int walk_list(struct yerr *e, const struct field *f, const struct ynode *v, void *base)
{
	size_t elem = f->item == ITEM_NAME ? sizeof(struct wb_name_ref) : sizeof(char *);
	void *arr, *pos = NULL;
	char buf[YSHOW_SIZE];

	if (v->kind != YNODE_SEQ)
		return perr(e, v, "'%s' must be a sequence, got %s", f->key, ynode_kind_name(v));
	if (check_count(e, f, v, v->nr))
		return -1;
	if (!v->nr)
		return 0;
	arr = calloc(v->nr, elem);
	if (!arr)
		return perr(e, v, "out of memory");
	/* published before they are filled so that policy_free() sees all of it */
	*(void **)member(base, f->off) = arr;
	if (f->item == ITEM_CERT || f->item == ITEM_CODE) {
		pos = calloc(v->nr, sizeof(struct wb_pos));
		if (!pos)
			return perr(e, v, "out of memory");
		*(void **)member(base, f->pos_off) = pos;
	}
	*(size_t *)member(base, f->count_off) = v->nr;

	for (size_t i = 0; i < v->nr; i++) {
		const struct ynode *item = v->items[i], *first;

		if (list_item(e, f, item, arr, pos, i))
			return -1;
		first = find_repeat(v, i, 1);
		if (first)
			return perr(e, item, "duplicate entry '%s' in '%s' (first at line %u)",
				    yshow(item->str, item->len, buf), f->key, first->line);
	}
	return 0;
}

/* 'maps': glob -> access, kept in file order, since the first match wins. */
static int walk_rules(struct yerr *e, const struct field *f, const struct ynode *v, void *base)
{
	struct wb_map_rule *rules;
	const struct ynode *star = NULL;
	char buf[YSHOW_SIZE], buf2[YSHOW_SIZE], label[YSHOW_SIZE + 16];
	size_t n = v->nr / 2;

	if (v->kind != YNODE_MAP)
		return perr(e, v, "'%s' must be a mapping, got %s", f->key, ynode_kind_name(v));
	if (check_count(e, f, v, n))
		return -1;
	if (!n)
		return 0;
	rules = calloc(n, sizeof(*rules));
	if (!rules)
		return perr(e, v, "out of memory");
	*(struct wb_map_rule **)member(base, f->off) = rules;
	*(size_t *)member(base, f->count_off) = n;

	for (size_t i = 0; i < n; i++) {
		const struct ynode *key = v->items[2 * i], *first;
		const char *why;
		int access;

		if (key->kind != YNODE_SCALAR)
			return perr(e, key, "keys in %s must be scalars, got %s", f->key,
				    ynode_kind_name(key));
		if (ynode_is_null(key))
			return perr(e, key, "keys in %s must be %s name globs, got %s", f->key,
				    f->glob_what, ynode_kind_name(key));
		if (memchr(key->str, '\0', key->len))
			return perr(e, key, "keys in %s must not contain NUL characters", f->key);
		why = glob_problem(key->str, key->len);
		if (why)
			return perr(e, key, "%s name glob '%s' %s", f->glob_what,
				    yshow(key->str, key->len, buf), why);
		first = find_repeat(v, 2 * i, 2);
		if (first)
			return perr(e, key, "duplicate key '%s' in %s (first at line %u)",
				    yshow(key->str, key->len, buf), f->key, first->line);
		if (star)
			return perr(e, key,
				    "%s rule '%s' can never apply: '%s' at line %u matches every "
				    "%s first",
				    f->glob_what, yshow(key->str, key->len, buf),
				    yshow(star->str, star->len, buf2), star->line, f->glob_what);
		snprintf(label, sizeof(label), "'%s' in %s", yshow(key->str, key->len, buf),
			 f->key);
		if (get_enum(e, f, label, v->items[2 * i + 1], &access))
			return -1;
		rules[i].glob = strdup(key->str);
		if (!rules[i].glob)
			return perr(e, key, "out of memory");
		rules[i].access = access;
		rules[i].pos = (struct wb_pos){ key->line, key->col };
		if (glob_is_star(key->str))
			star = key;
	}
	return 0;
}

static int walk_map(struct yerr *e, const struct schema *s, const struct ynode *map, void *base);

/* Two entries with the same f->unique value: point at the second one. */
static int check_unique(struct yerr *e, const struct field *f, const struct ynode *seq, void *arr,
			size_t idx)
{
	const struct field *u = find_field(f->schema, f->unique, strlen(f->unique));
	const char *name = *(char **)member(arr, idx * f->elem_size + u->off);
	char buf[YSHOW_SIZE];

	if (!name)
		return 0;
	for (size_t j = 0; j < idx; j++) {
		const char *other = *(char **)member(arr, j * f->elem_size + u->off);

		if (other && !strcmp(name, other))
			return perr(e, ynode_map_get(seq->items[idx], f->unique),
				    "duplicate %s %s '%s' (first defined at line %u)",
				    f->schema->what, f->unique, yshow(name, strlen(name), buf),
				    ynode_map_get(seq->items[j], f->unique)->line);
	}
	return 0;
}

static int walk_seq(struct yerr *e, const struct field *f, const struct ynode *v, void *base)
{
	void *arr;

	if (v->kind != YNODE_SEQ)
		return perr(e, v, "'%s' must be a sequence, got %s", f->key, ynode_kind_name(v));
	if (check_count(e, f, v, v->nr))
		return -1;
	if (!v->nr)
		return 0;
	arr = calloc(v->nr, f->elem_size);
	if (!arr)
		return perr(e, v, "out of memory");
	/* published before it is filled so that policy_free() sees all of it */
	*(void **)member(base, f->off) = arr;
	*(size_t *)member(base, f->count_off) = v->nr;

	for (size_t i = 0; i < v->nr; i++) {
		const struct ynode *item = v->items[i];

		if (item->kind != YNODE_MAP)
			return perr(e, item, "each entry of '%s' must be a mapping, got %s", f->key,
				    ynode_kind_name(item));
		if (walk_map(e, f->schema, item, member(arr, i * f->elem_size)))
			return -1;
		if (f->unique && check_unique(e, f, v, arr, i))
			return -1;
	}
	return 0;
}

static int set_field(struct yerr *e, const struct field *f, const struct ynode *v, void *base)
{
	void *dst = member(base, f->off);
	int ret = -1;

	switch (f->type) {
	case FT_STRING:
		ret = set_string(e, f, v, dst);
		break;
	case FT_ENUM:
		ret = set_enum(e, f, v, dst);
		break;
	case FT_DIGEST:
		ret = set_digest(e, f, v, dst);
		break;
	case FT_BOOL:
		ret = set_bool(e, f, v, dst);
		break;
	case FT_UINT:
		ret = set_uint(e, f, v, dst);
		break;
	case FT_PATH:
		ret = set_path(e, f, v, dst);
		break;
	case FT_MAP:
		if (v->kind != YNODE_MAP)
			return perr(e, v, "'%s' must be a mapping, got %s", f->key,
				    ynode_kind_name(v));
		ret = walk_map(e, f->schema, v, dst);
		break;
	case FT_SEQ:
		ret = walk_seq(e, f, v, base);
		break;
	case FT_LIST:
		ret = walk_list(e, f, v, base);
		break;
	case FT_RULES:
		ret = walk_rules(e, f, v, base);
		break;
	}
	if (!ret && (f->flags & FF_HAS))
		*(bool *)member(base, f->has_off) = true;
	return ret;
}

static void set_defaults(const struct schema *s, void *base);

static void set_default(const struct field *f, void *base)
{
	switch (f->type) {
	case FT_ENUM:
		*(int *)member(base, f->off) = f->names[0].value;
		break;
	case FT_BOOL:
		*(bool *)member(base, f->off) = f->def_bool;
		break;
	case FT_MAP:
		/* a mapping left out is one with every key left out */
		set_defaults(f->schema, member(base, f->off));
		break;
	default:
		break;
	}
}

static void set_defaults(const struct schema *s, void *base)
{
	for (size_t i = 0; i < s->nr_fields; i++)
		set_default(&s->fields[i], base);
}

static int walk_map(struct yerr *e, const struct schema *s, const struct ynode *map, void *base)
{
	const struct ynode *seen[SCHEMA_MAX_FIELDS] = { NULL };
	char buf[YSHOW_SIZE], keys[256];

	for (size_t i = 0; i + 1 < map->nr; i += 2) {
		const struct ynode *key = map->items[i];
		const struct field *f;
		size_t idx;

		if (key->kind != YNODE_SCALAR)
			return perr(e, key, "keys in %s must be scalars, got %s", s->what,
				    ynode_kind_name(key));
		f = find_field(s, key->str, key->len);
		if (!f)
			return perr(e, key, "unknown key '%s' in %s (expected: %s)",
				    yshow(key->str, key->len, buf), s->what,
				    field_keys(s, keys, sizeof(keys)));
		idx = f - s->fields;
		if (seen[idx])
			return perr(e, key, "duplicate key '%s' in %s (first at line %u)", f->key,
				    s->what, seen[idx]->line);
		seen[idx] = key;
		if (set_field(e, f, map->items[i + 1], base))
			return -1;
	}
	for (size_t i = 0; i < s->nr_fields; i++) {
		if (seen[i])
			continue;
		if (s->fields[i].flags & FF_REQUIRED)
			return perr(e, map, "missing required key '%s' in %s", s->fields[i].key,
				    s->what);
		set_default(&s->fields[i], base);
	}
	if (s->store_line)
		*(unsigned int *)member(base, s->line_off) = map->line;
	if (s->store_pos)
		*(struct wb_pos *)member(base, s->pos_off) = (struct wb_pos){ map->line, map->col };
	return s->check ? s->check(e, map, base) : 0;
}

/* A list and its stricter form say two different things: one only. */
static int check_programs(struct yerr *e, const struct ynode *map, void *base)
{
	const struct wb_programs *p = base;

	if (p->nr_deny_helpers && p->has_allow_helpers)
		return perr(e, map_key(map, "allow_helpers"),
			    "'allow_helpers' and 'deny_helpers' together: write one (allow_helpers "
			    "denies every helper it does not name)");
	if (p->nr_deny_kfuncs && p->has_allow_kfuncs)
		return perr(e, map_key(map, "allow_kfuncs"),
			    "'allow_kfuncs' and 'deny_kfuncs' together: write one (allow_kfuncs "
			    "denies every kfunc it does not name)");
	return 0;
}

static int check_exec(struct yerr *e, const struct ynode *map, void *base)
{
	const struct wb_loader *l = base;

	if (!l->has_digest && !l->exec_signed)
		return perr(e, map, "exec needs 'digest' or 'signed: true' (or both)");
	return 0;
}

static int check_default(struct yerr *e, const struct ynode *map, void *base)
{
	const struct wb_policy *pol = base;

	if (pol->nr_block && pol->default_bpf == WB_BPF_DENY)
		return perr(e, map_key(map, "block"),
			    "'block' needs 'bpf: allow' or 'bpf: restrict' (with 'bpf: deny' "
			    "every command is denied already)");
	return tokens_check_default(e, map, pol);
}

static int check_trust(struct yerr *e, const struct ynode *map, void *base)
{
	const struct wb_policy *pol = base;

	if (!pol->nr_trust_certs && !pol->trust_code.nr)
		return perr(e, map, "'trust' needs 'certs' or 'digests' (or leave it out)");
	return 0;
}

/* The earliest in the file of the problems check_signers() finds. */
struct first_problem {
	const struct ynode *at;
	const char *msg;
};

static void problem(struct first_problem *p, const struct ynode *at, const char *msg)
{
	if (!p->at || at->line < p->at->line || (at->line == p->at->line && at->col < p->at->col)) {
		p->at = at;
		p->msg = msg;
	}
}

/*
 * Every signature is checked against trust.certs: without a certificate
 * nothing could ever pass, so a loader asking for one is refused. 'trust'
 * may come anywhere in the file, hence a check of the whole policy.
 */
static int check_signers(struct yerr *e, const struct ynode *root, const struct wb_policy *pol)
{
	const struct ynode *seq = ynode_map_get(root, "loaders");
	struct first_problem p = { NULL };

	if (pol->nr_trust_certs || !seq)
		return 0;
	for (size_t i = 0; i < pol->nr_loaders; i++) {
		const struct wb_loader *l = &pol->loaders[i];
		const struct ynode *item = seq->items[i], *m, *k;

		m = ynode_map_get(item, "exec");
		if (l->exec_signed && m)
			problem(&p, map_key(m, "signed"),
				"'signed: true' needs a certificate in trust.certs");
		m = ynode_map_get(item, "programs");
		if (l->programs.signed_mode == WB_PROG_SIGNED_REQUIRED && m)
			problem(&p, map_key(m, "signed"),
				"'signed: required' needs a certificate in trust.certs");
		m = ynode_map_get(item, "collateral");
		for (size_t j = 0; j < l->nr_collateral && m; j++) {
			if (!l->collateral[j].signed_required)
				continue;
			k = map_key(m->items[j], "signed");
			if (k)
				problem(&p, k, "'signed: true' needs a certificate in trust.certs");
			else
				problem(&p, m->items[j],
					"collateral is 'signed: true' by default, which needs a "
					"certificate in trust.certs (or write 'signed: false')");
		}
	}
	return p.at ? perr(e, p.at, "%s", p.msg) : 0;
}

/* An executable is one loader: the kernel finds the loader by the digest
 * alone (loader_digests), so two loaders cannot share one. */
static int check_digests(struct yerr *e, const struct ynode *root, const struct wb_policy *pol)
{
	const struct ynode *seq = ynode_map_get(root, "loaders"), *m;

	for (size_t i = 0; seq && i < pol->nr_loaders; i++) {
		const struct wb_loader *l = &pol->loaders[i];

		if (!l->has_digest)
			continue;
		for (size_t j = 0; j < i; j++) {
			if (!pol->loaders[j].has_digest ||
			    !fsv_digest_equal(&pol->loaders[j].digest, &l->digest))
				continue;
			m = ynode_map_get(seq->items[i], "exec");
			m = m ? ynode_map_get(m, "digest") : NULL;
			return perr(e, m ? m : seq->items[i],
				    "loader '%s' has the digest of loader '%s' (line %u): an "
				    "executable is one loader, found by its digest alone (give the "
				    "file one entry, without 'path' if it lives in several places)",
				    l->name, pol->loaders[j].name, pol->loaders[j].line);
		}
	}
	return 0;
}

static int check_policy(struct yerr *e, const struct ynode *map, void *base)
{
	return check_signers(e, map, base) ?: check_digests(e, map, base);
}

static void free_refs(struct wb_name_ref *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(r[i].name);
	free(r);
}

static void free_strings(char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

static void code_refs_free(struct wb_code_refs *c)
{
	free_strings(c->entries, c->nr);
	free(c->pos);
	digest_list_free(&c->digests);
}

static void loader_free(struct wb_loader *l)
{
	struct wb_programs *p = &l->programs;

	free(l->name);
	free(l->exec_path);
	free_refs(p->types, p->nr_types);
	free_refs(p->attach, p->nr_attach);
	free_strings(p->names, p->nr_names);
	free_refs(p->deny_helpers, p->nr_deny_helpers);
	free_refs(p->allow_helpers, p->nr_allow_helpers);
	free_refs(p->deny_kfuncs, p->nr_deny_kfuncs);
	free_refs(p->allow_kfuncs, p->nr_allow_kfuncs);
	for (size_t i = 0; i < l->nr_maps; i++)
		free(l->maps[i].glob);
	free(l->maps);
	for (size_t i = 0; i < l->nr_collateral; i++)
		free(l->collateral[i].path);
	free(l->collateral);
	code_refs_free(&l->code);
	tokens_free(&l->tokens);
}

void policy_free(struct wb_policy *pol)
{
	for (size_t i = 0; i < pol->nr_loaders; i++)
		loader_free(&pol->loaders[i]);
	free(pol->loaders);
	free_strings(pol->trust_certs, pol->nr_trust_certs);
	free(pol->trust_cert_pos);
	code_refs_free(&pol->trust_code);
	free_strings(pol->admin_certs, pol->nr_admin_certs);
	free(pol->admin_cert_pos);
	free_refs(pol->block, pol->nr_block);
	free(pol->name);
	free(pol->path);
	memset(pol, 0, sizeof(*pol));
}

/* The policy's version in logs: which bytes were loaded, whatever the
 * file is called or wherever it was copied. */
static int policy_version(const char *text, size_t len, struct wb_policy *pol)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char *out = pol->sha256 + 7;
	size_t i;

	if (!EVP_Digest(text, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
		return -1;
	memcpy(pol->sha256, "sha256:", 7);
	for (i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[2 * i] = '\0';
	snprintf(pol->version, sizeof(pol->version), "%s", out);
	return 0;
}

int policy_load_string(const char *fname, const char *text, size_t len, struct wb_policy *pol,
		       char *err, size_t errlen)
{
	struct yerr e = { .fname = fname, .buf = err, .size = errlen };
	struct ynode *root = NULL;
	char keys[256];
	int ret = -1;

	memset(pol, 0, sizeof(*pol));
	if (err && errlen)
		err[0] = '\0';
	if (len > WB_POLICY_MAX_SIZE) {
		yerr_at(&e, 0, 0, "too large (more than %zu bytes)", WB_POLICY_MAX_SIZE);
		goto out;
	}
	if (ytree_parse(&e, text, len, &root))
		goto out;
	if (!root || ynode_is_null(root)) {
		yerr_at(&e, root ? root->line : 1, root ? root->col : 1,
			"empty policy (expected a mapping with keys: %s)",
			field_keys(&policy_schema, keys, sizeof(keys)));
		goto out;
	}
	if (root->kind != YNODE_MAP) {
		perr(&e, root, "policy must be a mapping, got %s", ynode_kind_name(root));
		goto out;
	}
	pol->path = strdup(fname);
	if (!pol->path) {
		yerr_at(&e, 0, 0, "out of memory");
		goto out;
	}
	if (policy_version(text, len, pol)) {
		yerr_at(&e, 0, 0, "cannot compute the SHA-256 of the policy");
		goto out;
	}
	ret = walk_map(&e, &policy_schema, root, pol);
out:
	ytree_free(root);
	if (ret)
		policy_free(pol);
	return ret;
}

int policy_load_file(const char *path, struct wb_policy *pol, char *err, size_t errlen)
{
	struct yerr e = { .fname = path, .buf = err, .size = errlen };
	char *buf = NULL;
	size_t len = 0;
	int fd, ret = -1;

	memset(pol, 0, sizeof(*pol));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		yerr_at(&e, 0, 0, "cannot open: %s", strerror(errno));
		goto out;
	}
	/* one byte more than allowed, to tell "too large" from "exactly full" */
	buf = malloc(WB_POLICY_MAX_SIZE + 1);
	if (!buf) {
		yerr_at(&e, 0, 0, "out of memory");
		goto out;
	}
	while (len <= WB_POLICY_MAX_SIZE) {
		ssize_t n = read(fd, buf + len, WB_POLICY_MAX_SIZE + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			yerr_at(&e, 0, 0, "cannot read: %s", strerror(errno));
			goto out;
		}
		if (!n)
			break;
		len += n;
	}
	ret = policy_load_string(path, buf, len, pol, err, errlen);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}
