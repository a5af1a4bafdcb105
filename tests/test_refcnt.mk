test_refcnt_OBJS = src/refcnt.o
