#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Runs every tests/integration/t_*.sh against the real binary and prints
# "N passed, N failed".  As root each test file runs in a network
# namespace of its own (unshare -n), so the sockets it creates are the
# only ones the kernel reports and whole outputs can be compared with the
# peers'; no socket of an earlier file (a TIME_WAIT that expires, a
# connection still closing) can change a later file's comparison, since a
# namespace's sockets go with it.  Otherwise tests use loopback and look
# only at their own ports.
#
#   sh tests/integration/run.sh [path/to/sockstat] [t_name.sh ...]
#
# SOCKSTAT_NETNS=0 keeps every file in the current namespace.
# SOCKSTAT_AS_USER=nobody (run as root) runs the suite as that user
# instead, on the host's loopback: on a copy of the binaries (sockstat,
# sockstat-top) and the tests in a fresh directory that user can read,
# since the tree may sit in a directory only root can enter.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${1:-$top/sockstat}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
[ $# -gt 0 ] && shift

if [ -n "${SOCKSTAT_AS_USER:-}" ] && [ "$(id -u)" -eq 0 ]; then
	user=$SOCKSTAT_AS_USER
	unset SOCKSTAT_AS_USER
	copy=$(mktemp -d "${TMPDIR:-/tmp}/sockstat-as-$user.XXXXXX") || exit 1
	mkdir "$copy/tests"
	cp "$bin" "$copy/sockstat" &&
	    { [ ! -x "$(dirname "$bin")/sockstat-top" ] ||
	    cp "$(dirname "$bin")/sockstat-top" "$copy/sockstat-top"; } &&
	    cp -R "$here" "$copy/tests/integration" &&
	    cp -R "$top/scripts" "$top/bench" "$top/man" "$copy/" &&
	    chmod -R a+rX "$copy" || { rm -rf "$copy"; exit 1; }
	echo "# as $user, on loopback, from $copy"
	setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups \
	    --reset-env sh "$copy/tests/integration/run.sh" \
	    "$copy/sockstat" "$@"
	rc=$?
	rm -rf "$copy"
	exit $rc
fi

# One namespace per file when root and unshare can make one.
netns=0
if [ "${SOCKSTAT_NETNS:-}" != 0 ] && [ "$(id -u)" -eq 0 ] &&
    command -v unshare >/dev/null 2>&1 &&
    unshare --net -- true 2>/dev/null; then
	netns=1
fi
if [ $netns -eq 1 ]; then
	export SOCKSTAT_NETNS=1
else
	export SOCKSTAT_NETNS=
	echo "# not root (or no unshare -n): tests run on the host's loopback"
fi
export SOCKSTAT="$bin" SOCKSTAT_TESTS="$here"

# run_file T: runs one test file, in a fresh namespace with lo up when
# netns is 1.
run_file() {
	if [ $netns -eq 1 ]; then
		unshare --net -- sh -c 'ip link set lo up && exec sh "$0"' \
		    "$here/$1"
	else
		sh "$here/$1"
	fi
}

tests=$*
[ -n "$tests" ] || tests=$(cd "$here" && ls t_*.sh)
pass=0 fail=0
for t in $tests; do
	out=$(run_file "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed "s|^|${t%.sh}: |"
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "${t%.sh}: not ok - exited $rc"
		f=1
	fi
	pass=$((pass + p)) fail=$((fail + f))
done
echo "integration: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
