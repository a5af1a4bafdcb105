#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# As root every test file starts in a network namespace of its own
# (run.sh): no socket of an earlier file, not even a TIME_WAIT of t_echo
# or t_demo, is there, so comparisons with the peers see only what this
# file made and nothing can expire between two runs.  Without a
# namespace (not root) there is nothing to check.
. "$SOCKSTAT_TESTS/lib.sh"

if ! in_netns; then
	ok "# skip: not in a namespace of its own (not root)"
	exit 0
fi
"$SOCKSTAT" -antuwx >"$TMP/s.out" 2>"$TMP/s.err"
check "a new file's namespace: sockstat exits 0" [ $? -eq 0 ]
check "a new file's namespace holds no socket of earlier files (sockstat)" \
    [ "$(sed '/^Active /d; /^Proto /d' "$TMP/s.out" | wc -l)" -eq 0 ]
if command -v ss >/dev/null 2>&1; then
	ss -Htanu >"$TMP/ss.out" 2>&1
	check "a new file's namespace holds no Internet socket (ss)" \
	    [ ! -s "$TMP/ss.out" ]
fi
finish
