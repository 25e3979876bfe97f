/*
 * Cryptographic primitives from GnuTLS for the rest of bote: base64,
 * random bytes, digests, HMAC, PBKDF2 and SASLprep (for the SASL
 * mechanisms, which must not hand-roll any of them). GnuTLS appears here
 * and in tls.c (sessions) only.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "base/crypto.h"

int
b64_encode(const void *in, size_t inlen, char *out, size_t outsz)
{
	gnutls_datum_t	d, r = { NULL, 0 };
	int		rc = -1;

	d.data = (unsigned char *)(uintptr_t)in;
	d.size = (unsigned int)inlen;
	if (inlen == 0) {
		if (outsz == 0)
			return -1;
		out[0] = '\0';
		return 0;
	}
	if (gnutls_base64_encode2(&d, &r) < 0)
		return -1;
	if (r.size < outsz) {
		memcpy(out, r.data, r.size);
		out[r.size] = '\0';
		rc = 0;
	}
	explicit_bzero(r.data, r.size);
	gnutls_free(r.data);
	return rc;
}

ssize_t
b64_decode(const char *in, size_t inlen, void *out, size_t outsz)
{
	gnutls_datum_t	d, r = { NULL, 0 };
	ssize_t		rc = -1;

	if (inlen == 0)
		return 0;
	d.data = (unsigned char *)(uintptr_t)in;
	d.size = (unsigned int)inlen;
	if (gnutls_base64_decode2(&d, &r) < 0)
		return -1;
	if (r.size <= outsz) {
		memcpy(out, r.data, r.size);
		rc = r.size;
	}
	explicit_bzero(r.data, r.size);
	gnutls_free(r.data);
	return rc;
}

/*
 * Unpredictable bytes for Message-IDs. GNUTLS_RND_NONCE is meant for
 * values that must be unique and not guessable but are not keys.
 */
int
crypto_random(void *buf, size_t len)
{
	return gnutls_rnd(GNUTLS_RND_NONCE, buf, len) < 0 ? -1 : 0;
}

/* ---- Cryptographic primitives for SASL ---------------------------------- */

static int
hash_algs(enum crypto_hash h, gnutls_digest_algorithm_t *dig,
    gnutls_mac_algorithm_t *mac)
{
	switch (h) {
	case CRYPTO_MD5:
		*dig = GNUTLS_DIG_MD5;
		*mac = GNUTLS_MAC_MD5;
		return 0;
	case CRYPTO_SHA1:
		*dig = GNUTLS_DIG_SHA1;
		*mac = GNUTLS_MAC_SHA1;
		return 0;
	case CRYPTO_SHA256:
		*dig = GNUTLS_DIG_SHA256;
		*mac = GNUTLS_MAC_SHA256;
		return 0;
	}
	return -1;
}

size_t
crypto_hash_len(enum crypto_hash h)
{
	gnutls_digest_algorithm_t	dig;
	gnutls_mac_algorithm_t		mac;

	if (hash_algs(h, &dig, &mac) == -1)
		return 0;
	return gnutls_hash_get_len(dig);
}

int
crypto_digest(enum crypto_hash h, const void *in, size_t inlen,
    unsigned char *out)
{
	gnutls_digest_algorithm_t	dig;
	gnutls_mac_algorithm_t		mac;

	if (hash_algs(h, &dig, &mac) == -1)
		return -1;
	return gnutls_hash_fast(dig, in, inlen, out) < 0 ? -1 : 0;
}

int
crypto_hmac(enum crypto_hash h, const void *key, size_t keylen, const void *text,
    size_t textlen, unsigned char *out)
{
	gnutls_digest_algorithm_t	dig;
	gnutls_mac_algorithm_t		mac;

	if (hash_algs(h, &dig, &mac) == -1)
		return -1;
	return gnutls_hmac_fast(mac, key, keylen, text, textlen, out) < 0 ?
	    -1 : 0;
}

int
crypto_pbkdf2(enum crypto_hash h, const void *pass, size_t passlen,
    const void *salt, size_t saltlen, unsigned iter, unsigned char *out,
    size_t outlen)
{
	gnutls_digest_algorithm_t	dig;
	gnutls_mac_algorithm_t		mac;
	gnutls_datum_t			k, s;

	if (hash_algs(h, &dig, &mac) == -1 || passlen > UINT32_MAX ||
	    saltlen > UINT32_MAX)
		return -1;
	k.data = (unsigned char *)(uintptr_t)pass;
	k.size = (unsigned int)passlen;
	s.data = (unsigned char *)(uintptr_t)salt;
	s.size = (unsigned int)saltlen;
	return gnutls_pbkdf2(mac, &k, &s, iter, out, outlen) < 0 ? -1 : 0;
}

ssize_t
crypto_password_normalize(const char *in, size_t inlen, char *out,
    size_t outsz)
{
	gnutls_datum_t	r = { NULL, 0 };
	ssize_t		rc = -1;

	if (inlen > UINT32_MAX)
		return -1;
	if (inlen == 0) {
		if (outsz == 0)
			return -1;
		out[0] = '\0';
		return 0;
	}
	if (gnutls_utf8_password_normalize((const unsigned char *)in,
	    (unsigned int)inlen, &r, 0) < 0)
		return -1;
	if (r.size < outsz && memchr(r.data, '\0', r.size) == NULL) {
		memcpy(out, r.data, r.size);
		out[r.size] = '\0';
		rc = r.size;
	}
	explicit_bzero(r.data, r.size);
	gnutls_free(r.data);
	return rc;
}
