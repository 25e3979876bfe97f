/*
 * Cryptographic primitives from GnuTLS for the rest of bote: base64,
 * random bytes, digests, HMAC, PBKDF2 and SASLprep (for the SASL
 * mechanisms, which must not hand-roll any of them), streamed digests
 * and the private keys of DKIM signatures. GnuTLS appears here
 * and in tls.c (sessions) only.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "base/crypto.h"
#include "base/util.h"

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
crypto_sha256_hex(const void *in, size_t inlen, char *out, size_t outsz)
{
	unsigned char	md[32];
	size_t		i;

	if (outsz < 2 * sizeof(md) + 1 ||
	    crypto_digest(CRYPTO_SHA256, in, inlen, md) == -1)
		return -1;
	for (i = 0; i < sizeof(md); i++)
		/* outsz was checked above: every pair fits. */
		(void)xsnprintf(out + 2 * i, outsz - 2 * i, "%02x", md[i]);
	return 0;
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

/* ---- Streamed digests and DKIM keys -------------------------------------- */

struct crypto_hash_ctx {
	gnutls_hash_hd_t	hd;
};

struct crypto_key {
	gnutls_privkey_t	pk;
	enum crypto_key_type	type;
	unsigned		bits;
};

struct crypto_hash_ctx *
crypto_hash_new(enum crypto_hash h)
{
	struct crypto_hash_ctx		*c;
	gnutls_digest_algorithm_t	 dig;
	gnutls_mac_algorithm_t		 mac;

	if (hash_algs(h, &dig, &mac) == -1)
		return NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if (gnutls_hash_init(&c->hd, dig) < 0) {
		free(c);
		return NULL;
	}
	return c;
}

int
crypto_hash_update(struct crypto_hash_ctx *c, const void *in, size_t inlen)
{
	if (inlen == 0)
		return 0;
	return gnutls_hash(c->hd, in, inlen) < 0 ? -1 : 0;
}

void
crypto_hash_final(struct crypto_hash_ctx *c, unsigned char *out)
{
	unsigned char	scratch[CRYPTO_HASHMAX];

	if (c == NULL)
		return;
	gnutls_hash_deinit(c->hd, out != NULL ? out : scratch);
	free(c);
}

struct crypto_key *
crypto_key_import(const void *pem, size_t len, char *why, size_t whylen)
{
	gnutls_x509_privkey_t	 x = NULL;
	gnutls_datum_t		 d;
	struct crypto_key	*k;
	unsigned int		 bits = 0;
	int			 alg, rc;

	if ((k = calloc(1, sizeof(*k))) == NULL) {
		whyf(why, whylen, "out of memory");
		return NULL;
	}
	d.data = (unsigned char *)(uintptr_t)pem;
	d.size = len > CRYPTO_KEY_FILEMAX ? 0 : (unsigned int)len;
	if ((rc = gnutls_x509_privkey_init(&x)) < 0 ||
	    (rc = gnutls_x509_privkey_import2(x, &d, GNUTLS_X509_FMT_PEM, NULL,
	    GNUTLS_PKCS_PLAIN)) < 0) {
		whyf(why, whylen, "not an unencrypted PEM private key (%s)",
		    gnutls_strerror(rc));
		goto fail;
	}
	if ((rc = gnutls_privkey_init(&k->pk)) < 0 ||
	    (rc = gnutls_privkey_import_x509(k->pk, x,
	    GNUTLS_PRIVKEY_IMPORT_COPY)) < 0) {
		whyf(why, whylen, "cannot use the key (%s)",
		    gnutls_strerror(rc));
		goto fail;
	}
	alg = gnutls_privkey_get_pk_algorithm(k->pk, &bits);
	k->bits = bits;
	if (alg == GNUTLS_PK_RSA)
		k->type = CRYPTO_KEY_RSA;
	else if (alg == GNUTLS_PK_EDDSA_ED25519)
		k->type = CRYPTO_KEY_ED25519;
	else {
		whyf(why, whylen, "neither an RSA nor an Ed25519 key (DKIM "
		    "signs with rsa-sha256 or ed25519-sha256)");
		goto fail;
	}
	if (k->type == CRYPTO_KEY_RSA && bits < CRYPTO_RSA_MINBITS) {
		whyf(why, whylen, "an RSA key of %u bits: verifiers refuse "
		    "keys under %u bits (RFC 8301); make a 2048-bit key",
		    bits, CRYPTO_RSA_MINBITS);
		goto fail;
	}
	gnutls_x509_privkey_deinit(x);
	return k;
fail:
	if (x != NULL)
		gnutls_x509_privkey_deinit(x);
	crypto_key_free(k);
	return NULL;
}

void
crypto_key_free(struct crypto_key *k)
{
	if (k == NULL)
		return;
	if (k->pk != NULL)
		gnutls_privkey_deinit(k->pk);
	free(k);
}

enum crypto_key_type
crypto_key_type(const struct crypto_key *k)
{
	return k->type;
}

unsigned
crypto_key_bits(const struct crypto_key *k)
{
	return k->bits;
}

int
crypto_key_sign(const struct crypto_key *k, const void *data, size_t len,
    unsigned char *sig, size_t *siglen)
{
	gnutls_datum_t	d, s = { NULL, 0 };
	unsigned char	dig[CRYPTO_HASHMAX];
	int		rc = -1;

	if (len > UINT32_MAX)
		return -1;
	d.data = (unsigned char *)(uintptr_t)data;
	d.size = (unsigned int)len;
	if (k->type == CRYPTO_KEY_RSA) {
		if (gnutls_privkey_sign_data2(k->pk, GNUTLS_SIGN_RSA_SHA256, 0,
		    &d, &s) < 0)
			return -1;
	} else {
		/* RFC 8463 3: Ed25519 signs the SHA-256 of the data. */
		if (gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, dig) < 0)
			return -1;
		d.data = dig;
		d.size = 32;
		if (gnutls_privkey_sign_data2(k->pk, GNUTLS_SIGN_EDDSA_ED25519,
		    0, &d, &s) < 0)
			return -1;
	}
	if (s.size <= CRYPTO_SIGMAX) {
		memcpy(sig, s.data, s.size);
		*siglen = s.size;
		rc = 0;
	}
	gnutls_free(s.data);
	return rc;
}

int
crypto_key_public(const struct crypto_key *k, unsigned char *out,
    size_t *outlen)
{
	gnutls_pubkey_t		pub = NULL;
	gnutls_datum_t		d = { NULL, 0 };
	gnutls_ecc_curve_t	curve;
	int			rc = -1;

	if (gnutls_pubkey_init(&pub) < 0)
		return -1;
	if (gnutls_pubkey_import_privkey(pub, k->pk, 0, 0) < 0)
		goto out;
	if (k->type == CRYPTO_KEY_RSA) {
		if (gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &d) < 0)
			goto out;
	} else if (gnutls_pubkey_export_ecc_raw2(pub, &curve, &d, NULL, 0) <
	    0 || curve != GNUTLS_ECC_CURVE_ED25519)
		goto out;
	if (d.size <= CRYPTO_PUBMAX) {
		memcpy(out, d.data, d.size);
		*outlen = d.size;
		rc = 0;
	}
out:
	gnutls_free(d.data);
	gnutls_pubkey_deinit(pub);
	return rc;
}

char *
crypto_key_generate(enum crypto_key_type type, unsigned bits)
{
	gnutls_x509_privkey_t	 x = NULL;
	gnutls_datum_t		 d = { NULL, 0 };
	char			*pem = NULL;

	if (gnutls_x509_privkey_init(&x) < 0)
		return NULL;
	if (type == CRYPTO_KEY_RSA) {
		if (gnutls_x509_privkey_generate(x, GNUTLS_PK_RSA, bits, 0) < 0)
			goto out;
	} else if (gnutls_x509_privkey_generate(x, GNUTLS_PK_EDDSA_ED25519,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_ED25519), 0) < 0)
		goto out;
	if (gnutls_x509_privkey_export2_pkcs8(x, GNUTLS_X509_FMT_PEM, NULL,
	    GNUTLS_PKCS_PLAIN, &d) < 0)
		goto out;
	if ((pem = malloc(d.size + 1)) != NULL) {
		memcpy(pem, d.data, d.size);
		pem[d.size] = '\0';
	}
out:
	if (d.data != NULL) {
		explicit_bzero(d.data, d.size);
		gnutls_free(d.data);
	}
	gnutls_x509_privkey_deinit(x);
	return pem;
}
