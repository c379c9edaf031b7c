// SPDX-License-Identifier: GPL-2.0
/*
 * watchbpf log verify|show|summary FILE...: the review tool of the JSON
 * decision log (docs/log-format.md). Every command streams its files in the
 * order given, plain or gzip'd, with bounded memory.
 *
 * `watchbpf log generate` is a testing aid (tests/unit/log_cli.sh,
 * tests/bench/log.sh): it writes synthetic records through the real writer.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gatekeeper/commands.h"
#include "lib/util.h"
#include "log/query.h"
#include "log/verify.h"
#include "log/writer.h"

#define MAX_CERTS 16

static void log_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s log verify --cert CERT [--cert CERT]... [--strict] FILE...\n"
		"       %s log show [--action A] [--op OP] [--process P] [--pod P] [--loader L]\n"
		"                   [--since T] [--until T] [--json] FILE...\n"
		"       %s log summary [--json] FILE...\n"
		"FILEs are read in the order given (oldest first: x.log.2.gz x.log.1 x.log),\n"
		"plain or gzip'd. Filters take comma-separated alternatives; T is RFC 3339,\n"
		"a date, or relative to now (-30m, -1h, -2d). See docs/log-format.md.\n",
		prog_name, prog_name, prog_name);
}

/* getopt_long()'s error for the option just read, then usage; returns 2. */
static int bad_option(char **argv, int opt)
{
	p_getopt_err(opt, argv);
	log_usage(stderr);
	return 2;
}

static int need_files(int argc)
{
	if (optind < argc)
		return 0;
	p_err("no log file given");
	log_usage(stderr);
	return 2;
}

static int do_verify(int argc, char **argv)
{
	static const struct option opts[] = { { "cert", required_argument, NULL, 'c' },
					      { "strict", no_argument, NULL, 's' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	struct wb_key keys[MAX_CERTS];
	struct verify_opts vo = { .keys = keys };
	struct verify_result res;
	int opt, ret = 2;
	char err[512];

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (vo.nr_keys == MAX_CERTS) {
				p_err("at most %d --cert", MAX_CERTS);
				goto out;
			}
			if (key_load_public(&keys[vo.nr_keys], optarg, err, sizeof(err))) {
				p_err("%s", err);
				goto out;
			}
			vo.nr_keys++;
			break;
		case 's':
			vo.strict = true;
			break;
		case 'h':
			log_usage(stdout);
			ret = 0;
			goto out;
		default:
			ret = bad_option(argv, opt);
			goto out;
		}
	}
	if (need_files(argc))
		goto out;
	if (!vo.nr_keys) {
		p_err("--cert is needed: the certificate (or public key) of the signing key");
		goto out;
	}
	ret = log_verify(argv + optind, argc - optind, &vo, stdout, &res);
out:
	for (int i = 0; i < vo.nr_keys; i++)
		key_free(&keys[i]);
	return ret;
}

struct show_ctx {
	const struct log_filter *f;
	bool json;
	struct malformed_report mal;
	char line[WB_TIME_STR + WB_LINE_MAX + 2];
};

static int show_line(void *ctx, const struct scan_item *it)
{
	struct show_ctx *s = ctx;
	int n;

	if (!it->p) {
		report_malformed(&s->mal, it);
		return 0;
	}
	if (!filter_match(s->f, &it->p->rec))
		return 0;
	if (s->json) {
		fwrite(it->line->p, 1, it->line->len, stdout);
		putchar('\n');
		return 0;
	}
	record_time_str(it->p->rec.time_ns, s->line);
	s->line[WB_TIME_STR - 1] = ' ';
	n = record_format_text(&it->p->rec, s->line + WB_TIME_STR, sizeof(s->line) - WB_TIME_STR);
	if (n >= (int)(sizeof(s->line) - WB_TIME_STR))
		n = sizeof(s->line) - WB_TIME_STR - 1;
	s->line[WB_TIME_STR + n] = '\n';
	fwrite(s->line, 1, WB_TIME_STR + n + 1, stdout);
	return 0;
}

enum { O_ACTION = 256, O_OP, O_PROCESS, O_POD, O_LOADER, O_SINCE, O_UNTIL, O_JSON };

/* Adds arg to the option's list of values; -1 when it is full. */
static int add_filter(struct log_filter *f, int opt, char *arg)
{
	switch (opt) {
	case O_ACTION:
		return filter_add(f->action, &f->nr_action, arg);
	case O_OP:
		return filter_add(f->op, &f->nr_op, arg);
	case O_PROCESS:
		return filter_add(f->process, &f->nr_process, arg);
	case O_POD:
		return filter_add(f->pod, &f->nr_pod, arg);
	default:
		return filter_add(f->loader, &f->nr_loader, arg);
	}
}

/* stdout in big blocks: a filter that matches everything prints gigabytes */
static char out_buf[1 << 20];

static int do_show(int argc, char **argv)
{
	static const struct option opts[] = { { "action", required_argument, NULL, O_ACTION },
					      { "op", required_argument, NULL, O_OP },
					      { "process", required_argument, NULL, O_PROCESS },
					      { "pod", required_argument, NULL, O_POD },
					      { "loader", required_argument, NULL, O_LOADER },
					      { "since", required_argument, NULL, O_SINCE },
					      { "until", required_argument, NULL, O_UNTIL },
					      { "json", no_argument, NULL, O_JSON },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	uint64_t now = wb_realtime_ns();
	struct log_filter f = {};
	int opt, bad, ret = 2;
	struct show_ctx *s;

	s = calloc(1, sizeof(*s));
	if (!s) {
		p_err("out of memory");
		return 1;
	}
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case O_ACTION:
		case O_OP:
		case O_PROCESS:
		case O_POD:
		case O_LOADER:
			if (add_filter(&f, opt, optarg)) {
				p_err("at most %d values per filter", FILTER_MAX);
				goto out;
			}
			break;
		case O_SINCE:
		case O_UNTIL:
			if (filter_parse_time(optarg, now, opt == O_SINCE ? &f.since : &f.until)) {
				p_err("bad time '%s': RFC 3339 (2026-11-21T05:55:16Z), a date, or "
				      "relative (-30m, -1h, -2d)",
				      optarg);
				goto out;
			}
			f.has_since |= opt == O_SINCE;
			f.has_until |= opt == O_UNTIL;
			break;
		case O_JSON:
			s->json = true;
			break;
		case 'h':
			log_usage(stdout);
			ret = 0;
			goto out;
		default:
			ret = bad_option(argv, opt);
			goto out;
		}
	}
	if (need_files(argc))
		goto out;
	setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf));
	s->f = &f;
	s->mal.out = stderr;
	log_scan(argv + optind, argc - optind, show_line, s, stderr, &bad, NULL);
	fflush(stdout);
	report_malformed_end(&s->mal);
	ret = bad ? 1 : 0;
out:
	free(s);
	return ret;
}

struct summary_ctx {
	struct summary *sum;
	struct malformed_report mal;
};

static int summary_line(void *ctx, const struct scan_item *it)
{
	struct summary_ctx *c = ctx;

	if (it->p)
		summary_add(c->sum, &it->p->rec);
	else
		report_malformed(&c->mal, it);
	return 0;
}

static int do_summary(int argc, char **argv)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
					      { "help", no_argument, NULL, 'h' },
					      { NULL, 0, NULL, 0 } };
	struct summary_ctx c = { .mal.out = stderr };
	bool json = false;
	int opt, bad;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'h':
			log_usage(stdout);
			return 0;
		default:
			return bad_option(argv, opt);
		}
	}
	if (need_files(argc))
		return 2;
	c.sum = summary_new();
	if (!c.sum) {
		p_err("out of memory");
		return 1;
	}
	log_scan(argv + optind, argc - optind, summary_line, &c, stderr, &bad, NULL);
	report_malformed_end(&c.mal);
	summary_malformed(c.sum, c.mal.count);
	if (json)
		summary_print_json(c.sum, stdout, argc - optind);
	else
		summary_print(c.sum, stdout, argc - optind);
	summary_free(c.sum);
	return bad ? 1 : 0;
}

/* ---- generate: a testing aid ---- */

struct gen_actor {
	const char *comm, *exe, *pod, *loader;
	uint32_t uid;
};

static const struct gen_actor actors[] = {
	{ "alice", "/usr/local/bin/alice", "alice", "alice", 0 },
	{ "bob", "/usr/local/bin/bob", "k8s-pod", "bob", 0 },
	{ "cilium-agent", "/usr/bin/cilium-agent", "cilium-x7k2p", "cilium", 0 },
	{ "eve", "/tmp/eve", "eve", NULL, 1000 },
	{ "mallory", "/home/mallory/a.out", "", NULL, 1001 },
};

static const char *const prog_types[] = { "xdp", "socket_filter", "kprobe", "tracepoint",
					  "cgroup_skb" };

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A plausible decision: loaders are approved, the others denied. */
static void gen_record(struct wb_record *r, uint64_t i, uint64_t *rng, char *buf, size_t len)
{
	uint64_t x = xorshift(rng);
	const struct gen_actor *a = &actors[x % ARRAY_SIZE(actors)];

	r->id = i + 1;
	r->pid = 1000 + (uint32_t)(x >> 8) % 30000;
	r->tid = r->pid;
	r->uid = a->uid;
	r->comm = a->comm;
	r->exe = a->exe;
	r->pod = a->pod;
	r->loader = a->loader;
	r->exe_digest =
		a->loader ?
			"sha256:e14f0f34cf8ac795b6923006eeb7d975ec928b4e230e7e5d23b63798ae417964" :
			NULL;
	snprintf(buf, len, "/sys/fs/cgroup/kubepods.slice/kubepods-besteffort.slice/%s.scope",
		 a->pod[0] ? a->pod : "init");
	r->cgroup = buf;
	r->op = (x >> 20) % 8 == 0 ? "exec" : (x >> 20) % 8 < 3 ? "map_create" : "load";
	r->type = NULL;
	r->name = NULL;
	r->insn_cnt = -1;
	r->map_id = -1;
	if (!strcmp(r->op, "load")) {
		r->type = prog_types[(x >> 24) % ARRAY_SIZE(prog_types)];
		r->name = "from_netdev";
		r->insn_cnt = (int64_t)((x >> 28) % 4096);
	} else if (!strcmp(r->op, "map_create")) {
		r->type = "hash";
		r->name = "ct_map_tcp4";
		r->map_id = (int64_t)(i % 100000);
	}
	r->action = a->loader ? "Approved" : "BPFDenied";
	r->reason = a->loader ? NULL : "not-loader";
	r->rule = a->loader ? NULL : "default.bpf";
	r->audit = !a->loader && (x >> 40) % 16 == 0;
	r->killed = !a->loader && !r->audit && (x >> 44) % 16 == 0;
}

static int gen_rotate(const char *path, int rotations)
{
	char from[4096], to[4096];

	for (int k = rotations; k >= 1; k--) {
		snprintf(from, sizeof(from), "%s.%d", path, k);
		snprintf(to, sizeof(to), "%s.%d", path, k + 1);
		if (rename(from, to) && errno != ENOENT)
			return -errno;
	}
	snprintf(to, sizeof(to), "%s.1", path);
	return rename(path, to) ? -errno : 0;
}

static void gen_stats(const struct writer_stats *st, uint64_t ns)
{
	double total = (double)ns, secs = total / 1e9;

	fprintf(stderr,
		"generate: %llu lines, %llu bytes in %.3f s: %.0f records/s, %.1f MB/s\n"
		"generate: time in formatting+hashing %.1f%%, write() %.1f%%, fdatasync() %.1f%%, "
		"signing %.1f%%\n",
		(unsigned long long)st->records, (unsigned long long)st->bytes, secs,
		st->records / secs, st->bytes / secs / 1e6, 100.0 * st->format_ns / total,
		100.0 * st->write_ns / total, 100.0 * st->sync_ns / total,
		100.0 * st->sign_ns / total);
}

static int do_generate(int argc, char **argv)
{
	enum { O_KEY = 256, O_EVERY, O_SECS, O_SEED, O_ROTATE, O_STATS };
	static const struct option opts[] = { { "sign-key", required_argument, NULL, O_KEY },
					      { "every", required_argument, NULL, O_EVERY },
					      { "interval", required_argument, NULL, O_SECS },
					      { "seed", required_argument, NULL, O_SEED },
					      { "rotate", required_argument, NULL, O_ROTATE },
					      { "stats", no_argument, NULL, O_STATS },
					      { NULL, 0, NULL, 0 } };
	struct writer_opts wo = { .policy = "demo",
				  .policy_version = "0123456789ab",
				  .host = "node-1",
				  .boot_id = "4f2b8d1e-0c3a-4e5f-9a7b-1c2d3e4f5a6b" };
	unsigned long long n = 0, rotate = 0;
	uint64_t rng = 88172645463325252ull, t0, now;
	int opt, rotations = 0, err = 0, e;
	struct wb_record r = {};
	struct wb_writer *w;
	char msg[512], cgroup[256];

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (opt) {
		case O_KEY:
			wo.sign_key = optarg;
			break;
		case O_EVERY:
			wo.checkpoint_every = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case O_SECS:
			wo.checkpoint_secs = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case O_SEED:
			rng ^= strtoull(optarg, NULL, 10) * 0x9e3779b97f4a7c15ull;
			break;
		case O_ROTATE:
			rotate = strtoull(optarg, NULL, 10);
			break;
		case O_STATS:
			wo.timing = true;
			break;
		default:
			return bad_option(argv, opt);
		}
	}
	if (argc - optind != 2 || !(n = strtoull(argv[optind], NULL, 10))) {
		fprintf(stderr,
			"Usage: %s log generate N FILE [--sign-key KEY] [--every N] [--interval S]\n"
			"       [--seed S] [--rotate N] [--stats]   (a testing aid)\n",
			prog_name);
		return 2;
	}
	wo.path = argv[optind + 1];
	if (writer_open(&w, &wo, msg, sizeof(msg))) {
		p_err("%s", msg);
		return 1;
	}
	t0 = wb_monotonic_ns();
	r.host = wo.host;
	r.boot_id = wo.boot_id;
	r.policy = wo.policy;
	r.policy_version = wo.policy_version;
	for (unsigned long long i = 0; i < n && !err; i++) {
		gen_record(&r, i, &rng, cgroup, sizeof(cgroup));
		r.time_ns = wb_realtime_ns();
		err = writer_append(w, &r);
		if (!err && i % 997 == 996) {
			/* now and then the ring buffer overflowed */
			struct wb_record d = r;

			d.op = "-";
			d.action = "EventsDropped";
			d.comm = d.exe = d.exe_digest = d.cgroup = d.pod = d.loader = NULL;
			d.reason = d.rule = d.type = d.name = NULL;
			d.audit = d.killed = false;
			d.pid = d.tid = d.uid = 0;
			d.count = 1 + i % 5;
			err = writer_append(w, &d);
		}
		if (!err && !(i & 1023))
			err = writer_tick(w, wb_monotonic_ns());
		if (!err && rotate && i + 1 < n && (i + 1) % rotate == 0) {
			err = gen_rotate(wo.path, rotations++);
			if (!err)
				err = writer_reopen(w);
		}
	}
	now = wb_monotonic_ns();
	if (wo.timing)
		gen_stats(writer_stats(w), now - t0);
	e = writer_close(w);
	if (err || e) {
		p_err("%s: %s", wo.path, strerror(-(err ? err : e)));
		return 1;
	}
	return 0;
}

int cmd_log(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (!sub) {
		log_usage(stderr);
		return 2;
	}
	if (!strcmp(sub, "verify"))
		return do_verify(argc - 1, argv + 1);
	if (!strcmp(sub, "show"))
		return do_show(argc - 1, argv + 1);
	if (!strcmp(sub, "summary"))
		return do_summary(argc - 1, argv + 1);
	if (!strcmp(sub, "generate"))
		return do_generate(argc - 1, argv + 1);
	if (!strcmp(sub, "help") || !strcmp(sub, "-h") || !strcmp(sub, "--help")) {
		log_usage(stdout);
		return 0;
	}
	p_err("unknown log command '%s'", sub);
	log_usage(stderr);
	return 2;
}
