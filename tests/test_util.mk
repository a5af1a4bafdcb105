# SPDX-License-Identifier: BSD-2-Clause
test_util_OBJS = src/util.o
