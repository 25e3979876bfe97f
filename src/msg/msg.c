/*
 * The message as bote holds it: standard input normalised into a private
 * spool file, and the dot-stuffer that turns the spool form into the DATA
 * wire form.
 *
 * The normaliser works in two layers so that it never needs more than a few
 * held-back bytes whatever the chunking of its input:
 *  1. raw bytes: the mbox "From " prefix of the input, NUL, and CR (held
 *     until the next byte tells whether it ends a line);
 *  2. line events (a character, or the end of a line): the lone "." line,
 *     the line length cap and the CRLF output.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg/msg.h"

/* struct norm's state: a mode in the low bits, flags above. */
#define M_FROM		0x00	/* matching "From " at the start of input */
#define M_SKIP		0x01	/* dropping the mbox "From " line */
#define M_TEXT		0x02	/* ordinary text */
#define M_DOT		0x03	/* a "." held at the beginning of a line */
#define M_MASK		0x0f
#define F_CR		0x10	/* a CR is held back */
#define F_BROKE		0x20	/* the current input line was broken */

#define SPOOL_CHUNK	(64 * 1024)	/* one read(2) from the caller */

struct msg {
	int		fd;
	off_t		size;
	unsigned long	broken;
	int		eightbit;
	struct norm	*nm;		/* msg_begin() to msg_end() */
	char		*out;		/* NORM_OUTMAX(SPOOL_CHUNK) bytes */
};

static const char mbox_from[] = "From ";

static void	norm_setmode(struct norm *, int);
static int	must_break(size_t, int);
static size_t	break_line(struct norm *, int, char *);
static size_t	emit_char(struct norm *, int, char *);
static size_t	emit_eol(struct norm *, char *);
static size_t	text_char(struct norm *, int, char *);
static size_t	text_eol(struct norm *, char *);
static size_t	raw_byte(struct norm *, int, char *);
static size_t	replay_from(struct norm *, char *);
static ssize_t	read_some(int, char *, size_t);
static int	spool_open(const char *, struct outcome *);
static int	spool_write(int, const char *, size_t, struct outcome *);

void
norm_init(struct norm *n, int flags)
{
	memset(n, 0, sizeof(*n));
	n->flags = flags;
	n->state = flags & NORM_KEEPFROM ? M_TEXT : M_FROM;
}

static void
norm_setmode(struct norm *n, int mode)
{
	n->state = (n->state & ~M_MASK) | mode;
}

/*
 * Whether a line holding linelen octets must be broken before octet c:
 * at MSG_LINEMAX, or earlier before the lead octet of a UTF-8 sequence
 * that would not fit whole, so that no break falls inside a character
 * (a continuation octet is only ever broken before when the line is
 * full: the input was not UTF-8 there).
 */
static int
must_break(size_t linelen, int c)
{
	size_t	need = 1;

	if (c >= 0xf0 && c <= 0xf7)
		need = 4;
	else if (c >= 0xe0 && c <= 0xef)
		need = 3;
	else if (c >= 0xc0 && c <= 0xdf)
		need = 2;
	return linelen + need > MSG_LINEMAX;
}

/*
 * Break the current line before octet c, which does not fit. RFC 5322
 * 2.1.1 caps a line at 998 octets. The break goes before the line's
 * last blank that follows a non-blank (the held tail), so that the
 * blank starts the continuation: a folded field in the header, a line
 * break between words in the body, nothing added. A line without one
 * is broken with CRLF SP (what Postfix does), which folds a field too
 * and costs one space in the body. The warning counts input lines.
 */
static size_t
break_line(struct norm *n, int c, char *out)
{
	size_t	o = 0;

	if ((n->state & F_BROKE) == 0) {
		n->broken++;
		n->state |= F_BROKE;
	}
	n->lines++;
	out[o++] = '\r';
	out[o++] = '\n';
	if (n->nhold > 0) {
		/* The tail is a blank and non-blanks: no blank to use again. */
		memcpy(out + o, n->hold, n->nhold);
		o += n->nhold;
		n->linelen = n->nhold;
		n->seen = n->nhold > 1;
		n->nhold = 0;
		if (!must_break(n->linelen, c))
			return o;
		n->lines++;
		out[o++] = '\r';
		out[o++] = '\n';
	}
	out[o++] = ' ';
	n->linelen = 1;
	n->seen = 0;
	return o;
}

/*
 * Write one octet of a line, or hold it: from a blank that follows a
 * non-blank on, the line is held until the next such blank or its end,
 * in case it must be broken there.
 */
static size_t
emit_char(struct norm *n, int c, char *out)
{
	size_t	o = 0;
	int	blank = c == ' ' || c == '\t';

	if (must_break(n->linelen, c))
		o += break_line(n, c, out);
	if (blank && n->seen) {
		memcpy(out + o, n->hold, n->nhold);
		o += n->nhold;
		n->hold[0] = (char)c;
		n->nhold = 1;
	} else if (n->nhold > 0)
		/* linelen < MSG_LINEMAX, and the tail is part of it. */
		n->hold[n->nhold++] = (char)c;
	else
		out[o++] = (char)c;
	if (!blank)
		n->seen = 1;
	n->linelen++;
	if ((unsigned char)c >= 0x80)
		n->eightbit = 1;
	return o;
}

static size_t
emit_eol(struct norm *n, char *out)
{
	size_t	o = n->nhold;

	memcpy(out, n->hold, n->nhold);
	n->nhold = 0;
	out[o++] = '\r';
	out[o++] = '\n';
	n->linelen = 0;
	n->seen = 0;
	n->lines++;
	n->state &= ~F_BROKE;
	return o;
}

/*
 * A character of a line. With NORM_DOTEND a "." at the beginning of a line
 * is held until the next event says whether the line is exactly ".".
 */
static size_t
text_char(struct norm *n, int c, char *out)
{
	size_t	o = 0;

	if ((n->state & M_MASK) == M_DOT) {
		norm_setmode(n, M_TEXT);
		o += emit_char(n, '.', out);
		o += emit_char(n, c, out + o);
		return o;
	}
	if (c == '.' && n->linelen == 0 && (n->flags & NORM_DOTEND)) {
		norm_setmode(n, M_DOT);
		return 0;
	}
	return emit_char(n, c, out);
}

/* The end of a line; after a held "." it is the end of the input. */
static size_t
text_eol(struct norm *n, char *out)
{
	if ((n->state & M_MASK) == M_DOT) {
		norm_setmode(n, M_TEXT);
		n->done = 1;
		return 0;
	}
	return emit_eol(n, out);
}

/*
 * One input byte in text mode. LF and CRLF end a line; a CR followed by
 * anything else becomes a space so that no bare CR or LF ever reaches the
 * server (the SMTP smuggling vectors, RFC 5321 2.3.8).
 */
static size_t
raw_byte(struct norm *n, int c, char *out)
{
	size_t	o = 0;

	if (n->state & F_CR) {
		n->state &= ~F_CR;
		if (c == '\n')
			return text_eol(n, out);
		o += text_char(n, ' ', out);
	}
	if (c == '\r')
		n->state |= F_CR;
	else if (c == '\n')
		o += text_eol(n, out + o);
	else
		o += text_char(n, c, out + o);
	return o;
}

/* The input does not start with "From ": its first bytes are text. */
static size_t
replay_from(struct norm *n, char *out)
{
	size_t	i, o = 0;

	norm_setmode(n, M_TEXT);
	for (i = 0; i < n->npend; i++)
		o += raw_byte(n, (unsigned char)n->pend[i], out + o);
	n->npend = 0;
	return o;
}

int
norm_feed(struct norm *n, const char *in, size_t inlen, char *out,
    size_t *outlen)
{
	size_t	i, o = 0;
	int	c;

	*outlen = 0;
	if (n->nul)
		return -1;
	for (i = 0; i < inlen && !n->done; i++) {
		c = (unsigned char)in[i];
		if (c == '\0') {
			n->nul = 1;
			*outlen = o;
			return -1;
		}
		switch (n->state & M_MASK) {
		case M_FROM:
			if (c == mbox_from[n->npend]) {
				n->pend[n->npend++] = (char)c;
				if (n->npend == sizeof(mbox_from) - 1) {
					n->npend = 0;
					norm_setmode(n, M_SKIP);
				}
				continue;
			}
			o += replay_from(n, out + o);
			o += raw_byte(n, c, out + o);
			break;
		case M_SKIP:
			if (c == '\n')
				norm_setmode(n, M_TEXT);
			break;
		default:
			o += raw_byte(n, c, out + o);
			break;
		}
	}
	*outlen = o;
	return 0;
}

void
norm_finish(struct norm *n, char *out, size_t *outlen)
{
	size_t	o = 0;

	*outlen = 0;
	if (n->done || n->nul)
		return;
	switch (n->state & M_MASK) {
	case M_FROM:
		o += replay_from(n, out + o);
		break;
	case M_SKIP:
		/* The input was nothing but the "From " line. */
		norm_setmode(n, M_TEXT);
		break;
	default:
		break;
	}
	/* A CR at the very end is not followed by LF: a space. */
	if (n->state & F_CR) {
		n->state &= ~F_CR;
		o += text_char(n, ' ', out + o);
	}
	/* A "." alone on the last, unterminated line ends the input too. */
	if ((n->state & M_MASK) == M_DOT) {
		norm_setmode(n, M_TEXT);
		n->done = 1;
	}
	if (n->linelen > 0)
		o += emit_eol(n, out + o);
	*outlen = o;
}

void
dot_init(struct dotstuff *d)
{
	d->bol = 1;
}

/* RFC 5321 4.5.2: every line that starts with "." gets one more. */
size_t
dot_feed(struct dotstuff *d, const char *in, size_t inlen, char *out)
{
	size_t	i, o = 0;

	for (i = 0; i < inlen; i++) {
		if (d->bol && in[i] == '.')
			out[o++] = '.';
		out[o++] = in[i];
		d->bol = in[i] == '\n';
	}
	return o;
}

/*
 * read(2) that retries EINTR and waits for input on a descriptor a caller
 * left non-blocking (a shared pipe), instead of calling that an error.
 */
static ssize_t
read_some(int fd, char *p, size_t n)
{
	struct pollfd	pfd;
	ssize_t		r;

	for (;;) {
		if ((r = read(fd, p, n)) != -1)
			return r;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			pfd.fd = fd;
			pfd.events = POLLIN;
			if (poll(&pfd, 1, -1) == -1 && errno != EINTR)
				return -1;
		} else if (errno != EINTR)
			return -1;
	}
}

/*
 * The spool file has no name: O_TMPFILE where the file system supports it,
 * else mkstemp(3) and an immediate unlink(2), so nothing is left behind
 * whatever happens to the process.
 */
static int
spool_open(const char *dir, struct outcome *o)
{
	char			path[PATH_MAX];
	enum outcome_kind	kind;
	int			fd = -1, n;

#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd != -1)
		return fd;
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		goto fail;
#endif
	n = snprintf(path, sizeof(path), "%s/bote.XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	if ((fd = mkstemp(path)) == -1)
		goto fail;
	if (unlink(path) == -1 || fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		goto fail;
	return fd;
fail:
	kind = errno == EMFILE || errno == ENFILE || errno == ENOMEM ?
	    OUT_OSERR : OUT_TEMPLOCAL;
	outcome_set(o, kind, PH_NONE, "cannot create a spool file in %s: %s",
	    dir, strerror(errno));
	if (fd != -1)
		close(fd);
	return -1;
}

/*
 * Any failure to write the spool (ENOSPC, EDQUOT, EIO, EFBIG...) leaves the
 * message with the caller, who may try again later: a temporary failure.
 */
static int
spool_write(int fd, const char *p, size_t n, struct outcome *o)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			outcome_set(o, OUT_TEMPLOCAL, PH_NONE,
			    "cannot write the spool file: %s",
			    strerror(errno));
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

struct msg *
msg_spool(int infd, const char *dir, int flags, struct outcome *o)
{
	struct norm	 nm;
	struct msg	*m = NULL;
	char		*in = NULL, *out = NULL;
	size_t		 outlen;
	ssize_t		 r;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		outcome_set(o, OUT_OSERR, PH_NONE, "cannot allocate: %s",
		    strerror(errno));
		goto fail;
	}
	m->fd = -1;
	if ((in = malloc(SPOOL_CHUNK)) == NULL ||
	    (out = malloc(NORM_OUTMAX(SPOOL_CHUNK))) == NULL) {
		outcome_set(o, OUT_OSERR, PH_NONE, "cannot allocate: %s",
		    strerror(errno));
		goto fail;
	}
	if ((m->fd = spool_open(dir, o)) == -1)
		goto fail;

	norm_init(&nm, flags);
	for (;;) {
		if ((r = read_some(infd, in, SPOOL_CHUNK)) == -1) {
			outcome_set(o, OUT_IOERR, PH_NONE,
			    "cannot read the message: %s", strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		if (norm_feed(&nm, in, (size_t)r, out, &outlen) == -1) {
			outcome_set(o, OUT_DATAERR, PH_NONE,
			    "the message contains a NUL byte");
			goto fail;
		}
		if (spool_write(m->fd, out, outlen, o) == -1)
			goto fail;
		m->size += (off_t)outlen;
		/* The lone "." ended the input: the rest is not ours. */
		if (nm.done)
			break;
	}
	norm_finish(&nm, out, &outlen);
	if (spool_write(m->fd, out, outlen, o) == -1)
		goto fail;
	m->size += (off_t)outlen;
	if (lseek(m->fd, 0, SEEK_SET) == -1) {
		outcome_set(o, OUT_TEMPLOCAL, PH_NONE,
		    "cannot rewind the spool file: %s", strerror(errno));
		goto fail;
	}
	m->broken = nm.broken;
	m->eightbit = nm.eightbit;
	free(in);
	free(out);
	return m;
fail:
	free(in);
	free(out);
	msg_free(m);
	return NULL;
}

struct msg *
msg_begin(const char *dir, int flags, struct outcome *o)
{
	struct msg	*m;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		outcome_set(o, OUT_OSERR, PH_NONE, "cannot allocate: %s",
		    strerror(errno));
		return NULL;
	}
	m->fd = -1;
	if ((m->nm = malloc(sizeof(*m->nm))) == NULL ||
	    (m->out = malloc(NORM_OUTMAX(SPOOL_CHUNK))) == NULL) {
		outcome_set(o, OUT_OSERR, PH_NONE, "cannot allocate: %s",
		    strerror(errno));
		goto fail;
	}
	if ((m->fd = spool_open(dir, o)) == -1)
		goto fail;
	norm_init(m->nm, flags);
	return m;
fail:
	msg_free(m);
	return NULL;
}

int
msg_feed(struct msg *m, const char *in, size_t len, struct outcome *o)
{
	size_t	k, outlen;

	while (len > 0 && !m->nm->done) {
		k = len < SPOOL_CHUNK ? len : SPOOL_CHUNK;
		if (norm_feed(m->nm, in, k, m->out, &outlen) == -1)
			return outcome_set(o, OUT_DATAERR, PH_NONE,
			    "the message contains a NUL byte");
		if (spool_write(m->fd, m->out, outlen, o) == -1)
			return -1;
		m->size += (off_t)outlen;
		in += k;
		len -= k;
	}
	return 0;
}

int
msg_end(struct msg *m, struct outcome *o)
{
	size_t	outlen;

	norm_finish(m->nm, m->out, &outlen);
	if (spool_write(m->fd, m->out, outlen, o) == -1)
		return -1;
	m->size += (off_t)outlen;
	if (lseek(m->fd, 0, SEEK_SET) == -1)
		return outcome_set(o, OUT_TEMPLOCAL, PH_NONE,
		    "cannot rewind the spool file: %s", strerror(errno));
	m->broken = m->nm->broken;
	m->eightbit = m->nm->eightbit;
	free(m->nm);
	free(m->out);
	m->nm = NULL;
	m->out = NULL;
	return 0;
}

void
msg_free(struct msg *m)
{
	if (m == NULL)
		return;
	if (m->fd != -1)
		close(m->fd);
	free(m->nm);
	free(m->out);
	free(m);
}

int
msg_fd(const struct msg *m)
{
	return m->fd;
}

off_t
msg_size(const struct msg *m)
{
	return m->size;
}

unsigned long
msg_broken(const struct msg *m)
{
	return m->broken;
}

int
msg_eightbit(const struct msg *m)
{
	return m->eightbit;
}
