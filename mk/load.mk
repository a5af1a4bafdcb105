# SPDX-License-Identifier: BSD-2-Clause
# Load tests of "sockstat echo-server" on loopback (tests/load/run.sh):
# connections held at once, a bulk echo checked byte for byte, slow and
# never-reading clients, RST storms, the server's RSS, SIGTERM with
# connections open.  Figures go to stdout; a failed check fails the target.
#
#   make load			10000 connections, 1 GiB (about a minute)
#   make load LOAD_CONNS=5000 LOAD_BYTES=256M
#   make load-smoke		500 connections, 16 MiB, a few seconds
#   make load-watch		sockstat -E at 10000 connections a second
#
# tests/load/bin holds the load generator; it is build output.

# This file is read before the Makefile's first rule: keep `all' the
# default goal by restoring it after the rules below.
load_saved_goal := $(.DEFAULT_GOAL)

LOAD_BIN	= tests/load/bin/echo-load
RATE_BIN	= tests/load/bin/conn-rate

# libc only, never the project's code: a client sharing the server's
# code could share its bugs.
$(LOAD_BIN): tests/load/echo-load.c
	@mkdir -p tests/load/bin
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) $(CPPFLAGS) $(CFLAGS) \
	    $(LDFLAGS) -o $@ tests/load/echo-load.c $(LDLIBS)

$(RATE_BIN): tests/load/conn-rate.c
	@mkdir -p tests/load/bin
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) $(CPPFLAGS) $(CFLAGS) \
	    $(LDFLAGS) -o $@ tests/load/conn-rate.c

# sockstat -E under 10,000 connections a second (tests/load/watch-rate.sh).
load: deps-bench
	@$(MAKE) --no-print-directory $(PROG) $(LOAD_BIN) $(RATE_BIN)
	@sh tests/load/run.sh ./$(PROG)
	@sh tests/load/watch-rate.sh ./$(PROG)

load-watch: deps-bench
	@$(MAKE) --no-print-directory $(PROG) $(RATE_BIN)
	@sh tests/load/watch-rate.sh ./$(PROG)

load-smoke: deps-bench
	@$(MAKE) --no-print-directory $(PROG) $(LOAD_BIN)
	@sh tests/load/run.sh --smoke ./$(PROG)

CLEAN_FILES += tests/load/bin

load-clean:
	rm -rf tests/load/bin

.PHONY: load load-smoke load-watch load-clean

.DEFAULT_GOAL := $(load_saved_goal)

CHECK_EXTRA += load-smoke
