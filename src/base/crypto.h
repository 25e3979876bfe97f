/*
 * Cryptographic primitives from GnuTLS (crypto.c): base64, random bytes,
 * digests, HMAC, PBKDF2 and SASLprep, for the modules that must not
 * hand-roll any of them. Sessions are tls.h's.
 */
#ifndef BOTE_CRYPTO_H
#define BOTE_CRYPTO_H

#include <stddef.h>
#include <sys/types.h>

/* Base64 (RFC 4648) into a NUL-terminated buffer; -1 when too small. */
int		 b64_encode(const void *in, size_t inlen, char *out,
		    size_t outsz);
/* Returns the decoded length, or -1 on bad input or a small buffer. */
ssize_t		 b64_decode(const char *in, size_t inlen, void *out,
		    size_t outsz);

/* Fill buf with len random bytes (not for keys); -1 on failure. */
int		 crypto_random(void *buf, size_t len);

/*
 * Digests, HMACs and PBKDF2, so that the SASL mechanisms compute them
 * with GnuTLS without including it (DESIGN.md rule 7).
 */
enum crypto_hash {
	CRYPTO_MD5,
	CRYPTO_SHA1,
	CRYPTO_SHA256
};
#define CRYPTO_HASHMAX	32	/* the largest digest above, in bytes */

/* Digest length in bytes of the algorithm. */
size_t		 crypto_hash_len(enum crypto_hash);
/* out receives crypto_hash_len() bytes. Each returns 0 or -1. */
int		 crypto_digest(enum crypto_hash, const void *in, size_t inlen,
		    unsigned char *out);
/* The SHA-256 of in in lower-case hex, into out (65 octets or more). */
int		 crypto_sha256_hex(const void *in, size_t inlen, char *out,
		    size_t outsz);
int		 crypto_hmac(enum crypto_hash, const void *key, size_t keylen,
		    const void *text, size_t textlen, unsigned char *out);
/* PBKDF2 (RFC 8018) with HMAC over the hash, outlen bytes. */
int		 crypto_pbkdf2(enum crypto_hash, const void *pass, size_t passlen,
		    const void *salt, size_t saltlen, unsigned iter,
		    unsigned char *out, size_t outlen);
/*
 * SASLprep-style normalisation of a UTF-8 password (RFC 8265
 * OpaqueString, which GnuTLS implements for RFC 5802's Normalize()) into
 * out, NUL-terminated. Returns the length, or -1 when the password is not
 * valid UTF-8 or holds prohibited characters, or out is too small.
 */
ssize_t		 crypto_password_normalize(const char *in, size_t inlen,
		    char *out, size_t outsz);

/*
 * A digest computed piece by piece (DKIM's body hash streams the whole
 * message through one). crypto_hash_final frees the context and writes
 * crypto_hash_len() bytes unless out is NULL; NULL is a no-op.
 */
struct crypto_hash_ctx;
struct crypto_hash_ctx *crypto_hash_new(enum crypto_hash);
int		 crypto_hash_update(struct crypto_hash_ctx *, const void *in,
		    size_t inlen);
void		 crypto_hash_final(struct crypto_hash_ctx *,
		    unsigned char *out);

/*
 * Private keys for DKIM signatures (RFC 6376 rsa-sha256, RFC 8463
 * ed25519-sha256), from PEM (PKCS#8, or PKCS#1 for RSA).
 */
enum crypto_key_type {
	CRYPTO_KEY_RSA,
	CRYPTO_KEY_ED25519
};
#define CRYPTO_KEY_FILEMAX	(64 * 1024)	/* octets in a PEM file */
#define CRYPTO_SIGMAX		1024	/* signature octets (RSA 8192) */
#define CRYPTO_PUBMAX		2048	/* public key octets, DER */
#define CRYPTO_RSA_MINBITS	1024	/* RFC 8301 3.2: verifiers refuse less */

struct crypto_key;

/*
 * Parse a PEM private key: NULL with the reason in why (never the key)
 * when it is malformed, of another type, or RSA under CRYPTO_RSA_MINBITS.
 */
struct crypto_key *crypto_key_import(const void *pem, size_t len, char *why,
		    size_t whylen);
void		 crypto_key_free(struct crypto_key *);
enum crypto_key_type crypto_key_type(const struct crypto_key *);
unsigned	 crypto_key_bits(const struct crypto_key *);

/*
 * Sign data: RSASSA-PKCS1-v1_5 over its SHA-256 for RSA; for Ed25519
 * (RFC 8463 3) PureEdDSA over the SHA-256 digest of data. Writes the
 * signature to sig (room for CRYPTO_SIGMAX) and its length to *siglen;
 * 0 or -1.
 */
int		 crypto_key_sign(const struct crypto_key *, const void *data,
		    size_t len, unsigned char *sig, size_t *siglen);

/*
 * The public key as DKIM publishes it in p= (RFC 6376 3.6.1, RFC 8463
 * 4): DER SubjectPublicKeyInfo for RSA, the raw 32 octets for Ed25519.
 * out has room for CRYPTO_PUBMAX; 0 or -1.
 */
int		 crypto_key_public(const struct crypto_key *,
		    unsigned char *out, size_t *outlen);

/*
 * A new key (bits: RSA only) as PEM (PKCS#8), NUL-terminated, to be
 * wiped and freed with secret_free(); NULL on failure.
 */
char		*crypto_key_generate(enum crypto_key_type, unsigned bits);
#endif
