// SPDX-License-Identifier: GPL-2.0
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "gatekeeper/calls.h"
#include "gatekeeper/event_fmt.h"
#include "gatekeeper/event_record.h"
#include "gatekeeper/tokens.h"

static const char *const reasons[] = {
	[WB_R_NOT_LOADER] = "not-loader",
	[WB_R_UNKNOWN_DIGEST] = "unknown-digest",
	[WB_R_NO_SIGNATURE] = "no-signature",
	[WB_R_BAD_SIGNATURE] = "bad-signature",
	[WB_R_PATH] = "path-mismatch",
	[WB_R_NAMESPACE] = "mount-namespace",
	[WB_R_BLOCKED] = "blocked",
	[WB_R_TAINTED] = "tainted",
	[WB_R_PROG_TYPE] = "prog-type",
	[WB_R_ATTACH_TYPE] = "attach-type",
	[WB_R_PROG_NAME] = "prog-name",
	[WB_R_HELPER] = "helper",
	[WB_R_KERNEL_READ] = "kernel-read",
	[WB_R_KFUNC] = "kfunc",
	[WB_R_MAX_INSNS] = "max-insns",
	[WB_R_UNSIGNED_PROG] = "unsigned-program",
	[WB_R_MAP_NONE] = "map:none",
	[WB_R_MAP_RO] = "map:ro",
	[WB_R_PROG_OWNER] = "prog-owner",
	[WB_R_COLLATERAL] = "collateral",
	[WB_R_NOT_VERITY] = "not-verity",
	[WB_R_NO_KEYRING] = "no-keyring",
	[WB_R_SIG_TOO_LARGE] = "signature-too-large",
	[WB_R_MAP_UNNAMED] = "map:unnamed",
	[WB_R_PROBE_HELD] = "probe-held",
	[WB_R_PROBE_FD] = "probe-fd",
	[WB_R_SELF] = "watchbpf-own",
	[WB_R_MODULES] = "kernel-modules",
	[WB_R_KEXEC] = "kernel-kexec",
	[WB_R_KERNEL_MEM] = "kernel-memory",
	[WB_R_UNTRUSTED_CODE] = "untrusted-code",
	[WB_R_ANON_EXEC] = "anonymous-exec",
	[WB_R_TRACED] = "traced",
	[WB_R_DELETED] = "deleted-file",
	[WB_R_TAKEOVER] = "takeover",
	[WB_R_MEASURED] = "measured-file",
	[WB_R_KFUNC_CHANGED] = "kfunc-changed",
	[WB_R_TOKEN_CREATE] = "token-create",
	[WB_R_TOKEN_USE] = "token-use",
	[WB_R_TOKEN_DELEGATION] = "token-delegation",
};

/* detail of a task_set refusal (bpf/watchbpf.h WB_SET_*) */
static const char *const task_sets[] = {
	[WB_SET_NICE] = "nice",
	[WB_SET_SCHEDULER] = "scheduler",
	[WB_SET_IOPRIO] = "ioprio",
	[WB_SET_RLIMIT] = "rlimit",
};

/* detail of a pins refusal (WB_PIN_*) */
static const char *const pin_ops[] = {
	[WB_PIN_ACCESS] = "access", [WB_PIN_UMOUNT] = "umount", [WB_PIN_REMOUNT] = "remount",
	[WB_PIN_MOUNT] = "mount",   [WB_PIN_MOVE] = "move",
};

/* how a module or kernel image came (bpf/kernel.bpf.c WB_K_*) */
static const char *const kernel_ways[] = { [1] = "request", [2] = "memory", [3] = "file" };

#define NAMED(table, i) ((i) < sizeof(table) / sizeof(table[0]) && table[i] ? table[i] : "?")

bool event_code_reason(const struct wbpf_event *e)
{
	return e->op == WB_OP_ADOPT && (e->reason == WB_R_UNTRUSTED_CODE ||
					e->reason == WB_R_ANON_EXEC ||
					e->reason == WB_R_NOT_VERITY);
}

const char *event_loader(const struct wbpf_event *e, const struct wb_fmt_ctx *ctx)
{
	return ctx->ids ? config_loader_name(ctx->ids, e->loader_id) : NULL;
}

const char *event_action(const struct wbpf_event *e, const struct wb_fmt_ctx *ctx, char *buf,
			 size_t len)
{
	const char *a = "Unknown";

	switch (e->action) {
	case WB_ACT_APPROVED:
		a = "Approved";
		if ((e->op == WB_OP_EXEC || e->op == WB_OP_ADOPT) && ctx->cfg &&
		    e->loader_id < WB_MAX_LOADERS &&
		    ctx->cfg->grants[e->loader_id][0])
			a = ctx->cfg->grants[e->loader_id];
		break;
	case WB_ACT_DENIED_TASK:
		a = "BPFDenied";
		break;
	case WB_ACT_DENIED:
		a = "Denied";
		break;
	case WB_ACT_TAINTED:
		a = "Tainted";
		break;
	}
	snprintf(buf, len, "%s%s", a, (e->flags & WB_EV_KILLED) ? ",Killed" : "");
	return buf;
}

/* Copies a fixed-size, maybe unterminated kernel string of n bytes into
 * dst[n + 1]; '?' for bytes that would break the line-oriented format. */
static void clean(char *dst, const char *src, size_t n)
{
	size_t i;

	for (i = 0; i < n && src[i]; i++)
		dst[i] = (src[i] < 0x21 || src[i] == 0x7f) ? '?' : src[i];
	dst[i] = '\0';
}

/* What was tried on the daemon's process: "watchbpf-own:SIGKILL",
 * "watchbpf-own:ptrace", "watchbpf-own:nice", "watchbpf-own:/proc/1/mem". */
static const char *self_detail(const struct wbpf_event *e, const char *r, char *buf, size_t len)
{
	char path[WB_PATH_LEN + 1];
	const char *sig;

	switch (e->op) {
	case WB_OP_SIGNAL:
		sig = e->detail < 65 ? sigabbrev_np(e->detail) : NULL;
		if (sig)
			snprintf(buf, len, "%s:SIG%s", r, sig);
		else
			snprintf(buf, len, "%s:signal_%u", r, e->detail);
		return buf;
	case WB_OP_PTRACE:
		snprintf(buf, len, "%s:ptrace", r);
		return buf;
	case WB_OP_TASK_SET:
		snprintf(buf, len, "%s:%s", r, NAMED(task_sets, e->detail));
		return buf;
	case WB_OP_PINS:
		snprintf(buf, len, "%s:pins:%s", r, NAMED(pin_ops, e->detail));
		return buf;
	case WB_OP_WRITE:
		clean(path, e->path, sizeof(e->path));
		snprintf(buf, len, "%s:%s", r, (e->flags & WB_EV_PATH) ? path : "?");
		return buf;
	}
	return r;
}

/* What a token delegates beyond a loader's limits:
 * "token-delegation:progs:kprobe", "token-delegation:cmds:prog_load". */
static const char *token_delegation(const struct wbpf_event *e, const struct wb_fmt_ctx *ctx,
				    const char *r, char *buf, size_t len)
{
	unsigned int part = e->detail >> 16, bit = e->detail & 0xffff;
	const char *s = NULL;
	char nbuf[24];

	if (part == WB_TOK_CMDS)
		s = op_name(ctx->names, bit, nbuf, sizeof(nbuf));
	else if (part == WB_TOK_MAPS)
		s = libbpf_bpf_map_type_str(bit);
	else if (part == WB_TOK_PROGS)
		s = libbpf_bpf_prog_type_str(bit);
	else if (part == WB_TOK_ATTACHS)
		s = libbpf_bpf_attach_type_str(bit);
	if (s)
		snprintf(buf, len, "%s:%s:%s", r, token_part_name(part), s);
	else
		snprintf(buf, len, "%s:%s:%u", r, token_part_name(part), bit);
	return buf;
}

const char *event_reason(const struct wbpf_event *e, const struct wb_fmt_ctx *ctx, char *buf,
			 size_t len)
{
	char path[WB_PATH_LEN + 1], hbuf[128];
	const char *r, *s;

	if (e->reason == WB_R_NONE)
		return NULL;
	r = e->reason < sizeof(reasons) / sizeof(reasons[0]) ? reasons[e->reason] : NULL;
	if (!r) {
		snprintf(buf, len, "reason-%u", e->reason);
		return buf;
	}
	if (e->op == WB_OP_MMAP || e->op == WB_OP_MPROTECT || event_code_reason(e)) {
		/* "code:/tmp/evil.so check: untrusted-code", "anonymous-exec" */
		if (!(e->flags & WB_EV_PATH))
			return r;
		clean(path, e->path, sizeof(e->path));
		snprintf(buf, len, "code:%s check: %s", path, r);
		return buf;
	}
	if (e->action == WB_ACT_TAINTED && e->reason != WB_R_TAKEOVER) {
		clean(path, e->path, sizeof(e->path));
		snprintf(buf, len, "collateral:%s check: %s", path, r);
		return buf;
	}
	if (e->op == WB_OP_ADOPT && e->detail) {
		/* "not-loader:bpf_objects_3": what it holds, running */
		snprintf(buf, len, "%s:bpf_objects_%u", r, e->detail);
		return buf;
	}
	if ((e->flags & WB_EV_KFUNC_DETAIL) && e->detail < WB_EV_KFUNCS) {
		/* "kfunc:bpf_rdonly_cast", "kernel-read:bpf_rdonly_cast" */
		snprintf(buf, len, "%s:%s", r,
			 calls_kfunc_name(ctx->calls, &e->kfuncs[e->detail], hbuf, sizeof(hbuf)));
		return buf;
	}
	switch (e->reason) {
	case WB_R_HELPER:
	case WB_R_KERNEL_READ:
		snprintf(buf, len, "%s:%s", r,
			 helper_name(ctx->names, e->detail, hbuf, sizeof(hbuf)));
		return buf;
	case WB_R_ATTACH_TYPE:
		s = libbpf_bpf_attach_type_str(e->detail);
		if (s)
			snprintf(buf, len, "%s:%s", r, s);
		else
			snprintf(buf, len, "%s:%u", r, e->detail);
		return buf;
	case WB_R_KFUNC:
		/* more distinct kfuncs than a scan judges (bpf/scan.bpf.h) */
		snprintf(buf, len, "%s:more_than_%d", r, WB_SCAN_KFUNC_SLOTS);
		return buf;
	case WB_R_MAX_INSNS:
		snprintf(buf, len, "%s:%u", r, e->detail);
		return buf;
	case WB_R_UNSIGNED_PROG:
		/* "unsigned-program:untrusted_keyring": the kernel verified
		 * it, with a key that is not one of trust.certs */
		if (e->detail != WB_SIG_OTHER_KEYRING)
			return r;
		snprintf(buf, len, "%s:untrusted_keyring", r);
		return buf;
	case WB_R_SELF:
		return self_detail(e, r, buf, len);
	case WB_R_MEASURED:
		/* "measured-file:/usr/lib/x86_64-linux-gnu/libz.so.1" */
		clean(path, e->path, sizeof(e->path));
		snprintf(buf, len, "%s:%s", r, (e->flags & WB_EV_PATH) ? path : "?");
		return buf;
	case WB_R_TAKEOVER:
		/* "takeover:bpftool:pid_412": whose authority was at stake */
		s = ctx->ids ? config_loader_name(ctx->ids, e->detail) : NULL;
		if (s)
			snprintf(buf, len, "%s:%s:pid_%u", r, s, e->obj_id);
		else
			snprintf(buf, len, "%s:loader_%u:pid_%u", r, e->detail, e->obj_id);
		return buf;
	case WB_R_MODULES:
	case WB_R_KEXEC:
		clean(path, e->path, sizeof(e->path));
		snprintf(buf, len, "%s:%s%s%s", r, NAMED(kernel_ways, e->detail),
			 (e->flags & WB_EV_PATH) ? ":" : "", (e->flags & WB_EV_PATH) ? path : "");
		return buf;
	case WB_R_KERNEL_MEM:
		snprintf(buf, len, "%s:%s", r, lockdown_name(ctx->names, e->detail, hbuf, sizeof(hbuf)));
		return buf;
	case WB_R_TOKEN_DELEGATION:
		return token_delegation(e, ctx, r, buf, len);
	}
	return r;
}

const char *event_type(const struct wbpf_event *e, char *buf, size_t len)
{
	const char *t = NULL;

	if (e->has_obj == WB_OBJ_PROG)
		t = libbpf_bpf_prog_type_str(e->obj_type);
	else if (e->has_obj == WB_OBJ_MAP)
		t = libbpf_bpf_map_type_str(e->obj_type);
	else
		return NULL;
	if (!t) {
		snprintf(buf, len, "%u", e->obj_type);
		t = buf;
	}
	return t;
}

int event_format_text(const struct wbpf_event *e, const struct wb_fmt_ctx *ctx, char *buf,
		      size_t len)
{
	struct wb_event_record er;

	event_record(e, ctx, NULL, NULL, 0, &er);
	return record_format_text(&er.rec, buf, len);
}
