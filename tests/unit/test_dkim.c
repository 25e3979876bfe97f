/*
 * Unit tests for src/msg/dkim.c: header and body canonicalization
 * against RFC 6376 3.4.5's example and the rules of 3.4.1 to 3.4.4, fed
 * whole and one octet at a time; the body hashes of the empty body
 * (known constants); the signature fields dkim_sign_keys() writes (tags,
 * h= with From over-signed, a field present twice listed twice, folding).
 * Whether the signatures verify is judged by dkimpy and OpenDKIM, not by
 * bote (tests/dkim.bats).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/crypto.h"
#include "base/util.h"
#include "msg/dkim.h"
#include "msg/outmsg.h"
#include "tap.h"

struct cap {
	char	buf[4096];
	size_t	len;
};

static void
cap_out(void *arg, const char *p, size_t len)
{
	struct cap	*c = arg;

	if (len > sizeof(c->buf) - c->len)
		len = sizeof(c->buf) - c->len;
	memcpy(c->buf + c->len, p, len);
	c->len += len;
}

/* The body canonicalized, fed whole (step 0) or step octets at a time. */
static const char *
body(int canon, const char *in, size_t step, size_t *len)
{
	static struct cap	c;
	struct dkim_body	b;
	size_t			i, n = strlen(in);

	c.len = 0;
	dkim_body_init(&b, canon, cap_out, &c);
	if (step == 0)
		dkim_body_feed(&b, in, n);
	else
		for (i = 0; i < n; i += step)
			dkim_body_feed(&b, in + i, n - i < step ? n - i : step);
	dkim_body_end(&b);
	c.buf[c.len < sizeof(c.buf) ? c.len : sizeof(c.buf) - 1] = '\0';
	*len = c.len;
	return c.buf;
}

static void
body_is(int canon, const char *in, const char *want, const char *what)
{
	const char	*got;
	size_t		 len, step;

	for (step = 0; step <= 3; step++) {
		got = body(canon, in, step, &len);
		is_mem(got, len, want, strlen(want), "%s (%s, step %zu)", what,
		    canon == DKIM_RELAXED ? "relaxed" : "simple", step);
	}
}

static void
header_is(int canon, const char *in, const char *want, const char *what)
{
	struct sbuf	b;

	sbuf_init(&b, 4096);
	is_int(dkim_header_canon(canon, in, strlen(in), &b), 0, "%s", what);
	is_mem(b.p, b.len, want, strlen(want), "%s", what);
	free(b.p);
}

static void
test_rfc6376_example(void)
{
	/* RFC 6376 3.4.5. */
	header_is(DKIM_RELAXED, "A: X\r\n", "a:X\r\n", "3.4.5 relaxed A");
	header_is(DKIM_RELAXED, "B : Y\t\r\n\tZ  \r\n", "b:Y Z\r\n",
	    "3.4.5 relaxed B");
	header_is(DKIM_SIMPLE, "B : Y\t\r\n\tZ  \r\n", "B : Y\t\r\n\tZ  \r\n",
	    "3.4.5 simple B");
	body_is(DKIM_RELAXED, " C \r\nD \t E\r\n\r\n\r\n", " C\r\nD E\r\n",
	    "3.4.5 body");
	body_is(DKIM_SIMPLE, " C \r\nD \t E\r\n\r\n\r\n", " C \r\nD \t E\r\n",
	    "3.4.5 body");
}

static void
test_rules(void)
{
	/* 3.4.3 and 3.4.4: the empty body. */
	body_is(DKIM_SIMPLE, "", "\r\n", "empty body is CRLF");
	body_is(DKIM_RELAXED, "", "", "empty body is empty");
	body_is(DKIM_SIMPLE, "\r\n\r\n", "\r\n", "only empty lines");
	body_is(DKIM_RELAXED, "\r\n\r\n", "", "only empty lines");
	/* A line of blanks is empty once relaxed, so it goes at the end. */
	body_is(DKIM_RELAXED, "a\r\n \t \r\n", "a\r\n", "blank line at end");
	body_is(DKIM_SIMPLE, "a\r\n \t \r\n", "a\r\n \t \r\n",
	    "blank line at end");
	body_is(DKIM_RELAXED, "a\r\n\r\n \r\nb\r\n\r\n",
	    "a\r\n\r\n\r\nb\r\n", "empty lines inside stay");
	/* A last line without CRLF gets one. */
	body_is(DKIM_SIMPLE, "abc", "abc\r\n", "no final CRLF");
	body_is(DKIM_RELAXED, "abc  ", "abc\r\n", "no final CRLF");
	/* 8-bit octets are content like any other. */
	body_is(DKIM_RELAXED, "caf\xc3\xa9 \r\n", "caf\xc3\xa9\r\n", "8-bit");
	/* A CR that ends no line is content, not a line end. */
	body_is(DKIM_RELAXED, "a\rb\r\n", "a\rb\r\n", "lone CR");
	header_is(DKIM_RELAXED, "SUBJECT:\t  hello   world \r\n",
	    "subject:hello world\r\n", "relaxed: blanks after the colon go");
	header_is(DKIM_RELAXED, "X-Empty:\r\n", "x-empty:\r\n",
	    "relaxed: empty value");
	header_is(DKIM_RELAXED, "Subject: a\r\n b\r\n\tc\r\n",
	    "subject:a b c\r\n", "relaxed: unfolded");
}

static void
hash_is(int canon, const char *in, const char *want64, const char *what)
{
	struct cap		 c;
	struct dkim_body	 b;
	unsigned char		 h[CRYPTO_HASHMAX];
	char			 h64[64];

	c.len = 0;
	dkim_body_init(&b, canon, cap_out, &c);
	dkim_body_feed(&b, in, strlen(in));
	dkim_body_end(&b);
	ok(crypto_digest(CRYPTO_SHA256, c.buf, c.len, h) == 0 &&
	    b64_encode(h, 32, h64, sizeof(h64)) == 0, "%s: hashed", what);
	is_str(h64, want64, "%s", what);
}

static int
spool(const char *s)
{
	char	path[] = "/tmp/test_dkim.XXXXXX";
	int	fd;

	if ((fd = mkstemp(path)) == -1)
		return -1;
	(void)unlink(path);
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The fields dkim_sign_keys() writes for a message with a fixed key. */
static void
test_fields(void)
{
	static const char msg[] =
	    "From: a@example.org\r\nTo: b@example.org\r\n"
	    "Received: x\r\nTo: c@example.org\r\nSubject: s\r\n\r\n";
	struct dkim_opts	 o;
	struct outmsg		 m;
	struct crypto_key	*k;
	char			*pem, *sigs = NULL, why[256];
	const char		*want;
	size_t			 len = 0;

	memset(&o, 0, sizeof(o));
	o.domain = "example.org";
	o.selector[0] = "ed1";
	o.expire = 3600;
	pem = crypto_key_generate(CRYPTO_KEY_ED25519, 0);
	ok(pem != NULL, "an Ed25519 key is made");
	k = pem ? crypto_key_import(pem, strlen(pem), why, sizeof(why)) : NULL;
	ok(k != NULL && crypto_key_type(k) == CRYPTO_KEY_ED25519,
	    "and read back");
	outmsg_init(&m);
	m.fd = spool(msg);
	m.size = (off_t)strlen(msg);
	is_int(outmsg_set_prefix(&m, "Date: d\r\n", 9), 0, "prefix");
	is_int(dkim_sign_keys(&o, &k, 1, 1000000000, &m, &sigs, &len, why,
	    sizeof(why)), 0, "signed");
	want = "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; "
	    "d=example.org;\r\n"
	    "\ts=ed1; t=1000000000; x=1000003600; h=From:From:Subject:Date:To:To;"
	    "\r\n\tbh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=";
	ok(sigs != NULL && strncmp(sigs, want, strlen(want)) == 0,
	    "tags, h= (From over-signed, To twice), empty body hash");
	ok(sigs != NULL && len > 2 && memcmp(sigs + len - 2, "\r\n", 2) == 0 &&
	    memchr(sigs, '\0', len) == NULL, "one CRLF-terminated field");
	free(sigs);
	/* Other fields of the list only when asked for. */
	o.headers = "subject:X-Mine";
	o.hcanon = DKIM_SIMPLE;
	o.bcanon = DKIM_SIMPLE;
	o.expire = 0;
	is_int(dkim_sign_keys(&o, &k, 1, 1000000000, &m, &sigs, &len, why,
	    sizeof(why)), 0, "signed, simple");
	ok(sigs != NULL && strstr(sigs, "c=simple/simple;") != NULL &&
	    strstr(sigs, "h=From:From:subject;") != NULL &&
	    strstr(sigs, "x=") == NULL && strstr(sigs,
	    "bh=frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=;") != NULL,
	    "dkim_headers: From first and over-signed, absent names left "
	    "out");
	free(sigs);
	crypto_key_free(k);
	secret_free(pem);
	close(m.fd);
	outmsg_free(&m);
}

static void
test_keys(void)
{
	struct crypto_key	*k;
	char			*pem, why[256];

	pem = crypto_key_generate(CRYPTO_KEY_RSA, 1024);
	k = pem ? crypto_key_import(pem, strlen(pem), why, sizeof(why)) : NULL;
	ok(k != NULL && crypto_key_bits(k) == 1024, "RSA 1024 is accepted");
	crypto_key_free(k);
	secret_free(pem);
	pem = crypto_key_generate(CRYPTO_KEY_RSA, 768);
	k = pem ? crypto_key_import(pem, strlen(pem), why, sizeof(why)) : NULL;
	ok(k == NULL && strstr(why, "768 bits") != NULL,
	    "RSA under 1024 bits is refused");
	crypto_key_free(k);
	secret_free(pem);
	k = crypto_key_import("-----BEGIN PRIVATE KEY-----\nAAAA\n"
	    "-----END PRIVATE KEY-----\n", 58, why, sizeof(why));
	ok(k == NULL, "garbage is refused");
}

int
main(void)
{
	test_rfc6376_example();
	test_rules();
	hash_is(DKIM_RELAXED, "", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
	    "relaxed empty body: SHA-256 of nothing");
	hash_is(DKIM_SIMPLE, "", "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=",
	    "simple empty body: SHA-256 of CRLF");
	test_fields();
	test_keys();
	return done_testing();
}
