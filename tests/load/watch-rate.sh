#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# watch-rate.sh - "sockstat -E" by the tracepoint under a steady rate of
# loopback connections (tests/load/conn-rate.c): every connection's ten
# transitions must be printed, and the kernel must drop no record.  Runs
# twice: with --port (the kernel filters on the port) and with -t alone
# (every TCP transition of the host reaches the rings, the namespace
# check drops the others').  As root in a private network namespace,
# whose port range is widened so that the TIME_WAIT sockets of the run
# fit (the namespace, and so the setting, goes with the run).  Bounded:
# each watcher by --duration, and stopped by SIGINT 3 s after the
# generator ends.
#
#   sh tests/load/watch-rate.sh [path/to/sockstat]
#
# WATCH_RATE (10000 connections a second) and WATCH_SECS (3) size it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${1:-$top/sockstat}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
gen=$here/bin/conn-rate
rate=${WATCH_RATE:-10000} secs=${WATCH_SECS:-3}

if [ "$(id -u)" -ne 0 ]; then
	echo "skip - watch-rate needs root (the tracepoint)"
	exit 0
fi
if [ -z "${WATCH_NETNS:-}" ] && command -v unshare >/dev/null 2>&1; then
	export WATCH_NETNS=1
	exec unshare --net -- sh -c 'ip link set lo up &&
	    sysctl -qw net.ipv4.ip_local_port_range="1024 65000" &&
	    sysctl -qw net.ipv4.tcp_tw_reuse=0 &&
	    exec sh "$@"' sh "$0" "$bin"
fi
for f in "$bin" "$gen"; do
	[ -x "$f" ] || { echo "watch-rate: $f is not built (make load)"; exit 1; }
done
if ! "$bin" -E --method=trace --duration 1 >/dev/null 2>&1; then
	echo "skip - the tracepoint cannot be opened here"
	exit 0
fi
tmp=$(mktemp -d /tmp/sockstat-wr.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failures=0
port=65100	# above the port range: no TIME_WAIT of the run holds it

# run NAME ARGS...: one watcher with ARGS, one run of the generator.
run() {
	name=$1; shift
	port=$((port + 1))
	"$bin" -E -n -t --method=trace "$@" --duration $((secs * 20 + 30)) \
	    >"$tmp/$name.out" 2>"$tmp/$name.err" &
	wpid=$!
	i=0
	while ! grep -q watching "$tmp/$name.err" && [ $i -lt 150 ]; do
		sleep 0.1; i=$((i + 1))
	done
	"$gen" -p "$port" -r "$rate" -d "$secs" >"$tmp/$name.gen" ||
	    { echo "not ok - $name: conn-rate failed"; failures=$((failures + 1)); }
	# Let the watcher drain, then stop it.
	sleep 3
	kill -INT $wpid
	wait $wpid
	conns=$(sed -n 's/^conns=\([0-9]*\) .*/\1/p' "$tmp/$name.gen")
	reached=$(sed -n 's/.* rate=\([0-9]*\).*/\1/p' "$tmp/$name.gen")
	syn=$(grep -c ' CLOSE -> SYN_SENT ' "$tmp/$name.out")
	acc=$(grep -c "127\.0\.0\.1:$port .*LISTEN -> SYN_RECV " "$tmp/$name.out")
	# The listener's own two lines (CLOSE -> LISTEN, LISTEN -> CLOSE)
	# are no connection's.
	all=$(grep ":$port " "$tmp/$name.out" | grep -vc ':\* ')
	lost=$(sed -n 's/.*dropped \([0-9]*\) tracepoint record.*/\1/p' \
	    "$tmp/$name.err")
	printf '%-14s %s; events of the port %s (want %s), connects %s, accepts %s, records dropped %s\n' \
	    "$name" "$(cat "$tmp/$name.gen")" "$all" "$((conns * 10))" \
	    "$syn" "$acc" "${lost:-0}"
	if [ -z "$lost" ] && [ "$all" -eq $((conns * 10)) ] &&
	    [ "$syn" -eq "$conns" ] && [ "$acc" -eq "$conns" ]; then
		# The rate reached, not the one asked: a busy machine may
		# hold the generator below it.
		echo "ok - $name: no event lost at $reached connections/s" \
		    "(asked for $rate)"
	else
		echo "not ok - $name: events lost at $reached connections/s"
		failures=$((failures + 1))
		grep -v '^Time' "$tmp/$name.err" | head -5
	fi
}

run with-port --port $((port + 1))
run tcp-only
[ "$failures" -eq 0 ]
