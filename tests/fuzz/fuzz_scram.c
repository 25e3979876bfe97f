/*
 * SCRAM messages (src/smtp/scram.h, RFC 5802 and RFC 7677), unencoded:
 * the client-first message, the answer to server-first and the check of
 * server-final. The harness computes the expected client proof and server
 * signature itself (RFC 5802 3, from crypto.h's primitives), so:
 *
 * - client-first is the GS2 header, n=saslname and r=our nonce;
 * - client-final is c=base64(GS2 header + binding data), r=the server's
 *   nonce (which must extend ours), p=the right proof, and never holds
 *   the password;
 * - server-final is accepted exactly when v= is the right signature, and
 *   only then is the exchange verified; after a failed step every later
 *   step fails.
 *
 * Input: one octet of choices (hash, GS2 header, nonce), then the user name,
 * the password, server-first and server-final, a line each.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "smtp/scram.h"
#include "fuzz.h"

/* The client nonces of the RFC 5802 5 and RFC 7677 3 examples. */
static const char *const nonces[] = {
	"fyko+d2lbbFgONRv9qkxdawL", "rOprNGfwEbeRWgbNEkqO"
};
#define ITER_FAST	10000	/* larger counts only slow the fuzzer */

static const unsigned char cbdata[] = "channel-binding-data";

/* name=value at the start of s (or after after's ','), as scram.c finds. */
static const char *
attr(const char *s, size_t len, size_t from, char name, size_t *vl)
{
	const char	*v, *e;

	if (from + 2 > len || s[from] != name || s[from + 1] != '=')
		return NULL;
	v = s + from + 2;
	e = memchr(v, ',', len - from - 2);
	*vl = e != NULL ? (size_t)(e - v) : len - from - 2;
	return v;
}

/* A copy of s[0..n), NUL bytes included, NUL-terminated. */
static char *
strnd(const char *s, size_t n)
{
	char	*p;

	if ((p = malloc(n + 1)) == NULL)
		abort();
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const gs2s[] = { "n,,", "y,,", "p=tls-exporter,," };
	enum crypto_hash h;
	struct scram	*sc;
	unsigned char	 salt[SCRAM_MSGMAX], salted[CRYPTO_HASHMAX];
	unsigned char	 ckey[CRYPTO_HASHMAX], stored[CRYPTO_HASHMAX];
	unsigned char	 csig[CRYPTO_HASHMAX], skey[CRYPTO_HASHMAX];
	unsigned char	 ssig[CRYPTO_HASHMAX], got[CRYPTO_HASHMAX + 4];
	char		 first[SCRAM_MSGMAX], final[SCRAM_MSGMAX], why[256];
	char		 want[SCRAM_MSGMAX * 2], auth[SCRAM_MSGMAX * 4];
	char		 norm[SCRAM_MSGMAX], enc[1024], num[16];
	const char	*f, *gs2, *r, *s, *i, *v, *nonce;
	char		*user, *pass, *sfirst, *sfinal;
	size_t		 off = 1, fl, rl, sl, il, vl, hl, cbl, n, k;
	ssize_t		 flen, clen, saltlen, pl;
	long long	 iter;
	char		*endp;
	int		 ok;

	if (size < 1)
		return 0;
	h = data[0] & 1 ? CRYPTO_SHA256 : CRYPTO_SHA1;
	nonce = nonces[(data[0] >> 3) & 1];
	gs2 = gs2s[(data[0] >> 1) % 3];
	cbl = gs2[0] == 'p' ? sizeof(cbdata) - 1 : 0;
	hl = crypto_hash_len(h);
	f = fuzz_field(data, size, &off, &fl);
	user = strnd(f, fl);
	f = fuzz_field(data, size, &off, &fl);
	pass = strnd(f, fl);
	f = fuzz_field(data, size, &off, &fl);
	sfirst = strnd(f, fl);
	n = fl;
	f = fuzz_field(data, size, &off, &fl);
	sfinal = strnd(f, fl);

	/* A huge iteration count is slow, not interesting. */
	if ((i = strstr(sfirst, ",i=")) != NULL && strtoul(i + 3, NULL,
	    10) > ITER_FAST)
		goto out0;
	sc = scram_new(h, user, pass, gs2, cbl ? cbdata : NULL, cbl, why,
	    sizeof(why));
	if (sc == NULL)
		goto out0;
	scram_set_nonce(sc, nonce);

	/* client-first-message = gs2-header "n=" saslname ",r=" nonce */
	flen = scram_first(sc, first, sizeof(first), why, sizeof(why));
	if (flen == -1)
		goto out;
	k = strlen(gs2);
	FUZZ_CHECK((size_t)flen > k && memcmp(first, gs2, k) == 0,
	    "client-first starts with the GS2 header");
	FUZZ_CHECK(memcmp(first + k, "n=", 2) == 0, "then n=");
	for (sl = k + 2; sl < (size_t)flen && first[sl] != ','; sl++)
		continue;
	FUZZ_CHECK((size_t)flen - sl == 3 + strlen(nonce) && memcmp(first +
	    sl, ",r=", 3) == 0 && memcmp(first + sl + 3, nonce,
	    strlen(nonce)) == 0, "then r= with our nonce, and nothing else");

	/* Answer server-first. */
	clen = scram_step(sc, sfirst, n, final, sizeof(final), why,
	    sizeof(why));
	if (clen == -1) {
		FUZZ_CHECK(!scram_verified(sc), "a failed step verifies nothing");
		FUZZ_CHECK(scram_step(sc, sfinal, strlen(sfinal), final,
		    sizeof(final), why, sizeof(why)) == -1,
		    "after a failed step every later step fails");
		goto out;
	}
	FUZZ_CHECK(memchr(sfirst, '\0', n) == NULL && strncmp(sfirst, "e=",
	    2) != 0 && strncmp(sfirst, "m=", 2) != 0,
	    "server-first without e= or m= is the one answered");
	r = attr(sfirst, n, 0, 'r', &rl);
	FUZZ_CHECK(r != NULL && rl > strlen(nonce) && memcmp(r, nonce,
	    strlen(nonce)) == 0, "the server's nonce extends ours");
	s = attr(sfirst, n, (size_t)(r - sfirst) + rl + 1, 's', &sl);
	FUZZ_CHECK(s != NULL, "s= follows r=");
	i = attr(sfirst, n, (size_t)(s - sfirst) + sl + 1, 'i', &il);
	FUZZ_CHECK(i != NULL && il > 0 && il < sizeof(num), "i= follows s=");
	memcpy(num, i, il);
	num[il] = '\0';
	/* strtonum(3) reads it: blanks and a sign may come first. */
	errno = 0;
	iter = strtoll(num, &endp, 10);
	FUZZ_CHECK(errno == 0 && *endp == '\0' && iter >= 1 &&
	    iter <= 1000000, "an iteration count from 1 to 1000000");
	saltlen = b64_decode(s, sl, salt, sizeof(salt));
	FUZZ_CHECK(saltlen > 0, "a salt in base64");

	/* c=base64(gs2 + cb),r=nonce: the message without the proof. */
	memcpy(auth, gs2, k);
	memcpy(auth + k, cbdata, cbl);
	if (b64_encode(auth, k + cbl, enc, sizeof(enc)) == -1)
		abort();
	pl = snprintf(want, sizeof(want), "c=%s,r=%.*s,p=", enc, (int)rl, r);
	FUZZ_CHECK(clen > pl && memcmp(final, want, (size_t)pl) == 0,
	    "client-final is c=, r= (the server's nonce), p=");

	/* RFC 5802 3, with the password prepared as scram.c prepares it. */
	if ((n = (size_t)crypto_password_normalize(pass, strlen(pass), norm,
	    sizeof(norm))) == (size_t)-1)
		n = strlcpy(norm, pass, sizeof(norm));
	sl = (size_t)flen - k;
	vl = (size_t)snprintf(auth, sizeof(auth), "%.*s,%s,%.*s", (int)sl,
	    first + k, sfirst, (int)(pl - 3), final);
	if (crypto_pbkdf2(h, norm, n, salt, (size_t)saltlen, (unsigned)iter,
	    salted, hl) == -1 ||
	    crypto_hmac(h, salted, hl, "Client Key", 10, ckey) == -1 ||
	    crypto_digest(h, ckey, hl, stored) == -1 ||
	    crypto_hmac(h, stored, hl, auth, vl, csig) == -1 ||
	    crypto_hmac(h, salted, hl, "Server Key", 10, skey) == -1 ||
	    crypto_hmac(h, skey, hl, auth, vl, ssig) == -1)
		abort();
	for (k = 0; k < hl; k++)
		csig[k] ^= ckey[k];
	if (b64_encode(csig, hl, enc, sizeof(enc)) == -1)
		abort();
	FUZZ_CHECK((size_t)clen == (size_t)pl + strlen(enc) && memcmp(final +
	    pl, enc, strlen(enc)) == 0, "p= is the client proof");
	/* Eight octets: a chance match in base64 is out of reach. */
	if (strlen(pass) >= 8 && memmem(want, (size_t)pl, pass,
	    strlen(pass)) == NULL)
		FUZZ_CHECK(memmem(final, (size_t)clen, pass, strlen(pass)) ==
		    NULL, "the password is never sent");

	/* server-final: accepted exactly when v= is the signature. */
	n = strlen(sfinal);
	ok = 0;
	if (n < SCRAM_MSGMAX && (v = attr(sfinal, n, 0, 'v', &vl)) != NULL &&
	    b64_decode(v, vl, got, sizeof(got)) == (ssize_t)hl &&
	    memcmp(got, ssig, hl) == 0)
		ok = 1;
	clen = scram_step(sc, sfinal, n, final, sizeof(final), why,
	    sizeof(why));
	FUZZ_CHECK((clen == 0) == ok,
	    "server-final is accepted exactly when v= is right");
	FUZZ_CHECK(scram_verified(sc) == ok,
	    "verified exactly when v= was right");
	FUZZ_CHECK(scram_step(sc, sfinal, n, final, sizeof(final), why,
	    sizeof(why)) == -1, "nothing is answered after server-final");
out:
	scram_free(sc);
out0:
	free(user);
	free(pass);
	free(sfirst);
	free(sfinal);
	return 0;
}
