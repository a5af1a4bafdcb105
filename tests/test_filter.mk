test_filter_OBJS = src/filter.o
