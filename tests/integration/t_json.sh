#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# --json: the document parses, every value has its documented type, there
# is one object per socket of the selection, and each population socket
# is there with its state, ports and path.  -c --count --json writes one
# document per line; -s and -s --json agree with the listing.
. "$SOCKSTAT_TESTS/lib.sh"

kinds="tcp4 tcp6 udp4 udp6 unix"
in_netns && kinds="$kinds raw raw6"
hold_sockets pop $kinds || { not_ok "population started"; exit 1; }
POP=$TMP/pop.json
# The summaries first: the population's TIME_WAIT sockets last 60 s, and
# on a loaded machine the checks before them could take longer.
"$SOCKSTAT" -s >"$TMP/s.txt" 2>&1
s_rc=$?
"$SOCKSTAT" -s --json >"$TMP/s.json" 2>&1
"$SOCKSTAT" -a --json >"$TMP/all.json" 2>&1

"$SOCKSTAT" -an --json >"$TMP/a.json" 2>"$TMP/a.err"
rc=$?
"$SOCKSTAT" -an >"$TMP/a.txt" 2>/dev/null
check "-an --json exits 0, nothing on stderr" \
    sh -c "[ $rc -eq 0 ] && [ ! -s '$TMP/a.err' ]"
check "-an --json is one JSON array" \
    python3 -c 'import json,sys; assert isinstance(json.load(open(sys.argv[1])), list)' "$TMP/a.json"
check "-an --json: one object per line (line tools can read it)" \
    python3 -c '
import json, sys
l = open(sys.argv[1]).read().split("\n")
assert l[0] == "[" and l[-2] == "]" and l[-1] == "", (l[0], l[-2:])
for x in l[1:-2]:
    json.loads(x.rstrip(","))' "$TMP/a.json"

check "-an --json: every value has its documented type" \
    python3 - "$TMP/a.json" <<'EOF'
import json, sys
def isint(x): return type(x) is int and x >= 0
def opt(f): return lambda x: x is None or f(x)
def isstr(x): return type(x) is str
def isbool(x): return type(x) is bool
def endpoint(x):
    return type(x) is dict and set(x) == {"address", "port"} and isstr(x["address"]) and isint(x["port"]) and x["port"] < 65536
def timer(x):
    return x is None or (type(x) is dict and set(x) == {"kind", "expires_ms", "retrans", "probes"} and
                         x["kind"] in ("off", "on", "keepalive", "timewait", "probe") and
                         isint(x["expires_ms"]) and isint(x["retrans"]) and isint(x["probes"]))
common = {"proto": lambda x: x in ("tcp", "udp", "udplite", "raw", "unix"),
          "family": lambda x: x in ("inet", "inet6", "unix"),
          "type": lambda x: x in ("stream", "dgram", "raw", "seqpacket"),
          "state": isstr, "recv_q": opt(isint), "send_q": opt(isint),
          "backlog": opt(isint), "uid": opt(isint), "inode": isint,
          "cookie": opt(isint), "interface": opt(isint), "v6only": opt(isbool),
          "refcnt": opt(isint), "timer": timer}
inet = dict(common, local=endpoint, remote=endpoint)
unix = dict(common, path=opt(isstr), peer_inode=opt(isint))
bad = 0
for o in json.load(open(sys.argv[1])):
    spec = unix if o.get("family") == "unix" else inet
    if set(o) != set(spec):
        print("keys %s, want %s" % (sorted(o), sorted(spec))); bad += 1
    for k, f in spec.items():
        if k in o and not f(o[k]):
            print("%s=%r: %s" % (k, o[k], json.dumps(o))); bad += 1
    if (o["family"] == "unix") != (o["proto"] == "unix"):
        print("family/proto: %s" % json.dumps(o)); bad += 1
    if bad > 10: break
sys.exit(1 if bad else 0)
EOF

check "-an --json: each population socket present once, with its state, ports and path" \
    python3 - "$POP" "$TMP/a.json" <<'EOF'
import json, sys
pop, S = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
bad = 0
def find(pred, what):
    global bad
    m = [o for o in S if pred(o)]
    if len(m) != 1:
        print("%s: %d objects" % (what, len(m))); bad += 1
        return None
    return m[0]
def inet(proto, fam, la, lp, ra, rp, state, what, ino=None):
    global bad
    o = find(lambda o: o["proto"] == proto and o["family"] == fam and
             o["local"] == {"address": la, "port": lp} and
             o["remote"] == {"address": ra, "port": rp}, what)
    if o and (o["state"] != state or (ino is not None and o["inode"] != ino)):
        print("%s: %s" % (what, json.dumps(o))); bad += 1
for key, fam, h, w in (("tcp4", "inet", "127.0.0.1", "0.0.0.0"), ("tcp6", "inet6", "::1", "::")):
    d = pop[key]; P = d["listen"]["port"]
    e, c, t = d["established"], d["close_wait"], d["time_wait"]
    inet("tcp", fam, h, P, w, 0, "LISTEN", key + " listen", d["listen"]["inode"])
    inet("tcp", fam, h, e["client_port"], h, P, "ESTABLISHED", key + " client", e["client_inode"])
    inet("tcp", fam, h, P, h, e["client_port"], "ESTABLISHED", key + " server", e["server_inode"])
    inet("tcp", fam, h, c["client_port"], h, P, "FIN_WAIT2", key + " fin_wait2", c["client_inode"])
    inet("tcp", fam, h, P, h, c["client_port"], "CLOSE_WAIT", key + " close_wait", c["server_inode"])
    inet("tcp", fam, h, t["client_port"], h, P, "TIME_WAIT", key + " time_wait", 0)
    # timer kinds: SO_KEEPALIVE on the client, timewait, none on a listener
    for lp, rp, kind in ((e["client_port"], P, "keepalive"), (t["client_port"], P, "timewait"),
                         (P, 0, "off")):
        m = [o for o in S if o["proto"] == "tcp" and o["family"] == fam and
             o["local"]["port"] == lp and o["remote"]["port"] == rp]
        if len(m) != 1 or not m[0]["timer"] or m[0]["timer"]["kind"] != kind:
            print("%s timer %s: %s" % (key, kind, m and json.dumps(m[0]))); bad += 1
for key, fam, h, w in (("udp4", "inet", "127.0.0.1", "0.0.0.0"), ("udp6", "inet6", "::1", "::")):
    d = pop[key]; b, c = d["bound"], d["connected"]
    inet("udp", fam, h, b["port"], w, 0, "CLOSE", key + " bound", b["inode"])
    inet("udp", fam, h, c["port"], h, b["port"], "ESTABLISHED", key + " connected", c["inode"])
if "raw" in pop:
    inet("raw", "inet", "0.0.0.0", 1, "0.0.0.0", 0, "CLOSE", "raw", pop["raw"]["inode"])
if "raw6" in pop:
    inet("raw", "inet6", "::", 58, "::", 0, "CLOSE", "raw6", pop["raw6"]["inode"])
u = pop["unix"]
for k, ty, st, path in (("path", "stream", "LISTEN", u["path"]["name"]),
                        ("space", "stream", "LISTEN", u["space"]["name"]),
                        ("abstract", "stream", "LISTEN", u["abstract"]["name"]),
                        ("dgram", "dgram", "CLOSE", u["dgram"]["name"])):
    o = find(lambda o, i=u[k]["inode"]: o["family"] == "unix" and o["inode"] == i, "unix " + k)
    if o and (o["type"], o["state"], o["path"]) != (ty, st, path):
        print("unix %s: %s" % (k, json.dumps(o))); bad += 1
for k, i, path in (("accepted", u["connected"]["server_inode"], u["path"]["name"]),
                   ("client", u["connected"]["client_inode"], None),
                   ("pair", u["pair"]["inodes"][0], None)):
    o = find(lambda o, i=i: o["family"] == "unix" and o["inode"] == i, "unix " + k)
    if o and (o["type"], o["state"], o["path"]) != ("stream", "ESTABLISHED", path):
        print("unix %s: %s" % (k, json.dumps(o))); bad += 1
sys.exit(1 if bad else 0)
EOF

# In the netns nothing else moves: the JSON has exactly the table's rows.
if in_netns; then
	check "netns: -an --json has one object per row of -an" python3 - \
	    "$TMP/a.json" "$TMP/a.txt" <<'EOF'
import json, sys
j = len(json.load(open(sys.argv[1])))
t = sum(1 for l in open(sys.argv[2]) if l.split() and
        l.split()[0] in ("tcp", "tcp6", "udp", "udp6", "raw", "raw6", "unix"))
print("json %d, table %d" % (j, t)); sys.exit(j != t)
EOF
fi

# The selection options select in JSON as in the table.
"$SOCKSTAT" -ln --json >"$TMP/l.json" 2>&1
check "-ln --json: only servers (remote port 0, UNIX LISTEN)" python3 -c '
import json, sys
S = json.load(open(sys.argv[1]))
bad = [o for o in S if (o["family"] == "unix" and o["state"] != "LISTEN") or
       (o["family"] != "unix" and o["remote"]["port"] != 0)]
print(bad[:3]); sys.exit(bool(bad) or not S)' "$TMP/l.json"
"$SOCKSTAT" -tn --json >"$TMP/t.json" 2>&1
check "-tn --json: only TCP, no servers" python3 -c '
import json, sys
S = json.load(open(sys.argv[1]))
bad = [o for o in S if o["proto"] != "tcp" or o["state"] == "LISTEN"]
print(bad[:3]); sys.exit(bool(bad) or not S)' "$TMP/t.json"
"$SOCKSTAT" -6 -an --json >"$TMP/6.json" 2>&1
check "-6 -an --json: only inet6" python3 -c '
import json, sys
S = json.load(open(sys.argv[1]))
bad = [o for o in S if o["family"] != "inet6"]
print(bad[:3]); sys.exit(bool(bad) or not S)' "$TMP/6.json"

# -c 1 --count 2 --json: exactly two lines, each a whole document.
timeout 10 "$SOCKSTAT" -tn -c 1 --count 2 --json >"$TMP/c.json" 2>"$TMP/c.err"
rc=$?
check "-c 1 --count 2 --json exits 0 by itself" [ "$rc" -eq 0 ]
check "-c 1 --count 2 --json: exactly two lines, each a JSON array" python3 -c '
import json, sys
l = open(sys.argv[1]).read().split("\n")
assert len(l) == 3 and l[2] == "", "%d lines" % (len(l) - 1)
for x in l[:2]:
    assert isinstance(json.loads(x), list)' "$TMP/c.json"

# -s and -s --json.
check "-s exits 0 and prints the per-protocol table" \
    sh -c "[ $s_rc -eq 0 ] && grep -q '^Protocol  *Total  *IPv4  *IPv6' '$TMP/s.txt' &&
	grep -q '^Kernel totals' '$TMP/s.txt'"
check "-s --json: documented shape, counts are numbers" python3 - "$TMP/s.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
isint = lambda x: type(x) is int and x >= 0
assert set(d) == {"total", "protocols", "tcp_states", "kernel", "tcp_ext"}, sorted(d)
assert isint(d["total"])
for p in ("tcp", "udp", "raw"):
    x = d["protocols"][p]
    assert set(x) == {"total", "inet", "inet6"} and all(map(isint, x.values())), x
    assert x["total"] == x["inet"] + x["inet6"], x
assert set(d["protocols"]["unix"]) == {"total"}
for s in ("ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
          "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING"):
    assert isint(d["tcp_states"][s]), s
assert d["total"] == sum(v["total"] for v in d["protocols"].values())
assert d["protocols"]["tcp"]["total"] == sum(d["tcp_states"].values())
assert d["kernel"] is None or all(isint(v) for s in d["kernel"].values() for v in s.values())
EOF
check "-s --json counts at least the population" python3 - "$TMP/s.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
p, s = d["protocols"], d["tcp_states"]
assert p["tcp"]["inet"] >= 6 and p["tcp"]["inet6"] >= 6, p["tcp"]
assert p["udp"]["inet"] >= 2 and p["udp"]["inet6"] >= 2, p["udp"]
assert p["unix"]["total"] >= 8, p["unix"]
for k in ("LISTEN", "ESTABLISHED", "FIN_WAIT2", "CLOSE_WAIT", "TIME_WAIT"):
    assert s[k] >= 2, (k, s[k])
EOF
check "-s and -s --json agree on the TCP line" python3 - "$TMP/s.txt" "$TMP/s.json" <<'EOF'
import json, sys
txt = open(sys.argv[1]).read().split("\n")
d = json.load(open(sys.argv[2]))
t = [l.split() for l in txt if l.startswith("TCP ")][0]
x = d["protocols"]["tcp"]
# counts may move between the two runs outside the netns; not in it
assert abs(int(t[1]) - x["total"]) <= 50, (t, x)
EOF
if in_netns; then
	check "netns: -s --json counts equal the objects of -a --json" python3 - \
	    "$TMP/s.json" "$TMP/all.json" <<'EOF'
import json, sys
from collections import Counter
d, A = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert d["total"] == len(A), (d["total"], len(A))
c = Counter((o["proto"], o["family"]) for o in A)
for p in ("tcp", "udp", "raw"):
    got = d["protocols"][p]
    want = {"inet": c[(p, "inet")], "inet6": c[(p, "inet6")]}
    assert (got["inet"], got["inet6"]) == (want["inet"], want["inet6"]), (p, got, want)
assert d["protocols"]["unix"]["total"] == c[("unix", "unix")]
st = Counter(o["state"] for o in A if o["proto"] == "tcp")
for k, v in d["tcp_states"].items():
    assert v == st.get(k, 0), (k, v, st.get(k, 0))
EOF
fi
timeout 10 "$SOCKSTAT" -s --json -c 1 --count 2 >"$TMP/sc.json" 2>&1
check "-s --json -c 1 --count 2: two lines, each a JSON object" python3 -c '
import json, sys
l = open(sys.argv[1]).read().split("\n")
assert len(l) == 3 and l[2] == "", "%d lines" % (len(l) - 1)
for x in l[:2]:
    assert isinstance(json.loads(x), dict)' "$TMP/sc.json"
finish
