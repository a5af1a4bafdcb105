test_addr_OBJS = src/addr.o src/util.o
