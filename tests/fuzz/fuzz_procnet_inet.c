/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_procnet_inet.c - procnet_parse_inet on one line of any bytes.
 *
 * Input: a byte choosing the family and protocol, then the line, which
 * is parsed from a NUL-terminated copy of exactly its length.  A line the
 * parser accepts is printed back in the kernel's own format and parsed
 * again: both rows must agree, so that a field is never read from the
 * wrong column or cut short.
 */
#include <sys/socket.h>

#include <errno.h>
#include <inttypes.h>

#include "fuzz.h"
#include "procnet.h"

/* Prints row as /proc/net/{tcp,udp,raw}[6] would (with "when" 0). */
static int
format_inet(char *buf, size_t len, const struct sock_row *r)
{
	char addr[2][33];
	const union sock_addr *a;
	uint32_t w;
	int i, k, nw = r->family == AF_INET ? 1 : 4;

	for (k = 0; k < 2; k++) {
		a = k == 0 ? &r->laddr : &r->raddr;
		for (i = 0; i < nw; i++) {
			memcpy(&w, (const char *)a + 4 * i, sizeof(w));
			snprintf(addr[k] + 8 * i, 9, "%08" PRIX32, w);
		}
	}
	return snprintf(buf, len, "%4d: %s:%04X %s:%04X %02X %08" PRIX32
	    ":%08" PRIX32 " %02X:%08X %08" PRIX32 " %5" PRIu32 " %8" PRIu32 " %"
	    PRIu64 " 1 0000000000000000 100 0 0 10 0", 7, addr[0], r->lport,
	    addr[1], r->rport, r->state, r->wqueue, r->rqueue, r->timer, 0,
	    r->retrans, r->uid, r->probes, r->inode);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum sock_proto protos[] = {
		PROTO_TCP, PROTO_UDP, PROTO_RAW, PROTO_UNIX, PROTO_UDPLITE
	};
	struct sock_row row, again;
	enum sock_proto proto;
	char *line, back[512];
	int family, rc, n;

	if (size < 1)
		return 0;
	family = (data[0] & 1) ? AF_INET6 : AF_INET;
	proto = protos[(data[0] >> 1) % 5];
	if ((line = malloc(size)) == NULL)
		return 0;
	memcpy(line, data + 1, size - 1);
	line[size - 1] = '\0';

	rc = procnet_parse_inet(line, family, proto, &row);
	if (proto == PROTO_UNIX)
		FUZZ_CHECK(rc == EINVAL);
	FUZZ_CHECK(rc == 0 || rc == EINVAL);
	if (rc != 0) {
		free(line);
		return 0;
	}

	FUZZ_CHECK(row.family == family && row.proto == proto);
	FUZZ_CHECK(row.path == NULL && row.path_len == 0);
	FUZZ_CHECK(row.has & ROW_HAS_QUEUES);
	if (proto == PROTO_TCP)
		FUZZ_CHECK(row.type == SOCK_STREAM &&
		    (row.has & ROW_HAS_TIMER));
	else
		FUZZ_CHECK(row.timer == 0 && row.retrans == 0 &&
		    row.probes == 0 && row.expires_ms == 0 &&
		    !(row.has & ROW_HAS_TIMER));

	n = format_inet(back, sizeof(back), &row);
	FUZZ_CHECK(n > 0 && (size_t)n < sizeof(back));
	FUZZ_CHECK(procnet_parse_inet(back, family, proto, &again) == 0);
	/* "when" was printed as 0, so the timer's expiry is 0 now. */
	row.expires_ms = 0;
	FUZZ_CHECK(fuzz_row_equal(&row, &again));
	free(line);
	return 0;
}
