# SPDX-License-Identifier: BSD-2-Clause
test_openmetrics_OBJS = src/fmt_openmetrics.o src/names.o src/util.o
