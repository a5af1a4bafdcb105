#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""A TCP listener on 127.0.0.1 held by a process with a chosen identity,
for sockstat's owner tests (t_owners.sh).

Writes {"pid", "port", "inode"} as JSON to --out once listening, then
holds the socket until SIGTERM.  The identity:
  --argv0 NAME   argv[0] is NAME (the script re-executes itself)
  --comm NAME    /proc/PID/comm is NAME (prctl PR_SET_NAME)
  --title TEXT   the argv area is overwritten with TEXT and no NUL, as
                 setproctitle(3) does (written through /proc/self/mem)
  --zombie FILE  once FILE exists the main thread exits alone (SYS_exit):
                 a zombie leader whose other thread holds the socket
"""
import argparse
import ctypes
import json
import os
import platform
import socket
import sys
import threading
import time

SYS_EXIT = {"x86_64": 60, "aarch64": 93}


def set_title(text):
    # Fields 48 and 49 of /proc/self/stat: where the kernel reads cmdline.
    with open("/proc/self/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    start, end = int(fields[45]), int(fields[46])
    data = text.encode()[:end - start]
    data += b" " * (end - start - len(data))
    with open("/proc/self/mem", "r+b", buffering=0) as m:
        m.seek(start)
        m.write(data)


def hold():
    while True:
        time.sleep(60)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--argv0")
    ap.add_argument("--comm")
    ap.add_argument("--title")
    ap.add_argument("--zombie")
    a = ap.parse_args()
    if a.argv0 is not None:
        rest = list(sys.argv[1:])
        i = rest.index("--argv0")
        del rest[i:i + 2]
        # Python finds its library from argv[0]: tell it where it is.
        env = dict(os.environ, PYTHONHOME=sys.base_prefix)
        os.execve(sys.executable, [a.argv0, os.path.abspath(__file__)] + rest,
                  env)
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.bind(("127.0.0.1", 0))
    lst.listen(4)
    libc = ctypes.CDLL(None, use_errno=True)
    if a.comm is not None:
        libc.prctl(15, a.comm.encode(), 0, 0, 0)     # PR_SET_NAME
    if a.title is not None:
        set_title(a.title)
    desc = {"pid": os.getpid(), "port": lst.getsockname()[1],
            "inode": os.fstat(lst.fileno()).st_ino}
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(desc, f)
    os.rename(tmp, a.out)
    if a.zombie is None:
        hold()
    # This thread keeps lst (and so the process) alive.
    threading.Thread(target=hold).start()
    while not os.path.exists(a.zombie):
        time.sleep(0.05)
    libc.syscall(SYS_EXIT[platform.machine()], 0)


if __name__ == "__main__":
    main()
