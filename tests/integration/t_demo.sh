#!/bin/sh
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

# By snapshots: still runs, still shows ESTABLISHED and TIME_WAIT, and
# says which states it missed.
timeout 30 "$SOCKSTAT" demo --method poll >"$TMP/poll.out" 2>"$TMP/poll.err"
check "demo --method poll exits 0" [ $? -eq 0 ]
check "demo --method poll shows ESTABLISHED and TIME_WAIT" \
    sh -c "grep -q -- '-> ESTABLISHED ' '$TMP/poll.out' &&
    grep -q -- '-> TIME_WAIT ' '$TMP/poll.out'"
check "demo --method poll says what it missed" \
    grep -q '^Not seen: .*SYN_SENT' "$TMP/poll.out"
check "demo --method bogus is a usage error" \
    sh -c "'$SOCKSTAT' demo --method bogus >/dev/null 2>&1; [ \$? -eq 2 ]"
finish
