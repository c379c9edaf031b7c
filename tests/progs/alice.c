// SPDX-License-Identifier: GPL-2.0
/*
 * Alice, a minimal BPF loader for the end-to-end tests: creates an array map
 * and loads an XDP program named from_netdev with raw bpf() calls, so the
 * test needs no libbpf and no object file. Exit status 0 only when both
 * worked.
 *   alice            in this thread
 *   alice thread     from a second thread (the mark must follow threads)
 *   alice fork       from a forked child (and children)
 *   alice exec P...  exec P (the mark must be replaced by P's)
 */
#include <errno.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The imposter is this binary with one byte of the tag changed (stage.sh). */
const char build_tag[] = "ALICE-BUILD-TAG-0";

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int create_map(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = 1;
	strcpy(attr.map_name, "alice_map");
	return sys_bpf(BPF_MAP_CREATE, &attr);
}

static int load_prog(void)
{
	struct bpf_insn insns[] = {
		/* r0 = XDP_PASS; exit */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_XDP;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	attr.license = (unsigned long)"GPL";
	strcpy(attr.prog_name, "from_netdev");
	return sys_bpf(BPF_PROG_LOAD, &attr);
}

static void *work(void *arg)
{
	long failed = 0;
	int fd;

	(void)arg;
	fd = create_map();
	if (fd < 0) {
		printf("alice: map_create: %s\n", strerror(errno));
		failed = 1;
	} else {
		printf("alice: map_create ok\n");
		close(fd);
	}
	fd = load_prog();
	if (fd < 0) {
		printf("alice: prog_load: %s\n", strerror(errno));
		failed = 1;
	} else {
		printf("alice: prog_load ok\n");
		close(fd);
	}
	fflush(stdout);
	return (void *)failed;
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "";
	void *ret = NULL;

	printf("alice: pid %d tag %s\n", getpid(), build_tag);
	fflush(stdout);
	if (!strcmp(how, "exec") && argc > 2) {
		execv(argv[2], argv + 2);
		printf("alice: exec %s: %s\n", argv[2], strerror(errno));
		return 2;
	}
	if (!strcmp(how, "thread")) {
		pthread_t t;

		if (pthread_create(&t, NULL, work, NULL) || pthread_join(t, &ret))
			return 2;
	} else if (!strcmp(how, "fork")) {
		int status;
		pid_t pid = fork();

		if (pid < 0)
			return 2;
		if (pid == 0)
			_exit(work(NULL) ? 1 : 0);
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
			return 2;
		return WEXITSTATUS(status);
	} else {
		ret = work(NULL);
	}
	return ret ? 1 : 0;
}
