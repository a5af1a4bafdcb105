# SPDX-License-Identifier: BSD-2-Clause
test_textwidth_OBJS = src/textwidth.o src/util.o
