/*
 * SASL mechanisms as pure functions: (user, secret, challenge) ->
 * response, base64-encoded for the wire. No I/O besides random bytes for
 * the SCRAM nonce, so each is tested against its RFC's vectors.
 *
 * The caller (src/smtp/smtp.c) picks a mechanism with sasl_choose(), starts an
 * exchange with sasl_new() and sasl_start(), feeds each 334 challenge to
 * sasl_step(), and after the server's 235 calls sasl_finish().
 */
#ifndef BOTE_SASL_H
#define BOTE_SASL_H

#include <stddef.h>

/* The base64 response buffer size callers use. */
#define SASL_RESPMAX	16384

enum sasl_mech {
	SASL_NONE = 0,
	SASL_PLAIN, SASL_LOGIN, SASL_CRAM_MD5,
	SASL_SCRAM_SHA_1, SASL_SCRAM_SHA_1_PLUS,
	SASL_SCRAM_SHA_256, SASL_SCRAM_SHA_256_PLUS,
	SASL_XOAUTH2, SASL_OAUTHBEARER, SASL_EXTERNAL,
	SASL__COUNT
};
/* Bit for a mechanism in an "offered" mask: SASL_BIT(m) = 1u << m. */
#define SASL_BIT(m)	(1u << (m))

/* The IANA name, "SCRAM-SHA-256-PLUS"; "" for SASL_NONE or out of range. */
const char	*sasl_mech_name(enum sasl_mech);
/* Case-insensitive, exactly len bytes; SASL_NONE if unknown. */
enum sasl_mech	 sasl_mech_lookup(const char *name, size_t len);
/*
 * The strongest of the offered mechanisms (a mask of SASL_BIT) in the
 * order SCRAM-SHA-256-PLUS, SCRAM-SHA-1-PLUS (those two only when cb_ok),
 * SCRAM-SHA-256, SCRAM-SHA-1, PLAIN, CRAM-MD5, LOGIN. XOAUTH2,
 * OAUTHBEARER and EXTERNAL are never chosen automatically. SASL_NONE if
 * none.
 */
enum sasl_mech	 sasl_choose(unsigned offered, int cb_ok);

struct sasl_cred {
	const char	*user;		/* authcid (EXTERNAL: authzid/NULL) */
	const char	*secret;	/* password, or OAuth bearer token */
	const char	*host;		/* OAUTHBEARER host= (may be NULL) */
	int		 port;		/* OAUTHBEARER port= (0: omitted) */
};

/*
 * Channel binding for -PLUS; all zero (or a NULL pointer) when there is
 * no TLS. Without -PLUS the SCRAM gs2 flag is "y" (RFC 5802 6: the client
 * could bind but thinks the server cannot) when tls is set and data is
 * available, else "n".
 */
struct sasl_cb {
	int		 tls;		/* the session is under TLS */
	const char	*type;		/* "tls-exporter" (TLS 1.3) or */
					/* "tls-unique" (TLS 1.2) */
	const unsigned char *data;
	size_t		 len;
};

struct sasl;	/* one exchange; its state wiped by sasl_free */

/*
 * NULL with why when the mechanism cannot run with these inputs (-PLUS
 * without channel binding data, no user or secret where one is needed,
 * out of memory). The credentials are copied; the caller may wipe its own.
 */
struct sasl	*sasl_new(enum sasl_mech, const struct sasl_cred *,
		    const struct sasl_cb *, char *why, size_t whylen);
/*
 * The initial response, base64 ("=" for an empty one, RFC 4954 4),
 * NUL-terminated in out; *has_ir = 0 (and out "") when the mechanism
 * starts with a server challenge (LOGIN, CRAM-MD5). Returns 0 or -1 with
 * why.
 */
int		 sasl_start(struct sasl *, char *out, size_t outsz, int *has_ir,
		    char *why, size_t whylen);
/*
 * Answer one 334 challenge text (base64 as received, possibly empty).
 * Writes the base64 response into out ("" means send an empty line).
 * Returns 0, or -1 with why: the caller then sends "*" to cancel
 * (undecodable challenge, SCRAM server signature wrong, nonce not
 * extending ours, e=...). On 0, why is "" or holds a note worth tracing:
 * the XOAUTH2/OAUTHBEARER error the server reported, answered as the
 * mechanism requires so that the server can send its final 5yz.
 * An empty challenge to PLAIN, EXTERNAL, XOAUTH2 or OAUTHBEARER (the
 * caller sent no initial response) is answered with the initial response.
 */
int		 sasl_step(struct sasl *, const char *chal, size_t len,
		    char *out, size_t outsz, char *why, size_t whylen);
/*
 * After the server's 235: -1 with why when the mechanism needed a server
 * proof it never verified (SCRAM without a verified v=): the session must
 * then be treated as failed.
 */
int		 sasl_finish(struct sasl *, char *why, size_t whylen);
void		 sasl_free(struct sasl *);
/*
 * Test hook: fixed client nonce for SCRAM (the unit tests use the RFC
 * vectors' nonces). Call before sasl_start(); ignored for other
 * mechanisms and for a nonce that is empty, too long or holds a comma or
 * a control byte.
 */
void		 sasl_set_nonce(struct sasl *, const char *nonce);

#endif
