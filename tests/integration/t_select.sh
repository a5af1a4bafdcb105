#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Selection and command line: which sockets -l, -a and the default show,
# what -t -u -w -x -4 -6 select, port names, -c/--count, exit codes and
# the usage text.
. "$SOCKSTAT_TESTS/lib.sh"

kinds="tcp4 tcp6 udp4 udp6 unix"
in_netns && kinds="$kinds raw raw6"
hold_sockets pop $kinds || { not_ok "population started"; exit 1; }
POP=$TMP/pop.json

# seen.py POP OUT: prints, one per line, the labels of the population's
# sockets found in a netstat-style output (Internet rows by protocol and
# addresses, UNIX rows by inode), then "protos: ..." listing the protocol
# column of every population row, and "sections: ..." the titles' kinds.
cat >"$TMP/seen.py" <<'EOF'
import json, sys
pop = json.load(open(sys.argv[1]))
lines = open(sys.argv[2], encoding="utf-8", errors="surrogateescape").read().split("\n")
want = {}
for fam, proto, host, wild in (("tcp4", "tcp", "127.0.0.1", "0.0.0.0:*"),
                               ("tcp6", "tcp6", "::1", ":::*")):
    if fam in pop:
        d = pop[fam]; a = lambda p: "%s:%d" % (host, p)
        P, e, c, w = (d["listen"]["port"], d["established"]["client_port"],
                      d["close_wait"]["client_port"], d["time_wait"]["client_port"])
        want[(proto, a(P), wild)] = fam + "-listen"
        want[(proto, a(e), a(P))] = fam + "-est-client"
        want[(proto, a(P), a(e))] = fam + "-est-server"
        want[(proto, a(c), a(P))] = fam + "-finwait2"
        want[(proto, a(P), a(c))] = fam + "-closewait"
        want[(proto, a(w), a(P))] = fam + "-timewait"
for fam, proto, host, wild in (("udp4", "udp", "127.0.0.1", "0.0.0.0:*"),
                               ("udp6", "udp6", "::1", ":::*")):
    if fam in pop:
        b, c = pop[fam]["bound"]["port"], pop[fam]["connected"]["port"]
        want[(proto, "%s:%d" % (host, b), wild)] = fam + "-bound"
        want[(proto, "%s:%d" % (host, c), "%s:%d" % (host, b))] = fam + "-connected"
if "raw" in pop:
    want[("raw", "0.0.0.0:1", "0.0.0.0:*")] = "raw"
if "raw6" in pop:
    want[("raw6", ":::58", ":::*")] = "raw6"
u = pop.get("unix", {})
for k in ("path", "space", "abstract", "dgram"):
    if k in u:
        want[str(u[k]["inode"])] = "unix-" + k
if u:
    want[str(u["connected"]["client_inode"])] = "unix-client"
    want[str(u["connected"]["server_inode"])] = "unix-accepted"
    want[str(u["pair"]["inodes"][0])] = "unix-pair1"
    want[str(u["pair"]["inodes"][1])] = "unix-pair2"
seen, protos, sections = [], set(), []
for l in lines:
    if l.startswith("Active "):
        sections.append("inet" if "Internet" in l else "unix")
        continue
    t = l.split()
    if len(t) >= 5 and (t[0], t[3], t[4]) in want:
        seen.append(want[(t[0], t[3], t[4])]); protos.add(t[0])
    elif t and t[0] == "unix":
        for x in t:
            if x in want:
                seen.append(want[x]); protos.add("unix")
for s in sorted(seen):
    print(s)
print("protos: " + " ".join(sorted(protos)))
print("sections: " + " ".join(sections))
EOF

seen() { python3 "$TMP/seen.py" "$POP" "$1"; }

# expect DESC FLAGS LABEL...: the population sockets sockstat FLAGS shows
# are exactly LABELs (sorted).
expect() {
	desc=$1 flags=$2; shift 2
	"$SOCKSTAT" $flags >"$TMP/out" 2>&1
	seen "$TMP/out" | grep -v '^protos:\|^sections:' >"$TMP/got"
	printf '%s\n' "$@" | LC_ALL=C sort >"$TMP/want"
	LC_ALL=C sort "$TMP/got" >"$TMP/got.s"
	check "$desc" diff "$TMP/want" "$TMP/got.s"
}

servers="tcp4-listen tcp6-listen udp4-bound udp6-bound unix-path unix-space unix-abstract"
others="tcp4-est-client tcp4-est-server tcp4-finwait2 tcp4-closewait tcp4-timewait
tcp6-est-client tcp6-est-server tcp6-finwait2 tcp6-closewait tcp6-timewait
udp4-connected udp6-connected unix-dgram unix-client unix-accepted unix-pair1 unix-pair2"
if in_netns; then servers="$servers raw raw6"; fi
expect "-ln shows only the servers (remote port 0, listening UNIX)" -ln $servers
expect "-n shows everything but the servers" -n $others
expect "-an shows servers and the rest" -an $servers $others
expect "--all --numeric as -an" "--all --numeric" $servers $others
expect "--listening --numeric as -ln" "--listening --numeric" $servers

# protos FLAGS WANT-PROTOS WANT-SECTIONS: the protocol column of the
# population's rows and the sections printed.
protos() {
	"$SOCKSTAT" -an $1 >"$TMP/out" 2>&1
	seen "$TMP/out" >"$TMP/seen"
	got_p=$(sed -n 's/^protos: //p' "$TMP/seen")
	got_s=$(sed -n 's/^sections: //p' "$TMP/seen")
	if [ "$got_p" = "$2" ] && [ "$got_s" = "$3" ]; then
		ok "-an $1: protocols [$2], sections [$3]"
	else
		not_ok "-an $1: protocols [$2], sections [$3]"
		echo "#   got protocols [$got_p], sections [$got_s]"
	fi
}
if in_netns; then r4=" raw" r6=" raw6" rr="raw raw6"; else r4= r6= rr=; fi
protos "" "$rr${rr:+ }tcp tcp6 udp udp6 unix" "inet unix"
protos -t "tcp tcp6" "inet"
protos -u "udp udp6" "inet"
protos -w "$rr" "inet"
protos -x "unix" "unix"
protos -4 "${r4# }${r4:+ }tcp udp" "inet"
protos -6 "${r6# }${r6:+ }tcp6 udp6" "inet"
protos -t4 "tcp" "inet"
protos -u6 "udp6" "inet"
protos -tu "tcp tcp6 udp udp6" "inet"
protos -tx "tcp tcp6 unix" "inet unix"
protos -4x "${r4# }${r4:+ }tcp udp unix" "inet unix"
protos "--tcp --inet6" "tcp6" "inet"
protos "--udp --unix" "udp udp6 unix" "inet unix"

# Port names: a listener on a port /etc/services names shows the name
# without -n and the number with -n or --numeric-ports; hosts stay
# numeric unless -r.
if in_netns; then
	sport=22
else
	# the first named TCP port above 1023 that is free here
	sport=$(python3 - <<'EOF'
import socket
for l in open("/etc/services"):
    f = l.split("#")[0].split()
    if len(f) < 2 or not f[1].endswith("/tcp"):
        continue
    p = int(f[1].split("/")[0])
    if p < 1024 or socket.getservbyport(p, "tcp") != f[0]:
        continue
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
    finally:
        s.close()
EOF
)
fi
if [ -n "$sport" ] && hold_sockets svc "listen:$sport"; then
	sname=$(python3 -c "import socket,sys; print(socket.getservbyport(int(sys.argv[1]), 'tcp'))" "$sport")
	"$SOCKSTAT" -tl >"$TMP/named" 2>&1
	check "-tl shows 127.0.0.1:$sname for port $sport" \
	    grep -q "^tcp .* 127\.0\.0\.1:$sname  *0\.0\.0\.0:\*  *LISTEN" "$TMP/named"
	"$SOCKSTAT" -tl --numeric-ports >"$TMP/numeric" 2>&1
	check "-tl --numeric-ports shows 127.0.0.1:$sport" \
	    grep -q "^tcp .* 127\.0\.0\.1:$sport  *0\.0\.0\.0:\*  *LISTEN" "$TMP/numeric"
	"$SOCKSTAT" -tln >"$TMP/numeric2" 2>&1
	check "-tln shows 127.0.0.1:$sport" \
	    grep -q "^tcp .* 127\.0\.0\.1:$sport  *0\.0\.0\.0:\*  *LISTEN" "$TMP/numeric2"
	if command -v netstat >/dev/null 2>&1; then
		grep "127\.0\.0\.1:$sname " "$TMP/named" >"$TMP/named.s"
		netstat -tl --numeric-hosts 2>/dev/null |
		    grep "127\.0\.0\.1:$sname " >"$TMP/named.n"
		check "-tl row of the named port equals netstat -tl --numeric-hosts" \
		    diff "$TMP/named.n" "$TMP/named.s"
		if in_netns; then
			# -r: names from /etc/hosts (no DNS in the netns)
			timeout 10 "$SOCKSTAT" -tlr 2>&1 | grep ":$sname " >"$TMP/r.s"
			timeout 10 netstat -tl 2>/dev/null | grep ":$sname " >"$TMP/r.n"
			check "-tlr row of the named port equals netstat -tl" \
			    diff "$TMP/r.n" "$TMP/r.s"
		fi
	fi
else
	echo "# no free named port: port name checks skipped"
fi

# In the netns: without -n, names for ports (and users with -e), numbers
# for hosts: netstat --numeric-hosts's whole output.  The row of the UNIX
# path with a space is left out: netstat cuts that path (t_netstat).
if in_netns && command -v netstat >/dev/null 2>&1; then
	sp=$(jget "$POP" 'd["unix"]["space"]["inode"]')
	for f in -a -ae -l; do
		"$SOCKSTAT" $f 2>&1 | awk -v i="$sp" '!($1 == "unix" && index($0, " " i " "))' |
		    LC_ALL=C sort >"$TMP/w.s"
		netstat $f --numeric-hosts 2>&1 |
		    awk -v i="$sp" '!($1 == "unix" && index($0, " " i " "))' |
		    LC_ALL=C sort >"$TMP/w.n"
		check "netns: sorted sockstat $f equals netstat $f --numeric-hosts" \
		    diff "$TMP/w.n" "$TMP/w.s"
	done
fi

# -c 1 --count 2: two timestamped passes, then it ends by itself.
start=$(date +%s)
timeout 10 "$SOCKSTAT" -tn -c 1 --count 2 >"$TMP/c.out" 2>"$TMP/c.err"
rc=$?
took=$(($(date +%s) - start))
check "-c 1 --count 2 exits 0 by itself" [ "$rc" -eq 0 ]
check "-c 1 --count 2 prints two ISO 8601 timestamp lines" \
    [ "$(grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([+-][0-9]{4}|Z)$' "$TMP/c.out")" -eq 2 ]
check "-c 1 --count 2 prints two passes" \
    [ "$(grep -c '^Active Internet' "$TMP/c.out")" -eq 2 ]
check "-c 1 --count 2: each pass starts with its timestamp" \
    sh -c "head -1 '$TMP/c.out' | grep -qE '^[0-9]{4}-'"
check "-c 1 --count 2 waits about a second between passes (took ${took}s)" \
    sh -c "[ $took -ge 1 ] && [ $took -le 4 ]"
timeout 10 "$SOCKSTAT" -tnc 1 --count=2 >"$TMP/c2.out" 2>&1
check "-tnc 1 --count=2 (seconds after a cluster ending in c) prints two passes" \
    [ "$(grep -c '^Active Internet' "$TMP/c2.out")" -eq 2 ]

# netstat 2.10: -c takes no value, so "-ctn" and "-cnt" are -c -t -n.
# The oracle: the first pass of netstat -ctn equals sockstat's (rows but
# TIME_WAIT ones, which may expire in between, sorted).
for f in -ctn -cnt; do
	timeout 10 "$SOCKSTAT" $f --count 1 >"$TMP/ctn.out" 2>"$TMP/ctn.err"
	check "$f --count 1 exits 0 with one timestamped pass" \
	    sh -c "[ \$(grep -c '^Active Internet' '$TMP/ctn.out') -eq 1 ] &&
	    head -1 '$TMP/ctn.out' | grep -qE '^[0-9]{4}-' && [ ! -s '$TMP/ctn.err' ]"
	if in_netns && command -v netstat >/dev/null 2>&1; then
		timeout 1.5 netstat $f 2>/dev/null |
		    awk '/^Active/ {n++} n == 1' | grep -v TIME_WAIT |
		    LC_ALL=C sort >"$TMP/ctn.n"
		sed 1d "$TMP/ctn.out" | grep -v TIME_WAIT | LC_ALL=C sort >"$TMP/ctn.s"
		check "$f: the pass equals netstat $f's first pass" \
		    diff "$TMP/ctn.n" "$TMP/ctn.s"
	fi
done

# netstat's long names: every "-x, --name" pair of netstat --help whose
# letter means the same here gives the same output as the letter; the
# others are refused (exit 2).  netstat's own --help is the list.
if command -v netstat >/dev/null 2>&1; then
	netstat --help 2>&1 | sed -n 's/^ *-\([A-Za-z0-9]\), \(--[a-z-]*\).*/\1 \2/p' \
	    >"$TMP/nlong"
	check "netstat --help lists its long names" [ -s "$TMP/nlong" ]
	same=" a c e l n o p t u w x W "
	while read -r letter name; do
		case $same in
		*" $letter "*)
			"$SOCKSTAT" -a$letter --count 1 2>&1 | sed '/^[0-9]\{4\}-/d' |
			    grep -v TIME_WAIT >"$TMP/l.letter"
			"$SOCKSTAT" -a $name --count 1 2>&1 | sed '/^[0-9]\{4\}-/d' |
			    grep -v TIME_WAIT >"$TMP/l.name"
			# --count needs -c: only -c's pair runs; else compare bare
			# (timers count down between two runs: drop their values)
			if [ "$letter" != c ]; then
				"$SOCKSTAT" -a$letter 2>&1 | grep -v TIME_WAIT |
				    sed 's/([^)]*)$//' >"$TMP/l.letter"
				"$SOCKSTAT" -a $name 2>&1 | grep -v TIME_WAIT |
				    sed 's/([^)]*)$//' >"$TMP/l.name"
			fi
			check "netstat's $name is -$letter" \
			    sh -c "diff '$TMP/l.letter' '$TMP/l.name' && [ -s '$TMP/l.name' ]"
			;;
		*)
			"$SOCKSTAT" $name >/dev/null 2>"$TMP/l.err"
			check "netstat's $name (-$letter) means something else: refused" \
			    sh -c "[ $? -eq 2 ] && grep -q '^sockstat: unknown option $name' '$TMP/l.err'"
			;;
		esac
	done <"$TMP/nlong"
	for name in --inet --inet6; do
		l=4; [ "$name" = --inet6 ] && l=6
		"$SOCKSTAT" -a$l 2>&1 | grep -v TIME_WAIT >"$TMP/l.letter"
		"$SOCKSTAT" -a $name 2>&1 | grep -v TIME_WAIT >"$TMP/l.name"
		check "netstat's $name is -$l" cmp "$TMP/l.letter" "$TMP/l.name"
	done
fi
timeout 10 "$SOCKSTAT" -tn --continuous=1 --count 1 >"$TMP/c3.out" 2>&1
check "--continuous=1 --count 1 prints one pass" \
    [ "$(grep -c '^Active Internet' "$TMP/c3.out")" -eq 1 ]

# Exit codes: 2 for a usage error, and the message names what was bad.
usage_err() {	# DESC WORD ARGS...: exit 2, stderr names WORD, no stdout
	desc=$1 word=$2; shift 2
	timeout 5 "$SOCKSTAT" "$@" >"$TMP/u.out" 2>"$TMP/u.err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -q -- "$word" "$TMP/u.err" && [ ! -s "$TMP/u.out" ]; then
		ok "$desc: exit 2, message names $word"
	else
		not_ok "$desc: exit 2, message names $word"
		echo "#   exit $rc; stderr: $(head -3 "$TMP/u.err")"
	fi
}
usage_err "unknown flag -Z" "Z" -Z
usage_err "unknown long flag --bogus" "bogus" --bogus
usage_err "--count 0" "0" -c 1 --count 0
usage_err "--count abc" "abc" -c 1 --count abc
usage_err "-c 0" "0" -c 0
usage_err "-c 86401" "86401" -c 86401
usage_err "--source bogus" "bogus" --source bogus
usage_err "--source=bogus" "bogus" --source=bogus
usage_err "stray argument" "stray" -an stray
usage_err "--count without -c" "count" --count 2
usage_err "-n with -r" "-r" -n -r

timeout 5 "$SOCKSTAT" --help >"$TMP/h.out" 2>"$TMP/h.err"
rc=$?
check "--help exits 0" [ "$rc" -eq 0 ]
check "--help writes the usage to stdout only" \
    sh -c "grep -q '^usage: sockstat' '$TMP/h.out' && [ ! -s '$TMP/h.err' ]"
check "--help describes options and points to the manual" \
    sh -c "grep -q '^  -p, --programs  *[a-z]' '$TMP/h.out' &&
    tail -1 '$TMP/h.out' | grep -q 'man sockstat'"
check "--help lines fit 80 columns" \
    sh -c "! awk 'length > 80' '$TMP/h.out' | grep -q ."
timeout 5 "$SOCKSTAT" -h >"$TMP/h2.out" 2>&1
check "-h as --help" cmp "$TMP/h.out" "$TMP/h2.out"
timeout 5 "$SOCKSTAT" --version >"$TMP/v.out" 2>&1
rc=$?
check "--version exits 0 and prints the version" \
    sh -c "[ $rc -eq 0 ] && grep -qE '^sockstat [0-9]+\.[0-9]+' '$TMP/v.out'"
timeout 5 "$SOCKSTAT" -V >"$TMP/v2.out" 2>&1
check "-V as --version" cmp "$TMP/v.out" "$TMP/v2.out"

# The usage text is the man page's SYNOPSIS.
man=$SOCKSTAT_TESTS/../../man/sockstat.8
if command -v mandoc >/dev/null 2>&1 && [ -f "$man" ]; then
	mandoc -Tascii "$man" | col -b |
	    awk '/^SYNOPSIS/ {on = 1; next} on && /^[A-Z]/ {exit} on' |
	    tr -s ' \t\n' '   ' | sed 's/^ *//; s/ *$//' >"$TMP/syn"
	# --help starts with the synopsis of every form, then a blank line.
	sed '/^$/q' "$TMP/h.out" | sed '1s/^usage: //' | tr -s ' \t\n' '   ' |
	    sed 's/^ *//; s/ *$//' >"$TMP/use"
	check "usage text equals the man page SYNOPSIS" diff "$TMP/syn" "$TMP/use"
	"$SOCKSTAT" -Z 2>&1 >/dev/null | grep -v 'unknown option' >"$TMP/use2"
	# The first line and its continuations (indented to the bracket).
	awk 'NR > 1 && !/^ +\[/ {exit} {print}' "$TMP/h.out" >"$TMP/use1"
	check "the usage after a bad flag is the netstat form's synopsis alone" \
	    diff "$TMP/use1" "$TMP/use2"
fi
finish
