// SPDX-License-Identifier: GPL-2.0
/*
 * What the fuzz targets of tests/fuzz/ found, one test per fix, in the
 * plain build (no sanitizer): each input is the reproducer's point, set in
 * a buffer the way the caller that could meet it sets it. The reproducers
 * themselves are in tests/fuzz/regressions/ (tests/unit/fuzz.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log/record.h"
#include "policy/policy.h"
#include "test.h"

/*
 * A line cut right after a value: jr_member() read the byte past the end
 * of the line, and the writer's recovery (log/writer.c line_seq()) parses
 * lines in a buffer whose next bytes are stale. A '{' there sent the
 * reader past the end; '"' then made a string of negative length.
 */
TEST(fuzz_json_line_cut_after_a_value)
{
	static const char buf[] = "{\"v\":1{\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\":1}";
	static char scratch[sizeof(buf)];
	const char *why = NULL;
	struct wb_parsed p;

	CHECK_INT(record_parse_json(buf, 6, &p, scratch, 7, &why), ==, -1);
	CHECK_STR(why, "unterminated object");
}

/* n loaders of their own name and digest, as a policy. */
static char *many_loaders(size_t n)
{
	size_t size = 64 + n * 128, used;
	char *buf = malloc(size);

	if (!buf)
		return NULL;
	used = snprintf(buf, size, "name: many\nloaders:\n");
	for (size_t i = 0; i < n; i++)
		used += snprintf(buf + used, size - used,
				 "  - {name: a%zu, exec: {digest: sha256:%064zx}}\n", i, i);
	return buf;
}

/*
 * 'loaders' had no bound: each loader's name and digest are compared with
 * those of the loaders before it, and a 1 MiB policy of 10,000 loaders
 * took seconds to be refused (by config_build(), 255 at most). It is a
 * list like the others now, of WB_LIST_MAX entries at most.
 */
TEST(fuzz_policy_loaders_are_bounded)
{
	char *ok = many_loaders(WB_LIST_MAX), *bad = many_loaders(WB_LIST_MAX + 1);
	struct wb_policy pol;
	char err[256];

	if (!CHECK(ok && bad, "malloc"))
		goto out;
	if (CHECK(!policy_load_string("t.yaml", ok, strlen(ok), &pol, err, sizeof(err)), "%s",
		  err)) {
		CHECK_INT(pol.nr_loaders, ==, WB_LIST_MAX);
		policy_free(&pol);
	}
	CHECK_INT(policy_load_string("t.yaml", bad, strlen(bad), &pol, err, sizeof(err)), ==, -1);
	CHECK_STR(err, "t.yaml:3:3: 'loaders' has more than 1024 entries");
out:
	free(ok);
	free(bad);
}
