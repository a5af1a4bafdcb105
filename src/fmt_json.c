/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fmt_json.c - the --json face: one object per socket, streamed.
 *
 * Rows are written as they come and never kept.  By default the pass is
 * one array with each socket's object on a line of its own, so that both
 * a JSON parser and line tools (grep, head) can read it; with -c each
 * pass is a whole array on one line, one document per line.
 *
 * Every object has the same keys for a family; a value the source could
 * not give (ROW_HAS_*) is null rather than a made-up 0.  The keys:
 *   proto, family, type, state;
 *   inet: local, remote {address, port}; a RAW socket's local port is
 *     its IP protocol number, as the kernel reports it;
 *   unix: path ("@name" if abstract, null if unnamed), peer_inode;
 *   recv_q, send_q, backlog (LISTEN only), uid, inode, cookie,
 *   interface (ifindex, 0: none), v6only, refcnt,
 *   timer {kind, expires_ms, retrans, probes};
 *   tcp_info, skmem, cgroup_id, mark, tos, tclass, shutdown, sockopt:
 *     only with --info, --mem, --extended (tcpinfo_json.c);
 *   owners [{pid, command, argv0, user, uid, fd}], only with -p:
 *     command is comm (lsof's COMMAND), argv0 netstat's program name
 *     (null when not read; procmap.h).
 * Names a process or the system controls (path, command, argv0, user)
 * carry their exact value; when it is not UTF-8, a key_bytes member
 * holds its bytes in hex next to it (jsonw_text_field).
 */
#include <sys/socket.h>

#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "fmt.h"
#include "jsonw.h"
#include "names.h"
#include "tcpinfo.h"
#include "users.h"

struct json_state {
	FILE		*out;
	const struct options *o;
	struct jsonw	*j;
	struct users	*users;
};

/*
 * The user name of uid as passwd has it, or NULL if there is none (or
 * ENOMEM: *oom set).  It goes out through jsonw_text_field: passwd
 * entries may come from a directory service and hold any bytes.
 */
static const char *
user_name(struct json_state *st, uid_t uid, int *oom)
{
	const char *name;

	if (users_name(st->users, (uint32_t)uid, &name) == -1) {
		*oom = 1;
		return NULL;
	}
	return name;
}

static void *
json_begin(FILE *out, const struct options *o)
{
	struct json_state *st;

	if ((st = calloc(1, sizeof(*st))) == NULL)
		return NULL;
	st->out = out;
	st->o = o;
	if ((st->users = users_new()) == NULL) {
		free(st);
		return NULL;
	}
	if ((st->j = jsonw_new(out, o->continuous ? 0 : JSONW_LINES)) == NULL) {
		users_free(st->users);
		free(st);
		return NULL;
	}
	jsonw_start_array(st->j);
	if (jsonw_status(st->j) == -1) {
		int save_errno = errno;

		jsonw_free(st->j);
		users_free(st->users);
		free(st);
		errno = save_errno;
		return NULL;
	}
	return st;
}

static const char *
family_name(int family)
{
	switch (family) {
	case AF_INET:	return "inet";
	case AF_INET6:	return "inet6";
	case AF_UNIX:	return "unix";
	default:	return NULL;
	}
}

void
fmt_json_netns(struct jsonw *j, const struct sock_netns *ns)
{
	jsonw_key(j, "netns");
	jsonw_start_object(j);
	jsonw_uint_field(j, "inode", ns->inode);
	jsonw_string_field(j, "name", ns->name);
	jsonw_end_object(j);
}

void
fmt_json_endpoint(struct jsonw *j, const char *key, int family,
    const union sock_addr *a, uint16_t port)
{
	char buf[INET6_ADDRSTRLEN];

	jsonw_key(j, key);
	jsonw_start_object(j);
	if (inet_ntop(family, a, buf, sizeof(buf)) != NULL)
		jsonw_string_field(j, "address", buf);
	else
		jsonw_null_field(j, "address");
	jsonw_uint_field(j, "port", port);
	jsonw_end_object(j);
}

/*
 * "path": a filesystem name cut at its first NUL (the kernel may count
 * the terminating one), an abstract name as "@" and its bytes (NULs
 * included), or null for an unnamed socket.  The exact bytes, through
 * jsonw_text_field: "path_bytes" follows when they are not UTF-8.
 */
static int
unix_path(struct json_state *st, const struct sock_row *r)
{
	char *p;

	if (r->path == NULL || r->path_len == 0) {
		jsonw_null_field(st->j, "path");
		return 0;
	}
	if (r->path[0] != '\0') {
		jsonw_text_field(st->j, "path", r->path,
		    strnlen(r->path, r->path_len));
		return 0;
	}
	if ((p = malloc(r->path_len)) == NULL)
		return -1;
	p[0] = '@';
	memcpy(p + 1, r->path + 1, r->path_len - 1);
	jsonw_text_field(st->j, "path", p, r->path_len);
	free(p);
	return 0;
}

/*
 * The owner's container (--all-netns, read with its cgroup): null when
 * none is known.  The name where the runtime keeps it on disk (Docker,
 * Podman: container_name), else null.
 */
static void
container(struct jsonw *j, const struct sock_owner *ow)
{
	char name[CONTAINER_NAME_MAX];
	struct container c;

	jsonw_key(j, "container");
	if (ow->cgroup == NULL ||
	    container_parse(ow->cgroup, strlen(ow->cgroup), &c) == 0) {
		jsonw_null(j);
		return;
	}
	jsonw_start_object(j);
	jsonw_string_field(j, "runtime", c.runtime);
	if (c.runtime != NULL)
		jsonw_text_field(j, "id", c.id, strlen(c.id));
	else
		jsonw_null_field(j, "id");
	if (container_name(&c, name, sizeof(name)))
		jsonw_text_field(j, "name", name, strlen(name));
	else
		jsonw_null_field(j, "name");
	jsonw_string_field(j, "pod", c.pod[0] != '\0' ? c.pod : NULL);
	jsonw_end_object(j);
}

static int
owners(struct json_state *st, const struct sock_row *r)
{
	const struct sock_owner *ow;
	const char *e;
	size_t i;
	int oom = 0;

	jsonw_key(st->j, "owners");
	jsonw_start_array(st->j);
	for (i = 0; i < r->nowners; i++) {
		ow = &r->owners[i];
		jsonw_start_object(st->j);
		jsonw_int_field(st->j, "pid", ow->pid);
		if (ow->command == NULL)
			jsonw_null_field(st->j, "command");
		else
			jsonw_text_field(st->j, "command", ow->command,
			    strlen(ow->command));
		if (ow->argv0 == NULL)
			jsonw_null_field(st->j, "argv0");
		else
			jsonw_text_field(st->j, "argv0", ow->argv0,
			    strlen(ow->argv0));
		if (st->o->numeric_users)
			jsonw_null_field(st->j, "user");
		else {
			e = user_name(st, ow->uid, &oom);
			if (oom)
				return -1;
			jsonw_text_field(st->j, "user", e,
			    e != NULL ? strlen(e) : 0);
		}
		jsonw_uint_field(st->j, "uid", ow->uid);
		jsonw_int_field(st->j, "fd", ow->fd);
		if (st->o->all_netns)
			container(st->j, ow);
		jsonw_end_object(st->j);
	}
	jsonw_end_array(st->j);
	return 0;
}

static void
timer(struct jsonw *j, const struct sock_row *r)
{
	jsonw_key(j, "timer");
	if (!(r->has & ROW_HAS_TIMER)) {
		jsonw_null(j);
		return;
	}
	jsonw_start_object(j);
	jsonw_string_field(j, "kind", names_timer(r->timer));
	jsonw_uint_field(j, "expires_ms", r->expires_ms);
	jsonw_uint_field(j, "retrans", r->retrans);
	jsonw_uint_field(j, "probes", r->probes);
	jsonw_end_object(j);
}

/* Writes v under key if the row has the field (bit), else null. */
static void
opt_uint(struct jsonw *j, const char *key, int have, uint64_t v)
{
	if (have)
		jsonw_uint_field(j, key, v);
	else
		jsonw_null_field(j, key);
}

static int
json_row(void *arg, const struct sock_row *r)
{
	struct json_state *st = arg;
	struct jsonw *j = st->j;
	const char *proto;
	char state[32], type[16];
	size_t i;
	int inet = r->family == AF_INET || r->family == AF_INET6;

	/* No "6": the family says that here. */
	proto = names_proto_json(r->proto);
	if (names_type(r->type) != NULL) {
		snprintf(type, sizeof(type), "%s", names_type(r->type));
		for (i = 0; type[i] != '\0'; i++)
			type[i] = (char)tolower((unsigned char)type[i]);
	}

	jsonw_start_object(j);
	/* --netns, --all-netns: where the socket lives. */
	if (r->netns != NULL)
		fmt_json_netns(j, r->netns);
	jsonw_string_field(j, "proto", proto);
	jsonw_string_field(j, "family", family_name(r->family));
	jsonw_string_field(j, "type", names_type(r->type) ? type : NULL);
	jsonw_string_field(j, "state",
	    names_state_fmt(r->state, state, sizeof(state)));
	if (inet) {
		fmt_json_endpoint(j, "local", r->family, &r->laddr, r->lport);
		fmt_json_endpoint(j, "remote", r->family, &r->raddr, r->rport);
	} else if (r->family == AF_UNIX) {
		if (unix_path(st, r) == -1)
			return -1;
		opt_uint(j, "peer_inode", r->has & ROW_HAS_PEER, r->peer_inode);
	}
	opt_uint(j, "recv_q", r->has & ROW_HAS_QUEUES, r->rqueue);
	opt_uint(j, "send_q", r->has & ROW_HAS_QUEUES, r->wqueue);
	opt_uint(j, "backlog", r->has & ROW_HAS_BACKLOG, r->backlog);
	opt_uint(j, "uid", r->has & ROW_HAS_UID, r->uid);
	jsonw_uint_field(j, "inode", r->inode);
	opt_uint(j, "cookie", r->has & ROW_HAS_COOKIE, r->cookie);
	opt_uint(j, "interface", r->has & ROW_HAS_IFINDEX, r->ifindex);
	jsonw_key(j, "v6only");
	if (r->has & ROW_HAS_V6ONLY)
		jsonw_bool(j, r->v6only);
	else
		jsonw_null(j);
	opt_uint(j, "refcnt", r->has & ROW_HAS_REFCNT, r->refcnt);
	timer(j, r);
	tcpinfo_json(j, r, tcpinfo_wanted(st->o));
	if (st->o->program && owners(st, r) == -1)
		return -1;
	jsonw_end_object(j);
	return jsonw_status(j);
}

static int
json_end(void *arg)
{
	struct json_state *st = arg;
	int rc, save_errno;

	jsonw_end_array(st->j);
	rc = jsonw_status(st->j);
	save_errno = errno;
	if (fputc('\n', st->out) == EOF && rc == 0) {
		rc = -1;
		save_errno = errno != 0 ? errno : EIO;
	}
	if (fflush(st->out) == EOF && rc == 0) {
		rc = -1;
		save_errno = errno != 0 ? errno : EIO;
	}
	jsonw_free(st->j);
	users_free(st->users);
	free(st);
	errno = save_errno;
	return rc;
}

const struct formatter fmt_json = {
	.name = "json",
	.begin = json_begin,
	.row = json_row,
	.end = json_end,
};
