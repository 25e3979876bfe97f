/*
 * SMTP replies (RFC 5321 4.2) with their enhanced status codes (RFC 3463),
 * and the EHLO keywords (RFC 5321 4.1.1.1) bote acts on.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "smtp/reply.h"
#include "smtp/sasl.h"

#define SIZE_NUMMAX	32	/* the SIZE parameter, digits */

struct keyword {
	const char	*name;
	unsigned	 bit;
};

/* EHLO keywords, sorted. */
static const struct keyword cap_table[] = {
	{ "8BITMIME",		CAP_8BITMIME },
	{ "AUTH",		CAP_AUTH },
	{ "CHUNKING",		CAP_CHUNKING },
	{ "DSN",		CAP_DSN },
	{ "ENHANCEDSTATUSCODES", CAP_ENHANCED },
	{ "PIPELINING",		CAP_PIPELINING },
	{ "SIZE",		CAP_SIZE },
	{ "SMTPUTF8",		CAP_SMTPUTF8 },
	{ "STARTTLS",		CAP_STARTTLS },
};

static int	is_digit(int);
static int	lower(int);
static unsigned	lookup(const struct keyword *, size_t, const char *, size_t);
static void	enh_parse(struct reply *, const char *, size_t);
static size_t	next_token(const char *, size_t, size_t, size_t *);
static void	caps_line(struct caps *, const char *, size_t);

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Case-insensitive (ASCII, whatever the locale) table lookup. */
static unsigned
lookup(const struct keyword *t, size_t n, const char *s, size_t len)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < len; j++)
			if (t[i].name[j] == '\0' ||
			    lower((unsigned char)s[j]) !=
			    lower((unsigned char)t[i].name[j]))
				break;
		if (j == len && t[i].name[j] == '\0')
			return t[i].bit;
	}
	return 0;
}

void
reply_init(struct reply *r)
{
	r->code = 0;
	r->enh[0] = '\0';
	r->text[0] = '\0';
	r->textlen = 0;
	r->nlines = 0;
	r->done = 0;
}

/*
 * RFC 3463 2: status-code = class "." subject "." detail, class 2, 4 or 5
 * and subject and detail 1*3digit. It counts only when its class agrees
 * with the reply code (RFC 2034 4), and it is followed by SP or ends the
 * text.
 */
static void
enh_parse(struct reply *r, const char *t, size_t len)
{
	size_t	i, n, part;
	int	class = r->code / 100;

	if (len < 5 || class == 3 || t[0] != '0' + class)
		return;
	i = 1;
	for (part = 0; part < 2; part++) {
		if (i >= len || t[i] != '.')
			return;
		i++;
		for (n = 0; n < 3 && i < len && is_digit((unsigned char)t[i]);
		    n++)
			i++;
		if (n == 0)
			return;
	}
	if (i < len && t[i] != ' ')
		return;
	if (i >= sizeof(r->enh))
		return;
	memcpy(r->enh, t, i);
	r->enh[i] = '\0';
}

/*
 * RFC 5321 4.2: Reply-line = *( Reply-code "-" [ textstring ] CRLF )
 * Reply-code [ SP textstring ] CRLF, with Reply-code = %x32-35 %x30-35
 * %x30-39, the same on every line. A line fed after a complete reply
 * starts the next reply.
 */
enum reply_err
reply_feed(struct reply *r, const char *line, size_t len)
{
	const char	*t;
	size_t		 tlen, need;
	int		 code, last;

	if (r->done)
		reply_init(r);
	if (len > REPLY_LINEMAX || r->nlines >= REPLY_LINESMAX)
		return REPLY_TOOLONG;
	if (len < 3 || line[0] < '2' || line[0] > '5' ||
	    line[1] < '0' || line[1] > '5' || !is_digit((unsigned char)line[2]))
		return REPLY_BADCODE;
	if (len == 3)
		last = 1;
	else if (line[3] == ' ')
		last = 1;
	else if (line[3] == '-')
		last = 0;
	else
		return REPLY_BADCODE;
	code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	if (r->nlines > 0 && code != r->code)
		return REPLY_MISMATCH;

	t = len > 4 ? line + 4 : line + len;
	tlen = len > 4 ? len - 4 : 0;
	need = tlen + (r->nlines > 0 ? 1 : 0);
	if (need >= sizeof(r->text) - r->textlen)
		return REPLY_TOOLONG;
	if (r->nlines > 0)
		r->text[r->textlen++] = '\n';
	memcpy(r->text + r->textlen, t, tlen);
	r->textlen += tlen;
	r->text[r->textlen] = '\0';

	if (r->nlines == 0) {
		r->code = code;
		enh_parse(r, t, tlen);
	}
	r->nlines++;
	if (!last)
		return REPLY_MORE;
	r->done = 1;
	return REPLY_OK;
}

/*
 * The next token of s[0..len) from *pos on, separated by SP, HTAB or "="
 * (the latter only for the old "AUTH=" form). Returns its length (0 at
 * the end) and stores its start in *start.
 */
static size_t
next_token(const char *s, size_t len, size_t pos, size_t *start)
{
	size_t	i;

	while (pos < len && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '='))
		pos++;
	*start = pos;
	for (i = pos; i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '=';
	    i++)
		continue;
	return i - pos;
}

/* One EHLO line: ehlo-line = ehlo-keyword *( SP ehlo-param ). */
static void
caps_line(struct caps *c, const char *s, size_t len)
{
	char		 num[SIZE_NUMMAX];
	const char	*errstr;
	long long	 v;
	unsigned	 bit;
	enum sasl_mech	 m;
	size_t		 start, n, pos;

	n = next_token(s, len, 0, &start);
	if (n == 0)
		return;
	bit = lookup(cap_table, sizeof(cap_table) / sizeof(cap_table[0]),
	    s + start, n);
	c->flags |= bit;
	pos = start + n;
	if (bit == CAP_AUTH) {
		while ((n = next_token(s, len, pos, &start)) > 0) {
			if ((m = sasl_mech_lookup(s + start, n)) != SASL_NONE)
				c->auth |= SASL_BIT(m);
			pos = start + n;
		}
	} else if (bit == CAP_SIZE) {
		/* RFC 1870 4: no number, or 0, means no fixed limit. */
		n = next_token(s, len, pos, &start);
		c->size = 0;
		if (n == 0 || n >= sizeof(num))
			return;
		memcpy(num, s + start, n);
		num[n] = '\0';
		v = strtonum(num, 0, LLONG_MAX, &errstr);
		if (errstr == NULL)
			c->size = (unsigned long long)v;
	}
}

void
caps_parse(const struct reply *r, struct caps *c)
{
	const char	*s, *nl;
	size_t		 left, n;

	memset(c, 0, sizeof(*c));
	if (r->code != 250)
		return;
	s = r->text;
	left = r->textlen;
	/* The first line is the greeting: skip it. */
	if ((nl = memchr(s, '\n', left)) == NULL)
		return;
	left -= (size_t)(nl + 1 - s);
	s = nl + 1;
	while (left > 0) {
		nl = memchr(s, '\n', left);
		n = nl != NULL ? (size_t)(nl - s) : left;
		caps_line(c, s, n);
		if (nl == NULL)
			break;
		left -= n + 1;
		s = nl + 1;
	}
}
