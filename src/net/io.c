/*
 * Buffered, deadline-bound socket I/O. The socket is non-blocking; every
 * wait is a poll() bounded by the caller's deadline. Writes are gathered
 * into IO_WBUFSZ chunks, so a message body leaves in large writes (and
 * full-size TLS records), never one write per line.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/io.h"
#include "net/tls.h"
#include "base/util.h"

#define IO_RBUFSZ	(IO_LINEMAX * 4)

struct io {
	int		 fd;
	struct tls	*tls;
	char		 rbuf[IO_RBUFSZ + 1];
	size_t		 rstart, rend;	/* unread bytes: rbuf[rstart..rend) */
	int		 eof;
	char		 wbuf[IO_WBUFSZ];
	size_t		 wlen;
};

static int	wait_fd(struct io *, short, int64_t);
static ssize_t	raw_read(struct io *, void *, size_t, short *);
static ssize_t	raw_write(struct io *, const void *, size_t, short *);
static int	fill(struct io *, int64_t);
static void	quickack(struct io *);

struct io *
io_new(int fd)
{
	struct io	*io;

	if ((io = calloc(1, sizeof(*io))) == NULL)
		return NULL;
	io->fd = fd;
	return io;
}

void
io_free(struct io *io)
{
	if (io == NULL)
		return;
	tls_free(io->tls);
	if (io->fd != -1)
		close(io->fd);
	/* The write buffer may still hold an AUTH line (DESIGN rule 9). */
	freezero(io, sizeof(*io));
}

int
io_fd(const struct io *io)
{
	return io->fd;
}

void
io_set_tls(struct io *io, struct tls *t)
{
	io->tls = t;
}

struct tls *
io_tls(const struct io *io)
{
	return io->tls;
}

size_t
io_pending(struct io *io)
{
	size_t	n = io->rend - io->rstart;

	if (io->tls != NULL)
		n += tls_pending(io->tls);
	return n;
}

int
io_readable(struct io *io, int64_t deadline)
{
	if (io_pending(io) > 0 || io->eof)
		return 1;
	/* A wait for the server like fill()'s (see quickack). */
	quickack(io);
	if (wait_fd(io, POLLIN, deadline) == 0)
		return 1;
	return errno == ETIMEDOUT ? 0 : -1;
}

/* Wait until fd is ready for events, or the deadline, or a signal. */
static int
wait_fd(struct io *io, short events, int64_t deadline)
{
	struct pollfd	pfd;
	int		n;

	for (;;) {
		if (bote_interrupted) {
			errno = EINTR;
			return -1;
		}
		pfd.fd = io->fd;
		pfd.events = events;
		n = poll(&pfd, 1, ms_left(deadline));
		if (n > 0)
			return 0;
		if (n == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR)
			return -1;
	}
}

/*
 * One read without blocking. Returns a count, 0 at EOF, or -1: with
 * errno EAGAIN and *want set to the poll event to wait for, or another
 * errno for a real error.
 */
static ssize_t
raw_read(struct io *io, void *buf, size_t len, short *want)
{
	ssize_t	n;

	*want = POLLIN;
	if (io->tls != NULL) {
		n = tls_recv(io->tls, buf, len);
		if (n >= 0)
			return n;
		if (n == TLS_WANT_WRITE)
			*want = POLLOUT;
		errno = n == TLS_ERROR ? EPROTO : EAGAIN;
		return -1;
	}
	do {
		n = read(io->fd, buf, len);
	} while (n == -1 && errno == EINTR && !bote_interrupted);
	if (n == -1 && errno == EWOULDBLOCK)
		errno = EAGAIN;
	return n;
}

static ssize_t
raw_write(struct io *io, const void *buf, size_t len, short *want)
{
	ssize_t	n;

	*want = POLLOUT;
	if (io->tls != NULL) {
		n = tls_send(io->tls, buf, len);
		if (n >= 0)
			return n;
		if (n == TLS_WANT_READ)
			*want = POLLIN;
		errno = n == TLS_ERROR ? EPROTO : EAGAIN;
		return -1;
	}
	/* MSG_NOSIGNAL: a closed peer is an error code, never SIGPIPE. */
	do {
		n = send(io->fd, buf, len, MSG_NOSIGNAL);
	} while (n == -1 && errno == EINTR && !bote_interrupted);
	if (n == -1 && errno == EWOULDBLOCK)
		errno = EAGAIN;
	return n;
}

/* Read more bytes into rbuf. Returns 1, 0 at EOF, or -1 with errno. */
static int
fill(struct io *io, int64_t deadline)
{
	ssize_t	n;
	short	want;

	if (io->rstart > 0) {
		memmove(io->rbuf, io->rbuf + io->rstart,
		    io->rend - io->rstart);
		io->rend -= io->rstart;
		io->rstart = 0;
	}
	for (;;) {
		n = raw_read(io, io->rbuf + io->rend, IO_RBUFSZ - io->rend,
		    &want);
		if (n > 0) {
			io->rend += (size_t)n;
			return 1;
		}
		if (n == 0) {
			io->eof = 1;
			return 0;
		}
		if (errno != EAGAIN)
			return -1;
		quickack(io);
		if (wait_fd(io, want, deadline) == -1)
			return -1;
	}
}

/*
 * About to wait for the server: acknowledge what it sends at once. A
 * server that writes two small segments in a row with Nagle on (OpenSSL
 * sending its TLS 1.3 session tickets, then the EHLO reply) otherwise
 * waits for our delayed ACK, 40 ms on Linux, before the reply leaves.
 * Linux clears the flag by itself, hence before every wait.
 */
static void
quickack(struct io *io)
{
#ifdef TCP_QUICKACK
	int	one = 1;

	(void)setsockopt(io->fd, IPPROTO_TCP, TCP_QUICKACK, &one,
	    sizeof(one));
#else
	(void)io;
#endif
}

int
io_getline(struct io *io, int64_t deadline, char **line, size_t *len)
{
	char	*p, *lf;
	size_t	 n;
	int	 rc;

	for (;;) {
		p = io->rbuf + io->rstart;
		n = io->rend - io->rstart;
		if ((lf = memchr(p, '\n', n)) != NULL) {
			n = (size_t)(lf - p);
			io->rstart += n + 1;
			if (n > 0 && p[n - 1] == '\r')
				n--;
			if (n > IO_LINEMAX) {
				errno = E2BIG;
				return -1;
			}
			p[n] = '\0';
			*line = p;
			*len = n;
			return 1;
		}
		if (n > IO_LINEMAX) {
			errno = E2BIG;
			return -1;
		}
		if (io->eof)
			return 0;
		if ((rc = fill(io, deadline)) <= 0)
			return rc;
	}
}

int
io_flush(struct io *io, int64_t deadline)
{
	size_t	off = 0;
	ssize_t	n;
	short	want;

	while (off < io->wlen) {
		n = raw_write(io, io->wbuf + off, io->wlen - off, &want);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n == -1 && errno != EAGAIN)
			return -1;
		if (wait_fd(io, want, deadline) == -1)
			return -1;
	}
	io->wlen = 0;
	return 0;
}

int
io_write(struct io *io, const void *buf, size_t len, int64_t deadline)
{
	const char	*p = buf;
	size_t		 k;

	while (len > 0) {
		k = IO_WBUFSZ - io->wlen;
		if (k > len)
			k = len;
		memcpy(io->wbuf + io->wlen, p, k);
		io->wlen += k;
		p += k;
		len -= k;
		if (io->wlen == IO_WBUFSZ && io_flush(io, deadline) == -1)
			return -1;
	}
	return 0;
}
