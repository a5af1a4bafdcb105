#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""A known population for t_sort.sh: TCP listeners on loopback with
connections from several client addresses (127.3.0.9 and 127.3.0.10 sort
differently as numbers and as text), unread data of different sizes (the
receive queues differ), UDP sockets and named UNIX listeners.

sortpop.py --out FILE --dir DIR [--uid UID] [--small]: writes
{"pid", "ports": [...], "paths": [...]} to FILE once every socket is in
its state, then holds them until SIGTERM or 900 s pass.  --uid switches
to that user before making any socket (root only), so that their uid
differs; --small makes one listener and two connections, no UNIX.
"""
import argparse
import json
import os
import signal
import socket
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--uid", type=int)
    ap.add_argument("--small", action="store_true")
    a = ap.parse_args()
    # Opened before dropping to --uid: the directory may be root's.
    out = open(a.out, "w")
    if a.uid is not None:
        os.setgid(a.uid)
        os.setuid(a.uid)
    keep, ports, paths = [], set(), []

    def listen(fam, host):
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.bind((host, 0))
        s.listen(64)
        keep.append(s)
        ports.add(s.getsockname()[1])
        return s

    def connect(lst, src, nbytes, back):
        fam = lst.family
        c = socket.socket(fam, socket.SOCK_STREAM)
        c.bind((src, 0))
        c.connect(lst.getsockname()[:2])
        s, _ = lst.accept()
        # Unread bytes: the accepted end's receive queue, and the client's.
        if nbytes:
            c.sendall(b"x" * nbytes)
        if back:
            s.sendall(b"y" * back)
        keep.extend([c, s])
        ports.add(c.getsockname()[1])

    if a.small:
        l1 = listen(socket.AF_INET, "127.0.0.1")
        connect(l1, "127.3.0.9", 7, 0)
        connect(l1, "127.3.0.200", 0, 0)
    else:
        l1 = listen(socket.AF_INET, "127.0.0.1")
        l2 = listen(socket.AF_INET, "127.0.0.2")
        for src, n, back in (("127.3.0.10", 100, 0), ("127.3.0.9", 5, 9),
                             ("127.3.0.10", 0, 0), ("127.3.0.200", 3000, 1),
                             ("127.3.0.9", 5, 0)):
            connect(l1, src, n, back)
        for src, n, back in (("127.3.0.9", 1, 0), ("127.3.0.1", 0, 44)):
            connect(l2, src, n, back)
        try:
            l6 = listen(socket.AF_INET6, "::1")
            connect(l6, "::1", 12, 0)
            connect(l6, "::1", 0, 0)
        except OSError:
            pass                # no IPv6 loopback here
        for host, n in (("127.0.0.1", 0), ("127.3.0.5", 2), ("127.0.0.2", 1)):
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.bind((host, 0))
            keep.append(u)
            ports.add(u.getsockname()[1])
            for _ in range(n):
                u.sendto(b"z" * 10, u.getsockname())
        for name in ("b.sock", "a.sock", "c.sock"):
            p = os.path.join(a.dir, "sortpop-" + name)
            x = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            x.bind(p)
            x.listen(4)
            keep.append(x)
            paths.append(p)
    # Let every connection settle (and every datagram arrive).
    time.sleep(0.2)
    # One write, so that the waiting test never reads half of it.
    out.write(json.dumps({"pid": os.getpid(), "ports": sorted(ports),
                          "paths": paths}) + "\n")
    out.close()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    time.sleep(900)


main()
