#!/usr/bin/env bash
# Install everything watchbpf needs to build, run the demo and run the tests on
# a Debian 12 (bookworm) machine.  Idempotent: does nothing when all is there.
#
# bookworm-backports is enabled with the mirror URI this machine already uses
# for Debian, so no registry host name is ever written by this project.
set -euo pipefail
. "$(dirname "$0")/apt-mirror.sh"

# debhelper 13.23: its dh_installsystemd finds units in /usr/lib/systemd/system
# (debian/, scripts/build-deb.sh)
BACKPORTS_PKGS="libbpf-dev bpftool qemu-system-x86 libelf-dev debhelper"
# libclang-rt-19-dev: the libFuzzer and sanitizer runtimes of clang-19 (make fuzz)
PKGS="libbpf-tools make gcc clang-19 libclang-rt-19-dev llvm-19 pkg-config libyaml-dev libssl-dev zlib1g-dev
      libkeyutils-dev keyutils fsverity busybox-static cpio e2fsprogs xz-utils
      openssl python3 gnuplot-nox python3-docutils bash-completion man-db dpkg-dev lintian
      python3-jsonschema python3-yaml graphviz"
# node and npm: tests/unit/k8s.sh validates the Kubernetes manifests; a node
# installed another way (with its own npm) is used as it is
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	PKGS="$PKGS nodejs npm"
fi
LIST=/etc/apt/sources.list.d/watchbpf-backports.sources

log() { printf 'deps: %s\n' "$*" >&2; }

# True when PKG is installed at a version >= MIN.
have_version() {
	local v
	v=$(dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null) || return 1
	case "$v" in "install ok installed "*) ;; *) return 1 ;; esac
	dpkg --compare-versions "${v##* }" ge "$2"
}

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
need_bpo=0
have_version libbpf-dev 1:1.4 || need_bpo=1
have_version qemu-system-x86 1:10 || need_bpo=1
have_version bpftool 7.4 || need_bpo=1
have_version libelf-dev 0.190 || need_bpo=1
have_version debhelper 13.23~ || need_bpo=1

if [ -z "$missing" ] && [ $need_bpo = 0 ]; then
	exit 0
fi
[ "$(id -u)" = 0 ] || { log "run as root to install:$missing (and backports)"; exit 1; }

if [ $need_bpo = 1 ] && [ ! -f "$LIST" ]; then
	mirror=$(debian_mirror) || { log "no Debian bookworm source found in /etc/apt"; exit 1; }
	log "enabling bookworm-backports from $mirror"
	cat >"$LIST" <<EOT
Types: deb
URIs: $mirror
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
fi
export DEBIAN_FRONTEND=noninteractive
log "installing packages"
apt-get update -qq
apt-get install -y -qq --no-install-recommends $PKGS >/dev/null
if [ $need_bpo = 1 ]; then
	apt-get install -y -qq --no-install-recommends -t bookworm-backports $BACKPORTS_PKGS >/dev/null
fi
log "done"
