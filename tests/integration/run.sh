#!/bin/sh
# Runs every tests/integration/t_*.sh against the real binary and prints
# "N passed, N failed".  As root the whole run happens in a private network
# namespace (unshare -n), so the sockets the tests create are the only ones
# the kernel reports and whole outputs can be compared with the peers';
# otherwise tests use loopback and look only at their own ports.
#
#   sh tests/integration/run.sh [path/to/sockstat] [t_name.sh ...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${1:-$top/sockstat}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
[ $# -gt 0 ] && shift

if [ "$(id -u)" -eq 0 ] && [ -z "${SOCKSTAT_NETNS:-}" ] &&
    command -v unshare >/dev/null 2>&1; then
	export SOCKSTAT_NETNS=1
	exec unshare --net -- sh -c 'ip link set lo up && exec sh "$@"' \
	    sh "$0" "$bin" "$@"
fi
export SOCKSTAT="$bin" SOCKSTAT_TESTS="$here" SOCKSTAT_NETNS=${SOCKSTAT_NETNS:-}

tests=$*
[ -n "$tests" ] || tests=$(cd "$here" && ls t_*.sh)
pass=0 fail=0
for t in $tests; do
	out=$(sh "$here/$t" 2>&1)
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
