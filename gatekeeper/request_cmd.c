// SPDX-License-Identifier: GPL-2.0
/*
 * The commands that ask the running daemon (control.h): `watchbpf stop`,
 * `reload`, `upgrade`, each with --signature when the policy in force names
 * admin certificates, and `watchbpf request`, which prints the text an admin
 * signs for one of them (admin.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsverity/sign.h"
#include "gatekeeper/admin.h"
#include "gatekeeper/commands.h"
#include "gatekeeper/control.h"
#include "lib/util.h"

struct ask {
	const char *what; /* stop, reload, upgrade, request */
	const char *usage;
	const char *control; /* the socket */
	const char *sig_file; /* --signature */
	bool end; /* stop --end-enforcement */
	char file[PATH_MAX]; /* upgrade's, request upgrade's */
};

/* Options and operands; 0, or an exit status. */
static int parse(struct ask *a, int argc, char **argv, int operands)
{
	static const struct option opts[] = {
		{ "control", required_argument, NULL, 'c' },
		{ "end-enforcement", no_argument, NULL, 'E' },
		{ "signature", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	bool request = !strcmp(a->what, "request");
	int opt;

	a->control = WB_CONTROL_SOCKET;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 'c') {
			a->control = optarg;
		} else if (opt == 'E' && !strcmp(a->what, "stop")) {
			a->end = true;
		} else if (opt == 's' && !request) {
			a->sig_file = optarg;
		} else if (opt == 'h') {
			printf("Usage: %s %s\n", prog_name, a->usage);
			return -1;
		} else {
			p_err("usage: %s %s", prog_name, a->usage);
			return 2;
		}
	}
	if (argc - optind < operands || argc - optind > operands + request) {
		p_err("usage: %s %s", prog_name, a->usage);
		return 2;
	}
	return 0;
}

/* " sig=BASE64" of the signature file, into OUT. 0, or -1. */
static int sig_suffix(const char *file, char *out, size_t len)
{
	unsigned char sig[FSV_SIG_MAX_SIZE + 1];
	ssize_t n;
	int fd;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		p_err("%s: %s", file, strerror(errno));
		return -1;
	}
	n = read(fd, sig, sizeof(sig));
	close(fd);
	if (n <= 0 || n > FSV_SIG_MAX_SIZE) {
		p_err("%s: not a signature (%zd bytes)", file, n);
		return -1;
	}
	memcpy(out, " sig=", 6);
	if (admin_b64_encode(sig, n, out + 5, len - 5)) {
		p_err("%s: a signature of %zd bytes is too large for a request", file, n);
		return -1;
	}
	return 0;
}

/* Sends LINE (with the signature, if any); prints the daemon's answer. */
static int send_line(const struct ask *a, const char *line)
{
	char req[WB_CONTROL_LINE], sig[WB_CONTROL_LINE / 2] = "", answer[WB_CONTROL_LINE];
	char err[512];

	if (a->sig_file && sig_suffix(a->sig_file, sig, sizeof(sig)))
		return 1;
	if (snprintf(req, sizeof(req), "%s%s", line, sig) >= (int)sizeof(req)) {
		p_err("request too long");
		return 2;
	}
	if (control_ask(a->control, req, answer, sizeof(answer), err, sizeof(err))) {
		p_err("%s", err);
		return 1;
	}
	if (!strncmp(answer, "ok: ", 4)) {
		printf("%s\n", answer + 4);
		return 0;
	}
	p_err("%s", !strncmp(answer, "error: ", 7) ? answer + 7 : answer);
	return 1;
}

int cmd_stop(int argc, char **argv)
{
	struct ask a = { "stop", "stop [--end-enforcement] [--signature SIG] [--control SOCKET]" };
	int ret = parse(&a, argc, argv, 0);

	if (ret)
		return ret < 0 ? 0 : ret;
	return send_line(&a, a.end ? "stop end-enforcement" : "stop");
}

int cmd_reload(int argc, char **argv)
{
	struct ask a = { "reload", "reload [--signature SIG] [--control SOCKET]" };
	int ret = parse(&a, argc, argv, 0);

	if (ret)
		return ret < 0 ? 0 : ret;
	return send_line(&a, "reload");
}

int cmd_upgrade(int argc, char **argv)
{
	struct ask a = { "upgrade", "upgrade FILE [--signature SIG] [--control SOCKET]" };
	char line[PATH_MAX + 16];
	int ret = parse(&a, argc, argv, 1);

	if (ret)
		return ret < 0 ? 0 : ret;
	if (!realpath(argv[optind], a.file)) {
		p_err("%s: %s", argv[optind], strerror(errno));
		return 2;
	}
	snprintf(line, sizeof(line), "upgrade %s", a.file);
	return send_line(&a, line);
}

/* The value of KEY= in the challenge's answer "boot=B nonce=N policy=P". */
static bool field(const char *answer, const char *key, char *out, size_t len)
{
	const char *p = strstr(answer, key);
	size_t n;

	if (!p)
		return false;
	p += strlen(key);
	n = strcspn(p, " ");
	if (!n || n >= len)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

/* `watchbpf request OP [FILE]`: the text to sign for one request. */
int cmd_request(int argc, char **argv)
{
	struct ask a = { "request",
			 "request stop|end-enforcement|reload|upgrade [FILE] [--control SOCKET]" };
	char answer[WB_CONTROL_LINE], err[PATH_MAX + 256], object[WB_OBJECT_MAX] = "-";
	char boot[64], nonce[WB_NONCE_HEX], policy[PATH_MAX], text[1024];
	const char *op;
	int ret = parse(&a, argc, argv, 1);

	if (ret)
		return ret < 0 ? 0 : ret;
	op = argv[optind];
	if (strcmp(op, "stop") && strcmp(op, "end-enforcement") && strcmp(op, "reload") &&
	    strcmp(op, "upgrade")) {
		p_err("request: '%s' is none of stop, end-enforcement, reload, upgrade", op);
		return 2;
	}
	if (!strcmp(op, "upgrade") != (optind + 2 == argc)) {
		p_err("usage: %s %s", prog_name, a.usage);
		return 2;
	}
	if (control_ask(a.control, "challenge", answer, sizeof(answer), err, sizeof(err))) {
		p_err("%s", err);
		return 1;
	}
	if (strncmp(answer, "ok: ", 4) || !field(answer, "boot=", boot, sizeof(boot)) ||
	    !field(answer, "nonce=", nonce, sizeof(nonce)) ||
	    !field(answer, "policy=", policy, sizeof(policy))) {
		p_err("the daemon's challenge: %s", answer);
		return 1;
	}
	/* what the request puts in force: the policy file's bytes, the new
	 * build's fs-verity digest */
	if ((!strcmp(op, "reload") &&
	     admin_file_sha256(policy, object, sizeof(object), err, sizeof(err))) ||
	    (!strcmp(op, "upgrade") &&
	     (!realpath(argv[optind + 1], a.file) ||
	      admin_file_verity(a.file, object, sizeof(object), err, sizeof(err))))) {
		p_err("%s", err[0] ? err : strerror(errno));
		return 1;
	}
	if (admin_request_text(text, sizeof(text), boot, nonce, op, object))
		return 1;
	fputs(text, stdout);
	return 0;
}
