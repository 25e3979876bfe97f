/*
 * Header policy (headers.h): the decisions msmtp's header directives
 * stand for, and the text of the fields bote adds.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/conf.h"
#include "msg/headers.h"
#include "base/crypto.h"
#include "base/util.h"

#define FOLDAT		78	/* RFC 5322 2.1.1: lines SHOULD fit in 78 */
#define EW_CHUNK	45	/* octets per encoded-word: 60 base64 chars,
				   75 with "=?UTF-8?B?" and "?=" */

/* A growing buffer with a cap. */
struct hbuf {
	struct sbuf	 s;
	size_t		 col;	/* octets since the last CRLF */
};

static int	hb_add(struct hbuf *, const char *, size_t);
static int	hb_str(struct hbuf *, const char *);
static int	is_atext(int);
static int	hb_to(struct hbuf *, char *const *, size_t);
static int	ok_domain(const char *);

static const struct {
	const char	*name;
	enum hdr_kind	 kind;
} kinds[] = {
	{ "From", HK_FROM },
	{ "Date", HK_DATE },
	{ "Message-ID", HK_MSGID },
	{ "To", HK_TO },
	{ "Cc", HK_CC },
	{ "Bcc", HK_BCC },
	{ "Subject", HK_SUBJECT },
	{ "Resent-To", HK_RESENT_TO },
	{ "Resent-Cc", HK_RESENT_CC },
	{ "Resent-Bcc", HK_RESENT_BCC },
};

enum hdr_kind
hdr_kind(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strlen(kinds[i].name) == len &&
		    strncasecmp(kinds[i].name, name, len) == 0)
			return kinds[i].kind;
	if (len > 7 && strncasecmp(name, "Resent-", 7) == 0)
		return HK_RESENT_OTHER;
	return HK_OTHER;
}

void
hdr_state_init(struct hdr_state *s)
{
	memset(s, 0, sizeof(*s));
	s->resent_lo = -1;
	s->resent_hi = -1;
}

int
hdr_note(struct hdr_state *s, const struct hdr_field *f)
{
	enum hdr_kind	k = hdr_kind(f->name, f->namelen);
	long		n = (long)s->nfields++;
	int		resent = k >= HK_RESENT_TO;

	/*
	 * Resent-* fields come in blocks, the newest on top (RFC 5322
	 * 3.6.6); the first block ends at the first other field.
	 */
	if (resent && s->resent_lo == -1)
		s->resent_lo = n;
	else if (!resent && s->resent_lo != -1 && s->resent_hi == -1)
		s->resent_hi = n;
	s->seen_from |= k == HK_FROM;
	s->seen_date |= k == HK_DATE;
	s->seen_msgid |= k == HK_MSGID;
	if (k == HK_FROM || k == HK_TO || k == HK_CC || k == HK_BCC ||
	    k == HK_RESENT_BCC || (k == HK_SUBJECT &&
	    hdr_utf8_text(f->value, f->valuelen))) {
		if (s->ncand == HDR_DROPMAX) {
			errno = E2BIG;
			return -1;
		}
		s->cand[s->ncand].off = f->off;
		s->cand[s->ncand].len = f->len;
		s->cand[s->ncand].kind = k;
		s->ncand++;
	}
	return 0;
}

int
hdr_rcpt_field(const struct hdr_state *s, size_t ordinal, enum hdr_kind k)
{
	if (s->resent_lo == -1)
		return k == HK_TO || k == HK_CC || k == HK_BCC;
	if (k != HK_RESENT_TO && k != HK_RESENT_CC && k != HK_RESENT_BCC)
		return 0;
	return (long)ordinal >= s->resent_lo &&
	    (s->resent_hi == -1 || (long)ordinal < s->resent_hi);
}

int
hdr_drops(const struct hdr_policy *p, enum hdr_kind k)
{
	switch (k) {
	case HK_BCC:
		return p->remove_bcc || p->set_to == TOH_UNDISCLOSED;
	case HK_RESENT_BCC:
		return p->remove_bcc;
	case HK_FROM:
		/* With nothing to put in its place, a From stays. */
		return p->set_from == FROMH_ON && p->can_from;
	case HK_TO:
		return p->set_to != TOH_OFF;
	case HK_CC:
		return p->set_to == TOH_UNDISCLOSED;
	case HK_SUBJECT:
		/* Left out, and sent again encoded (hdr_encoded_field). */
		return p->encode_8bit;
	default:
		return 0;
	}
}

int
hdr_adds(const struct hdr_policy *p, const struct hdr_state *s)
{
	int	a = 0;

	if (p->set_date == HDR_AUTO && !s->seen_date)
		a |= HDR_ADD_DATE;
	if (p->set_msgid == HDR_AUTO && !s->seen_msgid)
		a |= HDR_ADD_MSGID;
	if (p->can_from && (p->set_from == FROMH_ON ||
	    (p->set_from == FROMH_AUTO && !s->seen_from)))
		a |= HDR_ADD_FROM;
	if (p->set_to == TOH_ON)
		a |= HDR_ADD_TO;
	else if (p->set_to == TOH_UNDISCLOSED)
		a |= HDR_ADD_UNDISC;
	return a;
}

int
hdr_date(char *buf, size_t sz, time_t t)
{
	static const char days[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct tm	tm;
	long		off;

	if (localtime_r(&t, &tm) == NULL || tm.tm_wday < 0 ||
	    tm.tm_wday > 6 || tm.tm_mon < 0 || tm.tm_mon > 11)
		return -1;
	off = tm.tm_gmtoff / 60;
	return xsnprintf(buf, sz, "%s, %d %s %04d %02d:%02d:%02d %c%02ld%02ld",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60,
	    (off < 0 ? -off : off) % 60);
}

/* RFC 5322 3.2.3 atext. */
static int
is_atext(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

int
hdr_utf8_text(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n;
	int			 high = 0;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_len(p + i, len - i)) == 0)
			return 0;
		high = 1;
		i += n;
	}
	return high;
}

int
hdr_encoded_field(const struct hdr_field *f, char **out, size_t *outlen)
{
	const char	*v = f->value;
	size_t		 vl = f->valuelen, sz;
	char		*buf;
	int		 n;

	while (vl > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vl--;
	}
	while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
		vl--;
	if (f->namelen > 76 || vl > HDR_PREFIXMAX / 2)
		return -1;
	/* Base64 is 4/3, each word of 45 octets costs 12 more and CRLF SP. */
	sz = f->namelen + 4 + 2 * vl + 16 * (vl / 40 + 1) + 3;
	if ((buf = malloc(sz)) == NULL)
		return -1;
	n = snprintf(buf, sz, "%.*s: ", (int)f->namelen, f->name);
	if (n < 0 || (size_t)n >= sz || hdr_encode_words(buf + n,
	    sz - (size_t)n - 2, v, vl) == -1) {
		free(buf);
		return -1;
	}
	*outlen = strlen(buf);
	memcpy(buf + *outlen, "\r\n", 3);
	*outlen += 2;
	*out = buf;
	return 0;
}

int
hdr_encode_words(char *dst, size_t sz, const char *s, size_t len)
{
	char	 b64[4 * ((EW_CHUNK + 2) / 3) + 1];
	size_t	 used = 0, n, k;

	if (sz == 0)
		return -1;
	dst[0] = '\0';
	while (len > 0) {
		n = len < EW_CHUNK ? len : EW_CHUNK;
		/* Never split a UTF-8 sequence between two words. */
		while (n < len && n > 1 &&
		    ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		if (b64_encode(s, n, b64, sizeof(b64)) == -1)
			return -1;
		k = strlen(b64);
		if (used + (used ? 3 : 0) + 12 + k >= sz)
			return -1;
		if (used > 0) {
			memcpy(dst + used, "\r\n ", 3);
			used += 3;
		}
		memcpy(dst + used, "=?UTF-8?B?", 10);
		memcpy(dst + used + 10, b64, k);
		memcpy(dst + used + 10 + k, "?=", 2);
		used += 12 + k;
		dst[used] = '\0';
		s += n;
		len -= n;
	}
	return 0;
}

int
hdr_phrase(char *dst, size_t sz, const char *name)
{
	char		 clean[HDR_NAMEMAX + 1];
	size_t		 n = 0, i, o;
	int		 eight = 0, plain = 1;
	unsigned char	 c;

	if (sz == 0)
		return -1;
	dst[0] = '\0';
	/* Controls (CR, LF, TAB, ...) become one space per run. */
	for (; *name != '\0'; name++) {
		c = (unsigned char)*name;
		if (c < 0x20 || c == 0x7f)
			c = ' ';
		if (c == ' ' && (n == 0 || clean[n - 1] == ' '))
			continue;
		if (n == HDR_NAMEMAX)
			return -1;
		clean[n++] = (char)c;
	}
	while (n > 0 && clean[n - 1] == ' ')
		n--;
	clean[n] = '\0';
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		c = (unsigned char)clean[i];
		if (c >= 0x80)
			eight = 1;
		else if (c != ' ' && !is_atext(c))
			plain = 0;
	}
	if (eight)
		return hdr_encode_words(dst, sz, clean, n);
	if (plain)
		return xstrlcpy(dst, clean, sz);
	/* RFC 5322 3.2.4 quoted-string: '"' and '\' are escaped. */
	o = 0;
	if (sz < 3)
		return -1;
	dst[o++] = '"';
	for (i = 0; i < n; i++) {
		if (o + 4 > sz)
			return -1;
		if (clean[i] == '"' || clean[i] == '\\')
			dst[o++] = '\\';
		dst[o++] = clean[i];
	}
	dst[o++] = '"';
	dst[o] = '\0';
	return 0;
}

static int
hb_add(struct hbuf *b, const char *s, size_t n)
{
	size_t	i;

	if (sbuf_add(&b->s, s, n) == -1)
		return -1;
	for (i = 0; i < n; i++)
		b->col = s[i] == '\n' ? 0 : b->col + 1;
	return 0;
}

static int
hb_str(struct hbuf *b, const char *s)
{
	return hb_add(b, s, strlen(s));
}

/* "To: a, b" folded before an address that would pass column 78. */
static int
hb_to(struct hbuf *b, char *const *v, size_t n)
{
	size_t	i, len;

	hb_str(b, "To:");
	for (i = 0; i < n; i++) {
		len = strlen(v[i]) + (i + 1 < n ? 1 : 0);
		if (i > 0 && b->col + 1 + len > FOLDAT)
			hb_str(b, "\r\n");
		hb_str(b, " ");
		hb_str(b, v[i]);
		if (i + 1 < n)
			hb_str(b, ",");
	}
	return hb_str(b, "\r\n");
}

/* A domain fit for a Message-ID: letters, digits, '-', '.'. */
static int
ok_domain(const char *d)
{
	if (d == NULL || *d == '\0' || *d == '.')
		return 0;
	for (; *d != '\0'; d++)
		if (!((*d >= 'a' && *d <= 'z') || (*d >= 'A' && *d <= 'Z') ||
		    (*d >= '0' && *d <= '9') || *d == '-' || *d == '.'))
			return 0;
	return 1;
}

int
hdr_prefix(int adds, const struct hdr_gen *g, char **out, size_t *outlen,
    char *why, size_t whylen)
{
	struct hbuf	 b;
	char		 date[HDR_DATEMAX];
	char		 phrase[8 * HDR_NAMEMAX];

	memset(&b, 0, sizeof(b));
	sbuf_init(&b.s, HDR_PREFIXMAX);
	*out = NULL;
	*outlen = 0;
	if (adds & HDR_ADD_DATE) {
		if (hdr_date(date, sizeof(date), g->now) == -1) {
			whyf(why, whylen, "cannot format the "
			    "date for a Date field");
			return -1;
		}
		hb_str(&b, "Date: ");
		hb_str(&b, date);
		hb_str(&b, "\r\n");
	}
	if (adds & HDR_ADD_FROM) {
		if (hdr_phrase(phrase, sizeof(phrase), g->from_name ?
		    g->from_name : "") == -1) {
			whyf(why, whylen, "the full name for the "
			    "From field is longer than %d octets",
			    HDR_NAMEMAX);
			/* The Date field may be in b already. */
			free(b.s.p);
			return -1;
		}
		hb_str(&b, "From: ");
		if (phrase[0] == '\0')
			hb_str(&b, g->from_addr);
		else {
			hb_str(&b, phrase);
			/* Fold before the address when the line is long. */
			hb_str(&b, b.col + 3 + strlen(g->from_addr) > FOLDAT ?
			    "\r\n <" : " <");
			hb_str(&b, g->from_addr);
			hb_str(&b, ">");
		}
		hb_str(&b, "\r\n");
	}
	if (adds & HDR_ADD_TO)
		hb_to(&b, g->rcpts, g->nrcpts);
	if (adds & HDR_ADD_UNDISC)
		hb_str(&b, "To: undisclosed-recipients:;\r\n");
	if (adds & HDR_ADD_MSGID) {
		hb_str(&b, "Message-ID: <");
		hb_str(&b, g->msgid_token);
		hb_str(&b, "@");
		hb_str(&b, ok_domain(g->msgid_domain) ? g->msgid_domain :
		    "localhost");
		hb_str(&b, ">\r\n");
	}
	if (b.s.len > 0 && g->blank)
		hb_str(&b, "\r\n");
	if (b.s.err) {
		whyf(why, whylen, "%s", b.s.err == E2BIG ?
		    "the header fields to add are too long" :
		    "out of memory");
		free(b.s.p);
		return -1;
	}
	*out = b.s.p;
	*outlen = b.s.len;
	return 0;
}
