/* SPDX-License-Identifier: GPL-2.0 */
/*
 * programs.signed: required, judged at lsm/bpf_prog_load.
 *
 * Where the kernel records its verdict (struct bpf_prog_aux has
 * sig.verdict: Debian's 7.2, upstream's Documentation/bpf/signing.rst),
 * a program passes only if the kernel verified its PKCS#7 signature
 * (BPF_SIG_VERIFIED) against the keyring of trust.certs the daemon made
 * (fsverity/keyring.h): the loader names it in attr->keyring_id by its
 * serial. A signature a loader's own keyring verifies is no signature by
 * trust.certs (any root process can make a keyring and a key), and the
 * system keyrings hold the distribution's keys, not trust.certs.
 *
 * Why this hook: the kernel verifies the signature before it calls
 * security_bpf_prog_load(), and a failed verification (bad signature,
 * unknown key, unknown keyring) ends the load there, so the hook never
 * sees it; the verdict and keyring fields are final when the hook runs
 * (signing.rst, "Admission": first in bpf_prog_load() before the hook,
 * later inside bpf_check() before its call of the hook; the selftest
 * lsm_signature_verdict reads them at lsm/bpf_prog_load). What the kernel
 * checks after the hook (a signed program binding a map or BTF the
 * signature does not cover) fails the load, never widens it, so no later
 * hook (lsm/bpf_prog, at the fd) needs to judge again.
 *
 * Elsewhere the meaning is what it always was, "a signature was attached"
 * (attr->signature, 6.18+): on 6.18 and later the kernel has verified it
 * by then, but against a keyring the loader chose; before 6.18 union
 * bpf_attr has no signature and every load is denied. User space tells
 * which meaning is in force from the kernel's BTF (gatekeeper/prog_sig.c),
 * the BTF these CO-RE relocations are resolved against.
 */
#ifndef WATCHBPF_SIGNED_BPF_H
#define WATCHBPF_SIGNED_BPF_H

#include "bpf/common.bpf.h"

/* union bpf_attr of kernels with signed programs (6.18+). */
union bpf_attr___signed {
	struct {
		__u64 signature;
	};
} __attribute__((preserve_access_index));

/* struct bpf_prog_aux of kernels that record the verdict. */
struct bpf_prog_aux___sig {
	struct {
		__s32 keyring_serial;
		__u8 keyring_type;
		__u8 verdict;
	} sig;
} __attribute__((preserve_access_index));

/* Kernel-internal enums (include/linux/bpf.h): their values are relocated
 * too, and only read where the field exists. */
enum bpf_sig_verdict___wb {
	BPF_SIG_VERIFIED___wb = 1,
};

enum bpf_sig_keyring___wb {
	BPF_SIG_KEYRING_USER___wb = 4,
};

/* Whether PROG's signature satisfies programs.signed: required; else
 * *detail says why not (WB_SIG_*, for the log). */
static __always_inline bool prog_signed(struct bpf_prog *prog, union bpf_attr *attr,
					__u32 *detail)
{
	struct bpf_prog_aux___sig *aux = (void *)prog->aux;
	union bpf_attr___signed *sa = (void *)attr;
	struct wbpf_defaults *d;
	__s32 serial;

	*detail = WB_SIG_NONE;
	if (!bpf_core_field_exists(aux->sig.verdict))
		return bpf_core_field_exists(sa->signature) && BPF_CORE_READ(sa, signature);
	if (!bpf_core_enum_value_exists(enum bpf_sig_verdict___wb, BPF_SIG_VERIFIED___wb) ||
	    !bpf_core_enum_value_exists(enum bpf_sig_keyring___wb, BPF_SIG_KEYRING_USER___wb))
		return false;
	if (BPF_CORE_READ(aux, sig.verdict) !=
	    bpf_core_enum_value(enum bpf_sig_verdict___wb, BPF_SIG_VERIFIED___wb))
		return false;
	d = defaults_of(current_gen());
	serial = BPF_CORE_READ(aux, sig.keyring_serial);
	if (d && d->keyring && serial == d->keyring &&
	    BPF_CORE_READ(aux, sig.keyring_type) ==
		    bpf_core_enum_value(enum bpf_sig_keyring___wb, BPF_SIG_KEYRING_USER___wb))
		return true;
	*detail = WB_SIG_OTHER_KEYRING;
	return false;
}

#endif
