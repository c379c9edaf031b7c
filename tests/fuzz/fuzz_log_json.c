// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: one line of a JSON decision log, the unit every reader
 * of the log is built on (log/record.c record_parse_json(), which `log
 * show`, `log summary`, `log verify` and the writer's recovery call per
 * line, and which a `watchbpf learn` reading audit logs will take its
 * input through). fuzz_log reaches it through files; here every execution
 * is one line, with a scratch buffer of exactly the documented size so
 * that a byte written past it is an ASan report.
 *
 * A parsed record then goes where a parsed record goes: the text line,
 * the filters of `log show`, a summary, and back to JSON as the writer
 * would write it, which must parse again to the same values: a line the
 * reader accepts and the writer re-emits is never one the reader refuses.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log/query.h"
#include "log/record.h"

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		exit(1);
	return 0;
}

static bool same_str(const char *a, const char *b)
{
	return !a == !b;
}

/* The values a re-formatted record must keep (strings may be cut or have
 * invalid UTF-8 replaced, but none appears or disappears). */
static void check_round_trip(const struct wb_parsed *a, const struct wb_parsed *b)
{
	const struct wb_record *x = &a->rec, *y = &b->rec;

	if (x->seq != y->seq || x->time_ns != y->time_ns || x->id != y->id || x->pid != y->pid ||
	    x->tid != y->tid || x->uid != y->uid || x->insn_cnt != y->insn_cnt ||
	    x->map_id != y->map_id || x->count != y->count || x->audit != y->audit ||
	    x->killed != y->killed || strcmp(a->prev, b->prev) || !same_str(x->reason, y->reason) ||
	    !same_str(x->loader, y->loader) || !same_str(x->comm, y->comm) ||
	    !same_str(x->pod, y->pod) || !same_str(x->type, y->type) ||
	    !same_str(x->name, y->name)) {
		fprintf(stderr, "fuzz_log_json: a re-formatted record reads back different\n");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct log_filter f = { .nr_action = 2, .action = { "Denied", "audit" } };
	struct wb_parsed p, q;
	struct wb_record r;
	const char *why;
	char *scratch, *line, *scratch2;
	struct summary *s;
	int n;

	if (size > WB_LINE_MAX)
		return 0; /* the reader never hands out a longer line */
	scratch = malloc(size + 1);
	line = malloc(WB_LINE_MAX);
	scratch2 = malloc(WB_LINE_MAX + 1);
	if (!scratch || !line || !scratch2)
		abort();
	if (record_parse_json((const char *)data, size, &p, scratch, size + 1, &why))
		goto out;

	n = record_format_text(&p.rec, line, WB_LINE_MAX);
	filter_match(&f, &p.rec);
	f.nr_action = 0;
	f.nr_op = f.nr_process = f.nr_pod = f.nr_loader = 1;
	f.op[0] = p.rec.op;
	f.process[0] = p.rec.comm ? p.rec.comm : "x";
	f.pod[0] = "host";
	f.loader[0] = "none";
	f.has_since = f.has_until = true;
	f.since = 1;
	f.until = p.rec.time_ns;
	filter_match(&f, &p.rec);
	s = summary_new();
	if (s) {
		summary_add(s, &p.rec);
		summary_print(s, devnull, 1);
		summary_print_json(s, devnull, 1);
		summary_free(s);
	}

	/* as writer_append() does: the signature is the writer's own */
	r = p.rec;
	r.key = NULL;
	r.sig = NULL;
	n = record_format_json(&r, p.prev, line, WB_LINE_MAX);
	if (n >= WB_LINE_MAX)
		goto out; /* the writer refuses it (-E2BIG) */
	if (record_parse_json(line, n, &q, scratch2, WB_LINE_MAX + 1, &why)) {
		fprintf(stderr, "fuzz_log_json: the writer's line does not parse: %s\n%.*s\n", why,
			n, line);
		abort();
	}
	check_round_trip(&p, &q);
out:
	free(scratch);
	free(line);
	free(scratch2);
	return 0;
}
