# SPDX-License-Identifier: BSD-2-Clause
test_procnet_OBJS = src/procnet.o src/procnet_parse.o src/unixguard.o src/util.o
