#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Privileges: what an unprivileged user sees (correct rows, an honest
# warning, exit 0), what file capabilities add, and that no capability is
# effective while output is written.  Needs root (to set up the users and
# file capabilities); skipped otherwise.
. "$SOCKSTAT_TESTS/lib.sh"

if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null 2>&1; then
	ok "# skip: needs root and setpriv"
	exit 0
fi
chmod 755 "$TMP"
bin=$TMP/sockstat
cp "$SOCKSTAT" "$bin" && chmod 755 "$bin"
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# Sockets held by root, and enough UNIX pairs to fill a pipe.
hold_sockets root tcp4 pairs:2000 || { not_ok "socket holder started"; exit 1; }
port=$(jget "$TMP/root.json" "d['tcp4']['listen']['port']")
pid=$(jget "$TMP/root.json" "d['pid']")

# 1. Unprivileged: every row, "-" for owners it cannot see, one honest
#    warning naming the missing capabilities and the fix, exit 0.
nobody "$bin" -tlnp >"$TMP/u.out" 2>"$TMP/u.err"
check "unprivileged -tlnp exits 0" [ $? -eq 0 ]
row=$(grep " 127.0.0.1:$port " "$TMP/u.out")
check "unprivileged: root's listener is listed" [ -n "$row" ]
check "unprivileged: its owner shows as -" \
    sh -c 'printf "%s\n" "$1" | grep -q "LISTEN      - *$"' sh "$row"
check "unprivileged: the warning says how many, why and what is missing" \
    grep -q "not shown: .* could not be read (permission denied, missing cap_dac_read_search,cap_sys_ptrace)" "$TMP/u.err"
check "unprivileged: the warning says how to fix it" \
    grep -q "setcap cap_dac_read_search,cap_sys_ptrace+p" "$TMP/u.err"
check "unprivileged: the warning is said once" \
    [ "$(grep -c 'not shown' "$TMP/u.err")" -eq 1 ]

# 2. File capabilities in the permitted set: the owner is seen.  They
#    apply to an ELF binary only, not to a wrapper (make check-valgrind).
if [ "$(head -c 4 "$bin" | od -An -c | tr -d ' ')" = '177ELF' ] &&
    command -v setcap >/dev/null 2>&1 &&
    setcap cap_dac_read_search,cap_sys_ptrace+p "$bin" 2>/dev/null; then
	nobody "$bin" -tlnp >"$TMP/c.out" 2>"$TMP/c.err"
	check "file caps: exit 0" [ $? -eq 0 ]
	check "file caps: root's listener names its owner" \
	    grep -q " 127.0.0.1:$port .*LISTEN *$pid/python3" "$TMP/c.out"
	check "file caps: no setcap hint" sh -c '! grep -q setcap "$1"' sh "$TMP/c.err"
	SOCKSTAT_PROC_ROOT=/nonexistent nobody "$bin" -tlnp >"$TMP/e.out" 2>&1
	check "file caps: SOCKSTAT_PROC_ROOT is ignored (secure_getenv)" \
	    grep -q " 127.0.0.1:$port .*LISTEN *$pid/python3" "$TMP/e.out"
	caps_ok=1
else
	ok "# skip: file capabilities not possible here"
fi

# 3. While sockstat writes (blocked on a full pipe nobody reads), no
#    capability is effective; with one pass none is even permitted.
status_while_writing() {	# FILE ARGS...: CapEff/CapPrm/NoNewPrivs
	out=$1; shift
	mkdir -p "$TMP/w" && chmod 777 "$TMP/w"
	rm -f "$TMP/w/pid"
	( nobody sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$TMP/w/pid" \
	    "$bin" "$@" | sleep 8 ) 2>/dev/null &
	PIDS="$PIDS $!"
	p= i=0
	while [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
		[ -s "$TMP/w/pid" ] || continue
		p=$(cat "$TMP/w/pid")
		# Blocked in write(2) once the pipe is full and not reading.
		grep -q '^State:.*S (sleeping)' "/proc/$p/status" 2>/dev/null &&
		    [ $i -gt 10 ] && break
	done
	grep -E '^(CapEff|CapPrm|NoNewPrivs):' "/proc/$p/status" >"$out"
	kill "$p" 2>/dev/null
}
if [ -n "${caps_ok:-}" ]; then
	status_while_writing "$TMP/s1" -axnp
	check "writing: no effective capability" grep -q '^CapEff:.*0000000000000000$' "$TMP/s1"
	check "writing: no permitted capability" grep -q '^CapPrm:.*0000000000000000$' "$TMP/s1"
	check "writing: no_new_privs set" grep -q '^NoNewPrivs:.*1$' "$TMP/s1"
	status_while_writing "$TMP/s2" -axnp -c 1 --count 3
	check "-c writing: no effective capability" grep -q '^CapEff:.*0000000000000000$' "$TMP/s2"
	# cap_dac_read_search (2) and cap_sys_ptrace (19) stay permitted.
	check "-c writing: only the two capabilities stay permitted" \
	    grep -q '^CapPrm:.*0000000000080004$' "$TMP/s2"
	# The lsof face repeating (-r) keeps the same two, never effective.
	status_while_writing "$TMP/s3" -U -r 1 --count 4
	check "-U -r writing: no effective capability" grep -q '^CapEff:.*0000000000000000$' "$TMP/s3"
	check "-U -r writing: only the two capabilities stay permitted" \
	    grep -q '^CapPrm:.*0000000000080004$' "$TMP/s3"
fi
finish
