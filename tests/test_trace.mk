# SPDX-License-Identifier: BSD-2-Clause
test_trace_OBJS = src/trace.o src/util.o
