#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# --info, --mem and --extended against ss -tinme on the same connections
# (issue 15), in a namespace of its own: a connection that moved 1 MB one
# way and 1000 bytes back, one that retransmitted (its data sent while
# the namespace's lo was down for a moment), and a listener with one
# connection waiting to be accepted.  Once every byte is acknowledged the
# fields compared are at rest: mss, pmtu, wscale, congestion module,
# bytes, segments, retransmission totals, skmem, inode, cookie, cgroup.
# rtt and rates must lie in what loopback can give.  JSON is checked
# against the text line and its keys against the man page's schema.
. "$SOCKSTAT_TESTS/lib.sh"

command -v ss >/dev/null 2>&1 || { echo "# ss missing: skipped"; exit 0; }
in_netns || { echo "# needs root (a namespace of its own): skipped"; exit 0; }

# conns.py OUT: makes the connections, waits until every byte is
# acknowledged, writes their ports to OUT and holds them.
cat >"$TMP/conns.py" <<'EOF'
import json, socket, struct, subprocess, sys, time

MB = 1 << 20

def unacked(s):
    # struct tcp_info: tcpi_unacked is the u32 at offset 24.
    return struct.unpack_from("I", s.getsockopt(socket.IPPROTO_TCP,
                                                 socket.TCP_INFO, 104), 24)[0]

def settle(*socks):
    end = time.time() + 20
    while time.time() < end:
        if all(unacked(s) == 0 for s in socks):
            return
        time.sleep(0.05)
    sys.exit("connections did not settle")

def recv_all(s, n):
    got = 0
    s.settimeout(20)
    while got < n:
        b = s.recv(65536)
        if not b:
            sys.exit("peer closed")
        got += len(b)

def pair(backlog=1, tos=None):
    l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(backlog)
    c = socket.socket()
    if tos is not None:
        c.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, tos)
    c.connect(l.getsockname())
    a, _ = l.accept()
    return l, c, a

# 1 MB client -> server, 1000 bytes back.
bl, bc, ba = pair(tos=0x10)
bc.sendall(b"x" * MB); recv_all(ba, MB)
ba.sendall(b"y" * 1000); recv_all(bc, 1000)

# Sent while lo is down: the first transmissions are lost.
rl, rc, ra = pair()
subprocess.run(["ip", "link", "set", "lo", "down"], check=True)
rc.sendall(b"z" * 5000)
time.sleep(0.5)
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
recv_all(ra, 5000)

# For lsof's -T: a UDP socket with a datagram waiting, a UNIX listener.
ul = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); ul.bind(("127.0.0.1", 0))
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"d" * 100, ul.getsockname())
xl = socket.socket(socket.AF_UNIX); xl.bind("\0sockstat-tcpinfo"); xl.listen(1)

# A listener with one connection not yet accepted.
ql = socket.socket(); ql.bind(("127.0.0.1", 0)); ql.listen(7)
qc = socket.create_connection(ql.getsockname())

# A listener whose accept queue overflows (ListenOverflows, -s); its
# clients are closed once it did, so that the counters then stay put.
def tcpext(name):
    lines = [l.split() for l in open("/proc/net/netstat") if l.startswith("TcpExt:")]
    return int(lines[1][lines[0].index(name)])
ol = socket.socket(); ol.bind(("127.0.0.1", 0)); ol.listen(0)
flood = []
end = time.time() + 20
while tcpext("ListenOverflows") == 0 and time.time() < end:
    f = socket.socket(); f.setblocking(False)
    f.connect_ex(ol.getsockname()); flood.append(f)
    time.sleep(0.05)
for f in flood:
    f.close()
ol.close()

settle(bc, ba, rc, ra)
json.dump({"bulk": [bc.getsockname()[1], ba.getsockname()[1]],
           "retrans": [rc.getsockname()[1], ra.getsockname()[1]],
           "listen": ql.getsockname()[1], "tos": 0x10},
          open(sys.argv[1] + ".tmp", "w"))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(900)
EOF

python3 "$TMP/conns.py" "$TMP/ports.json" >"$TMP/conns.log" 2>&1 &
HOLDER=$!
PIDS="$PIDS $HOLDER"
i=0
while [ ! -s "$TMP/ports.json" ] && [ $i -lt 300 ]; do
	sleep 0.1; i=$((i + 1))
done
[ -s "$TMP/ports.json" ] || { cat "$TMP/conns.log"; not_ok "connections made"; exit 1; }

"$SOCKSTAT" -tan --info --mem --extended >"$TMP/text" 2>"$TMP/text.err"
"$SOCKSTAT" -tan --info --mem --extended --json >"$TMP/json" 2>"$TMP/json.err"
ss -tanimeH >"$TMP/ss"
"$SOCKSTAT" -tan --info --numeric-rates >"$TMP/exact"
"$SOCKSTAT" -tan >"$TMP/plain"
"$SOCKSTAT" -tan --source=proc --info --json >"$TMP/proc.json" 2>"$TMP/proc.err"
man=$SOCKSTAT_TESTS/../../man/sockstat.8

# -s: the TcpExt counters in netstat -s's words.  A value may move
# between two reads (a timer firing): netstat is read between two of
# ours, and a counter is compared only when ours did not move.
"$SOCKSTAT" -s >"$TMP/s1"
netstat -s >"$TMP/ns"
"$SOCKSTAT" -s >"$TMP/s2"
"$SOCKSTAT" -s --json >"$TMP/s.json"

python3 - "$TMP" "$man" <<'EOF'
import json, os, re, sys

tmp, man = sys.argv[1:3]
P = json.load(open(tmp + "/ports.json"))
failures = 0

def report(good, desc, detail=""):
    global failures
    print(("ok - " if good else "not ok - ") + desc)
    if not good:
        failures += 1
        if detail:
            print("#   " + str(detail)[:2000])

def port(a):
    return int(a.rsplit(":", 1)[1]) if a.rsplit(":", 1)[1] != "*" else 0

# sockstat's text: a row, then maybe a tab-indented line of key:value.
def text_rows(path):
    rows, last = {}, None
    for line in open(path):
        if line.startswith("\t"):
            if last is None or last in rows:
                report(False, "detail line follows its row", line)
                continue
            rows[last] = dict(p.split(":", 1) for p in line.split())
            continue
        f = line.split()
        last = (port(f[3]), port(f[4])) if f and f[0] == "tcp" else None
    return rows

T = text_rows(tmp + "/text")
J = {(o["local"]["port"], o["remote"]["port"]): o
     for o in json.load(open(tmp + "/json"))}

# ss -tanimeH: a socket line, then its tab-indented detail line.
S, key = {}, None
for line in open(tmp + "/ss"):
    if line.startswith("\t") or line.startswith(" "):
        if key is not None:
            S[key] += " " + line.strip()
        continue
    f = line.split()
    key = (port(f[3]), port(f[4]))
    S[key] = " ".join(f[5:])

def ss_field(s, name, conv=int):
    m = re.search(r"(?:^| )" + re.escape(name) + r":(\S+)", s)
    return conv(m.group(1)) if m else None

def ss_skmem(s):
    m = re.search(r"skmem:\(([^)]*)\)", s)
    return dict(re.match(r"([a-z]+)(\d+)", kv).groups()
                for kv in m.group(1).split(",")) if m else {}

def ss_cong(s):
    for tok in s.split():
        if re.fullmatch(r"(bbr|bbr2|cubic|reno|dctcp|vegas|htcp|bic|"
                        r"westwood|hybla|illinois|scalable|lp|veno|yeah|cdg|nv|highspeed)", tok):
            return tok
    return None

def cgroup_inode(path):
    for line in open("/proc/mounts"):
        f = line.split()
        if f[2] == "cgroup2":
            return os.stat(f[1] + path).st_ino
    return 1 if path == "/" else None

conns = [tuple(P["bulk"]), tuple(P["bulk"][::-1]),
         tuple(P["retrans"]), tuple(P["retrans"][::-1])]
for c in conns:
    t, s, j = T.get(c), S.get(c), J.get(c)
    if t is None or s is None or j is None:
        report(False, "connection %s in sockstat text, JSON and ss" % (c,),
               (t, s, j is not None))
        continue
    # Fields at rest: the same in both.
    for k, ssk in (("mss", "mss"), ("pmtu", "pmtu"), ("wscale", "wscale"),
                   ("bytes_acked", "bytes_acked"),
                   ("bytes_received", "bytes_received"),
                   ("bytes_sent", "bytes_sent"),
                   ("segs_out", "segs_out"), ("segs_in", "segs_in"),
                   ("cwnd", "cwnd")):
        sv = ss_field(s, ssk, str)
        # ss leaves out counters that are 0.
        if sv is None and k.startswith("bytes_"):
            sv = "0"
        report(sv is not None and t.get(k) == sv, "%s: %s as ss" % (c, k),
               (t.get(k), sv))
    report(ss_cong(s) is not None and t.get("cong") == ss_cong(s), "%s: congestion module as ss" % (c,),
           (t.get("cong"), ss_cong(s)))
    sr = ss_field(s, "retrans", str) or "0/0"
    report(t.get("retrans", "").split("/")[1] == sr.split("/")[1],
           "%s: retransmission total as ss" % (c,), (t.get("retrans"), sr))
    sk = ss_skmem(s)
    for k in ("r", "rb", "t", "tb", "f", "w", "o", "bl", "d"):
        report(sk.get(k) is not None and t.get(k) == sk.get(k), "%s: skmem %s as ss -m" % (c, k),
               (t.get(k), sk.get(k)))
    report(t.get("inode") not in (None, "0") and
           t.get("inode") == ss_field(s, "ino", str),
           "%s: inode as ss -e" % (c,), (t.get("inode"), s))
    report(t.get("cookie") == "0x" + (ss_field(s, "sk", str) or ""),
           "%s: cookie as ss -e" % (c,), (t.get("cookie"), s))
    cg = ss_field(s, "cgroup", str)
    report(cg is not None and t.get("cgroup") == str(cgroup_inode(cg)),
           "%s: cgroup is the id of ss's cgroup path" % (c,), (t.get("cgroup"), cg))
    report(t.get("uid") == str(os.getuid()), "%s: uid" % (c,), t.get("uid"))
    report(t.get("shutdown") == "none", "%s: shutdown none" % (c,), t.get("shutdown"))
    # What loopback can give: an rtt under 200 ms, an rto of 200 ms or more.
    rtt = j["tcp_info"]["rtt_us"]
    report(0 < rtt < 200000 and j["tcp_info"]["rto_us"] >= 200000,
           "%s: rtt and rto in loopback's range" % (c,),
           (rtt, j["tcp_info"]["rto_us"]))
    report(re.fullmatch(r"[\d.]+/[\d.]+ms", t.get("rtt", "")) is not None,
           "%s: rtt as ms/ms" % (c,), t.get("rtt"))
    # JSON says what the text says.
    ti = j["tcp_info"]
    same = [(k, ti[jk], t.get(k)) for k, jk in
            (("mss", "mss"), ("cwnd", "cwnd"), ("pmtu", "pmtu"),
             ("bytes_acked", "bytes_acked"), ("segs_out", "segs_out"),
             ("lost", "lost"))
            if str(ti[jk]) != t.get(k)]
    report(not same and ti["congestion"] == t.get("cong") and
           str(ti["total_retrans"]) == t["retrans"].split("/")[1] and
           str(j["skmem"]["rcvbuf_bytes"]) == t.get("rb") and
           j["cgroup_id"] == int(t["cgroup"]),
           "%s: JSON and text agree" % (c,), same)

bc = tuple(P["bulk"])
report(T.get(bc, {}).get("bytes_acked") == str((1 << 20) + 1),
       "bulk sender: bytes_acked is 1 MB and the SYN")
report(J.get(bc, {}).get("tos") == P["tos"] and
       T.get(bc, {}).get("tos") == "0x%02x" % P["tos"],
       "bulk sender: tos as set", (J.get(bc, {}).get("tos"), T.get(bc, {}).get("tos")))
d = J.get(bc, {}).get("tcp_info") or {}
report((d.get("delivery_rate_bps") or 0) > 0 and
       (d.get("pacing_rate_bps") or 0) > 0 and (d.get("send_rate_bps") or 0) > 0,
       "bulk sender: rates measured", d)
rc = tuple(P["retrans"])
report(int(T.get(rc, {}).get("retrans", "0/0").split("/")[1]) > 0,
       "the connection that lost packets counts retransmissions",
       T.get(rc))

# The listener: accept queue against backlog, as ss's Recv-Q/Send-Q.
lk = (P["listen"], 0)
sl = [l.split() for l in open(tmp + "/ss")
      if not l[0].isspace() and l.split()[0] == "LISTEN" and
      port(l.split()[3]) == P["listen"]]
report(sl and T.get(lk, {}).get("accept") == "%s/%s" % (sl[0][1], sl[0][2])
       and T[lk]["accept"] == "1/7",
       "listener: accept queue / backlog as ss", (T.get(lk), sl))

# --numeric-rates: exact bits per second; human otherwise.
E = text_rows(tmp + "/exact")
report(all(re.fullmatch(r"\d+bps", v) for r in E.values()
           for k, v in r.items() if k in ("send", "pacing_rate", "delivery_rate")),
       "--numeric-rates: rates in bits per second", E.get(bc))
report(re.fullmatch(r"\d+(\.\d)?[kMGT]?bps", T.get(bc, {}).get("send", "")),
       "rates human by default", T.get(bc, {}).get("send"))
report(not any(l.startswith("\t") for l in open(tmp + "/plain")),
       "no detail line without the options")

# JSON against the schema in the man page: every key it has is
# documented there, every member the options add is in every object,
# and each value has its type.
src = open(man).read()
sec = src[src.index(".Ss TCP internals"):src.index(".Ss The lsof face")]
doc = set(re.findall(r"[a-z_0-9]+", " ".join(
    l for l in sec.split("\n") if l.startswith(".Li "))))
objs = json.load(open(tmp + "/json"))
bad = set()
for o in objs:
    for k in ("tcp_info", "skmem", "cgroup_id", "mark", "tos", "tclass",
              "shutdown", "sockopt"):
        if k not in o:
            bad.add("missing " + k)
    for k in ("tcp_info", "skmem", "shutdown", "sockopt"):
        for kk, v in (o.get(k) or {}).items():
            if kk not in doc:
                bad.add("undocumented %s.%s" % (k, kk))
            if kk == "congestion":
                ok = isinstance(v, str)
            elif kk == "cc_info":
                ok = v is None or isinstance(v, dict)
                for ck in (v or {}):
                    if ck not in doc:
                        bad.add("undocumented cc_info." + ck)
            elif kk == "app_limited" or k in ("shutdown", "sockopt"):
                ok = v is None or isinstance(v, bool)
            else:
                ok = v is None or (isinstance(v, int) and not isinstance(v, bool))
            if not ok:
                bad.add("%s.%s has type %s" % (k, kk, type(v).__name__))
report(not bad and len(objs) >= 5, "JSON members documented and typed", sorted(bad))

# /proc/net has none of it: null, and one line that says so.
pj = json.load(open(tmp + "/proc.json"))
err = open(tmp + "/proc.err").read()
report(pj and all(o["tcp_info"] is None for o in pj) and
       len([l for l in err.split("\n") if "--info" in l]) == 1,
       "--source=proc: null, and one line on stderr", err)
# -s against netstat -s: the words and numbers of every counter that
# stood still; netstat leaves out those that are 0.
def tcpext_lines(path):
    t = open(path).read()
    return t[t.index("TCP listeners and timeouts"):].split("\n")[1:-1]
s1, s2 = tcpext_lines(tmp + "/s1"), tcpext_lines(tmp + "/s2")
ns = [l.strip() for l in open(tmp + "/ns")]
steady = [a.strip() for a, b in zip(s1, s2) if a == b]
missing = [l for l in steady if not l.startswith("0 ") and
           not l.endswith(": 0") and l not in ns]
report(len(s1) == 5 and len(steady) >= 3 and not missing,
       "-s: listener and timeout counters as netstat -s words them",
       (s1, missing))
report(any(l.endswith("times the listen queue of a socket overflowed") and
           not l.startswith("0 ") for l in s1), "-s: the overflow counted", s1)
sj = json.load(open(tmp + "/s.json"))["tcp_ext"]
report(sorted(sj) == sorted(["ListenOverflows", "ListenDrops",
       "SyncookiesSent", "TCPTimeouts", "TCPRetransFail"]) and
       all(isinstance(v, int) for v in sj.values()) and
       str(sj["ListenOverflows"]) + " times" in " ".join(s1),
       "-s --json: tcp_ext", sj)
report(open(tmp + "/text.err").read() == "", "no warning from netlink runs",
       open(tmp + "/text.err").read())
sys.exit(1 if failures else 0)
EOF
[ $? -eq 0 ] || failures=$((failures + 1))

# lsof's -T letters, lsof 4.95 the oracle: NAME's tail (trailing blanks
# kept: lsof writes one after a socket -T shows nothing of) and -F's T
# fields.  UNIX rows differ from lsof in DEVICE only (the socket's
# kernel address there, its cookie here).
command -v lsof >/dev/null 2>&1 || { echo "# lsof missing: -T skipped"; finish; exit; }
for t in "" -T -Tq -Ts -Tf -Tqs -Tsfq; do
	for sel in -i -U; do
		for f in "" -FpfnT -F0T; do
			lsof -nP -a -p "$HOLDER" $sel $f $t 2>/dev/null |
			    tr -s ' ' | sed 's/0x[0-9a-f]*/D/' >"$TMP/l.T"
			"$SOCKSTAT" -nP -a -p "$HOLDER" $sel $f $t 2>/dev/null |
			    tr -s ' ' | sed 's/0x[0-9a-f]*/D/' >"$TMP/s.T"
			check "lsof face $sel $f $t equals lsof" \
			    diff "$TMP/l.T" "$TMP/s.T"
		done
	done
done
lsof -i -Tw >/dev/null 2>&1; lr=$?
"$SOCKSTAT" -i -Tw >/dev/null 2>"$TMP/tw.err"; sr=$?
if [ "$lr" -ne 0 ] && [ "$sr" -eq 2 ] &&
    grep -q "unsupported TCP/TPI info selection: w" "$TMP/tw.err"; then
	ok "-Tw is refused, as lsof on Linux refuses it"
else
	not_ok "-Tw is refused, as lsof on Linux refuses it"
fi
finish
