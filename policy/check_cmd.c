// SPDX-License-Identifier: GPL-2.0
/* watchbpf check [--quiet | --explain] [--strict] [--btf FILE | --no-btf]
 * POLICY...: validate policy files without loading anything, so a policy
 * can be checked before it is deployed (or in CI, against the BTF of the
 * kernel it will run on); --explain says what each loader may do, and
 * warns about risky combinations (policy/explain.c). */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gatekeeper/commands.h"
#include "lib/util.h"
#include "gatekeeper/config.h"
#include "policy/explain.h"
#include "policy/policy.h"

#define CHECK_USAGE "check [--quiet | --explain] [--strict] [--btf FILE | --no-btf] POLICY..."
/* Warnings one policy can give: a few per loader, a few for the whole. */
#define CHECK_MAX_RISKS 256

struct check_opts {
	bool quiet;
	bool explain; /* say what the policy allows, warn about risks */
	bool strict; /* a warning makes the exit status 1 */
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
		"not at all with --no-btf. --explain prints what each loader may and may\n"
		"not do, and warns about risky combinations of keys (FILE:LINE: warning:\n"
		"...); --strict also gives those warnings, and makes any warning exit 1.\n"
		"Exit status: 0 if all files are valid, 1 with --strict if one of them\n"
		"has a warning, 2 if one is invalid.\n",
		prog_name);
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

/* The warnings of a valid policy: stdout in the explanation, else stderr
 * (those of --explain with --strict only). Returns how many. */
static size_t warn_about(const struct wb_policy *pol, const struct check_opts *o)
{
	static struct wb_risk risks[CHECK_MAX_RISKS]; /* large: not on the stack */
	char host[PATH_MAX + 256];
	size_t n, len = 0;
	char *text = NULL;

	/* a systemd host whose PID 1 the policy leaves out */
	if (!policy_host_warning(pol, NULL, host, sizeof(host)))
		host[0] = '\0';
	if (!o->explain && !o->strict) {
		const char *warn[WB_MAX_WARNINGS];

		n = policy_warnings(pol, warn, WB_MAX_WARNINGS);
		for (size_t w = 0; w < n; w++)
			fprintf(stderr, "%s: warning: %s\n", pol->path, warn[w]);
		if (host[0])
			fprintf(stderr, "%s: warning: %s\n", pol->path, host);
		return n + !!host[0];
	}
	text = policy_explain_text(pol, &len);
	n = policy_risks(pol, text, len, host, risks, CHECK_MAX_RISKS);
	free(text);
	if (n > CHECK_MAX_RISKS)
		n = CHECK_MAX_RISKS;
	if (o->explain)
		policy_explain(stdout, pol, risks, n);
	else if (!o->quiet)
		for (size_t i = 0; i < n; i++)
			policy_risk_print(stderr, pol, &risks[i]);
	return n;
}

/* 0 valid, 1 valid with warnings, -1 invalid */
static int check_one(const char *path, const struct check_opts *o)
{
	char err[PATH_MAX + 1024];
	struct wb_policy pol;

	static struct wb_config cfg; /* large: not on the stack */
	struct wb_ids ids = {};
	size_t warnings = 0;
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
	if (!o->quiet)
		printf("%s: ok (policy %s, version %s, mode %s, %zu loader%s; %s)\n", path,
		       pol.name, pol.version, wb_mode_name(pol.mode), pol.nr_loaders,
		       pol.nr_loaders == 1 ? "" : "s", o->names_note);
	if (!o->quiet || o->strict)
		warnings = warn_about(&pol, o);
	policy_free(&pol);
	return warnings ? 1 : 0;
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = { { "quiet", no_argument, NULL, 'q' },
					      { "explain", no_argument, NULL, 'e' },
					      { "strict", no_argument, NULL, 's' },
					      { "btf", required_argument, NULL, 'b' },
					      { "no-btf", no_argument, NULL, 'n' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	struct check_opts o = { 0 };
	int opt, i, nr_files, ret;
	char **files;

	optind = 0;
	opterr = 0;
	/* options may follow file names; "--" ends them */
	while ((opt = getopt_long(argc, argv, ":qh", opts, NULL)) != -1) {
		switch (opt) {
		case 'q':
			o.quiet = true;
			break;
		case 'e':
			o.explain = true;
			break;
		case 's':
			o.strict = true;
			break;
		case 'b':
			o.btf_path = optarg;
			break;
		case 'n':
			o.no_btf = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':': /* only --btf takes a value */
			p_err("check: missing FILE after '%s'; usage: %s " CHECK_USAGE,
			      argv[optind - 1], prog_name);
			return 2;
		default:
			if (optopt)
				p_err("check: unknown option '-%c'; usage: %s " CHECK_USAGE, optopt,
				      prog_name);
			else
				p_err("check: unknown option '%s'; usage: %s " CHECK_USAGE,
				      argv[optind - 1], prog_name);
			return 2;
		}
	}
	files = argv + optind;
	nr_files = argc - optind;
	ret = 2;
	if (!nr_files) {
		p_err("check: no policy file given; usage: %s " CHECK_USAGE, prog_name);
		goto out;
	}
	if (o.no_btf && o.btf_path) {
		p_err("check: --btf and --no-btf exclude each other");
		goto out;
	}
	if (o.quiet && o.explain) {
		p_err("check: --quiet and --explain exclude each other");
		goto out;
	}
	load_btf(&o);
	if (o.btf_path && !o.btf) {
		p_err("check: cannot read BTF from %s: %s", o.btf_path, strerror(o.btf_errno));
		goto out;
	}
	ret = 0;
	/* go on after a bad file: all of them are reported at once */
	for (i = 0; i < nr_files; i++) {
		int r = check_one(files[i], &o);

		if (r < 0)
			ret = 2;
		else if (r && o.strict && !ret)
			ret = 1;
	}
out:
	btf__free(o.btf);
	return ret;
}
