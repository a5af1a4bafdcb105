# SPDX-License-Identifier: BSD-2-Clause
test_rowvec_OBJS = src/rowvec.o
