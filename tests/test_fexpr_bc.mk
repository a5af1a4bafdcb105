# SPDX-License-Identifier: BSD-2-Clause
test_fexpr_bc_OBJS = src/fexpr.o src/fexpr_args.o src/fexpr_eval.o src/fexpr_bc.o
