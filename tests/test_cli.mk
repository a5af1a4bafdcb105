# SPDX-License-Identifier: BSD-2-Clause
test_cli_OBJS = src/filter.o src/sort.o src/usage.o src/fexpr.o src/fexpr_args.o src/util.o
