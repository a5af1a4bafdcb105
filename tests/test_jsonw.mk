# SPDX-License-Identifier: BSD-2-Clause
test_jsonw_OBJS = src/jsonw.o src/util.o
