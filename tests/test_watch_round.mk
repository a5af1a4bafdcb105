# SPDX-License-Identifier: BSD-2-Clause
test_watch_round_OBJS = src/watch.o src/watch_match.o src/watch_owner.o src/trace_drain.o src/watch_poll.o src/watch_space.o src/watch_ns.o src/trace.o src/procmap.o src/procmap_scan.o src/diag.o src/diag_rx.o src/tcpinfo.o src/util.o
