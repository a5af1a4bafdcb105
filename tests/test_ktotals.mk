test_ktotals_OBJS = src/ktotals.o
