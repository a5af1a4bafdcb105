#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# --netns and --all-netns against namespaces this file makes: two named
# (ip netns add) joined by a veth pair, one held only by a process
# (unshare -n), a TCP listener and connection in each.  Each namespace's
# rows must equal netstat's run inside it, whichever way --netns names
# it; --all-netns shows each once with its label; JSON carries netns;
# namespaces made and deleted during a repeating run change nothing for
# the others, and the process ends in its own namespace.  Unprivileged:
# one line naming cap_sys_admin and exit 1.  Everything made here is
# removed on exit, failed or not.
. "$SOCKSTAT_TESTS/lib.sh"

HOLD="python3 -B $SOCKSTAT_TESTS/nsholder.py"

# unpriv_error DESC CMD...: exit 1, no output, one line on cap_sys_admin.
unpriv_error() {
	desc=$1; shift
	"$@" >"$TMP/u.out" 2>"$TMP/u.err"
	rc=$?
	if [ $rc -eq 1 ] && [ ! -s "$TMP/u.out" ] &&
	    [ "$(wc -l <"$TMP/u.err")" -eq 1 ] &&
	    grep -q 'cap_sys_admin' "$TMP/u.err"; then
		ok "$desc"
	else
		not_ok "$desc (exit $rc)"
		sed 's/^/#   /' "$TMP/u.out" "$TMP/u.err" | head -10
	fi
}

if [ "$(id -u)" -ne 0 ]; then
	unpriv_error "unprivileged --all-netns: cap_sys_admin error" \
	    "$SOCKSTAT" --all-netns -tan
	unpriv_error "unprivileged --netns 1: cap_sys_admin error" \
	    "$SOCKSTAT" --netns 1 -tan
	echo "# not root: namespaces cannot be made; the rest skipped"
	finish
	exit
fi
if ! command -v netstat >/dev/null 2>&1 || ! command -v nsenter \
    >/dev/null 2>&1 || ! ip netns list >/dev/null 2>&1; then
	echo "# netstat, nsenter or ip netns missing: skipped"
	finish
	exit
fi

A=sst$$a B=sst$$b
CHURN= MANY= HALF=
# Cgroups named as a Docker container and as a Kubernetes pod's, in a
# directory of this test's under the cgroup v2 mount (none: not checked).
CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
CGTOP=
ID=3f4e1c2b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f
ID2=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
UID_=8b7e3c2a-1d4f-4e5a-9b6c-7d8e9f0a1b2c
ns_cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	for n in $A $B $CHURN $MANY; do ip netns del "$n" 2>/dev/null; done
	[ -n "$HALF" ] && rm -f "$HALF"
	# A cgroup goes once its processes have exited: bounded retries.
	i=0
	while [ -n "$CGTOP" ] && [ -d "$CGTOP" ] && [ $i -lt 300 ]; do
		find "$CGTOP" -depth -type d -exec rmdir {} + 2>/dev/null
		[ -d "$CGTOP" ] && sleep 0.1
		i=$((i + 1))
	done
}
trap 'ns_cleanup; cleanup' EXIT INT TERM

# wait_file F: at most 30 s for F to exist.
# Its own counter: sh has no locals, and callers loop on i.
wait_file() {
	_wf=0
	while [ ! -s "$1" ] && [ $_wf -lt 300 ]; do
		sleep 0.1
		_wf=$((_wf + 1))
	done
	[ -s "$1" ]
}

ip netns add "$A" && ip netns add "$B" &&
    ip link add "v$$a" netns "$A" type veth peer name "v$$b" netns "$B" &&
    ip -n "$A" addr add 10.201.1.1/24 dev "v$$a" &&
    ip -n "$B" addr add 10.201.1.2/24 dev "v$$b" &&
    ip -n "$A" link set lo up && ip -n "$B" link set lo up &&
    ip -n "$A" link set "v$$a" up && ip -n "$B" link set "v$$b" up ||
    { not_ok "setting up the namespaces"; finish; exit; }

ip netns exec "$A" $HOLD listen 10.201.1.1 5001 "$TMP/a.ready" &
PIDS="$PIDS $!"; APID=$!
ip netns exec "$A" $HOLD listen 127.0.0.1 5002 "$TMP/a2.ready" &
PIDS="$PIDS $!"
ip netns exec "$A" $HOLD listen ::1 5004 "$TMP/a6.ready" &
PIDS="$PIDS $!"
wait_file "$TMP/a.ready" && wait_file "$TMP/a2.ready" &&
    wait_file "$TMP/a6.ready" || not_ok "listeners in $A"
ip netns exec "$A" $HOLD connect ::1 5004 "$TMP/a6c.ready" &
PIDS="$PIDS $!"
wait_file "$TMP/a6c.ready" || not_ok "an IPv6 connection in $A"
ip netns exec "$B" $HOLD connect 10.201.1.1 5001 "$TMP/b.ready" &
PIDS="$PIDS $!"
unshare -n sh -c 'ip link set lo up && exec "$@"' sh \
    python3 -B "$SOCKSTAT_TESTS/nsholder.py" listen 127.0.0.1 5003 \
    "$TMP/c.ready" &
PIDS="$PIDS $!"; CPID=$!
wait_file "$TMP/b.ready" && wait_file "$TMP/c.ready" ||
    not_ok "connection in $B, listener in the unnamed namespace"
# The accepted side shows once both ends are ESTABLISHED.
i=0
while [ $i -lt 300 ] && ! ip netns exec "$A" ss -tnH state established |
    grep -q 10.201.1.1:5001; do sleep 0.1; i=$((i + 1)); done

# The unnamed namespace's holder in a Docker-named cgroup, $A's first
# listener in a pod's containerd-named one.
if [ -n "$CG2" ] && [ -w "$CG2" ]; then
	CGTOP=$CG2/sst$$.slice
	dock=$CGTOP/docker-$ID.scope
	pod=$CGTOP/kubepods-burstable-pod$(echo $UID_ | tr - _).slice
	mkdir -p "$dock" "$pod/cri-containerd-$ID2.scope" &&
	    echo "$CPID" >"$dock/cgroup.procs" &&
	    echo "$APID" >"$pod/cri-containerd-$ID2.scope/cgroup.procs" ||
	    not_ok "placing processes in test cgroups"
fi

CINO=$(stat -L -c %i "/proc/$CPID/ns/net")
AINO=$(stat -L -c %i "/run/netns/$A")

# --netns by name, by path, by PID: netstat's output in there exactly.
ip netns exec "$A" netstat -an >"$TMP/a.netstat" 2>&1
"$SOCKSTAT" --netns "$A" -an >"$TMP/a.name" 2>"$TMP/a.err"
check "--netns NAME exits 0 quietly" [ ! -s "$TMP/a.err" ]
check "--netns NAME equals ip netns exec NAME netstat -an" \
    diff "$TMP/a.netstat" "$TMP/a.name"
"$SOCKSTAT" --netns "/run/netns/$A" -an >"$TMP/a.path" 2>&1
check "--netns PATH agrees with --netns NAME" diff "$TMP/a.name" "$TMP/a.path"
"$SOCKSTAT" --netns "$APID" -an >"$TMP/a.pid" 2>&1
check "--netns PID agrees with --netns NAME" diff "$TMP/a.name" "$TMP/a.pid"
check "$A's listener is in it" grep -q '^tcp .* 10.201.1.1:5001 .*LISTEN' \
    "$TMP/a.name"
nsenter --net="/proc/$CPID/ns/net" netstat -an >"$TMP/c.netstat" 2>&1
"$SOCKSTAT" --netns "$CPID" -an >"$TMP/c.pid" 2>&1
check "--netns PID of an unnamed namespace equals nsenter netstat -an" \
    diff "$TMP/c.netstat" "$TMP/c.pid"
"$SOCKSTAT" -an >"$TMP/own" 2>&1
check "without --netns: the own namespace, not $A" \
    sh -c "! grep -q 10.201.1.1:5001 '$TMP/own'"
"$SOCKSTAT" --netns nosuch$$ -an >"$TMP/nosuch" 2>&1
check "--netns of no namespace: exit 1" [ $? -eq 1 ]

# --all-netns: a Netns column; each namespace's rows are netstat's there.
ip netns exec "$B" netstat -an >"$TMP/b.netstat" 2>&1
"$SOCKSTAT" --all-netns -an >"$TMP/all" 2>"$TMP/all.err"
check "--all-netns exits 0" [ $? -eq 0 ]
python3 - "$TMP" "$A" "$B" "$CINO" >"$TMP/all.tap" <<'PY'
import sys
sys.dont_write_bytecode = True
tmp, a, b, cino = sys.argv[1:5]


def rows(path):
    return sorted(l for l in open(path).read().split("\n")
                  if l and not l.startswith(("Active ", "Proto ")))


lines = open(tmp + "/all").read().split("\n")
heads = [l for l in lines if l.startswith("Netns ")]
print(("ok" if len(heads) == 2 else "not ok") + " - two section headers lead with Netns")
off = heads[0].index("Proto") if heads else 0
by = {}
for l in lines:
    if not l or l.startswith(("Active ", "Netns ")):
        continue
    by.setdefault(l[:off].rstrip(), []).append(l[off:])
for label, want in ((a, rows(tmp + "/a.netstat")), (b, rows(tmp + "/b.netstat")),
                    (cino, rows(tmp + "/c.netstat"))):
    got = sorted(by.get(label, []))
    good = got == want and len(want) > 0
    print(("ok" if good else "not ok") + " - --all-netns rows labelled %s are netstat's there (%d)" % (label, len(want)))
    if not good:
        print("#   got %r\n#   want %r" % (got, want))
# netstat's section order: every namespace's tcp, then tcp6, udp, ...
order = ["tcp", "tcp6", "udp", "udp6", "udpl", "udpl6", "raw", "raw6"]
seen = [l[off:].split()[0] for l in lines if l and l[off:].split() and
        l[off:].split()[0] in order and not l.startswith("Netns ")]
good = seen == sorted(seen, key=order.index) and "tcp6" in seen and "tcp" in seen
print(("ok" if good else "not ok") + " - --all-netns: tcp of every namespace, then tcp6, then udp...")
if not good:
    print("#   sections %r" % [k for i, k in enumerate(seen) if i == 0 or seen[i - 1] != k])
# Every socket once, under its own label only.
for port, label in (("10.201.1.1:5001", a), ("127.0.0.1:5003", cino)):
    holders = {lab for lab, ls in by.items() for l in ls if (" " + port + " ") in l and "LISTEN" in l}
    print(("ok" if holders == {label} else "not ok") + " - listener %s shown under %s only (%s)" % (port, label, sorted(holders)))
PY
cat "$TMP/all.tap"
grep -q '^not ok' "$TMP/all.tap" && failures=$((failures + 1))

# One walk of the kernel's TCP tables per namespace: both families in
# one dump, where -4 alone needs one too (the seam counts the dumps).
SOCKSTAT_DEBUG_REPLIES=1 "$SOCKSTAT" --all-netns -tan -4 >/dev/null \
    2>"$TMP/d4.err"
SOCKSTAT_DEBUG_REPLIES=1 "$SOCKSTAT" --all-netns -tan >/dev/null \
    2>"$TMP/d46.err"
check "--all-netns -tan: one TCP dump per namespace for both families" \
    sh -c 'a=$(sed -n "s/.*, \([0-9]*\) netlink dumps\$/\1/p" "$1")
	b=$(sed -n "s/.*, \([0-9]*\) netlink dumps\$/\1/p" "$2")
	[ -n "$a" ] && [ "$a" -ge 4 ] && [ "$a" = "$b" ] ||
	    { cat "$1" "$2"; exit 1; }' sh "$TMP/d4.err" "$TMP/d46.err"

# JSON: netns {inode, name}; named ones by name, the unnamed one null.
"$SOCKSTAT" --all-netns -tan --json >"$TMP/all.json" 2>"$TMP/all.err"
check "--all-netns --json: netns of each row" python3 -c '
import json, sys
sys.dont_write_bytecode = True
d = json.load(open(sys.argv[1]))
a, ainode, cinode = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
la = [r for r in d if r["local"]["port"] == 5001 and r["state"] == "LISTEN"]
lc = [r for r in d if r["local"]["port"] == 5003 and r["state"] == "LISTEN"]
assert len(la) == 1 and la[0]["netns"] == {"inode": ainode, "name": a}, la
assert len(lc) == 1 and lc[0]["netns"] == {"inode": cinode, "name": None}, lc
assert all("netns" in r for r in d)
' "$TMP/all.json" "$A" "$AINO" "$CINO"
"$SOCKSTAT" -tan --json >"$TMP/own.json" 2>"$TMP/own.err"
check "--json alone: no netns key" python3 -c '
import json, sys
assert all("netns" not in r for r in json.load(open(sys.argv[1])))
' "$TMP/own.json"

# -s: the count of each namespace (its rows of -an) and the total.
"$SOCKSTAT" --all-netns -s --json >"$TMP/s.json" 2>"$TMP/s.err"
"$SOCKSTAT" --all-netns -s >"$TMP/s.txt" 2>&1
check "-s --all-netns: per namespace, as many as -an shows, and the total" \
    python3 -c '
import json, sys
sys.dont_write_bytecode = True
d = json.load(open(sys.argv[1]))
a, ainode, cinode = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
by = {g["netns"]["inode"]: g["count"] for g in d["groups"]}
assert d["by"] == "netns" and d["total"] == sum(by.values()), d
want = {ainode: int(sys.argv[5]), cinode: int(sys.argv[6])}
for k, v in want.items():
    assert by.get(k) == v, (k, by.get(k), v)
txt = open(sys.argv[7]).read().split("\n")
assert txt[0].split() == ["Count", "Netns"], txt[0]
assert "%8d  %s" % (want[ainode], a) in txt, txt
# Other namespaces of the host may change between the two runs.
rows = [l.split() for l in txt[1:] if l.strip()]
assert rows[-1][1] == "total" and int(rows[-1][0]) == sum(int(r[0]) for r in rows[:-1]), rows
' "$TMP/s.json" "$A" "$AINO" "$CINO" \
    "$(grep -cv '^Active \|^Proto \|^$' "$TMP/a.netstat")" \
    "$(grep -cv '^Active \|^Proto \|^$' "$TMP/c.netstat")" "$TMP/s.txt"

# The netns predicate: by name and by inode, only that namespace's rows.
"$SOCKSTAT" --all-netns -tan netns "$A" >"$TMP/fa" 2>&1
check "filter netns NAME: only $A's rows, all of them" sh -c "
	grep -v '^Active \|^Netns ' '$TMP/fa' | cut -c$(( ${#A} > 10 ? ${#A} + 2 : 12 ))- | sort >'$TMP/fa.rows'
	grep '^tcp' '$TMP/a.netstat' | sort >'$TMP/fa.want'
	[ -s '$TMP/fa.want' ] && diff '$TMP/fa.want' '$TMP/fa.rows' &&
	! grep -v '^Active \|^Netns ' '$TMP/fa' | grep -qv '^$A '"
"$SOCKSTAT" --all-netns -tan netns "$CINO" and sport = 5003 >"$TMP/fc" 2>&1
check "filter netns INODE and sport: the unnamed namespace's listener" \
    test "$(grep -c "^$CINO .*127.0.0.1:5003 .*LISTEN" "$TMP/fc")" = 1 -a \
    "$(grep -vc '^Active \|^Netns ' "$TMP/fc")" = 1
"$SOCKSTAT" -tan netns "$A" >/dev/null 2>&1
check "filter netns without --all-netns: a usage error" [ $? -eq 2 ]

# The lsof face: what lsof lists as "protocol: TCP" is decoded.
"$SOCKSTAT" -i --all-netns -n -P -a -p "$CPID" >"$TMP/lsof.all" 2>&1
check "-i --all-netns: the unnamed namespace's listener decoded" grep -q \
    "^python3 *$CPID .* IPv4 .* TCP 127.0.0.1:5003 (LISTEN)\$" "$TMP/lsof.all"
"$SOCKSTAT" -i -n -P -a -p "$CPID" >"$TMP/lsof.own" 2>&1
check "-i without --all-netns: not in the own namespace (exit 1)" \
    [ $? -eq 1 ]
if command -v lsof >/dev/null 2>&1; then
	lsof -n -P -a -p "$CPID" -d 0-20 >"$TMP/lsof.peer" 2>/dev/null
	node=$(awk '/protocol: TCP/ { print $(NF - 2); exit }' "$TMP/lsof.peer")
	check "lsof cannot decode it (protocol: TCP, node $node)" \
	    [ -n "$node" ]
	check "-i --all-netns: the same node lsof lists" \
	    grep -q " $node .* TCP 127.0.0.1:5003 " "$TMP/lsof.all"
fi

# -p: each program followed by its container; JSON has them whole.
if [ -n "$CGTOP" ]; then
	"$SOCKSTAT" --all-netns -tlnp >"$TMP/allp" 2>&1
	check "--all-netns -p: the Docker-named cgroup's listener" grep -q \
	    "^$CINO .* 127.0.0.1:5003 .*LISTEN .*$CPID/python3 (docker 3f4e1c2b9a8d)\$" \
	    "$TMP/allp"
	check "--all-netns -p: the pod's containerd listener" grep -q \
	    "^$A .* 10.201.1.1:5001 .*LISTEN .*$APID/python3 (containerd 0123456789ab)\$" \
	    "$TMP/allp"
	"$SOCKSTAT" --all-netns -tlnp --json >"$TMP/allp.json" 2>"$TMP/allp.err"
	check "--all-netns -p --json: containers with pod" python3 -c '
import json, sys
sys.dont_write_bytecode = True
d = json.load(open(sys.argv[1]))
cid, cid2, uid = sys.argv[2:5]
def cont(port):
    [r] = [r for r in d if r["local"]["port"] == port]
    return r["owners"][0]["container"]
assert cont(5003) == {"runtime": "docker", "id": cid, "name": None, "pod": None}, cont(5003)
assert cont(5001) == {"runtime": "containerd", "id": cid2, "name": None, "pod": uid}, cont(5001)
' "$TMP/allp.json" "$ID" "$ID2" "$UID_"
	# The name Docker keeps in its state: a private mount namespace
	# puts a config.v2.json where Docker would, nothing on the host.
	unshare -m sh -c '
mount -t tmpfs none /var/lib &&
mkdir -p "/var/lib/docker/containers/$1" &&
printf "%s" "{\"HostConfig\":{\"RestartPolicy\":{\"Name\":\"no\"}},\"Name\":\"/web-1\"}" \
    >"/var/lib/docker/containers/$1/config.v2.json" &&
exec "$2" --all-netns -tlnp --json' sh "$ID" "$SOCKSTAT" \
	    >"$TMP/name.json" 2>"$TMP/name.err"
	check "--all-netns -p --json: the name Docker gave the container" \
	    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
[r] = [r for r in d if r["local"]["port"] == 5003]
c = r["owners"][0]["container"]
assert c["name"] == "web-1" and c["runtime"] == "docker", c
[r] = [r for r in d if r["local"]["port"] == 5001]
assert r["owners"][0]["container"]["name"] is None, r
' "$TMP/name.json"
	check "the name came from a mount only that run saw" \
	    test ! -e "/var/lib/docker/containers/$ID"
	"$SOCKSTAT" -tlnp >"$TMP/ownp" 2>&1
	check "-p without --all-netns: no container text" \
	    sh -c "! grep -q '(docker \|(systemd ' '$TMP/ownp'"
fi

# More namespaces than a low soft descriptor limit allows at two each.
i=0
while [ $i -lt 12 ]; do
	MANY="$MANY sst$$m$i"
	ip netns add "sst$$m$i"
	i=$((i + 1))
done
# Only for the ELF binary: a wrapper (make check-valgrind's) needs
# descriptors of its own below that limit.
if [ "$(head -c 4 "$SOCKSTAT" | od -An -c | tr -d ' ')" = '177ELF' ]; then
	(ulimit -Sn 20 && "$SOCKSTAT" --all-netns -an >"$TMP/many" \
	    2>"$TMP/many.err")
	check "--all-netns past a soft limit of 20 descriptors: exit 0" \
	    [ $? -eq 0 ]
	check "--all-netns past the soft limit: no warning" \
	    [ ! -s "$TMP/many.err" ]
else
	echo "# soft descriptor limit: not checked through a wrapper"
fi

# Unprivileged, as root's nobody with no capability.
cp "$SOCKSTAT" "$TMP/sockstat" && chmod 755 "$TMP" "$TMP/sockstat"
unpriv_error "nobody, no caps: --all-netns gives the cap_sys_admin error" \
    setpriv --reuid nobody --regid nogroup --clear-groups --inh-caps=-all \
    "$TMP/sockstat" --all-netns -tan
unpriv_error "nobody, no caps: --netns NAME gives the cap_sys_admin error" \
    setpriv --reuid nobody --regid nogroup --clear-groups --inh-caps=-all \
    "$TMP/sockstat" --netns "$A" -tan

# Churn: namespaces come and go, each with a listener on its own port,
# while a repeating run reads them all.  Each listener lives longer than
# the interval, so some pass sees it.
OWN=$(stat -L -c %i /proc/self/ns/net)
"$SOCKSTAT" --all-netns -tan -c 1 --count 14 >"$TMP/churn.out" \
    2>"$TMP/churn.err" &
SPID=$!
PIDS="$PIDS $SPID"
moved=0 i=0
while [ $i -lt 8 ]; do
	n=sst$$c$i
	CHURN="$CHURN $n"
	ip netns add "$n" && ip -n "$n" link set lo up
	ip netns exec "$n" $HOLD listen 127.0.0.1 $((6100 + i)) \
	    "$TMP/churn$i.ready" &
	hp=$!
	wait_file "$TMP/churn$i.ready"
	ino=$(stat -L -c %i "/proc/$SPID/ns/net" 2>/dev/null)
	[ -n "$ino" ] && [ "$ino" != "$OWN" ] && moved=1
	sleep 1.3
	kill "$hp" 2>/dev/null; wait "$hp" 2>/dev/null
	ip netns del "$n"
	i=$((i + 1))
done
wait "$SPID"
rc=$?
check "churn: the repeating run exits 0" sh -c "[ $rc -eq 0 ] || cat '$TMP/churn.err'; [ $rc -eq 0 ]"
check "churn: no error (a vanished namespace is only counted)" \
    sh -c "! grep -v 'went away before being read' '$TMP/churn.err' | grep ."

# A name ip netns add has made but not yet bound (an empty file, as it
# is for a moment; del leaves one too): no namespace, skipped, counted.
if [ -d /run/netns ] && : >"/run/netns/sst$$h"; then
	HALF=/run/netns/sst$$h
	"$SOCKSTAT" --all-netns -tan >"$TMP/half.out" 2>"$TMP/half.err"
	rc=$?
	check "a /run/netns name not bound yet: exit 0" \
	    sh -c "[ $rc -eq 0 ] || cat '$TMP/half.err'; [ $rc -eq 0 ]"
	check "a /run/netns name not bound yet: only counted" \
	    sh -c "! grep -v 'went away before being read' '$TMP/half.err' | grep ."
	check "a /run/netns name not bound yet: no row under it" \
	    sh -c "! grep -q '^sst$$h ' '$TMP/half.out'"
	rm -f "$HALF"
fi
check "churn: the process stayed in its own namespace" [ $moved -eq 0 ]
check "churn: no listener under another namespace's name" python3 -c '
import re, sys
sys.dont_write_bytecode = True
pid = sys.argv[2]
for l in open(sys.argv[1]):
    m = re.search(r" 127\.0\.0\.1:(61\d\d) ", l)
    if not m or "LISTEN" not in l:
        continue
    label = l.split()[0]
    want = "sst%sc%d" % (pid, int(m.group(1)) - 6100)
    assert label == want or label.isdigit(), l
' "$TMP/churn.out" "$$"
check "churn: some churned listener was seen" \
    grep -q ' 127.0.0.1:61[0-9][0-9] ' "$TMP/churn.out"
finish
