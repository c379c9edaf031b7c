// SPDX-License-Identifier: GPL-2.0
/* watchbpf check [--quiet] POLICY...: validate policy files without loading
 * anything, so a policy can be checked before it is deployed (or in CI). */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "gatekeeper/commands.h"
#include "lib/util.h"
#include "policy/policy.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s check [--quiet] POLICY...\n"
		"\n"
		"Validate policy files (see docs/policy.md). For each valid file, prints\n"
		"'POLICY: ok (...)' unless --quiet is given; each problem is reported as\n"
		"FILE:LINE:COL: message on stderr. Exit status: 0 if all files are valid,\n"
		"2 otherwise.\n",
		prog_name);
}

static bool is_option(const char *arg)
{
	return arg[0] == '-' && arg[1];
}

static int check_one(const char *path, bool quiet)
{
	char err[PATH_MAX + 512];
	struct wb_policy pol;

	if (policy_load_file(path, &pol, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (!quiet)
		printf("%s: ok (policy %s, mode %s, %zu loader%s)\n", path, pol.name,
		       wb_mode_name(pol.mode), pol.nr_loaders, pol.nr_loaders == 1 ? "" : "s");
	policy_free(&pol);
	return 0;
}

int cmd_check(int argc, char **argv)
{
	bool quiet = false, opts = true;
	int i, nr_files = 0, ret = 0;

	/* options may follow file names; "--" ends them */
	for (i = 1; i < argc; i++) {
		if (opts && !strcmp(argv[i], "--")) {
			opts = false;
		} else if (opts && is_option(argv[i])) {
			if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
				quiet = true;
			} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
				usage(stdout);
				return 0;
			} else {
				p_err("check: unknown option '%s'; usage: %s check [--quiet] "
				      "POLICY...",
				      argv[i], prog_name);
				return 2;
			}
		} else {
			nr_files++;
		}
	}
	if (!nr_files) {
		p_err("check: no policy file given; usage: %s check [--quiet] POLICY...",
		      prog_name);
		return 2;
	}

	opts = true;
	for (i = 1; i < argc; i++) {
		if (opts && !strcmp(argv[i], "--")) {
			opts = false;
			continue;
		}
		if (opts && is_option(argv[i]))
			continue;
		/* go on after a bad file: all of them are reported at once */
		if (check_one(argv[i], quiet))
			ret = 2;
	}
	return ret;
}
