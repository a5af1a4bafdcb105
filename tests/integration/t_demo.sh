#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# sockstat demo: exits 0 by itself within seconds, its timeline names
# every state of a TCP connection's life on both sides (by the
# tracepoint, where it can be opened), it ends with the table of its
# port, and it leaves no process behind.  By snapshots it still runs
# and says what it missed.
. "$SOCKSTAT_TESTS/lib.sh"

t0=$(date +%s)
timeout 30 "$SOCKSTAT" demo >"$TMP/demo.out" 2>"$TMP/demo.err"
rc=$?
t1=$(date +%s)
check "demo exits 0" [ $rc -eq 0 ]
check "demo ends within 10 s" [ $((t1 - t0)) -le 10 ]
sed 's/^/# /' "$TMP/demo.out" | head -60
port=$(sed -n 's/^The echo server listens on 127\.0\.0\.1:\([0-9]*\)\.$/\1/p' \
    "$TMP/demo.out")
check "demo names its port" [ -n "$port" ]
check "demo ends with the table of its port" \
    grep -q "^tcp .*127\.0\.0\.1:$port .*LISTEN" "$TMP/demo.out"
if grep -q 'through the kernel tracepoint' "$TMP/demo.out"; then
	for s in LISTEN SYN_SENT SYN_RECV ESTABLISHED FIN_WAIT1 FIN_WAIT2 \
	    CLOSE_WAIT LAST_ACK TIME_WAIT; do
		check "demo timeline shows -> $s" \
		    grep -q -- "-> $s " "$TMP/demo.out"
	done
	check "demo: TIME_WAIT on the client side and on the server side" \
	    sh -c "grep -q 'client .*-> TIME_WAIT' '$TMP/demo.out' &&
	    grep -q 'server .*-> TIME_WAIT' '$TMP/demo.out'"
	check "demo timeline names owners" \
	    grep -q 'SYN_SENT .*[0-9]/echo-client' "$TMP/demo.out"
else
	[ "$(id -u)" -eq 0 ] && echo "# demo could not use the tracepoint as root"
fi
check "demo leaves no echo process" \
    sh -c "! pgrep -x echo-server >/dev/null && ! pgrep -x echo-client >/dev/null"

# Issue 11 item 5: as root the demo's echo server leaves uid 0 and holds
# no capability, like echo-server; its LISTEN row still names it.
if [ "$(id -u)" -eq 0 ]; then
	timeout 30 "$SOCKSTAT" demo >"$TMP/d2.out" 2>&1 &
	dpid=$!
	: >"$TMP/srv.status"
	i=0
	# The server is named before it binds and drops uid 0: read its
	# status until it has dropped (or the bound), not just once.
	while [ $i -lt 400 ] && { [ ! -s "$TMP/srv.status" ] ||
	    grep -q '^Uid:[[:space:]]*0[[:space:]]' "$TMP/srv.status"; }; do
		# The demo's server: an echo-server below $dpid (the demo may
		# run under a wrapper such as valgrind, a level further down).
		for c in $(pgrep -x echo-server); do
			a=$c n=0
			while [ "$a" -gt 1 ] && [ "$a" != "$dpid" ] && [ $n -lt 6 ]; do
				a=$(awk '/^PPid:/ {print $2}' "/proc/$a/status" 2>/dev/null)
				[ -n "$a" ] || a=0
				n=$((n + 1))
			done
			[ "$a" = "$dpid" ] || continue
			grep -E '^(Uid|CapEff|CapPrm):' "/proc/$c/status" \
			    >"$TMP/srv.status" 2>/dev/null
		done
		sleep 0.05; i=$((i + 1))
	done
	wait $dpid
	sed 's/^/# server: /' "$TMP/srv.status"
	check "demo as root: the echo server is not uid 0" \
	    sh -c "grep -q '^Uid:' '$TMP/srv.status' && ! grep -Eq '^Uid:[[:space:]]+0[[:space:]]' '$TMP/srv.status'"
	check "demo as root: the echo server holds no capability" \
	    sh -c "grep -Eq '^CapEff:[[:space:]]+0+$' '$TMP/srv.status' && grep -Eq '^CapPrm:[[:space:]]+0+$' '$TMP/srv.status'"
	check "demo as root: the table still names the server" \
	    grep -q 'LISTEN *[0-9]*/echo-server' "$TMP/d2.out"
fi

# By snapshots: still runs, still shows ESTABLISHED and TIME_WAIT, and
# says which states it missed.
timeout 30 "$SOCKSTAT" demo --method poll >"$TMP/poll.out" 2>"$TMP/poll.err"
check "demo --method poll exits 0" [ $? -eq 0 ]
check "demo --method poll shows ESTABLISHED and TIME_WAIT" \
    sh -c "grep -q -- '-> ESTABLISHED ' '$TMP/poll.out' &&
    grep -q -- '-> TIME_WAIT ' '$TMP/poll.out'"
check "demo --method poll says what it missed" \
    grep -q '^Not seen: .*SYN_SENT' "$TMP/poll.out"
# Issue 11 item 14: when the watch fails mid-run (strace makes every
# poll(2) of the demo process fail from the fourth on, the first being
# the wait for the server's port), the demo still reaps its client: a
# blocking wait4 on the client's pid, before it exits 1.
if command -v strace >/dev/null 2>&1; then
	timeout 30 strace -o "$TMP/fail.st" -e trace=%process,poll \
	    -e inject=poll:error=ENOMEM:when=4+ \
	    "$SOCKSTAT" demo --method poll >"$TMP/fail.out" 2>"$TMP/fail.err"
	check "demo with a failing watch exits 1" [ $? -eq 1 ]
	check "demo with a failing watch says so" grep -q 'watching' \
	    "$TMP/fail.err"
	check "demo with a failing watch reaps its client" \
	    python3 - "$TMP/fail.st" <<'EOF2'
import re, sys
log = open(sys.argv[1]).read()
# The children: clone()/fork() with SIGCHLD; threads use CLONE_THREAD.
kids = [int(m.group(1)) for m in
        re.finditer(r"^clone\((?:(?!CLONE_THREAD).)*SIGCHLD.*= (\d+)$",
                    log, re.M)]
assert len(kids) == 2, kids
client = kids[1]
reaped = re.search(r"^wait4\(%d, .*, 0, NULL\) = %d$" % (client, client),
                   log, re.M)
assert reaped, "client %d never reaped:\n%s" % (client, log)
EOF2
fi
check "demo --method bogus is a usage error" \
    sh -c "'$SOCKSTAT' demo --method bogus >/dev/null 2>&1; [ \$? -eq 2 ]"
finish
