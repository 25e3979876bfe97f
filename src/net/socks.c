/*
 * SOCKS5 (RFC 1928) and Unix-domain sockets (socks.h). The proxy
 * resolves the server's name (the CONNECT carries it as a domain name,
 * ATYP 3), so that a proxy used to reach hidden or firewalled networks
 * (Tor, an egress gateway) sees names this host cannot resolve, and no
 * DNS query leaves this host for them. Every read takes exactly the
 * octets of the proxy's reply and no more: the SMTP greeting that may
 * follow at once belongs to io.c.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "base/idn.h"
#include "base/util.h"
#include "net/net.h"
#include "net/socks.h"

#define SOCKS_VER	5
#define SOCKS_NOAUTH	0x00	/* method: no authentication */
#define SOCKS_NOMETHOD	0xff	/* method: none acceptable */
#define SOCKS_CONNECT	1
#define ATYP_IPV4	1
#define ATYP_DOMAIN	3
#define ATYP_IPV6	4

/* A CONNECT: 4 + 1 + 255 + 2 octets at most (RFC 1928 section 4). */
#define SOCKS_REQMAX	262

static int	proxy_connect(const struct net_target *, struct outcome *);
static int	negotiate(int, const struct net_target *, int64_t,
		    struct outcome *);
static int	request(const struct net_target *, unsigned char *, size_t *,
		    struct outcome *);
static int	reply(int, const struct net_target *, int64_t,
		    struct outcome *);
static int	xfer(int, void *, size_t, int, int64_t);
static int	io_fail(const struct net_target *, struct outcome *,
		    const char *);
static void	sktrace(const struct net_target *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

int
socks_connect(const struct net_target *t, struct outcome *o)
{
	int64_t	deadline;
	int	fd;

	if ((fd = proxy_connect(t, o)) == -1)
		return -1;
	/* The proxy's own connection to the server is part of this. */
	deadline = now_ms() + t->timeout_ms;
	if (negotiate(fd, t, deadline, o) == -1 ||
	    reply(fd, t, deadline, o) == -1) {
		close(fd);
		return -1;
	}
	sktrace(t, "the proxy connected to %s port %d", t->host, t->port);
	return fd;
}

/*
 * The TCP connection to the proxy, by net_connect() itself; its error
 * is told again as the proxy's, so nobody looks for a fault at the
 * server.
 */
static int
proxy_connect(const struct net_target *t, struct outcome *o)
{
	struct net_target	 p = *t;
	char			 inner[OUTCOME_WHYMAX], head[300];
	const char		*rest;
	int			 fd;

	p.proxy_host = NULL;
	p.host = t->proxy_host;
	p.port = t->proxy_port > 0 ? t->proxy_port : SOCKS_PORT_DEFAULT;
	sktrace(t, "connecting to %s port %d through the SOCKS5 proxy %s "
	    "port %d", t->host, t->port, p.host, p.port);
	if ((fd = net_connect(&p, o)) != -1)
		return fd;
	(void)xstrlcpy(inner, o->why, sizeof(inner));	/* same size */
	/* Its "cannot connect to H port P: " is said again below. */
	rest = inner;
	if (xsnprintf(head, sizeof(head), "cannot connect to %s port %d: ",
	    p.host, p.port) == 0 && strncmp(inner, head, strlen(head)) == 0)
		rest = inner + strlen(head);
	return outcome_set(o, o->kind, PH_CONNECT, "cannot connect to the "
	    "proxy %s port %d (proxy_host, proxy_port): %s", p.host, p.port,
	    rest);
}

/*
 * Offer the "no authentication" method (section 3), then send the
 * CONNECT request (section 4). Not both at once, though that would save
 * a round trip: some proxies (microsocks) read the method offer with one
 * read and drop whatever came with it.
 */
static int
negotiate(int fd, const struct net_target *t, int64_t deadline,
    struct outcome *o)
{
	unsigned char	buf[3 + SOCKS_REQMAX], m[2];
	size_t		len = 0;

	buf[0] = SOCKS_VER;
	buf[1] = 1;
	buf[2] = SOCKS_NOAUTH;
	if (request(t, buf + 3, &len, o) == -1)
		return -1;
	if (xfer(fd, buf, 3, 1, deadline) == -1)
		return io_fail(t, o, "offering the method");
	if (xfer(fd, m, sizeof(m), 0, deadline) == -1)
		return io_fail(t, o, "reading the method it chose");
	if (m[0] != SOCKS_VER)
		return outcome_set(o, OUT_PROTO, PH_CONNECT, "the proxy %s "
		    "does not speak SOCKS5 (version %u in its reply)",
		    t->proxy_host, m[0]);
	if (m[1] == SOCKS_NOMETHOD)
		return outcome_set(o, OUT_CONFIG, PH_CONNECT, "the proxy %s "
		    "wants authentication, which bote (as msmtp) does not "
		    "do: allow this host at the proxy without it",
		    t->proxy_host);
	if (m[1] != SOCKS_NOAUTH)
		return outcome_set(o, OUT_PROTO, PH_CONNECT, "the proxy %s "
		    "chose method %u, which was not offered", t->proxy_host,
		    m[1]);
	if (xfer(fd, buf + 3, len, 1, deadline) == -1)
		return io_fail(t, o, "sending CONNECT");
	return 0;
}

/* The CONNECT request for t->host and t->port into buf. */
static int
request(const struct net_target *t, unsigned char *buf, size_t *len,
    struct outcome *o)
{
	char		name[256], why[OUTCOME_WHYMAX];
	size_t		n, i = 0;

	buf[i++] = SOCKS_VER;
	buf[i++] = SOCKS_CONNECT;
	buf[i++] = 0;		/* reserved */
	if (inet_pton(AF_INET, t->host, buf + i + 1) == 1) {
		buf[i++] = ATYP_IPV4;
		i += 4;
	} else if (inet_pton(AF_INET6, t->host, buf + i + 1) == 1) {
		buf[i++] = ATYP_IPV6;
		i += 16;
	} else {
		if (idn_to_alabel(t->host, name, sizeof(name), why,
		    sizeof(why)) == -1)
			return outcome_set(o, OUT_CONFIG, PH_CONNECT,
			    "host %s: %s", t->host, why);
		if ((n = strlen(name)) == 0 || n > 255)
			return outcome_set(o, OUT_CONFIG, PH_CONNECT,
			    "host %s: too long for SOCKS5", t->host);
		buf[i++] = ATYP_DOMAIN;
		buf[i++] = (unsigned char)n;
		memcpy(buf + i, name, n);
		i += n;
	}
	buf[i++] = (unsigned char)(t->port >> 8);
	buf[i++] = (unsigned char)(t->port & 0xff);
	*len = i;
	return 0;
}

/*
 * The reply to CONNECT (section 6): VER REP RSV ATYP BND.ADDR BND.PORT,
 * read in two steps so that no octet after it is taken.
 */
static int
reply(int fd, const struct net_target *t, int64_t deadline,
    struct outcome *o)
{
	unsigned char	h[5], rest[255 + 2];
	size_t		more;

	if (xfer(fd, h, sizeof(h), 0, deadline) == -1)
		return io_fail(t, o, "reading its reply to CONNECT");
	if (h[0] != SOCKS_VER)
		return outcome_set(o, OUT_PROTO, PH_CONNECT, "the proxy %s "
		    "answered CONNECT with version %u, not SOCKS5",
		    t->proxy_host, h[0]);
	if (h[1] != 0) {
		/*
		 * As a server that says no: refused, unreachable or a
		 * failure may pass (75); the proxy's rules, or a request
		 * it cannot serve, need a configuration change.
		 */
		return outcome_set(o, h[1] == 2 || h[1] == 7 || h[1] == 8 ?
		    OUT_CONFIG : OUT_TEMP, PH_CONNECT, "the proxy %s port %d "
		    "could not connect to %s port %d: %s (SOCKS5 reply %u)",
		    t->proxy_host, t->proxy_port > 0 ? t->proxy_port :
		    SOCKS_PORT_DEFAULT, t->host, t->port,
		    socks_reply_str(h[1]), h[1]);
	}
	switch (h[3]) {
	case ATYP_IPV4:
		more = 4 - 1 + 2;
		break;
	case ATYP_IPV6:
		more = 16 - 1 + 2;
		break;
	case ATYP_DOMAIN:
		more = (size_t)h[4] + 2;	/* h[4] is the length */
		break;
	default:
		return outcome_set(o, OUT_PROTO, PH_CONNECT, "the proxy %s "
		    "answered CONNECT with address type %u", t->proxy_host,
		    h[3]);
	}
	if (xfer(fd, rest, more, 0, deadline) == -1)
		return io_fail(t, o, "reading its reply to CONNECT");
	return 0;
}

const char *
socks_reply_str(int rep)
{
	static const char *const words[] = {
		"succeeded",
		"general SOCKS server failure",
		"connection not allowed by the proxy's rules",
		"network unreachable",
		"host unreachable",
		"connection refused",
		"TTL expired",
		"command not supported",
		"address type not supported"
	};

	if (rep < 0 || (size_t)rep >= sizeof(words) / sizeof(words[0]))
		return "unknown reply";
	return words[rep];
}

/*
 * Write (out) or read len octets exactly by deadline. Returns 0, or -1
 * with errno (0: the proxy closed the connection).
 */
static int
xfer(int fd, void *buf, size_t len, int out, int64_t deadline)
{
	struct pollfd	 pfd;
	unsigned char	*p = buf;
	ssize_t		 n;
	int		 r;

	while (len > 0) {
		if (bote_interrupted) {
			errno = EINTR;
			return -1;
		}
		n = out ? send(fd, p, len, MSG_NOSIGNAL) : read(fd, p, len);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n == 0) {
			errno = 0;
			return -1;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		pfd.fd = fd;
		pfd.events = out ? POLLOUT : POLLIN;
		if ((r = poll(&pfd, 1, ms_left(deadline))) == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (r == -1 && errno != EINTR)
			return -1;
	}
	return 0;
}

/* A failed exchange with the proxy: down, reset or timed out (75). */
static int
io_fail(const struct net_target *t, struct outcome *o, const char *doing)
{
	int	e = errno;

	return outcome_set(o, OUT_TEMP, PH_CONNECT, "SOCKS5 proxy %s, %s: %s",
	    t->proxy_host, doing, e == 0 ? "the proxy closed the connection" :
	    e == ETIMEDOUT ? "timed out" : e == EINTR ? "interrupted" :
	    strerror(e));
}

int
socks_local(const struct net_target *t, struct outcome *o)
{
	struct sockaddr_un	 sun;
	struct pollfd		 pfd;
	socklen_t		 len;
	int			 fd, err = 0, n;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (xstrlcpy(sun.sun_path, t->socket, sizeof(sun.sun_path)) == -1)
		return outcome_set(o, OUT_CONFIG, PH_CONNECT, "socket %s: the "
		    "name is too long for a socket (%zu octets at most)",
		    t->socket, sizeof(sun.sun_path) - 1);
	sktrace(t, "connecting to socket %s", t->socket);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return outcome_set(o, OUT_OSERR, PH_CONNECT, "socket: %s",
		    strerror(errno));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		goto done;
	/* A full backlog: wait for room, as for a TCP handshake. */
	if (errno != EAGAIN && errno != EINPROGRESS) {
		err = errno;
		goto fail;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	while ((n = poll(&pfd, 1, t->timeout_ms)) == -1 && errno == EINTR &&
	    !bote_interrupted)
		continue;
	len = sizeof(err);
	if (n <= 0)
		err = n == 0 ? ETIMEDOUT : errno;
	else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0)
		goto fail;
done:
	sktrace(t, "connected to socket %s", t->socket);
	return fd;
fail:
	close(fd);
	return outcome_set(o, OUT_TEMP, PH_CONNECT, "cannot connect to socket "
	    "%s: %s", t->socket, err == ETIMEDOUT ? "timed out" :
	    strerror(err));
}

static void
sktrace(const struct net_target *t, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	tracef(t->trace, t->trace_arg, '*', fmt, ap);
	va_end(ap);
}
