/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fexpr.h - filter expressions: ss's selection language and the forms
 * people type that ss refuses.  fexpr.c parses the words into a tree,
 * fexpr_eval.c decides a row in user space, fexpr_bc.c compiles the
 * tree to inet_diag bytecode so the kernel drops what cannot match.
 *
 * The grammar (man/sockstat.8, FILTER):
 *
 *	filter	:= { (state | exclude) STATE }... [ or ]
 *	or	:= and { (or | ||) and }...
 *	and	:= unary { [and | &&] unary }...
 *	unary	:= (not | !) unary | ( or ) | pred
 *	pred	:= (src | dst) [=] HOST[/PLEN][:PORT] | src [=] PATHGLOB
 *		 | (sport | dport | port) [OP] [:]PORT
 *		 | dev [=] NAME|INDEX | fwmark [=] MARK[/MASK]
 *		 | cgroup [=] PATH | autobound
 *		 | proc [=] NAME | pid [=] N | uid [=] N|NAME
 *		 | netns [=] NAME|INODE
 */
#ifndef FEXPR_H
#define FEXPR_H

#include <stddef.h>
#include <stdint.h>

#include "sockstat.h"

#define FEXPR_ERRLEN	160

/* Node kinds. */
enum fx_kind {
	FX_TRUE = 0,
	FX_FALSE,
	FX_AND,
	FX_OR,
	FX_NOT,
	FX_SPORT,	/* cmp, port */
	FX_DPORT,
	FX_SRC,		/* host */
	FX_DST,
	FX_PATH,	/* str: glob on a UNIX socket's name */
	FX_DEV,		/* num: ifindex */
	FX_MARK,	/* num, mask */
	FX_CGROUP,	/* id */
	FX_AUTO,	/* autobound: the kernel chose the port; num,
			   mask: the ephemeral range */
	FX_PROC,	/* str: glob on a holder's command */
	FX_PID,		/* num */
	FX_UID,		/* num: the socket's uid */
	FX_NETNS	/* str: a /run/netns name, or digits: an inode */
};

enum fx_cmp { FX_EQ = 0, FX_NE, FX_LT, FX_LE, FX_GT, FX_GE };

/* A host condition, as the kernel's inet_diag_hostcond means it. */
struct fx_host {
	uint8_t		 family;	/* AF_INET, AF_INET6, 0: any address */
	uint8_t		 plen;		/* prefix bits compared */
	int		 port;		/* -1: any */
	union sock_addr	 addr;
};

struct fx_node {
	enum fx_kind	 kind;
	int		 a, b;		/* children (AND, OR: a b; NOT: a) */
	enum fx_cmp	 cmp;
	uint16_t	 port;
	struct fx_host	 host;
	uint32_t	 num, mask;
	uint64_t	 id;
	char		*str;
};

/* What an expression needs beyond the socket rows. */
#define FX_NEEDS_OWNERS	0x1	/* proc, pid: the owner map */
#define FX_NEEDS_KERNEL	0x2	/* fwmark, cgroup, autobound: only the
				   kernel can check them (netlink) */
#define FX_NEEDS_IFINDEX 0x4	/* dev: rows from netlink */
#define FX_NEEDS_NETADMIN 0x8	/* fwmark: the kernel runs a mark test
				   only for CAP_NET_ADMIN */
#define FX_NEEDS_NETNS	0x10	/* netns: rows that carry their
				   namespace (--netns, --all-netns) */

struct fexpr {
	struct fx_node	*n;
	size_t		 nn, cap;
	int		 root;		/* -1: no expression (states only) */
	int		 has_states;	/* a state or exclude clause */
	uint32_t	 states;	/* ST_BIT mask from the clauses */
	unsigned	 needs;		/* FX_NEEDS_* */
};

/*
 * Parses text (the filter words joined by spaces) into *out.  Returns 0,
 * or -1 with errno EINVAL (or ENOMEM) and, for EINVAL, a one-line message
 * in err saying what was expected and *pos the byte offset of the first
 * bad token in text.  Host, service, device and user names are looked up
 * here.  Free the result with fexpr_free().
 */
int		 fexpr_parse(const char *text, struct fexpr **out, char *err,
		    size_t errlen, size_t *pos);

/* Frees fx; NULL is a no-op. */
/*
 * As fexpr_parse, but a host, service or user name is looked up only in
 * a child process that calls drop first (privs_drop_user: NSS modules and
 * DNS replies then meet another uid and no capability), and what it
 * answers is checked as input; an expression without names is parsed in
 * this process, with no child made.  errno as fexpr_parse's (EINVAL: a
 * bad expression, err and *pos say why), or the child's failure (never
 * EINVAL: drop's errno; EIO: it died; EPROTO: its answer was malformed).
 */
int		 fexpr_parse_apart(const char *text, int (*drop)(void),
		    struct fexpr **out, char *err, size_t errlen, size_t *pos);

/*
 * The same with a child that stays, for filters typed later (top): made
 * by fexpr_apart_start while drop can still leave uid 0, asked by
 * fexpr_apart_parse (a NULL child: EPERM for a text with names), ended
 * by fexpr_apart_stop.
 */
struct fexpr_apart;

struct fexpr_apart *fexpr_apart_start(int (*drop)(void));
int		 fexpr_apart_parse(struct fexpr_apart *a, const char *text,
		    struct fexpr **out, char *err, size_t errlen, size_t *pos);
void		 fexpr_apart_stop(struct fexpr_apart *a);

void		 fexpr_free(struct fexpr *fx);

/*
 * Whether word can start a filter (a keyword, "(", "!", "sport=22"), so
 * that the command line tells a filter from a stray word.
 */
int		 fexpr_is_start(const char *word);

/* Kleene values of fexpr_eval. */
#define FX_NO		0
#define FX_YES		1
#define FX_UNKNOWN	2

/*
 * Decides r against the expression of fx (not its states).  owners_known:
 * r->owners holds every holder (else proc and pid are unknown).  fwmark,
 * cgroup and autobound are unknown for Internet rows: the kernel decided
 * them.  Returns FX_NO, FX_YES or FX_UNKNOWN.
 */
int		 fexpr_eval(const struct fexpr *fx, const struct sock_row *r,
		    int owners_known);

/* Largest program fexpr_bc emits (the u16 jump offsets). */
#define FEXPR_BC_MAX	60000

/*
 * Compiles the expression of fx to inet_diag bytecode for Internet
 * sockets into a new buffer *prog of *len bytes: a program the kernel
 * accepts (INET_DIAG_REQ_BYTECODE) that keeps every socket the
 * expression could select; predicates it cannot run (proc, pid, uid,
 * paths, netns) are relaxed so the kernel keeps a superset.  *prog is NULL when
 * every socket must be kept.  Returns 0, or -1 with errno ENOMEM or
 * E2BIG (longer than FEXPR_BC_MAX).
 */
int		 fexpr_bc(const struct fexpr *fx, void **prog, size_t *len);

/*
 * The local and remote ports every socket the expression of fx selects
 * must have (sport = N, dport = N, src HOST:N, dst HOST:N joined by and
 * at the top), 0 where there is none: the kernel's TCP dump checks them
 * before it runs a program (inet_diag_sockid of the request).
 */
void		 fexpr_port_hint(const struct fexpr *fx, uint16_t *sport,
		    uint16_t *dport);

#endif /* FEXPR_H */
