// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>
#include "log/reader.h"

/* Big reads keep gzread() and the kernel out of the profile; the buffer
 * must hold a whole WB_LINE_MAX line with room to spare. */
#define LR_BUF (4u << 20)

struct lr_reader {
	gzFile gz;
	char *buf;
	size_t start, end; /* unread data: buf[start..end) */
	uint64_t lineno, consumed;
	size_t skipped; /* > 0: inside a too-long line, this many bytes so far */
	bool eof, failed;
	const char *err;
	const char *cut; /* set at the end of a gzip stream cut short */
};

int lr_open(struct lr_reader **rp, const char *path)
{
	struct lr_reader *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	r->buf = malloc(LR_BUF);
	if (!r->buf) {
		free(r);
		return -ENOMEM;
	}
	errno = 0;
	r->gz = gzopen(path, "rbe");
	if (!r->gz) {
		err = errno ? errno : ENOMEM;
		free(r->buf);
		free(r);
		return -err;
	}
	gzbuffer(r->gz, 1u << 20);
	*rp = r;
	return 0;
}

static int fill(struct lr_reader *r)
{
	int n, zerr;

	if (r->start) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	n = gzread(r->gz, r->buf + r->end, (unsigned int)(LR_BUF - r->end));
	if (n < 0) {
		r->err = gzerror(r->gz, &zerr);
		if (zerr == Z_ERRNO)
			r->err = strerror(errno);
		r->failed = true;
		return -1;
	}
	if (n == 0) {
		r->eof = true;
		/* zlib hands out what a cut .gz has and tells only here */
		gzerror(r->gz, &zerr);
		if (zerr == Z_BUF_ERROR)
			r->cut = "compressed data ends early (the .gz file is cut)";
	}
	r->end += n;
	return 0;
}

static void emit(struct lr_reader *r, struct lr_line *l, const char *p, size_t len, bool nl)
{
	size_t total = len + r->skipped;

	l->no = ++r->lineno;
	l->unterminated = !nl;
	l->too_long = total > WB_LINE_MAX;
	l->p = l->too_long ? NULL : p;
	l->len = total;
	r->skipped = 0;
	r->consumed += total + nl;
}

int lr_next(struct lr_reader *r, struct lr_line *l)
{
	const char *nl;
	size_t avail;

	if (r->failed)
		return -1;
	for (;;) {
		avail = r->end - r->start;
		nl = memchr(r->buf + r->start, '\n', avail);
		if (nl) {
			emit(r, l, r->buf + r->start, nl - (r->buf + r->start), true);
			r->start = nl + 1 - r->buf;
			return 1;
		}
		if (r->eof) {
			if (!avail && !r->skipped) {
				r->err = r->cut;
				r->failed = r->cut != NULL;
				return r->failed ? -1 : 0;
			}
			emit(r, l, r->buf + r->start, avail, false);
			r->start = r->end;
			return 1;
		}
		if (avail > WB_LINE_MAX) {
			/* drop what cannot be a line; keep counting it */
			r->skipped += avail;
			r->start = r->end = 0;
		}
		if (fill(r))
			return -1;
	}
}

const char *lr_error(struct lr_reader *r)
{
	return r->err ? r->err : "read error";
}

uint64_t lr_bytes(const struct lr_reader *r)
{
	return r->consumed;
}

void lr_close(struct lr_reader *r)
{
	if (!r)
		return;
	gzclose(r->gz);
	free(r->buf);
	free(r);
}
