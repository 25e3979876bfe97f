/*
 * TLS client sessions. This is the only file that uses GnuTLS; it also
 * provides the base64 coding the SASL mechanisms need.
 */
#ifndef BOTE_TLS_H
#define BOTE_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct tls;

/* tls_recv() and tls_send() results besides a byte count. */
#define TLS_WANT_READ	(-2)
#define TLS_WANT_WRITE	(-3)
#define TLS_ERROR	(-1)

/*
 * A client session on the connected, non-blocking socket fd. trust_file
 * is a PEM file of CA certificates, or NULL or "system" for the system
 * store. host is the name as configured: it is sent as SNI (unless it is
 * an IP literal) and the certificate must match it. Returns NULL with
 * *config set when the trust file is the problem (a configuration error)
 * and the reason in why.
 */
struct tls	*tls_client(int fd, const char *trust_file, const char *host,
		    int *config, char *why, size_t whylen);
void		 tls_free(struct tls *);

/*
 * Handshake and verify the certificate, by deadline (now_ms() scale).
 * Returns 0, or -1 with the reason in words (untrusted, name mismatch,
 * expired, timed out, ...).
 */
int		 tls_handshake(struct tls *, int64_t deadline, char *why,
		    size_t whylen);

/* Like read(2)/write(2) on the session; 0 from recv is the peer's EOF. */
ssize_t		 tls_recv(struct tls *, void *buf, size_t len);
ssize_t		 tls_send(struct tls *, const void *buf, size_t len);
/* Decrypted bytes GnuTLS holds that tls_recv() would return at once. */
size_t		 tls_pending(struct tls *);
/* The last error in words. */
const char	*tls_error(struct tls *);
/* "TLS1.3 / ECDHE-SECP256R1 / AES-256-GCM" for -v. */
int		 tls_describe(struct tls *, char *buf, size_t len);
/* Send close_notify without waiting for the peer's. */
void		 tls_bye(struct tls *);

/* Base64 (RFC 4648) into a NUL-terminated buffer; -1 when too small. */
int		 b64_encode(const void *in, size_t inlen, char *out,
		    size_t outsz);
/* Returns the decoded length, or -1 on bad input or a small buffer. */
ssize_t		 b64_decode(const char *in, size_t inlen, void *out,
		    size_t outsz);

/* Fill buf with len random bytes (not for keys); -1 on failure. */
int		 tls_random(void *buf, size_t len);

/* ---- Cryptographic primitives for SASL ---------------------------------- */
/*
 * Thin wrappers so that src/sasl.c and src/scram.c compute digests, HMACs
 * and PBKDF2 with GnuTLS without including it (DESIGN.md rule 7).
 */
enum tls_hash {
	TLS_MD5,
	TLS_SHA1,
	TLS_SHA256
};
#define TLS_HASHMAX	32	/* the largest digest above, in bytes */

/* Digest length in bytes of the algorithm. */
size_t		 tls_hash_len(enum tls_hash);
/* out receives tls_hash_len() bytes. Each returns 0 or -1. */
int		 tls_digest(enum tls_hash, const void *in, size_t inlen,
		    unsigned char *out);
int		 tls_hmac(enum tls_hash, const void *key, size_t keylen,
		    const void *text, size_t textlen, unsigned char *out);
/* PBKDF2 (RFC 8018) with HMAC over the hash, outlen bytes. */
int		 tls_pbkdf2(enum tls_hash, const void *pass, size_t passlen,
		    const void *salt, size_t saltlen, unsigned iter,
		    unsigned char *out, size_t outlen);
/*
 * SASLprep-style normalisation of a UTF-8 password (RFC 8265
 * OpaqueString, which GnuTLS implements for RFC 5802's Normalize()) into
 * out, NUL-terminated. Returns the length, or -1 when the password is not
 * valid UTF-8 or holds prohibited characters, or out is too small.
 */
ssize_t		 tls_password_normalize(const char *in, size_t inlen,
		    char *out, size_t outsz);
/*
 * Channel binding data of the session for SCRAM-*-PLUS: "tls-exporter"
 * (RFC 9266) under TLS 1.3, "tls-unique" (RFC 5929) under TLS 1.2 and
 * earlier. Returns 0 with *type, buf and *len set, or -1 (no handshake
 * yet, unsupported, or buf too small).
 */
int		 tls_channel_binding(struct tls *, const char **type,
		    unsigned char *buf, size_t bufsz, size_t *len);
/* ---- End of cryptographic primitives for SASL --------------------------- */

#endif
