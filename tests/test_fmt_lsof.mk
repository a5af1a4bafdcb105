# SPDX-License-Identifier: BSD-2-Clause
test_fmt_lsof_OBJS = src/fmt_lsof.o src/lsof_cmd.o src/textwidth.o src/outbuf.o src/users.o src/lsof.o src/cli.o src/filter.o src/sort.o src/addr.o src/rowvec.o src/names.o src/fexpr.o src/fexpr_args.o src/util.o
