# SPDX-License-Identifier: BSD-2-Clause
test_refcnt_OBJS = src/refcnt.o
