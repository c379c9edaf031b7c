// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "log/json.h"
#include "log/record.h"

static const char zero_hash[WB_HASH_HEX + 1] =
	"0000000000000000000000000000000000000000000000000000000000000000";

/* ---- the human line ---------------------------------------------------- */

/*
 * Bytes the text format keeps. Strings a process chooses (comm, pod, name)
 * lose spaces too, or "a pod: x" could forge a field; the daemon's own
 * (op, action, reason, type, loader) keep them, as a reason like
 * "collateral:/x.o check: tainted" has some. Neither keeps control bytes,
 * which could forge a line or reach a terminal, nor bytes above 0x7e,
 * which is what the daemon's signed-char test has always done.
 */
static const unsigned char keep_strict[256] = { [0x21 ... 0x7e] = 1 };
static const unsigned char keep_soft[256] = { [0x20 ... 0x7e] = 1 };

static void put_clean(struct jw *w, const char *s, const char *dflt, const unsigned char *keep)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k;

	if (!s || !*s) {
		jw_raw(w, dflt, strlen(dflt));
		return;
	}
	while (*p) {
		for (k = 0; keep[p[k]]; k++)
			;
		if (k) {
			jw_raw(w, (const char *)p, k);
			p += k;
		} else {
			jw_lit(w, "?");
			p++;
		}
	}
}

static bool is(const char *s, const char *lit)
{
	return s && !strcmp(s, lit);
}

int record_format_text(const struct wb_record *r, char *buf, size_t len)
{
	bool daemon = is(r->op, "-");
	struct jw w;

	jw_init(&w, buf, len);
	jw_lit(&w, "process: ");
	put_clean(&w, r->comm, daemon ? "-" : "?", keep_strict);
	jw_lit(&w, " pid: ");
	jw_u64(&w, r->pid);
	jw_lit(&w, " pod: ");
	put_clean(&w, r->pod, daemon ? "-" : "host", keep_strict);
	jw_lit(&w, " op: ");
	put_clean(&w, r->op, "?", keep_soft);
	if (r->type && r->type[0]) {
		jw_lit(&w, " type: ");
		put_clean(&w, r->type, "?", keep_soft);
	}
	if (r->name && r->name[0]) {
		jw_lit(&w, " name: ");
		put_clean(&w, r->name, "?", keep_strict);
	}
	jw_lit(&w, " action: ");
	put_clean(&w, r->action, "?", keep_soft);
	if (r->killed)
		jw_lit(&w, ",Killed");
	if (r->audit)
		jw_lit(&w, " audit");
	if (r->reason && r->reason[0]) {
		jw_lit(&w, " reason: ");
		put_clean(&w, r->reason, "?", keep_soft);
	}
	if (r->loader && r->loader[0]) {
		jw_lit(&w, " loader: ");
		put_clean(&w, r->loader, "?", keep_soft);
	}
	if (daemon && (r->count || is(r->action, "EventsDropped"))) {
		jw_lit(&w, " count: ");
		jw_u64(&w, r->count);
	}
	return jw_finish(&w);
}

/* ---- time -------------------------------------------------------------- */

void record_time_str(uint64_t time_ns, char buf[WB_TIME_STR])
{
	/* gmtime_r() takes glibc's time zone lock: once a second is enough */
	static __thread time_t cached_sec = -1;
	static __thread char head[24];
	time_t sec = (time_t)(time_ns / 1000000000);
	uint32_t frac = (uint32_t)(time_ns % 1000000000);
	struct tm tm;

	if (sec != cached_sec) {
		gmtime_r(&sec, &tm);
		strftime(head, sizeof(head), "%Y-%m-%dT%H:%M:%S", &tm);
		cached_sec = sec;
	}
	memcpy(buf, head, 19);
	buf[19] = '.';
	for (int i = 28; i >= 20; i--) {
		buf[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	buf[29] = 'Z';
	buf[30] = '\0';
}

static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* Seconds of 00:00 UTC on y-m-d, -1 for no such day; the last day is
 * cached, as a log's lines mostly share it. */
static int64_t day_start(int y, int m, int d)
{
	static __thread int cy, cm, cd;
	static __thread int64_t cached = -1;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d };
	time_t t;

	if (cached >= 0 && y == cy && m == cm && d == cd)
		return cached;
	t = timegm(&tm);
	/* timegm() normalizes Feb 30 to Mar 2: a round trip tells */
	if (t == (time_t)-1 || !gmtime_r(&t, &tm) || tm.tm_mday != d || tm.tm_mon != m - 1)
		return -1;
	cy = y;
	cm = m;
	cd = d;
	cached = t;
	return t;
}

int record_parse_time(const char *s, size_t n, uint64_t *time_ns)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0;
	int64_t t, off = 0;
	uint64_t frac = 0;
	size_t p = 19, nd = 0;

	if (n < 20 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
	    digits(s + 17, 2, &sec))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	if (s[p] == '.') {
		for (p++; p < n && s[p] >= '0' && s[p] <= '9'; p++, nd++)
			if (nd < 9)
				frac = frac * 10 + (uint64_t)(s[p] - '0');
		if (!nd)
			return -1;
		for (; nd < 9; nd++)
			frac *= 10;
	}
	if (p < n && (s[p] == 'Z' || s[p] == 'z')) {
		p++;
	} else if (p + 6 == n && (s[p] == '+' || s[p] == '-') && !digits(s + p + 1, 2, &oh) &&
		   s[p + 3] == ':' && !digits(s + p + 4, 2, &om) && oh < 24 && om < 60) {
		off = ((int64_t)oh * 3600 + (int64_t)om * 60) * (s[p] == '-' ? -1 : 1);
		p += 6;
	} else {
		return -1;
	}
	if (p != n)
		return -1;
	t = day_start(y, mo, d);
	if (t < 0)
		return -1;
	t += (int64_t)h * 3600 + (int64_t)mi * 60 + sec - off;
	/* uint64_t ns end in 2554 */
	if (t < 0 || t >= (int64_t)(UINT64_MAX / 1000000000))
		return -1;
	*time_ns = (uint64_t)t * 1000000000 + frac;
	return 0;
}

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

uint64_t wb_realtime_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

uint64_t wb_monotonic_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

void wb_host_identity(char *host, size_t host_len, char *boot_id, size_t boot_id_len)
{
	if (host_len) {
		if (gethostname(host, host_len) || !host[0])
			snprintf(host, host_len, "-");
		host[host_len - 1] = '\0';
	}
	if (boot_id_len &&
	    read_text_file("/proc/sys/kernel/random/boot_id", boot_id, boot_id_len) <= 0)
		snprintf(boot_id, boot_id_len, "-");
}

void wb_hex(const unsigned char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

/* ---- JSON -------------------------------------------------------------- */

static void jw_i64_or_null(struct jw *w, int64_t v)
{
	if (v < 0)
		jw_lit(w, "null");
	else
		jw_i64(w, v);
}

int record_format_json(const struct wb_record *r, const char *prev_hash_hex, char *buf, size_t len)
{
	char t[WB_TIME_STR];
	struct jw w;

	record_time_str(r->time_ns, t);
	jw_init(&w, buf, len);
	jw_lit(&w, "{\"v\":1,\"seq\":");
	jw_u64(&w, r->seq);
	jw_lit(&w, ",\"prev\":\"");
	jw_raw(&w, prev_hash_hex ? prev_hash_hex : zero_hash, WB_HASH_HEX);
	jw_lit(&w, "\",\"time\":\"");
	jw_raw(&w, t, WB_TIME_STR - 1);
	jw_lit(&w, "\",\"host\":");
	jw_str(&w, r->host);
	jw_lit(&w, ",\"boot_id\":");
	jw_str(&w, r->boot_id);
	jw_lit(&w, ",\"policy\":");
	jw_str(&w, r->policy);
	jw_lit(&w, ",\"policy_version\":");
	jw_str(&w, r->policy_version);
	jw_lit(&w, ",\"id\":");
	jw_u64(&w, r->id);
	jw_lit(&w, ",\"op\":");
	jw_str(&w, r->op ? r->op : "-");
	jw_lit(&w, ",\"action\":");
	jw_str(&w, r->action ? r->action : "-");
	jw_lit(&w, ",\"audit\":");
	jw_bool(&w, r->audit);
	jw_lit(&w, ",\"killed\":");
	jw_bool(&w, r->killed);
	jw_lit(&w, ",\"reason\":");
	jw_str(&w, r->reason);
	jw_lit(&w, ",\"rule\":");
	jw_str(&w, r->rule);
	jw_lit(&w, ",\"loader\":");
	jw_str(&w, r->loader);
	jw_lit(&w, ",\"pid\":");
	jw_u64(&w, r->pid);
	jw_lit(&w, ",\"tid\":");
	jw_u64(&w, r->tid);
	jw_lit(&w, ",\"uid\":");
	jw_u64(&w, r->uid);
	jw_lit(&w, ",\"comm\":");
	jw_str(&w, r->comm);
	jw_lit(&w, ",\"exe\":");
	jw_str(&w, r->exe);
	jw_lit(&w, ",\"exe_digest\":");
	jw_str(&w, r->exe_digest);
	jw_lit(&w, ",\"cgroup\":");
	jw_str(&w, r->cgroup);
	jw_lit(&w, ",\"pod\":");
	jw_str(&w, r->pod);
	/* only for a task in a Kubernetes pod: other lines stay as short */
	if (r->k8s_namespace || r->k8s_pod || r->k8s_pod_uid || r->k8s_container ||
	    r->k8s_container_id) {
		jw_lit(&w, ",\"k8s_namespace\":");
		jw_str(&w, r->k8s_namespace);
		jw_lit(&w, ",\"k8s_pod\":");
		jw_str(&w, r->k8s_pod);
		jw_lit(&w, ",\"k8s_pod_uid\":");
		jw_str(&w, r->k8s_pod_uid);
		jw_lit(&w, ",\"k8s_container\":");
		jw_str(&w, r->k8s_container);
		jw_lit(&w, ",\"k8s_container_id\":");
		jw_str(&w, r->k8s_container_id);
	}
	jw_lit(&w, ",\"type\":");
	jw_str(&w, r->type);
	jw_lit(&w, ",\"name\":");
	jw_str(&w, r->name);
	jw_lit(&w, ",\"insn_cnt\":");
	jw_i64_or_null(&w, r->insn_cnt);
	/* only for a program load: other lines stay as short */
	if (r->attach_type || r->helpers || r->kfuncs) {
		jw_lit(&w, ",\"attach_type\":");
		jw_str(&w, r->attach_type);
		jw_lit(&w, ",\"helpers\":");
		jw_str(&w, r->helpers);
		jw_lit(&w, ",\"kfuncs\":");
		jw_str(&w, r->kfuncs);
	}
	jw_lit(&w, ",\"map_id\":");
	jw_i64_or_null(&w, r->map_id);
	jw_lit(&w, ",\"count\":");
	jw_u64(&w, r->count);
	if (r->sig) {
		jw_lit(&w, ",\"key\":");
		jw_str(&w, r->key);
		/* base64 needs no escaping, and must not be cut */
		jw_lit(&w, ",\"sig\":\"");
		jw_raw(&w, r->sig, strlen(r->sig));
		jw_lit(&w, "\"");
	}
	jw_lit(&w, "}");
	return jw_finish(&w);
}

enum kind {
	KV_VERSION,
	KV_SEQ,
	KV_PREV,
	KV_TIME,
	KV_STR, /* string or null */
	KV_REQ_STR, /* string */
	KV_U64,
	KV_U32,
	KV_I64, /* integer or null (-1) */
	KV_BOOL,
	KV_SIG,
};

#define F(field) offsetof(struct wb_record, field)

/* In the order the writer emits them: the parser tries the next one first. */
static const struct key_spec {
	const char *name;
	unsigned char len;
	unsigned char kind;
	unsigned short off;
	const char *lit; /* "\"name\":" */
} keys[] = {
	{ "v", 1, KV_VERSION, 0, "\"v\":" },
	{ "seq", 3, KV_SEQ, 0, "\"seq\":" },
	{ "prev", 4, KV_PREV, 0, "\"prev\":" },
	{ "time", 4, KV_TIME, 0, "\"time\":" },
	{ "host", 4, KV_STR, F(host), "\"host\":" },
	{ "boot_id", 7, KV_STR, F(boot_id), "\"boot_id\":" },
	{ "policy", 6, KV_STR, F(policy), "\"policy\":" },
	{ "policy_version", 14, KV_STR, F(policy_version), "\"policy_version\":" },
	{ "id", 2, KV_U64, F(id), "\"id\":" },
	{ "op", 2, KV_REQ_STR, F(op), "\"op\":" },
	{ "action", 6, KV_REQ_STR, F(action), "\"action\":" },
	{ "audit", 5, KV_BOOL, F(audit), "\"audit\":" },
	{ "killed", 6, KV_BOOL, F(killed), "\"killed\":" },
	{ "reason", 6, KV_STR, F(reason), "\"reason\":" },
	{ "rule", 4, KV_STR, F(rule), "\"rule\":" },
	{ "loader", 6, KV_STR, F(loader), "\"loader\":" },
	{ "pid", 3, KV_U32, F(pid), "\"pid\":" },
	{ "tid", 3, KV_U32, F(tid), "\"tid\":" },
	{ "uid", 3, KV_U32, F(uid), "\"uid\":" },
	{ "comm", 4, KV_STR, F(comm), "\"comm\":" },
	{ "exe", 3, KV_STR, F(exe), "\"exe\":" },
	{ "exe_digest", 10, KV_STR, F(exe_digest), "\"exe_digest\":" },
	{ "cgroup", 6, KV_STR, F(cgroup), "\"cgroup\":" },
	{ "pod", 3, KV_STR, F(pod), "\"pod\":" },
	{ "k8s_namespace", 13, KV_STR, F(k8s_namespace), "\"k8s_namespace\":" },
	{ "k8s_pod", 7, KV_STR, F(k8s_pod), "\"k8s_pod\":" },
	{ "k8s_pod_uid", 11, KV_STR, F(k8s_pod_uid), "\"k8s_pod_uid\":" },
	{ "k8s_container", 13, KV_STR, F(k8s_container), "\"k8s_container\":" },
	{ "k8s_container_id", 16, KV_STR, F(k8s_container_id), "\"k8s_container_id\":" },
	{ "type", 4, KV_STR, F(type), "\"type\":" },
	{ "name", 4, KV_STR, F(name), "\"name\":" },
	{ "insn_cnt", 8, KV_I64, F(insn_cnt), "\"insn_cnt\":" },
	{ "attach_type", 11, KV_STR, F(attach_type), "\"attach_type\":" },
	{ "helpers", 7, KV_STR, F(helpers), "\"helpers\":" },
	{ "kfuncs", 6, KV_STR, F(kfuncs), "\"kfuncs\":" },
	{ "map_id", 6, KV_I64, F(map_id), "\"map_id\":" },
	{ "count", 5, KV_U64, F(count), "\"count\":" },
	{ "key", 3, KV_STR, F(key), "\"key\":" },
	{ "sig", 3, KV_SIG, F(sig), "\"sig\":" },
};

#define NR_KEYS ARRAY_SIZE(keys)
#define REQUIRED ((1ull << 0) | (1ull << 1) | (1ull << 2) | (1ull << 3) | (1ull << 9) | (1ull << 10))
_Static_assert(NR_KEYS <= 64, "the parser's member set is a 64-bit mask");

/* memcmp() is a call for a length it cannot see; names are short */
static bool key_is(const struct key_spec *spec, const char *k, size_t klen)
{
	if (spec->len != klen)
		return false;
	for (size_t i = 0; i < klen; i++)
		if (spec->name[i] != k[i])
			return false;
	return true;
}

static int find_key(const char *k, size_t klen, unsigned int hint)
{
	if (hint < NR_KEYS && key_is(&keys[hint], k, klen))
		return (int)hint;
	for (unsigned int i = 0; i < NR_KEYS; i++)
		if (key_is(&keys[i], k, klen))
			return (int)i;
	return -1;
}

static bool is_hash_hex(const char *s, size_t n)
{
	if (n != WB_HASH_HEX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* Stores v into the record member the spec names; *why on a type error. */
static int set_member(struct wb_parsed *out, const struct key_spec *k, const struct jval *v,
		      const char **why)
{
	char *field = (char *)&out->rec + k->off;
	bool uint = v->type == J_INT && !v->neg;

	switch (k->kind) {
	case KV_VERSION:
		if (!uint)
			goto bad;
		out->version = v->u;
		break;
	case KV_SEQ:
		if (!uint)
			goto bad;
		out->rec.seq = v->u;
		break;
	case KV_PREV:
		if (v->type != J_STR || !is_hash_hex(v->s, v->slen)) {
			*why = "\"prev\" is not 64 lower-case hex digits";
			return -1;
		}
		memcpy(out->prev, v->s, WB_HASH_HEX + 1);
		break;
	case KV_TIME:
		if (v->type != J_STR || record_parse_time(v->s, v->slen, &out->rec.time_ns)) {
			*why = "\"time\" is not an RFC 3339 time";
			return -1;
		}
		break;
	case KV_STR:
	case KV_REQ_STR:
	case KV_SIG:
		if (v->type == J_STR)
			memcpy(field, &v->s, sizeof(v->s));
		else if (v->type != J_NULL || k->kind != KV_STR)
			goto bad;
		break;
	case KV_U64:
		if (!uint)
			goto bad;
		memcpy(field, &v->u, sizeof(uint64_t));
		break;
	case KV_U32: {
		uint32_t u32 = (uint32_t)v->u;

		if (!uint || v->u > UINT32_MAX)
			goto bad;
		memcpy(field, &u32, sizeof(u32));
		break;
	}
	case KV_I64: {
		int64_t i = -1;

		if (v->type == J_INT) {
			if (v->neg || v->u > INT64_MAX)
				goto bad;
			i = (int64_t)v->u;
		} else if (v->type != J_NULL) {
			goto bad;
		}
		memcpy(field, &i, sizeof(i));
		break;
	}
	case KV_BOOL:
		if (v->type != J_BOOL)
			goto bad;
		memcpy(field, &v->b, sizeof(bool));
		break;
	}
	return 0;
bad:
	*why = "a member has the wrong type";
	return -1;
}

int record_parse_json(const char *line, size_t len, struct wb_parsed *out, char *scratch,
		      size_t scratch_len, const char **why)
{
	unsigned int hint = 0;
	uint64_t seen = 0;
	bool after_sig = false;
	struct jval v;
	const char *k;
	size_t klen, moff;
	struct jr r;
	int ret, i;

	memset(out, 0, sizeof(*out));
	out->rec.insn_cnt = -1;
	out->rec.map_id = -1;
	if (jr_begin(&r, line, len, scratch, scratch_len))
		goto syntax;
	for (;;) {
		/* our writer's lines: the next member, as expected */
		ret = hint < NR_KEYS ?
			      jr_member_lit(&r, keys[hint].lit, keys[hint].len + 3, &v, &moff) :
			      0;
		i = hint;
		if (!ret) {
			ret = jr_member(&r, &k, &klen, &v, &moff);
			if (ret <= 0)
				break;
			i = find_key(k, klen, hint);
		}
		if (ret < 0)
			break;
		if (after_sig) {
			*why = "\"sig\" is not the last member";
			return -1;
		}
		if (i < 0)
			continue; /* a newer writer's member */
		if (seen & (1ull << i)) {
			*why = "duplicate member";
			return -1;
		}
		seen |= 1ull << i;
		hint = i + 1;
		if (set_member(out, &keys[i], &v, why))
			return -1;
		if (keys[i].kind == KV_SIG) {
			out->signed_len = moff;
			after_sig = true;
		}
	}
	if (ret < 0)
		goto syntax;
	if ((seen & REQUIRED) != REQUIRED) {
		*why = "missing v, seq, prev, time, op or action";
		return -1;
	}
	if (out->version != WB_LOG_VERSION) {
		*why = "unsupported log format version";
		return -1;
	}
	return 0;
syntax:
	*why = r.err;
	return -1;
}
