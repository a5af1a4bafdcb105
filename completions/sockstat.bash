# SPDX-License-Identifier: BSD-2-Clause
# bash completion for sockstat(8).
#
# The options of each form and the values of those that list them
# ("--source netlink|proc|auto") are read from "sockstat --help" of the
# binary being completed, once per binary, so that this file cannot drift
# from the parser: --help is usage.c, which t_manopts holds equal to the
# man page and to the parsers.  What --help cannot say is written here:
# subcommands, lsof's -i SPEC parts and -s states, filter expression
# keywords and state words, --sort keys and --by groups, users, PIDs,
# host names, network namespace names.
#
# zsh runs this same code through bashcompinit (completions/_sockstat):
# each function starts in ksh emulation there (arrays from 0, words
# split), and nothing here is bash alone.

# Forms, in the order of the sections of --help (usage.h).
_sockstat_forms=(netstat lsof watch demo echo-server echo-client top)
_sockstat_subcommands="demo echo-client echo-server top"
_sockstat_tcp_states="ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT1 FIN_WAIT2
    TIME_WAIT CLOSE CLOSE_WAIT LAST_ACK LISTEN CLOSING"
_sockstat_filter_words="state exclude src dst sport dport port dev fwmark
    cgroup autobound proc pid uid netns not and or"
_sockstat_filter_states="established syn-sent syn-recv fin-wait-1
    fin-wait-2 time-wait closed close-wait last-ack listening listen
    closing all connected synchronized bucket big"
_sockstat_sort_keys="state local remote lport rport recv-q send-q pid
    command uid inode"
_sockstat_by_groups="state proto process user remote lport netns"
_sockstat_top_keys="owner local remote state send recv rtt cwnd retrans
    recvq sendq"

# _sockstat_load BIN: parses BIN --help into _sockstat_opts[FORM] (the
# option words) and _sockstat_arg[FORM:OPT] (its argument: "" none, a
# word, "[word]" optional, or "a|b|c" the values).
_sockstat_load() {
	[[ -n ${ZSH_VERSION-} ]] && emulate -L ksh
	local bin=$1 line flags form=-1 w arg f
	local -a words
	[[ ${_sockstat_bin-} == "$bin" ]] && return 0
	declare -gA _sockstat_opts=() _sockstat_arg=()
	while IFS= read -r line; do
		if [[ -z $line ]]; then
			continue
		elif [[ $line != " "* ]]; then
			# A section title after the synopsis: the next form.
			[[ $line == usage:* || $line == "       "* ||
			    $line == "Every option"* ]] && continue
			form=$((form + 1))
			continue
		fi
		((form >= 0 && form < ${#_sockstat_forms[@]})) || continue
		# "  FLAGS<blanks>description": FLAGS end at two blanks.
		flags=${line#  }
		flags=${flags%%  *}
		# "-c, --continuous [seconds]": words; the last one that does
		# not start with '-' is the argument of every name before it.
		if [[ -n ${ZSH_VERSION-} ]]; then
			read -r -A words <<<"${flags//,/ }"
		else
			read -r -a words <<<"${flags//,/ }"
		fi
		f=${_sockstat_forms[form]}
		arg=
		for w in "${words[@]}"; do
			[[ $w != -* ]] && arg+=${arg:+ }$w
		done
		[[ $arg == *" | "* ]] && arg=${arg// \| /|}
		for w in "${words[@]}"; do
			[[ $w == -* ]] || continue
			_sockstat_opts[$f]="${_sockstat_opts[$f]-} $w"
			_sockstat_arg[${f}:${w}]=$arg
		done
	done < <("$bin" --help 2>/dev/null)
	_sockstat_bin=$bin
}

# _sockstat_form WORDS...: the form the command line is in, as the
# parser decides it (cli_form): a subcommand; -i or -U in a cluster of
# flags: lsof; -E or --events: watch; else netstat.
_sockstat_form() {
	[[ -n ${ZSH_VERSION-} ]] && emulate -L ksh
	local w i n=${#COMP_WORDS[@]}
	w=${COMP_WORDS[1]-}
	if ((COMP_CWORD > 1)) && [[ " $_sockstat_subcommands " == *" $w "* ]]
	then
		echo "$w"
		return
	fi
	for ((i = 1; i < n; i++)); do
		((i == COMP_CWORD)) && continue
		w=${COMP_WORDS[i]}
		[[ $w == -- ]] && break
		[[ $w == -[!-]* && ${w%%[cpsuFrg]*} == *[iU]* ]] && {
			echo lsof
			return
		}
	done
	for ((i = 1; i < n; i++)); do
		((i == COMP_CWORD)) && continue
		w=${COMP_WORDS[i]}
		[[ $w == --events || ($w == -[!-]* && $w == *E*) ]] && {
			echo watch
			return
		}
	done
	echo netstat
}

# _sockstat_list CUR WORDS SEP: completes the last SEP-separated part of
# CUR from WORDS, keeping what comes before it.
_sockstat_list() {
	[[ -n ${ZSH_VERSION-} ]] && emulate -L ksh
	local cur=$1 words=$2 sep=$3 head= tail=$1 w
	if [[ $cur == *"$sep"* ]]; then
		head=${cur%"$sep"*}$sep
		tail=${cur##*"$sep"}
	fi
	COMPREPLY=()
	for w in $words; do
		[[ $w == "$tail"* ]] && COMPREPLY+=("$head$w")
	done
}

# _sockstat_value FORM OPT ARG CUR: completes the argument of OPT.
_sockstat_value() {
	[[ -n ${ZSH_VERSION-} ]] && emulate -L ksh
	local form=$1 opt=$2 arg=$3 cur=$4 p
	case ${form}:${opt} in
	lsof:-i)
		# [46][proto][@host][:port]
		if [[ $cur == *@* ]]; then
			COMPREPLY=($(compgen -A hostname -P "${cur%%@*}@" -- \
			    "${cur#*@}"))
		else
			COMPREPLY=($(compgen -W "4 6 TCP UDP 4TCP 4UDP 6TCP 6UDP
			    TCP: UDP: @ :" -- "$cur"))
		fi
		return ;;
	lsof:-s)
		if [[ $cur == *:* ]]; then
			p=${cur%%:*}:
			cur=${cur#*:}
			_sockstat_list "$cur" "$_sockstat_tcp_states \
			    $(printf '^%s ' $_sockstat_tcp_states)" ,
			COMPREPLY=("${COMPREPLY[@]/#/$p}")
		else
			COMPREPLY=($(compgen -W "TCP:" -- "$cur"))
		fi
		return ;;
	lsof:-u) _sockstat_list "$cur" "$(compgen -u)" , ; return ;;
	lsof:-p) _sockstat_list "$cur" "$(cd /proc && compgen -G '[0-9]*')" ,
		return ;;
	top:--sort)
		_sockstat_list "$cur" "$_sockstat_top_keys \
		    $(printf -- '-%s ' $_sockstat_top_keys)" ,
		return ;;
	top:--group)
		COMPREPLY=($(compgen -W "none process remote lport" -- "$cur"))
		return ;;
	*:--sort)
		_sockstat_list "$cur" "$_sockstat_sort_keys \
		    $(printf -- '-%s ' $_sockstat_sort_keys)" ,
		return ;;
	*:--by) COMPREPLY=($(compgen -W "$_sockstat_by_groups" -- "$cur"))
		return ;;
	*:--netns | *:-N)
		COMPREPLY=($(compgen -W "$(ip netns list 2>/dev/null |
		    cut -d' ' -f1)" -- "$cur"))
		return ;;
	echo-*:-a | echo-*:--address)
		COMPREPLY=($(compgen -A hostname -- "$cur"))
		return ;;
	echo-*:--unix)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	esac
	arg=${arg#\[}
	arg=${arg%\]}
	if [[ $arg == *"|"* ]]; then
		COMPREPLY=($(compgen -W "${arg//\|/ }" -- "$cur"))
	else
		COMPREPLY=()	# a number, a name: nothing to offer
	fi
}

_sockstat_bash() {
	[[ -n ${ZSH_VERSION-} ]] && emulate -L ksh
	local cur=${COMP_WORDS[COMP_CWORD]} prev= form arg bin
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	bin=${COMP_WORDS[0]}
	[[ $bin == */* ]] || bin=$(command -v "$bin")
	[[ -x $bin ]] || return 0
	_sockstat_load "$bin"
	form=$(_sockstat_form)

	# --opt=value
	if [[ $cur == --*=* ]]; then
		arg=${_sockstat_arg[${form}:${cur%%=*}]-}
		_sockstat_value "$form" "${cur%%=*}" "$arg" "${cur#*=}"
		COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}")
		return 0
	fi
	# The argument of the word before.
	if [[ $prev == -* && -n ${_sockstat_arg[${form}:${prev}]-} ]]; then
		arg=${_sockstat_arg[${form}:${prev}]}
		# An optional argument ("-c [seconds]") may be left out.
		if [[ $arg != "["* || $cur != -* ]]; then
			_sockstat_value "$form" "$prev" "$arg" "$cur"
			[[ $arg != "["* || ${#COMPREPLY[@]} -gt 0 ||
			    -n $cur ]] && return 0
		fi
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "${_sockstat_opts[$form]-}" -- "$cur"))
	elif ((COMP_CWORD == 1)); then
		COMPREPLY=($(compgen -W "$_sockstat_subcommands" -- "$cur"))
	elif [[ $form == netstat ]]; then
		# A filter expression: keywords, and state words after
		# "state" or "exclude".
		if [[ $prev == state || $prev == exclude ]]; then
			COMPREPLY=($(compgen -W "$_sockstat_filter_states" -- \
			    "$cur"))
		else
			COMPREPLY=($(compgen -W "$_sockstat_filter_words" -- \
			    "$cur"))
		fi
	elif [[ $form == echo-client ]]; then
		COMPREPLY=()	# messages
	fi
	return 0
}
complete -F _sockstat_bash sockstat
