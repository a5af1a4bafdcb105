#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# sockstat top -b: two echo clients sending at known rates (echo-client
# --rate) are reported within 10% and in the right order, JSON and text
# frames parse, groups sum, a socket that closes between frames is shown
# closed once and then no more, and bad words are usage errors.  Runs as
# root and as any user: every socket here is the test's own.
. "$SOCKSTAT_TESTS/lib.sh"

FAST=200000
SLOW=50000

# start_server: the echo server on an ephemeral port; sets $port.
start_server() {
	"$SOCKSTAT" echo-server -p 0 --idle-timeout 120 2>"$TMP/srv.log" &
	PIDS="$PIDS $!"
	i=0
	port=
	while [ $i -lt 300 ]; do
		port=$(sed -n 's/.* Listening on [^ ]* \([0-9][0-9]*\)$/\1/p' \
		    "$TMP/srv.log" | head -n 1)
		[ -n "$port" ] && return 0
		sleep 0.1; i=$((i + 1))
	done
	cat "$TMP/srv.log"
	return 1
}

# start_client NAME RATE: a client holding one connection for 60 s at
# RATE bytes/s; waits until it sends (its "Holding" line), then sets
# $cport (its local port) and $cpid.
start_client() {
	"$SOCKSTAT" echo-client -p "$port" --hold 60 --rate "$2" \
	    2>"$TMP/$1.log" &
	cpid=$!
	PIDS="$PIDS $cpid"
	i=0
	while ! grep -q "Holding" "$TMP/$1.log" && [ $i -lt 300 ]; do
		sleep 0.1; i=$((i + 1))
	done
	cport=$(sed -n 's/.*Connection 1: [0-9.]*:\([0-9]*\) -> .*/\1/p' \
	    "$TMP/$1.log" | head -n 1)
	[ -n "$cport" ] || { cat "$TMP/$1.log"; return 1; }
}

start_server || { not_ok "echo server started"; exit 1; }
start_client fast $FAST || { not_ok "fast client started"; exit 1; }
fport=$cport fpid=$cpid
start_client slow $SLOW || { not_ok "slow client started"; exit 1; }
sport=$cport spid=$cpid

# 1. JSON frames: rates within 10%, order, owners.
"$SOCKSTAT" top -b --json -n 3 -d 1 "dport = :$port" >"$TMP/frames.json" \
    2>"$TMP/top.err"
check "top -b --json exits 0" test $? -eq 0
cat >"$TMP/rates.py" <<'EOF'
import json, sys
path, fast, slow, fport, sport, fpid, spid, uid = sys.argv[1:]
fast, slow = int(fast), int(slow)
frames = [json.loads(l) for l in open(path)]
assert len(frames) == 3, "%d frames" % len(frames)
for n, f in enumerate(frames):
    assert 900 <= f["interval_ms"] <= 1500, f["interval_ms"]
    assert f["sort"] == "send" and f["descending"] is True
    socks = [s for s in f["sockets"] if s["state"] == "ESTABLISHED"]
    ports = [s["local"]["port"] for s in socks]
    assert ports == [int(fport), int(sport)], "frame %d order %s" % (n, ports)
    for s, rate, pid in ((socks[0], fast, fpid), (socks[1], slow, spid)):
        got = s["send_bytes_per_s"]
        assert isinstance(got, int), got
        assert abs(got - rate) <= rate / 10, \
            "frame %d: %d sent, %d wanted" % (n, got, rate)
        # Every byte comes back: the echo's rate is the same.
        assert abs(s["recv_bytes_per_s"] - rate) <= rate / 10, s
        assert s["pid"] == int(pid) and s["command"] == "sockstat", s
        assert isinstance(s["rtt_us"], int) and s["cwnd"] > 0, s
        assert s["mark"] is None, s
    assert f["totals"]["tcp_states"].get("ESTABLISHED", 0) >= 4, f["totals"]
    assert f["totals"]["send_bytes_per_s"] >= (fast + slow) * 2 * 0.9
    # Without privileges the header says whose owners are hidden.
    if uid != "0":
        assert "other users" in (f["hidden"] or ""), f["hidden"]
        assert f["hidden_processes"] > 0, f
EOF
check "JSON frames: both rates within 10%, fast before slow, owners" \
    python3 -B "$TMP/rates.py" "$TMP/frames.json" $FAST $SLOW "$fport" \
    "$sport" "$fpid" "$spid" "$(id -u)"

# 2. Ascending order, and the same in text frames.
"$SOCKSTAT" top -b -n 1 -d 0.5 --sort send "dport = :$port" \
    >"$TMP/frame.txt" 2>"$TMP/top.err"
check "top -b text exits 0" test $? -eq 0
cat >"$TMP/text.py" <<'EOF'
import sys
path, fport, sport = sys.argv[1:]
lines = open(path).read().split("\n")
assert lines[0].startswith("sockstat top - "), lines[0]
assert "sort send, group none" in lines[0], lines[0]
assert lines[1].startswith("TCP "), lines[1]
assert lines[3].startswith("hidden: "), lines[3]
assert lines[4] == "", lines[4]
assert lines[5].split() == ["M", "OWNER", "LOCAL", "REMOTE", "STATE",
    "SEND/s", "RECV/s", "RTT-ms", "CWND", "RETR", "RECV-Q", "SEND-Q"], lines[5]
rows = [l.split() for l in lines[6:] if "ESTABLISHED" in l]
local = [r[1] for r in rows]
assert local == ["127.0.0.1:" + sport, "127.0.0.1:" + fport], local
assert rows[0][0].endswith("/sockstat"), rows[0]
assert lines[-2:] == ["", ""], lines[-2:]
EOF
check "text frame: header, titles, ascending order" \
    python3 -B "$TMP/text.py" "$TMP/frame.txt" "$fport" "$sport"

# 3. Grouped by local port: the server's port sums both connections.
"$SOCKSTAT" top -b --json -n 1 -d 1 --group lport "sport = :$port" \
    >"$TMP/group.json" 2>"$TMP/top.err"
cat >"$TMP/group.py" <<'EOF'
import json, sys
path, port, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
f = json.loads(open(path).read())
assert f["group"] == "lport" and "sockets" not in f, f
g = [g for g in f["groups"] if g["local_port"] == port]
assert len(g) == 1, f["groups"]
g = g[0]
assert g["proto"] == "tcp" and g["sockets"] == 3, g   # listener + 2
assert abs(g["send_bytes_per_s"] - total) <= total / 10, g
EOF
check "--group lport: one group, 3 sockets, rates summed" \
    python3 -B "$TMP/group.py" "$TMP/group.json" "$port" $((FAST + SLOW))

# 4. A socket that closes between frames: closed once, then gone.
cat >"$TMP/udp.py" <<'EOF'
import signal, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
time.sleep(300)
EOF
python3 -B "$TMP/udp.py" "$TMP/udp.port" &
upid=$!
PIDS="$PIDS $upid"
i=0
while [ ! -s "$TMP/udp.port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
uport=$(cat "$TMP/udp.port" 2>/dev/null)
"$SOCKSTAT" top -b --json -n 5 -d 0.5 "sport = :${uport:-1}" \
    >"$TMP/close.json" 2>"$TMP/top.err" &
tpid=$!
PIDS="$PIDS $tpid"
# Close it once the first frame is out.
i=0
while [ ! -s "$TMP/close.json" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill "$upid"
i=0
while kill -0 "$tpid" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
cat >"$TMP/close.py" <<'EOF'
import json, sys
frames = [json.loads(l) for l in open(sys.argv[1])]
assert len(frames) == 5, len(frames)
marks = []
for f in frames:
    socks = [s for s in f["sockets"] if s["proto"] == "udp"]
    assert len(socks) <= 1, socks
    marks.append(socks[0]["mark"] if socks else "gone")
    if socks:
        assert socks[0]["send_bytes_per_s"] is None, socks[0]
# Present (with no mark), closed exactly once, then gone.
s = "".join({None: "p", "closed": "c", "gone": "g"}[m] for m in marks)
assert s[0] == "p" and s.count("c") == 1 and s.endswith("g"), marks
assert s.index("c") > s.rindex("p") and "g" not in s[:s.index("c")], marks
EOF
check "a socket that closes: shown closed once, then gone" \
    python3 -B "$TMP/close.py" "$TMP/close.json"

# 5. Usage errors.
"$SOCKSTAT" top -b "sport = = :1" >/dev/null 2>"$TMP/err"
check "a bad filter is a usage error" test $? -eq 2
check "and says where" grep -q "filter" "$TMP/err"
"$SOCKSTAT" top --json >/dev/null 2>&1
check "--json without -b is a usage error" test $? -eq 2
"$SOCKSTAT" top -b --sort bogus >/dev/null 2>&1
check "an unknown sort key is a usage error" test $? -eq 2
"$SOCKSTAT" top -b -d 0 >/dev/null 2>&1
check "-d 0 is a usage error" test $? -eq 2
"$SOCKSTAT" top -b -n 1 -d 0.2 fwmark 1 >/dev/null 2>&1
check "a filter only the kernel can check is refused" test $? -eq 2
finish
