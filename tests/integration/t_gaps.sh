#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# What the sources could not give is said, never passed off as an empty
# table: netlink refused by seccomp (issue 11 item 8), a protocol without
# a sock_diag module under --source=netlink (issue 10 item 10), missing
# /proc/net files and the RefCnt they feed (issue 10 item 11).
. "$SOCKSTAT_TESTS/lib.sh"

kinds="tcp4 tcp6 udp4 udp6 unix"
in_netns && kinds="$kinds raw raw6"
hold_sockets pop $kinds || { not_ok "population started"; exit 1; }

# rows FILE: the socket lines of a netstat-style output, sorted.
rows() { grep -E '^(tcp|udp|raw|unix)' "$1" | LC_ALL=C sort; }

# 1. netlink refused by a seccomp filter: the rows come from /proc/net,
# and one line says so and why.
# UDP-Lite is read from /proc/net too where the kernel has it.
udpl=
[ -e /proc/net/udplite ] && udpl="udpl, udpl6, "
for e in EPERM EACCES; do
	python3 "$SOCKSTAT_TESTS/seccomp_deny.py" "$e" "$SOCKSTAT" -an \
	    >"$TMP/sc.out" 2>"$TMP/sc.err"
	rc=$?
	if [ $rc -eq 77 ]; then
		ok "# skip netlink refused ($e): no seccomp here"
		continue
	fi
	msg=$(python3 -c 'import errno,os,sys; print(os.strerror(getattr(errno, sys.argv[1])))' "$e")
	check "netlink refused ($e): exit 0" [ $rc -eq 0 ]
	check "netlink refused ($e): one line names every dump read from /proc/net and why" \
	    [ "$(cat "$TMP/sc.err")" = "sockstat: netlink refused ($msg): tcp, tcp6, udp, udp6, ${udpl}raw, raw6, unix read from /proc/net instead" ]
	if in_netns; then
		"$SOCKSTAT" --source=proc -an >"$TMP/p.out" 2>/dev/null
		rows "$TMP/sc.out" >"$TMP/a"; rows "$TMP/p.out" >"$TMP/b"
		check "netlink refused ($e): the rows are --source=proc's" \
		    diff "$TMP/a" "$TMP/b"
	fi
done

# 2. Which protocols netlink lacks here (raw needs raw_diag).
"$SOCKSTAT" --source=netlink -anw >/dev/null 2>"$TMP/w.err"
if [ $? -eq 0 ]; then
	ok "# skip --source=netlink without raw_diag: this kernel has it"
else
	# The default reads raw from /proc/net and says nothing: the rows
	# are the same.
	"$SOCKSTAT" -an >"$TMP/d.out" 2>"$TMP/d.err"
	rc=$?
	check "default -an where netlink lacks raw: exit 0, nothing on stderr" \
	    sh -c "[ $rc -eq 0 ] && [ ! -s '$TMP/d.err' ]"
	"$SOCKSTAT" --source=netlink -an >"$TMP/n.out" 2>"$TMP/n.err"
	rc=$?
	check "--source=netlink -an without raw_diag: exit 1" [ $rc -eq 1 ]
	check "--source=netlink -an: one line names raw, raw6 and why" \
	    [ "$(cat "$TMP/n.err")" = "sockstat: raw, raw6 sockets not read: the kernel has no sock_diag module for them (netlink: No such file or directory)" ]
	check "--source=netlink -an: the population's TCP, UDP and UNIX rows are shown" \
	    python3 - "$TMP/pop.json" "$TMP/n.out" <<'PY'
import json, sys
pop = json.load(open(sys.argv[1])); out = open(sys.argv[2]).read()
ports = [pop[k]["listen"]["port"] for k in ("tcp4", "tcp6") if "listen" in pop.get(k, {})]
miss = [p for p in ports if ":%d " % p not in out]
if miss or "Active UNIX domain sockets" not in out or "\nunix " not in out:
    print("missing:", miss); sys.exit(1)
PY
	if in_netns; then
		"$SOCKSTAT" --source=proc -an >"$TMP/p.out" 2>/dev/null
		rows "$TMP/n.out" >"$TMP/a"
		rows "$TMP/p.out" | grep -v '^raw' >"$TMP/b"
		check "--source=netlink -an: every row but raw, as --source=proc" \
		    diff "$TMP/a" "$TMP/b"
	fi
	"$SOCKSTAT" --source=netlink -s >"$TMP/s.out" 2>"$TMP/s.err"
	rc=$?
	check "--source=netlink -s: exit 1, RAW counts unknown, not 0" \
	    sh -c "[ $rc -eq 1 ] && grep -Eq '^RAW +\\? +\\? +\\?$' '$TMP/s.out' && grep -Eq '^Total +\\?' '$TMP/s.out'"
	"$SOCKSTAT" --source=netlink -s --json >"$TMP/sj.out" 2>/dev/null
	check "--source=netlink -s --json: raw counts null" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d["protocols"]["raw"]["total"] is None and d["total"] is None
         and d["protocols"]["tcp"]["total"] >= 1 else 1)' "$TMP/sj.out"
fi

# 3. /proc/net files missing (a /proc mounted subset=pid has none).
fake=$TMP/fake
mkdir -p "$fake/net"
cp /proc/net/tcp "$fake/net/tcp"
SOCKSTAT_PROC_ROOT=$fake "$SOCKSTAT" --source=proc -tan >"$TMP/f.out" 2>"$TMP/f.err"
rc=$?
check "--source=proc -tan without tcp6: exit 0 (tcp was read)" [ $rc -eq 0 ]
check "--source=proc -tan without tcp6: one line names the missing file" \
    [ "$(cat "$TMP/f.err")" = "sockstat: tcp6 sockets not read: $fake/net/tcp6: No such file or directory" ]
check "--source=proc -tan without tcp6: the tcp rows are shown" \
    sh -c "[ \"\$(grep -c '^tcp ' '$TMP/f.out')\" -ge 1 ]"
SOCKSTAT_PROC_ROOT=$fake "$SOCKSTAT" --source=proc -uan >"$TMP/u.out" 2>"$TMP/u.err"
rc=$?
check "--source=proc -uan with no udp file: exit 1, not an empty table" \
    [ $rc -eq 1 ]
check "--source=proc -uan: one line names both files" \
    [ "$(cat "$TMP/u.err")" = "sockstat: udp, udp6 sockets not read: $fake/net/udp, $fake/net/udp6: No such file or directory" ]
mkdir -p "$TMP/empty"
SOCKSTAT_PROC_ROOT=$TMP/empty "$SOCKSTAT" --source=proc -an >"$TMP/e.out" 2>"$TMP/e.err"
rc=$?
check "--source=proc -an with no net/: exit 1" [ $rc -eq 1 ]
check "--source=proc -an with no net/: every dump named" \
    [ "$(cat "$TMP/e.err")" = "sockstat: tcp, tcp6, udp, udp6, raw, raw6, unix sockets not read: $TMP/empty/net/tcp, $TMP/empty/net/tcp6, $TMP/empty/net/udp, $TMP/empty/net/udp6, $TMP/empty/net/raw, $TMP/empty/net/raw6, $TMP/empty/net/unix: No such file or directory" ]
# UDP-Lite, which a kernel may lack, is a gap only when asked for by name.
SOCKSTAT_PROC_ROOT=$TMP/empty "$SOCKSTAT" --source=proc --udplite -an >"$TMP/e.out" 2>"$TMP/e.err"
rc=$?
check "--source=proc --udplite -an with no net/: exit 1" [ $rc -eq 1 ]
check "--source=proc --udplite -an with no net/: udpl, udpl6 named" \
    [ "$(cat "$TMP/e.err")" = "sockstat: udpl, udpl6 sockets not read: $TMP/empty/net/udplite, $TMP/empty/net/udplite6: No such file or directory" ]

# 4. RefCnt comes from /proc/net/unix under netlink: without it the
# column reads 0 and a warning says why.
SOCKSTAT_PROC_ROOT=$fake "$SOCKSTAT" --source=netlink -xan >"$TMP/x.out" 2>"$TMP/x.err"
rc=$?
check "-xan without /proc/net/unix: exit 0" [ $rc -eq 0 ]
check "-xan without /proc/net/unix: the RefCnt warning" \
    [ "$(cat "$TMP/x.err")" = "sockstat: RefCnt shows 0: reading $fake/net/unix: No such file or directory" ]
finish
