# SPDX-License-Identifier: BSD-2-Clause
test_lsof_OBJS = src/lsof.o src/lsof_match.o src/lsof_resolve.o src/cli.o src/filter.o src/sort.o src/names.o src/fexpr.o src/fexpr_args.o src/util.o
