// SPDX-License-Identifier: GPL-2.0
/* The name globs and paths exactly as the BPF programs match them
 * (bpf/glob.h and bpf/watchbpf.h are shared), compiled by the daemon. */
#include <string.h>

#include "gatekeeper/config.h"
#include "test.h"

static int match(const char *glob, const char *name)
{
	struct wbpf_glob g;
	struct wbpf_name n;
	const char *why;

	if (glob_compile(glob, &g, &why))
		return -1;
	wb_name_prepare(&n, name);
	return wb_glob_match(&g, &n);
}

TEST(glob_exact_and_question_mark)
{
	CHECK_INT(match("ct_map_tcp4", "ct_map_tcp4"), ==, 1);
	CHECK_INT(match("ct_map_tcp4", "ct_map_tcp6"), ==, 0);
	CHECK_INT(match("ct_map_tcp4", "ct_map_tcp"), ==, 0);
	CHECK_INT(match("ct_map_tcp4", "ct_map_tcp44"), ==, 0);
	CHECK_INT(match("ct_map_tcp?", "ct_map_tcp6"), ==, 1);
	CHECK_INT(match("ct_map_tcp?", "ct_map_tcp"), ==, 0);
	CHECK_INT(match("?", "a"), ==, 1);
	CHECK_INT(match("?", ""), ==, 0);
}

TEST(glob_star)
{
	CHECK_INT(match("*", ""), ==, 1);
	CHECK_INT(match("*", "anything_at_all"), ==, 1);
	CHECK_INT(match("from_*", "from_netdev"), ==, 1);
	CHECK_INT(match("from_*", "from_"), ==, 1);
	CHECK_INT(match("from_*", "to_netdev"), ==, 0);
	CHECK_INT(match("*_tcp4", "ct_map_tcp4"), ==, 1);
	CHECK_INT(match("*_tcp4", "ct_map_tcp6"), ==, 0);
	CHECK_INT(match("ct_*_tcp?", "ct_map_tcp6"), ==, 1);
	CHECK_INT(match("ct_*_tcp?", "ct_tcp6"), ==, 0); /* prefix and suffix may not overlap */
	CHECK_INT(match("ab*ba", "aba"), ==, 0);
	CHECK_INT(match("ab*ba", "abba"), ==, 1);
	/* the longest names the kernel has: 15 characters */
	CHECK_INT(match("*", "abcdefghijklmno"), ==, 1);
	CHECK_INT(match("abcdefghijklmn?", "abcdefghijklmno"), ==, 1);
	CHECK_INT(match("a*o", "abcdefghijklmno"), ==, 1);
}

TEST(glob_refused)
{
	struct wbpf_glob g;
	const char *why = NULL;

	CHECK_INT(glob_compile("a*b*", &g, &why), ==, -1);
	CHECK(why && strstr(why, "one '*'"), "%s", why);
	CHECK_INT(glob_compile("[ab]x", &g, &why), ==, -1);
	CHECK_INT(glob_compile("0123456789abcdef", &g, &why), ==, -1);
	CHECK(why && strstr(why, "15 characters"), "%s", why);
}

static int path_match(const char *rule, int exact, const char *path)
{
	struct wbpf_loader_cfg c;
	struct wb_policy pol = { .path = "p.yaml", .name = "p" };
	struct wb_collateral col = { .path = (char *)rule };
	struct wb_loader l = { .name = "l", .nr_collateral = 1, .collateral = &col };
	__u64 buf[WB_PATH_WORDS];
	char err[256];

	memset(buf, 0xaa, sizeof(buf)); /* bytes after the NUL are garbage */
	strcpy((char *)buf, path);
	if (exact) {
		l.nr_collateral = 0;
		l.exec_path = (char *)rule;
	}
	pol.loaders = &l;
	pol.nr_loaders = 1;
	{
		static struct wb_config cfg;
		static struct wb_ids ids;

		if (config_build(&pol, &ids, 0, 0, &cfg, err, sizeof(err)))
			return -1;
		c = cfg.cfg[cfg.id_of[0]];
		config_ids_free(&ids);
	}
	return wb_path_match(buf, exact ? &c.exec_path : &c.collateral[0]);
}

TEST(path_prefix_and_exact)
{
	CHECK_INT(path_match("/usr/lib/alice/", 0, "/usr/lib/alice/x.o"), ==, 1);
	CHECK_INT(path_match("/usr/lib/alice/", 0, "/usr/lib/alice"), ==, 0);
	CHECK_INT(path_match("/usr/lib/alice/", 0, "/usr/lib/alicex/x.o"), ==, 0);
	CHECK_INT(path_match("/usr/lib/alice", 0, "/usr/lib/alicex/x.o"), ==, 1);
	CHECK_INT(path_match("/usr/bin/alice", 1, "/usr/bin/alice"), ==, 1);
	CHECK_INT(path_match("/usr/bin/alice", 1, "/usr/bin/alice2"), ==, 0);
	CHECK_INT(path_match("/usr/bin/alice", 1, "/usr/bin/alic"), ==, 0);
}
