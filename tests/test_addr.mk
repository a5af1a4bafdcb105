# SPDX-License-Identifier: BSD-2-Clause
test_addr_OBJS = src/addr.o src/util.o
