/*
 * SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 5802, RFC 7677), with channel
 * binding for the -PLUS variants. The client proves it knows the password
 * without sending it, and the server proves it knows the (salted)
 * password in its final message: an exchange the server accepts without
 * that proof is not trusted (sasl_finish()).
 *
 * The hashes, HMAC, PBKDF2, SASLprep and random bytes come from GnuTLS
 * through the wrappers in tls.c.
 */
#include <stdlib.h>
#include <string.h>

#include "smtp/scram.h"
#include "base/crypto.h"
#include "base/util.h"

#define NONCE_RAW	24	/* random bytes in our nonce */
#define NONCEMAX	128	/* our nonce, as printable text */
#define GS2MAX		64
#define CBMAX		256
#define ITER_MIN	1
/*
 * RFC 5802 leaves the bound to the client. Servers use 4096 (Dovecot,
 * Cyrus, PostgreSQL; RFC 7677's minimum) to 15000 (MongoDB); 100000 is
 * well above them and bounds one exchange to tens of milliseconds, where
 * a hostile server's count could otherwise cost seconds (bote.conf(5)).
 */
#define ITER_MAX	100000

enum scram_state {
	SC_START,	/* client-first not yet built */
	SC_FIRST,	/* client-first sent, waiting for server-first */
	SC_FINAL,	/* client-final sent, waiting for server-final */
	SC_DONE,	/* server signature verified */
	SC_DEAD		/* a step failed; every later one fails too */
};

struct scram {
	enum crypto_hash		 h;
	size_t			 hlen;
	enum scram_state	 state;
	char			*user;
	char			*pass;		/* normalised */
	char			 gs2[GS2MAX];
	unsigned char		 cb[CBMAX];
	size_t			 cblen;
	char			 nonce[NONCEMAX + 1];
	char			 bare[SCRAM_MSGMAX];	/* client-first-bare */
	size_t			 barelen;
	unsigned char		 ssig[CRYPTO_HASHMAX];	/* expected v= */
};

static int	nonce_ok(const char *, size_t);
static int	same(const unsigned char *, const unsigned char *, size_t);
static const char *attr(const char *, const char *, char, size_t *);
static ssize_t	client_final(struct scram *, const char *, size_t, char *,
		    size_t, char *, size_t);
static ssize_t	server_final(struct scram *, const char *, size_t, char *,
		    size_t);
static int	proof(struct scram *, const unsigned char *, size_t,
		    unsigned, const char *, size_t, unsigned char *);
static void	server_error(const char *, size_t, char *, size_t);

struct scram *
scram_new(enum crypto_hash h, const char *user, const char *pass,
    const char *gs2, const unsigned char *cb, size_t cblen, char *why,
    size_t whylen)
{
	struct scram	*sc;
	char		 norm[SCRAM_MSGMAX];
	ssize_t		 n;

	if ((sc = calloc(1, sizeof(*sc))) == NULL) {
		whyf(why, whylen, "out of memory");
		return NULL;
	}
	sc->h = h;
	sc->hlen = crypto_hash_len(h);
	sc->state = SC_START;
	if (xstrlcpy(sc->gs2, gs2, sizeof(sc->gs2)) == -1 ||
	    cblen > sizeof(sc->cb) || sc->hlen == 0 ||
	    sc->hlen > CRYPTO_HASHMAX) {
		whyf(why, whylen, "SCRAM: bad parameters");
		goto fail;
	}
	if (cblen > 0)
		memcpy(sc->cb, cb, cblen);
	sc->cblen = cblen;
	/*
	 * RFC 5802 2.2 Normalize(): SASLprep (GnuTLS implements its
	 * successor, RFC 8265 OpaqueString). A password that cannot be
	 * prepared is used as it is, as servers that skip the step do.
	 */
	n = crypto_password_normalize(pass, strlen(pass), norm, sizeof(norm));
	if (n == -1 && strlen(pass) >= sizeof(norm)) {
		whyf(why, whylen, "SCRAM: the password is too "
		    "long");
		goto fail;
	}
	sc->pass = strdup(n == -1 ? pass : norm);
	explicit_bzero(norm, sizeof(norm));
	if ((sc->user = strdup(user)) == NULL || sc->pass == NULL) {
		whyf(why, whylen, "out of memory");
		goto fail;
	}
	return sc;
fail:
	scram_free(sc);
	return NULL;
}

void
scram_set_nonce(struct scram *sc, const char *nonce)
{
	if (sc->state != SC_START || !nonce_ok(nonce, strlen(nonce)))
		return;
	/* nonce_ok() bounds it to NONCEMAX octets: it fits. */
	(void)xstrlcpy(sc->nonce, nonce, sizeof(sc->nonce));
}

ssize_t
scram_first(struct scram *sc, char *out, size_t outsz, char *why,
    size_t whylen)
{
	unsigned char	 rnd[NONCE_RAW];
	char		*b = sc->bare;
	size_t		 off = 0, bl = sizeof(sc->bare);
	int		 rc;

	if (sc->state == SC_START) {
		if (sc->nonce[0] == '\0') {
			/* RFC 5802 5.1 r=: printable, no ","; base64 is. */
			rc = crypto_random(rnd, sizeof(rnd));
			if (rc == 0)
				rc = b64_encode(rnd, sizeof(rnd), sc->nonce,
				    sizeof(sc->nonce));
			explicit_bzero(rnd, sizeof(rnd));
			if (rc == -1) {
				whyf(why, whylen, "SCRAM: no "
				    "random bytes for the nonce");
				return -1;
			}
		}
		/* client-first-message-bare = n=saslname,r=c-nonce */
		if (scram_put(b, bl, &off, "n=", 2) == -1 ||
		    scram_put_saslname(b, bl, &off, sc->user) == -1 ||
		    scram_put(b, bl, &off, ",r=", 3) == -1 ||
		    scram_put(b, bl, &off, sc->nonce, strlen(sc->nonce)) ==
		    -1) {
			whyf(why, whylen, "SCRAM: the user name is "
			    "too long");
			return -1;
		}
		sc->barelen = off;
		sc->state = SC_FIRST;
	} else if (sc->state != SC_FIRST) {
		whyf(why, whylen, "SCRAM: unexpected challenge");
		return -1;
	}
	off = 0;
	if (scram_put(out, outsz, &off, sc->gs2, strlen(sc->gs2)) == -1 ||
	    scram_put(out, outsz, &off, sc->bare, sc->barelen) == -1) {
		whyf(why, whylen, "SCRAM: response too long");
		return -1;
	}
	return off;
}

ssize_t
scram_step(struct scram *sc, const char *in, size_t inlen, char *out,
    size_t outsz, char *why, size_t whylen)
{
	enum scram_state	st = sc->state;
	ssize_t			n = -1;

	sc->state = SC_DEAD;
	if (inlen >= SCRAM_MSGMAX || memchr(in, '\0', inlen) != NULL) {
		whyf(why, whylen, "SCRAM: malformed server "
		    "message");
		return -1;
	}
	/* RFC 5802 7: server-error = "e=" server-error-value. */
	if (inlen >= 2 && memcmp(in, "e=", 2) == 0) {
		server_error(in + 2, inlen - 2, why, whylen);
		return -1;
	}
	switch (st) {
	case SC_FIRST:
		if ((n = client_final(sc, in, inlen, out, outsz, why,
		    whylen)) >= 0)
			sc->state = SC_FINAL;
		break;
	case SC_FINAL:
		if ((n = server_final(sc, in, inlen, why, whylen)) >= 0)
			sc->state = SC_DONE;
		break;
	default:
		whyf(why, whylen, "SCRAM: unexpected challenge");
		break;
	}
	return n;
}

int
scram_verified(const struct scram *sc)
{
	return sc->state == SC_DONE;
}

void
scram_free(struct scram *sc)
{
	if (sc == NULL)
		return;
	secret_free(sc->user);
	secret_free(sc->pass);
	freezero(sc, sizeof(*sc));
}

/*
 * server-first-message = [reserved-mext ","] nonce "," salt ","
 * iteration-count ["," extensions]; answer with client-final-message.
 */
static ssize_t
client_final(struct scram *sc, const char *in, size_t inlen, char *out,
    size_t outsz, char *why, size_t whylen)
{
	unsigned char	 salt[SCRAM_MSGMAX], p[CRYPTO_HASHMAX];
	char		 msg[SCRAM_MSGMAX + 1], num[16], cbind[GS2MAX + CBMAX];
	char		 enc[2 * (GS2MAX + CBMAX)];
	char		 auth[3 * SCRAM_MSGMAX], b64[2 * CRYPTO_HASHMAX + 4];
	const char	*r, *s, *i, *errstr;
	size_t		 rl, sl, il, nl = strlen(sc->nonce), off = 0, wp;
	ssize_t		 saltlen, rc = -1;
	unsigned	 iter;

	memcpy(msg, in, inlen);
	msg[inlen] = '\0';
	if (inlen >= 2 && memcmp(msg, "m=", 2) == 0) {
		whyf(why, whylen, "SCRAM: the server requires an "
		    "extension bote does not know");
		goto out;
	}
	if ((r = attr(msg, NULL, 'r', &rl)) == NULL ||
	    (s = attr(msg, r + rl, 's', &sl)) == NULL ||
	    (i = attr(msg, s + sl, 'i', &il)) == NULL) {
		whyf(why, whylen, "SCRAM: malformed server-first "
		    "message");
		goto out;
	}
	/* RFC 5802 5.1 r=: our nonce followed by the server's part. */
	if (rl <= nl || memcmp(r, sc->nonce, nl) != 0 || !nonce_ok(r, rl)) {
		whyf(why, whylen, "SCRAM: the server's nonce does "
		    "not extend ours");
		goto out;
	}
	if ((saltlen = b64_decode(s, sl, salt, sizeof(salt))) <= 0) {
		whyf(why, whylen, "SCRAM: the server's salt is "
		    "not valid base64");
		goto out;
	}
	if (il >= sizeof(num) || il == 0) {
		errstr = "invalid";
		goto badit;
	}
	memcpy(num, i, il);
	num[il] = '\0';
	iter = (unsigned)strtonum(num, ITER_MIN, ITER_MAX, &errstr);
	if (errstr != NULL)
		goto badit;

	/* c= is base64(gs2-header [cbind-data]), RFC 5802 7. */
	if (scram_put(cbind, sizeof(cbind), &off, sc->gs2,
	    strlen(sc->gs2)) == -1 ||
	    scram_put(cbind, sizeof(cbind), &off, sc->cb, sc->cblen) == -1 ||
	    b64_encode(cbind, off, enc, sizeof(enc)) == -1)
		goto toolong;
	/* client-final-message-without-proof = c=...,r=nonce */
	off = 0;
	if (scram_put(out, outsz, &off, "c=", 2) == -1 ||
	    scram_put(out, outsz, &off, enc, strlen(enc)) == -1)
		goto toolong;
	if (scram_put(out, outsz, &off, ",r=", 3) == -1 ||
	    scram_put(out, outsz, &off, r, rl) == -1)
		goto toolong;
	wp = off;
	/* AuthMessage = bare "," server-first "," without-proof. */
	off = 0;
	if (scram_put(auth, sizeof(auth), &off, sc->bare, sc->barelen) == -1 ||
	    scram_put(auth, sizeof(auth), &off, ",", 1) == -1 ||
	    scram_put(auth, sizeof(auth), &off, in, inlen) == -1 ||
	    scram_put(auth, sizeof(auth), &off, ",", 1) == -1 ||
	    scram_put(auth, sizeof(auth), &off, out, wp) == -1)
		goto toolong;
	if (proof(sc, salt, saltlen, iter, auth, off, p) == -1) {
		whyf(why, whylen, "SCRAM: the key derivation "
		    "failed");
		goto out;
	}
	off = wp;
	if (b64_encode(p, sc->hlen, b64, sizeof(b64)) == -1 ||
	    scram_put(out, outsz, &off, ",p=", 3) == -1 ||
	    scram_put(out, outsz, &off, b64, strlen(b64)) == -1)
		goto toolong;
	rc = off;
	goto out;
badit:
	whyf(why, whylen, "SCRAM: the server's iteration count is "
	    "%s (bote accepts %d to %d)", errstr, ITER_MIN, ITER_MAX);
	goto out;
toolong:
	whyf(why, whylen, "SCRAM: response too long");
out:
	explicit_bzero(p, sizeof(p));
	explicit_bzero(salt, sizeof(salt));
	explicit_bzero(auth, sizeof(auth));
	explicit_bzero(b64, sizeof(b64));
	return rc;
}

/* server-final-message = "v=" base64(ServerSignature) [extensions]. */
static ssize_t
server_final(struct scram *sc, const char *in, size_t inlen, char *why,
    size_t whylen)
{
	unsigned char	 sig[CRYPTO_HASHMAX + 4];
	char		 msg[SCRAM_MSGMAX + 1];
	const char	*v;
	size_t		 vl;
	ssize_t		 n;

	memcpy(msg, in, inlen);
	msg[inlen] = '\0';
	if ((v = attr(msg, NULL, 'v', &vl)) == NULL) {
		whyf(why, whylen, "SCRAM: malformed server-final "
		    "message");
		return -1;
	}
	n = b64_decode(v, vl, sig, sizeof(sig));
	if (n != (ssize_t)sc->hlen ||
	    !same(sig, sc->ssig, sc->hlen)) {
		whyf(why, whylen, "SCRAM: the server's signature "
		    "is wrong: it does not know the password, or someone is "
		    "in the middle");
		return -1;
	}
	return 0;
}

/*
 * RFC 5802 3: SaltedPassword, ClientProof into p and ServerSignature
 * into sc->ssig.
 */
static int
proof(struct scram *sc, const unsigned char *salt, size_t saltlen,
    unsigned iter, const char *auth, size_t authlen, unsigned char *p)
{
	unsigned char	salted[CRYPTO_HASHMAX], ckey[CRYPTO_HASHMAX];
	unsigned char	stored[CRYPTO_HASHMAX], csig[CRYPTO_HASHMAX];
	unsigned char	skey[CRYPTO_HASHMAX];
	size_t		i;
	int		rc = -1;

	if (crypto_pbkdf2(sc->h, sc->pass, strlen(sc->pass), salt, saltlen,
	    iter, salted, sc->hlen) == -1 ||
	    crypto_hmac(sc->h, salted, sc->hlen, "Client Key", 10, ckey) == -1 ||
	    crypto_digest(sc->h, ckey, sc->hlen, stored) == -1 ||
	    crypto_hmac(sc->h, stored, sc->hlen, auth, authlen, csig) == -1 ||
	    crypto_hmac(sc->h, salted, sc->hlen, "Server Key", 10, skey) == -1 ||
	    crypto_hmac(sc->h, skey, sc->hlen, auth, authlen, sc->ssig) == -1)
		goto out;
	for (i = 0; i < sc->hlen; i++)
		p[i] = ckey[i] ^ csig[i];
	rc = 0;
out:
	explicit_bzero(salted, sizeof(salted));
	explicit_bzero(ckey, sizeof(ckey));
	explicit_bzero(stored, sizeof(stored));
	explicit_bzero(csig, sizeof(csig));
	explicit_bzero(skey, sizeof(skey));
	return rc;
}

/*
 * Find attribute name= in the comma-separated msg: the first attribute
 * when after is NULL, else the one right after the value ending at after.
 * Returns the value and its length in *len, or NULL.
 */
static const char *
attr(const char *msg, const char *after, char name, size_t *len)
{
	const char	*p = msg, *e;

	if (after != NULL) {
		if (*after != ',')
			return NULL;
		p = after + 1;
	}
	if (p[0] != name || p[1] != '=')
		return NULL;
	p += 2;
	e = strchr(p, ',');
	*len = e != NULL ? (size_t)(e - p) : strlen(p);
	return p;
}

/* Compare without an early exit, so timing says nothing of where. */
static int
same(const unsigned char *a, const unsigned char *b, size_t len)
{
	unsigned char	d = 0;
	size_t		i;

	for (i = 0; i < len; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

/* RFC 5802 7: printable = %x21-2B / %x2D-7E (no ","). */
static int
nonce_ok(const char *n, size_t len)
{
	size_t	i;

	if (len == 0 || len > NONCEMAX)
		return 0;
	for (i = 0; i < len; i++)
		if (n[i] < 0x21 || n[i] > 0x7e || n[i] == ',')
			return 0;
	return 1;
}

/* Append len bytes at *off; -1 when they do not fit. */
int
scram_put(char *buf, size_t bufsz, size_t *off, const void *p, size_t len)
{
	if (len > bufsz - *off)
		return -1;
	memcpy(buf + *off, p, len);
	*off += len;
	return 0;
}

/* RFC 5802 5.1 n=: "," and "=" travel as "=2C" and "=3D". */
int
scram_put_saslname(char *buf, size_t bufsz, size_t *off, const char *name)
{
	for (; *name != '\0'; name++) {
		if (*name == ',') {
			if (scram_put(buf, bufsz, off, "=2C", 3) == -1)
				return -1;
		} else if (*name == '=') {
			if (scram_put(buf, bufsz, off, "=3D", 3) == -1)
				return -1;
		} else if (scram_put(buf, bufsz, off, name, 1) == -1)
			return -1;
	}
	return 0;
}

/* e=server-error-value, sanitised for the user. */
static void
server_error(const char *v, size_t len, char *why, size_t whylen)
{
	char	text[64];
	size_t	i;

	for (i = 0; i < len && v[i] != ','; i++)
		;
	(void)sanitize(text, sizeof(text), v, i, 0);
	whyf(why, whylen, "SCRAM: the server reports an error: %s",
	    text);
}
