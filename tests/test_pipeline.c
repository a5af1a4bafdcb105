/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_pipeline.c - one pass through the source table, a selection and
 * a formatter, over a scratch /proc whose net/ lacks some files:
 * --source=proc, so the run does not depend on the host's sockets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filter.h"
#include "pipeline.h"

#define TCP_HEAD	"  sl  local_address rem_address   st tx_queue " \
	"rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
/* 127.0.0.1:8080 LISTEN (inode 4242), 127.0.0.1:40000 -> :8080 (4243) */
#define TCP_ROWS \
	"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 " \
	"00000000     0        0 4242 1 0000000000000000 100 0 0 10 0\n" \
	"   1: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 " \
	"00000000     0        0 4243 1 0000000000000000 20 4 30 10 -1\n"

static char root[64];

/* A /proc with net/tcp only: tcp6, udp, udp6, raw, raw6, unix missing. */
static int
setup(void **state)
{
	char path[128];
	FILE *f;

	(void)state;
	snprintf(root, sizeof(root), "/tmp/test_pipeline.XXXXXX");
	if (mkdtemp(root) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/net", root);
	if (mkdir(path, 0755) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/net/tcp", root);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs(TCP_HEAD TCP_ROWS, f);
	return fclose(f) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/net/tcp", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/net", root);
	rmdir(path);
	rmdir(root);
	return 0;
}

/* A formatter that records the inodes it is given and the gaps. */
struct rec {
	uint64_t	 inodes[8];
	const struct sock_netns *ns[8];
	size_t		 n;
	unsigned	 gaps;		/* 1 << (proto * 2 + ipv6) */
};

static struct rec rec;

static void *
rec_begin(FILE *out, const struct options *o)
{
	(void)out;
	(void)o;
	memset(&rec, 0, sizeof(rec));
	return &rec;
}

static int
rec_row(void *st, const struct sock_row *r)
{
	struct rec *c = st;

	if (c->n < 8) {
		c->ns[c->n] = r->netns;
		c->inodes[c->n++] = r->inode;
	}
	return 0;
}

static int
rec_end(void *st)
{
	(void)st;
	return 0;
}

static void
rec_gap(void *st, int family, enum sock_proto proto)
{
	struct rec *c = st;

	c->gaps |= 1U << (proto * 2 + (family == AF_INET6));
}

static const struct formatter fmt_rec = {
	"rec", rec_begin, rec_row, rec_end, rec_gap, 0
};

static void
options_proc(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->source = SOURCE_PROC;
	o->proc_root = root;
	o->all = 1;
	filter_normalize(o);
}

/*
 * The netstat selection over every protocol: tcp read, every other dump
 * recorded as missing from the proc source with ENOENT and reported to
 * the formatter as a gap, and the pass still succeeds.
 */
static void
test_pipeline_pass_missing_files(void **state)
{
	struct pipeline_report rep;
	struct selection *sel;
	struct pipeline *p;
	struct options o;
	unsigned proto;

	(void)state;
	options_proc(&o);
	assert_non_null(sel = filter_selection_new(&o));
	assert_non_null(p = pipeline_new(&o, sel));
	assert_int_equal(pipeline_pass(p, &fmt_rec, stdout, NULL, &rep), 0);
	assert_int_equal(rec.n, 2);
	assert_int_equal(rep.rows, 2);
	assert_string_equal(rep.dumps[PROTO_TCP][0].from, "proc");
	assert_int_equal(rep.dumps[PROTO_TCP][0].nmissed, 0);
	for (proto = 0; proto < PROTO_COUNT; proto++) {
		const struct pipeline_dump *d = &rep.dumps[proto][1];

		if (proto == PROTO_UNIX)
			d = &rep.dumps[proto][0];
		else if (proto != PROTO_TCP) {
			assert_true(rep.dumps[proto][0].asked);
			assert_null(rep.dumps[proto][0].from);
		}
		assert_true(d->asked);
		assert_null(d->from);
		assert_int_equal(d->nmissed, 1);
		assert_string_equal(d->missed[0], "proc");
		assert_int_equal(d->missed_errno[0], ENOENT);
	}
	/* Every dump but tcp's is a gap. */
	assert_int_equal(rec.gaps, ((1U << (PROTO_COUNT * 2)) - 1) & ~1U &
	    ~(1U << (PROTO_UNIX * 2 + 1)));
	pipeline_free(p);
	selection_free(sel);
}

/* -l: the selection's states and match leave the listener alone. */
static void
test_pipeline_pass_listening(void **state)
{
	struct pipeline_report rep;
	struct selection *sel;
	struct pipeline *p;
	struct options o;

	(void)state;
	options_proc(&o);
	o.all = 0;
	o.listening = 1;
	o.protos = 1U << PROTO_TCP;
	o.families = FAM_INET4;
	assert_non_null(sel = filter_selection_new(&o));
	assert_non_null(p = pipeline_new(&o, sel));
	assert_int_equal(pipeline_pass(p, &fmt_rec, stdout, NULL, &rep), 0);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.inodes[0], 4242);
	/* -4: tcp6 is not asked for, so it is no gap. */
	assert_false(rep.dumps[PROTO_TCP][1].asked);
	assert_int_equal(rec.gaps, 0);
	pipeline_free(p);
	selection_free(sel);
}

/*
 * Spaces: each reads the files it pinned when added, whatever the path
 * names later (as another namespace's /proc/net would), its rows carry
 * its id, and one dump goes through every space before the next dump.
 * Cleared, the pass reads the caller's own again.
 */
static void
test_pipeline_spaces(void **state)
{
	struct sock_netns a = { 1, "a", "a" }, b = { 2, NULL, "2" };
	struct pipeline_report rep;
	struct selection *sel;
	struct pipeline *p;
	struct options o;
	char path[128];
	FILE *f;

	(void)state;
	options_proc(&o);
	o.protos = 1U << PROTO_TCP;
	o.families = FAM_INET4;
	assert_non_null(sel = filter_selection_new(&o));
	assert_non_null(p = pipeline_new(&o, sel));
	assert_int_equal(pipeline_space_add(p, &a), 0);
	snprintf(path, sizeof(path), "%s/net/tcp", root);
	assert_int_equal(unlink(path), 0);
	assert_non_null(f = fopen(path, "w"));
	fputs(TCP_HEAD "   0: 0100007F:1F91 00000000:0000 0A 00000000:00000000 "
	    "00:00000000 00000000     0        0 5000 1 0000000000000000 100 "
	    "0 0 10 0\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(pipeline_space_add(p, &b), 0);
	assert_int_equal(pipeline_pass(p, &fmt_rec, stdout, NULL, &rep), 0);
	assert_int_equal(rec.n, 3);
	assert_int_equal(rec.inodes[0], 4242);
	assert_ptr_equal(rec.ns[0], &a);
	assert_int_equal(rec.inodes[1], 4243);
	assert_ptr_equal(rec.ns[1], &a);
	assert_int_equal(rec.inodes[2], 5000);
	assert_ptr_equal(rec.ns[2], &b);
	assert_int_equal(rep.netns_gaps, 0);
	pipeline_spaces_clear(p);
	assert_int_equal(pipeline_pass(p, &fmt_rec, stdout, NULL, &rep), 0);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.inodes[0], 5000);
	assert_null(rec.ns[0]);
	pipeline_free(p);
	selection_free(sel);
	/* The group's fixture again, for the tests after. */
	assert_non_null(f = fopen(path, "w"));
	fputs(TCP_HEAD TCP_ROWS, f);
	assert_int_equal(fclose(f), 0);
}

/*
 * A selection of its own (as a filter expression will be): the
 * pipeline asks it which dumps, which rows and which owners, and shows
 * only what owners() keeps.
 */
static uint32_t
odd_states(const struct selection *s, int family, enum sock_proto proto)
{
	(void)s;
	return family == AF_INET && proto == PROTO_TCP ? ST_ALL : 0;
}

static int
odd_match(const struct selection *s, const struct sock_row *r)
{
	(void)s;
	return r->inode % 2 == 1 ? 7 : 3;
}

static int odd_owner_calls;

static int
odd_owners(struct selection *s, int m, struct sock_row *r)
{
	(void)s;
	odd_owner_calls++;
	assert_int_equal(m, r->inode % 2 == 1 ? 7 : 3);
	return m == 7;
}

static void
odd_free(struct selection *s)
{
	(void)s;
}

static const struct selection_ops odd_ops = {
	odd_states, odd_match, odd_owners, odd_free
};

static void
test_pipeline_pass_selection(void **state)
{
	struct selection sel = { &odd_ops };
	struct pipeline_report rep;
	struct pipeline *p;
	struct options o;

	(void)state;
	options_proc(&o);
	assert_non_null(p = pipeline_new(&o, &sel));
	odd_owner_calls = 0;
	assert_int_equal(pipeline_pass(p, &fmt_rec, stdout, NULL, &rep), 0);
	assert_int_equal(odd_owner_calls, 2);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.inodes[0], 4243);
	assert_int_equal(rep.rows, 1);
	assert_false(rep.dumps[PROTO_UDP][0].asked);
	assert_int_equal(rec.gaps, 0);
	pipeline_free(p);
}

/* Refusal is EPERM or EACCES only; a missing table is not one. */
static void
test_pipeline_refused(void **state)
{
	(void)state;
	assert_true(pipeline_refused(EPERM));
	assert_true(pipeline_refused(EACCES));
	assert_false(pipeline_refused(ENOENT));
	assert_false(pipeline_refused(EPROTONOSUPPORT));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipeline_pass_missing_files),
		cmocka_unit_test(test_pipeline_pass_listening),
		cmocka_unit_test(test_pipeline_pass_selection),
		cmocka_unit_test(test_pipeline_refused),
		cmocka_unit_test(test_pipeline_spaces),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
