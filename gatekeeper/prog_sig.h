/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which meaning `programs.signed: required` has on a kernel (see
 * bpf/signed.bpf.h), told from the kernel's BTF.
 */
#ifndef WATCHBPF_GATEKEEPER_PROG_SIG_H
#define WATCHBPF_GATEKEEPER_PROG_SIG_H

#include <stdbool.h>

struct btf;

enum prog_sig_meaning {
	PROG_SIG_NONE, /* union bpf_attr has no signature: every load denied */
	PROG_SIG_ATTACHED, /* a signature attached (the kernel checked it, against any keyring) */
	PROG_SIG_VERIFIED, /* the kernel's verdict, against trust.certs' keyring */
};

/* The member of struct bpf_prog_aux that holds the kernel's verdict, as
 * bpf/signed.bpf.h reads it. */
#define PROG_SIG_VERDICT_FIELD "sig.verdict"

/*
 * Whether BTF's struct NAME (or union) has the member PATH ("a.b.c"),
 * members of anonymous structs and unions counting as members of their
 * parent, as CO-RE's field relocations find them (libbpf's
 * bpf_core_match_member()).
 */
bool btf_has_member_path(const struct btf *btf, const char *name, const char *path);

enum prog_sig_meaning prog_sig_meaning(const struct btf *btf);

/* In words, for doctor and check --explain. */
const char *prog_sig_meaning_text(enum prog_sig_meaning m);

#endif
