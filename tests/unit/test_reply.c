/*
 * Unit tests for src/smtp/reply.c: SMTP reply parsing (RFC 5321 4.2, RFC 3463
 * enhanced status codes) and EHLO capabilities.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp/reply.h"
#include "smtp/sasl.h"
#include "tap.h"

static enum reply_err	feed(struct reply *, const char *);
static enum reply_err	feed_all(struct reply *, const char *const *);
static void		test_single(void);
static void		test_multi(void);
static void		test_bad(void);
static void		test_caps_limits(void);
static void		test_enh(void);
static void		test_caps(void);

static struct reply	r;	/* 32 KiB: not on the stack */

static enum reply_err
feed(struct reply *rp, const char *line)
{
	return reply_feed(rp, line, strlen(line));
}

/* Feed lines until the reply is complete or an error; NULL ends. */
static enum reply_err
feed_all(struct reply *rp, const char *const *lines)
{
	enum reply_err	e = REPLY_BADCODE;

	reply_init(rp);
	for (; *lines != NULL; lines++)
		if ((e = feed(rp, *lines)) != REPLY_MORE)
			break;
	return e;
}

static void
test_single(void)
{
	reply_init(&r);
	is_int(feed(&r, "250 OK"), REPLY_OK, "single line: OK");
	is_int(r.code, 250, "single line: code");
	is_str(r.text, "OK", "single line: text");
	is_int(r.textlen, 2, "single line: textlen");
	is_int(r.nlines, 1, "single line: one line");
	ok(r.done, "single line: done");
	is_str(r.enh, "", "single line: no enhanced code");

	reply_init(&r);
	is_int(feed(&r, "250"), REPLY_OK, "bare \"250\": OK");
	ok(r.code == 250 && r.textlen == 0 && r.text[0] == '\0',
	    "bare \"250\": empty text");

	reply_init(&r);
	is_int(feed(&r, "250 "), REPLY_OK, "\"250 \": OK");
	ok(r.code == 250 && r.textlen == 0, "\"250 \": empty text");

	reply_init(&r);
	is_int(feed(&r, "220 mx.example.org ESMTP\r"), REPLY_OK,
	    "a stray CR is text");
	is_str(r.text, "mx.example.org ESMTP\r", "the CR stays in the text");

	reply_init(&r);
	is_int(reply_feed(&r, "250 a\0b", 7), REPLY_OK, "a NUL is text");
	ok(r.textlen == 3 && memcmp(r.text, "a\0b", 4) == 0,
	    "textlen counts past the NUL");

	reply_init(&r);
	is_int(feed(&r, "559 x"), REPLY_OK, "559 is in range");
	reply_init(&r);
	is_int(feed(&r, "200 x"), REPLY_OK, "200 is in range");
	reply_init(&r);
	is_int(feed(&r, "354 End data with <CR><LF>.<CR><LF>"), REPLY_OK,
	    "354");
	is_int(r.code, 354, "354: code");

	/* A line after a complete reply starts the next one. */
	is_int(feed(&r, "221 2.0.0 Bye"), REPLY_OK, "next reply");
	ok(r.code == 221 && r.nlines == 1 && strcmp(r.text, "2.0.0 Bye") == 0
	    && strcmp(r.enh, "2.0.0") == 0, "next reply: fresh state");
}

static void
test_multi(void)
{
	static const char *const postfix[] = {
		"250-mail.example.org",
		"250-PIPELINING",
		"250-SIZE 10240000",
		"250-VRFY",
		"250-ETRN",
		"250-STARTTLS",
		"250-AUTH PLAIN LOGIN",
		"250-AUTH=PLAIN LOGIN",
		"250-ENHANCEDSTATUSCODES",
		"250-8BITMIME",
		"250-DSN",
		"250-SMTPUTF8",
		"250 CHUNKING",
		NULL
	};
	struct caps	c;
	size_t		i;

	reply_init(&r);
	for (i = 0; postfix[i + 1] != NULL; i++)
		if (feed(&r, postfix[i]) != REPLY_MORE)
			break;
	ok(postfix[i + 1] == NULL, "Postfix EHLO: REPLY_MORE until the end");
	ok(!r.done, "Postfix EHLO: not done before the last line");
	is_int(feed(&r, postfix[i]), REPLY_OK, "Postfix EHLO: last line");
	is_int(r.nlines, 13, "Postfix EHLO: 13 lines");
	is_str(r.text, "mail.example.org\nPIPELINING\nSIZE 10240000\nVRFY\n"
	    "ETRN\nSTARTTLS\nAUTH PLAIN LOGIN\nAUTH=PLAIN LOGIN\n"
	    "ENHANCEDSTATUSCODES\n8BITMIME\nDSN\nSMTPUTF8\nCHUNKING",
	    "Postfix EHLO: text joined with newlines");

	caps_parse(&r, &c);
	is_int(c.flags, CAP_PIPELINING | CAP_SIZE | CAP_STARTTLS | CAP_AUTH |
	    CAP_ENHANCED | CAP_8BITMIME | CAP_DSN | CAP_SMTPUTF8 |
	    CAP_CHUNKING, "Postfix EHLO: capabilities");
	is_int(c.auth, SASL_BIT(SASL_PLAIN) | SASL_BIT(SASL_LOGIN),
	    "Postfix EHLO: AUTH");
	is_int(c.size, 10240000, "Postfix EHLO: SIZE");

	/* Continuations with empty text, and a bare "ddd" last line. */
	{
		static const char *const l[] = { "250-", "250-x", "250",
		    NULL };

		is_int(feed_all(&r, l), REPLY_OK, "empty continuation texts");
		ok(r.textlen == 3 && memcmp(r.text, "\nx\n", 4) == 0,
		    "empty texts keep their newlines");
	}
	{
		static const char *const l[] = { "250-a", "251 b", NULL };

		is_int(feed_all(&r, l), REPLY_MISMATCH,
		    "mismatched continuation code");
	}
	{
		static const char *const l[] = { "250-a", "550 b", NULL };

		is_int(feed_all(&r, l), REPLY_MISMATCH,
		    "mismatched class on the last line");
	}
	{
		static const char *const l[] = { "250-a", "25 b", NULL };

		is_int(feed_all(&r, l), REPLY_BADCODE,
		    "bad code on a continuation line");
	}
}

static void
test_bad(void)
{
	static const char *const bad[] = {
		"", "2", "25", "199 x", "600 x", "100 x", "099 x", "260 x",
		"2a0 x", "25a x", "abc", "250x", "250\tx", "250_x", " 250 x",
		"2500 x", "-250 x", "250=x", "599 x", "2:0 x",
	};
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		reply_init(&r);
		is_int(feed(&r, bad[i]), REPLY_BADCODE, "bad code \"%s\"",
		    bad[i]);
	}
}

static void
test_caps_limits(void)
{
	char	line[REPLY_LINEMAX + 2];
	int	i;
	enum reply_err e;

	/* One line: 2048 octets is fine, 2049 is too long. */
	memset(line, 'x', sizeof(line));
	memcpy(line, "250 ", 4);
	reply_init(&r);
	is_int(reply_feed(&r, line, REPLY_LINEMAX), REPLY_OK,
	    "a 2048-octet line");
	is_int(r.textlen, REPLY_LINEMAX - 4, "2048-octet line: text");
	reply_init(&r);
	is_int(reply_feed(&r, line, REPLY_LINEMAX + 1), REPLY_TOOLONG,
	    "a 2049-octet line");

	/* 128 lines are fine, the 129th is too many. */
	reply_init(&r);
	for (i = 0; i < REPLY_LINESMAX - 1; i++)
		if (feed(&r, "250-x") != REPLY_MORE)
			break;
	is_int(i, REPLY_LINESMAX - 1, "127 continuation lines");
	is_int(feed(&r, "250 x"), REPLY_OK, "128 lines in a reply");
	reply_init(&r);
	for (i = 0; i < REPLY_LINESMAX; i++)
		if (feed(&r, "250-x") != REPLY_MORE)
			break;
	is_int(feed(&r, "250 x"), REPLY_TOOLONG, "129 lines: too long");

	/*
	 * The text of a reply: sixteen lines of 2044 octets and one of 47
	 * make 32767 octets with the newlines, the most that fits with the
	 * NUL; one more octet is too long.
	 */
	memset(line, 'y', sizeof(line));
	memcpy(line, "250-", 4);
	reply_init(&r);
	for (i = 0, e = REPLY_MORE; i < 16 && e == REPLY_MORE; i++)
		e = reply_feed(&r, line, REPLY_LINEMAX);
	is_int(e, REPLY_MORE, "16 long lines");
	line[3] = ' ';
	is_int(reply_feed(&r, line, 4 + 47), REPLY_OK,
	    "a reply of REPLY_TEXTMAX - 1 octets of text");
	is_int(r.textlen, REPLY_TEXTMAX - 1, "text length");
	ok(r.text[r.textlen] == '\0', "text NUL-terminated");

	line[3] = '-';
	reply_init(&r);
	for (i = 0, e = REPLY_MORE; i < 16 && e == REPLY_MORE; i++)
		e = reply_feed(&r, line, REPLY_LINEMAX);
	line[3] = ' ';
	is_int(reply_feed(&r, line, 4 + 48), REPLY_TOOLONG,
	    "a reply of REPLY_TEXTMAX octets of text: too long");
}

static void
test_enh(void)
{
	static const struct {
		const char	*line;
		const char	*enh;
	} t[] = {
		{ "550 5.1.1 <x@y>: Recipient address rejected", "5.1.1" },
		{ "550 4.1.1 <x@y>: wrong class", "" },
		{ "450 4.1.1 <x@y>: later", "4.1.1" },
		{ "250 2.0.0 Ok: queued as 1234", "2.0.0" },
		{ "250 2.0.0", "2.0.0" },
		{ "550 5.100.999 x", "5.100.999" },
		{ "550 5.1.1234 x", "" },
		{ "550 5.1000.1 x", "" },
		{ "550 5.1 x", "" },
		{ "550 5..1 x", "" },
		{ "550 5.1. x", "" },
		{ "550 5.1.1x", "" },
		{ "550 5.1.1.1 x", "" },
		{ "550 55.1.1 x", "" },
		{ "550  5.1.1 x", "" },
		{ "550 x 5.1.1", "" },
		{ "354 3.0.0 go ahead", "" },
		{ "550", "" },
		{ "550 5", "" },
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		reply_init(&r);
		feed(&r, t[i].line);
		is_str(r.enh, t[i].enh, "enhanced code of \"%s\"", t[i].line);
	}
	reply_init(&r);
	feed(&r, "550 5.1.1 user unknown");
	is_str(r.text, "5.1.1 user unknown", "the text keeps the code");
	{
		static const char *const l[] = { "550-5.1.1 a", "550 5.2.2 b",
		    NULL };

		feed_all(&r, l);
		is_str(r.enh, "5.1.1", "enhanced code from the first line");
	}
	{
		static const char *const l[] = { "550-x", "550 5.1.1 b",
		    NULL };

		feed_all(&r, l);
		is_str(r.enh, "", "not from a later line");
	}
}

static void
test_caps(void)
{
	struct caps	c;

	{
		static const char *const l[] = { "250-h",
		    "250 AUTH=LOGIN PLAIN", NULL };

		feed_all(&r, l);
		caps_parse(&r, &c);
		ok(c.flags == CAP_AUTH && c.auth ==
		    (SASL_BIT(SASL_LOGIN) | SASL_BIT(SASL_PLAIN)),
		    "old AUTH=LOGIN PLAIN form");
	}
	{
		static const char *const l[] = { "250-h", "250-pipelining",
		    "250-auth scram-sha-256 Cram-Md5", "250 starttls", NULL };

		feed_all(&r, l);
		caps_parse(&r, &c);
		ok(c.flags == (CAP_PIPELINING | CAP_AUTH | CAP_STARTTLS) &&
		    c.auth == (SASL_BIT(SASL_SCRAM_SHA_256) |
		    SASL_BIT(SASL_CRAM_MD5)),
		    "keywords and mechanisms are case-insensitive");
	}
	{
		static const char *const l[] = { "250-h",
		    "250 AUTH GSSAPI DIGEST-MD5 SCRAM-SHA-1 SCRAM-SHA-256 "
		    "XOAUTH2 OAUTHBEARER EXTERNAL CRAM-MD5 NTLM LOGIN PLAIN "
		    "SCRAM-SHA-1-PLUS SCRAM-SHA-256-PLUS", NULL };

		feed_all(&r, l);
		caps_parse(&r, &c);
		is_int(c.auth, SASL_BIT(SASL_PLAIN) | SASL_BIT(SASL_LOGIN) |
		    SASL_BIT(SASL_CRAM_MD5) | SASL_BIT(SASL_XOAUTH2) |
		    SASL_BIT(SASL_OAUTHBEARER) | SASL_BIT(SASL_EXTERNAL) |
		    SASL_BIT(SASL_SCRAM_SHA_1) | SASL_BIT(SASL_SCRAM_SHA_256) |
		    SASL_BIT(SASL_SCRAM_SHA_1_PLUS) |
		    SASL_BIT(SASL_SCRAM_SHA_256_PLUS),
		    "every known mechanism, unknown ones ignored");
	}
	{
		static const char *const l[] = { "250-h", "250 AUTH", NULL };

		feed_all(&r, l);
		caps_parse(&r, &c);
		ok(c.flags == CAP_AUTH && c.auth == 0,
		    "AUTH without mechanisms");
	}
	{
		static const char *const l[] = { "250-h", "250 SIZE", NULL };

		feed_all(&r, l);
		caps_parse(&r, &c);
		ok(c.flags == CAP_SIZE && c.size == 0, "SIZE without a number");
	}
	{
		static const char *const l[] = { "250-h", "250 SIZE 0", NULL };

		feed_all(&r, l);
		caps_parse(&r, &c);
		ok(c.flags == CAP_SIZE && c.size == 0, "SIZE 0: no limit");
	}
	{
		static const char *const l[] = { "250-h",
		    "250 SIZE 99999999999999999999999", NULL };

		feed_all(&r, l);
		caps_parse(&r, &c);
		ok(c.flags == CAP_SIZE && c.size == 0,
		    "SIZE out of range: no limit known");
	}
	{
		static const char *const l[] = { "250-h", "250-SIZE 12x",
		    "250-SIZE -5", "250 size  35882577", NULL };

		feed_all(&r, l);
		caps_parse(&r, &c);
		ok(c.flags == CAP_SIZE && c.size == 35882577,
		    "SIZE: junk ignored, the last valid one counts");
	}
	{
		static const char *const l[] = { "250-h", "250-SIZE 12x",
		    NULL, NULL };

		feed_all(&r, l);
		feed(&r, "250 SIZE 9223372036854775807");
		caps_parse(&r, &c);
		ok(c.size == 9223372036854775807ULL, "SIZE: the largest value");
	}
	{
		static const char *const l[] = { "250-PIPELINING",
		    "250-STARTTLSX", "250-SIZE10", "250-X-AUTH PLAIN",
		    "250-", "250 8BITMIME", NULL };

		feed_all(&r, l);
		caps_parse(&r, &c);
		ok(c.flags == CAP_8BITMIME && c.auth == 0,
		    "greeting line and look-alike keywords ignored");
	}
	{
		static const char *const l[] = { "250 only a greeting", NULL };

		c.flags = ~0U;
		feed_all(&r, l);
		caps_parse(&r, &c);
		ok(c.flags == 0 && c.auth == 0 && c.size == 0,
		    "greeting only: no capabilities, old ones cleared");
	}
	{
		static const char *const l[] = { "550-x", "550 PIPELINING",
		    NULL };

		feed_all(&r, l);
		caps_parse(&r, &c);
		ok(c.flags == 0, "not a 250 reply: no capabilities");
	}
}

int
main(void)
{
	test_single();
	test_multi();
	test_bad();
	test_caps_limits();
	test_enh();
	test_caps();
	return done_testing();
}
