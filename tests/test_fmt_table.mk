test_fmt_table_OBJS = src/fmt_table.o src/addr.o src/rowvec.o src/names.o src/filter.o src/procmap.o src/util.o
