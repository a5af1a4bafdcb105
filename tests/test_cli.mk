test_cli_OBJS = src/cli.o src/filter.o src/util.o
