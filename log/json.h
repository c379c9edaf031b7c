/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON writer and reader for the decision log's flat schema: one
 * object per line whose members are strings, integers, booleans or null.
 * The writer is in the spirit of bpftool's json_writer, but fills a caller's
 * buffer with snprintf()'s contract (never past the end, the would-be length
 * counted), so the hot path allocates nothing.
 */
#ifndef WATCHBPF_LOG_JSON_H
#define WATCHBPF_LOG_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The escaped form of one string value is cut to this many bytes, ending
 * in "...": with the schema's 17 free-form strings that keeps every line
 * under WB_LINE_MAX (64 KiB), the longest line readers accept, yet holds
 * all but pathological paths whole.
 */
#define JSON_STR_MAX 3072

struct jw {
	char *buf;
	size_t len;
	size_t off; /* bytes written, or that would have been */
};

void jw_init(struct jw *w, char *buf, size_t len);
void jw_raw(struct jw *w, const char *s, size_t n);
/* A literal, without strlen() */
#define jw_lit(w, s) jw_raw((w), (s), sizeof(s) - 1)
/*
 * "s", escaped: '"' and '\' backslashed, bytes below 0x20 and 0x7f as
 * \u00XX, valid UTF-8 passed through, each byte of an invalid sequence as
 * U+FFFD. NULL writes null.
 */
void jw_str(struct jw *w, const char *s);
void jw_u64(struct jw *w, uint64_t v);
void jw_i64(struct jw *w, int64_t v);
void jw_bool(struct jw *w, bool v);
/* NUL-terminates within len (when len > 0); returns the would-be length. */
int jw_finish(struct jw *w);

enum jtype {
	J_NULL,
	J_BOOL,
	J_INT,
	J_STR,
};

struct jval {
	enum jtype type;
	bool b;
	bool neg; /* J_INT: negative; u holds the magnitude */
	uint64_t u;
	const char *s; /* J_STR: unescaped, NUL-terminated, in the scratch */
	size_t slen;
};

/*
 * Reads one flat object. Strings are unescaped into scratch, which needs at
 * most as many bytes as the line: every decoded string is shorter than its
 * quoted form. Whitespace between tokens is allowed; nested values and
 * non-integer numbers are not part of the schema and are errors.
 */
struct jr {
	const char *start, *p, *end;
	char *out, *out_end;
	const char *err; /* why the last call failed */
};

/* 0, or -1 when the line is not an object's start. */
int jr_begin(struct jr *r, const char *line, size_t len, char *scratch, size_t scratch_len);
/*
 * 1 with the next member: its name is key[0..klen), not NUL-terminated
 * (it may point into the line), *member_off the offset in the line of the
 * ',' or '{' before it. 0 after the closing brace when nothing but
 * whitespace follows, -1 on a syntax error (r->err).
 */
int jr_member(struct jr *r, const char **key, size_t *klen, struct jval *v, size_t *member_off);
/*
 * The same when the member's name is lit[0..n), spelled '"name":' as a
 * writer without whitespace puts it: 0 (and nothing read) when the next
 * member is not written so. Lines of our own writer take this path.
 */
int jr_member_lit(struct jr *r, const char *lit, size_t n, struct jval *v, size_t *member_off);

#endif
