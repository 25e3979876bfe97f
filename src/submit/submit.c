/*
 * The submission pipeline (submit.h): envelope, aliases, qualification,
 * header policy and Bcc handling, for every mode that submits a message.
 */
#include <sys/types.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"

#include "base/clock.h"
#include "base/crypto.h"
#include "base/util.h"
#include "msg/rfc5322.h"
#include "submit/submit.h"

/* Every failure here is before any SMTP phase (outcome.h). */
#define fail(o, kind, ...)	outcome_set((o), (kind), PH_NONE, __VA_ARGS__)

/* The state of the header scans. */
struct scan {
	const struct submit_req	*req;
	struct submission	*sub;
	struct hdr_state	 hs;		/* the first pass */
	struct addrlist		 bccs;		/* -t: from Bcc, Resent-Bcc */
	size_t			 nth;		/* ordinal of the field seen */
	off_t			 body_off;
	int			 bad;		/* an address list is bad */
	char			 why[256];
	/*
	 * Fields of raw UTF-8 as they go without SMTPUTF8
	 * (hdr_encode_8bit), one after the other; by candidate (hs.cand),
	 * where each starts and how long it is (0: none).
	 */
	struct sbuf		 encoded;
	size_t			 enc_off[HDR_DROPMAX];
	size_t			 enc_len[HDR_DROPMAX];
	struct sbuf		 reenc;		/* those that go, in order */
};

static struct scan *scan_new(const struct submit_req *, struct submission *,
		    struct outcome *);
static void	scan_free(struct scan *);
static int	note_cb(void *, const struct hdr_field *);
static int	ascii_envelope(const struct submission *);
static int	add_encoded(struct scan *, struct outcome *);
static int	new_prefix(struct submission *, struct sbuf *, const char *,
		    struct outcome *);
static int	rcpt_cb(void *, const struct hdr_field *);
static int	has_ctl(const char *);
static int	env_sender(const struct submit_req *, const struct account *,
		    struct submission *, const char **, struct outcome *);
static int	env_rcpts(const struct submit_req *, struct scan *,
		    const char *, struct outcome *);
static int	expand_aliases(const struct submit_req *, struct addrlist *,
		    struct outcome *);
static int	envelope(const struct submit_req *, const struct account *,
		    struct scan *, struct outcome *);
static int	is_bcc(const struct addrlist *, const char *);
static int	msgid_token(char *, size_t, struct outcome *);
static int	add_headers(const struct submit_req *,
		    const struct account *, struct scan *, struct outcome *);
static int	add_trace(const struct submit_req *, struct submission *,
		    int, struct outcome *);
static int	from_cb(void *, const struct hdr_field *);

struct submission *
submission_new(void)
{
	struct submission	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	addrlist_init(&s->rcpts);
	outmsg_init(&s->out);
	return s;
}

void
submission_free(struct submission *s)
{
	if (s == NULL)
		return;
	addrlist_free(&s->rcpts);
	outmsg_free(&s->out);
	free(s);
}

int
submit_envelope(const struct submit_req *req, const struct account *acct,
    struct submission *sub, struct outcome *o)
{
	struct scan	*sc;
	int		 rc;

	if ((sc = scan_new(req, sub, o)) == NULL)
		return -1;
	rc = envelope(req, acct, sc, o);
	scan_free(sc);
	return rc;
}

/* The scans' state for req into sub; NULL with *o when out of memory. */
static struct scan *
scan_new(const struct submit_req *req, struct submission *sub,
    struct outcome *o)
{
	struct scan	*sc;

	memset(o, 0, sizeof(*o));
	if ((sc = calloc(1, sizeof(*sc))) == NULL) {
		fail(o, OUT_OSERR, "out of memory");
		return NULL;
	}
	sc->req = req;
	sc->sub = sub;
	addrlist_init(&sc->bccs);
	hdr_state_init(&sc->hs);
	sbuf_init(&sc->encoded, HDR_PREFIXMAX);
	sbuf_init(&sc->reenc, HDR_PREFIXMAX);
	return sc;
}

static void
scan_free(struct scan *sc)
{
	addrlist_free(&sc->bccs);
	free(sc->encoded.p);
	free(sc->reenc.p);
	free(sc);
}

int
submit_prepare(const struct submit_req *req, const struct account *acct,
    struct msg *m, struct submission *sub, struct outcome *o)
{
	struct scan	*sc;
	int		 rc = -1;

	if ((sc = scan_new(req, sub, o)) == NULL)
		return -1;
	sub->out.fd = msg_fd(m);
	sub->out.size = msg_size(m);
	sub->out.eightbit = msg_eightbit(m);
	/*
	 * A first pass over the header finds what is there (Date, From,
	 * a Resent block for -t) before the envelope is built.
	 */
	if (hdr_scan(sub->out.fd, note_cb, sc, &sc->body_off) == -1) {
		if (sc->hs.ncand == HDR_DROPMAX)
			fail(o, OUT_DATAERR, "the message has more than %d "
			    "From, To, Cc and Bcc fields", HDR_DROPMAX);
		else
			fail(o, OUT_DATAERR, "cannot read the message "
			    "header: %s", errno == E2BIG ? "a header field "
			    "is too long" : strerror(errno));
		goto out;
	}
	if (envelope(req, acct, sc, o) == -1 ||
	    add_headers(req, acct, sc, o) == -1 ||
	    (req->trace && add_trace(req, sub, sc->body_off == 0, o) == -1))
		goto out;
	rc = 0;
out:
	scan_free(sc);
	return rc;
}

/* The first pass: what the header holds (hdr_note()). */
static int
note_cb(void *arg, const struct hdr_field *f)
{
	struct scan	*sc = arg;
	char		*enc;
	size_t		 len, n = sc->hs.ncand;
	int		 rc;

	if (hdr_note(&sc->hs, f) == -1)
		return -1;
	/* Kept in case the message goes without SMTPUTF8 (add_headers). */
	if (sc->hs.ncand == n)
		return 0;
	if ((rc = hdr_encode_8bit(f, &enc, &len)) == -1) {
		errno = E2BIG;
		return -1;
	}
	if (rc == 1) {
		sc->enc_off[n] = sc->encoded.len;
		if (sbuf_add(&sc->encoded, enc, len) == 0)
			sc->enc_len[n] = len;
		free(enc);
	}
	return 0;
}

/*
 * The second pass, with -t: the recipients of To, Cc and Bcc, or of the
 * first Resent block when there is one.
 */
static int
rcpt_cb(void *arg, const struct hdr_field *f)
{
	struct scan	*sc = arg;
	enum hdr_kind	 k = hdr_kind(f->name, f->namelen);
	size_t		 nth = sc->nth++;

	if (!sc->req->read_rcpts || !hdr_rcpt_field(&sc->hs, nth, k))
		return 0;
	if (addr_parse_list(f->value, f->valuelen, &sc->sub->rcpts, sc->why,
	    sizeof(sc->why)) == -1 || ((k == HK_BCC || k == HK_RESENT_BCC) &&
	    addr_parse_list(f->value, f->valuelen, &sc->bccs, sc->why,
	    sizeof(sc->why)) == -1)) {
		sc->bad = 1;
		return -1;
	}
	return 0;
}

static int
has_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/*
 * The envelope sender: req's (unless the account forbids overriding:
 * then it only chose the account), else the account's from; qualified
 * with the account's domain. *dom is the domain for local names.
 */
static int
env_sender(const struct submit_req *req, const struct account *acct,
    struct submission *sub, const char **dom, struct outcome *o)
{
	struct addrlist	 tmp;
	char		 q[ADDR_MAX + 1];
	const char	*from;
	int		 rc = -1;

	addrlist_init(&tmp);
	from = req->sender != NULL && acct->allow_from_override ?
	    req->sender : acct->from;
	if (from == NULL) {
		fail(o, OUT_CONFIG, "no envelope sender: give -f ADDRESS or "
		    "add a from line to account %s", acct->name);
		goto out;
	}
	/* "<>" and "" are the null sender (bounces, RFC 5321 4.5.5). */
	if (strcmp(from, "<>") == 0 || from[0] == '\0')
		sub->sender[0] = '\0';
	else if (addr_parse_list(from, strlen(from), &tmp, o->why,
	    sizeof(o->why)) == -1 || tmp.n != 1) {
		if (tmp.n != 1)
			fail(o, OUT_DATAERR, "the envelope sender must be one "
			    "address");
		o->kind = OUT_DATAERR;
		goto out;
	} else if (xstrlcpy(sub->sender, tmp.v[0],
	    sizeof(sub->sender)) == -1) {
		fail(o, OUT_DATAERR, "the envelope sender is too long");
		goto out;
	}
	*dom = addr_domain(sub->sender);
	if (*dom == NULL && acct->from != NULL)
		*dom = addr_domain(acct->from);
	if (*dom == NULL && sub->sender[0] != '\0') {
		fail(o, OUT_CONFIG, "the envelope sender has no domain and "
		    "account %s has no from address to take one from",
		    acct->name);
		goto out;
	}
	/* A quoted local part ("a@b") may hold an '@' and no domain. */
	if (sub->sender[0] != '\0' && addr_domain(sub->sender) == NULL &&
	    (addr_qualify(q, sizeof(q), sub->sender, *dom) == -1 ||
	    xstrlcpy(sub->sender, q, sizeof(sub->sender)) == -1)) {
		fail(o, OUT_DATAERR, "the envelope sender is too long");
		goto out;
	}
	if (addr_check(sub->sender, 1, o->why, sizeof(o->why)) == -1) {
		o->kind = OUT_DATAERR;
		goto out;
	}
	rc = 0;
out:
	addrlist_free(&tmp);
	return rc;
}

/*
 * The recipients: the arguments and, with -t, the header's; aliases
 * expanded, local names qualified with dom, every address checked.
 */
static int
env_rcpts(const struct submit_req *req, struct scan *sc, const char *dom,
    struct outcome *o)
{
	struct addrlist	*rcpts = &sc->sub->rcpts;
	char		 q[ADDR_MAX + 1], shown[ADDR_MAX + 1], w[200];
	size_t		 i;

	for (i = 0; i < req->nrcpts; i++)
		if (addr_parse_list(req->rcpts[i], strlen(req->rcpts[i]),
		    rcpts, w, sizeof(w)) == -1)
			return fail(o, OUT_DATAERR, "%s", w);
	/* No message with -bv: the arguments are the recipients. */
	if (sc->sub->out.fd != -1 && hdr_scan(sc->sub->out.fd, rcpt_cb, sc,
	    &sc->body_off) == -1) {
		if (sc->bad)
			return fail(o, OUT_DATAERR, "%s", sc->why);
		return fail(o, OUT_DATAERR, "cannot read the message header: "
		    "%s", errno == E2BIG ? "a header field is too long" :
		    strerror(errno));
	}
	addrlist_dedup(rcpts);
	if (rcpts->n == 0)
		return fail(o, OUT_USAGE, "no recipients: give them as "
		    "arguments%s", req->read_rcpts ? "" : ", or use -t to "
		    "read them from the message");
	/* Local names are looked up before they are qualified. */
	if (req->aliases != NULL && expand_aliases(req, rcpts, o) == -1)
		return -1;
	for (i = 0; i < rcpts->n; i++) {
		if (addr_domain(rcpts->v[i]) == NULL && dom != NULL) {
			if (addr_qualify(q, sizeof(q), rcpts->v[i], dom) == -1)
				return fail(o, OUT_DATAERR, "recipient %zu is "
				    "too long", i + 1);
			free(rcpts->v[i]);
			if ((rcpts->v[i] = strdup(q)) == NULL)
				return fail(o, OUT_OSERR, "out of memory");
		}
		if (addr_check(rcpts->v[i], 0, w, sizeof(w)) == -1) {
			/* Shown, not echoed: it may hold anything. */
			(void)sanitize(shown, sizeof(shown), rcpts->v[i],
			    strlen(rcpts->v[i]), 1);
			return fail(o, OUT_DATAERR, "invalid recipient "
			    "\"%.100s\": %s", shown, w);
		}
	}
	addrlist_dedup(rcpts);
	return 0;
}

/*
 * Replace the local recipients by what the account's aliases file maps
 * them to (bote.conf(5), aliases). Only the envelope changes; the
 * header keeps what the sender wrote.
 */
static int
expand_aliases(const struct submit_req *req, struct addrlist *rcpts,
    struct outcome *o)
{
	struct addrlist	 out;
	char		 host[256];

	addrlist_init(&out);
	/* user@<this host> is local too; no name means no such match. */
	if (gethostname(host, sizeof(host)) == -1)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	if (aliases_expand(req->aliases, host, rcpts, &out) == -1) {
		addrlist_free(&out);
		if (errno == ELOOP)
			return fail(o, OUT_CONFIG, "aliases nested more than "
			    "16 deep (a loop?); nothing was sent");
		if (errno == E2BIG)
			return fail(o, OUT_DATAERR, "too many recipients "
			    "after alias expansion (limit 10000)");
		return fail(o, OUT_OSERR, "out of memory");
	}
	addrlist_free(rcpts);
	*rcpts = out;
	addrlist_dedup(rcpts);
	return 0;
}

/*
 * The envelope: sender from req or the account's from; recipients from
 * the arguments (each may be a comma list) and, with -t, the header.
 * Unqualified addresses take the domain of the sender. Every address is
 * checked before it can reach an SMTP command.
 */
static int
envelope(const struct submit_req *req, const struct account *acct,
    struct scan *sc, struct outcome *o)
{
	const char	*dom = NULL;
	size_t		 i;

	/*
	 * An address argument never holds a control character; refuse it
	 * before the address parser could read CR LF as folding space.
	 */
	for (i = 0; i <= req->nrcpts; i++) {
		const char *v = i < req->nrcpts ? req->rcpts[i] : req->sender;

		if (v != NULL && has_ctl(v))
			return fail(o, OUT_DATAERR, "%s contains a control "
			    "character (CR, LF, TAB, ...)", i < req->nrcpts ?
			    "a recipient argument" : "the -f sender");
	}
	if (env_sender(req, acct, sc->sub, &dom, o) == -1)
		return -1;
	return env_rcpts(req, sc, dom, o);
}

/* Whether recipient r came from a Bcc field (then To must not show it). */
static int
is_bcc(const struct addrlist *b, const char *r)
{
	size_t	i, n;

	for (i = 0; i < b->n; i++) {
		n = strlen(b->v[i]);
		if (strcasecmp(b->v[i], r) == 0 || (strchr(b->v[i], '@') ==
		    NULL && strncmp(b->v[i], r, n) == 0 && r[n] == '@'))
			return 1;
	}
	return 0;
}

/*
 * The random left part of a Message-ID: 32 hex digits. Test hook
 * (clock.h; a test build only): BOTE_TEST_MSGID_RANDOM, up to 32 hex
 * digits, replaces it.
 */
static int
msgid_token(char *token, size_t sz, struct outcome *o)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char	 rnd[16];
	const char	*e = test_hook("MSGID_RANDOM");
	size_t		 i;

	if (e != NULL && e[0] != '\0' && strlen(e) < sz &&
	    strspn(e, "0123456789abcdefABCDEF") == strlen(e))
		return xstrlcpy(token, e, sz);
	if (sz < 2 * sizeof(rnd) + 1 || crypto_random(rnd,
	    sizeof(rnd)) == -1)
		return fail(o, OUT_OSERR, "cannot get random bytes for a "
		    "Message-ID");
	for (i = 0; i < sizeof(rnd); i++) {
		token[2 * i] = hex[rnd[i] >> 4];
		token[2 * i + 1] = hex[rnd[i] & 0x0f];
	}
	token[2 * sizeof(rnd)] = '\0';
	return 0;
}

/*
 * Whether the message goes without SMTPUTF8: every local part of the
 * envelope is ASCII (smtp_tx.c sends an internationalised domain as
 * A-labels, so only a local part needs SMTPUTF8).
 */
static int
ascii_envelope(const struct submission *sub)
{
	const char	*at, *p;
	size_t		 i;

	for (i = 0; i <= sub->rcpts.n; i++) {
		p = i < sub->rcpts.n ? sub->rcpts.v[i] : sub->sender;
		if ((at = strrchr(p, '@')) == NULL)
			at = p + strlen(p);
		if (count8(p, (size_t)(at - p)) > 0)
			return 0;
	}
	return 1;
}

/* The encoded fields after those bote adds (the prefix). */
static int
add_encoded(struct scan *sc, struct outcome *o)
{
	struct submission	*sub = sc->sub;
	struct sbuf		 b;

	sbuf_init(&b, HDR_PREFIXMAX);
	if (sub->out.prefix != NULL)
		(void)sbuf_add(&b, sub->out.prefix, sub->out.prefixlen);
	(void)sbuf_add(&b, sc->reenc.p, sc->reenc.len);
	return new_prefix(sub, &b, "encode the header fields of raw UTF-8",
	    o);
}

/*
 * b, built from the prefix and more fields, becomes the prefix; or the
 * prefix stays as it was and -1 says why (what: what was being done).
 */
static int
new_prefix(struct submission *sub, struct sbuf *b, const char *what,
    struct outcome *o)
{
	if (b->err) {
		free(b->p);
		return fail(o, b->err == ENOMEM ? OUT_OSERR : OUT_DATAERR,
		    "cannot %s: %s", what, strerror(b->err));
	}
	free(sub->out.prefix);
	sub->out.prefix = b->p;
	sub->out.prefixlen = b->len;
	return 0;
}

/*
 * The header policy (headers.h, bote.conf(5)): the fields left out of
 * what is sent (skip ranges, in file order) and the fields added in
 * front of the message (prefix).
 */
static int
add_headers(const struct submit_req *req, const struct account *acct,
    struct scan *sc, struct outcome *o)
{
	struct submission *sub = sc->sub;
	struct hdr_policy pol;
	struct hdr_gen	 g;
	struct addrlist	 shown;
	char		 token[33] = "", why[256];
	const char	*from = NULL;
	size_t		 i;
	int		 adds, fate, rc = -1;

	addrlist_init(&shown);
	/* The null sender has no address for From: the account's, if any. */
	if (sub->sender[0] != '\0')
		from = sub->sender;
	else if (acct->from != NULL && strchr(acct->from, '@') != NULL &&
	    addr_check(acct->from, 0, why, sizeof(why)) == 0)
		from = acct->from;
	memset(&pol, 0, sizeof(pol));
	pol.set_from = acct->set_from_header;
	pol.set_date = acct->set_date_header;
	pol.set_msgid = acct->set_msgid_header;
	pol.set_to = acct->set_to_header;
	pol.remove_bcc = acct->remove_bcc_headers;
	pol.can_from = from != NULL;
	pol.encode_8bit = sc->encoded.len > 0 && !sc->encoded.err &&
	    ascii_envelope(sub);
	for (i = 0; i < sc->hs.ncand; i++) {
		fate = hdr_fate(&pol, sc->hs.cand[i].kind, sc->enc_len[i] > 0);
		if (fate == HDR_KEEP)
			continue;
		if (fate == HDR_ENCODE)
			(void)sbuf_add(&sc->reenc, sc->encoded.p +
			    sc->enc_off[i], sc->enc_len[i]);
		/* In file order, never more than the scan noted. */
		if (outmsg_add_skip(&sub->out, sc->hs.cand[i].off,
		    sc->hs.cand[i].len) == -1)
			return fail(o, OUT_SOFTWARE, "the header fields to "
			    "leave out are out of order");
	}
	if ((adds = hdr_adds(&pol, &sc->hs)) == 0)
		return sc->reenc.len > 0 ? add_encoded(sc, o) : 0;

	memset(&g, 0, sizeof(g));
	g.now = clock_now();
	if ((adds & HDR_ADD_MSGID) && msgid_token(token, sizeof(token),
	    o) == -1)
		goto out;
	g.msgid_token = token;
	g.msgid_domain = addr_domain(sub->sender);
	if (g.msgid_domain == NULL && acct->from != NULL)
		g.msgid_domain = addr_domain(acct->from);
	g.from_addr = from;
	g.from_name = req->fullname ? req->fullname : acct->from_full_name;
	g.blank = sc->body_off == 0;
	if (adds & HDR_ADD_TO) {
		/* Bcc recipients stay hidden. */
		for (i = 0; i < sub->rcpts.n; i++)
			if (!is_bcc(&sc->bccs, sub->rcpts.v[i]) &&
			    addrlist_add(&shown, sub->rcpts.v[i],
			    strlen(sub->rcpts.v[i])) == -1) {
				fail(o, OUT_OSERR, "out of memory");
				goto out;
			}
		if (shown.n == 0)
			adds = (adds & ~HDR_ADD_TO) | HDR_ADD_UNDISC;
		g.rcpts = shown.v;
		g.nrcpts = shown.n;
	}
	if (hdr_prefix(adds, &g, &sub->out.prefix, &sub->out.prefixlen, why,
	    sizeof(why)) == -1) {
		fail(o, OUT_DATAERR, "%s", why);
		goto out;
	}
	rc = sc->reenc.len > 0 ? add_encoded(sc, o) : 0;
out:
	addrlist_free(&shown);
	return rc;
}

/*
 * The trace of a message another local user submitted, first in the
 * header (RFC 5322 3.6.7), as Postfix's pickup writes it:
 *
 *	Received: by HOST (bote, from userid 1001, alice);
 *		Sun, 6 Dec 2026 19:46:22 +0000
 *
 * The host and user names are shown only when they are plain tokens.
 * blank: the message has no header section, so when nothing else was
 * added the empty line that ends the header must follow.
 */
static int
add_trace(const struct submit_req *req, struct submission *sub, int blank,
    struct outcome *o)
{
	static const char tok[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_";
	struct passwd	*pw;
	struct sbuf	 b;
	char		 host[256], date[HDR_DATEMAX];
	const char	*user = NULL;

	if (gethostname(host, sizeof(host)) == -1)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	if (host[0] == '\0' || strspn(host, tok) != strlen(host))
		/* 10 octets into 256. */
		(void)xstrlcpy(host, "localhost", sizeof(host));
	if ((pw = getpwuid((uid_t)req->trace_uid)) != NULL &&
	    pw->pw_name[0] != '\0' && strlen(pw->pw_name) < 64 &&
	    strspn(pw->pw_name, tok) == strlen(pw->pw_name))
		user = pw->pw_name;
	if (hdr_date(date, sizeof(date), clock_now()) == -1)
		return fail(o, OUT_SOFTWARE, "cannot format the date");
	sbuf_init(&b, HDR_PREFIXMAX);
	sbuf_addf(&b, "Received: by %s (bote, from userid %lld%s%s);\r\n"
	    "\t%s\r\n", host, req->trace_uid, user != NULL ? ", " : "",
	    user != NULL ? user : "", date);
	if (sub->out.prefix != NULL)
		sbuf_add(&b, sub->out.prefix, sub->out.prefixlen);
	else if (blank)
		sbuf_add(&b, "\r\n", 2);
	return new_prefix(sub, &b, "add the Received field", o);
}

/* What submit_header_sender() looks for. */
struct from_scan {
	char	*buf;
	size_t	 sz;
	int	 found;		/* 1: an address, -1: a From field without */
	int	 toolong;
	char	 why[256];
};

static int
from_cb(void *arg, const struct hdr_field *f)
{
	struct from_scan	*fs = arg;
	struct addrlist		 l;

	if (fs->found != 0 || hdr_kind(f->name, f->namelen) != HK_FROM)
		return 0;
	addrlist_init(&l);
	if (addr_parse_list(f->value, f->valuelen, &l, fs->why,
	    sizeof(fs->why)) == -1 || l.n == 0)
		fs->found = -1;
	else if (xstrlcpy(fs->buf, l.v[0], fs->sz) == -1)
		fs->toolong = 1;
	else
		fs->found = 1;
	addrlist_free(&l);
	return 0;
}

int
submit_header_sender(int fd, char *buf, size_t sz, struct outcome *o)
{
	struct from_scan	 fs;
	off_t			 body_off;

	memset(&fs, 0, sizeof(fs));
	fs.buf = buf;
	fs.sz = sz;
	if (hdr_scan(fd, from_cb, &fs, &body_off) == -1)
		return fail(o, errno == E2BIG ? OUT_DATAERR : OUT_TEMPLOCAL,
		    "cannot read the message's header: %s", errno == E2BIG ?
		    "a field or the header is too long" : strerror(errno));
	if (fs.toolong)
		return fail(o, OUT_DATAERR, "the From field's address is "
		    "longer than %d octets", ADDR_MAX);
	if (fs.found == 1)
		return 0;
	if (fs.found == -1)
		return fail(o, OUT_USAGE, "--read-envelope-from: the "
		    "message's From field holds no address (%s); name the "
		    "sender with -f", fs.why[0] != '\0' ? fs.why : "empty");
	return fail(o, OUT_USAGE, "--read-envelope-from: the message has "
	    "no From field; name the sender with -f");
}
