test_rowvec_OBJS = src/rowvec.o
