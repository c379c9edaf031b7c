/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reads a log file line by line: plain, rotated or gzip'd alike, through
 * one fixed buffer, so a 10 GB log costs the same memory as a small one.
 */
#ifndef WATCHBPF_LOG_READER_H
#define WATCHBPF_LOG_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longer lines are reported, not read: the writer never makes one. */
#define WB_LINE_MAX 65536

struct lr_line {
	const char *p; /* without the newline; NULL when too_long */
	size_t len; /* bytes, the whole line's even when too_long */
	uint64_t no; /* 1-based */
	bool too_long;
	bool unterminated; /* the file's last line has no newline */
};

struct lr_reader;

/* 0, or -errno */
int lr_open(struct lr_reader **r, const char *path);
/* 1 with a line, 0 at the end, -1 on a read or decompression error (lr_error()) */
int lr_next(struct lr_reader *r, struct lr_line *l);
const char *lr_error(struct lr_reader *r);
/* bytes consumed so far, after decompression */
uint64_t lr_bytes(const struct lr_reader *r);
void lr_close(struct lr_reader *r);

#endif
