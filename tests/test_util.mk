test_util_OBJS = src/util.o
