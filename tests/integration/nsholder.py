#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Hold a TCP listener or connection in whatever network namespace this
runs in, for t_netns.sh: "listen HOST PORT" (IPv6 when HOST has a
colon) accepts and holds every
connection; "connect HOST PORT" connects (retrying up to 30 s while the
peer comes up) and holds it.  Writes READY to the file given last once
the socket is in place, then holds until killed or 15 minutes pass."""
import socket
import sys
import time

sys.dont_write_bytecode = True


def main():
    mode, host, port, ready = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    keep = []
    if mode == "listen":
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, port))
        s.listen(16)
        s.settimeout(1)
        keep.append(s)
    else:
        deadline = time.time() + 30
        while True:
            try:
                keep.append(socket.create_connection((host, port), timeout=2))
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
    with open(ready, "w") as f:
        f.write("READY\n")
    end = time.time() + 900
    while time.time() < end:
        if mode == "listen":
            try:
                c, _ = keep[0].accept()
                keep.append(c)
            except socket.timeout:
                pass
        else:
            time.sleep(1)


main()
