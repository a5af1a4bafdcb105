#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# echo.sh - "sockstat echo-server" and "sockstat echo-client" end to end
# over loopback: the server reports its ephemeral port, the client's
# echoes match, the log lines are there, signals and --count end the
# server with status 0.  Every wait is bounded; every server is killed
# on exit.  Prints "ok - ..." / "not ok - ..." lines; exits 1 on failure.
#
#   sh tests/integration/echo.sh [path/to/sockstat]
set -u
bin=${1:-${SOCKSTAT:-./sockstat}}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sockstat-echo.XXXXXX") || exit 1
srv=
failures=0

cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failures=$((failures + 1)); }

# show FILE: the file, indented as a comment, after a failure.
show() { sed 's/^/#   /' "$1" | head -40; }

# start_server LOG ARGS...: starts the server, sets $srv and $port; waits
# at most 5 s for its "Listening on ADDR PORT" line.
start_server() {
	log=$1; shift
	: >"$log"	# exists before the first read below
	"$bin" echo-server "$@" 2>"$log" &
	srv=$!
	port=
	i=0
	while [ $i -lt 300 ]; do
		port=$(sed -n 's/.* - echo-server - Listening on [^ ]* \([0-9][0-9]*\)$/\1/p' "$log" | head -n 1)
		[ -n "$port" ] && return 0
		kill -0 "$srv" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# stop_wait: waits at most 5 s for $srv to exit; sets $status.
stop_wait() {
	i=0
	while kill -0 "$srv" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$srv" 2>/dev/null; then
		kill -9 "$srv" 2>/dev/null
		status=timeout
	else
		wait "$srv"
		status=$?
	fi
	srv=
}

# has LOG PATTERN DESC: ok when an extended regex matches a line of LOG.
has() {
	if grep -Eq -- "$2" "$1"; then ok "$3"; else not_ok "$3"; show "$1"; fi
}

[ -x "$bin" ] || { echo "not ok - $bin is not executable"; exit 1; }

# 1. The default run: ephemeral port, several clients, verbose log.
slog=$tmp/server.log
if start_server "$slog" -p 0 -v; then
	ok "echo-server reports its port ($port)"
else
	not_ok "echo-server reports its port within 5 s"
	show "$slog"
	exit 1
fi
ts='[0-9]{2}-[0-9]{2}-[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}'
has "$slog" "^$ts - INFO - echo-server - PID $srv\$" "first line gives the PID"
has "$slog" "^$ts - INFO - echo-server - Listening on 127\.0\.0\.1 $port\$" \
    "listens on 127.0.0.1 by default"

if "$bin" echo-client -p "$port" -c 3 2>"$tmp/c1.log"; then
	ok "echo-client -c 3 exits 0"
else
	not_ok "echo-client -c 3 exits 0"; show "$tmp/c1.log"
fi
has "$tmp/c1.log" " - INFO - echo-client - Connection 3: all 44 bytes echoed\$" \
    "client checked every echoed byte"
has "$slog" " - echo-server - Accepted connection 3 from 127\.0\.0\.1:[0-9]+\$" \
    "server logs each accepted connection"
has "$slog" " - echo-server - Closing connection 3 to 127\.0\.0\.1:[0-9]+ \(echoed 44 bytes\)\$" \
    "server logs each close"
has "$slog" ' - echo-server - Echoed 44 bytes to 127\.0\.0\.1:[0-9]+: "Message 1 from client\.Message 2' \
    "-v logs the bytes echoed"

# 500 connections at once, each echoed and checked, while the server
# still holds the rest open.
if "$bin" echo-client -p "$port" -c 500 -w 20 2>"$tmp/c500.log"; then
	ok "echo-client -c 500: 500 concurrent connections all echo"
else
	not_ok "echo-client -c 500"; show "$tmp/c500.log"
fi
has "$tmp/c500.log" " - INFO - echo-client - Done: 500 connections, all echoes match\$" \
    "echo-client -c 500 reports every echo matched"

if "$bin" echo-client -p "$port" "hello world" "" "x" 2>"$tmp/c2.log"; then
	ok "messages from the arguments echo"
else
	not_ok "messages from the arguments echo"; show "$tmp/c2.log"
fi

if "$bin" echo-client -p "$port" --close server 2>"$tmp/c3.log"; then
	ok "--close server exits 0"
else
	not_ok "--close server exits 0"; show "$tmp/c3.log"
fi
has "$slog" "server closes first" "--close server makes the server close first"

kill -TERM "$srv"
stop_wait
[ "$status" = 0 ] && ok "SIGTERM: exit 0" || not_ok "SIGTERM: exit 0 (got $status)"
has "$slog" " - INFO - echo-server - Caught SIGTERM, exiting\$" "logs the signal"

if "$bin" echo-client -p "$port" -w 2 2>"$tmp/c4.log"; then
	not_ok "echo-client fails with no server"
else
	[ $? -eq 1 ] && ok "echo-client exits 1 with no server" ||
	    not_ok "echo-client exits 1 with no server"
fi

# 2. --count 1: the tutorials' single-client server ends by itself.
clog=$tmp/count.log
if start_server "$clog" -p 0 --count 1; then
	"$bin" echo-client -p "$port" 2>"$tmp/c5.log" ||
	    not_ok "client of the --count 1 server"
	stop_wait
	[ "$status" = 0 ] && ok "--count 1 exits 0 after one client" ||
	    { not_ok "--count 1 exits 0 after one client (got $status)"; show "$clog"; }
else
	not_ok "--count 1 server starts"; show "$clog"
fi

# 3. UDP and UNIX next to TCP; the UNIX socket goes away on exit.  (As
# root the server runs as nobody, who may remove it from a sticky
# directory it can reach, as /tmp is.)
ulog=$tmp/unix.log
chmod 711 "$tmp" && mkdir -m 1777 "$tmp/pub"
sock=$tmp/pub/echo.sock
if start_server "$ulog" -p 0 --udp --unix "$sock"; then
	"$bin" echo-client -p "$port" --udp a bb 2>"$tmp/c6.log" &&
	    ok "UDP echo" || { not_ok "UDP echo"; show "$tmp/c6.log"; }
	"$bin" echo-client --unix "$sock" -c 2 2>"$tmp/c7.log" &&
	    ok "UNIX echo" || { not_ok "UNIX echo"; show "$tmp/c7.log"; }
	kill -INT "$srv"
	stop_wait
	[ "$status" = 0 ] && ok "SIGINT: exit 0" || not_ok "SIGINT: exit 0 (got $status)"
	[ ! -e "$sock" ] && ok "UNIX socket unlinked on exit" ||
	    not_ok "UNIX socket unlinked on exit"
else
	not_ok "server with --udp --unix starts"; show "$ulog"
fi

# 4. Started as root, the server runs as nobody, or as the user who ran
# sudo, once bound (issue 11 item 5): uid, gid and capabilities of the
# live server, read from /proc/PID/status.
# status_is PID UID GID DESC: ok when every uid is UID, every gid GID,
# no supplementary group but GID, no capability, and no_new_privs.
status_is() {
	if python3 - "/proc/$1/status" "$2" "$3" >"$tmp/st.out" 2>&1 <<'EOF'
import sys
st = dict(l.split(":", 1) for l in open(sys.argv[1]).read().splitlines())
want = {"Uid": [sys.argv[2]] * 4, "Gid": [sys.argv[3]] * 4,
        "Groups": [sys.argv[3]], "CapEff": ["0" * 16], "CapPrm": ["0" * 16],
        "NoNewPrivs": ["1"]}
bad = {k: st[k].split() for k, v in want.items() if st[k].split() != v}
print(bad or "ok")
sys.exit(1 if bad else 0)
EOF
	then ok "$4"; else not_ok "$4"; show "$tmp/st.out"; fi
}
if [ "$(id -u)" -eq 0 ]; then
	nuid=$(id -u nobody) ngid=$(id -g nobody)
	unset SUDO_UID SUDO_GID
	if start_server "$tmp/p1.log" -p 0; then
		status_is "$srv" "$nuid" "$ngid" \
		    "as root: the bound server runs as nobody, no capability"
		"$bin" echo-client -p "$port" 2>"$tmp/p1c.log" &&
		    ok "as root: the server as nobody still echoes" ||
		    { not_ok "as root: the server as nobody still echoes"; show "$tmp/p1c.log"; }
		kill -TERM "$srv"; stop_wait
	else
		not_ok "as root: server starts"; show "$tmp/p1.log"
	fi
	export SUDO_UID=4321 SUDO_GID=4322
	sock=$tmp/pub/sudo.sock
	if start_server "$tmp/p2.log" -p 0 --unix "$sock"; then
		status_is "$srv" 4321 4322 \
		    "under sudo: the bound server runs as SUDO_UID, SUDO_GID"
		[ "$(stat -c %u:%g "$sock")" = 4321:4322 ] &&
		    ok "under sudo: the UNIX socket belongs to that user" ||
		    { not_ok "under sudo: the UNIX socket belongs to that user"; ls -l "$sock" | show /dev/stdin; }
		kill -TERM "$srv"; stop_wait
		[ ! -e "$sock" ] && ok "under sudo: the UNIX socket is removed at exit" ||
		    not_ok "under sudo: the UNIX socket is removed at exit"
	else
		not_ok "under sudo: server starts"; show "$tmp/p2.log"
	fi
	export SUDO_UID=0 SUDO_GID=0
	if start_server "$tmp/p3.log" -p 0; then
		status_is "$srv" "$nuid" "$ngid" "sudo by root (SUDO_UID 0): nobody"
		kill -TERM "$srv"; stop_wait
	else
		not_ok "SUDO_UID 0: server starts"; show "$tmp/p3.log"
	fi
	unset SUDO_UID SUDO_GID
else
	ok "# SKIP the user switch needs root"
fi

# 5. Usage errors name the bad value and exit 2.
"$bin" echo-server -p 99999 2>"$tmp/u1.log"
rc=$?
[ $rc -eq 2 ] && grep -q "port too large: 99999" "$tmp/u1.log" &&
    ok "bad port: exit 2, named" ||
    { not_ok "bad port: exit 2, named (got $rc)"; show "$tmp/u1.log"; }
"$bin" echo-client -a localhost 2>"$tmp/u2.log"
rc=$?
[ $rc -eq 2 ] && grep -q "address localhost" "$tmp/u2.log" &&
    ok "host name refused: exit 2" ||
    { not_ok "host name refused: exit 2 (got $rc)"; show "$tmp/u2.log"; }

# One option parser for both commands: each takes only its own options.
for c in echo-server echo-client; do
	"$bin" $c --help >"$tmp/h.out" 2>"$tmp/h.err"
	rc=$?
	[ $rc -eq 0 ] && grep -q "^usage: sockstat $c " "$tmp/h.out" &&
	    [ ! -s "$tmp/h.err" ] && ok "$c --help: usage on stdout, exit 0" ||
	    { not_ok "$c --help: usage on stdout, exit 0 (got $rc)"; show "$tmp/h.err"; }
done
"$bin" echo-server -c 3 2>"$tmp/u3.log"
rc=$?
[ $rc -eq 2 ] && grep -q "unknown option -c" "$tmp/u3.log" &&
    ok "echo-server refuses the client's -c" ||
    { not_ok "echo-server refuses the client's -c (got $rc)"; show "$tmp/u3.log"; }
"$bin" echo-client --count 1 2>"$tmp/u4.log"
rc=$?
[ $rc -eq 2 ] && grep -q "unknown option --count" "$tmp/u4.log" &&
    ok "echo-client refuses the server's --count" ||
    { not_ok "echo-client refuses the server's --count (got $rc)"; show "$tmp/u4.log"; }

[ "$failures" -eq 0 ]
