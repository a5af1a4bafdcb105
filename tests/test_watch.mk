test_watch_OBJS = src/watch_poll.o src/diag.o src/diag_rx.o src/util.o
