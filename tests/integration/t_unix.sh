#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# UNIX socket names: a path, an abstract name (@name) and a path with a
# space are shown whole; names holding bytes a terminal would act on (ESC,
# newline, tab, backslash, invalid UTF-8) are shown escaped in the table,
# exact in JSON, and no raw control byte ever reaches the output.
. "$SOCKSTAT_TESTS/lib.sh"

hold_sockets pop unix unixesc || { not_ok "population started"; exit 1; }
POP=$TMP/pop.json

# esc.py POP: the expected escaped forms, as the man page says: \n, \t,
# \\ and \xNN for other control bytes and invalid UTF-8.
cat >"$TMP/esc.py" <<'EOF'
import json, sys
pop = json.load(open(sys.argv[1]))
def esc(b):
    out, i = [], 0
    s = b.decode("utf-8", errors="surrogateescape")
    for ch in s:
        o = ord(ch)
        if ch == "\n": out.append("\\n")
        elif ch == "\t": out.append("\\t")
        elif ch == "\\": out.append("\\\\")
        elif 0xdc80 <= o <= 0xdcff: out.append("\\x%02x" % (o - 0xdc00))
        elif o < 0x20 or o == 0x7f: out.append("\\x%02x" % o)
        else: out.append(ch)
    return "".join(out)
u, e = pop["unix"], pop["unixesc"]
names = {
    "path": (u["path"]["inode"], u["path"]["name"]),
    "space": (u["space"]["inode"], u["space"]["name"]),
    "abstract": (u["abstract"]["inode"], u["abstract"]["name"]),
    "dgram": (u["dgram"]["inode"], u["dgram"]["name"]),
    "esc-path": (e["path"]["inode"], esc(e["path"]["raw"].encode())),
    "esc-abstract": (e["abstract"]["inode"], esc(e["abstract"]["raw"].encode())),
    "bytes": (e["bytes"]["inode"], esc(bytes.fromhex(e["bytes"]["hex"]))),
}
json.dump(names, open(sys.argv[2], "w"))
EOF
python3 "$TMP/esc.py" "$POP" "$TMP/names.json"

# Table: the row of each inode ends with its (escaped) name.
"$SOCKSTAT" -ax >"$TMP/t.out" 2>"$TMP/t.err"
check "-ax exits 0, nothing on stderr" sh -c "[ $? -eq 0 ] && [ ! -s '$TMP/t.err' ]"
rowcheck() {	# FILE DESC-PREFIX
	python3 - "$TMP/names.json" "$1" "$2" <<'EOF'
import json, sys
names = json.load(open(sys.argv[1]))
raw = open(sys.argv[2], "rb").read()
text = raw.decode("utf-8", errors="replace")
rows = {}
for l in text.split("\n"):
    if l.startswith("unix "):
        t = l.split()
        for i, x in enumerate(t):
            if x.isdigit() and len(x) > 3:
                rows.setdefault(x, l)
for what, (ino, name) in names.items():
    r = rows.get(str(ino))
    good = r is not None and r.endswith(" " + name)
    print("%s - %s: %s name shown whole%s" % ("ok" if good else "not ok", sys.argv[3], what,
          " and escaped" if what in ("esc-path", "esc-abstract", "bytes") else ""))
    if not good:
        print("#   want ...%r" % name)
        print("#   row  %r" % r)
ctl = [c for c in raw if (c < 0x20 and c not in (0x0a,)) or c == 0x7f]
print("%s - %s: no raw control byte in the output" % ("not ok" if ctl else "ok", sys.argv[3]))
if ctl:
    print("#   bytes: %r" % sorted(set(ctl)))
# every line of the UNIX section is a row or a header: a newline in a
# name did not split a row
bad = [l for l in text.split("\n") if l and not l.startswith(("unix ", "Active ", "Proto "))]
print("%s - %s: every line is a row or a header" % ("not ok" if bad else "ok", sys.argv[3]))
for l in bad[:5]:
    print("#   %r" % l)
EOF
}
rowcheck "$TMP/t.out" "-ax" >"$TMP/rc.out"
cat "$TMP/rc.out"
failures=$((failures + $(grep -c '^not ok' "$TMP/rc.out")))

# JSON: path is the exact name (issue 11 item 10): valid UTF-8 as is
# (JSON's own escapes for controls), a name that is not UTF-8 with
# U+FFFD in "path" and its bytes in hex in "path_bytes"; state and type.
"$SOCKSTAT" -ax --json >"$TMP/j.out" 2>&1
check "-ax --json: exact paths, path_bytes only when not UTF-8, no raw control byte" \
    python3 - "$TMP/names.json" "$TMP/j.out" "$POP" <<'EOF'
import json, sys
names = json.load(open(sys.argv[1]))
raw = open(sys.argv[2], "rb").read()
pop = json.load(open(sys.argv[3]))
bad = 0
if any(c < 0x20 and c != 0x0a or c == 0x7f for c in raw):
    print("raw control byte in the JSON"); bad += 1
objs = {o["inode"]: o for o in json.loads(raw)}
u, e = pop["unix"], pop["unixesc"]
exact = {
    "path": (u["path"]["inode"], u["path"]["name"].encode()),
    "space": (u["space"]["inode"], u["space"]["name"].encode()),
    "abstract": (u["abstract"]["inode"], u["abstract"]["name"].encode()),
    "esc-path": (e["path"]["inode"], e["path"]["raw"].encode()),
    "esc-abstract": (e["abstract"]["inode"], e["abstract"]["raw"].encode()),
    "bytes": (e["bytes"]["inode"], bytes.fromhex(e["bytes"]["hex"])),
}
for what, (ino, want) in exact.items():
    o = objs.get(ino)
    if o is None:
        print("%s: inode %d missing" % (what, ino)); bad += 1; continue
    try:
        want.decode("utf-8")
        ok = o["path"] == want.decode() and "path_bytes" not in o
    except UnicodeDecodeError:
        ok = (o["path"] == want.decode("utf-8", "replace") and
              bytes.fromhex(o.get("path_bytes", "")) == want)
    if not ok:
        print("%s: want %r got %r / %r" % (what, want, o["path"], o.get("path_bytes"))); bad += 1
u = pop["unix"]
want = {u["path"]["inode"]: ("stream", "LISTEN"), u["dgram"]["inode"]: ("dgram", "CLOSE"),
        u["connected"]["client_inode"]: ("stream", "ESTABLISHED"),
        u["pair"]["inodes"][0]: ("stream", "ESTABLISHED")}
for ino, (ty, st) in want.items():
    o = objs.get(ino)
    if o is None or (o["type"], o["state"], o["family"], o["proto"]) != (ty, st, "unix", "unix"):
        print("inode %d: want %s %s, got %s" % (ino, ty, st, o and json.dumps(o))); bad += 1
for ino in u["pair"]["inodes"]:
    if ino in objs and objs[ino]["path"] is not None:
        print("socketpair %d: path should be null" % ino); bad += 1
sys.exit(1 if bad else 0)
EOF

# The listener's accept backlog (listen(4) in sockets.py), from netlink.
check "-ax --json: a UNIX listener's backlog is listen()'s" \
    python3 -c '
import json, sys
o = {o["inode"]: o for o in json.load(open(sys.argv[1]))}
b = o[int(sys.argv[2])]["backlog"]
print("backlog", b); sys.exit(b != 4)' "$TMP/j.out" "$(jget "$POP" 'd["unix"]["path"]["inode"]')"

# /proc/net/unix cannot hold a newline: from that source the socket whose
# name has one is skipped and counted (man page, CAVEATS), never shown
# with a cut name; the other names are the same as from netlink.
"$SOCKSTAT" --source=proc -ax >"$TMP/p.out" 2>"$TMP/p.err"
check "--source=proc -ax exits 0" [ $? -eq 0 ]
check "--source=proc -ax: no raw control byte in the output" \
    python3 -c 'import sys; b = open(sys.argv[1], "rb").read(); sys.exit(any(c < 0x20 and c != 10 or c == 0x7f for c in b))' "$TMP/p.out"
ep=$(jget "$POP" 'd["unixesc"]["path"]["inode"]')
ea=$(jget "$POP" 'd["unixesc"]["abstract"]["inode"]')
check "--source=proc -ax: the path with a newline is not shown cut" \
    sh -c "! grep -E ' ($ep|$ea) ' '$TMP/p.out'"
check "--source=proc -ax: the skipped socket is counted on stderr" \
    grep -q 'skipped' "$TMP/p.err"
python3 - "$TMP/names.json" >"$TMP/names.proc.json" <<'EOF'
import json, sys
n = json.load(open(sys.argv[1]))
for k in ("esc-path", "esc-abstract"):
    del n[k]
json.dump(n, sys.stdout)
EOF
cp "$TMP/names.proc.json" "$TMP/names.json"
rowcheck "$TMP/p.out" "--source=proc -ax" | grep -v 'every line' >"$TMP/rc.out"
cat "$TMP/rc.out"
failures=$((failures + $(grep -c '^not ok' "$TMP/rc.out")))
finish
