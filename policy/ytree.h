/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small YAML document tree built from libyaml's events, restricted to what
 * a policy needs: one document of mappings, sequences and untagged scalars.
 * Anchors, aliases and tags are refused here rather than resolved, so the
 * schema walk in parse.c sees every value exactly where it was written.
 * Internal to policy/.
 */
#ifndef WATCHBPF_POLICY_YTREE_H
#define WATCHBPF_POLICY_YTREE_H

#include <stdbool.h>
#include <stddef.h>

/* Deeper than any valid policy; bounds the recursion of the tree walks. */
#define YTREE_MAX_DEPTH 32

/* Room for a value shown by yshow(), quotes excluded. */
#define YSHOW_SIZE 656

enum ynode_kind {
	YNODE_SCALAR,
	YNODE_MAP,
	YNODE_SEQ,
};

struct ynode {
	enum ynode_kind kind;
	unsigned int line, col; /* 1-based, in characters */
	bool plain; /* scalar: not quoted, not a block scalar */
	char *str; /* scalar: NUL-terminated, may contain NULs */
	size_t len;
	struct ynode **items; /* map: key, value, key, value, ... */
	size_t nr, cap;
	struct ynode *parent;
};

/* The first error of a parse; later ones are dropped. */
struct yerr {
	const char *fname;
	char *buf; /* may be NULL */
	size_t size;
	bool set;
};

/*
 * Writes "FNAME:LINE:COL: message" (or "FNAME: message" if line is 0) into
 * e->buf unless an error was already recorded. Always returns -1.
 */
int yerr_at(struct yerr *e, unsigned int line, unsigned int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Parses text into *root (NULL if the stream holds no document). Returns 0,
 * or -1 with the error in e and *root NULL.
 */
int ytree_parse(struct yerr *e, const char *text, size_t len, struct ynode **root);
void ytree_free(struct ynode *n);

/* A plain ~, null, Null, NULL or nothing at all. */
bool ynode_is_null(const struct ynode *n);
/* "a scalar", "a mapping", "a sequence", "null" or "an empty value". */
const char *ynode_kind_name(const struct ynode *n);
/* The value of key in mapping map, or NULL. */
const struct ynode *ynode_map_get(const struct ynode *map, const char *key);

/*
 * s made safe to quote in a one-line message: control characters, quotes
 * and backslashes escaped, cut after 160 bytes with "...". buf needs
 * YSHOW_SIZE bytes; returns buf.
 */
const char *yshow(const char *s, size_t len, char *buf);

#endif
