// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log/chain.h"
#include "log/reader.h"
#include "log/writer.h"

#define NSEC 1000000000ull
/* lines looked at, from the end, for the sequence number to go on from */
#define RECOVER_LINES 16

struct wb_writer {
	char *path;
	char *policy, *policy_version;
	struct wb_hasher hasher;
	struct wb_key key;
	uint64_t secs_ns;
	uint64_t seq; /* of the last line in the file */
	uint64_t unsigned_records; /* since the last checkpoint */
	uint64_t last_cp, last_sync; /* CLOCK_MONOTONIC */
	uint64_t lost; /* records not written */
	struct writer_stats stats;
	int fd;
	unsigned int every;
	int deferred_err; /* a checkpoint failure for writer_tick() */
	bool signing;
	bool timing;
	bool dirty; /* written since the last fdatasync() */
	bool partial; /* the file ends inside a line */

	/* the chain's head: the hash of the last line in the file */
	char head[WB_HASH_HEX + 1];
	char host[256], boot_id[64];
	/* WB_CHECKPOINT_DOMAIN, then room for a line and its newline: a
	 * checkpoint's signed bytes are contiguous without a copy */
	char buf[WB_CHECKPOINT_DOMAIN_LEN + WB_LINE_MAX + 1];
	char scratch[WB_LINE_MAX + 1]; /* for parsing the last lines */
};

#define LINE(w) ((w)->buf + WB_CHECKPOINT_DOMAIN_LEN)

static uint64_t stamp(const struct wb_writer *w)
{
	return w->timing ? wb_monotonic_ns() : 0;
}

/* A record of the writer itself: op "-", no process. */
static void own_record(const struct wb_writer *w, struct wb_record *r, const char *action)
{
	memset(r, 0, sizeof(*r));
	r->time_ns = wb_realtime_ns();
	r->host = w->host;
	r->boot_id = w->boot_id;
	r->policy = w->policy;
	r->policy_version = w->policy_version;
	r->op = "-";
	r->action = action;
	r->insn_cnt = -1;
	r->map_id = -1;
}

static int write_all(int fd, const char *p, size_t n, size_t *done)
{
	ssize_t k;

	*done = 0;
	while (*done < n) {
		k = write(fd, p + *done, n - *done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			return -EIO;
		*done += k;
	}
	return 0;
}

/*
 * Writes LINE(w)[0..n) and a newline as the chain's next line. A line cut
 * short by a failing write() still holds its place in the chain (its bytes
 * are the next prev) and is repaired by the next append.
 */
static int commit(struct wb_writer *w, size_t n, uint64_t t0)
{
	unsigned char md[WB_HASH_LEN];
	char *line = LINE(w);
	uint64_t t1, t2;
	size_t done;
	int err;

	if (hasher_line(&w->hasher, line, n, md))
		return -EIO;
	line[n] = '\n';
	t1 = stamp(w);
	err = write_all(w->fd, line, n + 1, &done);
	t2 = stamp(w);
	w->stats.format_ns += t1 - t0;
	w->stats.write_ns += t2 - t1;
	if (!done)
		return err;
	if (done < n && hasher_line(&w->hasher, line, done, md))
		return -EIO;
	wb_hex(md, sizeof(md), w->head);
	w->seq++;
	w->dirty = true;
	w->partial = done < n + 1;
	w->stats.records++;
	w->stats.bytes += done;
	return err;
}

/* Formats r as the chain's next line into LINE(w); its length, or -E2BIG. */
static int format(struct wb_writer *w, struct wb_record *r)
{
	int n;

	r->seq = w->seq + 1;
	n = record_format_json(r, w->seq ? w->head : NULL, LINE(w), WB_LINE_MAX);
	/* JSON_STR_MAX bounds a line well below this */
	return n < WB_LINE_MAX ? n : -E2BIG;
}

static int emit(struct wb_writer *w, struct wb_record *r)
{
	uint64_t t0 = stamp(w);
	int n = format(w, r);

	if (n < 0)
		return n;
	return commit(w, n, t0);
}

/*
 * The signed bytes are the line up to ,"sig": with the domain string in
 * front: format with an empty signature, sign that prefix, format again
 * with the signature (the prefix does not change, sig is the last member).
 */
static int checkpoint(struct wb_writer *w)
{
	static const char empty_sig_tail[] = ",\"sig\":\"\"}";
	char sig[WB_SIG_B64_MAX];
	struct wb_record r;
	uint64_t t0;
	int n, err;

	own_record(w, &r, "Checkpoint");
	r.count = w->seq;
	r.key = w->key.id;
	r.sig = "";
	n = format(w, &r);
	if (n < 0)
		return n;
	memcpy(w->buf, WB_CHECKPOINT_DOMAIN, WB_CHECKPOINT_DOMAIN_LEN);
	t0 = stamp(w);
	if (key_sign(&w->key, w->buf, WB_CHECKPOINT_DOMAIN_LEN + n - (sizeof(empty_sig_tail) - 1),
		     sig))
		return -EIO;
	w->stats.sign_ns += stamp(w) - t0;
	r.sig = sig;
	t0 = stamp(w);
	n = format(w, &r);
	if (n < 0)
		return n;
	err = commit(w, n, t0);
	if (err)
		return err;
	w->stats.checkpoints++;
	w->unsigned_records = 0;
	w->last_cp = wb_monotonic_ns();
	return 0;
}

/* Ends a cut line and says so; then how many records were lost. */
static int repair(struct wb_writer *w)
{
	struct wb_record r;
	size_t done;
	int err;

	if (w->partial) {
		err = write_all(w->fd, "\n", 1, &done);
		if (err)
			return err;
		w->partial = false;
		own_record(w, &r, "LogRepaired");
		r.reason = "truncated-line";
		err = emit(w, &r);
		if (err)
			return err;
		w->unsigned_records++;
	}
	if (w->lost) {
		own_record(w, &r, "RecordsLost");
		r.reason = "write-failed";
		r.count = w->lost;
		err = emit(w, &r);
		if (err)
			return err;
		w->lost = 0;
		w->unsigned_records++;
	}
	return 0;
}

/* Offset where the line ending at end (exclusive) starts. */
static int line_start(struct wb_writer *w, off_t end, off_t *start)
{
	const size_t blk = sizeof(w->buf);
	off_t pos = end;
	ssize_t n;
	char *nl;

	while (pos > 0) {
		size_t want = pos < (off_t)blk ? (size_t)pos : blk;

		n = pread(w->fd, w->buf, want, pos - want);
		if (n != (ssize_t)want)
			return n < 0 ? -errno : -EIO;
		nl = memrchr(w->buf, '\n', want);
		if (nl) {
			*start = pos - want + (nl - w->buf) + 1;
			return 0;
		}
		pos -= want;
	}
	*start = 0;
	return 0;
}

static int hash_range(struct wb_writer *w, off_t start, off_t end, char head[WB_HASH_HEX + 1])
{
	unsigned char md[WB_HASH_LEN];
	ssize_t n;

	if (hasher_begin(&w->hasher))
		return -EIO;
	while (start < end) {
		size_t want = end - start < (off_t)sizeof(w->buf) ? (size_t)(end - start) :
								    sizeof(w->buf);

		n = pread(w->fd, w->buf, want, start);
		if (n != (ssize_t)want)
			return n < 0 ? -errno : -EIO;
		if (hasher_update(&w->hasher, w->buf, want))
			return -EIO;
		start += want;
	}
	if (hasher_end(&w->hasher, md))
		return -EIO;
	wb_hex(md, sizeof(md), head);
	return 0;
}

/* The seq of the line [start, end), or -1 when it has none. */
static int64_t line_seq(struct wb_writer *w, off_t start, off_t end)
{
	struct wb_parsed p;
	const char *why;
	size_t len = end - start;

	if (len > WB_LINE_MAX || pread(w->fd, w->buf, len, start) != (ssize_t)len ||
	    record_parse_json(w->buf, len, &p, w->scratch, sizeof(w->scratch), &why))
		return -1;
	return (int64_t)p.rec.seq;
}

/*
 * Picks up the chain where the file ends: head is the hash of the last
 * line (of a cut last line as it is), seq goes on from the last lines that
 * have one, counting those after it.
 */
static int recover(struct wb_writer *w)
{
	off_t end, start = 0;
	struct stat st;
	int64_t seq = -1;
	int err, after = 0;
	char last;

	w->seq = 0;
	w->partial = false;
	if (fstat(w->fd, &st))
		return -errno;
	if (!st.st_size)
		return 0;
	if (pread(w->fd, &last, 1, st.st_size - 1) != 1)
		return -EIO;
	end = last == '\n' ? st.st_size - 1 : st.st_size;
	w->partial = last != '\n';
	err = line_start(w, end, &start);
	if (!err)
		err = hash_range(w, start, end, w->head);
	while (!err && seq < 0 && after < RECOVER_LINES) {
		seq = line_seq(w, start, end);
		after++;
		if (seq >= 0 || !start)
			break;
		end = start - 1;
		err = line_start(w, end, &start);
	}
	if (err)
		return err;
	/* a chain whose last lines have no seq goes on from their count */
	w->seq = (seq >= 0 ? (uint64_t)seq : 0) + after - (seq >= 0);
	return 0;
}

static int open_file(struct wb_writer *w, int *fdp, char *err, size_t errlen)
{
	struct stat st;
	int fd, e;

	fd = open(w->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		e = -errno;
		snprintf(err, errlen, "%s: %s", w->path, strerror(-e));
		return e;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", w->path);
		close(fd);
		return -EINVAL;
	}
	/* two daemons on one file would fork the chain */
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		e = -errno;
		snprintf(err, errlen, "%s: %s", w->path,
			 e == -EWOULDBLOCK ? "in use by another writer" : strerror(-e));
		close(fd);
		return e;
	}
	*fdp = fd;
	return 0;
}

/* What writer_open() allocated, but the file: its caller closes that. */
static void writer_free(struct wb_writer *w)
{
	key_free(&w->key);
	hasher_free(&w->hasher);
	free(w->path);
	free(w->policy);
	free(w->policy_version);
	free(w);
}

int writer_open(struct wb_writer **wp, const struct writer_opts *o, char *err, size_t errlen)
{
	struct wb_writer *w = calloc(1, sizeof(*w));
	int ret = -ENOMEM;

	*wp = NULL;
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return ret;
	}
	w->fd = -1;
	w->every = o->checkpoint_every ? o->checkpoint_every : WB_CHECKPOINT_EVERY;
	w->secs_ns = (o->checkpoint_secs ? o->checkpoint_secs : WB_CHECKPOINT_SECS) * NSEC;
	w->timing = o->timing;
	wb_host_identity(w->host, sizeof(w->host), w->boot_id, sizeof(w->boot_id));
	if (o->host)
		snprintf(w->host, sizeof(w->host), "%s", o->host);
	if (o->boot_id)
		snprintf(w->boot_id, sizeof(w->boot_id), "%s", o->boot_id);
	w->path = strdup(o->path);
	w->policy = o->policy ? strdup(o->policy) : NULL;
	w->policy_version = o->policy_version ? strdup(o->policy_version) : NULL;
	if (!w->path || (o->policy && !w->policy) || (o->policy_version && !w->policy_version) ||
	    hasher_init(&w->hasher)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (o->sign_key) {
		if (key_load_private(&w->key, o->sign_key, err, errlen)) {
			ret = -EINVAL;
			goto fail;
		}
		w->signing = true;
	}
	ret = open_file(w, &w->fd, err, errlen);
	if (ret)
		goto fail;
	ret = recover(w);
	if (ret) {
		snprintf(err, errlen, "%s: cannot read its last line: %s", w->path, strerror(-ret));
		goto fail;
	}
	w->last_cp = w->last_sync = wb_monotonic_ns();
	ret = repair(w);
	if (ret) {
		snprintf(err, errlen, "%s: %s", w->path, strerror(-ret));
		goto fail;
	}
	*wp = w;
	return 0;
fail:
	if (w->fd >= 0)
		close(w->fd);
	writer_free(w);
	return ret;
}

int writer_append(struct wb_writer *w, const struct wb_record *r)
{
	struct wb_record rec = *r;
	bool in_file = false;
	uint64_t seq;
	int err;

	err = repair(w);
	if (!err) {
		rec.key = NULL;
		rec.sig = NULL;
		seq = w->seq;
		err = emit(w, &rec);
		/* a record cut short is in the file, as a cut line */
		in_file = w->seq != seq;
	}
	if (in_file)
		w->unsigned_records++;
	else
		w->lost++;
	if (err)
		return err;
	if (w->signing && w->unsigned_records >= w->every) {
		err = checkpoint(w);
		if (err && !w->deferred_err)
			w->deferred_err = err;
	}
	return 0;
}

static int sync_file(struct wb_writer *w, uint64_t now)
{
	uint64_t t0 = stamp(w);

	if (fdatasync(w->fd))
		return -errno;
	w->stats.sync_ns += stamp(w) - t0;
	w->stats.syncs++;
	w->dirty = false;
	w->last_sync = now;
	return 0;
}

/* At least d ns from then to now; a now from before then is not. */
static bool elapsed(uint64_t then, uint64_t now, uint64_t d)
{
	return now >= then && now - then >= d;
}

int writer_tick(struct wb_writer *w, uint64_t now)
{
	int err = w->deferred_err, e;

	w->deferred_err = 0;
	if (w->signing && w->unsigned_records && elapsed(w->last_cp, now, w->secs_ns)) {
		e = repair(w);
		if (!e)
			e = checkpoint(w);
		if (e && !err)
			err = e;
	}
	if (w->dirty && elapsed(w->last_sync, now, NSEC)) {
		e = sync_file(w, now);
		if (e && !err)
			err = e;
	}
	return err;
}

/* Leaves the file signed, whole and on disk. */
static int finish_file(struct wb_writer *w)
{
	int err = repair(w), e;
	size_t done;

	if (!err && w->signing && w->unsigned_records)
		err = checkpoint(w);
	/* the next file's first line links to a cut line as it is */
	if (w->partial && !write_all(w->fd, "\n", 1, &done))
		w->partial = false;
	e = sync_file(w, wb_monotonic_ns());
	return err ? err : e;
}

int writer_reopen(struct wb_writer *w)
{
	char head[WB_HASH_HEX + 1], err[256];
	int fd = -1, old = w->fd, ret;
	uint64_t seq;

	finish_file(w);
	/* the lock is per open file: reopening the same file must not find
	 * it held by the descriptor being replaced */
	flock(old, LOCK_UN);
	ret = open_file(w, &fd, err, sizeof(err));
	if (ret) {
		flock(old, LOCK_EX | LOCK_NB);
		return ret;
	}
	w->fd = fd;
	close(old);
	/* our chain goes on; a file with a cut line of someone else's gets
	 * that line ended, so our first line is a line of its own */
	memcpy(head, w->head, sizeof(head));
	seq = w->seq;
	ret = recover(w);
	memcpy(w->head, head, sizeof(head));
	w->seq = seq;
	if (!ret && w->partial) {
		size_t done;

		ret = write_all(w->fd, "\n", 1, &done);
	}
	w->partial = false;
	return ret;
}

int writer_close(struct wb_writer *w)
{
	int err;

	if (!w)
		return 0;
	err = finish_file(w);
	if (close(w->fd) && !err)
		err = -errno;
	writer_free(w);
	return err;
}

const struct writer_stats *writer_stats(const struct wb_writer *w)
{
	return &w->stats;
}
