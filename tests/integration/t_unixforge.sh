#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Forged /proc/net/unix lines: sockets whose abstract names hold a newline
# followed by a copy of a real socket's line.  netstat is fooled (it shows
# the copies); ss -xa, which reads unix_diag, is the oracle.  sockstat
# --source=proc must show each real socket once, no copy, and count the
# forged lines as skipped; the default (netlink) source is immune.
. "$SOCKSTAT_TESTS/lib.sh"

command -v ss >/dev/null 2>&1 || { echo "# ss missing: skipped"; exit 0; }

tag=sockstat-f$$
cat >"$TMP/forge.py" <<EOF
import os, socket, sys, time
real = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
real.bind("\0$tag-real"); real.listen(4)
ino = os.fstat(real.fileno()).st_ino
line = [l for l in open("/proc/net/unix") if l.rstrip("\n").endswith(" @$tag-real")][0]
held = [real]
# Several forgers, so that some lines come before the real one, some after.
for i in range(8):
    f = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    f.bind(("\0f%d\n" % i + line.rstrip("\n")).encode())
    held.append(f)
open(sys.argv[1], "w").write("%d\n" % ino)
time.sleep(900)
EOF
python3 "$TMP/forge.py" "$TMP/ready" >"$TMP/forge.log" 2>&1 &
PIDS="$PIDS $!"
i=0
while [ ! -s "$TMP/ready" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$TMP/ready" ] || { not_ok "sockets ready"; cat "$TMP/forge.log"; exit 1; }
ino=$(cat "$TMP/ready")

# How often a UNIX inode appears in a netstat-style -x output: the
# I-Node column, after Type and an optional State.
count() {
	python3 -c '
import sys
n = 0
for l in open(sys.argv[1], encoding="utf-8", errors="replace"):
    if l.startswith("unix ") and "]" in l:
        t = l[l.index("]") + 1:].split()
        ino = t[1] if len(t) > 1 and t[1].isdigit() else (t[2] if len(t) > 2 else "")
        n += ino == sys.argv[2]
print(n)' "$1" "$2"
}

ss -xan >"$TMP/ss.out" 2>/dev/null
check "ss -xa lists the real socket once" \
    [ "$(grep -c "^u_str.* @$tag-real $ino " "$TMP/ss.out")" -eq 1 ]
if command -v netstat >/dev/null 2>&1; then
	netstat -anx >"$TMP/ns.out" 2>/dev/null
	echo "# netstat -anx shows inode $ino $(count "$TMP/ns.out" "$ino") times"
fi

"$SOCKSTAT" --source=proc -anx >"$TMP/p.out" 2>"$TMP/p.err"
check "--source=proc -anx exits 0" [ $? -eq 0 ]
check "--source=proc -anx: the real socket once, as ss" \
    [ "$(count "$TMP/p.out" "$ino")" -eq 1 ]
check "--source=proc -anx: no forged row" \
    sh -c "[ \$(grep -c '$tag-real' '$TMP/p.out') -eq 1 ]"
check "--source=proc -anx: the forged lines are counted as skipped" \
    grep -q 'skipped' "$TMP/p.err"
"$SOCKSTAT" -anx >"$TMP/n.out" 2>"$TMP/n.err"
check "-anx (netlink): the real socket once, as ss" \
    [ "$(count "$TMP/n.out" "$ino")" -eq 1 ]
"$SOCKSTAT" --source=proc -anx --json >"$TMP/j.out" 2>/dev/null
check "--source=proc --json: the real socket once" python3 -c "
import json, sys
rows = [r for r in json.load(open(sys.argv[1])) if r['inode'] == $ino]
assert len(rows) == 1 and rows[0]['path'] == '@$tag-real', rows
" "$TMP/j.out"
finish
