test_watch_OBJS = src/watch_poll.o src/diag.o src/util.o
