/*
 * A bounded line reader and a batching writer over a socket, in clear or
 * through a TLS session. Every wait has a deadline on the now_ms() clock,
 * so a server that stalls or drips bytes cannot hold bote past it.
 */
#ifndef BOTE_IO_H
#define BOTE_IO_H

#include <stddef.h>
#include <stdint.h>

struct tls;
struct io;

#define IO_LINEMAX	4096	/* a longer line is an error (E2BIG) */
#define IO_WBUFSZ	16384	/* one TLS record's worth of plaintext */

struct io	*io_new(int fd);
/* Closes the descriptor and frees the TLS session, if any. */
void		 io_free(struct io *);
int		 io_fd(const struct io *);
/* From now on read and write through t (owned by io from then on). */
void		 io_set_tls(struct io *, struct tls *t);
struct tls	*io_tls(const struct io *);

/*
 * Read one line ending in LF by deadline; a CR before the LF is removed.
 * On success returns 1 and points *line (NUL-terminated, valid until the
 * next call) and *len at it. Returns 0 at EOF (a partial last line is
 * dropped) and -1 on error with errno: ETIMEDOUT, E2BIG (line over
 * IO_LINEMAX), EINTR (bote_interrupted), EPROTO (TLS error), or the
 * socket's error.
 */
int		 io_getline(struct io *, int64_t deadline, char **line,
		    size_t *len);

/*
 * Wait by deadline until a read would not block: bytes are there, or the
 * peer closed. Returns 1, 0 when the deadline came first, or -1 with
 * errno (EINTR when bote_interrupted).
 */
int		 io_readable(struct io *, int64_t deadline);

/* Bytes received and not yet returned as lines (TLS's included). */
size_t		 io_pending(struct io *);

/*
 * Queue len bytes; whenever IO_WBUFSZ bytes are queued they are sent
 * (waiting at most until deadline). Returns 0 or -1 with errno.
 */
int		 io_write(struct io *, const void *buf, size_t len,
		    int64_t deadline);
/* Send everything queued by deadline. Returns 0 or -1 with errno. */
int		 io_flush(struct io *, int64_t deadline);

#endif
