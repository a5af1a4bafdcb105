# SPDX-License-Identifier: BSD-2-Clause
test_privs_OBJS = src/privs.o
