// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/util.h"
#include "log/json.h"
#include "log/query.h"

/* ---- scan -------------------------------------------------------------- */

int log_scan(char *const *files, int nfiles, scan_fn fn, void *ctx, FILE *errs, int *bad_files,
	     uint64_t *bytes)
{
	static char scratch[WB_LINE_MAX + 1];
	struct lr_reader *r;
	struct scan_item it;
	struct wb_parsed p;
	struct lr_line l;
	int ret = 0, n;

	*bad_files = 0;
	if (bytes)
		*bytes = 0;
	for (int i = 0; i < nfiles && !ret; i++) {
		n = lr_open(&r, files[i]);
		if (n) {
			fprintf(errs, "%s: error: %s\n", files[i], strerror(-n));
			++*bad_files;
			continue;
		}
		it.file = files[i];
		it.line = &l;
		while (!ret && (n = lr_next(r, &l)) > 0) {
			it.why = NULL;
			it.p = &p;
			if (l.too_long)
				it.why = "line longer than 65536 bytes";
			else if (l.unterminated)
				it.why = "truncated last line (no newline)";
			/* a cut line may parse; it is still not the whole record */
			if (it.why ||
			    record_parse_json(l.p, l.len, &p, scratch, sizeof(scratch), &it.why))
				it.p = NULL;
			ret = fn(ctx, &it);
		}
		if (n < 0) {
			fprintf(errs, "%s:%llu: error: %s\n", files[i],
				(unsigned long long)l.no + 1, lr_error(r));
			++*bad_files;
		}
		if (bytes)
			*bytes += lr_bytes(r);
		lr_close(r);
	}
	return ret;
}

#define MALFORMED_SHOWN 100

void report_malformed(struct malformed_report *m, const struct scan_item *it)
{
	if (it->line->unterminated && !it->line->too_long)
		m->truncated++;
	if (++m->count <= MALFORMED_SHOWN)
		fprintf(m->out, "%s:%llu: malformed: %s\n", it->file,
			(unsigned long long)it->line->no, it->why);
}

void report_malformed_end(struct malformed_report *m)
{
	if (m->count > MALFORMED_SHOWN)
		fprintf(m->out, "... and %llu more malformed lines\n",
			(unsigned long long)(m->count - MALFORMED_SHOWN));
}

/* ---- filters ----------------------------------------------------------- */

int filter_add(const char **list, int *nr, char *arg)
{
	char *save = NULL, *tok;

	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*nr >= FILTER_MAX)
			return -1;
		list[(*nr)++] = tok;
	}
	return 0;
}

/* want is word, or word's last CamelCase part(s): "Denied" of "BPFDenied" */
static bool word_matches(const char *want, size_t wl, const char *word, size_t len)
{
	if (!wl || wl > len || strncasecmp(word + len - wl, want, wl))
		return false;
	return wl == len || isupper((unsigned char)word[len - wl]);
}

bool action_matches(const char *want, const struct wb_record *r)
{
	size_t wl = strlen(want), len;
	const char *a = r->action, *comma;

	if (!strcasecmp(want, "Killed") && r->killed)
		return true;
	if (!strcasecmp(want, "audit") && r->audit)
		return true;
	/* an exec's approval lists its grants: "ProgApproved,MapsReadOnly" */
	for (; a && *a; a = comma ? comma + 1 : NULL) {
		comma = strchr(a, ',');
		len = comma ? (size_t)(comma - a) : strlen(a);
		if (word_matches(want, wl, a, len))
			return true;
		if (!comma)
			break;
	}
	return false;
}

bool record_denied(const struct wb_record *r)
{
	struct wb_record plain = { .action = r->action };

	return action_matches("Denied", &plain);
}

static bool str_in(const char *const *list, int nr, const char *s)
{
	for (int i = 0; i < nr; i++)
		if (s && !strcmp(list[i], s))
			return true;
	return false;
}

static bool process_match(const struct log_filter *f, const struct wb_record *r)
{
	const char *base = r->exe ? strrchr(r->exe, '/') : NULL;

	return str_in(f->process, f->nr_process, r->comm) ||
	       str_in(f->process, f->nr_process, r->exe) ||
	       (base && str_in(f->process, f->nr_process, base + 1));
}

bool filter_match(const struct log_filter *f, const struct wb_record *r)
{
	bool hit;
	int i;

	if (f->has_since && r->time_ns < f->since)
		return false;
	if (f->has_until && r->time_ns >= f->until)
		return false;
	if (f->nr_action) {
		for (hit = false, i = 0; i < f->nr_action && !hit; i++)
			hit = action_matches(f->action[i], r);
		if (!hit)
			return false;
	}
	if (f->nr_op && !str_in(f->op, f->nr_op, r->op))
		return false;
	if (f->nr_process && !process_match(f, r))
		return false;
	if (f->nr_pod && !str_in(f->pod, f->nr_pod, r->pod && r->pod[0] ? r->pod : "host"))
		return false;
	if (f->nr_loader &&
	    !str_in(f->loader, f->nr_loader, r->loader && r->loader[0] ? r->loader : "none"))
		return false;
	return true;
}

int filter_parse_time(const char *s, uint64_t now_ns, uint64_t *time_ns)
{
	static const struct {
		char unit;
		uint64_t secs;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 604800 } };
	size_t n = strlen(s);
	char full[40];
	unsigned long long v;
	char *end;

	if (!strcmp(s, "now")) {
		*time_ns = now_ns;
		return 0;
	}
	if (s[0] == '-' && n > 2) {
		errno = 0;
		v = strtoull(s + 1, &end, 10);
		if (errno || end == s + 1 || end[0] == '\0' || end[1] != '\0' ||
		    !isdigit((unsigned char)s[1]))
			return -1;
		for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
			if (*end != units[i].unit)
				continue;
			if (v > now_ns / 1000000000 / units[i].secs)
				return -1;
			*time_ns = now_ns - v * units[i].secs * 1000000000;
			return 0;
		}
		return -1;
	}
	if (n == 10) {
		snprintf(full, sizeof(full), "%sT00:00:00Z", s);
		return record_parse_time(full, strlen(full), time_ns);
	}
	return record_parse_time(s, n, time_ns);
}

/* ---- summary ----------------------------------------------------------- */

/* Distinct values kept per table, and their longest: the rest is counted
 * as "(other)", so a hostile log cannot make the summary grow. */
#define TABLE_MAX 4096
#define TABLE_SLOTS 8192
#define KEY_MAX 128
#define TOP 10

struct slot {
	uint64_t count;
	uint32_t hash;
	const char *key; /* NULL: free */
};

struct table {
	const char *title;
	struct slot *slots;
	char *arena;
	size_t n;
	uint64_t other;
};

enum { T_ACTION, T_OP, T_PROCESS, T_POD, T_LOADER, T_DENIED, NR_TABLES };

struct summary {
	struct table t[NR_TABLES];
	uint64_t records, malformed, dropped, dropped_records;
	uint64_t probes, probe_records; /* ProbesApproved: feature probes let through */
	uint64_t first, last;
};

static const char *const titles[NR_TABLES] = { "actions", "ops",     "processes",
					       "pods",	  "loaders", "top_denied" };

struct summary *summary_new(void)
{
	struct summary *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	for (int i = 0; i < NR_TABLES; i++) {
		s->t[i].title = titles[i];
		/* pages of the arena are touched only as keys arrive */
		s->t[i].slots = calloc(TABLE_SLOTS, sizeof(struct slot));
		s->t[i].arena = malloc((size_t)TABLE_MAX * KEY_MAX);
		if (!s->t[i].slots || !s->t[i].arena) {
			summary_free(s);
			return NULL;
		}
	}
	return s;
}

void summary_free(struct summary *s)
{
	if (!s)
		return;
	for (int i = 0; i < NR_TABLES; i++) {
		free(s->t[i].slots);
		free(s->t[i].arena);
	}
	free(s);
}

static void count(struct table *t, const char *key)
{
	size_t len = strnlen(key, KEY_MAX - 1);
	uint32_t h = 2166136261u;
	struct slot *sl;
	char *k;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)key[i]) * 16777619u;
	for (size_t i = h & (TABLE_SLOTS - 1);; i = (i + 1) & (TABLE_SLOTS - 1)) {
		sl = &t->slots[i];
		if (!sl->key)
			break;
		if (sl->hash == h && !strncmp(sl->key, key, len) && !sl->key[len]) {
			sl->count++;
			return;
		}
	}
	if (t->n == TABLE_MAX) {
		t->other++;
		return;
	}
	k = t->arena + t->n++ * KEY_MAX;
	memcpy(k, key, len);
	k[len] = '\0';
	sl->key = k;
	sl->hash = h;
	sl->count = 1;
}

void summary_add(struct summary *s, const struct wb_record *r)
{
	const char *comm = r->comm && r->comm[0] ? r->comm : "?";

	if (!s->records || r->time_ns < s->first)
		s->first = r->time_ns;
	if (r->time_ns > s->last)
		s->last = r->time_ns;
	s->records++;
	count(&s->t[T_ACTION], r->action);
	count(&s->t[T_OP], r->op);
	if (strcmp(r->op, "-")) {
		count(&s->t[T_PROCESS], comm);
		count(&s->t[T_POD], r->pod && r->pod[0] ? r->pod : "host");
		count(&s->t[T_LOADER], r->loader && r->loader[0] ? r->loader : "none");
	}
	if (record_denied(r))
		count(&s->t[T_DENIED], comm);
	if (!strcmp(r->action, "EventsDropped")) {
		s->dropped += r->count;
		s->dropped_records++;
	} else if (!strcmp(r->action, "ProbesApproved")) {
		s->probes += r->count;
		s->probe_records++;
	}
}

void summary_malformed(struct summary *s, uint64_t n)
{
	s->malformed += n;
}

static int by_count(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->key, y->key);
}

/* The table's entries, most frequent first; *n of them. Caller frees. */
static struct slot *sorted(const struct table *t, size_t *n)
{
	struct slot *v = malloc((t->n ? t->n : 1) * sizeof(*v));

	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < TABLE_SLOTS; i++)
		if (t->slots[i].key)
			v[(*n)++] = t->slots[i];
	qsort(v, *n, sizeof(*v), by_count);
	return v;
}

/* The text format's rule: nothing below 0x21, 0x7f or above. */
static void put_clean(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s > 0x20 && (unsigned char)*s < 0x7f ? *s : '?', out);
}

static void print_table(const struct table *t, const char *label, FILE *out)
{
	size_t n, i;
	struct slot *v = sorted(t, &n);

	fprintf(out, "%s:", label);
	for (i = 0; v && i < n && i < TOP; i++) {
		fprintf(out, "%s ", i ? "," : "");
		put_clean(out, v[i].key);
		fprintf(out, " %llu", (unsigned long long)v[i].count);
	}
	if (!n)
		fprintf(out, " -");
	if (n > TOP)
		fprintf(out, " (+%zu more)", n - TOP);
	if (t->other)
		fprintf(out, " (+%llu records of other values)", (unsigned long long)t->other);
	fputc('\n', out);
	free(v);
}

void summary_print(const struct summary *s, FILE *out, int nfiles)
{
	char a[WB_TIME_STR], b[WB_TIME_STR];
	struct slot *v;
	size_t n;

	fprintf(out, "records: %llu in %d file%s", (unsigned long long)s->records, nfiles,
		nfiles == 1 ? "" : "s");
	if (s->malformed)
		fprintf(out, " (and %llu malformed lines)", (unsigned long long)s->malformed);
	fputc('\n', out);
	if (s->records) {
		record_time_str(s->first, a);
		record_time_str(s->last, b);
		fprintf(out, "time: %s .. %s\n", a, b);
	}
	fprintf(out, "events dropped: %llu (in %llu EventsDropped records)\n",
		(unsigned long long)s->dropped, (unsigned long long)s->dropped_records);
	fprintf(out, "feature probes approved: %llu (in %llu ProbesApproved records)\n",
		(unsigned long long)s->probes, (unsigned long long)s->probe_records);
	print_table(&s->t[T_ACTION], "by action", out);
	print_table(&s->t[T_OP], "by op", out);
	print_table(&s->t[T_PROCESS], "by process", out);
	print_table(&s->t[T_POD], "by pod", out);
	print_table(&s->t[T_LOADER], "by loader", out);
	fprintf(out, "top denied processes:%s\n", s->t[T_DENIED].n ? "" : " -");
	v = sorted(&s->t[T_DENIED], &n);
	for (size_t i = 0; v && i < n && i < TOP; i++) {
		fprintf(out, "  %8llu  ", (unsigned long long)v[i].count);
		put_clean(out, v[i].key);
		fputc('\n', out);
	}
	free(v);
}

static void json_str(FILE *out, const char *s)
{
	char buf[8 * KEY_MAX];
	struct jw w;

	jw_init(&w, buf, sizeof(buf));
	jw_str(&w, s);
	jw_finish(&w);
	fputs(buf, out);
}

static void json_table(const struct table *t, FILE *out, bool top)
{
	size_t n, i;
	struct slot *v = sorted(t, &n);

	fprintf(out, ",\"%s\":%c", t->title, top ? '[' : '{');
	for (i = 0; v && i < n && (!top || i < TOP); i++) {
		fputs(i ? "," : "", out);
		if (top) {
			fputs("{\"process\":", out);
			json_str(out, v[i].key);
			fprintf(out, ",\"count\":%llu}", (unsigned long long)v[i].count);
		} else {
			json_str(out, v[i].key);
			fprintf(out, ":%llu", (unsigned long long)v[i].count);
		}
	}
	fputc(top ? ']' : '}', out);
	free(v);
}

void summary_print_json(const struct summary *s, FILE *out, int nfiles)
{
	char a[WB_TIME_STR], b[WB_TIME_STR];
	bool capped = false;

	record_time_str(s->first, a);
	record_time_str(s->last, b);
	fprintf(out, "{\"files\":%d,\"records\":%llu,\"malformed\":%llu", nfiles,
		(unsigned long long)s->records, (unsigned long long)s->malformed);
	if (s->records)
		fprintf(out, ",\"first\":\"%s\",\"last\":\"%s\"", a, b);
	else
		fputs(",\"first\":null,\"last\":null", out);
	fprintf(out, ",\"events_dropped\":%llu,\"events_dropped_records\":%llu",
		(unsigned long long)s->dropped, (unsigned long long)s->dropped_records);
	fprintf(out, ",\"probes_approved\":%llu,\"probes_approved_records\":%llu",
		(unsigned long long)s->probes, (unsigned long long)s->probe_records);
	for (int i = 0; i < NR_TABLES; i++) {
		json_table(&s->t[i], out, i == T_DENIED);
		capped |= s->t[i].other != 0;
	}
	fprintf(out, ",\"capped\":%s}\n", capped ? "true" : "false");
}
