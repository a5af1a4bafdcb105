#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Bad command lines: every option with bad values, unknown flags, absurd
# counts and intervals, in each face.  Each must give one "sockstat: ..."
# line naming the problem, then the usage, and exit 2; never a crash.
. "$SOCKSTAT_TESTS/lib.sh"

bad() {		# WORD-TO-FIND ARGS...
	want=$1; shift
	timeout 10 "$SOCKSTAT" "$@" >"$TMP/out" 2>"$TMP/err"
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
bad "needs -E" --method=poll
bad "-E and -c" -E -c
bad "-E and -s" -E -s
bad "needs a value" --port

bad "option --json takes no value" --json=1
bad "option --all takes no value" --all=1
bad "option --programs takes no value" --programs=yes
bad "option --num is ambiguous: --numeric, --numeric-hosts" --num
bad "option --source needs a value" --sou
bad "unknown option -2" -c2
bad "cannot use -E and -l" -E -l
bad "cannot use -E with -e or -o" -E -e
bad "cannot use -E with -e or -o" -E -to
bad "cannot use -E and --source" -E --source netlink
bad "cannot use -s with -p" -s -p
bad "cannot use -s with -p" -sep
bad "--interval needs -E" --interval 100
bad "--port needs -E" --port 80

# The usage after an error is the synopsis of the form typed, alone.
form() {	# DESC WANT-FIRST-USAGE-LINE ARGS...
	desc=$1 want=$2; shift 2
	timeout 10 "$SOCKSTAT" "$@" >/dev/null 2>"$TMP/err"
	n=$(grep -c '^ *sockstat \|^usage: ' "$TMP/err")
	if grep -q "^usage: sockstat $want" "$TMP/err" && [ "$n" -eq 1 ]; then
		ok "usage of $desc alone: $*"
	else
		not_ok "usage of $desc alone: $*"
		sed 's/^/#   /' "$TMP/err" | head -8
	fi
}
form "the netstat face" "\[-46" -Z
form "the lsof face" "-i \[spec\]" -i -Z
form "the event stream" "-E " -E --port 99999
form "demo" "demo" demo --bogus
form "echo-server" "echo-server" echo-server -p 70000
form "echo-client" "echo-client" echo-client --close nobody

# Hints: where the words mean something else in netstat, ss or lsof, one
# line after the error says where to go; the meaning stays.
hint() {	# WORD-OF-THE-HINT ARGS...
	want=$1; shift
	timeout 10 "$SOCKSTAT" "$@" >/dev/null 2>"$TMP/err"
	rc=$?
	if [ "$rc" -eq 2 ] && sed -n 2p "$TMP/err" | grep -q "^sockstat: hint: .*$want" &&
	    [ "$(grep -c hint: "$TMP/err")" -eq 1 ]; then
		ok "hint naming '$want': $*"
	else
		not_ok "hint naming '$want': $* (rc $rc)"
		sed 's/^/#   /' "$TMP/err" | head -4
	fi
}
hint "ip route" -rn
hint "ip route" -nr
hint "ip route" --route
hint "ip -s link" -in
hint "ip -s link" --interfaces
hint "nstat" --statistics
hint "--info" -tin
hint "-i4" -i -4
hint "-i4" -i -6
hint "-U" -i -x
hint "netstat's" -i -e
hint "lsof" -nP
hint "-c 2" -c2
hint "-i :PORT" --port 80
"$SOCKSTAT" -Z 2>&1 | grep -q 'hint:'
check "no hint for a letter no peer has (-Z)" [ $? -ne 0 ]
# A note, not an error: these run as sockstat's letters say.
"$SOCKSTAT" -r >/dev/null 2>"$TMP/err"
check "sockstat -r runs (exit 0) with a note naming ip route" \
    sh -c "[ $? -eq 0 ] && grep -q '^sockstat: note: .*ip route' '$TMP/err'"
"$SOCKSTAT" -st >"$TMP/out" 2>"$TMP/err"
check "sockstat -st runs (exit 0) with a note naming nstat" \
    sh -c "[ $? -eq 0 ] && grep -q '^sockstat: note: .*nstat' '$TMP/err' &&
    grep -q '^TCP' '$TMP/out'"
"$SOCKSTAT" -ti >/dev/null 2>"$TMP/err"
check "sockstat -ti stays lsof's -t -i: no hint" sh -c "! grep -q 'hint:' '$TMP/err'"

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
# A flag given a value is named as typed, not by its letter.
for cmd in echo-server echo-client; do
	timeout 10 "$SOCKSTAT" $cmd --verbose=1 >/dev/null 2>"$TMP/err"
	check "$cmd --verbose=1 exits 2" [ $? -eq 2 ]
	check "$cmd --verbose=1: 'option --verbose takes no value'" \
	    grep -qx 'sockstat: option --verbose takes no value' "$TMP/err"
done
finish
