// SPDX-License-Identifier: GPL-2.0
/*
 * watchbpf --enforce|--audit POLICY: load the BPF LSM programs, give them
 * the policy, attach, and print one line per decision until `watchbpf stop`
 * (or SIGINT/SIGTERM, which only PID 1 and the terminal can send it).
 * `watchbpf reload` (or SIGHUP) reloads the policy and its certificates
 * atomically: a policy that fails to load leaves the running one in force.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <openssl/sha.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "fsverity/keyring.h"
#include "gatekeeper/admin.h"
#include "gatekeeper/adopt.h"
#include "gatekeeper/apply.h"
#include "gatekeeper/commands.h"
#include "gatekeeper/config.h"
#include "gatekeeper/control.h"
#include "gatekeeper/daemon.h"
#include "gatekeeper/event_fmt.h"
#include "gatekeeper/event_record.h"
#include "gatekeeper/status.h"
#include "log/writer.h"
#include "gatekeeper/kernel.h"
#include "gatekeeper/names.h"
#include "gatekeeper/notify.h"
#include "gatekeeper/measured.h"
#include "gatekeeper/persist.h"
#include "gatekeeper/pod.h"
#include "gatekeeper/self.h"
#include "learn/live.h"
#include "lib/util.h"
#include "policy/policy.h"
#include "watchbpf.skel.h"

static volatile sig_atomic_t exiting, reload;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload = 1;
	else
		exiting = sig;
}

/* libbpf's log is for --verbose; errors get one line of our own instead. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!verbose || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* One record to every sink: stdout (text or chained JSON) and --log. */
void emit_record(struct gatekeeper *gk, const struct wb_record *r)
{
	unsigned char hash[SHA256_DIGEST_LENGTH];
	char line[16384];
	int n;

	if (gk->json_stdout) {
		struct wb_record sr = *r;

		sr.seq = ++gk->stdout_seq;
		n = record_format_json(&sr, gk->stdout_prev[0] ? gk->stdout_prev : NULL, line,
				       sizeof(line));
		if (n > 0 && (size_t)n < sizeof(line)) {
			SHA256((unsigned char *)line, n, hash);
			wb_hex(hash, sizeof(hash), gk->stdout_prev);
		}
	} else {
		record_format_text(r, line, sizeof(line));
	}
	puts(line);
	if (gk->log && writer_append(gk->log, r) < 0 && verbose)
		p_err("writing the log: %s", strerror(errno));
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct gatekeeper *gk = ctx;
	struct wb_fmt_ctx fmt = { &gk->names, &gk->ids, gk->cur.cfg, gk->pods, &gk->calls,
				  &gk->exes };
	struct wb_event_record er;

	if (size < sizeof(struct wbpf_event))
		return 0;
	event_record(data, &fmt, &gk->origin, &gk->cur.pol, ++gk->next_id, &er);
	emit_record(gk, &er.rec);
	gk->logged++;
	if (gk->learn)
		learn_live_add(gk->learn, &gk->cur.pol, &er.rec);
	return 0;
}

/* Whether the policy at path says 'mode: audit' (a policy that does not
 * load is start()'s to report). */
static bool learn_policy_audits(const char *path)
{
	struct wb_policy pol = { 0 };
	bool audit;

	if (policy_load_file(path, &pol, NULL, 0))
		return true;
	audit = pol.mode == WB_MODE_AUDIT;
	policy_free(&pol);
	return audit;
}

/* --learn: the policy in force and what its records showed, into FILE */
static void learn_flush(struct gatekeeper *gk)
{
	char err[1200];

	if (!gk->learn)
		return;
	if (learn_live_write(gk->learn, gk->policy_path, err, sizeof(err)))
		p_err("--learn: %s", err);
	else
		p_info("learned from %llu record(s): %s", (unsigned long long)learn_live_used(gk->learn),
		       learn_live_path(gk->learn));
}

static void loaded_free(struct loaded *l)
{
	if (l->keyring)
		trust_keyring_destroy(l->keyring);
	free(l->cfg);
	policy_free(&l->pol);
	memset(l, 0, sizeof(*l));
}

/* Parses, resolves and builds a policy, and makes its keyring. Nothing of
 * it is in force yet. Returns 0, or -1 with the reason in err. */
static int load_policy(struct gatekeeper *gk, struct loaded *out, char *err, size_t len)
{
	memset(out, 0, sizeof(*out));
	if (policy_load_file(gk->policy_path, &out->pol, err, len) ||
	    policy_resolve(&out->pol, gk->vmlinux, err, len) ||
	    policy_check_certs(&out->pol, err, len) || policy_load_code(&out->pol, err, len))
		goto fail;
	if (gk->mode_override >= 0)
		out->pol.mode = gk->mode_override;
	if (out->pol.nr_trust_certs &&
	    trust_keyring_create("watchbpf", out->pol.trust_certs, out->pol.nr_trust_certs,
				 &out->keyring, err, len))
		goto fail;
	out->cfg = calloc(1, sizeof(*out->cfg));
	if (!out->cfg) {
		snprintf(err, len, "out of memory");
		goto fail;
	}
	if (config_build(&out->pol, &gk->ids, out->keyring, gk->mnt_ns_inum, out->cfg, err, len))
		goto fail;
	return 0;
fail:
	loaded_free(out);
	return -1;
}

/* file_open is hooked only while a loader of the policy in force has
 * collateral: every open() of every task pays for an attached hook. */
static int hook_collateral(struct gatekeeper *gk, bool want, char *err, size_t len)
{
	struct bpf_link **link = &gk->skel->links.wb_file_open;

	if (want && !*link) {
		*link = bpf_program__attach(gk->skel->progs.wb_file_open);
		if (!*link) {
			snprintf(err, len, "cannot hook file_open for collateral: %s",
				 strerror(errno));
			return -1;
		}
		if (gk->attached &&
		    (self_register_link(gk->skel, *link, true, err, len) ||
		     persist_pin_link(gk->skel, &gk->persist, *link, "wb_file_open", true, err, len)))
			return -1;
	} else if (!want && *link) {
		persist_pin_link(gk->skel, &gk->persist, *link, "wb_file_open", false, err, len);
		self_register_link(gk->skel, *link, false, err, len);
		bpf_link__destroy(*link);
		*link = NULL;
	}
	return 0;
}

/* Writes NEXT into the generation not in force and flips to it. The
 * collateral hook is there before a policy that needs it is in force, and
 * goes only after the last one that needed it has left. */
static int put_in_force(struct gatekeeper *gk, struct loaded *next, char *err, size_t len)
{
	unsigned int gen = (gk->skel->bss->active_gen + 1) & 1;
	bool collateral = config_has_collateral(next->cfg);
	unsigned int measured;

	/* files without fs-verity it trusts: measured, held unchanged */
	if (measured_apply(gk->skel, &next->pol, &measured, err, len))
		return -1;
	if (measured)
		p_info("%u file%s without fs-verity measured and held unchanged", measured,
		       measured == 1 ? "" : "s");
	if (apply_generation(gk->skel, &next->pol, next->cfg, gen, err, len))
		return -1;
	if (collateral && hook_collateral(gk, true, err, len))
		return -1;
	__atomic_store_n(&gk->skel->bss->active_gen, gen, __ATOMIC_SEQ_CST);
	if (!collateral)
		hook_collateral(gk, false, err, len);
	return 0;
}

/* Marks the running processes the policy in force makes loaders. A walk
 * that fails leaves them as they were: without authority. */
static void adopt_walk(struct gatekeeper *gk)
{
	struct adopt_stats st;

	adopt_say(&st, adopt_running(gk, &st));
}

static void name_policy(struct gatekeeper *gk)
{
	snprintf(gk->policy_name, sizeof(gk->policy_name), "%s", gk->cur.pol.name);
	snprintf(gk->policy_version, sizeof(gk->policy_version), "%s", gk->cur.pol.version);
}

int do_reload(struct gatekeeper *gk, const char *must_be, char *msg, size_t len)
{
	struct loaded next;
	char err[1024];

	if (load_policy(gk, &next, err, sizeof(err)) ||
	    (must_be && strcmp(next.pol.sha256, must_be) &&
	     snprintf(err, sizeof(err), "%s is %s now, not the %s the request names",
		      gk->policy_path, next.pol.sha256, must_be)) ||
	    put_in_force(gk, &next, err, sizeof(err))) {
		loaded_free(&next);
		snprintf(msg, len, "reload failed, policy %s stays in force: %s", gk->cur.pol.name,
			 err);
		p_err("%s", msg);
		return -1;
	}
	loaded_free(&gk->cur);
	gk->cur = next;
	name_policy(gk);
	note_state(gk, false); /* a daemon after this one adopts with this policy */
	snprintf(msg, len, "reloaded: %s policy %s (version %s)",
		 gk->cur.pol.mode == WB_MODE_AUDIT ? "auditing" : "enforcing", gk->cur.pol.name,
		 gk->cur.pol.version);
	p_info("%s", msg);
	if (gk->log && writer_reopen(gk->log))
		p_err("reopening %s: %s", gk->log_path, strerror(errno));
	/* what the new policy makes a loader may be running already */
	adopt_walk(gk);
	learn_flush(gk);
	return 0;
}

/* SIGHUP, which only PID 1 can send (bpf/self.bpf.c), so what root asks
 * of it with `systemctl kill -s HUP`: with admin.certs, a new policy needs
 * a signed request (`watchbpf reload --signature`), so this only reopens
 * the logs, as an unsigned `watchbpf reload` does. */
static void sighup_reload(struct gatekeeper *gk, char *msg, size_t len)
{
	if (!gk->cur.pol.nr_admin_certs) {
		do_reload(gk, NULL, msg, len);
		return;
	}
	if (gk->log && writer_reopen(gk->log))
		p_err("reopening %s: %s", gk->log_path, strerror(errno));
	snprintf(msg, len,
		 "SIGHUP: logs reopened; policy %s stays in force (admin.certs: a new policy "
		 "needs a signed request)",
		 gk->cur.pol.name);
	p_info("%s", msg);
}

/* Waits up to TIMEOUT_MS for events or a control request, and handles
 * them. Returns 0, or a negative errno when the ring buffer fails. */
static int wait_and_handle(struct gatekeeper *gk, int timeout_ms)
{
	struct epoll_event ev[2];
	int n, err;

	n = epoll_wait(gk->epoll_fd, ev, 2, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		if (ev[i].data.u32 == 1) {
			serve_control(gk);
			if (gk->stop_requested)
				exiting = -1;
			continue;
		}
		err = ring_buffer__consume(gk->rb);
		if (err < 0)
			return err;
	}
	return 0;
}

/* Before anything is loaded: a second daemon is refused here, before it
 * could take over a pinned state the first one holds. */
static int open_control(struct gatekeeper *gk)
{
	struct epoll_event ev = { .events = EPOLLIN };
	char why[512];

	gk->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (gk->epoll_fd < 0) {
		p_err("epoll: %s", strerror(errno));
		return -1;
	}
	if (!gk->control_path)
		return 0;
	gk->control_fd = control_listen(gk->control_path, why, sizeof(why));
	if (gk->control_fd < 0) {
		p_err("%s", why);
		return -1;
	}
	ev.data.u32 = 1;
	if (epoll_ctl(gk->epoll_fd, EPOLL_CTL_ADD, gk->control_fd, &ev)) {
		p_err("epoll: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int open_events(struct gatekeeper *gk)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 0 };

	gk->rb = ring_buffer__new(bpf_map__fd(gk->skel->maps.events), handle_event, gk, NULL);
	if (!gk->rb) {
		p_err("cannot open the event ring buffer: %s", strerror(errno));
		return -1;
	}
	if (epoll_ctl(gk->epoll_fd, EPOLL_CTL_ADD, ring_buffer__epoll_fd(gk->rb), &ev)) {
		p_err("epoll: %s", strerror(errno));
		return -1;
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

static unsigned long long initial_mnt_ns(void)
{
	struct stat st;

	/* init's mount namespace: the host's, even when we run in another */
	if (stat("/proc/1/ns/mnt", &st) && stat("/proc/self/ns/mnt", &st))
		return 0;
	return st.st_ino;
}

/* Pod names for the records (gatekeeper/pod.h): the kubelet's pods/ and
 * containers/ under --kubelet-logs, the cgroup v2 tree for the paths. */
static int open_pods(struct gatekeeper *gk)
{
	const char *root = pods_cgroup2_root();
	char pods[PATH_MAX], containers[PATH_MAX];
	struct wb_pods_opts o = {
		.cgroup_root = root,
		.pods_dir = pods,
		.containers_dir = containers,
		.retry_ms = 10000,
	};

	if (!gk->kubelet_logs || !root)
		return 0;
	snprintf(pods, sizeof(pods), "%s/pods", gk->kubelet_logs);
	snprintf(containers, sizeof(containers), "%s/containers", gk->kubelet_logs);
	gk->pods = pods_new(&o);
	if (!gk->pods) {
		p_err("out of memory");
		return -1;
	}
	return 0;
}

static int start(struct gatekeeper *gk)
{
	struct wb_policy parsed;
	char why[1024];
	int err;

	/* A broken policy is reported as such on any kernel, before the
	 * kernel's own shortcomings. */
	if (policy_load_file(gk->policy_path, &parsed, why, sizeof(why))) {
		fprintf(stderr, "%s\n", why);
		return -2;
	}
	policy_free(&parsed);
	/* before the preflight, whose own bpf() a pinned state may refuse */
	if (!gk->persist.dir && persist_found(WB_PIN_DIR)) {
		p_err("a pinned watchbpf state enforces at %s: run with --persist to adopt it",
		      WB_PIN_DIR);
		return -1;
	}
	if (kernel_preflight(&gk->vmlinux, why, sizeof(why))) {
		p_err("%s", why);
		return -1;
	}
	err = names_init(&gk->names, gk->vmlinux);
	if (err) {
		p_err("kernel BTF has no enum bpf_cmd: %s", strerror(-err));
		return -1;
	}
	calls_init(&gk->calls, gk->vmlinux);
	exes_init(&gk->exes, NULL);
	gk->mnt_ns_inum = initial_mnt_ns();
	if (load_policy(gk, &gk->cur, why, sizeof(why))) {
		fprintf(stderr, "%s\n", why);
		return -2;
	}
	if (open_control(gk))
		return -1;
	gk->skel = watchbpf__open();
	if (!gk->skel) {
		p_err("cannot open the BPF object: %s", strerror(errno));
		return -1;
	}
	bpf_program__set_autoattach(gk->skel->progs.wb_file_open, false); /* put_in_force */
	bpf_program__set_autoattach(gk->skel->progs.wb_adopt, false); /* run by adopt_walk */
	bpf_program__set_autoattach(gk->skel->progs.wb_data_inodes, false); /* measured.c */
	/* every path lookup pays for this hook: only where there are pins */
	bpf_program__set_autoattach(gk->skel->progs.wb_pin_permission, gk->persist.dir);
	if (gk->ringbuf_size && bpf_map__set_max_entries(gk->skel->maps.events, gk->ringbuf_size)) {
		p_err("ring buffer size %u: must be a power of 2 of at least 4096",
		      gk->ringbuf_size);
		return -1;
	}
	if (gk->persist.dir &&
	    (persist_reuse_maps(gk->skel, &gk->persist, why, sizeof(why)) ||
	     persist_may_adopt(&gk->persist, gk->cur.pol.sha256, why, sizeof(why)))) {
		p_err("%s", why);
		return -1;
	}
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
	if (self_register_objects(gk->skel, gk->vmlinux, why, sizeof(why)) ||
	    put_in_force(gk, &gk->cur, why, sizeof(why))) {
		p_err("%s", why);
		return -1;
	}
	if (mark_self(gk))
		return -1;
	err = watchbpf__attach(gk->skel);
	if (err) {
		p_err("cannot attach the BPF LSM programs: %s", strerror(-err));
		return -1;
	}
	gk->attached = true;
	/* the policy in force, for the next daemon, before there are pins */
	note_state(gk, false);
	if (self_register_links(gk->skel, why, sizeof(why)) ||
	    persist_pin(gk->skel, &gk->persist, why, sizeof(why))) {
		p_err("%s", why);
		return -1;
	}
	if (open_events(gk))
		return -1;
	if (open_pods(gk))
		return -1;
	origin_init(&gk->origin, gk->policy_name, gk->policy_version);
	name_policy(gk);
	if (gk->log_path) {
		struct writer_opts wo = {
			.path = gk->log_path,
			.sign_key = gk->log_key,
			.host = gk->origin.host,
			.boot_id = gk->origin.boot_id,
			.policy = gk->cur.pol.name,
			.policy_version = gk->cur.pol.version,
		};

		if (writer_open(&gk->log, &wo, why, sizeof(why))) {
			p_err("%s", why);
			return -1;
		}
	}
	report_adoption(gk);
	adopt_walk(gk);
	return 0;
}

static void warn_policy(struct gatekeeper *gk)
{
	const char *warn[WB_MAX_WARNINGS];
	size_t n = policy_warnings(&gk->cur.pol, warn, WB_MAX_WARNINGS);

	for (size_t i = 0; i < n; i++)
		p_info("warning: %s", warn[i]);
}

static void usage(void)
{
	fprintf(stderr,
		"Usage: %s --enforce [POLICY] | --audit [POLICY] | run [-v] [POLICY]\n"
		"POLICY defaults to %s\n",
		prog_name, WB_DEFAULT_POLICY);
}

/* `watchbpf run` with no POLICY, before one was installed: say where. */
static bool default_policy_missing(void)
{
	if (!access(WB_DEFAULT_POLICY, F_OK) || errno != ENOENT)
		return false;
	p_err("no POLICY given, and there is no %s: create it (`make install` copies "
	      "deploy/policy.yaml there, which denies nothing and logs every decision; "
	      "docs/policy.md), check it with `watchbpf check %s`, or name another POLICY",
	      WB_DEFAULT_POLICY, WB_DEFAULT_POLICY);
	return true;
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "enforce", no_argument, NULL, 'e' },
		{ "audit", no_argument, NULL, 'a' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "log", required_argument, NULL, 'l' },
		{ "log-sign-key", required_argument, NULL, 'k' },
		{ "log-format", required_argument, NULL, 'f' },
		{ "status-file", required_argument, NULL, 's' },
		{ "ringbuf-size", required_argument, NULL, 'r' },
		{ "control", required_argument, NULL, 'c' },
		{ "persist", no_argument, NULL, 'p' },
		{ "kubelet-logs", required_argument, NULL, 'K' },
		{ "learn", required_argument, NULL, 'L' },
		{},
	};
	struct gatekeeper gk = { .mode_override = -1,
				 .status_path = WB_STATUS_FILE,
				 .control_path = WB_CONTROL_SOCKET,
				 .control_fd = -1,
				 .epoll_fd = -1,
				 .kubelet_logs = "/var/log" };
	char msg[1200];
	time_t last_status = 0;
	char *end;
	struct sigaction sa = { .sa_handler = on_signal };
	int opt, ret = 1, err;

	while ((opt = getopt_long(argc, argv, "eavh", opts, NULL)) != -1) {
		switch (opt) {
		case 'e':
			gk.mode_override = WB_MODE_ENFORCE;
			break;
		case 'a':
			gk.mode_override = WB_MODE_AUDIT;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage();
			return 0;
		case 'l':
			gk.log_path = optarg;
			break;
		case 'k':
			gk.log_key = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
				p_err("--log-format: 'text' or 'json', not '%s'", optarg);
				return 2;
			}
			gk.json_stdout = !strcmp(optarg, "json");
			break;
		case 's':
			gk.status_path = *optarg ? optarg : NULL;
			break;
		case 'c':
			gk.control_path = *optarg ? optarg : NULL;
			break;
		case 'p':
			gk.persist.dir = WB_PIN_DIR;
			break;
		case 'K':
			gk.kubelet_logs = *optarg ? optarg : NULL;
			break;
		case 'L':
			if (!gk.learn && learn_live_new(&gk.learn, optarg)) {
				p_err("out of memory");
				return 1;
			}
			break;
		case 'r':
			gk.ringbuf_size = strtoul(optarg, &end, 0);
			if (*end || gk.ringbuf_size < 4096 ||
			    (gk.ringbuf_size & (gk.ringbuf_size - 1))) {
				p_err("--ringbuf-size: a power of 2 of at least 4096, not '%s'",
				      optarg);
				return 2;
			}
			break;
		default:
			usage();
			return 2;
		}
	}
	if (optind < argc - 1) {
		usage();
		return 2;
	}
	if (optind == argc && default_policy_missing())
		return 2;
	if (gk.log_key && !gk.log_path) {
		p_err("--log-sign-key needs --log");
		return 2;
	}
	gk.policy_path = optind < argc ? argv[optind] : WB_DEFAULT_POLICY;
	if (gk.learn && gk.mode_override != WB_MODE_AUDIT && !learn_policy_audits(gk.policy_path)) {
		/* in enforce mode a denied call never happens: nothing to learn */
		p_err("--learn needs audit mode: --audit, or 'mode: audit' in %s", gk.policy_path);
		learn_live_free(gk.learn);
		return 2;
	}
	gk.argv = argv;
	gk.test_abort = getenv("WATCHBPF_TEST_ABORT") != NULL;
	if (admin_nonce(gk.nonce)) {
		p_err("getrandom: %s", strerror(errno));
		return 1;
	}
	gk.started = time(NULL);

	libbpf_set_print(libbpf_print);
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	err = start(&gk);
	if (err) {
		ret = err == -2 ? 2 : 1;
		goto out;
	}
	warn_policy(&gk);
	p_info("%s policy %s", gk.cur.pol.mode == WB_MODE_AUDIT ? "auditing" : "enforcing",
	       gk.cur.pol.name);
	notify_ready("%s policy %s (version %s)",
		     gk.cur.pol.mode == WB_MODE_AUDIT ? "auditing" : "enforcing", gk.cur.pol.name,
		     gk.cur.pol.version);
	while (!exiting) {
		err = wait_and_handle(&gk, 500);
		if (err < 0 && err != -EINTR) {
			p_err("reading events: %s", strerror(-err));
			goto out;
		}
		if (reload) {
			reload = 0;
			notify_reloading();
			sighup_reload(&gk, msg, sizeof(msg));
			notify_ready("%s", msg);
		}
		report_drops(&gk);
		if (gk.log)
			writer_tick(gk.log, wb_monotonic_ns());
		if (time(NULL) != last_status) {
			last_status = time(NULL);
			report_probes(&gk);
			write_status(&gk);
			note_state(&gk, false);
		}
	}
	/* an upgrade's exec comes back as this process, and says READY again */
	if (gk.upgrade_to[0])
		notify_reloading();
	else
		notify_stopping(gk.stop_why ?:
					(gk.persist.dir ? "stopping, enforcement stays (pinned)" :
							  "stopping, enforcement ends"));
	ring_buffer__consume(gk.rb);
	report_drops(&gk);
	report_probes(&gk);
	write_status(&gk);
	print_totals(&gk);
	learn_flush(&gk);
	report_stop(&gk, exiting);
	if (gk.persist.dir && gk.end_enforcement && persist_end(&gk.persist, msg, sizeof(msg)))
		p_err("%s", msg);
	ret = 0;
out:
	if (gk.log && writer_close(gk.log))
		p_err("closing %s: %s", gk.log_path, strerror(errno));
	if (gk.status_path && gk.skel)
		unlink(gk.status_path);
	if (gk.control_fd >= 0) {
		close(gk.control_fd);
		unlink(gk.control_path);
	}
	if (gk.epoll_fd >= 0)
		close(gk.epoll_fd);
	if (gk.upgrade_to[0]) {
		exec_upgrade(&gk, argc);
		ret = 1;
	}
	ring_buffer__free(gk.rb);
	watchbpf__destroy(gk.skel);
	loaded_free(&gk.cur);
	pods_free(gk.pods);
	config_ids_free(&gk.ids);
	names_free(&gk.names);
	calls_free(&gk.calls);
	btf__free(gk.vmlinux);
	learn_live_free(gk.learn);
	return ret;
}
