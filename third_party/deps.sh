#!/bin/sh
# deps.sh: make sure the Debian packages the build and tests need are present.
# As root, missing ones are installed with apt-get (saying which); otherwise
# it names them and fails. With -n it only checks: it never runs apt, and
# names what is missing (the build's own check, before it compiles).
# Usage: deps.sh [-n] [build|test|bench|vm|systemd|engines|k8s]...
set -eu
check=
if [ "${1:-}" = -n ]; then check=1; shift; fi
need=""
want() { # want COMMAND-OR-FILE PACKAGE
	case $1 in
	/*) [ -e "$1" ] && return 0 ;;
	*) command -v "$1" >/dev/null 2>&1 && return 0 ;;
	esac
	case " $need " in *" $2 "*) ;; *) need="$need $2" ;; esac
}
for what in "${@:-build}"; do
	case $what in
	# (libseccomp's build: gperf for its syscall table, xz and patch for
	# Debian's source package, objcopy and nm for the allocator rename;
	# apt-get and sha256sum for third_party/fetch-libseccomp.sh)
	build) want musl-gcc musl-tools; want /usr/include/linux/openat2.h linux-libc-dev
	       want gperf gperf; want make make; want xz xz-utils; want patch patch
	       want objcopy binutils; want apt-get apt; want sha256sum coreutils ;;
	test)  want /bin/busybox busybox-static; want cc gcc; want ip iproute2; want jq jq
	       want dbus-daemon dbus-daemon
	       # a bundle from `runc spec` must run unchanged (refusals.sh)
	       want runc runc ;;
	bench) want runc runc; want crun crun ;;
	vm)    want qemu-system-x86_64 qemu-system-x86; want cpio cpio ;;
	systemd) want /lib/systemd/systemd systemd; want dbus-daemon dbus
	         want podman podman; want conmon conmon
	         want dockerd docker.io; want containerd containerd; want ctr containerd
	         want apparmor_parser apparmor ;;
	# the Kubernetes CRI tier (test/k8s): containerd's CRI plugin, the CNI
	# bridge, protoc for the CRI api.proto, python's gRPC for the client
	k8s)   want containerd containerd; want runc runc
	       want /usr/lib/cni/bridge containernetworking-plugins
	       want protoc protobuf-compiler
	       want /usr/lib/python3/dist-packages/grpc/__init__.py python3-grpcio
	       want /usr/lib/python3/dist-packages/google/protobuf/__init__.py python3-protobuf ;;
	*) echo "deps.sh: unknown group '$what'" >&2; exit 2 ;;
	esac
done
[ -z "$need" ] && exit 0
if [ -n "$check" ]; then
	echo "deps.sh: missing Debian packages:$need ('make deps' installs them, as root)" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing Debian packages:$need (install them as root)" >&2
	exit 1
fi
echo "deps.sh: installing Debian packages:$need"
export DEBIAN_FRONTEND=noninteractive
stamp=/var/lib/apt/periodic/ocibox-update-stamp
if [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440 2>/dev/null)" ]; then
	apt-get update -qq && mkdir -p "${stamp%/*}" && touch "$stamp"
fi
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $need >/dev/null
