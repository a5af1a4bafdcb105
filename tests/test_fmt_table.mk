test_fmt_table_OBJS = src/fmt_table.o src/pipeline.o src/diag.o src/procnet.o src/lsof.o src/lsof_match.o src/cli.o src/addr.o src/rowvec.o src/names.o src/filter.o src/procmap.o src/util.o
