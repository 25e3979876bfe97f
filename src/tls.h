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

#endif
