// SPDX-License-Identifier: GPL-2.0
/* The daemon's own records and its status file (gatekeeper/daemon.h). */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "gatekeeper/daemon.h"
#include "gatekeeper/status.h"
#include "lib/util.h"
#include "watchbpf.skel.h"

/* A record of the daemon's own (op "-"): drops, probe counts. */
void daemon_record(struct gatekeeper *gk, struct wb_record *r, const char *action)
{
	r->time_ns = wb_realtime_ns();
	r->host = gk->origin.host;
	r->boot_id = gk->origin.boot_id;
	r->policy = gk->origin.policy;
	r->policy_version = gk->origin.policy_version;
	r->op = "-";
	r->action = action;
	r->insn_cnt = r->map_id = -1;
}

/* Reports events the ring buffer had no room for, as soon as the kernel's
 * counters show them: logged + reported = decisions, always. */
void report_drops(struct gatekeeper *gk)
{
	struct wb_totals t;
	struct wb_record r = {};

	if (counters_read(bpf_map__fd(gk->skel->maps.counters), &t) ||
	    t.events_dropped == gk->drops_told)
		return;
	daemon_record(gk, &r, "EventsDropped");
	r.count = t.events_dropped - gk->drops_told;
	gk->drops_told = t.events_dropped;
	emit_record(gk, &r);
}

/* Feature probes let through are not logged one by one: once a second at
 * most, one record per loader says how many came since the last. */
void report_probes(struct gatekeeper *gk)
{
	struct wb_totals t;

	if (counters_read(bpf_map__fd(gk->skel->maps.counters), &t))
		return;
	for (unsigned int id = 1; id < WB_MAX_LOADERS; id++) {
		struct wb_record r = {};

		if (t.probes[id] == gk->probes_told[id])
			continue;
		daemon_record(gk, &r, "ProbesApproved");
		r.loader = config_loader_name(&gk->ids, id);
		r.count = t.probes[id] - gk->probes_told[id];
		gk->probes_told[id] = t.probes[id];
		emit_record(gk, &r);
	}
}

/* What happened while no daemon ran, said first in the new log: the
 * decisions counted meanwhile (those still in the ring buffer follow, the
 * rest are reported as drops). */
void report_adoption(struct gatekeeper *gk)
{
	const struct wbpf_persist *b = &gk->persist.before;
	struct wb_record r = {};
	struct wb_totals t;
	struct timespec ts;
	char why[128];

	if (!gk->persist.adopted || counters_read(bpf_map__fd(gk->skel->maps.counters), &t))
		return;
	gk->drops_told = b->drops_told;
	memcpy(gk->probes_told, t.probes, sizeof(gk->probes_told));
	clock_gettime(CLOCK_BOOTTIME, &ts);
	daemon_record(gk, &r, "DaemonGap");
	r.count = t.total - b->decisions;
	snprintf(why, sizeof(why), "%s pid %u, %.1f s without a daemon",
		 b->stopped ? "after the stop of" : "after the death of", b->pid,
		 (ts.tv_sec * 1e9 + ts.tv_nsec - (double)b->last_seen_ns) / 1e9);
	r.reason = why;
	emit_record(gk, &r);
	p_info("adopted the pinned state at %s (%s)", gk->persist.dir, why);
}

/* Once a second, and at the end: what a persistent daemon's successor
 * needs to report the gap. */
void note_state(struct gatekeeper *gk, bool stopped)
{
	struct wb_totals t;

	if (gk->persist.dir && !counters_read(bpf_map__fd(gk->skel->maps.counters), &t))
		persist_note(gk->skel, &gk->persist, t.total, gk->drops_told, stopped,
			     gk->cur.pol.sha256, gk->cur.pol.nr_admin_certs > 0);
}

/* The last record: why the daemon stops, and whether enforcement stays. */
void report_stop(struct gatekeeper *gk, int sig)
{
	struct wb_record r = {};
	char why[128];

	if (!gk->stop_why) {
		snprintf(why, sizeof(why), "%s, enforcement %s", sig > 0 ? strsignal(sig) : "?",
			 gk->persist.dir ? "stays (pinned)" : "ends");
		gk->stop_why = why;
	}
	daemon_record(gk, &r, "Stopped");
	r.reason = gk->stop_why;
	emit_record(gk, &r);
	note_state(gk, true);
}

void print_totals(struct gatekeeper *gk)
{
	unsigned long long denied;
	struct wb_totals t;

	if (counters_read(bpf_map__fd(gk->skel->maps.counters), &t))
		return;
	denied = t.by_action[WB_ACT_DENIED_TASK];
	denied += t.by_action[WB_ACT_DENIED] + t.by_action[WB_ACT_TAINTED];
	p_info("detached: %llu approved, %llu denied, %llu events dropped; %llu records logged; "
	       "%llu feature probes",
	       (unsigned long long)t.by_action[WB_ACT_APPROVED], denied,
	       (unsigned long long)t.events_dropped, (unsigned long long)gk->logged,
	       (unsigned long long)t.by_action[WB_ACT_PROBE]);
}

/* What `watchbpf status` reads: written whole, then renamed into place. */
void write_status(struct gatekeeper *gk)
{
	struct wb_status st = {};
	const struct bpf_object_skeleton *sk = gk->skel->skeleton;
	struct utsname u;
	size_t n = 0;

	if (!gk->status_path || counters_read(bpf_map__fd(gk->skel->maps.counters), &st.totals))
		return;
	st.pid = getpid();
	st.policy = gk->cur.pol.name;
	st.version = gk->cur.pol.version;
	st.mode = wb_mode_name(gk->cur.pol.mode);
	st.uptime_s = time(NULL) - gk->started;
	st.logged = gk->logged;
	st.names = &gk->names;
	if (!uname(&u))
		snprintf(st.kernel, sizeof(st.kernel), "%s", u.release);
	/* the hooks attached now: file_open comes and goes with collateral.
	 * Every program fits: a list cut short would hide a hook. */
	_Static_assert(sizeof(((struct watchbpf *)0)->progs) / sizeof(struct bpf_program *) <=
			       WB_STATUS_MAX_HOOKS,
		       "raise WB_STATUS_MAX_HOOKS");
	for (int i = 0; i < sk->prog_cnt && n < WB_STATUS_MAX_HOOKS; i++) {
		const struct bpf_prog_skeleton *p =
			(const void *)((const char *)sk->progs + (size_t)i * sk->prog_skel_sz);

		if (*p->link)
			st.hooks[n++] = bpf_program__section_name(*p->prog);
	}
	st.nr_hooks = n;
	status_write(gk->status_path, &st);
}
