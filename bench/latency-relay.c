/*
 * bench/latency-relay: a TCP relay on loopback that adds a fixed delay to
 * each direction, for bench/run's latency rows (the kernel here has no
 * netem).
 *
 *   latency-relay [-0] LISTEN-PORT TARGET-PORT ONE-WAY-DELAY-US
 *
 * Listens on 127.0.0.1:LISTEN-PORT; for each connection it accepts it
 * connects to 127.0.0.1:TARGET-PORT and copies bytes both ways. Bytes read
 * at time t are written at t + delay, in order: each read becomes one
 * timestamped chunk in a per-direction queue, written when its time has
 * come (as much as the socket takes; the rest when it is writable again).
 * An end of stream is queued the same way and delivered as shutdown(2).
 * No batching beyond what one read returns; TCP_NODELAY on every socket.
 *
 * The TCP handshake: the kernel completes the client's connect(2) at once,
 * so the relay opens its own connection to the target three one-way delays
 * later. Over a real path the server accepts 1.5 RTT after the client's
 * SYN (SYN, SYN-ACK, ACK) and its greeting arrives at 2 RTT; here it is
 * sent at 1.5 RTT and arrives at 2 RTT too, and anything the client sends
 * early (a TLS ClientHello) reaches the server no sooner than it would.
 * -0 connects to the target at once instead (the greeting then arrives
 * after one one-way delay).
 *
 * The relay ends TCP on both sides, so ACKs are its own: it acknowledges
 * every read at once (TCP_QUICKACK), so that a client or server without
 * TCP_NODELAY is not held up by Nagle + a delayed ACK (40 ms) that only
 * the relay, which sends no reply of its own, would cause.
 *
 * One thread, epoll, and a timerfd armed (absolute, CLOCK_MONOTONIC) for
 * the earliest due chunk or connect, so the delay holds to the scheduler's
 * precision, not to a millisecond timeout's. A direction that holds more
 * than QUEUE_MAX bytes stops reading until it drains (a large transfer at
 * loopback speed). Runs until SIGTERM or SIGINT. Prints nothing but
 * errors; bench/run waits for the port.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define READ_MAX	65536
#define QUEUE_MAX	(32L * 1024 * 1024)

struct chunk {
	struct chunk	*next;
	int64_t		 due;		/* ns, CLOCK_MONOTONIC */
	size_t		 len, off;	/* len 0: end of stream */
	unsigned char	 data[];
};

struct conn;

/* One end of a connection, as epoll sees it. */
struct end {
	struct conn	*c;
	int		 fd;
	int		 side;		/* 0 client, 1 server */
	uint32_t	 events;	/* what epoll watches */
	int		 registered;
};

/* Bytes read from end[d] wait in q[d] to be written to end[1 - d]. */
struct conn {
	struct conn	*next;
	struct end	 end[2];
	int64_t		 connect_at;	/* server end not yet open: when */
	int		 connecting;	/* non-blocking connect in progress */
	struct chunk	*q[2], *tail[2];
	long		 queued[2];
	int		 eof_in[2];	/* end[d] sent end of stream */
	int		 eof_out[2];	/* delivered to end[1 - d] */
	int		 blocked[2];	/* end[1 - d] took less than was due */
	int		 dead;
};

static int64_t delay_ns;
static int handshake = 1;
static int target_port;
static int ep, tfd;
static struct conn *conns;
static volatile sig_atomic_t stop;

static int64_t
now_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
setup_socket(int fd)
{
	int one = 1;

	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* Register, update or remove what epoll watches on e (0: nothing). */
static void
watch(struct end *e, uint32_t events)
{
	struct epoll_event ev;

	if (e->fd < 0 || (e->registered && e->events == events))
		return;
	if (events == 0) {
		if (e->registered)
			(void)epoll_ctl(ep, EPOLL_CTL_DEL, e->fd, NULL);
		e->registered = 0;
		e->events = 0;
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = e;
	(void)epoll_ctl(ep, e->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD,
	    e->fd, &ev);
	e->registered = 1;
	e->events = events;
}

/*
 * What end e waits for: input while it has not ended and its queue has
 * room; writability while the chunks due for it could not be written, or
 * its connect is in progress. Nothing at all otherwise: a level-triggered
 * hang-up would wake the loop again and again.
 */
static void
rewatch(struct conn *c)
{
	int d;

	for (d = 0; d < 2; d++) {
		struct end *e = &c->end[d];
		uint32_t ev = 0;

		if (e->fd < 0)
			continue;
		if (!c->eof_in[d] && c->queued[d] < QUEUE_MAX)
			ev |= EPOLLIN;
		if ((d == 1 && c->connecting) || c->blocked[1 - d])
			ev |= EPOLLOUT;
		watch(e, ev);
	}
}

static void
conn_free(struct conn *c)
{
	struct conn **pp;
	int d;

	for (d = 0; d < 2; d++) {
		struct chunk *ch, *next;

		for (ch = c->q[d]; ch != NULL; ch = next) {
			next = ch->next;
			free(ch);
		}
		if (c->end[d].fd >= 0)
			(void)close(c->end[d].fd);
	}
	for (pp = &conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	free(c);
}

static void
push(struct conn *c, int d, const unsigned char *buf, size_t len, int64_t t)
{
	struct chunk *ch;

	ch = malloc(sizeof(*ch) + len);
	if (ch == NULL) {
		perror("latency-relay: malloc");
		exit(1);
	}
	ch->next = NULL;
	ch->due = t + delay_ns;
	ch->len = len;
	ch->off = 0;
	if (len > 0)
		memcpy(ch->data, buf, len);
	if (c->tail[d] != NULL)
		c->tail[d]->next = ch;
	else
		c->q[d] = ch;
	c->tail[d] = ch;
	c->queued[d] += (long)len;
}

/* Read what end d has, once, into its queue. */
static void
pull(struct conn *c, int d, int64_t now)
{
	static unsigned char buf[READ_MAX];
	ssize_t n;

	n = recv(c->end[d].fd, buf, sizeof(buf), 0);
	if (n > 0) {
		int one = 1;

		/*
		 * Acknowledge at once: the relay answers nothing itself, so a
		 * delayed ACK (40 ms) would hold a sender's next small segment
		 * under Nagle for nothing a real path would make it wait for.
		 */
		(void)setsockopt(c->end[d].fd, IPPROTO_TCP, TCP_QUICKACK, &one,
		    sizeof(one));
		push(c, d, buf, (size_t)n, now);
	} else if (n == 0) {
		c->eof_in[d] = 1;
		push(c, d, NULL, 0, now);
	} else if (errno != EAGAIN && errno != EINTR) {
		c->dead = 1;	/* reset: drop the connection at once */
	}
}

/* Write what is due from queue d to end 1 - d. */
static void
flush_dir(struct conn *c, int d, int64_t now)
{
	struct end *dst = &c->end[1 - d];
	struct chunk *ch;

	c->blocked[d] = 0;
	if (dst->fd < 0 || (d == 0 && c->connecting))
		return;
	while ((ch = c->q[d]) != NULL && ch->due <= now) {
		if (ch->len == 0) {
			(void)shutdown(dst->fd, SHUT_WR);
			c->eof_out[d] = 1;
		} else {
			ssize_t n = send(dst->fd, ch->data + ch->off,
			    ch->len - ch->off, MSG_NOSIGNAL);

			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					c->blocked[d] = 1;
				else
					c->dead = 1;
				return;
			}
			ch->off += (size_t)n;
			c->queued[d] -= (long)n;
			if (ch->off < ch->len) {
				c->blocked[d] = 1;
				return;
			}
		}
		c->q[d] = ch->next;
		if (c->q[d] == NULL)
			c->tail[d] = NULL;
		free(ch);
	}
}

static void
open_server(struct conn *c)
{
	struct sockaddr_in sa;
	int fd;

	c->connect_at = 0;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		c->dead = 1;
		return;
	}
	setup_socket(fd);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)target_port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->end[1].fd = fd;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		if (errno != EINPROGRESS) {
			c->dead = 1;
			return;
		}
		c->connecting = 1;
	}
}

static void
accept_all(int lfd, int64_t now)
{
	for (;;) {
		struct conn *c;
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd == -1) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				perror("latency-relay: accept");
			return;
		}
		setup_socket(fd);
		c = calloc(1, sizeof(*c));
		if (c == NULL) {
			perror("latency-relay: calloc");
			exit(1);
		}
		c->end[0] = (struct end){ c, fd, 0, 0, 0 };
		c->end[1] = (struct end){ c, -1, 1, 0, 0 };
		c->connect_at = now + (handshake ? 3 * delay_ns : 0);
		c->next = conns;
		conns = c;
		if (c->connect_at == now)
			open_server(c);
		rewatch(c);
	}
}

/* Everything a connection can do now; frees it when it is over. */
static void
step(struct conn *c, int64_t now)
{
	int d;

	if (c->connect_at != 0 && c->connect_at <= now)
		open_server(c);
	for (d = 0; d < 2 && !c->dead; d++)
		flush_dir(c, d, now);
	if (c->dead || (c->eof_out[0] && c->eof_out[1])) {
		conn_free(c);
		return;
	}
	rewatch(c);
}

static void
on_event(struct end *e, uint32_t events, int64_t now)
{
	struct conn *c = e->c;

	if (e->side == 1 && c->connecting && (events & (EPOLLOUT | EPOLLERR |
	    EPOLLHUP))) {
		int err = 0;
		socklen_t len = sizeof(err);

		(void)getsockopt(e->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err != 0) {
			c->dead = 1;	/* refused: the client sees a reset */
			return;
		}
		c->connecting = 0;
	}
	if (events & EPOLLERR) {
		c->dead = 1;	/* a reset: drop the connection at once */
		return;
	}
	if ((events & (EPOLLIN | EPOLLHUP)) && !c->eof_in[e->side] &&
	    c->queued[e->side] < QUEUE_MAX)
		pull(c, e->side, now);
}

/* Arm the timer for the earliest due chunk or connect, if any. */
static void
arm(int64_t now)
{
	struct itimerspec its;
	struct conn *c;
	int64_t next = 0;
	int d;

	for (c = conns; c != NULL; c = c->next) {
		if (c->connect_at != 0 && (next == 0 || c->connect_at < next))
			next = c->connect_at;
		for (d = 0; d < 2; d++) {
			struct chunk *ch = c->q[d];

			/* A blocked direction waits for EPOLLOUT. */
			if (ch == NULL || c->blocked[d] || ch->due <= now)
				continue;
			if (next == 0 || ch->due < next)
				next = ch->due;
		}
	}
	memset(&its, 0, sizeof(its));
	if (next != 0) {
		its.it_value.tv_sec = next / 1000000000;
		its.it_value.tv_nsec = next % 1000000000;
	}
	(void)timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static int
listen_on(int port)
{
	struct sockaddr_in sa;
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(fd, 1024) == -1) {
		(void)close(fd);
		return -1;
	}
	return fd;
}

static long
number(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < 0 || v > max) {
		fprintf(stderr, "latency-relay: bad number: %s\n", s);
		exit(64);
	}
	return v;
}

int
main(int argc, char **argv)
{
	static struct epoll_event evs[256];
	struct epoll_event ev;
	struct sigaction sa;
	int lfd, i, n;

	if (argc == 5 && strcmp(argv[1], "-0") == 0) {
		handshake = 0;
		argv++;
		argc--;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: latency-relay [-0] LISTEN-PORT "
		    "TARGET-PORT ONE-WAY-DELAY-US\n");
		return 64;
	}
	target_port = (int)number(argv[2], 65535);
	delay_ns = number(argv[3], 60000000L) * 1000;
	lfd = listen_on((int)number(argv[1], 65535));
	if (lfd == -1) {
		fprintf(stderr, "latency-relay: cannot listen on 127.0.0.1:%s: "
		    "%s\n", argv[1], strerror(errno));
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)signal(SIGPIPE, SIG_IGN);

	ep = epoll_create1(EPOLL_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (ep == -1 || tfd == -1) {
		perror("latency-relay: epoll/timerfd");
		return 1;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = &lfd;
	(void)epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	ev.data.ptr = &tfd;
	(void)epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);

	while (!stop) {
		int64_t now;
		struct conn *c, *next;

		n = epoll_wait(ep, evs, (int)(sizeof(evs) / sizeof(evs[0])),
		    -1);
		if (n == -1 && errno != EINTR) {
			perror("latency-relay: epoll_wait");
			return 1;
		}
		now = now_ns();
		for (i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;

			if (p == &lfd) {
				accept_all(lfd, now);
			} else if (p == &tfd) {
				uint64_t ticks;

				(void)!read(tfd, &ticks, sizeof(ticks));
			} else {
				on_event(p, evs[i].events, now);
			}
		}
		/* Each end may have events in this batch: step after all. */
		now = now_ns();
		for (c = conns; c != NULL; c = next) {
			next = c->next;
			step(c, now);
		}
		arm(now);
	}
	while (conns != NULL)
		conn_free(conns);
	return 0;
}
