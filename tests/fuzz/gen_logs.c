// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed logs of fuzz_log and fuzz_log_json into DIR, through the
 * real writer (the tree has no log fixtures; the writer makes them as the
 * daemon would): `watchbpf log generate`'s synthetic decisions, signed and
 * not, rotated; records with every member (Kubernetes pods, strings that
 * need escaping, UTF-8 and invalid bytes, long values the writer cuts);
 * and a file whose last line was cut by a crash, which the writer repairs
 * on reopening. tests/fuzz/seeds.sh makes damaged and gzip'd copies.
 *
 *	gen-logs DIR
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gatekeeper/commands.h"
#include "log/writer.h"
#include "tests/fuzz/fuzz_common.h"

static const char *dir;

static const char *in_dir(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
	return buf;
}

static void die(const char *what)
{
	fprintf(stderr, "gen-logs: %s\n", what);
	exit(1);
}

static void generate(const char *n, const char *name, const char *key, const char *every,
		     const char *rotate)
{
	char path[4096];
	char *argv[12] = { "log", "generate", (char *)n, path, "--seed", "7" };
	int argc = 6;

	in_dir(path, sizeof(path), name);
	if (key) {
		argv[argc++] = "--sign-key";
		argv[argc++] = (char *)key;
		argv[argc++] = "--every";
		argv[argc++] = (char *)every;
	}
	if (rotate) {
		argv[argc++] = "--rotate";
		argv[argc++] = (char *)rotate;
	}
	unlink(path);
	if (cmd_log(argc, argv))
		die("log generate failed");
}

/* Every member, and strings the writer must escape, replace or cut. */
static void odd_records(struct wb_writer *w)
{
	static char long_str[5000];
	const char *strs[] = { "plain",
			       "quote\" backslash\\ slash/",
			       "tab\tnewline\ncr\rdel\x7f bell\x07",
			       "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x9d",
			       "bad \xff\xfe \xc3 \xed\xa0\x80 end",
			       long_str,
			       "" };
	struct wb_record r = {
		.host = "node-1",
		.boot_id = "4f2b8d1e-0c3a-4e5f-9a7b-1c2d3e4f5a6b",
		.policy = "demo",
		.policy_version = "0123456789ab",
		.insn_cnt = 4096,
		.map_id = 17,
		.pid = 4294967295u,
		.tid = 1,
		.uid = 65534,
	};

	memset(long_str, 'x', sizeof(long_str) - 1);
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		const char *s = strs[i];

		r.time_ns = 1700000000123456789ull + i;
		r.id = i + 1;
		r.op = i & 1 ? "load" : "update";
		r.action = i & 1 ? "BPFDenied" : "ProgApproved,MapsReadOnly";
		r.audit = i == 2;
		r.killed = i == 3;
		r.reason = s;
		r.rule = "alice.programs.deny_helpers";
		r.loader = s;
		r.comm = s;
		r.exe = s;
		r.exe_digest =
			"sha256:e14f0f34cf8ac795b6923006eeb7d975ec928b4e230e7e5d23b63798ae417964";
		r.cgroup = s;
		r.pod = s;
		r.k8s_namespace = i & 2 ? "kube-system" : NULL;
		r.k8s_pod = i & 2 ? s : NULL;
		r.k8s_pod_uid = i & 2 ? "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" : NULL;
		r.k8s_container = i & 2 ? "agent" : NULL;
		r.k8s_container_id = i & 2 ? "containerd://0123abcd" : NULL;
		r.type = "kprobe";
		r.name = s;
		if (writer_append(w, &r))
			die("append failed");
	}
	/* the daemon's own records */
	memset(&r, 0, sizeof(r));
	r.op = "-";
	r.insn_cnt = r.map_id = -1;
	r.action = "EventsDropped";
	r.count = 3;
	writer_append(w, &r);
	r.action = "ProbesApproved";
	r.count = 12;
	writer_append(w, &r);
}

static void open_writer(struct wb_writer **w, const char *path, const char *key)
{
	struct writer_opts o = { .path = path,
				 .sign_key = key,
				 .checkpoint_every = 4,
				 .host = "node-1",
				 .boot_id = "-",
				 .policy = "demo",
				 .policy_version = "0123456789ab" };
	char err[512];

	if (writer_open(w, &o, err, sizeof(err)))
		die(err);
}

int main(int argc, char **argv)
{
	char key[4096], path[4096];
	struct wb_writer *w;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: gen-logs DIR\n");
		return 2;
	}
	dir = argv[1];
	fd = open(in_dir(key, sizeof(key), "log-key.pem"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || fuzz_write_key(fd, true) || close(fd))
		die("cannot write the key");

	generate("40", "signed.jsonl", key, "8", NULL);
	generate("12", "unsigned.jsonl", NULL, NULL, NULL);
	generate("30", "rotated.jsonl", key, "5", "10");

	in_dir(path, sizeof(path), "odd.jsonl");
	unlink(path);
	open_writer(&w, path, key);
	odd_records(w);
	if (writer_close(w))
		die("close failed");

	/* a crash mid-line, then the daemon starting again on the file */
	in_dir(path, sizeof(path), "repaired.jsonl");
	generate("5", "repaired.jsonl", key, "2", NULL);
	fd = open(path, O_WRONLY | O_APPEND);
	if (fd < 0 || write(fd, "{\"v\":1,\"seq\":9,\"pr", 18) != 18 || close(fd))
		die("cannot cut a line");
	open_writer(&w, path, key);
	odd_records(w);
	if (writer_close(w))
		die("close failed");
	return 0;
}
