/*
 * SASL mechanisms. The responses hold secrets: every intermediate buffer
 * is wiped before it goes out of scope, and the exchange state (the
 * copied credentials, SCRAM's keys) is wiped by sasl_free().
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smtp/sasl.h"
#include "smtp/scram.h"
#include "base/crypto.h"
#include "base/util.h"

#define RAWMAX		(SASL_RESPMAX / 4 * 3)	/* unencoded response */
#define CHALMAX		8192			/* decoded challenge */
#define NOTEMAX		64			/* server text in a note */
#define CBMAX		256			/* channel binding data */

struct sasl {
	enum sasl_mech	 mech;
	int		 nchal;		/* challenges answered so far */
	int		 errored;	/* OAuth: the server sent its error */
	char		*user;		/* NULL when none was given */
	char		*secret;
	char		*host;
	int		 port;
	struct scram	*scram;
};

static const char *const mech_names[SASL__COUNT] = {
	[SASL_NONE] = "",
	[SASL_PLAIN] = "PLAIN",
	[SASL_LOGIN] = "LOGIN",
	[SASL_CRAM_MD5] = "CRAM-MD5",
	[SASL_SCRAM_SHA_1] = "SCRAM-SHA-1",
	[SASL_SCRAM_SHA_1_PLUS] = "SCRAM-SHA-1-PLUS",
	[SASL_SCRAM_SHA_256] = "SCRAM-SHA-256",
	[SASL_SCRAM_SHA_256_PLUS] = "SCRAM-SHA-256-PLUS",
	[SASL_XOAUTH2] = "XOAUTH2",
	[SASL_OAUTHBEARER] = "OAUTHBEARER",
	[SASL_EXTERNAL] = "EXTERNAL",
};

/* sasl_choose(): strongest first; the -PLUS pair needs channel binding. */
static const enum sasl_mech choose_order[] = {
	SASL_SCRAM_SHA_256_PLUS, SASL_SCRAM_SHA_1_PLUS,
	SASL_SCRAM_SHA_256, SASL_SCRAM_SHA_1,
	SASL_PLAIN, SASL_CRAM_MD5, SASL_LOGIN,
};

static int	is_plus(enum sasl_mech);
static int	is_scram(enum sasl_mech);
static int	needs_user(enum sasl_mech);
static int	has_ctl(const char *);
static int	dup_opt(char **, const char *);
static int	encode(const void *, size_t, char *, size_t, char *, size_t);
static ssize_t	initial(struct sasl *, char *, size_t);
static int	cram_md5(struct sasl *, const char *, size_t, char *, size_t,
		    char *, size_t);
static int	oauth_error(struct sasl *, const char *, size_t, char *,
		    size_t, char *, size_t);
static void	json_status(const char *, size_t, char *, size_t);

const char *
sasl_mech_name(enum sasl_mech m)
{
	if ((int)m < 0 || m >= SASL__COUNT)
		return "";
	return mech_names[m];
}

enum sasl_mech
sasl_mech_lookup(const char *name, size_t len)
{
	int	m;

	for (m = SASL_NONE + 1; m < SASL__COUNT; m++)
		if (strlen(mech_names[m]) == len &&
		    strncasecmp(mech_names[m], name, len) == 0)
			return (enum sasl_mech)m;
	return SASL_NONE;
}

enum sasl_mech
sasl_choose(unsigned offered, int cb_ok)
{
	size_t	i;

	for (i = 0; i < sizeof(choose_order) / sizeof(choose_order[0]); i++) {
		if (is_plus(choose_order[i]) && !cb_ok)
			continue;
		if (offered & SASL_BIT(choose_order[i]))
			return choose_order[i];
	}
	return SASL_NONE;
}

struct sasl *
sasl_new(enum sasl_mech m, const struct sasl_cred *cred,
    const struct sasl_cb *cb, char *why, size_t whylen)
{
	static const struct sasl_cb nocb;
	struct sasl	*s = NULL;
	char		 gs2[64];
	int		 cb_avail;

	if (cb == NULL)
		cb = &nocb;
	cb_avail = cb->tls && cb->type != NULL && cb->data != NULL &&
	    cb->len > 0;
	if ((int)m <= SASL_NONE || m >= SASL__COUNT) {
		whyf(why, whylen, "no such SASL mechanism");
		return NULL;
	}
	if (needs_user(m) && (cred->user == NULL || cred->user[0] == '\0')) {
		whyf(why, whylen, "%s needs a user name",
		    mech_names[m]);
		return NULL;
	}
	if (m != SASL_EXTERNAL && cred->secret == NULL) {
		whyf(why, whylen, "%s needs a %s", mech_names[m],
		    m == SASL_XOAUTH2 || m == SASL_OAUTHBEARER ?
		    "bearer token" : "password");
		return NULL;
	}
	/* ^A separates the OAuth key-value pairs (RFC 7628 3.1). */
	if ((m == SASL_XOAUTH2 || m == SASL_OAUTHBEARER) &&
	    (has_ctl(cred->user) || has_ctl(cred->secret) ||
	    has_ctl(cred->host))) {
		whyf(why, whylen, "%s: a control character in the "
		    "user name, token or host", mech_names[m]);
		return NULL;
	}
	if (is_plus(m) && !cb_avail) {
		whyf(why, whylen, "%s needs TLS channel binding "
		    "data, which this session does not have", mech_names[m]);
		return NULL;
	}
	if (is_plus(m) && cb->len > CBMAX) {
		whyf(why, whylen, "channel binding data too long");
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		goto nomem;
	s->mech = m;
	s->port = cred->port;
	if (dup_opt(&s->user, cred->user) == -1 ||
	    dup_opt(&s->secret, m == SASL_EXTERNAL ? NULL : cred->secret) ==
	    -1 || dup_opt(&s->host, cred->host) == -1)
		goto nomem;
	if (is_scram(m)) {
		/* RFC 5802 7, gs2-cbind-flag. */
		if (is_plus(m)) {
			if (xsnprintf(gs2, sizeof(gs2), "p=%s,,", cb->type) ==
			    -1 || strspn(cb->type, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") !=
			    strlen(cb->type)) {
				whyf(why, whylen, "bad channel "
				    "binding type");
				goto fail;
			}
		} else if (xstrlcpy(gs2, cb_avail ? "y,," : "n,,",
		    sizeof(gs2)) == -1)
			goto fail;
		s->scram = scram_new(m == SASL_SCRAM_SHA_1 ||
		    m == SASL_SCRAM_SHA_1_PLUS ? CRYPTO_SHA1 : CRYPTO_SHA256,
		    s->user, s->secret, gs2, is_plus(m) ? cb->data : NULL,
		    is_plus(m) ? cb->len : 0, why, whylen);
		if (s->scram == NULL)
			goto fail;
	}
	return s;
nomem:
	whyf(why, whylen, "out of memory");
fail:
	sasl_free(s);
	return NULL;
}

void
sasl_set_nonce(struct sasl *s, const char *nonce)
{
	if (s != NULL && s->scram != NULL)
		scram_set_nonce(s->scram, nonce);
}

int
sasl_start(struct sasl *s, char *out, size_t outsz, int *has_ir,
    char *why, size_t whylen)
{
	char	raw[RAWMAX];
	ssize_t	n;
	int	rc;

	*has_ir = 0;
	if (outsz == 0)
		return -1;
	out[0] = '\0';
	if (s->mech == SASL_LOGIN || s->mech == SASL_CRAM_MD5)
		return 0;
	if (s->scram != NULL)
		n = scram_first(s->scram, raw, sizeof(raw), why, whylen);
	else if ((n = initial(s, raw, sizeof(raw))) == -1)
		whyf(why, whylen, "%s: the user name or secret "
		    "is too long", mech_names[s->mech]);
	if (n == -1) {
		explicit_bzero(raw, sizeof(raw));
		return -1;
	}
	*has_ir = 1;
	/* RFC 4954 4: "=" is an empty initial response. */
	if (n == 0) {
		if ((rc = xstrlcpy(out, "=", outsz)) == -1)
			whyf(why, whylen, "SASL response too long");
	} else
		rc = encode(raw, n, out, outsz, why, whylen);
	explicit_bzero(raw, sizeof(raw));
	return rc;
}

int
sasl_step(struct sasl *s, const char *chal, size_t len, char *out,
    size_t outsz, char *why, size_t whylen)
{
	char	dec[CHALMAX], raw[RAWMAX];
	ssize_t	n, r;
	int	rc = -1, first;

	if (whylen > 0)
		why[0] = '\0';
	if (outsz == 0)
		return -1;
	out[0] = '\0';
	first = s->nchal++ == 0;
	if (len == 1 && chal[0] == '=')
		len = 0;
	if (len / 4 * 3 > sizeof(dec)) {
		whyf(why, whylen, "%s: the server's challenge is "
		    "too long", mech_names[s->mech]);
		goto out;
	}
	if ((n = b64_decode(chal, len, dec, sizeof(dec))) == -1) {
		whyf(why, whylen, "%s: the server's challenge is "
		    "not valid base64", mech_names[s->mech]);
		goto out;
	}
	switch (s->mech) {
	case SASL_LOGIN:
		/* The prompts vary between servers; the order does not. */
		if (s->nchal > 2) {
			whyf(why, whylen, "LOGIN: the server asked "
			    "for more than a user name and a password");
			goto out;
		}
		rc = encode(first ? s->user : s->secret,
		    strlen(first ? s->user : s->secret), out, outsz, why,
		    whylen);
		goto out;
	case SASL_CRAM_MD5:
		if (!first || n == 0) {
			whyf(why, whylen, "CRAM-MD5: unexpected "
			    "challenge");
			goto out;
		}
		rc = cram_md5(s, dec, n, out, outsz, why, whylen);
		goto out;
	default:
		break;
	}
	if (first && n == 0) {
		/* RFC 4422 3.3: no initial response was sent; send it now. */
		if (s->scram != NULL)
			r = scram_first(s->scram, raw, sizeof(raw), why,
			    whylen);
		else if ((r = initial(s, raw, sizeof(raw))) == -1)
			whyf(why, whylen, "%s: the user name or "
			    "secret is too long", mech_names[s->mech]);
		if (r >= 0)
			rc = encode(raw, r, out, outsz, why, whylen);
		goto out;
	}
	if (s->scram != NULL) {
		if ((r = scram_step(s->scram, dec, n, raw, sizeof(raw), why,
		    whylen)) >= 0)
			rc = encode(raw, r, out, outsz, why, whylen);
		goto out;
	}
	if (s->mech == SASL_XOAUTH2 || s->mech == SASL_OAUTHBEARER) {
		rc = oauth_error(s, dec, n, out, outsz, why, whylen);
		goto out;
	}
	whyf(why, whylen, "%s: unexpected challenge",
	    mech_names[s->mech]);
out:
	explicit_bzero(dec, sizeof(dec));
	explicit_bzero(raw, sizeof(raw));
	if (rc == -1)
		explicit_bzero(out, outsz);
	return rc;
}

int
sasl_finish(struct sasl *s, char *why, size_t whylen)
{
	if (s->scram != NULL && !scram_verified(s->scram)) {
		/* RFC 5802 9: only v= proves the server knows the password. */
		whyf(why, whylen, "%s: the server accepted the "
		    "authentication without proving it knows the password",
		    mech_names[s->mech]);
		return -1;
	}
	if (s->errored) {
		whyf(why, whylen, "%s: the server accepted the "
		    "authentication after reporting an error",
		    mech_names[s->mech]);
		return -1;
	}
	return 0;
}

void
sasl_free(struct sasl *s)
{
	if (s == NULL)
		return;
	scram_free(s->scram);
	secret_free(s->user);
	secret_free(s->secret);
	free(s->host);
	freezero(s, sizeof(*s));
}

static int
is_plus(enum sasl_mech m)
{
	return m == SASL_SCRAM_SHA_1_PLUS || m == SASL_SCRAM_SHA_256_PLUS;
}

static int
is_scram(enum sasl_mech m)
{
	return m == SASL_SCRAM_SHA_1 || m == SASL_SCRAM_SHA_1_PLUS ||
	    m == SASL_SCRAM_SHA_256 || m == SASL_SCRAM_SHA_256_PLUS;
}

/* EXTERNAL's authzid and OAUTHBEARER's a= are optional. */
static int
needs_user(enum sasl_mech m)
{
	return m != SASL_EXTERNAL && m != SASL_OAUTHBEARER;
}

static int
has_ctl(const char *s)
{
	if (s == NULL)
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static int
dup_opt(char **dst, const char *src)
{
	*dst = NULL;
	if (src == NULL)
		return 0;
	return (*dst = strdup(src)) == NULL ? -1 : 0;
}

static int
encode(const void *in, size_t len, char *out, size_t outsz, char *why,
    size_t whylen)
{
	if (b64_encode(in, len, out, outsz) == -1) {
		whyf(why, whylen, "SASL response too long");
		return -1;
	}
	return 0;
}

/*
 * The initial response of PLAIN, XOAUTH2, OAUTHBEARER and EXTERNAL,
 * unencoded. Returns its length or -1 when it does not fit.
 */
static ssize_t
initial(struct sasl *s, char *buf, size_t bufsz)
{
	char	port[16];
	size_t	off = 0;
	int	rc = 0;

#define APPEND(p, len)	(rc |= scram_put(buf, bufsz, &off, (p), (len)))
	switch (s->mech) {
	case SASL_PLAIN:
		/* RFC 4616 2: [authzid] NUL authcid NUL passwd. */
		APPEND("", 1);
		APPEND(s->user, strlen(s->user) + 1);
		APPEND(s->secret, strlen(s->secret));
		break;
	case SASL_XOAUTH2:
		/* Google's format: user=U ^A auth=Bearer T ^A ^A. */
		APPEND("user=", 5);
		APPEND(s->user, strlen(s->user));
		APPEND("\001auth=Bearer ", 13);
		APPEND(s->secret, strlen(s->secret));
		APPEND("\001\001", 2);
		break;
	case SASL_OAUTHBEARER:
		/*
		 * RFC 7628 3.1: gs2-header ^A [host=H ^A] [port=P ^A]
		 * auth=Bearer T ^A ^A. OAuth does not bind to the channel,
		 * so the gs2 flag is "n".
		 */
		APPEND("n,", 2);
		if (s->user != NULL && s->user[0] != '\0') {
			APPEND("a=", 2);
			rc |= scram_put_saslname(buf, bufsz, &off, s->user);
		}
		APPEND(",\001", 2);
		if (s->host != NULL && s->host[0] != '\0') {
			APPEND("host=", 5);
			APPEND(s->host, strlen(s->host));
			APPEND("\001", 1);
		}
		if (s->port > 0) {
			rc |= xsnprintf(port, sizeof(port), "port=%d\001",
			    s->port);
			APPEND(port, strlen(port));
		}
		APPEND("auth=Bearer ", 12);
		APPEND(s->secret, strlen(s->secret));
		APPEND("\001\001", 2);
		break;
	case SASL_EXTERNAL:
		/* RFC 4422 A.1: the authzid, or empty to derive it. */
		if (s->user != NULL)
			APPEND(s->user, strlen(s->user));
		break;
	default:
		rc = -1;
		break;
	}
#undef APPEND
	return rc != 0 ? -1 : (ssize_t)off;
}

/* RFC 2195 2: user SP hex(HMAC-MD5(password, challenge)). */
static int
cram_md5(struct sasl *s, const char *chal, size_t len, char *out,
    size_t outsz, char *why, size_t whylen)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 mac[CRYPTO_HASHMAX];
	char			 raw[RAWMAX];
	size_t			 off = 0, i, ml = crypto_hash_len(CRYPTO_MD5);
	int			 rc = -1;

	if (crypto_hmac(CRYPTO_MD5, s->secret, strlen(s->secret), chal, len,
	    mac) == -1) {
		whyf(why, whylen, "CRAM-MD5: HMAC-MD5 failed");
		goto out;
	}
	if (scram_put(raw, sizeof(raw), &off, s->user, strlen(s->user)) == -1 ||
	    scram_put(raw, sizeof(raw), &off, " ", 1) == -1 ||
	    2 * ml > sizeof(raw) - off) {
		whyf(why, whylen, "CRAM-MD5: the user name is too "
		    "long");
		goto out;
	}
	for (i = 0; i < ml; i++) {
		raw[off++] = hex[mac[i] >> 4];
		raw[off++] = hex[mac[i] & 0xf];
	}
	rc = encode(raw, off, out, outsz, why, whylen);
out:
	explicit_bzero(mac, sizeof(mac));
	explicit_bzero(raw, sizeof(raw));
	return rc;
}

/*
 * A challenge after an OAuth initial response is the server's JSON error
 * (RFC 7628 3.2.2). The client answers with a lone ^A (OAUTHBEARER) or
 * an empty response (XOAUTH2) and the server then fails the exchange with
 * its 5yz; the error goes to why as a note.
 */
static int
oauth_error(struct sasl *s, const char *chal, size_t len, char *out,
    size_t outsz, char *why, size_t whylen)
{
	char	status[NOTEMAX];

	if (s->errored) {
		whyf(why, whylen, "%s: unexpected challenge after "
		    "the error", mech_names[s->mech]);
		return -1;
	}
	s->errored = 1;
	json_status(chal, len, status, sizeof(status));
	whyf(why, whylen, "%s: the server rejected the token%s%s",
	    mech_names[s->mech], status[0] != '\0' ? ", status " : "",
	    status);
	if (s->mech == SASL_OAUTHBEARER)
		return encode("\001", 1, out, outsz, why, whylen);
	out[0] = '\0';
	return 0;
}

/* The "status" string of a JSON object, sanitised; "" when none. */
static void
json_status(const char *j, size_t len, char *out, size_t outsz)
{
	static const char	 key[] = "\"status\"";
	const char		*p, *end = j + len, *v;

	out[0] = '\0';
	for (p = j; (size_t)(end - p) >= sizeof(key) - 1; p++)
		if (memcmp(p, key, sizeof(key) - 1) == 0)
			break;
	if ((size_t)(end - p) < sizeof(key) - 1)
		return;
	for (p += sizeof(key) - 1; p < end && isspace((unsigned char)*p); p++)
		;
	if (p == end || *p++ != ':')
		return;
	for (; p < end && isspace((unsigned char)*p); p++)
		;
	if (p == end || *p++ != '"')
		return;
	for (v = p; p < end && *p != '"'; p++)
		;
	if (p == end)
		return;
	(void)sanitize(out, outsz, v, p - v, 0);
}
