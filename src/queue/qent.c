/*
 * Queue entries as data: the control file format and the backoff rule
 * (queue.h). Pure functions, unit-tested in tests/unit/test_queue.c.
 *
 * The format is one "key value" line per field, keys lower case, every
 * value one escaped token, so a control file never holds a raw CR, LF
 * or control byte whatever the envelope or the error text contained:
 *
 *	version 1
 *	id 6790A1B2C3D4E5F6
 *	account default
 *	conf /home/u/.config/bote/config	(optional, one per file read)
 *	override port=2525		(optional, one per option)
 *	sender user@example.org		("<>" for the null sender)
 *	rcpt a@example.net		(one line each)
 *	created 1795000000
 *	next 1795000300
 *	attempts 1
 *	error 421%204.3.2%20...		(optional)
 *	maybe 1				(optional: lost after end-of-data)
 *	sending 1795000300		(optional: an attempt under way)
 *	hold 1				(optional: held, never sent)
 *	size 1234
 *	eightbit 0
 *	skip 120 35			(optional, one per range, in order)
 *	prefix Date:%20...%0D%0A	(optional)
 *	dsn 6 2 ENVID			(notify bits, ret, envid or "-")
 *	uid 1000
 */
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "queue/queue.h"
#include "base/util.h"

/* Bounds of the control file's numbers (parse_number). */
#define QENT_TIMEMAX	900000000000LL	/* seconds: about the year 30000 */
#define QENT_SIZEMAX	(1LL << 50)	/* octets: a pebibyte */

#define QENT_VERSION	1

static void	put_str(struct sbuf *, const char *);
static void	put_kv(struct sbuf *, const char *, const char *, size_t);
static void	put_num(struct sbuf *, const char *, long long);
static int	get_num(const char *, size_t, long long, long long,
		    long long *);
static int	need_escape(unsigned char);
static int	parse_number(struct qent *, const char *, size_t,
		    const char *, size_t, unsigned int *);
static int	parse_skip(struct qent *, const char *, size_t);
static int	parse_dsn(struct qent *, const char **, size_t *);
static int	parse_text(struct qent *, const char *, size_t,
		    const char *, size_t, unsigned int *, char *, size_t);
static int	parse_line(struct qent *, const char *, size_t,
		    const char *, size_t, unsigned int *, char *, size_t);
static int	bad_value(const char *, size_t, char *, size_t);

void
qent_init(struct qent *e)
{
	memset(e, 0, sizeof(*e));
	outmsg_init(&e->out);
	e->uid = -1;
}

void
qent_free(struct qent *e)
{
	size_t	i;

	if (e == NULL)
		return;
	free(e->account);
	qconf_free(&e->conf);
	free(e->sender);
	for (i = 0; i < e->nrcpts; i++)
		free(e->rcpts[i]);
	free(e->rcpts);
	free(e->error);
	outmsg_free(&e->out);
	free(e->envid);
	qent_init(e);
}

int
qent_set(char **field, const char *s, size_t len)
{
	char	*v;

	if ((v = xstrndup(s, len)) == NULL)
		return -1;
	free(*field);
	*field = v;
	return 0;
}

int
qent_add_rcpt(struct qent *e, const char *r)
{
	char	**v;

	if (e->nrcpts >= QUEUE_RCPTMAX) {
		errno = E2BIG;
		return -1;
	}
	if ((v = reallocarray(e->rcpts, e->nrcpts + 1, sizeof(*v))) == NULL)
		return -1;
	e->rcpts = v;
	if ((v[e->nrcpts] = strdup(r)) == NULL)
		return -1;
	e->nrcpts++;
	return 0;
}

static int
add_str(char ***vp, size_t *np, size_t max, const char *s, size_t len)
{
	char	**v;

	if (*np >= max) {
		errno = E2BIG;
		return -1;
	}
	if ((v = reallocarray(*vp, *np + 1, sizeof(*v))) == NULL)
		return -1;
	*vp = v;
	if ((v[*np] = xstrndup(s, len)) == NULL)
		return -1;
	(*np)++;
	return 0;
}

int
qconf_add_file(struct qconf *c, const char *path)
{
	if (path[0] != '/') {
		errno = EINVAL;
		return -1;
	}
	return add_str(&c->files, &c->nfiles, QUEUE_CONFMAX, path,
	    strlen(path));
}

int
qconf_add_ovr(struct qconf *c, const char *directive, const char *value)
{
	struct sbuf	 b;
	int		 rc;

	if (directive[0] == '\0' || strchr(directive, '=') != NULL) {
		errno = EINVAL;
		return -1;
	}
	sbuf_init(&b, QUEUE_CTLMAX);
	(void)sbuf_addf(&b, "%s=%s", directive, value);
	if (b.err) {
		free(b.p);
		errno = b.err;
		return -1;
	}
	rc = add_str(&c->ovr, &c->novr, QUEUE_OVRMAX, b.p, b.len);
	free(b.p);
	return rc;
}

int
qconf_copy(struct qconf *dst, const struct qconf *src)
{
	size_t	i;

	for (i = 0; i < src->nfiles; i++)
		if (qconf_add_file(dst, src->files[i]) == -1)
			return -1;
	for (i = 0; i < src->novr; i++)
		if (add_str(&dst->ovr, &dst->novr, QUEUE_OVRMAX, src->ovr[i],
		    strlen(src->ovr[i])) == -1)
			return -1;
	return 0;
}

void
qconf_free(struct qconf *c)
{
	size_t	i;

	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	for (i = 0; i < c->novr; i++)
		free(c->ovr[i]);
	free(c->ovr);
	memset(c, 0, sizeof(*c));
}

static int
same_strs(char *const *a, size_t na, char *const *b, size_t nb)
{
	size_t	i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return 1;
}

int
qconf_same(const struct qconf *a, const struct qconf *b)
{
	return same_strs(a->files, a->nfiles, b->files, b->nfiles) &&
	    same_strs(a->ovr, a->novr, b->ovr, b->novr);
}

/*
 * 5 minutes, 10, 20, 40, 80, 160, then every 4 hours: quick enough for a
 * server restart, gentle with a long outage (sendmail and Postfix use
 * similar curves).
 */
long long
queue_backoff(unsigned int attempts)
{
	long long	s = QUEUE_BACKOFF_MIN;
	unsigned int	i;

	for (i = 1; i < attempts && s < QUEUE_BACKOFF_MAX; i++)
		s *= 2;
	return s < QUEUE_BACKOFF_MAX ? s : QUEUE_BACKOFF_MAX;
}

int
queue_valid_id(const char *s)
{
	size_t	n = strlen(s);

	return n == QUEUE_IDLEN && strspn(s, "0123456789ABCDEF") == n;
}

static int
need_escape(unsigned char c)
{
	return c < 0x21 || c > 0x7e || c == '%';
}

char *
queue_escape(const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t		 i, n = 0;
	char		*out;

	for (i = 0; i < len; i++)
		n += need_escape((unsigned char)s[i]) ? 3 : 1;
	/* An empty value still needs a token: "%" alone means "". */
	if ((out = malloc(n + 2)) == NULL)
		return NULL;
	if (len == 0) {
		out[0] = '%';
		out[1] = '\0';
		return out;
	}
	for (i = n = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (need_escape(c)) {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 0x0f];
		} else
			out[n++] = (char)c;
	}
	out[n] = '\0';
	return out;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

char *
queue_unescape(const char *s, size_t len, size_t *outlen)
{
	char	*out;
	size_t	 i, n = 0;
	int	 h, l;

	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	if (len == 1 && s[0] == '%') {
		out[0] = '\0';
		*outlen = 0;
		return out;
	}
	for (i = 0; i < len; i++) {
		if (need_escape((unsigned char)s[i]) && s[i] != '%')
			goto bad;
		if (s[i] != '%') {
			out[n++] = s[i];
			continue;
		}
		if (i + 2 >= len)
			goto bad;
		if ((h = hexval((unsigned char)s[i + 1])) == -1 ||
		    (l = hexval((unsigned char)s[i + 2])) == -1)
			goto bad;
		out[n++] = (char)(h << 4 | l);
		i += 2;
	}
	out[n] = '\0';
	*outlen = n;
	return out;
bad:
	free(out);
	errno = EINVAL;
	return NULL;
}

static void
put_str(struct sbuf *b, const char *s)
{
	(void)sbuf_add(b, s, strlen(s));
}

static void
put_kv(struct sbuf *b, const char *key, const char *v, size_t len)
{
	char	*x;

	if ((x = queue_escape(v, len)) == NULL) {
		b->err = ENOMEM;
		return;
	}
	(void)sbuf_addf(b, "%s %s\n", key, x);
	free(x);
}

static void
put_num(struct sbuf *b, const char *key, long long v)
{
	(void)sbuf_addf(b, "%s %lld\n", key, v);
}

int
qent_format(const struct qent *e, char **buf, size_t *len)
{
	struct sbuf	 b;
	char		*x;
	size_t		 i;

	sbuf_init(&b, QUEUE_CTLMAX);
	put_num(&b, "version", QENT_VERSION);
	put_kv(&b, "id", e->id, strlen(e->id));
	put_kv(&b, "account", e->account, strlen(e->account));
	for (i = 0; i < e->conf.nfiles; i++)
		put_kv(&b, "conf", e->conf.files[i],
		    strlen(e->conf.files[i]));
	for (i = 0; i < e->conf.novr; i++)
		put_kv(&b, "override", e->conf.ovr[i],
		    strlen(e->conf.ovr[i]));
	if (e->sender[0] == '\0')
		put_str(&b, "sender <>\n");
	else
		put_kv(&b, "sender", e->sender, strlen(e->sender));
	for (i = 0; i < e->nrcpts; i++)
		put_kv(&b, "rcpt", e->rcpts[i], strlen(e->rcpts[i]));
	put_num(&b, "created", e->created);
	put_num(&b, "next", e->next);
	put_num(&b, "attempts", e->attempts);
	if (e->error != NULL)
		put_kv(&b, "error", e->error, strlen(e->error));
	if (e->maybe_sent)
		put_num(&b, "maybe", 1);
	if (e->sending != 0)
		put_num(&b, "sending", e->sending);
	if (e->held)
		put_num(&b, "hold", 1);
	put_num(&b, "size", (long long)e->out.size);
	put_num(&b, "eightbit", e->out.eightbit != 0);
	for (i = 0; i < e->out.nskip; i++)
		(void)sbuf_addf(&b, "skip %lld %lld\n",
		    (long long)e->out.skip[i][0],
		    (long long)e->out.skip[i][1]);
	if (e->out.prefix != NULL && e->out.prefixlen > 0)
		put_kv(&b, "prefix", e->out.prefix, e->out.prefixlen);
	(void)sbuf_addf(&b, "dsn %d %d ", e->dsn_notify, e->dsn_return);
	/* "-" stands for no ENVID: an ENVID "-" itself is written %2D. */
	if (e->envid != NULL && strcmp(e->envid, "-") == 0)
		put_str(&b, "%2D");
	else if (e->envid != NULL && (x = queue_escape(e->envid,
	    strlen(e->envid))) != NULL) {
		put_str(&b, x);
		free(x);
	} else if (e->envid != NULL)
		b.err = ENOMEM;
	else
		put_str(&b, "-");
	put_str(&b, "\n");
	put_num(&b, "uid", e->uid);
	if (b.err) {
		free(b.p);
		errno = b.err;
		return -1;
	}
	*buf = b.p;
	*len = b.len;
	return 0;
}

static int
get_num(const char *s, size_t len, long long lo, long long hi,
    long long *v)
{
	char		 tmp[32];
	const char	*errstr;

	if (len == 0 || len >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	*v = strtonum(tmp, lo, hi, &errstr);
	return errstr == NULL ? 0 : -1;
}

/* Bits of the fields seen, to check the required ones. */
#define SEEN_VERSION	0x01
#define SEEN_ID		0x02
#define SEEN_ACCOUNT	0x04
#define SEEN_SENDER	0x08
#define SEEN_CREATED	0x10
#define SEEN_SIZE	0x20
#define SEEN_REQUIRED	0x3f

#define KEY(s)	(klen == sizeof(s) - 1 && memcmp(k, s, klen) == 0)

/* The numeric fields; -1 for a bad value. */
static int
parse_number(struct qent *e, const char *k, size_t klen, const char *v,
    size_t vlen, unsigned int *seen)
{
	long long	 n;

	if (KEY("version")) {
		if (get_num(v, vlen, QENT_VERSION, QENT_VERSION, &n) == -1)
			return -1;
		*seen |= SEEN_VERSION;
		return 0;
	}
	/*
	 * Each number within what it can mean, so that no arithmetic on
	 * it (ages, backoff, wire sizes) can overflow: times before the
	 * year 30000, sizes under a pebibyte, uids of 32 bits.
	 */
	if (get_num(v, vlen, KEY("uid") ? -1 : 0, KEY("uid") ? UINT32_MAX :
	    KEY("size") ? QENT_SIZEMAX : KEY("created") || KEY("next") ||
	    KEY("sending") ? QENT_TIMEMAX : LLONG_MAX, &n) == -1)
		return -1;
	if (KEY("created")) {
		e->created = n;
		*seen |= SEEN_CREATED;
	} else if (KEY("next"))
		e->next = n;
	else if (KEY("attempts"))
		e->attempts = n > 1000000 ? 1000000 : (unsigned int)n;
	else if (KEY("maybe"))
		e->maybe_sent = n != 0;
	else if (KEY("sending"))
		e->sending = n;
	else if (KEY("hold"))
		e->held = n != 0;
	else if (KEY("size")) {
		e->out.size = (off_t)n;
		*seen |= SEEN_SIZE;
	} else if (KEY("eightbit"))
		e->out.eightbit = n != 0;
	else
		e->uid = n;
	return 0;
}

/* "skip OFF LEN": in order, disjoint, at most OUTMSG_SKIPMAX of them. */
static int
parse_skip(struct qent *e, const char *v, size_t vlen)
{
	const char	*sp;
	long long	 n, m;

	if ((sp = memchr(v, ' ', vlen)) == NULL ||
	    get_num(v, (size_t)(sp - v), 0, QENT_SIZEMAX, &n) == -1 ||
	    get_num(sp + 1, vlen - (size_t)(sp - v) - 1, 0, QENT_SIZEMAX,
	    &m) == -1 ||
	    outmsg_add_skip(&e->out, (off_t)n, (off_t)m) == -1)
		return -1;
	return 0;
}

/*
 * "dsn NOTIFY RET ENVID": the two numbers into e, *vp and *vlenp moved
 * on to the ENVID ("-" for none); -1 for a bad value.
 */
static int
parse_dsn(struct qent *e, const char **vp, size_t *vlenp)
{
	const char	*v = *vp, *sp;
	size_t		 vlen = *vlenp;
	long long	 n, m;

	if ((sp = memchr(v, ' ', vlen)) == NULL ||
	    get_num(v, (size_t)(sp - v), 0, 255, &n) == -1)
		return -1;
	vlen -= (size_t)(sp - v) + 1;
	v = sp + 1;
	if ((sp = memchr(v, ' ', vlen)) == NULL ||
	    get_num(v, (size_t)(sp - v), 0, 2, &m) == -1)
		return -1;
	e->dsn_notify = (int)n;
	e->dsn_return = (int)m;
	*vlenp = vlen - ((size_t)(sp - v) + 1);
	*vp = sp + 1;
	return 0;
}

/*
 * The fields whose value is an escaped string: unescaped into e, or -1
 * with why set.
 */
static int
parse_text(struct qent *e, const char *k, size_t klen, const char *v,
    size_t vlen, unsigned int *seen, char *why, size_t whylen)
{
	char		*x = NULL;
	size_t		 xlen;

	if ((x = queue_unescape(v, vlen, &xlen)) == NULL) {
		if (errno == ENOMEM)
			goto nomem;
		goto bad;
	}
	if (KEY("prefix")) {
		if (xlen > QUEUE_PREFIXMAX)
			goto bad;
		free(e->out.prefix);
		e->out.prefix = x;
		e->out.prefixlen = xlen;
		return 0;
	}
	/* The other values are strings: no NUL inside. */
	if (memchr(x, '\0', xlen) != NULL)
		goto bad;
	if (KEY("id")) {
		if (!queue_valid_id(x))
			goto bad;
		memcpy(e->id, x, QUEUE_IDLEN + 1);
		*seen |= SEEN_ID;
	} else if (KEY("account")) {
		if (xlen == 0)
			goto bad;
		free(e->account);
		e->account = x;
		x = NULL;
		*seen |= SEEN_ACCOUNT;
	} else if (KEY("conf") || KEY("override")) {
		if ((KEY("conf") ? x[0] != '/' : xlen == 0 || x[0] == '=' ||
		    strchr(x, '=') == NULL))
			goto bad;
		if ((KEY("conf") ? add_str(&e->conf.files, &e->conf.nfiles,
		    QUEUE_CONFMAX, x, xlen) : add_str(&e->conf.ovr,
		    &e->conf.novr, QUEUE_OVRMAX, x, xlen)) == -1) {
			if (errno == ENOMEM)
				goto nomem;
			goto bad;
		}
	} else if (KEY("sender")) {
		if (xlen == 2 && memcmp(x, "<>", 2) == 0)
			x[0] = '\0';
		free(e->sender);
		e->sender = x;
		x = NULL;
		*seen |= SEEN_SENDER;
	} else if (KEY("rcpt")) {
		if (xlen == 0 || qent_add_rcpt(e, x) == -1) {
			if (errno == ENOMEM)
				goto nomem;
			goto bad;
		}
	} else if (KEY("error")) {
		if (xlen > QUEUE_ERRMAX)
			x[QUEUE_ERRMAX] = '\0';
		free(e->error);
		e->error = x;
		x = NULL;
	} else if (KEY("envid")) {
		free(e->envid);
		e->envid = x;
		x = NULL;
	} else {
		free(x);
		/* Names only: the line itself is not echoed. */
		if (klen <= 20 && strspn(k, "abcdefghijklmnopqrstuvwxyz_") >=
		    klen)
			whyf(why, whylen, "unknown field %.*s",
			    (int)klen, k);
		else
			whyf(why, whylen, "unknown field");
		return -1;
	}
	free(x);
	return 0;
bad:
	free(x);
	return bad_value(k, klen, why, whylen);
nomem:
	free(x);
	whyf(why, whylen, "out of memory");
	return -1;
}

/* One "key value" line into e; -1 with why set. */
static int
parse_line(struct qent *e, const char *k, size_t klen, const char *v,
    size_t vlen, unsigned int *seen, char *why, size_t whylen)
{
	int	rc;

	if (KEY("version") || KEY("created") || KEY("next") ||
	    KEY("attempts") || KEY("maybe") || KEY("size") ||
	    KEY("eightbit") || KEY("uid") || KEY("sending") || KEY("hold"))
		rc = parse_number(e, k, klen, v, vlen, seen);
	else if (KEY("skip"))
		rc = parse_skip(e, v, vlen);
	else if (KEY("dsn")) {
		if (parse_dsn(e, &v, &vlen) == -1)
			return bad_value(k, klen, why, whylen);
		if (vlen == 1 && v[0] == '-')
			return 0;
		return parse_text(e, "envid", 5, v, vlen, seen, why, whylen);
	} else
		return parse_text(e, k, klen, v, vlen, seen, why, whylen);
	return rc == -1 ? bad_value(k, klen, why, whylen) : 0;
}
#undef KEY

/* Why a field's value does not parse: its name only, never the line. */
static int
bad_value(const char *k, size_t klen, char *why, size_t whylen)
{
	char	shown[21];

	/* The key is the file's: control bytes shown as '?' (util.h). */
	(void)sanitize(shown, sizeof(shown), k, klen, 0);
	whyf(why, whylen, "bad value for %s", shown);
	return -1;
}

int
qent_parse(struct qent *e, const char *buf, size_t len, char *why,
    size_t whylen)
{
	const char	*p = buf, *end = buf + len, *nl, *sp;
	unsigned int	 seen = 0;
	int		 lineno = 0;

	if (len > QUEUE_CTLMAX) {
		whyf(why, whylen, "control file too large");
		return -1;
	}
	while (p < end) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			whyf(why, whylen, "line %d: not ended "
			    "(the file was cut short)", lineno);
			return -1;
		}
		if ((sp = memchr(p, ' ', (size_t)(nl - p))) == NULL ||
		    sp == p || sp + 1 == nl) {
			whyf(why, whylen, "line %d: not \"key "
			    "value\"", lineno);
			return -1;
		}
		if (parse_line(e, p, (size_t)(sp - p), sp + 1,
		    (size_t)(nl - sp - 1), &seen, why, whylen) == -1)
			return -1;
		p = nl + 1;
	}
	if ((seen & SEEN_REQUIRED) != SEEN_REQUIRED || e->nrcpts == 0) {
		whyf(why, whylen, "a required field is missing");
		return -1;
	}
	/* Sorted and disjoint as parsed; inside the spool too. */
	if (!outmsg_skips_inside(&e->out)) {
		whyf(why, whylen, "bad skip range");
		return -1;
	}
	return 0;
}
