#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The benchmark's own tools are right: bench/sockfarm builds exactly the
# population it announces (sockstat -s and the kernel's counts agree),
# and bench/floor-dump, the floor sockstat -tan is measured against,
# counts exactly the sockets sockstat -tan lists: a bound, unlistened
# TCP socket (BOUND_INACTIVE) is in neither; floor-dump -s PORT, the
# floor of the 1% filter, counts what sockstat -tn sport = :PORT lists.  Needs root (a namespace of
# its own, so that the counts are exact).
. "$SOCKSTAT_TESTS/lib.sh"

top=$SOCKSTAT_TESTS/../..
if ! in_netns; then
	ok "# skip: needs root (exact counts need a namespace of its own)"
	exit 0
fi
floor=$top/bench/bin/floor-dump
if [ ! -x "$floor" ]; then
	floor=$TMP/floor-dump
	${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -o "$floor" \
	    "$top/bench/floor-dump.c" >"$TMP/cc.log" 2>&1 ||
	    not_ok "floor-dump builds: $(head -n 3 "$TMP/cc.log")"
fi

# A listener, a connection and a socket that is only bound.
python3 - "$TMP/ready" >"$TMP/py.log" 2>&1 <<'EOS' &
import socket, sys, time
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen()
c = socket.create_connection(l.getsockname()); a, _ = l.accept()
b = socket.socket(); b.bind(("127.0.0.1", 0))
b6 = socket.socket(socket.AF_INET6); b6.bind(("::1", 0))
open(sys.argv[1], "w").write("%d\n" % l.getsockname()[1])
time.sleep(60)
EOS
PIDS="$PIDS $!"
i=0
while [ ! -s "$TMP/ready" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
rows=$("$SOCKSTAT" -tan | sed '1,2d' | wc -l)
"$floor" >"$TMP/floor.out"
check "floor-dump counts what sockstat -tan lists ($rows rows): $(cat "$TMP/floor.out")" \
    [ "$(awk '{print $6}' "$TMP/floor.out")" -eq "$rows" ]
check "sockstat -tan lists the listener and both ends: 3 rows" [ "$rows" -eq 3 ]
"$floor" -i >"$TMP/floori.out"
check "floor-dump -i (with tcp_info) counts the same: $(cat "$TMP/floori.out")" \
    cmp -s "$TMP/floor.out" "$TMP/floori.out"

# floor-dump -s PORT, the floor of a filter on the local port, counts
# what sockstat -tn sport = :PORT lists: the accepted end alone.
port=$(cat "$TMP/ready")
prow=$("$SOCKSTAT" -tn sport = :"$port" | sed '1,2d' | wc -l)
"$floor" -s "$port" >"$TMP/floors.out"
check "floor-dump -s $port counts what sockstat -tn sport = :$port lists ($prow): $(cat "$TMP/floors.out")" \
    [ "$(awk '{print $3}' "$TMP/floors.out")" -eq "$prow" ]
check "sockstat -tn sport = :$port lists the accepted end: 1 row" \
    [ "$prow" -eq 1 ]

# sockfarm: what it announces is what the kernel holds.
"$top/bench/sockfarm" --conns 300 --v6 40 --procs 3 --udp 80 --unix 30 -- \
    sh -c '"$1" -s >"$2/s.out"; "$1" -tanp --json >"$2/p.json"' sh "$SOCKSTAT" "$TMP" \
    2>"$TMP/farm.err"
check "sockfarm: exit 0 and one line saying what it built" \
    grep -q '^sockfarm: 300 tcp4 + 40 tcp6 connections, 6 listeners, 80 udp, 30 unix pairs over 3 processes; built in' "$TMP/farm.err"
# sockstat -s: "TCP <total> <v4> <v6>" and so on.
check "sockfarm: TCP sockets 2 x (300 + 40) + 6 listeners" \
    grep -Eq '^TCP +686 +603 +83$' "$TMP/s.out"
check "sockfarm: 80 UDP sockets, one in four on ::1" \
    grep -Eq '^UDP +80 +60 +20$' "$TMP/s.out"
check "sockfarm: 30 UNIX pairs and 3 listeners (one per holder with accepted pairs)" \
    grep -Eq '^UNIX +63 ' "$TMP/s.out"
# The command (comm) is the holder's name; argv[0] stays python's.
check "sockfarm: every connection held by a sockfarm-h process" \
    python3 -c 'import json, re, sys
rows = json.load(open(sys.argv[1]))
n = sum(1 for r in rows if any(re.fullmatch("sockfarm-h[0-2]", o["command"])
        for o in r.get("owners", [])))
sys.exit(0 if n == 686 else 1)' "$TMP/p.json"
"$top/bench/sockfarm" --conns 10 --procs 1 -- sh -c 'exit 7' 2>/dev/null
check "sockfarm: exits with the command's status" [ $? -eq 7 ]
"$top/bench/sockfarm" --conns 10 --procs 1 --max-seconds 1 -- sleep 30 2>/dev/null
check "sockfarm: --max-seconds ends the command, exit 124" [ $? -eq 124 ]
"$top/bench/sockfarm" --conns x -- true 2>"$TMP/u.err"
check "sockfarm: a bad value is a usage error (2)" [ $? -eq 2 ]

# bench/ab: both binaries by turns over a population, a line per view.
"$top/bench/ab" --conns 40 --procs 2 --runs 2 "$SOCKSTAT" "$SOCKSTAT" -tan \
    "-i -n -P" >"$TMP/ab.out" 2>"$TMP/ab.err"
abrc=$?
check "bench/ab: exit 0, a ratio for each view" sh -c '
	[ "$3" -eq 0 ] &&
	grep -Eq "^-tan +old +[0-9.]+ ms .* new/old [0-9.]+x" "$1" &&
	grep -Eq "^-i -n -P +old .* new/old [0-9.]+x" "$1" ||
	    { cat "$1" "$2"; exit 1; }' sh "$TMP/ab.out" "$TMP/ab.err" "$abrc"
"$top/bench/ab" "$SOCKSTAT" 2>/dev/null
check "bench/ab: one binary is a usage error (2)" [ $? -eq 2 ]
"$top/bench/ab" --runs 0 "$SOCKSTAT" "$SOCKSTAT" 2>/dev/null
check "bench/ab: a bad count is a usage error (2)" [ $? -eq 2 ]
finish
