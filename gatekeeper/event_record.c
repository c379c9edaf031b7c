// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <linux/bpf.h>

#include "gatekeeper/event_record.h"

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

/* The policy field whose rule made the decision, as IPE names its rules. */
static const char *rule_field(const struct wbpf_event *e)
{
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
	r->type = event_type(e, out->type, sizeof(out->type));
	r->insn_cnt = e->has_obj == WB_OBJ_PROG && e->insn_cnt ? (int64_t)e->insn_cnt : -1;
	r->map_id = e->has_obj == WB_OBJ_MAP && e->obj_id ? (int64_t)e->obj_id : -1;
}
