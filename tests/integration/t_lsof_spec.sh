#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The lsof face against lsof 4.95 where they differed (issue 10 items
# 1-4): port 0 and 0.0.0.0 in a SPEC, v4-mapped IPv6 sockets, -F0
# record layouts, and the COMMAND column for hostile names.  Every
# comparison is limited to the test's own processes (-a -p) and, unlike
# t_lsof, is byte for byte: alignment is part of what is checked.
. "$SOCKSTAT_TESTS/lib.sh"

if ! command -v lsof >/dev/null 2>&1; then
	echo "# lsof not installed: skipped"
	finish
	exit 0
fi

# pop.py OUT: a 0.0.0.0 listener with a connection, a 127.0.0.1
# listener, a dual-stack [::] listener with an IPv4 client (the accepted
# socket is v4-mapped) and an IPv6 one, UDP on 0.0.0.0, a connected UDP
# socket and UDP on [::].  Writes {pid, any, lo, dual} to OUT.
cat >"$TMP/pop.py" <<'PY'
import json, os, socket, sys, time
def listen(fam, addr, v6only=None):
    s = socket.socket(fam)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    s.bind((addr, 0)); s.listen(8); return s
keep = []
a = listen(socket.AF_INET, "0.0.0.0"); keep.append(a)
keep.append(socket.create_connection(("127.0.0.1", a.getsockname()[1])))
keep.append(a.accept()[0])
b = listen(socket.AF_INET, "127.0.0.1"); keep.append(b)
d = listen(socket.AF_INET6, "::", 0); keep.append(d)
keep.append(socket.create_connection(("127.0.0.1", d.getsockname()[1])))
keep.append(d.accept()[0])
keep.append(socket.create_connection(("::1", d.getsockname()[1])))
keep.append(d.accept()[0])
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("0.0.0.0", 0))
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.connect(("127.0.0.1", u.getsockname()[1]))
u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u6.bind(("::", 0))
keep += [u, c, u6]
tmp = sys.argv[1] + ".tmp"
json.dump({"pid": os.getpid(), "any": a.getsockname()[1],
           "lo": b.getsockname()[1], "dual": d.getsockname()[1]}, open(tmp, "w"))
os.rename(tmp, sys.argv[1])
time.sleep(600)
PY
python3 "$TMP/pop.py" "$TMP/pop.json" >"$TMP/pop.log" 2>&1 &
PIDS="$PIDS $!"
i=0
while [ ! -s "$TMP/pop.json" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$TMP/pop.json" ] || { not_ok "population started"; cat "$TMP/pop.log"; exit 1; }
P=$(jget "$TMP/pop.json" 'd["pid"]')
ANY=$(jget "$TMP/pop.json" 'd["any"]')
DUAL=$(jget "$TMP/pop.json" 'd["dual"]')

# same DESC ARGS...: sockstat ARGS -a -p P and lsof ARGS -a -p P print
# the same bytes and exit alike.
same() {
	desc=$1; shift
	lsof "$@" -a -p "$P" >"$TMP/l.out" 2>/dev/null; lr=$?
	"$SOCKSTAT" "$@" -a -p "$P" >"$TMP/s.out" 2>"$TMP/s.err"; sr=$?
	if [ "$lr" -eq "$sr" ] && cmp -s "$TMP/l.out" "$TMP/s.out"; then
		ok "$desc"
	else
		not_ok "$desc"
		echo "#   exit: lsof $lr, sockstat $sr"
		diff "$TMP/l.out" "$TMP/s.out" | cat -A | sed 's/^/#   /' | head -20
		sed 's/^/#   /' "$TMP/s.err" | head -5
	fi
}

# Item 1: port 0 is the port of no end; 0.0.0.0 names no host.
same "-i :0 lists nothing, exit 1, as lsof" -i :0 -n -P
same "-i UDP:0 lists nothing, exit 1, as lsof" -i UDP:0 -n -P
same "-i TCP:0 lists nothing, exit 1, as lsof" -i TCP:0 -n -P
same "-i :0-PORT matches no absent remote port, as lsof" -i ":0-$ANY" -n -P
same "-i TCP@0.0.0.0:PORT equals lsof" -i "TCP@0.0.0.0:$ANY" -n -P
same "-i TCP@0.0.0.0 (IPv4 TCP, mapped included) equals lsof" \
    -i TCP@0.0.0.0 -n -P
same "-i UDP@0.0.0.0 equals lsof" -i UDP@0.0.0.0 -n -P
same "-i @0.0.0.0:0 lists nothing, as lsof" -i @0.0.0.0:0 -n -P

# refused DESC WORD SPEC: lsof refuses the SPEC (non-zero exit, nothing
# on stdout); sockstat too, as a usage error (2) naming the problem.
refused() {
	desc=$1 word=$2 spec=$3
	lsof -i "$spec" -n -P >"$TMP/l.out" 2>"$TMP/l.err"; lr=$?
	"$SOCKSTAT" -i "$spec" -n -P >"$TMP/s.out" 2>"$TMP/s.err"; sr=$?
	if [ "$lr" -ne 0 ] && [ ! -s "$TMP/l.out" ] && grep -qF -- "$word" "$TMP/l.err" &&
	    [ "$sr" -eq 2 ] && [ ! -s "$TMP/s.out" ] && grep -qF -- "$word" "$TMP/s.err"; then
		ok "$desc"
	else
		not_ok "$desc"
		echo "#   lsof $lr: $(head -1 "$TMP/l.err")"
		echo "#   sockstat $sr: $(head -1 "$TMP/s.err")"
	fi
}
refused "-i @0.0.0.0 is refused as by lsof" "incomplete Internet address" @0.0.0.0
refused "-i 4@0.0.0.0 is refused as by lsof" "incomplete Internet address" 4@0.0.0.0
refused "-i @[::] is refused as by lsof" "unacceptable Internet address" "@[::]"
refused "-i 6@[::ffff:127.0.0.1] is refused as by lsof" "IPv4 addresses are prohibited" \
    "6@[::ffff:127.0.0.1]"
refused "-i 6@0.0.0.0 is refused as by lsof" "IPv4 addresses are prohibited" 6@0.0.0.0

# Item 2: the v4-mapped accepted socket of the dual-stack listener.
same "-i TCP:DUAL: mapped end in IPv4 form, TYPE IPv6, as lsof" \
    -i "TCP:$DUAL" -n -P
same "-i 4TCP:DUAL includes the mapped socket, as lsof" -i "4TCP:$DUAL" -n -P
same "-i 6TCP:DUAL excludes it, as lsof" -i "6TCP:$DUAL" -n -P
same "-i 4 (the TYPE) excludes it, as lsof" -i 4 -n -P
same "-i 6 (the TYPE) includes it, as lsof" -i 6 -n -P
same "-i 4TCP equals lsof" -i 4TCP -n -P
same "-i @127.0.0.1 includes the mapped socket, as lsof" -i @127.0.0.1 -n -P
same "-i @[::ffff:127.0.0.1] is the IPv4 address, as lsof" \
    -i "@[::ffff:127.0.0.1]" -n -P
same "-F n shows the mapped end in IPv4 form, as lsof" -i "TCP:$DUAL" -n -P -Fn
same "-F0tn shows it too, as lsof" -i "TCP:$DUAL" -n -P -F0tn
same "-i TCP:DUAL without -n -P (names) equals lsof" -i "TCP:$DUAL"
# With -a, lsof ANDs a bare "-i 4"/"-i 6" (the TYPE) with the address
# SPECs; a bare family also gives its family to the SPECs after it.
same "-i 4 -i TCP:DUAL -a: TYPE and SPEC both, as lsof" -i 4 -i "TCP:$DUAL" -a -n -P
same "-i 6 -i TCP:DUAL -a: the mapped socket in neither, as lsof" \
    -i 6 -i "TCP:$DUAL" -a -n -P
same "-i TCP:DUAL -i 4 -a: the family after the SPEC, as lsof" \
    -i "TCP:$DUAL" -i 4 -a -n -P
same "-i 6 -i 4TCP:DUAL -a: only the mapped socket, as lsof" \
    -i 6 -i "4TCP:$DUAL" -a -n -P
same "-i 4 -i TCP:DUAL -i 6 -a equals lsof" -i 4 -i "TCP:$DUAL" -i 6 -a -n -P
same "-i 4 -i TCP:DUAL -i UDP -a equals lsof" -i 4 -i "TCP:$DUAL" -i UDP -a -n -P
same "-i 4 -i TCP:DUAL (no -a): either, as lsof" -i 4 -i "TCP:$DUAL" -n -P

# Item 3: -F0 and -F0<fields>, compared with cmp.
for f in -F0p -F0c -F0pc -F0n -F0fn -F0pcfn -F0T -F0pcuLfaltdoPnT -F0ftPn \
    -Fpc -Fp -F0u -F0L; do
	same "$f equals lsof byte for byte" -i -n -P "$f"
done
# -F0 alone: every field; lsof also gives g (PGID), R (PPID) and G (file
# flags), which sockstat has no data for: compared without them.
lsof -i -n -P -F0 -a -p "$P" 2>/dev/null | python3 -c '
import sys
recs = sys.stdin.buffer.read().split(b"\n")
out = []
for r in recs:
    fields = [f for f in r.split(b"\0") if f[:1] not in (b"g", b"R", b"G")]
    out.append(b"\0".join(fields))
sys.stdout.buffer.write(b"\n".join(out))' >"$TMP/l0.out"
"$SOCKSTAT" -i -n -P -F0 -a -p "$P" >"$TMP/s0.out" 2>/dev/null
check "-F0 alone: lsof's records, less g, R and G" cmp "$TMP/l0.out" "$TMP/s0.out"

# Item 4: COMMAND for hostile names (prctl PR_SET_NAME), as lsof shows it.
cat >"$TMP/name.py" <<'PY'
import ctypes, os, socket, sys, time
ctypes.CDLL(None).prctl(15, ctypes.c_char_p(bytes.fromhex(sys.argv[1])), 0, 0, 0)
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
open(sys.argv[2] + ".tmp", "w").write("%d\n" % os.getpid())
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
time.sleep(600)
PY
NPIDS=
n=0
for name in 'x 1' "$(printf 'a\tb')" "$(printf 'e\033[31m')" 'ééééé' \
    '日本語テスト' "$(printf 'ab\377\376cd')" "$(printf 'a\177b')" 'a\b' \
    'abcdefghijklmno' "$(printf 'e\314\201x')" "$(printf 'x\302\240y')" \
    "$(printf 'ab\303')" "$(printf 'a\nb')" "$(printf 'a\rb\001')" 'a"b' \
    "$(printf '\303\251\303\251\303\251\303\251\303')" 'ab  cdefghijk' \
    "$(printf 'a\bb\fc\037d')" "$(printf 'a\302\233b')"; do
	n=$((n + 1))
	hex=$(printf '%s' "$name" | od -An -tx1 | tr -d ' \n')
	python3 "$TMP/name.py" "$hex" "$TMP/name$n" >/dev/null 2>&1 &
	PIDS="$PIDS $!"
done
i=0
while [ "$(ls "$TMP"/name[0-9]* 2>/dev/null | grep -vc tmp)" -lt "$n" ] &&
    [ $i -lt 200 ]; do
	sleep 0.1; i=$((i + 1))
done
NPIDS=$(cat "$TMP"/name[0-9]* 2>/dev/null | tr '\n' ',' | sed 's/,$//')
P=$NPIDS
same "COMMAND of $n hostile names: escaped, cut and aligned as by lsof" -i -n -P
# -F keeps valid UTF-8 in a UTF-8 locale and escapes it in another, as lsof.
saved_lc_all=${LC_ALL-}
export LC_ALL=C.UTF-8
same "-F pc of hostile names equals lsof (UTF-8 locale: kept)" -i -n -P -Fpc
same "-F0pc of hostile names equals lsof (UTF-8 locale)" -i -n -P -F0pc
LC_ALL=C
same "-F pc of hostile names equals lsof (C locale: escaped)" -i -n -P -Fpc
same "-F0pc of hostile names equals lsof (C locale)" -i -n -P -F0pc
LC_ALL=$saved_lc_all
[ -n "$LC_ALL" ] || unset LC_ALL
# awk's $2 is the PID on every line, as with lsof.
"$SOCKSTAT" -i -n -P -a -p "$P" 2>/dev/null | awk 'NR > 1 { print $2 }' |
    sort -n >"$TMP/awk.out"
echo "$P" | tr ',' '\n' | sort -n >"$TMP/pids.out"
check "awk '{print \$2}' gets every PID" cmp "$TMP/awk.out" "$TMP/pids.out"
finish
