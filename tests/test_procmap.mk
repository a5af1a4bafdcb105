test_procmap_OBJS = src/procmap.o src/procmap_scan.o src/util.o
