/*
 * Why a TLS session could not be set up (tlsfail.c): the server's first
 * bytes told apart (TLS, an SMTP reply, anything else), the words for a
 * certificate no trusted CA vouches for, and which failures only a
 * configuration change fixes. Pure code: tls.c gathers the facts with
 * GnuTLS, the rules are unit-tested here without certificates.
 */
#ifndef BOTE_TLSFAIL_H
#define BOTE_TLSFAIL_H

#include <stddef.h>

#include "base/outcome.h"

/*
 * Why the handshake failed (or, for report_only sessions, why the
 * verification did), as far as bote can tell: what to change is not the
 * same for each.
 */
enum tls_failure {
	TLS_FAIL_NONE = 0,
	TLS_FAIL_OTHER,		/* I/O, alerts, no common parameters, ... */
	TLS_FAIL_UNTRUSTED,	/* no trusted CA vouches for it: unknown
				   issuer, self-signed, an invalid chain */
	TLS_FAIL_NAME,		/* not for the name checked (a name in the
				   CN only included: RFC 9525 6.3) */
	TLS_FAIL_PIN,		/* not the certificate tls_fingerprint names */
	TLS_FAIL_SERVERCERT,	/* expired, not yet valid, revoked, weak:
				   the server's administrator must act */
	TLS_FAIL_SMTP,		/* an SMTP reply ("220 ...") instead of TLS */
	TLS_FAIL_NOTTLS		/* other bytes that are not TLS */
};

/*
 * The outcome class of a failure: SETUP_CERT for a certificate that
 * tls_trust_file, tls_fingerprint, host or tls_host_override must be
 * changed to accept; SETUP_NONE for the rest (the TLS mode is for the
 * caller to judge: only it knows whether it spoke TLS at once).
 */
enum outcome_setup tls_failure_setup(enum tls_failure);

/*
 * What the first n bytes a server sent in answer to a ClientHello are:
 * TLS_FAIL_NONE for the start of a TLS record (a handshake message or an
 * alert, RFC 8446 5.1), TLS_FAIL_SMTP for an SMTP reply (three digits,
 * then a space, a hyphen or the line's end), TLS_FAIL_NOTTLS for
 * anything else. shown gets their first line for messages, control
 * bytes as '?' (cut to fit shownsz).
 */
enum tls_failure tlsfail_first(const unsigned char *, size_t n, char *shown,
	    size_t shownsz);

/* What the CA checks of a refused certificate found. */
struct tlsfail_chain {
	const char	*ref;		/* the name checked */
	const char	*issuer;	/* issuer DN of the last one, or "" */
	const char	*store;		/* tls_trust_file, NULL: the system */
	const char	*date;		/* notAfter or notBefore, in words */
	const char	*other;		/* GnuTLS's words for the status */
	int		 revoked;
	int		 unknown;	/* the signer is not trusted */
	int		 self;		/* ... and it signed itself */
	int		 expired;	/* date is its notAfter */
	int		 notyet;	/* date is its notBefore */
	int		 weak;		/* signed with an insecure algorithm */
};

/*
 * One line of words for a refused certificate, ending in what to do, into
 * why; returns the failure it is (TLS_FAIL_UNTRUSTED or
 * TLS_FAIL_SERVERCERT).
 */
enum tls_failure tlsfail_chain(const struct tlsfail_chain *, char *why,
	    size_t whylen);

/*
 * The words for a fatal alert the server sent during the handshake: its
 * RFC 8446 section 6 name and number ("the server sent TLS alert
 * internal_error (80)"), then what to change where the alert tells it.
 */
void	tlsfail_alert(int code, char *why, size_t whylen);

/* An alert's RFC name ("internal_error"), or NULL for an unknown code. */
const char *tlsfail_alert_name(int code);

#endif
