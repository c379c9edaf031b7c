// SPDX-License-Identifier: GPL-2.0
/*
 * watchbpf verify --cert CERT.pem [--suffix SUF] [--out DIR] [-r] FILE...
 *
 * Checks the signatures `watchbpf sign` stored (same locations, same
 * options) against the file's current content, in user space, as the
 * kernel would: prints "OK FILE" or "BAD: REASON FILE" per file.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsverity/digest.h"
#include "fsverity/sigfiles.h"
#include "fsverity/sign.h"
#include "gatekeeper/commands.h"
#include "lib/util.h"

enum { OPT_CERT = 256, OPT_SUFFIX, OPT_OUT };

static const struct option verify_options[] = {
	{ "cert", required_argument, NULL, OPT_CERT },
	{ "suffix", required_argument, NULL, OPT_SUFFIX },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "recursive", no_argument, NULL, 'r' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void verify_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s verify --cert CERT.pem [--suffix SUF] [--out DIR] [-r] [-v] FILE...\n"
		"Checks each FILE's signature (where `%s sign` with the same options put\n"
		"it) against the file's fs-verity digest and CERT. Prints \"OK FILE\" or\n"
		"\"BAD: REASON FILE\"; exit status 1 if any is BAD, 2 for a usage error.\n",
		prog_name, prog_name);
}

/* "OK" or the reason it is not, for one file; reason points into buf. */
static const char *verify_file(const struct fsv_verifier *v, const struct file_entry *e, char *buf,
			       size_t len)
{
	const char *reason = NULL;
	unsigned char *sig = NULL;
	struct fsv_digest d;
	size_t sig_len;
	struct stat st;
	int fd = -1, err, flags;

	if (e->err) {
		snprintf(buf, len, "unreadable (%s)",
			 e->err == -EEXIST ? "its signature path is another file's" :
					     strerror(-e->err));
		reason = buf;
		goto out;
	}
	fd = open(e->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st)) {
		snprintf(buf, len, "unreadable (%s)", strerror(errno));
		reason = buf;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		reason = "unreadable (not a regular file)";
		goto out;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		snprintf(buf, len, "unreadable (%s)", strerror(errno));
		reason = buf;
		goto out;
	}
	/* before the digest: no point reading a big file nobody signed */
	err = sig_read(fd, e, &sig, &sig_len);
	if (err == -ENODATA) {
		reason = "no-signature";
		goto out;
	} else if (err == -EFBIG) {
		reason = "bad-signature";
		goto out;
	} else if (err) {
		snprintf(buf, len, "unreadable signature (%s)", strerror(-err));
		reason = buf;
		goto out;
	}
	err = fsv_digest_fd(fd, NULL, &d);
	if (err) {
		snprintf(buf, len, "unreadable (%s)",
			 err == -EAGAIN ? "changed size while being read" : strerror(-err));
		reason = buf;
		goto out;
	}
	err = fsv_verify_digest(v, &d, sig, sig_len);
	if (err < 0) {
		snprintf(buf, len, "error (%s)", strerror(-err));
		reason = buf;
	} else if (err != FSV_SIG_OK) {
		reason = fsv_verdict_str(err);
	}
out:
	free(sig);
	if (fd >= 0)
		close(fd);
	return reason;
}

int cmd_verify(int argc, char **argv)
{
	struct sig_loc loc = { .where = SIG_XATTR, .suffix = ".sig" };
	struct fsv_verifier *verifier = NULL;
	struct file_list files = { 0 };
	bool recursive = false, suffix_set = false;
	const char *cert = NULL, *reason;
	char err[512], buf[256];
	int opt, ret = 0;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":rvh", verify_options, NULL)) != -1) {
		switch (opt) {
		case OPT_CERT:
			cert = optarg;
			break;
		case OPT_SUFFIX:
			loc.suffix = optarg;
			suffix_set = true;
			break;
		case OPT_OUT:
			loc.out_dir = optarg;
			break;
		case 'r':
			recursive = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			verify_usage(stdout);
			goto out;
		default: /* ':' or '?' */
			p_getopt_err(opt, argv);
			verify_usage(stderr);
			ret = 2;
			goto out;
		}
	}
	if (!cert) {
		p_err("--cert is required");
		verify_usage(stderr);
		ret = 2;
		goto out;
	}
	if (optind >= argc) {
		p_err("no file given");
		verify_usage(stderr);
		ret = 2;
		goto out;
	}
	if (sig_loc_settle(&loc, suffix_set)) {
		ret = 2;
		goto out;
	}
	if (fsv_verifier_load(cert, &verifier, err, sizeof(err))) {
		p_err("%s", err);
		ret = 1;
		goto out;
	}
	if (file_list_build(&files, argv + optind, argc - optind, recursive, &loc, verbose)) {
		p_err("out of memory");
		ret = 1;
		goto out;
	}
	for (size_t i = 0; i < files.n; i++) {
		reason = verify_file(verifier, &files.v[i], buf, sizeof(buf));
		if (reason) {
			printf("BAD: %s %s\n", reason, files.v[i].path);
			ret = 1;
		} else {
			printf("OK %s\n", files.v[i].path);
		}
	}
	/* a verdict list cut short must not look complete */
	if (fflush(stdout) || ferror(stdout)) {
		p_err("writing output: %s", strerror(errno));
		ret = 1;
	}
out:
	file_list_free(&files);
	fsv_verifier_free(verifier);
	return ret;
}
