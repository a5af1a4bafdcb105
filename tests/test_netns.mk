# SPDX-License-Identifier: BSD-2-Clause
test_netns_OBJS = src/netns.o src/util.o
