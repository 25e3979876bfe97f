/*
 * Small helpers shared by the engine: clocks, display sanitising, checked
 * string copies, and the outcome constructor.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/outcome.h"
#include "base/util.h"

volatile sig_atomic_t bote_interrupted;

int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
ms_left(int64_t deadline)
{
	int64_t	left;

	if (deadline < 0)
		return -1;
	left = deadline - now_ms();
	if (left < 0)
		return 0;
	if (left > 24 * 3600 * 1000)
		return 24 * 3600 * 1000;
	return (int)left;
}

static int	show(char *, size_t, const char *, size_t, int, int);

size_t
count8(const char *s, size_t n)
{
	size_t	i, c = 0;

	for (i = 0; i < n; i++)
		c += (unsigned char)s[i] >= 0x80;
	return c;
}

size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t	len, k;
	unsigned char lo = 0x80, hi = 0xbf;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (k = 2; k < len; k++)
		if (s[k] < 0x80 || s[k] > 0xbf)
			return 0;
	return len;
}

int
sanitize(char *dst, size_t dstsz, const char *src, size_t len, int allow8)
{
	return show(dst, dstsz, src, len, allow8, 0);
}

int
sanitize_line(char *dst, size_t dstsz, const char *src, size_t len)
{
	return show(dst, dstsz, src, len, 1, 1);
}

/*
 * sanitize(), and with lf each LF shown as "; ": the lines of a
 * multi-line reply read as the clauses of one sentence.
 */
static int
show(char *dst, size_t dstsz, const char *src, size_t len, int allow8,
    int lf)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t	i = 0, j = 0, n;

	if (dstsz == 0)
		return -1;
	while (i < len && j + 1 < dstsz) {
		if (lf && s[i] == '\n') {
			if (j + 2 >= dstsz)
				break;
			dst[j++] = ';';
			dst[j++] = ' ';
			i++;
			continue;
		}
		if (s[i] >= 0x20 && s[i] < 0x7f) {
			dst[j++] = (char)s[i];
			i++;
			continue;
		}
		/*
		 * Well-formed UTF-8 stays, but for the C1 controls U+0080 to
		 * U+009F (C2 80 to C2 9F), which terminals obey as the raw
		 * bytes 0x80 to 0x9F are obeyed: CSI is 0x9B.
		 */
		n = allow8 && s[i] >= 0x80 ? utf8_len(s + i, len - i) : 0;
		if (n > 0 && !(n == 2 && s[i] == 0xc2 && s[i + 1] <= 0x9f)) {
			/* Never a sequence cut in two. */
			if (j + n >= dstsz)
				break;
			memcpy(dst + j, s + i, n);
			i += n;
			j += n;
			continue;
		}
		/* A control, or an octet that is not UTF-8: one '?' each. */
		dst[j++] = '?';
		i += n > 0 ? n : 1;
	}
	dst[j] = '\0';
	return i < len ? -1 : 0;
}

int
xstrlcpy(char *dst, const char *src, size_t dstsz)
{
	return strlcpy(dst, src, dstsz) >= dstsz ? -1 : 0;
}

int
xsnprintf(char *dst, size_t dstsz, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(dst, dstsz, fmt, ap);
	va_end(ap);
	return (n < 0 || (size_t)n >= dstsz) ? -1 : 0;
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if ((p = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
secret_free(char *s)
{
	if (s == NULL)
		return;
	freezero(s, strlen(s));
}

int
outcome_set(struct outcome *o, enum outcome_kind kind, enum smtp_phase phase,
    const char *why, ...)
{
	va_list	ap;
	int	n;

	o->kind = kind;
	o->phase = phase;
	/* The caller sets it after, where it knows one (outcome.h). */
	o->setup = SETUP_NONE;
	va_start(ap, why);
	n = vsnprintf(o->why, sizeof(o->why), why, ap);
	va_end(ap);
	/* A cut reason is still the best we have; mark it as cut. */
	if (n < 0)
		o->why[0] = '\0';
	else if ((size_t)n >= sizeof(o->why))
		memcpy(o->why + sizeof(o->why) - 4, "...", 4);
	return -1;
}

void
whyf(char *why, size_t whylen, const char *fmt, ...)
{
	va_list	ap;

	if (why == NULL || whylen == 0)
		return;
	va_start(ap, fmt);
	/* A short buffer keeps a terminated prefix: the caller sized it. */
	if (vsnprintf(why, whylen, fmt, ap) < 0)
		why[0] = '\0';
	va_end(ap);
}

void
tracef(trace_fn cb, void *arg, int dir, const char *fmt, va_list ap)
{
	char	buf[512];
	int	n;

	if (cb == NULL)
		return;
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return;
	/* A trace line is for a person: a long one may be cut. */
	cb(arg, dir, buf, (size_t)n < sizeof(buf) ? (size_t)n :
	    sizeof(buf) - 1);
}

void
sbuf_init(struct sbuf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

int
sbuf_add(struct sbuf *b, const void *s, size_t n)
{
	char	*p;
	size_t	 cap;

	if (b->err)
		return -1;
	if (n > b->max - b->len) {
		b->err = E2BIG;
		return -1;
	}
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 512;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((p = realloc(b->p, cap)) == NULL) {
			b->err = ENOMEM;
			return -1;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int
sbuf_addf(struct sbuf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n, rc;

	if (b->err)
		return -1;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = ENOMEM;
		return -1;
	}
	rc = sbuf_add(b, s, (size_t)n);
	free(s);
	return rc;
}
