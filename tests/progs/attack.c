// SPDX-License-Identifier: GPL-2.0
/*
 * Eve's toolbox for the self-protection tests: each command is one attack
 * on a process (the daemon) or on the kernel under it, made with the raw
 * system call. Prints "attack: WHAT: ok" or "attack: WHAT: <strerror>" and
 * exits 0 only when the attack's call succeeded. The same binary runs as a
 * non-loader (a copy) and as an authorized loader (its digest in the
 * policy): self-protection must hold against both.
 *
 *   kill PID SIG | tgkill PID SIG | pidfd PID SIG | sigqueue PID SIG
 *   sigio PID SIG     F_SETOWN PID + F_SETSIG SIG on a pipe, then I/O on it
 *   attach PID | seize PID        ptrace
 *   mem PID           open /proc/PID/mem read-write
 *   vmwrite PID | vmread PID      process_vm_writev / process_vm_readv
 *   getfd PID FD      pidfd_getfd
 *   nice PID | idle PID | affinity PID | ioprio PID | rlimit PID
 *   write PATH TEXT   open PATH for writing and write TEXT
 *   initmod FILE | finitmod FILE  load FILE as a kernel module
 *   kexec | kexecfile FILE        kexec_load (unload), kexec_file_load
 *   ioperm            ioperm(0x80, 1, 1)
 *   open PATH         open PATH read-only (/dev/mem, /proc/kcore)
 *   ctl SOCKET LINE   send LINE to a unix socket, print the answer (the
 *                     daemon's control socket, with requests no command sends)
 *   truncate PATH     truncate(PATH, 0), by path: no open
 *   tracedexec FILE ARGS  fork a child that asks to be traced and execs FILE;
 *                     let it run to its end; exit with its status
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int report(const char *what, long ret)
{
	printf("attack: %s: %s\n", what, ret < 0 ? strerror(errno) : "ok");
	return ret < 0;
}

/* The tracer of a child that execs ARGV: it stops at the exec, is let go
 * (PTRACE_DETACH), and runs to its end. Its exit status is ours. */
static int traced_exec(char **args)
{
	int status;
	pid_t child = fork();

	if (child < 0)
		return report("fork", -1);
	if (!child) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0))
			_exit(report("ptrace_traceme", -1) + 100);
		execv(args[0], args);
		_exit(report("execv", -1) + 100);
	}
	if (waitpid(child, &status, 0) != child || !WIFSTOPPED(status))
		return report("wait_exec_stop", -1);
	report("traced_exec", ptrace(PTRACE_DETACH, child, 0, 0));
	if (waitpid(child, &status, 0) != child)
		return report("wait", -1);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int pidfd_of(pid_t pid)
{
	return syscall(SYS_pidfd_open, pid, 0);
}

static int sigio(pid_t pid, int sig)
{
	int p[2];

	if (pipe(p))
		return report("pipe", -1);
	if (fcntl(p[0], F_SETOWN, pid) || fcntl(p[0], F_SETSIG, sig) ||
	    fcntl(p[0], F_SETFL, O_ASYNC | O_NONBLOCK))
		return report("fcntl", -1);
	/* the kernel signals the owner now; a refusal is silent here */
	return report("sigio", write(p[1], "x", 1));
}

static int vm_rw(pid_t pid, int write)
{
	char buf[8] = {};
	struct iovec local = { buf, sizeof(buf) }, remote = { (void *)0x400000, sizeof(buf) };

	if (write)
		return report("process_vm_writev",
			      syscall(SYS_process_vm_writev, pid, &local, 1, &remote, 1, 0));
	return report("process_vm_readv",
		      syscall(SYS_process_vm_readv, pid, &local, 1, &remote, 1, 0));
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return report("open", -1);
	if (report("write", write(fd, text, strlen(text))))
		return 1;
	close(fd);
	return 0;
}

static int load_module(const char *path, int from_fd)
{
	static char image[65536];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return report("open", -1);
	if (from_fd)
		return report("finit_module", syscall(SYS_finit_module, fd, "", 0));
	n = read(fd, image, sizeof(image));
	return report("init_module", syscall(SYS_init_module, image, n < 0 ? 0 : n, ""));
}

static int ctl(const char *path, const char *line)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[512];
	ssize_t n;
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return report("connect", -1);
	if (write(fd, line, strlen(line)) < 0 || write(fd, "\n", 1) < 0)
		return report("write", -1);
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	printf("attack: ctl: %s", buf);
	return n <= 0;
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "";
	pid_t pid = argc > 2 ? atoi(argv[2]) : 0;
	int sig = argc > 3 ? atoi(argv[3]) : 0;
	int fd;

	if (!strcmp(how, "kill") && argc > 3)
		return report("kill", kill(pid, sig));
	if (!strcmp(how, "tgkill") && argc > 3)
		return report("tgkill", syscall(SYS_tgkill, pid, pid, sig));
	if (!strcmp(how, "pidfd") && argc > 3) {
		fd = pidfd_of(pid);
		if (fd < 0)
			return report("pidfd_open", -1);
		return report("pidfd_send_signal", syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0));
	}
	if (!strcmp(how, "sigqueue") && argc > 3) {
		siginfo_t si = { .si_signo = sig, .si_code = SI_QUEUE };

		si.si_pid = getpid();
		return report("rt_sigqueueinfo", syscall(SYS_rt_sigqueueinfo, pid, sig, &si));
	}
	if (!strcmp(how, "sigio") && argc > 3)
		return sigio(pid, sig);
	if (!strcmp(how, "attach") && argc > 2)
		return report("ptrace_attach", ptrace(PTRACE_ATTACH, pid, 0, 0));
	if (!strcmp(how, "seize") && argc > 2)
		return report("ptrace_seize", ptrace(PTRACE_SEIZE, pid, 0, 0));
	if (!strcmp(how, "seizehold") && argc > 3) { /* a tracer that stays */
		int r = report("ptrace_seize", ptrace(PTRACE_SEIZE, pid, 0, 0));

		sleep(atoi(argv[3]));
		return r;
	}
	if (!strcmp(how, "mem") && argc > 2) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/mem", pid);
		return report("open_mem", open(path, O_RDWR));
	}
	if (!strcmp(how, "vmwrite") && argc > 2)
		return vm_rw(pid, 1);
	if (!strcmp(how, "vmread") && argc > 2)
		return vm_rw(pid, 0);
	if (!strcmp(how, "getfd") && argc > 3) {
		fd = pidfd_of(pid);
		if (fd < 0)
			return report("pidfd_open", -1);
		return report("pidfd_getfd", syscall(SYS_pidfd_getfd, fd, sig, 0));
	}
	if (!strcmp(how, "nice") && argc > 2)
		return report("setpriority", setpriority(PRIO_PROCESS, pid, 19));
	if (!strcmp(how, "idle") && argc > 2) {
		struct sched_param sp = { 0 };

		return report("sched_setscheduler", sched_setscheduler(pid, SCHED_IDLE, &sp));
	}
	if (!strcmp(how, "affinity") && argc > 2) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(0, &set);
		return report("sched_setaffinity", sched_setaffinity(pid, sizeof(set), &set));
	}
	if (!strcmp(how, "ioprio") && argc > 2) /* IOPRIO_WHO_PROCESS, class idle */
		return report("ioprio_set", syscall(SYS_ioprio_set, 1, pid, 3 << 13));
	if (!strcmp(how, "rlimit") && argc > 2) {
		struct rlimit rl = { 4, 4 };

		return report("prlimit", prlimit(pid, RLIMIT_NOFILE, &rl, NULL));
	}
	if (!strcmp(how, "write") && argc > 3)
		return write_file(argv[2], argv[3]);
	if (!strcmp(how, "initmod") && argc > 2)
		return load_module(argv[2], 0);
	if (!strcmp(how, "finitmod") && argc > 2)
		return load_module(argv[2], 1);
	if (!strcmp(how, "kexec")) /* no segments: unloads, harmless if let through */
		return report("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0));
	if (!strcmp(how, "kexecfile") && argc > 2) {
		fd = open(argv[2], O_RDONLY);
		if (fd < 0)
			return report("open", -1);
		return report("kexec_file_load", syscall(SYS_kexec_file_load, fd, -1, 1, "", 0));
	}
	if (!strcmp(how, "ioperm"))
		return report("ioperm", ioperm(0x80, 1, 1));
	if (!strcmp(how, "open") && argc > 2)
		return report("open", open(argv[2], O_RDONLY));
	if (!strcmp(how, "ctl") && argc > 3)
		return ctl(argv[2], argv[3]);
	if (!strcmp(how, "truncate") && argc > 2)
		return report("truncate", truncate(argv[2], 0));
	if (!strcmp(how, "tracedexec") && argc > 2)
		return traced_exec(argv + 2);
	fprintf(stderr, "attack: unknown or incomplete command '%s'\n", how);
	return 2;
}
