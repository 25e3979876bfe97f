/*
 * The message as it goes out (outmsg.h): prefix, then the spool minus
 * the skipped ranges.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg/outmsg.h"

static ssize_t	spool_part(struct outmsg_reader *, char *, size_t);

void
outmsg_init(struct outmsg *m)
{
	m->fd = -1;
	m->size = 0;
	m->prefix = NULL;
	m->prefixlen = 0;
	m->nskip = 0;
	m->eightbit = 0;
}

void
outmsg_free(struct outmsg *m)
{
	if (m == NULL)
		return;
	free(m->prefix);
	outmsg_init(m);
}

int
outmsg_set_prefix(struct outmsg *m, const char *p, size_t len)
{
	char	*c = NULL;

	if (len > 0) {
		if ((c = malloc(len)) == NULL)
			return -1;
		memcpy(c, p, len);
	}
	free(m->prefix);
	m->prefix = c;
	m->prefixlen = len;
	return 0;
}

int
outmsg_add_skip(struct outmsg *m, off_t off, off_t len)
{
	off_t	last = 0;

	if (m->nskip > 0)
		last = m->skip[m->nskip - 1][0] + m->skip[m->nskip - 1][1];
	if (off < last || len < 0) {
		errno = EINVAL;
		return -1;
	}
	if (m->nskip >= OUTMSG_SKIPMAX) {
		errno = E2BIG;
		return -1;
	}
	m->skip[m->nskip][0] = off;
	m->skip[m->nskip][1] = len;
	m->nskip++;
	return 0;
}

int
outmsg_skips_inside(const struct outmsg *m)
{
	size_t	i;

	for (i = 0; i < m->nskip; i++)
		if (m->skip[i][1] > m->size ||
		    m->skip[i][0] > m->size - m->skip[i][1])
			return 0;
	return 1;
}

off_t
outmsg_wire_size(const struct outmsg *m)
{
	off_t	n = m->size + (off_t)m->prefixlen;
	size_t	i;

	for (i = 0; i < m->nskip; i++)
		n -= m->skip[i][1];
	return n;
}

void
outmsg_reader_init(struct outmsg_reader *r, const struct outmsg *m)
{
	r->m = m;
	r->poff = 0;
	r->off = 0;
	r->k = 0;
}

/* Up to len octets of the spool from r->off, up to the next range. */
static ssize_t
spool_part(struct outmsg_reader *r, char *buf, size_t len)
{
	const struct outmsg	*m = r->m;
	off_t			 end;
	size_t			 want;
	ssize_t			 got;

	for (;;) {
		while (r->k < m->nskip &&
		    m->skip[r->k][0] + m->skip[r->k][1] <= r->off)
			r->k++;
		if (r->k < m->nskip && m->skip[r->k][0] <= r->off) {
			r->off = m->skip[r->k][0] + m->skip[r->k][1];
			continue;
		}
		break;
	}
	if (r->off >= m->size)
		return 0;
	end = r->k < m->nskip ? m->skip[r->k][0] : m->size;
	if (end > m->size)
		end = m->size;
	want = (size_t)(end - r->off) < len ? (size_t)(end - r->off) : len;
	do
		got = pread(m->fd, buf, want, r->off);
	while (got == -1 && errno == EINTR);
	if (got == 0) {
		errno = ENODATA;
		return -1;
	}
	if (got > 0)
		r->off += got;
	return got;
}

ssize_t
outmsg_read(struct outmsg_reader *r, char *buf, size_t len)
{
	const struct outmsg	*m = r->m;
	size_t			 n = 0, k;
	ssize_t			 got;

	if (r->poff < m->prefixlen) {
		k = m->prefixlen - r->poff < len ? m->prefixlen - r->poff :
		    len;
		memcpy(buf, m->prefix + r->poff, k);
		r->poff += k;
		n = k;
	}
	while (n < len) {
		/* What was read goes first; the error comes again next. */
		if ((got = spool_part(r, buf + n, len - n)) == -1)
			return n > 0 ? (ssize_t)n : -1;
		if (got == 0)
			break;
		n += (size_t)got;
	}
	return (ssize_t)n;
}
