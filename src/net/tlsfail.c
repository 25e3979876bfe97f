/*
 * Why a TLS session could not be set up (tlsfail.h). Kept apart from
 * tls.c, which holds the GnuTLS session, so the rules and the words can
 * be tested without one.
 */
#include <string.h>

#include "net/tlsfail.h"
#include "base/util.h"

enum outcome_setup
tls_failure_setup(enum tls_failure f)
{
	switch (f) {
	case TLS_FAIL_UNTRUSTED:
	case TLS_FAIL_NAME:
	case TLS_FAIL_PIN:
		return SETUP_CERT;
	default:
		return SETUP_NONE;
	}
}

enum tls_failure
tlsfail_first(const unsigned char *p, size_t n, char *shown, size_t shownsz)
{
	size_t	len;

	shown[0] = '\0';
	/*
	 * RFC 8446 5.1: a record begins with its type, 21 (alert) or 22
	 * (handshake) from a server answering a ClientHello, then 3 as the
	 * major version. One byte is enough to rule out a text line.
	 */
	if (n > 0 && (p[0] == 21 || p[0] == 22) && (n == 1 || p[1] == 3))
		return TLS_FAIL_NONE;
	for (len = 0; len < n && p[len] != '\r' && p[len] != '\n'; len++)
		continue;
	/* Only shown: a long line keeps its beginning. */
	(void)sanitize(shown, shownsz, (const char *)p, len, 1);
	/* RFC 5321 4.2: "220 text", "220-text" or a bare "220". */
	if (n >= 3 && p[0] >= '2' && p[0] <= '5' && p[1] >= '0' &&
	    p[1] <= '9' && p[2] >= '0' && p[2] <= '9' && (n == 3 ||
	    p[3] == ' ' || p[3] == '-' || p[3] == '\r' || p[3] == '\n'))
		return TLS_FAIL_SMTP;
	return TLS_FAIL_NOTTLS;
}

enum tls_failure
tlsfail_chain(const struct tlsfail_chain *c, char *why, size_t whylen)
{
	const char	*store = c->store == NULL || strcmp(c->store,
	    "system") == 0 ? "the system's trust store" : c->store;
	size_t		 len;

	if (c->revoked)
		whyf(why, whylen, "revoked: the certificate of %s has been "
		    "revoked by its CA; the server needs a new certificate",
		    c->ref);
	else if (c->unknown && c->self)
		whyf(why, whylen, "self-signed: the certificate of %s "
		    "(\"%s\") is signed by itself, not by a CA in %s; pin it "
		    "with tls_fingerprint (bote --serverinfo shows it), or add "
		    "it to tls_trust_file", c->ref, c->issuer, store);
	else if (c->unknown)
		whyf(why, whylen, "unknown issuer: the certificate of %s was "
		    "issued by \"%s\", which is not among the CAs in %s; add "
		    "that CA to tls_trust_file, or pin the certificate with "
		    "tls_fingerprint (bote --serverinfo shows it)", c->ref,
		    c->issuer[0] != '\0' ? c->issuer : "an unnamed issuer",
		    store);
	else if (c->expired)
		whyf(why, whylen, "expired: the certificate of %s expired on "
		    "%s (notAfter); the server must renew it, unless this "
		    "machine's clock is wrong", c->ref, c->date);
	else if (c->notyet)
		whyf(why, whylen, "not yet valid: the certificate of %s is "
		    "valid from %s (notBefore); check this machine's clock",
		    c->ref, c->date);
	else if (c->weak)
		whyf(why, whylen, "the certificate of %s is signed with an "
		    "insecure algorithm; the server needs a new certificate",
		    c->ref);
	else {
		/* GnuTLS's sentence, without its full stop: more follows. */
		len = c->other != NULL ? strlen(c->other) : 0;
		while (len > 0 && (c->other[len - 1] == '.' ||
		    c->other[len - 1] == ' '))
			len--;
		/* An invalid chain: what a CA (or a pin) of ours would fix. */
		whyf(why, whylen, "the certificate of %s is not trusted%s%.*s; "
		    "set tls_trust_file to the CA that signed it, or pin it "
		    "with tls_fingerprint (bote --serverinfo shows it)",
		    c->ref, len > 0 ? ": " : "", (int)len, len > 0 ?
		    c->other : "");
		return TLS_FAIL_UNTRUSTED;
	}
	return c->unknown ? TLS_FAIL_UNTRUSTED : TLS_FAIL_SERVERCERT;
}

/* RFC 8446 6 and the registry's older codes (RFC 5246 7.2, 7301, 8446). */
static const struct {
	int		 code;
	const char	*name;
} alerts[] = {
	{ 0, "close_notify" },
	{ 10, "unexpected_message" },
	{ 20, "bad_record_mac" },
	{ 21, "decryption_failed" },
	{ 22, "record_overflow" },
	{ 30, "decompression_failure" },
	{ 40, "handshake_failure" },
	{ 41, "no_certificate" },
	{ 42, "bad_certificate" },
	{ 43, "unsupported_certificate" },
	{ 44, "certificate_revoked" },
	{ 45, "certificate_expired" },
	{ 46, "certificate_unknown" },
	{ 47, "illegal_parameter" },
	{ 48, "unknown_ca" },
	{ 49, "access_denied" },
	{ 50, "decode_error" },
	{ 51, "decrypt_error" },
	{ 60, "export_restriction" },
	{ 70, "protocol_version" },
	{ 71, "insufficient_security" },
	{ 80, "internal_error" },
	{ 86, "inappropriate_fallback" },
	{ 90, "user_canceled" },
	{ 100, "no_renegotiation" },
	{ 109, "missing_extension" },
	{ 110, "unsupported_extension" },
	{ 111, "certificate_unobtainable" },
	{ 112, "unrecognized_name" },
	{ 113, "bad_certificate_status_response" },
	{ 114, "bad_certificate_hash_value" },
	{ 115, "unknown_psk_identity" },
	{ 116, "certificate_required" },
	{ 120, "no_application_protocol" },
};

const char *
tlsfail_alert_name(int code)
{
	size_t	i;

	for (i = 0; i < sizeof(alerts) / sizeof(alerts[0]); i++)
		if (alerts[i].code == code)
			return alerts[i].name;
	return NULL;
}

void
tlsfail_alert(int code, char *why, size_t whylen)
{
	const char	*name = tlsfail_alert_name(code), *hint = "";

	/* What the alert points at, where it points at one setting. */
	switch (code) {
	case 40:	/* handshake_failure */
	case 70:	/* protocol_version */
	case 71:	/* insufficient_security */
		hint = ": no TLS version or cipher suite suits both sides "
		    "(see tls_priorities)";
		break;
	case 42:	/* bad_certificate */
	case 43:	/* unsupported_certificate */
	case 48:	/* unknown_ca */
	case 116:	/* certificate_required */
		hint = ": it did not accept a client certificate (see "
		    "tls_cert_file and tls_key_file)";
		break;
	case 112:	/* unrecognized_name */
		hint = ": it does not serve the name bote asked for (see host "
		    "and tls_host_override)";
		break;
	}
	if (name == NULL)
		whyf(why, whylen, "the server sent TLS alert %d%s", code, hint);
	else
		whyf(why, whylen, "the server sent TLS alert %s (%d)%s", name,
		    code, hint);
}
