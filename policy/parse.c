// SPDX-License-Identifier: GPL-2.0
/*
 * Policy files: YAML text -> ynode tree (ytree.c) -> struct wb_policy, by
 * walking the tree with the schema tables below. A new key is one more
 * struct field entry and one more member in policy.h; the walk, the error
 * messages and the "expected:" key lists all come from the tables.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsverity/digest.h"
#include "lib/util.h"
#include "policy/policy.h"
#include "policy/ytree.h"

/* More than any mapping of the schema has keys; sizes the "seen" arrays. */
#define SCHEMA_MAX_FIELDS 16

enum field_type {
	FT_STRING, /* char *; with .punct: 1..max_len of [A-Za-z0-9] and .punct */
	FT_ENUM, /* int (an enum), one of .names */
	FT_DIGEST, /* struct fsv_digest */
	FT_MAP, /* .schema filled into the struct at .off (0: this one) */
	FT_SEQ, /* array of .schema structs at .off, count at .count_off */
};

enum field_flags {
	FF_REQUIRED = 1 << 0,
	FF_HAS = 1 << 1, /* set the bool at .has_off when the key is present */
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
	/* FT_ENUM: names[0] is the default */
	const struct enum_name *names;
	size_t nr_names;
	/* FT_MAP, FT_SEQ */
	const struct schema *schema;
	/* FT_SEQ */
	size_t count_off;
	size_t elem_size;
	const char *unique; /* FT_STRING key of .schema no two entries share */
};

struct schema {
	const char *what; /* for messages: "unknown key 'x' in <what>" */
	const struct field *fields;
	size_t nr_fields;
	bool store_line; /* the mapping's line into the unsigned int at .line_off */
	size_t line_off;
};

/* FT_ENUM values are stored through an int *. */
_Static_assert(sizeof(enum wb_mode) == sizeof(int), "enum wb_mode is not int-sized");

static const struct enum_name mode_names[] = {
	{ "enforce", WB_MODE_ENFORCE },
	{ "audit", WB_MODE_AUDIT },
};

static const struct field exec_fields[] = {
	{
		.key = "digest",
		.type = FT_DIGEST,
		/* optional once "signed: true" is accepted as the alternative */
		.flags = FF_REQUIRED | FF_HAS,
		.off = offsetof(struct wb_loader, digest),
		.has_off = offsetof(struct wb_loader, has_digest),
	},
};

/* exec's keys describe the loader itself, so they fill struct wb_loader. */
static const struct schema exec_schema = {
	.what = "exec",
	.fields = exec_fields,
	.nr_fields = ARRAY_SIZE(exec_fields),
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
		.key = "exec",
		.type = FT_MAP,
		.flags = FF_REQUIRED,
		.off = 0,
		.schema = &exec_schema,
	},
};

static const struct schema loader_schema = {
	.what = "loader",
	.fields = loader_fields,
	.nr_fields = ARRAY_SIZE(loader_fields),
	.store_line = true,
	.line_off = offsetof(struct wb_loader, line),
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
		.key = "loaders",
		.type = FT_SEQ,
		.flags = FF_REQUIRED,
		.off = offsetof(struct wb_policy, loaders),
		.schema = &loader_schema,
		.count_off = offsetof(struct wb_policy, nr_loaders),
		.elem_size = sizeof(struct wb_loader),
		.unique = "name",
	},
};

static const struct schema policy_schema = {
	.what = "policy",
	.fields = policy_fields,
	.nr_fields = ARRAY_SIZE(policy_fields),
};

_Static_assert(ARRAY_SIZE(policy_fields) <= SCHEMA_MAX_FIELDS, "raise SCHEMA_MAX_FIELDS");
_Static_assert(ARRAY_SIZE(loader_fields) <= SCHEMA_MAX_FIELDS, "raise SCHEMA_MAX_FIELDS");
_Static_assert(ARRAY_SIZE(exec_fields) <= SCHEMA_MAX_FIELDS, "raise SCHEMA_MAX_FIELDS");

const char *wb_mode_name(enum wb_mode m)
{
	for (size_t i = 0; i < ARRAY_SIZE(mode_names); i++)
		if (mode_names[i].value == (int)m)
			return mode_names[i].name;
	return "unknown";
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

/* The scalar text of v as a C string, or an error naming the key. */
static int get_string(struct yerr *e, const struct field *f, const struct ynode *v, const char **s)
{
	if (v->kind != YNODE_SCALAR || ynode_is_null(v))
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

static int set_enum(struct yerr *e, const struct field *f, const struct ynode *v, void *dst)
{
	char names[128], buf[YSHOW_SIZE];

	if (v->kind != YNODE_SCALAR || ynode_is_null(v))
		return perr(e, v, "'%s' must be one of: %s (got %s)", f->key,
			    enum_names(f, names, sizeof(names)), ynode_kind_name(v));
	for (size_t i = 0; i < f->nr_names; i++) {
		const char *name = f->names[i].name;

		if (strlen(name) == v->len && !memcmp(name, v->str, v->len)) {
			*(int *)dst = f->names[i].value;
			return 0;
		}
	}
	return perr(e, v, "'%s' must be one of: %s (got '%s')", f->key,
		    enum_names(f, names, sizeof(names)), yshow(v->str, v->len, buf));
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
	case FT_MAP:
		if (v->kind != YNODE_MAP)
			return perr(e, v, "'%s' must be a mapping, got %s", f->key,
				    ynode_kind_name(v));
		ret = walk_map(e, f->schema, v, dst);
		break;
	case FT_SEQ:
		ret = walk_seq(e, f, v, base);
		break;
	}
	if (!ret && (f->flags & FF_HAS))
		*(bool *)member(base, f->has_off) = true;
	return ret;
}

static void set_default(const struct field *f, void *base)
{
	if (f->type == FT_ENUM)
		*(int *)member(base, f->off) = f->names[0].value;
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
	return 0;
}

void policy_free(struct wb_policy *pol)
{
	for (size_t i = 0; i < pol->nr_loaders; i++)
		free(pol->loaders[i].name);
	free(pol->loaders);
	free(pol->name);
	free(pol->path);
	memset(pol, 0, sizeof(*pol));
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
