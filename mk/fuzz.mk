# SPDX-License-Identifier: BSD-2-Clause
# libFuzzer targets for the parsers (tests/fuzz/fuzz_*.c).  Each binary is
# built by clang straight from the sources it needs, with ASan and UBSan,
# into tests/fuzz/bin; src/*.o are never touched.  One fuzzer runs at a
# time.
#
#   make fuzz			each target for FUZZ_SECONDS (60) in turn
#   make fuzz FUZZ_TARGETS="diag cli" FUZZ_SECONDS=600
#   make fuzz-smoke		each target replays its seeds and regression
#				inputs, then runs FUZZ_SMOKE_RUNS (50000)
#				inputs from a fixed seed: a few seconds in all
#   make fuzz-regress		replays tests/fuzz/regress/<target>/* only
#   make fuzz-build		builds the binaries
#
# Seeds live in tests/fuzz/corpus/<target>; what a run adds goes to
# tests/fuzz/bin/corpus/<target> and is reused by the next run.  An input
# that fails is written to tests/fuzz/bin/crash/<target>/: move it to
# tests/fuzz/regress/<target>/ under a name that says what it caught, and
# fuzz-regress and fuzz-smoke replay it from then on.

# This file is read before the Makefile's first rule: keep `all' the
# default goal by restoring it after the rules below.
fuzz_saved_goal := $(.DEFAULT_GOAL)

FUZZ_CC		?= clang
FUZZ_SECONDS	?= 60
FUZZ_SMOKE_RUNS	?= 50000
FUZZ_SMOKE_SEED	?= 1
# Extra libFuzzer flags for fuzz and fuzz-smoke, e.g. -max_len=512.
FUZZ_OPTS	?=
FUZZ_DIR	= tests/fuzz
FUZZ_BIN	= $(FUZZ_DIR)/bin
FUZZ_TARGETS	?= $(patsubst $(FUZZ_DIR)/fuzz_%.c,%,\
		   $(wildcard $(FUZZ_DIR)/fuzz_*.c))
FUZZ_CFLAGS	= -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude $(PKG_CFLAGS) \
		  -O1 -g -fno-omit-frame-pointer \
		  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
# A hung input fails the run instead of stalling it.
FUZZ_RUNFLAGS	= -timeout=10 -print_final_stats=1

# The sources each target links (default: none but its own file).
fuzz_diag_SRCS		= src/diag.c src/diag_parse.c src/diag_rx.c src/tcpinfo.c src/util.c
fuzz_procnet_inet_SRCS	= src/procnet.c src/procnet_parse.c src/unixguard.c src/util.c
fuzz_procnet_unix_SRCS	= src/procnet.c src/procnet_parse.c src/unixguard.c src/util.c
fuzz_procnet_collect_SRCS = src/procnet.c src/procnet_parse.c src/unixguard.c src/util.c
fuzz_cli_SRCS		= src/cli.c src/filter.c src/sort.c src/util.c src/fexpr.c src/fexpr_args.c
fuzz_escape_SRCS	= src/util.c
fuzz_fexpr_SRCS		= src/fexpr_eval.c src/fexpr_bc.c
fuzz_jsonw_SRCS		= src/jsonw.c src/util.c
fuzz_ispec_SRCS		= src/lsof.c src/lsof_resolve.c src/apart.c src/cli.c src/filter.c src/names.c src/sort.c src/util.c src/fexpr.c src/fexpr_args.c

# Slow targets (a file written per input) take fewer smoke runs.
fuzz_procnet_collect_SMOKE_RUNS = 10000

FUZZ_BINS	= $(FUZZ_TARGETS:%=$(FUZZ_BIN)/fuzz_%)

define fuzz_build_rule
$(FUZZ_BIN)/fuzz_$(1): $(FUZZ_DIR)/fuzz_$(1).c $(FUZZ_DIR)/fuzz.h \
    $$(fuzz_$(1)_SRCS) $$(wildcard include/*.h)
	@mkdir -p $(FUZZ_BIN)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) -o $$@ $(FUZZ_DIR)/fuzz_$(1).c \
	    $$(fuzz_$(1)_SRCS) $$(PKG_LIBS) $$(LDLIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_build_rule,$(t))))

fuzz-build: $(FUZZ_BINS)

# Runs target $$t as $$limit says from its seeds, regression inputs and
# earlier finds into work dir $$work, logging to fuzz_$$t.$$kind.log;
# prints the executions and rate.
FUZZ_RUN = \
	dirs="$$work $(FUZZ_DIR)/corpus/$$t"; \
	if [ -d $(FUZZ_DIR)/regress/$$t ]; then \
		dirs="$$dirs $(FUZZ_DIR)/regress/$$t"; fi; \
	mkdir -p $$work $(FUZZ_BIN)/crash/$$t; \
	log=$(FUZZ_BIN)/fuzz_$$t.$$kind.log; \
	if ! $(FUZZ_BIN)/fuzz_$$t $(FUZZ_RUNFLAGS) $(FUZZ_OPTS) \
	    $$limit \
	    -artifact_prefix=$(FUZZ_BIN)/crash/$$t/ $$dirs > $$log 2>&1; \
	then \
		tail -n 40 $$log; \
		echo "FAILED: fuzz_$$t (input in $(FUZZ_BIN)/crash/$$t/)"; \
		exit 1; \
	fi; \
	execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log); \
	rate=$$(sed -n 's/^stat::average_exec_per_sec: *//p' $$log); \
	cov=$$(grep -o 'cov: [0-9]*' $$log | tail -n 1); \
	if [ $$kind = fuzz ]; then execs="$$execs runs at $$rate/s"; \
	else execs="$$execs runs"; fi; \
	echo "fuzz_$$t: $$execs, $$cov, no failure"

fuzz: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
		work=$(FUZZ_BIN)/corpus/$$t; kind=fuzz; \
		limit=-max_total_time=$(FUZZ_SECONDS); \
		$(FUZZ_RUN); \
	done

# A fresh work dir and a fixed seed: the smoke run is short and the same
# every time, so a failure in `make check' can be replayed.
fuzz-smoke: $(FUZZ_BINS)
	@for tr in $(foreach t,$(FUZZ_TARGETS),\
	    $(t):$(or $(fuzz_$(t)_SMOKE_RUNS),$(FUZZ_SMOKE_RUNS))); do \
		t=$${tr%%:*}; \
		work=$(FUZZ_BIN)/smoke/$$t; kind=smoke; \
		limit="-runs=$${tr#*:} -seed=$(FUZZ_SMOKE_SEED)"; \
		rm -rf $$work; \
		$(FUZZ_RUN); \
	done; \
	echo "fuzz: $(words $(FUZZ_TARGETS)) passed, 0 failed"

fuzz-regress: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
		set -- $(FUZZ_DIR)/regress/$$t/*; \
		if [ ! -e "$$1" ]; then \
			echo "fuzz_$$t: no regression inputs"; continue; fi; \
		log=$(FUZZ_BIN)/fuzz_$$t.regress.log; \
		if ! $(FUZZ_BIN)/fuzz_$$t "$$@" > $$log 2>&1; then \
			tail -n 40 $$log; echo "FAILED: fuzz_$$t regress"; \
			exit 1; \
		fi; \
		echo "fuzz_$$t: $$# regression inputs pass"; \
	done

CLEAN_FILES += $(FUZZ_BIN)

fuzz-clean:
	rm -rf $(FUZZ_BIN)

.PHONY: fuzz fuzz-build fuzz-smoke fuzz-regress fuzz-clean

.DEFAULT_GOAL := $(fuzz_saved_goal)

CHECK_EXTRA += fuzz-smoke
