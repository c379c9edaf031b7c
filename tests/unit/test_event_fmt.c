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
	btf__add_enum(btf, "bpf_func_id", 4);
	btf__add_enum_value(btf, "BPF_FUNC_probe_write_user", 36);
	btf__add_enum_value(btf, "BPF_FUNC_probe_read_kernel", 113);
	btf__add_enum(btf, "lockdown_reason", 4);
	btf__add_enum_value(btf, "LOCKDOWN_DEV_MEM", 2);
	btf__add_enum_value(btf, "LOCKDOWN_KCORE", 21);
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

static struct wb_ids ids = { .name = { NULL, "alice", "bob" } };
static struct wb_config cfg;

static struct wb_fmt_ctx ctx_of(const struct wb_names *n)
{
	struct wb_fmt_ctx c = { n, &ids, &cfg };

	return c;
}

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
	CHECK_STR(op_name(&n, WB_OP_PERF_IOCTL, buf, sizeof(buf)), "perf_ioctl");
	CHECK_STR(op_name(&n, WB_OP_FD_RECEIVE, buf, sizeof(buf)), "fd_receive");
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
	struct wb_fmt_ctx fc;
	struct wb_names n;
	char line[512];

	names_init(&n, btf);
	fc = ctx_of(&n);
	fill(&e, "eve", 284, "eve", BPF_PROG_LOAD, WB_ACT_DENIED_TASK);
	e.reason = WB_R_NOT_LOADER;
	e.has_obj = WB_OBJ_PROG;
	e.obj_type = BPF_PROG_TYPE_XDP;
	strcpy(e.name, "from_netdev");
	event_format_text(&e, &fc, line, sizeof(line));
	CHECK_STR(line, "process: eve pid: 284 pod: eve op: load type: xdp name: from_netdev "
			"action: BPFDenied reason: not-loader");

	fill(&e, "alice", 262, "", WB_OP_EXEC, WB_ACT_APPROVED);
	e.loader_id = 1;
	event_format_text(&e, &fc, line, sizeof(line));
	CHECK_STR(line,
		  "process: alice pid: 262 pod: host op: exec action: Approved loader: alice");

	fill(&e, "bob", 7, "k8s-pod", BPF_MAP_CREATE, WB_ACT_APPROVED);
	e.loader_id = 2;
	e.has_obj = WB_OBJ_MAP;
	e.obj_type = BPF_MAP_TYPE_HASH;
	strcpy(e.name, "ct_map_tcp4");
	event_format_text(&e, &fc, line, sizeof(line));
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
	struct wb_fmt_ctx fc;
	struct wb_names n;
	char line[512];

	names_init(&n, btf);
	fc = ctx_of(&n);
	fill(&e, "eve", 1, "", BPF_BTF_LOAD, WB_ACT_DENIED_TASK);
	e.reason = WB_R_NOT_LOADER;
	e.flags = WB_EV_AUDIT;
	event_format_text(&e, &fc, line, sizeof(line));
	CHECK_STR(
		line,
		"process: eve pid: 1 pod: host op: btf_load action: BPFDenied audit reason: not-loader");

	/* an unknown program type is shown as its number; an unnamed one has no name */
	fill(&e, "x", 2, "", BPF_PROG_LOAD, WB_ACT_DENIED_TASK);
	e.has_obj = WB_OBJ_PROG;
	e.obj_type = 999;
	event_format_text(&e, &fc, line, sizeof(line));
	CHECK_STR(line, "process: x pid: 2 pod: host op: load type: 999 action: BPFDenied");

	/* a loader id the policy does not have is not named */
	fill(&e, "x", 3, "", BPF_MAP_UPDATE_ELEM, WB_ACT_APPROVED);
	e.loader_id = 9;
	event_format_text(&e, &fc, line, sizeof(line));
	CHECK_STR(line, "process: x pid: 3 pod: host op: update action: Approved");
	names_free(&n);
	btf__free(btf);
}

TEST(format_hostile_strings)
{
	struct btf *btf = fake_vmlinux();
	struct wbpf_event e;
	struct wb_fmt_ctx fc;
	struct wb_names n;
	char line[512], small[24];
	int len;

	names_init(&n, btf);
	fc = ctx_of(&n);
	/* a comm with spaces and a newline must not forge fields or lines */
	fill(&e, "a b\nc", 5, "p q", BPF_PROG_LOAD, WB_ACT_DENIED_TASK);
	event_format_text(&e, &fc, line, sizeof(line));
	CHECK_STR(line, "process: a?b?c pid: 5 pod: p?q op: load action: BPFDenied");

	/* full-length, unterminated kernel strings stay in bounds */
	fill(&e, "", 6, "", BPF_PROG_LOAD, WB_ACT_DENIED_TASK);
	memset(e.comm, 'c', sizeof(e.comm));
	memset(e.name, 'n', sizeof(e.name));
	memset(e.pod, 'p', sizeof(e.pod));
	e.has_obj = WB_OBJ_PROG;
	len = event_format_text(&e, &fc, line, sizeof(line));
	CHECK_INT(len, ==, (long long)strlen(line));
	CHECK(strstr(line, "process: cccccccccccccccc pid:") != NULL, "%s", line);

	/* truncation: never overruns, reports the full length */
	len = event_format_text(&e, &fc, small, sizeof(small));
	CHECK_INT(strlen(small), ==, sizeof(small) - 1);
	CHECK_INT(len, ==, (long long)strlen(line));
	names_free(&n);
	btf__free(btf);
}

TEST(format_reasons_and_actions)
{
	struct btf *btf = fake_vmlinux();
	struct wbpf_event e;
	struct wb_fmt_ctx fc;
	struct wb_names n;
	char line[1024];

	names_init(&n, btf);
	fc = ctx_of(&n);
	strcpy(cfg.grants[1], "ProgRestricted,MapsReadOnly");

	/* a loader's exec says what it got */
	fill(&e, "alice", 10, "", WB_OP_EXEC, WB_ACT_APPROVED);
	e.loader_id = 1;
	event_format_text(&e, &fc, line, sizeof(line));
	CHECK_STR(line,
		  "process: alice pid: 10 pod: host op: exec action: ProgRestricted,MapsReadOnly "
		  "loader: alice");

	/* helper names come from the kernel's enum bpf_func_id */
	fill(&e, "alice", 11, "", BPF_PROG_LOAD, WB_ACT_DENIED);
	e.loader_id = 1;
	e.reason = WB_R_HELPER;
	e.detail = 36;
	e.has_obj = WB_OBJ_PROG;
	e.obj_type = BPF_PROG_TYPE_KPROBE;
	strcpy(e.name, "probe");
	event_format_text(&e, &fc, line, sizeof(line));
	CHECK_STR(line, "process: alice pid: 11 pod: host op: load type: kprobe name: probe "
			"action: Denied reason: helper:probe_write_user loader: alice");
	e.reason = WB_R_KERNEL_READ;
	e.detail = 999;
	e.flags = WB_EV_KILLED;
	event_format_text(&e, &fc, line, sizeof(line));
	CHECK_STR(line, "process: alice pid: 11 pod: host op: load type: kprobe name: probe "
			"action: Denied,Killed reason: kernel-read:helper_999 loader: alice");
	e.flags = 0;
	e.reason = WB_R_MAX_INSNS;
	e.detail = 1001;
	event_format_text(&e, &fc, line, sizeof(line));
	CHECK(strstr(line, " reason: max-insns:1001 ") != NULL, "%s", line);

	/* taint names the file and why */
	fill(&e, "alice", 12, "", WB_OP_OPEN, WB_ACT_TAINTED);
	e.loader_id = 1;
	e.reason = WB_R_NOT_VERITY;
	strcpy(e.path, "/usr/lib/alice/x.o");
	e.flags = WB_EV_PATH;
	event_format_text(&e, &fc, line, sizeof(line));
	CHECK_STR(line, "process: alice pid: 12 pod: host op: open action: Tainted "
			"reason: collateral:/usr/lib/alice/x.o check: not-verity loader: alice");

	/* map decisions */
	fill(&e, "bob", 13, "", BPF_OBJ_GET, WB_ACT_DENIED);
	e.loader_id = 2;
	e.reason = WB_R_MAP_RO;
	e.has_obj = WB_OBJ_MAP;
	e.obj_type = BPF_MAP_TYPE_HASH;
	strcpy(e.name, "ct_map_tcp4");
	event_format_text(&e, &fc, line, sizeof(line));
	CHECK(strstr(line,
		     "type: hash name: ct_map_tcp4 action: Denied reason: map:ro loader: bob") !=
		      NULL,
	      "%s", line);
	memset(cfg.grants[1], 0, sizeof(cfg.grants[1]));
	names_free(&n);
	btf__free(btf);
}

/* Every op has its own row of counters. */
TEST(op_index_rows_distinct)
{
	static const unsigned int special[] = {
		WB_OP_EXEC,	  WB_OP_OPEN,	 WB_OP_MAP_FD,	 WB_OP_PROG_FD, WB_OP_PERF_IOCTL,
		WB_OP_FD_RECEIVE, WB_OP_SIGNAL,	 WB_OP_PTRACE,	 WB_OP_TASK_SET, WB_OP_WRITE,
		WB_OP_MODULE,	  WB_OP_KEXEC,	 WB_OP_KERNEL_MEM, WB_OP_PINS, WB_OP_MMAP, WB_OP_MPROTECT,
		WB_OP_ADOPT,	  WB_OP_TOKEN_CMD, WB_OP_TOKEN_CAPABLE
	};
	unsigned int seen[WB_NR_OPS] = {};

	for (unsigned int op = 0; op < 64; op++)
		seen[wb_op_index(op)]++;
	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
		CHECK_INT(wb_op_index(special[i]), <, WB_NR_OPS);
		seen[wb_op_index(special[i]) % WB_NR_OPS]++;
	}
	for (int i = 0; i < WB_NR_OPS; i++)
		CHECK(seen[i] == 1, "row %d used %u times", i, seen[i]);
}

/* A decision of LOADER (0: none) for REASON, as the text line shows it. */
static const char *line_of(struct wbpf_event *e, const struct wb_fmt_ctx *fc, unsigned int loader,
			   unsigned int reason, unsigned int prog_type)
{
	static char line[1024];

	e->loader_id = loader;
	e->reason = reason;
	if (prog_type) {
		e->has_obj = WB_OBJ_PROG;
		e->obj_type = prog_type;
	}
	event_format_text(e, fc, line, sizeof(line));
	return line;
}

/* What the probe door and its guards, and unnamed maps, say in the log. */
TEST(format_probe_decisions)
{
	struct btf *btf = fake_vmlinux();
	struct wbpf_event e;
	struct wb_fmt_ctx fc;
	struct wb_names n;

	names_init(&n, btf);
	fc = ctx_of(&n);

	fill(&e, "alice", 20, "", BPF_LINK_CREATE, WB_ACT_DENIED);
	CHECK_STR(line_of(&e, &fc, 1, WB_R_PROBE_HELD, 0),
		  "process: alice pid: 20 pod: host op: cmd_28 action: Denied "
		  "reason: probe-held loader: alice");
	fill(&e, "alice", 21, "", WB_OP_PERF_IOCTL, WB_ACT_DENIED);
	CHECK_STR(line_of(&e, &fc, 1, WB_R_PROBE_HELD, 0),
		  "process: alice pid: 21 pod: host op: perf_ioctl action: Denied "
		  "reason: probe-held loader: alice");
	fill(&e, "sshd", 22, "", WB_OP_FD_RECEIVE, WB_ACT_DENIED);
	CHECK_STR(line_of(&e, &fc, 0, WB_R_PROBE_FD, BPF_PROG_TYPE_CGROUP_SKB),
		  "process: sshd pid: 22 pod: host op: fd_receive type: cgroup_skb "
		  "action: Denied reason: probe-fd");
	/* an unnamed map: no name field, and the reason says why */
	fill(&e, "bob", 23, "", BPF_MAP_CREATE, WB_ACT_DENIED);
	e.has_obj = WB_OBJ_MAP;
	e.obj_type = BPF_MAP_TYPE_HASH;
	CHECK_STR(line_of(&e, &fc, 2, WB_R_MAP_UNNAMED, 0),
		  "process: bob pid: 23 pod: host op: map_create type: hash action: Denied "
		  "reason: map:unnamed loader: bob");
	names_free(&n);
	btf__free(btf);
}

/* What others tried on the daemon, and on the kernel under it. */
TEST(format_self_and_kernel_decisions)
{
	struct btf *btf = fake_vmlinux();
	struct wbpf_event e;
	struct wb_fmt_ctx fc;
	struct wb_names n;
	char buf[16];

	names_init(&n, btf);
	fc = ctx_of(&n);
	CHECK_STR(op_name(&n, WB_OP_SIGNAL, buf, sizeof(buf)), "signal");
	CHECK_STR(op_name(&n, WB_OP_KERNEL_MEM, buf, sizeof(buf)), "kernel_mem");

	fill(&e, "eve", 30, "", WB_OP_SIGNAL, WB_ACT_DENIED);
	e.detail = 9;
	CHECK_STR(line_of(&e, &fc, 0, WB_R_SELF, 0),
		  "process: eve pid: 30 pod: host op: signal action: Denied "
		  "reason: watchbpf-own:SIGKILL");
	e.detail = 99; /* no such signal: its number */
	CHECK_STR(line_of(&e, &fc, 2, WB_R_SELF, 0),
		  "process: eve pid: 30 pod: host op: signal action: Denied "
		  "reason: watchbpf-own:signal_99 loader: bob");
	fill(&e, "eve", 31, "", WB_OP_PTRACE, WB_ACT_DENIED);
	CHECK_STR(line_of(&e, &fc, 0, WB_R_SELF, 0),
		  "process: eve pid: 31 pod: host op: ptrace action: Denied reason: watchbpf-own:ptrace");
	fill(&e, "eve", 32, "", WB_OP_TASK_SET, WB_ACT_DENIED);
	e.detail = WB_SET_RLIMIT;
	CHECK_STR(line_of(&e, &fc, 0, WB_R_SELF, 0),
		  "process: eve pid: 32 pod: host op: task_set action: Denied "
		  "reason: watchbpf-own:rlimit");
	/* a path with a space cannot forge a field */
	fill(&e, "eve", 33, "", WB_OP_WRITE, WB_ACT_DENIED);
	e.flags = WB_EV_PATH;
	strcpy(e.path, "/sys/fs/cgroup/a b/cgroup.kill");
	CHECK_STR(line_of(&e, &fc, 0, WB_R_SELF, 0),
		  "process: eve pid: 33 pod: host op: write action: Denied "
		  "reason: watchbpf-own:/sys/fs/cgroup/a?b/cgroup.kill");

	fill(&e, "eve", 37, "", WB_OP_PINS, WB_ACT_DENIED);
	e.detail = WB_PIN_UMOUNT;
	CHECK_STR(line_of(&e, &fc, 0, WB_R_SELF, 0),
		  "process: eve pid: 37 pod: host op: pins action: Denied "
		  "reason: watchbpf-own:pins:umount");
	fill(&e, "eve", 34, "", WB_OP_MODULE, WB_ACT_DENIED);
	e.detail = 1;
	e.flags = WB_EV_PATH;
	strcpy(e.path, "fs-xfs");
	CHECK_STR(line_of(&e, &fc, 0, WB_R_MODULES, 0),
		  "process: eve pid: 34 pod: host op: module action: Denied "
		  "reason: kernel-modules:request:fs-xfs");
	fill(&e, "eve", 35, "", WB_OP_KEXEC, WB_ACT_DENIED);
	e.detail = 2;
	CHECK_STR(line_of(&e, &fc, 0, WB_R_KEXEC, 0),
		  "process: eve pid: 35 pod: host op: kexec action: Denied reason: kernel-kexec:memory");
	fill(&e, "eve", 36, "", WB_OP_KERNEL_MEM, WB_ACT_DENIED);
	e.detail = 2;
	e.flags = WB_EV_AUDIT;
	CHECK_STR(line_of(&e, &fc, 0, WB_R_KERNEL_MEM, 0),
		  "process: eve pid: 36 pod: host op: kernel_mem action: Denied audit "
		  "reason: kernel-memory:dev_mem");
	e.detail = 40; /* unknown to this BTF */
	CHECK_STR(line_of(&e, &fc, 0, WB_R_KERNEL_MEM, 0),
		  "process: eve pid: 36 pod: host op: kernel_mem action: Denied audit "
		  "reason: kernel-memory:lockdown_40");
	names_free(&n);
	btf__free(btf);
}
