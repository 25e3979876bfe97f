/*
 * Resolve and connect with Happy Eyeballs (RFC 8305). The addresses of
 * the host are tried in an order that alternates IPv6 and IPv4 (section
 * 4); a new attempt starts every NET_STAGGER_MS (section 5), or at once
 * when one fails, while the earlier ones stay in flight; the first to
 * connect wins and the others are closed. A black-holed address or a
 * broken address family thus costs one stagger, not a timeout. Each
 * attempt has its own deadline so one address cannot use up the time of
 * the others, and all of them share one overall deadline.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/idn.h"
#include "net/net.h"
#include "net/socks.h"
#include "base/util.h"

/* The dir of every trace line: TRACE_INFO in smtp.h. */
#define NET_TRACE_DIR	'*'

/* A name's A-label form: 253 octets at most (RFC 1035 section 2.3.4). */
#define NET_NAMEMAX	256

struct attempt {
	int			 fd;	/* -1: slot free */
	int64_t			 deadline;
	const struct addrinfo	*ai;
};

struct race {
	const struct net_target	*t;
	const char		*name;	/* what was resolved (A-label) */
	const struct addrinfo	*addrs[NET_MAXADDRS];
	size_t			 naddrs;
	size_t			 next;	/* addrs[next] starts next */
	struct attempt		 live[NET_MAXADDRS];
	size_t			 nlive;
	size_t			 tried;
	struct sockaddr_storage	 src;	/* source_ip */
	socklen_t		 srclen;
	int			 srcfamily;	/* 0: no source_ip */
	int			 err;	/* the most telling error so far */
	int			 errbind;	/* it came from bind() */
	const struct addrinfo	*errai;	/* and from this address */
};

static int	source_addr(const char *, struct sockaddr_storage *,
		    socklen_t *);
static int	resolve(struct race *, int, struct addrinfo **,
		    struct outcome *);
static int	race(struct race *, struct outcome *);
static int	start(struct race *, const struct addrinfo *, int64_t);
static int	settle(struct race *, struct attempt *, int);
static void	failed(struct race *, const struct addrinfo *, int, int);
static int	rank(int);
static const char *errstr(int);
static const char *addr_str(const struct addrinfo *, char *, size_t);
static int	same_addr(const struct addrinfo *, const struct addrinfo *);
static int	usable(const struct addrinfo *, int, int);
static const struct addrinfo *next_of(const struct addrinfo **, int, int);
static void	ntrace(const struct net_target *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

int
net_connect(const struct net_target *t, struct outcome *o)
{
	struct race	 r;
	struct addrinfo	*res = NULL;
	char		 name[NET_NAMEMAX], why[OUTCOME_WHYMAX];
	int		 family, fd;

	/* msmtp: a socket overrides host, port and proxy. */
	if (t->socket != NULL)
		return socks_local(t, o);
	if (t->proxy_host != NULL)
		return socks_connect(t, o);
	memset(&r, 0, sizeof(r));
	r.t = t;
	r.name = name;
	if (t->source_ip != NULL && t->source_ip[0] != '\0' &&
	    (r.srcfamily = source_addr(t->source_ip, &r.src,
	    &r.srclen)) == -1)
		return outcome_set(o, OUT_CONFIG, PH_CONNECT, "source_ip is "
		    "not an IPv4 or IPv6 address");
	family = t->ip_version == IPV_4 ? AF_INET :
	    t->ip_version == IPV_6 ? AF_INET6 : AF_UNSPEC;
	if (r.srcfamily > 0 && family != AF_UNSPEC && family != r.srcfamily)
		return outcome_set(o, OUT_CONFIG, PH_CONNECT, "source_ip is "
		    "an IPv%c address but ip_version is %c",
		    r.srcfamily == AF_INET ? '4' : '6',
		    family == AF_INET ? '4' : '6');
	/* A source address of one family rules out the other. */
	if (r.srcfamily > 0)
		family = r.srcfamily;

	/* getaddrinfo() gets the A-label: glibc's AI_IDN is not portable. */
	if (idn_to_alabel(t->host, name, sizeof(name), why,
	    sizeof(why)) == -1)
		return outcome_set(o, OUT_CONFIG, PH_CONNECT, "host %s: %s",
		    t->host, why);
	if (strcmp(name, t->host) != 0)
		ntrace(t, "host %s is %s", t->host, name);
	if (resolve(&r, family, &res, o) == -1)
		return -1;
	fd = race(&r, o);
	freeaddrinfo(res);
	return fd;
}

int
net_connect_again(int fd, int64_t deadline)
{
	struct sockaddr_storage	 peer, self;
	struct pollfd		 pfd;
	socklen_t		 plen = sizeof(peer), slen = sizeof(self);
	int			 s, one = 1, err = 0, n;

	if (getpeername(fd, (struct sockaddr *)&peer, &plen) == -1 ||
	    getsockname(fd, (struct sockaddr *)&self, &slen) == -1)
		return -1;
	/* The same address, any port. */
	if (self.ss_family == AF_INET6)
		((struct sockaddr_in6 *)(void *)&self)->sin6_port = 0;
	else if (self.ss_family == AF_INET)
		((struct sockaddr_in *)(void *)&self)->sin_port = 0;
	s = socket(peer.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (s == -1)
		return -1;
	/* A Unix-domain socket (socket) has no port and no Nagle. */
	if (peer.ss_family != AF_UNIX) {
		(void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
		if (bind(s, (struct sockaddr *)&self, slen) == -1)
			goto fail;
	}
	if (connect(s, (struct sockaddr *)&peer, plen) == -1 &&
	    errno != EINPROGRESS && errno != EAGAIN)
		goto fail;
	pfd.fd = s;
	pfd.events = POLLOUT;
	while ((n = poll(&pfd, 1, ms_left(deadline))) == -1 && errno == EINTR &&
	    !bote_interrupted)
		continue;
	if (n <= 0) {
		errno = n == 0 ? ETIMEDOUT : errno;
		goto fail;
	}
	plen = sizeof(err);
	if (getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &plen) == -1 ||
	    err != 0) {
		errno = err != 0 ? err : errno;
		goto fail;
	}
	return s;
fail:
	err = errno;
	close(s);
	errno = err;
	return -1;
}

size_t
net_order(const struct addrinfo *res, int family,
    const struct addrinfo **out, size_t max, size_t *found)
{
	const struct addrinfo	*ai, *p, *cur[2];
	size_t			 n = 0, total = 0;
	int			 fam[2], turn;

	/* Section 4: the first family is that of the first address. */
	fam[0] = AF_INET6;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (usable(ai, AF_INET, family) ||
		    usable(ai, AF_INET6, family)) {
			fam[0] = ai->ai_family;
			break;
		}
	}
	fam[1] = fam[0] == AF_INET6 ? AF_INET : AF_INET6;
	cur[0] = cur[1] = res;
	for (turn = 0;; turn ^= 1) {
		/* The next address of this turn's family, else the other's. */
		if ((ai = next_of(&cur[turn], fam[turn], family)) == NULL) {
			turn ^= 1;
			if ((ai = next_of(&cur[turn], fam[turn],
			    family)) == NULL)
				break;
		}
		/* A duplicate (a name listed twice in /etc/hosts) goes. */
		for (p = res; p != ai; p = p->ai_next) {
			if (usable(p, fam[turn], family) && same_addr(p, ai))
				break;
		}
		if (p != ai)
			continue;
		total++;
		if (n < max)
			out[n++] = ai;
	}
	if (found != NULL)
		*found = total;
	return n;
}

/* Whether ai is an address of fam that the family asked for allows. */
static int
usable(const struct addrinfo *ai, int fam, int family)
{
	if (ai->ai_family != fam || (family != AF_UNSPEC && fam != family))
		return 0;
	if (ai->ai_addr == NULL)
		return 0;
	return fam == AF_INET ?
	    ai->ai_addrlen >= sizeof(struct sockaddr_in) :
	    ai->ai_addrlen >= sizeof(struct sockaddr_in6);
}

/* The next usable address of fam from *cur on; moves *cur past it. */
static const struct addrinfo *
next_of(const struct addrinfo **cur, int fam, int family)
{
	const struct addrinfo	*ai;

	for (ai = *cur; ai != NULL && !usable(ai, fam, family);
	    ai = ai->ai_next)
		continue;
	*cur = ai != NULL ? ai->ai_next : NULL;
	return ai;
}

/* Parse source_ip. Returns its family, or -1. */
static int
source_addr(const char *ip, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, ip, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		*len = sizeof(*sin);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, ip, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		*len = sizeof(*sin6);
		return AF_INET6;
	}
	return -1;
}

/* getaddrinfo() and net_order(). Returns 0, or -1 with *o set. */
static int
resolve(struct race *r, int family, struct addrinfo **res,
    struct outcome *o)
{
	const struct net_target	*t = r->t;
	struct addrinfo		 hints;
	char			 service[8];
	size_t			 found;
	int			 rc;

	if (xsnprintf(service, sizeof(service), "%d", t->port) == -1)
		return outcome_set(o, OUT_SOFTWARE, PH_CONNECT, "bad port");
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	/*
	 * Without a family asked for, skip the ones this host has no
	 * address of; one asked for is tried whatever the host has, so
	 * the error says why it failed.
	 */
	if (family == AF_UNSPEC)
		hints.ai_flags |= AI_ADDRCONFIG;
	rc = getaddrinfo(r->name, service, &hints, res);
	if (rc == EAI_NONAME || rc == EAI_NODATA
#ifdef EAI_ADDRFAMILY
	    || rc == EAI_ADDRFAMILY
#endif
	    )
		return outcome_set(o, OUT_NOHOST, PH_CONNECT,
		    "host %s not found", t->host);
	if (rc == EAI_MEMORY)
		return outcome_set(o, OUT_OSERR, PH_CONNECT,
		    "out of memory resolving %s", t->host);
	if (rc != 0)
		return outcome_set(o, OUT_TEMP, PH_CONNECT,
		    "cannot resolve %s: %s", t->host, gai_strerror(rc));
	r->naddrs = net_order(*res, family, r->addrs, NET_MAXADDRS, &found);
	if (r->naddrs == 0) {
		freeaddrinfo(*res);
		*res = NULL;
		return outcome_set(o, OUT_NOHOST, PH_CONNECT,
		    "host %s has no IPv%c address (%s%c)", t->host,
		    family == AF_INET ? '4' : '6', r->srcfamily > 0 ?
		    "source_ip is IPv" : "ip_version ",
		    family == AF_INET ? '4' : '6');
	}
	if (found > r->naddrs)
		ntrace(t, "host %s has %zu addresses; trying the first %zu",
		    t->host, found, r->naddrs);
	return 0;
}

/*
 * RFC 8305 section 5. Returns the connected descriptor, or -1 with *o
 * set.
 */
static int
race(struct race *r, struct outcome *o)
{
	const struct net_target	*t = r->t;
	struct pollfd		 pfd[NET_MAXADDRS];
	size_t			 slot[NET_MAXADDRS];
	struct attempt		*a;
	char			 addr[INET6_ADDRSTRLEN];
	int64_t			 now, overall, next_at, wake;
	size_t			 i, np;
	int			 fd = -1, n;

	for (i = 0; i < NET_MAXADDRS; i++)
		r->live[i].fd = -1;
	now = now_ms();
	overall = now + 2 * (int64_t)t->timeout_ms;
	next_at = now;
	for (;;) {
		if (bote_interrupted) {
			r->err = EINTR;
			break;
		}
		now = now_ms();
		if (r->next < r->naddrs && now < overall &&
		    (r->nlive == 0 || now >= next_at)) {
			if ((fd = start(r, r->addrs[r->next++], overall)) >= 0)
				break;
			/* In flight: the next one after the stagger; failed
			   at once: the next one at once. */
			next_at = fd == -2 ? now + NET_STAGGER_MS : now;
			fd = -1;
			continue;
		}
		if (r->nlive == 0)
			break;
		wake = overall;
		if (r->next < r->naddrs && next_at < wake)
			wake = next_at;
		for (i = np = 0; i < NET_MAXADDRS; i++) {
			a = &r->live[i];
			if (a->fd == -1)
				continue;
			if (a->deadline < wake)
				wake = a->deadline;
			pfd[np].fd = a->fd;
			pfd[np].events = POLLOUT;
			pfd[np].revents = 0;
			slot[np++] = i;
		}
		n = poll(pfd, np, ms_left(wake));
		if (n == -1 && errno != EINTR) {
			r->err = errno;
			r->errai = NULL;
			break;
		}
		now = now_ms();
		for (i = 0; i < np && fd == -1; i++) {
			a = &r->live[slot[i]];
			if (pfd[i].revents == 0 && now < a->deadline)
				continue;
			fd = settle(r, a, pfd[i].revents != 0);
			/* One ended without a winner: start the next now. */
			next_at = now;
		}
		if (fd >= 0)
			break;
	}
	/* The winner takes all; attempts still in flight are dropped. */
	for (i = 0; i < NET_MAXADDRS; i++) {
		if (r->live[i].fd != -1)
			close(r->live[i].fd);
	}
	if (fd >= 0)
		return fd;
	if (r->err == EINTR)
		return outcome_set(o, OUT_TEMP, PH_CONNECT, "cannot connect "
		    "to %s port %d: interrupted", t->host, t->port);
	if (r->err == 0)
		r->err = ETIMEDOUT;
	if (r->errai == NULL)
		return outcome_set(o, OUT_TEMP, PH_CONNECT, "cannot connect "
		    "to %s port %d: %s", t->host, t->port, errstr(r->err));
	if (r->errbind)
		return outcome_set(o, OUT_TEMP, PH_CONNECT, "cannot connect "
		    "to %s port %d: cannot bind to source_ip %s: %s",
		    t->host, t->port, t->source_ip, errstr(r->err));
	(void)addr_str(r->errai, addr, sizeof(addr));
	return outcome_set(o, OUT_TEMP, PH_CONNECT, "cannot connect to %s "
	    "port %d: %s: %s (%zu address%s tried)", t->host, t->port, addr,
	    errstr(r->err), r->tried, r->tried == 1 ? "" : "es");
}

/*
 * Start one attempt. Returns the descriptor when it connected at once,
 * -2 when it is in flight (in a free slot of r->live), -1 when it failed.
 */
static int
start(struct race *r, const struct addrinfo *ai, int64_t overall)
{
	const struct net_target	*t = r->t;
	struct attempt		*a;
	char			 addr[INET6_ADDRSTRLEN];
	int64_t			 end;
	size_t			 i;
	int			 fd, one = 1;

	ntrace(t, "connecting to %s port %d",
	    addr_str(ai, addr, sizeof(addr)), t->port);
	r->tried++;
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1) {
		failed(r, ai, errno, 0);
		return -1;
	}
	/* Writes are batched by io.c, so Nagle would only add latency. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (r->srcfamily > 0) {
#ifdef IP_BIND_ADDRESS_NO_PORT
		/* The port is chosen at connect(), per destination. */
		(void)setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT,
		    &one, sizeof(one));
#endif
		if (bind(fd, (struct sockaddr *)&r->src, r->srclen) == -1) {
			failed(r, ai, errno, 1);
			close(fd);
			return -1;
		}
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
		ntrace(t, "connected to %s", addr);
		return fd;
	}
	if (errno != EINPROGRESS) {
		failed(r, ai, errno, 0);
		close(fd);
		return -1;
	}
	for (i = 0; i < NET_MAXADDRS && r->live[i].fd != -1; i++)
		continue;
	if (i == NET_MAXADDRS) {
		/* Cannot happen: there are as many slots as addresses. */
		failed(r, ai, EMFILE, 0);
		close(fd);
		return -1;
	}
	a = &r->live[i];
	end = now_ms() + t->timeout_ms;
	a->fd = fd;
	a->deadline = end < overall ? end : overall;
	a->ai = ai;
	r->nlive++;
	return -2;
}

/*
 * An attempt in flight is ready (writable or failed), or out of time.
 * Returns its descriptor when it connected, else -1; frees the slot.
 */
static int
settle(struct race *r, struct attempt *a, int ready)
{
	char		addr[INET6_ADDRSTRLEN];
	socklen_t	len;
	int		fd = a->fd, soerr = ETIMEDOUT;

	len = sizeof(soerr);
	if (ready && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr,
	    &len) == -1)
		soerr = errno;
	a->fd = -1;
	r->nlive--;
	if (soerr == 0) {
		ntrace(r->t, "connected to %s",
		    addr_str(a->ai, addr, sizeof(addr)));
		return fd;
	}
	failed(r, a->ai, soerr, 0);
	close(fd);
	return -1;
}

/* Trace a failed attempt and keep its error if it tells the most. */
static void
failed(struct race *r, const struct addrinfo *ai, int err, int inbind)
{
	char	addr[INET6_ADDRSTRLEN];

	ntrace(r->t, "%s: %s%s", addr_str(ai, addr, sizeof(addr)),
	    inbind ? "cannot bind to source_ip: " : "", errstr(err));
	if (r->err != 0 && rank(err) < rank(r->err))
		return;
	r->err = err;
	r->errbind = inbind;
	r->errai = ai;
}

/*
 * How much an error says about the server: refused (it is there and
 * said no) over timed out (something drops the packets) over the rest
 * over unreachable (this host has no route, common for a family it does
 * not really have). Ties go to the later error.
 */
static int
rank(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return 4;
	case ETIMEDOUT:
		return 3;
	case ENETUNREACH:
	case EHOSTUNREACH:
	case ENETDOWN:
	case EHOSTDOWN:
	case EADDRNOTAVAIL:
	case EAFNOSUPPORT:
		return 1;
	default:
		return 2;
	}
}

static const char *
errstr(int err)
{
	return err == ETIMEDOUT ? "timed out" : strerror(err);
}

static const char *
addr_str(const struct addrinfo *ai, char *buf, size_t len)
{
	const void	*p;

	if (ai->ai_family == AF_INET6)
		p = &((const struct sockaddr_in6 *)(const void *)
		    ai->ai_addr)->sin6_addr;
	else
		p = &((const struct sockaddr_in *)(const void *)
		    ai->ai_addr)->sin_addr;
	if (inet_ntop(ai->ai_family, p, buf, (socklen_t)len) == NULL)
		/* A display string; "?" fits any buffer the callers pass. */
		(void)xstrlcpy(buf, "?", len);
	return buf;
}

static int
same_addr(const struct addrinfo *a, const struct addrinfo *b)
{
	const struct sockaddr_in	*a4, *b4;
	const struct sockaddr_in6	*a6, *b6;

	if (a->ai_family != b->ai_family)
		return 0;
	if (a->ai_family == AF_INET) {
		a4 = (const struct sockaddr_in *)(const void *)a->ai_addr;
		b4 = (const struct sockaddr_in *)(const void *)b->ai_addr;
		return a4->sin_port == b4->sin_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	}
	a6 = (const struct sockaddr_in6 *)(const void *)a->ai_addr;
	b6 = (const struct sockaddr_in6 *)(const void *)b->ai_addr;
	return a6->sin6_port == b6->sin6_port &&
	    a6->sin6_scope_id == b6->sin6_scope_id &&
	    memcmp(&a6->sin6_addr, &b6->sin6_addr,
	    sizeof(a6->sin6_addr)) == 0;
}

static void
ntrace(const struct net_target *t, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	tracef(t->trace, t->trace_arg, NET_TRACE_DIR, fmt, ap);
	va_end(ap);
}
