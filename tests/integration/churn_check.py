#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Shape checks for sockstat output taken under churn (t_churn.sh).

    churn_check.py KIND FILE

KIND is netstat (-tanp table), lsof (-i -n -P table), json (one JSON
document), events (-E text lines) or events-json (-E --json lines).  Every
line must have its face's shape and be consistent in itself; prints one
line per problem and exits 1 if there is any.
"""
import json
import re
import sys

STATES = ("ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE "
          "CLOSE_WAIT LAST_ACK LISTEN CLOSING").split()
ADDR = r"(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]+):(\d+|\*)"
NETSTAT_ROW = re.compile(r"^(tcp6?) +(\d+) +(\d+) (" + ADDR + r") +(" + ADDR +
                         r") +(" + "|".join(STATES) + r") +(-|(\d+/\S+)(,\d+/\S+)*) *$")
LSOF_ROW = re.compile(r"^\S+ +\d+ +\S+ +\d+u +IPv[46] +\d+ +0t0 +(TCP|UDP) +"
                      r"(\S+)( \((" + "|".join(STATES) + r")\))? ?$")  # lsof ends UDP with a space
EVENT_ROW = re.compile(r"^\d\d:\d\d:\d\d\.\d{3} (new|state|closed) +(tcp6?|udp6?|raw6?) +"
                       r"\S+ +\S+ +(-|[A-Z_0-9()]+) -> ([A-Z_0-9()]+) +(-|\d+/\S*) *$")


def fail(msgs, n, line, why):
    msgs.append("%s:%d: %s: %r" % (sys.argv[2], n, why, line[:160]))


def netstat(lines, msgs):
    if not lines or not lines[0].startswith("Active Internet connections"):
        fail(msgs, 1, lines[0] if lines else "", "no title")
    for n, line in enumerate(lines[2:], 3):
        m = NETSTAT_ROW.match(line)
        if not m:
            fail(msgs, n, line, "row shape")
            continue
        state, remote, owner = m.group(14), m.group(9), m.group(15)
        if state == "LISTEN" and not remote.endswith(":*"):
            fail(msgs, n, line, "LISTEN with a remote port")
        if state == "TIME_WAIT" and owner != "-":
            fail(msgs, n, line, "TIME_WAIT with an owner")


def lsof(lines, msgs):
    if lines and lines[0].split() != "COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME".split():
        fail(msgs, 1, lines[0], "header")
    for n, line in enumerate(lines[1:], 2):
        m = LSOF_ROW.match(line)
        if not m:
            fail(msgs, n, line, "row shape")
        elif m.group(1) == "TCP" and m.group(4) is None:
            fail(msgs, n, line, "TCP row without a state")


def jsondoc(text, msgs):
    try:
        doc = json.loads(text)
    except ValueError as e:
        msgs.append("%s: invalid JSON: %s" % (sys.argv[2], e))
        return
    for i, r in enumerate(doc):
        if r["state"] not in STATES:
            msgs.append("%s: object %d: state %r" % (sys.argv[2], i, r["state"]))
        for side in ("local", "remote"):
            p = r[side]["port"]
            if not isinstance(p, int) or not 0 <= p <= 65535:
                msgs.append("%s: object %d: %s port %r" % (sys.argv[2], i, side, p))
        if not isinstance(r["inode"], int):
            msgs.append("%s: object %d: inode %r" % (sys.argv[2], i, r["inode"]))


def events(lines, msgs):
    for n, line in enumerate(lines[1:], 2):
        if not EVENT_ROW.match(line):
            fail(msgs, n, line, "event shape")


def events_json(lines, msgs):
    for n, line in enumerate(lines, 1):
        try:
            e = json.loads(line)
        except ValueError:
            fail(msgs, n, line, "invalid JSON")
            continue
        if e.get("event") not in ("new", "state", "closed") or "state" not in e:
            fail(msgs, n, line, "event fields")


def main():
    kind, path = sys.argv[1], sys.argv[2]
    text = open(path, encoding="utf-8", errors="strict").read()
    if re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text):
        print("%s: a raw control byte" % path)
        return 1
    lines = text.splitlines()
    msgs = []
    {"netstat": lambda: netstat(lines, msgs),
     "lsof": lambda: lsof(lines, msgs),
     "json": lambda: jsondoc(text, msgs),
     "events": lambda: events(lines, msgs),
     "events-json": lambda: events_json(lines, msgs)}[kind]()
    for m in msgs[:20]:
        print(m)
    return 1 if msgs else 0


if __name__ == "__main__":
    sys.exit(main())
