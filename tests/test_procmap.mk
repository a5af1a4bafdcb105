# SPDX-License-Identifier: BSD-2-Clause
test_procmap_OBJS = src/procmap.o src/procmap_scan.o src/util.o
