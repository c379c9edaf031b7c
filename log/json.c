// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "log/json.h"

void jw_init(struct jw *w, char *buf, size_t len)
{
	w->buf = buf;
	w->len = len;
	w->off = 0;
}

void jw_raw(struct jw *w, const char *s, size_t n)
{
	if (w->off < w->len)
		memcpy(w->buf + w->off, s, n < w->len - w->off ? n : w->len - w->off);
	w->off += n;
}

static void jw_putc(struct jw *w, char c)
{
	if (w->off < w->len)
		w->buf[w->off] = c;
	w->off++;
}

/* 1: copied as is; 0: needs escaping or UTF-8 validation */
static const unsigned char plain[256] = {
	[0x20 ... 0x21] = 1, /* all printable ASCII but '"' (0x22) and '\\' (0x5c) */
	[0x23 ... 0x5b] = 1,
	[0x5d ... 0x7e] = 1,
};

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid
 * (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

void jw_str(struct jw *w, const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t start, used, cut = 0, k, adv;
	const char *piece;
	char esc[6];

	if (!str) {
		jw_lit(w, "null");
		return;
	}
	jw_putc(w, '"');
	start = w->off;
	while (*s) {
		used = w->off - start;
		piece = esc;
		adv = 1;
		if (plain[*s]) {
			for (k = 1; plain[s[k]]; k++)
				;
			/* end a run that straddles the cut point on it */
			if (used < JSON_STR_MAX - 3 && used + k > JSON_STR_MAX - 3)
				k = JSON_STR_MAX - 3 - used;
			piece = (const char *)s;
			adv = k;
		} else if (*s == '"' || *s == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*s;
			k = 2;
		} else if (*s < 0x80) {
			/* control characters and DEL: nothing a terminal or a
			 * line-oriented tool could trip over stays raw */
			esc[0] = '\\';
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[*s >> 4];
			esc[5] = hex[*s & 0xf];
			k = 6;
		} else {
			k = utf8_len(s, strnlen((const char *)s, 4));
			if (k) {
				piece = (const char *)s;
				adv = k;
			} else {
				/* JSON must be UTF-8: one U+FFFD per bad byte */
				piece = "\xef\xbf\xbd";
				k = 3;
			}
		}
		/* a value longer than the cap ends in "..." at the last piece
		 * boundary where that still fits; one within the cap is whole */
		if (used <= JSON_STR_MAX - 3)
			cut = w->off;
		if (used + k > JSON_STR_MAX) {
			w->off = cut;
			jw_lit(w, "...");
			break;
		}
		jw_raw(w, piece, k);
		s += adv;
	}
	jw_putc(w, '"');
}

void jw_u64(struct jw *w, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	jw_raw(w, tmp + i, sizeof(tmp) - i);
}

void jw_i64(struct jw *w, int64_t v)
{
	if (v < 0) {
		jw_putc(w, '-');
		jw_u64(w, -(uint64_t)v);
	} else {
		jw_u64(w, (uint64_t)v);
	}
}

void jw_bool(struct jw *w, bool v)
{
	if (v)
		jw_lit(w, "true");
	else
		jw_lit(w, "false");
}

int jw_finish(struct jw *w)
{
	if (w->len)
		w->buf[w->off < w->len ? w->off : w->len - 1] = '\0';
	return (int)w->off;
}

/* ---- reader ------------------------------------------------------------ */

static void skip_ws(struct jr *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\r' || *r->p == '\n'))
		r->p++;
}

static int fail(struct jr *r, const char *why)
{
	r->err = why;
	return -1;
}

int jr_begin(struct jr *r, const char *line, size_t len, char *scratch, size_t scratch_len)
{
	r->start = line;
	r->p = line;
	r->end = line + len;
	r->out = scratch;
	r->out_end = scratch + scratch_len;
	r->err = NULL;
	skip_ws(r);
	if (r->p == r->end || *r->p != '{')
		return fail(r, "not a JSON object");
	return 0;
}

static int hex4(const char *p, unsigned int *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			*v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*v |= c - 'A' + 10;
		else
			return -1;
	}
	return 0;
}

static char *put_utf8(char *o, unsigned int cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/*
 * Offset of the first '"', '\\' or control byte in p[0..n), or n: eight
 * bytes at a time (the "has zero byte" and "has byte less than" bit
 * tricks), as this loop is most of what reading a log costs.
 */
static size_t plain_run(const char *p, size_t n)
{
	uint64_t x, hit;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&x, p + i, 8);
		hit = ((x ^ (ONES * '"')) - ONES) & ~(x ^ (ONES * '"'));
		hit |= ((x ^ (ONES * '\\')) - ONES) & ~(x ^ (ONES * '\\'));
		hit |= (x - ONES * 0x20) & ~x;
		hit &= HIGHS;
		/* the lowest flagged byte is exact; little-endian: lowest first */
		if (hit)
			return i + (__builtin_ctzll(hit) >> 3);
	}
	for (; i < n; i++)
		if (p[i] == '"' || p[i] == '\\' || (unsigned char)p[i] < 0x20)
			break;
	return i;
}

/* At the opening quote: unescapes into the scratch. Each escape decodes to
 * fewer bytes than it takes, so the output never outgrows the input. */
static int read_string(struct jr *r, const char **s, size_t *n)
{
	const char *p = r->p + 1;
	char *o = r->out;
	unsigned int cp, lo;
	size_t k;

	if ((size_t)(r->out_end - o) < (size_t)(r->end - r->p))
		return fail(r, "line longer than the scratch buffer");
	for (;;) {
		k = plain_run(p, r->end - p);
		memcpy(o, p, k);
		o += k;
		p += k;
		if (p == r->end)
			return fail(r, "unterminated string");
		if (*p == '"')
			break;
		if (*p != '\\')
			return fail(r, "control character in a string");
		if (++p == r->end)
			return fail(r, "unterminated string");
		switch (*p++) {
		case '"':
			*o++ = '"';
			break;
		case '\\':
			*o++ = '\\';
			break;
		case '/':
			*o++ = '/';
			break;
		case 'b':
			*o++ = '\b';
			break;
		case 'f':
			*o++ = '\f';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u':
			if (r->end - p < 4 || hex4(p, &cp))
				return fail(r, "bad \\u escape");
			p += 4;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return fail(r, "lone surrogate in \\u escape");
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (r->end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
				    hex4(p + 2, &lo) || lo < 0xdc00 || lo > 0xdfff)
					return fail(r, "lone surrogate in \\u escape");
				p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			if (!cp)
				return fail(r, "NUL in a string");
			o = put_utf8(o, cp);
			break;
		default:
			return fail(r, "bad escape in a string");
		}
	}
	*o = '\0';
	*s = r->out;
	*n = o - r->out;
	r->out = o + 1;
	r->p = p + 1;
	return 0;
}

/* A member name without escapes is used where it is, uncopied. */
static int read_key(struct jr *r, const char **s, size_t *n)
{
	const char *p = r->p + 1;
	size_t k = plain_run(p, r->end - p);

	if (p + k < r->end && p[k] == '"') {
		*s = p;
		*n = k;
		r->p = p + k + 1;
		return 0;
	}
	return read_string(r, s, n);
}

static int read_int(struct jr *r, struct jval *v)
{
	const char *p = r->p;
	uint64_t u = 0;

	v->neg = *p == '-';
	if (v->neg)
		p++;
	if (p == r->end || *p < '0' || *p > '9')
		return fail(r, "bad value");
	for (; p < r->end && *p >= '0' && *p <= '9'; p++) {
		if (u > (UINT64_MAX - 9) / 10)
			return fail(r, "number out of range");
		u = u * 10 + (uint64_t)(*p - '0');
	}
	if (p < r->end && (*p == '.' || *p == 'e' || *p == 'E'))
		return fail(r, "not an integer");
	v->type = J_INT;
	v->u = u;
	r->p = p;
	return 0;
}

static int read_word(struct jr *r, const char *word, size_t n)
{
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n))
		return fail(r, "bad value");
	r->p += n;
	return 0;
}

static int read_value(struct jr *r, struct jval *v)
{
	if (r->p == r->end)
		return fail(r, "missing value");
	memset(v, 0, sizeof(*v));
	switch (*r->p) {
	case '"':
		v->type = J_STR;
		return read_string(r, &v->s, &v->slen);
	case 't':
		v->type = J_BOOL;
		v->b = true;
		return read_word(r, "true", 4);
	case 'f':
		v->type = J_BOOL;
		return read_word(r, "false", 5);
	case 'n':
		v->type = J_NULL;
		return read_word(r, "null", 4);
	case '{':
	case '[':
		return fail(r, "nested value (the schema is flat)");
	default:
		return read_int(r, v);
	}
}

int jr_member_lit(struct jr *r, const char *lit, size_t n, struct jval *v, size_t *member_off)
{
	const char *p = r->p;

	if (p == r->end || (*p != ',' && *p != '{') || (size_t)(r->end - p - 1) < n)
		return 0;
	/* not memcmp(): a call, for a few bytes, per member */
	for (size_t i = 0; i < n; i++)
		if (p[1 + i] != lit[i])
			return 0;
	*member_off = p - r->start;
	r->p = p + 1 + n;
	return read_value(r, v) ? -1 : 1;
}

int jr_member(struct jr *r, const char **key, size_t *klen, struct jval *v, size_t *member_off)
{
	size_t off = r->p - r->start;

	/* at '{' or after a value, which may end the line: a line cut after a
	 * value ('{"v":1') has no byte at p, and the one past the end can be
	 * a '{' left in the caller's buffer (fuzz_log_json found it) */
	if (r->p == r->end)
		return fail(r, "unterminated object");
	if (*r->p == '{') {
		r->p++;
		skip_ws(r);
		if (r->p < r->end && *r->p == '}')
			goto closing;
	} else {
		skip_ws(r);
		if (r->p == r->end)
			return fail(r, "unterminated object");
		if (*r->p == '}')
			goto closing;
		if (*r->p != ',')
			return fail(r, "expected ',' or '}'");
		off = r->p - r->start;
		r->p++;
		skip_ws(r);
	}
	if (r->p == r->end || *r->p != '"')
		return fail(r, "expected a member name");
	if (read_key(r, key, klen))
		return -1;
	skip_ws(r);
	if (r->p == r->end || *r->p != ':')
		return fail(r, "expected ':'");
	r->p++;
	skip_ws(r);
	if (read_value(r, v))
		return -1;
	*member_off = off;
	return 1;

closing:
	r->p++;
	skip_ws(r);
	if (r->p != r->end)
		return fail(r, "data after the object");
	return 0;
}
