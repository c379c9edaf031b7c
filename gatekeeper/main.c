// SPDX-License-Identifier: GPL-2.0
/* watchbpf: command table and dispatch, in the manner of bpftool. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "lib/util.h"

#ifndef WATCHBPF_VERSION
#define WATCHBPF_VERSION "0.0.0"
#endif

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
};

static const struct command commands[] = {
	{ "run", cmd_run, "run [--enforce|--audit] [POLICY] load the gatekeeper (foreground)" },
	{ "check", cmd_check,
	  "check [--explain] POLICY...      validate policies, say what they allow" },
	{ "digest", cmd_digest, "digest [OPTIONS] FILE...         print fs-verity digests" },
	{ "sign", cmd_sign, "sign --key K --cert C FILE...    sign fs-verity digests" },
	{ "verify", cmd_verify, "verify --cert C FILE...          check signatures" },
	{ "enroll", cmd_enroll,
	  "enroll [OPTIONS] EXE...          fs-verity on a loader and its libraries" },
	{ "log", cmd_log, "log verify|show|summary FILE...  review decision logs" },
	{ "learn", cmd_learn,
	  "learn [--policy P] [-o OUT] LOG... the policy an audit run's log shows" },
	{ "status", cmd_status,
	  "status [--json]                  counters, drops, policy of the running daemon" },
	{ "stop", cmd_stop, "stop [--end-enforcement]         stop the daemon (and a pinned state)" },
	{ "reload", cmd_reload, "reload [--signature SIG]         reload its policy and certificates" },
	{ "upgrade", cmd_upgrade, "upgrade FILE [--signature SIG]   swap in a new build (--persist)" },
	{ "request", cmd_request, "request OP [FILE]                the text an admin signs for OP" },
	{ "doctor", cmd_doctor, "doctor                           report kernel support" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s --enforce [POLICY] | --audit [POLICY]\n", prog_name);
	fprintf(f, "       %s COMMAND [ARGS]\n\nCommands:\n", prog_name);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %s\n", commands[i].usage);
	fprintf(f, "  version\n  help\n\nPOLICY defaults to %s.\n", WB_DEFAULT_POLICY);
	fprintf(f, "See docs/ for the policy format and the log format.\n");
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	cmd = argv[1];
	/* "watchbpf --enforce alice.yaml" is the proposal's spelling of "run". */
	if (cmd[0] == '-' && strcmp(cmd, "-h") && strcmp(cmd, "--help") &&
	    strcmp(cmd, "--version")) {
		argv[0] = "run";
		return cmd_run(argc, argv);
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("watchbpf %s\n", WATCHBPF_VERSION);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(cmd, commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	p_err("unknown command '%s' (try '%s help')", cmd, prog_name);
	return 2;
}
