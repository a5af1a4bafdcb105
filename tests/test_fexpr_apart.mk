# SPDX-License-Identifier: BSD-2-Clause
test_fexpr_apart_OBJS = src/fexpr_apart.o src/fexpr.o src/fexpr_args.o
