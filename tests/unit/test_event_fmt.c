// SPDX-License-Identifier: GPL-2.0
/* The decision line format and the names it uses. */
#include <bpf/btf.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "gatekeeper/event_fmt.h"
#include "gatekeeper/names.h"
#include "test.h"

/* A BTF with just enough of enum bpf_cmd, as a kernel would have it. */
static struct btf *fake_vmlinux(void)
{
	struct btf *btf = btf__new_empty();

	btf__add_enum(btf, "bpf_cmd", 4);
	btf__add_enum_value(btf, "BPF_MAP_CREATE", BPF_MAP_CREATE);
	btf__add_enum_value(btf, "BPF_MAP_UPDATE_ELEM", BPF_MAP_UPDATE_ELEM);
	btf__add_enum_value(btf, "BPF_PROG_LOAD", BPF_PROG_LOAD);
	btf__add_enum_value(btf, "BPF_BTF_LOAD", BPF_BTF_LOAD);
	btf__add_enum_value(btf, "BPF_PROG_RUN", BPF_PROG_TEST_RUN); /* alias, later */
	btf__add_enum_value(btf, "BPF_PROG_TEST_RUN", BPF_PROG_TEST_RUN);
	btf__add_enum_value(btf, "BPF_TOKEN_CREATE", 36);
	return btf;
}

static void fill(struct wbpf_event *e, const char *comm, unsigned int pid, const char *pod,
		 unsigned int op, unsigned int action)
{
	memset(e, 0, sizeof(*e));
	strncpy(e->comm, comm, sizeof(e->comm));
	strncpy(e->pod, pod, sizeof(e->pod));
	e->pid = pid;
	e->op = op;
	e->action = action;
}

static struct wb_loader loaders[] = { { .name = "alice" }, { .name = "bob" } };
static struct wb_policy pol = { .name = "demo", .loaders = loaders, .nr_loaders = 2 };

TEST(op_names_from_btf)
{
	struct btf *btf = fake_vmlinux();
	struct wb_names n;
	char buf[16];

	CHECK_INT(names_init(&n, btf), ==, 0);
	CHECK_STR(op_name(&n, WB_OP_EXEC, buf, sizeof(buf)), "exec");
	CHECK_STR(op_name(&n, BPF_PROG_LOAD, buf, sizeof(buf)), "load");
	CHECK_STR(op_name(&n, BPF_MAP_UPDATE_ELEM, buf, sizeof(buf)), "update");
	CHECK_STR(op_name(&n, BPF_MAP_CREATE, buf, sizeof(buf)), "map_create");
	CHECK_STR(op_name(&n, BPF_BTF_LOAD, buf, sizeof(buf)), "btf_load");
	/* the first name of a value wins over later aliases */
	CHECK_STR(op_name(&n, BPF_PROG_TEST_RUN, buf, sizeof(buf)), "prog_run");
	CHECK_STR(op_name(&n, 36, buf, sizeof(buf)), "token_create");
	CHECK_STR(op_name(&n, 200, buf, sizeof(buf)), "cmd_200");
	names_free(&n);
	btf__free(btf);
}

TEST(op_names_need_bpf_cmd)
{
	struct btf *btf = btf__new_empty();
	struct wb_names n;

	CHECK(names_init(&n, btf) < 0, "a BTF without enum bpf_cmd must be refused");
	btf__free(btf);
}

TEST(format_proposal_lines)
{
	struct btf *btf = fake_vmlinux();
	struct wbpf_event e;
	struct wb_names n;
	char line[512];

	names_init(&n, btf);
	fill(&e, "eve", 284, "eve", BPF_PROG_LOAD, WB_ACT_DENIED);
	e.reason = WB_R_NOT_LOADER;
	e.has_obj = 1;
	e.obj_type = BPF_PROG_TYPE_XDP;
	strcpy(e.name, "from_netdev");
	event_format_text(&e, &n, &pol, line, sizeof(line));
	CHECK_STR(line, "process: eve pid: 284 pod: eve op: load type: xdp name: from_netdev "
			"action: BPFDenied reason: not-loader");

	fill(&e, "alice", 262, "", WB_OP_EXEC, WB_ACT_APPROVED);
	e.loader_id = 1;
	event_format_text(&e, &n, &pol, line, sizeof(line));
	CHECK_STR(line,
		  "process: alice pid: 262 pod: host op: exec action: Approved loader: alice");

	fill(&e, "bob", 7, "k8s-pod", BPF_MAP_CREATE, WB_ACT_APPROVED);
	e.loader_id = 2;
	e.has_obj = 1;
	e.obj_type = BPF_MAP_TYPE_HASH;
	strcpy(e.name, "ct_map_tcp4");
	event_format_text(&e, &n, &pol, line, sizeof(line));
	CHECK_STR(line,
		  "process: bob pid: 7 pod: k8s-pod op: map_create type: hash name: ct_map_tcp4 "
		  "action: Approved loader: bob");
	names_free(&n);
	btf__free(btf);
}

TEST(format_audit_and_unknowns)
{
	struct btf *btf = fake_vmlinux();
	struct wbpf_event e;
	struct wb_names n;
	char line[512];

	names_init(&n, btf);
	fill(&e, "eve", 1, "", BPF_BTF_LOAD, WB_ACT_DENIED);
	e.reason = WB_R_NOT_LOADER;
	e.flags = WB_EV_AUDIT;
	event_format_text(&e, &n, &pol, line, sizeof(line));
	CHECK_STR(
		line,
		"process: eve pid: 1 pod: host op: btf_load action: BPFDenied audit reason: not-loader");

	/* an unknown program type is shown as its number; an unnamed one has no name */
	fill(&e, "x", 2, "", BPF_PROG_LOAD, WB_ACT_DENIED);
	e.has_obj = 1;
	e.obj_type = 999;
	event_format_text(&e, &n, &pol, line, sizeof(line));
	CHECK_STR(line, "process: x pid: 2 pod: host op: load type: 999 action: BPFDenied");

	/* a loader id the policy does not have is not named */
	fill(&e, "x", 3, "", BPF_MAP_UPDATE_ELEM, WB_ACT_APPROVED);
	e.loader_id = 9;
	event_format_text(&e, &n, &pol, line, sizeof(line));
	CHECK_STR(line, "process: x pid: 3 pod: host op: update action: Approved");
	names_free(&n);
	btf__free(btf);
}

TEST(format_hostile_strings)
{
	struct btf *btf = fake_vmlinux();
	struct wbpf_event e;
	struct wb_names n;
	char line[512], small[24];
	int len;

	names_init(&n, btf);
	/* a comm with spaces and a newline must not forge fields or lines */
	fill(&e, "a b\nc", 5, "p q", BPF_PROG_LOAD, WB_ACT_DENIED);
	event_format_text(&e, &n, &pol, line, sizeof(line));
	CHECK_STR(line, "process: a?b?c pid: 5 pod: p?q op: load action: BPFDenied");

	/* full-length, unterminated kernel strings stay in bounds */
	fill(&e, "", 6, "", BPF_PROG_LOAD, WB_ACT_DENIED);
	memset(e.comm, 'c', sizeof(e.comm));
	memset(e.name, 'n', sizeof(e.name));
	memset(e.pod, 'p', sizeof(e.pod));
	e.has_obj = 1;
	len = event_format_text(&e, &n, &pol, line, sizeof(line));
	CHECK_INT(len, ==, (long long)strlen(line));
	CHECK(strstr(line, "process: cccccccccccccccc pid:") != NULL, "%s", line);

	/* truncation: never overruns, reports the full length */
	len = event_format_text(&e, &n, &pol, small, sizeof(small));
	CHECK_INT(strlen(small), ==, sizeof(small) - 1);
	CHECK_INT(len, ==, (long long)strlen(line));
	names_free(&n);
	btf__free(btf);
}
