test_lsof_OBJS = src/lsof.o src/lsof_match.o src/names.o src/util.o
