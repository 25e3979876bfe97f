/*
 * SCRAM (RFC 5802, RFC 7677) for src/smtp/sasl.c; internal to the engine.
 * The functions take and return the mechanism's messages unencoded;
 * sasl.c does the base64.
 */
#ifndef BOTE_SCRAM_H
#define BOTE_SCRAM_H

#include <sys/types.h>

#include <stddef.h>

#include "base/crypto.h"

#define SCRAM_MSGMAX	4096	/* any one SCRAM message, unencoded */

struct scram;

/*
 * gs2 is the GS2 header ("n,,", "y,," or "p=tls-exporter,,"); cb the
 * channel binding data appended to it in c= (only with "p=").
 */
struct scram	*scram_new(enum crypto_hash, const char *user, const char *pass,
		    const char *gs2, const unsigned char *cb, size_t cblen,
		    char *why, size_t whylen);
/* Test hook: a fixed client nonce instead of a random one. */
void		 scram_set_nonce(struct scram *, const char *);
/* client-first-message into out; returns its length or -1 with why. */
ssize_t		 scram_first(struct scram *, char *out, size_t outsz,
		    char *why, size_t whylen);
/*
 * Answer server-first-message with client-final-message, then check
 * server-final-message (the answer is then empty). Returns the answer's
 * length, or -1 with why.
 */
ssize_t		 scram_step(struct scram *, const char *in, size_t inlen,
		    char *out, size_t outsz, char *why, size_t whylen);
/* 1 once the server signature v= has been verified. */
int		 scram_verified(const struct scram *);
void		 scram_free(struct scram *);

/* Append len bytes to buf at *off; -1 (nothing appended) when too long. */
int		 scram_put(char *buf, size_t bufsz, size_t *off, const void *,
		    size_t len);
/* Append a saslname (RFC 5801 4): "," and "=" as "=2C" and "=3D". */
int		 scram_put_saslname(char *buf, size_t bufsz, size_t *off,
		    const char *name);

#endif
