test_cli_OBJS = src/filter.o src/usage.o src/util.o
