# SPDX-License-Identifier: BSD-2-Clause
test_addrset_OBJS = src/addrset.o
