/*
 * Unit tests for the header policy (src/msg/headers.c): the decisions table,
 * Date formatting, display names (quoting, RFC 2047) and the added
 * fields.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf/conf.h"
#include "msg/headers.h"
#include "tap.h"

static void	test_kind(void);
static void	test_decisions(void);
static void	note(struct hdr_state *, const char *, off_t);
static void	test_resent(void);
static void	test_date(void);
static void	test_encode_8bit(void);
static void	enc_is(const char *, const char *, const char *);
static void	test_phrase(void);
static void	test_words(void);
static void	test_prefix(void);

static void
test_kind(void)
{
	is_int(hdr_kind("from", 4), HK_FROM, "kind: from (any case)");
	is_int(hdr_kind("Message-Id", 10), HK_MSGID, "kind: Message-Id");
	is_int(hdr_kind("BCC", 3), HK_BCC, "kind: BCC");
	is_int(hdr_kind("Resent-bcc", 10), HK_RESENT_BCC, "kind: Resent-bcc");
	is_int(hdr_kind("Resent-Date", 11), HK_RESENT_OTHER,
	    "kind: Resent-Date");
	is_int(hdr_kind("Resent-", 7), HK_OTHER, "kind: bare Resent-");
	is_int(hdr_kind("Tox", 3), HK_OTHER, "kind: Tox");
	is_int(hdr_kind("Subject", 7), HK_SUBJECT, "kind: Subject");
	is_int(hdr_kind("Subjects", 8), HK_OTHER, "kind: Subjects");
}

/* present/absent x auto/on/off for From, Date and Message-ID. */
static void
test_decisions(void)
{
	struct hdr_policy	p;
	struct hdr_state	s;
	int			present;

	memset(&p, 0, sizeof(p));
	p.remove_bcc = 1;
	p.can_from = 1;
	for (present = 0; present <= 1; present++) {
		hdr_state_init(&s);
		s.seen_from = s.seen_date = s.seen_msgid = present;

		p.set_from = FROMH_AUTO;
		p.set_date = HDR_AUTO;
		p.set_msgid = HDR_AUTO;
		is_int(hdr_adds(&p, &s), present ? 0 : HDR_ADD_DATE |
		    HDR_ADD_MSGID | HDR_ADD_FROM,
		    "auto, %s: adds only what is missing",
		    present ? "present" : "absent");
		is_int(hdr_drops(&p, HK_FROM), 0, "auto keeps From");

		p.set_from = FROMH_ON;
		is_int(hdr_adds(&p, &s) & HDR_ADD_FROM, HDR_ADD_FROM,
		    "from on, %s: adds From", present ? "present" : "absent");
		is_int(hdr_drops(&p, HK_FROM), 1, "from on: drops From");

		p.set_from = FROMH_OFF;
		p.set_date = HDR_OFF;
		p.set_msgid = HDR_OFF;
		is_int(hdr_adds(&p, &s), 0, "off, %s: adds nothing",
		    present ? "present" : "absent");
		is_int(hdr_drops(&p, HK_FROM), 0, "off keeps From");
	}

	/* No address for From: neither added nor replaced. */
	hdr_state_init(&s);
	p.can_from = 0;
	p.set_from = FROMH_ON;
	is_int(hdr_adds(&p, &s) & HDR_ADD_FROM, 0,
	    "no From address: no From added");
	is_int(hdr_drops(&p, HK_FROM), 0, "no From address: From kept");
	p.set_from = FROMH_AUTO;
	is_int(hdr_adds(&p, &s) & HDR_ADD_FROM, 0,
	    "no From address, auto: no From added");

	/* Bcc. */
	p.remove_bcc = 1;
	p.set_to = TOH_OFF;
	ok(hdr_drops(&p, HK_BCC) && hdr_drops(&p, HK_RESENT_BCC),
	    "remove_bcc_headers on: Bcc and Resent-Bcc removed");
	ok(!hdr_drops(&p, HK_TO) && !hdr_drops(&p, HK_CC) &&
	    !hdr_drops(&p, HK_RESENT_TO), "To, Cc, Resent-To kept");
	p.remove_bcc = 0;
	ok(!hdr_drops(&p, HK_BCC) && !hdr_drops(&p, HK_RESENT_BCC),
	    "remove_bcc_headers off: Bcc kept");

	/* set_to_header. */
	p.set_to = TOH_ON;
	is_int(hdr_adds(&p, &s) & (HDR_ADD_TO | HDR_ADD_UNDISC), HDR_ADD_TO,
	    "set_to_header on adds To");
	ok(hdr_drops(&p, HK_TO) && !hdr_drops(&p, HK_CC),
	    "set_to_header on replaces To, keeps Cc");
	p.set_to = TOH_UNDISCLOSED;
	is_int(hdr_adds(&p, &s) & (HDR_ADD_TO | HDR_ADD_UNDISC),
	    HDR_ADD_UNDISC, "undisclosed_recipients adds the group");
	ok(hdr_drops(&p, HK_TO) && hdr_drops(&p, HK_CC) &&
	    hdr_drops(&p, HK_BCC), "undisclosed_recipients drops To/Cc/Bcc");
	ok(!hdr_drops(&p, HK_OTHER) && !hdr_drops(&p, HK_DATE),
	    "other fields are never dropped");
}

static void
note(struct hdr_state *s, const char *name, off_t off)
{
	struct hdr_field	f;

	memset(&f, 0, sizeof(f));
	f.name = name;
	f.namelen = strlen(name);
	f.off = off;
	f.len = 10;
	(void)hdr_note(s, &f);
}

static void
test_resent(void)
{
	struct hdr_state	s;

	hdr_state_init(&s);
	note(&s, "To", 0);
	note(&s, "Cc", 10);
	note(&s, "Subject", 20);
	ok(hdr_rcpt_field(&s, 0, HK_TO) && hdr_rcpt_field(&s, 1, HK_CC),
	    "no Resent: To and Cc give recipients");
	is_int(s.ncand, 2, "To and Cc are candidates");

	hdr_state_init(&s);
	note(&s, "Resent-Date", 0);		/* 0 */
	note(&s, "Resent-To", 10);		/* 1 */
	note(&s, "Resent-Bcc", 20);		/* 2 */
	note(&s, "Received", 30);		/* 3 */
	note(&s, "Resent-To", 40);		/* 4: an older block */
	note(&s, "To", 50);			/* 5 */
	note(&s, "Date", 60);			/* 6 */
	is_int(s.resent_lo, 0, "first Resent block starts at 0");
	is_int(s.resent_hi, 3, "and ends at the first other field");
	ok(hdr_rcpt_field(&s, 1, HK_RESENT_TO) &&
	    hdr_rcpt_field(&s, 2, HK_RESENT_BCC),
	    "the first block's Resent-To and Resent-Bcc are used");
	ok(!hdr_rcpt_field(&s, 4, HK_RESENT_TO), "an older block is not");
	ok(!hdr_rcpt_field(&s, 5, HK_TO), "To is not, with Resent present");
	ok(s.seen_date && !s.seen_from, "Date seen, From not");

	hdr_state_init(&s);
	note(&s, "Subject", 0);
	note(&s, "Resent-Cc", 10);
	ok(hdr_rcpt_field(&s, 1, HK_RESENT_CC) && s.resent_hi == -1,
	    "a block running to the end of the header counts");
}

/* RFC 2047 for a Subject of raw UTF-8 (the message without SMTPUTF8). */
static void
test_subject(void)
{
	static const char utf[] = "Gr\xc3\xbc\xc3\x9f" "e";
	struct hdr_state	 s;
	struct hdr_field	 f;
	char			*out, big[400];
	size_t			 len, i;

	ok(hdr_utf8_text(utf, strlen(utf)), "UTF-8 with a high byte");
	ok(!hdr_utf8_text("plain", 5), "ASCII alone is not");
	ok(!hdr_utf8_text("Gr\xfc\xdf" "e", 4), "Latin-1 is not UTF-8");
	ok(!hdr_utf8_text("\xc0\xaf", 2), "an overlong form is not");
	ok(!hdr_utf8_text("\xed\xa0\x80", 3), "a surrogate is not");
	ok(!hdr_utf8_text("a\xc3", 2), "a cut sequence is not");
	memset(&f, 0, sizeof(f));
	f.name = "Subject";
	f.namelen = 7;
	f.value = " Gr\xc3\xbc\xc3\x9f" "e ";
	f.valuelen = strlen(f.value);
	f.len = 20;
	ok(hdr_encoded_field(&f, &out, &len) == 0 && len == strlen(out) &&
	    strcmp(out, "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n") == 0,
	    "encoded, trimmed, CRLF: %s", out);
	free(out);
	/* Long: words of at most 75 octets, folded, no split character. */
	for (i = 0; i + 2 < sizeof(big); i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	f.value = big;
	f.valuelen = i;
	ok(hdr_encoded_field(&f, &out, &len) == 0 &&
	    strstr(out, "?=\r\n =?UTF-8?B?") != NULL, "folded into words");
	free(out);
	hdr_state_init(&s);
	f.value = "ascii";
	f.valuelen = 5;
	(void)hdr_note(&s, &f);
	is_int(s.ncand, 0, "an ASCII Subject is no candidate");
	f.value = utf;
	f.valuelen = strlen(utf);
	(void)hdr_note(&s, &f);
	ok(s.ncand == 1 && s.cand[0].kind == HK_SUBJECT,
	    "a UTF-8 Subject is");
}

/* name: value through hdr_encode_8bit: want the field, or NULL (as is). */
static void
enc_is(const char *name, const char *value, const char *want)
{
	struct hdr_field	 f;
	char			*out = NULL;
	size_t			 len = 0;
	int			 rc;

	memset(&f, 0, sizeof(f));
	f.name = name;
	f.namelen = strlen(name);
	f.value = value;
	f.valuelen = strlen(value);
	rc = hdr_encode_8bit(&f, &out, &len);
	if (want == NULL)
		ok(rc == 0, "%s:%s stays as written (%d)", name, value, rc);
	else {
		is_int(rc, 1, "%s:%s is encoded", name, value);
		if (rc == 1)
			is_mem(out, len, want, strlen(want), "%s:%s", name,
			    value);
	}
	free(out);
}

/* RFC 2047 5 (2) and (3): display names and comments of address lists. */
static void
test_encode_8bit(void)
{
	struct hdr_policy	 p;
	struct hdr_field	 f;
	char			 longname[200], *out, *w;
	size_t			 i, len, longest;

	enc_is("From", " J\xc3\xbcrgen M\xc3\xbcller <j@example.org>",
	    "From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <j@example.org>\r\n");
	/* The quotes and the comma go into the encoded text. */
	enc_is("To", " \"M\xc3\xbcller, J\xc3\xbcrgen\" <j@x.org>, b@x.org",
	    "To: =?UTF-8?Q?M=C3=BCller=2C_J=C3=BCrgen?= <j@x.org>, b@x.org\r\n");
	/* A quoted-pair undone; no space before '<' in the input. */
	enc_is("Cc", " \"A \\\"Q\\\" \xc3\xa9\"<a@x.org>",
	    "Cc: =?UTF-8?Q?A_=22Q=22_=C3=A9?= <a@x.org>\r\n");
	/* Comments too, the address and the ASCII name as they were. */
	enc_is("From", " root@x.org (Cron D\xc3\xa4mon)",
	    "From: root@x.org (=?UTF-8?Q?Cron_D=C3=A4mon?=)\r\n");
	enc_is("Reply-To", " Ann <a@x.org>, Bj\xc3\xb6rn (b) <b@x.org>",
	    "Reply-To: Ann <a@x.org>, =?UTF-8?Q?Bj=C3=B6rn?= (b) <b@x.org>\r\n");
	/* A group's name; the empty group stays. */
	enc_is("To", " Gr\xc3\xbcppe: a@x.org, b@x.org;, undisclosed-recipients:;",
	    "To: =?UTF-8?Q?Gr=C3=BCppe?= : a@x.org, b@x.org;, "
	    "undisclosed-recipients:;\r\n");
	/* Mostly not Latin: B is shorter. */
	enc_is("Sender", " \xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa\xe9\x83\x8e <t@x.jp>",
	    "Sender: =?UTF-8?B?5bGx55Sw5aSq6YOO?= <t@x.jp>\r\n");
	/* A UTF-8 local part or domain is never encoded: nothing else to do. */
	enc_is("To", " j\xc3\xbcrgen@x.org", NULL);
	enc_is("To", " <a@b\xc3\xa9.org>", NULL);
	/* Its name is encoded, the address stays. */
	enc_is("To", " \xc3\xa9 <\xc3\xa9@x.org>",
	    "To: =?UTF-8?Q?=C3=A9?= <\xc3\xa9@x.org>\r\n");
	/* Does not parse as an address list: as written. */
	enc_is("To", " J\xc3\xbcrgen M\xc3\xbcller", NULL);
	enc_is("To", " \"J\xc3\xbcrgen <j@x.org>", NULL);
	enc_is("To", " J\xc3\xbcrgen <j@x.org", NULL);
	/* An obsolete name with '@' cannot be encoded: none of it is. */
	enc_is("Cc", " G\xc3\xbc: a@x.orgB\xc3\xb6 <b@x.org>", NULL);
	/* Not UTF-8, not a kind with encoded-words, no 8-bit. */
	enc_is("From", " J\xfcrgen <j@x.org>", NULL);
	enc_is("X-Name", " J\xc3\xbcrgen", NULL);
	enc_is("Resent-From", " J\xc3\xbcrgen <j@x.org>", NULL);
	enc_is("From", " Juergen <j@x.org>", NULL);
	/* Keywords: each phrase; Comments as a Subject. */
	enc_is("Keywords", " K\xc3\xb6ln, Bonn",
	    "Keywords: =?UTF-8?Q?K=C3=B6ln?= , Bonn\r\n");
	enc_is("Keywords", " a <b>", NULL);
	enc_is("Comments", " s\xc3\xbc\xc3\x9f",
	    "Comments: =?UTF-8?B?c8O8w58=?=\r\n");
	/* Long: words of at most 75 octets, whole characters, folded. */
	for (i = 0; i < 100; i += 2)
		memcpy(longname + i, i == 0 ? " \xc3" : "\xa9\xc3", 2);
	memcpy(longname + i, "\xa9 <l@x.org>", 12);
	memset(&f, 0, sizeof(f));
	f.name = "To";
	f.namelen = 2;
	f.value = longname;
	f.valuelen = strlen(longname);
	ok(hdr_encode_8bit(&f, &out, &len) == 1, "a long name is encoded");
	for (i = 0, w = out, longest = 0; *w != '\0'; w++, i++) {
		if (*w == '\r')
			i = 0;
		if (i > longest)
			longest = i;
	}
	ok(longest <= 78 && strstr(out, "?=\r\n =?UTF-8?B?") != NULL &&
	    strstr(out, "?= <l@x.org>\r\n") != NULL,
	    "folded, lines of at most 78");
	free(out);

	memset(&p, 0, sizeof(p));
	p.encode_8bit = 1;
	is_int(hdr_fate(&p, HK_CC, 1), HDR_ENCODE, "fate: Cc encoded");
	is_int(hdr_fate(&p, HK_CC, 0), HDR_KEEP, "fate: Cc kept");
	p.set_to = TOH_UNDISCLOSED;
	is_int(hdr_fate(&p, HK_CC, 1), HDR_DROP, "fate: Cc dropped anyway");
	p.set_to = TOH_OFF;
	p.encode_8bit = 0;
	is_int(hdr_fate(&p, HK_SUBJECT, 1), HDR_KEEP,
	    "fate: SMTPUTF8, kept as written");
}

static void
test_date(void)
{
	char	buf[HDR_DATEMAX];

	(void)setenv("TZ", "UTC0", 1);
	tzset();
	ok(hdr_date(buf, sizeof(buf), 1795362138) == 0, "date: formats");
	is_str(buf, "Sun, 22 Nov 2026 15:42:18 +0000", "date: UTC");
	ok(hdr_date(buf, sizeof(buf), 0) == 0 &&
	    strcmp(buf, "Thu, 1 Jan 1970 00:00:00 +0000") == 0,
	    "date: the epoch, one-digit day");
	(void)setenv("TZ", "EST5", 1);
	tzset();
	(void)hdr_date(buf, sizeof(buf), 1795362138);
	is_str(buf, "Sun, 22 Nov 2026 10:42:18 -0500", "date: EST5 is -0500");
	(void)setenv("TZ", "IST-5:30", 1);
	tzset();
	(void)hdr_date(buf, sizeof(buf), 1795362138);
	is_str(buf, "Sun, 22 Nov 2026 21:12:18 +0530", "date: +0530");
	ok(hdr_date(buf, 10, 0) == -1, "date: small buffer is an error");
	(void)setenv("TZ", "UTC0", 1);
	tzset();
}

static void
test_phrase(void)
{
	char	buf[2048], big[HDR_NAMEMAX + 2];

	ok(hdr_phrase(buf, sizeof(buf), "Cron Daemon") == 0, "phrase: ok");
	is_str(buf, "Cron Daemon", "phrase: atoms stay bare");
	(void)hdr_phrase(buf, sizeof(buf), "Smith, John (ops)");
	is_str(buf, "\"Smith, John (ops)\"", "phrase: specials are quoted");
	(void)hdr_phrase(buf, sizeof(buf), "a \"b\" \\c");
	is_str(buf, "\"a \\\"b\\\" \\\\c\"", "phrase: quote and backslash "
	    "escaped");
	(void)hdr_phrase(buf, sizeof(buf), "x\r\nBcc: evil@x");
	is_str(buf, "\"x Bcc: evil@x\"", "phrase: CR LF become one space");
	ok(strchr(buf, '\r') == NULL && strchr(buf, '\n') == NULL,
	    "phrase: no line break survives");
	(void)hdr_phrase(buf, sizeof(buf), "\t \r\n");
	is_str(buf, "", "phrase: only controls is no name");
	(void)hdr_phrase(buf, sizeof(buf), "  trim\x7f me  ");
	is_str(buf, "trim me", "phrase: trimmed, DEL is a control");
	(void)hdr_phrase(buf, sizeof(buf), "Jos\xc3\xa9");
	is_str(buf, "=?UTF-8?B?Sm9zw6k=?=", "phrase: non-ASCII B-encoded");
	(void)hdr_phrase(buf, sizeof(buf), "Jos\xc3\xa9\r\nBcc: e@x");
	is_str(buf, "=?UTF-8?B?Sm9zw6kgQmNjOiBlQHg=?=",
	    "phrase: encoded after the controls are gone");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ok(hdr_phrase(buf, sizeof(buf), big) == -1, "phrase: too long");
	big[HDR_NAMEMAX] = '\0';
	ok(hdr_phrase(buf, sizeof(buf), big) == 0, "phrase: the limit fits");
	ok(hdr_phrase(buf, 5, "\"abc\"") == -1, "phrase: small buffer");
}

static void
test_words(void)
{
	char		 buf[4096], in[200];
	const char	*p, *q;
	size_t		 i, maxw = 0;

	/* 100 two-octet characters: never split, every word <= 75. */
	for (i = 0; i < 100; i++) {
		in[2 * i] = (char)0xc3;
		in[2 * i + 1] = (char)0xa9;
	}
	ok(hdr_encode_words(buf, sizeof(buf), in, 200) == 0, "words: ok");
	for (p = buf; p != NULL; p = q ? q + 3 : NULL) {
		q = strstr(p, "\r\n ");
		i = q ? (size_t)(q - p) : strlen(p);
		if (i > maxw)
			maxw = i;
		ok(strncmp(p, "=?UTF-8?B?", 10) == 0 &&
		    strncmp(p + i - 2, "?=", 2) == 0, "words: one word");
	}
	ok(maxw <= 75, "words: each at most 75 octets (%zu)", maxw);
	/* 44 octets per word = 22 characters: 5 words. */
	ok(strstr(buf, "=?UTF-8?B?w6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6n"
	    "DqcOpw6nDqcOpw6k=?=\r\n =?UTF-8?B?") == buf,
	    "words: split on a character boundary");
	ok(hdr_encode_words(buf, 20, in, 200) == -1, "words: small buffer");
	ok(hdr_encode_words(buf, sizeof(buf), "", 0) == 0 && buf[0] == '\0',
	    "words: empty");
}

static void
test_prefix(void)
{
	struct hdr_gen	 g;
	char		*out, why[200];
	char		*rcpts[] = { "aaaaaaaaaaaaaaaa@example.org",
			    "bbbbbbbbbbbbbbbb@example.org",
			    "cccccccccccccccc@example.org" };
	size_t		 len;

	(void)setenv("TZ", "UTC0", 1);
	tzset();
	memset(&g, 0, sizeof(g));
	g.now = 1795362138;
	g.msgid_token = "0123456789abcdef0123456789abcdef";
	g.msgid_domain = "example.org";
	g.from_addr = "root@example.org";
	g.from_name = "Cron Daemon";
	ok(hdr_prefix(HDR_ADD_DATE | HDR_ADD_MSGID | HDR_ADD_FROM, &g, &out,
	    &len, why, sizeof(why)) == 0, "prefix: ok");
	is_str(out, "Date: Sun, 22 Nov 2026 15:42:18 +0000\r\n"
	    "From: Cron Daemon <root@example.org>\r\n"
	    "Message-ID: <0123456789abcdef0123456789abcdef@example.org>\r\n",
	    "prefix: Date, From, Message-ID");
	is_int(len, strlen(out), "prefix: length");
	free(out);

	/*
	 * A name too long for From after Date was added: refused, and the
	 * Date already formatted is freed (LeakSanitizer in --sanitize).
	 */
	{
		char	long_name[HDR_NAMEMAX + 50];

		memset(long_name, 'n', sizeof(long_name) - 1);
		long_name[sizeof(long_name) - 1] = '\0';
		g.from_name = long_name;
		out = NULL;
		ok(hdr_prefix(HDR_ADD_DATE | HDR_ADD_FROM, &g, &out, &len,
		    why, sizeof(why)) == -1 && out == NULL,
		    "prefix: a full name over HDR_NAMEMAX is refused");
	}

	g.from_name = NULL;
	g.msgid_domain = "bad domain";
	g.blank = 1;
	(void)hdr_prefix(HDR_ADD_FROM | HDR_ADD_MSGID, &g, &out, &len, why,
	    sizeof(why));
	is_str(out, "From: root@example.org\r\n"
	    "Message-ID: <0123456789abcdef0123456789abcdef@localhost>\r\n\r\n",
	    "prefix: no name; odd domain is localhost; blank line");
	free(out);
	g.blank = 0;

	g.rcpts = rcpts;
	g.nrcpts = 3;
	(void)hdr_prefix(HDR_ADD_TO, &g, &out, &len, why, sizeof(why));
	is_str(out, "To: aaaaaaaaaaaaaaaa@example.org, "
	    "bbbbbbbbbbbbbbbb@example.org,\r\n"
	    " cccccccccccccccc@example.org\r\n", "prefix: To folded at 78");
	free(out);
	(void)hdr_prefix(HDR_ADD_UNDISC, &g, &out, &len, why, sizeof(why));
	is_str(out, "To: undisclosed-recipients:;\r\n", "prefix: undisclosed");
	free(out);

	g.from_name = "A very long display name that goes on and on "
	    "and on and on";
	(void)hdr_prefix(HDR_ADD_FROM, &g, &out, &len, why, sizeof(why));
	is_str(out, "From: A very long display name that goes on and on and "
	    "on and on\r\n <root@example.org>\r\n",
	    "prefix: From folded before <");
	free(out);

	ok(hdr_prefix(0, &g, &out, &len, why, sizeof(why)) == 0 &&
	    len == 0 && out == NULL, "prefix: nothing to add");
}

int
main(void)
{
	test_kind();
	test_decisions();
	test_resent();
	test_subject();
	test_encode_8bit();
	test_date();
	test_phrase();
	test_words();
	test_prefix();
	return done_testing();
}
