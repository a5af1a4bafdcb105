test_trace_OBJS = src/trace.o src/util.o
