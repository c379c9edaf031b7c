// SPDX-License-Identifier: GPL-2.0
/*
 * The chain is checked one link at a time: a line's prev must be the hash of
 * the line before it. A broken link is reported one line late, because the
 * next line tells what happened: an altered line breaks one link and the
 * seq numbers run on; a deletion breaks one link and seq jumps; an inserted
 * line is skipped by the next line's link, which goes on from the line
 * before it; two swapped lines look like a deletion whose missing line
 * turns up next.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "log/query.h"
#include "log/verify.h"

#define SHOWN_MAX 100

static const char zeros[WB_HASH_HEX + 1] =
	"0000000000000000000000000000000000000000000000000000000000000000";

struct lineinfo {
	const char *file;
	uint64_t no;
	char hash[WB_HASH_HEX + 1]; /* "" when the line was too long to hash */
	uint64_t seq;
	bool has_seq; /* seq is the line's own, not inferred */
	bool swapped; /* reported as one of two lines out of order */
};

struct vstate {
	const struct verify_opts *o;
	FILE *out;
	struct verify_result *res;
	struct wb_hasher hasher;

	struct lineinfo P, Q; /* the last line and the one before */
	bool have_P, have_Q;

	/* a broken link at line at, reported when the next line is seen */
	bool pend;
	struct lineinfo pend_at;
	char pend_msg[512];

	/* a malformed line waiting for the next: the writer's LogRepaired
	 * after it says it is a cut line the chain accounts for */
	bool mal;
	struct lineinfo mal_at;
	const char *mal_why;
	bool mal_cut;

	uint64_t since_cp; /* lines since the last verified checkpoint */
	struct lineinfo last_cp;
	uint64_t last_cp_time;
	uint64_t shown;

	char msg[WB_CHECKPOINT_DOMAIN_LEN + WB_LINE_MAX];
};

static void say(struct vstate *v, const struct lineinfo *at, const char *level, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

static void say(struct vstate *v, const struct lineinfo *at, const char *level, const char *fmt,
		...)
{
	va_list ap;

	if (!strcmp(level, "error"))
		v->res->errors++;
	else if (!strcmp(level, "warning"))
		v->res->warnings++;
	if (++v->shown > SHOWN_MAX)
		return;
	if (at)
		fprintf(v->out, "%s:%llu: ", at->file, (unsigned long long)at->no);
	fprintf(v->out, "%s: ", level);
	va_start(ap, fmt);
	vfprintf(v->out, fmt, ap);
	va_end(ap);
	fputc('\n', v->out);
}

static void flush_pending(struct vstate *v)
{
	if (v->pend)
		say(v, &v->pend_at, "error", "%s", v->pend_msg);
	v->pend = false;
}

static void set_pending(struct vstate *v, const struct lineinfo *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_pending(struct vstate *v, const struct lineinfo *at, const char *fmt, ...)
{
	va_list ap;

	v->pend = true;
	v->pend_at = *at;
	va_start(ap, fmt);
	vsnprintf(v->pend_msg, sizeof(v->pend_msg), fmt, ap);
	va_end(ap);
}

static bool same_line(const struct lineinfo *a, const struct lineinfo *b)
{
	return a->no == b->no && a->file == b->file;
}

/* The previous chain ends here: its records after its last checkpoint
 * are vouched for by nothing. */
static void chain_end(struct vstate *v, const struct lineinfo *at)
{
	if (v->since_cp)
		say(v, at, "error",
		    "the chain before this line ends with %llu records no checkpoint covers (the "
		    "writer crashed, or records after its last checkpoint were removed)",
		    (unsigned long long)v->since_cp);
	v->since_cp = 0;
}

/* A break at a file's first line is likely a file left out or misplaced. */
static const char *file_hint(const struct lineinfo *X, const struct lineinfo *P)
{
	return X->no == 1 && X->file != P->file ? " (a file missing, or files out of order?)" : "";
}

static void check_link(struct vstate *v, const struct wb_parsed *p, struct lineinfo *X)
{
	bool genesis = !strcmp(p->prev, zeros) && p->rec.seq == 1;
	struct lineinfo *P = &v->P, *Q = &v->Q;
	uint64_t base;

	if (!v->have_P) {
		if (!genesis)
			say(v, X, "note",
			    "the chain is picked up at seq %llu: records before it are not here to "
			    "check",
			    (unsigned long long)p->rec.seq);
		return;
	}
	/* a line too long to hash has been reported; go on from here */
	if (!P->hash[0] || !strcmp(p->prev, P->hash)) {
		flush_pending(v);
		if (P->hash[0] && P->has_seq && X->seq != P->seq + 1)
			say(v, X, "warning", "seq %llu follows seq %llu",
			    (unsigned long long)X->seq, (unsigned long long)P->seq);
		return;
	}
	if (v->have_Q && Q->hash[0] && !strcmp(p->prev, Q->hash)) {
		/* X goes on from Q: P is not part of the chain here */
		if (P->swapped) {
			v->pend = false;
			return;
		}
		if (v->pend && same_line(&v->pend_at, P) && P->has_seq && X->seq + 1 == P->seq) {
			say(v, P, "error", "reordered: seq %llu comes before seq %llu at %s:%llu",
			    (unsigned long long)P->seq, (unsigned long long)X->seq, X->file,
			    (unsigned long long)X->no);
			X->swapped = true;
		} else {
			say(v, P, "error",
			    "inserted: not part of the chain (%s:%llu goes on from %s:%llu)",
			    X->file, (unsigned long long)X->no, Q->file, (unsigned long long)Q->no);
		}
		v->pend = false;
		return;
	}
	flush_pending(v);
	if (genesis) {
		chain_end(v, X);
		say(v, X, "note", "a new chain starts here (seq 1)");
		return;
	}
	if (!P->has_seq) {
		set_pending(v, X, "chain broken: prev is not the hash of %s:%llu", P->file,
			    (unsigned long long)P->no);
		return;
	}
	base = v->have_Q && Q->has_seq ? Q->seq : P->seq - 1;
	if (X->seq == base + 2)
		set_pending(v, P,
			    "altered: the line's hash is not the prev of the next line "
			    "(%s:%llu, seq %llu)",
			    X->file, (unsigned long long)X->no, (unsigned long long)X->seq);
	else if (X->seq == P->seq + 2)
		set_pending(v, X, "deleted: the record of seq %llu is missing before this line%s",
			    (unsigned long long)P->seq + 1, file_hint(X, P));
	else if (X->seq > P->seq + 2)
		set_pending(
			v, X, "deleted: %llu records (seq %llu..%llu) missing before this line%s",
			(unsigned long long)(X->seq - P->seq - 1), (unsigned long long)P->seq + 1,
			(unsigned long long)X->seq - 1, file_hint(X, P));
	else
		set_pending(v, X, "out of order: seq %llu after seq %llu at %s:%llu%s",
			    (unsigned long long)X->seq, (unsigned long long)P->seq, P->file,
			    (unsigned long long)P->no, file_hint(X, P));
}

static struct wb_key *find_key(struct vstate *v, const char *id)
{
	for (int i = 0; i < v->o->nr_keys; i++)
		if (!strcmp(v->o->keys[i].id, id))
			return &v->o->keys[i];
	return NULL;
}

/* true when the line is a checkpoint whose signature verifies */
static bool check_checkpoint(struct vstate *v, const struct scan_item *it, struct lineinfo *X)
{
	const struct wb_record *r = &it->p->rec;
	struct wb_key *k;
	int ok;

	if (!r->sig || !r->key || !it->line->p) {
		say(v, X, "error", "checkpoint without a key or a signature");
		return false;
	}
	k = find_key(v, r->key);
	if (!k) {
		if (v->o->nr_keys == 1)
			say(v, X, "error",
			    "checkpoint signed by key %.16s..., not by the --cert key %.16s...",
			    r->key, v->o->keys[0].id);
		else
			say(v, X, "error",
			    "checkpoint signed by key %.16s..., none of the --cert keys", r->key);
		return false;
	}
	memcpy(v->msg, WB_CHECKPOINT_DOMAIN, WB_CHECKPOINT_DOMAIN_LEN);
	memcpy(v->msg + WB_CHECKPOINT_DOMAIN_LEN, it->line->p, it->p->signed_len);
	ok = key_verify(k, v->msg, WB_CHECKPOINT_DOMAIN_LEN + it->p->signed_len, r->sig,
			strlen(r->sig));
	if (ok != 1) {
		say(v, X, "error", "checkpoint signature does not verify (forged, or altered)");
		return false;
	}
	if (r->count != r->seq - 1)
		say(v, X, "warning", "checkpoint count %llu, but seq %llu",
		    (unsigned long long)r->count, (unsigned long long)r->seq);
	v->res->checkpoints++;
	v->since_cp = 0;
	v->last_cp = *X;
	v->last_cp_time = r->time_ns;
	return true;
}

/* The line after a malformed one is here (it NULL: the input ended). */
static void resolve_malformed(struct vstate *v, const struct scan_item *it)
{
	const struct wb_parsed *p = it ? it->p : NULL;

	v->mal = false;
	if (p && !strcmp(p->rec.action, "LogRepaired") && !strcmp(p->prev, v->mal_at.hash)) {
		say(v, &v->mal_at, "warning",
		    "a cut line, ended by the writer and noted at %s:%llu (one record lost in a "
		    "crash)",
		    it->file, (unsigned long long)it->line->no);
		return;
	}
	if (!it && v->mal_cut) {
		say(v, &v->mal_at, "warning",
		    "truncated last line (being written, or the writer stopped mid-line)");
		return;
	}
	say(v, &v->mal_at, "error", "malformed: %s", v->mal_why);
}

static int on_line(void *ctx, const struct scan_item *it)
{
	unsigned char md[WB_HASH_LEN];
	struct vstate *v = ctx;
	struct lineinfo X = { .file = it->file, .no = it->line->no };

	v->res->lines++;
	if (it->line->p) {
		if (hasher_line(&v->hasher, it->line->p, it->line->len, md))
			return -1;
		wb_hex(md, sizeof(md), X.hash);
	}
	if (v->mal)
		resolve_malformed(v, it);
	if (!it->p) {
		flush_pending(v);
		v->mal = true;
		v->mal_at = X;
		v->mal_why = it->why;
		v->mal_cut = it->line->unterminated && !it->line->too_long;
		/* a cut line holds a place in the chain: count it */
		X.seq = v->have_P ? v->P.seq + 1 : 0;
		v->since_cp++;
	} else {
		X.seq = it->p->rec.seq;
		X.has_seq = true;
		check_link(v, it->p, &X);
		if (strcmp(it->p->rec.action, "Checkpoint") || !check_checkpoint(v, it, &X))
			v->since_cp++;
	}
	v->Q = v->P;
	v->have_Q = v->have_P;
	v->P = X;
	v->have_P = true;
	return 0;
}

int log_verify(char *const *files, int nfiles, const struct verify_opts *o, FILE *out,
	       struct verify_result *res)
{
	char t[WB_TIME_STR];
	struct vstate *v;
	int bad_files;

	memset(res, 0, sizeof(*res));
	v = calloc(1, sizeof(*v));
	if (!v || hasher_init(&v->hasher)) {
		free(v);
		p_err("out of memory");
		res->errors++;
		return 1;
	}
	v->o = o;
	v->out = out;
	v->res = res;
	if (log_scan(files, nfiles, on_line, v, out, &bad_files, &res->bytes))
		say(v, NULL, "error", "cannot hash lines");
	flush_pending(v);
	if (v->mal)
		resolve_malformed(v, NULL);
	res->errors += bad_files;
	res->unsigned_tail = v->since_cp;
	if (!res->checkpoints) {
		say(v, NULL, "error", "no checkpoint verifies: nothing in %s signed",
		    nfiles == 1 ? "this file is" : "these files is");
	} else if (v->since_cp) {
		record_time_str(v->last_cp_time, t);
		say(v, NULL, o->strict ? "error" : "warning",
		    "%llu records after the last checkpoint (%s:%llu, seq %llu, %s) are not signed",
		    (unsigned long long)v->since_cp, v->last_cp.file,
		    (unsigned long long)v->last_cp.no, (unsigned long long)v->last_cp.seq, t);
	}
	if (v->shown > SHOWN_MAX)
		fprintf(out, "... and %llu more\n", (unsigned long long)(v->shown - SHOWN_MAX));
	fprintf(out, "log verify: %llu lines in %d file%s, %llu checkpoint%s verified: %s",
		(unsigned long long)res->lines, nfiles, nfiles == 1 ? "" : "s",
		(unsigned long long)res->checkpoints, res->checkpoints == 1 ? "" : "s",
		res->errors ? "FAILED" : "OK");
	if (res->errors || res->warnings)
		fprintf(out, " (%llu error%s, %llu warning%s)", (unsigned long long)res->errors,
			res->errors == 1 ? "" : "s", (unsigned long long)res->warnings,
			res->warnings == 1 ? "" : "s");
	fputc('\n', out);
	hasher_free(&v->hasher);
	free(v);
	return res->errors ? 1 : 0;
}
