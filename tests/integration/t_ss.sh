#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# sockstat sees the sockets ss sees: the (protocol, local, peer, state)
# tuples of TCP, UDP and raw sockets and the (type, state, inode) of UNIX
# sockets from `sockstat -an --json` equal those of `ss -anH`.  In the
# netns every socket is compared, elsewhere only the population's.
. "$SOCKSTAT_TESTS/lib.sh"

command -v ss >/dev/null 2>&1 || { echo "# ss missing: skipped"; exit 0; }

kinds="tcp4 tcp6 udp4 udp6 unix"
in_netns && kinds="$kinds raw raw6"
hold_sockets pop $kinds || { not_ok "population started"; exit 1; }
POP=$TMP/pop.json

cat >"$TMP/cmp.py" <<'EOF'
import json, re, sys
pop = json.load(open(sys.argv[1]))
S = json.load(open(sys.argv[2]))
ssinet = open(sys.argv[3]).read().split("\n")
ssunix = open(sys.argv[4], encoding="utf-8", errors="surrogateescape").read().split("\n")
netns, what, netid = sys.argv[5] != "", sys.argv[6], sys.argv[7]

inodes, ports = set(), set()
def walk(x, k=""):
    if isinstance(x, dict):
        for kk, v in x.items(): walk(v, kk)
    elif isinstance(x, list):
        for v in x: walk(v, k)
    elif isinstance(x, int) and "inode" in k: inodes.add(x)
    elif isinstance(x, int) and "port" in k: ports.add(x)
walk(pop)
ports.discard(0)

def addr(a):
    # ss writes [v6] and %dev, and * for a wildcard (v4, v6 or both)
    a = re.sub(r"%\S+$", "", a).strip("[]")
    return "*" if a in ("*", "0.0.0.0", "::") else a

SS_STATES = {"ESTAB": "ESTABLISHED", "UNCONN": "CLOSE", "SYN-SENT": "SYN_SENT",
             "SYN-RECV": "SYN_RECV", "FIN-WAIT-1": "FIN_WAIT1",
             "FIN-WAIT-2": "FIN_WAIT2", "TIME-WAIT": "TIME_WAIT",
             "CLOSE-WAIT": "CLOSE_WAIT", "LAST-ACK": "LAST_ACK",
             "LISTEN": "LISTEN", "CLOSING": "CLOSING"}
def state(s):
    return SS_STATES.get(s, s)

def ours_inet(la, lp, ra, rp):
    # the population: loopback, its own ports at both ends (raw: protocol)
    return (la in ("127.0.0.1", "::1") and lp in ports and (rp in ports or rp == 0))

s_inet, s_unix = [], []
for o in S:
    if o["family"] == "unix":
        if netns or o["inode"] in inodes:
            s_unix.append((o["type"], o["state"], o["inode"]))
        continue
    t = (o["proto"], addr(o["local"]["address"]), o["local"]["port"],
         addr(o["remote"]["address"]), o["remote"]["port"],
         "SYN_RECV" if o["state"] == "NEW_SYN_RECV" else o["state"])
    if netns or ours_inet(t[1], t[2], t[3], t[4]):
        s_inet.append(t)

n_inet, n_unix = [], []
for l in (ssinet if what == "inet" else []):
    f = l.split()
    if f and f[0] in SS_STATES:
        f.insert(0, netid)      # one protocol: ss leaves Netid out
    if len(f) < 6:
        continue
    la, lp = f[4].rsplit(":", 1)
    ra, rp = f[5].rsplit(":", 1)
    t = (f[0], addr(la), int(lp) if lp != "*" else 0,
         addr(ra), int(rp) if rp != "*" else 0, state(f[1]))
    if netns or ours_inet(t[1], t[2], t[3], t[4]):
        n_inet.append(t)
TYPES = {"u_str": "stream", "u_dgr": "dgram", "u_seq": "seqpacket"}
for l in ssunix:
    m = re.match(r"^(u_\w+)\s+(\S+)\s+\d+\s+\d+\s+.*?\s(\d+)\s+\S+\s+\d+\s*$", l)
    if not m:
        continue
    t = (TYPES.get(m.group(1), m.group(1)), state(m.group(2)), int(m.group(3)))
    if netns or t[2] in inodes:
        n_unix.append(t)

a, b = (sorted(s_inet), sorted(n_inet)) if what == "inet" else (sorted(s_unix), sorted(n_unix))
if a != b or not a:
    sa, sb = set(a), set(b)
    print("only sockstat:", sorted(sa - sb)[:10])
    print("only ss:", sorted(sb - sa)[:10])
    print("counts:", len(a), len(b))
    sys.exit(1)
EOF

# compare WHAT FLAGS SSFLAGS [NETID]: one snapshot each, retried once (sockets of
# earlier tests may still change state between the two).
compare() {
	i=0
	while [ $i -lt 2 ]; do
		"$SOCKSTAT" --json $2 >"$TMP/s.json" 2>"$TMP/s.err"
		ss -nH $3 >"$TMP/ss.inet" 2>/dev/null
		ss -nH -xa >"$TMP/ss.unix" 2>/dev/null
		if python3 "$TMP/cmp.py" "$POP" "$TMP/s.json" "$TMP/ss.inet" \
		    "$TMP/ss.unix" "$SOCKSTAT_NETNS" "$1" "${4:-}" \
		    >"$TMP/cmp.out" 2>&1; then
			ok "sockstat --json $2 $1 sockets equal ss -nH $3's"
			return
		fi
		i=$((i + 1))
	done
	not_ok "sockstat --json $2 $1 sockets equal ss -nH $3's"
	sed 's/^/#   /' "$TMP/cmp.out"
}
if in_netns; then w=w; else w=; fi
compare inet "-at" "-ta" tcp
compare inet "-au" "-ua" udp
in_netns && compare inet "-aw" "-wa" raw
compare inet "-atu$w" "-tu${w}a"
compare inet "-lt" "-tl" tcp
compare inet "-lu" "-ul" udp
compare inet "-t" "-t state connected" tcp
compare unix "-ax" "-xa"
in_netns && compare inet "-a" "-tuwa"
finish
