/*
 * Resolve and connect. Each address gets its own deadline so one
 * black-holed address cannot use up the time of the others.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net.h"
#include "util.h"

static int	connect_one(const struct addrinfo *, int timeout_ms,
		    int *err);

int
net_connect(const char *host, int port, int timeout_ms, struct outcome *o)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	char		 service[8];
	int		 fd = -1, rc, err = 0;

	if (xsnprintf(service, sizeof(service), "%d", port) == -1)
		return outcome_set(o, OUT_SOFTWARE, PH_CONNECT, "bad port");
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
	rc = getaddrinfo(host, service, &hints, &res);
	if (rc == EAI_NONAME || rc == EAI_NODATA
#ifdef EAI_ADDRFAMILY
	    || rc == EAI_ADDRFAMILY
#endif
	    )
		return outcome_set(o, OUT_NOHOST, PH_CONNECT,
		    "host %s not found", host);
	if (rc == EAI_MEMORY)
		return outcome_set(o, OUT_OSERR, PH_CONNECT,
		    "out of memory resolving %s", host);
	if (rc != 0)
		return outcome_set(o, OUT_TEMP, PH_CONNECT,
		    "cannot resolve %s: %s", host, gai_strerror(rc));

	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = connect_one(ai, timeout_ms, &err)) != -1)
			break;
	}
	freeaddrinfo(res);
	if (fd == -1)
		return outcome_set(o, OUT_TEMP, PH_CONNECT,
		    "cannot connect to %s port %d: %s", host, port,
		    err == ETIMEDOUT ? "timed out" : strerror(err));
	return fd;
}

static int
connect_one(const struct addrinfo *ai, int timeout_ms, int *err)
{
	struct pollfd	pfd;
	socklen_t	len;
	int64_t		deadline;
	int		fd, one = 1, soerr = 0, n;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1) {
		*err = errno;
		return -1;
	}
	/* Writes are batched by io.c, so Nagle would only add latency. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	if (errno != EINPROGRESS) {
		*err = errno;
		goto fail;
	}
	deadline = now_ms() + timeout_ms;
	pfd.fd = fd;
	pfd.events = POLLOUT;
	for (;;) {
		n = poll(&pfd, 1, ms_left(deadline));
		if (n == -1 && errno == EINTR) {
			*err = EINTR;
			goto fail;
		}
		if (n == -1) {
			*err = errno;
			goto fail;
		}
		if (n == 0) {
			*err = ETIMEDOUT;
			goto fail;
		}
		break;
	}
	len = sizeof(soerr);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1) {
		*err = errno;
		goto fail;
	}
	if (soerr != 0) {
		*err = soerr;
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}
