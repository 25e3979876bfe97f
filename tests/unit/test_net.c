/*
 * net.c: the Happy Eyeballs order (RFC 8305 section 4) as a pure
 * function, and net_connect() against sockets this test opens on
 * loopback, with numeric hosts only (no name is ever looked up).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "base/idn.h"
#include "net/net.h"
#include "tap.h"
#include "base/util.h"

#define MAXLIST	24

static struct addrinfo		 list[MAXLIST];
static struct sockaddr_storage	 sa[MAXLIST];
static char			 traced[4096];

static struct addrinfo	*mklist(const char *const *, size_t);
static const char	*order(const struct addrinfo *, int, size_t,
			    size_t *);
static int		 listener(const char *, int, int *);
static void		 trace(void *, int, const char *, size_t);
static void		 test_order(void);
static void		 test_connect(void);

/* A getaddrinfo()-like list of numeric addresses, all port 25. */
static struct addrinfo *
mklist(const char *const *addrs, size_t n)
{
	struct sockaddr_in	*sin;
	struct sockaddr_in6	*sin6;
	size_t			 i;

	memset(list, 0, sizeof(list));
	memset(sa, 0, sizeof(sa));
	for (i = 0; i < n && i < MAXLIST; i++) {
		list[i].ai_socktype = SOCK_STREAM;
		list[i].ai_addr = (struct sockaddr *)&sa[i];
		if (strchr(addrs[i], ':') != NULL) {
			sin6 = (struct sockaddr_in6 *)&sa[i];
			sin6->sin6_family = AF_INET6;
			sin6->sin6_port = htons(25);
			(void)inet_pton(AF_INET6, addrs[i], &sin6->sin6_addr);
			list[i].ai_family = AF_INET6;
			list[i].ai_addrlen = sizeof(*sin6);
		} else {
			sin = (struct sockaddr_in *)&sa[i];
			sin->sin_family = AF_INET;
			sin->sin_port = htons(25);
			(void)inet_pton(AF_INET, addrs[i], &sin->sin_addr);
			list[i].ai_family = AF_INET;
			list[i].ai_addrlen = sizeof(*sin);
		}
		list[i].ai_next = i + 1 < n ? &list[i + 1] : NULL;
	}
	return n > 0 ? list : NULL;
}

/* net_order() as a string: the addresses, blank-separated. */
static const char *
order(const struct addrinfo *res, int family, size_t max, size_t *found)
{
	static char		 buf[1024];
	const struct addrinfo	*out[MAXLIST];
	char			 a[INET6_ADDRSTRLEN];
	const void		*p;
	size_t			 i, n, len = 0;

	n = net_order(res, family, out, max, found);
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (out[i]->ai_family == AF_INET6)
			p = &((struct sockaddr_in6 *)(void *)
			    out[i]->ai_addr)->sin6_addr;
		else
			p = &((struct sockaddr_in *)(void *)
			    out[i]->ai_addr)->sin_addr;
		(void)inet_ntop(out[i]->ai_family, p, a, sizeof(a));
		(void)xsnprintf(buf + len, sizeof(buf) - len, "%s%s",
		    i > 0 ? " " : "", a);
		len = strlen(buf);
	}
	return buf;
}

static void
test_order(void)
{
	static const char *const v6first[] = { "2001:db8::1", "2001:db8::2",
	    "2001:db8::3", "192.0.2.1", "192.0.2.2" };
	static const char *const v4first[] = { "192.0.2.1", "192.0.2.2",
	    "2001:db8::1" };
	static const char *const dup[] = { "192.0.2.1", "192.0.2.1",
	    "2001:db8::1", "2001:db8::1", "192.0.2.2" };
	static const char *const only4[] = { "192.0.2.3", "192.0.2.1",
	    "192.0.2.2" };
	static const char *const loop[] = { "::1", "127.0.0.1" };
	const char	*many[20];
	char		 names[20][16];
	size_t		 found, i;

	is_str(order(mklist(v6first, 5), AF_UNSPEC, MAXLIST, &found),
	    "2001:db8::1 192.0.2.1 2001:db8::2 192.0.2.2 2001:db8::3",
	    "families alternate, IPv6 first, the rest at the end");
	is_int(found, 5, "all five counted");
	is_str(order(mklist(v4first, 3), AF_UNSPEC, MAXLIST, NULL),
	    "192.0.2.1 2001:db8::1 192.0.2.2",
	    "the first family is that of getaddrinfo's first address");
	is_str(order(mklist(only4, 3), AF_UNSPEC, MAXLIST, NULL),
	    "192.0.2.3 192.0.2.1 192.0.2.2",
	    "one family: getaddrinfo's order is kept");
	is_str(order(mklist(dup, 5), AF_UNSPEC, MAXLIST, &found),
	    "192.0.2.1 2001:db8::1 192.0.2.2", "duplicates are dropped");
	is_int(found, 3, "duplicates are not counted");
	is_str(order(mklist(v6first, 5), AF_INET, MAXLIST, &found),
	    "192.0.2.1 192.0.2.2", "ip_version 4 keeps IPv4 only");
	is_int(found, 2, "two IPv4 addresses");
	is_str(order(mklist(v4first, 3), AF_INET6, MAXLIST, NULL),
	    "2001:db8::1", "ip_version 6 keeps IPv6 only");
	is_str(order(mklist(only4, 3), AF_INET6, MAXLIST, &found), "",
	    "no address of the family asked for");
	is_int(found, 0, "none found");
	is_str(order(NULL, AF_UNSPEC, MAXLIST, &found), "",
	    "an empty list");
	is_str(order(mklist(loop, 2), AF_UNSPEC, MAXLIST, NULL),
	    "::1 127.0.0.1", "localhost: ::1 then 127.0.0.1");
	is_str(order(mklist(v6first, 5), AF_UNSPEC, 2, &found),
	    "2001:db8::1 192.0.2.1", "the cap keeps the first ones");
	is_int(found, 5, "found counts past the cap");

	for (i = 0; i < 20; i++) {
		(void)xsnprintf(names[i], sizeof(names[i]), "192.0.2.%zu",
		    i + 1);
		many[i] = names[i];
	}
	(void)order(mklist(many, 20), AF_UNSPEC, NET_MAXADDRS, &found);
	is_int(found, 20, "20 addresses found");
	ok(strstr(order(mklist(many, 20), AF_UNSPEC, NET_MAXADDRS, NULL),
	    "192.0.2.17") == NULL, "only the first NET_MAXADDRS are kept");
}

/*
 * A listening socket on addr (numeric) at an ephemeral port. With
 * blackhole set, its accept queue is filled with one connection nobody
 * accepts, so further SYNs go unanswered, as with a firewall that drops
 * them. Returns the socket (the filler in *filler), or -1.
 */
static int
listener(const char *addr, int blackhole, int *filler)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	struct pollfd		pfd;
	int			fd, one = 1;

	*filler = -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		return -1;
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, blackhole ? 0 : 4) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1) {
		close(fd);
		return -1;
	}
	if (blackhole) {
		*filler = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (*filler == -1)
			return fd;
		(void)connect(*filler, (struct sockaddr *)&sin, sizeof(sin));
		pfd.fd = *filler;
		pfd.events = POLLOUT;
		(void)poll(&pfd, 1, 2000);
	}
	return fd;
}

static int
port_of(int fd)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		return 0;
	return ntohs(sin.sin_port);
}

static void
trace(void *arg, int dir, const char *line, size_t len)
{
	size_t	n = strlen(traced);

	(void)arg;
	(void)xsnprintf(traced + n, sizeof(traced) - n, "%c %.*s\n", dir,
	    (int)len, line);
}

static void
test_connect(void)
{
	struct net_target	 t;
	struct outcome		 o;
	struct sockaddr_in	 peer;
	socklen_t		 len;
	char			 want[256], a[INET_ADDRSTRLEN], why[256];
	int			 l, fd, c, filler, one = 0, fl;

	memset(&t, 0, sizeof(t));
	t.host = "127.0.0.1";
	t.timeout_ms = 5000;
	t.trace = trace;

	if ((l = listener("127.0.0.1", 0, &filler)) == -1) {
		ok(0, "cannot listen on 127.0.0.1: %s", strerror(errno));
		return;
	}
	t.port = port_of(l);
	traced[0] = '\0';
	memset(&o, 0, sizeof(o));
	fd = net_connect(&t, &o);
	ok(fd >= 0, "connects to a listening 127.0.0.1");
	(void)xsnprintf(want, sizeof(want), "* connecting to 127.0.0.1 port "
	    "%d\n* connected to 127.0.0.1\n", t.port);
	is_str(traced, want, "the trace names the address tried and won");
	fl = fcntl(fd, F_GETFL);
	ok(fl != -1 && (fl & O_NONBLOCK), "the socket is non-blocking");
	fl = fcntl(fd, F_GETFD);
	ok(fl != -1 && (fl & FD_CLOEXEC), "the socket is close-on-exec");
	len = sizeof(one);
	ok(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, &len) == 0 &&
	    one != 0, "the socket has TCP_NODELAY");
	if (fd >= 0)
		close(fd);
	if ((c = accept(l, NULL, NULL)) >= 0)
		close(c);

	/* source_ip: the server sees it as the peer. */
	t.source_ip = "127.0.0.2";
	fd = net_connect(&t, &o);
	ok(fd >= 0, "connects from source_ip 127.0.0.2");
	len = sizeof(peer);
	c = accept(l, (struct sockaddr *)&peer, &len);
	ok(c >= 0 && inet_ntop(AF_INET, &peer.sin_addr, a, sizeof(a)) &&
	    strcmp(a, "127.0.0.2") == 0, "the server sees 127.0.0.2");
	if (c >= 0)
		close(c);
	if (fd >= 0)
		close(fd);
	t.source_ip = NULL;
	close(l);

	/* Nothing listens there now: refused. */
	traced[0] = '\0';
	memset(&o, 0, sizeof(o));
	is_int(net_connect(&t, &o), -1, "a closed port fails");
	is_int(o.kind, OUT_TEMP, "refused is temporary");
	(void)xsnprintf(want, sizeof(want), "cannot connect to 127.0.0.1 "
	    "port %d: 127.0.0.1: %s (1 address tried)", t.port,
	    strerror(ECONNREFUSED));
	is_str(o.why, want, "the error names the address and the count");

	/* A black hole: the attempt times out. */
	if ((l = listener("127.0.0.1", 1, &filler)) != -1) {
		t.port = port_of(l);
		t.timeout_ms = 300;
		memset(&o, 0, sizeof(o));
		is_int(net_connect(&t, &o), -1, "a black hole fails");
		is_int(o.kind, OUT_TEMP, "timed out is temporary");
		ok(strstr(o.why, "127.0.0.1: timed out (1 address tried)") !=
		    NULL, "the error says timed out: %s", o.why);
		close(l);
		if (filler != -1)
			close(filler);
		t.timeout_ms = 5000;
	} else
		ok(0, "cannot make a black hole");

	/* Families and source addresses that cannot match. */
	t.ip_version = IPV_6;
	memset(&o, 0, sizeof(o));
	is_int(net_connect(&t, &o), -1, "ip_version 6 to 127.0.0.1 fails");
	is_int(o.kind, OUT_NOHOST, "as no such host");
	is_str(o.why, "host 127.0.0.1 has no IPv6 address (ip_version 6)",
	    "saying there is no IPv6 address");
	t.ip_version = IPV_4;
	t.source_ip = "::1";
	memset(&o, 0, sizeof(o));
	is_int(net_connect(&t, &o), -1, "source_ip ::1 with ip_version 4");
	is_int(o.kind, OUT_CONFIG, "is a configuration error");
	t.ip_version = IPV_ANY;
	memset(&o, 0, sizeof(o));
	is_int(net_connect(&t, &o), -1, "source_ip ::1 to 127.0.0.1 fails");
	is_int(o.kind, OUT_NOHOST, "no address of source_ip's family");
	is_str(o.why, "host 127.0.0.1 has no IPv6 address (source_ip is "
	    "IPv6)", "says so");
	t.source_ip = "127.0.0.300";
	memset(&o, 0, sizeof(o));
	is_int(net_connect(&t, &o), -1, "a bad source_ip fails");
	is_int(o.kind, OUT_CONFIG, "as a configuration error");
	is_str(o.why, "source_ip is not an IPv4 or IPv6 address",
	    "without quoting it");
	t.source_ip = NULL;

	/* Host names go through IDNA before anything is looked up. */
	ok(idn_to_alabel("b\xc3\xbc" "cher.example", why, sizeof(why), NULL,
	    0) == 0 && strcmp(why, "xn--bcher-kva.example") == 0,
	    "b\xc3\xbc" "cher.example is xn--bcher-kva.example");
	t.host = "\xe2\x98\x83.example";
	traced[0] = '\0';
	memset(&o, 0, sizeof(o));
	is_int(net_connect(&t, &o), -1, "a name IDNA refuses fails");
	is_int(o.kind, OUT_CONFIG, "as a configuration error");
	ok(strstr(o.why, "invalid internationalised domain name") != NULL,
	    "saying why: %s", o.why);
	is_str(traced, "", "and nothing was tried");
}

int
main(void)
{
	test_order();
	test_connect();
	return done_testing();
}
