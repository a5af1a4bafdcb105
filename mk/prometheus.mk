# SPDX-License-Identifier: BSD-2-Clause
# make check-prometheus: sockstat's metrics read by a real Prometheus
# server, directly (--openmetrics) and through prometheus-node-exporter's
# textfile collector (--prometheus); scripts/prometheus-check.sh.  It
# installs what it needs (scripts/deps.sh prometheus); plain make check
# does not.

prom_saved_goal := $(.DEFAULT_GOAL)

check-prometheus: $(PROG)
	@sh scripts/deps.sh prometheus
	@sh scripts/prometheus-check.sh ./$(PROG)

.PHONY: check-prometheus

.DEFAULT_GOAL := $(prom_saved_goal)
