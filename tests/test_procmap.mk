test_procmap_OBJS = src/procmap.o src/util.o
