# SPDX-License-Identifier: BSD-2-Clause
test_echo_OBJS = src/echo.o src/echo_conn.o src/echo_util.o src/echo_client.o src/util.o
# Faults at the system edge (tests/test_echo.c, "Seams"): a receive
# error that persists, a path swapped between bind and listen.
tests/test_echo: ALL_LDFLAGS += -Wl,--wrap=recvfrom -Wl,--wrap=listen
