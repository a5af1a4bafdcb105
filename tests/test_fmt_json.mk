# SPDX-License-Identifier: BSD-2-Clause
test_fmt_json_OBJS = src/fmt_json.o src/tcpinfo_json.o src/tcpinfo.o src/users.o src/jsonw.o src/names.o src/util.o
