/*
 * SMTP replies and EHLO capabilities (src/smtp/reply.h) as a server sends
 * them: the input is the byte stream, cut into lines the way io_getline()
 * cuts it (LF ends a line, a CR before it goes, a partial last line is
 * dropped). Each reply_feed() verdict is compared with a model of RFC
 * 5321 4.2 written here, so a wrong acceptance fails as surely as a
 * crash; a complete reply must have a code in 200..599, the text of its
 * lines, and an enhanced status code only where RFC 3463 puts one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtp/reply.h"
#include "smtp/sasl.h"
#include "base/util.h"
#include "fuzz.h"

#define LINE_IOMAX	4096	/* io.h IO_LINEMAX: longer is an I/O error */
#define CAP_ALL		0x01ff

/* The model's view of the reply being fed. */
struct model {
	int	nlines;
	int	code;
	size_t	textlen;
	char	text[REPLY_TEXTMAX];
	int	done;
};

static enum reply_err	model_feed(struct model *, const char *, size_t);
static int		enh_model(int, const char *, size_t, size_t *);
static void		check_complete(const struct reply *,
			    const struct model *, const char *, size_t);
static void		check_caps(const struct reply *);

static struct reply	r;	/* 32 KiB each: not on the stack */
static struct model	m;

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* What reply_feed() must answer, by RFC 5321 4.2 and reply.h's caps. */
static enum reply_err
model_feed(struct model *md, const char *line, size_t len)
{
	size_t	tlen, need;
	int	code;

	if (md->done)
		memset(md, 0, sizeof(*md));
	if (len > REPLY_LINEMAX || md->nlines >= REPLY_LINESMAX)
		return REPLY_TOOLONG;
	if (len < 3 || line[0] < '2' || line[0] > '5' || line[1] < '0' ||
	    line[1] > '5' || !is_digit((unsigned char)line[2]))
		return REPLY_BADCODE;
	if (len > 3 && line[3] != ' ' && line[3] != '-')
		return REPLY_BADCODE;
	code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + line[2] - '0';
	if (md->nlines > 0 && code != md->code)
		return REPLY_MISMATCH;
	tlen = len > 4 ? len - 4 : 0;
	need = tlen + (md->nlines > 0);
	if (need >= REPLY_TEXTMAX - md->textlen)
		return REPLY_TOOLONG;
	if (md->nlines > 0)
		md->text[md->textlen++] = '\n';
	if (tlen > 0)
		memcpy(md->text + md->textlen, line + 4, tlen);
	md->textlen += tlen;
	md->code = code;
	md->nlines++;
	if (len > 3 && line[3] == '-')
		return REPLY_MORE;
	md->done = 1;
	return REPLY_OK;
}

/*
 * RFC 3463 2 status-code at the start of t, class equal to the reply's
 * first digit (never 3), followed by SP or the end: returns 1 and its
 * length.
 */
static int
enh_model(int code, const char *t, size_t len, size_t *elen)
{
	size_t	i = 1, part, n;

	if (code / 100 == 3 || len < 1 || t[0] != '0' + code / 100)
		return 0;
	for (part = 0; part < 2; part++) {
		if (i >= len || t[i] != '.')
			return 0;
		i++;
		for (n = 0; n < 3 && i < len && is_digit((unsigned char)t[i]);
		    n++)
			i++;
		if (n == 0)
			return 0;
	}
	if (i < len && t[i] != ' ')
		return 0;
	*elen = i;
	return 1;
}

static void
check_complete(const struct reply *rp, const struct model *md,
    const char *first, size_t firstlen)
{
	char	shown[256];
	size_t	elen, i;

	FUZZ_CHECK(rp->done, "a complete reply is marked done");
	FUZZ_CHECK(rp->code >= 200 && rp->code <= 599,
	    "a complete reply has a code in 200..599");
	FUZZ_CHECK(rp->code == md->code, "the code of the reply's lines");
	FUZZ_CHECK(rp->nlines == md->nlines && rp->nlines >= 1 &&
	    rp->nlines <= REPLY_LINESMAX, "the number of lines fed");
	FUZZ_CHECK(rp->textlen == md->textlen && rp->textlen <
	    REPLY_TEXTMAX && rp->text[rp->textlen] == '\0',
	    "the text is every line's text, NUL-terminated");
	FUZZ_CHECK(memcmp(rp->text, md->text, md->textlen) == 0,
	    "the text is the lines' text joined by newlines");
	if (enh_model(rp->code, first, firstlen, &elen) &&
	    elen < sizeof(rp->enh)) {
		FUZZ_CHECK(strlen(rp->enh) == elen &&
		    memcmp(rp->enh, first, elen) == 0,
		    "the enhanced status code of the first line is taken");
	} else
		FUZZ_CHECK(rp->enh[0] == '\0',
		    "no enhanced status code where RFC 3463 has none");
	/* What the user sees of it: no control byte, nothing >= 0x80. */
	(void)sanitize(shown, sizeof(shown), rp->text, rp->textlen, 0);
	for (i = 0; shown[i] != '\0'; i++)
		FUZZ_CHECK((unsigned char)shown[i] >= 0x20 &&
		    (unsigned char)shown[i] < 0x7f,
		    "sanitised server text is printable ASCII");
}

/* Whether the text holds word in any case (it may hold NUL bytes). */
static int
said(const struct reply *rp, const char *word)
{
	size_t	i, n = strlen(word);

	for (i = 0; i + n <= rp->textlen; i++)
		if (strncasecmp(rp->text + i, word, n) == 0)
			return 1;
	return 0;
}

static void
check_caps(const struct reply *rp)
{
	struct caps	c;
	unsigned	valid = 0;
	int		m2;

	caps_parse(rp, &c);
	if (rp->code != 250 || memchr(rp->text, '\n', rp->textlen) == NULL) {
		FUZZ_CHECK(c.flags == 0 && c.auth == 0 && c.size == 0,
		    "no capabilities outside a multi-line 250 reply");
		return;
	}
	for (m2 = SASL_NONE + 1; m2 < SASL__COUNT; m2++)
		valid |= SASL_BIT(m2);
	FUZZ_CHECK((c.flags & ~CAP_ALL) == 0, "only known CAP_* bits");
	FUZZ_CHECK((c.auth & ~valid) == 0, "only known SASL mechanisms");
	FUZZ_CHECK(c.auth == 0 || (c.flags & CAP_AUTH),
	    "mechanisms only with an AUTH keyword");
	FUZZ_CHECK(c.size == 0 || (c.flags & CAP_SIZE),
	    "a SIZE limit only with a SIZE keyword");
	if (c.flags & CAP_STARTTLS)
		FUZZ_CHECK(said(rp, "STARTTLS"),
		    "STARTTLS only when the server said it");
	if (c.flags & CAP_PIPELINING)
		FUZZ_CHECK(said(rp, "PIPELINING"),
		    "PIPELINING only when the server said it");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*p = (const char *)data, *end = p + size, *nl;
	const char	*first = NULL;
	size_t		 len, firstlen = 0;
	enum reply_err	 got, want;

	reply_init(&r);
	memset(&m, 0, sizeof(m));
	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		len = (size_t)(nl - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len > LINE_IOMAX)
			break;
		if (r.done || r.nlines == 0) {
			first = len > 4 ? p + 4 : p + len;
			firstlen = len > 4 ? len - 4 : 0;
		}
		want = model_feed(&m, p, len);
		got = reply_feed(&r, p, len);
		FUZZ_CHECK(got == want, "reply_feed() agrees with RFC 5321 4.2");
		if (got == REPLY_OK) {
			check_complete(&r, &m, first, firstlen);
			check_caps(&r);
		} else if (got != REPLY_MORE) {
			/* The client gives up on the session; start over. */
			reply_init(&r);
			memset(&m, 0, sizeof(m));
		}
		p = nl + 1;
	}
	return 0;
}
