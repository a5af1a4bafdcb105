/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lsof.h - the lsof face: lsof's letters on the command line (-i SPEC,
 * -U, -a, -p, -c, -u, -s, -n, -P, -l, -t, -F, -r) and the selection they
 * make.  Only sockets are ever listed: the face's "universe" is every
 * TCP and UDP socket when -i appears and every UNIX socket with -U.
 *
 * Which (socket, owner) pairs are listed, exactly:
 *   - a socket outside the universe, or dropped by -s, never is;
 *   - an owner whose pid, user or command a ^ exclusion names never is,
 *     with or without -a (as lsof: exclusions always apply);
 *   - without -a (lsof's OR): the pair is listed when some -i SPEC or -U
 *     names the socket, OR some -p, -c or -u inclusion names the owner;
 *   - with -a (AND): a SPEC (or -U) must name the socket AND every kind
 *     of inclusion given (-p, -c, -u; each a list ORed within) the owner.
 * lsof_match_socket() decides the socket part, lsof_match_owner() the
 * owner part and lsof_select_owners() combines them for one row.
 */
#ifndef LSOF_H
#define LSOF_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "fmt.h"
#include "select.h"
#include "sockstat.h"

#define LSOF_ADDRS_MAX	16	/* addresses one -i @host may name */

/* lsof_match_socket() results. */
#define LSOF_SOCK_NO	SELECT_NO	/* never listed */
#define LSOF_SOCK_FACE	SELECT_BY_OWNER	/* in the universe; no SPEC names it */
#define LSOF_SOCK_SPEC	SELECT_ROW	/* a -i SPEC or -U names it */

/* lsof_match_owner() results. */
#define LSOF_OWNER_NO	0	/* excluded (^), or -a and an inclusion misses */
#define LSOF_OWNER_ANY	1	/* not excluded; no inclusion names it */
#define LSOF_OWNER_SEL	2	/* an inclusion names it (-a: all kinds do) */

/*
 * A port item of a SPEC, per protocol ([0] TCP, [1] UDP); lo > hi: none.
 * Port 0 never matches, as in lsof: it is the port of no end.
 */
struct lsof_port {
	uint32_t	 lo[2];
	uint32_t	 hi[2];
	const char	*service;	/* a name lsof_resolve looks up, or NULL */
};

/*
 * One -i SPEC: [46][protocol][@host][:port,...]; empty parts match all.
 * As in lsof, "-i 4" or "-i 6" alone selects by the socket's type (the
 * TYPE column), while the family of any other SPEC is that of its
 * addresses, where a v4-mapped IPv6 address (::ffff:a.b.c.d) is IPv4; a
 * SPEC without a family takes that of an earlier "-i 4" or "-i 6".
 */
struct lsof_spec {
	unsigned	 families;	/* FAM_*; 0: both */
	int		 type_only;	/* "-i 4", "-i 6": match the TYPE */
	unsigned	 protos;	/* 1 << PROTO_TCP, _UDP; 0: both */
	const char	*host;		/* a name lsof_resolve looks up */
	char		*host_copy;	/* owns host when it is a copy */
	int		 pending;	/* a name is not looked up yet */
	size_t		 naddrs;	/* 0: any host */
	uint8_t		 addr_family[LSOF_ADDRS_MAX];
	union sock_addr	 addrs[LSOF_ADDRS_MAX];
	size_t		 nports;	/* 0: any port */
	struct lsof_port *ports;
};

/* A -p or -u item: an id, or one to exclude (^). */
struct lsof_id {
	long		 id;		/* -1 while name is not looked up */
	int		 exclude;
	char		*name;		/* a user name lsof_resolve looks up */
};

/* A -c item: a command prefix, or one to exclude (^). */
struct lsof_cmd {
	const char	*prefix;	/* points into argv */
	int		 exclude;
};

/* -F output: which fields, and the terminator. */
#define LSOF_FIELDS	"pcuLfaltdioPnT" /* the fields sockstat can give */

struct lsof_sel {
	int		 inet;		/* -i given: TCP and UDP listed */
	int		 unix_sockets;	/* -U given */
	int		 and;		/* -a */
	int		 terse;		/* -t */
	int		 fields;	/* -F given */
	int		 field_nul;	/* -F 0: NUL ends each field */
	int		 field_utf8;	/* -F c keeps UTF-8: a UTF-8 locale */
	char		 field_set[sizeof(LSOF_FIELDS)]; /* chosen, in any order */
	int		 tcpi_given;	/* -T given: tcpi replaces the defaults
					   (NAME: s; -F: s and q) */
	char		 tcpi[4];	/* -T's letters of "fqs"; "" for -T */
	struct lsof_spec *specs;
	size_t		 nspecs;
	struct lsof_id	*pids;
	size_t		 npids;
	struct lsof_id	*uids;
	size_t		 nuids;
	struct lsof_cmd	*cmds;
	size_t		 ncmds;
	uint32_t	 states_in;	/* -s TCP:S: ST_BIT mask; 0: no inclusion */
	uint32_t	 states_out;	/* -s TCP:^S */
	unsigned	 type_fams;	/* FAM_* of the "-i 4"/"-i 6" so far */
	/* lsof_select_owners' own state; the pipeline's selection
	   (lsof_selection_new) keeps its own and never writes these */
	unsigned long	 matched;	/* (socket, owner) pairs listed so far */
	struct sock_owner *scratch;	/* lsof_select_owners' result */
	size_t		 scratch_cap;
};


/*
 * Parses lsof's letters into o (zeroed first; face FACE_LSOF, all,
 * program and the dumps to ask for set) and o->lsof (allocated; free it
 * with lsof_sel_free, also after CLI_USAGE).  Returns a cli_result; for
 * CLI_USAGE err holds a one-line message naming the bad word or part.
 * Nothing is looked up here: host, service and user names are kept for
 * lsof_resolve, and match nothing until it ran.
 */
enum cli_result	 lsof_parse(int argc, char **argv, struct options *o,
		    char *err, size_t errlen);

/*
 * Looks up the names lsof_parse kept: hosts (getaddrinfo: may reach
 * DNS), services (getservbyname) and users (getpwnam), all through NSS.
 * Call it after privileges are reduced: NSS modules and DNS replies
 * then meet no capability.  Returns CLI_RUN, or CLI_USAGE with a
 * one-line message in err naming the name that has no answer.
 */
enum cli_result	 lsof_resolve(struct lsof_sel *s, char *err, size_t errlen);

/*
 * lsof_resolve in a child that calls drop first (privs_drop_user: NSS
 * modules and DNS replies meet another uid and no capability); what it
 * answers is checked before it is taken.  No child when there is no name
 * to look up.  Returns CLI_RUN, CLI_USAGE (err says why), or -1 with
 * errno when the child failed (drop's errno; EIO: it died; EPROTO: its
 * answer was malformed).
 */
int		 lsof_resolve_apart(struct lsof_sel *s, int (*drop)(void),
		    char *err, size_t errlen);

/*
 * Stores address a (a struct in_addr or in6_addr) of family af as sp's
 * next host, a v4-mapped IPv6 one as IPv4, as lsof shows and matches
 * it; one the SPEC's family excludes, or past LSOF_ADDRS_MAX, is not.
 */
void		 lsof_spec_add_addr(struct lsof_spec *sp, int af,
		    const void *a);

/*
 * The command name src (len bytes) escaped as lsof 4.95 escapes it into
 * dst (dstlen bytes, NUL-terminated), as mode says.  With
 * cut > 0 only the whole escapes that fit cut display columns are kept
 * (lsof escapes first, then cuts).  Returns the length written.
 */
/* How lsof_cmd_escape() escapes: lsof's table, and its -F c field. */
enum lsof_cmd_mode {
	LSOF_CMD_TABLE,		/* the space and bytes past 0x7f too */
	LSOF_CMD_FIELD,		/* -F in a UTF-8 locale: valid UTF-8 kept */
	LSOF_CMD_FIELD_ASCII	/* -F in another locale: bytes past 0x7f */
};

size_t		 lsof_cmd_escape(char *dst, size_t dstlen, const char *src,
		    size_t len, enum lsof_cmd_mode mode, size_t cut);

/* Frees s and what it owns; NULL is a no-op. */
void		 lsof_sel_free(struct lsof_sel *s);

/*
 * The socket part of the selection: universe, -s states, then the SPECs
 * (family, protocol, host on either end, port on either end) and -U.
 * Returns LSOF_SOCK_NO, LSOF_SOCK_FACE or LSOF_SOCK_SPEC.
 */
int		 lsof_match_socket(const struct lsof_sel *s,
		    const struct sock_row *r);

/*
 * The owner part: ^ exclusions, then the -p, -c and -u inclusions as -a
 * says.  Returns LSOF_OWNER_NO, LSOF_OWNER_ANY or LSOF_OWNER_SEL.
 */
int		 lsof_match_owner(const struct lsof_sel *s,
		    const struct sock_owner *ow);

/*
 * Keeps the owners of r that are listed, given m = lsof_match_socket(s,
 * r): r->owners then points into s (valid until the next call) and
 * r->nowners counts them, 0 when none (do not list r); adds them to
 * s->matched.  Returns 0, or -1 with errno ENOMEM.
 */
int		 lsof_select_owners(struct lsof_sel *s, int m,
		    struct sock_row *r);

/*
 * The selection of o (parsed by lsof_parse: o->lsof set) as a struct
 * selection: the dumps o asks for, lsof_match_socket, then the owners
 * lsof_select_owners would keep, copied into the selection (o->lsof is
 * never written).  o must outlive it.  Returns NULL with errno ENOMEM;
 * free it with selection_free().
 */
struct selection *lsof_selection_new(const struct options *o);

/*
 * The line main prints after each -r pass, newline included, and its
 * length in *len (it may hold a NUL): lsof's "=======\n", with -F "m\n",
 * with -F0 "m\0\n".  Write it with fwrite(3).
 */
const char	*lsof_marker(const struct lsof_sel *s, size_t *len);

/* lsof's name of TCP state st ("LISTEN", "CLOSE_WAIT"), or NULL. */
const char	*lsof_state_name(unsigned st);

#endif /* LSOF_H */
