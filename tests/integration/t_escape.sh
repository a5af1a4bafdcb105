#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Hostile command names (issue 11 items 9-11).  Processes take them as
# argv[0] and as their command (prctl PR_SET_NAME) and share one listener, so the netstat
# face's -p column lists them all.  Expected output is exact text, as the
# man page defines it (netstat prints these names raw, so it cannot be
# the oracle): in the text faces ',' inside a name is \x2c (a '/'
# after the pid's is the name's), and invisible or format characters and bytes that are not UTF-8
# are \xNN; in JSON every name is its exact value, with command_bytes
# (hex) beside it when it is not UTF-8.
. "$SOCKSTAT_TESTS/lib.sh"

cat >"$TMP/holder.py" <<'EOF'
import ctypes, json, os, signal, socket, sys, time
# name bytes -> what the text faces must show
NAMES = [
    (b"x,1/systemd", "x\\x2c1/systemd"),                 # item 9
    ("a\u3164b".encode(), "a\\xe3\\x85\\xa4b"),               # Hangul filler
    ("s\u00adsh".encode(), "s\\xc2\\xadsh"),                  # soft hyphen
    ("vs\ufe0fx".encode(), "vs\\xef\\xb8\\x8fx"),             # variation sel.
    ("t\U000e0041g".encode(), "t\\xf3\\xa0\\x81\\x81g"),      # tag character
    ("r\u202eab".encode(), "r\\xe2\\x80\\xaeab"),             # bidi override
    (b"\xff\xfeevil", "\\xff\\xfeevil"),                      # not UTF-8
    (b"red\x1b[31m", "red\\x1b[31m"),                         # ESC
    ("caf\u00e9".encode(), "caf\u00e9"),                      # plain UTF-8
]
KID = """
import ctypes, os, signal, sys
raw = bytes.fromhex(sys.argv[1])
if ctypes.CDLL(None).prctl(15, ctypes.c_char_p(raw), 0, 0, 0) != 0:
    os._exit(1)
os.write(int(sys.argv[2]), b"x")
signal.pause()
"""
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(8)
kids = []
for raw, shown in NAMES:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        # The name is both argv[0] (the netstat face's program name)
        # and the command (comm, the lsof face's): exec with it, then
        # set comm, holding the inherited listener.
        os.close(r)
        os.set_inheritable(w, True)
        ls.set_inheritable(True)
        os.execv(sys.executable, [raw, "-c", KID, raw.hex(), str(w)])
    os.close(w)
    os.read(r, 1)
    kids.append({"pid": pid, "hex": raw.hex(), "shown": shown})
port = ls.getsockname()[1]
ls.close()	# only the renamed children hold the listener
json.dump({"port": port, "kids": kids}, open(sys.argv[1] + ".tmp", "w"))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
try:
    signal.pause()
finally:
    for k in kids:
        os.kill(k["pid"], signal.SIGTERM)
EOF

python3 "$TMP/holder.py" "$TMP/pop.json" >"$TMP/holder.log" 2>&1 &
hpid=$!
PIDS="$PIDS $hpid"
i=0
while [ ! -s "$TMP/pop.json" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$TMP/pop.json" ] || { cat "$TMP/holder.log"; not_ok "holder started"; exit 1; }
# The children are killed by the holder's handler; make sure on exit too.
for p in $(jget "$TMP/pop.json" '" ".join(str(k["pid"]) for k in d["kids"])'); do
	PIDS="$PIDS $p"
done
port=$(jget "$TMP/pop.json" 'd["port"]')

# netstat face: the listener's PID/Program name column is the list of
# every holder, sorted by pid, each name escaped.
"$SOCKSTAT" -tlnp >"$TMP/t.out" 2>"$TMP/t.err"
check "-tlnp exits 0" [ $? -eq 0 ]
check "-tlnp: the owner list is exact, one entry per holder" \
    python3 - "$TMP/pop.json" "$TMP/t.out" "$port" <<'EOF'
import json, sys
pop = json.load(open(sys.argv[1]))
rows = [l for l in open(sys.argv[2], "rb").read().decode("utf-8").split("\n")
        if (" 127.0.0.1:%s " % sys.argv[3]) in l]
want = ",".join("%d/%s" % (k["pid"], k["shown"])
                for k in sorted(pop["kids"], key=lambda k: k["pid"]))
if len(rows) != 1 or not rows[0].rstrip().endswith(" " + want):
    print("want ...%r\nrows %r" % (want, rows)); sys.exit(1)
# split on the separators: exactly one entry per holder, each pid/name
entries = rows[0].rstrip().rsplit(" ", 1)[1].split(",")
if [e.split("/")[0] for e in entries] != [str(k["pid"]) for k in
        sorted(pop["kids"], key=lambda k: k["pid"])] or \
        any(len(e.split("/", 1)) != 2 for e in entries):
    print("entries %r" % entries); sys.exit(1)
EOF
check "-tlnp: no raw control, invisible or format character" \
    python3 - "$TMP/t.out" <<'EOF'
import sys, unicodedata
t = open(sys.argv[1], "rb").read().decode("utf-8")
bad = [c for c in t if c != "\n" and unicodedata.category(c) in ("Cc", "Cf")
       or c in "\u3164\u115f\u1160\uffa0\u034f" or 0xfe00 <= ord(c) <= 0xfe0f]
print(bad); sys.exit(1 if bad else 0)
EOF

# JSON (netstat and lsof selections): exact names; command_bytes only
# for the name that is not UTF-8.
for args in "-tlp --json" "-i -n --json"; do
	# shellcheck disable=SC2086
	"$SOCKSTAT" $args >"$TMP/j.out" 2>"$TMP/j.err"
	check "$args: every holder's command is its exact name" \
	    python3 - "$TMP/pop.json" "$TMP/j.out" "$port" <<'EOF'
import json, sys
pop = json.load(open(sys.argv[1]))
objs = [o for o in json.load(open(sys.argv[2]))
        if o.get("local", {}).get("port") == int(sys.argv[3])
        and o["state"] == "LISTEN"]
if len(objs) != 1:
    print("listener rows: %r" % objs); sys.exit(1)
got = {ow["pid"]: ow for ow in objs[0]["owners"]}
bad = 0
for k in pop["kids"]:
    raw = bytes.fromhex(k["hex"])
    ow = got.get(k["pid"])
    if ow is None:
        print("pid %d missing" % k["pid"]); bad += 1; continue
    try:
        ok = ow["command"] == raw.decode() and "command_bytes" not in ow
    except UnicodeDecodeError:
        ok = (ow["command"] == raw.decode("utf-8", "replace") and
              bytes.fromhex(ow["command_bytes"]) == raw)
    if not ok:
        print("pid %d: want %r got %r" % (k["pid"], raw, ow)); bad += 1
sys.exit(1 if bad else 0)
EOF
done
check "--json: no raw control, C1 or invisible character in the bytes" \
    python3 - "$TMP/j.out" <<'EOF'
import sys, unicodedata
t = open(sys.argv[1], "rb").read().decode("utf-8")
bad = [c for c in t if c != "\n" and unicodedata.category(c) in ("Cc", "Cf")
       or c in "\u3164\u2028\u2029"]
print(bad); sys.exit(1 if bad else 0)
EOF
finish
