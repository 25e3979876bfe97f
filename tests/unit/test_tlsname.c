/*
 * Unit tests for src/net/tlsname.c: RFC 9525 server identity matching over
 * the names taken from a certificate.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "net/tlsname.h"

static void	test_dns(void);
static void	test_ip(void);
static void	test_cn(void);
static void	test_fingerprint(void);

static void
test_dns(void)
{
	ok(tlsname_dns_match("mail.example.com", "mail.example.com"),
	    "exact name");
	ok(tlsname_dns_match("Mail.Example.COM", "mail.example.com"),
	    "case-insensitive");
	ok(tlsname_dns_match("mail.example.com.", "mail.example.com"),
	    "trailing dot of the reference ignored");
	ok(!tlsname_dns_match("mail.example.com", "example.com"),
	    "parent domain does not match");
	ok(tlsname_dns_match("a.example.com", "*.example.com"),
	    "wildcard matches one label");
	ok(!tlsname_dns_match("example.com", "*.example.com"),
	    "wildcard does not match the bare domain");
	ok(!tlsname_dns_match("a.b.example.com", "*.example.com"),
	    "wildcard does not match two labels");
	ok(!tlsname_dns_match("foo.example.com", "f*.example.com"),
	    "partial wildcard f* never matches");
	ok(!tlsname_dns_match("f.example.com", "f*.example.com"),
	    "partial wildcard f* never matches f");
	ok(!tlsname_dns_match("foo.example.com", "*o.example.com"),
	    "partial wildcard *o never matches");
	ok(!tlsname_dns_match("a.b.example.com", "a.*.example.com"),
	    "wildcard not in the left-most label never matches");
	ok(!tlsname_dns_match("a.com", "*.com"),
	    "no wildcard over a top-level domain");
	ok(!tlsname_dns_match("*.example.com", "*.example.com"),
	    "a reference with a star matches nothing");
	ok(!tlsname_dns_match(".example.com", "*.example.com"),
	    "an empty left-most label matches nothing");
	ok(!tlsname_dns_match("a.example.com", "*.example.com\xc3\xa9"),
	    "a non-ASCII presented name never matches");
	ok(!tlsname_dns_match("", ""), "empty names never match");
}

static void
test_ip(void)
{
	struct tlsname_ids	ids;
	unsigned char		v4[4] = { 127, 0, 0, 1 }, bin[16];
	unsigned char		v6[16] = { [15] = 1 };

	memset(&ids, 0, sizeof(ids));
	ids.has_san = 1;
	ids.ip[0] = v4;
	ids.iplen[0] = 4;
	ids.ip[1] = v6;
	ids.iplen[1] = 16;
	ids.nip = 2;
	ids.dns[0] = "localhost";
	ids.ndns = 1;
	ok(tlsname_match("127.0.0.1", &ids), "IPv4 against iPAddress");
	ok(tlsname_match("::1", &ids), "IPv6 against iPAddress");
	ok(tlsname_match("[::1]", &ids), "IPv6 in brackets");
	ok(!tlsname_match("127.0.0.2", &ids), "another IPv4 address");
	ok(tlsname_match("localhost", &ids), "the DNS name still matches");
	/* An IP literal is never compared with dNSName or the CN. */
	memset(&ids, 0, sizeof(ids));
	ids.has_san = 1;
	ids.dns[0] = "127.0.0.1";
	ids.ndns = 1;
	ids.cn = "127.0.0.1";
	ok(!tlsname_match("127.0.0.1", &ids), "IP not against dNSName");
	ids.has_san = 0;
	ids.ndns = 0;
	ok(!tlsname_match("127.0.0.1", &ids), "IP not against the CN");
	is_int(tlsname_ip("10.1.2.3", bin), 4, "dotted quad parsed");
	is_int(tlsname_ip("[2001:db8::1]", bin), 16, "bracketed IPv6");
	is_int(tlsname_ip("example.com", bin), 0, "a name is no IP");
	is_int(tlsname_ip("1.2.3", bin), 0, "three parts are no IP");
}

static void
test_cn(void)
{
	struct tlsname_ids	ids;

	/* RFC 9525 6.3: the CN never matches, even without any SAN. */
	memset(&ids, 0, sizeof(ids));
	ids.cn = "mail.example.com";
	ok(!tlsname_match("mail.example.com", &ids),
	    "CN not used even when there is no subjectAltName");
	ok(tlsname_cn_match("mail.example.com", &ids),
	    "but the old CN fallback would have matched");
	ok(tlsname_cn_match("MAIL.example.com.", &ids),
	    "the old fallback compared case-insensitively");
	ok(!tlsname_cn_match("other.example.com", &ids),
	    "the old fallback: another name does not match");
	ids.cn = "*.example.com";
	ok(!tlsname_cn_match("mail.example.com", &ids),
	    "the old fallback: no wildcard in the CN");
	ids.cn = "127.0.0.1";
	ok(!tlsname_cn_match("127.0.0.1", &ids),
	    "the old fallback: never an IP literal");
	ids.cn = "mail.example.com";
	ids.has_san = 1;
	ids.dns[0] = "other.example.com";
	ids.ndns = 1;
	ok(!tlsname_match("mail.example.com", &ids),
	    "CN ignored when the certificate has a DNS SAN");
	ok(!tlsname_cn_match("mail.example.com", &ids),
	    "and the old fallback did not apply there either");
	ids.ndns = 0;
	ok(!tlsname_cn_match("mail.example.com", &ids),
	    "nor with any SAN at all");
	ids.has_san = 0;
	ids.cn = NULL;
	ok(!tlsname_match("mail.example.com", &ids) &&
	    !tlsname_cn_match("mail.example.com", &ids),
	    "no names: no match");
}

static void
test_fingerprint(void)
{
	unsigned char	b[64];
	size_t		n;
	char		hex[200];
	const char	*sha256 = "58:80:DD:DC:F9:E2:D2:E8:1D:6B:E2:43:A7:39:"
			    "08:0E:44:99:61:08:69:E4:35:E5:DC:33:C0:19:B5:BC:"
			    "76:2F";

	is_int(tls_fingerprint_parse(sha256, b, sizeof(b), &n),
	    TLS_FP_SHA256, "SHA-256 with colons");
	is_int(n, 32, "32 bytes");
	tlsname_hex(b, n, hex, sizeof(hex));
	ok(strcmp(hex, sha256) == 0, "hex round trip");
	is_int(tls_fingerprint_parse("5880dddcf9e2d2e81d6be243a739080e449961"
	    "0869e435e5dc33c019b5bc762f", b, sizeof(b), &n), TLS_FP_SHA256,
	    "SHA-256 in lower case without colons");
	tlsname_hex(b, n, hex, sizeof(hex));
	ok(strcmp(hex, sha256) == 0, "the same bytes");
	is_int(tls_fingerprint_parse("00:11:22:33:44:55:66:77:88:99:AA:BB:CC:"
	    "DD:EE:FF:00:11:22:33", b, sizeof(b), &n), TLS_FP_SHA1,
	    "20 bytes are SHA-1");
	is_int(tls_fingerprint_parse("00112233445566778899aabbccddeeff", b,
	    sizeof(b), &n), TLS_FP_MD5, "16 bytes are MD5");
	is_int(tls_fingerprint_parse("00:11", b, sizeof(b), &n), -1,
	    "2 bytes are nothing");
	is_int(tls_fingerprint_parse("", b, sizeof(b), &n), -1, "empty");
	is_int(tls_fingerprint_parse("0:011223344556677889900aabbccddeeff", b,
	    sizeof(b), &n), -1, "a colon inside a byte");
	is_int(tls_fingerprint_parse("00:1122334455667788990011223344556677"
	    "8899", b, sizeof(b), &n), -1, "colons and none mixed");
	is_int(tls_fingerprint_parse("00:11:22:33:44:55:66:77:88:99:AA:BB:CC:"
	    "DD:EE:FF:", b, sizeof(b), &n), -1, "a trailing colon");
	is_int(tls_fingerprint_parse("0g112233445566778899aabbccddeeff", b,
	    sizeof(b), &n), -1, "not hex");
	is_int(tls_fingerprint_parse("001122334455667788990011223344556677889"
	    "900112233445566778899001122334455667788990011", b, 32, &n), -1,
	    "more than the buffer");
	tlsname_date(0, hex, sizeof(hex));
	ok(strcmp(hex, "1970-01-01 00:00:00 UTC") == 0, "dates in UTC");
}

int
main(void)
{
	test_dns();
	test_ip();
	test_cn();
	test_fingerprint();
	return done_testing();
}
