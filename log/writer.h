/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The JSON Lines sink of the decision log: a SHA-256 hash chain through every
 * line, signed checkpoints, reopening for logrotate, fsync once a second.
 * No threads: the daemon's loop drives it.
 *
 *	writer_open(&w, &opts, err, sizeof(err));
 *	loop:
 *		writer_append(w, &rec);		per decision
 *		writer_tick(w, wb_monotonic_ns());	every pass (<= 1 s apart)
 *		writer_reopen(w);		after SIGHUP
 *	writer_close(w);
 *
 * docs/log-format.md describes what lands in the file.
 */
#ifndef WATCHBPF_LOG_WRITER_H
#define WATCHBPF_LOG_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log/record.h"

#define WB_CHECKPOINT_EVERY 1000 /* records */
#define WB_CHECKPOINT_SECS 10

struct writer_opts {
	const char *path;
	/* PEM private key (RSA, EC or Ed25519): signed checkpoints; NULL: none */
	const char *sign_key;
	unsigned int checkpoint_every; /* records; 0: WB_CHECKPOINT_EVERY */
	unsigned int checkpoint_secs; /* 0: WB_CHECKPOINT_SECS */
	/* for the writer's own records (Checkpoint, LogRepaired, RecordsLost);
	 * host and boot_id NULL: this machine's */
	const char *host, *boot_id, *policy, *policy_version;
	bool timing; /* fill the *_ns of writer_stats() (costs clock reads) */
};

struct writer_stats {
	uint64_t records; /* lines written, the writer's own included */
	uint64_t checkpoints;
	uint64_t syncs; /* fdatasync() calls */
	uint64_t bytes;
	uint64_t format_ns; /* formatting and hashing (timing only) */
	uint64_t write_ns; /* write() */
	uint64_t sync_ns; /* fdatasync() */
	uint64_t sign_ns; /* checkpoint signatures */
};

struct wb_writer;

/*
 * Opens (O_APPEND|O_CREAT|O_CLOEXEC, 0600) and locks opts->path, and picks
 * up the chain from its last line. A last line without a newline (a crash
 * mid-write) is terminated and followed by a LogRepaired record. Returns 0,
 * or -errno with err set.
 */
int writer_open(struct wb_writer **w, const struct writer_opts *opts, char *err, size_t errlen);

/*
 * Appends one record (r->seq, key and sig are the writer's to set) and, every
 * checkpoint_every records, a checkpoint. 0 when the record is in the file;
 * -errno when it is not: the writer counts it and, once writing works
 * again, logs a RecordsLost record with the count first. A failed
 * checkpoint does not fail the record: the next writer_tick() reports it.
 */
int writer_append(struct wb_writer *w, const struct wb_record *r);

/*
 * now: CLOCK_MONOTONIC ns (wb_monotonic_ns()). fdatasync()s when anything
 * was written a second or more after the last one, and writes a checkpoint
 * when records are checkpoint_secs unsigned. 0 or the first -errno.
 */
int writer_tick(struct wb_writer *w, uint64_t now);

/*
 * For logrotate's create + postrotate SIGHUP: checkpoints and syncs the
 * file being left, then opens opts->path anew. The chain goes on: the new
 * file's first line links to the old file's last. 0 or -errno; on failure
 * the writer keeps the old file.
 */
int writer_reopen(struct wb_writer *w);

/* Checkpoints, syncs, closes and frees (NULL is fine). 0 or the first -errno. */
int writer_close(struct wb_writer *w);

const struct writer_stats *writer_stats(const struct wb_writer *w);

#endif
