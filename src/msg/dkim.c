/*
 * DKIM signatures at submission (dkim.h). One pass over the octets that
 * go on the wire (outmsg_read) collects the header fields to be signed
 * and streams the body through its canonicalization into SHA-256, so
 * memory does not grow with the message; then each key signs the
 * selected fields and its own DKIM-Signature field (RFC 6376 3.7).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/outcome.h"
#include "base/util.h"
#include "conf/secret.h"
#include "msg/dkim.h"

#define DKIM_SIGMAX	(16 * 1024)	/* octets of one DKIM-Signature */
#define DKIM_READSZ	(64 * 1024)	/* octets read at a time */
#define DKIM_COLMAX	76		/* fold before passing this column */

/*
 * RFC 6376 5.4.1's list of fields to sign, in its order. Each one present
 * is signed as often as it appears; From is signed once more (it must be
 * signed, and a From added later then breaks the signature: 8.15).
 */
static const char *const default_list[] = {
	"From", "Reply-To", "Subject", "Date", "To", "Cc", "Resent-Date",
	"Resent-From", "Resent-Sender", "Resent-To", "Resent-Cc",
	"In-Reply-To", "References", "List-Id", "List-Help",
	"List-Unsubscribe", "List-Subscribe", "List-Post", "List-Owner",
	"List-Archive", "Message-ID", "Sender", "MIME-Version",
	"Content-Type", "Content-Transfer-Encoding", "Content-ID",
	"Content-Description",
};
#define NDEFAULT	(sizeof(default_list) / sizeof(default_list[0]))

/* Where the header parser stands. */
enum hstate {
	H_LINESTART,	/* at the start of a line */
	H_EMPTYCR,	/* a CR at the start of a line: the end, if LF */
	H_NAME,		/* in the field name */
	H_VALUE,	/* after the colon */
	H_CR		/* a CR inside a field */
};

struct hfield {
	size_t	off;		/* in the raw buffer */
	size_t	len;
	size_t	name;		/* index in the list */
	int	used;
};

struct signer {
	const struct dkim_opts	*o;
	const char		*list[DKIM_LISTMAX + 1];
	size_t			 nlist;
	char			*listcopy;
	struct sbuf		 raw;	/* the fields to be signed, as sent */
	struct hfield		 f[DKIM_FIELDMAX];
	size_t			 nf;
	enum hstate		 hs;
	char			 name[DKIM_NAMEMAX + 1];
	size_t			 namelen;
	int			 infield;
	int			 keep;	/* the current field goes to raw */
	size_t			 start;	/* where it begins in raw */
	int			 inbody;
	int			 toomany;
	struct dkim_body	 body;
	struct crypto_hash_ctx	*bh;
	int			 hasherr;
	char			 buf[DKIM_READSZ];
};

static int	 make_list(struct signer *);
static int	 list_index(const struct signer *, const char *, size_t);
static void	 field_begin(struct signer *);
static void	 field_drop(struct signer *);
static int	 field_end(struct signer *);
static int	 keep_byte(struct signer *, char);
static int	 name_byte(struct signer *, char);
static int	 hdr_byte(struct signer *, char);
static void	 feed(struct signer *, const char *, size_t);
static void	 hash_out(void *, const char *, size_t);
static int	 read_message(struct signer *, const struct outmsg *, char *,
		    size_t);
static void	 fold(struct sbuf *, size_t *, const char *, size_t);
static void	 h_tag(struct signer *, struct sbuf *, size_t *);
static int	 signature(struct signer *, struct crypto_key *, const char *,
		    time_t, const char *, struct sbuf *);
static int	 header_data(struct signer *, const struct sbuf *, size_t,
		    struct sbuf *);
static void	 body_put(struct dkim_body *, const char *, size_t);
static void	 body_flush(struct dkim_body *);
static void	 body_line(struct dkim_body *);

void
dkim_opts_account(struct dkim_opts *o, const struct account *a)
{
	memset(o, 0, sizeof(*o));
	if (a->dkim_domain == NULL || a->dkim_selector == NULL ||
	    a->dkim_key == NULL)
		return;
	o->domain = a->dkim_domain;
	o->selector[0] = a->dkim_selector;
	o->key[0] = a->dkim_key;
	if (a->dkim_key2 != NULL && a->dkim_selector2 != NULL) {
		o->selector[1] = a->dkim_selector2;
		o->key[1] = a->dkim_key2;
	}
	o->headers = a->dkim_headers;
	o->expire = a->dkim_expire;
	/* The choices are relaxed/relaxed|relaxed/simple|simple/... */
	o->hcanon = a->dkim_canon < 2 ? DKIM_RELAXED : DKIM_SIMPLE;
	o->bcanon = a->dkim_canon % 2 == 0 ? DKIM_RELAXED : DKIM_SIMPLE;
}

/* ---- Canonicalization ---------------------------------------------------- */

void
dkim_body_init(struct dkim_body *b, int canon,
    void (*out)(void *, const char *, size_t), void *arg)
{
	memset(b, 0, sizeof(*b));
	b->relaxed = canon == DKIM_RELAXED;
	b->out = out;
	b->arg = arg;
}

static void
body_flush(struct dkim_body *b)
{
	if (b->n > 0)
		b->out(b->arg, b->buf, b->n);
	b->n = 0;
}

static void
body_put(struct dkim_body *b, const char *p, size_t len)
{
	size_t	k;

	while (len > 0) {
		if (b->n == sizeof(b->buf))
			body_flush(b);
		k = sizeof(b->buf) - b->n < len ? sizeof(b->buf) - b->n : len;
		memcpy(b->buf + b->n, p, k);
		b->n += k;
		p += k;
		len -= k;
		b->any = 1;
	}
}

/*
 * The end of a line: an empty one waits, since empty lines at the end
 * of the body are left out (3.4.3, 3.4.4); relaxed drops trailing blanks.
 */
static void
body_line(struct dkim_body *b)
{
	if (b->content)
		body_put(b, "\r\n", 2);
	else
		b->blank++;
	b->content = 0;
	b->wsp = 0;
}

/* Content on a line: the empty lines before it were not the end. */
#define BODY_CONTENT(b) do {						\
	for (; (b)->blank > 0; (b)->blank--)				\
		body_put((b), "\r\n", 2);				\
	if ((b)->wsp)							\
		body_put((b), " ", 1);					\
	(b)->wsp = 0;							\
	(b)->content = 1;						\
} while (0)

void
dkim_body_feed(struct dkim_body *b, const char *p, size_t len)
{
	size_t	i, j;
	char	c;

	for (i = 0; i < len; i++) {
		c = p[i];
		if (b->cr) {
			b->cr = 0;
			if (c == '\n') {
				body_line(b);
				continue;
			}
			/* A CR that ends no line is content. */
			BODY_CONTENT(b);
			body_put(b, "\r", 1);
		}
		if (c == '\r') {
			b->cr = 1;
			continue;
		}
		if (b->relaxed && (c == ' ' || c == '\t')) {
			/* Reduced to one SP, or dropped at the line's end. */
			b->wsp = 1;
			continue;
		}
		BODY_CONTENT(b);
		/* The run of octets that need no decision, in one piece. */
		for (j = i + 1; j < len && p[j] != '\r' && (!b->relaxed ||
		    (p[j] != ' ' && p[j] != '\t')); j++)
			;
		body_put(b, p + i, j - i);
		i = j - 1;
	}
}

void
dkim_body_end(struct dkim_body *b)
{
	if (b->cr) {
		b->cr = 0;
		BODY_CONTENT(b);
		body_put(b, "\r", 1);
	}
	/* A last line without CRLF gets one (3.4.3, 3.4.4). */
	if (b->content || (b->wsp && !b->relaxed))
		body_line(b);
	/* Simple: an empty body is one CRLF (3.4.3); relaxed: nothing. */
	if (!b->relaxed && !b->any)
		body_put(b, "\r\n", 2);
	body_flush(b);
}

int
dkim_header_canon(int canon, const char *p, size_t len, struct sbuf *b)
{
	size_t	i, k, colon;
	int	wsp = 0, any = 0;
	char	c;

	if (canon == DKIM_SIMPLE)
		return sbuf_add(b, p, len);
	if (len >= 2 && p[len - 2] == '\r' && p[len - 1] == '\n')
		len -= 2;
	for (colon = 0; colon < len && p[colon] != ':'; colon++)
		;
	/* The name in lower case, without blanks before the colon. */
	for (i = colon; i > 0 && (p[i - 1] == ' ' || p[i - 1] == '\t'); i--)
		;
	for (k = 0; k < i; k++) {
		c = p[k] >= 'A' && p[k] <= 'Z' ? p[k] - 'A' + 'a' : p[k];
		(void)sbuf_add(b, &c, 1);
	}
	(void)sbuf_add(b, ":", 1);
	/* Unfolded; each run of blanks one SP; none at either end. */
	for (i = colon + 1; i < len; i++) {
		c = p[i];
		if (c == '\r' && i + 1 < len && p[i + 1] == '\n') {
			i++;
			continue;
		}
		if (c == ' ' || c == '\t') {
			wsp = 1;
			continue;
		}
		if (wsp && any)
			(void)sbuf_add(b, " ", 1);
		wsp = 0;
		any = 1;
		(void)sbuf_add(b, &c, 1);
	}
	return sbuf_add(b, "\r\n", 2);
}

/* ---- Collecting the header fields ---------------------------------------- */

/*
 * The names to sign: dkim_headers or the default list, From first when
 * the list lacks it. 0, or -1 (ENOMEM).
 */
static int
make_list(struct signer *sg)
{
	char	*s, *name;
	size_t	 i;

	sg->list[sg->nlist++] = "From";
	if (sg->o->headers == NULL) {
		for (i = 1; i < NDEFAULT; i++)
			sg->list[sg->nlist++] = default_list[i];
		return 0;
	}
	if ((sg->listcopy = strdup(sg->o->headers)) == NULL)
		return -1;
	/* conf_check() checked the names and their number. */
	for (s = sg->listcopy; (name = strsep(&s, ":")) != NULL;) {
		if (*name == '\0' || strcasecmp(name, "From") == 0 ||
		    sg->nlist >= DKIM_LISTMAX + 1 ||
		    list_index(sg, name, strlen(name)) != -1)
			continue;
		sg->list[sg->nlist++] = name;
	}
	return 0;
}

static int
list_index(const struct signer *sg, const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < sg->nlist; i++)
		if (strlen(sg->list[i]) == len &&
		    strncasecmp(sg->list[i], name, len) == 0)
			return (int)i;
	return -1;
}

static void
field_begin(struct signer *sg)
{
	sg->infield = 1;
	sg->keep = 1;		/* until the name says otherwise */
	sg->namelen = 0;
	sg->start = sg->raw.len;
}

/* A field not signed is dropped from raw. */
static void
field_drop(struct signer *sg)
{
	sg->keep = 0;
	sg->raw.len = sg->start;
	if (sg->raw.p != NULL)
		sg->raw.p[sg->raw.len] = '\0';
}

static int
field_end(struct signer *sg)
{
	int	i;

	if (!sg->infield)
		return 0;
	sg->infield = 0;
	if (!sg->keep)
		return 0;
	/* A line without a colon never got its name checked. */
	if (sg->hs == H_NAME) {
		field_drop(sg);
		return 0;
	}
	if (sg->nf >= DKIM_FIELDMAX) {
		sg->toomany = 1;
		return -1;
	}
	i = list_index(sg, sg->name, sg->namelen);
	sg->f[sg->nf].off = sg->start;
	sg->f[sg->nf].len = sg->raw.len - sg->start;
	sg->f[sg->nf].name = (size_t)i;
	sg->f[sg->nf].used = 0;
	sg->nf++;
	return 0;
}

static int
keep_byte(struct signer *sg, char c)
{
	if (!sg->keep)
		return 0;
	return sbuf_add(&sg->raw, &c, 1);
}

static int
name_byte(struct signer *sg, char c)
{
	size_t	n;

	if (c == ':') {
		sg->hs = H_VALUE;
		/* Blanks may stand before the colon (RFC 5322 4.5.8). */
		for (n = sg->namelen; n > 0 && (sg->name[n - 1] == ' ' ||
		    sg->name[n - 1] == '\t'); n--)
			;
		sg->namelen = n;
		if (sg->keep && list_index(sg, sg->name, n) == -1)
			field_drop(sg);
		return keep_byte(sg, c);
	}
	if (c == '\r') {
		sg->hs = H_CR;
		field_drop(sg);
		return 0;
	}
	if (sg->namelen < DKIM_NAMEMAX)
		sg->name[sg->namelen++] = c;
	else
		field_drop(sg);
	return keep_byte(sg, c);
}

/* One octet of the header section; -1 when a cap is passed. */
static int
hdr_byte(struct signer *sg, char c)
{
	switch (sg->hs) {
	case H_LINESTART:
		if ((c == ' ' || c == '\t') && sg->infield) {
			sg->hs = H_VALUE;
			return keep_byte(sg, c);
		}
		if (field_end(sg) == -1)
			return -1;
		if (c == '\r') {
			sg->hs = H_EMPTYCR;
			return 0;
		}
		field_begin(sg);
		sg->hs = H_NAME;
		return name_byte(sg, c);
	case H_EMPTYCR:
		if (c == '\n') {
			sg->inbody = 1;
			return 0;
		}
		/* Not the empty line: a field that starts with CR. */
		field_begin(sg);
		sg->hs = H_NAME;
		if (name_byte(sg, '\r') == -1)
			return -1;
		return hdr_byte(sg, c);
	case H_NAME:
		return name_byte(sg, c);
	case H_VALUE:
		if (c == '\r')
			sg->hs = H_CR;
		return keep_byte(sg, c);
	case H_CR:
		if (c == '\n')
			sg->hs = H_LINESTART;
		else if (c != '\r')
			sg->hs = H_VALUE;
		return keep_byte(sg, c);
	}
	return -1;
}

static void
hash_out(void *arg, const char *p, size_t len)
{
	struct signer	*sg = arg;

	if (crypto_hash_update(sg->bh, p, len) == -1)
		sg->hasherr = 1;
}

/* Octets of the message in order: the header, then the body. */
static void
feed(struct signer *sg, const char *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len && !sg->inbody; i++)
		if (sg->raw.err == 0 && !sg->toomany &&
		    hdr_byte(sg, p[i]) == -1 && sg->raw.err == 0)
			sg->toomany = 1;
	if (i < len)
		dkim_body_feed(&sg->body, p + i, len - i);
}

/* The one extra read of the message. OUT_OK or a kind with why. */
static int
read_message(struct signer *sg, const struct outmsg *m, char *why,
    size_t whylen)
{
	struct outmsg_reader	r;
	ssize_t			got;

	outmsg_reader_init(&r, m);
	while ((got = outmsg_read(&r, sg->buf, sizeof(sg->buf))) != 0) {
		if (got == -1) {
			whyf(why, whylen, "cannot read the spooled message to "
			    "sign it: %s", errno == ENODATA ? "unexpected end "
			    "of file" : strerror(errno));
			return OUT_TEMPLOCAL;
		}
		feed(sg, sg->buf, (size_t)got);
	}
	/* A message without a body: its last field ends here. */
	if (!sg->inbody && sg->raw.err == 0 && !sg->toomany &&
	    field_end(sg) == -1)
		sg->toomany = 1;
	dkim_body_end(&sg->body);
	if (sg->raw.err == ENOMEM || sg->hasherr) {
		whyf(why, whylen, "out of memory while signing");
		return OUT_OSERR;
	}
	if (sg->raw.err != 0 || sg->toomany) {
		whyf(why, whylen, "the header fields to be signed pass the "
		    "limit of %d fields or %d octets", DKIM_FIELDMAX,
		    DKIM_HDRMAX);
		return OUT_DATAERR;
	}
	return OUT_OK;
}

/* ---- The signature ------------------------------------------------------- */

/* Append s, on a new line when it would pass DKIM_COLMAX. */
static void
fold(struct sbuf *b, size_t *col, const char *s, size_t len)
{
	if (*col + 1 + len > DKIM_COLMAX) {
		(void)sbuf_add(b, "\r\n\t", 3);
		*col = 8;
	} else if (*col > 0) {
		(void)sbuf_add(b, " ", 1);
		(*col)++;
	}
	(void)sbuf_add(b, s, len);
	*col += len;
}

/*
 * The fields named by h= (built from the same counts), each instance
 * taken from the bottom up (5.4.2), canonicalized, then this signature's
 * own field without its b= value and final CRLF (3.7). hdr holds the
 * field up to "b=", hlen octets.
 */
static int
header_data(struct signer *sg, const struct sbuf *hdr, size_t hlen,
    struct sbuf *data)
{
	size_t	i, k, n, want;
	int	canon = sg->o->hcanon;

	for (k = 0; k < sg->nf; k++)
		sg->f[k].used = 0;
	for (i = 0; i < sg->nlist; i++) {
		for (n = 0, k = 0; k < sg->nf; k++)
			n += sg->f[k].name == i;
		want = n + (i == 0);	/* From once more */
		for (; want > 0; want--) {
			for (k = sg->nf; k > 0; k--)
				if (sg->f[k - 1].name == i && !sg->f[k - 1].used)
					break;
			if (k == 0)
				continue;	/* over-signed: nothing */
			sg->f[k - 1].used = 1;
			(void)dkim_header_canon(canon, sg->raw.p +
			    sg->f[k - 1].off, sg->f[k - 1].len, data);
		}
	}
	(void)dkim_header_canon(canon, hdr->p, hlen, data);
	if (canon == DKIM_RELAXED && data->err == 0)
		data->len -= 2;		/* the CRLF it added */
	return data->err ? -1 : 0;
}

/* h=: the names in the order header_data() takes them. */
static void
h_tag(struct signer *sg, struct sbuf *hdr, size_t *col)
{
	size_t	i, k, n, len;
	int	first = 1;

	for (i = 0; i < sg->nlist; i++) {
		for (n = 0, k = 0; k < sg->nf; k++)
			n += sg->f[k].name == i;
		for (n += i == 0; n > 0; n--) {
			len = strlen(sg->list[i]);
			if (first) {
				fold(hdr, col, "h=", 2);
				first = 0;
			} else {
				(void)sbuf_add(hdr, ":", 1);
				(*col)++;
				/* FWS may follow the colon (3.5, h=). */
				if (*col + len > DKIM_COLMAX) {
					(void)sbuf_add(hdr, "\r\n\t", 3);
					*col = 8;
				}
			}
			(void)sbuf_add(hdr, sg->list[i], len);
			*col += len;
		}
	}
	(void)sbuf_add(hdr, ";", 1);
	(*col)++;
}

/* One DKIM-Signature field, CRLF-terminated, appended to out. */
static int
signature(struct signer *sg, struct crypto_key *key, const char *sel,
    time_t now, const char *bh, struct sbuf *out)
{
	const struct dkim_opts	*o = sg->o;
	struct sbuf		 hdr, data;
	unsigned char		 sig[CRYPTO_SIGMAX];
	char			 tag[300], b64[CRYPTO_SIGMAX * 2];
	size_t			 col, hlen, siglen, left, room;
	int			 rc = -1;

	sbuf_init(&hdr, DKIM_SIGMAX);
	sbuf_init(&data, DKIM_HDRMAX + DKIM_SIGMAX);
	(void)sbuf_add(&hdr, "DKIM-Signature: v=1;", 20);
	col = 20;
	fold(&hdr, &col, crypto_key_type(key) == CRYPTO_KEY_RSA ?
	    "a=rsa-sha256;" : "a=ed25519-sha256;", crypto_key_type(key) ==
	    CRYPTO_KEY_RSA ? 13 : 17);
	/* Each tag below fits tag[]: conf_check() capped names at 253. */
	if (xsnprintf(tag, sizeof(tag), "c=%s/%s;", o->hcanon == DKIM_SIMPLE ?
	    "simple" : "relaxed", o->bcanon == DKIM_SIMPLE ? "simple" :
	    "relaxed") == -1)
		goto out;
	fold(&hdr, &col, tag, strlen(tag));
	if (xsnprintf(tag, sizeof(tag), "d=%s;", o->domain) == -1)
		goto out;
	fold(&hdr, &col, tag, strlen(tag));
	if (xsnprintf(tag, sizeof(tag), "s=%s;", sel) == -1)
		goto out;
	fold(&hdr, &col, tag, strlen(tag));
	if (xsnprintf(tag, sizeof(tag), "t=%lld;", (long long)now) == -1)
		goto out;
	fold(&hdr, &col, tag, strlen(tag));
	if (o->expire > 0) {
		if (xsnprintf(tag, sizeof(tag), "x=%lld;", (long long)now +
		    o->expire) == -1)
			goto out;
		fold(&hdr, &col, tag, strlen(tag));
	}
	h_tag(sg, &hdr, &col);
	if (xsnprintf(tag, sizeof(tag), "bh=%s;", bh) == -1)
		goto out;
	fold(&hdr, &col, tag, strlen(tag));
	fold(&hdr, &col, "b=", 2);
	hlen = hdr.len;
	if (hdr.err || header_data(sg, &hdr, hlen, &data) == -1 ||
	    crypto_key_sign(key, data.p, data.len, sig, &siglen) == -1 ||
	    b64_encode(sig, siglen, b64, sizeof(b64)) == -1)
		goto out;
	/* The value folded; FWS may stand anywhere in it (3.5, b=). */
	for (left = strlen(b64); left > 0; left -= room) {
		if (col + 8 > DKIM_COLMAX) {
			(void)sbuf_add(&hdr, "\r\n\t", 3);
			col = 8;
		}
		room = DKIM_COLMAX - col < left ? DKIM_COLMAX - col : left;
		(void)sbuf_add(&hdr, b64 + strlen(b64) - left, room);
		col += room;
	}
	(void)sbuf_add(&hdr, "\r\n", 2);
	if (hdr.err == 0 && sbuf_add(out, hdr.p, hdr.len) == 0)
		rc = 0;
out:
	free(hdr.p);
	free(data.p);
	return rc;
}

int
dkim_sign_keys(const struct dkim_opts *o, struct crypto_key *const *keys,
    size_t nkeys, time_t now, const struct outmsg *m, char **sigs,
    size_t *siglen, char *why, size_t whylen)
{
	struct signer	*sg;
	struct sbuf	 out;
	unsigned char	 bh[CRYPTO_HASHMAX];
	char		 bh64[CRYPTO_HASHMAX * 2];
	size_t		 i;
	int		 kind = OUT_OSERR;

	*sigs = NULL;
	*siglen = 0;
	sbuf_init(&out, DKIM_KEYMAX * DKIM_SIGMAX);
	if ((sg = calloc(1, sizeof(*sg))) == NULL) {
		whyf(why, whylen, "out of memory while signing");
		return OUT_OSERR;
	}
	sg->o = o;
	sbuf_init(&sg->raw, DKIM_HDRMAX);
	if (make_list(sg) == -1 ||
	    (sg->bh = crypto_hash_new(CRYPTO_SHA256)) == NULL) {
		whyf(why, whylen, "out of memory while signing");
		goto out;
	}
	dkim_body_init(&sg->body, o->bcanon, hash_out, sg);
	if ((kind = read_message(sg, m, why, whylen)) != OUT_OK)
		goto out;
	crypto_hash_final(sg->bh, bh);
	sg->bh = NULL;
	kind = OUT_SOFTWARE;
	if (b64_encode(bh, 32, bh64, sizeof(bh64)) == -1)
		goto out;
	for (i = 0; i < nkeys && i < DKIM_KEYMAX; i++)
		if (signature(sg, keys[i], o->selector[i], now, bh64,
		    &out) == -1) {
			whyf(why, whylen, "signing with the key for selector "
			    "%s failed", o->selector[i]);
			goto out;
		}
	*sigs = out.p;
	*siglen = out.len;
	out.p = NULL;
	kind = OUT_OK;
out:
	free(out.p);
	crypto_hash_final(sg->bh, NULL);
	free(sg->raw.p);
	free(sg->listcopy);
	free(sg);
	return kind;
}

int
dkim_sign(const struct dkim_opts *o, const struct outmsg *m,
    struct outmsg **out, char *why, size_t whylen)
{
	struct crypto_key	*keys[DKIM_KEYMAX] = { NULL, NULL };
	struct outmsg		*c = NULL;
	char			*sigs = NULL;
	size_t			 n, len = 0, i;
	int			 kind = OUT_CONFIG;

	*out = NULL;
	/* The key of this moment: a queued message is signed now. */
	for (n = 0; n < DKIM_KEYMAX && o->key[n] != NULL; n++)
		if ((keys[n] = secret_key_load(o->key[n], why, whylen)) ==
		    NULL)
			goto out;
	kind = dkim_sign_keys(o, keys, n, clock_now(), m, &sigs, &len, why,
	    whylen);
	if (kind != OUT_OK)
		goto out;
	kind = OUT_OSERR;
	if ((c = malloc(sizeof(*c))) == NULL ||
	    len > SIZE_MAX - m->prefixlen) {
		whyf(why, whylen, "out of memory while signing");
		goto out;
	}
	*c = *m;
	if ((c->prefix = malloc(len + m->prefixlen)) == NULL) {
		whyf(why, whylen, "out of memory while signing");
		goto out;
	}
	memcpy(c->prefix, sigs, len);
	if (m->prefixlen > 0)
		memcpy(c->prefix + len, m->prefix, m->prefixlen);
	c->prefixlen = len + m->prefixlen;
	*out = c;
	c = NULL;
	kind = OUT_OK;
out:
	free(c);
	free(sigs);
	for (i = 0; i < DKIM_KEYMAX; i++)
		crypto_key_free(keys[i]);
	return kind;
}

void
dkim_signed_free(struct outmsg *m)
{
	if (m == NULL)
		return;
	outmsg_free(m);
	free(m);
}
