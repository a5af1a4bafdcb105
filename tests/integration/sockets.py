#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Create a known population of sockets for sockstat's integration tests.

Writes a JSON description (ports, inodes, paths, pid) to --out once every
socket is in its state, then holds them until SIGTERM or --seconds pass.
Loopback only.  Kinds: tcp4 tcp6 udp4 udp6 unix raw raw6 (raw needs
root), unixesc (UNIX names holding an ESC byte and a newline) and
listen:PORT (a TCP listener on 127.0.0.1:PORT), pairs:N (N UNIX
socketpairs).  --host6 puts the IPv6
kinds on another local address (one the caller added, as root).
"""
import argparse
import json
import os
import signal
import socket
import sys
import time


def ino(s):
    return os.fstat(s.fileno()).st_ino


def tcp(fam, host, out, keep):
    lst = socket.socket(fam, socket.SOCK_STREAM)
    lst.bind((host, 0))
    lst.listen(16)
    port = lst.getsockname()[1]
    keep.append(lst)
    d = {"listen": {"port": port, "inode": ino(lst)}}
    # ESTABLISHED pair
    c = socket.create_connection((host, port))
    c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)    # a keepalive timer
    a, _ = lst.accept()
    keep += [c, a]
    d["established"] = {"client_port": c.getsockname()[1], "client_inode": ino(c),
                        "server_inode": ino(a)}
    # FIN_WAIT2 / CLOSE_WAIT: the client shuts down, the server does not
    c2 = socket.create_connection((host, port))
    a2, _ = lst.accept()
    c2.shutdown(socket.SHUT_WR)
    keep += [c2, a2]
    d["close_wait"] = {"client_port": c2.getsockname()[1], "client_inode": ino(c2),
                       "server_inode": ino(a2)}
    # TIME_WAIT on the client side: it closes first, then the server
    c3 = socket.create_connection((host, port))
    a3, _ = lst.accept()
    tw_port = c3.getsockname()[1]
    c3.close()
    time.sleep(0.05)
    a3.close()
    d["time_wait"] = {"client_port": tw_port}
    out["tcp6" if fam == socket.AF_INET6 else "tcp4"] = d


def udp(fam, host, out, keep):
    b = socket.socket(fam, socket.SOCK_DGRAM)
    b.bind((host, 0))
    c = socket.socket(fam, socket.SOCK_DGRAM)
    c.bind((host, 0))
    c.connect((host, b.getsockname()[1]))
    keep += [b, c]
    out["udp6" if fam == socket.AF_INET6 else "udp4"] = {
        "bound": {"port": b.getsockname()[1], "inode": ino(b)},
        "connected": {"port": c.getsockname()[1], "inode": ino(c)}}


def unix(d, out, keep):
    res = {}
    for key, name in (("path", os.path.join(d, "ls.sock")),
                      ("space", os.path.join(d, "with space.sock")),
                      ("abstract", "\0sockstat-test-%d" % os.getpid())):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(name)
        s.listen(4)
        keep.append(s)
        shown = "@" + name[1:] if name[0] == "\0" else name
        res[key] = {"name": shown, "inode": ino(s)}
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(os.path.join(d, "ls.sock"))
    a, _ = keep[-3].accept()
    keep += [c, a]
    res["connected"] = {"client_inode": ino(c), "server_inode": ino(a)}
    g = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    g.bind(os.path.join(d, "dgram.sock"))
    keep.append(g)
    res["dgram"] = {"name": os.path.join(d, "dgram.sock"), "inode": ino(g)}
    p1, p2 = socket.socketpair()
    keep += [p1, p2]
    res["pair"] = {"inodes": [ino(p1), ino(p2)]}
    out["unix"] = res


def raw(fam, out, keep):
    proto = socket.IPPROTO_ICMPV6 if fam == socket.AF_INET6 else socket.IPPROTO_ICMP
    r = socket.socket(fam, socket.SOCK_RAW, proto)
    keep.append(r)
    out["raw6" if fam == socket.AF_INET6 else "raw"] = {"inode": ino(r),
                                                        "protocol": proto}


def unixesc(d, out, keep):
    # Names a terminal would act on: they must come out escaped.
    res = {}
    for key, name in (("path", os.path.join(d, "e\x1b[31mred\nline.sock")),
                      ("abstract", "\0sockstat-esc-%d\x1b[31m\n" % os.getpid())):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(name)
        s.listen(1)
        keep.append(s)
        res[key] = {"raw": name.replace("\0", "@", 1), "inode": ino(s)}
    # a backslash, a tab and a byte that is not UTF-8
    name = os.path.join(d.encode(), b"b\\s\tt\xff.sock")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(name)
    s.listen(1)
    keep.append(s)
    res["bytes"] = {"hex": name.hex(), "inode": ino(s)}
    out["unixesc"] = res


def listen_on(port, out, keep):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(4)
    keep.append(s)
    out["listen:%d" % port] = {"port": port, "inode": ino(s)}


def pairs(n, out, keep):
    """n UNIX socketpairs: enough rows to fill a pipe (-anp output)."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 2 * n + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 2 * n + 64), hard))
    for _ in range(n):
        keep.extend(socket.socketpair())
    out["pairs"] = {"count": n}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--host6", default="::1")
    ap.add_argument("kinds", nargs="*",
                    default=["tcp4", "tcp6", "udp4", "udp6", "unix"])
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    out, keep = {"pid": os.getpid(), "host6": a.host6}, []
    for k in a.kinds:
        if k == "tcp4":
            tcp(socket.AF_INET, "127.0.0.1", out, keep)
        elif k == "tcp6":
            tcp(socket.AF_INET6, a.host6, out, keep)
        elif k == "udp4":
            udp(socket.AF_INET, "127.0.0.1", out, keep)
        elif k == "udp6":
            udp(socket.AF_INET6, a.host6, out, keep)
        elif k == "unix":
            unix(a.dir, out, keep)
        elif k == "raw":
            raw(socket.AF_INET, out, keep)
        elif k == "raw6":
            raw(socket.AF_INET6, out, keep)
        elif k == "unixesc":
            unixesc(a.dir, out, keep)
        elif k.startswith("listen:"):
            listen_on(int(k[7:]), out, keep)
        elif k.startswith("pairs:"):
            pairs(int(k[6:]), out, keep)
        else:
            sys.exit("unknown kind " + k)
    time.sleep(0.1)     # let FIN/ACK exchanges settle into their states
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(out, f)
    os.rename(tmp, a.out)
    time.sleep(a.seconds)


if __name__ == "__main__":
    main()
