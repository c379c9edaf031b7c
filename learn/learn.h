/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `watchbpf learn` and the daemon's --learn: a policy that allows what a
 * decision log shows and nothing else (docs/learn.md).
 *
 * learn.c holds the model: one entry per executable (by fs-verity digest)
 * with the program types, attach types, names, helpers, kfuncs, sizes and
 * map accesses its records show. globs.c collapses generated program names
 * into globs, emit.c writes the model as a policy (alone, or merged into an
 * existing one without widening it), learn_cmd.c is the command.
 */
#ifndef WATCHBPF_LEARN_H
#define WATCHBPF_LEARN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "log/record.h"
#include "policy/policy.h"

/* A sorted set of strings, bounded by WB_LIST_MAX (a policy list's bound). */
struct strset {
	char **v;
	size_t n, cap;
	bool overflow; /* an entry past WB_LIST_MAX was dropped */
};

int strset_add(struct strset *s, const char *str, size_t len); /* 0, or -ENOMEM */
bool strset_has(const struct strset *s, const char *str);
void strset_free(struct strset *s);

struct learn_map {
	char *name;
	bool rw; /* created or written; else only read */
};

/* What the records of one executable show. */
struct learn_exe {
	char *digest; /* "sha256:HEX" (lower case), or NULL: a loader known by name alone */
	char *loader; /* the loader name its records gave, or NULL */
	char *path; /* its path, from an exec record, or NULL */
	char *comm; /* a record's comm: its name when no path is known */
	uint64_t records, loads;
	struct strset types, attach, names, helpers, kfuncs;
	/* a load record without the member: that key cannot be learned */
	bool types_unknown, attach_unknown, helpers_unknown, kfuncs_unknown, insns_unknown;
	bool kfuncs_cut; /* a record's kfuncs ended in ",...": more than it could list */
	bool unnamed_prog; /* a program without a name: names cannot be listed */
	uint64_t max_insns;
	struct learn_map *maps;
	size_t nr_maps, cap_maps;
	bool maps_overflow;
	uint64_t unnamed_maps, bad_names; /* names no rule can spell, skipped */
};

struct learn_stats {
	uint64_t records; /* parsed records given */
	uint64_t used; /* bpf records learned from */
	uint64_t daemon; /* the daemon's own records */
	uint64_t identity; /* exec and adoption records: who is who */
	uint64_t not_bpf; /* other ops: open, signal, mmap, ... */
	uint64_t denied; /* refused for real (not audit): never happened */
	uint64_t no_digest; /* bpf records of a task no record gives a digest for */
	uint64_t probes; /* feature probes: unnamed programs of a few instructions */
};

#define LEARN_PROCS 4096 /* pid -> executable slots, overwritten when full */

struct learn_proc {
	uint64_t boot; /* hash of the record's boot_id */
	uint32_t pid;
	int exe; /* index into exes, -1: a program learn knows nothing of */
	bool used;
};

struct learn_alias {
	char *loader;
	int exe;
};

struct learn {
	struct learn_exe *exes;
	size_t nr_exes, cap_exes;
	struct learn_proc procs[LEARN_PROCS];
	struct learn_alias *aliases; /* loader name -> executable, from exec records */
	size_t nr_aliases, cap_aliases;
	/* loaders of this policy whose records name them: their digests
	 * (the daemon's own policy, or --policy when the log was made under it) */
	const struct wb_policy *base;
	/* the daemon: measure the digest of an exec'd file that is no loader
	 * (FS_IOC_MEASURE_VERITY), so its records can be learned too */
	bool measure_exec;
	struct learn_stats st;
	bool oom;
};

void learn_init(struct learn *l);
void learn_free(struct learn *l);
/* One parsed record. 0, or -ENOMEM (the model stays as it was). */
int learn_add(struct learn *l, const struct wb_record *r);

/* "sha256:HEX" / "sha512:HEX" into lower case in out[FSV_DIGEST_STR_SIZE]; false if not one */
bool learn_digest_norm(const char *s, char *out, size_t len);
/* A kernel name as policies spell them: [a-z][a-z0-9_]*, at most 63 */
bool learn_kname_ok(const char *s, size_t len);
/* A program or map name the kernel keeps: [A-Za-z0-9_.], 1 to 15 */
bool learn_objname_ok(const char *s, size_t len);

/*
 * Program names as globs: names that differ only in a trailing number
 * (bpftrace's kprobe_foo_1, kprobe_foo_2) become one "kprobe_foo_*"; a name
 * alone, and names whose stem would be empty, stay exact. Never "*". out
 * gets the sorted, unique result (globs.c). 0 or -ENOMEM.
 */
int learn_collapse_names(const struct strset *names, struct strset *out);

/* ---- emit.c ---- */

struct learn_emit_opts {
	const char *name; /* the new policy's name; NULL: "learned" */
	/* merge into this policy: its text (kept as written) and its parse */
	const char *base_text;
	size_t base_len;
	const struct wb_policy *base;
	FILE *warn; /* warnings ("watchbpf: warning: ..."), may be NULL */
};

/*
 * The policy text, in *out (malloc'd, NUL-terminated, *len bytes),
 * deterministic: loaders by name, lists sorted. It is parsed again
 * (policy_load_string(), policy_resolve()) before it is given back, so
 * what comes back always passes `watchbpf check`. 0, or -1 with err.
 */
int learn_emit(const struct learn *l, const struct learn_emit_opts *o, char **out, size_t *len,
	       char *err, size_t errlen);

/* The same text, not checked: for the tests of what learn_emit() checks. */
int learn_emit_text(const struct learn *l, const struct learn_emit_opts *o, char **out,
		    size_t *len, char *err, size_t errlen);

/* learn_emit() into path, atomically (tmp + rename), mode 0600. 0 or -1 with err. */
int learn_write(const struct learn *l, const struct learn_emit_opts *o, const char *path,
		char *err, size_t errlen);

#endif
