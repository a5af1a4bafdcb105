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
	"$SOCKSTAT" echo-server -p 0 --idle-timeout 600 2>"$TMP/srv.log" &
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

# start_client NAME RATE: a client holding one connection (until killed) at
# RATE bytes/s; waits until it sends (its "Holding" line), then sets
# $cport (its local port) and $cpid.
start_client() {
	: >"$TMP/$1.log"
	"$SOCKSTAT" echo-client -p "$port" --hold 600 --rate "$2" \
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
# The clients' command name: sockstat, or a wrapper's (check-valgrind).
ccomm=$(cat "/proc/$fpid/comm" 2>/dev/null || echo sockstat)

# 1. JSON frames: rates within 10%, order, owners.  A host that stalls
# a process for a moment (a busy CI machine) skews the frame around it,
# and the client then catches up: the rate over the 5 frames (each
# frame's rate times its interval) must be within 10%.
"$SOCKSTAT" top -b --json -n 5 -d 1 "dport = :$port" >"$TMP/frames.json" \
    2>"$TMP/top.err"
check "top -b --json exits 0" test $? -eq 0
cat >"$TMP/rates.py" <<'EOF'
import json, sys
path, fast, slow, fport, sport, fpid, spid, uid, comm = sys.argv[1:]
fast, slow = int(fast), int(slow)
frames = [json.loads(l) for l in open(path)]
assert len(frames) == 5, "%d frames" % len(frames)
sent = {fast: 0, slow: 0}
rcvd = {fast: 0, slow: 0}
ms = 0
for n, f in enumerate(frames):
    assert f["interval_ms"] >= 900, f["interval_ms"]
    assert f["sort"] == "send" and f["descending"] is True
    socks = [s for s in f["sockets"] if s["state"] == "ESTABLISHED"]
    ports = [s["local"]["port"] for s in socks]
    assert ports == [int(fport), int(sport)], "frame %d order %s" % (n, ports)
    ms += f["interval_ms"]
    for s, rate, pid in ((socks[0], fast, fpid), (socks[1], slow, spid)):
        got = s["send_bytes_per_s"]
        assert isinstance(got, int), got
        print("frame %d: %d bytes/s sent, %d received, %d wanted, "
              "interval %d ms" % (n, got, s["recv_bytes_per_s"], rate,
                                  f["interval_ms"]))
        sent[rate] += got * f["interval_ms"] / 1000
        rcvd[rate] += s["recv_bytes_per_s"] * f["interval_ms"] / 1000
        assert s["pid"] == int(pid) and s["command"] == comm, s
        assert isinstance(s["rtt_us"], int) and s["cwnd"] > 0, s
        assert s["mark"] is None, s
    assert f["totals"]["tcp_states"].get("ESTABLISHED", 0) >= 4, f["totals"]
    # Without privileges the header says whose owners are hidden.
    if uid != "0":
        assert "other users" in (f["hidden"] or ""), f["hidden"]
        assert f["hidden_processes"] > 0, f
for rate in fast, slow:
    got = sent[rate] * 1000 / ms
    print("over %d ms: %d bytes/s, %d wanted" % (ms, got, rate))
    assert abs(got - rate) <= rate / 10, got
    # Every byte comes back: the echo's rate is the same.
    assert abs(rcvd[rate] * 1000 / ms - rate) <= rate / 10, rcvd[rate]
EOF
check "JSON frames: both rates within 10%, fast before slow, owners" \
    python3 -B "$TMP/rates.py" "$TMP/frames.json" $FAST $SLOW "$fport" \
    "$sport" "$fpid" "$spid" "$(id -u)" "$ccomm"

# 2. Ascending order, and the same in text frames.
"$SOCKSTAT" top -b -n 1 -d 0.5 --sort send "dport = :$port" \
    >"$TMP/frame.txt" 2>"$TMP/top.err"
check "top -b text exits 0" test $? -eq 0
cat >"$TMP/text.py" <<'EOF'
import sys
path, fport, sport, comm = sys.argv[1:]
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
assert rows[0][0].endswith("/" + comm), rows[0]
assert lines[-2:] == ["", ""], lines[-2:]
EOF
check "text frame: header, titles, ascending order" \
    python3 -B "$TMP/text.py" "$TMP/frame.txt" "$fport" "$sport" "$ccomm"

# 3. Grouped by local port: the server's port sums both connections.
"$SOCKSTAT" top -b --json -n 3 -d 1 --group lport "sport = :$port" \
    >"$TMP/group.json" 2>"$TMP/top.err"
cat >"$TMP/group.py" <<'EOF'
import json, sys
path, port, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sent = ms = 0
for l in open(path):
    f = json.loads(l)
    assert f["group"] == "lport" and "sockets" not in f, f
    g = [g for g in f["groups"] if g["local_port"] == port]
    assert len(g) == 1, f["groups"]
    g = g[0]
    assert g["proto"] == "tcp" and g["sockets"] == 3, g   # listener + 2
    sent += g["send_bytes_per_s"] * f["interval_ms"] / 1000
    ms += f["interval_ms"]
assert abs(sent * 1000 / ms - total) <= total / 10, (sent, ms)
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

# 6. A holder in a cgroup named as a Docker container's (root, with a
# writable cgroup v2 mount): its container follows the program, in JSON
# and in the text frame, as the listing's -p --all-netns shows it.
CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ "$(id -u)" -eq 0 ] && [ -n "$CG2" ] && [ -w "$CG2" ]; then
	ID=3f4e1c2b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f
	CGTOP=$CG2/sstop$$.slice
	ctr_cleanup() {
		echo "$spid" >"$CG2/cgroup.procs" 2>/dev/null
		rmdir "$CGTOP/docker-$ID.scope" "$CGTOP" 2>/dev/null
	}
	trap 'ctr_cleanup; cleanup' EXIT INT TERM
	if mkdir -p "$CGTOP/docker-$ID.scope" &&
	    echo "$spid" >"$CGTOP/docker-$ID.scope/cgroup.procs"; then
		"$SOCKSTAT" top -b -n 1 -d 0.2 --json >"$TMP/ctr.json" \
		    2>"$TMP/ctr.err"
		"$SOCKSTAT" top -b -n 1 -d 0.2 >"$TMP/ctr.txt" 2>>"$TMP/ctr.err"
		check "container: JSON names the slow client's, the fast one's none" \
		    python3 - "$TMP/ctr.json" "$sport" "$fport" <<'EOF'
import json, sys
f, sport, fport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
socks = json.loads(open(f).readline())["sockets"]
mine = [s for s in socks if s["local"] and s["local"]["port"] == sport]
other = [s for s in socks if s["local"] and s["local"]["port"] == fport]
assert mine and other, socks
assert mine[0]["container"] == {"runtime": "docker", "id": "3f4e1c2b9a8d"}, mine
assert other[0]["container"] is None, other
EOF
		check "container: the text frame shows it after the program" \
		    grep -q "/$ccomm (docker 3f4e1c2b9a8d) .*:$sport " "$TMP/ctr.txt"
	else
		not_ok "container: the slow client moved into a cgroup"
	fi
	ctr_cleanup
	trap cleanup EXIT INT TERM
else
	echo "# not root or no writable cgroup v2: containers not checked"
fi

# 6b. sockstat top is a program of its own (sockstat-top), the only one
# linked with curses: sockstat itself does not load it, and a sockstat
# without the program says so in one line.
real=$(dirname "$SOCKSTAT")/sockstat
if [ -x "$real" ] && command -v ldd >/dev/null 2>&1; then
	if ldd "$real" | grep -q curses; then
		not_ok "sockstat itself does not load curses"
	else
		ok "sockstat itself does not load curses"
	fi
	mkdir -p "$TMP/alone"
	cp "$real" "$TMP/alone/sockstat"
	"$TMP/alone/sockstat" top -b -n 1 >"$TMP/alone.out" 2>"$TMP/alone.err"
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "# a sockstat-top is installed: the missing one not checked"
	else
		check "without sockstat-top: exit 1" [ $rc -eq 1 ]
		check "without sockstat-top: one line that names it" sh -c '
		    [ "$(wc -l <"$1")" -eq 1 ] && [ ! -s "$2" ] &&
		    grep -q "^sockstat: top: cannot find /.*/sockstat-top: " "$1"' \
		    sh "$TMP/alone.err" "$TMP/alone.out"
	fi
	# An installed tree: bin/sockstat finds ../libexec/sockstat/.
	mkdir -p "$TMP/inst/bin" "$TMP/inst/libexec/sockstat"
	cp "$real" "$TMP/inst/bin/sockstat"
	cp "$(dirname "$real")/sockstat-top" "$TMP/inst/libexec/sockstat/"
	chmod -R go-w "$TMP/inst"
	check "installed tree: bin/sockstat runs ../libexec/sockstat's" sh -c \
	    '"$1" top -b -n 1 | grep -q "^sockstat top - "' sh \
	    "$TMP/inst/bin/sockstat"
fi

# 6c. Root does not run a sockstat-top it cannot trust: a copy of
# sockstat in a directory anyone may write (as /tmp), with a program of
# another user's beside it, says so and runs nothing.
if [ "$(id -u)" -eq 0 ] && [ -x "$real" ] && id nobody >/dev/null 2>&1; then
	ww=$TMP/ww
	mkdir "$ww" && chmod 1777 "$ww"
	cp "$real" "$ww/sockstat"
	printf '#!/bin/sh\ntouch "%s/ran"\n' "$ww" >"$ww/sockstat-top"
	chmod 755 "$ww/sockstat-top"
	chown nobody "$ww/sockstat-top"
	"$ww/sockstat" top -b -n 1 >"$TMP/ww.out" 2>"$TMP/ww.err"
	rc=$?
	check "another user's sockstat-top: not run, exit 1, one line" sh -c '
	    [ "$1" -eq 1 ] && [ ! -e "$2/ran" ] && [ ! -s "$3" ] &&
	    [ "$(wc -l <"$4")" -eq 1 ] &&
	    grep -q "^sockstat: top: not running .*/ww/sockstat-top: " "$4"' \
	    sh "$rc" "$ww" "$TMP/ww.out" "$TMP/ww.err"
	# root's own program, but in a directory anyone may write: the same.
	rm -f "$ww/sockstat-top"
	cp "$(dirname "$real")/sockstat-top" "$ww/sockstat-top"
	"$ww/sockstat" top -b -n 1 >"$TMP/ww.out" 2>"$TMP/ww.err"
	check "root's sockstat-top in a directory anyone writes: not run" \
	    grep -q "^sockstat: top: not running " "$TMP/ww.err"
	# A root tree in such a directory: a ../libexec link (another user
	# could make one there) to a root-owned program is not followed.
	rm -f "$ww/sockstat" "$ww/sockstat-top"
	mkdir -p "$ww/tree/bin" "$TMP/other/sockstat"
	chmod 755 "$ww/tree" "$ww/tree/bin" "$TMP/other" "$TMP/other/sockstat"
	cp "$real" "$ww/tree/bin/sockstat"
	cp /bin/true "$TMP/other/sockstat/sockstat-top"
	ln -s "$TMP/other" "$ww/tree/libexec"
	"$ww/tree/bin/sockstat" top -b -n 1 >"$TMP/ww.out" 2>"$TMP/ww.err"
	rc=$?
	check "a ../libexec link: not followed, exit 1, said" sh -c '
	    [ "$1" -eq 1 ] && grep -q "^sockstat: top: not running " "$2"' \
	    sh "$rc" "$TMP/ww.err"
	rm -rf "$ww" "$TMP/other"
fi

# 7. The screen, in a real terminal: tmux on a server of its own.
if ! command -v tmux >/dev/null 2>&1; then
	echo "# tmux missing: the screen is not checked"
	finish
	exit $?
fi
TS="sockstat-top-$$"
trap 'tmux -L "$TS" kill-server 2>/dev/null; cleanup' EXIT
trap 'exit 1' INT TERM
# SHELL: tmux runs the pane's command with it, and nobody's is nologin.
tm() { SHELL=/bin/sh tmux -L "$TS" "$@"; }
screen() { tm capture-pane -p -t top >"$TMP/screen" 2>/dev/null; }
# until PYEXPR DESC: polls the screen (as s, a list of lines) for 30 s.
until_screen() {
	i=0
	while [ $i -lt "${TOP_POLLS:-300}" ]; do
		screen
		python3 -B -c "import re, sys
s = open(sys.argv[1]).read().split('\n')
sys.exit(0 if ($1) else 1)" "$TMP/screen" "$fport" "$sport" 2>/dev/null &&
		    { ok "$2"; return 0; }
		sleep 0.1; i=$((i + 1))
	done
	not_ok "$2"; sed 's/^/#   /' "$TMP/screen"
	return 1
}
tm -u new-session -d -s top -x 160 -y 30 "env LC_ALL=C.UTF-8 sh" ||
    { not_ok "tmux started"; finish; exit 1; }
tm send-keys -t top -l "$SOCKSTAT top -d 0.5 dport = :$port; echo TOP-EXIT=\$?"
tm send-keys -t top Enter
# Row i of the screen whose local port is p: ports[p].
ROWS='[l.split()[1] for l in s[6:] if "127.0.0.1:" in l]'
until_screen "s[0].startswith('sockstat top - ') and
    'filter: dport = :' in s[0] and $ROWS == ['127.0.0.1:' + sys.argv[2], '127.0.0.1:' + sys.argv[3]]" \
    "screen: header, and the fast client above the slow one"
until_screen "'k' in [l for l in s if '127.0.0.1:' + sys.argv[2] in l][0]" \
    "screen: the fast client's rate in thousands"
tm send-keys -t top R
until_screen "'sort send ' in s[0] and
    $ROWS == ['127.0.0.1:' + sys.argv[3], '127.0.0.1:' + sys.argv[2]]" \
    "screen: R reverses the order"
tm send-keys -t top '<'
until_screen "'sort state ' in s[0]" "screen: < moves the sort column left"
tm send-keys -t top S
until_screen "'sort send ' in s[0]" "screen: S sorts by send"
tm send-keys -t top g
until_screen "'group process' in s[0] and
    sum(1 for l in s[6:] if l.split()[1:2] and '/$ccomm' in l and
        l.split()[1] == '(1)') == 2" \
    "screen: g groups by process (each client alone)"
tm send-keys -t top g g g
until_screen "'group none' in s[0]" "screen: g cycles back to no grouping"
tm send-keys -t top ' '
until_screen "'[paused]' in s[0]" "screen: space pauses"
screen; cp "$TMP/screen" "$TMP/paused"
sleep 1.5	# a paused screen must not move: nothing to poll for
screen
check "screen: paused, the view stays as it was" cmp "$TMP/paused" "$TMP/screen"
tm send-keys -t top ' '
until_screen "'[paused]' not in s[0]" "screen: space resumes"
tm send-keys -t top /
tm send-keys -t top -l "sport = :$fport"
tm send-keys -t top Enter
until_screen "'filter: sport = :' + sys.argv[2] in s[0] and
    $ROWS == ['127.0.0.1:' + sys.argv[2]]" "screen: / filters"
tm send-keys -t top /
tm send-keys -t top -l "sport = = 1"
tm send-keys -t top Enter
until_screen "s[4].startswith('bad filter') and
    'filter: sport = :' + sys.argv[2] in s[0] and
    $ROWS == ['127.0.0.1:' + sys.argv[2]]" \
    "screen: a bad filter is said, the view is unchanged"
tm send-keys -t top /
tm send-keys -t top Enter
until_screen "'filter:' not in s[0] and len($ROWS) >= 4" \
    "screen: an empty filter shows everything again"
tm resize-window -t top -x 70 -y 12
until_screen "max(len(l) for l in s) <= 70 and
    s[5].startswith('M OWNER') and 'SEND-Q' not in s[5]" \
    "screen: a smaller terminal is followed, lines cut"
tm resize-window -t top -x 160 -y 30
until_screen "'SEND-Q' in s[5]" "screen: and a larger one"
# Scrolling: two row lines in an 8-line terminal, of four rows or more.
tm resize-window -t top -x 160 -y 8
until_screen "re.search(r'  rows 1-2 of ([4-9]|[1-9][0-9]+)\$', s[0])" \
    "screen: the title counts the rows shown"
tm send-keys -t top Down
until_screen "'  rows 2-3 of ' in s[0]" "screen: Down scrolls a line"
tm send-keys -t top End
until_screen "re.search(r'  rows (\d+)-(\d+) of \\2\$', s[0]) and
    int(re.search(r'rows (\d+)-', s[0]).group(1)) > 2" \
    "screen: End shows the last rows"
tm send-keys -t top PgUp
tm send-keys -t top Home
until_screen "'  rows 1-2 of ' in s[0]" "screen: Home shows the first rows"
tm resize-window -t top -x 160 -y 30
until_screen "'SEND-Q' in s[5]" "screen: back to the larger one"
tm send-keys -t top '?'
until_screen "'sockstat top: keys' in s[6]" "screen: ? shows the keys"
tm send-keys -t top x
until_screen "'sockstat top: keys' not in '\n'.join(s)" \
    "screen: any key leaves the help"
tm send-keys -t top q
until_screen "'TOP-EXIT=0' in '\n'.join(s) and
    not any(l.startswith('sockstat top - ') for l in s)" \
    "screen: q quits with 0 and gives the screen back"
check "screen: the alternate screen is left" \
    test "$(tm display-message -p -t top '#{alternate_on}')" = 0
# A signal restores the terminal too.
tm send-keys -t top -l "clear; NO_COLOR=1 sh -c 'echo \$\$ >$TMP/top.pid; exec $SOCKSTAT top -d 0.5'; echo TOP-EXIT=\$?"
tm send-keys -t top Enter
until_screen "s[0].startswith('sockstat top - ')" "screen: started again"
tpid=$(cat "$TMP/top.pid" 2>/dev/null)
[ -n "$tpid" ] && kill -TERM "$tpid"
until_screen "'TOP-EXIT=0' in '\n'.join(s)" \
    "screen: SIGTERM quits and gives the screen back"
check "screen: the alternate screen is left after SIGTERM" \
    test "$(tm display-message -p -t top '#{alternate_on}')" = 0
tm kill-server
finish
