#!/bin/sh
# Bad command lines: every option with bad values, unknown flags, absurd
# counts and intervals, in each face.  Each must give one "sockstat: ..."
# line naming the problem, then the usage, and exit 2; never a crash.
. "$SOCKSTAT_TESTS/lib.sh"

bad() {		# WORD-TO-FIND ARGS...
	want=$1; shift
	"$SOCKSTAT" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	first=$(head -n 1 "$TMP/err")
	if [ "$rc" -eq 2 ] && [ ! -s "$TMP/out" ] &&
	    printf '%s\n' "$first" | grep -q "^sockstat: .*$want" &&
	    grep -q '^usage: sockstat' "$TMP/err"; then
		ok "exit 2 naming '$want': $*"
	else
		not_ok "exit 2 naming '$want': $* (rc $rc)"
		sed 's/^/#   /' "$TMP/err" | head -5
	fi
}

# The netstat face.
bad "unknown option -Z" -Z
bad "unknown option --nope" --nope
bad "interval" -c 0
bad "interval" -c 86401
bad "unknown option -5" -c -5x
bad "count" -c --count 0
bad "count" -c --count 99999999999999999999
bad "count" -c --count -1
bad "count" --count 3
bad "source" --source=kernel
bad "source" --source=
bad "unexpected argument" -an extra
bad "-n and -r" -n -r
bad "interval" -E --interval 0
bad "interval" -E --interval 99999999999
bad "duration" -E --duration 0
bad "duration" -E --duration 1e3
bad "port" -E --port -1
bad "port" -E --port 65536
bad "method" -E --method=magic
bad "need -E" --method=poll
bad "-E and -c" -E -c
bad "-E and -s" -E -s
bad "needs a value" --port

# The lsof face.
bad "65536" -i :65536
bad "port" -i TCP:99999999999999999999
bad "" -i TCP:abc-
bad "" -i SCTP:22
bad "" -i @
bad "" -i '@[::1'
bad "" -i 5TCP
bad "" -i -p abc
bad "" -i -p ''
bad "" -i -s TCP:BOGUS
bad "" -i -s UDP:LISTEN
bad "" -i -F z
bad "" -i -r 0
bad "" -i -u ''
bad "" -i -c ''
bad "" -i --nope

# Subcommands have their own words and the same rule.
"$SOCKSTAT" echo-server -p 70000 >/dev/null 2>"$TMP/err"
check "echo-server -p 70000 exits 2" [ $? -eq 2 ]
"$SOCKSTAT" echo-server -a example.com >/dev/null 2>"$TMP/err"
check "echo-server refuses a host name" [ $? -eq 2 ]
"$SOCKSTAT" echo-client -c 0 >/dev/null 2>"$TMP/err"
check "echo-client -c 0 exits 2" [ $? -eq 2 ]
"$SOCKSTAT" demo --method=magic >/dev/null 2>"$TMP/err"
check "demo --method=magic exits 2" [ $? -eq 2 ]
finish
