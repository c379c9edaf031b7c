/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading logs back: the streaming scan every `watchbpf log` command uses,
 * the filters of `log show`, and the counts of `log summary`.
 */
#ifndef WATCHBPF_LOG_QUERY_H
#define WATCHBPF_LOG_QUERY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "log/reader.h"
#include "log/record.h"

/* One line of a scan: parsed (p) or not (p NULL, why says what is wrong). */
struct scan_item {
	const char *file;
	const struct lr_line *line;
	const struct wb_parsed *p;
	const char *why;
};

/* Returns 0 to go on, anything else stops the scan and is returned. */
typedef int (*scan_fn)(void *ctx, const struct scan_item *it);

/*
 * Streams files in order, line by line. A file that cannot be opened or
 * read is reported to errs ("FILE: error: ..." or "FILE:LINE: error: ...")
 * and counted in *bad_files; the scan goes on with the next. *bytes (may
 * be NULL) gets the decompressed bytes read. Returns 0 or what fn stopped
 * with.
 */
int log_scan(char *const *files, int nfiles, scan_fn fn, void *ctx, FILE *errs, int *bad_files,
	     uint64_t *bytes);

/* Prints "FILE:LINE: malformed: WHY" for the first 100 and counts the rest. */
struct malformed_report {
	uint64_t count, truncated;
	FILE *out;
};
void report_malformed(struct malformed_report *m, const struct scan_item *it);
/* "... and N more" when some were not printed */
void report_malformed_end(struct malformed_report *m);

/* ---- log show filters ---- */

#define FILTER_MAX 32

struct log_filter {
	const char *action[FILTER_MAX], *op[FILTER_MAX], *process[FILTER_MAX];
	const char *pod[FILTER_MAX], *loader[FILTER_MAX];
	int nr_action, nr_op, nr_process, nr_pod, nr_loader;
	bool has_since, has_until;
	uint64_t since, until; /* since <= time < until */
};

/*
 * Adds the comma-separated values of arg (split in place) to list.
 * 0, or -1 when more than FILTER_MAX.
 */
int filter_add(const char **list, int *nr, char *arg);

/*
 * Values of one kind are alternatives, kinds must all match:
 * - action V: a comma-separated word of the action is V, or ends with V
 *   at a capital letter (CamelCase): "Denied" matches BPFDenied and
 *   Denied, "Dropped" EventsDropped, "Approved" ProgApproved,MapsReadOnly.
 *   "Killed" matches killed records, "audit" audit ones. All without
 *   regard to case.
 * - op: exactly; process: comm, exe, or exe's last component;
 * - pod: exactly, "host" also a record without one;
 * - loader: exactly, "none" a record without one.
 */
bool filter_match(const struct log_filter *f, const struct wb_record *r);
bool action_matches(const char *want, const struct wb_record *r);
/* A denial of any kind: the action matches "Denied". */
bool record_denied(const struct wb_record *r);

/*
 * RFC 3339 (record_parse_time()), a date alone (00:00 UTC), "now", or a
 * time relative to now: "-90s", "-30m", "-1h", "-2d", "-1w".
 */
int filter_parse_time(const char *s, uint64_t now_ns, uint64_t *time_ns);

/* ---- log summary ---- */

struct summary;

struct summary *summary_new(void);
void summary_add(struct summary *s, const struct wb_record *r);
void summary_malformed(struct summary *s, uint64_t n);
void summary_print(const struct summary *s, FILE *out, int nfiles);
void summary_print_json(const struct summary *s, FILE *out, int nfiles);
void summary_free(struct summary *s);

#endif
