// SPDX-License-Identifier: GPL-2.0
/*
 * BPF tokens for the VM tests (tests/vm/scenarios/93-tokens.sh), with raw
 * system calls. The kernel's dance (tools/testing/selftests/bpf/prog_tests/
 * token.c): a child enters a new user namespace (root in it, mapped to
 * root) and mount namespace and opens a bpffs context (fsopen), which is
 * then the namespace's; the parent, root outside, sets the delegate_*
 * options on it (only it may), creates and mounts it (fsmount) and passes
 * the mount back; the child makes a token of it (BPF_TOKEN_CREATE) and
 * uses it. Prints "token: WHAT: ok" or "token: WHAT: <strerror>"; exits 0
 * only when everything worked.
 *
 *   token CMDS MAPS PROGS ATTACHS ACTION   the bpffs's delegate_cmds, _maps,
 *                      _progs, _attachs (as the mount options take them:
 *                      "any", "0x21"), then in the child:
 *     create           make the token, nothing more
 *     load TYPE        load a TYPE program (xdp, socket_filter) with it
 *     notoken TYPE     load it without the token (what the token adds)
 *     map              create an array map with it
 *     send SOCKET      pass it to whoever listens on SOCKET (SCM_RIGHTS)
 *                      and wait until they are done
 *   token recv SOCKET TYPE   listen on SOCKET, take a token, join the user
 *                      namespace of the process that sent it (its own,
 *                      where the token's capabilities count), and load a
 *                      TYPE program with it
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define MS_REC_ 16384 /* <sys/mount.h> and <linux/mount.h> do not mix */
#define MS_PRIVATE_ (1 << 18)

static int failed;

static int report(const char *what, long ret)
{
	printf("token: %s: %s\n", what, ret < 0 ? strerror(errno) : "ok");
	fflush(stdout);
	if (ret < 0)
		failed = 1;
	return ret < 0;
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int send_fd(int sock, int fd)
{
	char byte = 0, buf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec io = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &io, .msg_iovlen = 1 };
	struct cmsghdr *c;

	msg.msg_control = buf;
	msg.msg_controllen = sizeof(buf);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char byte, buf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec io = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &io, .msg_iovlen = 1 };
	struct cmsghdr *c;
	int fd;

	msg.msg_control = buf;
	msg.msg_controllen = sizeof(buf);
	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS) {
		errno = EPROTO;
		return -1;
	}
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Root of a new user namespace, mapped to root, in a new mount namespace. */
static int enter_userns(void)
{
	if (unshare(CLONE_NEWUSER) || write_file("/proc/self/setgroups", "deny") ||
	    write_file("/proc/self/uid_map", "0 0 1") || write_file("/proc/self/gid_map", "0 0 1"))
		return -1;
	if (unshare(CLONE_NEWNS))
		return -1;
	return syscall(SYS_mount, NULL, "/", NULL, MS_REC_ | MS_PRIVATE_, NULL);
}

static int prog_type(const char *s, __u32 *eat)
{
	*eat = 0;
	if (!strcmp(s, "xdp")) {
		*eat = BPF_XDP;
		return BPF_PROG_TYPE_XDP;
	}
	if (!strcmp(s, "socket_filter"))
		return BPF_PROG_TYPE_SOCKET_FILTER;
	fprintf(stderr, "token: unknown program type %s\n", s);
	exit(2);
}

/* NR_INSNS - 1 times r0 = 0, then exit: of TYPE, named tok_prog; with
 * TOKEN unless it is -1. Longer than a feature probe (bpf/probe.bpf.h),
 * which the loader's rules would let through whatever its type. */
#define NR_INSNS 20
static int load(const char *type, int token)
{
	struct bpf_insn insns[NR_INSNS];
	union bpf_attr a;

	memset(insns, 0, sizeof(insns));
	for (int i = 0; i < NR_INSNS - 1; i++)
		insns[i] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K,
					      .dst_reg = BPF_REG_0 };
	insns[NR_INSNS - 1] = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
	memset(&a, 0, sizeof(a));
	a.prog_type = prog_type(type, &a.expected_attach_type);
	a.insns = (unsigned long)insns;
	a.insn_cnt = NR_INSNS;
	a.license = (unsigned long)"GPL";
	strcpy(a.prog_name, "tok_prog");
	if (token >= 0) {
		a.prog_flags = BPF_F_TOKEN_FD;
		a.prog_token_fd = token;
	}
	return sys_bpf(BPF_PROG_LOAD, &a);
}

static int map_create(int token)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = 1;
	strcpy(a.map_name, "tok_map");
	a.map_flags = BPF_F_TOKEN_FD;
	a.map_token_fd = token;
	return sys_bpf(BPF_MAP_CREATE, &a);
}

static int unix_socket(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	snprintf(sa->sun_path, sizeof(sa->sun_path), "%s", path);
	return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

/* The child's part: in the namespaces, with the parent on SOCK. */
static int child(int sock, char **action)
{
	int fs, mnt, bpffs, token = -1, s;
	union bpf_attr a;
	struct sockaddr_un sa;
	char byte;

	if (report("userns", enter_userns()))
		return 1;
	fs = syscall(SYS_fsopen, "bpf", 0);
	if (report("fsopen", fs) || report("send_fs", send_fd(sock, fs)))
		return 1;
	close(fs);
	mnt = recv_fd(sock);
	if (report("recv_mount", mnt))
		return 1;
	bpffs = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (report("open_bpffs", bpffs))
		return 1;
	if (strcmp(action[0], "notoken")) {
		memset(&a, 0, sizeof(a));
		a.token_create.bpffs_fd = bpffs;
		token = sys_bpf(BPF_TOKEN_CREATE, &a);
		if (report("token_create", token))
			return 1;
	}
	if (!strcmp(action[0], "load") && action[1])
		report("load", load(action[1], token));
	else if (!strcmp(action[0], "notoken") && action[1])
		report("load_without_token", load(action[1], -1));
	else if (!strcmp(action[0], "map"))
		report("map_create", map_create(token));
	else if (!strcmp(action[0], "send") && action[1]) {
		s = unix_socket(action[1], &sa);
		if (report("connect", s < 0 ? -1 : connect(s, (struct sockaddr *)&sa, sizeof(sa))))
			return 1;
		report("send_token", send_fd(s, token));
		/* the receiver joins this user namespace: keep it until done */
		if (read(s, &byte, 1) != 1)
			report("wait_receiver", -1);
	} else if (strcmp(action[0], "create")) {
		fprintf(stderr, "token: unknown action %s\n", action[0]);
		return 2;
	}
	return failed;
}

static int set_delegation(int fs, const char *key, const char *value)
{
	char what[32];

	snprintf(what, sizeof(what), "%s=%s", key, value);
	return report(what, syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, key, value, 0));
}

static int with_token(char **argv)
{
	int sv[2], fs, mnt, status;
	pid_t pid;

	if (report("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv)))
		return 1;
	pid = fork();
	if (pid < 0)
		return report("fork", -1);
	if (!pid) {
		close(sv[0]);
		_exit(child(sv[1], argv + 4));
	}
	close(sv[1]);
	fs = recv_fd(sv[0]);
	if (fs < 0) /* the child said why */
		goto wait;
	if (set_delegation(fs, "delegate_cmds", argv[0]) ||
	    set_delegation(fs, "delegate_maps", argv[1]) ||
	    set_delegation(fs, "delegate_progs", argv[2]) ||
	    set_delegation(fs, "delegate_attachs", argv[3]) ||
	    report("create_bpffs", syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)))
		goto wait;
	mnt = syscall(SYS_fsmount, fs, 0, 0);
	if (!report("fsmount", mnt))
		report("send_mount", send_fd(sv[0], mnt));
wait:
	close(sv[0]);
	if (waitpid(pid, &status, 0) != pid)
		return report("waitpid", -1);
	return failed || !WIFEXITED(status) || WEXITSTATUS(status);
}

/* Eve's side: a token passed in, used where it would count. */
static int receive(const char *path, const char *type)
{
	struct sockaddr_un sa;
	struct ucred peer;
	socklen_t len = sizeof(peer);
	char ns[64], byte = 0;
	int l, c, token, nsfd;

	l = unix_socket(path, &sa);
	unlink(path);
	if (report("listen", l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) ? -1 :
								    listen(l, 1)))
		return 1;
	c = accept(l, NULL, NULL);
	if (report("accept", c))
		return 1;
	token = recv_fd(c);
	if (report("recv_token", token) ||
	    report("peer", getsockopt(c, SOL_SOCKET, SO_PEERCRED, &peer, &len)))
		return 1;
	snprintf(ns, sizeof(ns), "/proc/%d/ns/user", peer.pid);
	nsfd = open(ns, O_RDONLY | O_CLOEXEC);
	if (report("setns", nsfd < 0 ? -1 : setns(nsfd, CLONE_NEWUSER)))
		return 1;
	report("load", load(type, token));
	if (write(c, &byte, 1) != 1)
		report("release_sender", -1);
	unlink(path);
	return failed;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "recv"))
		return receive(argv[2], argv[3]);
	if (argc < 6) {
		fprintf(stderr, "usage: token CMDS MAPS PROGS ATTACHS ACTION [ARG] | "
				"token recv SOCKET TYPE\n");
		return 2;
	}
	return with_token(argv + 1);
}
