test_privs_OBJS = src/privs.o
