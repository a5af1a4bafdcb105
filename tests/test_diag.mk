test_diag_OBJS = src/diag.o src/util.o
