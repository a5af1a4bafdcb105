# SPDX-License-Identifier: BSD-2-Clause
test_filter_expr_OBJS = src/filter_expr.o src/filter.o src/fexpr.o src/fexpr_args.o src/fexpr_eval.o
