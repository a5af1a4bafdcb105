# SPDX-License-Identifier: BSD-2-Clause
test_sort_OBJS = src/sort.o src/fmt_sort.o src/fmt_group.o src/rowvec.o \
	src/fmt_json.o src/tcpinfo_json.o src/jsonw.o src/fmt_table.o src/tcpinfo.o src/tcpinfo_line.o src/table_unix.o \
	src/bytevec.o src/textwidth.o src/netstat_text.o \
	src/outbuf.o src/users.o src/addr.o src/filter.o src/procmap.o \
	src/names.o src/util.o
