/*
 * Certificate names (src/net/tlsname.h), which the server controls: the
 * input is split into a reference name and presented identifiers.
 * tlsname_match() follows RFC 9525: an IP literal never matches a
 * dNSName, a wildcard stands for exactly one non-empty label and only as
 * the whole left-most label, and the CN never counts (RFC 9525 6.3);
 * tlsname_cn_match(), which only explains a refusal, keeps the old
 * rules. tls_fingerprint_parse() and tlsname_ip() take the same bytes
 * too, and so does tlsfail_first() (a server's first bytes where TLS was
 * due): its verdict follows the first bytes and what it shows is one line
 * without control bytes.
 */
#include <string.h>
#include <strings.h>

#include "net/tlsfail.h"
#include "net/tlsname.h"
#include "fuzz.h"

/* Labels of s (a trailing dot aside). */
static size_t
labels(const char *s)
{
	size_t	n = 1, len = strlen(s);

	if (len > 0 && s[len - 1] == '.')
		len--;
	for (; len > 0; len--, s++)
		if (*s == '.')
			n++;
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tlsname_ids ids;
	unsigned char	 bin[16], fp[64];
	char		 ref[256], pres[256], hex[3 * 64 + 1];
	const char	*f;
	size_t		 off = 0, flen, iplen, n;
	int		 m, rc;

	f = fuzz_field(data, size, &off, &flen);
	if (flen >= sizeof(ref) || memchr(f, '\0', flen) != NULL)
		return 0;
	memcpy(ref, f, flen);
	ref[flen] = '\0';
	f = fuzz_field(data, size, &off, &flen);
	if (flen >= sizeof(pres) || memchr(f, '\0', flen) != NULL)
		return 0;
	memcpy(pres, f, flen);
	pres[flen] = '\0';

	iplen = tlsname_ip(ref, bin);
	FUZZ_CHECK(iplen == 0 || iplen == 4 || iplen == 16,
	    "an IP literal is 4 or 16 octets");
	m = tlsname_dns_match(ref, pres);
	if (m && strchr(pres, '*') == NULL) {
		/* Without a wildcard, only the same name (case, dot aside). */
		n = strlen(ref) - (ref[0] != '\0' && ref[strlen(ref) - 1] ==
		    '.');
		FUZZ_CHECK(strncasecmp(ref, pres, n) == 0,
		    "a plain identifier matches only the same name");
	}
	if (m && pres[0] == '*') {
		FUZZ_CHECK(pres[1] == '.' && labels(pres) >= 3,
		    "a wildcard is a whole left-most label with two after it");
		FUZZ_CHECK(labels(ref) == labels(pres),
		    "a wildcard stands for exactly one label");
	}
	if (m && strchr(pres, '*') != NULL)
		FUZZ_CHECK(pres[0] == '*' && strchr(pres + 1, '*') == NULL,
		    "a wildcard only as the left-most label");

	memset(&ids, 0, sizeof(ids));
	ids.dns[0] = pres;
	ids.ndns = 1;
	ids.has_san = 1;
	rc = tlsname_match(ref, &ids);
	if (iplen > 0)
		FUZZ_CHECK(rc == 0, "an IP literal never matches a dNSName");
	memset(&ids, 0, sizeof(ids));
	ids.cn = pres;
	FUZZ_CHECK(tlsname_match(ref, &ids) == 0,
	    "the CN never matches (RFC 9525 6.3)");
	rc = tlsname_cn_match(ref, &ids);
	if (iplen > 0)
		FUZZ_CHECK(rc == 0, "an IP literal never matches the CN");
	if (rc)
		FUZZ_CHECK(strchr(pres, '*') == NULL, "no wildcard in the CN");
	ids.has_san = 1;
	FUZZ_CHECK(tlsname_cn_match(ref, &ids) == 0,
	    "the CN does not count when there is a subjectAltName");

	rc = tlsfail_first((const unsigned char *)f, flen, hex, sizeof(hex));
	FUZZ_CHECK(rc == TLS_FAIL_NONE || rc == TLS_FAIL_SMTP ||
	    rc == TLS_FAIL_NOTTLS, "TLS, SMTP or neither");
	if (rc == TLS_FAIL_NONE)
		FUZZ_CHECK(flen > 0 && (f[0] == 21 || f[0] == 22),
		    "TLS begins with an alert or a handshake record");
	if (rc == TLS_FAIL_SMTP)
		FUZZ_CHECK(flen >= 3 && f[0] >= '2' && f[0] <= '5',
		    "an SMTP reply begins with its code");
	for (n = 0; hex[n] != '\0'; n++)
		FUZZ_CHECK((unsigned char)hex[n] >= 0x20 && hex[n] != 0x7f,
		    "shown without control bytes");
	rc = tls_fingerprint_parse(pres, fp, sizeof(fp), &n);
	if (rc != -1) {
		FUZZ_CHECK((rc == TLS_FP_SHA256 && n == 32) ||
		    (rc == TLS_FP_SHA1 && n == 20) ||
		    (rc == TLS_FP_MD5 && n == 16),
		    "a fingerprint has the length of its kind");
		tlsname_hex(fp, n, hex, sizeof(hex));
		FUZZ_CHECK(strlen(hex) == 3 * n - 1, "hex with colons");
	}
	return 0;
}
