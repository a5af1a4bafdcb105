#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Shell completion (issue 18): completions/sockstat.bash is loaded into
# bash, which is asked for the completions of partial command lines.  The
# options offered for "-" in each form must be exactly those the man page
# documents for that form (t_manopts holds the man page equal to the
# parsers), so the completion cannot drift from them; then the values of
# options, lsof's -i SPEC parts and -s states, subcommands and filter
# keywords.  zsh, when installed, loads completions/_sockstat and must
# answer the same for the options of each form.
. "$SOCKSTAT_TESTS/lib.sh"

top=$SOCKSTAT_TESTS/../..
comp=$top/completions/sockstat.bash
man=$top/man/sockstat.8
if ! command -v bash >/dev/null 2>&1 || [ ! -f "$comp" ]; then
	echo "# bash or completions/sockstat.bash missing: skipped"
	finish
	exit
fi

# ask LINE: the candidates bash offers for LINE (the word being
# completed is the last one; a trailing blank starts an empty one), one
# per line, sorted.
cat >"$TMP/ask.bash" <<'EOF'
source "$1"
bin=$2
shift 2
for line in "$@"; do
	read -r -a COMP_WORDS <<<"$line"
	[[ $line == *" " || -z $line ]] && COMP_WORDS+=("")
	COMP_WORDS=("$bin" "${COMP_WORDS[@]}")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_sockstat_bash
	printf '%s\n' "${COMPREPLY[@]}" | sort -u | grep -v '^$'
	echo "--"
done
EOF
ask() {
	bash "$TMP/ask.bash" "$comp" "$SOCKSTAT" "$1" | sed '/^--$/d'
}

# expect LINE WORD...: the candidates for LINE are exactly WORDs.
expect() {
	line=$1; shift
	ask "$line" >"$TMP/got"
	printf '%s\n' "$@" | sort -u >"$TMP/want"
	check "completes '$line' to: $*" diff "$TMP/want" "$TMP/got"
}

# The options each form documents, as t_manopts reads the man page.
python3 - "$man" >"$TMP/doc" <<'EOF'
import os, sys
sys.dont_write_bytecode = True	# nothing left in the tree
sys.path.insert(0, os.environ["SOCKSTAT_TESTS"])
from manflags import flags
import re, sys
src = open(sys.argv[1]).read().split("\n")
FORMS = ["netstat", "lsof", "watch", "demo", "echo-server", "echo-client",
         "top"]


def span(start, end):
    i = src.index(start)
    return src[i + 1:src.index(end, i)]

def items(lines):
    return set().union(*[flags(l) for l in lines if l.startswith(".It ")])

doc = {f: set() for f in FORMS}
blocks = []
for l in span(".Sh SYNOPSIS", ".Sh DESCRIPTION"):
    if l.startswith(".Nm"):
        blocks.append([])
    elif blocks:
        blocks[-1].append(l)
for f, b in zip(FORMS, blocks):
    for l in b:
        doc[f] |= flags(l)
opts = src.index("The options are as follows:")
doc["netstat"] |= items(src[opts:src.index(".El", opts)])
doc["lsof"] |= items(span(".Ss The lsof face", ".Ss Event stream"))
doc["watch"] |= items(span(".Ss Event stream", ".Ss Methods"))
doc["demo"] |= items(span(".Ss Demo", ".Ss Echo server and client"))
echo = span(".Ss Echo server and client", ".Ss Top")
lists = [i for i, l in enumerate(echo) if l.startswith(".Bl")]
doc["echo-server"] |= items(echo[lists[0]:lists[1]])
doc["echo-client"] |= items(echo[lists[1]:])
doc["top"] |= items(span(".Ss Top", ".Sh ENVIRONMENT"))
# -i and -U select the lsof face: the netstat face's list names them.
doc["netstat"] -= {"-i", "-U"}
for f in FORMS:
    print(f, " ".join(sorted(doc[f])))
EOF

# "-" in each form: exactly the documented options.
for form in netstat lsof watch demo echo-server echo-client top; do
	case $form in
	netstat) pre= ;;
	lsof) pre="-i " ;;
	watch) pre="-E " ;;
	*) pre="$form " ;;
	esac
	sed -n "s/^$form //p" "$TMP/doc" | tr ' ' '\n' | sort -u >"$TMP/want"
	ask "$pre-" >"$TMP/got"
	# The face's own selector is on the line already.
	case $form in
	lsof) sed -i '/^-i$/d' "$TMP/want" "$TMP/got" ;;
	watch) ;;
	esac
	check "$form: the options offered for '-' are those the man page documents" \
	    diff "$TMP/want" "$TMP/got"
done

# Subcommands, long-option prefixes, values.
expect "e" echo-client echo-server
expect "d" demo
expect "--so" --sort --source
expect "--source " netlink proc auto
expect "--source=p" --source=proc
expect "--open" --openmetrics
expect "-E --method " trace poll auto
expect "demo --method t" trace
expect "echo-client --close " client server
expect "top --group " none process remote lport
expect "t" top
expect "top --sort -r" -recv -recvq -remote -retrans -rtt
expect "-i --source a" auto
# An optional value may be left out: "-c -" still offers options.
ask "-c --cou" >"$TMP/got"
check "after -c (optional seconds) options are offered" grep -qx -- --count "$TMP/got"
# lsof's -i SPEC and -s PROTO:STATES.
expect "-i 6T" 6TCP
expect "-i -s TCP:LI" TCP:LISTEN
expect "-i -s TCP:LISTEN,^EST" TCP:LISTEN,^ESTABLISHED
expect "-i -s T" TCP:
expect "-i -u roo" root
# Filter expression keywords and ss's state words.
expect "-t sp" sport
expect "-t state fin" fin-wait-1 fin-wait-2
expect "-t exclude ti" time-wait
# --sort keys and --by groups, once the parser has them.
if "$SOCKSTAT" --help 2>/dev/null | grep -q -- '--sort'; then
	expect "--sort rec" recv-q
	expect "--sort state,-l" state,-local state,-lport
fi

# Network namespace names, from ip netns list (root: one made here).
NS=
if [ "$(id -u)" -eq 0 ] && ip netns add sscomp$$ 2>/dev/null; then
	NS=sscomp$$
	trap 'ip netns del $NS 2>/dev/null; cleanup' EXIT INT TERM
	expect "--netns sscomp" $NS
	expect "-E --netns sscomp" $NS
else
	echo "# not root: no namespace to name; the --netns check skipped"
fi

# zsh: the same options through its own file.
if command -v zsh >/dev/null 2>&1 && [ -f "$top/completions/_sockstat" ]; then
	cat >"$TMP/ask.zsh" <<'EOF'
autoload -U +X compinit && compinit -u -D
_sockstat_bash_file=$1/sockstat.bash
source "$1/_sockstat" 2>/dev/null	# loads the bash code, then fails
COMP_WORDS=("$2" ${=3})		# outside a completion widget
[[ $3 == *" " || -z $3 ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS} - 1))
COMPREPLY=()
_sockstat_bash
# zsh's compgen leaves the matching to zsh: match as zsh would.
cur=${COMP_WORDS[-1]}
print -l -- ${(M)COMPREPLY:#${(b)cur}*} | sort -u | grep -v '^$'
EOF
	for pre in "-" "-i -" "-E -" "echo-client -" "--source " "-i -s TCP:LI" \
	    "-t state fin" ${NS:+"--netns sscomp"}; do
		ask "$pre" >"$TMP/bash.got"
		zsh -f "$TMP/ask.zsh" "$top/completions" "$SOCKSTAT" "$pre" \
		    >"$TMP/zsh.got" 2>"$TMP/zsh.err"
		check "zsh: '$pre' offers what bash offers" \
		    diff "$TMP/bash.got" "$TMP/zsh.got"
	done
else
	echo "# zsh not installed: its check skipped"
fi
finish
