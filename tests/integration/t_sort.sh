#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# --sort and -s --by on a known population (sortpop.py: listeners, clients
# from 127.3.0.x, unread data, UDP and UNIX sockets; a second holder,
# "aapop", under another uid when root).
#   --sort=KEY: the population's rows equal those of the unsorted listing
#     sorted by sort(1) -s on the same key (sortcheck.py only writes the
#     key as text sort(1) orders right); -KEY is sort -r; several keys;
#     --json lists the sockets in the text's order; each pass of -c is
#     sorted; the UNIX section by path and inode.
#   --by=GROUP: the counts equal those counted from ss -tuanpeH with the
#     same population (in a namespace of its own: every group).
#   Bad keys and the lsof face: exit 2, one line.
. "$SOCKSTAT_TESTS/lib.sh"

CHECK=$SOCKSTAT_TESTS/sortcheck.py
TAB=$(printf '\t')

# start NAME [ARGS]: a population, its description in $TMP/NAME.json.
start() {
	name=$1; shift
	"$@" --out "$TMP/$name.json" --dir "$TMP" >"$TMP/$name.log" 2>&1 &
	PIDS="$PIDS $!"
	i=0
	while ! grep -q '}' "$TMP/$name.json" 2>/dev/null && [ $i -lt 150 ]; do
		sleep 0.1; i=$((i + 1))
	done
	grep -q '}' "$TMP/$name.json" 2>/dev/null || {
		not_ok "population $name started"; cat "$TMP/$name.log"; exit 1; }
}
start a python3 "$SOCKSTAT_TESTS/sortpop.py"
# A second holder with another program name, PID and (as root) user.
chmod 755 "$TMP"
uid=
[ "$(id -u)" -eq 0 ] && uid="--uid 65534"
# shellcheck disable=SC2086
start b python3 -c 'import os, sys
os.execv(sys.executable, ["aapop"] + sys.argv[1:])' \
    "$SOCKSTAT_TESTS/sortpop.py" --small $uid
POP="$TMP/a.json $TMP/b.json"

# check_sort FLAGS KEYS: sockstat FLAGS --sort=KEYS against sockstat
# FLAGS sorted by sort(1), -k N,N[r] per key.  Both listings are of the
# same sockets: the population holds still.
check_sort() {
	fl=$1 keys=$2 n=0 kflags=
	for k in $(printf '%s\n' "$keys" | tr ',' ' '); do
		n=$((n + 1))
		case $k in
		-*)	kflags="$kflags -k$n,${n}r" ;;
		*)	kflags="$kflags -k$n,$n" ;;
		esac
	done
	# shellcheck disable=SC2086
	"$SOCKSTAT" $fl >"$TMP/plain" 2>"$TMP/err1" &&
	    "$SOCKSTAT" $fl --sort="$keys" >"$TMP/sorted" 2>"$TMP/err2" || {
		not_ok "sockstat $fl --sort=$keys runs"; cat "$TMP/err1" \
		    "$TMP/err2"; return; }
	# shellcheck disable=SC2086
	python3 "$CHECK" decorate "$keys" $POP <"$TMP/plain" |
	    LC_ALL=C sort -s -t "$TAB" $kflags |
	    cut -f$((n + 1))- >"$TMP/expect"
	python3 "$CHECK" rows $POP <"$TMP/sorted" >"$TMP/got"
	if [ -s "$TMP/expect" ] && cmp -s "$TMP/expect" "$TMP/got"; then
		ok "sockstat $fl --sort=$keys equals sort(1)'s order"
	else
		not_ok "sockstat $fl --sort=$keys equals sort(1)'s order"
		diff "$TMP/expect" "$TMP/got" | head -20 | sed 's/^/#   /'
	fi
}

for k in state local remote lport rport recv-q send-q pid command uid inode
do
	check_sort -tuanep "$k"
	check_sort -tuanep "-$k"
done
check_sort -tuanep "remote,-recv-q"
check_sort -tuanep "-command,lport"
check_sort -tuanep "state,-local"
check_sort -xa "local"
check_sort -xa "-inode"

# The sort must not be a no-op: the population's rows differ in order
# from the kernel's for these keys.
"$SOCKSTAT" -tuanep >"$TMP/plain" 2>/dev/null
"$SOCKSTAT" -tuanep --sort=remote >"$TMP/sorted" 2>/dev/null
# shellcheck disable=SC2086
python3 "$CHECK" rows $POP <"$TMP/plain" >"$TMP/p"
# shellcheck disable=SC2086
python3 "$CHECK" rows $POP <"$TMP/sorted" >"$TMP/s"
check "--sort=remote changes the order of the rows" \
    sh -c '! cmp -s "$1" "$2" && [ "$(sort "$1")" = "$(sort "$2")" ]' sh \
    "$TMP/p" "$TMP/s"
# 127.3.0.9 before 127.3.0.10: numbers, not text.
# Only the remote column counts: a client's own row has them as its
# local address and ties on the remote (kernel order).
check "--sort=remote orders addresses as numbers" sh -c \
    'n9=$(awk "\$5 ~ /^127\\.3\\.0\\.9:/ { print NR; exit }" "$1") &&
     n10=$(awk "\$5 ~ /^127\\.3\\.0\\.10:/ { print NR; exit }" "$1") &&
     [ -n "$n9" ] && [ -n "$n10" ] && [ "$n9" -lt "$n10" ]' sh "$TMP/s"

# --json: the same order as the text, for each key.
for k in remote -lport recv-q,local -pid,inode; do
	"$SOCKSTAT" -tuanep --sort="$k" 2>"$TMP/t.err" |
	    python3 "$CHECK" ends text $POP >"$TMP/t" 2>&1
	"$SOCKSTAT" -tuanep --json --sort="$k" 2>"$TMP/j.err" |
	    python3 "$CHECK" ends json $POP >"$TMP/j" 2>&1
	# On failure: both orders and what sockstat said.
	check "--json --sort=$k lists the sockets in the text's order" \
	    sh -c '[ -s "$1" ] && cmp "$1" "$2" ||
	    { head -20 "$1" "$1.err" "$2" "$2.err"; false; }' sh "$TMP/t" "$TMP/j"
done

# -c: every pass sorted.
"$SOCKSTAT" -tuanep --sort=-lport,remote >"$TMP/one" 2>/dev/null
python3 "$CHECK" rows $POP <"$TMP/one" >"$TMP/one.rows"
"$SOCKSTAT" -tuanep --sort=-lport,remote -c 1 --count 2 >"$TMP/two" 2>/dev/null
python3 "$CHECK" rows $POP <"$TMP/two" >"$TMP/two.rows"
check "-c: each pass sorted" sh -c '[ -s "$1" ] &&
    cat "$1" "$1" | cmp -s - "$2"' sh "$TMP/one.rows" "$TMP/two.rows"

# --by=GROUP against ss.  In a namespace of its own every group is
# compared; on a shared host only those the population alone makes.
only=$POP
in_netns && only=
check_by() {
	by=$1 fl=$2
	i=0
	while [ $i -lt 3 ]; do
		"$SOCKSTAT" $fl --by="$by" 2>/dev/null |
		    python3 "$CHECK" groups text "$by" $only >"$TMP/by.t"
		"$SOCKSTAT" $fl --by="$by" --json 2>/dev/null |
		    python3 "$CHECK" groups json "$by" $only >"$TMP/by.j"
		ss -tanpeH 2>/dev/null |
		    python3 "$CHECK" groups ss "$by" $only >"$TMP/by.ss"
		if [ -s "$TMP/by.ss" ] && cmp -s "$TMP/by.t" "$TMP/by.ss" &&
		    cmp -s "$TMP/by.j" "$TMP/by.ss"; then
			ok "sockstat $fl --by=$by counts equal ss -tanpe's"
			return
		fi
		i=$((i + 1))
	done
	not_ok "sockstat $fl --by=$by counts equal ss -tanpe's"
	diff "$TMP/by.ss" "$TMP/by.t" | sed 's/^/#   text: /' | head -10
	diff "$TMP/by.ss" "$TMP/by.j" | sed 's/^/#   json: /' | head -10
}
check_by remote -tn
check_by lport -tn
check_by process -tn
if in_netns; then
	check_by state -tn
	check_by user -tn
	check_by proto -tn
fi

# The text lists groups largest first, ties in the key's order.
"$SOCKSTAT" -tn --by=remote >"$TMP/groups" 2>/dev/null
check "--by lists the largest groups first" sh -c \
    'tail -n +2 "$1" | awk "{print \$1}" >"$1.c" &&
     sort -s -rn "$1.c" | cmp -s - "$1.c" && [ -s "$1.c" ]' sh "$TMP/groups"

# Bad input: exit 2, one line naming what is wrong.
"$SOCKSTAT" -tan --sort=state,bogus >/dev/null 2>"$TMP/e"
check "--sort=state,bogus: exit 2, names the key and the valid ones" \
    sh -c '[ $1 -eq 2 ] && head -1 "$2" | grep -q "bogus.*state, local, remote"' \
    sh $? "$TMP/e"
"$SOCKSTAT" --by=bogus >/dev/null 2>"$TMP/e"
check "--by=bogus: exit 2, names it" \
    sh -c '[ $1 -eq 2 ] && head -1 "$2" | grep -q "bogus.*expected state"' \
    sh $? "$TMP/e"
"$SOCKSTAT" -i --sort=pid >/dev/null 2>"$TMP/e"
check "-i --sort: exit 2 with a hint" \
    sh -c '[ $1 -eq 2 ] && grep -q "hint:.*lsof.*order" "$2"' sh $? "$TMP/e"
"$SOCKSTAT" -s --sort=state >/dev/null 2>"$TMP/e"
check "-s --sort: exit 2" sh -c '[ $1 -eq 2 ]' sh $?
finish
