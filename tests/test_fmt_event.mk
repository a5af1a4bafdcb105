# SPDX-License-Identifier: BSD-2-Clause
test_fmt_event_OBJS = src/fmt_event.o src/fmt_json.o src/tcpinfo_json.o src/tcpinfo.o src/users.o src/addr.o src/names.o src/jsonw.o src/util.o
