// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <linux/bpf.h>

#include <bpf/libbpf.h>

#include "gatekeeper/calls.h"
#include "gatekeeper/event_record.h"
#include "gatekeeper/exe_id.h"
#include "gatekeeper/tokens.h"

void origin_init(struct wb_origin *o, const char *policy, const char *policy_version)
{
	struct timespec real, boot;

	memset(o, 0, sizeof(*o));
	wb_host_identity(o->host, sizeof(o->host), o->boot_id, sizeof(o->boot_id));
	o->policy = policy;
	o->policy_version = policy_version;
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	o->boot_to_real_ns =
		(real.tv_sec - boot.tv_sec) * 1000000000LL + (real.tv_nsec - boot.tv_nsec);
}

/* A fixed-size, maybe unterminated kernel string into dst[n + 1]. */
static void copy_kstr(char *dst, const char *src, size_t n)
{
	size_t i;

	for (i = 0; i < n && src[i]; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

static bool token_op(const struct wbpf_event *e)
{
	return e->op == BPF_TOKEN_CREATE || e->op == WB_OP_TOKEN_CMD ||
	       e->op == WB_OP_TOKEN_CAPABLE;
}

/* The policy field whose rule made the decision, as IPE names its rules. */
static const char *rule_field(const struct wbpf_event *e)
{
	/* a task that is no loader, in bpf/token.bpf.c: not its bpf() but
	 * what a token gives it was refused */
	if (e->reason == WB_R_NOT_LOADER && token_op(e) && e->detail == WB_TOK_BY_DEFAULT)
		return "default.tokens";
	switch (e->reason) {
	case WB_R_NOT_LOADER:
	case WB_R_NAMESPACE:
		return "default.bpf";
	case WB_R_BLOCKED:
		return "default.block";
	case WB_R_PROG_TYPE:
		return "programs.types";
	case WB_R_ATTACH_TYPE:
		return "programs.attach";
	case WB_R_PROG_NAME:
		return "programs.names";
	case WB_R_HELPER:
		return "programs.deny_helpers";
	case WB_R_KERNEL_READ:
		return "programs.kernel_reads";
	case WB_R_KFUNC: /* or allow_kfuncs: event_record() tells */
	case WB_R_KFUNC_CHANGED:
		return "programs.deny_kfuncs";
	case WB_R_MAX_INSNS:
		return "programs.max_insns";
	case WB_R_UNSIGNED_PROG:
		return "programs.signed";
	case WB_R_MAP_NONE:
	case WB_R_MAP_RO:
	case WB_R_MAP_UNNAMED:
		return "maps";
	case WB_R_NOT_VERITY:
		if (e->op == WB_OP_MMAP || e->op == WB_OP_MPROTECT || e->op == WB_OP_ADOPT)
			return "code.digests";
		return "collateral";
	case WB_R_TAINTED:
	case WB_R_COLLATERAL:
		return "collateral";
	case WB_R_UNTRUSTED_CODE:
		return "code.digests";
	case WB_R_ANON_EXEC:
		return "code.jit";
	case WB_R_TAKEOVER:
		return "code.on_takeover";
	case WB_R_TRACED:
	case WB_R_DELETED:
		return "exec";
	case WB_R_MEASURED:
		return "measured";
	case WB_R_MODULES:
		return "kernel.modules";
	case WB_R_KEXEC:
		return "kernel.kexec";
	case WB_R_KERNEL_MEM:
		return "kernel.memory";
	case WB_R_TOKEN_CREATE:
		return "tokens.create";
	case WB_R_TOKEN_USE:
		return "tokens.use";
	case WB_R_TOKEN_DELEGATION:
		return "tokens.delegate";
	case WB_R_UNKNOWN_DIGEST:
	case WB_R_NO_SIGNATURE:
	case WB_R_BAD_SIGNATURE:
	case WB_R_PATH:
	case WB_R_NO_KEYRING:
	case WB_R_SIG_TOO_LARGE:
		return e->loader_id ? "exec" : "loaders";
	}
	return NULL;
}

/* The task's Kubernetes pod, when it is in one: the record's pod becomes
 * "namespace/pod/container" where the kubelet's logs name them. */
static void record_pod(const struct wbpf_event *e, const struct wb_fmt_ctx *ctx,
		       struct wb_event_record *out)
{
	struct wb_record *r = &out->rec;
	const struct wb_pod *pod = pods_lookup(ctx->pods, e->cgroup_id, out->pod);

	if (!pod)
		return;
	out->k8s = *pod;
	pod = &out->k8s;
	if (pod->label[0])
		r->pod = pod->label;
	r->k8s_namespace = pod->ns[0] ? pod->ns : NULL;
	r->k8s_pod = pod->name[0] ? pod->name : NULL;
	r->k8s_pod_uid = pod->uid;
	r->k8s_container = pod->container[0] ? pod->container : NULL;
	r->k8s_container_id = pod->container_id;
}

/* Whether loader LOADER's deny_kfuncs names the kfunc E was denied:
 * else allow_kfuncs left it out. */
static bool kfunc_denied_by_name(const struct wbpf_event *e, const struct wb_fmt_ctx *ctx,
				 const struct wb_policy *pol, const char *loader)
{
	char name[128];

	if (!pol || !loader || !(e->flags & WB_EV_KFUNC_DETAIL) || e->detail >= WB_EV_KFUNCS)
		return true;
	calls_kfunc_name(ctx->calls, &e->kfuncs[e->detail], name, sizeof(name));
	for (size_t i = 0; i < pol->nr_loaders; i++) {
		const struct wb_programs *p = &pol->loaders[i].programs;

		if (strcmp(pol->loaders[i].name, loader))
			continue;
		for (size_t j = 0; j < p->nr_deny_kfuncs; j++)
			if (!strcmp(p->deny_kfuncs[j].name, name))
				return true;
		return !p->nr_allow_kfuncs;
	}
	return true;
}

/* A bpf() command's executable: a loader's, with the digest the policy
 * names; in audit mode anyone's, with the digest its fs-verity says now
 * (gatekeeper/exe_id.h): what learning from an audit run needs. Not for
 * the denials of enforcement, which a flood of could slow the log down. */
static void record_exe(const struct wbpf_event *e, const struct wb_fmt_ctx *ctx,
		       const struct wb_policy *pol, const char *loader, struct wb_event_record *out)
{
	struct wb_record *r = &out->rec;
	const char *digest = NULL;
	bool audit = e->flags & WB_EV_AUDIT;

	for (size_t i = 0; pol && loader && i < pol->nr_loaders; i++)
		if (!strcmp(pol->loaders[i].name, loader) && pol->loaders[i].has_digest)
			digest = fsv_digest_format(&pol->loaders[i].digest, out->digest,
						   sizeof(out->digest));
	if (!loader && !audit)
		return;
	exes_lookup(ctx->exes, (pid_t)e->pid, out->exe, sizeof(out->exe), &r->exe,
		    digest ? NULL : &digest);
	if (digest && digest != out->digest) {
		snprintf(out->digest, sizeof(out->digest), "%s", digest);
		digest = out->digest;
	}
	r->exe_digest = digest;
}

/* What a program load calls (bpf/scan.bpf.h), and its attach type. */
static void record_calls(const struct wbpf_event *e, const struct wb_fmt_ctx *ctx,
			 struct wb_event_record *out)
{
	const char *s = libbpf_bpf_attach_type_str(e->attach_type);

	if (s)
		snprintf(out->attach, sizeof(out->attach), "%s", s);
	else
		snprintf(out->attach, sizeof(out->attach), "%u", e->attach_type);
	out->rec.attach_type = out->attach;
	if (!(e->scan & WB_SCAN_DONE))
		return;
	calls_helpers(ctx->names, e, out->helpers, sizeof(out->helpers));
	calls_kfuncs(ctx->calls, e, out->kfuncs, sizeof(out->kfuncs));
	out->rec.helpers = out->helpers;
	out->rec.kfuncs = out->kfuncs;
}

void event_record(const struct wbpf_event *e, const struct wb_fmt_ctx *ctx,
		  const struct wb_origin *o, const struct wb_policy *pol, uint64_t id,
		  struct wb_event_record *out)
{
	struct wb_record *r = &out->rec;
	const char *field, *loader;
	char *comma;

	memset(r, 0, sizeof(*r));
	r->time_ns = e->ts_boot_ns + (o ? o->boot_to_real_ns : 0);
	if (o) {
		r->host = o->host;
		r->boot_id = o->boot_id;
		r->policy = o->policy;
		r->policy_version = o->policy_version;
	}
	r->id = id;
	r->op = op_name(ctx->names, e->op, out->op, sizeof(out->op));
	/* the formatters add ",Killed" themselves, from r->killed */
	event_action(e, ctx, out->action, sizeof(out->action));
	comma = strstr(out->action, ",Killed");
	if (comma)
		*comma = '\0';
	r->action = out->action;
	r->audit = e->flags & WB_EV_AUDIT;
	r->killed = e->flags & WB_EV_KILLED;
	r->reason = event_reason(e, ctx, out->reason, sizeof(out->reason));
	loader = event_loader(e, ctx);
	r->loader = loader;
	field = rule_field(e);
	if (e->reason == WB_R_KFUNC && !kfunc_denied_by_name(e, ctx, pol, loader))
		field = "programs.allow_kfuncs";
	if (field && loader && strncmp(field, "default", 7) && strcmp(field, "loaders")) {
		snprintf(out->rule, sizeof(out->rule), "%s.%s", loader, field);
		r->rule = out->rule;
	} else if (field) {
		r->rule = field;
	} else if (loader) {
		r->rule = loader; /* approved as this loader */
	}
	r->pid = e->pid;
	r->tid = e->tid;
	r->uid = e->uid;
	copy_kstr(out->comm, e->comm, sizeof(e->comm));
	copy_kstr(out->name, e->name, sizeof(e->name));
	copy_kstr(out->pod, e->pod, sizeof(e->pod));
	r->comm = out->comm;
	r->pod = out->pod[0] ? out->pod : NULL;
	r->name = out->name[0] ? out->name : NULL;
	/* what a token was used for: the command, the capability */
	if (e->op == WB_OP_TOKEN_CMD)
		r->name = op_name(ctx->names, e->obj_id, out->name, sizeof(out->name));
	else if (e->op == WB_OP_TOKEN_CAPABLE)
		r->name = token_cap_name(e->obj_id, out->name, sizeof(out->name));
	if (ctx->pods)
		record_pod(e, ctx, out);
	snprintf(out->cgroup, sizeof(out->cgroup), "%llu", (unsigned long long)e->cgroup_id);
	r->cgroup = out->cgroup;
	if ((e->op == WB_OP_EXEC || (e->op == WB_OP_ADOPT && !event_code_reason(e))) &&
	    (e->flags & WB_EV_PATH)) {
		copy_kstr(out->exe, e->path, sizeof(e->path));
		r->exe = out->exe;
	}
	if ((e->op == WB_OP_EXEC || e->op == WB_OP_ADOPT) && pol && loader) {
		for (size_t i = 0; i < pol->nr_loaders; i++) {
			if (strcmp(pol->loaders[i].name, loader) || !pol->loaders[i].has_digest)
				continue;
			r->exe_digest = fsv_digest_format(&pol->loaders[i].digest, out->digest,
							  sizeof(out->digest));
		}
	}
	if (e->op < 64 && !r->exe && ctx->exes)
		record_exe(e, ctx, pol, loader, out);
	r->type = event_type(e, out->type, sizeof(out->type));
	r->insn_cnt = e->has_obj == WB_OBJ_PROG && e->insn_cnt ? (int64_t)e->insn_cnt : -1;
	if (e->op == BPF_PROG_LOAD && e->has_obj == WB_OBJ_PROG)
		record_calls(e, ctx, out);
	r->map_id = e->has_obj == WB_OBJ_MAP && e->obj_id ? (int64_t)e->obj_id : -1;
}
