// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "gatekeeper/commands.h"
#include "gatekeeper/status.h"
#include "lib/util.h"

static const char *const action_names[WB_NR_ACTIONS] = {
	[WB_ACT_APPROVED] = "Approved",
	[WB_ACT_DENIED_TASK] = "BPFDenied",
	[WB_ACT_DENIED] = "Denied",
	[WB_ACT_TAINTED] = "Tainted",
	[WB_ACT_PROBE] = "Probe",
};

int counters_read(int map_fd, struct wb_totals *t)
{
	int ncpu = libbpf_num_possible_cpus();
	struct wbpf_counters *c;
	__u32 zero = 0;
	int err = 0;

	memset(t, 0, sizeof(*t));
	if (ncpu <= 0)
		return -EINVAL;
	c = calloc(ncpu, sizeof(*c));
	if (!c)
		return -ENOMEM;
	if (bpf_map_lookup_elem(map_fd, &zero, c)) {
		err = -errno;
		goto out;
	}
	for (int i = 0; i < ncpu; i++) {
		for (int op = 0; op < WB_NR_OPS; op++) {
			for (int a = 0; a < WB_NR_ACTIONS; a++) {
				t->decisions[op][a] += c[i].decisions[op][a];
				t->by_action[a] += c[i].decisions[op][a];
				t->total += c[i].decisions[op][a];
			}
		}
		t->audited += c[i].audited;
		t->killed += c[i].killed;
		t->events_dropped += c[i].events_dropped;
		for (int id = 0; id < WB_MAX_LOADERS; id++)
			t->probes[id] += c[i].probes[id];
	}
out:
	free(c);
	return err;
}

/* The op of counter row i, as the log names it. */
static const char *op_of_index(const struct wb_names *n, int i, char *buf, size_t len)
{
	/* rows 64.. are WB_OP_EXEC and the ops below it, in order */
	if (i >= 64)
		return op_name(n, WB_OP_EXEC - (unsigned int)(i - 64), buf, len);
	return op_name(n, (unsigned int)i, buf, len);
}

int status_write(const char *path, const struct wb_status *st)
{
	char tmp[4096], dir[4096], opbuf[16];
	const struct wb_totals *t = &st->totals;
	bool first = true;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", path);
	mkdir(dirname(dir), 0755);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	/* every string here is the daemon's own or a kernel name: no escaping */
	fprintf(f, "{\"pid\":%ld,\"policy\":\"%s\",\"version\":\"%s\",\"mode\":\"%s\",", st->pid,
		st->policy, st->version, st->mode);
	fprintf(f, "\"uptime_s\":%ld,\"kernel\":\"%s\",\"hooks\":[", st->uptime_s, st->kernel);
	for (size_t i = 0; i < st->nr_hooks; i++)
		fprintf(f, "%s\"%s\"", i ? "," : "", st->hooks[i]);
	fprintf(f, "],\"decisions\":%llu,\"logged\":%llu,\"events_dropped\":%llu,",
		(unsigned long long)t->total, (unsigned long long)st->logged,
		(unsigned long long)t->events_dropped);
	fprintf(f, "\"audited\":%llu,\"killed\":%llu,\"by_action\":{",
		(unsigned long long)t->audited, (unsigned long long)t->killed);
	for (int a = 1; a < WB_NR_ACTIONS; a++)
		fprintf(f, "%s\"%s\":%llu", a > 1 ? "," : "", action_names[a],
			(unsigned long long)t->by_action[a]);
	fprintf(f, "},\"by_op\":{");
	for (int op = 0; op < WB_NR_OPS; op++) {
		bool any = false;

		for (int a = 1; a < WB_NR_ACTIONS; a++)
			any |= t->decisions[op][a] != 0;
		if (!any)
			continue;
		fprintf(f, "%s\"%s\":{", first ? "" : ",",
			op_of_index(st->names, op, opbuf, sizeof(opbuf)));
		first = false;
		for (int a = 1, n = 0; a < WB_NR_ACTIONS; a++) {
			if (!t->decisions[op][a])
				continue;
			fprintf(f, "%s\"%s\":%llu", n++ ? "," : "", action_names[a],
				(unsigned long long)t->decisions[op][a]);
		}
		fputc('}', f);
	}
	fprintf(f, "}}\n");
	if (fclose(f))
		return -errno;
	return rename(tmp, path) ? -errno : 0;
}

/* A member's value in our own flat JSON: the text after "key": up to the
 * next , or } (strings without quotes). */
static int member(const char *json, const char *key, char *out, size_t len)
{
	char pat[64];
	const char *p, *end;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	if (*p == '"') {
		end = strchr(++p, '"');
	} else if (*p == '[' || *p == '{') {
		end = strchr(p, *p == '[' ? ']' : '}');
		if (end)
			end++;
	} else {
		end = p + strcspn(p, ",}");
	}
	if (!end)
		return -1;
	snprintf(out, len, "%.*s", (int)(end - p), p);
	return 0;
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
					      { "file", required_argument, NULL, 'f' },
					      {} };
	static const char *const keys[] = { "policy",	      "version", "mode",      "pid",
					    "uptime_s",	      "kernel",	 "decisions", "logged",
					    "events_dropped", "audited", "killed",    "by_action",
					    "by_op",	      "hooks" };
	const char *path = WB_STATUS_FILE;
	char buf[65536], val[16384];
	bool json = false;
	size_t n;
	FILE *f;
	int opt;

	while ((opt = getopt_long(argc, argv, "jf:", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'f':
			path = optarg;
			break;
		default:
			fprintf(stderr, "Usage: %s status [--json] [--file FILE]\n", prog_name);
			return 2;
		}
	}
	f = fopen(path, "re");
	if (!f) {
		p_err("no running gatekeeper (%s: %s)", path, strerror(errno));
		return 1;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (json) {
		fputs(buf, stdout);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!member(buf, keys[i], val, sizeof(val)))
			printf("%-15s %s\n", keys[i], val);
	return 0;
}
