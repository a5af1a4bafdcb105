# SPDX-License-Identifier: BSD-2-Clause
test_fmt_table_OBJS = src/fmt_table.o src/addrset.o src/tcpinfo.o src/tcpinfo_line.o src/table_unix.o src/bytevec.o src/netstat_text.o src/outbuf.o src/textwidth.o src/users.o src/addr.o src/names.o src/filter.o src/procmap.o src/util.o
