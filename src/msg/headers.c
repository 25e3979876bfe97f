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
#include "msg/addr.h"
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
	{ "Sender", HK_SENDER },
	{ "Reply-To", HK_REPLY_TO },
	{ "Comments", HK_COMMENTS },
	{ "Keywords", HK_KEYWORDS },
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
	/* The others only when they may go encoded (hdr_encode_8bit). */
	if (k == HK_FROM || k == HK_TO || k == HK_CC || k == HK_BCC ||
	    k == HK_RESENT_BCC || ((k == HK_SUBJECT || k == HK_SENDER ||
	    k == HK_REPLY_TO || k == HK_COMMENTS || k == HK_KEYWORDS) &&
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
	default:
		return 0;
	}
}

int
hdr_fate(const struct hdr_policy *p, enum hdr_kind k, int encoded)
{
	if (hdr_drops(p, k))
		return HDR_DROP;
	return encoded && p->encode_8bit ? HDR_ENCODE : HDR_KEEP;
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

/*
 * RFC 2047 in structured fields (hdr_encode_8bit): the display names
 * (phrases, a group's name too) and comments of an address list, or the
 * phrases of Keywords. Tokens as addr.c reads them; '.' is part of an
 * atom (obs-phrase "John Q. Public").
 */
#define EW_SPECIALS	"()<>[]:;@,\""
#define EW_QTEXT	63	/* encoded-text of a Q word: 75 - 12 */

enum ew_tok {
	EW_END,
	EW_WSP,
	EW_WORD,	/* atom or quoted-string */
	EW_DLIT,
	EW_COMMENT,
	EW_SPECIAL
};

struct ew {
	const char	*v;		/* the unfolded value */
	size_t		 n;
	struct sbuf	 out;		/* the new value */
	int		 changed;
	int		 keywords;	/* Keywords: a phrase list */
};

/* The token at *pos (advanced), or EW_END; -1 when malformed. */
static int
ew_tok(const char *v, size_t n, size_t *pos, const char **s, size_t *len)
{
	size_t		 p = *pos, depth = 0;
	int		 c, type;

	*s = v + p;
	if (p == n)
		return EW_END;
	c = (unsigned char)v[p];
	if (c == ' ' || c == '\t') {
		while (p < n && (v[p] == ' ' || v[p] == '\t'))
			p++;
		type = EW_WSP;
	} else if (c == '"' || c == '[' || c == '(') {
		type = c == '"' ? EW_WORD : c == '[' ? EW_DLIT : EW_COMMENT;
		for (p++; p < n; p++) {
			if (v[p] == '\\' && p + 1 < n)
				p++;
			else if (c == '(' && v[p] == '(')
				depth++;
			else if (v[p] == (c == '"' ? '"' : c == '[' ? ']' : ')')
			    && (c != '(' || depth-- == 0))
				break;
		}
		if (p++ == n)
			return -1;
	} else if (c == ')' || c == ']' || c < 0x20 || c == 0x7f)
		return -1;
	else if (strchr(EW_SPECIALS, c) != NULL) {
		p++;
		type = EW_SPECIAL;
	} else {
		while (p < n && (c = (unsigned char)v[p]) != ' ' && c != '\t' &&
		    c >= 0x20 && c != 0x7f && strchr(EW_SPECIALS, c) == NULL)
			p++;
		type = EW_WORD;
	}
	*len = p - *pos;
	*pos = p;
	return type;
}

/* RFC 2047 5 (3): the characters a Q word in a phrase may hold as is. */
static int
q_plain(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("!*+-/", c) != NULL);
}

/*
 * t[0..n) (UTF-8) as encoded-words separated by a space, each at most
 * 75 octets and of whole characters: Q, readable for mostly Latin
 * text, or B when Q would be more than half again as long.
 */
static void
ew_words(struct sbuf *o, const char *t, size_t n)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			 b64[4 * ((EW_CHUNK + 2) / 3) + 1], q[4];
	size_t			 i, k, cl, qlen = 0, w;
	int			 c, first = 1;

	for (i = 0; i < n; i++)
		qlen += q_plain((unsigned char)t[i]) || t[i] == ' ' ? 1 : 3;
	if (2 * qlen > 3 * (4 * ((n + 2) / 3))) {
		for (; n > 0; t += k, n -= k, first = 0) {
			k = n < EW_CHUNK ? n : EW_CHUNK;
			while (k < n && k > 1 && ((unsigned char)t[k] & 0xc0) ==
			    0x80)
				k--;
			if (b64_encode(t, k, b64, sizeof(b64)) == -1)
				return;
			(void)sbuf_addf(o, "%s=?UTF-8?B?%s?=", first ? "" :
			    " ", b64);
		}
		return;
	}
	for (i = 0, w = EW_QTEXT; i < n; i += cl) {
		c = (unsigned char)t[i];
		cl = c < 0x80 ? 1 : utf8_len((const unsigned char *)t + i,
		    n - i);
		if (cl == 0)
			cl = 1;
		if (w + (q_plain(c) || c == ' ' ? 1 : 3 * cl) > EW_QTEXT) {
			(void)sbuf_add(o, first ? "=?UTF-8?Q?" :
			    "?= =?UTF-8?Q?", first ? 10 : 13);
			first = 0;
			w = 0;
		}
		for (k = 0; k < cl; k++) {
			c = (unsigned char)t[i + k];
			if (q_plain(c) || c == ' ') {
				q[0] = c == ' ' ? '_' : (char)c;
				(void)sbuf_add(o, q, 1);
				w++;
				continue;
			}
			q[0] = '=';
			q[1] = hex[c >> 4];
			q[2] = hex[c & 15];
			(void)sbuf_add(o, q, 3);
			w += 3;
		}
	}
	if (!first)
		(void)sbuf_add(o, "?=", 2);
}

/* The text of a quoted-string or comment: its quoted-pairs undone. */
static void
ew_unquote(struct sbuf *t, const char *s, size_t n)
{
	size_t	i;

	for (i = 1; i + 1 < n; i++) {
		if (s[i] == '\\' && i + 2 < n)
			i++;
		(void)sbuf_add(t, s + i, 1);
	}
}

/* A comment, encoded when it holds raw UTF-8. */
static void
ew_comment(struct ew *e, const char *s, size_t n)
{
	struct sbuf	t;

	if (count8(s, n) == 0) {
		(void)sbuf_add(&e->out, s, n);
		return;
	}
	sbuf_init(&t, HDR_PREFIXMAX);
	ew_unquote(&t, s, n);
	(void)sbuf_add(&e->out, "(", 1);
	if (t.err)
		e->out.err = t.err;
	else
		ew_words(&e->out, t.p, t.len);
	(void)sbuf_add(&e->out, ")", 1);
	free(t.p);
	e->changed = 1;
}

/* v[a..b) as written, but for its comments (an addr-spec, a route). */
static int
ew_plain(struct ew *e, size_t a, size_t b)
{
	const char	*s;
	size_t		 len;
	int		 type;

	while ((type = ew_tok(e->v, b, &a, &s, &len)) != EW_END) {
		if (type == -1)
			return -1;
		if (type == EW_COMMENT)
			ew_comment(e, s, len);
		else
			(void)sbuf_add(&e->out, s, len);
	}
	return 0;
}

/*
 * The words v[a..b) (with white space between, no comment) as one run
 * of encoded-words when they hold raw UTF-8: the text is what a reader
 * shows, quoted-strings without their quotes, one space for each blank.
 */
static void
ew_run(struct ew *e, size_t a, size_t b)
{
	struct sbuf	 t;
	const char	*s;
	size_t		 len;
	int		 type;

	if (count8(e->v + a, b - a) == 0) {
		(void)sbuf_add(&e->out, e->v + a, b - a);
		return;
	}
	sbuf_init(&t, HDR_PREFIXMAX);
	while ((type = ew_tok(e->v, b, &a, &s, &len)) > EW_END) {
		if (type == EW_WSP)
			(void)sbuf_add(&t, " ", 1);
		else if (s[0] == '"')
			ew_unquote(&t, s, len);
		else
			(void)sbuf_add(&t, s, len);
	}
	/* RFC 2047 5 (3): white space on either side of the words. */
	if (e->out.len == 0 || (e->out.p[e->out.len - 1] != ' ' &&
	    e->out.p[e->out.len - 1] != '\t'))
		(void)sbuf_add(&e->out, " ", 1);
	if (t.err)
		e->out.err = t.err;
	else
		ew_words(&e->out, t.p, t.len);
	if (b < e->n && e->v[b] != ' ' && e->v[b] != '\t')
		(void)sbuf_add(&e->out, " ", 1);
	free(t.p);
	e->changed = 1;
}

/*
 * v[a..b) as a display name: each run of words between comments is
 * encoded (ew_run), the comments too. Anything but words, white space
 * and comments (an obsolete '@' in a name) leaves it as written.
 */
static int
ew_phrase(struct ew *e, size_t a, size_t b)
{
	const char	*s;
	size_t		 p = a, len, ra = 0, rb = 0;
	int		 type, run = 0;

	while ((type = ew_tok(e->v, b, &p, &s, &len)) != EW_END)
		if (type == -1 || type == EW_SPECIAL || type == EW_DLIT)
			return ew_plain(e, a, b);
	p = a;
	while ((type = ew_tok(e->v, b, &p, &s, &len)) != EW_END) {
		if (type == EW_WORD) {
			if (!run)
				ra = (size_t)(s - e->v);
			run = 1;
			rb = p;
			continue;
		}
		if (type == EW_WSP && run)
			continue;
		if (run) {
			ew_run(e, ra, rb);
			/* The blanks between the run and this comment. */
			(void)sbuf_add(&e->out, e->v + rb,
			    (size_t)(s - e->v) - rb);
			run = 0;
		}
		if (type == EW_COMMENT)
			ew_comment(e, s, len);
		else
			(void)sbuf_add(&e->out, s, len);
	}
	if (run) {
		ew_run(e, ra, rb);
		(void)sbuf_add(&e->out, e->v + rb, b - rb);
	}
	return 0;
}

/*
 * The value of an address list (or Keywords) with its display names
 * and comments encoded, into e->out. What lies between '<' and '>', and
 * an address without them, is written as it was. -1: malformed.
 */
static int
ew_list(struct ew *e)
{
	const char	*s;
	size_t		 p = 0, start = 0, len, at;
	int		 type, angle = 0, rc = 0;

	while (rc == 0 && (type = ew_tok(e->v, e->n, &p, &s, &len)) !=
	    EW_END) {
		if (type == -1)
			return -1;
		if (type != EW_SPECIAL)
			continue;
		at = (size_t)(s - e->v);
		if (angle) {
			if (*s != '>')
				continue;
			rc = ew_plain(e, start, at);
			angle = 0;
		} else if (*s == '<' || (*s == ':' && !e->keywords)) {
			rc = ew_phrase(e, start, at);
			angle = *s == '<';
		} else if (*s == ',' || (*s == ';' && !e->keywords))
			rc = e->keywords ? ew_phrase(e, start, at) :
			    ew_plain(e, start, at);
		else if (e->keywords || *s == '>')
			return -1;
		else
			continue;
		(void)sbuf_add(&e->out, s, 1);
		start = p;
	}
	if (rc == -1 || angle)
		return -1;
	return e->keywords ? ew_phrase(e, start, e->n) :
	    ew_plain(e, start, e->n);
}

/* CRLF into o at offset at (before white space). */
static void
ew_break(struct sbuf *o, size_t at)
{
	if (sbuf_add(o, "\r\n", 2) == -1)
		return;
	memmove(o->p + at + 2, o->p + at, o->len - 2 - at);
	memcpy(o->p + at, "\r\n", 2);
}

/*
 * "Name:" and the value into o, folded with CRLF before white space
 * outside quoted-strings and comments where a line would pass 78: after
 * the last ',' or ';' of the line that will do, else right there.
 */
static void
ew_fold(struct sbuf *o, const char *name, size_t namelen, const char *v,
    size_t n)
{
	size_t	i, j, line, cand = 0, depth = 0;
	int	quoted = 0;

	(void)sbuf_add(o, name, namelen);
	(void)sbuf_add(o, ":", 1);
	line = o->len - namelen - 1;
	for (i = 0; i < n && !o->err; i = j) {
		/* A piece: blanks, then up to the next top-level blank. */
		for (j = i; j < n && (v[j] == ' ' || v[j] == '\t'); j++)
			continue;
		if (j == n) {
			(void)sbuf_add(o, v + i, n - i);
			break;
		}
		for (; j < n; j++) {
			if (v[j] == '\\' && j + 1 < n) {
				j++;
				continue;
			}
			if (!quoted && depth == 0 && (v[j] == ' ' ||
			    v[j] == '\t'))
				break;
			if (v[j] == '"' && depth == 0)
				quoted = !quoted;
			else if (!quoted && v[j] == '(')
				depth++;
			else if (!quoted && v[j] == ')' && depth > 0)
				depth--;
		}
		if (i > 0 && o->len - line + (j - i) > FOLDAT) {
			if (cand > line) {
				ew_break(o, cand);
				line = cand + 2;
			}
			if (o->len - line + (j - i) > FOLDAT) {
				(void)sbuf_add(o, "\r\n", 2);
				line = o->len;
			}
			cand = 0;
		} else if (i > 0 && (v[i - 1] == ',' || v[i - 1] == ';'))
			cand = o->len;
		(void)sbuf_add(o, v + i, j - i);
	}
	(void)sbuf_add(o, "\r\n", 2);
}

/*
 * Whether address list b is a, the same addresses in the same order,
 * with raw 8-bit left nowhere but in them (an obsolete display name
 * that could not be encoded leaves the field as written).
 */
static int
same_list(const char *a, size_t alen, const char *b, size_t blen)
{
	struct addrlist	 x, y;
	char		 why[128];
	size_t		 i, c = 0;
	int		 same;

	addrlist_init(&x);
	addrlist_init(&y);
	same = addr_parse_list(a, alen, &x, why, sizeof(why)) == 0 &&
	    addr_parse_list(b, blen, &y, why, sizeof(why)) == 0 &&
	    x.n == y.n;
	for (i = 0; same && i < x.n; i++) {
		same = strcmp(x.v[i], y.v[i]) == 0;
		c += count8(y.v[i], strlen(y.v[i]));
	}
	addrlist_free(&x);
	addrlist_free(&y);
	return same && c == count8(b, blen);
}

int
hdr_encode_8bit(const struct hdr_field *f, char **out, size_t *outlen)
{
	enum hdr_kind	 k = hdr_kind(f->name, f->namelen);
	struct ew	 e;
	struct sbuf	 o;
	int		 rc = 0;

	if (!hdr_utf8_text(f->value, f->valuelen))
		return 0;
	if (k == HK_SUBJECT || k == HK_COMMENTS)
		return hdr_encoded_field(f, out, outlen) == -1 ? -1 : 1;
	if (k != HK_FROM && k != HK_SENDER && k != HK_REPLY_TO &&
	    k != HK_TO && k != HK_CC && k != HK_BCC && k != HK_KEYWORDS)
		return 0;
	/* Too long to encode here: it goes as written. */
	if (f->valuelen > HDR_PREFIXMAX / 4 || f->namelen > 76)
		return 0;
	memset(&e, 0, sizeof(e));
	e.v = f->value;
	e.n = f->valuelen;
	e.keywords = k == HK_KEYWORDS;
	sbuf_init(&e.out, HDR_PREFIXMAX);
	sbuf_init(&o, HDR_PREFIXMAX);
	if (ew_list(&e) == 0 && e.changed && !e.out.err &&
	    (e.keywords ? count8(e.out.p, e.out.len) == 0 :
	    same_list(f->value, f->valuelen, e.out.p, e.out.len))) {
		ew_fold(&o, f->name, f->namelen, e.out.p, e.out.len);
		rc = o.err == ENOMEM ? -1 : !o.err;
	} else if (e.out.err == ENOMEM)
		rc = -1;
	free(e.out.p);
	if (rc == 1) {
		*out = o.p;
		*outlen = o.len;
	} else
		free(o.p);
	return rc;
}
