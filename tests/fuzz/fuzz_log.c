// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: a decision log file, plain or gzip'd, through
 * everything that reads one: `watchbpf log verify` (the chain and the
 * checkpoint signatures, with the seed logs' key trusted), `log show`,
 * `log summary --json`, and the writer picking up the chain where
 * a file it reopens ends (a daemon restarted on a damaged log), then
 * appending to it. An odd-sized input is verified as two files in a row,
 * the way rotated files are given.
 *
 * Run with -close_fd_mask=3: the commands print to stdout and stderr.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gatekeeper/commands.h"
#include "log/verify.h"
#include "log/writer.h"
#include "tests/fuzz/fuzz_common.h"

static int log_fd;
static char log_path[FUZZ_PATH_MAX], key_path[FUZZ_PATH_MAX];
static struct wb_key key;
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char pub_path[FUZZ_PATH_MAX], err[256];
	int pub = fuzz_memfd("fuzz-log-pub", pub_path);
	int priv = fuzz_memfd("fuzz-log-key", key_path);

	(void)argc;
	(void)argv;
	log_fd = fuzz_memfd("fuzz-log", log_path);
	devnull = fopen("/dev/null", "w");
	if (!devnull || fuzz_write_key(pub, false) || fuzz_write_key(priv, true) ||
	    key_load_public(&key, pub_path, err, sizeof(err))) {
		fprintf(stderr, "fuzz_log: cannot set up: %s\n", err);
		exit(1);
	}
	return 0;
}

static void run_cmd(const char *a, const char *b, const char *c)
{
	char *argv[] = { (char *)"log", (char *)a, (char *)b, (char *)c, NULL };
	int argc = c ? 4 : 3;

	cmd_log(argc, argv);
}

/* A record as the daemon appends it. */
static void append(void)
{
	struct writer_opts o = { .path = log_path,
				 .sign_key = key_path,
				 .checkpoint_every = 2,
				 .host = "fuzz",
				 .boot_id = "-",
				 .policy = "fuzz",
				 .policy_version = "0123456789ab" };
	struct wb_record r = { .time_ns = 1,
			       .op = "load",
			       .action = "Approved",
			       .loader = "a",
			       .insn_cnt = -1,
			       .map_id = -1 };
	struct wb_writer *w;
	char err[256];

	r.host = o.host;
	r.boot_id = o.boot_id;
	if (writer_open(&w, &o, err, sizeof(err)))
		return;
	writer_append(w, &r);
	writer_close(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verify_opts vo = { .keys = &key, .nr_keys = 1 };
	char *files[] = { log_path, log_path };
	struct verify_result res;

	fuzz_memfd_set(log_fd, data, size);
	log_verify(files, 1 + (size & 1), &vo, devnull, &res);
	/* their JSON and text variants differ in printing only: the summary's
	 * text and show's lines have fuzz_log_json */
	run_cmd("show", log_path, NULL);
	run_cmd("summary", "--json", log_path);
	/* last: it changes the file */
	append();
	return 0;
}
