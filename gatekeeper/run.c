// SPDX-License-Identifier: GPL-2.0
/*
 * watchbpf --enforce|--audit POLICY: load the BPF LSM programs, give them
 * the policy, attach, and print one line per decision until SIGINT/SIGTERM.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "gatekeeper/commands.h"
#include "gatekeeper/event_fmt.h"
#include "gatekeeper/kernel.h"
#include "gatekeeper/names.h"
#include "lib/util.h"
#include "policy/policy.h"
#include "watchbpf.skel.h"

struct gatekeeper {
	struct wb_policy pol;
	struct wb_names names;
	struct btf *vmlinux;
	struct watchbpf *skel;
	struct ring_buffer *rb;
	bool audit;
};

static volatile sig_atomic_t exiting;

static void on_signal(int sig)
{
	(void)sig;
	exiting = 1;
}

/* libbpf's log is for --verbose; errors get one line of our own instead. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!verbose || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct gatekeeper *gk = ctx;
	char line[512];

	if (size < sizeof(struct wbpf_event))
		return 0;
	event_format_text(data, &gk->names, &gk->pol, line, sizeof(line));
	puts(line);
	return 0;
}

static int fill_loaders(struct gatekeeper *gk)
{
	int fd = bpf_map__fd(gk->skel->maps.loader_digests);

	for (size_t i = 0; i < gk->pol.nr_loaders; i++) {
		const struct wb_loader *l = &gk->pol.loaders[i];
		struct wbpf_digest_key key = {};
		__u32 id = i + 1;

		if (!l->has_digest)
			continue;
		key.alg = l->digest.hash_alg;
		key.size = l->digest.size;
		memcpy(key.digest, l->digest.bytes, l->digest.size);
		if (bpf_map_update_elem(fd, &key, &id, BPF_NOEXIST)) {
			p_err("loader %s: cannot add its digest: %s%s", l->name, strerror(errno),
			      errno == EEXIST ? " (another loader has the same digest)" : "");
			return -1;
		}
	}
	return 0;
}

/* Marks this process as the daemon, whose own bpf() use is never denied.
 * Done through a pidfd so it holds whatever pid namespace we run in. */
static int mark_self(struct gatekeeper *gk)
{
	struct wbpf_task mark = { .daemon = 1 };
	int pidfd, err = 0;

	pidfd = syscall(SYS_pidfd_open, getpid(), 0);
	if (pidfd < 0) {
		p_err("pidfd_open: %s", strerror(errno));
		return -1;
	}
	if (bpf_map_update_elem(bpf_map__fd(gk->skel->maps.task_marks), &pidfd, &mark, BPF_ANY)) {
		p_err("cannot exempt the daemon in task storage: %s", strerror(errno));
		err = -1;
	}
	close(pidfd);
	return err;
}

static void print_totals(struct gatekeeper *gk)
{
	int ncpu = libbpf_num_possible_cpus();
	struct wbpf_counters total = {};
	struct wbpf_counters *c;
	__u32 zero = 0;

	if (ncpu <= 0)
		return;
	c = calloc(ncpu, sizeof(*c));
	if (!c)
		return;
	if (!bpf_map_lookup_elem(bpf_map__fd(gk->skel->maps.counters), &zero, c)) {
		for (int i = 0; i < ncpu; i++) {
			total.approved += c[i].approved;
			total.denied += c[i].denied;
			total.events_dropped += c[i].events_dropped;
		}
		p_info("detached: %llu approved, %llu denied, %llu events dropped",
		       (unsigned long long)total.approved, (unsigned long long)total.denied,
		       (unsigned long long)total.events_dropped);
	}
	free(c);
}

static int start(struct gatekeeper *gk)
{
	char why[512];
	int err;

	if (kernel_preflight(&gk->vmlinux, why, sizeof(why))) {
		p_err("%s", why);
		return -1;
	}
	err = names_init(&gk->names, gk->vmlinux);
	if (err) {
		p_err("kernel BTF has no enum bpf_cmd: %s", strerror(-err));
		return -1;
	}
	gk->skel = watchbpf__open();
	if (!gk->skel) {
		p_err("cannot open the BPF object: %s", strerror(errno));
		return -1;
	}
	gk->skel->rodata->audit_mode = gk->audit;
	err = watchbpf__load(gk->skel);
	if (err) {
		if (err == -EPERM)
			p_err("the kernel refused to load BPF LSM programs (EPERM): is this a kernel "
			      "that forbids them, or lockdown? `watchbpf doctor` tells");
		else
			p_err("cannot load the BPF programs: %s%s", strerror(-err),
			      verbose ? "" : " (run with --verbose for the verifier's log)");
		return -1;
	}
	if (fill_loaders(gk) || mark_self(gk))
		return -1;
	err = watchbpf__attach(gk->skel);
	if (err) {
		p_err("cannot attach the BPF LSM programs: %s", strerror(-err));
		return -1;
	}
	gk->rb = ring_buffer__new(bpf_map__fd(gk->skel->maps.events), handle_event, gk, NULL);
	if (!gk->rb) {
		p_err("cannot open the event ring buffer: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "Usage: %s --enforce POLICY | --audit POLICY | run [-v] POLICY\n",
		prog_name);
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = { { "enforce", no_argument, NULL, 'e' },
					      { "audit", no_argument, NULL, 'a' },
					      { "verbose", no_argument, NULL, 'v' },
					      { "help", no_argument, NULL, 'h' },
					      {} };
	struct gatekeeper gk = {};
	struct sigaction sa = { .sa_handler = on_signal };
	int mode = -1, opt, ret = 1, err;
	char perr[1024];

	while ((opt = getopt_long(argc, argv, "eavh", opts, NULL)) != -1) {
		switch (opt) {
		case 'e':
			mode = WB_MODE_ENFORCE;
			break;
		case 'a':
			mode = WB_MODE_AUDIT;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage();
			return 0;
		default:
			usage();
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage();
		return 2;
	}
	if (policy_load_file(argv[optind], &gk.pol, perr, sizeof(perr))) {
		fprintf(stderr, "%s\n", perr);
		return 2;
	}
	/* the command line's --enforce/--audit wins over the policy's mode */
	gk.audit = (mode == -1 ? (int)gk.pol.mode : mode) == WB_MODE_AUDIT;

	libbpf_set_print(libbpf_print);
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (start(&gk))
		goto out;
	p_info("%s policy %s", gk.audit ? "auditing" : "enforcing", gk.pol.name);
	while (!exiting) {
		err = ring_buffer__poll(gk.rb, 500);
		if (err < 0 && err != -EINTR) {
			p_err("reading events: %s", strerror(-err));
			goto out;
		}
	}
	ring_buffer__consume(gk.rb);
	print_totals(&gk);
	ret = 0;
out:
	ring_buffer__free(gk.rb);
	watchbpf__destroy(gk.skel);
	names_free(&gk.names);
	btf__free(gk.vmlinux);
	policy_free(&gk.pol);
	return ret;
}
