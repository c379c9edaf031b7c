// SPDX-License-Identifier: GPL-2.0
/*
 * A minimal BPF loader for the end-to-end tests, with raw bpf() calls so the
 * test needs no libbpf. alice.c and bob.c build it under two names (two
 * binaries, two digests). Every operation prints "NAME: OP: ok" or
 * "NAME: OP: <strerror>"; the exit status is 0 only when all worked.
 *
 *   (none)            create an array map and load an XDP program from_netdev
 *   thread | fork     the same from a second thread / a forked child
 *   exec PATH ARGS    exec PATH (the mark must be replaced by PATH's)
 *   prog TYPE [ID [NAME]]  load a TYPE program (named probe) calling helper ID
 *   big TYPE N [ID]   load an N-instruction program ending in a call to ID
 *   random            load an XDP program generated at random (dynamic code)
 *   name NAME         load an XDP program called NAME
 *   pin PATH          create hash map ct_map_tcp4 {0: 42} and pin it at PATH
 *   read PATH         read-only fd of the pinned map, lookup of key 0
 *   update PATH       read-only fd, then an update through it
 *   getrw PATH        read-write fd of the pinned map, and an update through it
 *   open FILE         open and read FILE (collateral), then the default
 *   hold SECONDS      sleep, then the default (a long-running loader)
 *   pinprog PATH      load an XDP program and pin it at PATH
 *   getprog PATH      an fd of the program pinned at PATH
 *   rename NAME       prctl(PR_SET_NAME, NAME), then the default
 *   execfd PATH ARGS  execveat() of an fd of PATH
 *   timeload N REPS   median ns to load an N-instruction XDP program
 *   probe TYPE EAT WHAT  a feature probe as libbpf makes them (r0 = 0; exit)
 *                     of TYPE and attach type EAT (a number), then WHAT:
 *                     hold, cgattach, cglink, nolink, perflink, perf, send, fork,
 *                     xdp (attach a real XDP program to lo while holding
 *                     the probe, and again after closing it), pin PATH
 *   probemap KIND     libbpf's global-data probe: a socket filter storing
 *                     into a map; KIND probe (an array of one element, as
 *                     libbpf's) or rule (alice_map, which a rule grants)
 *   probehelper ID [TYPE]  a 6-instruction socket filter (or TYPE) calling
 *                     helper ID(r1 = stack, r2 = 8, r3 = 0), as libbpf's
 *   probebig          an inert socket filter of 17 instructions
 *   unnamed           create a map without a name
 *   getfd PID FD      pidfd_getfd() of PID's fd FD
 *   proberace N       N rounds: a thread loads and closes probes while the
 *                     main thread loads one and, once the other is done,
 *                     attaches it to the root cgroup (two threads must not
 *                     share a probe slot)
 *   and the runtime-integrity actions of runtime.c, the adoption actions of
 *   running.c and the signed-program actions of signed.c
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef LOADER_NAME
#define LOADER_NAME "loader"
#endif

/* The imposter is alice with one byte of this tag changed (stage.sh). */
const char build_tag[] = LOADER_NAME "-BUILD-TAG-0";

static int failed;

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int report(const char *op, int ret)
{
	if (ret < 0) {
		printf("%s: %s: %s\n", LOADER_NAME, op, strerror(errno));
		failed = 1;
	} else {
		printf("%s: %s: ok\n", LOADER_NAME, op);
	}
	fflush(stdout);
	return ret;
}

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV_IMM(r, v) INSN(BPF_ALU64 | BPF_MOV | BPF_K, r, 0, 0, v)
#define ADD_IMM(r, v) INSN(BPF_ALU64 | BPF_ADD | BPF_K, r, 0, 0, v)
#define CALL(id) INSN(BPF_JMP | BPF_CALL, 0, 0, 0, id)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static int load_eat(int type, int eat, const char *name, const struct bpf_insn *insns,
		    unsigned int n)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.expected_attach_type = eat;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = n;
	attr.license = (unsigned long)"GPL";
	strncpy(attr.prog_name, name, sizeof(attr.prog_name) - 1);
	return sys_bpf(BPF_PROG_LOAD, &attr);
}

static int load(int type, const char *name, const struct bpf_insn *insns, unsigned int n)
{
	return load_eat(type, 0, name, insns, n);
}

static int create_map_n(int type, const char *name, unsigned int vsize, unsigned int entries)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = 4;
	attr.value_size = vsize;
	attr.max_entries = entries;
	strncpy(attr.map_name, name, sizeof(attr.map_name) - 1);
	return sys_bpf(BPF_MAP_CREATE, &attr);
}

static int create_map(int type, const char *name, unsigned int vsize)
{
	return create_map_n(type, name, vsize, 16);
}

static int obj_get(const char *path, unsigned int flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = (unsigned long)path;
	attr.file_flags = flags;
	return sys_bpf(BPF_OBJ_GET, &attr);
}

static int map_elem(int cmd, int fd, unsigned int key, unsigned long long *value)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = (unsigned long)&key;
	attr.value = (unsigned long)value;
	return sys_bpf(cmd, &attr);
}

static void close_ok(int fd)
{
	if (fd >= 0)
		close(fd);
}

static void *work(void *arg)
{
	struct bpf_insn insns[] = { MOV_IMM(0, XDP_PASS), EXIT() };

	(void)arg;
	close_ok(report("map_create", create_map(BPF_MAP_TYPE_ARRAY, "alice_map", 8)));
	close_ok(report("prog_load", load(BPF_PROG_TYPE_XDP, "from_netdev", insns, 2)));
	return NULL;
}

static int prog_type(const char *s)
{
	static const struct {
		const char *name;
		int type;
	} types[] = {
		{ "socket_filter", BPF_PROG_TYPE_SOCKET_FILTER },
		{ "kprobe", BPF_PROG_TYPE_KPROBE },
		{ "sched_cls", BPF_PROG_TYPE_SCHED_CLS },
		{ "tracepoint", BPF_PROG_TYPE_TRACEPOINT },
		{ "xdp", BPF_PROG_TYPE_XDP },
		{ "cgroup_skb", BPF_PROG_TYPE_CGROUP_SKB },
		{ "cgroup_sock", BPF_PROG_TYPE_CGROUP_SOCK },
		{ "raw_tracepoint", BPF_PROG_TYPE_RAW_TRACEPOINT },
		{ "sk_reuseport", BPF_PROG_TYPE_SK_REUSEPORT },
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(s, types[i].name))
			return types[i].type;
	fprintf(stderr, "unknown program type %s\n", s);
	exit(2);
}

/* r1..r3 = 0, call ID (if any), r0 = 0, exit: the verifier never sees a
 * call we deny, so its arguments need not make sense. Never fewer than 24
 * instructions: more than a feature probe has, so the probe door
 * (bpf/probe.bpf.h) never lets these through; `probe` tests the door. */
static int load_calling(int type, const char *name, int helper, unsigned int n)
{
	struct bpf_insn *insns;
	unsigned int i = 0;
	int fd;

	if (n < 24)
		n = 24;
	insns = calloc(n, sizeof(*insns));
	if (!insns)
		return -1;
	while (i < n - 3)
		insns[i++] = MOV_IMM(0, 0);
	insns[i++] = helper ? CALL(helper) : MOV_IMM(1, 0);
	insns[i++] = MOV_IMM(0, 0);
	insns[i++] = EXIT();
	fd = load(type, name, insns, n);
	free(insns);
	return fd;
}

/* Dynamic Alice: a different, valid program every run. */
static int load_random(void)
{
	struct bpf_insn insns[64];
	unsigned int n, i = 0;

	srand(time(NULL) ^ getpid());
	n = 8 + rand() % 48;
	insns[i++] = MOV_IMM(0, rand());
	while (i < n - 2)
		insns[i++] = rand() % 2 ? ADD_IMM(0, rand()) : MOV_IMM(2, rand());
	insns[i++] = MOV_IMM(0, XDP_PASS);
	insns[i++] = EXIT();
	printf("%s: random program of %u instructions\n", LOADER_NAME, n);
	return load(BPF_PROG_TYPE_XDP, "dyn_filter", insns, n);
}

static int cgroup_fd(void)
{
	return open("/sys/fs/cgroup", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int attach_cmd(int cmd, int prog, int target, int type)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	if (cmd == BPF_PROG_ATTACH) {
		attr.target_fd = target;
		attr.attach_bpf_fd = prog;
		attr.attach_type = type;
	} else {
		attr.link_create.prog_fd = prog;
		attr.link_create.target_fd = target;
		attr.link_create.attach_type = type;
	}
	return sys_bpf(cmd, &attr);
}

/* A real XDP program linked to lo (ifindex 1); the link is closed again. */
static int xdp_link(const char *op)
{
	struct bpf_insn insns[] = { MOV_IMM(0, XDP_PASS), EXIT() };
	int prog = load(BPF_PROG_TYPE_XDP, "from_netdev", insns, 2), link;

	if (prog < 0)
		return report("prog_load", prog);
	link = report(op, attach_cmd(BPF_LINK_CREATE, prog, 1, BPF_XDP));
	close_ok(link);
	close(prog);
	return link;
}

/* perf_event_open of the sched_process_exec tracepoint, and
 * PERF_EVENT_IOC_SET_BPF of PROG on it. */
static void perf_attach(int prog)
{
	struct perf_event_attr pa;
	char buf[32] = "";
	int fd, id;

	fd = open("/sys/kernel/tracing/events/sched/sched_process_exec/id", O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0) {
		report("tracepoint id", -1);
		close_ok(fd);
		return;
	}
	close(fd);
	id = atoi(buf);
	memset(&pa, 0, sizeof(pa));
	pa.type = PERF_TYPE_TRACEPOINT;
	pa.size = sizeof(pa);
	pa.config = id;
	pa.sample_period = 1;
	fd = report("perf_event_open", syscall(SYS_perf_event_open, &pa, -1, 0, -1, 0));
	if (fd < 0)
		return;
	report("set_bpf", ioctl(fd, PERF_EVENT_IOC_SET_BPF, prog));
	close(fd);
}

/* PROG over a unix socket to a child: does the child get it? */
static void send_fd(int prog)
{
	char data = 'p', cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &data, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	int sv[2], status;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) || (pid = fork()) < 0) {
		report("socketpair", -1);
		return;
	}
	if (pid == 0) {
		memset(cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		if (recvmsg(sv[1], &msg, 0) < 0)
			_exit(report("recvmsg", -1) < 0);
		cm = CMSG_FIRSTHDR(&msg);
		if (!cm || cm->cmsg_type != SCM_RIGHTS) {
			errno = EPERM; /* the kernel drops an fd the LSM refuses */
			report("receive", -1);
			_exit(1);
		}
		report("receive", 0);
		_exit(0);
	}
	memset(cbuf, 0, sizeof(cbuf));
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &prog, sizeof(int));
	report("sendmsg", sendmsg(sv[0], &msg, 0));
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		failed = 1;
}

static void probe(int type, int eat, const char *what, const char *arg)
{
	struct bpf_insn insns[] = { MOV_IMM(0, 0), EXIT() };
	int fd = report("probe_load", load_eat(type, eat, "", insns, 2)), cg;
	union bpf_attr attr;

	if (fd < 0)
		return;
	if (!strcmp(what, "cgattach") || !strcmp(what, "cglink")) {
		cg = cgroup_fd();
		if (!strcmp(what, "cgattach"))
			report("prog_attach", attach_cmd(BPF_PROG_ATTACH, fd, cg, eat));
		else
			close_ok(report("link_create", attach_cmd(BPF_LINK_CREATE, fd, cg, eat)));
		close_ok(cg);
	} else if (!strcmp(what, "nolink")) {
		/* cilium/ebpf's probe: a link of program fd -1 must fail with EBADF */
		report("no_link", attach_cmd(BPF_LINK_CREATE, -1, -1, 0));
	} else if (!strcmp(what, "perflink")) {
		/* libbpf's probe: a perf link to fd -1 must fail with EBADF */
		report("perf_link", attach_cmd(BPF_LINK_CREATE, fd, -1, BPF_PERF_EVENT));
	} else if (!strcmp(what, "perf")) {
		perf_attach(fd);
	} else if (!strcmp(what, "send")) {
		send_fd(fd);
	} else if (!strcmp(what, "fork")) {
		int status;
		pid_t pid = fork();

		if (pid == 0) {
			cg = cgroup_fd();
			report("child_prog_attach", attach_cmd(BPF_PROG_ATTACH, fd, cg, eat));
			_exit(failed);
		}
		if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			failed = 1;
	} else if (!strcmp(what, "xdp")) {
		close_ok(xdp_link("xdp_link_holding"));
		close(fd);
		fd = -1;
		xdp_link("xdp_link_after");
	} else if (!strcmp(what, "pin")) {
		memset(&attr, 0, sizeof(attr));
		attr.pathname = (unsigned long)arg;
		attr.bpf_fd = fd;
		report("pin", sys_bpf(BPF_OBJ_PIN, &attr));
	}
	close_ok(fd);
}

static volatile int race_stop;

static void *probe_churn(void *arg)
{
	struct bpf_insn insns[] = { MOV_IMM(0, 0), EXIT() };

	(void)arg;
	while (!race_stop)
		close_ok(load_eat(BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, "", insns,
				  2));
	return NULL;
}

/* Rounds in which a probe got attached: there must be none. */
static void probe_race(int rounds)
{
	struct bpf_insn insns[] = { MOV_IMM(0, 0), EXIT() };
	int attached = 0, cg = cgroup_fd();

	for (int i = 0; i < rounds; i++) {
		pthread_t t;
		int fd;

		race_stop = 0;
		if (pthread_create(&t, NULL, probe_churn, NULL))
			break;
		fd = load_eat(BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, "", insns, 2);
		race_stop = 1;
		pthread_join(t, NULL);
		if (fd >= 0 && !attach_cmd(BPF_PROG_ATTACH, fd, cg, BPF_CGROUP_INET_SOCK_CREATE)) {
			union bpf_attr attr;

			attached++; /* undone, or the cgroup creates no socket */
			memset(&attr, 0, sizeof(attr));
			attr.target_fd = cg;
			attr.attach_bpf_fd = fd;
			attr.attach_type = BPF_CGROUP_INET_SOCK_CREATE;
			sys_bpf(BPF_PROG_DETACH, &attr);
		}
		close_ok(fd);
	}
	close_ok(cg);
	printf("%s: probes attached in %d of %d rounds\n", LOADER_NAME, attached, rounds);
	if (attached)
		failed = 1;
}

/* libbpf's global-data probe: *(u64 *)(map value + 16) = 42 */
static void probe_map(const char *kind)
{
	struct bpf_insn insns[] = {
		INSN(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_VALUE, 0, 0),
		INSN(0, 0, 0, 0, 16),
		INSN(BPF_ST | BPF_MEM | BPF_DW, 1, 0, 0, 42),
		MOV_IMM(0, 0),
		EXIT(),
	};
	int map;

	if (!strcmp(kind, "probe"))
		map = create_map_n(BPF_MAP_TYPE_ARRAY, "libbpf_global", 32, 1);
	else
		map = create_map(BPF_MAP_TYPE_ARRAY, "alice_map", 32);
	if (report("map_create", map) < 0)
		return;
	insns[0].imm = map;
	close_ok(report("probe_load", load(BPF_PROG_TYPE_SOCKET_FILTER, "", insns, 5)));
	close(map);
}

/* make bench: the median cost of one bpf(MAP_LOOKUP_ELEM) of a map of its
 * own over 21 batches of N/21, each a decision of the bpf hook. */
static int time_map(unsigned long n)
{
	unsigned long long t[21], v;
	int fd = create_map(BPF_MAP_TYPE_ARRAY, "bench", 8);

	if (fd < 0)
		return report("map_create", fd), 1;
	n = n / 21 ?: 1;
	for (int b = 0; b < 21; b++) {
		struct timespec a, z;

		clock_gettime(CLOCK_MONOTONIC, &a);
		for (unsigned long i = 0; i < n; i++)
			if (map_elem(BPF_MAP_LOOKUP_ELEM, fd, 0, &v))
				return report("map_lookup", -1), 1;
		clock_gettime(CLOCK_MONOTONIC, &z);
		t[b] = ((z.tv_sec - a.tv_sec) * 1000000000ULL + z.tv_nsec - a.tv_nsec) / n;
		for (int j = b; j > 0 && t[j] < t[j - 1]; j--) { /* insertion sort */
			v = t[j];
			t[j] = t[j - 1];
			t[j - 1] = v;
		}
	}
	close(fd);
	printf("%llu\n", t[10]);
	return 0;
}

#include "runtime.c"
#include "running.c"
#include "signed.c"
#include "kfuncs.c"

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : "";
	unsigned long long v = 0;
	int fd;

	printf("%s: pid %d tag %s\n", LOADER_NAME, getpid(), build_tag);
	fflush(stdout);
	fd = runtime_action(how, argc, argv);
	if (!fd)
		fd = running_action(how, argc, argv);
	if (!fd)
		fd = signed_action(how, argc, argv);
	if (!fd)
		fd = kfunc_action(how, argc, argv);
	if (fd >= 2)
		return fd - 2;
	if (fd == 1) {
		work(NULL);
	} else if (!strcmp(how, "exec") && argc > 2) {
		execv(argv[2], argv + 2);
		report("exec", -1);
		return 2;
	} else if (!strcmp(how, "thread")) {
		pthread_t t;

		if (pthread_create(&t, NULL, work, NULL) || pthread_join(t, NULL))
			return 2;
	} else if (!strcmp(how, "fork")) {
		int status;
		pid_t pid = fork();

		if (pid < 0)
			return 2;
		if (pid == 0) {
			work(NULL);
			_exit(failed);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
			return 2;
		return WEXITSTATUS(status);
	} else if (!strcmp(how, "prog") && argc > 2) {
		close_ok(report("prog_load",
				load_calling(prog_type(arg), argc > 4 ? argv[4] : "probe",
					     argc > 3 ? atoi(argv[3]) : 0, 6)));
	} else if (!strcmp(how, "big") && argc > 3) {
		close_ok(report("prog_load",
				load_calling(prog_type(arg), "big", argc > 4 ? atoi(argv[4]) : 0,
					     strtoul(argv[3], NULL, 0))));
	} else if (!strcmp(how, "random")) {
		close_ok(report("prog_load", load_random()));
	} else if (!strcmp(how, "name") && argc > 2) {
		struct bpf_insn insns[] = { MOV_IMM(0, XDP_PASS), EXIT() };

		close_ok(report("prog_load", load(BPF_PROG_TYPE_XDP, arg, insns, 2)));
	} else if (!strcmp(how, "pin") && argc > 2) {
		union bpf_attr attr;

		fd = report("map_create", create_map(BPF_MAP_TYPE_HASH, "ct_map_tcp4", 8));
		if (fd >= 0) {
			v = 42;
			report("update", map_elem(BPF_MAP_UPDATE_ELEM, fd, 0, &v));
			memset(&attr, 0, sizeof(attr));
			attr.pathname = (unsigned long)arg;
			attr.bpf_fd = fd;
			report("pin", sys_bpf(BPF_OBJ_PIN, &attr));
			close(fd);
		}
	} else if (!strcmp(how, "read") && argc > 2) {
		fd = report("obj_get_ro", obj_get(arg, BPF_F_RDONLY));
		if (fd >= 0 && report("lookup", map_elem(BPF_MAP_LOOKUP_ELEM, fd, 0, &v)) >= 0)
			printf("%s: value %llu\n", LOADER_NAME, v);
		close_ok(fd);
	} else if (!strcmp(how, "update") && argc > 2) {
		fd = report("obj_get_ro", obj_get(arg, BPF_F_RDONLY));
		v = 7;
		if (fd >= 0)
			report("update", map_elem(BPF_MAP_UPDATE_ELEM, fd, 0, &v));
		close_ok(fd);
	} else if (!strcmp(how, "getrw") && argc > 2) {
		fd = report("obj_get_rw", obj_get(arg, 0));
		v = 7;
		if (fd >= 0)
			report("update", map_elem(BPF_MAP_UPDATE_ELEM, fd, 0, &v));
		close_ok(fd);
	} else if (!strcmp(how, "open") && argc > 2) {
		char buf[64];
		int ffd = open(arg, O_RDONLY);

		if (report("open", ffd) >= 0) {
			report("read", read(ffd, buf, sizeof(buf)));
			close(ffd);
		}
		work(NULL);
	} else if (!strcmp(how, "pinprog") && argc > 2) {
		struct bpf_insn insns[] = { MOV_IMM(0, XDP_PASS), EXIT() };
		union bpf_attr attr;

		fd = report("prog_load", load(BPF_PROG_TYPE_XDP, "from_netdev", insns, 2));
		if (fd >= 0) {
			memset(&attr, 0, sizeof(attr));
			attr.pathname = (unsigned long)arg;
			attr.bpf_fd = fd;
			report("pin", sys_bpf(BPF_OBJ_PIN, &attr));
			close(fd);
		}
	} else if (!strcmp(how, "getprog") && argc > 2) {
		close_ok(report("obj_get_prog", obj_get(arg, 0)));
	} else if (!strcmp(how, "rename") && argc > 2) {
		prctl(PR_SET_NAME, arg);
		work(NULL);
	} else if (!strcmp(how, "execfd") && argc > 2) {
		fd = report("open", open(arg, O_RDONLY | O_CLOEXEC));
		if (fd >= 0)
			syscall(SYS_execveat, fd, "", argv + 2, NULL, AT_EMPTY_PATH);
		report("execveat", -1);
		return 2;
	} else if (!strcmp(how, "timeload") && argc > 3) {
		unsigned long long t[64];
		int reps = atoi(argv[3]);

		if (reps < 1 || reps > 64)
			return 2;
		for (int i = 0; i < reps; i++) {
			struct timespec a, b;

			clock_gettime(CLOCK_MONOTONIC, &a);
			fd = load_calling(BPF_PROG_TYPE_XDP, "timed", 0, strtoul(arg, NULL, 0));
			clock_gettime(CLOCK_MONOTONIC, &b);
			if (fd < 0)
				return report("prog_load", fd), 1;
			close(fd);
			t[i] = (b.tv_sec - a.tv_sec) * 1000000000ULL + b.tv_nsec - a.tv_nsec;
		}
		for (int i = 1; i < reps; i++) /* insertion sort: reps is small */
			for (int j = i; j > 0 && t[j] < t[j - 1]; j--) {
				unsigned long long x = t[j];

				t[j] = t[j - 1];
				t[j - 1] = x;
			}
		printf("%llu\n", t[reps / 2]);
		return 0;
	} else if (!strcmp(how, "timemap") && argc > 2) {
		return time_map(strtoul(arg, NULL, 0));
	} else if (!strcmp(how, "probe") && argc > 4) {
		probe(prog_type(arg), atoi(argv[3]), argv[4], argc > 5 ? argv[5] : "");
	} else if (!strcmp(how, "probemap") && argc > 2) {
		probe_map(arg);
	} else if (!strcmp(how, "probehelper") && argc > 2) {
		/* libbpf's probe_read_kernel probe: read 8 bytes at 0 to the stack */
		struct bpf_insn insns[] = {
			INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 10, 0, 0), ADD_IMM(1, -8),
			MOV_IMM(2, 8), MOV_IMM(3, 0), CALL(atoi(arg)), EXIT(),
		};
		int type = argc > 3 ? prog_type(argv[3]) : BPF_PROG_TYPE_SOCKET_FILTER;

		close_ok(report("probe_load", load(type, "", insns, 6)));
	} else if (!strcmp(how, "probebig")) {
		struct bpf_insn insns[17];

		for (int i = 0; i < 16; i++)
			insns[i] = MOV_IMM(0, 0);
		insns[16] = EXIT();
		close_ok(report("probe_load", load(BPF_PROG_TYPE_SOCKET_FILTER, "", insns, 17)));
	} else if (!strcmp(how, "getfd") && argc > 3) {
		int pidfd = report("pidfd_open", syscall(SYS_pidfd_open, atoi(arg), 0));

		if (pidfd >= 0) {
			close_ok(report("pidfd_getfd",
					syscall(SYS_pidfd_getfd, pidfd, atoi(argv[3]), 0)));
			close(pidfd);
		}
	} else if (!strcmp(how, "proberace") && argc > 2) {
		probe_race(atoi(arg));
	} else if (!strcmp(how, "unnamed")) {
		close_ok(report("map_create", create_map(BPF_MAP_TYPE_HASH, "", 8)));
	} else if (!strcmp(how, "hold") && argc > 2) {
		sleep(atoi(arg));
		work(NULL);
	} else {
		work(NULL);
	}
	return failed;
}
