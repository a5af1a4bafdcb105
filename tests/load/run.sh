#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# run.sh - "sockstat echo-server" under load, on loopback only, every
# step bounded in time.  Scenarios: (1+2) conns open at once, each
# echoing, then a bulk spread over all of them, every byte checked
# against the stream sent and a running hash; (3) normal clients alone,
# then beside 1-byte/s clients and clients that never read their echo;
# (4) an RST storm (SO_LINGER {1, 0}) with normal clients served during
# and after it; (5) the server's peak RSS in each, against a bound set
# by the connections open at once; (6) SIGTERM with every connection
# open, half of them echoing: exit 0 at once, EOF or RST on each client;
# (7) a smaller bulk over ::1.  Prints a table of figures and exits 1 if
# any check fails.  As root the run happens in a private network
# namespace (unshare -n), so it competes with nothing for ports.
# tests/load/echo-load.c is the load generator.
#
#   sh tests/load/run.sh [--smoke] [path/to/sockstat]
#
# Sizes come from the environment: LOAD_CONNS (10000), LOAD_BYTES (1G),
# LOAD_SLOW (200), LOAD_NOREAD (20), LOAD_RST_CONC (64), LOAD_PING_SECS
# (5), LOAD_SLOW_RATIO (0.25: the least share of the normal clients'
# baseline rate kept beside slow clients; this VM's rate alone varies
# twofold from run to run, so the check is "not stopped", not "as
# fast"); --smoke shrinks them all.  LOAD_NETNS=0 stays in the current
# namespace; LOAD_CLIENT names another echo-load (a sanitizer build).
# Under ASan set ASAN_OPTIONS=quarantine_size_mb=1, or its quarantine
# alone passes the RSS bound.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
smoke=0
if [ "${1:-}" = --smoke ]; then
	smoke=1
	shift
fi
bin=${1:-$top/sockstat}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
load=${LOAD_CLIENT:-$here/bin/echo-load}

if [ "$(id -u)" -eq 0 ] && [ -z "${LOAD_NETNS:-}" ] &&
    command -v unshare >/dev/null 2>&1; then
	export LOAD_NETNS=1
	a=; [ "$smoke" -eq 1 ] && a=--smoke
	exec unshare --net -- sh -c 'ip link set lo up && exec sh "$@"' \
	    sh "$0" $a "$bin"
fi

if [ "$smoke" -eq 1 ]; then
	conns=${LOAD_CONNS:-500} bytes=${LOAD_BYTES:-16M}
	nslow=${LOAD_SLOW:-20} noread=${LOAD_NOREAD:-4}
	rstc=${LOAD_RST_CONC:-32} ping_secs=${LOAD_PING_SECS:-1}
else
	conns=${LOAD_CONNS:-10000} bytes=${LOAD_BYTES:-1G}
	nslow=${LOAD_SLOW:-200} noread=${LOAD_NOREAD:-20}
	rstc=${LOAD_RST_CONC:-64} ping_secs=${LOAD_PING_SECS:-5}
fi
ratio_min=${LOAD_SLOW_RATIO:-0.25}
case $bytes in
*G) bytes6=$((${bytes%G} * 128))M ;;
*M) bytes6=$((${bytes%M} / 8 > 0 ? ${bytes%M} / 8 : 1))M ;;
*) bytes6=$((bytes / 8)) ;;
esac
ping_conns=16 ping_size=512
slow_secs=$((ping_secs + 2)) rst_secs=$((ping_secs + 1))
stall_max_us=1000000	# one echo round of a normal client, at most
term_max_ms=2000	# SIGTERM to exit
eof_max_ms=5000		# SIGTERM to the last client's EOF or RST

for f in "$bin" "$load"; do
	[ -x "$f" ] || { echo "load: $f is not built (make load)"; exit 1; }
done

# One process holds every client socket, the server as many again: both
# need that many descriptors, and the hard limit is the ceiling.
hard=$(ulimit -Hn)	# dash and bash have -H and -n
[ "$hard" = unlimited ] && hard=1048576
if [ $((conns + 64)) -gt "$hard" ]; then
	echo "load: RLIMIT_NOFILE hard limit $hard: $((hard - 64)) connections, not $conns"
	conns=$((hard - 64))
fi
nofile=$((conns + nslow + noread + rstc + 256))
[ "$nofile" -gt "$hard" ] && nofile=$hard

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sockstat-load.XXXXXX") || exit 1
spid=
failures=0
passes=0
cleanup() {
	[ -n "$spid" ] && kill -KILL "$spid" 2>/dev/null
	if [ "$failures" -eq 0 ]; then rm -rf "$tmp"
	else echo "load: logs kept in $tmp"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ok() { echo "ok - $*"; passes=$((passes + 1)); }
not_ok() { echo "not ok - $*"; failures=$((failures + 1)); }
now_ms() { date +%s%3N; }
# key=value from one line of echo-load's figures.
val() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
num() { v=$(val "$1" "$2"); echo "${v:-0}"; }
kb_mib() { awk "BEGIN { printf \"%.1f\", $1 / 1024 }"; }

# Peak RSS of the server over one scenario: VmHWM, reset first through
# clear_refs where the kernel allows, and VmRSS sampled as a floor.
rss_begin() {
	echo 5 > "/proc/$spid/clear_refs" 2>/dev/null
	echo 0 > "$tmp/rss"
	( while :; do
		r=$(sed -n 's/^VmRSS:[^0-9]*\([0-9]*\).*/\1/p' \
		    "/proc/$spid/status" 2>/dev/null) || break
		[ -n "$r" ] || break
		# A rename, so that the kill never leaves the file half made.
		if [ "$r" -gt "$(cat "$tmp/rss")" ]; then
			echo "$r" > "$tmp/rss.new" && mv "$tmp/rss.new" "$tmp/rss"
		fi
		sleep 0.1
	done ) &
	rss_pid=$!
}
rss_end() {
	kill "$rss_pid" 2>/dev/null
	wait "$rss_pid" 2>/dev/null
	hwm=$(sed -n 's/^VmHWM:[^0-9]*\([0-9]*\).*/\1/p' "/proc/$spid/status")
	rss=$(cat "$tmp/rss")
	rss=${rss:-0}
	[ "${hwm:-0}" -gt "$rss" ] && rss=$hwm
	echo "$rss"
}

# Waits up to 10 s for a line "ready N" in file $1.
wait_ready() {
	i=0
	while ! grep -q '^ready ' "$1" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -gt 100 ] && return 1
		sleep 0.1
	done
}

# Rows of the figures table, written as the scenarios finish.
row() { printf '%-22s %7s %10s %7s %12s %9s  %s\n' "$@" >> "$tmp/table"; }
row scenario conns bytes secs throughput peak_rss notes

# Starts the server on address $1 with room for every connection; sets
# spid and port.
start_server() {
	( ulimit -n "$nofile" && exec "$bin" echo-server -a "$1" -p 0 ) \
	    2> "$tmp/server.log" &
	spid=$!
	port=
	i=0
	while [ -z "$port" ] && [ "$i" -lt 50 ]; do
		sleep 0.1
		port=$(sed -n 's/.* - echo-server - Listening on [^ ]* \([0-9][0-9]*\)$/\1/p' \
		    "$tmp/server.log" | head -n 1)
		i=$((i + 1))
	done
	if [ -z "$port" ]; then
		not_ok "echo-server on $1 reports its port within 5 s"
		cat "$tmp/server.log"
		exit 1
	fi
}

start_server 127.0.0.1
ok "echo-server on 127.0.0.1 $port (pid $spid, RLIMIT_NOFILE $nofile)"
base_rss=$(sed -n 's/^VmRSS:[^0-9]*\([0-9]*\).*/\1/p' "/proc/$spid/status")
# The most connections open at once so far: freed echo buffers stay in
# the server's heap, so the RSS bound is set by the peak, not the last.
peak_conns=0
# An RSS bound: what peak_conns buffers take, plus 64 MiB.
rss_bound() { echo $(( (peak_conns * 70) + 65536 + base_rss )); }
check_rss() {	# name kb
	if [ "$2" -le "$(rss_bound)" ]; then
		ok "$1: server peak RSS $(kb_mib "$2") MiB within $(kb_mib "$(rss_bound)") MiB"
	else
		not_ok "$1: server peak RSS $(kb_mib "$2") MiB over $(kb_mib "$(rss_bound)") MiB"
	fi
}

# 1 and 2: conns open at once, each echoes a hello, then the bulk is
# spread over all of them while all stay open; every byte is checked.
peak_conns=$conns
rss_begin
out=$("$load" bulk -p "$port" -c "$conns" -b "$bytes" -P "$spid" -T 300 \
    2> "$tmp/bulk.err")
rc=$?
peak=$(rss_end)
echo "bulk: $out"
if [ "$rc" -eq 0 ] && [ "$(val "$out" held)" = "$conns" ]; then
	ok "$conns connections open at once, each echoed and checked (server holds $(val "$out" server_fds) fds)"
else
	not_ok "$conns connections at once (rc $rc)"; head -n 20 "$tmp/bulk.err"
fi
if [ "$rc" -eq 0 ] && [ "$(val "$out" mismatch)" = 0 ] &&
    [ "$(val "$out" hashbad)" = 0 ]; then
	ok "$(val "$out" bytes) bytes echoed, every byte and hash matching"
else
	not_ok "bulk echo checked"
fi
check_rss bulk "$peak"
row "1+2 bulk, all open" "$conns" "$(val "$out" bytes)" "$(val "$out" secs)" \
    "$(val "$out" mib_s) MiB/s" "$(kb_mib "$peak")M" \
    "held=$(val "$out" held) server_fds=$(val "$out" server_fds)"

# 3: normal clients alone, then beside slow and never-reading clients.
ping() {	# name file secs
	"$load" ping -p "$port" -c "$ping_conns" -s "$ping_size" -d "$3" \
	    -T $(($3 + 30)) 2> "$2.err" > "$2"
	rc=$?
	out=$(cat "$2")
	echo "$1: $out"
	if [ "$rc" -eq 0 ]; then
		ok "$1: $ping_conns normal clients served, every echo checked"
	else
		not_ok "$1: normal clients (rc $rc)"; head -n 20 "$2.err"
	fi
	if [ "$(num "$out" max_us)" -le "$stall_max_us" ]; then
		ok "$1: no echo round took over $stall_max_us us"
	else
		not_ok "$1: an echo round took $(val "$out" max_us) us"
	fi
}
ping_row() {	# name file peak note
	o=$(cat "$2")
	row "$1" "$ping_conns" "$(( $(num "$o" rounds) * ping_size ))" \
	    "$ping_secs" "$(val "$o" ops_s) op/s" "$(kb_mib "$3")M" \
	    "p50=$(val "$o" p50_us)us p99=$(val "$o" p99_us)us max=$(val "$o" max_us)us $4"
}

rss_begin
ping baseline "$tmp/base" "$ping_secs"
peak=$(rss_end)
ping_row "3a normal, alone" "$tmp/base" "$peak" ""

rss_begin
"$load" slow -p "$port" -c "$nslow" -n "$noread" -d "$slow_secs" \
    -T $((slow_secs + 30)) > "$tmp/slow" 2> "$tmp/slow.err" &
slow_pid=$!
if wait_ready "$tmp/slow"; then
	ping "beside slow clients" "$tmp/withslow" "$ping_secs"
	# What the server's sockets hold in kernel queues, the never-read
	# echo mostly: a figure, not a check (the 64 KiB bound is the
	# server's own buffer only).
	kq=$(ss -tnH state established "( sport = :$port )" 2>/dev/null |
	    awk '{ q += $1 + $2 } END { printf "%d", q / 1024 }')
else
	not_ok "slow clients connect within 10 s"
fi
wait "$slow_pid"
rc=$?
peak=$(rss_end)
out=$(tail -n 1 "$tmp/slow")
echo "slow: $out"
if [ "$rc" -eq 0 ]; then
	ok "$nslow slow clients got every byte back, $noread never-reading clients kept"
else
	not_ok "slow clients (rc $rc)"; head -n 20 "$tmp/slow.err"
fi
b=$(val "$(cat "$tmp/base")" ops_s) w=$(val "$(cat "$tmp/withslow" 2>/dev/null)" ops_s)
effect=$(awk "BEGIN { if (${b:-0} > 0) printf \"%.2f\", ${w:-0} / $b; else print 0 }")
if awk "BEGIN { exit !($effect >= $ratio_min) }"; then
	ok "beside slow clients the normal clients keep ${effect}x their rate (>= $ratio_min)"
else
	not_ok "beside slow clients the normal clients keep only ${effect}x their rate"
fi
peak_conns=$((conns > nslow + noread + ping_conns ? conns : nslow + noread + ping_conns))
check_rss slow "$peak"
ping_row "3b normal, beside slow" "$tmp/withslow" "$peak" "rate=${effect}x"
row "3b slow + never-read" "$((nslow + noread))" "$(val "$out" slow_echoed)" \
    "$slow_secs" "1 B/s each" "" \
    "noread_sent=$(kb_mib $(( $(num "$out" noread_stuck) / 1024 )))M server_kernel_queues=$(kb_mib "${kq:-0}")M"

# 4: an RST storm, normal clients served through it, then after it.
rss_begin
"$load" rst -p "$port" -c "$rstc" -s 1000 -d "$rst_secs" \
    -T $((rst_secs + 30)) > "$tmp/rst" 2> "$tmp/rst.err" &
rst_pid=$!
sleep 0.5
ping "during RST storm" "$tmp/duringrst" "$ping_secs"
wait "$rst_pid"
rc=$?
rst_out=$(cat "$tmp/rst")
echo "rst: $rst_out"
if [ "$rc" -eq 0 ] && kill -0 "$spid" 2>/dev/null; then
	ok "$(val "$rst_out" rsts) connections reset by the client; the server lives"
else
	not_ok "RST storm (rc $rc)"; head -n 20 "$tmp/rst.err"
fi
ping "after RST storm" "$tmp/afterrst" "$ping_secs"
peak=$(rss_end)
check_rss rst "$peak"
srv_resets=$(grep -c 'Connection reset by peer' "$tmp/server.log")
row "4 RST storm" "$rstc" "" "$rst_secs" "$(val "$rst_out" rst_s) RST/s" \
    "$(kb_mib "$peak")M" "rsts=$(val "$rst_out" rsts) seen_by_server=$srv_resets"
ping_row "4 normal, during storm" "$tmp/duringrst" "$peak" ""
ping_row "4 normal, after storm" "$tmp/afterrst" "$peak" ""

# 5: memory once everything is closed, against the peak so far.
end_rss=$(sed -n 's/^VmRSS:[^0-9]*\([0-9]*\).*/\1/p' "/proc/$spid/status")
check_rss "after all scenarios" "$end_rss"

# 6: SIGTERM with connections open, half of them echoing as it comes:
# exit 0 at once, and every client sees its EOF or RST.
"$load" hold -p "$port" -c "$conns" -s 4096 -T 120 > "$tmp/hold" \
    2> "$tmp/hold.err" &
hold_pid=$!
rss_begin
if wait_ready "$tmp/hold"; then
	sleep 0.5	# half the conns echo meanwhile
	peak=$(rss_end)
	t0=$(now_ms)
	kill -TERM "$spid"
	wait "$spid"
	src=$?
	t1=$(now_ms)
	spid=
	# The hold client ends by itself once every socket has closed.
	i=0
	while kill -0 "$hold_pid" 2>/dev/null && [ "$i" -lt $((eof_max_ms / 50)) ]; do
		sleep 0.05
		i=$((i + 1))
	done
	t2=$(now_ms)
	kill -0 "$hold_pid" 2>/dev/null && kill "$hold_pid"
	wait "$hold_pid"
	hrc=$?
	out=$(tail -n 1 "$tmp/hold")
	echo "hold: $out"
	if [ "$src" -eq 0 ] && [ $((t1 - t0)) -le "$term_max_ms" ]; then
		ok "SIGTERM with $conns connections open: exit 0 in $((t1 - t0)) ms"
	else
		not_ok "SIGTERM: exit $src in $((t1 - t0)) ms"
	fi
	if [ "$hrc" -eq 0 ] && [ "$(val "$out" hung)" = 0 ]; then
		ok "every client saw EOF or RST, the last $((t2 - t0)) ms after SIGTERM"
	else
		not_ok "clients after SIGTERM (rc $hrc): $out"
	fi
	row "6 SIGTERM" "$conns" "" "$(awk "BEGIN { printf \"%.2f\", ($t1 - $t0) / 1000 }")" \
	    "exit $src" "$(kb_mib "$peak")M" "eof=$(val "$out" eof) rst=$(val "$out" rst) hung=$(val "$out" hung)"
else
	rss_end > /dev/null
	not_ok "hold clients connect within 10 s"; head -n 20 "$tmp/hold.err"
	kill "$hold_pid" 2>/dev/null
fi

# 7: the same checks, smaller, over IPv6 loopback.
if [ -z "$spid" ] && ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/'; then
	start_server ::1
	c6=$((conns / 10 > 0 ? conns / 10 : 1))
	out=$("$load" bulk -a ::1 -p "$port" -c "$c6" -b "$bytes6" -P "$spid" \
	    -T 120 2> "$tmp/bulk6.err")
	rc=$?
	echo "bulk ::1: $out"
	if [ "$rc" -eq 0 ]; then
		ok "::1: $c6 connections at once, $(val "$out" bytes) bytes echoed and checked"
	else
		not_ok "::1 bulk (rc $rc)"; head -n 20 "$tmp/bulk6.err"
	fi
	kill -TERM "$spid"
	wait "$spid"
	rc=$?
	spid=
	if [ "$rc" -eq 0 ]; then ok "::1: SIGTERM, exit 0"
	else not_ok "::1: SIGTERM, exit $rc"; fi
	row "7 bulk over ::1" "$c6" "$(val "$out" bytes)" "$(val "$out" secs)" \
	    "$(val "$out" mib_s) MiB/s" "" "held=$(val "$out" held)"
else
	echo "skip - ::1 is not configured on lo"
fi

echo
cat "$tmp/table"
echo
echo "load: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
