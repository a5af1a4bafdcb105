/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * diag_rx.c - receiving one dump, a few datagrams ahead of its parser.
 *
 * The first datagram is received by the caller's thread: most dumps end
 * in it, and then no thread is started.  When the caller asks for a
 * second one, a reader thread takes over the receiving and fills the free slots in turn while the caller
 * parses the slot it holds; it stops after the datagram that ends the
 * dump, after a receive error, or when the caller asks.  A dump is only
 * ever left midway by a caller that stops early, and then the kernel
 * still has a datagram for the receive in progress: the join never waits
 * on a silent socket.
 */
#include <sys/types.h>

#include <linux/netlink.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "diag_rx.h"

int
diag_rx_init(struct diag_rx *rx, size_t buflen)
{
	memset(rx, 0, sizeof(*rx));
	rx->buflen = buflen;
	rx->nslots = DIAG_RX_SLOTS;
	if ((rx->buf[0] = malloc(buflen)) == NULL)
		return -1;
	return 0;
}

void
diag_rx_free(struct diag_rx *rx)
{
	size_t i;

	for (i = 0; i < DIAG_RX_PREFETCH_SLOTS; i++) {
		free(rx->buf[i]);
		rx->buf[i] = NULL;
	}
}

int
diag_rx_start(struct diag_rx *rx, struct mnl_socket *nl, unsigned int portid,
    unsigned int seq)
{
	if (rx->threaded) {
		errno = EBUSY;
		return -1;
	}
	rx->nl = nl;
	rx->portid = portid;
	rx->seq = seq;
	rx->head = rx->tail = 0;
	rx->held = rx->stop = 0;
	rx->nslots = DIAG_RX_SLOTS;
	return 0;
}

int
diag_rx_is_last(const char *buf, size_t n, unsigned int portid,
    unsigned int seq)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int left = n > INT_MAX ? INT_MAX : (int)n;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (!mnl_nlmsg_portid_ok(nlh, portid) ||
		    !mnl_nlmsg_seq_ok(nlh, seq))
			continue;
		if (nlh->nlmsg_type == NLMSG_DONE ||
		    nlh->nlmsg_type == NLMSG_ERROR)
			return 1;
	}
	return 0;
}

/* One datagram into slot; returns 1 when it ends the dump (or failed). */
static int
rx_recv(struct diag_rx *rx, unsigned slot)
{
	ssize_t n;

	do
		n = mnl_socket_recvfrom(rx->nl, rx->buf[slot], rx->buflen);
	while (n == -1 && errno == EINTR);
	rx->len[slot] = n;
	rx->err[slot] = n == -1 ? errno : 0;
	return n == -1 ||
	    diag_rx_is_last(rx->buf[slot], (size_t)n, rx->portid, rx->seq);
}

static void *
rx_reader(void *arg)
{
	struct diag_rx *rx = arg;
	unsigned slot;
	int last;

	for (;;) {
		pthread_mutex_lock(&rx->mu);
		/* Slots in use: filled and not yet given back. */
		while (!rx->stop &&
		    rx->head - rx->tail + (unsigned)rx->held >= rx->nslots)
			pthread_cond_wait(&rx->cv, &rx->mu);
		if (rx->stop) {
			pthread_mutex_unlock(&rx->mu);
			break;
		}
		slot = rx->head % rx->nslots;
		pthread_mutex_unlock(&rx->mu);

		last = rx_recv(rx, slot);

		pthread_mutex_lock(&rx->mu);
		rx->head++;
		pthread_cond_broadcast(&rx->cv);
		pthread_mutex_unlock(&rx->mu);
		if (last)
			break;
	}
	return NULL;
}

/*
 * Starts the reader when the caller asks for a second datagram, so that
 * it never reads ahead of a caller that stopped at the first (a redone
 * dump).  Without memory or a thread the caller goes on receiving by
 * itself: slower, not wrong.
 */
static void
rx_spawn(struct diag_rx *rx)
{
	sigset_t all, old;
	size_t i;

	for (i = 1; i < rx->nslots; i++)
		if (rx->buf[i] == NULL &&
		    (rx->buf[i] = malloc(rx->buflen)) == NULL)
			return;
	if (pthread_mutex_init(&rx->mu, NULL) != 0)
		return;
	if (pthread_cond_init(&rx->cv, NULL) != 0) {
		pthread_mutex_destroy(&rx->mu);
		return;
	}
	/* Signals are for the main thread: the reader only retries EINTR. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rx->threaded = pthread_create(&rx->thread, NULL, rx_reader, rx) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!rx->threaded) {
		pthread_cond_destroy(&rx->cv);
		pthread_mutex_destroy(&rx->mu);
	}
}

int
diag_rx_prefetch(struct diag_rx *rx)
{
	if (rx->threaded || rx->head != 0) {
		errno = EBUSY;
		return -1;
	}
	rx->nslots = DIAG_RX_PREFETCH_SLOTS;
	rx_spawn(rx);
	if (!rx->threaded) {
		rx->nslots = DIAG_RX_SLOTS;
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

ssize_t
diag_rx_next(struct diag_rx *rx, const char **buf)
{
	unsigned slot;

	/* A second datagram is wanted: the dump is a long one. */
	if (!rx->threaded && rx->head == 1)
		rx_spawn(rx);
	if (!rx->threaded) {
		/* Slot 0 each time: the first datagram, or no thread. */
		(void)rx_recv(rx, 0);
		rx->tail = ++rx->head;
		rx->held = 1;
		slot = 0;
	} else {
		pthread_mutex_lock(&rx->mu);
		rx->held = 0;
		pthread_cond_broadcast(&rx->cv);
		while (rx->head == rx->tail)
			pthread_cond_wait(&rx->cv, &rx->mu);
		slot = rx->tail++ % rx->nslots;
		rx->held = 1;
		pthread_mutex_unlock(&rx->mu);
	}
	if (rx->len[slot] == -1) {
		errno = rx->err[slot];
		return -1;
	}
	*buf = rx->buf[slot];
	return rx->len[slot];
}

void
diag_rx_finish(struct diag_rx *rx)
{
	size_t i;

	if (!rx->threaded)
		return;
	pthread_mutex_lock(&rx->mu);
	rx->stop = 1;
	pthread_cond_broadcast(&rx->cv);
	pthread_mutex_unlock(&rx->mu);
	pthread_join(rx->thread, NULL);
	pthread_cond_destroy(&rx->cv);
	pthread_mutex_destroy(&rx->mu);
	rx->threaded = 0;
	rx->held = 0;
	/* Handles of many namespaces must not keep a thread's buffers. */
	for (i = 1; i < DIAG_RX_PREFETCH_SLOTS; i++) {
		free(rx->buf[i]);
		rx->buf[i] = NULL;
	}
}
