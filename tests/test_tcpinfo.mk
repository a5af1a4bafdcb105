# SPDX-License-Identifier: BSD-2-Clause
test_tcpinfo_OBJS = src/tcpinfo.o src/tcpinfo_json.o src/jsonw.o src/util.o
