test_jsonw_OBJS = src/jsonw.o src/util.o
