#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
# seccomp_deny.py ERRNO COMMAND [ARG...]: runs COMMAND with socket(2) on
# AF_NETLINK refused with ERRNO (e.g. EPERM), as a container's seccomp
# profile may do, through a classic BPF filter (x86_64 only).
import ctypes, errno, os, platform, struct, sys

if platform.machine() != "x86_64":
    sys.exit(77)
err = getattr(errno, sys.argv[1])
AUDIT_ARCH_X86_64 = 0xC000003E
NR_SOCKET = 41
AF_NETLINK = 16
# struct seccomp_data: nr (0), arch (4), ip (8), args[6] (16...)
LD_W_ABS, JEQ_K, RET_K = 0x20, 0x15, 0x06
RET_ALLOW, RET_ERRNO = 0x7FFF0000, 0x00050000
prog = [
    (LD_W_ABS, 0, 0, 4),                      # arch
    (JEQ_K, 1, 0, AUDIT_ARCH_X86_64),
    (RET_K, 0, 0, RET_ALLOW),
    (LD_W_ABS, 0, 0, 0),                      # nr
    (JEQ_K, 0, 3, NR_SOCKET),
    (LD_W_ABS, 0, 0, 16),                     # args[0], low half
    (JEQ_K, 0, 1, AF_NETLINK),
    (RET_K, 0, 0, RET_ERRNO | (err & 0xFFFF)),
    (RET_K, 0, 0, RET_ALLOW),
]
raw = b"".join(struct.pack("HBBI", *i) for i in prog)
buf = ctypes.create_string_buffer(raw)
class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
fprog = SockFprog(len(prog), ctypes.addressof(buf))
libc = ctypes.CDLL(None, use_errno=True)
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or \
   libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
    print("seccomp:", os.strerror(ctypes.get_errno()), file=sys.stderr)
    sys.exit(77)
os.execvp(sys.argv[2], sys.argv[2:])
