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
#endif
