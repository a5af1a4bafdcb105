#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Checks that what sockstat needs to build, test and demo is there, by
# looking for it (pkg-config modules, headers, programs), not by asking a
# package manager.  Run by "make demo" and "make check" before anything
# else, so that two commands from the README are the whole set-up on a
# fresh Debian or Ubuntu machine.  make and a C compiler come first: this
# script is run by make, and says so when no compiler is found.
#
#   scripts/deps.sh build   libraries and tools needed to build and run
#   scripts/deps.sh check   the above plus what the tests use
#   scripts/deps.sh bench   the above for make bench and make load: the
#                           peers compared (ss, netstat, lsof), ip,
#                           unshare and python3
#   scripts/deps.sh deb     what make deb and make check-deb use
#                           (debhelper, lintian, man-db)
#   scripts/deps.sh prometheus  what make check-prometheus runs: a
#                           Prometheus server, node_exporter, promtool
#
# What is missing is named with the packages that provide it.  On Debian
# and Ubuntu, as root, it says what it is about to install and runs
# apt-get; otherwise, and on Fedora (dnf), Arch (pacman) and Alpine (apk),
# it prints the exact command to run and exits 1, rather than
# half-building.  Exit 0 when nothing is missing.
#
# Environment: CC (cc), PKG_CONFIG (pkg-config), SOCKSTAT_NO_INSTALL=1
# (report only, never install), OS_RELEASE (/etc/os-release: which
# distribution to name packages for).
set -eu

want=${1:-build}
case $want in
build | check | bench | deb | prometheus) ;;
*) echo "usage: scripts/deps.sh [build | check | bench | deb | prometheus]" >&2
	exit 2 ;;
esac
: "${CC:=cc}" "${PKG_CONFIG:=pkg-config}" "${OS_RELEASE:=/etc/os-release}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sockstat-deps.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

have() { command -v "$1" >/dev/null 2>&1; }

# Administration programs live in sbin, which a user's PATH may lack.
have_admin() { have "$1" || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }

# compiles FILE... : the C file compiles and links with $CC.
compiles() {
	"$CC" -o "$tmp/a.out" "$@" >"$tmp/cc.log" 2>&1
}

# header H MODULE: <H> is found with MODULE's pkg-config flags.
header() {
	printf '#include <%s>\nint main(void) { return 0; }\n' "$1" >"$tmp/h.c"
	# shellcheck disable=SC2046
	compiles $($PKG_CONFIG --cflags "$2" 2>/dev/null) "$tmp/h.c"
}

# The major version of the installed clang, or nothing.
clang_major() {
	clang --version 2>/dev/null |
	    sed -n 's/.*clang version \([0-9][0-9]*\).*/\1/p' | head -n 1
}

# clang links a libFuzzer target (its runtime is a separate package).
fuzzer_rt() {
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
	    '{ (void)d; (void)n; return 0; }' >"$tmp/f.c"
	clang -fsanitize=fuzzer -o "$tmp/f.out" "$tmp/f.c" >/dev/null 2>&1
}

# test NEED: true when NEED is there.  The needs are named after what
# the build or the tests use, not after packages.
test_need() {
	case $1 in
	cc) have "$CC" ;;
	pkg-config) have "$PKG_CONFIG" ;;
	libmnl) $PKG_CONFIG --exists libmnl 2>/dev/null &&
	    header libmnl/libmnl.h libmnl ;;
	libcap) $PKG_CONFIG --exists libcap 2>/dev/null &&
	    header sys/capability.h libcap ;;
	cmocka) $PKG_CONFIG --exists cmocka 2>/dev/null ;;
	ncursesw) $PKG_CONFIG --exists ncursesw 2>/dev/null &&
	    header curses.h ncursesw ;;
	clang-fuzzer) have clang && fuzzer_rt ;;
	ip | ss | setcap) have_admin "$1" ;;
	bash-completion) [ -f /usr/share/bash-completion/bash_completion ] ;;
	node_exporter) have prometheus-node-exporter || have node_exporter ;;
	prometheus-client) /usr/bin/python3 -c 'import prometheus_client' \
	    >/dev/null 2>&1 ;;
	*) have "$1" ;;
	esac
}

# The distribution, by ID and ID_LIKE of os-release: debian, fedora,
# arch, alpine, or unknown.
distro() {
	ids=$( (. "$OS_RELEASE" 2>/dev/null && echo "${ID:-} ${ID_LIKE:-}") ||
	    true)
	for id in $ids; do
		case $id in
		debian | ubuntu) echo debian; return ;;
		fedora | rhel | centos) echo fedora; return ;;
		arch) echo arch; return ;;
		alpine) echo alpine; return ;;
		esac
	done
	echo unknown
}

# pkg DISTRO NEED: the package that provides NEED there.
pkg() {
	case $1:$2 in
	*:cc) case $1 in alpine) echo "gcc musl-dev" ;; *) echo gcc ;; esac ;;
	debian:pkg-config) echo pkg-config ;;
	fedora:pkg-config) echo pkgconf-pkg-config ;;
	*:pkg-config) echo pkgconf ;;
	debian:libmnl | alpine:libmnl) echo libmnl-dev ;;
	fedora:libmnl) echo libmnl-devel ;;
	arch:libmnl) echo libmnl ;;
	debian:libcap | alpine:libcap) echo libcap-dev ;;
	fedora:libcap) echo libcap-devel ;;
	arch:libcap) echo libcap ;;
	debian:cmocka) echo libcmocka-dev ;;
	fedora:cmocka) echo libcmocka-devel ;;
	arch:cmocka) echo cmocka ;;
	alpine:cmocka) echo cmocka-dev ;;
	*:mandoc) echo mandoc ;;
	debian:ncursesw) echo libncurses-dev ;;
	fedora:ncursesw) echo ncurses-devel ;;
	arch:ncursesw) echo ncurses ;;
	alpine:ncursesw) echo ncurses-dev ;;
	*:tmux) echo tmux ;;
	fedora:ip | fedora:ss) echo iproute ;;
	*:ip | *:ss) echo iproute2 ;;
	*:netstat) echo net-tools ;;
	*:lsof) echo lsof ;;
	arch:python3) echo python ;;
	*:python3) echo python3 ;;
	*:valgrind) echo valgrind ;;
	*:clang) echo clang ;;
	debian:clang-fuzzer) clang_rt_deb ;;
	*:clang-fuzzer) echo compiler-rt ;;
	alpine:unshare) echo util-linux-misc ;;
	alpine:setpriv) echo setpriv ;;
	alpine:nsenter) echo nsenter ;;
	*:unshare | *:setpriv | *:nsenter) echo util-linux ;;
	*:zsh) echo zsh ;;
	*:bash-completion) echo bash-completion ;;
	debian:dpkg-buildpackage) echo dpkg-dev ;;
	debian:dh) echo debhelper ;;
	*:lintian) echo lintian ;;
	debian:man) echo man-db ;;
	*:prometheus | *:promtool) echo prometheus ;;
	fedora:node_exporter) echo golang-github-prometheus-node-exporter ;;
	*:node_exporter) echo prometheus-node-exporter ;;
	debian:prometheus-client) echo python3-prometheus-client ;;
	fedora:prometheus-client) echo python3-prometheus_client ;;
	arch:prometheus-client) echo python-prometheus_client ;;
	alpine:prometheus-client) echo py3-prometheus-client ;;
	debian:setcap) echo libcap2-bin ;;
	alpine:setcap) echo libcap-utils ;;
	*:setcap) echo libcap ;;
	esac
}

# Debian's clang runtime (libFuzzer) package for the installed clang:
# libclang-rt-N-dev from 14 on, inside libclang-common-N-dev before; the
# default clang's when clang itself is still to be installed.
clang_rt_deb() {
	m=$(clang_major)
	if [ -z "$m" ] && have apt-cache; then
		m=$(apt-cache depends clang 2>/dev/null |
		    sed -n 's/.*Depends: clang-\([0-9][0-9]*\)$/\1/p' | head -n 1)
	fi
	if [ -z "$m" ]; then
		echo libclang-rt-dev
	elif [ "$m" -ge 14 ]; then
		echo "libclang-rt-$m-dev"
	else
		echo "libclang-common-$m-dev"
	fi
}

if ! have "$CC"; then
	echo "sockstat: no C compiler ($CC): install make and gcc or clang first" >&2
fi

needs="cc pkg-config libmnl libcap ncursesw"
[ "$want" = check ] && needs="$needs cmocka mandoc ip ss netstat lsof python3
    valgrind clang clang-fuzzer unshare setpriv setcap zsh bash-completion
    nsenter"
[ "$want" = bench ] && needs="$needs ip ss netstat lsof python3 unshare"
# sockstat top's screen is driven in a real terminal by t_top.
[ "$want" = check ] && needs="$needs tmux"
# Only for the targets that need them: plain "make check" installs no
# Prometheus and no packaging tools.
[ "$want" = deb ] && needs="$needs cmocka dpkg-buildpackage dh lintian man"
[ "$want" = prometheus ] && needs="$needs prometheus node_exporter promtool
    curl python3 prometheus-client"
missing=
for n in $needs; do
	test_need "$n" || missing="$missing $n"
done
[ -z "$missing" ] && exit 0

d=$(distro)
if [ "$d" = unknown ]; then
	echo "sockstat: missing:$missing (unknown distribution: install what provides them)" >&2
	exit 1
fi
pkgs=
for n in $missing; do
	for p in $(pkg "$d" "$n"); do
		case " $pkgs " in *" $p "*) ;; *) pkgs="$pkgs $p" ;; esac
	done
done
case $d in
debian) cmd="apt-get install -y$pkgs" ;;
fedora) cmd="dnf install -y$pkgs" ;;
arch) cmd="pacman -S --needed$pkgs" ;;
alpine) cmd="apk add$pkgs" ;;
esac
echo "sockstat: missing:$missing" >&2

if [ "$d" = debian ] && [ "$(id -u)" -eq 0 ] && have apt-get &&
    [ "${SOCKSTAT_NO_INSTALL:-0}" != 1 ]; then
	echo "sockstat: installing with apt-get:$pkgs" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
	still=
	for n in $missing; do
		test_need "$n" || still="$still $n"
	done
	[ -z "$still" ] && exit 0
	echo "sockstat: still missing after the install:$still" >&2
	exit 1
fi
sudo=
[ "$(id -u)" -eq 0 ] || sudo="sudo "
if [ "$d" = debian ]; then
	echo "run: ${sudo}apt-get update && $sudo$cmd" >&2
else
	echo "run: $sudo$cmd" >&2
fi
exit 1
