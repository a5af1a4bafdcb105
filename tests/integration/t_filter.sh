#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Filter expressions (issue 14) against ss as the oracle.  On a known
# population in the test's own network namespace (filterpop.py), each
# expression gives sockstat the same socket set as ss with the same
# expression; the forms ss refuses give the set of their ss spelling; the
# kernel did the filtering (as many netlink replies as rows shown); bad
# expressions exit 2 with a caret under the bad token.
. "$SOCKSTAT_TESTS/lib.sh"

command -v ss >/dev/null 2>&1 || { echo "# ss missing: skipped"; exit 0; }
# Fixed ports and every socket compared: only in a namespace of its own.
in_netns || { echo "# needs its own network namespace (root): skipped"; exit 0; }
# The holders (proc, pid) and the peer comparisons are written for root.
[ "$(id -u)" -eq 0 ] || { echo "# needs root: skipped"; exit 0; }

python3 "$SOCKSTAT_TESTS/filterpop.py" "$TMP/pop.json" "$TMP" \
    >"$TMP/pop.log" 2>&1 &
POPPID=$!
PIDS="$PIDS $POPPID"
i=0
while [ ! -s "$TMP/pop.json" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$TMP/pop.json" ] || { cat "$TMP/pop.log"; not_ok "population"; exit 1; }

# cmp.py DIR: for each case DIR/N.desc, the socket sets of DIR/N.json
# (sockstat --json) and DIR/N.ss (ss -H), equal or not: one python run
# for them all, as the interpreter starts slowly on a loaded machine.
cat >"$TMP/cmp.py" <<'EOF'
import glob, ipaddress, json, os, re, sys
SS = {"ESTAB": "ESTABLISHED", "UNCONN": "CLOSE", "SYN-SENT": "SYN_SENT",
      "SYN-RECV": "SYN_RECV", "FIN-WAIT-1": "FIN_WAIT1",
      "FIN-WAIT-2": "FIN_WAIT2", "TIME-WAIT": "TIME_WAIT",
      "CLOSE-WAIT": "CLOSE_WAIT", "LAST-ACK": "LAST_ACK"}
def addr(a):
    a = re.sub(r"%\S+$", "", a).strip("[]")
    if a in ("*", "0.0.0.0", "::"):
        return "*"
    ip = ipaddress.ip_address(a)
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return str(ip)
def split(hp):
    h, p = hp.rsplit(":", 1)
    return addr(h), 0 if p == "*" else int(p)
def compare(base):
    theirs, stateless = set(), False
    for line in open(base + ".ss"):
        f = line.split()
        if not f:
            continue
        if f[0].startswith("u_"):
            theirs.add(("unix", int(f[5])))
            continue
        if f[0] in ("tcp", "udp", "raw"):
            f = f[1:]
        if f[0].isdigit():	# one state asked for: ss drops the column
            stateless, f = True, ["?"] + f
        theirs.add(split(f[3]) + split(f[4]) + (SS.get(f[0], f[0]),))
    ours = set()
    for o in json.load(open(base + ".json")):
        if o["family"] == "unix":
            ours.add(("unix", o["inode"]))
            continue
        st = "SYN_RECV" if o["state"] == "NEW_SYN_RECV" else o["state"]
        ours.add((addr(o["local"]["address"]), o["local"]["port"],
                  addr(o["remote"]["address"]), o["remote"]["port"],
                  "?" if stateless else st))
    if ours == theirs:
        return "%d sockets" % len(ours), True
    return "only sockstat: %s; only ss: %s" % (sorted(ours - theirs,
        key=str), sorted(theirs - ours, key=str)), False
def num(p):
    return int(os.path.basename(p).split(".")[0])
for d in sorted(glob.glob(sys.argv[1] + "/*.desc"), key=num):
    base = d[:-5]
    desc = open(d).read().strip()
    try:
        why, good = compare(base)
    except Exception as e:
        why, good = "%r; ss: %s" % (e, open(base + ".ss").read()[:300]), False
    print(("ok - %s (%s)" if good else "not ok - %s\n#   %s") % (desc, why))
EOF
mkdir "$TMP/cases"
ncase=0

# same FLAGS EXPR: sockstat FLAGS --json EXPR and ss -H FLAGS EXPR agree.
same() {
	flags=$1; shift
	ncase=$((ncase + 1)); c=$TMP/cases/$ncase
	echo "$flags $*" >"$c.desc"
	"$SOCKSTAT" "$flags" --json "$@" >"$c.json" 2>"$c.err" ||
	    echo "sockstat exit $?: $(cat "$c.err")" >>"$c.desc"
	ss -H "$flags" "$@" >"$c.ss" 2>&1
}

# friendly FLAGS "OURS" "SS": sockstat FLAGS OURS gives ss FLAGS SS's set.
friendly() {
	ncase=$((ncase + 1)); c=$TMP/cases/$ncase
	echo "'$2' is ss '$3'" >"$c.desc"
	# shellcheck disable=SC2086
	"$SOCKSTAT" "$1" --json $2 >"$c.json" 2>"$c.err" ||
	    echo "sockstat exit $?: $(cat "$c.err")" >>"$c.desc"
	# shellcheck disable=SC2086
	ss -H "$1" $3 >"$c.ss" 2>&1
}

# Ports, every comparison and spelling.
same -tan sport = :22
same -tan dport = :443
same -tan sport = :443
same -tan '(' dport = :443 or sport = :443 ')'
same -tan sport == :80
same -tan sport eq :8080
same -tan sport != :22
same -tan sport ne :22
same -tan sport '<' :1024
same -tan sport lt :1024
same -tan sport '<=' :1023
same -tan sport le :1023
same -tan sport '>' :1023
same -tan sport gt :1024
same -tan sport '>=' :1024
same -tan sport ge :40000
same -tan dport '>' :1023
same -tan dport '<' :1024
same -tan sport '>=' :65535
# Hosts and prefixes, v4, v6 and v4-mapped.
same -tan src 127.0.0.1
same -tan src 127.0.0.2
same -tan dst 127.0.0.2
same -tan src 127.0.0.0/8
same -tan dst 127.0.0.0/24
same -tan src '[::1]'
same -tan src '[::1]:8443'
same -tan dst '[::1]'
same -tan src 127.0.0.1:443
same -tan dst 127.0.0.1:443
same -tan src '*:443'
same -tan dst :443
same -tan src '[::ffff:127.0.0.1]'
# The bound device and the kernel's own port choice.
same -tan dev lo
same -tan not dev lo
same -tan autobound
# Logic.
same -tan sport = :22 or sport = :80 or sport = :443
same -tan not sport = :22
same -tan '!' '(' sport = :22 or dport = :22 ')'
same -tan sport '>=' :1024 and sport '<=' :8080
same -tan src 127.0.0.1 and not dport = :443
same -tan '(' src 127.0.0.2 or dst 127.0.0.2 ')' and sport '>' :0
same -tan sport = :443 src 127.0.0.1
# States and groups.
same -tan state established
same -tan state listening
same -tan state established dport = :443
same -tan exclude listening
same -tan state connected
same -tan state synchronized sport = :443
same -tan state all sport '>' :40000
same -tan exclude established exclude listening
# Marks: the kernel runs a mark test only for CAP_NET_ADMIN.
same -tan fwmark = 0x10
same -tan fwmark = 0x10/0xf0
same -tan fwmark 0x11 or sport = :22
# UDP and UNIX.
same -uan sport = :53
same -uan dport = :53
same -uan src '[::1]'
same -xan src "$TMP/*.sock"

# The forms ss refuses, against their ss spelling.
friendly -tan "sport=22" "sport = :22"
friendly -tan "(dport=443)" "( dport = :443 )"
friendly -tan "(dport=443||sport=443)" "( dport = :443 or sport = :443 )"
friendly -tan "port 443" "( sport = :443 or dport = :443 )"
friendly -tan "port != 443" "not ( sport = :443 or dport = :443 )"
friendly -tan "state listen" "state listening"
friendly -tan "sport ssh" "sport = :22"
# localhost as this host's resolver has it, never a reverse lookup
lh=$(getent ahosts localhost | awk '{ print $1 }' | sort -u |
    sed 's/^\(.*:.*\)$/[\1]/; s/^/src /' | sed ':a;N;s/\n/ or /;ba')
friendly -tan "src localhost" "( $lh )"
friendly -tan "dport>1023" "dport > :1023"
friendly -tan "src ::1" "src [::1]"
friendly -tan "!sport=22" "not sport = :22"
friendly -tan "sport 22 && !src 127.0.0.2" "sport = :22 and not src 127.0.0.2"
friendly -tanp "proc python3 and sport 22" "sport = :22"
friendly -tan "proc python3 and sport 22" "sport = :22"
# Its own holder's pid: another run's filterpop.py may be running too.
friendly -tan "pid $POPPID and port 443" \
    "( sport = :443 or dport = :443 )"
friendly -tan "proc nosuchcommand" "sport = :1 and sport = :2"
friendly -xan "src $TMP/a*" "src $TMP/a.sock"
friendly -xan "src @sockstat-filter-*" "src @sockstat-filter-x"
# The same selection from /proc/net.
friendly -tan "--source=proc sport = 443" "sport = :443"
friendly -tan "--source=proc state listen src [::1]" \
    "state listening src [::1]"
python3 "$TMP/cmp.py" "$TMP/cases" >"$TMP/cmp.out" 2>&1
cat "$TMP/cmp.out"
failures=$((failures + $(grep -c "^not ok" "$TMP/cmp.out")))
[ "$(grep -c "^ok" "$TMP/cmp.out")" -ge 40 ] || not_ok "40 agree with ss"

# ss reads "not autobound" as neither kernel-chosen nor in the ephemeral
# range, so its two sets leave sockets out; here they split the whole.
check "autobound and not autobound split every socket" sh -c '
	a=$("$1" -tan autobound | grep -c "^tcp")
	b=$("$1" -tan not autobound | grep -c "^tcp")
	n=$("$1" -tan | grep -c "^tcp")
	[ $((a + b)) -eq "$n" ] && [ "$a" -gt 0 ] && [ "$b" -gt 0 ]' sh "$SOCKSTAT"
check "-c passes are filtered" sh -c '
	n=$("$1" -tan -c 1 --count 2 sport = :22 | grep -c ":22 ")
	[ "$n" -eq 4 ]' sh "$SOCKSTAT"
check "-s counts the selection" sh -c '
	"$1" -s --json port 443 >"$2/sum.json" || exit 1
	n=$(ss -tanH "( sport = :443 or dport = :443 )" | wc -l)
	grep -q "^{\"total\":$n,\"protocols\":{\"tcp\":{\"total\":$n," \
	    "$2/sum.json" || { cat "$2/sum.json"; exit 1; }' sh "$SOCKSTAT" "$TMP"

# A mark is shown and tested with CAP_NET_ADMIN, and without it the
# run says which capability it lacked.
check "--extended shows a connection's mark" sh -c '
	"$1" -tan --extended fwmark 0x11 | grep -q "	.* mark:0x11 "' \
    sh "$SOCKSTAT"
if command -v setpriv >/dev/null 2>&1; then
	check "fwmark without cap_net_admin: exit 1, the capability named" \
	    sh -c '
	setpriv --reuid nobody --clear-groups --inh-caps=-all \
	    --bounding-set=-all "$1" -tan fwmark 0x11 >/dev/null 2>"$2/mark.err"
	[ $? -eq 1 ] && grep -q "cap_net_admin" "$2/mark.err" ||
	    { cat "$2/mark.err"; exit 1; }' sh "$SOCKSTAT" "$TMP"
fi

# The kernel filtered: as many netlink replies as rows shown, where an
# unfiltered run receives every socket.
check "the kernel did the filtering" sh -c '
	SOCKSTAT_DEBUG_REPLIES=1 "$1" -tan sport = :22 >/dev/null 2>"$2/dbg" &&
	grep -q "debug: 2 netlink replies, 2 rows shown" "$2/dbg" &&
	SOCKSTAT_DEBUG_REPLIES=1 "$1" -tan dev lo and sport 7000 >/dev/null \
	    2>>"$2/dbg" &&
	grep -q "debug: 1 netlink replies, 1 rows shown" "$2/dbg" &&
	SOCKSTAT_DEBUG_REPLIES=1 "$1" -tan >/dev/null 2>"$2/dbg2" &&
	n=$(ss -tanH | wc -l) &&
	grep -q "debug: $n netlink replies, $n rows shown" "$2/dbg2" &&
	[ "$(ss -tanH sport = :22 | wc -l)" -eq 2 ] ||
	    { cat "$2/dbg" "$2/dbg2"; exit 1; }' sh "$SOCKSTAT" "$TMP"

# A program the kernel refuses (the seam makes its first instruction one
# the kernel does not know): the rows are filtered in user space, the
# same set as ss gives, every socket received, and it is said once per
# run; a filter only the kernel can check (autobound) fails instead.
check "a refused program: user space filters, said once" sh -c '
	export SOCKSTAT_DEBUG_REFUSED_PROGRAM=1 SOCKSTAT_DEBUG_REPLIES=1
	"$1" -tan sport gt :21 and sport lt :23 >"$2/ref.out" 2>"$2/ref.err" &&
	n=$(ss -tanH | wc -l) &&
	grep -q "debug: $n netlink replies, 2 rows shown" "$2/ref.err" &&
	[ "$(grep -c "the kernel refused the filter program (Invalid argument): filtering in user space" "$2/ref.err")" -eq 1 ] &&
	grep "^tcp" "$2/ref.out" | awk "{print \$4, \$5, \$6}" | sort >"$2/ref.got" &&
	ss -tanH sport gt :21 and sport lt :23 |
	    awk "{print \$4, \$5, \$1}" | sed "s/ESTAB\$/ESTABLISHED/;s/LISTEN\$/LISTEN/;s/\*:\*/0.0.0.0:*/" |
	    sort >"$2/ref.want" &&
	cmp -s "$2/ref.got" "$2/ref.want" &&
	"$1" -tan -c 1 --count 2 sport gt :21 and sport lt :23 \
	    >/dev/null 2>"$2/ref2.err" &&
	[ "$(grep -c "refused the filter program" "$2/ref2.err")" -eq 1 ] &&
	{ "$1" -tan autobound >/dev/null 2>"$2/ref3.err"; [ $? -eq 1 ]; } &&
	grep -q "refused the filter program" "$2/ref3.err" ||
	    { cat "$2/ref.err" "$2/ref.got" "$2/ref.want" "$2/ref2.err" \
	    "$2/ref3.err"; exit 1; }' sh "$SOCKSTAT" "$TMP"

# Bad expressions: exit 2, the expression, a caret under TOKEN (its last
# occurrence; "" for the end) with what was expected, then the usage.
mkdir "$TMP/bad"
nbad=0
bad() {
	nbad=$((nbad + 1))
	printf '%s\n%s\n%s\n' "$1" "$2" "$3" >"$TMP/bad/$nbad.case"
	# shellcheck disable=SC2086
	"$SOCKSTAT" -tan $1 >/dev/null 2>"$TMP/bad/$nbad.err"
	echo $? >"$TMP/bad/$nbad.rc"
}
bad "sport =" "" "expected a port after 'sport ='"
bad "sport = :" ":" "expected a port"
bad "sport = nosuchservice" "nosuchservice" "no service named"
bad "dport > 70000" "70000" "(0 to 65535)"
bad "sport = 22 or" "" "expected a predicate"
bad "sport = 22 )" ")" "unbalanced ')'"
bad "( sport = 22" "" "expected ')'"
bad "sport = 22 bogus" "bogus" "expected a predicate"
bad "state bogus" "bogus" "expected a state"
bad "exclude" "" "expected a state"
bad "sport 22 state listening" "state" "go before the expression"
bad "src 1.2.3.4/33" "1.2.3.4/33" "prefix length"
bad "src [::1" "[::1" "expected ']'"
bad "src [::1]/129" "[::1]/129" "prefix length"
bad "src 1.2.3.4:99999" "1.2.3.4:99999" "(0 to 65535)"
bad "src" "" "expected a host"
bad "dst /run/x.sock" "/run/x.sock" "use src"
bad "dev" "" "expected a device"
bad "dev nosuchdev0" "nosuchdev0" "no device named"
bad "fwmark" "" "expected MARK"
bad "fwmark 1/x" "1/x" "expected MARK"
bad "cgroup /no/such/group" "/no/such/group" "expected a cgroup"
bad "pid x" "x" "expected a process id"
bad "uid nosuchuser" "nosuchuser" "no user named"
bad "proc" "" "expected a command name"
bad "not" "" "expected a predicate"
bad "sport = 22 and and" "and" "expected a predicate"
bad "sport = 22 or or sport = 1" "or sport" "expected a predicate"
bad "( )" ")" "expected a predicate"
bad "sport > > 1" ">" "expected a port"
bad "src 1.2.3.4 ((" "" "expected a predicate"
bad "sport = 22 = 1" "=" "expected 'and', 'or' or the end"
python3 - "$TMP/bad" "$nbad" >"$TMP/bad.out" 2>&1 <<'EOF'
import sys
d, n = sys.argv[1], int(sys.argv[2])
prefix = "sockstat: filter: "
for i in range(1, n + 1):
    expr, token, want = open("%s/%d.case" % (d, i)).read().split("\n")[:3]
    rc = open("%s/%d.rc" % (d, i)).read().strip()
    lines = open("%s/%d.err" % (d, i)).read().split("\n")
    col = len(prefix) + (expr.rfind(token) if token else len(expr))
    try:
        assert rc == "2", "exit " + rc
        assert lines[0] == prefix + expr, lines[0]
        assert lines[1].index("^") == col, lines[1]
        assert lines[1][:col].strip() == "", lines[1]
        assert want in lines[1], lines[1]
        assert lines[2].startswith("usage: sockstat"), lines[2]
        print("ok - bad filter: %s" % expr)
    except (AssertionError, IndexError, ValueError) as e:
        print("not ok - bad filter: %s\n#   %s\n#   %s" % (expr, e,
              "\n#   ".join(lines)))
EOF
cat "$TMP/bad.out"
failures=$((failures + $(grep -c "^not ok" "$TMP/bad.out")))
[ "$(grep -c "^ok" "$TMP/bad.out")" -ge 30 ] || not_ok "30 bad expressions"

# -E shows only the events of the sockets the filter selects: a client of
# port 8080 and one of port 80, each held 1.5 s, seen by snapshots; the
# watcher is stopped (SIGTERM) once the client is done.
"$SOCKSTAT" -E -t -n --method=poll --duration 120 "(dport=8080||sport=8080)" \
    >"$TMP/ev.out" 2>"$TMP/ev.err" &
wpid=$!
PIDS="$PIDS $wpid"
i=0
while ! grep -q watching "$TMP/ev.err" 2>/dev/null && [ $i -lt 150 ]; do
	sleep 0.1; i=$((i + 1))
done
python3 -c '
import socket, time
a = socket.create_connection(("127.0.0.1", 8080))
b = socket.create_connection(("127.0.0.1", 80))
time.sleep(1.5)' >"$TMP/evc.log" 2>&1
i=0
while ! grep -q ":8080 .*CLOSE" "$TMP/ev.out" && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
kill "$wpid" 2>/dev/null
wait "$wpid"
check "-E with a filter shows only its sockets' events" sh -c '
	grep -q ":8080 " "$1" && ! grep -q ":80 " "$1" ||
	    { cat "$1" "$2"; exit 1; }' sh "$TMP/ev.out" "$TMP/ev.err"
check "-E refuses what events do not carry" sh -c '
	"$1" -E --duration 1 dev lo >/dev/null 2>"$2/evdev.err"; rc=$?
	[ $rc -eq 2 ] && grep -q "events do not carry them" "$2/evdev.err"' \
    sh "$SOCKSTAT" "$TMP"

# The lsof face keeps lsof's selection: a filter there is a usage error.
check "a filter in the lsof face is refused with a hint" sh -c '
	"$1" -i sport = 22 >/dev/null 2>"$2/lsof.err"; rc=$?
	[ $rc -eq 2 ] &&
	    grep -q "hint: a filter expression selects in the netstat face" \
	    "$2/lsof.err" || { cat "$2/lsof.err"; exit 1; }' sh "$SOCKSTAT" "$TMP"

finish
