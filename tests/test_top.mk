# SPDX-License-Identifier: BSD-2-Clause
test_top_OBJS = src/top.o src/top_view.o src/fexpr.o src/fexpr_args.o src/fexpr_eval.o src/util.o
