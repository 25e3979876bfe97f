/*
 * DKIM canonicalization and signing (src/msg/dkim.h) over any message.
 * The body, canonicalized whole and in chunks the first input octet
 * chooses, comes out the same; the relaxed form has no blank before a
 * line end, no two blanks in a row and no empty line at its end, the
 * simple form ends with CRLF; canonicalizing either form again changes
 * nothing (RFC 6376 3.4.3, 3.4.4). Each header line, relaxed, is
 * "name:value" CRLF with a lower-case name and no blank at either end of
 * the value, and stays so. dkim_sign_keys() over the message (an
 * Ed25519 key made once) gives OUT_OK or OUT_DATAERR, and on OUT_OK one
 * field of lines that end in CRLF, start with a tab after the first,
 * hold no control octet and carry bh= and b=.
 *
 * Input: one octet choosing the chunk size, then the message as it goes
 * out (any octets).
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/crypto.h"
#include "base/outcome.h"
#include "base/util.h"
#include "msg/dkim.h"
#include "msg/outmsg.h"
#include "fuzz.h"

static struct crypto_key *key;

struct out {
	struct sbuf	b;
};

static void
sink(void *arg, const char *p, size_t len)
{
	struct out	*o = arg;

	(void)sbuf_add(&o->b, p, len);
}

static void
canon(int c, const char *p, size_t len, size_t step, struct out *o)
{
	struct dkim_body	b;
	size_t			i;

	sbuf_init(&o->b, 4 * len + 16);
	dkim_body_init(&b, c, sink, o);
	if (step == 0)
		dkim_body_feed(&b, p, len);
	else
		for (i = 0; i < len; i += step)
			dkim_body_feed(&b, p + i, len - i < step ? len - i :
			    step);
	dkim_body_end(&b);
	FUZZ_CHECK(o->b.err == 0, "the canonical body fits 4x the input");
}

static void
check_body(int c, const char *p, size_t len, size_t step)
{
	struct out	whole, parts, again;
	const char	*s;
	size_t		 i, n;

	canon(c, p, len, 0, &whole);
	canon(c, p, len, step, &parts);
	FUZZ_CHECK(whole.b.len == parts.b.len && (whole.b.len == 0 ||
	    memcmp(whole.b.p, parts.b.p, whole.b.len) == 0),
	    "the same canonical body in any chunking");
	s = whole.b.p;
	n = whole.b.len;
	if (c == DKIM_SIMPLE)
		FUZZ_CHECK(n >= 2 && s[n - 2] == '\r' && s[n - 1] == '\n',
		    "simple: the body ends with CRLF");
	else {
		FUZZ_CHECK(n == 0 || (n >= 2 && s[n - 2] == '\r' &&
		    s[n - 1] == '\n'), "relaxed: empty or ends with CRLF");
		FUZZ_CHECK(n < 4 || memcmp(s + n - 4, "\r\n\r\n", 4) != 0 ||
		    (n > 4 && s[n - 5] == '\r'),
		    "relaxed: no empty line at the end");
		for (i = 0; i + 1 < n; i++) {
			FUZZ_CHECK(!((s[i] == ' ' || s[i] == '\t') &&
			    (s[i + 1] == ' ' || s[i + 1] == '\t' ||
			    (s[i + 1] == '\r' && i + 2 < n &&
			    s[i + 2] == '\n'))), "relaxed: blanks reduced");
			FUZZ_CHECK(s[i] != '\t', "relaxed: no tab left");
		}
	}
	canon(c, s, n, 0, &again);
	FUZZ_CHECK(again.b.len == n && (n == 0 ||
	    memcmp(again.b.p, s, n) == 0), "canonical twice is canonical");
	free(whole.b.p);
	free(parts.b.p);
	free(again.b.p);
}

/* Each line of the header as one field, relaxed. */
static void
check_headers(const char *p, size_t len)
{
	struct sbuf	 b, c;
	const char	*e, *colon, *cr;
	size_t		 n, i;

	for (; len > 0; p = e + 1, len -= n + 1) {
		if ((e = memchr(p, '\n', len)) == NULL)
			return;
		n = (size_t)(e - p);
		if (n == 0 || (n == 1 && p[0] == '\r'))
			return;
		/* A field of one line: a colon, a CR only at its end. */
		colon = memchr(p, ':', n);
		cr = memchr(p, '\r', n);
		if (colon == NULL || (cr != NULL && cr != e - 1))
			continue;
		sbuf_init(&b, 2 * n + 16);
		sbuf_init(&c, 2 * n + 16);
		(void)dkim_header_canon(DKIM_RELAXED, p, n + 1, &b);
		FUZZ_CHECK(b.err == 0 && b.len >= 3 &&
		    memcmp(b.p + b.len - 2, "\r\n", 2) == 0,
		    "relaxed field ends with CRLF");
		colon = memchr(b.p, ':', b.len);
		FUZZ_CHECK(colon != NULL, "relaxed field keeps its colon");
		for (i = 0; b.p + i < colon; i++)
			FUZZ_CHECK(b.p[i] < 'A' || b.p[i] > 'Z',
			    "relaxed name is lower case");
		FUZZ_CHECK(colon[1] != ' ' && colon[1] != '\t' &&
		    (b.len < 3 || b.p[b.len - 3] != ' '),
		    "relaxed value has no blank at either end");
		(void)dkim_header_canon(DKIM_RELAXED, b.p, b.len, &c);
		FUZZ_CHECK(c.err == 0 && c.len == b.len &&
		    memcmp(c.p, b.p, b.len) == 0, "relaxed twice is relaxed");
		free(b.p);
		free(c.p);
	}
}

static void
check_sign(const char *p, size_t len)
{
	struct dkim_opts	 o;
	struct outmsg		 m;
	char			*sigs = NULL, why[256];
	size_t			 siglen = 0, i, line = 0;
	int			 kind;

	memset(&o, 0, sizeof(o));
	o.domain = "example.org";
	o.selector[0] = "fuzz";
	o.hcanon = len % 2 ? DKIM_SIMPLE : DKIM_RELAXED;
	o.bcanon = len % 3 ? DKIM_SIMPLE : DKIM_RELAXED;
	outmsg_init(&m);
	m.fd = fuzz_memfd(p, len);
	m.size = (off_t)len;
	kind = dkim_sign_keys(&o, &key, 1, 1000000000, &m, &sigs, &siglen,
	    why, sizeof(why));
	FUZZ_CHECK(kind == OUT_OK || kind == OUT_DATAERR,
	    "signing succeeds or the header is over a cap");
	if (kind == OUT_OK) {
		FUZZ_CHECK(fuzz_crlf_only(sigs, siglen) && siglen > 2 &&
		    memcmp(sigs + siglen - 2, "\r\n", 2) == 0,
		    "the field is lines ending in CRLF");
		for (i = 0; i < siglen; i++) {
			if (sigs[i] == '\r' || sigs[i] == '\n') {
				if (sigs[i] == '\n' && i + 1 < siglen) {
					FUZZ_CHECK(sigs[i + 1] == '\t',
					    "continuation lines start with a "
					    "tab");
					line++;
				}
				continue;
			}
			FUZZ_CHECK(sigs[i] == '\t' ||
			    ((unsigned char)sigs[i] >= 0x20 &&
			    (unsigned char)sigs[i] < 0x7f),
			    "no control octet, no 8-bit octet");
		}
		/* b= after a blank, or first on a continuation line. */
		FUZZ_CHECK(strncmp(sigs, "DKIM-Signature: v=1; ", 21) == 0 &&
		    strstr(sigs, "bh=") != NULL && (strstr(sigs, " b=") !=
		    NULL || strstr(sigs, "\tb=") != NULL),
		    "a DKIM-Signature with bh= and b=");
	}
	free(sigs);
	close(m.fd);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	*pem, why[256];

	if ((pem = crypto_key_generate(CRYPTO_KEY_ED25519, 0)) == NULL ||
	    (key = crypto_key_import(pem, strlen(pem), why,
	    sizeof(why))) == NULL)
		abort();
	secret_free(pem);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*p = (const char *)data + 1;
	size_t		 len, step;

	if (size < 1)
		return 0;
	step = data[0] % 17;
	len = size - 1;
	check_body(DKIM_RELAXED, p, len, step);
	check_body(DKIM_SIMPLE, p, len, step);
	check_headers(p, len);
	check_sign(p, len);
	return 0;
}
