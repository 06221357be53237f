#!/bin/sh
# fetch-libseccomp.sh DIR PACKAGE=VERSION FILE SHA256 [FILE SHA256]...:
# put the files of a Debian source package into DIR, each checked against
# its pinned sha256 (libseccomp.mk holds the pin and calls this from
# `make deps`). A file already in DIR, or in third_party/dl/, with the right
# sum is used as it is; otherwise `apt-get source --download-only` fetches
# the package through a private apt configuration in DIR/../apt: deb-src
# entries derived from the machine's deb entries, its own lists and cache,
# so /etc and the system's package lists stay untouched. A file whose sum
# does not match is removed, and both sums are printed.
set -eu
[ $# -ge 4 ] || { echo "usage: $0 DIR PACKAGE=VERSION FILE SHA256..." >&2; exit 2; }
dir=$1 pkg=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
apt=${dir%/*}/apt

files="$*"
ok() { # FILE SHA256: FILE is in $dir with that sum
	echo "$2  $dir/$1" | sha256sum -c --quiet >/dev/null 2>&1
}
all_ok() { # FILE SHA256...
	while [ $# -ge 2 ]; do
		ok "$1" "$2" || return 1
		shift 2
	done
}

# offline first: third_party/dl/ (git-ignored) may hold them
(
	# shellcheck disable=SC2086
	set -- $files
	while [ $# -ge 2 ]; do
		if ! ok "$1" "$2" && [ -e "$here/dl/$1" ]; then
			echo "libseccomp: using third_party/dl/$1"
			cp "$here/dl/$1" "$dir/"
		fi
		shift 2
	done
)
# shellcheck disable=SC2086
if all_ok $files; then
	exit 0
fi

echo "libseccomp: fetching $pkg (Debian's source package) into $dir"
command -v apt-get >/dev/null 2>&1 || { echo "libseccomp: needs apt-get" >&2; exit 1; }
command -v sha256sum >/dev/null 2>&1 || { echo "libseccomp: needs sha256sum" >&2; exit 1; }
mkdir -p "$apt/sources.list.d" "$apt/lists/partial" "$apt/cache/archives/partial"
# deb-src entries from the system's deb entries: one-line sources.list(.d/
# *.list) lines and deb822 .sources stanzas alike (URIs, Suites, Components,
# Signed-By kept; Types becomes deb-src). No mirror is named here: the
# build uses whatever the machine is configured for.
echo "libseccomp: deriving deb-src entries from /etc/apt into $apt"
cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
	sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' | sort -u \
	> "$apt/sources.list"
for f in /etc/apt/sources.list.d/*.sources; do
	[ -e "$f" ] && cat "$f"
	echo
done | awk 'BEGIN { RS = ""; ORS = "\n\n" } {
	src = 0; out = ""; n = split($0, l, "\n")
	for (i = 1; i <= n; i++) {
		if (l[i] ~ /^Types:/) {
			if (l[i] ~ /[ \t]deb(-src)?([ \t]|$)/) src = 1
			l[i] = "Types: deb-src"
		}
		out = out l[i] "\n"
	}
	if (src) printf "%s\n", out
}' > "$apt/sources.list.d/deb-src.sources"
if [ ! -s "$apt/sources.list" ] && [ ! -s "$apt/sources.list.d/deb-src.sources" ]; then
	echo "libseccomp: no deb entries in /etc/apt/sources.list{,.d} to derive deb-src from" >&2
	exit 1
fi
# As root, apt would hand downloads to the _apt user, which cannot write
# into the build directory: APT::Sandbox::User=root.
set -- -o Dir::Etc::sourcelist="$apt/sources.list" \
	-o Dir::Etc::sourceparts="$apt/sources.list.d" \
	-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" \
	-o APT::Sandbox::User=root -o Acquire::Languages=none
echo "libseccomp: apt-get update (private lists in $apt)"
apt-get "$@" -qq update ||
	echo "libseccomp: warning: apt-get update reported errors; trying anyway"
echo "libseccomp: apt-get source --download-only $pkg"
(cd "$dir" && apt-get "$@" -qq source --download-only "$pkg")

# shellcheck disable=SC2086
set -- $files
bad=0
while [ $# -ge 2 ]; do
	if ok "$1" "$2"; then
		echo "libseccomp: $1: sha256 ok"
	else
		echo "libseccomp: $dir/$1: sha256 mismatch" >&2
		echo "  expected $2" >&2
		echo "  got      $(sha256sum < "$dir/$1" 2>/dev/null | cut -d' ' -f1)" >&2
		rm -f "$dir/$1"
		bad=1
	fi
	shift 2
done
exit $bad
