/*
 * The message as it goes out: the header lines bote adds (the prefix),
 * then the spool file (msg.h) minus the ranges bote leaves out (a Bcc
 * field, a From replaced). One type for every place that sends, shows,
 * queues or quotes a message (smtp_tx.c, --pretend, the queue's control
 * file, the bounce), one size function and one reader, so the ranges are
 * walked in one place and capped by one constant.
 */
#ifndef BOTE_OUTMSG_H
#define BOTE_OUTMSG_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Ranges left out per message. The header policy notes at most this
 * many fields it may remove (headers.h), and the queue's control file
 * holds as many, so that anything that can be sent can be queued.
 */
#define OUTMSG_SKIPMAX	4096

struct outmsg {
	int	 fd;		/* spool, normalised CRLF form (msg.h) */
	off_t	 size;		/* spool size */
	/* Header lines bote adds, CRLF; owned, or NULL. */
	char	*prefix;
	size_t	 prefixlen;
	/* Sorted [off, len] ranges not sent. */
	off_t	 skip[OUTMSG_SKIPMAX][2];
	size_t	 nskip;
	int	 eightbit;	/* spool has bytes >= 0x80 */
};

/* No spool yet (fd -1), no prefix, no ranges. */
void	outmsg_init(struct outmsg *);

/* Free the prefix (not the fd) and init again; NULL is a no-op. */
void	outmsg_free(struct outmsg *);

/* Copy p[0..len) as the prefix (len 0: none). -1 with errno ENOMEM. */
int	outmsg_set_prefix(struct outmsg *, const char *p, size_t len);

/*
 * Leave len octets of the spool from off out. Ranges come in file order
 * and do not overlap: -1 with errno EINVAL when off is before the end of
 * the last range (or either is negative), E2BIG past OUTMSG_SKIPMAX.
 */
int	outmsg_add_skip(struct outmsg *, off_t off, off_t len);

/* Whether every range lies inside the spool (size): 1 or 0. */
int	outmsg_skips_inside(const struct outmsg *);

/* The octets that go out: prefix + spool - the ranges. */
off_t	outmsg_wire_size(const struct outmsg *);

/*
 * A reader of the octets that go out, in order. It reads the spool with
 * pread(2), so several readers may share the descriptor; the message
 * must not change while one is in use.
 */
struct outmsg_reader {
	const struct outmsg	*m;
	size_t			 poff;	/* prefix octets given so far */
	off_t			 off;	/* next spool offset */
	size_t			 k;	/* next range that may apply */
};

void	outmsg_reader_init(struct outmsg_reader *, const struct outmsg *);

/*
 * Fill buf with the next octets, at most len: returns how many (less
 * than len only at the end or before an error), 0 at the end, or -1
 * with errno when nothing could be read (ENODATA: the spool ended
 * before size).
 */
ssize_t	outmsg_read(struct outmsg_reader *, char *buf, size_t len);

#endif
