// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "gatekeeper/event_fmt.h"

const char *action_name(unsigned int action)
{
	switch (action) {
	case WB_ACT_APPROVED:
		return "Approved";
	case WB_ACT_DENIED:
		return "BPFDenied";
	}
	return "Unknown";
}

const char *reason_name(unsigned int reason)
{
	switch (reason) {
	case WB_R_NOT_LOADER:
		return "not-loader";
	case WB_R_UNKNOWN_DIGEST:
		return "unknown-digest";
	}
	return NULL;
}

/* Appends to buf without ever overrunning; *off keeps the would-be length. */
static void append(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*off < len ? buf + *off : NULL, *off < len ? len - *off : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += n;
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

int event_format_text(const struct wbpf_event *e, const struct wb_names *names,
		      const struct wb_policy *pol, char *buf, size_t len)
{
	char comm[WB_COMM_LEN + 1], name[WB_NAME_LEN + 1], pod[WB_POD_LEN + 1];
	char opbuf[16], typebuf[16];
	const char *type = NULL, *reason;
	size_t off = 0;

	if (len)
		buf[0] = '\0';
	clean(comm, e->comm, sizeof(e->comm));
	clean(name, e->name, sizeof(e->name));
	clean(pod, e->pod, sizeof(e->pod));
	append(buf, len, &off, "process: %s pid: %u pod: %s op: %s", comm[0] ? comm : "?", e->pid,
	       pod[0] ? pod : "host", op_name(names, e->op, opbuf, sizeof(opbuf)));
	if (e->has_obj) {
		if (e->op == BPF_PROG_LOAD)
			type = libbpf_bpf_prog_type_str(e->obj_type);
		else if (e->op == BPF_MAP_CREATE)
			type = libbpf_bpf_map_type_str(e->obj_type);
		if (!type) {
			snprintf(typebuf, sizeof(typebuf), "%u", e->obj_type);
			type = typebuf;
		}
		append(buf, len, &off, " type: %s", type);
		if (name[0])
			append(buf, len, &off, " name: %s", name);
	}
	append(buf, len, &off, " action: %s", action_name(e->action));
	if (e->flags & WB_EV_AUDIT)
		append(buf, len, &off, " audit");
	reason = reason_name(e->reason);
	if (reason)
		append(buf, len, &off, " reason: %s", reason);
	if (e->loader_id && pol && e->loader_id <= pol->nr_loaders)
		append(buf, len, &off, " loader: %s", pol->loaders[e->loader_id - 1].name);
	return (int)off;
}
