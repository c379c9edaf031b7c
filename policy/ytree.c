// SPDX-License-Identifier: GPL-2.0
/*
 * libyaml events to a ynode tree. The event API is used rather than
 * yaml_parser_load() because the loader resolves aliases into shared nodes
 * and replaces a missing tag by the default one, which would hide exactly
 * the constructs a policy must refuse.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "policy/ytree.h"

#define YSHOW_MAX_BYTES 160
_Static_assert(YSHOW_SIZE >= (size_t)4 * YSHOW_MAX_BYTES + sizeof("..."), "YSHOW_SIZE too small");

struct builder {
	struct yerr *e;
	struct ynode *root;
	struct ynode *cur; /* innermost open mapping or sequence */
	unsigned int depth;
	unsigned int docs;
};

int yerr_at(struct yerr *e, unsigned int line, unsigned int col, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (e->set)
		return -1;
	e->set = true;
	if (!e->buf || !e->size)
		return -1;
	va_start(ap, fmt);
	if (line)
		n = snprintf(e->buf, e->size, "%s:%u:%u: ", e->fname, line, col);
	else
		n = snprintf(e->buf, e->size, "%s: ", e->fname);
	if (n >= 0 && (size_t)n < e->size)
		vsnprintf(e->buf + n, e->size - n, fmt, ap);
	va_end(ap);
	return -1;
}

const char *yshow(const char *s, size_t len, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	bool cut = len > YSHOW_MAX_BYTES;
	char *p = buf;

	if (cut) {
		/* do not leave half a UTF-8 character before the "..." */
		len = YSHOW_MAX_BYTES;
		while (len && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == '\'' || c == '\\') {
			*p++ = '\\';
			*p++ = c;
		} else if (c == '\n') {
			*p++ = '\\';
			*p++ = 'n';
		} else if (c == '\t') {
			*p++ = '\\';
			*p++ = 't';
		} else if (c < 0x20 || c == 0x7f) {
			*p++ = '\\';
			*p++ = 'x';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 0xf];
		} else {
			*p++ = c;
		}
	}
	if (cut) {
		memcpy(p, "...", 3);
		p += 3;
	}
	*p = '\0';
	return buf;
}

bool ynode_is_null(const struct ynode *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };

	if (n->kind != YNODE_SCALAR || !n->plain)
		return false;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (!strcmp(n->str, nulls[i]))
			return true;
	return false;
}

const char *ynode_kind_name(const struct ynode *n)
{
	switch (n->kind) {
	case YNODE_MAP:
		return "a mapping";
	case YNODE_SEQ:
		return "a sequence";
	case YNODE_SCALAR:
		break;
	}
	if (ynode_is_null(n))
		return n->len ? "null" : "an empty value";
	return "a scalar";
}

const struct ynode *ynode_map_get(const struct ynode *map, const char *key)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i + 1 < map->nr; i += 2) {
		const struct ynode *k = map->items[i];

		if (k->kind == YNODE_SCALAR && k->len == klen && !memcmp(k->str, key, klen))
			return map->items[i + 1];
	}
	return NULL;
}

void ytree_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nr; i++)
		ytree_free(n->items[i]);
	free(n->items);
	free(n->str);
	free(n);
}

/*
 * libyaml gives no mark for reader errors (bad UTF-8, control characters),
 * only a byte offset: count lines and characters up to it like libyaml's
 * marks do.
 */
static void offset_to_pos(const char *text, size_t len, size_t off, unsigned int *line,
			  unsigned int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

static int syntax_error(struct yerr *e, const yaml_parser_t *p, const char *text, size_t len)
{
	unsigned int line, col;

	switch (p->error) {
	case YAML_READER_ERROR:
		offset_to_pos(text, len, p->problem_offset, &line, &col);
		if (p->problem_value < 0)
			return yerr_at(e, line, col, "invalid text: %s", p->problem);
		return yerr_at(e, line, col, "invalid text: %s (0x%02x)", p->problem,
			       (unsigned int)p->problem_value);
	case YAML_SCANNER_ERROR:
	case YAML_PARSER_ERROR:
		line = p->problem_mark.line + 1;
		col = p->problem_mark.column + 1;
		if (!p->context)
			return yerr_at(e, line, col, "YAML syntax error: %s", p->problem);
		if (p->context_mark.line == p->problem_mark.line)
			return yerr_at(e, line, col, "YAML syntax error: %s (%s)", p->problem,
				       p->context);
		return yerr_at(e, line, col, "YAML syntax error: %s (%s at line %zu)", p->problem,
			       p->context, p->context_mark.line + 1);
	default:
		return yerr_at(e, 0, 0, "cannot parse: %s",
			       p->problem ? p->problem : "out of memory");
	}
}

static struct ynode *node_new(enum ynode_kind kind, const yaml_mark_t *m)
{
	struct ynode *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->kind = kind;
	n->line = m->line + 1;
	n->col = m->column + 1;
	return n;
}

static int node_append(struct ynode *parent, struct ynode *n)
{
	if (parent->nr == parent->cap) {
		size_t cap = parent->cap ? 2 * parent->cap : 4;
		/* an array of pointers: sizeof(pointer) is meant */
		struct ynode **items = reallocarray(
			parent->items, cap, sizeof(*items)); // NOLINT(bugprone-sizeof-expression)

		if (!items)
			return -1;
		parent->items = items;
		parent->cap = cap;
	}
	parent->items[parent->nr++] = n;
	n->parent = parent;
	return 0;
}

/* Anchors and tags would give a value a meaning not visible where it is
 * written (or not defined by the schema at all): refuse both. */
static int check_props(struct builder *b, const yaml_event_t *ev, const yaml_char_t *anchor,
		       const yaml_char_t *tag)
{
	char buf[YSHOW_SIZE];

	if (anchor)
		return yerr_at(b->e, ev->start_mark.line + 1, ev->start_mark.column + 1,
			       "anchors are not supported (found '&%s')",
			       yshow((const char *)anchor, strlen((const char *)anchor), buf));
	if (tag)
		return yerr_at(b->e, ev->start_mark.line + 1, ev->start_mark.column + 1,
			       "tags are not supported (found tag '%s')",
			       yshow((const char *)tag, strlen((const char *)tag), buf));
	return 0;
}

static struct ynode *scalar_new(const yaml_event_t *ev)
{
	struct ynode *n = node_new(YNODE_SCALAR, &ev->start_mark);

	if (!n)
		return NULL;
	n->len = ev->data.scalar.length;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	n->str = malloc(n->len + 1);
	if (!n->str) {
		free(n);
		return NULL;
	}
	memcpy(n->str, ev->data.scalar.value, n->len);
	n->str[n->len] = '\0';
	return n;
}

/* Takes n into the tree (or frees it). */
static int attach(struct builder *b, struct ynode *n)
{
	if (b->cur) {
		if (node_append(b->cur, n)) {
			ytree_free(n);
			return yerr_at(b->e, 0, 0, "out of memory");
		}
	} else if (!b->root) {
		b->root = n;
	} else {
		/* libyaml gives one root per document, and only one is let in */
		yerr_at(b->e, n->line, n->col, "more than one document root");
		ytree_free(n);
		return -1;
	}
	if (n->kind == YNODE_SCALAR)
		return 0;
	b->cur = n;
	if (++b->depth > YTREE_MAX_DEPTH)
		return yerr_at(b->e, n->line, n->col, "nesting too deep (more than %d levels)",
			       YTREE_MAX_DEPTH);
	return 0;
}

static int handle_event(struct builder *b, const yaml_event_t *ev)
{
	const yaml_mark_t *m = &ev->start_mark;
	struct ynode *n;
	char buf[YSHOW_SIZE];

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (b->docs++)
			return yerr_at(b->e, m->line + 1, m->column + 1,
				       "more than one YAML document (a policy file holds one)");
		return 0;
	case YAML_ALIAS_EVENT:
		return yerr_at(b->e, m->line + 1, m->column + 1,
			       "aliases are not supported (found '*%s')",
			       yshow((const char *)ev->data.alias.anchor,
				     strlen((const char *)ev->data.alias.anchor), buf));
	case YAML_SCALAR_EVENT:
		if (check_props(b, ev, ev->data.scalar.anchor, ev->data.scalar.tag))
			return -1;
		n = scalar_new(ev);
		if (!n)
			return yerr_at(b->e, 0, 0, "out of memory");
		return attach(b, n);
	case YAML_SEQUENCE_START_EVENT:
		if (check_props(b, ev, ev->data.sequence_start.anchor, ev->data.sequence_start.tag))
			return -1;
		n = node_new(YNODE_SEQ, m);
		if (!n)
			return yerr_at(b->e, 0, 0, "out of memory");
		return attach(b, n);
	case YAML_MAPPING_START_EVENT:
		if (check_props(b, ev, ev->data.mapping_start.anchor, ev->data.mapping_start.tag))
			return -1;
		n = node_new(YNODE_MAP, m);
		if (!n)
			return yerr_at(b->e, 0, 0, "out of memory");
		return attach(b, n);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (b->cur) { /* always, libyaml balances start and end */
			b->cur = b->cur->parent;
			b->depth--;
		}
		return 0;
	default:
		return 0;
	}
}

int ytree_parse(struct yerr *e, const char *text, size_t len, struct ynode **root)
{
	struct builder b = { .e = e };
	yaml_parser_t parser;
	yaml_event_t ev;
	int ret = -1;

	*root = NULL;
	if (!yaml_parser_initialize(&parser))
		return yerr_at(e, 0, 0, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	/* no guessing: a UTF-16 file is an error like any other bad byte */
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

	for (;;) {
		bool done, failed;

		if (!yaml_parser_parse(&parser, &ev)) {
			syntax_error(e, &parser, text, len);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		failed = handle_event(&b, &ev);
		yaml_event_delete(&ev);
		if (failed)
			break;
		if (done) {
			ret = 0;
			break;
		}
	}

	yaml_parser_delete(&parser);
	if (ret)
		ytree_free(b.root);
	else
		*root = b.root;
	return ret;
}
