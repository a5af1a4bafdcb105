# SPDX-License-Identifier: BSD-2-Clause
# Benchmarks (run as root): sockstat against ss, netstat, lsof and two
# floors on a bench/sockfarm population; see bench/run for the method.
#
#   make bench			full run at BENCH_CONNS, scaling over BENCH_SIZES,
#				table to stdout and bench/RESULTS.md
#   make bench BENCH_CONNS=10000 BENCH_SIZES="1000 10000"
#   make bench BENCH_CONNS=2000 BENCH_SIZES="200 2000" BENCH_PROCS=4 \
#	BENCH_RUNS=3 BENCH_RESULTS=/tmp/results.md
#				the whole run end to end at a small size,
#				bench/RESULTS.md left alone
#   make bench-smoke		1000 connections, one run each, nothing enforced
#   make bench-profile		perf (or callgrind) profiles of sockstat at BENCH_CONNS

# This file is read before the Makefile's first rule: keep `all' the
# default goal by resetting it after the rules below.
bench_saved_goal := $(.DEFAULT_GOAL)

BENCH_CONNS	?= 100000
BENCH_SIZES	?= 1000 10000 100000
BENCH_PROCS	?= 50
BENCH_RUNS	?= 11
BENCH_SLOW_RUNS	?= 3
BENCH_FARM	?= bench/sockfarm
BENCH_SOCKSTAT	?= ./$(PROG)
BENCH_RESULTS	?= bench/RESULTS.md
BENCH_FLOORS	= bench/bin/floor-dump bench/bin/fd-scan
# Build ./sockstat first unless another binary is named; scripts/deps.sh
# bench first installs (Debian, as root) or names what is missing.
BENCH_DEPS	= $(if $(filter ./$(PROG),$(BENCH_SOCKSTAT)),$(PROGS)) $(BENCH_FLOORS)
BENCH_ARGS	= --procs $(BENCH_PROCS) --farm $(BENCH_FARM) \
		  --sockstat $(BENCH_SOCKSTAT) --results $(BENCH_RESULTS)

# The floors use libc and kernel headers only, never the project's code.
bench/bin/%: bench/%.c
	@mkdir -p bench/bin
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) $(CPPFLAGS) $(CFLAGS) \
	    $(LDFLAGS) -o $@ $< $(LDLIBS)

bench-floors: $(BENCH_FLOORS)

CLEAN_FILES += bench/bin

bench: deps-bench
	@$(MAKE) --no-print-directory $(BENCH_DEPS)
	python3 bench/run $(BENCH_ARGS) --conns $(BENCH_CONNS) \
	    --sizes "$(BENCH_SIZES)" --runs $(BENCH_RUNS) \
	    --slow-runs $(BENCH_SLOW_RUNS)

bench-smoke: deps-bench
	@$(MAKE) --no-print-directory $(BENCH_DEPS)
	python3 bench/run $(BENCH_ARGS) --smoke

bench-profile: deps-bench
	@$(MAKE) --no-print-directory $(BENCH_DEPS)
	python3 bench/run $(BENCH_ARGS) --conns $(BENCH_CONNS) --profile

.PHONY: bench bench-floors bench-smoke bench-profile

.DEFAULT_GOAL := $(bench_saved_goal)
