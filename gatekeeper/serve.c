// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's answers on its control socket (control.h): stop, reload,
 * upgrade, and the challenge of admin-signed requests (admin.h). With
 * admin.certs in the policy in force, whatever ends enforcement (stop
 * --end-enforcement, a stop of a daemon without --persist), puts a new
 * policy in force (reload) or swaps the daemon's code (upgrade) needs a
 * signature of the request's text, which names this boot, the daemon's
 * current nonce and what the request puts in force. The nonce changes
 * after every signed request, good or bad: no signature serves twice.
 * Every request is logged (a ControlRequest record), refused or not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gatekeeper/daemon.h"
#include "gatekeeper/notify.h"
#include "lib/util.h"

/* The op an admin must sign for R, or NULL when none is needed. */
static const char *signed_op(const struct gatekeeper *gk, enum control_req req)
{
	if (!gk->cur.pol.nr_admin_certs)
		return NULL;
	switch (req) {
	case CTL_END:
		return "end-enforcement";
	case CTL_STOP: /* a persistent daemon's stop ends logging only */
		return gk->persist.dir ? NULL : "stop";
	case CTL_RELOAD:
		return "reload";
	case CTL_UPGRADE:
		return "upgrade";
	default:
		return NULL;
	}
}

/* 0 when R's signature verifies for OP; OBJECT is what R puts in force, as
 * the request names it. -1 with why in MSG. */
static int check_signature(struct gatekeeper *gk, const struct control_request *r, const char *op,
			   char *object, size_t olen, char *msg, size_t len)
{
	unsigned char sig[WB_CONTROL_LINE];
	char text[1024];
	int n, ret = -1;

	snprintf(object, olen, "-");
	if (!r->sig[0]) {
		snprintf(msg, len,
			 "the policy names admin.certs: %s needs a signed request (`watchbpf "
			 "request %s`, signed by an admin, then --signature)",
			 op, op);
		return -1;
	}
	if ((r->req == CTL_RELOAD &&
	     admin_file_sha256(gk->policy_path, object, olen, msg, len)) ||
	    (r->req == CTL_UPGRADE && admin_file_verity(r->arg, object, olen, msg, len)))
		goto out;
	n = admin_b64_decode(r->sig, sig, sizeof(sig));
	if (n <= 0) {
		snprintf(msg, len, "the request's signature is not base64");
		goto out;
	}
	if (admin_request_text(text, sizeof(text), gk->origin.boot_id, gk->nonce, op, object)) {
		snprintf(msg, len, "request too long");
		goto out;
	}
	ret = admin_verify(&gk->cur.pol, text, sig, n, msg, len);
out:
	if (admin_nonce(gk->nonce))
		gk->nonce[0] = '\0'; /* no request verifies again */
	return ret;
}

static void log_request(struct gatekeeper *gk, const struct control_request *r, const char *what,
			bool ok, const char *msg)
{
	struct wb_record rec = {};
	char reason[1400];

	daemon_record(gk, &rec, "ControlRequest");
	rec.pid = r->pid;
	snprintf(reason, sizeof(reason), "%s: %s%s%s", what, ok ? "done" : "refused",
		 msg[0] ? ", " : "", msg);
	rec.reason = reason;
	emit_record(gk, &rec);
}

static void stop(struct gatekeeper *gk, int cfd, enum control_req req)
{
	gk->end_enforcement = req == CTL_END || !gk->persist.dir;
	gk->stop_why = gk->end_enforcement ? "stop requested, enforcement ends" :
					     "stop requested, enforcement stays (pinned)";
	p_info("%s", gk->stop_why);
	gk->stop_requested = true;
	control_reply(cfd, true, gk->end_enforcement ? "stopping" : "stopping; enforcement stays");
}

void serve_control(struct gatekeeper *gk)
{
	static const char *const names[] = {
		[CTL_STOP] = "stop",	   [CTL_END] = "end-enforcement", [CTL_RELOAD] = "reload",
		[CTL_UPGRADE] = "upgrade", [CTL_ABORT] = "abort",	  [CTL_CHALLENGE] = "challenge",
	};
	char msg[1200] = "", object[WB_OBJECT_MAX];
	struct control_request *r;
	const char *op;
	bool ok;
	int cfd;

	r = malloc(sizeof(*r)); /* two lines of 8 KiB */
	if (!r)
		return;
	cfd = control_accept(gk->control_fd, r);
	if (cfd < 0)
		goto out;
	if (r->req == CTL_CHALLENGE) {
		snprintf(msg, sizeof(msg), "boot=%s nonce=%s policy=%s", gk->origin.boot_id,
			 gk->nonce, gk->policy_path);
		control_reply(cfd, true, msg);
		goto out;
	}
	if (r->req == CTL_ABORT) {
		if (gk->test_abort) {
			control_reply(cfd, true, "aborting");
			abort();
		}
		control_reply(cfd, false, "unknown request (expected: stop, reload, upgrade)");
		goto out;
	}
	if (r->req == CTL_UPGRADE && !gk->persist.dir) {
		control_reply(cfd, false, "an upgrade needs the pinned state of --persist");
		goto out;
	}
	op = signed_op(gk, r->req);
	if (r->req == CTL_RELOAD && op && !r->sig[0]) {
		/* logrotate's reload: new log files, the same policy */
		if (gk->log && writer_reopen(gk->log))
			p_err("reopening %s: %s", gk->log_path, strerror(errno));
		snprintf(msg, sizeof(msg),
			 "logs reopened; policy %s stays in force (admin.certs: a new policy "
			 "needs a signed request)",
			 gk->cur.pol.name);
		log_request(gk, r, "reload", true, msg);
		control_reply(cfd, true, msg);
		goto out;
	}
	if (op && check_signature(gk, r, op, object, sizeof(object), msg, sizeof(msg))) {
		log_request(gk, r, names[r->req], false, msg);
		control_reply(cfd, false, msg);
		goto out;
	}
	log_request(gk, r, names[r->req], true, op ? "signed by an admin" : "");
	switch (r->req) {
	case CTL_STOP:
	case CTL_END:
		stop(gk, cfd, r->req);
		break;
	case CTL_UPGRADE:
		if (persist_trust_exe(gk->skel, r->arg, op ? object : NULL, msg, sizeof(msg))) {
			control_reply(cfd, false, msg);
			break;
		}
		snprintf(gk->upgrade_to, sizeof(gk->upgrade_to), "%s", r->arg);
		gk->stop_why = "upgrade, enforcement stays (pinned)";
		gk->stop_requested = true;
		control_reply(cfd, true, "upgrading");
		break;
	default:
		notify_reloading(); /* the service manager's reload state: until READY */
		ok = !do_reload(gk, op ? object : NULL, msg, sizeof(msg));
		notify_ready("%s", msg);
		control_reply(cfd, ok, msg);
	}
out:
	free(r);
}

/* `watchbpf upgrade`: the new build, whose digest the pinned state now
 * trusts, takes this process over and adopts the pins; this build's links
 * stay pinned until the new ones are attached. Returns only on failure. */
void exec_upgrade(struct gatekeeper *gk, int argc)
{
	char **args = calloc(argc + 2, sizeof(*args));

	if (!args)
		return;
	args[0] = gk->upgrade_to;
	for (int i = 0; i < argc; i++)
		args[i + 1] = gk->argv[i];
	fflush(NULL);
	execv(gk->upgrade_to, args);
	p_err("cannot exec %s: %s; the pinned state goes on enforcing", gk->upgrade_to,
	      strerror(errno));
	free(args);
}
