// SPDX-License-Identifier: GPL-2.0
/*
 * `check --explain`, the calls a loader's programs may make: allow_helpers,
 * deny_kfuncs, allow_kfuncs and the kfuncs kernel_reads: false covers. Of
 * its own, beside policy/explain.c, like the kfunc rules it explains.
 */
#include <stdio.h>
#include <string.h>

#include "policy/explain.h"

static void list(FILE *f, const struct wb_name_ref *r, size_t n, const char *conj)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", !i ? "" : i + 1 == n ? conj : ", ", r[i].name);
}

void explain_calls(FILE *f, const struct wb_programs *p)
{
	if (p->has_allow_helpers) {
		fprintf(f, "  %-9s ", "may not:");
		if (p->nr_allow_helpers) {
			fprintf(f, "call any helper but ");
			list(f, p->allow_helpers, p->nr_allow_helpers, " and ");
		} else {
			fprintf(f, "call any helper");
		}
		fprintf(f, " (allow_helpers)\n");
	}
	if (p->nr_deny_kfuncs) {
		fprintf(f, "  %-9s call the kfuncs ", "may not:");
		list(f, p->deny_kfuncs, p->nr_deny_kfuncs, " or ");
		fprintf(f, " (deny_kfuncs: a program that calls one is denied)\n");
	}
	if (p->has_allow_kfuncs) {
		fprintf(f, "  %-9s ", "may not:");
		if (p->nr_allow_kfuncs) {
			fprintf(f, "call any kfunc but ");
			list(f, p->allow_kfuncs, p->nr_allow_kfuncs, " and ");
		} else {
			fprintf(f, "call any kfunc");
		}
		fprintf(f, " (allow_kfuncs)\n");
	}
	if (!p->nr_deny_kfuncs && !p->has_allow_kfuncs && p->kernel_reads)
		fprintf(f, "  %-9s call any kfunc (no deny_kfuncs or allow_kfuncs)\n", "may:");
	if (!p->kernel_reads) {
		fprintf(f, "  %-9s call the kfuncs that read kernel memory (kernel_reads: false: ",
			"may not:");
		for (size_t i = 0; i < wb_nr_kernel_read_kfuncs; i++)
			fprintf(f, "%s%s", i ? ", " : "", wb_kernel_read_kfuncs[i]);
		fprintf(f, ")\n");
	}
}

bool explain_denies_helper(const struct wb_programs *p, const char *helper)
{
	const struct wb_name_ref *r = p->has_allow_helpers ? p->allow_helpers : p->deny_helpers;
	size_t n = p->has_allow_helpers ? p->nr_allow_helpers : p->nr_deny_helpers;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(r[i].name, helper))
			return !p->has_allow_helpers;
	return p->has_allow_helpers;
}
