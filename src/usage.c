/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * usage.c - the usage text, in one place.  Each form's synopsis is
 * written as the man page's SYNOPSIS renders it (t_manopts and t_select
 * compare them); each option has one line for --help.
 */
#include <errno.h>
#include <stdio.h>

#include "usage.h"

/*
 * The synopsis of each form, without its "usage: " or the 7 blanks that
 * stand for it: continuation lines are indented to the first bracket.
 */
static const char *const synopsis[USAGE_NFORMS] = {
	[USAGE_NETSTAT] =
"sockstat [-46aelnoprstuWwx] [--all-netns] [--by key] [-c [seconds]]\n"
"                [--count n] [--json] [--netns name|path|pid] [--openmetrics]\n"
"                [--prometheus] [--sort key[,key ...]]\n"
"                [--source netlink|proc|auto] [--top n] [filter]\n",
	[USAGE_LSOF] =
"sockstat -i [spec] [-U] [-alnPtV] [-c command] [-F [fields]] [-p pids]\n"
"                [-r [seconds]] [-s proto:states] [-u users] [--all-netns]\n"
"                [--count n] [--json] [--source netlink|proc|auto]\n",
	[USAGE_WATCH] =
"sockstat -E [-46anprtuWw] [--all-netns] [--count n] [--duration seconds]\n"
"                [--interval ms] [--json] [--method trace | poll | auto]\n"
"                [--netns name|path|pid] [--port port] [filter]\n",
	[USAGE_DEMO] =
"sockstat demo [--method trace | poll | auto]\n",
	[USAGE_ECHO_SERVER] =
"sockstat echo-server [-v] [-a address] [-p port] [--count n]\n"
"                [--idle-timeout seconds] [--max-conns n] [--udp] [--unix path]\n",
	[USAGE_ECHO_CLIENT] =
"sockstat echo-client [-v] [-a address] [-c conns] [-p port] [-w seconds]\n"
"                [--close client | server] [--hold seconds] [--rate bytes]\n"
"                [--udp] [--unix path] [message ...]\n",
	[USAGE_TOP] =
"sockstat top [-b] [-d seconds] [-n frames] [--group by] [--json]\n"
"                [--sort [-]key] [filter]\n",
};

static const char *const title[USAGE_NFORMS] = {
	[USAGE_NETSTAT] = "Listing, as netstat (sockstat -an):",
	[USAGE_LSOF] = "Listing, as lsof (with -i or -U anywhere, lsof's letters):",
	[USAGE_WATCH] = "Event stream (sockstat -E):",
	[USAGE_DEMO] = "sockstat demo:",
	[USAGE_ECHO_SERVER] = "sockstat echo-server:",
	[USAGE_ECHO_CLIENT] = "sockstat echo-client:",
	[USAGE_TOP] = "sockstat top:",
};

static const struct usage_opt netstat_opts[] = {
	{ "-4, --inet", "IPv4 sockets" },
	{ "-6, --inet6", "IPv6 sockets" },
	{ "-a, --all", "every socket: servers and the rest" },
	{ "--all-netns", "every network namespace, Netns column first" },
	{ "--by key", "count per state|proto|process|user|remote|lport" },
	{ "", "or netns (per namespace, and the total)" },
	{ "-c, --continuous [seconds]", "repeat every seconds (default 1)" },
	{ "--count n", "stop after n passes of -c" },
	{ "-e, --extend", "add the User and Inode columns" },
	{ "--extended", "detail line: uid, inode, cookie, cgroup, tos..." },
	{ "-h, --help", "print this help" },
	{ "--info", "detail line: TCP internals (rtt, cwnd, rates...)" },
	{ "--json", "JSON: one socket object per line" },
	{ "-l, --listening", "servers only" },
	{ "--mem", "detail line: socket memory (skmem)" },
	{ "-n, --numeric", "numeric ports and users" },
	{ "--netns name|path|pid", "the sockets of that network namespace" },
	{ "--numeric-hosts", "numeric hosts (the default unless -r)" },
	{ "--numeric-ports", "numeric ports" },
	{ "--numeric-rates", "--info rates in bits per second" },
	{ "--numeric-users", "numeric users" },
	{ "-o, --timers", "add the Timer column" },
	{ "--openmetrics", "metrics for Prometheus (OpenMetrics text)" },
	{ "-p, --programs", "add the PID/Program name column" },
	{ "--prometheus", "as --openmetrics, Prometheus text 0.0.4" },
	{ "-r, --resolve", "look hosts up in DNS (routes: ip route)" },
	{ "-s, --summary", "socket counts, as ss -s (netstat -s: nstat)" },
	{ "--sort key[,key...]", "order rows (-key descends; see the man page)" },
	{ "--source netlink|proc|auto", "read sockets from there (auto)" },
	{ "-t, --tcp", "TCP sockets" },
	{ "--top n", "--openmetrics: the n biggest holders (20)" },
	{ "-u, --udp", "UDP sockets" },
	{ "--udplite", "UDP-Lite sockets (netstat -U)" },
	{ "-V, --version", "print the version" },
	{ "-W, --wide", "accepted: nothing is ever cut" },
	{ "-w, --raw", "raw sockets" },
	{ "-x, --unix", "UNIX domain sockets" },
	{ "filter", "as ss: state listen sport = 22, src 10.0.0.0/8" },
	{ "", "(dport=443 or sport=443), proc sshd (man: FILTER)" },
	{ NULL, NULL }
};

static const struct usage_opt lsof_opts[] = {
	{ "-i [spec]", "Internet sockets, [46][proto][@host][:port]" },
	{ "-U", "UNIX sockets" },
	{ "-a", "AND the selections" },
	{ "-c command", "processes whose command starts so" },
	{ "-F [fields]", "field output for programs, as lsof -F" },
	{ "-h, --help", "print this help" },
	{ "-l", "user IDs instead of names" },
	{ "-n", "numeric hosts" },
	{ "-P", "numeric ports" },
	{ "-p pids", "processes with these PIDs" },
	{ "-r [seconds]", "repeat every seconds (default 15)" },
	{ "-s proto:states", "TCP sockets in these states" },
	{ "-T [fqs]", "NAME's tail: s state, q queues (lsof -T)" },
	{ "-t", "PIDs only" },
	{ "-u users", "processes of these users" },
	{ "-V, -v, --version", "print the version" },
	{ "--all-netns", "every network namespace's sockets, decoded" },
	{ "--count n", "stop after n passes of -r" },
	{ "--json", "JSON, as the netstat face" },
	{ "--source netlink|proc|auto", "read sockets from there (auto)" },
	{ NULL, NULL }
};

static const struct usage_opt watch_opts[] = {
	{ "-E, --events", "one line per socket event, as it happens" },
	{ "-4, -6, -t, -u, -w", "select as the listing does" },
	{ "-n, -r", "numeric ports and users; DNS names" },
	{ "-a, -p, -W", "accepted: always every socket, owners, whole" },
	{ "--all-netns", "every network namespace, Netns column first" },
	{ "--count n", "stop after n events" },
	{ "--duration seconds", "stop after seconds" },
	{ "--interval ms", "between sock_diag snapshots (default 100)" },
	{ "--json", "JSON: one event object per line" },
	{ "--method trace|poll|auto", "tracepoint or snapshots (auto)" },
	{ "--netns name|path|pid", "that network namespace (snapshots)" },
	{ "--port port", "only sockets with this local or remote port" },
	{ NULL, NULL }
};

static const struct usage_opt demo_opts[] = {
	{ "-h, --help", "print this help" },
	{ "--method trace|poll|auto", "tracepoint or snapshots (auto)" },
	{ NULL, NULL }
};

static const struct usage_opt server_opts[] = {
	{ "-a, --address address", "listen there (127.0.0.1)" },
	{ "-h, --help", "print this help" },
	{ "-p, --port port", "listen on port (65432; 0: any free)" },
	{ "-v, --verbose", "log the bytes echoed" },
	{ "--count n", "exit after serving n connections" },
	{ "--idle-timeout seconds", "close idle connections, exit when idle" },
	{ "--max-conns n", "at most n connections at once" },
	{ "--udp", "also echo UDP on the same port" },
	{ "--unix path", "also echo on a UNIX stream socket" },
	{ NULL, NULL }
};

static const struct usage_opt client_opts[] = {
	{ "-a, --address address", "the server's address (127.0.0.1)" },
	{ "-c, --conns conns", "open this many connections at once" },
	{ "-h, --help", "print this help" },
	{ "-p, --port port", "the server's port (65432)" },
	{ "-v, --verbose", "log the bytes echoed" },
	{ "-w, --timeout seconds", "give up on any wait after this long" },
	{ "--close client|server", "which side closes first" },
	{ "--hold seconds", "keep the connections open this long" },
	{ "--rate bytes", "with --hold: send bytes a second while held" },
	{ "--udp", "talk UDP instead of TCP" },
	{ "--unix path", "talk over a UNIX stream socket" },
	{ NULL, NULL }
};

static const struct usage_opt top_opts[] = {
	{ "-b, --batch", "frames to stdout, as top -b" },
	{ "-d, --delay seconds", "refresh every seconds (1; 0.1 to 3600)" },
	{ "-h, --help", "print this help" },
	{ "-n, --frames frames", "stop after this many frames" },
	{ "--group by", "none|process|remote|lport: sums per group" },
	{ "--json", "-b: one JSON object per frame (NDJSON)" },
	{ "--sort key", "send|recv|rtt|retrans|... (-key descends)" },
	{ "filter", "as the listing's FILTER (man: FILTER)" },
	{ NULL, NULL }
};

static const struct usage_opt *const options[USAGE_NFORMS] = {
	[USAGE_NETSTAT] = netstat_opts,
	[USAGE_LSOF] = lsof_opts,
	[USAGE_WATCH] = watch_opts,
	[USAGE_DEMO] = demo_opts,
	[USAGE_ECHO_SERVER] = server_opts,
	[USAGE_ECHO_CLIENT] = client_opts,
	[USAGE_TOP] = top_opts,
};

/* Width of the flags column of --help. */
#define FLAGS_WIDTH	28

static int
status(FILE *f)
{
	if (ferror(f)) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

int
usage_print(FILE *f, enum usage_form form)
{
	if ((unsigned)form >= USAGE_NFORMS) {
		errno = EINVAL;
		return -1;
	}
	fprintf(f, "usage: %s", synopsis[form]);
	return status(f);
}

int
usage_print_all(FILE *f)
{
	int i;

	for (i = 0; i < USAGE_NFORMS; i++)
		fprintf(f, "%s%s", i == 0 ? "usage: " : "       ", synopsis[i]);
	return status(f);
}

/* The option lines of one form, under its title. */
static void
help_options(FILE *f, enum usage_form form)
{
	const struct usage_opt *u;

	fprintf(f, "\n%s\n", title[form]);
	for (u = options[form]; u->flags != NULL; u++)
		fprintf(f, "  %-*s %s\n", FLAGS_WIDTH, u->flags, u->desc);
}

int
usage_help(FILE *f, enum usage_form form)
{
	int i;

	if (form == USAGE_NFORMS) {
		usage_print_all(f);
		for (i = 0; i < USAGE_NFORMS; i++)
			help_options(f, i);
	} else if (usage_print(f, form) == 0)
		help_options(f, form);
	else
		return -1;
	fprintf(f, "\nEvery option, column and JSON key: man sockstat\n");
	return status(f);
}

const struct usage_opt *
usage_options(enum usage_form form)
{
	return (unsigned)form < USAGE_NFORMS ? options[form] : NULL;
}
