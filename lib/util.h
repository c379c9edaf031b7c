/* SPDX-License-Identifier: GPL-2.0 */
/* Error reporting and small helpers shared by every watchbpf command. */
#ifndef WATCHBPF_UTIL_H
#define WATCHBPF_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

extern const char *prog_name;
extern bool verbose;

/* "watchbpf: error: ..." on stderr, like bpftool's p_err(). */
void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "watchbpf: ..." on stderr. */
void p_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The error getopt_long() found (called with ":" leading the optstring):
 * opt ':' is a missing value, anything else an unknown option. */
void p_getopt_err(int opt, char *const *argv);

/* Reads a whole small text file (e.g. under /proc or /sys) into buf,
 * NUL-terminated, trailing newline removed. Returns length or -errno. */
int read_text_file(const char *path, char *buf, size_t size);

#endif
