#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# UDP-Lite in every face and source: netstat's udpl/udpl6 rows (their
# place among the sections, -a/-l/default as UDP, --udplite, -4/-6), lsof's
# UDPLITE node and -i UDPLITE, JSON "udplite", and the -s counts.  In a
# private namespace (root) whole outputs are compared; otherwise only the
# rows of our own sockets.
# As root, a namespace of its own: sockets of earlier tests (TIME_WAIT)
# cannot come and go between two whole outputs.
if [ -n "${SOCKSTAT_NETNS:-}" ] && [ -z "${UDPLITE_OWN_NS:-}" ]; then
	export UDPLITE_OWN_NS=1
	exec unshare -n sh -c 'ip link set lo up && exec sh "$0"' "$0"
fi
. "$SOCKSTAT_TESTS/lib.sh"

python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM, 136)' \
    2>/dev/null || { echo "# no UDP-Lite in this kernel: skipped"; exit 0; }

cat >"$TMP/udpl.py" <<'EOF'
import json, os, socket, sys, time
L = 136		# IPPROTO_UDPLITE
srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, L); srv.bind(("127.0.0.1", 0))
srv6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM, L); srv6.bind(("::1", 0))
cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, L); cli.connect(srv.getsockname())
cli6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM, L); cli6.connect(srv6.getsockname()[:2])
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); udp.bind(("127.0.0.1", 0))
tcp = socket.socket(); tcp.bind(("127.0.0.1", 0)); tcp.listen(1)
ports = [s.getsockname()[1] for s in (srv, srv6, cli, cli6, udp, tcp)]
ino = [os.fstat(s.fileno()).st_ino for s in (srv, srv6, cli, cli6)]
json.dump({"ports": ports, "inodes": ino, "pid": os.getpid()}, open(sys.argv[1] + ".tmp", "w"))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(900)
EOF
python3 "$TMP/udpl.py" "$TMP/pop.json" >"$TMP/udpl.log" 2>&1 &
PIDS="$PIDS $!"
i=0
while [ ! -s "$TMP/pop.json" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$TMP/pop.json" ] || { not_ok "sockets ready"; cat "$TMP/udpl.log"; exit 1; }
ports=$(jget "$TMP/pop.json" '"|".join(":%d " % p for p in d["ports"])')
pid=$(jget "$TMP/pop.json" 'd["pid"]')

# same DESC A B: the two outputs are equal; outside a namespace, the
# section titles, headers and our rows only.
same() {
	if in_netns; then
		check "$1" diff "$2" "$3"
	else
		grep -E "^(Active|Proto|COMMAND)|$ports" "$2" >"$2.own"
		grep -E "^(Active|Proto|COMMAND)|$ports" "$3" >"$3.own"
		check "$1" diff "$2.own" "$3.own"
	fi
}

command -v netstat >/dev/null 2>&1 && for flags in -an -n -ln -an4 -an6 \
    "-an --udplite" "-ln --udplite" "-anu --udplite" "-aneo --udplite" \
    "-anu" "-ant"; do
	# shellcheck disable=SC2086
	netstat $flags >"$TMP/ns.out" 2>/dev/null
	# shellcheck disable=SC2086
	"$SOCKSTAT" $flags >"$TMP/ss.out" 2>&1
	same "$flags: as netstat $flags" "$TMP/ns.out" "$TMP/ss.out"
	"$SOCKSTAT" --source=proc $flags >"$TMP/pr.out" 2>&1
	same "--source=proc $flags: as netstat $flags" "$TMP/ns.out" "$TMP/pr.out"
done
netstat -an --udplite >"$TMP/ns.out" 2>/dev/null
check "netstat --udplite shows our 4 sockets" \
    [ "$(grep -cE "^udpl6? .*($ports)" "$TMP/ns.out")" -eq 4 ]

if command -v lsof >/dev/null 2>&1; then
	for spec in "" UDPLITE 4UDPLITE 6 "UDPLITE:$(jget "$TMP/pop.json" 'd["ports"][0]')"; do
		lsof -n -P -a -p "$pid" -i $spec >"$TMP/lo.out" 2>/dev/null
		"$SOCKSTAT" -n -P -a -p "$pid" -i $spec >"$TMP/so.out" 2>&1
		check "-i $spec -a -p: as lsof" diff "$TMP/lo.out" "$TMP/so.out"
	done
	lsof -F Pn -a -p "$pid" -i >"$TMP/lo.out" 2>/dev/null
	"$SOCKSTAT" -F Pn -a -p "$pid" -i >"$TMP/so.out" 2>&1
	check "-F Pn -i: as lsof (UDPLITE ports by number)" \
	    diff "$TMP/lo.out" "$TMP/so.out"
fi

for src in netlink proc; do
	"$SOCKSTAT" --source=$src -an --json >"$TMP/j.out" 2>/dev/null
	check "--source=$src --json: our sockets are \"udplite\" dgram" python3 -c "
import json, sys
pop = json.load(open(sys.argv[2]))
rows = {r['inode']: r for r in json.load(open(sys.argv[1]))}
for i in pop['inodes']:
    assert rows[i]['proto'] == 'udplite' and rows[i]['type'] == 'dgram', rows.get(i)
" "$TMP/j.out" "$TMP/pop.json"
done

# -s counts them, as the kernel's own UDPLITE total does.
"$SOCKSTAT" -s >"$TMP/s.out" 2>&1
check "-s: a UDPLITE row counting our sockets" python3 -c "
import sys
t = [l.split() for l in open(sys.argv[1]) if l.startswith('UDPLITE ')]
assert t and int(t[0][1]) >= 4 and int(t[0][2]) >= 2 and int(t[0][3]) >= 2, t
" "$TMP/s.out"
if in_netns; then
	check "-s: UDPLITE total equals the kernel's inuse" python3 -c "
import sys
txt = open(sys.argv[1]).read()
mine = [l.split() for l in txt.split('\n') if l.startswith('UDPLITE ')][0]
k = [l.split() for l in txt.split('\n') if l.strip().startswith('UDPLITE:')][0]
k6 = [l.split() for l in open('/proc/net/sockstat6') if l.startswith('UDPLITE6:')][0]
assert int(mine[2]) == int(k[2]) and int(mine[3]) == int(k6[2]), (mine, k, k6)
" "$TMP/s.out"
fi
"$SOCKSTAT" -s --json >"$TMP/sj.out" 2>&1
check "-s --json: protocols.udplite" python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))['protocols']['udplite']
assert d['total'] >= 4 and d['inet'] >= 2 and d['inet6'] >= 2, d
" "$TMP/sj.out"
finish
