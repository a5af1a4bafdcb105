# SPDX-License-Identifier: BSD-2-Clause
# Shared helpers for the integration tests; sourced by each t_*.sh.
# Every wait is bounded; every process started is killed on exit.
set -u
: "${SOCKSTAT:?run through tests/integration/run.sh}"
TMP=$(mktemp -d /tmp/sockstat-it.XXXXXX)
PIDS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
failures=0

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failures=$((failures + 1)); }

# check DESC COMMAND...: ok when COMMAND exits 0.
check() {
	desc=$1; shift
	if "$@" >"$TMP/check.out" 2>&1; then ok "$desc"; else
		not_ok "$desc"; sed 's/^/#   /' "$TMP/check.out" | head -40
	fi
}

# in_netns: true when the run owns its network namespace (root).
in_netns() { [ -n "${SOCKSTAT_NETNS:-}" ]; }

# hold_sockets NAME [ARGS]: starts sockets.py, which creates the sockets
# the arguments name, writes their description as JSON to $TMP/NAME.json
# and holds them until killed (cleanup does) or 15 minutes pass: a test
# file on a loaded machine may take longer than sockets.py's default
# 2 minutes, and its sockets must not vanish under it.  Waits at most
# 5 s for it to be ready.
hold_sockets() {
	name=$1; shift
	python3 "$SOCKSTAT_TESTS/sockets.py" --out "$TMP/$name.json" \
	    --dir "$TMP" --seconds 900 "$@" >"$TMP/$name.log" 2>&1 &
	PIDS="$PIDS $!"
	i=0
	while [ ! -s "$TMP/$name.json" ] && [ $i -lt 300 ]; do
		sleep 0.1; i=$((i + 1))
	done
	[ -s "$TMP/$name.json" ] || { cat "$TMP/$name.log"; return 1; }
}

# jget FILE EXPR: prints a Python expression over the JSON in FILE (as d).
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# wait_notice FILE: waits at most 30 s for sockstat -E's method notice
# on stderr (a poll watcher reads every owner first: seconds on a busy
# host).  Its own counter: callers loop on i.
wait_notice() {
	_wn=0
	while ! grep -q 'watching' "$1" 2>/dev/null && [ $_wn -lt 300 ]; do
		sleep 0.1; _wn=$((_wn + 1))
	done
	grep -q 'watching' "$1"
}

finish() { [ "$failures" -eq 0 ]; }
