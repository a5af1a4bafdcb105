#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# --openmetrics and --prometheus against real sockets (issue 18).  A holder
# forks processes named, through prctl PR_SET_NAME, with a double quote, a
# backslash and a newline, and with a byte that is not UTF-8; one holds a
# listener with connections waiting in its accept queue, one UDP sockets,
# and the holder overflows a backlog-0 listener.  Checked: the syntax of
# both formats (a strict line parser here; promtool check metrics and the
# prometheus_client OpenMetrics parser when installed), the listeners'
# queue and backlog against ss, the TCP state counts against ss (in a
# namespace of our own), per-process counts and --top against what the
# holder made, the label escaping exactly, the overflow counter against
# nstat, a selection with no rows, and bad command lines.
. "$SOCKSTAT_TESTS/lib.sh"

cat >"$TMP/holder.py" <<'EOF'
import ctypes, json, os, signal, socket, sys, time

def rename(raw):
    if ctypes.CDLL(None).prctl(15, ctypes.c_char_p(raw), 0, 0, 0) != 0:
        os._exit(1)

def kid(raw, make):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        # Gone with the holder, which the test's cleanup kills.
        ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)
        os.close(r)
        rename(raw)
        keep = make()
        os.write(w, b"x")
        signal.pause()
        os._exit(0)
    os.close(w)
    os.read(r, 1)
    return pid

def queued():
    # A listener with backlog 7 and three connections nobody accepts.
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(7)
    cs = [socket.create_connection(ls.getsockname()) for _ in range(3)]
    open(sys.argv[1] + ".port", "w").write(str(ls.getsockname()[1]))
    return [ls] + cs

def udp():
    us = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
    for u in us:
        u.bind(("127.0.0.1", 0))
    return us

a = kid(b'q"b\\s\nx', queued)
b = kid(b"bad\xffname", udp)
port = int(open(sys.argv[1] + ".port").read())
# Backlog 0: one connection fits, the SYNs of the others overflow it.
ov = socket.socket()
ov.bind(("127.0.0.1", 0))
ov.listen(0)
held = []
for _ in range(4):
    c = socket.socket()
    c.setblocking(False)
    c.connect_ex(ov.getsockname())
    held.append(c)
time.sleep(0.2)
json.dump({"a": a, "b": b, "port": port, "ov": ov.getsockname()[1],
    "self": os.getpid()}, open(sys.argv[1] + ".tmp", "w"))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
try:
    signal.pause()
finally:
    for k in (a, b):
        os.kill(k, signal.SIGTERM)
EOF
python3 "$TMP/holder.py" "$TMP/h.json" >"$TMP/holder.log" 2>&1 &
PIDS="$PIDS $!"
i=0
while [ ! -s "$TMP/h.json" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -s "$TMP/h.json" ]; then
	not_ok "holder started"
	cat "$TMP/holder.log"
	finish
	exit 1
fi
HOLDER=$(jget "$TMP/h.json" 'd["self"]')

# The counters bracket sockstat's own reading of them.
nstat_ov() {
	NSTAT_HISTORY=$TMP/nstat.hist nstat -asz TcpExtListenOverflows |
	    awk '$1 == "TcpExtListenOverflows" { print $2 }'
}
have_nstat=0
command -v nstat >/dev/null 2>&1 && have_nstat=1
[ $have_nstat -eq 1 ] && ov1=$(nstat_ov)
"$SOCKSTAT" --openmetrics >"$TMP/om" 2>"$TMP/om.err"
rc=$?
[ $have_nstat -eq 1 ] && ov2=$(nstat_ov)
check "--openmetrics exits 0" test "$rc" -eq 0
"$SOCKSTAT" --prometheus >"$TMP/prom" 2>"$TMP/prom.err"
check "--prometheus exits 0" test $? -eq 0
ss -ltnH >"$TMP/ss.listen" 2>&1
ss -tanH >"$TMP/ss.all" 2>&1

# A strict reading of both formats, then every check that needs values.
cat >"$TMP/check.py" <<'EOF'
import json, re, subprocess, sys

om_path, prom_path, h_path, ss_listen, ss_all, netns, ov1, ov2 = sys.argv[1:9]
h = json.load(open(h_path))
fails = 0

def report(good, desc, detail=""):
    global fails
    print(("ok - " if good else "not ok - ") + desc)
    if not good:
        fails += 1
        if detail:
            print("#   " + str(detail)[:800])

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LVAL = r'"(?:[^"\\\n]|\\[\\"n])*"'
LABEL = r"[a-zA-Z_][a-zA-Z0-9_]*=" + LVAL
SAMPLE = re.compile(r"(%s)(?:\{(%s(?:,%s)*)?\})? (-?[0-9]+)$" %
                    (NAME, LABEL, LABEL))

def unescape(v):
    return re.sub(r'\\(.)', lambda m: "\n" if m.group(1) == "n" else
                  m.group(1), v[1:-1])

def parse(path, om):
    """Samples {(name, labels tuple): value}; raises on any bad line."""
    raw = open(path, "rb").read()
    text = raw.decode("utf-8")        # both formats are UTF-8
    lines = text.split("\n")
    if lines[-1] != "":
        raise ValueError("no final newline")
    lines = lines[:-1]
    if om:
        if lines[-1] != "# EOF":
            raise ValueError("last line is not # EOF")
        lines = lines[:-1]
    elif "# EOF" in lines:
        raise ValueError("# EOF in the 0.0.4 format")
    out, types, seen, cur = {}, {}, set(), None
    for ln in lines:
        m = re.match(r"# (HELP|TYPE) (%s) (.*)$" % NAME, ln)
        if m:
            if m.group(1) == "TYPE":
                if m.group(2) in types:
                    raise ValueError("TYPE twice: " + ln)
                if m.group(3) not in ("gauge", "counter"):
                    raise ValueError("type: " + ln)
                types[m.group(2)] = m.group(3)
            cur = m.group(2)
            continue
        m = SAMPLE.match(ln)
        if not m:
            raise ValueError("bad line: %r" % ln)
        name = m.group(1)
        fam = name[:-6] if om and name.endswith("_total") and \
            types.get(name[:-6]) == "counter" else name
        if fam != cur or fam not in types:
            raise ValueError("sample outside its family: %r" % ln)
        if types[fam] == "counter" and not name.endswith("_total"):
            raise ValueError("counter without _total: %r" % ln)
        labels = tuple((l.split("=", 1)[0], unescape(l.split("=", 1)[1]))
                       for l in re.findall(LABEL, m.group(2) or ""))
        key = (name, labels)
        if key in out:
            raise ValueError("duplicate series: %r" % ln)
        out[key] = int(m.group(3))
    return out

res = {}
for fmt, path, om in (("--openmetrics", om_path, True),
                      ("--prometheus", prom_path, False)):
    try:
        res[fmt] = parse(path, om)
        report(True, fmt + ": every line is well formed")
    except (ValueError, UnicodeDecodeError) as e:
        report(False, fmt + ": every line is well formed", e)
        res[fmt] = {}
om = res["--openmetrics"]
# The kernel's counters move between the two runs (the overflowing
# clients retry their SYNs): those are compared by name alone.
def gauges(r):
    return {k: v for k, v in r.items() if not k[0].endswith("_total")}
def counters(r):
    return {k for k in r if k[0].endswith("_total")}
report(gauges(om) == gauges(res["--prometheus"]) and
       counters(om) == counters(res["--prometheus"]),
       "both formats carry the same samples (counters by name)")

def series(name, **want):
    return [v for (n, l), v in om.items() if n == name and
            all(dict(l).get(k) == str(x) for k, x in want.items())]

# The queued listener, against ss (Recv-Q: queue, Send-Q: backlog).
ssq = {}
for ln in open(ss_listen):
    f = ln.split()
    if len(f) >= 4 and f[0] == "LISTEN":
        addr, port = f[3].rsplit(":", 1)
        ssq[(addr.strip("[]"), port)] = (int(f[1]), int(f[2]))
want = ssq.get(("127.0.0.1", str(h["port"])))
cmd = 'q"b\\s\nx'
q = series("sockstat_listen_queue", local="127.0.0.1", port=h["port"],
           command=cmd)
bl = series("sockstat_listen_backlog", local="127.0.0.1", port=h["port"],
            command=cmd)
report(want == (3, 7) and q == [3] and bl == [7],
       "accept queue 3 and backlog 7 as ss shows, command label exact",
       (want, q, bl))
if netns:
    mine = {(dict(l)["local"], dict(l)["port"]): v for (n, l), v in
            om.items() if n == "sockstat_listen_queue"}
    back = {(dict(l)["local"], dict(l)["port"]): v for (n, l), v in
            om.items() if n == "sockstat_listen_backlog"}
    got = {k: (mine[k], back.get(k)) for k in mine}
    report(got == ssq, "every listener's queue and backlog equal ss -ltn",
           (got, ssq))
    # TCP states, against ss -tan (its names; request sockets are SYN-RECV).
    names = {"ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT",
             "SYN-RECV": "SYN_RECV", "FIN-WAIT-1": "FIN_WAIT1",
             "FIN-WAIT-2": "FIN_WAIT2", "TIME-WAIT": "TIME_WAIT",
             "CLOSE-WAIT": "CLOSE_WAIT", "LAST-ACK": "LAST_ACK",
             "LISTEN": "LISTEN", "CLOSING": "CLOSING", "UNCONN": "CLOSE"}
    peer = {}
    for ln in open(ss_all):
        f = ln.split()
        if f:
            fam = "inet6" if f[3].startswith("[") else "inet"
            k = (fam, names.get(f[0], f[0]))
            peer[k] = peer.get(k, 0) + 1
    ours = {(dict(l)["family"], dict(l)["state"]): v for (n, l), v in
            om.items() if n == "sockstat_sockets" and
            dict(l)["proto"] == "tcp" and v > 0}
    report(ours == peer, "TCP sockets per family and state equal ss -tan",
           (ours, peer))
    zeros = [l for (n, l), v in om.items() if n == "sockstat_sockets" and
             dict(l)["proto"] == "tcp"]
    report(len(zeros) == 22, "all 11 TCP states of both families present",
           len(zeros))
    udp = series("sockstat_sockets", proto="udp", family="inet",
                 state="CLOSE")
    report(udp == [2], "the 2 unconnected UDP sockets counted", udp)

# Per process: the holder's children hold exactly what they made.
pa = series("sockstat_process_sockets", pid=h["a"], command=cmd)
pb = series("sockstat_process_sockets", pid=h["b"],
            command="bad\ufffdname")
ph = series("sockstat_process_sockets", pid=h["self"])
report(pa == [4] and pb == [2] and ph == [5],
       "per-process counts: 4, 2 and 5 sockets; U+FFFD for the bad byte",
       (pa, pb, ph))
other = series("sockstat_process_sockets", pid="other", command="")
report(len(other) == 1, "the other bucket is present", other)

# The overflow counter, between two readings of nstat.
got = series("sockstat_tcp_listen_overflows_total")
if ov1 != "-":
    report(len(got) == 1 and int(ov1) <= got[0] <= int(ov2) and got[0] > 0,
           "ListenOverflows counted, as nstat reads it around the run",
           (ov1, got, ov2))
for c in ("listen_drops", "retransmitted_segments", "syn_retransmits",
          "timeouts"):
    report(len(series("sockstat_tcp_%s_total" % c)) == 1,
           "counter sockstat_tcp_%s_total present" % c)
sys.exit(1 if fails else 0)
EOF
python3 "$TMP/check.py" "$TMP/om" "$TMP/prom" "$TMP/h.json" \
    "$TMP/ss.listen" "$TMP/ss.all" "${SOCKSTAT_NETNS:-}" \
    "${ov1:--}" "${ov2:--}" >"$TMP/check.log" 2>&1
grep -E '^(not )?ok - ' "$TMP/check.log"
grep -c '^not ok - ' "$TMP/check.log" >"$TMP/nfail" || true
failures=$((failures + $(cat "$TMP/nfail")))
grep -q '^ok - counter sockstat_tcp_timeouts_total' "$TMP/check.log" ||
    { not_ok "the checks ran to their end"; sed 's/^/#   /' "$TMP/check.log" | tail -20; }
grep '^#' "$TMP/check.log" | head -20

# --top 1: only the biggest holder, the rest summed in "other".
"$SOCKSTAT" --openmetrics --top 1 >"$TMP/top" 2>/dev/null
check "--top 1 lists one process" \
    test "$(grep -c '^sockstat_process_sockets{pid="[0-9]' "$TMP/top")" -eq 1
if in_netns; then
	# Ours are the only processes: 5 + 4 + 2, 5 listed, 6 in "other".
	check "--top 1: the holder (5), then 4 + 2 in other" \
	    grep -q "^sockstat_process_sockets{pid=\"$HOLDER\",command=\"[^\"]*\"} 5$" \
	    "$TMP/top"
	check "--top 1: other sums the rest" \
	    grep -qx 'sockstat_process_sockets{pid="other",command=""} 6' "$TMP/top"
fi

# The real parsers, when installed (make check-prometheus installs them).
if command -v promtool >/dev/null 2>&1; then
	check "promtool check metrics accepts --prometheus" \
	    sh -c "promtool check metrics <'$TMP/prom'"
else
	echo "# promtool not installed: its check skipped"
fi
if /usr/bin/python3 -c 'import prometheus_client' 2>/dev/null; then
	check "the prometheus_client OpenMetrics parser accepts --openmetrics" \
	    /usr/bin/python3 -c '
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
list(text_string_to_metric_families(open(sys.argv[1]).read()))' "$TMP/om"
else
	echo "# python3-prometheus-client not installed: its check skipped"
fi

# No rows: TCP over IPv6 listeners, of which there are none here.
if in_netns; then
	"$SOCKSTAT" --openmetrics -l -t -6 >"$TMP/empty" 2>"$TMP/empty.err"
	check "no rows: exit 0" test $? -eq 0
	check "no rows: 11 TCP states at 0" \
	    test "$(grep -c '^sockstat_sockets{proto="tcp",family="inet6",state="[A-Z_0-9]*"} 0$' "$TMP/empty")" -eq 11
	check "no rows: nothing but tcp inet6" \
	    test "$(grep -c '^sockstat_sockets{' "$TMP/empty")" -eq 11
	check "no rows: ends with # EOF" sh -c "tail -n 1 '$TMP/empty' | grep -qx '# EOF'"
	if command -v promtool >/dev/null 2>&1; then
		"$SOCKSTAT" --prometheus -l -t -6 >"$TMP/empty.prom" 2>/dev/null
		check "no rows: promtool accepts it" \
		    sh -c "promtool check metrics <'$TMP/empty.prom'"
	fi
fi

# Bad command lines: one line, usage, exit 2.
bad() {
	want=$1; shift
	"$SOCKSTAT" "$@" >"$TMP/bad.out" 2>"$TMP/bad.err"
	rc=$?
	if [ $rc -eq 2 ] && [ ! -s "$TMP/bad.out" ] &&
	    head -n 1 "$TMP/bad.err" | grep -q "^sockstat: .*$want"; then
		ok "exit 2 naming '$want': $*"
	else
		not_ok "exit 2 naming '$want': $* (rc $rc)"
		sed 's/^/#   /' "$TMP/bad.err" | head -3
	fi
}
bad "top" --openmetrics --top x
bad "top" --openmetrics --top -1
bad "top" --openmetrics --top 100001
bad "--top needs --openmetrics" --top 5
bad "-s and --openmetrics" -s --openmetrics
bad "-s and --openmetrics" --prometheus -s
bad "--json" --openmetrics --json
bad "-c and --openmetrics" --openmetrics -c 1
bad "-E and --openmetrics" --openmetrics -E
finish
