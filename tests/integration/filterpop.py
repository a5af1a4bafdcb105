# SPDX-License-Identifier: BSD-2-Clause
"""filterpop.py OUT DIR: the known population of t_filter.sh (its own
network namespace): TCP listeners on fixed ports across ranges, v4, v6
and dual-stack, connections between them, a listener bound to lo
(SO_BINDTODEVICE), marked sockets (SO_MARK), an autobound listener, UDP
and UNIX sockets.  Writes OUT when ready, holds them until killed."""
import socket, sys, time, os, json
out, d = sys.argv[1], sys.argv[2]
keep = []
SO_MARK = 36
def listen(fam, addr, port, mark=None, dev=None, typ=socket.SOCK_STREAM):
    s = socket.socket(fam, typ)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if mark is not None: s.setsockopt(socket.SOL_SOCKET, SO_MARK, mark)
    if dev is not None: s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, dev.encode())
    s.bind((addr, port))
    if typ == socket.SOCK_STREAM: s.listen(16)
    keep.append(s); return s
def connect(fam, addr, port, src=None, mark=None):
    c = socket.socket(fam, socket.SOCK_STREAM)
    if mark is not None: c.setsockopt(socket.SOL_SOCKET, SO_MARK, mark)
    if src is not None: c.bind((src, 0))
    c.connect((addr, port)); keep.append(c); return c
ls = {}
for p in (22, 80, 443, 1023, 1024, 8080, 40000, 65535):
    ls[p] = listen(socket.AF_INET, "127.0.0.1", p)
ls[8443] = listen(socket.AF_INET6, "::1", 8443)
ls[6443] = listen(socket.AF_INET6, "::1", 443)
ls[9090] = listen(socket.AF_INET6, "::", 9090)
ls[7000] = listen(socket.AF_INET, "127.0.0.1", 7000, dev="lo")
ls[7001] = listen(socket.AF_INET, "127.0.0.1", 7001, mark=0x10)
connect(socket.AF_INET, "127.0.0.1", 443); connect(socket.AF_INET, "127.0.0.1", 443)
connect(socket.AF_INET6, "::1", 8443)
connect(socket.AF_INET, "127.0.0.1", 9090)
connect(socket.AF_INET, "127.0.0.1", 80, src="127.0.0.2")
connect(socket.AF_INET, "127.0.0.1", 7001, mark=0x11)
connect(socket.AF_INET, "127.0.0.1", 22)
for p, s in ls.items():
    try:
        s.setblocking(False)
        while True: keep.append(s.accept()[0])
    except (BlockingIOError, OSError): pass
# an autobound listener: bound to port 0
a = socket.socket(); a.bind(("127.0.0.1", 0)); a.listen(1); keep.append(a)
for addr, p in (("127.0.0.1", 53), ("::1", 5353)):
    listen(socket.AF_INET6 if ":" in addr else socket.AF_INET, addr, p, typ=socket.SOCK_DGRAM)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.connect(("127.0.0.1", 53)); keep.append(u)
for name in (os.path.join(d, "a.sock"), os.path.join(d, "b.sock"), "\0sockstat-filter-x"):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.bind(name); s.listen(1); keep.append(s)
json.dump({"auto": a.getsockname()[1]}, open(out + ".tmp", "w")); os.rename(out + ".tmp", out)
time.sleep(900)  # killed by the test long before
