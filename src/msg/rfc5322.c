/*
 * Header scanning over the spool file (RFC 5322 2.2 and 3.6). The file is
 * read in blocks with pread(2); each field is unfolded into one bounded
 * buffer and handed to the callback once its last continuation line has
 * been seen, so memory use is bounded by HDR_FIELDMAX whatever the input.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg/rfc5322.h"

#define HDR_BLOCK	(64 * 1024)	/* one pread(2) */
#define HDR_BUFINIT	1024		/* first size of the field buffer */

/* Where the scanner is within a line. */
enum hstate {
	S_BOL,		/* at the beginning of a line */
	S_BOLCR,	/* a CR at the beginning of a line */
	S_NAME,		/* in the field name */
	S_NAMEWSP,	/* WSP between the name and the colon (obsolete) */
	S_VALUE,	/* in the field body */
	S_VALCR		/* a CR in the field body */
};

struct scan {
	hdr_cb		 cb;
	void		*arg;
	char		*buf;		/* the unfolded field */
	size_t		 len;
	size_t		 cap;
	size_t		 namelen;
	size_t		 colon;		/* index of the colon in buf */
	off_t		 off;		/* the field's first octet */
	off_t		 end;		/* after its last line's LF */
	int		 have;		/* a complete field awaits its end */
	enum hstate	 st;
	off_t		 lstart;	/* the current line's first octet */
	off_t		 body;		/* where the body starts, once known */
};

static int	is_ftext(int);
static int	scan_add(struct scan *, int);
static int	scan_emit(struct scan *);
static int	scan_octet(struct scan *, int, off_t);

/* RFC 5322 3.6.8: ftext is printable US-ASCII except ":". */
static int
is_ftext(int c)
{
	return c >= 33 && c <= 126 && c != ':';
}

/* Append one octet to the unfolded field, within HDR_FIELDMAX. */
static int
scan_add(struct scan *s, int c)
{
	char	*p;
	size_t	 ncap;

	if (s->len >= HDR_FIELDMAX) {
		errno = E2BIG;
		return -1;
	}
	if (s->len == s->cap) {
		ncap = s->cap == 0 ? HDR_BUFINIT : s->cap * 2;
		if (ncap > HDR_FIELDMAX)
			ncap = HDR_FIELDMAX;
		if ((p = realloc(s->buf, ncap)) == NULL)
			return -1;
		s->buf = p;
		s->cap = ncap;
	}
	s->buf[s->len++] = (char)c;
	return 0;
}

/* Hand the pending field, if any, to the callback. */
static int
scan_emit(struct scan *s)
{
	struct hdr_field	f;

	if (!s->have)
		return 0;
	s->have = 0;
	f.name = s->buf;
	f.namelen = s->namelen;
	f.value = s->buf + s->colon + 1;
	f.valuelen = s->len - s->colon - 1;
	f.off = s->off;
	f.len = s->end - s->off;
	return s->cb(s->arg, &f) == 0 ? 0 : -1;
}

/*
 * One octet at file offset pos through the state machine. Returns 0 to
 * go on, 1 when the body starts (s->body set), -1 on an error (errno
 * set).
 */
static int
scan_octet(struct scan *s, int c, off_t pos)
{
	/*
	 * Every octet of a field counts towards the cap; a name is known
	 * to be one at its colon.
	 */
	if ((s->st == S_VALUE || s->st == S_VALCR) && pos >= HDR_SECTIONMAX) {
		errno = E2BIG;
		return -1;
	}
	switch (s->st) {
	case S_BOL:
		s->lstart = pos;
		if (c == '\n') {
			s->body = pos + 1;
			return 1;
		}
		if (c == '\r') {
			s->st = S_BOLCR;
			return 0;
		}
		if ((c == ' ' || c == '\t') && s->have) {
			if (pos >= HDR_SECTIONMAX) {
				errno = E2BIG;
				return -1;
			}
			s->have = 0;
			if (scan_add(s, c) == -1)
				return -1;
			s->st = S_VALUE;
			return 0;
		}
		if (scan_emit(s) == -1)
			return -1;
		if (!is_ftext(c)) {
			s->body = s->lstart;
			return 1;
		}
		s->len = 0;
		s->off = pos;
		if (scan_add(s, c) == -1)
			return -1;
		s->st = S_NAME;
		return 0;
	case S_BOLCR:
		/* CRLF: the empty line. A CR and more: text. */
		s->body = c == '\n' ? pos + 1 : s->lstart;
		return 1;
	case S_NAME:
	case S_NAMEWSP:
		if (c == ':') {
			if (pos >= HDR_SECTIONMAX) {
				errno = E2BIG;
				return -1;
			}
			if (s->st == S_NAME)
				s->namelen = s->len;
			s->colon = s->len;
			s->st = S_VALUE;
		} else if (c == ' ' || c == '\t') {
			/* RFC 5322 4.5.8: WSP before ":". */
			if (s->st == S_NAME)
				s->namelen = s->len;
			s->st = S_NAMEWSP;
		} else if (s->st != S_NAME || !is_ftext(c)) {
			s->body = s->lstart;
			return 1;
		}
		return scan_add(s, c);
	case S_VALUE:
	case S_VALCR:
		if (c == '\n') {
			s->end = pos + 1;
			s->have = 1;
			s->st = S_BOL;
			return 0;
		}
		/* A CR not before LF is part of the value. */
		if (s->st == S_VALCR && scan_add(s, '\r') == -1)
			return -1;
		if (c == '\r') {
			s->st = S_VALCR;
			return 0;
		}
		s->st = S_VALUE;
		return scan_add(s, c);
	}
	return 0;
}

/*
 * Lines end with LF (CRLF in the spool form; the CR is dropped). A line
 * starting with SP or HTAB continues the previous field (RFC 5322 2.2.3:
 * unfolding removes the CRLF only). The empty line ends the header section.
 * A line that is not a field and not a continuation (no colon, or a
 * continuation with nothing to continue) starts the body right there, as
 * Postfix treats it; when that is the first line there is no header.
 */
int
hdr_scan(int fd, hdr_cb cb, void *arg, off_t *body_off)
{
	struct scan	 s;
	char		*blk = NULL;
	off_t		 pos = 0;
	ssize_t		 r;
	size_t		 i;
	int		 rc, ret = -1;

	*body_off = 0;
	memset(&s, 0, sizeof(s));
	s.cb = cb;
	s.arg = arg;
	s.st = S_BOL;
	if ((blk = malloc(HDR_BLOCK)) == NULL)
		goto fail;
	for (;;) {
		if ((r = pread(fd, blk, HDR_BLOCK, pos)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		for (i = 0; i < (size_t)r; i++, pos++) {
			rc = scan_octet(&s, (unsigned char)blk[i], pos);
			if (rc == -1)
				goto fail;
			if (rc == 1)
				goto done;
		}
	}

	/* End of file within the header section. */
	switch (s.st) {
	case S_VALUE:
	case S_VALCR:
		/* The last field has no line end; a CR at EOF is dropped. */
		s.end = pos;
		s.have = 1;
		s.body = pos;
		break;
	case S_BOL:
		s.body = pos;
		break;
	case S_BOLCR:
	case S_NAME:
	case S_NAMEWSP:
		/* A line that is not a field: the body starts there. */
		s.body = s.lstart;
		break;
	}
done:
	if (scan_emit(&s) == -1)
		goto fail;
	*body_off = s.body;
	ret = 0;
fail:
	free(blk);
	free(s.buf);
	return ret;
}
