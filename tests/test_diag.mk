# SPDX-License-Identifier: BSD-2-Clause
test_diag_OBJS = src/diag.o src/diag_parse.o src/diag_rx.o src/tcpinfo.o src/util.o
