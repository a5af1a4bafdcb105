test_rowpack_OBJS = src/rowpack.o
