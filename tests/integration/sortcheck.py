#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Helpers of t_sort.sh: they parse and decorate, sort(1) and ss are the
oracles.

  sortcheck.py decorate KEYS POP... <table  lines of the population, each
      prefixed with one tab-separated field per key of KEYS ("-lport,
      remote"), encoded so that sort(1) in the C locale orders them as
      sockstat must (numbers padded, addresses as family + hex bytes)
  sortcheck.py rows POP... <table          the population's lines, blanks
      squeezed
  sortcheck.py ends text|json POP... <out  one "proto local remote" line per
      population socket, in output order
  sortcheck.py groups text|json|ss BY POP... <out   "key count" lines: of
      sockstat --by=BY, or counted from ss -tanpeH output; with POP only
      the groups the population alone makes
"""
import json
import re
import socket
import sys

STATES = {"ESTABLISHED": 1, "SYN_SENT": 2, "SYN_RECV": 3, "FIN_WAIT1": 4,
          "FIN_WAIT2": 5, "TIME_WAIT": 6, "CLOSE": 7, "CLOSE_WAIT": 8,
          "LAST_ACK": 9, "LISTEN": 10, "CLOSING": 11}
SS_STATES = {"ESTAB": "ESTABLISHED", "UNCONN": "CLOSE", "SYN-SENT": "SYN_SENT",
             "SYN-RECV": "SYN_RECV", "FIN-WAIT-1": "FIN_WAIT1",
             "FIN-WAIT-2": "FIN_WAIT2", "TIME-WAIT": "TIME_WAIT",
             "CLOSE-WAIT": "CLOSE_WAIT", "LAST-ACK": "LAST_ACK",
             "LISTEN": "LISTEN", "CLOSING": "CLOSING"}


def load(files):
    ports, paths, pids = set(), set(), set()
    for f in files:
        d = json.load(open(f))
        ports |= set(d["ports"])
        paths |= set(d["paths"])
        pids.add(d["pid"])
    return ports, paths, pids


def split_end(s):
    a, p = s.rsplit(":", 1)
    return a, 0 if p == "*" else int(p)


def enc_addr(a):
    fam = socket.AF_INET6 if ":" in a else socket.AF_INET
    return ("4" if fam == socket.AF_INET else "6") + \
        socket.inet_pton(fam, a).hex()


def num(v, width=20):
    return str(v).zfill(width)


def parse_inet(line):
    """The fields of a -tuanep line, by name; None if not an inet row."""
    f = line.split()
    if len(f) < 8 or f[0] not in ("tcp", "tcp6", "udp", "udp6"):
        return None
    r = {"proto": f[0], "recv-q": int(f[1]), "send-q": int(f[2]),
         "local": split_end(f[3]), "remote": split_end(f[4]),
         "prog": f[-1], "inode": int(f[-2]), "user": f[-3]}
    # A UDP socket that is not connected shows no state: CLOSE.
    r["state"] = f[5] if len(f) == 9 else "CLOSE"
    return r


def key_inet(r, k):
    prog = r["prog"]
    if k == "state":
        return num(STATES[r["state"]], 2)
    if k in ("local", "remote"):
        a, p = r[k]
        return enc_addr(a) + num(p, 5)
    if k == "lport":
        return num(r["local"][1], 5)
    if k == "rport":
        return num(r["remote"][1], 5)
    if k in ("recv-q", "send-q", "inode"):
        return num(r[k])
    if k == "pid":
        return "" if prog == "-" else num(prog.split("/")[0])
    if k == "command":
        # The first owner's name; a missing owner sorts first.
        return "" if prog == "-" else prog.split(",")[0].split("/", 1)[1]
    if k == "uid":
        return "" if r["user"] == "-" else num(r["user"])
    raise SystemExit("no key " + k)


def key_unix(f, k):
    if k == "local":
        return f[-1]
    if k == "inode":
        return num(int(f[-2]))
    raise SystemExit("no UNIX key " + k)


def ours(line, ports, paths):
    f = line.split()
    if f and f[0] == "unix":
        return f[-1] in paths
    r = parse_inet(line)
    return r is not None and (r["local"][1] in ports or r["remote"][1] in ports)


def decorate(keys, pop):
    ports, paths, _ = load(pop)
    for line in sys.stdin:
        if not ours(line, ports, paths):
            continue
        f = line.split()
        fields = []
        for k in keys.split(","):
            k = k.lstrip("-")
            fields.append(key_unix(f, k) if f[0] == "unix" else
                          key_inet(parse_inet(line), k))
        print("\t".join(fields + [" ".join(f)]))


def rows(pop):
    ports, paths, _ = load(pop)
    for line in sys.stdin:
        if ours(line, ports, paths):
            print(" ".join(line.split()))


def ends(kind, pop):
    ports, _, _ = load(pop)
    out = []
    if kind == "json":
        for o in json.load(sys.stdin):
            if o["family"] == "unix":
                continue
            loc = (o["local"]["address"], o["local"]["port"])
            rem = (o["remote"]["address"], o["remote"]["port"])
            proto = o["proto"] + ("6" if o["family"] == "inet6" else "")
            out.append((proto, loc, rem))
    else:
        for line in sys.stdin:
            r = parse_inet(line)
            if r:
                out.append((r["proto"], r["local"], r["remote"]))
    for proto, loc, rem in out:
        if loc[1] in ports or rem[1] in ports:
            print(proto, "%s:%d" % loc, "%s:%d" % rem)


def ss_key(by, f, line):
    """The group of one ss -tuanpeH line (Netid State Recv Send Local Peer)."""
    netid, st, loc, rem = f[0], f[1], f[4], f[5]
    if by == "state":
        return [SS_STATES.get(st, st)]
    if by == "proto":
        return [netid + ("6" if loc.startswith("[") else "")]
    if by == "remote":
        a = rem.rsplit(":", 1)[0].strip("[]")
        a = re.sub(r"%.*$", "", a)
        if a == "*":
            a = "::" if loc.startswith("[") else "0.0.0.0"
        return [a]
    if by == "lport":
        return [loc.rsplit(":", 1)[1]]
    if by == "user":
        m = re.search(r"\buid:(\d+)", line)
        return [m.group(1) if m else "0"]
    if by == "process":
        pids = sorted(set(re.findall(r"pid=(\d+)", line)), key=int)
        return pids or ["-"]
    raise SystemExit("no group " + by)


def groups(kind, by, pop):
    counts = {}
    if kind == "ss":
        for line in sys.stdin:
            f = line.split()
            if f and f[0] in SS_STATES:
                f.insert(0, "tcp")      # one protocol: ss leaves Netid out
            if len(f) < 6:
                continue
            for k in ss_key(by, f, line):
                counts[k] = counts.get(k, 0) + 1
    elif kind == "json":
        d = json.load(sys.stdin)
        for g in d["groups"]:
            k = [v for n, v in g.items() if n in ("state", "proto", "pid",
                 "uid", "address", "port")][0]
            counts["-" if k is None else str(k)] = g["count"]
    else:
        for line in sys.stdin.read().split("\n")[1:]:
            f = line.split()
            if len(f) == 2:
                counts[f[1].split("/")[0]] = int(f[0])
    if pop:
        ports, _, pids = load(pop)
        mine = {"remote": lambda k: k.startswith("127.3.0."),
                "lport": lambda k: k.isdigit() and int(k) in ports,
                "process": lambda k: k.isdigit() and int(k) in pids,
                "user": lambda k: k not in ("0", "-")}[by]
        counts = {k: v for k, v in counts.items() if mine(k)}
    for k in sorted(counts):
        print(k, counts[k])


def main():
    cmd = sys.argv[1]
    if cmd == "decorate":
        decorate(sys.argv[2], sys.argv[3:])
    elif cmd == "rows":
        rows(sys.argv[2:])
    elif cmd == "ends":
        ends(sys.argv[2], sys.argv[3:])
    elif cmd == "groups":
        groups(sys.argv[2], sys.argv[3], sys.argv[4:])


main()
