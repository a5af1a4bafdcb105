#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# A hostile login name (issue 13: one uid -> name cache, raw names kept):
# an ESC, a bidi override and a byte that is not UTF-8.  Every text face
# shows it escaped (-e's User column, the lsof face's USER and -F L),
# JSON carries the exact value (user_bytes beside it).  The name lives in
# a copy of /etc/passwd bound over the real one inside a private mount
# namespace that ends with this test: the host's passwd is never
# touched.  A listener held by a process of that uid gives it a row.
. "$SOCKSTAT_TESTS/lib.sh"

if [ "$(id -u)" -ne 0 ] ||
    ! unshare -m --propagation private true 2>/dev/null; then
	ok "# skip: needs root and a private mount namespace"
	finish
	exit
fi

HUID=4242
printf 'ev\033il\342\200\256\377' >"$TMP/name"
cp /etc/passwd "$TMP/passwd"
printf '%s:x:%d:%d::/nonexistent:/bin/false\n' "$(cat "$TMP/name")" \
    "$HUID" "$HUID" >>"$TMP/passwd"

cat >"$TMP/holder.py" <<'EOF'
import os, signal, socket, sys
uid = int(sys.argv[2])
os.setgroups([])
os.setgid(uid)
os.setuid(uid)
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
signal.signal(signal.SIGALRM, lambda *a: sys.exit(0))
signal.alarm(900)
signal.pause()
EOF
# The holder writes into $TMP as that uid.
chmod 777 "$TMP"

# Inside the namespace: bind the passwd copy, start the holder, run the
# faces, stop the holder.  Every wait is bounded.
timeout 120 unshare -m --propagation private sh -c '
	T=$1 S=$2 U=$3
	mount --bind "$T/passwd" /etc/passwd || exit 3
	python3 "$T/holder.py" "$T/port" "$U" >"$T/holder.log" 2>&1 &
	h=$!
	i=0
	while [ ! -s "$T/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$T/port" ] || { kill $h; exit 4; }
	"$S" -tle --numeric-hosts --numeric-ports >"$T/e.out" 2>"$T/e.err"; echo $? >"$T/e.rc"
	"$S" -tlp --json >"$T/j.out" 2>"$T/j.err"; echo $? >"$T/j.rc"
	"$S" -i -n -P >"$T/l.out" 2>"$T/l.err"; echo $? >"$T/l.rc"
	"$S" -i -n -P -F pL >"$T/f.out" 2>"$T/f.err"; echo $? >"$T/f.rc"
	kill $h
	wait $h 2>/dev/null
	exit 0
' sh "$TMP" "$SOCKSTAT" "$HUID"
rc=$?
check "the namespace ran (passwd bound, holder listening; rc $rc)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || { cat "$TMP/holder.log" 2>/dev/null; finish; exit; }
port=$(cat "$TMP/port")
for f in e j l f; do
	check "run $f exits 0" [ "$(cat "$TMP/$f.rc")" = 0 ]
done

# shown.py OUT KIND PORT: the name as KIND shows it for the listener on
# PORT, compared with the escaped text the man page defines.
cat >"$TMP/shown.py" <<'EOF'
import json, sys
raw = b"ev\x1bil\xe2\x80\xae\xff"
esc = "ev\\x1bil\\xe2\\x80\\xae\\xff"
out, kind, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(out, "rb").read()
if kind == "json":
    objs = [o for o in json.loads(data)
            if o.get("local", {}).get("port") == port]
    users = [(ow.get("user"), ow.get("user_bytes"), ow.get("uid"))
             for o in objs for ow in o.get("owners", [])]
    want = [(raw.decode("utf-8", "replace"), raw.hex(), 4242)]
    print("got %r want %r" % (users, want))
    sys.exit(0 if users == want else 1)
text = data.decode("utf-8")
if any(ord(c) < 0x20 and c != "\n" for c in text) or "\u202e" in text:
    print("raw control or format character in %r" % text); sys.exit(1)
lines = text.split("\n")
if kind == "netstat":
    rows = [l.split() for l in lines if " 127.0.0.1:%d " % port in l]
    got = [r[6] for r in rows]           # Proto Recv-Q Send-Q L F State User
elif kind == "lsof":
    rows = [l.split() for l in lines if "127.0.0.1:%d (LISTEN)" % port in l]
    got = [r[2] for r in rows]           # COMMAND PID USER
else:                                    # -F pL: one L line per process
    got = [l[1:] for l in lines if l.startswith("L") and "ev" in l]
print("got %r want [%r]" % (got, esc))
sys.exit(0 if got == [esc] else 1)
EOF
check "-tle --numeric-hosts --numeric-ports: the User column shows the name escaped" \
    python3 "$TMP/shown.py" "$TMP/e.out" netstat "$port"
check "--json -p: the owner's user is the exact name, user_bytes its bytes" \
    python3 "$TMP/shown.py" "$TMP/j.out" json "$port"
check "-i -n -P: USER shows the name escaped" \
    python3 "$TMP/shown.py" "$TMP/l.out" lsof "$port"
check "-F pL: the L field is the name escaped" \
    python3 "$TMP/shown.py" "$TMP/f.out" field "$port"
check "the host's /etc/passwd does not hold the name" \
    sh -c '! grep -q "^ev" /etc/passwd'
finish
