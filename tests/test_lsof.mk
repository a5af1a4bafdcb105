test_lsof_OBJS = src/lsof.o src/names.o src/util.o
