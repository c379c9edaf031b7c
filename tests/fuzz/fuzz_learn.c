// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: `watchbpf learn`'s input, a decision log (lines cut at
 * '\n', parsed by the log reader's record_parse_json() as learn's scan
 * does). Whatever the records say, the policy learn makes of them, alone
 * and merged into an existing policy, must pass the parser: learn_emit()
 * checks that itself, so a refusal here is learn writing something the
 * parser refuses, which is a finding (abort), not an input error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn/learn.h"
#include "log/reader.h"
#include "log/record.h"

/* A policy with a loader of rules, one bare, and room for new ones. */
static const char base_text[] =
	"name: base\n"
	"mode: audit\n"
	"loaders:\n"
	"  - name: ruled\n"
	"    exec: { digest: sha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1 }\n"
	"    programs: { types: [xdp], deny_helpers: [probe_write_user], max_insns: 10 }\n"
	"    maps: { m: ro }\n"
	"  - name: bare\n"
	"    exec:\n"
	"      digest: sha256:b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2\n"
	"default: { bpf: deny }\n";

static struct wb_policy base;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[512];

	(void)argc;
	(void)argv;
	if (policy_load_string("base.yaml", base_text, sizeof(base_text) - 1, &base, err,
			       sizeof(err))) {
		fprintf(stderr, "fuzz_learn: %s\n", err);
		exit(1);
	}
	return 0;
}

static void emit_or_abort(const struct learn *l, const struct learn_emit_opts *o)
{
	char err[2048], *text;
	size_t len;

	if (learn_emit(l, o, &text, &len, err, sizeof(err))) {
		if (!strcmp(err, "out of memory"))
			return;
		fprintf(stderr, "fuzz_learn: %s\n", err);
		abort();
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct learn_emit_opts fresh = { 0 };
	struct learn_emit_opts merged = { .base = &base,
					   .base_text = base_text,
					   .base_len = sizeof(base_text) - 1 };
	const char *p = (const char *)data, *end = p + size, *why;
	struct wb_parsed rec;
	struct learn l;
	char *scratch;

	if (size > 1 << 20)
		return 0;
	scratch = malloc(WB_LINE_MAX + 1);
	if (!scratch)
		abort();
	learn_init(&l);
	l.base = &base;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n <= WB_LINE_MAX && !record_parse_json(p, n, &rec, scratch, WB_LINE_MAX + 1, &why))
			learn_add(&l, &rec.rec);
		p += n + 1;
	}
	emit_or_abort(&l, &fresh);
	emit_or_abort(&l, &merged);
	learn_free(&l);
	free(scratch);
	return 0;
}
