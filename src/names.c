/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * names.c - spellings shared by the netstat face, the lsof face and JSON.
 */
#include <sys/socket.h>

#include <stdio.h>

#include "names.h"

static const char *const state_names[ST_MAX] = {
	[ST_ESTABLISHED]	= "ESTABLISHED",
	[ST_SYN_SENT]		= "SYN_SENT",
	[ST_SYN_RECV]		= "SYN_RECV",
	[ST_FIN_WAIT1]		= "FIN_WAIT1",
	[ST_FIN_WAIT2]		= "FIN_WAIT2",
	[ST_TIME_WAIT]		= "TIME_WAIT",
	[ST_CLOSE]		= "CLOSE",
	[ST_CLOSE_WAIT]		= "CLOSE_WAIT",
	[ST_LAST_ACK]		= "LAST_ACK",
	[ST_LISTEN]		= "LISTEN",
	[ST_CLOSING]		= "CLOSING",
	/* Request sockets are half-open connections: netstat's SYN_RECV. */
	[ST_NEW_SYN_RECV]	= "SYN_RECV",
	[ST_BOUND_INACTIVE]	= "BOUND_INACTIVE",
};

const char *
names_state(unsigned state)
{
	return state < ST_MAX ? state_names[state] : NULL;
}

const char *
names_state_fmt(unsigned state, char *buf, size_t len)
{
	const char *s = names_state(state);

	if (s != NULL)
		snprintf(buf, len, "%s", s);
	else
		snprintf(buf, len, "UNKNOWN(%u)", state);
	return buf;
}

const char *
names_proto(unsigned proto, int family)
{
	static const char *const v4[PROTO_COUNT] = {
		[PROTO_TCP] = "tcp", [PROTO_UDP] = "udp",
		[PROTO_UDPLITE] = "udpl", [PROTO_RAW] = "raw",
		[PROTO_UNIX] = "unix" };
	static const char *const v6[PROTO_COUNT] = {
		[PROTO_TCP] = "tcp6", [PROTO_UDP] = "udp6",
		[PROTO_UDPLITE] = "udpl6", [PROTO_RAW] = "raw6",
		[PROTO_UNIX] = "unix" };

	if (proto >= PROTO_COUNT)
		return NULL;
	return family == AF_INET6 ? v6[proto] : v4[proto];
}

const char *
names_proto_json(unsigned proto)
{
	static const char *const n[PROTO_COUNT] = {
		[PROTO_TCP] = "tcp", [PROTO_UDP] = "udp",
		[PROTO_UDPLITE] = "udplite", [PROTO_RAW] = "raw",
		[PROTO_UNIX] = "unix" };

	return proto < PROTO_COUNT ? n[proto] : NULL;
}

const char *
names_type(unsigned type)
{
	switch (type) {
	case SOCK_STREAM:	return "STREAM";
	case SOCK_DGRAM:	return "DGRAM";
	case SOCK_RAW:		return "RAW";
	case SOCK_RDM:		return "RDM";
	case SOCK_SEQPACKET:	return "SEQPACKET";
	case SOCK_PACKET:	return "PACKET";
	default:		return NULL;
	}
}

const char *
names_timer(unsigned timer)
{
	static const char *const t[] = { "off", "on", "keepalive", "timewait", "probe" };

	return timer < sizeof(t) / sizeof(t[0]) ? t[timer] : NULL;
}
