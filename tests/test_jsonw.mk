test_jsonw_OBJS = src/jsonw.o
