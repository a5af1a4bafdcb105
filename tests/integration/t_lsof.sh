#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The lsof face (-i, -U): lsof 4.95 is the oracle.  The test's own
# processes hold a listener shared across fork and held by two fds, a
# connection, an IPv6 listener, UDP and UNIX sockets; every comparison is
# limited to them (-a -p) so it holds on a busy host too.  Outputs are
# compared with runs of blanks squeezed: column widths follow content.
. "$SOCKSTAT_TESTS/lib.sh"

if ! command -v lsof >/dev/null 2>&1; then
	echo "# lsof not installed: skipped"
	finish
	exit 0
fi

# hold.py OUT NAME: sockets as described above, named NAME (prctl), a
# forked child holding them too; writes {pid, child, port, port6, udp}
# to OUT and holds them 600 s at most (the child dies with the parent;
# cleanup kills the parent): a loaded host may take a while.
cat >"$TMP/hold.py" <<'EOF'
import ctypes, json, os, signal, socket, sys, time
libc = ctypes.CDLL(None)
libc.prctl(15, ctypes.c_char_p(sys.argv[2].encode("latin-1")), 0, 0, 0)
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(8)
extra = os.dup(l.fileno())                       # two fds, one socket
c = socket.create_connection(l.getsockname()); a, _ = l.accept()
l6 = socket.socket(socket.AF_INET6); l6.bind(("::1", 0)); l6.listen(8)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
x = socket.socket(socket.AF_UNIX); x.bind("\0sockstat-lsof-%d" % os.getpid()); x.listen(1)
pid = os.fork()
if pid == 0:
    libc.prctl(1, signal.SIGTERM)                # PR_SET_PDEATHSIG
    time.sleep(600); os._exit(0)
tmp = sys.argv[1] + ".tmp"
json.dump({"pid": os.getpid(), "child": pid, "port": l.getsockname()[1],
           "port6": l6.getsockname()[1], "udp": u.getsockname()[1]}, open(tmp, "w"))
os.rename(tmp, sys.argv[1])
signal.signal(signal.SIGTERM, lambda *_: (os.kill(pid, signal.SIGTERM), os._exit(0)))
time.sleep(600)
EOF

# Another user must read hold.py and write its JSON: a public subdir.
chmod 755 "$TMP"
mkdir -m 1777 "$TMP/pub"
chmod 644 "$TMP/hold.py"
PY=$(command -v python3)

# hold NAME LABEL [RUNAS...]: starts hold.py, waits at most 5 s.
hold() {
	name=$1 label=$2; shift 2
	"$@" "$PY" "$TMP/hold.py" "$TMP/pub/$label.json" "$name" \
	    >"$TMP/$label.log" 2>&1 &
	PIDS="$PIDS $!"
	i=0
	while [ ! -s "$TMP/pub/$label.json" ] && [ $i -lt 300 ]; do
		sleep 0.1; i=$((i + 1))
	done
	cp "$TMP/pub/$label.json" "$TMP/$label.json" 2>/dev/null
}

hold lsoftest main || { not_ok "holder started"; cat "$TMP/main.log"; exit 1; }
P=$(jget "$TMP/main.json" 'd["pid"]')
C=$(jget "$TMP/main.json" 'd["child"]')
PORT=$(jget "$TMP/main.json" 'd["port"]')
PORT6=$(jget "$TMP/main.json" 'd["port6"]')
UDP=$(jget "$TMP/main.json" 'd["udp"]')

squeeze() { tr -s ' ' | sed 's/ $//'; }

# same DESC ARGS...: sockstat ARGS and lsof ARGS print the same lines
# (blanks squeezed) and exit alike (unless ANY_EXIT is set: lsof also
# exits 1 when one -p item lists nothing, sockstat only when none does).
same() {
	desc=$1; shift
	lsof "$@" >"$TMP/l.raw" 2>/dev/null; lr=$?
	"$SOCKSTAT" "$@" >"$TMP/s.raw" 2>"$TMP/s.err"; sr=$?
	squeeze <"$TMP/l.raw" >"$TMP/l.out"
	squeeze <"$TMP/s.raw" >"$TMP/s.out"
	[ -n "${ANY_EXIT:-}" ] && lr=$sr
	if [ "$lr" -eq "$sr" ] && diff "$TMP/l.out" "$TMP/s.out" >"$TMP/d.out"; then
		ok "$desc"
	else
		not_ok "$desc"
		echo "#   exit: lsof $lr, sockstat $sr"
		sed 's/^/#   /' "$TMP/d.out" "$TMP/s.err" | head -20
	fi
}

same "-i -n -P -a -p parent,child equals lsof" -i -n -P -a -p "$P,$C"
same "-i -a -p (names for hosts and ports) equals lsof" -i -a -p "$P,$C"
same "-F pcfn equals lsof" -i -n -P -a -p "$P,$C" -F pcfn
same "-F0pcufatPnT equals lsof" -i -n -P -a -p "$P" -F0pcufatPnT
same "-iTCP:PORT equals lsof" -iTCP:"$PORT" -n -P
same "-i :PORT equals lsof" -i :"$PORT" -n -P
same "-i 4 (separate SPEC) -a -p equals lsof" -i 4 -n -P -a -p "$P,$C"
same "-i6 -a -p equals lsof" -i6 -n -P -a -p "$P,$C"
same "-iUDP:PORT equals lsof" -iUDP:"$UDP" -n -P
same "-i 6TCP@[::1]:PORT6 equals lsof" -i "6TCP@[::1]:$PORT6" -n -P
same "-i @127.0.0.1:PORT,PORT6 equals lsof" -i "@127.0.0.1:$PORT,$PORT6" -nP
same "-s TCP:LISTEN -a -p equals lsof" -i -sTCP:LISTEN -n -P -a -p "$P,$C"
same "-s TCP:^LISTEN -a -p equals lsof" -i -s TCP:^LISTEN -n -P -a -p "$P"
same "-a -p one pid equals lsof" -i -n -P -a -p "$C"
same "-a -p ^pid excludes it, as lsof" -iTCP:"$PORT" -n -P -a -p "^$C"
same "-c PREFIX -a equals lsof" -i -n -P -a -c lsoft
same "-t -a -p equals lsof" -t -i -a -p "$P,$C"
same "-l (numeric users) equals lsof" -i -n -P -l -a -p "$P"
same "nothing listed: exit 1 and no output, as lsof" -iTCP:1 -a -p "$P"

# The listener: both processes, two fds each.
"$SOCKSTAT" -iTCP:"$PORT" -sTCP:LISTEN -n -P >"$TMP/lst.out" 2>&1
check "the shared listener is listed for parent and child, two fds each" \
    [ "$(grep -c "^lsoftest  *\($P\|$C\) .* TCP 127\.0\.0\.1:$PORT (LISTEN)$" "$TMP/lst.out")" -eq 4 ]

# -U: lsof's UNIX rows, but DEVICE (lsof: the hashed kernel address;
# sockstat: the socket cookie).
lsof -U -a -p "$P" 2>/dev/null | awk '{$6 = ""; print}' >"$TMP/ul.out"
"$SOCKSTAT" -U -a -p "$P" 2>/dev/null | awk '{$6 = ""; print}' >"$TMP/us.out"
check "-U -a -p equals lsof but for DEVICE" diff "$TMP/ul.out" "$TMP/us.out"

# -u: a holder run as another user (when setpriv and nobody exist).
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 &&
    id nobody >/dev/null 2>&1 &&
    [ -x /usr/bin/python3 ] && PY=/usr/bin/python3 &&
    hold lsofnobody nob setpriv --reuid=nobody --regid=nogroup \
    --clear-groups; then
	N=$(jget "$TMP/nob.json" 'd["pid"]')
	same "-u nobody -a -p equals lsof" -i -n -P -a -u nobody -p "$N,$P"
	ANY_EXIT=1
	same "-u ^nobody -a -p prints what lsof does" -i -n -P -a -u ^nobody -p "$N,$P"
	ANY_EXIT=
	# Without -a, -u adds the user's sockets to the SPEC's (lsof's OR;
	# lsof also lists the user's other files, left out here).
	lsof -iTCP:"$PORT" -u nobody -n -P 2>/dev/null |
	    awk '$5 ~ /^IPv/' | squeeze >"$TMP/or.l"
	"$SOCKSTAT" -iTCP:"$PORT" -u nobody -n -P 2>/dev/null |
	    awk '$5 ~ /^IPv/' | squeeze >"$TMP/or.s"
	check "-iTCP:PORT -u nobody (OR) lists the same sockets as lsof" \
	    diff "$TMP/or.l" "$TMP/or.s"
else
	echo "# not root or no setpriv/nobody: -u checks skipped"
fi

# A command name holding ESC: escaped as lsof does (^[), never raw.
if hold "esc$(printf '\033')cmd" esc; then
	E=$(jget "$TMP/esc.json" 'd["pid"]')
	"$SOCKSTAT" -i -n -P -a -p "$E" >"$TMP/esc.out" 2>&1
	check "a command with ESC is printed escaped" \
	    grep -q "^esc^\\[cmd $E " "$TMP/esc.out"
	check "no raw ESC byte reaches the output" \
	    sh -c "! grep -q \"$(printf '\033')\" '$TMP/esc.out'"
fi

# -t drives kill(1): the victim listens on a port of its own.
python3 -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
open("'"$TMP"'/victim.port.tmp", "w").write(str(s.getsockname()[1]))
__import__("os").rename("'"$TMP"'/victim.port.tmp", "'"$TMP"'/victim.port")
time.sleep(60)' &
V=$!
PIDS="$PIDS $V"
i=0
while [ ! -s "$TMP/victim.port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
VPORT=$(cat "$TMP/victim.port" 2>/dev/null)
got=$("$SOCKSTAT" -t -iTCP:"$VPORT" 2>/dev/null)
check "-t -iTCP:PORT prints the victim's pid only" [ "$got" = "$V" ]
[ -n "$got" ] && kill $got 2>/dev/null
i=0
while kill -0 "$V" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "kill \$(sockstat -t -iTCP:PORT) ended the victim" sh -c "! kill -0 $V 2>/dev/null"
"$SOCKSTAT" -t -iTCP:"$VPORT" >"$TMP/t2.out" 2>/dev/null
rc=$?
check "after the kill -t finds nothing: exit 1, no output" \
    sh -c "[ $rc -eq 1 ] && [ ! -s '$TMP/t2.out' ]"

# -r: lsof's marker after each pass; --count bounds it.
# (timeout: a bound for a hang, generous for a loaded host)
timeout 30 "$SOCKSTAT" -r1 --count 2 -iTCP:"$PORT" -n -P >"$TMP/r.out" 2>&1
rc=$?
check "-r1 --count 2 exits 0 by itself" [ "$rc" -eq 0 ]
check "-r1 --count 2 prints two passes, each closed by =======" \
    sh -c "[ \$(grep -c '^=======\$' '$TMP/r.out') -eq 2 ] &&
        [ \$(grep -c '^COMMAND ' '$TMP/r.out') -eq 2 ] &&
        tail -1 '$TMP/r.out' | grep -q '^=======\$'"

# --json: one document; the listener's owners are both processes.
"$SOCKSTAT" -iTCP:"$PORT" -sTCP:LISTEN --json >"$TMP/j.out" 2>/dev/null
check "--json is valid JSON listing parent and child as owners" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
rows = d if isinstance(d, list) else d.get("sockets", [])
pids = {o["pid"] for r in rows for o in (r.get("owners") or [])}
sys.exit(0 if {int(sys.argv[2]), int(sys.argv[3])} <= pids else 1)' \
    "$TMP/j.out" "$P" "$C"

# Usage errors: exit 2, the message names the bad part, nothing on stdout.
usage_err() {	# DESC WORD ARGS...
	desc=$1 word=$2; shift 2
	# A name is looked up after the /proc scan: bound a hang, not that.
	timeout 30 "$SOCKSTAT" "$@" >"$TMP/u.out" 2>"$TMP/u.err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -qF -- "$word" "$TMP/u.err" && [ ! -s "$TMP/u.out" ]; then
		ok "$desc: exit 2, message names $word"
	else
		not_ok "$desc: exit 2, message names $word"
		echo "#   exit $rc; stderr: $(head -1 "$TMP/u.err")"
	fi
}
usage_err "-iTCP:70000" 70000 -iTCP:70000
usage_err "-iTCP:65536" 65536 -i TCP:65536
usage_err "-i XYZ:22" XYZ -i XYZ:22
usage_err "-i @[::1 unclosed" "[::1" -i "@[::1"
usage_err "-i :22-1 backwards" 22-1 -i :22-1
usage_err "-i :nosuchservice" nosuchservice -i :nosuchservice
usage_err "-s TCP:BOGUS" BOGUS -i -sTCP:BOGUS
usage_err "-t with -F" "-F" -t -F -i
usage_err "unknown letter" "-Z" -i -Z
finish
