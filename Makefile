# SPDX-License-Identifier: BSD-2-Clause
# sockstat - Linux socket-state inspector.
#
#   make            build ./sockstat
#   make demo       install missing build dependencies, build, run the demo
#   make check      install missing test dependencies, run every test
#   make install    PREFIX=/usr/local DESTDIR= (binaries and man page;
#                   sockstat top's program goes to LIBEXECDIR)
#                   (completion, systemd units: mk/dist.mk)
#   make WERROR=1   warnings are errors (CI builds so)
#
# CC, CFLAGS, CPPFLAGS, LDFLAGS and LDLIBS are the user's: they are added
# after the project's flags, never replaced.

PROG	= sockstat
# sockstat top runs this program (src/top_main.c): the only one linked
# with curses, so that no other run loads it.
HELPER	= sockstat-top
PROGS	= $(PROG) $(HELPER)

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
LIBEXECDIR ?= $(PREFIX)/libexec/sockstat
CC	?= cc
CFLAGS	?= -O2 -g
PKG_CONFIG ?= pkg-config
INSTALL	?= install

# Project flags; the user's CPPFLAGS, CFLAGS, LDFLAGS and LDLIBS come
# last.  -Werror only on request: a newer compiler's new warning must not
# stop a packager's build.
WERROR	?= 0
WARN	= -Wall -Wextra $(if $(filter 1 yes,$(WERROR)),-Werror)
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags libmnl libcap 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs libmnl libcap 2>/dev/null || echo -lmnl -lcap)
# sockstat top's screen (src/top_ui.c) alone uses curses.
CURSES_CFLAGS = $(shell $(PKG_CONFIG) --cflags ncursesw 2>/dev/null)
CURSES_LIBS = $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null || echo -lncursesw)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread $(WARN) -Iinclude -MMD -MP \
	     $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = -pthread $(LDFLAGS)
LIBS	= $(PKG_LIBS) $(LDLIBS)

SRCS	= $(wildcard src/*.c)
OBJS	= $(SRCS:.c=.o)
MAIN_OBJS = src/main.o src/top_main.o
LIB_OBJS = $(filter-out $(MAIN_OBJS),$(OBJS))
# What sockstat-top has and sockstat has not.
TOP_OBJS = src/cmd_top.o src/top.o src/top_feed.o src/top_frame.o \
	   src/top_ui.o src/top_view.o
PROG_OBJS = $(filter-out $(TOP_OBJS) src/top_main.o,$(OBJS))

# One cmocka binary per module: tests/test_X.c links tests/test_X.o with
# the objects tests/test_X.mk lists in test_X_OBJS (default src/X.o and
# src/util.o), then libsockstat.a: a test that stubs a function lists
# the objects it takes as they are, and the archive supplies only what
# is still undefined, so a module that gains a dependency does not break
# every test's link list.
TEST_SRCS = $(wildcard tests/test_*.c)
TESTS	= $(TEST_SRCS:.c=)
TEST_LIBS = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)
-include $(wildcard tests/test_*.mk)
# Further targets (bench, fuzz, load) live in mk/*.mk; each may add a
# short smoke run of itself to CHECK_EXTRA, which "make check" runs last,
# and what it builds to CLEAN_FILES, which "make clean" removes.
CHECK_EXTRA =
CLEAN_FILES =
-include $(wildcard mk/*.mk)

all: $(PROGS)

$(PROG): $(PROG_OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(PROG_OBJS) $(LIBS)

$(HELPER): src/top_main.o $(TOP_OBJS) libsockstat.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(CURSES_LIBS) $(LIBS)

%.o: %.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

src/top_ui.o: ALL_CFLAGS += $(CURSES_CFLAGS)
src/libexec.o: ALL_CFLAGS += -DSOCKSTAT_LIBEXECDIR='"$(LIBEXECDIR)"'
# LIBEXECDIR is built into src/libexec.o: when it changes (make install
# PREFIX=... after make), the stamp changes and the binary is built again.
src/libexec.o: src/libexecdir.stamp
src/libexecdir.stamp: FORCE
	@echo '$(LIBEXECDIR)' | cmp -s - $@ || echo '$(LIBEXECDIR)' > $@
FORCE:

# Tests fill struct sock_owner positionally; fields added at its end
# (argv0) are NULL there, as intended.
tests/test_%.o: WARN += -Wno-missing-field-initializers

.SECONDEXPANSION:
$(TESTS): tests/test_%: tests/test_%.o $$(or $$(test_$$*_OBJS),src/$$*.o src/util.o) libsockstat.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) $(CURSES_LIBS) $(TEST_LIBS)

libsockstat.a: $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJS)

deps:
	@CC="$(CC)" PKG_CONFIG="$(PKG_CONFIG)" sh scripts/deps.sh build

deps-check:
	@CC="$(CC)" PKG_CONFIG="$(PKG_CONFIG)" sh scripts/deps.sh check

deps-bench:
	@CC="$(CC)" PKG_CONFIG="$(PKG_CONFIG)" sh scripts/deps.sh bench

demo: deps
	@$(MAKE) --no-print-directory $(PROGS)
	./$(PROG) demo

# Unit tests stop at the first failure and show its log; then the man
# page lint, then the integration tests against the real binary.  The
# steps run one after the other even under make -j (each may build in
# parallel): tests that time real sockets must not share the machine
# with each other, and their logs must not interleave.
CHECK_STEPS = unit lint integration $(CHECK_EXTRA)
check: deps-check
	@$(MAKE) --no-print-directory $(PROGS) $(TESTS)
	@for s in $(CHECK_STEPS); do \
		$(MAKE) --no-print-directory $$s || exit 1; \
	done

unit: $(TESTS)
	@for t in $(TESTS); do \
		if ! ./$$t > $$t.log 2>&1; then \
			cat $$t.log; echo "FAILED: $$t"; exit 1; \
		fi; \
		grep -h 'PASSED\|FAILED\|SKIPPED' $$t.log | sed "s|^|$$t: |"; \
	done

lint:
	@out=$$(mandoc -Tlint -W warning man/$(PROG).8 2>&1); \
	if [ -n "$$out" ]; then echo "$$out"; exit 1; fi; \
	echo "mandoc -Tlint: man/$(PROG).8 clean"
	@sh scripts/check-spdx.sh

integration: $(PROGS)
	@sh tests/integration/run.sh

# The whole suite again under ASan+UBSan, then under valgrind.  Each
# rebuilds from clean, since the objects differ.  A small ASan quarantine
# keeps the echo server's measured memory its own (the load smoke run
# checks it is bounded); freed memory is still checked for reuse.
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=all
# --vgdb=no: no gdbserver FIFOs in /tmp, which a child that changed uid
# (name lookups) could not remove and would complain about on stderr.
VG	= valgrind -q --error-exitcode=99 --leak-check=full \
	  --errors-for-leak-kinds=definite,indirect --vgdb=no

check-sanitize: deps-check
	@$(MAKE) --no-print-directory clean
	@ASAN_OPTIONS=detect_leaks=1:quarantine_size_mb=8 \
	    $(MAKE) --no-print-directory check \
	    CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined"
	@$(MAKE) --no-print-directory clean

check-valgrind: deps-check
	@$(MAKE) --no-print-directory clean
	@$(MAKE) --no-print-directory $(PROGS) $(TESTS) CFLAGS="-O1 -g"
	@for t in $(TESTS); do \
		if ! $(VG) ./$$t > $$t.log 2>&1; then \
			cat $$t.log; echo "FAILED under valgrind: $$t"; exit 1; \
		fi; \
		grep -h 'PASSED' $$t.log | sed "s|^|valgrind $$t: |"; \
	done
	@printf '#!/bin/sh\nexec $(VG) --trace-children=yes %s/$(PROG) "$$@"\n' \
	    "$$(pwd)" > vg-$(PROG)
	@chmod +x vg-$(PROG)
	@sh tests/integration/run.sh ./vg-$(PROG)
	@rm -f vg-$(PROG)
	@$(MAKE) --no-print-directory clean

install: $(PROGS)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(LIBEXECDIR)
	$(INSTALL) -m 755 $(PROG) $(DESTDIR)$(BINDIR)/$(PROG)
	$(INSTALL) -m 755 $(HELPER) $(DESTDIR)$(LIBEXECDIR)/$(HELPER)
	$(INSTALL) -m 644 man/$(PROG).8 $(DESTDIR)$(MANDIR)/man8/$(PROG).8

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/$(PROG) $(DESTDIR)$(MANDIR)/man8/$(PROG).8 \
	    $(DESTDIR)$(LIBEXECDIR)/$(HELPER)

clean:
	rm -f $(PROGS) vg-$(PROG) libsockstat.a src/*.o src/*.d src/*.stamp tests/*.o tests/*.d tests/*.log \
	    $(TESTS)
	rm -rf $(CLEAN_FILES)

.PHONY: all deps deps-check deps-bench demo check check-sanitize check-valgrind unit \
	lint integration install uninstall clean FORCE

-include $(OBJS:.o=.d) $(TEST_SRCS:.c=.d)
