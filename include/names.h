/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * names.h - the spellings every face shares: states as netstat writes
 * them, protocol labels, socket types and timer kinds.
 */
#ifndef NAMES_H
#define NAMES_H

#include <stddef.h>

#include "sockstat.h"

/*
 * netstat's spelling of a kernel state ("ESTABLISHED", "SYN_RECV", ...);
 * ST_NEW_SYN_RECV reads "SYN_RECV".  NULL for a code with no name: the
 * caller prints "UNKNOWN(n)" (names_state_fmt does).
 */
const char	*names_state(unsigned state);

/* Writes names_state() or "UNKNOWN(n)" into buf; returns buf. */
const char	*names_state_fmt(unsigned state, char *buf, size_t len);

/*
 * netstat's Proto column: "tcp", "udp", "udpl", "raw" or "unix"; with
 * family AF_INET6 "tcp6" etc.  NULL past PROTO_COUNT.
 */
const char	*names_proto(unsigned proto, int family);

/* The JSON and -s name: "tcp", "udp", "udplite", "raw", "unix" or NULL. */
const char	*names_proto_json(unsigned proto);

/* "STREAM", "DGRAM", "SEQPACKET", "RAW", ... or NULL. */
const char	*names_type(unsigned type);

/* "off", "on", "keepalive", "timewait", "probe" or NULL. */
const char	*names_timer(unsigned timer);

#endif /* NAMES_H */
