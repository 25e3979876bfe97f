/* Name resolution and TCP connection with deadlines. */
#ifndef BOTE_NET_H
#define BOTE_NET_H

#include <stdint.h>

#include "outcome.h"

/*
 * Resolve host and connect to port, trying every address in the order
 * getaddrinfo() returns them, each attempt bounded by timeout_ms. The
 * returned socket is non-blocking, close-on-exec and has TCP_NODELAY set
 * (bote batches its own writes). Returns the descriptor, or -1 with *o
 * set: OUT_NOHOST when the name does not exist, OUT_TEMP otherwise.
 */
int	net_connect(const char *host, int port, int timeout_ms,
	    struct outcome *o);

#endif
