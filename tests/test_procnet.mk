test_procnet_OBJS = src/procnet.o src/util.o
