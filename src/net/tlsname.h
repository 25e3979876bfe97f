/*
 * Server identities: checks (RFC 9525) over the names a certificate
 * presents, and fingerprints. Pure code: tls.c extracts the names with
 * GnuTLS and asks here whether the configured name is among them.
 */
#ifndef BOTE_TLSNAME_H
#define BOTE_TLSNAME_H

#include <stddef.h>

#define TLSNAME_MAX	64	/* identifiers looked at per certificate */

struct tlsname_ids {
	const char		*dns[TLSNAME_MAX];	/* dNSName SANs */
	size_t			 ndns;
	const unsigned char	*ip[TLSNAME_MAX];	/* iPAddress SANs */
	size_t			 iplen[TLSNAME_MAX];	/* 4 or 16 */
	size_t			 nip;
	int			 has_san;	/* any subjectAltName entry */
	const char		*cn;	/* the only CN, or NULL: for words */
};

/*
 * Whether ref (the host name or IP literal as configured, or
 * tls_host_override) matches the certificate:
 *  - an IP literal matches an iPAddress SAN of the same octets only,
 *    never a dNSName nor the CN (RFC 9525 6.2);
 *  - a DNS name matches a dNSName SAN, case-insensitively, a trailing dot
 *    ignored; "*" is a wildcard only as the whole left-most label and
 *    stands for exactly one non-empty label (6.3), and only when at
 *    least two labels follow it ("*.example.com", not "*.com");
 *  - the CN never: RFC 9525 6.3 no longer allows a client to fall back
 *    to it (RFC 6125 6.4.4 did), even for a certificate without any
 *    subjectAltName; pin such a certificate with tls_fingerprint.
 * Returns 1 on a match, 0 otherwise.
 */
int	tlsname_match(const char *ref, const struct tlsname_ids *);

/*
 * Whether ref would have matched under the old CN fallback alone: the
 * certificate has no subjectAltName at all, and its only CN equals ref
 * exactly (case and a trailing dot aside, no wildcard, never an IP
 * literal). Only for telling the user why such a certificate is refused.
 */
int	tlsname_cn_match(const char *ref, const struct tlsname_ids *);

/* Whether the presented DNS identifier p matches ref under those rules. */
int	tlsname_dns_match(const char *ref, const char *p);

/*
 * Parse an IP literal (dotted quad or IPv6, optionally in brackets) into
 * bin (16 bytes); returns its length (4 or 16), or 0 if s is none.
 */
size_t	tlsname_ip(const char *s, unsigned char *bin);

/*
 * Parse a tls_fingerprint value: hex with or without colons, any case.
 * Returns TLS_FP_SHA256 (32 bytes), TLS_FP_SHA1 (20, deprecated),
 * TLS_FP_MD5 (16, refused by the caller) or -1 when malformed.
 */
#define TLS_FP_SHA256	256
#define TLS_FP_SHA1	1
#define TLS_FP_MD5	5
int	tls_fingerprint_parse(const char *, unsigned char *out, size_t outsz,
	    size_t *outlen);

/* n bytes as "AB:CD:..." into out (3 * n bytes suffice). */
void	tlsname_hex(const unsigned char *, size_t n, char *out,
	    size_t outsz);

/* A time as "2026-01-31 23:59:59 UTC". */
void	tlsname_date(long long when, char *out, size_t outsz);

#endif
