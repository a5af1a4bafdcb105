#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Names are looked up (getaddrinfo for hosts, getservbyname for
# services, getpwnam for users) only without privileges (issue 11 item
# 6): by a child that leaves uid 0 for 65534, with no supplementary
# group and no capability, in every mode (the lsof face, -r, a filter
# in a listing, -p, -c, marks, -E and top).  A preloaded shim records
# Uid, Gid, Groups, CapEff and CapPrm from /proc/self/status at each
# call, then calls the real function.
. "$SOCKSTAT_TESTS/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "# not root: no capability to see dropped, skipped"
	finish
	exit 0
fi
CC=${CC:-cc}
cat >"$TMP/shim.c" <<'C'
#define _GNU_SOURCE
#include <sys/socket.h>
#include <dlfcn.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends "FN Uid: ...", "FN CapEff: ..." and the like to $SHIM_LOG. */
static void
record(const char *fn)
{
	const char *path = getenv("SHIM_LOG");
	char line[256];
	FILE *in, *out;

	if (path == NULL || (in = fopen("/proc/self/status", "r")) == NULL)
		return;
	if ((out = fopen(path, "a")) != NULL) {
		while (fgets(line, sizeof(line), in) != NULL)
			if (strncmp(line, "CapEff:", 7) == 0 ||
			    strncmp(line, "CapPrm:", 7) == 0 ||
			    strncmp(line, "Uid:", 4) == 0 ||
			    strncmp(line, "Gid:", 4) == 0 ||
			    strncmp(line, "Groups:", 7) == 0)
				fprintf(out, "%s %s", fn, line);
		fclose(out);
	}
	fclose(in);
}

int
getaddrinfo(const char *node, const char *service,
    const struct addrinfo *hints, struct addrinfo **res)
{
	int (*real)(const char *, const char *, const struct addrinfo *,
	    struct addrinfo **) = (int (*)(const char *, const char *,
	    const struct addrinfo *, struct addrinfo **))dlsym(RTLD_NEXT,
	    "getaddrinfo");

	record("getaddrinfo");
	return real(node, service, hints, res);
}

struct servent *
getservbyname(const char *name, const char *proto)
{
	struct servent *(*real)(const char *, const char *) =
	    (struct servent *(*)(const char *, const char *))dlsym(RTLD_NEXT,
	    "getservbyname");

	record("getservbyname");
	return real(name, proto);
}

struct passwd *
getpwnam(const char *name)
{
	struct passwd *(*real)(const char *) =
	    (struct passwd *(*)(const char *))dlsym(RTLD_NEXT, "getpwnam");

	record("getpwnam");
	return real(name);
}
C
if ! "$CC" -shared -fPIC -o "$TMP/shim.so" "$TMP/shim.c" -ldl 2>"$TMP/cc.err"; then
	echo "# cannot build the shim ($CC): skipped"; sed 's/^/#   /' "$TMP/cc.err"
	finish
	exit 0
fi
# A sanitizer build wants its runtime first; the shim does not mind.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

hold_sockets srv --seconds 600 tcp4 || { not_ok "holder started"; exit 1; }
PORT=$(jget "$TMP/srv.json" 'd["tcp4"]["listen"]["port"]' 2>/dev/null)
if [ -z "$PORT" ]; then
	sed 's/^/#   /' "$TMP/srv.json"
	not_ok "holder port"; exit 1
fi

# run LOG ARGS...: sockstat with the shim, calls recorded in LOG, which
# the lookups' child, uid 65534, may append to.
chmod 711 "$TMP"
run() {
	log=$1; shift
	: >"$log"
	chmod 666 "$log"
	SHIM_LOG=$log LD_PRELOAD=$TMP/shim.so "$SOCKSTAT" "$@" \
	    >"$TMP/run.out" 2>"$TMP/run.err"
}

# no_caps LOG: lookups were recorded, each with CapEff and CapPrm 0, as
# uid and gid 65534, in no supplementary group.
no_caps() {
	grep -q 'CapEff:' "$1" &&
	    ! grep 'CapEff:' "$1" | grep -v 'CapEff:[[:space:]]*0000000000000000$' &&
	    ! grep 'CapPrm:' "$1" | grep -v 'CapPrm:[[:space:]]*0000000000000000$' &&
	    ! grep ' Uid:' "$1" | grep -v 'Uid:[[:space:]]*65534[[:space:]]*65534[[:space:]]*65534[[:space:]]*65534$' &&
	    ! grep ' Gid:' "$1" | grep -v 'Gid:[[:space:]]*65534[[:space:]]*65534[[:space:]]*65534[[:space:]]*65534$' &&
	    ! grep ' Groups:' "$1" | grep -v 'Groups:[[:space:]]*$'
}

run "$TMP/one.log" -i "TCP@localhost:$PORT" -i :ssh -u root -n -P
rc=$?
check "-i @localhost:PORT -i :ssh -u root lists the listener" \
    sh -c "[ $rc -eq 0 ] && grep -q ' TCP 127\\.0\\.0\\.1:$PORT (LISTEN)\$' '$TMP/run.out'"
for fn in getaddrinfo getservbyname getpwnam; do
	check "$fn was called (and recorded)" grep -q "^$fn CapEff:" "$TMP/one.log"
done
check "CapEff is 0 at every lookup" \
    sh -c "! grep 'CapEff:' '$TMP/one.log' | grep -v 'CapEff:[[:space:]]*0000000000000000\$'"
check "CapPrm is 0 at every lookup" \
    sh -c "! grep 'CapPrm:' '$TMP/one.log' | grep -v 'CapPrm:[[:space:]]*0000000000000000\$'"
check "uid and gid 65534, no group, at every lookup" no_caps "$TMP/one.log"
sed 's/^/#   /' "$TMP/one.log" | sort -u | head -10

# -r keeps the two /proc capabilities permitted; its lookups hold none.
run "$TMP/r.log" -r1 --count 1 -i "TCP@localhost:$PORT" -u root -n -P
check "-r: no capability, uid 65534 at every lookup" no_caps "$TMP/r.log"

# A name with no answer is still a usage error, after the reduction.
run "$TMP/bad.log" -i :no-such-service-here -n -P
rc=$?
check "unknown service: exit 2, message names it, nothing on stdout" \
    sh -c "[ $rc -eq 2 ] && grep -q 'no-such-service-here' '$TMP/run.err' && [ ! -s '$TMP/run.out' ]"
check "unknown service: looked up without privileges" no_caps "$TMP/bad.log"
run "$TMP/badu.log" -i -u no-such-user-here -n -P
rc=$?
check "unknown user: exit 2, message names it" \
    sh -c "[ $rc -eq 2 ] && grep -q 'no-such-user-here' '$TMP/run.err'"

# Filter expressions: every name looked up by a child without capabilities.
run "$TMP/f1.log" -tan "sport = $PORT or sport = ssh or uid root or src localhost"
rc=$?
check "filter: ssh, root and localhost list the listener" \
    sh -c "[ $rc -eq 0 ] && grep -q '127\.0\.0\.1:$PORT .* LISTEN' '$TMP/run.out'"
for fn in getaddrinfo getservbyname getpwnam; do
	check "filter: $fn was called (and recorded)" \
	    grep -q "^$fn CapEff:" "$TMP/f1.log"
done
check "filter: no capability, uid 65534, at every lookup" no_caps "$TMP/f1.log"
run "$TMP/f2.log" -tanp "src localhost:$PORT"
rc=$?
check "filter with -p: the listener and its holder" \
    sh -c "[ $rc -eq 0 ] && grep -q '127\.0\.0\.1:$PORT .* LISTEN *[0-9][0-9]*/' '$TMP/run.out'"
check "filter with -p (two capabilities kept): none at the lookup" \
    no_caps "$TMP/f2.log"
run "$TMP/f3.log" -tanp -c 1 --count 2 "sport = ssh or src localhost"
check "filter with -c -p: none at the lookup" no_caps "$TMP/f3.log"
run "$TMP/f4.log" -tan "fwmark 0/0 and src localhost"
rc=$?
check "filter with fwmark (cap_net_admin kept): lists, none at the lookup" \
    eval "[ $rc -eq 0 ] && grep -q ':$PORT ' '$TMP/run.out' && no_caps '$TMP/f4.log'"
run "$TMP/f5.log" -E -tn --method=poll --duration 1 "src localhost"
rc=$?
check "-E with a filter: exit 0, none at the lookup (all were held)" \
    eval "[ $rc -eq 0 ] && no_caps '$TMP/f5.log'"
run "$TMP/f6.log" top -b -n 1 "src localhost"
rc=$?
check "top with a filter: exit 0, none at the lookup" \
    eval "[ $rc -eq 0 ] && no_caps '$TMP/f6.log'"
run "$TMP/f7.log" -tan "sport = $PORT and dport = no-such-service-here"
rc=$?
check "filter: unknown service: exit 2, caret under it, nothing on stdout" \
    sh -c "[ $rc -eq 2 ] && grep -q \"no service named 'no-such-service-here'\" '$TMP/run.err' && grep -q '^ *^ ' '$TMP/run.err' && [ ! -s '$TMP/run.out' ]"
check "filter: unknown service: looked up without capabilities" \
    no_caps "$TMP/f7.log"
finish
