// SPDX-License-Identifier: GPL-2.0
/*
 * Program names as learn writes them. Tools that generate code number what
 * they generate (bpftrace: kprobe_foo_1, kprobe_foo_2; one per probe and
 * run), so a list of the names of one run would refuse the next. Names that
 * differ only in a trailing number share a glob of their stem, which keeps
 * the prefix the tool gave them; any other name stays exact. The stem must
 * not be empty (no bare "*"), and a glob has at most one '*', as the policy
 * wants (docs/policy.md, "Globs").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "learn/learn.h"

/* Length of s without its trailing digits. */
static size_t stem_len(const char *s)
{
	size_t n = strlen(s);

	while (n && s[n - 1] >= '0' && s[n - 1] <= '9')
		n--;
	return n;
}

int learn_collapse_names(const struct strset *names, struct strset *out)
{
	char glob[WB_OBJ_NAME_MAX + 2];
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	/* sorted input: names of one stem are neighbours, but "a_1" < "a_1x"
	 * < "a_2" can split them, so count the whole set per stem */
	while (i < names->n) {
		const char *s = names->v[i];
		size_t sl = stem_len(s), same = 0;

		for (size_t j = 0; j < names->n; j++) {
			const char *t = names->v[j];

			if (stem_len(t) == sl && !strncmp(s, t, sl))
				same++;
		}
		if (sl && same > 1) {
			memcpy(glob, s, sl);
			glob[sl] = '*';
			glob[sl + 1] = '\0';
			if (strset_add(out, glob, sl + 1))
				goto oom;
		} else if (strset_add(out, s, strlen(s))) {
			goto oom;
		}
		i++;
	}
	return 0;
oom:
	strset_free(out);
	return -ENOMEM;
}
