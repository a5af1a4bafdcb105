#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# -o timers against netstat -tno on the same sockets: a zero window probe
# timer ("probe") and unanswered keepalive probes, whose count netstat
# prints in the third field.  The sockets live in a namespace of their own
# (unshare -n) whose loopback is taken down once they are set up, so that
# probes go unanswered; nothing else of the run sees that.
. "$SOCKSTAT_TESTS/lib.sh"

command -v netstat >/dev/null 2>&1 || { echo "# netstat missing: skipped"; exit 0; }
in_netns || { echo "# needs root (a namespace of its own): skipped"; exit 0; }

# timers.py OUT: makes the two connections, takes lo down, waits for
# probes to go out, then compares sockstat with netstat and writes
# "ok"/"not ok" lines to OUT.
cat >"$TMP/timers.py" <<'EOF'
import json, os, re, socket, subprocess, sys, time

out = open(sys.argv[1], "w")
sockstat = os.environ["SOCKSTAT"]

def conn(ka):
    l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
    c = socket.socket()
    if ka:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 60)
    else:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    c.connect(l.getsockname())
    a, _ = l.accept()
    return l, c, a

# Zero window: the server writes until the client's window is shut.
zl, zc, za = conn(False)
za.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
za.setblocking(False)
try:
    while True:
        za.send(b"x" * 4096)
except BlockingIOError:
    pass
kl, kc, ka = conn(True)
time.sleep(0.5)
subprocess.run(["ip", "link", "set", "lo", "down"], check=True)
time.sleep(3.5)

zport, kport = za.getsockname()[1], kc.getsockname()[1]
probe_key = ("127.0.0.1:%d" % zport, "127.0.0.1:%d" % za.getpeername()[1])
ka_key = ("127.0.0.1:%d" % kport, "127.0.0.1:%d" % kc.getpeername()[1])
TIMER = re.compile(r"(\S+) \((\d+)\.(\d\d)/(\d+)/(\d+)\)$")

def timers(argv):
    rows = {}
    for line in subprocess.run(argv, capture_output=True, text=True).stdout.split("\n"):
        t = line.split()
        m = TIMER.search(line)
        if len(t) > 5 and t[0] == "tcp" and m:
            rows[(t[3], t[4])] = (m.group(1), int(m.group(2)) * 100 + int(m.group(3)),
                                  int(m.group(4)), int(m.group(5)))
    return rows

def close(a, b):
    # Same kind and counts; seconds a little apart (two runs).
    return a is not None and b is not None and a[0] == b[0] and \
        a[2:] == b[2:] and abs(a[1] - b[1]) <= 60

for argv, what in ((["-tno"], "netlink"), (["--source=proc", "-tno"], "proc")):
    for key, kind in ((probe_key, "probe"), (ka_key, "keepalive")):
        for attempt in range(10):
            ns = timers(["netstat", "-tno"]).get(key)
            got = timers([sockstat] + argv).get(key)
            ns2 = timers(["netstat", "-tno"]).get(key)
            if close(ns, got) or close(ns2, got):
                break
            time.sleep(0.05)
        good = close(ns, got) or close(ns2, got)
        out.write("%s - %s -tno: %s timer as netstat's (%s, netstat %s)\n" % (
            "ok" if good and ns[0] == kind and ns[3] > 0 else "not ok",
            what, kind, got, ns))

# JSON: the probes counted in their own field, retrans apart.
for attempt in range(10):
    ns = timers(["netstat", "-tno"]).get(ka_key)
    rows = json.loads(subprocess.run([sockstat, "-tn", "--json"], capture_output=True,
                                     text=True).stdout)
    ns2 = timers(["netstat", "-tno"]).get(ka_key)
    j = [r["timer"] for r in rows if r["local"]["port"] == kport]
    if j and ns and ns2 and ns[0] == "keepalive" and \
            (j[0]["probes"], j[0]["retrans"]) in ((ns[3], ns[2]), (ns2[3], ns2[2])):
        break
    time.sleep(0.05)
good = bool(j) and ns is not None and j[0]["kind"] == "keepalive" and \
    (j[0]["probes"], j[0]["retrans"]) in ((ns[3], ns[2]), (ns2[3], ns2[2]))
out.write("%s - --json: keepalive probes in \"probes\", not \"retrans\" (%s, netstat %s)\n" % (
    "ok" if good else "not ok", j, ns))
out.close()
EOF

unshare -n sh -c 'ip link set lo up && exec python3 "$1" "$2"' sh \
    "$TMP/timers.py" "$TMP/res" >"$TMP/timers.log" 2>&1
[ -s "$TMP/res" ] || { not_ok "timer population ran"; sed 's/^/#   /' "$TMP/timers.log"; exit 1; }
cat "$TMP/res"
failures=$(grep -c '^not ok' "$TMP/res")
[ "$(grep -c '^ok' "$TMP/res")" -eq 5 ] ||
	{ not_ok "all 5 checks ran"; sed 's/^/#   /' "$TMP/timers.log"; }
finish
