/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sockstat.h - the one socket record every source fills and every
 * formatter reads, the exit codes, and the options that main parses.
 */
#ifndef SOCKSTAT_H
#define SOCKSTAT_H

#include <sys/types.h>

#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>

#define SOCKSTAT_VERSION	"0.1.0"

/* Exit codes; man/sockstat.8 EXIT STATUS lists exactly these. */
#define EXIT_OK		0	/* success */
#define EXIT_FAIL	1	/* runtime failure: no source could be read */
#define EXIT_USAGE	2	/* bad flag or value */

/*
 * Kernel socket states, in the kernel's own numbering
 * (include/net/tcp_states.h).  UNIX sockets use the same numbering in
 * sk_state: LISTEN, ESTABLISHED (connected) or CLOSE (unconnected).
 */
enum sock_state {
	ST_UNKNOWN = 0,
	ST_ESTABLISHED = 1,
	ST_SYN_SENT,
	ST_SYN_RECV,
	ST_FIN_WAIT1,
	ST_FIN_WAIT2,
	ST_TIME_WAIT,
	ST_CLOSE,
	ST_CLOSE_WAIT,
	ST_LAST_ACK,
	ST_LISTEN,
	ST_CLOSING,
	ST_NEW_SYN_RECV,	/* request sockets; reported as SYN_RECV */
	ST_BOUND_INACTIVE,
	ST_MAX			/* first value past the kernel's table */
};

/* Bit for state s in a state mask, as sock_diag's idiag_states uses. */
#define ST_BIT(s)	(1U << (s))
/* Every state /proc/net/tcp and a default dump show (not BOUND_INACTIVE). */
#define ST_ALL		(ST_BIT(ST_NEW_SYN_RECV + 1) - 2)

/* Protocol of a row: the sections of the netstat face, in their order. */
enum sock_proto {
	PROTO_TCP = 0,
	PROTO_UDP,
	PROTO_UDPLITE,		/* UDP-Lite (RFC 3828): netstat's "udpl" */
	PROTO_RAW,
	PROTO_UNIX,
	PROTO_COUNT
};

/* Kinds of TCP timer, as /proc/net/tcp "tr" and inet_diag idiag_timer. */
enum sock_timer {
	TIMER_OFF = 0,
	TIMER_ON = 1,		/* retransmit */
	TIMER_KEEPALIVE = 2,
	TIMER_TIMEWAIT = 3,
	TIMER_PROBE = 4		/* zero window probe */
};

/* Which optional fields of a row hold a value (a source may lack some). */
#define ROW_HAS_COOKIE	0x01	/* cookie (netlink only) */
#define ROW_HAS_IFINDEX	0x02	/* ifindex (netlink only) */
#define ROW_HAS_V6ONLY	0x04	/* v6only (netlink, IPv6 only) */
#define ROW_HAS_PEER	0x08	/* peer_inode (UNIX, netlink only) */
#define ROW_HAS_QUEUES	0x10	/* rqueue/wqueue (always but UNIX from /proc) */
#define ROW_HAS_REFCNT	0x20	/* refcnt (UNIX from /proc/net/unix) */
#define ROW_HAS_TIMER	0x40	/* timer, expires_ms, retrans, probes (TCP) */
#define ROW_HAS_UID	0x80	/* uid (not for UNIX from /proc) */
#define ROW_HAS_BACKLOG	0x100	/* backlog (LISTEN, netlink only) */

union sock_addr {
	struct in_addr	v4;
	struct in6_addr	v6;
};

/* One process holding a socket through one descriptor (the owner map). */
struct sock_ext;		/* --info, --mem, --extended (tcpinfo.h) */

struct sock_owner {
	pid_t		 pid;
	uid_t		 uid;
	int		 fd;
	char		 mode;		/* 'r', 'w' or 'u', as lsof */
	const char	*command;	/* raw /proc/PID/comm, unescaped */
	const char	*argv0;		/* netstat's program name: argv[0]
					   of /proc/PID/cmdline, raw; NULL
					   when not read (procmap.h) */
	const char	*cgroup;	/* /proc/PID/cgroup, raw, for its
					   container (container.h); NULL
					   when not read (procmap.h) */
};

/*
 * The network namespace a row was read in (--netns, --all-netns): its
 * nsfs inode, its /run/netns name (raw, NULL for none) and the text the
 * Netns column shows (the name escaped, else the inode).
 */
struct sock_netns {
	uint64_t	 inode;
	const char	*name;
	const char	*label;
};

/*
 * The socket record.  Sources fill it in a callback; pointers in it
 * (path, owners) are only valid during that callback, so a consumer that
 * keeps rows copies them (see rowvec.h).
 */
struct sock_row {
	uint8_t		 family;	/* AF_INET, AF_INET6 or AF_UNIX */
	uint8_t		 proto;		/* enum sock_proto */
	uint8_t		 type;		/* SOCK_STREAM, SOCK_DGRAM, ... */
	uint8_t		 state;		/* enum sock_state */
	uint8_t		 timer;		/* enum sock_timer */
	uint8_t		 v6only;	/* IPV6_V6ONLY set */
	uint16_t	 has;		/* ROW_HAS_* */
	uint16_t	 lport;		/* host order; RAW: protocol number */
	uint16_t	 rport;		/* host order */
	union sock_addr	 laddr;
	union sock_addr	 raddr;
	uint32_t	 rqueue;	/* receive queue, bytes (LISTEN: accept queue) */
	uint32_t	 wqueue;	/* send queue, bytes (LISTEN: 0, as /proc) */
	uint32_t	 backlog;	/* LISTEN: max accept backlog (netlink) */
	uint32_t	 uid;
	uint32_t	 ifindex;	/* bound device, 0 for none */
	uint32_t	 retrans;
	uint32_t	 refcnt;	/* UNIX /proc RefCount */
	uint32_t	 probes;	/* TCP: unanswered keepalive or zero
					   window probes (ROW_HAS_TIMER) */
	uint64_t	 expires_ms;
	uint64_t	 inode;
	uint64_t	 cookie;
	uint64_t	 peer_inode;	/* UNIX: peer's inode, 0 if none */
	const char	*path;		/* UNIX: raw name bytes, NULs kept */
	size_t		 path_len;	/* 0: unnamed; path[0]=='\0': abstract */
	const struct sock_owner *owners;	/* filled by main for -p views */
	size_t		 nowners;
	const struct sock_ext *ext;	/* NULL unless --info, --mem or
					   --extended asked and the source
					   gave them (netlink) */
	const struct sock_netns *netns;	/* NULL unless --netns or
					   --all-netns: the row's namespace,
					   valid for the whole pass */
};

/* Consumer of rows: return 0 to go on, -1 (errno set) to stop the dump. */
typedef int (*row_cb)(const struct sock_row *, void *arg);

/* Which face the output takes. */
enum face {
	FACE_NETSTAT = 0,	/* sockstat -an */
	FACE_LSOF,		/* sockstat -i */
	FACE_SUMMARY,		/* sockstat -s */
	FACE_OPENMETRICS	/* sockstat --openmetrics */
};

enum watch_method {
	WATCH_AUTO = 0,		/* trace when privileged, else poll */
	WATCH_TRACE,		/* the sock:inet_sock_set_state tracepoint */
	WATCH_POLL		/* sock_diag snapshots diffed by cookie */
};

struct lsof_sel;		/* the lsof face's selection (lsof.h) */
struct fexpr;			/* a parsed FILTER (fexpr.h) */

enum source_choice {
	SOURCE_AUTO = 0,	/* netlink, then /proc/net for what it lacks */
	SOURCE_NETLINK,		/* netlink only: fail if unavailable */
	SOURCE_PROC		/* /proc/net only */
};

/*
 * Protocols a kernel may lack altogether (UDP-Lite is optional and on
 * its way out): when not asked for by name, their absence is no gap.
 */
#define PROTO_OPTIONAL	(1U << PROTO_UDPLITE)

/* Families selected (-4, -6; UNIX via -x). */
#define FAM_INET4	0x1
#define FAM_INET6	0x2

/* Most keys --sort takes (sort.h); options.sort holds them 0-ended. */
#define SORT_KEYS_MAX	11

/*
 * Everything the command line selects.  Fields are named after the long
 * option so that tests can build one in two lines.
 */
struct options {
	enum face	 face;
	enum source_choice source;
	unsigned	 protos;	/* bitmask of 1 << PROTO_*; 0: all */
	unsigned	 protos_implied;	/* of protos, those filter_normalize
					   added: not asked for by name */
	unsigned	 families;	/* FAM_*; 0: both */
	int		 all;		/* -a: servers and the rest */
	int		 listening;	/* -l: servers only */
	int		 numeric_hosts;	/* -n */
	int		 numeric_ports;	/* -n */
	int		 numeric_users;	/* -n */
	int		 resolve;	/* -r: DNS lookups allowed */
	int		 extend;	/* -e: User, Inode */
	int		 timers;	/* -o: Timer */
	int		 program;	/* -p: PID/Program name */
	int		 wide;		/* -W: accepted, nothing is cut anyway */
	int		 json;		/* --json */
	/* --sort: sort.h's keys, most significant first, 0-ended; none:
	   rows stream in kernel order */
	unsigned char	 sort[SORT_KEYS_MAX + 1];
	int		 group_by;	/* -s --by: enum group_by (sort.h); 0: none */
	int		 info;		/* --info: TCP internals */
	int		 mem;		/* --mem: socket memory */
	int		 extended;	/* --extended: cgroup, mark, tos... */
	int		 numeric_rates;	/* --numeric-rates: bits per second */
	int		 continuous;	/* -c: repeat */
	unsigned	 interval_ms;	/* -c SECONDS, -r SECONDS, -E --interval */
	unsigned long	 count;		/* --count N: passes or events; 0: unbounded */
	const char	*proc_root;	/* root of /proc, "/proc" unless tests */

	/* -E, the event stream */
	int		 watch;
	int		 port;		/* --port: either side; -1: any */
	enum watch_method method;	/* --method */
	unsigned	 duration_ms;	/* --duration; 0: unbounded */

	/* --openmetrics: processes listed by socket count (--top) */
	unsigned	 top;
	int		 prometheus;	/* --prometheus: text format 0.0.4 */

	/* -i, the lsof face: its selection; NULL in the netstat face */
	struct lsof_sel	*lsof;

	/* The FILTER: the words after the options (netstat face, -E). */
	int		 filter_argc;
	char		**filter_argv;
	/* Its inet_diag bytecode, filled by main; NULL: none. */
	const void	*filter_bc;
	size_t		 filter_bc_len;
	int		 filter_bc_needed;	/* only the kernel can run some
					   of it: no user-space fallback */
	uint16_t	 filter_sport;	/* the local and remote ports it */
	uint16_t	 filter_dport;	/* needs (fexpr_port_hint), or 0 */
	const struct fexpr *filter;	/* -E: the parsed FILTER, by main */

	/* --netns, --all-netns (netns.h) */
	const char	*netns;		/* --netns NAME|PATH|PID; NULL: none */
	int		 all_netns;	/* --all-netns */
	size_t		 netns_width;	/* Netns column width, by main */
};

#endif /* SOCKSTAT_H */
