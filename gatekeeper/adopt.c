// SPDX-License-Identifier: GPL-2.0
/*
 * Adoption of what was running before the daemon (adopt.h): PID 1, which
 * never execs again, and every other process started before watchbpf or
 * before the reload that made its executable a loader. Each is judged by
 * the rules the exec hook applies (bpf/verify.bpf.c), from /proc: the
 * executable's digest (fs-verity, or measured), its signature and path; no
 * tracer; no name-less executable; and every executable mapping trusted
 * code for that loader, as bpf/code.bpf.h would have required of it.
 *
 * A check from user space races with the process: it may exec Eve's
 * program, map Eve's library or be traced by Eve between the check and the
 * mark. So the mark goes in through bpf/adopt.bpf.c in three steps (stage,
 * check, commit): anything the process does in between makes the commit
 * fail, and the process is looked at again in the next round. Rounds go on
 * until one finds nothing new: a process that forked meanwhile has a child
 * the next round finds, and threads made before their process was marked
 * are marked in the next round too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "adopt/procfs.h"
#include "bpf/watchbpf.h"
#include "fsverity/sign.h"
#include "fsverity/verity.h"
#include "gatekeeper/adopt.h"
#include "gatekeeper/daemon.h"
#include "gatekeeper/measured.h"
#include "lib/util.h"
#include "watchbpf.skel.h"

#define PROC "/proc"
#define MAX_ROUNDS 8

struct cand {
	pid_t pid;
	__u32 id;
	pid_t *tids;
	struct wbpf_adopt_req *reqs; /* per tid */
	size_t nr;
	bool failed; /* a check said no: reported, not retried */
	bool raced; /* a commit failed: looked at again next round */
};

/* A set of pids, for what one walk has said or decided already. */
struct pidset {
	pid_t *v;
	size_t n, cap;
};

static bool pidset_has(const struct pidset *s, pid_t pid)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == pid)
			return true;
	return false;
}

static void pidset_add(struct pidset *s, pid_t pid)
{
	if (pidset_has(s, pid))
		return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		pid_t *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return; /* then it may be said twice */
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = pid;
}

struct adopter {
	struct gatekeeper *gk;
	struct watchbpf *skel;
	int reqs_fd, marks_fd;
	__u32 gen;
	struct wbpf_defaults defaults;
	struct fsv_verifier **verifiers;
	size_t nr_verifiers;
	struct bpf_link *link;
	struct pidset said; /* a record was made of it in this walk */
	struct pidset refused; /* its check said no: not looked at again */
	struct pidset adopted; /* marked by this walk: new threads get marks */
	struct adopt_stats *st;
};

/* SRC into DST[LEN], cut to fit: paths and names in events are cut too. */
static void copy_cut(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* ---- the rules, as the kernel applies them ---------------------------- */

/* The digest the kernel would find for the file: fs-verity's, or the one
 * a measured file was registered with. 0, or -ENOENT. */
static int digest_of(const struct adopter *a, int fd, const struct stat *st,
		     struct wbpf_digest_key *key, struct fsv_digest *d)
{
	struct wbpf_inode_key ik;

	memset(key, 0, sizeof(*key));
	if (!fsv_measure_fd(fd, d)) {
		key->alg = d->hash_alg;
		key->size = d->size;
		memcpy(key->digest, d->bytes, d->size);
		return 0;
	}
	measured_inode_key(st, &ik);
	if (bpf_map_lookup_elem(bpf_map__fd(a->skel->maps.measured_inodes), &ik, key))
		return -ENOENT;
	if (key->size > sizeof(d->bytes))
		return -ENOENT;
	d->hash_alg = key->alg;
	d->size = key->size;
	memcpy(d->bytes, key->digest, key->size);
	key->gen = 0;
	return 0;
}

/* A signature trust.certs verifies (the kernel asks its keyring). */
static bool signed_ok(const struct adopter *a, int fd, const struct fsv_digest *d)
{
	unsigned char sig[WB_SIG_MAX];
	ssize_t len;

	if (!a->nr_verifiers)
		return false;
	len = fgetxattr(fd, FSV_SIG_XATTR, sig, sizeof(sig));
	if (len <= 0)
		return false;
	for (size_t i = 0; i < a->nr_verifiers; i++)
		if (fsv_verify_digest(a->verifiers[i], d, sig, (size_t)len) == FSV_SIG_OK)
			return true;
	return false;
}

static int loader_cfg(const struct adopter *a, __u32 id, struct wbpf_loader_cfg *c)
{
	__u32 idx = a->gen * WB_MAX_LOADERS + id;

	if (!id || id >= WB_MAX_LOADERS ||
	    bpf_map_lookup_elem(bpf_map__fd(a->skel->maps.loader_cfgs), &idx, c) ||
	    !(c->flags & WB_LC_VALID))
		return -ENOENT;
	return 0;
}

static bool path_ok(const struct wbpf_loader_cfg *c, const char *path)
{
	__u64 words[WB_PATH_WORDS] = {};

	if (!(c->flags & WB_LC_NEED_PATH))
		return true;
	if (strlen(path) >= WB_PATH_LEN)
		return false;
	memcpy(words, path, strlen(path));
	return wb_path_match(words, &c->exec_path);
}

/* Which loader the executable (fd, at PATH) is; 0 with *reason if none.
 * The order and the reasons of identify() in bpf/verify.bpf.c. */
static __u32 identify(const struct adopter *a, int fd, const struct stat *st, const char *path,
		      __u8 *reason)
{
	struct wbpf_loader_cfg c;
	struct wbpf_digest_key key;
	struct fsv_digest d;
	__u32 id;

	*reason = WB_R_NOT_LOADER; /* no digest at all: an ordinary program */
	if (digest_of(a, fd, st, &key, &d))
		return 0;
	*reason = WB_R_UNKNOWN_DIGEST;
	key.gen = a->gen;
	if (!bpf_map_lookup_elem(bpf_map__fd(a->skel->maps.loader_digests), &key, &id)) {
		if (loader_cfg(a, id, &c))
			return 0;
		if ((c.flags & WB_LC_NEED_SIG) && !signed_ok(a, fd, &d)) {
			*reason = WB_R_BAD_SIGNATURE;
			return 0;
		}
		if (!path_ok(&c, path)) {
			*reason = WB_R_PATH;
			return 0;
		}
		*reason = WB_R_NONE;
		return id;
	}
	if (!a->defaults.signed_loaders[0])
		return 0;
	if (!signed_ok(a, fd, &d)) {
		*reason = WB_R_BAD_SIGNATURE;
		return 0;
	}
	for (int i = 0; i < WB_MAX_SIGNED_LOADERS && a->defaults.signed_loaders[i]; i++) {
		id = a->defaults.signed_loaders[i];
		if (loader_cfg(a, id, &c))
			continue;
		if (!path_ok(&c, path)) {
			*reason = WB_R_PATH;
			continue;
		}
		*reason = WB_R_NONE;
		return id;
	}
	return 0;
}

/* Whether loader ID may run the code of file FD: code_file() of
 * bpf/code.bpf.h. */
static __u8 code_verdict(const struct adopter *a, __u32 id, int fd, const struct stat *st)
{
	struct wbpf_digest_key key;
	struct wbpf_code code;
	struct fsv_digest d;

	if (digest_of(a, fd, st, &key, &d))
		return WB_R_NOT_VERITY;
	key.gen = a->gen;
	if (!bpf_map_lookup_elem(bpf_map__fd(a->skel->maps.code_digests), &key, &code) &&
	    (code.all || ((code.loaders[(id / 64) & 3] >> (id % 64)) & 1)))
		return WB_R_NONE;
	if (signed_ok(a, fd, &d))
		return WB_R_NONE;
	return WB_R_UNTRUSTED_CODE;
}

/* Every executable mapping of PID must be code loader ID may run; else the
 * reason, and the file's path in BAD. */
static __u8 check_code(const struct adopter *a, pid_t pid, __u32 id, const struct stat *exe,
		       char *bad, size_t len)
{
	struct wbpf_loader_cfg c;
	struct proc_map m;
	char path[256], line[4200];
	__u8 reason = WB_R_NONE;
	struct stat st;
	FILE *f;
	int fd;

	if (loader_cfg(a, id, &c))
		return WB_R_UNKNOWN_DIGEST;
	snprintf(path, sizeof(path), PROC "/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return WB_R_UNTRUSTED_CODE;
	while (!reason && fgets(line, sizeof(line), f)) {
		if (procfs_parse_map(line, &m) || !m.exec || procfs_map_is_kernels(&m))
			continue;
		copy_cut(bad, len, m.path);
		if (m.path[0] != '/' || !strncmp(m.path, "/memfd:", 7)) {
			/* anonymous or memfd: a JIT's, with code.jit */
			if (!(c.flags & WB_LC_JIT))
				reason = WB_R_ANON_EXEC;
			continue;
		}
		snprintf(path, sizeof(path), PROC "/%d/map_files/%lx-%lx", pid, m.start, m.end);
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd < 0 || fstat(fd, &st)) {
			reason = WB_R_UNTRUSTED_CODE;
		} else if (st.st_dev != exe->st_dev || st.st_ino != exe->st_ino) {
			reason = code_verdict(a, id, fd, &st);
		}
		if (fd >= 0)
			close(fd);
	}
	fclose(f);
	return reason;
}

/* ---- the process --------------------------------------------------------- */

struct judged {
	__u32 id;
	__u8 reason;
	char path[WB_PATH_LEN]; /* the executable, or the offending code */
};

/* Judges process PID as the exec hook would have: its executable, and
 * with CHECK_ALL its tracers and code too. -errno when it is gone or no
 * user process (kernel threads have no executable). */
static int judge(const struct adopter *a, pid_t pid, bool check_all, struct judged *j)
{
	char path[64], exe[WB_PATH_LEN];
	bool deleted;
	struct stat st;
	pid_t *tids;
	size_t n;
	int fd, err;

	memset(j, 0, sizeof(*j));
	err = procfs_exe_path(PROC, pid, exe, sizeof(exe), &deleted);
	if (err)
		return err;
	snprintf(path, sizeof(path), PROC "/%d/exe", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		close(fd);
		return err;
	}
	snprintf(j->path, sizeof(j->path), "%s", exe);
	j->id = identify(a, fd, &st, exe, &j->reason);
	close(fd);
	if (!j->id || !check_all)
		return 0;
	/* what gives an exec no identity (bpf/verify.bpf.c) */
	if (deleted || !st.st_nlink) {
		j->reason = WB_R_DELETED;
		goto none;
	}
	if (procfs_tids(PROC, pid, &tids, &n))
		return -ESRCH;
	for (size_t i = 0; i < n; i++) {
		if (procfs_tracer(PROC, pid, tids[i]) != 0) {
			j->reason = WB_R_TRACED;
			break;
		}
	}
	free(tids);
	if (j->reason)
		goto none;
	j->reason = check_code(a, pid, j->id, &st, j->path, sizeof(j->path));
	if (!j->reason) {
		snprintf(j->path, sizeof(j->path), "%s", exe);
		return 0;
	}
none:
	j->id = 0;
	return 0;
}

/* The mark of process PID's leader, through a pidfd: 0, or -errno. */
static int leader_mark(const struct adopter *a, pid_t pid, struct wbpf_task *t)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), err = 0;

	if (pidfd < 0)
		return -errno;
	if (bpf_map_lookup_elem(a->marks_fd, &pidfd, t))
		err = -errno;
	close(pidfd);
	return err;
}

/* ---- records ------------------------------------------------------------- */

static void report(struct adopter *a, pid_t pid, __u8 action, __u8 reason, __u32 id,
		   const char *path, __u32 detail)
{
	struct gatekeeper *gk = a->gk;
	struct wb_fmt_ctx fmt = { &gk->names, &gk->ids, gk->cur.cfg, gk->pods, &gk->calls,
				  &gk->exes };
	struct wbpf_event e = { .pid = (__u32)pid, .tid = (__u32)pid };
	struct wb_event_record er;
	char buf[4096], *slash;
	struct timespec ts;
	struct stat st;
	long uid;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	e.ts_boot_ns = (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
	e.op = WB_OP_ADOPT;
	e.action = action;
	e.reason = reason;
	e.loader_id = id;
	e.detail = detail;
	uid = procfs_uid(PROC, pid);
	e.uid = uid < 0 ? (__u32)-1 : (__u32)uid;
	snprintf(buf, sizeof(buf), PROC "/%d/comm", pid);
	if (read_text_file(buf, buf, sizeof(buf)) >= 0)
		copy_cut(e.comm, sizeof(e.comm), buf);
	/* the cgroup's id is its directory's inode number (cgroup v2) */
	if (!procfs_cgroup(PROC, pid, buf, sizeof(buf) - 16)) {
		slash = strrchr(buf, '/');
		snprintf(e.pod, sizeof(e.pod), "%s", slash ? slash + 1 : "");
		memmove(buf + 14, buf, strlen(buf) + 1);
		memcpy(buf, "/sys/fs/cgroup", 14);
		if (!stat(buf, &st))
			e.cgroup_id = st.st_ino;
	}
	if (path && *path) {
		snprintf(e.path, sizeof(e.path), "%s", path);
		e.flags |= WB_EV_PATH;
	}
	event_record(&e, &fmt, &gk->origin, &gk->cur.pol, ++gk->next_id, &er);
	emit_record(gk, &er.rec);
	gk->logged++;
}

/* ---- the kernel's half ----------------------------------------------------- */

static int put_reqs(struct adopter *a, struct cand *c, size_t nc)
{
	for (size_t i = 0; i < nc; i++)
		for (size_t k = 0; k < c[i].nr; k++) {
			if (!c[i].reqs[k].op)
				continue;
			c[i].reqs[k].result = WB_ADOPT_PENDING;
			if (bpf_map_update_elem(a->reqs_fd, &c[i].tids[k], &c[i].reqs[k], BPF_ANY))
				return -errno;
		}
	return 0;
}

static void get_results(struct adopter *a, struct cand *c, size_t nc)
{
	for (size_t i = 0; i < nc; i++)
		for (size_t k = 0; k < c[i].nr; k++) {
			if (!c[i].reqs[k].op)
				continue;
			if (bpf_map_lookup_elem(a->reqs_fd, &c[i].tids[k], &c[i].reqs[k]))
				c[i].reqs[k].result = WB_ADOPT_PENDING;
			bpf_map_delete_elem(a->reqs_fd, &c[i].tids[k]);
		}
}

static int pass(struct adopter *a, struct cand *c, size_t nc)
{
	int err = put_reqs(a, c, nc);

	if (!err)
		err = run_iter_link(a->link); /* bpf/adopt.bpf.c */
	get_results(a, c, nc);
	return err;
}

static void cand_free(struct cand *c)
{
	free(c->tids);
	free(c->reqs);
}

/* Stages every thread of candidate C; the leader's nonce for the commit. */
static int cand_stage_reqs(struct cand *c)
{
	c->reqs = calloc(c->nr, sizeof(*c->reqs));
	if (!c->reqs)
		return -ENOMEM;
	for (size_t k = 0; k < c->nr; k++) {
		c->reqs[k].op = WB_ADOPT_STAGE;
		do {
			if (getrandom(&c->reqs[k].nonce, sizeof(c->reqs[k].nonce), 0) < 0)
				return -errno;
		} while (!c->reqs[k].nonce);
	}
	return 0;
}

/* After the stage: commit the threads staged (or abort them all when the
 * check said no); threads marked meanwhile by the kernel are left alone. */
static void cand_commit_reqs(struct cand *c, const struct judged *j)
{
	__u32 leader_nonce = 0;

	for (size_t k = 0; k < c->nr; k++)
		if (c->tids[k] == c->pid && c->reqs[k].result == WB_ADOPT_DONE)
			leader_nonce = c->reqs[k].nonce;
	for (size_t k = 0; k < c->nr; k++) {
		struct wbpf_adopt_req *r = &c->reqs[k];

		if (r->result != WB_ADOPT_DONE) {
			r->op = 0; /* marked already, gone, or no memory */
			continue;
		}
		r->op = j->id ? WB_ADOPT_COMMIT : WB_ADOPT_ABORT;
		r->id = j->id;
		r->leader_nonce = leader_nonce;
	}
}

/* After the commit: all done, or abort what went in, to try again. */
static bool cand_settle_reqs(struct cand *c)
{
	bool raced = false;

	for (size_t k = 0; k < c->nr; k++)
		if (c->reqs[k].op == WB_ADOPT_COMMIT && c->reqs[k].result == WB_ADOPT_RACED)
			raced = true;
	for (size_t k = 0; k < c->nr; k++) {
		struct wbpf_adopt_req *r = &c->reqs[k];

		if (!raced && r->op == WB_ADOPT_COMMIT) {
			r->op = 0;
			continue;
		}
		if (r->op == WB_ADOPT_COMMIT || r->op == WB_ADOPT_ABORT)
			r->op = raced || r->op == WB_ADOPT_ABORT ? WB_ADOPT_ABORT : 0;
	}
	return raced;
}

/* Candidates of this round: processes whose executable is a loader and
 * that have a thread without a mark. */
static int find(struct adopter *a, bool first, struct cand **out, size_t *nout)
{
	struct cand *c = NULL;
	size_t nc = 0, cap = 0;
	struct wbpf_task mark = {};
	struct judged j;
	pid_t *pids;
	size_t np;
	int err, fds;

	err = procfs_pids(PROC, &pids, &np);
	if (err)
		return err;
	for (size_t i = 0; i < np; i++) {
		pid_t pid = pids[i];

		if (pid == getpid() || pidset_has(&a->refused, pid) || judge(a, pid, false, &j))
			continue;
		memset(&mark, 0, sizeof(mark));
		if (!leader_mark(a, pid, &mark) && (mark.loader_id || mark.daemon) &&
		    !pidset_has(&a->adopted, pid))
			continue; /* the kernel's, from an exec: not ours to judge */
		if (!j.id) {
			/* a process that holds BPF objects and is no loader */
			if (first && !pidset_has(&a->said, pid) &&
			    (fds = procfs_bpf_fds(PROC, pid)) > 0) {
				report(a, pid, WB_ACT_DENIED_TASK, j.reason, 0, j.path,
				       (__u32)fds);
				pidset_add(&a->said, pid);
				a->st->not_loaders++;
			}
			continue;
		}
		if (nc == cap) {
			struct cand *nv;

			cap = cap ? 2 * cap : 16;
			nv = realloc(c, cap * sizeof(*c));
			if (!nv) {
				err = -ENOMEM;
				break;
			}
			c = nv;
		}
		memset(&c[nc], 0, sizeof(c[nc]));
		c[nc].pid = pid;
		c[nc].id = j.id;
		if (procfs_tids(PROC, pid, &c[nc].tids, &c[nc].nr) || !c[nc].nr)
			continue;
		if (cand_stage_reqs(&c[nc])) {
			cand_free(&c[nc]);
			err = -ENOMEM;
			break;
		}
		nc++;
	}
	free(pids);
	*out = c;
	*nout = nc;
	return err;
}

/* One round; the number of processes it marked or found wanting, which
 * the next round would see again had anything changed. */
static int round_(struct adopter *a, bool first, size_t *changed)
{
	struct cand *c = NULL;
	struct judged j;
	size_t nc = 0, tids = 0;
	int err;

	*changed = 0;
	err = find(a, first, &c, &nc);
	for (size_t i = 0; i < nc; i++)
		tids += c[i].nr;
	if (!err && tids > WB_MAX_ADOPT)
		err = -E2BIG;
	if (err || !nc)
		goto out;
	err = pass(a, c, nc); /* stage */
	if (err)
		goto out;
	for (size_t i = 0; i < nc; i++) {
		/* now the real check: what the process does from here on
		 * makes the commit fail */
		if (judge(a, c[i].pid, true, &j))
			memset(&j, 0, sizeof(j));
		if (!j.id && j.reason) {
			if (!pidset_has(&a->said, c[i].pid)) {
				report(a, c[i].pid, WB_ACT_DENIED_TASK, j.reason, c[i].id, j.path,
				       0);
				pidset_add(&a->said, c[i].pid);
				a->st->refused++;
			}
			pidset_add(&a->refused, c[i].pid);
		}
		c[i].failed = !j.id;
		cand_commit_reqs(&c[i], &j);
		if (j.id)
			c[i].id = j.id;
	}
	err = pass(a, c, nc); /* commit (or abort) */
	if (err)
		goto out;
	for (size_t i = 0; i < nc; i++) {
		bool any = false;

		c[i].raced = cand_settle_reqs(&c[i]);
		for (size_t k = 0; k < c[i].nr; k++)
			any |= c[i].reqs[k].op == WB_ADOPT_COMMIT ||
			       (c[i].reqs[k].op == 0 && c[i].reqs[k].result == WB_ADOPT_DONE &&
				!c[i].failed);
		if (c[i].raced) {
			(*changed)++;
			continue;
		}
		if (c[i].failed || !any)
			continue;
		(*changed)++;
		pidset_add(&a->adopted, c[i].pid);
		if (!pidset_has(&a->said, c[i].pid)) {
			char exe[WB_PATH_LEN];
			bool deleted;

			if (procfs_exe_path(PROC, c[i].pid, exe, sizeof(exe), &deleted))
				exe[0] = '\0';
			report(a, c[i].pid, WB_ACT_APPROVED, WB_R_NONE, c[i].id, exe, 0);
			pidset_add(&a->said, c[i].pid);
			a->st->adopted++;
		}
	}
	err = pass(a, c, nc); /* the aborts */
out:
	for (size_t i = 0; i < nc; i++)
		cand_free(&c[i]);
	free(c);
	return err;
}

static int verifiers_load(struct adopter *a)
{
	const struct wb_policy *pol = &a->gk->cur.pol;
	char err[512];

	if (!pol->nr_trust_certs)
		return 0;
	a->verifiers = calloc(pol->nr_trust_certs, sizeof(struct fsv_verifier *));
	if (!a->verifiers)
		return -ENOMEM;
	for (size_t i = 0; i < pol->nr_trust_certs; i++) {
		if (fsv_verifier_load(pol->trust_certs[i], &a->verifiers[a->nr_verifiers], err,
				      sizeof(err))) {
			p_info("warning: adopt: %s", err);
			continue;
		}
		a->nr_verifiers++;
	}
	return 0;
}

int adopt_running(struct gatekeeper *gk, struct adopt_stats *st)
{
	struct adopter a = { .gk = gk, .skel = gk->skel, .st = st };
	size_t changed = 0;
	__u32 zero_gen;
	int err, r;

	memset(st, 0, sizeof(*st));
	a.reqs_fd = bpf_map__fd(a.skel->maps.adopt_reqs);
	a.marks_fd = bpf_map__fd(a.skel->maps.task_marks);
	a.gen = __atomic_load_n(&a.skel->bss->active_gen, __ATOMIC_SEQ_CST) & 1;
	zero_gen = a.gen;
	if (bpf_map_lookup_elem(bpf_map__fd(a.skel->maps.defaults), &zero_gen, &a.defaults))
		return -errno;
	err = verifiers_load(&a);
	if (err)
		goto out;
	a.link = bpf_program__attach_iter(a.skel->progs.wb_adopt, NULL);
	if (!a.link) {
		err = -errno;
		goto out;
	}
	for (r = 0; r < MAX_ROUNDS; r++) {
		err = round_(&a, r == 0, &changed);
		st->rounds = r + 1;
		if (err || !changed)
			break;
	}
	if (!err && changed)
		st->unsettled = true;
out:
	bpf_link__destroy(a.link);
	for (size_t i = 0; i < a.nr_verifiers; i++)
		fsv_verifier_free(a.verifiers[i]);
	free(a.verifiers);
	free(a.said.v);
	free(a.refused.v);
	free(a.adopted.v);
	return err;
}

void adopt_say(const struct adopt_stats *st, int err)
{
	if (err) {
		p_err("adopting running processes: %s (adopted %u before it stopped)",
		      strerror(-err), st->adopted);
		return;
	}
	p_info("adopted %u running process%s as loaders (%u refused, %u holding BPF objects "
	       "without being loaders; %u round%s)",
	       st->adopted, st->adopted == 1 ? "" : "es", st->refused, st->not_loaders, st->rounds,
	       st->rounds == 1 ? "" : "s");
	if (st->unsettled)
		p_info("warning: adoption did not settle in %u rounds: processes that fork or exec "
		       "that fast may be left without their mark",
		       st->rounds);
}
