// SPDX-License-Identifier: GPL-2.0
/*
 * Reading logs back: the line reader (plain and gzip, cut and overlong
 * lines), `log show`'s filters and times, `log summary`'s counts, and the
 * FILE:LINE reports of malformed lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#include "log/query.h"
#include "log/writer.h"
#include "test.h"

#define NS 1000000000ull
#define T0 1795240516000000000ull /* 2026-11-21T05:55:16Z */

static struct wb_record rec(const char *comm, const char *op, const char *action)
{
	struct wb_record r = { .time_ns = T0,
			       .comm = comm,
			       .op = op,
			       .action = action,
			       .insn_cnt = -1,
			       .map_id = -1 };
	return r;
}

TEST(log_filter_action_rules)
{
	struct wb_record r = rec("eve", "load", "BPFDenied");

	CHECK(action_matches("BPFDenied", &r), "itself");
	CHECK(action_matches("Denied", &r), "any denial");
	CHECK(action_matches("denied", &r), "without regard to case");
	CHECK(!action_matches("Approved", &r), "no approval");
	CHECK(!action_matches("nied", &r), "not in the middle of a word");
	CHECK(!action_matches("", &r), "empty");
	r.action = "Denied";
	CHECK(action_matches("Denied", &r) && record_denied(&r), "Denied");
	r.action = "Undenied";
	CHECK(!action_matches("Denied", &r) && !record_denied(&r), "Undenied is no denial");
	r.action = "EventsDropped";
	CHECK(action_matches("Dropped", &r), "Dropped");
	r.action = "ProgApproved,MapsReadOnly";
	CHECK(action_matches("Approved", &r), "a grant list");
	CHECK(action_matches("MapsReadOnly", &r) && action_matches("ReadOnly", &r), "each word");
	CHECK(!action_matches("Denied", &r) && !record_denied(&r), "no denial");
	r.action = "BPFDenied";
	CHECK(!action_matches("Killed", &r) && !action_matches("audit", &r), "flags");
	r.killed = true;
	r.audit = true;
	CHECK(action_matches("Killed", &r) && action_matches("audit", &r), "flags");
}

TEST(log_filter_fields)
{
	struct log_filter f = {};
	struct wb_record r = rec("eve", "load", "BPFDenied");
	char a1[] = "Denied,Tainted", a2[] = "load", a3[] = "eve-tool,nc", a4[] = "host";
	char a5[] = "none", a6[] = "alice";

	r.exe = "/tmp/x/eve-tool";
	CHECK(filter_match(&f, &r), "no filter: everything");
	CHECK_INT(filter_add(f.action, &f.nr_action, a1), ==, 0);
	CHECK_INT(f.nr_action, ==, 2);
	CHECK(filter_match(&f, &r), "a denial");
	r.action = "Tainted";
	CHECK(filter_match(&f, &r), "alternatives");
	r.action = "Approved";
	CHECK(!filter_match(&f, &r), "an approval");
	r.action = "Denied";
	filter_add(f.op, &f.nr_op, a2);
	CHECK(filter_match(&f, &r), "op");
	r.op = "exec";
	CHECK(!filter_match(&f, &r), "other op");
	r.op = "load";
	/* a process by comm, by exe, or by the exe's name */
	filter_add(f.process, &f.nr_process, a3);
	CHECK(filter_match(&f, &r), "exe's name");
	r.exe = NULL;
	CHECK(!filter_match(&f, &r), "comm eve is not eve-tool");
	r.comm = "nc";
	CHECK(filter_match(&f, &r), "comm");
	filter_add(f.pod, &f.nr_pod, a4);
	CHECK(filter_match(&f, &r), "no pod is host");
	r.pod = "";
	CHECK(filter_match(&f, &r), "empty pod is host");
	r.pod = "web";
	CHECK(!filter_match(&f, &r), "pod web");
	r.pod = "host";
	filter_add(f.loader, &f.nr_loader, a5);
	CHECK(filter_match(&f, &r), "no loader");
	r.loader = "alice";
	CHECK(!filter_match(&f, &r), "a loader");
	filter_add(f.loader, &f.nr_loader, a6);
	CHECK(filter_match(&f, &r), "that loader");
	/* since <= time < until */
	f.has_since = f.has_until = true;
	f.since = T0;
	f.until = T0 + NS;
	CHECK(filter_match(&f, &r), "at since");
	r.time_ns = T0 - 1;
	CHECK(!filter_match(&f, &r), "before since");
	r.time_ns = T0 + NS;
	CHECK(!filter_match(&f, &r), "at until");
}

TEST(log_filter_too_many_values)
{
	const char *list[FILTER_MAX];
	char many[FILTER_MAX * 2 + 8];
	int nr = 0;

	memset(many, 0, sizeof(many));
	for (int i = 0; i < FILTER_MAX + 1; i++)
		memcpy(many + 2 * (size_t)i, "a,", 2);
	CHECK_INT(filter_add(list, &nr, many), ==, -1);
}

TEST(log_filter_times)
{
	uint64_t now = T0 + 1000 * NS, t;

	CHECK(!filter_parse_time("-1h", now, &t) && t == now - 3600 * NS, "-1h");
	CHECK(!filter_parse_time("-30m", now, &t) && t == now - 1800 * NS, "-30m");
	CHECK(!filter_parse_time("-90s", now, &t) && t == now - 90 * NS, "-90s");
	CHECK(!filter_parse_time("-2d", now, &t) && t == now - 2 * 86400 * NS, "-2d");
	CHECK(!filter_parse_time("-1w", now, &t) && t == now - 7 * 86400 * NS, "-1w");
	CHECK(!filter_parse_time("now", now, &t) && t == now, "now");
	CHECK(!filter_parse_time("2026-11-21", now, &t) && t == T0 - (5 * 3600 + 55 * 60 + 16) * NS,
	      "a date");
	CHECK(!filter_parse_time("2026-11-21T05:55:16Z", now, &t) && t == T0, "RFC 3339");
	CHECK(!filter_parse_time("2026-11-21T06:55:16.25+01:00", now, &t) && t == T0 + NS / 4,
	      "an offset");
	CHECK_INT(filter_parse_time("-1x", now, &t), ==, -1);
	CHECK_INT(filter_parse_time("-h", now, &t), ==, -1);
	CHECK_INT(filter_parse_time("1h", now, &t), ==, -1);
	CHECK_INT(filter_parse_time("-1hh", now, &t), ==, -1);
	CHECK_INT(filter_parse_time("- 1h", now, &t), ==, -1);
	CHECK_INT(filter_parse_time("yesterday", now, &t), ==, -1);
	CHECK_INT(filter_parse_time("-99999999999w", now, &t), ==, -1);
	CHECK_INT(filter_parse_time("2026-13-01", now, &t), ==, -1);
}

static char *summary_of(struct summary *s, bool json)
{
	static char buf[1 << 16];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	if (!f)
		return "";
	if (json)
		summary_print_json(s, f, 2);
	else
		summary_print(s, f, 2);
	fclose(f);
	return buf;
}

#define CHECK_HAS(s, sub) CHECK(strstr((s), (sub)) != NULL, "no \"%s\" in:\n%s", sub, s)

TEST(log_summary_counts)
{
	struct summary *s = summary_new();
	struct wb_record r;
	char *out;

	if (!CHECK(s != NULL, "summary_new"))
		return;
	for (int i = 0; i < 10; i++) {
		r = rec("alice", i < 7 ? "load" : "exec", "Approved");
		r.loader = "alice";
		r.pod = "alice";
		r.time_ns = T0 + i * NS;
		summary_add(s, &r);
	}
	for (int i = 0; i < 5; i++) {
		r = rec(i < 3 ? "eve" : "mallory", "load", i == 4 ? "Denied" : "BPFDenied");
		r.killed = i == 0;
		r.time_ns = T0 - NS;
		summary_add(s, &r);
	}
	r = rec(NULL, "-", "EventsDropped");
	r.count = 12;
	summary_add(s, &r);
	r.count = 5;
	summary_add(s, &r);
	r = rec(NULL, "-", "Checkpoint");
	r.count = 17;
	summary_add(s, &r);
	summary_malformed(s, 2);

	out = summary_of(s, false);
	CHECK_HAS(out, "feature probes approved: 0 (in 0 ProbesApproved records)\n");
	CHECK_HAS(out, "records: 18 in 2 files (and 2 malformed lines)\n");
	CHECK_HAS(out, "time: 2026-11-21T05:55:15.000000000Z .. 2026-11-21T05:55:25.000000000Z\n");
	CHECK_HAS(out, "events dropped: 17 (in 2 EventsDropped records)\n");
	CHECK_HAS(out,
		  "by action: Approved 10, BPFDenied 4, EventsDropped 2, Checkpoint 1, Denied 1\n");
	CHECK_HAS(out, "by op: load 12, - 3, exec 3\n");
	/* daemon records have no process, pod or loader */
	CHECK_HAS(out, "by process: alice 10, eve 3, mallory 2\n");
	CHECK_HAS(out, "by pod: alice 10, host 5\n");
	CHECK_HAS(out, "by loader: alice 10, none 5\n");
	CHECK_HAS(out, "top denied processes:\n         3  eve\n         2  mallory\n");

	out = summary_of(s, true);
	CHECK_HAS(out, "{\"files\":2,\"records\":18,\"malformed\":2,"
		       "\"first\":\"2026-11-21T05:55:15.000000000Z\","
		       "\"last\":\"2026-11-21T05:55:25.000000000Z\",\"events_dropped\":17,"
		       "\"events_dropped_records\":2,\"probes_approved\":0,"
		       "\"probes_approved_records\":0,\"actions\":{\"Approved\":10,\"BPFDenied\":4,"
		       "\"EventsDropped\":2,\"Checkpoint\":1,\"Denied\":1},");
	CHECK_HAS(out, ",\"top_denied\":[{\"process\":\"eve\",\"count\":3},"
		       "{\"process\":\"mallory\",\"count\":2}],\"capped\":false}\n");
	summary_free(s);
}

/* Feature probes are summed from the daemon's ProbesApproved records. */
TEST(log_summary_counts_probes)
{
	struct summary *s = summary_new();
	struct wb_record r;
	char *out;

	if (!CHECK(s != NULL, "summary_new"))
		return;
	r = rec(NULL, "-", "ProbesApproved");
	r.loader = "bpftool";
	r.count = 9;
	summary_add(s, &r);
	r.count = 4;
	summary_add(s, &r);
	out = summary_of(s, false);
	CHECK_HAS(out, "feature probes approved: 13 (in 2 ProbesApproved records)\n");
	out = summary_of(s, true);
	CHECK_HAS(out, "\"probes_approved\":13,\"probes_approved_records\":2,");
	summary_free(s);
}

TEST(log_summary_is_bounded)
{
	struct summary *s = summary_new();
	struct wb_record r = rec(NULL, "load", "BPFDenied");
	char comm[32], *out;

	if (!CHECK(s != NULL, "summary_new"))
		return;
	/* a hostile log with ever new names: counted, not kept */
	for (int i = 0; i < 5000; i++) {
		snprintf(comm, sizeof(comm), "p%d", i);
		r.comm = comm;
		summary_add(s, &r);
	}
	r.comm = "a\nb\x1b[31m";
	summary_add(s, &r);
	out = summary_of(s, false);
	CHECK_HAS(out, "(+4086 more) (+905 records of other values)\n");
	out = summary_of(s, true);
	CHECK_HAS(out, "\"capped\":true}");
	summary_free(s);

	/* names from the log are escaped, or cleaned in the text report */
	s = summary_new();
	summary_add(s, &r);
	out = summary_of(s, false);
	CHECK_HAS(out, "by process: a?b?[31m 1\n");
	out = summary_of(s, true);
	CHECK_HAS(out, "\"processes\":{\"a\\u000ab\\u001b[31m\":1}");
	summary_free(s);
}

/* ---- reading ---- */

static char dir[64];

static const char *tmpfile_path(const char *name)
{
	static char p[4][160];
	static int i;
	char *r = p[i++ % 4];

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/wb-log-query.XXXXXX");
		if (!mkdtemp(dir))
			return "/nonexistent";
	}
	snprintf(r, sizeof(p[0]), "%s/%s", dir, name);
	return r;
}

__attribute__((destructor)) static void cleanup(void)
{
	char cmd[128];

	if (dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			fprintf(stderr, "cannot remove %s\n", dir);
	}
}

struct collect {
	struct malformed_report mal;
	struct log_filter f;
	int good, shown;
	char first_shown[64];
};

static int collect_line(void *ctx, const struct scan_item *it)
{
	struct collect *c = ctx;

	if (!it->p) {
		report_malformed(&c->mal, it);
		return 0;
	}
	c->good++;
	if (filter_match(&c->f, &it->p->rec) && !c->shown++)
		snprintf(c->first_shown, sizeof(c->first_shown), "%s %u", it->p->rec.comm,
			 it->p->rec.pid);
	return 0;
}

static int write_log(const char *file, int n)
{
	struct writer_opts o = { .path = file, .host = "h", .boot_id = "b" };
	struct wb_writer *w;
	struct wb_record r;
	char err[256];
	int ret = 0;

	unlink(file);
	if (writer_open(&w, &o, err, sizeof(err)))
		return -1;
	for (int i = 0; i < n && !ret; i++) {
		r = rec(i % 3 ? "alice" : "eve", "load", i % 3 ? "Approved" : "BPFDenied");
		r.pid = i;
		r.time_ns = T0 + i * NS;
		ret = writer_append(w, &r);
	}
	return writer_close(w) || ret;
}

TEST(log_scan_reports_malformed_lines)
{
	static char report[4096];
	const char *file = tmpfile_path("m.log");
	char *files[2] = { (char *)file, (char *)tmpfile_path("missing.log") };
	struct collect c = {};
	char *big = calloc(1, 70002);
	char errs[512] = "";
	FILE *f, *e;
	int bad;

	if (!CHECK_INT(write_log(file, 6), ==, 0) || !big)
		goto out;
	/* garbage, an overlong line, and a last line cut short */
	f = fopen(file, "a");
	memset(big, 'x', 70000);
	fprintf(f, "not json\n%s\n{\"v\":1,\"seq\":9,\"pr", big);
	fclose(f);
	c.mal.out = fmemopen(report, sizeof(report), "w");
	e = fmemopen(errs, sizeof(errs), "w");
	c.f.has_since = true;
	c.f.since = T0 + 2 * NS;
	CHECK_INT(log_scan(files, 2, collect_line, &c, e, &bad, NULL), ==, 0);
	fclose(c.mal.out);
	fclose(e);
	CHECK_INT(c.good, ==, 6);
	CHECK_INT(bad, ==, 1);
	CHECK_INT(c.mal.count, ==, 3);
	CHECK_INT(c.mal.truncated, ==, 1);
	CHECK(strstr(report, "/m.log:7: malformed: not a JSON object\n") &&
		      strstr(report, "/m.log:8: malformed: line longer than 65536 bytes\n") &&
		      strstr(report, "/m.log:9: malformed: truncated last line (no newline)\n"),
	      "%s", report);
	CHECK(strstr(errs, "/missing.log: error: No such file or directory\n") != NULL, "%s", errs);
	/* since: the third record on */
	CHECK_INT(c.shown, ==, 4);
	CHECK_STR(c.first_shown, "alice 2");
out:
	free(big);
}

TEST(log_reader_lines)
{
	const char *file = tmpfile_path("r.txt"), *gzfile = tmpfile_path("r.txt.gz");
	static const char text[] = "one\n\ntwo\r\nthree";
	struct lr_reader *r;
	struct lr_line l;
	gzFile z;

	FILE *f = fopen(file, "w");

	fputs(text, f);
	fclose(f);
	z = gzopen(gzfile, "wb");
	gzwrite(z, text, sizeof(text) - 1);
	gzclose(z);
	for (int i = 0; i < 2; i++) {
		if (!CHECK_INT(lr_open(&r, i ? gzfile : file), ==, 0))
			continue;
		CHECK(lr_next(r, &l) == 1 && l.len == 3 && !memcmp(l.p, "one", 3) && l.no == 1,
		      "one");
		CHECK(lr_next(r, &l) == 1 && l.len == 0 && l.no == 2 && !l.unterminated, "empty");
		CHECK(lr_next(r, &l) == 1 && l.len == 4 && !memcmp(l.p, "two\r", 4), "CR kept");
		CHECK(lr_next(r, &l) == 1 && l.len == 5 && l.unterminated && l.no == 4, "cut");
		CHECK_INT(lr_next(r, &l), ==, 0);
		CHECK_INT(lr_bytes(r), ==, sizeof(text) - 1);
		lr_close(r);
	}
	CHECK_INT(lr_open(&r, tmpfile_path("nope")), ==, -2);
}
