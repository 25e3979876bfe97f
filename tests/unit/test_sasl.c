/* SASL mechanisms against their RFCs' examples, and base64 edges. */
#include <string.h>

#include "smtp/sasl.h"
#include "tap.h"
#include "base/crypto.h"
#include "net/tls.h"

/* RFC 5802 5 and RFC 7677 3: the example exchanges. */
#define SHA1_NONCE	"fyko+d2lbbFgONRv9qkxdawL"
#define SHA1_SFIRST	"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j," \
			"s=QSXCR+Q6sek8bf92,i=4096"
#define SHA1_CFINAL	"c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j," \
			"p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="
#define SHA1_SFINAL	"v=rmF9pqV8S7suAoZWja4dJRkFsKQ="
#define SHA256_NONCE	"rOprNGfwEbeRWgbNEkqO"
#define SHA256_SFIRST	"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)" \
			"hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
#define SHA256_CFINAL	"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)" \
			"hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
#define SHA256_SFINAL	"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="

static char	*enc(const char *);
static char	*dec(const char *);
static struct sasl *start(enum sasl_mech, const char *, const char *,
		    const struct sasl_cb *, const char *, char *);
static int	step(struct sasl *, const char *, char *);
static void	test_vectors(void);
static void	test_names(void);
static void	test_simple(void);
static void	test_oauth(void);
static void	test_scram(void);
static void	test_scram_bad(void);
static void	test_plus(void);
static void	test_base64(void);

static char	why[256];

/* base64 of a text challenge, as the server sends it. */
static char *
enc(const char *s)
{
	static char	buf[4][SASL_RESPMAX];
	static int	i;

	i = (i + 1) % 4;
	if (b64_encode(s, strlen(s), buf[i], sizeof(buf[i])) == -1)
		return NULL;
	return buf[i];
}

/* The text of a base64 response, for comparing with the RFC's. */
static char *
dec(const char *s)
{
	static char	buf[SASL_RESPMAX];
	ssize_t		n;

	if ((n = b64_decode(s, strlen(s), buf, sizeof(buf) - 1)) == -1)
		return "(not base64)";
	buf[n] = '\0';
	return buf;
}

/* sasl_new() and sasl_start(), the initial response into out. */
static struct sasl *
start(enum sasl_mech m, const char *user, const char *secret,
    const struct sasl_cb *cb, const char *nonce, char *out)
{
	struct sasl_cred	 c = { user, secret, NULL, 0 };
	struct sasl		*s;
	int			 has_ir;

	why[0] = '\0';
	if ((s = sasl_new(m, &c, cb, why, sizeof(why))) == NULL)
		return NULL;
	if (nonce != NULL)
		sasl_set_nonce(s, nonce);
	if (sasl_start(s, out, SASL_RESPMAX, &has_ir, why, sizeof(why)) ==
	    -1) {
		sasl_free(s);
		return NULL;
	}
	return s;
}

/* Answer the text challenge chal (base64-encoded here). */
static int
step(struct sasl *s, const char *chal, char *out)
{
	const char	*c = enc(chal);

	return sasl_step(s, c, strlen(c), out, SASL_RESPMAX, why,
	    sizeof(why));
}

int
main(void)
{
	test_vectors();
	test_names();
	test_simple();
	test_oauth();
	test_scram();
	test_scram_bad();
	test_plus();
	test_base64();
	return done_testing();
}

/*
 * The vectors that once checked the one-shot PLAIN and LOGIN helpers,
 * through the exchange API (sasl_start, sasl_step) that bote uses.
 */
static void
test_vectors(void)
{
	struct sasl_cred	 c = { "tim", "tanstaaftanstaaf", NULL, 0 };
	struct sasl		*s;
	char			 out[SASL_RESPMAX], small[8];
	int			 has_ir = -1;

	/* RFC 4616 section 4, first example: authcid tim, no authzid. */
	s = sasl_new(SASL_PLAIN, &c, NULL, why, sizeof(why));
	is_int(sasl_start(s, out, sizeof(out), &has_ir, why, sizeof(why)), 0,
	    "PLAIN encodes");
	is_str(out, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm", "PLAIN: RFC 4616 vector");
	sasl_free(s);
	s = sasl_new(SASL_PLAIN, &c, NULL, why, sizeof(why));
	is_int(sasl_start(s, small, sizeof(small), &has_ir, why, sizeof(why)),
	    -1, "PLAIN into a small buffer fails, not truncates");
	sasl_free(s);

	c.secret = "pw";
	s = sasl_new(SASL_LOGIN, &c, NULL, why, sizeof(why));
	(void)sasl_start(s, out, sizeof(out), &has_ir, why, sizeof(why));
	is_int(step(s, "Username:", out), 0, "LOGIN 0");
	is_str(out, "dGlt", "LOGIN step 0 is the user name");
	is_int(step(s, "Password:", out), 0, "LOGIN 1");
	is_str(out, "cHc=", "LOGIN step 1 is the password");
	is_int(step(s, "Password:", out), -1, "LOGIN has no step 2");
	sasl_free(s);
}

static void
test_names(void)
{
	unsigned	all = 0;
	int		m;

	is_int(sasl_mech_lookup("scram-sha-256-plus", 18),
	    SASL_SCRAM_SHA_256_PLUS, "lookup is case-insensitive");
	is_int(sasl_mech_lookup("Cram-MD5", 8), SASL_CRAM_MD5,
	    "lookup of mixed case CRAM-MD5");
	is_int(sasl_mech_lookup("PLAINTEXT", 5), SASL_PLAIN,
	    "lookup takes exactly len bytes");
	is_int(sasl_mech_lookup("PLAIN", 4), SASL_NONE,
	    "a prefix of a name is no name");
	is_int(sasl_mech_lookup("SCRAM-SHA-1-PLUS", 11), SASL_SCRAM_SHA_1,
	    "SCRAM-SHA-1 out of SCRAM-SHA-1-PLUS by length");
	is_int(sasl_mech_lookup("GSSAPI", 6), SASL_NONE, "unknown: NONE");
	is_int(sasl_mech_lookup("", 0), SASL_NONE, "empty: NONE");
	for (m = SASL_NONE + 1; m < SASL__COUNT; m++) {
		const char *n = sasl_mech_name((enum sasl_mech)m);

		ok(sasl_mech_lookup(n, strlen(n)) == (enum sasl_mech)m,
		    "name and lookup agree for %s", n);
		all |= SASL_BIT(m);
	}
	is_str(sasl_mech_name(SASL_SCRAM_SHA_256_PLUS), "SCRAM-SHA-256-PLUS",
	    "name of SCRAM-SHA-256-PLUS");
	is_str(sasl_mech_name(SASL_NONE), "", "NONE has no name");

	is_int(sasl_choose(all, 1), SASL_SCRAM_SHA_256_PLUS,
	    "everything offered, channel binding: SCRAM-SHA-256-PLUS");
	is_int(sasl_choose(all, 0), SASL_SCRAM_SHA_256,
	    "everything offered, no channel binding: SCRAM-SHA-256");
	is_int(sasl_choose(SASL_BIT(SASL_SCRAM_SHA_1_PLUS) |
	    SASL_BIT(SASL_SCRAM_SHA_256), 1), SASL_SCRAM_SHA_1_PLUS,
	    "-PLUS before a stronger hash without it");
	is_int(sasl_choose(SASL_BIT(SASL_SCRAM_SHA_1_PLUS) |
	    SASL_BIT(SASL_PLAIN), 0), SASL_PLAIN,
	    "-PLUS is skipped without channel binding");
	is_int(sasl_choose(SASL_BIT(SASL_SCRAM_SHA_1) |
	    SASL_BIT(SASL_PLAIN), 1), SASL_SCRAM_SHA_1,
	    "SCRAM-SHA-1 before PLAIN");
	is_int(sasl_choose(SASL_BIT(SASL_LOGIN) | SASL_BIT(SASL_CRAM_MD5) |
	    SASL_BIT(SASL_PLAIN), 1), SASL_PLAIN, "PLAIN before CRAM-MD5");
	is_int(sasl_choose(SASL_BIT(SASL_LOGIN) | SASL_BIT(SASL_CRAM_MD5), 1),
	    SASL_CRAM_MD5, "CRAM-MD5 before LOGIN");
	is_int(sasl_choose(SASL_BIT(SASL_LOGIN), 0), SASL_LOGIN,
	    "LOGIN when it is all");
	is_int(sasl_choose(SASL_BIT(SASL_XOAUTH2) |
	    SASL_BIT(SASL_OAUTHBEARER) | SASL_BIT(SASL_EXTERNAL), 1),
	    SASL_NONE, "OAuth and EXTERNAL are never chosen automatically");
	is_int(sasl_choose(0, 1), SASL_NONE, "nothing offered: NONE");
}

/* PLAIN, LOGIN, CRAM-MD5 and EXTERNAL through the exchange API. */
static void
test_simple(void)
{
	struct sasl_cred	 c = { "tim", "tanstaaftanstaaf", NULL, 0 };
	struct sasl		*s;
	char			 out[SASL_RESPMAX], small[16];
	int			 has_ir = -1;

	s = start(SASL_PLAIN, "tim", "tanstaaftanstaaf", NULL, NULL, out);
	ok(s != NULL, "PLAIN starts");
	is_str(out, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm",
	    "PLAIN initial response: RFC 4616 vector");
	is_int(sasl_step(s, "", 0, out, sizeof(out), why, sizeof(why)), 0,
	    "PLAIN answers an empty challenge (no initial response sent)");
	is_str(out, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm", "with the same response");
	is_int(sasl_step(s, "", 0, out, sizeof(out), why, sizeof(why)), -1,
	    "PLAIN has no second challenge");
	is_int(sasl_finish(s, why, sizeof(why)), 0, "PLAIN finishes");
	sasl_free(s);

	s = sasl_new(SASL_PLAIN, &c, NULL, why, sizeof(why));
	is_int(sasl_start(s, small, sizeof(small), &has_ir, why,
	    sizeof(why)), -1, "PLAIN into a small buffer fails");
	sasl_free(s);
	c.user = NULL;
	ok(sasl_new(SASL_PLAIN, &c, NULL, why, sizeof(why)) == NULL,
	    "PLAIN without a user cannot start");
	c.user = "tim";
	c.secret = NULL;
	ok(sasl_new(SASL_LOGIN, &c, NULL, why, sizeof(why)) == NULL,
	    "LOGIN without a password cannot start");
	c.secret = "tanstaaftanstaaf";

	s = sasl_new(SASL_LOGIN, &c, NULL, why, sizeof(why));
	is_int(sasl_start(s, out, sizeof(out), &has_ir, why, sizeof(why)), 0,
	    "LOGIN starts");
	ok(has_ir == 0 && out[0] == '\0', "LOGIN has no initial response");
	is_int(step(s, "Username:", out), 0, "LOGIN user name prompt");
	is_str(dec(out), "tim", "LOGIN answers the user name");
	is_int(step(s, "Password:", out), 0, "LOGIN password prompt");
	is_str(dec(out), "tanstaaftanstaaf", "LOGIN answers the password");
	is_int(step(s, "Password:", out), -1, "LOGIN has no third prompt");
	sasl_free(s);

	/* RFC 2195 2, the example exchange. */
	s = sasl_new(SASL_CRAM_MD5, &c, NULL, why, sizeof(why));
	is_int(sasl_start(s, out, sizeof(out), &has_ir, why, sizeof(why)), 0,
	    "CRAM-MD5 starts");
	ok(has_ir == 0, "CRAM-MD5 has no initial response");
	is_int(sasl_step(s, "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1j"
	    "aS5uZXQ+", 56, out, sizeof(out), why, sizeof(why)), 0,
	    "CRAM-MD5 answers the RFC 2195 challenge");
	is_str(out, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw",
	    "CRAM-MD5: RFC 2195 vector");
	is_str(dec(out), "tim b913a602c7eda7a495b4e6e7334d3890",
	    "CRAM-MD5: user and hex digest");
	is_int(step(s, "<1@x>", out), -1, "CRAM-MD5 has one challenge");
	sasl_free(s);
	s = sasl_new(SASL_CRAM_MD5, &c, NULL, why, sizeof(why));
	is_int(sasl_step(s, "", 0, out, sizeof(out), why, sizeof(why)), -1,
	    "CRAM-MD5 refuses an empty challenge");
	sasl_free(s);

	/* RFC 4422 appendix A. */
	c.user = NULL;
	c.secret = NULL;
	s = sasl_new(SASL_EXTERNAL, &c, NULL, why, sizeof(why));
	ok(s != NULL, "EXTERNAL needs neither user nor secret");
	is_int(sasl_start(s, out, sizeof(out), &has_ir, why, sizeof(why)), 0,
	    "EXTERNAL starts");
	ok(has_ir == 1, "EXTERNAL has an initial response");
	is_str(out, "=", "EXTERNAL without authzid: empty response \"=\"");
	is_int(sasl_step(s, "", 0, out, sizeof(out), why, sizeof(why)), 0,
	    "EXTERNAL answers an empty challenge");
	is_str(out, "", "with an empty response");
	is_int(sasl_finish(s, why, sizeof(why)), 0, "EXTERNAL finishes");
	sasl_free(s);
	s = start(SASL_EXTERNAL, "admin", NULL, NULL, NULL, out);
	is_str(dec(out), "admin", "EXTERNAL with an authzid sends it");
	sasl_free(s);
}

/* XOAUTH2 (Google's format) and OAUTHBEARER (RFC 7628). */
static void
test_oauth(void)
{
	struct sasl_cred	 c = { "user@example.com",
	    "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==",
	    "server.example.com", 143 };
	struct sasl		*s;
	char			 out[SASL_RESPMAX];
	int			 has_ir;

	/* RFC 7628 4.1. */
	s = sasl_new(SASL_OAUTHBEARER, &c, NULL, why, sizeof(why));
	is_int(sasl_start(s, out, sizeof(out), &has_ir, why, sizeof(why)), 0,
	    "OAUTHBEARER starts");
	is_str(out, "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUu"
	    "Y29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQm"
	    "hiSFJoZG1semRHRXVZMjl0Q2c9PQEB", "OAUTHBEARER: RFC 7628 4.1");
	/* RFC 7628 4.3: the server's error, answered with ^A. */
	is_int(sasl_step(s, "eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJl"
	    "eGFtcGxlX3Njb3BlIiwib3BlbmlkLWNvbmZpZ3VyYXRpb24iOiJodHRwczovL2V4"
	    "YW1wbGUuY29tLy53ZWxsLWtub3duL29wZW5pZC1jb25maWd1cmF0aW9uIn0=",
	    172, out, sizeof(out), why, sizeof(why)), 0,
	    "OAUTHBEARER answers the error challenge");
	is_str(out, "AQ==", "with a lone ^A (RFC 7628 3.2.3)");
	ok(strstr(why, "invalid_token") != NULL,
	    "the error status is reported: %s", why);
	is_int(step(s, "{}", out), -1, "no second error challenge");
	is_int(sasl_finish(s, why, sizeof(why)), -1,
	    "success after an error is not believed");
	sasl_free(s);

	c.host = NULL;
	c.port = 0;
	c.user = "a=b,c";
	s = start(SASL_OAUTHBEARER, NULL, NULL, NULL, NULL, out);
	ok(s == NULL, "OAUTHBEARER without a token cannot start");
	s = sasl_new(SASL_OAUTHBEARER, &c, NULL, why, sizeof(why));
	(void)sasl_start(s, out, sizeof(out), &has_ir, why, sizeof(why));
	is_str(dec(out), "n,a=a=3Db=2Cc,\001auth=Bearer "
	    "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\001\001",
	    "OAUTHBEARER escapes a= and omits host and port");
	is_int(sasl_finish(s, why, sizeof(why)), 0, "OAUTHBEARER finishes");
	sasl_free(s);
	c.user = NULL;
	s = sasl_new(SASL_OAUTHBEARER, &c, NULL, why, sizeof(why));
	(void)sasl_start(s, out, sizeof(out), &has_ir, why, sizeof(why));
	is_str(dec(out), "n,,\001auth=Bearer "
	    "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\001\001",
	    "OAUTHBEARER without a user has an empty gs2 authzid");
	sasl_free(s);

	/* Google's XOAUTH2 example. */
	s = start(SASL_XOAUTH2, "someuser@example.com",
	    "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg", NULL, NULL, out);
	is_str(out, "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5"
	    "LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==",
	    "XOAUTH2: user= ^A auth=Bearer ^A ^A");
	is_int(step(s, "{\"status\":\"401\",\"schemes\":\"bearer\"}", out), 0,
	    "XOAUTH2 answers the error challenge");
	is_str(out, "", "with an empty response");
	ok(strstr(why, "401") != NULL, "the status is reported: %s", why);
	is_int(sasl_finish(s, why, sizeof(why)), -1,
	    "XOAUTH2 success after an error is not believed");
	sasl_free(s);
	ok(start(SASL_XOAUTH2, NULL, "tok", NULL, NULL, out) == NULL,
	    "XOAUTH2 without a user cannot start");
	ok(start(SASL_XOAUTH2, "u", "tok\001auth=x", NULL, NULL, out) ==
	    NULL, "XOAUTH2 refuses a ^A in the token");
	ok(start(SASL_OAUTHBEARER, "u\001host=x", "tok", NULL, NULL, out) ==
	    NULL, "OAUTHBEARER refuses a ^A in the user name");
}

/* RFC 5802 5 and RFC 7677 3, the whole exchanges. */
static void
test_scram(void)
{
	struct sasl	*s, *t;
	char		 out[SASL_RESPMAX], out2[SASL_RESPMAX];
	int		 has_ir;

	s = start(SASL_SCRAM_SHA_1, "user", "pencil", NULL, SHA1_NONCE, out);
	ok(s != NULL, "SCRAM-SHA-1 starts");
	is_str(dec(out), "n,,n=user,r=" SHA1_NONCE,
	    "SCRAM-SHA-1 client-first: RFC 5802 5");
	is_int(step(s, SHA1_SFIRST, out), 0, "SCRAM-SHA-1 server-first");
	is_str(dec(out), SHA1_CFINAL, "SCRAM-SHA-1 client-final with proof");
	is_int(step(s, SHA1_SFINAL, out), 0,
	    "SCRAM-SHA-1 server signature verified");
	is_str(out, "", "SCRAM-SHA-1 then sends an empty response");
	is_int(sasl_finish(s, why, sizeof(why)), 0, "SCRAM-SHA-1 finishes");
	is_int(step(s, SHA1_SFINAL, out), -1, "no challenge after the end");
	sasl_free(s);

	s = start(SASL_SCRAM_SHA_256, "user", "pencil", NULL, SHA256_NONCE,
	    out);
	is_str(dec(out), "n,,n=user,r=" SHA256_NONCE,
	    "SCRAM-SHA-256 client-first: RFC 7677 3");
	is_int(step(s, SHA256_SFIRST, out), 0, "SCRAM-SHA-256 server-first");
	is_str(dec(out), SHA256_CFINAL, "SCRAM-SHA-256 client-final");
	is_int(step(s, SHA256_SFINAL, out), 0,
	    "SCRAM-SHA-256 server signature verified");
	is_int(sasl_finish(s, why, sizeof(why)), 0, "SCRAM-SHA-256 finishes");
	sasl_free(s);

	/* No initial response sent: the empty 334 gets client-first. */
	s = start(SASL_SCRAM_SHA_1, "user", "pencil", NULL, SHA1_NONCE, out);
	is_int(sasl_step(s, "", 0, out, sizeof(out), why, sizeof(why)), 0,
	    "SCRAM answers an empty first challenge");
	is_str(dec(out), "n,,n=user,r=" SHA1_NONCE, "with client-first");
	is_int(step(s, SHA1_SFIRST, out), 0, "and then goes on");
	is_str(dec(out), SHA1_CFINAL, "to the same client-final");
	sasl_free(s);

	/* A random nonce: 24 bytes, base64, different each time. */
	s = start(SASL_SCRAM_SHA_256, "user", "pencil", NULL, NULL, out);
	t = start(SASL_SCRAM_SHA_256, "user", "pencil", NULL, NULL, out2);
	ok(s != NULL && t != NULL, "SCRAM with random nonces starts");
	ok(strncmp(dec(out), "n,,n=user,r=", 12) == 0 &&
	    strlen(dec(out)) >= 12 + 32, "the random nonce is 32+ characters");
	ok(strcmp(out, out2) != 0, "two exchanges have different nonces");
	sasl_free(s);
	sasl_free(t);

	/* Names with "=" and "," (RFC 5802 5.1). */
	s = start(SASL_SCRAM_SHA_1, "a=b,c", "pencil", NULL, SHA1_NONCE, out);
	is_str(dec(out), "n,,n=a=3Db=2Cc,r=" SHA1_NONCE,
	    "SCRAM escapes = and , in the user name");
	sasl_free(s);

	/*
	 * SASLprep (RFC 8265 OpaqueString in GnuTLS): a no-break space is a
	 * space, and a decomposed e-acute is the composed one.
	 */
	s = start(SASL_SCRAM_SHA_1, "user", "pen\xc2\xa0" "cil", NULL,
	    SHA1_NONCE, out);
	t = start(SASL_SCRAM_SHA_1, "user", "pen cil", NULL, SHA1_NONCE,
	    out2);
	(void)step(s, SHA1_SFIRST, out);
	(void)step(t, SHA1_SFIRST, out2);
	is_str(out, out2, "SASLprep maps a no-break space to a space");
	sasl_free(s);
	sasl_free(t);
	s = start(SASL_SCRAM_SHA_1, "user", "e\xcc\x81", NULL, SHA1_NONCE,
	    out);
	t = start(SASL_SCRAM_SHA_1, "user", "\xc3\xa9", NULL, SHA1_NONCE,
	    out2);
	(void)step(s, SHA1_SFIRST, out);
	(void)step(t, SHA1_SFIRST, out2);
	is_str(out, out2, "SASLprep composes (NFC)");
	sasl_free(s);
	sasl_free(t);
	s = start(SASL_SCRAM_SHA_1, "user", "pencil", NULL, SHA1_NONCE, out);
	t = start(SASL_SCRAM_SHA_1, "user", "pencjl", NULL, SHA1_NONCE, out2);
	(void)step(s, SHA1_SFIRST, out);
	(void)step(t, SHA1_SFIRST, out2);
	ok(strcmp(out, out2) != 0, "another password, another proof");
	sasl_free(s);
	sasl_free(t);

	/* The gs2 flag: "y" under TLS with binding data, "n" without. */
	{
		static const unsigned char	 d[12];
		struct sasl_cb			 cb = { 1, "tls-unique", d,
		    sizeof(d) };

		s = start(SASL_SCRAM_SHA_1, "user", "pencil", &cb, SHA1_NONCE,
		    out);
		is_str(dec(out), "y,,n=user,r=" SHA1_NONCE,
		    "SCRAM without -PLUS under TLS: gs2 flag y");
		(void)step(s, SHA1_SFIRST, out);
		ok(strncmp(dec(out), "c=eSws,", 7) == 0,
		    "and c= is base64 of \"y,,\"");
		sasl_free(s);
		cb.data = NULL;
		cb.len = 0;
		s = start(SASL_SCRAM_SHA_1, "user", "pencil", &cb, SHA1_NONCE,
		    out);
		is_str(dec(out), "n,,n=user,r=" SHA1_NONCE,
		    "under TLS without binding data: gs2 flag n");
		sasl_free(s);
	}
	s = start(SASL_SCRAM_SHA_1, "user", "pencil", NULL, SHA1_NONCE, out);
	(void)sasl_start(s, out, sizeof(out), &has_ir, why, sizeof(why));
	ok(has_ir == 1, "SCRAM has an initial response");
	sasl_free(s);
}

/* What a client must refuse. */
static void
test_scram_bad(void)
{
	static char	 big[12000];
	struct sasl	*s;
	char		 out[SASL_RESPMAX];

	s = start(SASL_SCRAM_SHA_1, "user", "pencil", NULL, SHA1_NONCE, out);
	(void)step(s, SHA1_SFIRST, out);
	is_int(step(s, "v=rmF9pqV8S7suAoZWja4dJRkFsKR=", out), -1,
	    "a tampered server signature is refused");
	ok(strstr(why, "signature") != NULL, "why: %s", why);
	is_int(sasl_finish(s, why, sizeof(why)), -1,
	    "and the exchange is not trusted after a 235");
	sasl_free(s);

	s = start(SASL_SCRAM_SHA_1, "user", "pencil", NULL, SHA1_NONCE, out);
	(void)step(s, SHA1_SFIRST, out);
	is_int(sasl_finish(s, why, sizeof(why)), -1,
	    "a 235 without v= is not trusted");
	ok(why[0] != '\0', "why: %s", why);
	sasl_free(s);

	s = start(SASL_SCRAM_SHA_1, "user", "pencil", NULL, SHA1_NONCE, out);
	(void)step(s, SHA1_SFIRST, out);
	is_int(step(s, "v=cm1GOXBxVjhTN3N1QW9aV2phNGRKUmtG", out), -1,
	    "a server signature of the wrong length is refused");
	sasl_free(s);

	s = start(SASL_SCRAM_SHA_1, "user", "pencil", NULL, SHA1_NONCE, out);
	(void)step(s, SHA1_SFIRST, out);
	is_int(step(s, "e=invalid-proof", out), -1, "e= in server-final");
	ok(strstr(why, "invalid-proof") != NULL, "why: %s", why);
	is_int(sasl_finish(s, why, sizeof(why)), -1, "and no success");
	sasl_free(s);

	s = start(SASL_SCRAM_SHA_1, "user", "pencil", NULL, SHA1_NONCE, out);
	is_int(step(s, "e=other-error", out), -1, "e= in server-first");
	is_int(step(s, SHA1_SFIRST, out), -1, "a failed exchange stays failed");
	sasl_free(s);

	s = start(SASL_SCRAM_SHA_1, "user", "pencil", NULL, SHA1_NONCE, out);
	is_int(step(s, "r=XXXX+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,"
	    "i=4096", out), -1, "a server nonce not extending ours is refused");
	ok(strstr(why, "nonce") != NULL, "why: %s", why);
	sasl_free(s);

	s = start(SASL_SCRAM_SHA_1, "user", "pencil", NULL, SHA1_NONCE, out);
	is_int(step(s, "r=" SHA1_NONCE ",s=QSXCR+Q6sek8bf92,i=4096", out), -1,
	    "a server nonce equal to ours (no server part) is refused");
	sasl_free(s);

	s = start(SASL_SCRAM_SHA_1, "user", "pencil", NULL, SHA1_NONCE, out);
	is_int(step(s, "r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,"
	    "i=0", out), -1, "iteration count 0 is refused");
	ok(strstr(why, "iteration") != NULL, "why: %s", why);
	sasl_free(s);
	s = start(SASL_SCRAM_SHA_1, "user", "pencil", NULL, SHA1_NONCE, out);
	is_int(step(s, "r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,"
	    "i=100001", out), -1, "iteration count 100001 is refused");
	ok(strstr(why, "100000") != NULL, "why names the bound: %s", why);
	sasl_free(s);
	s = start(SASL_SCRAM_SHA_1, "user", "pencil", NULL, SHA1_NONCE, out);
	is_int(step(s, "r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,"
	    "i=100000", out), 0, "iteration count 100000 is accepted");
	sasl_free(s);
	s = start(SASL_SCRAM_SHA_1, "user", "pencil", NULL, SHA1_NONCE, out);
	is_int(step(s, "r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,"
	    "i=-1", out), -1, "a negative iteration count is refused");
	sasl_free(s);
	s = start(SASL_SCRAM_SHA_1, "user", "pencil", NULL, SHA1_NONCE, out);
	is_int(step(s, "r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=QSXCR+Q6sek8bf92,"
	    "i=1", out), 0, "iteration count 1 is accepted");
	sasl_free(s);

	s = start(SASL_SCRAM_SHA_1, "user", "pencil", NULL, SHA1_NONCE, out);
	is_int(step(s, "r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=!!!!,i=4096", out),
	    -1, "a salt that is not base64 is refused");
	sasl_free(s);
	s = start(SASL_SCRAM_SHA_1, "user", "pencil", NULL, SHA1_NONCE, out);
	is_int(step(s, "r=fyko+d2lbbFgONRv9qkxdawL3rfc,s=,i=4096", out), -1,
	    "an empty salt is refused");
	sasl_free(s);
	s = start(SASL_SCRAM_SHA_1, "user", "pencil", NULL, SHA1_NONCE, out);
	is_int(step(s, "m=ext," SHA1_SFIRST, out), -1,
	    "a mandatory extension is refused");
	sasl_free(s);
	s = start(SASL_SCRAM_SHA_1, "user", "pencil", NULL, SHA1_NONCE, out);
	is_int(step(s, "s=QSXCR+Q6sek8bf92,r=fyko+d2lbbFgONRv9qkxdawL3rfc,"
	    "i=4096", out), -1, "attributes out of order are refused");
	sasl_free(s);

	s = start(SASL_SCRAM_SHA_1, "user", "pencil", NULL, SHA1_NONCE, out);
	is_int(sasl_step(s, "cj1meWtv!!", 10, out, sizeof(out), why,
	    sizeof(why)), -1, "an undecodable challenge is refused");
	ok(strstr(why, "base64") != NULL, "why: %s", why);
	sasl_free(s);

	s = start(SASL_SCRAM_SHA_1, "user", "pencil", NULL, SHA1_NONCE, out);
	memset(big, 'A', sizeof(big));
	is_int(sasl_step(s, big, sizeof(big), out, sizeof(out), why,
	    sizeof(why)), -1, "an oversized challenge is refused");
	ok(strstr(why, "too long") != NULL, "why: %s", why);
	sasl_free(s);
}

/* SCRAM-*-PLUS with fixed channel binding data (values from Python). */
static void
test_plus(void)
{
	unsigned char	 exp[32], uniq[12];
	struct sasl_cb	 cb = { 1, "tls-exporter", exp, sizeof(exp) };
	struct sasl	*s;
	char		 out[SASL_RESPMAX];
	size_t		 i;

	for (i = 0; i < sizeof(exp); i++)
		exp[i] = (unsigned char)i;
	for (i = 0; i < sizeof(uniq); i++)
		uniq[i] = (unsigned char)i;

	s = start(SASL_SCRAM_SHA_256_PLUS, "user", "pencil", &cb, SHA1_NONCE,
	    out);
	ok(s != NULL, "SCRAM-SHA-256-PLUS starts with binding data");
	is_str(dec(out), "p=tls-exporter,,n=user,r=" SHA1_NONCE,
	    "-PLUS client-first names the binding type");
	is_int(step(s, SHA1_SFIRST, out), 0, "-PLUS server-first");
	is_str(dec(out), "c=cD10bHMtZXhwb3J0ZXIsLAABAgMEBQYHCAkKCwwNDg8QERIT"
	    "FBUWFxgZGhscHR4f,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
	    "p=D2/elnCpWN5vzfsupEyIK53QUqQZA7VoJLvCOkoiEBw=",
	    "-PLUS c= carries the gs2 header and the binding data");
	is_int(step(s, "v=/x9512I1emNk+1VDcdC2VMj4vnhDWtaJHavjWnKxnkM=", out),
	    0, "-PLUS server signature verified");
	is_int(sasl_finish(s, why, sizeof(why)), 0, "-PLUS finishes");
	sasl_free(s);

	cb.type = "tls-unique";
	cb.data = uniq;
	cb.len = sizeof(uniq);
	s = start(SASL_SCRAM_SHA_1_PLUS, "user", "pencil", &cb, SHA1_NONCE,
	    out);
	is_str(dec(out), "p=tls-unique,,n=user,r=" SHA1_NONCE,
	    "SCRAM-SHA-1-PLUS with tls-unique");
	(void)step(s, SHA1_SFIRST, out);
	is_str(dec(out), "c=cD10bHMtdW5pcXVlLCwAAQIDBAUGBwgJCgs=,"
	    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
	    "p=ResgVA2w6fEFiwzXkrPSGTt/RSg=", "tls-unique c= and proof");
	is_int(step(s, "v=HKBeWjn99U5AvtgAjz6m1d81mhk=", out), 0,
	    "SCRAM-SHA-1-PLUS server signature verified");
	sasl_free(s);

	ok(start(SASL_SCRAM_SHA_256_PLUS, "user", "pencil", NULL, NULL,
	    out) == NULL, "-PLUS without TLS cannot start");
	ok(strstr(why, "channel binding") != NULL, "why: %s", why);
	cb.data = NULL;
	cb.len = 0;
	ok(start(SASL_SCRAM_SHA_1_PLUS, "user", "pencil", &cb, NULL,
	    out) == NULL, "-PLUS under TLS without binding data cannot start");
	cb.data = uniq;
	cb.len = sizeof(uniq);
	cb.type = "tls,unique";
	ok(start(SASL_SCRAM_SHA_1_PLUS, "user", "pencil", &cb, NULL,
	    out) == NULL, "a binding type with a comma is refused");
}

static void
test_base64(void)
{
	char	out[SASL_RESPMAX];
	char	d[64];
	ssize_t	n;

	/* RFC 4648 section 10 vectors. */
	is_int(b64_encode("foobar", 6, out, sizeof(out)), 0, "b64 foobar");
	is_str(out, "Zm9vYmFy", "b64 of foobar");
	is_int(b64_encode("fo", 2, out, sizeof(out)), 0, "b64 fo");
	is_str(out, "Zm8=", "b64 of fo");
	is_int(b64_encode("", 0, out, sizeof(out)), 0, "b64 empty");
	is_str(out, "", "b64 of nothing is empty");
	n = b64_decode("Zm9vYg==", 8, d, sizeof(d));
	is_mem(d, n < 0 ? 0 : (size_t)n, "foob", 4, "b64 decode foob");
	ok(b64_decode("Zm9v!!==", 8, d, sizeof(d)) == -1,
	    "b64 decode rejects garbage");
	ok(b64_decode("Zm9vYmFy", 8, d, 3) == -1,
	    "b64 decode into a small buffer fails");
}
