#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The Debian package (debian/), for "make deb" and "make check-deb".
#
#   scripts/deb.sh build   dpkg-buildpackage -us -uc -b on a copy of the
#                          tree in a temporary directory; the .deb goes to
#                          dist/; lintian must report no error and no
#                          warning on it.
#   scripts/deb.sh check   build, then as root: the package's files
#                          (dpkg -c), dpkg -i, sockstat -an, sockstat
#                          top, man -w sockstat, the completion,
#                          dpkg --purge.
#
# The copy keeps the tree free of dpkg-buildpackage's files (debian/tmp,
# debian/files, objects), so that make clean leaves it as cloned.
set -eu
cd "$(dirname "$0")/.."
what=${1:-build}
pkg=sockstat-linux
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sockstat-deb.XXXXXX")
installed=0
cleanup() {
	if [ "$installed" -eq 1 ]; then
		dpkg --purge "$pkg" >/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

build() {
	mkdir "$tmp/src"
	# The tree as it is (committed or not), without git or build output.
	tar --exclude=./.git --exclude=./dist -cf - . | tar -C "$tmp/src" -xf -
	make -C "$tmp/src" --no-print-directory clean >/dev/null
	echo "dpkg-buildpackage -us -uc -b (in $tmp/src)"
	(cd "$tmp/src" && dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1 ||
	    { tail -n 40 "$tmp/build.log"; echo "deb: the build failed"; exit 1; }
	mkdir -p dist
	rm -f dist/"$pkg"_*.deb
	cp "$tmp"/"$pkg"_*.deb dist/
	deb=$(ls dist/"$pkg"_*.deb)
	echo "built $deb"
	# No error and no warning (E: or W:); info and pedantic tags are
	# printed but pass.
	lintian --fail-on error,warning --info "$deb" "$tmp"/*.changes
	echo "lintian: no error, no warning"
}

# want PATH: dpkg -c lists it.
want() {
	if grep -q " \./${1#/}\$" "$tmp/contents"; then
		echo "ok - the package holds $1"
	else
		echo "not ok - the package holds $1"
		fail=1
	fi
}

check() {
	[ "$(id -u)" -eq 0 ] || { echo "check-deb: run as root (dpkg -i)"; exit 1; }
	if dpkg -s sockstat >/dev/null 2>&1; then
		echo "check-deb: Debian's sockstat is installed; it conflicts"
		exit 1
	fi
	if dpkg -s "$pkg" >/dev/null 2>&1; then
		echo "check-deb: $pkg is installed already: not touching it"
		exit 1
	fi
	fail=0
	dpkg -c "$deb" | sed 's/ -> .*//' >"$tmp/contents"
	want /usr/bin/sockstat
	want /usr/libexec/sockstat/sockstat-top
	want /usr/share/man/man8/sockstat.8.gz
	want /usr/share/bash-completion/completions/sockstat
	want /usr/share/zsh/vendor-completions/_sockstat
	want /lib/systemd/system/sockstat-metrics.service
	want /lib/systemd/system/sockstat-metrics.timer
	want /usr/share/doc/$pkg/copyright
	installed=1
	dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1 ||
	    { cat "$tmp/dpkg.log"; echo "not ok - dpkg -i"; exit 1; }
	echo "ok - dpkg -i $deb"
	if /usr/bin/sockstat -an >"$tmp/an" 2>"$tmp/an.err" &&
	    head -n 1 "$tmp/an" | grep -q '^Active Internet connections'; then
		echo "ok - /usr/bin/sockstat -an"
	else
		echo "not ok - /usr/bin/sockstat -an"; cat "$tmp/an.err"; fail=1
	fi
	# sockstat top runs the installed sockstat-top.
	if /usr/bin/sockstat top -b -n 1 >"$tmp/top" 2>"$tmp/top.err" &&
	    head -n 1 "$tmp/top" | grep -q '^sockstat top - '; then
		echo "ok - /usr/bin/sockstat top -b -n 1"
	else
		echo "not ok - /usr/bin/sockstat top -b -n 1"
		cat "$tmp/top.err"; fail=1
	fi
	m=$(man -w sockstat 2>&1)
	if [ "$m" = /usr/share/man/man8/sockstat.8.gz ]; then
		echo "ok - man -w sockstat: $m"
	else
		echo "not ok - man -w sockstat: $m"; fail=1
	fi
	# The installed completion, in a login-like bash with bash-completion.
	got=$(bash -c '. /usr/share/bash-completion/bash_completion
	    _completion_loader sockstat
	    COMP_WORDS=(sockstat --sou); COMP_CWORD=1; _sockstat_bash
	    echo "${COMPREPLY[*]}"' 2>&1)
	if [ "$got" = --source ]; then
		echo "ok - the installed bash completion: --sou -> --source"
	else
		echo "not ok - the installed bash completion: --sou -> $got"; fail=1
	fi
	if command -v systemd-analyze >/dev/null 2>&1; then
		if SYSTEMD_LOG_LEVEL=err systemd-analyze verify \
		    /lib/systemd/system/sockstat-metrics.service \
		    /lib/systemd/system/sockstat-metrics.timer >"$tmp/sa" 2>&1
		then
			echo "ok - systemd-analyze verify: the units"
		else
			echo "not ok - systemd-analyze verify"; cat "$tmp/sa"; fail=1
		fi
	fi
	dpkg --purge "$pkg" >/dev/null
	installed=0
	if [ -e /usr/bin/sockstat ] || dpkg -s "$pkg" >/dev/null 2>&1; then
		echo "not ok - dpkg --purge leaves nothing"; fail=1
	else
		echo "ok - dpkg --purge leaves nothing"
	fi
	[ "$fail" -eq 0 ]
}

case $what in
build) build ;;
check) build; check ;;
*) echo "usage: scripts/deb.sh [build | check]" >&2; exit 2 ;;
esac
