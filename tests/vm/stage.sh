#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Stages the test disk's content into DIR: the guest test library, the
# scenarios (all, or those whose name contains one of $SCENARIOS' words),
# test loaders and BPF objects. Usage: stage.sh DIR BUILD_DIR
set -euo pipefail
dir=$1 build=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$dir"
mkdir -p "$dir/bin" "$dir/bpf" "$dir/scenarios"
cp "$here/lib.sh" "$dir/lib.sh"
cp "$here/guest-main.sh" "$dir/scenario.sh"
for s in "$here"/scenarios/*.sh; do
	if [ -n "${SCENARIOS:-}" ]; then
		keep=0
		for w in $SCENARIOS; do case "$(basename "$s")" in *"$w"*) keep=1 ;; esac; done
		[ $keep = 1 ] || continue
	fi
	cp "$s" "$dir/scenarios/"
done
for p in "$build"/progs/*; do
	case "$p" in
	*.bpf.o) cp "$p" "$dir/bpf/" ;;
	*) cp "$p" "$dir/bin/" ;;
	esac
done
# Real loaders from Debian's packages, on the verity disk (their libraries
# are in the initramfs): bpftool, and libbpf-tools (statically linked
# against another libbpf than bpftool's)
mkdir -p "$dir/real"
for t in "$(command -v bpftool)" /usr/sbin/execsnoop /usr/sbin/opensnoop; do
	[ -x "$t" ] || { echo "stage.sh: $t missing (make deps installs it)" >&2; exit 1; }
done
# One copy per loader of the tests, each with its own digest: the same
# program with its loader's name appended (ELF ignores trailing bytes).
real() {
	cp "$1" "$dir/real/$2"
	printf '%s' "$2" >>"$dir/real/$2"
}
for n in bpftool alice bob carol b_type b_attach b_name b_size b_helper b_read b_none \
	k_open k_deny k_allow k_kread; do
	real "$(command -v bpftool)" $n
done
for n in exec x_helper x_read x_name x_size x_map; do
	real /usr/sbin/execsnoop $n
done
real /usr/sbin/opensnoop open
# The shared libraries of everything the initramfs runs, on the verity disk
# too: /init binds each over its initramfs copy, so that loaders' code lives
# on a file system with fs-verity, as on a real host, and can be enrolled.
for t in "$build/watchbpf" "$(command -v bpftool)" "$(command -v fsverity)" \
	"$(command -v keyctl)" /usr/sbin/execsnoop /usr/sbin/opensnoop; do
	for lib in $(ldd "$t" 2>/dev/null | grep -o '/[^ ]*' || true); do
		[ -e "$dir/sys$lib" ] && continue
		mkdir -p "$dir/sys$(dirname "$lib")"
		cp -L "$lib" "$dir/sys$lib"
	done
done
# the example policies, tried in the VM with the staged tools' digests
cp -r "$here/../../examples" "$dir/examples"

# watchbpf itself on the verity disk (a persistent daemon proves it is
# watchbpf by its digest), and a "new build" for upgrades: the same program
# with bytes appended, another digest
cp "$build/watchbpf" "$dir/bin/watchbpf"
cp "$build/watchbpf" "$dir/bin/wb-next"
printf 'next' >>"$dir/bin/wb-next"

# Imposter Alice: the same program with one byte changed
LC_ALL=C sed 's/alice-BUILD-TAG-0/alice-BUILD-TAG-1/' "$dir/bin/alice" >"$dir/bin/imposter"
chmod +x "$dir/bin/imposter"
cmp -s "$dir/bin/alice" "$dir/bin/imposter" && { echo "stage.sh: imposter equals alice" >&2; exit 1; }

# Signing: a CI key and an untrusted one, and Bob signed every which way.
# Signatures are made here (user.watchbpf.sig survives mkfs.ext4 -d); the
# guest turns fs-verity on.
keys=$dir/keys
mkdir -p "$keys" "$dir/signed"
for k in ci other; do
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$keys/$k.key" -out "$keys/$k.pem" \
		-days 30 -subj "/CN=watchbpf test $k" 2>/dev/null ||
		{ echo "stage.sh: openssl failed" >&2; exit 1; }
done
sign() { "$build/watchbpf" sign --key "$keys/$1.key" --cert "$keys/$1.pem" "$2" >/dev/null; }
cp "$dir/bin/bob" "$dir/signed/bob"
sign ci "$dir/signed/bob"
cp "$dir/bin/bob" "$dir/signed/bob-untrusted"
sign other "$dir/signed/bob-untrusted"
# the signature of another file: alice's, on a copy of bob
cp "$dir/bin/alice" "$dir/signed/alice"
sign ci "$dir/signed/alice"
cp "$dir/bin/bob" "$dir/signed/bob-othersig"
python3 -c 'import os, sys; os.setxattr(sys.argv[2], "user.watchbpf.sig", os.getxattr(sys.argv[1], "user.watchbpf.sig"))' \
	"$dir/signed/alice" "$dir/signed/bob-othersig"
# signed, then changed before fs-verity was turned on
cp "$dir/bin/bob" "$dir/signed/bob-modified"
sign ci "$dir/signed/bob-modified"
printf 'x' >>"$dir/signed/bob-modified"
cp "$dir/bin/bob" "$dir/signed/bob-unsigned"
# a library signed by the CI key: code trusted by its signature
cp "$build/progs/evil.so" "$dir/signed/lib-signed.so"
sign ci "$dir/signed/lib-signed.so"
# Signed BPF programs (94-signed-progs.sh): the instructions of an XDP
# program (r0 = XDP_PASS; exit) and detached PKCS#7 signatures of exactly
# those bytes, as the kernel verifies them: no signed attributes and no
# certificates (the key is found in the keyring), like scripts/sign-file.
sp=$dir/sigprog
mkdir -p "$sp"
printf '\267\000\000\000\002\000\000\000\225\000\000\000\000\000\000\000' >"$sp/pass.insns"
for k in ci other; do
	openssl cms -sign -binary -noattr -nocerts -md sha256 -outform DER -in "$sp/pass.insns" \
		-signer "$keys/$k.pem" -inkey "$keys/$k.key" -out "$sp/pass.$k.p7s" ||
		{ echo "stage.sh: openssl cms failed" >&2; exit 1; }
done
openssl x509 -in "$keys/other.pem" -outform DER -out "$sp/other.der"
# no PKCS#7 at all: the first bytes of a signature, cut short
head -c 40 "$sp/pass.ci.p7s" >"$sp/pass.bogus.p7s"
# collateral for alice
mkdir -p "$dir/coll"
cp "$dir/bpf/xdp_pass.bpf.o" "$dir/coll/good.o"
cp "$dir/bpf/xdp_pass.bpf.o" "$dir/coll/signed.o"
sign ci "$dir/coll/signed.o"
cp "$dir/bpf/xdp_pass.bpf.o" "$dir/coll/bad.o" 
[ "$(cmp -l "$dir/bin/alice" "$dir/bin/imposter" | wc -l)" = 1 ] ||
	{ echo "stage.sh: imposter must differ from alice in exactly one byte" >&2; exit 1; }
