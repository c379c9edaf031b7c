/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel keyring the BPF side checks loader signatures against with
 * bpf_lookup_user_key(serial, 0) and bpf_verify_pkcs7_signature().
 *
 * Why the daemon's process keyring holds it:
 *  - bpf_lookup_user_key() runs in whatever task execs a loader. A
 *    positive serial is found from any task (lookup_user_key() ->
 *    key_lookup(), no possession needed; flags 0 is right:
 *    KEY_LOOKUP_CREATE only matters for the special negative IDs, which
 *    would name the exec'ing task's keyrings, and KEY_LOOKUP_PARTIAL would
 *    accept uninstantiated keys). The permission check is deferred to
 *    bpf_verify_pkcs7_signature(), whose key search treats the keyring as
 *    possessed (find_asymmetric_key() -> keyring_search(make_key_ref(kr,
 *    1))): the possessor's "search" bit on the keyring and its keys is what
 *    matters, whoever the task is.
 *  - Its lifetime is the daemon's: the process keyring goes when the
 *    daemon exits or crashes, so trust never outlives the gatekeeper, and
 *    a lookup of a stale serial fails closed. A session or user keyring
 *    would outlive it, and every process of the session (or of root)
 *    possesses it, so could unlink ours from it and end it.
 *  - Children do not inherit it (fork clears the process keyring), so no
 *    loader the daemon might start possesses it.
 *
 * Once the certificates are in, the keyring is locked: restricted so that
 * nothing more can be linked into it, and its permissions cut to possessor
 * view/read/search plus owner view, so that no process, the daemon
 * included, can add, remove or re-permit keys. Only invalidation (which
 * needs "search", i.e. the daemon's possession) removes it.
 *
 * Possession is per thread before a process keyring exists: create it
 * from the thread that will destroy it, before starting other threads.
 */
#ifndef WATCHBPF_FSVERITY_KEYRING_H
#define WATCHBPF_FSVERITY_KEYRING_H

#include <stddef.h>
#include <stdint.h>

/*
 * Creates a keyring holding every certificate of the PEM files
 * cert_paths[0..n) (a file may hold several; each must hold one) as
 * "asymmetric" keys, locks it (see above) and returns its serial. It is
 * described "DESC:N", N counting this process's keyrings, so that a new
 * one (a reload's) never displaces one still in force.
 * Returns 0 or -errno; on failure nothing is left behind and err names the
 * file and the reason (unreadable, not PEM, or what the kernel said).
 */
int trust_keyring_create(const char *desc, char *const *cert_paths, size_t n, int32_t *serial_out,
			 char *err, size_t errlen);
/* Invalidates it: every later lookup of the serial fails. */
void trust_keyring_destroy(int32_t serial);

#endif
