#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# scripts/deps.sh decides by what the build needs (programs, pkg-config
# modules, headers), not by dpkg: with dpkg and apt stripped from PATH it
# finds everything this machine has, and for what is missing it names the
# exact packages of each distribution (Debian's clang runtime matching
# the installed clang).  It never installs here: apt-get is not on the
# stripped PATH, and SOCKSTAT_NO_INSTALL=1 is set besides.
. "$SOCKSTAT_TESTS/lib.sh"

deps=$SOCKSTAT_TESTS/../../scripts/deps.sh
if ! sh "$deps" check >"$TMP/host.err" 2>&1; then
	ok "# skip: this machine lacks test dependencies: $(tail -n 1 "$TMP/host.err")"
	exit 0
fi
export SOCKSTAT_NO_INSTALL=1

# $TMP/all: every program of PATH but dpkg* and apt*, as symlinks (the
# first of a name wins, as in PATH); strip_path copies it to $TMP/bin
# less the programs named in $drop.
mkdir "$TMP/all"
for d in $(printf '%s' "$PATH" | tr ':' ' '); do
	[ -d "$d" ] || continue
	ls "$d" | grep -v '^dpkg\|^apt' | sed "s|^|$d/|" |
	    xargs ln -s -t "$TMP/all" 2>/dev/null
done
strip_path() {
	rm -rf "$TMP/bin"
	cp -a "$TMP/all" "$TMP/bin"
	for n in $drop; do rm -f "$TMP/bin/$n"; done
}

# osr ID [ID_LIKE]: an os-release file for that distribution.
osr() { printf 'ID=%s\nID_LIKE="%s"\n' "$1" "${2:-}" >"$TMP/os-$1"; }
for d in debian fedora arch alpine; do osr $d; done
osr ubuntu debian
osr rocky "rhel centos fedora"
osr plan9

if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo="sudo "; fi

drop=
strip_path
PATH=$TMP/bin OS_RELEASE=$TMP/os-debian sh "$deps" check >"$TMP/o" 2>&1
check "no dpkg or apt on PATH, everything installed: deps.sh check exits 0, silent" \
    sh -c "[ $? -eq 0 ] && [ ! -s '$TMP/o' ]"
PATH=$TMP/bin sh "$deps" build >"$TMP/o" 2>&1
check "no dpkg or apt on PATH: deps.sh build exits 0" [ $? -eq 0 ]

# expect NAME OSID WANT LINE: deps.sh (stripped PATH) exits 1 and its last
# line is LINE.
expect() {
	PATH=$TMP/bin OS_RELEASE=$TMP/os-$2 sh "$deps" "$3" >"$TMP/o" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && [ "$(tail -n 1 "$TMP/o")" = "$4" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   exit $rc, expected last line: $4"
		sed 's/^/#   /' "$TMP/o"
	fi
}

drop="netstat lsof"
strip_path
expect "no netstat, lsof: Debian command" debian check \
    "run: ${sudo}apt-get update && ${sudo}apt-get install -y net-tools lsof"
expect "no netstat, lsof: Ubuntu is Debian" ubuntu check \
    "run: ${sudo}apt-get update && ${sudo}apt-get install -y net-tools lsof"
expect "no netstat, lsof: Fedora command" fedora check \
    "run: ${sudo}dnf install -y net-tools lsof"
expect "no netstat, lsof: a Fedora-like (ID_LIKE) command" rocky check \
    "run: ${sudo}dnf install -y net-tools lsof"
expect "no netstat, lsof: Arch command" arch check \
    "run: ${sudo}pacman -S --needed net-tools lsof"
expect "no netstat, lsof: Alpine command" alpine check \
    "run: ${sudo}apk add net-tools lsof"
expect "no netstat, lsof: unknown distribution names the needs" plan9 check \
    "sockstat: missing: netstat lsof (unknown distribution: install what provides them)"
PATH=$TMP/bin OS_RELEASE=$TMP/os-debian sh "$deps" build >"$TMP/o" 2>&1
check "no netstat, lsof: deps.sh build does not need them" [ $? -eq 0 ]
# make bench compares against them: a fresh machine gets them first.
expect "no netstat, lsof: deps.sh bench names them" debian bench \
    "run: ${sudo}apt-get update && ${sudo}apt-get install -y net-tools lsof"
expect "no netstat, lsof: deps.sh bench on Fedora" fedora bench \
    "run: ${sudo}dnf install -y net-tools lsof"

# A pkg-config that knows no libmnl: the library is missing even though
# its files may be there.
drop="pkg-config"
strip_path
real_pc=$(command -v pkg-config)
cat >"$TMP/bin/pkg-config" <<EOS
#!/bin/sh
for a in "\$@"; do [ "\$a" = libmnl ] && exit 1; done
exec "$real_pc" "\$@"
EOS
chmod +x "$TMP/bin/pkg-config"
expect "no libmnl module: Debian package" debian build \
    "run: ${sudo}apt-get update && ${sudo}apt-get install -y libmnl-dev"
expect "no libmnl module: Fedora package" fedora build \
    "run: ${sudo}dnf install -y libmnl-devel"
expect "no libmnl module: Arch package" arch build \
    "run: ${sudo}pacman -S --needed libmnl"

# A clang 16 without its fuzzer runtime: Debian's runtime package of
# that version, not of a pinned one.
drop="clang"
strip_path
cat >"$TMP/bin/clang" <<'EOS'
#!/bin/sh
case "$*" in
*--version*) echo "Debian clang version 16.0.6 (15)"; exit 0 ;;
*-fsanitize=fuzzer*) echo "cannot find libclang_rt.fuzzer" >&2; exit 1 ;;
esac
exit 1
EOS
chmod +x "$TMP/bin/clang"
expect "clang 16 without libFuzzer: libclang-rt-16-dev" debian check \
    "run: ${sudo}apt-get update && ${sudo}apt-get install -y libclang-rt-16-dev"
expect "clang without libFuzzer on Fedora: compiler-rt" fedora check \
    "run: ${sudo}dnf install -y compiler-rt"

# No C compiler: said first, whatever else is missing.
PATH=$TMP/bin CC=no-such-cc OS_RELEASE=$TMP/os-debian sh "$deps" build \
    >"$TMP/o" 2>&1
check "no C compiler: said first" \
    sh -c "head -n 1 '$TMP/o' | grep -q 'no C compiler (no-such-cc): install make and gcc or clang first'"
sh "$deps" nonsense >"$TMP/o" 2>&1
check "deps.sh with a bad word: usage, exit 2" [ $? -eq 2 ]
finish
