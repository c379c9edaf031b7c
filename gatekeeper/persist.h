/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Persistent enforcement (--persist): the daemon pins its maps and links in
 * a bpffs instance of its own at /sys/fs/bpf/watchbpf, so its programs go on
 * deciding when it stops or dies. A daemon started later adopts the pinned
 * state: it loads its programs on the pinned maps (task marks, counters, the
 * ring buffer and its unread events, the policy in force), attaches them,
 * and only then replaces the old links' pins, so there is no moment without
 * enforcement. Only an exec of watchbpf's own executable (its fs-verity
 * digest in self_digests, not traced) may open the pins (bpf/pins.bpf.c).
 */
#ifndef WATCHBPF_PERSIST_H
#define WATCHBPF_PERSIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/watchbpf.h"

#define WB_PIN_DIR "/sys/fs/bpf/watchbpf"

struct bpf_link;
struct watchbpf;

struct persist {
	const char *dir; /* NULL: not persistent */
	bool adopted; /* a pinned state was found and taken over */
	struct wbpf_persist before; /* what the daemon before left in it */
};

/* Is there a pinned state at DIR (a bpffs mounted there, with our pins)? */
bool persist_found(const char *dir);

/*
 * Before the skeleton is loaded: when DIR holds a pinned state, every map
 * of the skeleton is set to reuse its pinned map (p->adopted, p->before),
 * else nothing changes. A pinned map of another layout (another build's)
 * is an error: the state stays as it is, and enforcing. 0, or -1 with err.
 */
int persist_reuse_maps(struct watchbpf *skel, struct persist *p, char *err, size_t len);

/*
 * After attach: mounts DIR and pins the maps (a new state), registers this
 * executable as watchbpf's own, and pins every attached link in place of
 * the old one of the same program, which goes only then; old links of
 * programs this build does not have go too. 0, or -1 with err.
 */
int persist_pin(struct watchbpf *skel, struct persist *p, char *err, size_t len);

/* Pins (add) or unpins the link of program NAME: the hooks that come and
 * go with the policy (collateral). 0, or -1 with err. */
int persist_pin_link(struct watchbpf *skel, struct persist *p, struct bpf_link *link,
		     const char *name, bool add, char *err, size_t len);

/* Registers FILE's fs-verity digest as watchbpf's own: an upgrade's new
 * executable, before the daemon execs it; when EXPECTED ("sha256:HEX", an
 * admin-signed upgrade's) is not NULL, only if the kernel measures that.
 * 0, or -1 with err. */
int persist_trust_exe(struct watchbpf *skel, const char *file, const char *expected, char *err,
		      size_t len);

/* The fs-verity digest of PATH as a map key (gen 0). 0, or -1 with why
 * (no fs-verity and why not, or cannot open). */
int self_measure(const char *path, struct wbpf_digest_key *key, char *why, size_t len);

/* Registers the libraries and dynamic linker of executable EXE, each with
 * fs-verity, as the only code a daemon made by an exec of watchbpf maps
 * (gatekeeper/self_code.c). 0, or -1 with err. */
int self_code_register(struct watchbpf *skel, const char *exe, char *err, size_t len);

/* Writes what the next daemon needs: now, the decisions and drops told,
 * the policy in force (POL_SHA256) and whether it names admin.certs. */
void persist_note(struct watchbpf *skel, const struct persist *p, uint64_t decisions,
		  uint64_t drops_told, bool stopped, const char *pol_sha256, bool admin_locked);

/*
 * Before anything of the pinned state changes: may a daemon with the policy
 * whose digest is POL_SHA256 adopt it? Not when the policy in force names
 * admin.certs and this is another policy: putting it in force takes a
 * signed reload. 0, or -1 with err.
 */
int persist_may_adopt(const struct persist *p, const char *pol_sha256, char *err, size_t len);

/* Ends enforcement: removes every pin and unmounts DIR. 0, or -1 with err. */
int persist_end(struct persist *p, char *err, size_t len);

#endif
