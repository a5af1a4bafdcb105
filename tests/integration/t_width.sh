#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Display width (issue 13): a program name and a UNIX path with wide (CJK)
# and combining characters take their display cells, not their code
# points, in the netstat face's aligned columns.  Two holders, one with
# such a name (argv[0]) and one plain, each hold a TCP listener and a
# UNIX listener.  The oracle is Python's unicodedata: East Asian Wide or
# Fullwidth takes two cells, a combining or format character none.  The
# column after the program column (Timer with -o, Path in the UNIX
# section) must start at the header's cell on every holder's row.
# netstat cuts program names by bytes, so it cannot be the oracle here.
. "$SOCKSTAT_TESTS/lib.sh"

cat >"$TMP/holder.py" <<'EOF'
import json, os, signal, sys
KID = """
import os, signal, socket, sys
t = socket.socket()
t.bind(("127.0.0.1", 0))
t.listen(1)
u = socket.socket(socket.AF_UNIX)
u.bind(sys.argv[1].encode())
u.listen(1)
os.write(int(sys.argv[2]), b"%d" % t.getsockname()[1])
signal.pause()
"""
d = sys.argv[2]
# 11 wide characters, then e, a combining acute and x: 24 cells and 14
# code points, so the column widens past its 20 only when counted by
# cells.
kids = [("\u65e5\u672c\u8a9e\u306e\u9577\u3044\u540d\u524d\u3067\u3059"
         "\u5b57e\u0301x", d + "/\u8def\u5f84e\u0301.sock"),
        ("plain", d + "/plain.sock")]
out = []
for name, path in kids:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.set_inheritable(w, True)
        os.execv(sys.executable, [name.encode(), "-c", KID, path, str(w)])
    os.close(w)
    port = int(os.read(r, 32) or b"0")
    out.append({"pid": pid, "name": name, "path": path, "port": port})
json.dump(out, open(sys.argv[1] + ".tmp", "w"))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
try:
    signal.pause()
finally:
    for k in out:
        os.kill(k["pid"], signal.SIGTERM)
EOF

python3 "$TMP/holder.py" "$TMP/pop.json" "$TMP" >"$TMP/holder.log" 2>&1 &
PIDS="$PIDS $!"
i=0
while [ ! -s "$TMP/pop.json" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$TMP/pop.json" ] || { cat "$TMP/holder.log"; not_ok "holder started"; exit 1; }
for p in $(jget "$TMP/pop.json" '" ".join(str(k["pid"]) for k in d)'); do
	PIDS="$PIDS $p"
done
check "both holders listen" \
    jget "$TMP/pop.json" 'exit(0 if all(k["port"] > 0 for k in d) else 1)'

# align.py POP OUT SECTION NEXT: in SECTION ("inet" or "unix") of OUT,
# each holder's row shows "pid/name" whole, and the text after it starts
# at the display cell where the header's NEXT column does.
cat >"$TMP/align.py" <<'EOF'
import json, sys, unicodedata

def cells(s):
    n = 0
    for c in s:
        if unicodedata.combining(c) or \
                unicodedata.category(c) in ("Mn", "Me", "Cf"):
            continue
        n += 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
    return n

pop = json.load(open(sys.argv[1]))
lines = open(sys.argv[2], "rb").read().decode("utf-8").split("\n")
section, nxt = sys.argv[3], sys.argv[4]
title = "Active Internet" if section == "inet" else "Active UNIX"
start = [i for i, l in enumerate(lines) if l.startswith(title)]
if len(start) != 1:
    print("no single %r section" % title); sys.exit(1)
head = lines[start[0] + 1]
if (" " + nxt) not in head:
    print("header without %r: %r" % (nxt, head)); sys.exit(1)
want = cells(head[:head.index(" " + nxt) + 1])
bad = 0
for k in pop:
    prog = "%d/%s" % (k["pid"], k["name"])
    if section == "inet":
        rows = [l for l in lines[start[0] + 2:]
                if (" 127.0.0.1:%d " % k["port"]) in l]
    else:
        rows = [l for l in lines[start[0] + 2:]
                if l.endswith(" " + k["path"])]
    if len(rows) != 1:
        print("%s: rows %r" % (k["name"], rows)); bad += 1; continue
    row = rows[0]
    if (" " + prog + " ") not in row:
        print("%r not whole in %r" % (prog, row)); bad += 1; continue
    after = row.index(" " + prog + " ") + 1 + len(prog)
    while row[after] == " ":
        after += 1
    got = cells(row[:after])
    if got != want:
        print("%r: %s at cell %d, header's at %d" % (row, nxt, got, want))
        bad += 1
sys.exit(1 if bad else 0)
EOF

# FLAGS SECTION NEXT: Timer follows the program column with -o in the
# Internet section; Path always follows it in the UNIX section.
for spec in "-tanpo inet Timer" "-anpo inet Timer" "-anpo unix Path" \
    "-axp unix Path"; do
	set -- $spec
	"$SOCKSTAT" "$1" >"$TMP/out" 2>"$TMP/err"
	check "$1 exits 0" [ $? -eq 0 ]
	check "$1: $3 starts at the header's cell after a wide program name" \
	    python3 "$TMP/align.py" "$TMP/pop.json" "$TMP/out" "$2" "$3"
done
finish
