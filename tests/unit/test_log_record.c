// SPDX-License-Identifier: GPL-2.0
/*
 * The decision record's two formats: the human line must be byte for byte
 * what the daemon printed from a struct wbpf_event (gatekeeper/event_fmt.c),
 * the JSON line must follow docs/log-format.md and read back whole, and
 * hostile strings must not break either.
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gatekeeper/config.h"
#include "gatekeeper/event_fmt.h"
#include "gatekeeper/names.h"
#include "lib/util.h"
#include "log/json.h"
#include "log/reader.h"
#include "log/record.h"
#include "test.h"

#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"
#define HASH1 "4b6c747b61c9874a541a120a91a58b9916986a08897b3bb43958d7ee6f879de2"

static struct btf *fake_vmlinux(void)
{
	struct btf *btf = btf__new_empty();

	btf__add_enum(btf, "bpf_cmd", 4);
	btf__add_enum_value(btf, "BPF_MAP_CREATE", BPF_MAP_CREATE);
	btf__add_enum_value(btf, "BPF_MAP_UPDATE_ELEM", BPF_MAP_UPDATE_ELEM);
	btf__add_enum_value(btf, "BPF_PROG_LOAD", BPF_PROG_LOAD);
	btf__add_enum_value(btf, "BPF_BTF_LOAD", BPF_BTF_LOAD);
	btf__add_enum(btf, "bpf_func_id", 4);
	btf__add_enum_value(btf, "BPF_FUNC_probe_write_user", 36);
	return btf;
}

static struct wb_ids ids = { .name = { NULL, "alice", "bob" } };
static struct wb_config cfg; /* large: not on the stack */

/*
 * The daemon's mapping of an event to a record, through the same helpers
 * its text line uses: the reference for the daemon's switch to records.
 */
struct ev_strings {
	char comm[WB_COMM_LEN + 1], name[WB_NAME_LEN + 1], pod[WB_POD_LEN + 1];
	char op[16], type[16], action[64], reason[WB_PATH_LEN + 64];
};

static void record_from_event(const struct wbpf_event *e, const struct wb_fmt_ctx *ctx,
			      struct wb_record *r, struct ev_strings *s)
{
	struct wbpf_event unkilled = *e;

	memset(r, 0, sizeof(*r));
	memcpy(s->comm, e->comm, WB_COMM_LEN);
	s->comm[WB_COMM_LEN] = '\0';
	memcpy(s->name, e->name, WB_NAME_LEN);
	s->name[WB_NAME_LEN] = '\0';
	memcpy(s->pod, e->pod, WB_POD_LEN);
	s->pod[WB_POD_LEN] = '\0';
	r->comm = s->comm;
	r->pod = s->pod;
	r->name = s->name;
	r->pid = e->pid;
	r->op = op_name(ctx->names, e->op, s->op, sizeof(s->op));
	/* the record keeps "killed" apart from the action */
	unkilled.flags &= ~WB_EV_KILLED;
	r->action = event_action(&unkilled, ctx, s->action, sizeof(s->action));
	r->killed = e->flags & WB_EV_KILLED;
	r->audit = e->flags & WB_EV_AUDIT;
	r->reason = event_reason(e, ctx, s->reason, sizeof(s->reason));
	r->loader = event_loader(e, ctx);
	r->type = event_type(e, s->type, sizeof(s->type));
	r->insn_cnt = -1;
	r->map_id = -1;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Random bytes, hostile ones often: spaces, newlines, high bytes, none. */
static void rnd_str(uint64_t *s, char *dst, size_t n)
{
	static const char pick[] = "ab z\n\t\x7f\xc3\xa9-_.:?/\x01";
	size_t len = rnd(s) % (n + 1);

	memset(dst, 0, n);
	for (size_t i = 0; i < len; i++)
		dst[i] = rnd(s) % 4 ? pick[rnd(s) % (sizeof(pick) - 1)] : (char)(rnd(s) % 255 + 1);
}

TEST(log_text_matches_event_fmt)
{
	static const unsigned int ops[] = { WB_OP_EXEC,		 BPF_PROG_LOAD, BPF_MAP_CREATE,
					    BPF_MAP_UPDATE_ELEM, BPF_BTF_LOAD,	200 };
	struct btf *btf = fake_vmlinux();
	char want[1024], got[1024];
	struct wbpf_event e;
	struct ev_strings s;
	struct wb_fmt_ctx ctx = {};
	struct wb_record r;
	struct wb_names n;
	uint64_t seed = 0x1234567;
	int mismatches = 0, wl, gl;

	names_init(&n, btf);
	ctx.names = &n;
	ctx.ids = &ids;
	ctx.cfg = &cfg;
	snprintf(cfg.grants[2], sizeof(cfg.grants[2]), "ProgApproved,MapsReadOnly");
	for (int i = 0; i < 20000; i++) {
		memset(&e, 0, sizeof(e));
		rnd_str(&seed, e.comm, sizeof(e.comm));
		rnd_str(&seed, e.name, sizeof(e.name));
		rnd_str(&seed, e.pod, sizeof(e.pod));
		rnd_str(&seed, e.path, sizeof(e.path));
		e.pid = (uint32_t)rnd(&seed);
		e.op = ops[rnd(&seed) % ARRAY_SIZE(ops)];
		e.action = 1 + rnd(&seed) % 5; /* 5: unknown */
		e.reason = rnd(&seed) % 30;
		e.detail = rnd(&seed) % 50;
		e.flags = rnd(&seed) % 8;
		e.loader_id = rnd(&seed) % 4;
		e.has_obj = rnd(&seed) % 4;
		e.obj_type = rnd(&seed) % 40;
		wl = event_format_text(&e, &ctx, want, sizeof(want));
		record_from_event(&e, &ctx, &r, &s);
		gl = record_format_text(&r, got, sizeof(got));
		if ((wl != gl || strcmp(want, got)) && ++mismatches <= 3)
			CHECK(0, "event %d:\n   daemon: %s\n   record: %s", i, want, got);
	}
	CHECK_INT(mismatches, ==, 0);
	names_free(&n);
	btf__free(btf);
}

TEST(log_text_proposal_lines)
{
	struct wb_record r = { .comm = "eve",
			       .pid = 284,
			       .pod = "eve",
			       .op = "load",
			       .type = "xdp",
			       .name = "from_netdev",
			       .action = "BPFDenied",
			       .reason = "not-loader",
			       .insn_cnt = -1,
			       .map_id = -1 };
	char line[512];

	record_format_text(&r, line, sizeof(line));
	CHECK_STR(line, "process: eve pid: 284 pod: eve op: load type: xdp name: from_netdev "
			"action: BPFDenied reason: not-loader");
	r.killed = true;
	record_format_text(&r, line, sizeof(line));
	CHECK_STR(line, "process: eve pid: 284 pod: eve op: load type: xdp name: from_netdev "
			"action: BPFDenied,Killed reason: not-loader");
	r.killed = false;
	r.audit = true;
	r.reason = "helper:probe_write_user";
	r.rule = "alice.programs.deny_helpers";
	r.loader = "alice";
	r.pod = "";
	record_format_text(&r, line, sizeof(line));
	CHECK_STR(line, "process: eve pid: 284 pod: host op: load type: xdp name: from_netdev "
			"action: BPFDenied audit reason: helper:probe_write_user loader: alice");
}

TEST(log_text_daemon_records)
{
	struct wb_record r = { .op = "-", .action = "EventsDropped", .count = 12 };
	char line[256];

	record_format_text(&r, line, sizeof(line));
	CHECK_STR(line, "process: - pid: 0 pod: - op: - action: EventsDropped count: 12");
	r.count = 0;
	record_format_text(&r, line, sizeof(line));
	CHECK_STR(line, "process: - pid: 0 pod: - op: - action: EventsDropped count: 0");
	r.action = "LogRepaired";
	r.reason = "truncated-line";
	record_format_text(&r, line, sizeof(line));
	CHECK_STR(line,
		  "process: - pid: 0 pod: - op: - action: LogRepaired reason: truncated-line");
	r.action = "Checkpoint";
	r.reason = NULL;
	r.count = 1000;
	record_format_text(&r, line, sizeof(line));
	CHECK_STR(line, "process: - pid: 0 pod: - op: - action: Checkpoint count: 1000");
}

TEST(log_text_truncation_contract)
{
	struct wb_record r = { .comm = "alice", .pid = 1, .op = "exec", .action = "Approved" };
	char full[256], small[10];
	int n = record_format_text(&r, full, sizeof(full));

	memset(small, 'x', sizeof(small));
	CHECK_INT(record_format_text(&r, small, sizeof(small)), ==, n);
	CHECK_INT(strlen(small), ==, sizeof(small) - 1);
	CHECK(!strncmp(small, full, sizeof(small) - 1), "%s", small);
	CHECK_INT(record_format_text(&r, NULL, 0), ==, n);
}

static struct wb_record full_record(void)
{
	struct wb_record r = {
		.time_ns = 1795240516123456789ull, /* 2026-11-21T05:55:16.123456789Z */
		.boot_id = "0d3d599f-eb10-4d6c-8cd6-fcd36377dfdb",
		.host = "node-1",
		.policy = "demo",
		.policy_version = "0123456789ab",
		.id = 17,
		.op = "load",
		.action = "BPFDenied",
		.audit = false,
		.killed = true,
		.reason = "helper:probe_write_user",
		.rule = "alice.programs.deny_helpers",
		.loader = "alice",
		.pid = 284,
		.tid = 285,
		.uid = 1000,
		.comm = "alice",
		.exe = "/usr/local/bin/alice",
		.exe_digest =
			"sha256:e14f0f34cf8ac795b6923006eeb7d975ec928b4e230e7e5d23b63798ae417964",
		.cgroup = "/kubepods/alice",
		.pod = "alice",
		.type = "kprobe",
		.name = "trace_exec",
		.insn_cnt = 4242,
		.map_id = -1,
		.count = 0,
		.seq = 42,
	};
	return r;
}

TEST(log_json_schema_and_order)
{
	struct wb_record r = full_record();
	char line[2048];
	int n;

	n = record_format_json(&r, HASH1, line, sizeof(line));
	CHECK_INT(n, ==, (long long)strlen(line));
	CHECK_STR(
		line,
		"{\"v\":1,\"seq\":42,\"prev\":\"" HASH1
		"\",\"time\":\"2026-11-21T05:55:16.123456789Z\","
		"\"host\":\"node-1\",\"boot_id\":\"0d3d599f-eb10-4d6c-8cd6-fcd36377dfdb\","
		"\"policy\":\"demo\",\"policy_version\":\"0123456789ab\",\"id\":17,\"op\":\"load\","
		"\"action\":\"BPFDenied\",\"audit\":false,\"killed\":true,"
		"\"reason\":\"helper:probe_write_user\",\"rule\":\"alice.programs.deny_helpers\","
		"\"loader\":\"alice\",\"pid\":284,\"tid\":285,\"uid\":1000,\"comm\":\"alice\","
		"\"exe\":\"/usr/local/bin/alice\",\"exe_digest\":\"sha256:e14f0f34cf8ac795b6923006eeb7d975"
		"ec928b4e230e7e5d23b63798ae417964\",\"cgroup\":\"/kubepods/alice\",\"pod\":\"alice\","
		"\"type\":\"kprobe\",\"name\":\"trace_exec\",\"insn_cnt\":4242,\"map_id\":null,"
		"\"count\":0}");

	/* a chain's first line; NULL strings are null; key and sig with a sig */
	memset(&r, 0, sizeof(r));
	r.op = "-";
	r.action = "Checkpoint";
	r.insn_cnt = r.map_id = -1;
	r.key = "k";
	r.sig = "c2ln";
	record_format_json(&r, NULL, line, sizeof(line));
	CHECK_STR(line,
		  "{\"v\":1,\"seq\":0,\"prev\":\"" ZEROS
		  "\",\"time\":\"1970-01-01T00:00:00.000000000Z\","
		  "\"host\":null,\"boot_id\":null,\"policy\":null,\"policy_version\":null,\"id\":0,"
		  "\"op\":\"-\",\"action\":\"Checkpoint\",\"audit\":false,\"killed\":false,"
		  "\"reason\":null,\"rule\":null,\"loader\":null,\"pid\":0,\"tid\":0,\"uid\":0,"
		  "\"comm\":null,\"exe\":null,\"exe_digest\":null,\"cgroup\":null,\"pod\":null,"
		  "\"type\":null,\"name\":null,\"insn_cnt\":null,\"map_id\":null,\"count\":0,"
		  "\"key\":\"k\",\"sig\":\"c2ln\"}");
}

TEST(log_json_escapes_hostile_strings)
{
	struct wb_record r = full_record();
	struct wb_parsed p;
	char line[4096], scratch[4096];
	const char *why = NULL, *s;
	char jw_buf[64];
	struct jw w;

	/* quotes, backslashes, control characters, DEL: no forged member or line */
	r.comm = "a\"b\\c\nd\re\tf\x01g\x1fh\x7fi";
	r.pod = "p\",\"action\":\"Approved";
	/* valid UTF-8 passes, each byte of invalid UTF-8 is U+FFFD */
	r.exe = "/bin/\xc3\xa9t\xc3\xa9-\xe2\x82\xac-\xf0\x9f\x90\x9d";
	r.name = "x\xff\xc3y\xed\xa0\x80z\xc0\xafw";
	record_format_json(&r, HASH1, line, sizeof(line));
	CHECK(strstr(line,
		     "\"comm\":\"a\\\"b\\\\c\\u000ad\\u000de\\u0009f\\u0001g\\u001fh\\u007fi\"") !=
		      NULL,
	      "%s", line);
	CHECK(strstr(line, "\"pod\":\"p\\\",\\\"action\\\":\\\"Approved\"") != NULL, "%s", line);
	CHECK(strstr(line, "\"exe\":\"/bin/\xc3\xa9t\xc3\xa9-\xe2\x82\xac-\xf0\x9f\x90\x9d\"") !=
		      NULL,
	      "%s", line);
	CHECK(strstr(line, "\"name\":\"x\xef\xbf\xbd\xef\xbf\xbdy\xef\xbf\xbd\xef\xbf\xbd\xef\xbf"
			   "\xbdz\xef\xbf\xbd\xef\xbf\xbdw\"") != NULL,
	      "%s", line);
	CHECK(!strchr(line, '\n') && !strchr(line, '\r'), "raw line break in %s", line);
	for (s = line; *s; s++)
		CHECK((unsigned char)*s >= 0x20 && *s != 0x7f, "raw control byte 0x%02x",
		      (unsigned char)*s);

	/* and reads back as written */
	CHECK_INT(record_parse_json(line, strlen(line), &p, scratch, sizeof(scratch), &why), ==, 0);
	CHECK_STR(p.rec.comm, r.comm);
	CHECK_STR(p.rec.pod, r.pod);
	CHECK_STR(p.rec.action, "BPFDenied");
	CHECK_STR(p.rec.exe, r.exe);

	/* the writer's truncation contract */
	jw_init(&w, jw_buf, 8);
	jw_str(&w, "0123456789");
	CHECK_INT(jw_finish(&w), ==, 12);
	CHECK_STR(jw_buf, "\"012345");
}

TEST(log_json_long_strings_are_capped)
{
	struct wb_record r = full_record();
	char *big = malloc(100000), *line = malloc(WB_LINE_MAX * 2);
	const char *v, *e;
	int n;

	if (!big || !line)
		goto out;
	/* every string at its worst (6 bytes per byte escaped) stays in a line */
	memset(big, '\x01', 99999);
	big[99999] = '\0';
	r.host = r.boot_id = r.policy = r.policy_version = r.op = r.action = r.reason = big;
	r.rule = r.loader = r.comm = r.exe = r.exe_digest = r.cgroup = r.pod = r.type = big;
	r.name = r.key = big;
	n = record_format_json(&r, HASH1, line, WB_LINE_MAX * 2);
	CHECK(n < WB_LINE_MAX, "line of %d bytes", n);
	v = strstr(line, "\"comm\":\"");
	e = v ? strstr(v, "...\"") : NULL;
	/* cut at the last whole escape that leaves room for "..." */
	CHECK(e && e - (v + 8) == JSON_STR_MAX - 6 && !strncmp(e - 6, "\\u0001", 6), "cut at %ld",
	      e && v ? (long)(e - (v + 8)) : -1L);
	/* a value of exactly the cap is kept whole */
	memset(big, 'a', JSON_STR_MAX);
	big[JSON_STR_MAX] = '\0';
	r = full_record();
	r.exe = big;
	record_format_json(&r, HASH1, line, WB_LINE_MAX);
	CHECK(strstr(line, "a\",\"exe_digest\"") && !strstr(line, "..."), "cut at the cap");
	big[JSON_STR_MAX] = 'a';
	big[JSON_STR_MAX + 1] = '\0';
	record_format_json(&r, HASH1, line, WB_LINE_MAX);
	v = strstr(line, "\"exe\":\"");
	CHECK(v && strstr(v, "aaa...\",\"exe_digest\"") == v + 7 + JSON_STR_MAX - 6, "one over");
out:
	free(big);
	free(line);
}

TEST(log_json_round_trip)
{
	struct wb_record r = full_record();
	char line[2048], scratch[2048];
	struct wb_parsed p;
	const char *why = NULL;

	record_format_json(&r, HASH1, line, sizeof(line));
	CHECK_INT(record_parse_json(line, strlen(line), &p, scratch, sizeof(scratch), &why), ==, 0);
	CHECK_INT(p.version, ==, 1);
	CHECK_STR(p.prev, HASH1);
	CHECK_INT(p.rec.seq, ==, 42);
	CHECK_INT(p.rec.time_ns, ==, r.time_ns);
	CHECK_STR(p.rec.host, r.host);
	CHECK_STR(p.rec.boot_id, r.boot_id);
	CHECK_STR(p.rec.policy, r.policy);
	CHECK_STR(p.rec.policy_version, r.policy_version);
	CHECK_INT(p.rec.id, ==, 17);
	CHECK_STR(p.rec.op, "load");
	CHECK_STR(p.rec.action, "BPFDenied");
	CHECK(!p.rec.audit && p.rec.killed, "flags");
	CHECK_STR(p.rec.reason, r.reason);
	CHECK_STR(p.rec.rule, r.rule);
	CHECK_STR(p.rec.loader, r.loader);
	CHECK_INT(p.rec.pid, ==, 284);
	CHECK_INT(p.rec.tid, ==, 285);
	CHECK_INT(p.rec.uid, ==, 1000);
	CHECK_STR(p.rec.comm, r.comm);
	CHECK_STR(p.rec.exe, r.exe);
	CHECK_STR(p.rec.exe_digest, r.exe_digest);
	CHECK_STR(p.rec.cgroup, r.cgroup);
	CHECK_STR(p.rec.pod, r.pod);
	CHECK_STR(p.rec.type, r.type);
	CHECK_STR(p.rec.name, r.name);
	CHECK_INT(p.rec.insn_cnt, ==, 4242);
	CHECK_INT(p.rec.map_id, ==, -1);
	CHECK(!p.rec.key && !p.rec.sig, "no signature");

	/* the signed prefix of a checkpoint ends before ,"sig": */
	r.key = "abc";
	r.sig = "c2ln";
	record_format_json(&r, HASH1, line, sizeof(line));
	CHECK_INT(record_parse_json(line, strlen(line), &p, scratch, sizeof(scratch), &why), ==, 0);
	CHECK_INT(p.signed_len, ==, strlen(line) - strlen(",\"sig\":\"c2ln\"}"));
	CHECK_STR(p.rec.sig, "c2ln");
	CHECK_STR(p.rec.key, "abc");
}

static const char *parse_err(const char *line)
{
	static char scratch[1024];
	const char *why = NULL;
	struct wb_parsed p;

	if (!record_parse_json(line, strlen(line), &p, scratch, sizeof(scratch), &why))
		return "ok";
	return why;
}

#define MEMBERS "\"v\":1,\"seq\":1,\"prev\":\"" ZEROS "\",\"time\":\"2026-11-21T05:55:16Z\""
#define HEAD "{" MEMBERS

TEST(log_json_parse_errors)
{
	CHECK_STR(parse_err(HEAD ",\"op\":\"exec\",\"action\":\"Approved\"}"), "ok");
	/* other writers: whitespace, member order, unknown members */
	CHECK_STR(parse_err(" { \"action\" : \"Approved\" , \"op\":\"exec\"," MEMBERS
			    ", \"new\":[] }"),
		  "nested value (the schema is flat)");
	CHECK_STR(parse_err(" { \"action\" : \"Approved\" , \"op\":\"exec\"," MEMBERS
			    ", \"new\":\"x\",\"n2\":-5,\"n3\":true } "),
		  "ok");
	CHECK_STR(parse_err(HEAD ",\"op\":\"exec\"}"), "missing v, seq, prev, time, op or action");
	CHECK_STR(parse_err(HEAD ",\"op\":\"exec\",\"action\":\"A\",\"op\":\"load\"}"),
		  "duplicate member");
	CHECK_STR(parse_err(HEAD ",\"op\":\"exec\",\"action\":null}"),
		  "a member has the wrong type");
	CHECK_STR(parse_err(HEAD ",\"op\":\"exec\",\"action\":\"A\",\"pid\":-1}"),
		  "a member has the wrong type");
	CHECK_STR(parse_err(HEAD ",\"op\":\"exec\",\"action\":\"A\",\"pid\":4294967296}"),
		  "a member has the wrong type");
	CHECK_STR(parse_err(HEAD ",\"op\":\"exec\",\"action\":\"A\",\"pid\":1.5}"),
		  "not an integer");
	CHECK_STR(parse_err(HEAD ",\"op\":\"exec\",\"action\":\"A\",\"audit\":1}"),
		  "a member has the wrong type");
	CHECK_STR(parse_err(HEAD ",\"op\":\"exec\",\"action\":\"A\"} x"), "data after the object");
	CHECK_STR(parse_err(HEAD ",\"op\":\"exec\",\"action\":\"A\""), "unterminated object");
	CHECK_STR(parse_err(HEAD ",\"op\":\"exec\",\"action\":\"A"), "unterminated string");
	CHECK_STR(parse_err(HEAD ",\"op\":\"ex\tec\",\"action\":\"A\"}"),
		  "control character in a string");
	CHECK_STR(parse_err(HEAD ",\"op\":\"e\\x\",\"action\":\"A\"}"), "bad escape in a string");
	CHECK_STR(parse_err(HEAD ",\"op\":\"\\ud800\",\"action\":\"A\"}"),
		  "lone surrogate in \\u escape");
	CHECK_STR(parse_err(HEAD ",\"op\":\"\\u0000\",\"action\":\"A\"}"), "NUL in a string");
	CHECK_STR(parse_err(HEAD ",\"op\":\"exec\",\"action\":\"A\",\"sig\":\"x\",\"pid\":1}"),
		  "\"sig\" is not the last member");
	CHECK_STR(parse_err("{\"v\":2,\"seq\":1,\"prev\":\"" ZEROS
			    "\",\"time\":\"2026-11-21T05:55:16Z\""
			    ",\"op\":\"exec\",\"action\":\"A\"}"),
		  "unsupported log format version");
	CHECK_STR(parse_err("{\"v\":1,\"seq\":1,\"prev\":\"" HASH1
			    "0\",\"time\":\"2026-11-21T05:55:16Z\""
			    ",\"op\":\"exec\",\"action\":\"A\"}"),
		  "\"prev\" is not 64 lower-case hex digits");
	CHECK_STR(parse_err("{\"v\":1,\"seq\":1,\"prev\":\"" ZEROS
			    "\",\"time\":\"2026-02-30T05:55:16Z\""
			    ",\"op\":\"exec\",\"action\":\"A\"}"),
		  "\"time\" is not an RFC 3339 time");
	CHECK_STR(parse_err("[1]"), "not a JSON object");
	CHECK_STR(parse_err(""), "not a JSON object");
}

TEST(log_json_unicode_escapes_decode)
{
	static char scratch[512];
	const char *why = NULL;
	struct wb_parsed p;
	const char *line = HEAD ",\"op\":\"exec\",\"action\":\"A\",\"comm\":"
				"\"\\u00e9\\u20ac\\ud83d\\udc1d\\/\\\"\\n\"}";

	CHECK_INT(record_parse_json(line, strlen(line), &p, scratch, sizeof(scratch), &why), ==, 0);
	CHECK_STR(p.rec.comm, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x90\x9d/\"\n");
}

TEST(log_time_format_and_parse)
{
	char buf[WB_TIME_STR], want[40];
	uint64_t ns, seed = 99;
	struct tm tm;
	time_t t;

	record_time_str(0, buf);
	CHECK_STR(buf, "1970-01-01T00:00:00.000000000Z");
	record_time_str(1795240516123456789ull, buf);
	CHECK_STR(buf, "2026-11-21T05:55:16.123456789Z");
	for (int i = 0; i < 2000; i++) {
		ns = rnd(&seed) % 4102444800000000000ull; /* to 2100 */
		t = (time_t)(ns / 1000000000);
		gmtime_r(&t, &tm);
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(want + 19, sizeof(want) - 19, ".%09lluZ",
			 (unsigned long long)(ns % 1000000000));
		record_time_str(ns, buf);
		if (!CHECK_STR(buf, want))
			break;
		ns = 0;
		CHECK(!record_parse_time(buf, strlen(buf), &ns) &&
			      ns == (uint64_t)t * 1000000000 + (uint64_t)atoll(want + 20),
		      "%s", buf);
	}
	CHECK_INT(record_parse_time("2026-11-21T06:55:16.5+01:00", 27, &ns), ==, 0);
	CHECK_INT(ns, ==, 1795240516500000000ull);
	CHECK_INT(record_parse_time("2026-11-21t05:55:16.1234567891z", 31, &ns), ==, 0);
	CHECK_INT(ns, ==, 1795240516123456789ull);
	CHECK_INT(record_parse_time("2026-11-21 05:55:16-00:30", 25, &ns), ==, 0);
	CHECK_INT(ns, ==, 1795242316000000000ull);
	CHECK_INT(record_parse_time("2024-02-29T00:00:00Z", 20, &ns), ==, 0);
	CHECK_INT(record_parse_time("2023-02-29T00:00:00Z", 20, &ns), ==, -1);
	CHECK_INT(record_parse_time("2026-11-21T05:55:16", 19, &ns), ==, -1);
	CHECK_INT(record_parse_time("2026-11-21T05:55:16.Z", 21, &ns), ==, -1);
	CHECK_INT(record_parse_time("2026-11-21T24:00:00Z", 20, &ns), ==, -1);
	CHECK_INT(record_parse_time("1969-12-31T23:59:59Z", 20, &ns), ==, -1);
	CHECK_INT(record_parse_time("2026-11-21T05:55:16Zx", 21, &ns), ==, -1);
}

TEST(log_host_identity)
{
	char host[64], boot[64];

	wb_host_identity(host, sizeof(host), boot, sizeof(boot));
	CHECK(host[0] && strlen(boot) == 36, "host '%s' boot_id '%s'", host, boot);
}
