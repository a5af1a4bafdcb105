/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * echo-load.c - a load generator for "sockstat echo-server": many
 * loopback connections on one epoll loop, and every echoed byte checked
 * twice, byte for byte against the stream sent and by a running FNV-1a
 * hash of each side.  It uses libc only, never the project's code, so a
 * bug in the server cannot hide behind the same bug in the client.
 *
 *	echo-load bulk -p port -c conns -b bytes [-w window] [-P pid]
 *	echo-load ping -p port -c conns -s size -d seconds
 *	echo-load slow -p port -c conns -n noread -d seconds
 *	echo-load rst  -p port -c conns -s size -d seconds
 *	echo-load hold -p port -c conns [-s size]
 *	common: [-a address] [-T deadline]
 *
 * Each mode prints one line of key=value figures on stdout (hold and
 * slow print "ready N" first, once all their conns are up) and exits 0
 * when its checks pass, 1 when one fails, 2 on a usage error.
 * tests/load/run.sh drives it.
 */
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK		65536	/* one send or recv at most */
#define MAX_CONNECTING	256	/* SYNs in flight: stays under the backlog */
#define HELLO		64	/* bytes each bulk or hold conn echoes first */
#define MAX_SAMPLES	(1 << 20)
#define FNV_OFFSET	14695981039346656037ULL
#define FNV_PRIME	1099511628211ULL

enum mode { M_BULK, M_PING, M_SLOW, M_RST, M_HOLD };
enum state { S_FREE, S_CONNECTING, S_OPEN, S_DRAIN };
enum kind { K_NORMAL, K_SLOW, K_NOREAD };

struct lconn {
	int		 fd;
	enum state	 st;
	enum kind	 kind;
	uint32_t	 ev;		/* what epoll watches now */
	uint64_t	 key;		/* names the byte stream */
	uint64_t	 sent, rcvd;
	uint64_t	 goal;		/* send this many in all */
	uint64_t	 hs, hr;	/* FNV-1a of bytes sent, received */
	int64_t		 t0;		/* round or byte start, us */
	int64_t		 next;		/* slow: next byte due, us */
	int		 phase;		/* rst: which abort it does */
};

static struct {
	enum mode	 mode;
	struct sockaddr_storage ss;
	socklen_t	 sslen;
	unsigned	 nconns, noread;
	uint64_t	 bytes;
	uint64_t	 window;
	size_t		 size;
	double		 secs;
	double		 deadline;
	long		 srvpid;
} opt;

static struct {
	int		 epfd;
	struct lconn	*c;
	unsigned	 n;		/* slots */
	unsigned	 connecting, open, open_max, done;
	uint64_t	 nextkey;
	int64_t		 start, end;
	uint64_t	 tx, rx;	/* all payload bytes */
	uint64_t	 rx_base;	/* bulk: rx when the bulk began */
	unsigned long	 errors, mismatch, hashbad, refused;
	unsigned long	 rounds, rsts, eofs, resets, hung;
	unsigned	 hello_done;
	int		 bulk_started;
	int64_t		 held_at, srv_fds;
	int64_t		*rtt;
	size_t		 nrtt;
	int64_t		 rtt_max;
	uint64_t	 slow_sent, slow_rcvd, noread_sent;
	unsigned char	 sbuf[CHUNK], rbuf[CHUNK], xbuf[CHUNK];
} g;

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint64_t
mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * Bytes [off, off+len) of stream key.  Byte i depends only on key and i,
 * so a partial send needs no saved state and the receiver can rebuild
 * what it should get.
 */
static void
stream_fill(uint64_t key, uint64_t off, unsigned char *buf, size_t len)
{
	uint64_t w = 0, word = UINT64_MAX;
	size_t i;

	for (i = 0; i < len; i++, off++) {
		if (off >> 3 != word) {
			word = off >> 3;
			w = mix64(key ^ (word * 0xd6e8feb86659fd93ULL));
		}
		buf[i] = (unsigned char)(w >> ((off & 7) * 8));
	}
}

static uint64_t
fnv1a(uint64_t h, const unsigned char *p, size_t n)
{
	while (n-- > 0)
		h = (h ^ *p++) * FNV_PRIME;
	return h;
}

static void
ep_set(struct lconn *c, uint32_t want)
{
	struct epoll_event ev;

	if (want == c->ev)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.events = want;
	ev.data.ptr = c;
	if (epoll_ctl(g.epfd, EPOLL_CTL_MOD, c->fd, &ev) == -1)
		err(1, "epoll_ctl");
	c->ev = want;
}

static struct lconn *
slot_get(void)
{
	unsigned i;

	for (i = 0; i < g.n; i++)
		if (g.c[i].st == S_FREE)
			return &g.c[i];
	return NULL;
}

/* Starts a non-blocking connect on a free slot. */
static int
conn_start(struct lconn *c, enum kind kind)
{
	struct epoll_event ev;
	int fd, one = 1;

	fd = socket(opt.ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1)
		err(1, "socket");
	/* Small pings would otherwise wait on Nagle and delayed ACKs. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->kind = kind;
	c->key = mix64(++g.nextkey);
	c->hs = c->hr = FNV_OFFSET;
	c->st = S_CONNECTING;
	c->ev = EPOLLOUT;
	if (connect(fd, (struct sockaddr *)&opt.ss, opt.sslen) == -1 &&
	    errno != EINPROGRESS) {
		warn("connect");
		close(fd);
		c->st = S_FREE;
		g.errors++;
		return -1;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = c->ev;
	ev.data.ptr = c;
	if (epoll_ctl(g.epfd, EPOLL_CTL_ADD, fd, &ev) == -1)
		err(1, "epoll_ctl add");
	g.connecting++;
	return 0;
}

static void
conn_free(struct lconn *c)
{
	if (c->st == S_CONNECTING)
		g.connecting--;
	else if (c->st == S_OPEN || c->st == S_DRAIN)
		g.open--;
	close(c->fd);
	c->fd = -1;
	c->st = S_FREE;
}

/* Closes c with a reset: SO_LINGER {1, 0} makes close() send RST. */
static void
conn_abort(struct lconn *c)
{
	struct linger l = { 1, 0 };

	if (setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) == -1)
		err(1, "SO_LINGER");
	conn_free(c);
	g.rsts++;
}

/* What c should watch, given what it has left to send and read. */
static void
conn_arm(struct lconn *c)
{
	uint32_t want = 0;

	if (c->kind != K_NOREAD)
		want |= EPOLLIN;
	if (c->st == S_OPEN && c->sent < c->goal &&
	    (c->kind == K_NOREAD || c->sent - c->rcvd < opt.window))
		want |= EPOLLOUT;
	ep_set(c, want);
}

/* Sends what the goal and the window allow.  Returns -1 on an error. */
static int
conn_send(struct lconn *c)
{
	uint64_t room;
	size_t n;
	ssize_t r;

	while (c->st == S_OPEN && c->sent < c->goal) {
		room = c->goal - c->sent;
		if (c->kind != K_NOREAD) {
			if (c->sent - c->rcvd >= opt.window)
				break;
			if (room > opt.window - (c->sent - c->rcvd))
				room = opt.window - (c->sent - c->rcvd);
		}
		n = room > CHUNK ? CHUNK : room;
		stream_fill(c->key, c->sent, g.sbuf, n);
		r = send(c->fd, g.sbuf, n, MSG_NOSIGNAL);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -1;
		}
		c->hs = fnv1a(c->hs, g.sbuf, r);
		c->sent += r;
		g.tx += r;
		if (c->kind == K_NOREAD)
			g.noread_sent += r;
		if (c->kind == K_SLOW)
			g.slow_sent += r;
	}
	return 0;
}

static void	mode_round(struct lconn *c);
static void	mode_eof(struct lconn *c, int reset);

/* Reads and checks the echo.  Returns -1 when c was closed. */
static int
conn_recv(struct lconn *c)
{
	ssize_t r;

	for (;;) {
		r = recv(c->fd, g.rbuf, CHUNK, 0);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			mode_eof(c, errno);
			return -1;
		}
		if (r == 0) {
			mode_eof(c, 0);
			return -1;
		}
		if (c->rcvd + r > c->sent) {
			warnx("conn %" PRIx64 ": %" PRIu64 " bytes echoed, "
			    "only %" PRIu64 " sent", c->key, c->rcvd + r,
			    c->sent);
			g.mismatch++;
			conn_free(c);
			return -1;
		}
		stream_fill(c->key, c->rcvd, g.xbuf, r);
		if (memcmp(g.rbuf, g.xbuf, r) != 0) {
			warnx("conn %" PRIx64 ": echo differs in bytes %"
			    PRIu64 "..%" PRIu64, c->key, c->rcvd,
			    c->rcvd + r);
			g.mismatch++;
			conn_free(c);
			return -1;
		}
		c->hr = fnv1a(c->hr, g.rbuf, r);
		c->rcvd += r;
		g.rx += r;
		if (c->kind == K_SLOW)
			g.slow_rcvd += r;
		if (c->rcvd == c->sent && c->hr != c->hs) {
			g.hashbad++;
			warnx("conn %" PRIx64 ": hash of echo differs",
			    c->key);
		}
		if (c->rcvd == c->goal && c->sent == c->goal) {
			mode_round(c);
			if (c->st == S_FREE)
				return -1;
		}
	}
}

/* Half-closes c and waits for the server's FIN. */
static void
conn_finish(struct lconn *c)
{
	if (c->hr != c->hs)
		g.hashbad++;
	if (shutdown(c->fd, SHUT_WR) == -1) {
		g.errors++;
		conn_free(c);
		return;
	}
	c->st = S_DRAIN;
}

static void
rtt_add(int64_t us)
{
	if (us > g.rtt_max)
		g.rtt_max = us;
	if (g.nrtt < MAX_SAMPLES)
		g.rtt[g.nrtt++] = us;
}

/* A new round of size bytes on c. */
static void
conn_round(struct lconn *c, uint64_t size)
{
	c->goal += size;
	c->t0 = now_us();
}

/* Each mode's reaction to a completed echo round. */
static void
mode_round(struct lconn *c)
{
	unsigned i;
	uint64_t share;

	switch (opt.mode) {
	case M_BULK:
		if (!g.bulk_started) {
			if (++g.hello_done < opt.nconns)
				return;
			/* All are open at once now: the bulk may begin. */
			g.held_at = g.open;
			g.srv_fds = -1;
			if (opt.srvpid > 0) {
				char path[64];
				DIR *d;

				snprintf(path, sizeof(path), "/proc/%ld/fd",
				    opt.srvpid);
				if ((d = opendir(path)) != NULL) {
					g.srv_fds = 0;
					while (readdir(d) != NULL)
						g.srv_fds++;
					g.srv_fds -= 2;
					closedir(d);
				}
			}
			g.bulk_started = 1;
			g.start = now_us();
			g.rx_base = g.rx;
			share = opt.bytes / opt.nconns;
			for (i = 0; i < g.n; i++) {
				if (g.c[i].st != S_OPEN)
					continue;
				g.c[i].goal += share + (i < opt.bytes %
				    opt.nconns ? 1 : 0);
				if (g.c[i].goal == g.c[i].sent) {
					/* Fewer bytes than conns: none left. */
					conn_finish(&g.c[i]);
					continue;
				}
				if (conn_send(&g.c[i]) == -1) {
					g.errors++;
					conn_free(&g.c[i]);
					continue;
				}
				conn_arm(&g.c[i]);
			}
			return;
		}
		conn_finish(c);
		break;
	case M_PING:
		g.rounds++;
		rtt_add(now_us() - c->t0);
		if (now_us() >= g.end) {
			conn_finish(c);
			return;
		}
		conn_round(c, opt.size);
		if (conn_send(c) == -1) {
			g.errors++;
			conn_free(c);
		}
		break;
	case M_SLOW:
		rtt_add(now_us() - c->t0);
		break;
	case M_RST:
		/* Phase 1 aborts once its echo is back. */
		g.rounds++;
		if (c->phase == 1)
			conn_abort(c);
		break;
	case M_HOLD:
		if (c->phase == 0) {
			c->phase = 1;
			if (++g.hello_done == opt.nconns) {
				printf("ready %u\n", g.open);
				fflush(stdout);
			}
		}
		/*
		 * Every other conn keeps echoing, so that the signal finds
		 * data in flight on half of them.
		 */
		if (c->key & 1) {
			conn_round(c, opt.size);
			if (conn_send(c) == -1) {
				g.errors++;
				conn_free(c);
			}
		}
		break;
	}
}

/* The peer closed (reset: the errno, or 0 for a FIN). */
static void
mode_eof(struct lconn *c, int reset)
{
	if (opt.mode == M_HOLD) {
		/* Before all are up, no close can be the signal's. */
		if (g.hello_done < opt.nconns) {
			warnx("conn closed before all were open: %s",
			    reset ? strerror(reset) : "EOF");
			g.errors++;
		}
		if (reset == 0)
			g.eofs++;
		else if (reset == ECONNRESET || reset == EPIPE)
			g.resets++;
		else
			g.errors++;
		g.done++;
		conn_free(c);
		return;
	}
	if (c->st == S_DRAIN && reset == 0 && c->rcvd == c->sent) {
		g.done++;
		conn_free(c);
		return;
	}
	warnx("conn %" PRIx64 ": %s after %" PRIu64 " of %" PRIu64
	    " bytes echoed", c->key, reset ? strerror(reset) :
	    "early EOF", c->rcvd, c->sent);
	g.errors++;
	conn_free(c);
}

/* A pending connect finished: one way or the other. */
static void
conn_connected(struct lconn *c)
{
	int e = 0;
	socklen_t elen = sizeof(e);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &elen) == -1)
		e = errno;
	if (e != 0) {
		warnx("connect: %s", strerror(e));
		if (e == ECONNREFUSED)
			g.refused++;
		g.errors++;
		conn_free(c);
		return;
	}
	g.connecting--;
	g.open++;
	if (g.open > g.open_max)
		g.open_max = g.open;
	/* The driver starts its measure once the slow clients are up. */
	if (opt.mode == M_SLOW && g.open == g.n) {
		printf("ready %u\n", g.open);
		fflush(stdout);
	}
	c->st = S_OPEN;
	switch (opt.mode) {
	case M_BULK:
	case M_HOLD:
		conn_round(c, HELLO);
		break;
	case M_PING:
		conn_round(c, opt.size);
		break;
	case M_SLOW:
		/* Spread the 1-byte sends over the second. */
		c->next = now_us() + (int64_t)(c->key % 1000000);
		break;
	case M_RST:
		c->phase = (int)(c->key % 3);
		if (c->phase == 2) {
			/* Phase 2 aborts before sending anything. */
			conn_abort(c);
			return;
		}
		conn_round(c, opt.size);
		break;
	}
	if (c->kind == K_NOREAD)
		c->goal = UINT64_MAX;
	if (conn_send(c) == -1) {
		g.errors++;
		conn_free(c);
		return;
	}
	/* Phase 0 aborts with its data sent, its echo on the way. */
	if (opt.mode == M_RST && c->phase == 0 && c->sent == c->goal) {
		conn_abort(c);
		return;
	}
	conn_arm(c);
}

static void
conn_event(struct lconn *c, uint32_t ev)
{
	if (c->st == S_CONNECTING) {
		conn_connected(c);
		return;
	}
	if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		if (c->kind == K_NOREAD) {
			/* Only a reset wakes a conn that never reads. */
			if (ev & EPOLLERR) {
				g.errors++;
				warnx("a conn that never reads was reset");
				conn_free(c);
			}
			return;
		}
		if (conn_recv(c) == -1)
			return;
	}
	if (c->st == S_OPEN && conn_send(c) == -1) {
		mode_eof(c, errno);
		return;
	}
	if (opt.mode == M_RST && c->st == S_OPEN && c->phase == 0 &&
	    c->sent == c->goal) {
		conn_abort(c);
		return;
	}
	conn_arm(c);
}

/* Opens connections until nconns are open or pending, a few at a time. */
static void
fill_conns(int keep)
{
	struct lconn *c;
	unsigned want = opt.nconns + opt.noread;
	static unsigned started;

	while (g.connecting < MAX_CONNECTING) {
		if (keep) {
			if (g.open + g.connecting >= want)
				break;
		} else if (started >= want)
			break;
		if ((c = slot_get()) == NULL)
			break;
		if (conn_start(c, started < opt.noread ? K_NOREAD :
		    (opt.mode == M_SLOW ? K_SLOW : K_NORMAL)) == 0)
			started++;
		else if (!keep)
			started++;
	}
}

/* Slow conns: one byte each per second, as long as the run lasts. */
static void
slow_tick(int64_t now)
{
	unsigned i;
	struct lconn *c;

	for (i = 0; i < g.n; i++) {
		c = &g.c[i];
		if (c->st != S_OPEN || c->kind != K_SLOW || now < c->next)
			continue;
		c->next += 1000000;
		if (now >= g.end)
			continue;
		conn_round(c, 1);
		if (conn_send(c) == -1) {
			mode_eof(c, errno);
			continue;
		}
		conn_arm(c);
	}
}

/* Slow mode is over once every slow byte sent has come back. */
static int
slow_drained(void)
{
	unsigned i;

	for (i = 0; i < g.n; i++)
		if (g.c[i].st == S_OPEN && g.c[i].kind == K_SLOW &&
		    g.c[i].rcvd != g.c[i].sent)
			return 0;
	return 1;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int64_t
pct(double p)
{
	size_t i;

	if (g.nrtt == 0)
		return -1;
	i = (size_t)(p * (double)(g.nrtt - 1) + 0.5);
	return g.rtt[i];
}

static void
usage(void)
{
	fprintf(stderr, "usage: echo-load bulk|ping|slow|rst|hold -p port "
	    "[-a address] [-b bytes]\n"
	    "\t[-c conns] [-d seconds] [-n noread] [-P pid] [-s size] "
	    "[-T deadline] [-w window]\n");
	exit(2);
}

static unsigned long long
num(const char *s, unsigned long long max)
{
	char *end;
	unsigned long long v;
	double mult = 1;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end == 'K' || *end == 'k')
		mult = 1024, end++;
	else if (*end == 'M')
		mult = 1024 * 1024, end++;
	else if (*end == 'G')
		mult = 1024.0 * 1024 * 1024, end++;
	if (errno != 0 || end == s || *end != '\0' || v * mult > max)
		errx(2, "bad number: %s", s);
	return (unsigned long long)(v * mult);
}

static void
parse(int argc, char **argv)
{
	const char *addr = "127.0.0.1";
	struct sockaddr_in *sin = (struct sockaddr_in *)&opt.ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&opt.ss;
	unsigned long port = 0;
	int ch;

	if (argc < 2)
		usage();
	if (strcmp(argv[1], "bulk") == 0)
		opt.mode = M_BULK;
	else if (strcmp(argv[1], "ping") == 0)
		opt.mode = M_PING;
	else if (strcmp(argv[1], "slow") == 0)
		opt.mode = M_SLOW;
	else if (strcmp(argv[1], "rst") == 0)
		opt.mode = M_RST;
	else if (strcmp(argv[1], "hold") == 0)
		opt.mode = M_HOLD;
	else
		usage();
	opt.nconns = 100;
	opt.size = 64;
	opt.secs = 5;
	opt.deadline = 120;
	opt.window = 32768;
	opt.bytes = 1 << 20;
	optind = 2;
	while ((ch = getopt(argc, argv, "a:b:c:d:n:p:P:s:T:w:")) != -1) {
		switch (ch) {
		case 'a':
			addr = optarg;
			break;
		case 'b':
			opt.bytes = num(optarg, 1ULL << 40);
			break;
		case 'c':
			opt.nconns = num(optarg, 1000000);
			break;
		case 'd':
			opt.secs = num(optarg, 86400);
			break;
		case 'n':
			opt.noread = num(optarg, 1000000);
			break;
		case 'p':
			port = num(optarg, 65535);
			break;
		case 'P':
			opt.srvpid = num(optarg, INT_MAX);
			break;
		case 's':
			opt.size = num(optarg, 1 << 30);
			break;
		case 'T':
			opt.deadline = num(optarg, 86400);
			break;
		case 'w':
			opt.window = num(optarg, 1ULL << 30);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || port == 0 || opt.nconns == 0 ||
	    opt.size == 0 || opt.window == 0)
		usage();
	memset(&opt.ss, 0, sizeof(opt.ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		opt.sslen = sizeof(*sin);
	} else if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		opt.sslen = sizeof(*sin6);
	} else
		errx(2, "not an IP address: %s", addr);
	/* Loopback only: this tool must never load someone else's host. */
	if ((sin->sin_family == AF_INET &&
	    (ntohl(sin->sin_addr.s_addr) >> 24) != 127) ||
	    (sin->sin_family == AF_INET6 &&
	    !IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr)))
		errx(2, "%s is not a loopback address", addr);
}

/* Room for every connection: the soft limit goes up to the hard one. */
static void
raise_nofile(unsigned need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		err(1, "getrlimit");
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			err(1, "setrlimit");
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need)
		errx(1, "RLIMIT_NOFILE %llu is below the %u needed",
		    (unsigned long long)rl.rlim_cur, need);
}

/* True when the mode has all it came for. */
static int
finished(int64_t now)
{
	switch (opt.mode) {
	case M_BULK:
		return g.done + g.errors + g.mismatch >= opt.nconns;
	case M_PING:
		return now >= g.end && g.open == 0 && g.connecting == 0;
	case M_SLOW:
		return now >= g.end && slow_drained();
	case M_RST:
		return now >= g.end && g.open == 0 && g.connecting == 0;
	case M_HOLD:
		return g.done >= opt.nconns;
	}
	return 1;
}

static void
report(int64_t now)
{
	double secs = (now - g.start) / 1e6;
	unsigned i;

	if (secs <= 0)
		secs = 1e-6;
	qsort(g.rtt, g.nrtt, sizeof(*g.rtt), cmp_i64);
	switch (opt.mode) {
	case M_BULK:
		printf("conns=%u held=%" PRId64 " server_fds=%" PRId64
		    " bytes=%" PRIu64 " secs=%.2f mib_s=%.1f done=%u",
		    opt.nconns, g.held_at, g.srv_fds, g.rx - g.rx_base, secs,
		    (g.rx - g.rx_base) / secs / 1048576, g.done);
		break;
	case M_PING:
		printf("conns=%u rounds=%lu ops_s=%.0f mib_s=%.2f "
		    "p50_us=%" PRId64 " p99_us=%" PRId64 " max_us=%" PRId64,
		    opt.nconns, g.rounds, g.rounds / secs,
		    g.rx / secs / 1048576, pct(0.5), pct(0.99), g.rtt_max);
		break;
	case M_SLOW:
		printf("slow=%u noread=%u slow_sent=%" PRIu64 " slow_echoed=%"
		    PRIu64 " noread_stuck=%" PRIu64 " slow_p99_us=%" PRId64,
		    opt.nconns, opt.noread, g.slow_sent, g.slow_rcvd,
		    g.noread_sent, pct(0.99));
		break;
	case M_RST:
		printf("conc=%u rsts=%lu rst_s=%.0f echoed_rounds=%lu",
		    opt.nconns, g.rsts, g.rsts / secs, g.rounds);
		break;
	case M_HOLD:
		for (i = 0; i < g.n; i++)
			if (g.c[i].st != S_FREE)
				g.hung++;
		printf("conns=%u eof=%lu rst=%lu hung=%lu", opt.nconns,
		    g.eofs, g.resets, g.hung);
		break;
	}
	printf(" errors=%lu mismatch=%lu hashbad=%lu refused=%lu\n",
	    g.errors, g.mismatch, g.hashbad, g.refused);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	struct epoll_event evs[256];
	int64_t now, limit;
	int i, n, tmo, ok;

	parse(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	g.n = opt.nconns + opt.noread;
	if (opt.mode == M_RST)
		opt.window = UINT64_MAX;
	raise_nofile(g.n + 16);
	if ((g.c = calloc(g.n, sizeof(*g.c))) == NULL ||
	    (g.rtt = calloc(MAX_SAMPLES, sizeof(*g.rtt))) == NULL)
		err(1, "calloc");
	if ((g.epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		err(1, "epoll_create1");
	g.start = now_us();
	g.end = g.start + (int64_t)(opt.secs * 1e6);
	limit = g.start + (int64_t)(opt.deadline * 1e6);
	for (;;) {
		now = now_us();
		if (finished(now))
			break;
		if (now >= limit) {
			warnx("deadline of %.0f s passed", opt.deadline);
			report(now);
			return 1;
		}
		/* Ping and rst keep their conns up until the end. */
		if (opt.mode == M_RST || opt.mode == M_PING)
			fill_conns(now < g.end && opt.mode == M_RST);
		else
			fill_conns(0);
		if (opt.mode == M_PING && g.connecting == 0 && g.rounds == 0)
			g.start = now;
		if (opt.mode == M_SLOW)
			slow_tick(now);
		tmo = opt.mode == M_SLOW || opt.mode == M_RST ||
		    opt.mode == M_PING ? 20 : 200;
		n = epoll_wait(g.epfd, evs, 256, tmo);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			err(1, "epoll_wait");
		}
		for (i = 0; i < n; i++)
			conn_event(evs[i].data.ptr, evs[i].events);
	}
	now = now_us();
	if (opt.mode == M_PING || opt.mode == M_RST || opt.mode == M_SLOW)
		now = now < g.end ? now : g.end;
	report(now);
	ok = g.errors == 0 && g.mismatch == 0 && g.hashbad == 0;
	switch (opt.mode) {
	case M_BULK:
		ok = ok && g.done == opt.nconns &&
		    g.held_at == (int64_t)opt.nconns &&
		    g.rx - g.rx_base == opt.bytes;
		break;
	case M_PING:
		ok = ok && g.rounds > 0;
		break;
	case M_SLOW:
		ok = ok && g.slow_rcvd == g.slow_sent && g.slow_sent > 0 &&
		    g.open == opt.nconns + opt.noread;
		break;
	case M_RST:
		ok = ok && g.rsts > 0;
		break;
	case M_HOLD:
		ok = ok && g.hung == 0;
		break;
	}
	return ok ? 0 : 1;
}
