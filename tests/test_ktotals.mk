# SPDX-License-Identifier: BSD-2-Clause
test_ktotals_OBJS = src/ktotals.o
