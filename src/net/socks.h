/*
 * The two other ways to reach a server besides a direct TCP connection
 * (net_connect() picks one): through a SOCKS5 proxy (RFC 1928), and over
 * a local Unix-domain socket.
 */
#ifndef BOTE_SOCKS_H
#define BOTE_SOCKS_H

#include "base/outcome.h"
#include "net/net.h"

/* msmtp's and Tor's default proxy port. */
#define SOCKS_PORT_DEFAULT	1080

/*
 * Connect to t->proxy_host (t->proxy_port, 0: SOCKS_PORT_DEFAULT) as
 * net_connect() connects to a server, then ask the proxy with a SOCKS5
 * CONNECT for t->host (its A-label, resolved by the proxy) and t->port.
 * No authentication method is offered but "none" (as msmtp). The whole
 * exchange is bounded by t->timeout_ms. Returns the descriptor, set up
 * as net_connect()'s and positioned just after the proxy's reply, or -1
 * with *o set: what net_connect() sets for the proxy itself (the words
 * name the proxy), OUT_TEMP for a reply that a server may change its
 * mind about (refused, unreachable, general failure), OUT_CONFIG for one
 * only a configuration change fixes (not allowed by the proxy's rules,
 * authentication wanted, CONNECT or the address type not supported),
 * OUT_PROTO for a reply that is not SOCKS5.
 */
int	socks_connect(const struct net_target *t, struct outcome *o);

/*
 * Connect to the Unix-domain socket t->socket within t->timeout_ms.
 * Returns a non-blocking, close-on-exec descriptor, or -1 with *o set:
 * OUT_CONFIG when the path is too long for a socket address, else
 * OUT_TEMP (a local relay that is not running yet is like a server that
 * is down).
 */
int	socks_local(const struct net_target *t, struct outcome *o);

/* The words for a SOCKS5 reply code (RFC 1928 section 6). */
const char *socks_reply_str(int rep);

#endif
