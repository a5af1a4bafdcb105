# SPDX-License-Identifier: BSD-2-Clause
test_fmt_summary_OBJS = src/fmt_summary.o src/ktotals.o src/tcpstat.o src/jsonw.o src/names.o src/util.o
