/*
 * DKIM signatures (RFC 6376) made at submission: rsa-sha256 and
 * ed25519-sha256 (RFC 8463), simple or relaxed canonicalization, over
 * exactly the octets that go on the wire (outmsg.h), computed when the
 * message is sent so that a queued message is signed with the key of
 * that moment.
 */
#ifndef BOTE_DKIM_H
#define BOTE_DKIM_H

#include <stddef.h>
#include <time.h>

#include "base/crypto.h"
#include "base/util.h"
#include "conf/conf.h"
#include "msg/outmsg.h"

#define DKIM_KEYMAX	2		/* signatures per message */
#define DKIM_HDRMAX	(1024 * 1024)	/* octets of the fields signed */
#define DKIM_FIELDMAX	1000		/* fields signed */
#define DKIM_NAMEMAX	128		/* octets in one field name */

enum dkim_canon {
	DKIM_RELAXED = 0,
	DKIM_SIMPLE
};

/* The account's settings; domain NULL: no signature. */
struct dkim_opts {
	const char	*domain;
	const char	*selector[DKIM_KEYMAX];
	const char	*key[DKIM_KEYMAX];	/* PEM files; [1] may be NULL */
	const char	*headers;	/* "a:b:c", or NULL: RFC 6376 5.4.1 */
	int		 expire;	/* seconds until x=; 0: no x= */
	int		 hcanon;	/* enum dkim_canon */
	int		 bcanon;
};

/* Fill o from the account (all NULL when it does not sign). */
void	dkim_opts_account(struct dkim_opts *o, const struct account *a);

/*
 * Sign m: *out becomes a copy of m (same spool descriptor, not owned)
 * whose prefix starts with one DKIM-Signature field per key. Returns
 * OUT_OK, or an enum outcome_kind with why: OUT_CONFIG (a key cannot be
 * loaded), OUT_TEMPLOCAL (the spool cannot be read), OUT_DATAERR (the
 * signed fields pass DKIM_HDRMAX or DKIM_FIELDMAX), OUT_OSERR.
 */
int	dkim_sign(const struct dkim_opts *o, const struct outmsg *m,
	    struct outmsg **out, char *why, size_t whylen);
/* Free what dkim_sign made (not the descriptor); NULL is a no-op. */
void	dkim_signed_free(struct outmsg *);

/*
 * The same with keys already loaded and the time given, the fields
 * written to *sigs (CRLF-terminated, to be freed) and their length to
 * *siglen (for tests and the fuzzer).
 */
int	dkim_sign_keys(const struct dkim_opts *o,
	    struct crypto_key *const *keys, size_t nkeys, time_t now,
	    const struct outmsg *m, char **sigs, size_t *siglen, char *why,
	    size_t whylen);

/*
 * Body canonicalization (RFC 6376 3.4.3, 3.4.4) as a stream: every
 * octet of the body goes in through dkim_body_feed, in pieces of any
 * size; the canonical form comes out through out().
 */
struct dkim_body {
	int	 relaxed;
	int	 cr;		/* a CR is pending */
	int	 wsp;		/* relaxed: blanks are pending */
	int	 content;	/* the line so far is not empty */
	int	 any;		/* something came out */
	off_t	 blank;		/* empty lines pending */
	void	(*out)(void *, const char *, size_t);
	void	*arg;
	size_t	 n;
	char	 buf[4096];
};

void	dkim_body_init(struct dkim_body *, int canon,
	    void (*out)(void *, const char *, size_t), void *arg);
void	dkim_body_feed(struct dkim_body *, const char *, size_t);
void	dkim_body_end(struct dkim_body *);

/*
 * Header canonicalization (RFC 6376 3.4.1, 3.4.2) of one field as it
 * stands in the message, folded lines and final CRLF included, appended
 * to b. Returns 0 or -1 (b's error).
 */
int	dkim_header_canon(int canon, const char *field, size_t len,
	    struct sbuf *b);

#endif
