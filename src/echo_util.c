/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * echo_util.c - what the echo server, its connections and the echo
 * client share: the logger, previews of data, and address
 * parsing and formatting.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "echo.h"
#include "util.h"

void
echo_logf(echo_log_fn log, void *arg, int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log(arg, level, msg);
}

char *
echo_preview(char *dst, size_t dstlen, const void *data, size_t len)
{
	size_t n = len > ECHO_PREVIEW ? ECHO_PREVIEW : len;
	size_t need;

	need = util_escape(dst, dstlen, data, n);
	/* Say when the bytes shown are not all of them. */
	if ((n < len || need >= dstlen) && dstlen > 4)
		strcpy(dst + (need < dstlen - 4 ? need : dstlen - 4), "...");
	return dst;
}

int
echo_addr_parse(const char *host, uint16_t port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (host == NULL)
		return EINVAL;
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
		return 0;
	}
	return EINVAL;
}

char *
echo_addr_format(const struct sockaddr *sa, socklen_t len, char *buf,
    size_t buflen)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
	const struct sockaddr_un *sun = (const struct sockaddr_un *)sa;
	char a[INET6_ADDRSTRLEN];
	size_t plen;

	if (buflen == 0)
		return buf;
	buf[0] = '\0';
	switch (sa->sa_family) {
	case AF_INET:
		inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a));
		snprintf(buf, buflen, "%s:%u", a, ntohs(sin->sin_port));
		break;
	case AF_INET6:
		inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a));
		snprintf(buf, buflen, "[%s]:%u", a, ntohs(sin6->sin6_port));
		break;
	case AF_UNIX:
		plen = len > offsetof(struct sockaddr_un, sun_path) ?
		    len - offsetof(struct sockaddr_un, sun_path) : 0;
		if (plen > sizeof(sun->sun_path))
			plen = sizeof(sun->sun_path);
		/* A pathname address may carry its NUL; an abstract one not. */
		if (plen > 0 && sun->sun_path[0] != '\0')
			plen = strnlen(sun->sun_path, plen);
		if (plen == 0)
			snprintf(buf, buflen, "(unnamed)");
		else
			util_escape(buf, buflen, sun->sun_path, plen);
		break;
	default:
		snprintf(buf, buflen, "(family %d)", sa->sa_family);
		break;
	}
	return buf;
}
