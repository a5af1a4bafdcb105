# SPDX-License-Identifier: BSD-2-Clause
test_trace_drain_OBJS = src/trace_drain.o src/trace.o src/util.o
