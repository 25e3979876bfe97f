/*
 * Splitting an mbox into messages (mbox.h). The reader looks at the
 * first octets of each line only (a separator, an empty line, mboxrd's
 * quoting) and streams the rest of the line to the message's spool, so
 * memory does not grow with a line or a message.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "msg/mbox.h"

#define MBOX_BUFSZ	65536
#define MBOX_HEADMAX	1024	/* octets of a line looked at (mbox.h) */

struct mbox {
	int		 fd;
	char		 buf[MBOX_BUFSZ];
	size_t		 pos, len;
	int		 eof;
	int		 rerr;		/* errno of a failed read, or 0 */
	int		 started;	/* the first line was looked at */
	int		 mbox;		/* an mbox, not one message */
	int		 done;		/* every message was returned */
	unsigned long	 line;		/* lines consumed */
	unsigned long	 sep_line;	/* the next message's From line */
	int		 sep;		/* a From line began the next one */
	/* The message being read; NULL after it failed (bad). */
	struct msg	*cur;
	struct outcome	 bad;
	int		 blank;		/* an empty line held back */
};

static int	fill(struct mbox *);
static int	head(struct mbox *);
static void	feed(struct mbox *, const char *, size_t);
static int	rest_of_line(struct mbox *, int);
static int	one_line(struct mbox *);
static enum mbox_rc finish(struct mbox *, struct msg **, struct outcome *);

struct mbox *
mbox_new(int fd)
{
	struct mbox	*mb;

	if ((mb = calloc(1, sizeof(*mb))) == NULL)
		return NULL;
	mb->fd = fd;
	return mb;
}

void
mbox_free(struct mbox *mb)
{
	if (mb == NULL)
		return;
	msg_free(mb->cur);
	free(mb);
}

/* More input after what is left: 0, or -1 (rerr set). */
static int
fill(struct mbox *mb)
{
	ssize_t	n;

	if (mb->pos > 0) {
		memmove(mb->buf, mb->buf + mb->pos, mb->len - mb->pos);
		mb->len -= mb->pos;
		mb->pos = 0;
	}
	if (mb->eof || mb->len == sizeof(mb->buf))
		return 0;
	while ((n = read(mb->fd, mb->buf + mb->len,
	    sizeof(mb->buf) - mb->len)) == -1 && errno == EINTR)
		;
	if (n == -1) {
		mb->rerr = errno;
		return -1;
	}
	if (n == 0)
		mb->eof = 1;
	mb->len += (size_t)n;
	return 0;
}

/*
 * At the start of a line: the whole line in the buffer, or at least
 * MBOX_HEADMAX octets of it, or what is left before the end. 0 or -1.
 */
static int
head(struct mbox *mb)
{
	while (!mb->eof && mb->len - mb->pos < MBOX_HEADMAX &&
	    memchr(mb->buf + mb->pos, '\n', mb->len - mb->pos) == NULL)
		if (fill(mb) == -1)
			return -1;
	return 0;
}

/* To the message's spool; a failure makes the message a bad one. */
static void
feed(struct mbox *mb, const char *p, size_t n)
{
	if (mb->cur == NULL || n == 0)
		return;
	if (msg_feed(mb->cur, p, n, &mb->bad) == -1) {
		msg_free(mb->cur);
		mb->cur = NULL;
	}
}

/*
 * The line from pos on, to its newline or the end, fed (keep) or not.
 * 0, or -1 when the input cannot be read.
 */
static int
rest_of_line(struct mbox *mb, int keep)
{
	const char	*nl;
	size_t		 n;

	for (;;) {
		n = mb->len - mb->pos;
		nl = memchr(mb->buf + mb->pos, '\n', n);
		if (nl != NULL)
			n = (size_t)(nl - (mb->buf + mb->pos)) + 1;
		if (keep)
			feed(mb, mb->buf + mb->pos, n);
		mb->pos += n;
		if (nl != NULL) {
			mb->line++;
			return 0;
		}
		if (mb->eof)
			return 0;
		if (fill(mb) == -1)
			return -1;
	}
}

/*
 * One line of an mbox: 1 when it was the next message's From line, or
 * the input ended; 0 for a line of the message; -1 on a read error.
 */
static int
one_line(struct mbox *mb)
{
	const char	*p, *nl;
	size_t		 avail, n, q;

	if (head(mb) == -1)
		return -1;
	if ((avail = mb->len - mb->pos) == 0)
		return 1;
	p = mb->buf + mb->pos;
	nl = memchr(p, '\n', avail);
	n = nl != NULL ? (size_t)(nl - p) + 1 : avail;
	if (n >= 5 && memcmp(p, "From ", 5) == 0) {
		mb->sep = 1;
		mb->sep_line = mb->line + 1;
		return rest_of_line(mb, 0) == -1 ? -1 : 1;
	}
	if ((n == 1 && p[0] == '\n') || (n == 2 && p[0] == '\r' &&
	    p[1] == '\n')) {
		/* Held back: the one before a From line is the mbox's. */
		if (mb->blank)
			feed(mb, "\n", 1);
		mb->blank = 1;
		mb->pos += n;
		mb->line++;
		return 0;
	}
	if (mb->blank)
		feed(mb, "\n", 1);
	mb->blank = 0;
	/*
	 * mboxrd: ">From " was "From ", ">>From " was ">From ". Within the
	 * first MBOX_HEADMAX octets only, wherever the reads fell.
	 */
	for (q = 0; q < n && q < MBOX_HEADMAX && p[q] == '>'; q++)
		;
	if (q > 0 && q + 5 <= MBOX_HEADMAX && n - q >= 5 &&
	    memcmp(p + q, "From ", 5) == 0)
		mb->pos++;
	return rest_of_line(mb, 1);
}

/* The message read, or why it is a bad one. */
static enum mbox_rc
finish(struct mbox *mb, struct msg **m, struct outcome *o)
{
	struct msg	*cur = mb->cur;

	mb->cur = NULL;
	mb->blank = 0;
	if (cur != NULL && msg_end(cur, &mb->bad) == 0) {
		*m = cur;
		return MBOX_MSG;
	}
	msg_free(cur);
	*o = mb->bad;
	return MBOX_BAD;
}

enum mbox_rc
mbox_next(struct mbox *mb, const char *dir, struct msg **m,
    unsigned long *line, struct outcome *o)
{
	int	rc;

	*m = NULL;
	*line = 0;
	memset(&mb->bad, 0, sizeof(mb->bad));
	if (!mb->started) {
		mb->started = 1;
		if (head(mb) == -1)
			goto readerr;
		if (mb->len - mb->pos == 0)
			mb->done = 1;
		else if (mb->len - mb->pos >= 5 &&
		    memcmp(mb->buf + mb->pos, "From ", 5) == 0) {
			mb->mbox = 1;
			mb->sep = 1;
			mb->sep_line = 1;
			if (rest_of_line(mb, 0) == -1)
				goto readerr;
		}
	}
	if (mb->done || (mb->mbox && !mb->sep))
		return MBOX_END;
	/* Its separator was not part of it: nothing drops a From line. */
	if ((mb->cur = msg_begin(dir, NORM_KEEPFROM, &mb->bad)) == NULL) {
		*o = mb->bad;
		return MBOX_ERR;
	}
	if (!mb->mbox) {
		/* One message: everything, as it stands. */
		*line = 1;
		mb->done = 1;
		while (mb->pos < mb->len || !mb->eof) {
			feed(mb, mb->buf + mb->pos, mb->len - mb->pos);
			mb->pos = mb->len;
			if (fill(mb) == -1)
				goto readerr;
		}
		return finish(mb, m, o);
	}
	*line = mb->sep_line;
	mb->sep = 0;
	while ((rc = one_line(mb)) == 0)
		;
	if (rc == -1)
		goto readerr;
	return finish(mb, m, o);
readerr:
	msg_free(mb->cur);
	mb->cur = NULL;
	mb->done = 1;
	outcome_set(o, OUT_IOERR, PH_NONE, "cannot read the input: %s",
	    strerror(mb->rerr));
	return MBOX_ERR;
}
