#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The two sources agree: --source=proc and --source=netlink give the same
# table and the same JSON (but for the fields only one of them has), and
# the default (auto) equals netlink where netlink can answer.
. "$SOCKSTAT_TESTS/lib.sh"

kinds="tcp4 tcp6 udp4 udp6 unix"
in_netns && kinds="$kinds raw raw6"
hold_sockets pop $kinds || { not_ok "population started"; exit 1; }
POP=$TMP/pop.json

# Which protocols netlink can read here: raw needs the kernel's raw_diag,
# which many kernels lack (then auto reads raw from /proc/net instead).
nl=
for p in t u x w; do
	if "$SOCKSTAT" --source=netlink -an$p >/dev/null 2>"$TMP/nl.err"; then
		nl="$nl$p"
	elif [ "$p" = w ]; then
		echo "# netlink cannot read raw sockets here ($(cat "$TMP/nl.err")): raw compared through auto only"
	else
		not_ok "--source=netlink -an$p exits 0"
		sed 's/^/#   /' "$TMP/nl.err"
	fi
done
[ -n "$nl" ] || { not_ok "netlink reads something"; exit 1; }

# pick.py POP FILE: the rows of a netstat-style output (with -e) that are
# the population's: Internet rows by their Inode column (TIME_WAIT, inode
# 0, by its ports), UNIX rows by their I-Node; sorted.
cat >"$TMP/pick.py" <<'EOF'
import json, sys
pop = json.load(open(sys.argv[1]))
inodes, ports = set(), set()
def walk(x, k=""):
    if isinstance(x, dict):
        for kk, v in x.items():
            walk(v, kk)
    elif isinstance(x, list):
        for v in x:
            walk(v, k)
    elif isinstance(x, int) and ("inode" in k):
        inodes.add(str(x))
    elif isinstance(x, int) and "port" in k:
        ports.add(x)
walk(pop)
UNIX_STATES = {"LISTENING", "CONNECTED", "CONNECTING", "DISCONNECTING"}
out = []
for l in open(sys.argv[2], encoding="utf-8", errors="surrogateescape").read().split("\n"):
    t = l.split()
    if not t:
        continue
    if t[0] == "unix" and "]" in l:
        r = l[l.index("]") + 1:].split()
        ino = r[2] if len(r) > 2 and r[1] in UNIX_STATES else r[1]
        if ino in inodes:
            out.append(l)
    elif t[0] in ("tcp", "tcp6", "udp", "udp6", "raw", "raw6") and len(t) >= 7:
        lp = t[3].rsplit(":", 1)[1]
        if t[-1] in inodes or (t[-1] == "0" and lp.isdigit() and int(lp) in ports):
            out.append(l)
for l in sorted(out):
    print(l)
EOF

# table FLAGS...: the rows to compare: the whole sorted output in the
# netns, the population's rows elsewhere (other sockets come and go).
table() {
	"$SOCKSTAT" "$@" >"$TMP/t.raw" 2>"$TMP/t.err" || echo "exit $? $(cat "$TMP/t.err")"
	if in_netns; then
		LC_ALL=C sort "$TMP/t.raw"
	else
		python3 "$TMP/pick.py" "$POP" "$TMP/t.raw"
	fi
}

# same DESC A-ARGS -- B-ARGS: table(A) = table(B), retried once since
# sockets of earlier tests may still change state in between.
same() {
	desc=$1; shift
	a=; while [ "$1" != "--" ]; do a="$a $1"; shift; done; shift
	i=0
	while [ $i -lt 2 ]; do
		table $a >"$TMP/a.t"; table "$@" >"$TMP/b.t"
		if [ -s "$TMP/a.t" ] && diff "$TMP/a.t" "$TMP/b.t" >"$TMP/d.t"; then
			ok "$desc"; return
		fi
		i=$((i + 1))
	done
	not_ok "$desc"
	[ -s "$TMP/a.t" ] || echo "#   empty selection"
	sed 's/^/#   /' "$TMP/d.t" | head -20
}

same "-ane$nl: --source=proc equals --source=netlink" \
    --source=proc -ane$nl -- --source=netlink -ane$nl
same "-ln$nl: --source=proc equals --source=netlink" \
    --source=proc -lne$nl -- --source=netlink -lne$nl
same "-n$nl: --source=proc equals --source=netlink" \
    --source=proc -ne$nl -- --source=netlink -ne$nl
same "-ane$nl: default equals --source=netlink" \
    -ane$nl -- --source=netlink -ane$nl
same "-ane: default equals --source=auto" -ane -- --source=auto -ane
case $nl in
*w*) ;;
*)	in_netns && same "-anew: default (netlink lacks raw) equals --source=proc" \
	    -anew -- --source=proc -anew ;;
esac

# JSON: the same objects but for the fields only one source has.
jcmp() {	# DESC FLAGS MIN: MIN population sockets at least
	"$SOCKSTAT" --source=proc --json $2 >"$TMP/p.json" 2>"$TMP/p.err"
	"$SOCKSTAT" --source=netlink --json $2 >"$TMP/n.json" 2>"$TMP/n.err"
	check "$1" python3 - "$POP" "$TMP/p.json" "$TMP/n.json" "$SOCKSTAT_NETNS" "$3" <<'EOF'
import json, sys
pop, P, N = (json.load(open(f)) for f in sys.argv[1:4])
netns, least = sys.argv[4] != "", int(sys.argv[5])
inodes = set()
def walk(x, k=""):
    if isinstance(x, dict):
        for kk, v in x.items(): walk(v, kk)
    elif isinstance(x, list):
        for v in x: walk(v, k)
    elif isinstance(x, int) and "inode" in k:
        inodes.add(x)
walk(pop)
NETLINK_ONLY = ("cookie", "interface", "v6only", "peer_inode", "backlog")
PROC_ONLY = ("refcnt",)
UNIX_NETLINK_ONLY = ("uid", "recv_q", "send_q")
def key(o):
    if o["family"] == "unix":
        return ("unix", o["inode"])
    return (o["proto"], o["family"], o["local"]["address"], o["local"]["port"],
            o["remote"]["address"], o["remote"]["port"])
def ours(o):
    return netns or o["inode"] in inodes or (o["inode"] == 0 and o["family"] != "unix")
def strip(o):
    o = dict(o)
    for k in NETLINK_ONLY + PROC_ONLY:
        o.pop(k, None)
    if o["family"] == "unix":
        for k in UNIX_NETLINK_ONLY:
            o.pop(k, None)
    if o.get("timer"):
        o["timer"] = {k: v for k, v in o["timer"].items() if k != "expires_ms"}
    return o
bad = 0
p = {key(o): o for o in P if ours(o)}
n = {key(o): o for o in N if ours(o)}
if True:
    # Sockets no file holds (TIME_WAIT) that are not the population's:
    # the host's, or earlier tests' in the namespace, which may expire
    # between the two runs (slowly, under valgrind).  Keep the ports'.
    ports = set()
    def pw(x, k=""):
        if isinstance(x, dict):
            for kk, v in x.items(): pw(v, kk)
        elif isinstance(x, int) and "port" in k:
            ports.add(x)
    pw(pop)
    for d in (p, n):
        for k in [k for k, o in d.items() if o["inode"] == 0 and
                  o["local"]["port"] not in ports]:
            del d[k]
if set(p) != set(n):
    print("only proc:", sorted(map(str, set(p) - set(n)))[:10])
    print("only netlink:", sorted(map(str, set(n) - set(p)))[:10])
    bad += 1
for k in set(p) & set(n):
    if strip(p[k]) != strip(n[k]):
        print("differ:", json.dumps(strip(p[k])), json.dumps(strip(n[k])))
        bad += 1
if len(p) < least:
    print("too few population sockets: %d" % len(p)); bad += 1
sys.exit(1 if bad else 0)
EOF
}
jcmp "--json -a$nl: proc and netlink give the same objects (but source-only fields)" "-a$nl" 20
jcmp "--json -l$nl: proc and netlink give the same objects" "-l$nl" 7

# The source-only fields: given by the source that has them, null from
# the other (the man page: a value the source could not give is null).
"$SOCKSTAT" --source=proc --json -a$nl >"$TMP/p.json" 2>/dev/null
"$SOCKSTAT" --source=netlink --json -a$nl >"$TMP/n.json" 2>/dev/null
check "--source=netlink --json: cookie and interface are numbers, refcnt null" \
    python3 - "$POP" "$TMP/n.json" <<'EOF'
import json, sys
pop, N = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
bad = [o for o in N if not isinstance(o["cookie"], int) or o["refcnt"] is not None
       or (o["family"] != "unix" and not isinstance(o["interface"], int))]
for o in bad[:5]: print(json.dumps(o))
u = pop["unix"]["connected"]
peer = {o["inode"]: o["peer_inode"] for o in N if o["family"] == "unix"}
if peer.get(u["client_inode"]) != u["server_inode"] or peer.get(u["server_inode"]) != u["client_inode"]:
    print("peer_inode of the accepted pair:", peer.get(u["client_inode"]), peer.get(u["server_inode"]))
    bad.append(1)
lst = [o for o in N if o["family"] != "unix" and o["state"] == "LISTEN" and
       o["local"]["port"] == pop["tcp4"]["listen"]["port"]]
if not lst or lst[0]["backlog"] != 16:
    print("tcp4 listener backlog (listen(16)):", lst and lst[0]["backlog"]); bad.append(1)
sys.exit(1 if bad else 0)
EOF
check "--source=proc --json: netlink-only fields are null, UNIX refcnt a number" \
    python3 - "$TMP/p.json" <<'EOF'
import json, sys
bad = 0
for o in json.load(open(sys.argv[1])):
    for k in ("cookie", "interface", "v6only", "peer_inode", "backlog"):
        if o.get(k) is not None:
            print("%s is %r, not null: %s" % (k, o[k], json.dumps(o))); bad += 1
    if o["family"] == "unix" and not isinstance(o["refcnt"], int):
        print("refcnt: %s" % json.dumps(o)); bad += 1
    if bad > 5:
        break
sys.exit(1 if bad else 0)
EOF
finish
