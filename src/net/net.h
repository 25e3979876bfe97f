/* Name resolution and TCP connection with deadlines (RFC 8305). */
#ifndef BOTE_NET_H
#define BOTE_NET_H

#include <stddef.h>
#include <stdint.h>

#include "base/outcome.h"

/* ip_version any|4|6 */
enum ip_version {
	IPV_ANY = 0,
	IPV_4,
	IPV_6
};

struct addrinfo;

/* Addresses of one host tried at most; the rest are left out. */
#define NET_MAXADDRS	16

/* RFC 8305 section 5: the Connection Attempt Delay. */
#define NET_STAGGER_MS	250

struct net_target {
	const char	*host;		/* a name (UTF-8 allowed) or literal */
	int		 port;
	int		 timeout_ms;	/* one attempt; all: twice that */
	int		 ip_version;	/* enum ip_version */
	const char	*source_ip;	/* local address to bind, or NULL */
	const char	*proxy_host;	/* SOCKS5 proxy (socks.h), or NULL */
	int		 proxy_port;	/* 0: SOCKS_PORT_DEFAULT */
	const char	*socket;	/* a Unix-domain socket instead of
					   host and port, or NULL */
	/* Told each step, one line at a time; dir is always '*'. */
	void		(*trace)(void *arg, int dir, const char *line,
			    size_t len);
	void		*trace_arg;
};

/*
 * Resolve t->host (converted to its A-label first) and connect to
 * t->port with Happy Eyeballs (RFC 8305): the addresses in net_order()'s
 * order, a new attempt every NET_STAGGER_MS or at once when one fails,
 * attempts in flight together, the first to connect wins. Each attempt is
 * bounded by t->timeout_ms, all of them by twice that. The returned
 * socket is non-blocking, close-on-exec and has TCP_NODELAY set (bote
 * batches its own writes). Returns the descriptor, or -1 with *o set:
 * OUT_NOHOST when the name does not exist or has no address of the
 * family asked for, OUT_CONFIG for a bad source_ip or host name,
 * OUT_TEMP otherwise. With t->socket, that socket is connected instead
 * (socks_local()); with t->proxy_host, the proxy is, and asked for the
 * host (socks_connect()).
 */
int	net_connect(const struct net_target *t, struct outcome *o);

/*
 * A second connection to the peer of the connected socket fd, from fd's
 * own local address (so source_ip and the route stay the same), by
 * deadline (now_ms() scale). Returns the descriptor, non-blocking and
 * close-on-exec as net_connect()'s, or -1 with errno.
 */
int	net_connect_again(int fd, int64_t deadline);

/*
 * RFC 8305 section 4, without re-sorting what getaddrinfo() sorted
 * (RFC 6724): the addresses of res of family (AF_UNSPEC: both) without
 * duplicates, alternating between IPv6 and IPv4 and starting with the
 * family of the first one, so a broken family costs one stagger, not a
 * timeout per address. Stores at most max pointers into out and returns
 * how many; *found (when not NULL) is how many there were before the cap.
 */
size_t	net_order(const struct addrinfo *res, int family,
	    const struct addrinfo **out, size_t max, size_t *found);

#endif
