#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Churn: while bench/sockfarm opens and closes about 2000 TCP
# connections a second (half closed with FIN, half with RST), every face
# exits 0 and prints only rows of its own shape that are consistent in
# themselves; JSON stays valid.  Needs root (sockfarm makes a network
# namespace); skipped otherwise.
. "$SOCKSTAT_TESTS/lib.sh"

farm=$SOCKSTAT_TESTS/../../bench/sockfarm
if [ "$(id -u)" -ne 0 ]; then
	ok "# skip: needs root (bench/sockfarm makes a network namespace)"
	exit 0
fi
chk=$SOCKSTAT_TESTS/churn_check.py

# Inside the farm's namespace: three rounds of each face, under churn.
cat >"$TMP/inside.sh" <<'INSIDE'
set -u
out=$1 bin=$2
sleep 1		# let the churn reach its rate
for i in 1 2 3; do
	"$bin" -tanp >"$out/netstat.$i" 2>"$out/netstat.$i.err"; echo "netstat.$i $?"
	"$bin" -i -n -P >"$out/lsof.$i" 2>"$out/lsof.$i.err"; echo "lsof.$i $?"
	"$bin" -tanp --json >"$out/json.$i" 2>"$out/json.$i.err"; echo "json.$i $?"
	"$bin" --source=proc -tanp >"$out/proc.$i" 2>"$out/proc.$i.err"; echo "proc.$i $?"
done
"$bin" -E -tn --duration 2 >"$out/events" 2>"$out/events.err"; echo "events $?"
"$bin" -E -tn --json --duration 2 --method poll >"$out/events-json" \
    2>"$out/events-json.err"; echo "events-json $?"
INSIDE
# About 20 s on an idle 2-core machine; the bound is for a loaded one
# (and valgrind), so that only a hang fails here.
timeout 660 "$farm" --conns 3000 --procs 6 --udp 200 --unix 200 \
    --churn 2000 --max-seconds 600 -- \
    sh "$TMP/inside.sh" "$TMP" "$SOCKSTAT" >"$TMP/rc" 2>"$TMP/farm.err"
rc=$?
check "sockfarm built the population and ran every step in time (exit $rc)" \
    sh -c "[ $rc -eq 0 ] && [ \$(wc -l <'$TMP/rc') -eq 14 ]"
while read -r name rc; do
	check "churn: $name exits 0" [ "$rc" -eq 0 ]
done <"$TMP/rc"
for i in 1 2 3; do
	check "churn: -tanp rows well formed ($i)" python3 "$chk" netstat "$TMP/netstat.$i"
	check "churn: -i -n -P rows well formed ($i)" python3 "$chk" lsof "$TMP/lsof.$i"
	check "churn: --json valid ($i)" python3 "$chk" json "$TMP/json.$i"
	check "churn: --source=proc rows well formed ($i)" python3 "$chk" netstat "$TMP/proc.$i"
	check "churn: the rows are many ($i)" [ "$(wc -l <"$TMP/netstat.$i")" -gt 6000 ]
done
check "churn: -E lines well formed" python3 "$chk" events "$TMP/events"
check "churn: -E saw the churn" [ "$(wc -l <"$TMP/events")" -gt 100 ]
check "churn: -E --json lines valid" python3 "$chk" events-json "$TMP/events-json"
check "churn: nothing said about vanished processes" \
    sh -c '! grep -h "No such\|vanish" "$@"' sh "$TMP"/*.err
finish
