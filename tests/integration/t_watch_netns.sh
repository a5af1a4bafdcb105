#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# sockstat -E --all-netns and -E --netns: transitions of other network
# namespaces, each labelled.  Two named namespaces this file makes (lo
# up) each get a listener, a connection to it and its close; a third,
# made after the watch started, is found by the watch's next listing.
# The text stream labels each event with its namespace in a leading
# Netns column; JSON carries netns {inode, name}; a netns filter keeps
# one namespace's events; --netns watches that namespace alone, without
# the column; --method=trace is refused (the tracepoint names no
# namespace).  Unprivileged: one line naming cap_sys_admin, exit 1.
# Everything made here is removed on exit, failed or not.
. "$SOCKSTAT_TESTS/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	"$SOCKSTAT" -E --all-netns -t --duration 1 >"$TMP/u.out" \
	    2>"$TMP/u.err"
	rc=$?
	if [ $rc -eq 1 ] && [ ! -s "$TMP/u.out" ] &&
	    [ "$(wc -l <"$TMP/u.err")" -eq 1 ] &&
	    grep -q cap_sys_admin "$TMP/u.err"; then
		ok "unprivileged -E --all-netns: cap_sys_admin error"
	else
		not_ok "unprivileged -E --all-netns: exit $rc"
		sed 's/^/#   /' "$TMP/u.out" "$TMP/u.err" | head -10
	fi
	echo "# not root: namespaces cannot be made; the rest skipped"
	finish
	exit
fi
if ! ip netns list >/dev/null 2>&1; then
	echo "# ip netns missing: skipped"
	finish
	exit
fi

A=sew$$a B=sew$$b C=sew$$c
trap 'for n in $A $B $C; do ip netns del "$n" 2>/dev/null; done; cleanup' \
    EXIT INT TERM
for n in $A $B; do
	ip netns add "$n" && ip -n "$n" link set lo up ||
	    { not_ok "ip netns add $n"; finish; exit; }
done


# conn NS PORT: in NS, a listener on 127.0.0.1:PORT, one connection to
# it held 1.5 s (many snapshots, even under a slow wrapper such as
# check-valgrind's), then everything closed.
conn() {
	ip netns exec "$1" python3 -c '
import socket, sys, time
p = int(sys.argv[1])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", p)); s.listen()
time.sleep(1.5)
c = socket.create_connection(("127.0.0.1", p)); a, _ = s.accept()
time.sleep(1.5)
c.close(); a.close(); s.close()
time.sleep(1.5)' "$2"
}

# watch NAME ARGS...: sockstat -E ARGS in the background, stdout in
# $TMP/NAME.out, until its notice is out.
watch() {
	name=$1; shift
	"$SOCKSTAT" -E -tn "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	PIDS="$PIDS $!"
	eval "W_$name=\$!"
	wait_notice "$TMP/$name.err" || { cat "$TMP/$name.err"; return 1; }
}

# stop NAME: ends watch NAME (SIGINT) and waits for it.
stop() {
	eval "kill -INT \$W_$name 2>/dev/null; wait \$W_$name"
}

PA=7101 PB=7102 PC=7103
watch all --all-netns || not_ok "-E --all-netns started"
watch json --all-netns --json || not_ok "-E --all-netns --json started"
watch one --netns "$A" || not_ok "-E --netns started"
watch flt --all-netns "netns $B" || not_ok "-E --all-netns FILTER started"
conn "$A" $PA &
conn "$B" $PB &
wait $!
sleep 0.3
# A namespace made after the start: found by a listing (each second),
# its first snapshot a baseline, then its sockets' transitions.
ip netns add "$C" && ip -n "$C" link set lo up
sleep 3.5
conn "$C" $PC
sleep 1
# While watching: nothing effective; permitted, what reading owners needs
# (cap_dac_read_search 2, cap_sys_ptrace 19) and, for --all-netns alone,
# what entering a namespace made later needs (cap_sys_admin 21).
caps() {
	python3 - "$1" "$2" <<'EOF'
import sys
pid, want = sys.argv[1], int(sys.argv[2], 16)
st = dict(l.split(":", 1) for l in open("/proc/%s/status" % pid))
eff, prm = int(st["CapEff"], 16), int(st["CapPrm"], 16)
if eff != 0 or prm != want:
    sys.exit("CapEff %x CapPrm %x, want 0 and %x" % (eff, prm, want))
EOF
}
check "-E --all-netns keeps cap_sys_admin permitted, nothing effective" \
    caps "$W_all" 280004
check "-E --netns drops cap_sys_admin once in" caps "$W_one" 80004
for name in all json one flt; do stop "$name"; done

# events FILE NETNS PORT: the text stream's events on PORT, each line's
# Netns column required to be NETNS; prints "NEWSTATE..." in order.
check_text() {
	python3 - "$TMP/all.out" "$@" <<'EOF'
import sys
f, want = sys.argv[1], {}
for a in sys.argv[2:]:
    ns, port = a.split(":")
    want[port] = ns
head = open(f).readline().split()
if head[:2] != ["Netns", "Time"]:
    sys.exit("header: %r" % head)
seen = {p: [] for p in want}
for l in open(f).readlines()[1:]:
    w = l.split()
    lp, rp = w[4].rsplit(":", 1)[1], w[5].rsplit(":", 1)[1]
    for p, ns in want.items():
        if p in (lp, rp):
            if w[0] != ns:
                sys.exit("port %s labelled %s, want %s: %s" % (p, w[0], ns, l))
            seen[p].append((w[2], w[8], rp))
for p, ev in seen.items():
    new = [s for k, s, rp in ev if k == "new"]
    closed = [s for k, s, rp in ev if k == "closed"]
    if "LISTEN" not in new or new.count("ESTABLISHED") != 2:
        sys.exit("port %s: new %s" % (p, new))
    if not any(k == "closed" and rp == "*" for k, s, rp in ev):
        sys.exit("port %s: the listener's close missing: %s" % (p, ev))
EOF
}
check "-E --all-netns: each namespace's transitions, labelled" \
    check_text "$A:$PA" "$B:$PB"
check "-E --all-netns: a namespace made after the start is watched" \
    check_text "$C:$PC"

check_json() {
	python3 - "$TMP/json.out" "$(stat -L -c %i /run/netns/"$A")" \
	    "$(stat -L -c %i /run/netns/"$B")" "$A" "$B" $PA $PB <<'EOF'
import json, sys
f, ia, ib, na, nb, pa, pb = sys.argv[1:]
want = {int(pa): (int(ia), na), int(pb): (int(ib), nb)}
got = {}
for l in open(f):
    e = json.loads(l)
    for p, (ino, name) in want.items():
        if p in (e["local"]["port"], e["remote"]["port"]):
            ns = e.get("netns")
            if ns != {"inode": ino, "name": name}:
                sys.exit("port %d: netns %r, want %r" % (p, ns, (ino, name)))
            got.setdefault(p, []).append(e["state"])
for p in want:
    if "LISTEN" not in got.get(p, []):
        sys.exit("port %d: states %r" % (p, got.get(p)))
EOF
}
check "-E --all-netns --json: netns {inode, name} on each event" check_json

# only FILE PORT NOT...: events on PORT, none on the NOT ports.
only() {
	python3 - "$@" <<'EOF'
import sys
f, port, nots = sys.argv[1], sys.argv[2], sys.argv[3:]
ports = []
for l in open(f).readlines()[1:]:
    for w in l.split():
        if ":" in w:
            ports.append(w.rsplit(":", 1)[1])
if port not in ports:
    sys.exit("no event on %s" % port)
bad = [p for p in nots if p in ports]
if bad:
    sys.exit("events of other namespaces: %s" % bad)
EOF
}
check "-E --all-netns 'netns B': B's events alone" \
    only "$TMP/flt.out" $PB $PA $PC
check "-E --netns A: A's events alone" only "$TMP/one.out" $PA $PB $PC
check "-E --netns A: no Netns column" \
    sh -c "head -1 '$TMP/one.out' | grep -q '^Time '"

"$SOCKSTAT" -E --all-netns --method=trace -t >"$TMP/tr.out" 2>"$TMP/tr.err"
rc=$?
if [ $rc -eq 2 ] && grep -q 'names no namespace' "$TMP/tr.err"; then
	ok "-E --all-netns --method=trace refused"
else
	not_ok "-E --all-netns --method=trace: exit $rc"
	cat "$TMP/tr.err" | head -3
fi
finish
