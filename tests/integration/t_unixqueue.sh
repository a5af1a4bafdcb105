#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# UNIX connections waiting in a listener's accept queue: netstat -anx
# shows one CONNECTING row per waiting connection (no inode, the
# listener's name).  sockstat must show the same rows from netlink (the
# default) and from /proc/net/unix, and in JSON.
. "$SOCKSTAT_TESTS/lib.sh"

command -v netstat >/dev/null 2>&1 || { echo "# netstat missing: skipped"; exit 0; }

tag=sockstat-q$$
cat >"$TMP/queue.py" <<EOF
import socket, sys, time
held = []
for kind, name, n in ((socket.SOCK_STREAM, "$TMP/$tag.sock", 2),
                      (socket.SOCK_SEQPACKET, "\0$tag-abs", 1)):
    l = socket.socket(socket.AF_UNIX, kind); l.bind(name); l.listen(8)
    held.append(l)
    for i in range(n):
        c = socket.socket(socket.AF_UNIX, kind); c.connect(name); held.append(c)
open(sys.argv[1], "w").write("ready\n")
time.sleep(900)
EOF
python3 "$TMP/queue.py" "$TMP/ready" >"$TMP/queue.log" 2>&1 &
PIDS="$PIDS $!"
i=0
while [ ! -s "$TMP/ready" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$TMP/ready" ] || { not_ok "sockets ready"; cat "$TMP/queue.log"; exit 1; }

# Our rows, sorted, spaces squeezed (RefCnt and widths aside, the text).
rows() { grep -e "$tag" "$1" | sort; }

for flags in -anx -nx -lnx; do
	netstat $flags >"$TMP/ns.out" 2>/dev/null
	"$SOCKSTAT" $flags >"$TMP/nl.out" 2>"$TMP/nl.err"
	"$SOCKSTAT" --source=proc $flags >"$TMP/pr.out" 2>"$TMP/pr.err"
	rows "$TMP/ns.out" >"$TMP/ns.rows"
	rows "$TMP/nl.out" >"$TMP/nl.rows"
	rows "$TMP/pr.out" >"$TMP/pr.rows"
	want=3
	[ "$flags" = -lnx ] && want=0
	check "netstat $flags shows $want waiting connections" \
	    [ "$(grep -c CONNECTING "$TMP/ns.rows")" -eq $want ]
	check "$flags (netlink): the rows of netstat $flags" \
	    diff "$TMP/ns.rows" "$TMP/nl.rows"
	check "--source=proc $flags: the rows of netstat $flags" \
	    diff "$TMP/ns.rows" "$TMP/pr.rows"
done

# JSON: both sources give each waiting connection, inode 0, SYN_SENT.
for src in netlink proc; do
	"$SOCKSTAT" --source=$src -anx --json >"$TMP/j.out" 2>/dev/null
	check "--source=$src --json: 3 waiting connections of our listeners" \
	    python3 -c "
import json, sys
rows = [r for r in json.load(open(sys.argv[1]))
        if r['path'] and '$tag' in r['path'] and r['inode'] == 0]
assert len(rows) == 3 and all(r['state'] == 'SYN_SENT' for r in rows), rows
assert sorted(r['type'] for r in rows) == ['seqpacket', 'stream', 'stream'], rows
" "$TMP/j.out"
done
finish
