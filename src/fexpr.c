/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fexpr.c - parses a filter expression into a tree of fx_node (fexpr.h).
 *
 * The tokenizer needs no spaces: "sport=22", "(dport>=1024)" and
 * "!autobound" split where ss's lexer would not.  A word runs until a
 * space or one of ( ) = < > ! and the two-character && and ||.  Errors
 * name what was expected after the words already read and point at the
 * first bad token, so that main can put a caret under it.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fexpr.h"
#include "fexpr_impl.h"

/* Characters that end a word. */
static int
is_delim(char c)
{
	return c == '\0' || isspace((unsigned char)c) || c == '(' ||
	    c == ')' || c == '=' || c == '<' || c == '>' || c == '!';
}

/* Reads the token at pos into p->t. */
static void
lex_at(struct parser *p, size_t pos)
{
	const char *s = p->text;
	struct tok *t = &p->t;

	while (isspace((unsigned char)s[pos]))
		pos++;
	t->pos = pos;
	t->len = 1;
	switch (s[pos]) {
	case '\0':
		t->type = T_END;
		t->len = 0;
		return;
	case '(':
		t->type = T_LP;
		return;
	case ')':
		t->type = T_RP;
		return;
	case '!':
		if (s[pos + 1] == '=') {
			t->type = T_OP, t->cmp = FX_NE, t->len = 2;
			return;
		}
		t->type = T_NOT;
		return;
	case '=':
		t->type = T_OP, t->cmp = FX_EQ;
		t->len = s[pos + 1] == '=' ? 2 : 1;
		return;
	case '<':
	case '>':
		t->type = T_OP;
		t->len = s[pos + 1] == '=' ? 2 : 1;
		t->cmp = s[pos] == '<' ? (t->len == 2 ? FX_LE : FX_LT) :
		    (t->len == 2 ? FX_GE : FX_GT);
		return;
	}
	if ((s[pos] == '&' && s[pos + 1] == '&') ||
	    (s[pos] == '|' && s[pos + 1] == '|')) {
		t->type = s[pos] == '&' ? T_AND : T_OR;
		t->len = 2;
		return;
	}
	t->type = T_WORD;
	while (!is_delim(s[pos + t->len]) &&
	    !(s[pos + t->len] == '&' && s[pos + t->len + 1] == '&') &&
	    !(s[pos + t->len] == '|' && s[pos + t->len + 1] == '|'))
		t->len++;
}

void
fxp_next(struct parser *p)
{
	lex_at(p, p->t.pos + p->t.len);
}

/* Whether the current token is the word w. */
int
fxp_is_word(const struct parser *p, const char *w)
{
	return p->t.type == T_WORD && strlen(w) == p->t.len &&
	    strncmp(p->text + p->t.pos, w, p->t.len) == 0;
}

/* The first error only: it is the one under the caret. */
int
fxp_fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return -1;
	p->failed = 1;
	p->errpos = p->t.pos;
	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	errno = EINVAL;
	return -1;
}

/* The current word as a new string, or NULL (ENOMEM). */
char *
fxp_word_dup(const struct parser *p)
{
	return strndup(p->text + p->t.pos, p->t.len);
}

/* Appends a node; returns its index or -1. */
int
fxp_node_add(struct parser *p, enum fx_kind kind, int a, int b)
{
	struct fexpr *fx = p->fx;
	struct fx_node *n;

	if (fx->nn == fx->cap) {
		size_t cap = fx->cap == 0 ? 16 : fx->cap * 2;

		if ((n = realloc(fx->n, cap * sizeof(*n))) == NULL) {
			p->failed = 1;
			errno = ENOMEM;
			return -1;
		}
		fx->n = n;
		fx->cap = cap;
	}
	n = &fx->n[fx->nn];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->a = a;
	n->b = b;
	n->host.port = -1;
	return (int)fx->nn++;
}

/* State words and groups, as ss names them (and "listen"). */
static const struct {
	const char	*name;
	uint32_t	 mask;
} state_words[] = {
	{ "established",	ST_BIT(ST_ESTABLISHED) },
	{ "syn-sent",		ST_BIT(ST_SYN_SENT) },
	{ "syn-recv",		ST_BIT(ST_SYN_RECV) },
	{ "fin-wait-1",		ST_BIT(ST_FIN_WAIT1) },
	{ "fin-wait-2",		ST_BIT(ST_FIN_WAIT2) },
	{ "time-wait",		ST_BIT(ST_TIME_WAIT) },
	{ "closed",		ST_BIT(ST_CLOSE) },
	{ "close-wait",		ST_BIT(ST_CLOSE_WAIT) },
	{ "last-ack",		ST_BIT(ST_LAST_ACK) },
	{ "listening",		ST_BIT(ST_LISTEN) },
	{ "listen",		ST_BIT(ST_LISTEN) },
	{ "closing",		ST_BIT(ST_CLOSING) },
	{ "all",		ST_ALL },
	{ "connected",		ST_ALL & ~(ST_BIT(ST_LISTEN) |
				    ST_BIT(ST_CLOSE)) },
	{ "synchronized",	ST_ALL & ~(ST_BIT(ST_LISTEN) |
				    ST_BIT(ST_CLOSE) | ST_BIT(ST_SYN_SENT)) },
	{ "bucket",		ST_BIT(ST_SYN_RECV) | ST_BIT(ST_TIME_WAIT) },
	{ "big",		ST_ALL & ~(ST_BIT(ST_SYN_RECV) |
				    ST_BIT(ST_TIME_WAIT)) },
};

/*
 * state X adds X to the mask (the first one starts it from nothing);
 * exclude X takes X out (of every state when no state came first), as
 * ss reads them.
 */
static int
parse_states(struct parser *p)
{
	struct fexpr *fx = p->fx;
	size_t i;
	int excl;

	while (fxp_is_word(p, "state") || fxp_is_word(p, "exclude")) {
		excl = fxp_is_word(p, "exclude");
		fxp_next(p);
		for (i = 0; i < sizeof(state_words) / sizeof(state_words[0]);
		    i++)
			if (fxp_is_word(p, state_words[i].name))
				break;
		if (i == sizeof(state_words) / sizeof(state_words[0]))
			return fxp_fail(p, "expected a state (established, "
			    "listening, ... or a group) after '%s'",
			    excl ? "exclude" : "state");
		if (!fx->has_states)
			fx->states = excl ? ST_ALL : 0;
		fx->has_states = 1;
		if (excl)
			fx->states &= ~state_words[i].mask;
		else
			fx->states |= state_words[i].mask;
		fxp_next(p);
	}
	return 0;
}

/* Skips an optional "=" after a keyword. */
static void
skip_eq(struct parser *p)
{
	if (p->t.type == T_OP && p->t.cmp == FX_EQ)
		fxp_next(p);
}

/* The predicates that take one argument: dev, fwmark, cgroup, ... */
static const struct {
	const char	*word;
	enum fx_kind	 kind;
} keyword_preds[] = {
	{ "dev",	FX_DEV },
	{ "fwmark",	FX_MARK },
	{ "cgroup",	FX_CGROUP },
	{ "proc",	FX_PROC },
	{ "pid",	FX_PID },
	{ "uid",	FX_UID },
	{ "netns",	FX_NETNS },
};

unsigned
fxp_kind_needs(enum fx_kind k)
{
	switch (k) {
	case FX_DEV:
		return FX_NEEDS_IFINDEX;
	case FX_MARK:
		return FX_NEEDS_KERNEL | FX_NEEDS_NETADMIN;
	case FX_CGROUP:
	case FX_AUTO:
		return FX_NEEDS_KERNEL;
	case FX_PROC:
	case FX_PID:
		return FX_NEEDS_OWNERS;
	case FX_NETNS:
		return FX_NEEDS_NETNS;
	default:
		return 0;
	}
}

static int
parse_keyword(struct parser *p, size_t i)
{
	uint32_t v = 0;
	int a, rc;

	if ((a = fxp_node_add(p, keyword_preds[i].kind, -1, -1)) == -1)
		return -1;
	p->fx->needs |= fxp_kind_needs(keyword_preds[i].kind);
	fxp_next(p);
	skip_eq(p);
	switch (keyword_preds[i].kind) {
	case FX_DEV:
		rc = fxp_dev(p, a);
		break;
	case FX_MARK:
		rc = fxp_mark(p, a);
		break;
	case FX_CGROUP:
		rc = fxp_cgroup(p, a);
		break;
	case FX_UID:
		rc = fxp_uid(p, a);
		break;
	case FX_PID:
		rc = fxp_word_number(p, INT32_MAX, &v, NULL) == -1 ?
		    fxp_fail(p, "expected a process id after 'pid'") : 0;
		p->fx->n[a].num = v;
		break;
	default:	/* FX_PROC, FX_NETNS */
		if (p->t.type != T_WORD)
			return fxp_fail(p, keyword_preds[i].kind == FX_NETNS ?
			    "expected a namespace name or inode after 'netns'" :
			    "expected a command name after 'proc'");
		if ((p->fx->n[a].str = fxp_word_dup(p)) == NULL) {
			p->failed = 1;
			errno = ENOMEM;
			return -1;
		}
		rc = 0;
		break;
	}
	if (rc == -1)
		return -1;
	fxp_next(p);
	return a;
}

static int	parse_or(struct parser *);

static int
parse_pred(struct parser *p)
{
	size_t i;
	int a;

	if (fxp_is_word(p, "sport") || fxp_is_word(p, "dport") || fxp_is_word(p, "port"))
		return fxp_portcmp(p);
	if (fxp_is_word(p, "src") || fxp_is_word(p, "dst"))
		return fxp_host(p);
	if (fxp_is_word(p, "autobound")) {
		p->fx->needs |= fxp_kind_needs(FX_AUTO);
		if ((a = fxp_node_add(p, FX_AUTO, -1, -1)) != -1)
			fxp_port_range(&p->fx->n[a]);
		fxp_next(p);
		return a;
	}
	for (i = 0; i < sizeof(keyword_preds) / sizeof(keyword_preds[0]);
	    i++)
		if (fxp_is_word(p, keyword_preds[i].word))
			return parse_keyword(p, i);
	if (fxp_is_word(p, "state") || fxp_is_word(p, "exclude"))
		return fxp_fail(p, "state and exclude go before the expression");
	if (p->t.type == T_END)
		return fxp_fail(p, "expected a predicate (src, dst, sport, dport, "
		    "port, dev, ...) at the end");
	return fxp_fail(p, "expected a predicate (src, dst, sport, dport, port, "
	    "dev, ...) or '('");
}

static int
parse_unary(struct parser *p)
{
	int a;

	if (p->depth >= FX_DEPTH_MAX)
		return fxp_fail(p, "expression nested too deep");
	if (p->t.type == T_NOT || fxp_is_word(p, "not")) {
		fxp_next(p);
		p->depth++;
		a = parse_unary(p);
		p->depth--;
		return a == -1 ? -1 : fxp_node_add(p, FX_NOT, a, -1);
	}
	if (p->t.type == T_LP) {
		fxp_next(p);
		p->depth++;
		a = parse_or(p);
		p->depth--;
		if (a == -1)
			return -1;
		if (p->t.type != T_RP)
			return fxp_fail(p, "expected ')' or an operator");
		fxp_next(p);
		return a;
	}
	return parse_pred(p);
}

/* Whether the current token starts another operand (juxtaposition). */
static int
starts_operand(const struct parser *p)
{
	return p->t.type == T_LP || p->t.type == T_NOT ||
	    (p->t.type == T_WORD && !fxp_is_word(p, "or"));
}

static int
parse_and(struct parser *p)
{
	int a, b;

	if ((a = parse_unary(p)) == -1)
		return -1;
	for (;;) {
		if (p->t.type == T_AND || fxp_is_word(p, "and")) {
			fxp_next(p);
		} else if (!starts_operand(p))
			return a;
		if ((b = parse_unary(p)) == -1 ||
		    (a = fxp_node_add(p, FX_AND, a, b)) == -1)
			return -1;
	}
}

static int
parse_or(struct parser *p)
{
	int a, b;

	if ((a = parse_and(p)) == -1)
		return -1;
	while (p->t.type == T_OR || fxp_is_word(p, "or")) {
		fxp_next(p);
		if ((b = parse_and(p)) == -1 ||
		    (a = fxp_node_add(p, FX_OR, a, b)) == -1)
			return -1;
	}
	return a;
}

void
fexpr_free(struct fexpr *fx)
{
	size_t i;

	if (fx == NULL)
		return;
	for (i = 0; i < fx->nn; i++)
		free(fx->n[i].str);
	free(fx->n);
	free(fx);
}

int
fxp_lookup(struct parser *p)
{
	if (p->lookups)
		return 0;
	if (!p->failed) {
		p->failed = p->deferred = 1;
		p->errpos = p->t.pos;
	}
	errno = EAGAIN;
	return -1;
}

int
fexpr_parse(const char *text, struct fexpr **out, char *err, size_t errlen,
    size_t *pos)
{
	return fxp_parse(text, 1, out, err, errlen, pos);
}

int
fxp_parse(const char *text, int lookups, struct fexpr **out, char *err,
    size_t errlen, size_t *pos)
{
	struct parser p;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	p.text = text;
	p.err = err;
	p.errlen = errlen;
	p.lookups = lookups;
	if ((p.fx = calloc(1, sizeof(*p.fx))) == NULL)
		return -1;
	p.fx->root = -1;
	lex_at(&p, 0);
	if (parse_states(&p) == 0 && p.t.type != T_END &&
	    (p.fx->root = parse_or(&p)) != -1 && p.t.type != T_END)
		fxp_fail(&p, p.t.type == T_RP ? "unbalanced ')'" :
		    "expected 'and', 'or' or the end");
	if (p.failed) {
		*pos = p.errpos;
		if (p.deferred)
			errno = EAGAIN;
		else if (errno != ENOMEM)
			errno = EINVAL;
		fexpr_free(p.fx);
		return -1;
	}
	*out = p.fx;
	return 0;
}

int
fexpr_is_start(const char *word)
{
	static const char *const starts[] = { "state", "exclude", "src",
	    "dst", "sport", "dport", "port", "dev", "fwmark", "cgroup",
	    "autobound", "proc", "pid", "uid", "netns", "not" };
	size_t i, n = strcspn(word, "()=<>!: \t");

	if (word[0] == '(' || word[0] == '!')
		return 1;
	for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		if (strlen(starts[i]) == n && strncmp(word, starts[i], n) == 0)
			return 1;
	return 0;
}
