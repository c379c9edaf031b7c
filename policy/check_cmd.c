// SPDX-License-Identifier: GPL-2.0
/* watchbpf check [--quiet] [--btf FILE | --no-btf] POLICY...: validate policy
 * files without loading anything, so a policy can be checked before it is
 * deployed (or in CI, against the BTF of the kernel it will run on). */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gatekeeper/commands.h"
#include "lib/util.h"
#include "gatekeeper/config.h"
#include "policy/policy.h"

#define CHECK_USAGE "check [--quiet] [--btf FILE | --no-btf] POLICY..."

struct check_opts {
	bool quiet;
	bool no_btf;
	const char *btf_path; /* NULL: this kernel's */
	struct btf *btf;
	int btf_errno;
	char names_note[PATH_MAX + 64]; /* how names were checked, for the ok line */
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s " CHECK_USAGE "\n"
		"\n"
		"Validate policy files (see docs/policy.md). For each valid file, prints\n"
		"'POLICY: ok (...)' unless --quiet is given; each problem is reported as\n"
		"FILE:LINE:COL: message on stderr. Helper and bpf command names are checked\n"
		"against this kernel's BTF when it has one, against FILE (a vmlinux or raw\n"
		"BTF, e.g. a copy of the target's /sys/kernel/btf/vmlinux) with --btf, and\n"
		"not at all with --no-btf. Exit status: 0 if all files are valid, 2\n"
		"otherwise.\n",
		prog_name);
}

static bool is_option(const char *arg)
{
	return arg[0] == '-' && arg[1];
}

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* A kernel without BTF is a fact to report in the ok line, not a libbpf
 * warning on stderr. */
static void load_btf(struct check_opts *o)
{
	libbpf_print_fn_t old;

	if (o->no_btf) {
		snprintf(o->names_note, sizeof(o->names_note), "%s",
			 "helper and command names not checked: --no-btf");
		return;
	}
	old = libbpf_set_print(quiet_print);
	o->btf = o->btf_path ? btf__parse(o->btf_path, NULL) : btf__load_vmlinux_btf();
	o->btf_errno = errno;
	libbpf_set_print(old);
	if (!o->btf)
		snprintf(o->names_note, sizeof(o->names_note), "%s",
			 "helper and command names not checked: no kernel BTF");
	else if (o->btf_path)
		snprintf(o->names_note, sizeof(o->names_note), "names checked against %s",
			 o->btf_path);
	else
		snprintf(o->names_note, sizeof(o->names_note), "%s",
			 "names checked against this kernel");
}

static int check_one(const char *path, const struct check_opts *o)
{
	char err[PATH_MAX + 1024];
	struct wb_policy pol;

	static struct wb_config cfg; /* large: not on the stack */
	struct wb_ids ids = {};
	int bad;

	bad = policy_load_file(path, &pol, err, sizeof(err)) ||
	      policy_check_certs(&pol, err, sizeof(err)) ||
	      policy_load_code(&pol, err, sizeof(err)) ||
	      policy_resolve(&pol, o->btf, err, sizeof(err)) ||
	      /* what the daemon would refuse when it builds its maps */
	      config_build(&pol, &ids, 0, 0, &cfg, err, sizeof(err));
	config_ids_free(&ids);
	if (bad) {
		fprintf(stderr, "%s\n", err);
		policy_free(&pol);
		return -1;
	}
	if (!o->quiet) {
		const char *warn[WB_MAX_WARNINGS];
		size_t nw = policy_warnings(&pol, warn, WB_MAX_WARNINGS);
		char host[PATH_MAX + 256];

		printf("%s: ok (policy %s, version %s, mode %s, %zu loader%s; %s)\n", path,
		       pol.name, pol.version, wb_mode_name(pol.mode), pol.nr_loaders,
		       pol.nr_loaders == 1 ? "" : "s", o->names_note);
		for (size_t w = 0; w < nw; w++)
			fprintf(stderr, "%s: warning: %s\n", path, warn[w]);
		/* a systemd host whose PID 1 the policy leaves out */
		if (policy_host_warning(&pol, NULL, host, sizeof(host)))
			fprintf(stderr, "%s: warning: %s\n", path, host);
	}
	policy_free(&pol);
	return 0;
}

int cmd_check(int argc, char **argv)
{
	struct check_opts o = { 0 };
	bool opts = true;
	int i, nr_files = 0, ret = 0;
	const char **files;

	files = calloc(argc, sizeof(*files));
	if (!files) {
		p_err("check: out of memory");
		return 2;
	}
	/* options may follow file names; "--" ends them */
	for (i = 1; i < argc; i++) {
		if (opts && !strcmp(argv[i], "--")) {
			opts = false;
		} else if (opts && is_option(argv[i])) {
			if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
				o.quiet = true;
			} else if (!strcmp(argv[i], "--no-btf")) {
				o.no_btf = true;
			} else if (!strcmp(argv[i], "--btf") && i + 1 < argc) {
				o.btf_path = argv[++i];
			} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
				usage(stdout);
				goto out;
			} else {
				p_err("check: %s '%s'; usage: %s " CHECK_USAGE,
				      strcmp(argv[i], "--btf") ? "unknown option" :
								 "missing FILE after",
				      argv[i], prog_name);
				ret = 2;
				goto out;
			}
		} else {
			files[nr_files++] = argv[i];
		}
	}
	ret = 2;
	if (!nr_files) {
		p_err("check: no policy file given; usage: %s " CHECK_USAGE, prog_name);
		goto out;
	}
	if (o.no_btf && o.btf_path) {
		p_err("check: --btf and --no-btf exclude each other");
		goto out;
	}
	load_btf(&o);
	if (o.btf_path && !o.btf) {
		p_err("check: cannot read BTF from %s: %s", o.btf_path, strerror(o.btf_errno));
		goto out;
	}
	ret = 0;
	/* go on after a bad file: all of them are reported at once */
	for (i = 0; i < nr_files; i++)
		if (check_one(files[i], &o))
			ret = 2;
out:
	btf__free(o.btf);
	free(files);
	return ret;
}
