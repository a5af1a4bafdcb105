# SPDX-License-Identifier: BSD-2-Clause
test_pipeline_OBJS = src/pipeline.o src/procnet.o src/procnet_parse.o src/unixguard.o src/diag.o src/diag_rx.o src/tcpinfo.o src/refcnt.o src/filter.o src/names.o src/procmap.o src/util.o
