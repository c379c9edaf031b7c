// SPDX-License-Identifier: GPL-2.0
/*
 * watchbpf learn [--policy EXISTING] [-o OUT] [--name NAME] [--skip-malformed] LOG...
 *
 * Reads decision logs (plain or gzip'd, oldest first, through the log
 * reader every `watchbpf log` command uses) and writes the policy they
 * show: docs/learn.md. Nothing is written unless every file was read and
 * the result passes the parser.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gatekeeper/commands.h"
#include "learn/learn.h"
#include "lib/util.h"
#include "log/query.h"

#define LEARN_USAGE \
	"learn [--policy EXISTING.yaml] [-o OUT.yaml] [--name NAME] [--skip-malformed] LOG..."

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s " LEARN_USAGE "\n"
		"\n"
		"Writes the policy a decision log shows (an audit run's): one loader per\n"
		"executable, with the program types, attach types, names, helpers, kfuncs,\n"
		"sizes and maps its records show, and nothing else. With --policy, merges\n"
		"into that policy: its text is kept, loaders it does not list are added\n"
		"(marked '# learned:'), and what its loaders' rules deny stays denied.\n"
		"LOGs are JSON logs (--log), oldest first, plain or gzip'd. Writes OUT\n"
		"atomically (standard output without -o), only when the result passes\n"
		"`watchbpf check`. A malformed line is an error (FILE:LINE) unless\n"
		"--skip-malformed. Exit status: 0 written, 1 an input or output error,\n"
		"2 a usage error. See docs/learn.md.\n",
		prog_name);
}

struct learn_ctx {
	struct learn l;
	bool skip_malformed;
	struct malformed_report mal;
	int status;
};

static int on_line(void *ctx, const struct scan_item *it)
{
	struct learn_ctx *c = ctx;

	if (!it->p) {
		if (c->skip_malformed) {
			report_malformed(&c->mal, it);
			return 0;
		}
		p_err("%s:%llu: malformed: %s (--skip-malformed learns from the rest)", it->file,
		      (unsigned long long)it->line->no, it->why);
		return 1;
	}
	if (learn_add(&c->l, &it->p->rec)) {
		p_err("out of memory");
		return 1;
	}
	return 0;
}

/* The existing policy: its bytes, kept as written, and its parse. */
static int read_base(const char *path, char **text, size_t *len, struct wb_policy *pol)
{
	char err[1024];
	struct stat st;
	ssize_t n;
	int fd;

	if (policy_load_file(path, pol, err, sizeof(err))) {
		p_err("%s", err);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || st.st_size < 0 || (size_t)st.st_size > WB_POLICY_MAX_SIZE) {
		p_err("%s: cannot read: %s", path, strerror(fd < 0 ? errno : EFBIG));
		goto fail;
	}
	*text = malloc(st.st_size + 1);
	if (!*text) {
		p_err("out of memory");
		goto fail;
	}
	*len = 0;
	while ((n = read(fd, *text + *len, st.st_size - *len)) > 0)
		*len += n;
	close(fd);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	policy_free(pol);
	return -1;
}

static bool policy_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > WB_POLICY_NAME_MAX)
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-") == n;
}

int cmd_learn(int argc, char **argv)
{
	static const struct option opts[] = { { "policy", required_argument, NULL, 'p' },
					      { "output", required_argument, NULL, 'o' },
					      { "name", required_argument, NULL, 'n' },
					      { "skip-malformed", no_argument, NULL, 'S' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	struct learn_emit_opts eo = { .warn = stderr };
	const char *policy = NULL, *output = NULL;
	struct wb_policy base = { 0 };
	struct learn_ctx *c;
	char *base_text = NULL, err[1024];
	int opt, bad = 0, ret = 2;
	size_t base_len = 0;

	c = calloc(1, sizeof(*c));
	if (!c) {
		p_err("out of memory");
		return 1;
	}
	learn_init(&c->l);
	c->mal.out = stderr;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			policy = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'n':
			if (!policy_name_ok(optarg)) {
				p_err("--name '%s': 1 to 63 characters from A-Z a-z 0-9 _ . : -",
				      optarg);
				goto out;
			}
			eo.name = optarg;
			break;
		case 'S':
			c->skip_malformed = true;
			break;
		case 'h':
			usage(stdout);
			ret = 0;
			goto out;
		default:
			p_getopt_err(opt, argv);
			usage(stderr);
			goto out;
		}
	}
	if (optind >= argc) {
		p_err("no log file given");
		usage(stderr);
		goto out;
	}
	if (policy && eo.name) {
		p_err("--name names a new policy; the merged one keeps its name");
		goto out;
	}
	ret = 1;
	if (policy) {
		if (read_base(policy, &base_text, &base_len, &base))
			goto out;
		eo.base = &base;
		eo.base_text = base_text;
		eo.base_len = base_len;
		c->l.base = &base;
	}
	if (log_scan(argv + optind, argc - optind, on_line, c, stderr, &bad, NULL))
		goto out;
	report_malformed_end(&c->mal);
	if (bad) {
		p_err("%d file(s) could not be read: nothing written", bad);
		goto out;
	}
	p_info("learned from %llu of %llu record(s): %zu executable(s)",
	       (unsigned long long)c->l.st.used, (unsigned long long)c->l.st.records,
	       c->l.nr_exes);
	if (c->l.st.no_digest)
		p_info("%llu bpf() record(s) of processes no record gives a digest for were "
		       "left out (docs/learn.md)",
		       (unsigned long long)c->l.st.no_digest);
	if (c->l.st.probes)
		p_info("%llu feature probe(s): only their helpers learned (enforcement lets them through)",
		       (unsigned long long)c->l.st.probes);
	if (c->l.st.denied)
		p_info("%llu record(s) of calls refused for real (not audit) were left out",
		       (unsigned long long)c->l.st.denied);
	if (c->mal.count)
		p_info("%llu malformed line(s) skipped", (unsigned long long)c->mal.count);
	if (!c->l.st.used)
		p_info("no bpf() record to learn from: is this an audit run's JSON log?");
	if (output) {
		if (learn_write(&c->l, &eo, output, err, sizeof(err))) {
			p_err("%s", err);
			goto out;
		}
		p_info("wrote %s", output);
	} else {
		char *text;
		size_t len;

		if (learn_emit(&c->l, &eo, &text, &len, err, sizeof(err))) {
			p_err("%s", err);
			goto out;
		}
		fwrite(text, 1, len, stdout);
		free(text);
		if (fflush(stdout)) {
			p_err("writing standard output: %s", strerror(errno));
			goto out;
		}
	}
	ret = 0;
out:
	learn_free(&c->l);
	free(c);
	policy_free(&base);
	free(base_text);
	return ret;
}
