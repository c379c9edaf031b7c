/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy model: which loaders (executables named by their fs-verity
 * digest, a signature, a path) may use bpf(), what they may do with it, and
 * what everything else may do. docs/policy.md is the reference for the YAML
 * form and for what each field means.
 */
#ifndef WATCHBPF_POLICY_H
#define WATCHBPF_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fsverity/digest.h"
#include "integrity/digest_list.h"

struct btf;

/* Larger files are refused before parsing: a policy is a few KiB. */
#define WB_POLICY_MAX_SIZE ((size_t)1 << 20)

#define WB_POLICY_NAME_MAX 63
#define WB_LOADER_NAME_MAX 31
/* Longest kernel name (helper, command, type) a policy may spell. */
#define WB_KNAME_MAX 63
/* Entries of one list or of 'maps': bounds the duplicate checks. */
#define WB_LIST_MAX 1024
/* The kernel keeps BPF_OBJ_NAME_LEN - 1 characters of a program or map name. */
#define WB_OBJ_NAME_MAX 15
/* BPF_COMPLEXITY_LIMIT_INSNS: no program is verified past this. */
#define WB_MAX_INSNS_LIMIT 1000000u
/* The SHA-256 of the policy file cut to 12 hex digits, and a NUL. */
#define WB_POLICY_VERSION_SIZE 13
#define WB_POLICY_SHA256_SIZE 72

/* 1-based, columns in characters; 0 means no position. */
struct wb_pos {
	unsigned int line, col;
};

/* A kernel name (helper, command, program or attach type) as written. */
struct wb_name_ref {
	char *name;
	struct wb_pos pos;
	int id; /* the kernel's value, by policy_resolve(); -1 before */
};

enum wb_mode {
	WB_MODE_ENFORCE,
	WB_MODE_AUDIT,
};

/* What processes that are no loader may do. */
enum wb_bpf_default {
	WB_BPF_DENY,
	WB_BPF_ALLOW,
	WB_BPF_RESTRICT, /* only from the initial mount namespace */
};

/* The kernel under watchbpf: modules, kexec, kernel memory. */
enum wb_kernel_setting {
	WB_KERNEL_ALLOW,
	WB_KERNEL_RESTRICT, /* loaders, PID 1 and the kernel's own helpers */
	WB_KERNEL_DENY,
};

enum wb_on_deny {
	WB_ON_DENY_DENY,
	WB_ON_DENY_KILL,
};

enum wb_access {
	WB_ACCESS_NONE,
	WB_ACCESS_RO,
	WB_ACCESS_RW,
};

enum wb_prog_signed {
	WB_PROG_SIGNED_OPTIONAL,
	WB_PROG_SIGNED_REQUIRED,
};

/* What code no trust names costs a loader (policy/code.c). */
enum wb_on_untrusted {
	WB_ON_UNTRUSTED_TAINT, /* it keeps running, without authority */
	WB_ON_UNTRUSTED_KILL,
	WB_ON_UNTRUSTED_DENY, /* the mapping itself fails */
};

/* What a ptrace or memory write into a loader by another task does. */
enum wb_on_takeover {
	WB_ON_TAKEOVER_DENY,
	WB_ON_TAKEOVER_TAINT,
};

/* Entries of trust.digests or of a loader's code.digests, as written: a
 * digest ("sha256:HEX"), a digests file, or a directory (ends with '/'),
 * paths made absolute; policy_load_code() reads them into a list. */
struct wb_code_refs {
	char **entries;
	struct wb_pos *pos;
	size_t nr;
	struct wb_digest_list digests; /* filled by policy_load_code() */
};

struct wb_map_rule {
	char *glob;
	enum wb_access access;
	struct wb_pos pos; /* of the glob */
};

struct wb_collateral {
	char *path; /* ends with '/' for a directory */
	bool signed_required;
	struct wb_pos pos; /* of the entry */
};

/* What a loader's programs may be; a loader without 'programs' is all
 * defaults: any program. */
struct wb_programs {
	bool present;
	struct wb_name_ref *types; /* none: any type */
	size_t nr_types;
	struct wb_name_ref *attach; /* none: any attach type */
	size_t nr_attach;
	char **names; /* fnmatch() globs; none: any name */
	size_t nr_names;
	struct wb_name_ref *deny_helpers;
	size_t nr_deny_helpers;
	/* the stricter form: every helper it does not name is denied */
	struct wb_name_ref *allow_helpers;
	size_t nr_allow_helpers;
	bool has_allow_helpers; /* allow_helpers: [] allows none */
	/* kfuncs by name, as the running kernel's BTF (vmlinux and loaded
	 * modules) spells them; allow_kfuncs denies every other kfunc */
	struct wb_name_ref *deny_kfuncs;
	size_t nr_deny_kfuncs;
	struct wb_name_ref *allow_kfuncs;
	size_t nr_allow_kfuncs;
	bool has_allow_kfuncs; /* allow_kfuncs: [] allows none */
	bool kernel_reads; /* default true; false denies wb_kernel_read_helpers */
	uint32_t max_insns; /* 0 = no limit */
	enum wb_prog_signed signed_mode;
};

/* BPF tokens (bpf/token.bpf.c, policy/tokens.c). */
enum wb_token_perm {
	WB_TOKEN_DENY,
	WB_TOKEN_ALLOW,
};

/* A loader's 'tokens': whether it may create and use BPF tokens, and the
 * most a token's delegation (its bpffs's delegate_* mount options) may
 * hold; a list left out allows anything. */
struct wb_tokens {
	bool present;
	enum wb_token_perm create;
	bool has_use;
	enum wb_token_perm use; /* written, or create's */
	struct wb_name_ref *cmds, *maps, *progs, *attachs;
	size_t nr_cmds, nr_maps, nr_progs, nr_attachs;
};

struct wb_loader {
	char *name;
	bool has_digest;
	struct fsv_digest digest;
	unsigned int line; /* 1-based line of the entry in the policy file */
	bool exec_signed; /* the executable must be signed by trust.certs */
	char *exec_path; /* NULL: any path */
	bool has_mode;
	enum wb_mode mode; /* use wb_loader_mode() */
	bool has_on_deny;
	enum wb_on_deny on_deny; /* use wb_loader_on_deny() */
	struct wb_programs programs;
	bool has_maps;
	struct wb_map_rule *maps; /* in file order: use wb_loader_map_access() */
	size_t nr_maps;
	struct wb_collateral *collateral;
	size_t nr_collateral;
	/* code: what its process may map executable, besides its executable */
	struct wb_code_refs code;
	enum wb_on_untrusted on_untrusted;
	bool jit; /* anonymous executable memory allowed */
	enum wb_on_takeover on_takeover;
	struct wb_tokens tokens;
};

struct wb_policy {
	char *path; /* as given to policy_load_*(), for messages */
	char *name;
	enum wb_mode mode;
	struct wb_loader *loaders;
	size_t nr_loaders;
	/* first 12 hex digits of the SHA-256 of the file's bytes, for logs */
	char version[WB_POLICY_VERSION_SIZE];
	/* "sha256:" and all 64 hex digits: what an admin-signed reload names */
	char sha256[WB_POLICY_SHA256_SIZE];
	/* relative paths in the file are made relative to path's directory */
	char **trust_certs;
	struct wb_pos *trust_cert_pos;
	size_t nr_trust_certs;
	/* trust.digests: code every loader may map */
	struct wb_code_refs trust_code;
	/* admin.certs: who signs the requests that end enforcement, change the
	 * policy or upgrade watchbpf (gatekeeper/admin.c) */
	char **admin_certs;
	struct wb_pos *admin_cert_pos;
	size_t nr_admin_certs;
	enum wb_bpf_default default_bpf;
	struct wb_name_ref *block; /* bpf commands, for default_bpf != DENY */
	size_t nr_block;
	enum wb_on_deny default_on_deny;
	enum wb_token_perm default_tokens; /* what a token gives a task no loader */
	enum wb_kernel_setting kernel_modules, kernel_kexec, kernel_memory;
};

/*
 * Both return 0 and fill pol, or -1 with pol zeroed and err holding exactly
 * one line "FILE:LINE:COL: message" (1-based) about the first problem found,
 * or "FILE: message" when there is no position (file cannot be read, too
 * large). err may be NULL; a too small err is truncated.
 */
int policy_load_file(const char *path, struct wb_policy *pol, char *err, size_t errlen);
/* fname is used in messages, as pol->path and as the directory relative
 * certificate paths are in; text need not be NUL-terminated. */
int policy_load_string(const char *fname, const char *text, size_t len, struct wb_policy *pol,
		       char *err, size_t errlen);
/* Safe on a zeroed policy and on one already freed; leaves pol zeroed. */
void policy_free(struct wb_policy *pol);

/* What a valid policy leaves open to root (policy/warnings.c): up to N
 * sentences into OUT, static strings; returns how many. */
#define WB_MAX_WARNINGS 4
size_t policy_warnings(const struct wb_policy *pol, const char **out, size_t n);

/*
 * Whether the policy, in force on this host, would leave its service
 * manager without the bpf() its unit settings need (policy/host_check.c):
 * mode enforce, a default that refuses PID 1, systemd as PID 1
 * (ROOT/run/systemd/system) and no loader whose exec.path and exec.digest
 * match ROOT/proc/1/exe. ROOT is "" or NULL for the host's own /proc and
 * /run (a tree of their own for tests). Returns 1 with one sentence in buf,
 * or 0 (buf "") when there is nothing to say or it cannot be known (no
 * systemd, /proc/1/exe unreadable without root, no digest to compare).
 */
int policy_host_warning(const struct wb_policy *pol, const char *root, char *buf, size_t len);

/*
 * Fills the id of every wb_name_ref: program and attach types from libbpf's
 * names, helpers and bpf commands from vmlinux's enum bpf_func_id and enum
 * bpf_cmd. vmlinux may be NULL: helpers and commands then keep id -1. Returns
 * 0, or -1 with all ids -1 and err as for policy_load_file() ("unknown
 * helper 'x' (did you mean 'y'?)").
 */
int policy_resolve(struct wb_policy *pol, const struct btf *vmlinux, char *err, size_t errlen);

/* Each trust.certs file must hold a PEM certificate. Returns 0, or -1 with
 * err "FILE:LINE:COL: ..." at the first bad entry. */
int policy_check_certs(const struct wb_policy *pol, char *err, size_t errlen);

/* Reads every trust.digests and code.digests entry (digests files,
 * directories of verity files) into its list (policy/code.c). 0, or -1 with
 * err "FILE:LINE:COL: ..." at the entry. */
int policy_load_code(struct wb_policy *pol, char *err, size_t errlen);

/* The loader's override, or the policy's. */
enum wb_mode wb_loader_mode(const struct wb_policy *p, const struct wb_loader *l);
enum wb_on_deny wb_loader_on_deny(const struct wb_policy *p, const struct wb_loader *l);
/* First matching rule wins; a loader without 'maps' gets RW on everything;
 * with 'maps' and no match: NONE. */
enum wb_access wb_loader_map_access(const struct wb_loader *l, const char *map_name);

/* Helpers (without BPF_FUNC_) that 'kernel_reads: false' denies. */
extern const char *const wb_kernel_read_helpers[];
extern const size_t wb_nr_kernel_read_helpers;

/* A kernel name as policies spell them: [a-z][a-z0-9_]*, at most
 * WB_KNAME_MAX (BPF_FUNC_probe_write_user is probe_write_user). */
bool wb_kname_ok(const char *s, size_t len);

/* kfuncs that 'kernel_reads: false' denies (policy/kfuncs.c) */
extern const char *const wb_kernel_read_kfuncs[];
extern const size_t wb_nr_kernel_read_kfuncs;
bool wb_is_kernel_read_kfunc(const char *name);
/* Where module BTF is: /sys/kernel/btf; tests point it elsewhere. */
extern const char *wb_kfunc_btf_dir;
/* Calls add(arg, NAME) for every kfunc of vmlinux's BTF and of every
 * module's under wb_kfunc_btf_dir (a name may come twice). 0, or add()'s
 * first non-zero return. */
int wb_kfunc_names(const struct btf *vmlinux, int (*add)(void *arg, const char *name), void *arg);

/* As spelled in the policy file ("enforce", "restrict", "kill", "ro",
 * "required"); "unknown" for a value out of range. */
const char *wb_mode_name(enum wb_mode m);
const char *wb_bpf_default_name(enum wb_bpf_default b);
const char *wb_kernel_setting_name(enum wb_kernel_setting k);
const char *wb_on_deny_name(enum wb_on_deny d);
const char *wb_access_name(enum wb_access a);
const char *wb_prog_signed_name(enum wb_prog_signed s);
const char *wb_on_untrusted_name(enum wb_on_untrusted u);
const char *wb_on_takeover_name(enum wb_on_takeover t);
const char *wb_token_perm_name(enum wb_token_perm t);

#endif
