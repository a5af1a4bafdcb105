test_cli_OBJS = src/cli.o src/filter.o src/usage.o src/util.o
