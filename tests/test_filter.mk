# SPDX-License-Identifier: BSD-2-Clause
test_filter_OBJS = src/filter.o
