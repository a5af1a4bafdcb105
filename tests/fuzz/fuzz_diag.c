/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_diag.c - diag_parse_msg on one netlink message of any shape.
 *
 * Input: a byte choosing the request (every family and protocol
 * diag_collect asks for, and a few mismatched pairs), then the message.
 * The message is copied into a buffer of exactly nlmsg_len bytes, the
 * length clamped to what the input holds but never below a header, as
 * diag_walk only hands on messages that mnl_nlmsg_ok accepted.  ASan then
 * sees any read past the message.
 */
#include <sys/socket.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/unix_diag.h>

#include <errno.h>

#include "diag.h"
#include "fuzz.h"

static const struct dump_req reqs[] = {
	{ AF_INET, PROTO_TCP, ST_ALL, 0 },
	{ AF_INET, PROTO_UDP, ST_ALL, 0 },
	{ AF_INET, PROTO_RAW, ST_ALL, 0 },
	{ AF_INET6, PROTO_TCP, ST_ALL, 0 },
	{ AF_INET6, PROTO_UDP, ST_ALL, 0 },
	{ AF_INET6, PROTO_RAW, ST_ALL, 0 },
	{ AF_INET, PROTO_UDPLITE, ST_ALL, 0 },
	{ AF_INET6, PROTO_UDPLITE, ST_ALL, 0 },
	{ AF_UNIX, PROTO_UNIX, ST_ALL, 0 },
	/* Pairs diag_collect never makes: they must fail, not misparse. */
	{ AF_UNIX, PROTO_TCP, ST_ALL, 0 },
	{ AF_INET, PROTO_UNIX, ST_ALL, 0 },
	{ AF_INET6, PROTO_COUNT, ST_ALL, 0 },
};
#define NREQS	(sizeof(reqs) / sizeof(reqs[0]))

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct dump_req *req;
	struct nlmsghdr *nlh, hdr;
	struct sock_row row;
	const char *buf, *end;
	size_t msglen, len, alloc;
	volatile uint8_t sink = 0;
	size_t i;
	int rc;

	if (size < 1)
		return 0;
	req = &reqs[data[0] % NREQS];
	data++;
	msglen = size - 1;

	/* The length the message claims, clamped to the bytes there are. */
	memset(&hdr, 0, sizeof(hdr));
	memcpy(&hdr, data, msglen < sizeof(hdr) ? msglen : sizeof(hdr));
	len = hdr.nlmsg_len;
	if (len > msglen)
		len = msglen;
	alloc = len < sizeof(hdr) ? sizeof(hdr) : len;
	if ((nlh = calloc(1, alloc)) == NULL)
		return 0;
	memcpy(nlh, data, msglen < alloc ? msglen : alloc);
	nlh->nlmsg_len = (uint32_t)len;

	errno = 0;
	rc = diag_parse_msg(nlh, req, &row);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == -1) {
		FUZZ_CHECK(errno == EINVAL);
		free(nlh);
		return 0;
	}

	buf = (const char *)nlh;
	end = buf + len;
	FUZZ_CHECK(len > NLMSG_HDRLEN);
	FUZZ_CHECK((uint8_t)buf[NLMSG_HDRLEN] == req->family);
	FUZZ_CHECK(row.family == req->family);
	FUZZ_CHECK(row.proto == req->proto);
	if (req->family == AF_UNIX) {
		FUZZ_CHECK(req->proto == PROTO_UNIX);
		FUZZ_CHECK(len >= NLMSG_HDRLEN + sizeof(struct unix_diag_msg));
	} else {
		FUZZ_CHECK(req->proto == PROTO_TCP ||
		    req->proto == PROTO_UDP || req->proto == PROTO_UDPLITE ||
		    req->proto == PROTO_RAW);
		FUZZ_CHECK(len >= NLMSG_HDRLEN + sizeof(struct inet_diag_msg));
		/* Request sockets are reported as SYN_RECV. */
		FUZZ_CHECK(row.state != ST_NEW_SYN_RECV);
		FUZZ_CHECK(row.path == NULL && row.path_len == 0);
	}
	if (row.state == ST_LISTEN && (row.has & ROW_HAS_QUEUES))
		FUZZ_CHECK(row.wqueue == 0 && (row.has & ROW_HAS_BACKLOG));
	if (row.has & ROW_HAS_V6ONLY)
		FUZZ_CHECK(row.family == AF_INET6);

	/* The name points into the message and stays inside it. */
	FUZZ_CHECK((row.path == NULL) == (row.path_len == 0));
	if (row.path != NULL) {
		FUZZ_CHECK(row.path > buf && row.path + row.path_len <= end);
		/* A pathname stops at its NUL; an abstract one keeps all. */
		if (row.path[0] != '\0')
			FUZZ_CHECK(memchr(row.path, '\0', row.path_len) ==
			    NULL);
		for (i = 0; i < row.path_len; i++)
			sink ^= (uint8_t)row.path[i];
	}
	/* A listener's waiting connections: its type and name, no inode. */
	if (row.family == AF_UNIX && row.state == ST_LISTEN) {
		struct sock_row emb;
		size_t k;

		for (k = 0; (rc = diag_parse_embryo(nlh, &row, k, &emb)) == 1;
		    k++) {
			FUZZ_CHECK(k < len / sizeof(uint32_t));
			FUZZ_CHECK(emb.inode == 0 && emb.type == row.type &&
			    emb.state == ST_SYN_SENT);
			FUZZ_CHECK(emb.path == row.path &&
			    emb.path_len == row.path_len);
		}
		FUZZ_CHECK(rc == 0 || (rc == -1 && errno == EINVAL));
	}
	(void)sink;
	free(nlh);
	return 0;
}
