/*
 * SASL mechanisms (src/smtp/sasl.h) answering server challenges as they
 * arrive in 334 replies (base64 text, possibly garbage). Every response
 * is NUL-terminated base64 that decodes; a failed step leaves nothing in
 * the response buffer; PLAIN, LOGIN and CRAM-MD5 answer exactly what
 * their RFCs say; SCRAM and CRAM-MD5 never send the password; a SCRAM
 * exchange is trusted only after a server-final message was accepted.
 * (fuzz_scram checks the SCRAM messages themselves.)
 *
 * Input: the mechanism, one octet of choices (channel binding, port,
 * nonce), then the user, the secret, the host, and the challenges, a
 * line each.
 */
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "smtp/sasl.h"
#include "fuzz.h"

/* The client nonces of the RFC 5802 5 and RFC 7677 3 examples. */
static const char *const nonces[] = {
	"fyko+d2lbbFgONRv9qkxdawL", "rOprNGfwEbeRWgbNEkqO"
};
#define ITER_FAST	10000
#define STEPMAX		6
#define B64	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

static const unsigned char cbdata[] = "channel-binding-data";

static int
is_scram(enum sasl_mech m)
{
	return m == SASL_SCRAM_SHA_1 || m == SASL_SCRAM_SHA_1_PLUS ||
	    m == SASL_SCRAM_SHA_256 || m == SASL_SCRAM_SHA_256_PLUS;
}

static void
mark(unsigned char *set, const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		set[(unsigned char)s[i]] = 1;
}

/* Whether the response holds an octet only the password has. */
static int
leaks(const unsigned char *public, const char *secret, const char *resp,
    size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!public[(unsigned char)resp[i]] &&
		    strchr(secret, resp[i]) != NULL && resp[i] != '\0')
			return 1;
	return 0;
}

/* Decode a response, checking it is base64 of the right shape. */
static ssize_t
decode(const char *out, size_t outsz, char *dec, size_t decsz)
{
	size_t	n = strnlen(out, outsz);
	ssize_t	d;

	FUZZ_CHECK(n < outsz, "a response is NUL-terminated");
	if (n == 1 && out[0] == '=')
		return 0;
	FUZZ_CHECK(strspn(out, B64 "=") == n && n % 4 == 0,
	    "a response is base64");
	d = b64_decode(out, n, dec, decsz);
	FUZZ_CHECK(d >= 0, "a response decodes");
	return d;
}

static char *
copy(const char *s, size_t n)
{
	char	*p;

	if ((p = strndup(s, n)) == NULL)
		abort();
	return p;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	 out[SASL_RESPMAX], dec[SASL_RESPMAX];
	struct sasl_cred cred;
	struct sasl_cb	 cb;
	struct sasl	*s;
	enum sasl_mech	 m;
	char		 why[256], *user, *secret, *host, *ch;
	char		 chdec[SASL_RESPMAX];
	const char	*f, *nonce;
	unsigned char	 public[256];
	size_t		 off = 2, fl;
	ssize_t		 d, cd;
	int		 has_ir, rc, nstep, vseen = 0;

	if (size < 2)
		return 0;
	m = (enum sasl_mech)(1 + data[0] % (SASL__COUNT - 1));
	memset(&cb, 0, sizeof(cb));
	cb.tls = data[1] & 1;
	cb.type = data[1] & 2 ? "tls-unique" : "tls-exporter";
	if (data[1] & 4) {
		cb.data = cbdata;
		cb.len = sizeof(cbdata) - 1;
	}
	f = fuzz_field(data, size, &off, &fl);
	user = copy(f, fl);
	f = fuzz_field(data, size, &off, &fl);
	secret = copy(f, fl);
	f = fuzz_field(data, size, &off, &fl);
	host = copy(f, fl);
	cred.user = user;
	cred.secret = secret;
	cred.host = host;
	cred.port = data[1] & 8 ? 587 : 0;
	nonce = nonces[(data[1] >> 4) & 1];
	/*
	 * The octets a SCRAM or CRAM-MD5 response may hold: the user name,
	 * the nonces, the GS2 header, base64, hex, and whatever the server
	 * sent. A byte of the password outside them can come only from the
	 * password.
	 */
	memset(public, 0, sizeof(public));
	mark(public, user, strlen(user));
	mark(public, nonce, strlen(nonce));
	mark(public, B64 "=, 0123456789abcdef", strlen(B64) + 19);
	mark(public, "n,y,p=tls-exporter,tls-unique,", 30);

	if ((s = sasl_new(m, &cred, &cb, why, sizeof(why))) == NULL) {
		FUZZ_CHECK(why[0] != '\0', "sasl_new() says why it fails");
		goto out;
	}
	sasl_set_nonce(s, nonce);
	rc = sasl_start(s, out, sizeof(out), &has_ir, why, sizeof(why));
	if (rc == -1)
		goto done;
	if (m == SASL_LOGIN || m == SASL_CRAM_MD5)
		FUZZ_CHECK(!has_ir && out[0] == '\0',
		    "LOGIN and CRAM-MD5 wait for a challenge");
	else {
		FUZZ_CHECK(has_ir, "an initial response for the others");
		d = decode(out, sizeof(out), dec, sizeof(dec));
		if (m == SASL_PLAIN)
			FUZZ_CHECK((size_t)d == strlen(user) + strlen(secret) + 2 &&
			    dec[0] == '\0' && memcmp(dec + 1, user,
			    strlen(user)) == 0 && dec[strlen(user) + 1] == '\0' &&
			    memcmp(dec + strlen(user) + 2, secret, strlen(secret)) == 0,
			    "PLAIN is NUL user NUL password (RFC 4616)");
		if (is_scram(m))
			FUZZ_CHECK(!leaks(public, secret, dec, (size_t)d),
			    "SCRAM never sends the password");
	}
	for (nstep = 0; nstep < STEPMAX && off < size; nstep++) {
		f = fuzz_field(data, size, &off, &fl);
		ch = copy(f, fl);
		cd = b64_decode(ch, strlen(ch), chdec, sizeof(chdec) - 1);
		if (cd > 0) {
			chdec[cd] = '\0';
			/* A huge iteration count is slow, not interesting. */
			if (is_scram(m) && strstr(chdec, ",i=") != NULL &&
			    strtoul(strstr(chdec, ",i=") + 3, NULL, 10) >
			    ITER_FAST) {
				free(ch);
				goto done;
			}
			mark(public, chdec, (size_t)cd);
		}
		rc = sasl_step(s, ch, strlen(ch), out, sizeof(out), why,
		    sizeof(why));
		free(ch);
		if (rc == -1) {
			FUZZ_CHECK(out[0] == '\0',
			    "a failed step leaves no response");
			/* The client cancels with "*": the exchange ends. */
			break;
		}
		d = decode(out, sizeof(out), dec, sizeof(dec));
		if (m == SASL_LOGIN)
			FUZZ_CHECK(nstep < 2 && (size_t)d == strlen(nstep ?
			    secret : user) && memcmp(dec, nstep ? secret :
			    user, (size_t)d) == 0,
			    "LOGIN answers the user, then the password");
		if (m == SASL_CRAM_MD5) {
			FUZZ_CHECK(nstep == 0 && (size_t)d == strlen(user) +
			    33 && memcmp(dec, user, strlen(user)) == 0 &&
			    dec[strlen(user)] == ' ' && strspn(dec +
			    strlen(user) + 1, "0123456789abcdef") >= 32,
			    "CRAM-MD5 is user SP 32 hex digits (RFC 2195)");
		}
		if (m == SASL_CRAM_MD5 || is_scram(m))
			FUZZ_CHECK(!leaks(public, secret, dec, (size_t)d),
			    "SCRAM and CRAM-MD5 never send the password");
		if (is_scram(m) && cd > 2 && memcmp(chdec, "v=", 2) == 0 &&
		    d == 0)
			vseen = 1;
	}
done:
	rc = sasl_finish(s, why, sizeof(why));
	if (is_scram(m))
		FUZZ_CHECK(rc == -1 || vseen,
		    "SCRAM is trusted only after an accepted v=");
	sasl_free(s);
out:
	free(user);
	free(secret);
	free(host);
	return 0;
}
