/*
 * Unit tests for address lists and envelope checks (src/msg/addr.c) and
 * IDNA (src/base/idn.c).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg/addr.h"
#include "conf/conf.h"
#include "msg/dsn.h"
#include "base/idn.h"
#include "tap.h"

static void	 joinlist(const struct addrlist *, char *, size_t);
static const char *show(const char *);
static void	 test_parse(void);
static void	 test_parse_errors(void);
static void	 test_check(void);
static void	 test_qualify(void);
static void	 test_dedup(void);
static void	 test_limits(void);
static void	 test_idn(void);
static void	 test_xtext(void);
static void	 test_dsn_params(void);

/* The list as "a|b|c"; an empty entry shows as "<>". */
static void
joinlist(const struct addrlist *l, char *buf, size_t sz)
{
	size_t	i;

	buf[0] = '\0';
	for (i = 0; i < l->n; i++) {
		if (i > 0)
			strlcat(buf, "|", sz);
		strlcat(buf, l->v[i][0] == '\0' ? "<>" : l->v[i], sz);
	}
}

static void
test_parse(void)
{
	static const struct {
		const char	*in;
		const char	*want;
	} t[] = {
		/* What the callers in REFERENCE.md write. */
		{ "root", "root" },
		{ "root (Cron Daemon)", "root" },
		{ "\"(Cron Daemon)\" <root@host.example>",
		    "root@host.example" },
		{ "mdadm monitoring <root>", "root" },
		{ "Logwatch", "Logwatch" },
		{ "\"Doe, John\" <j@x>, b@y", "j@x|b@y" },
		{ "Fail2Ban <root@h.example>", "root@h.example" },
		{ "a@x,b@y", "a@x|b@y" },
		{ "root@localhost", "root@localhost" },
		/* Groups. */
		{ "undisclosed-recipients:;", "" },
		{ "undisclosed-recipients: ;", "" },
		{ "G: a@b, c@d;", "a@b|c@d" },
		{ "G: a@b, c@d;, e@f", "a@b|c@d|e@f" },
		{ "x@y, G: Name <a@b>;", "x@y|a@b" },
		{ "\"Group, with comma\": a@b;", "a@b" },
		{ "G: a@b", "a@b" },
		{ "G:;, H:;", "" },
		/* Comments, anywhere, nested. */
		{ "a@b (x (nested) y), c@d", "a@b|c@d" },
		{ "(lead) a@b", "a@b" },
		{ "a(c)@(d)b", "a@b" },
		{ "John (x) <j@x> (trailing)", "j@x" },
		{ "(a, b) c@d", "c@d" },
		{ "(only a comment)", "" },
		{ "a@b (paren \\) escaped)", "a@b" },
		/* Quoting. */
		{ "\"a b\"@x", "\"a b\"@x" },
		{ "\"a,b\"@x, c@d", "\"a,b\"@x|c@d" },
		{ "\"Name <fake@x>\" <real@y>", "real@y" },
		{ "\"q\\\"uote\" <a@b>", "a@b" },
		/* Obsolete forms. */
		{ "<@r1,@r2:a@b>", "a@b" },
		{ "Name <@r.example:a@b>", "a@b" },
		{ "a . b @ c", "a.b@c" },
		{ "John Q. Public <jqp@x>", "jqp@x" },
		/* Folding, empty elements, literals, 8-bit. */
		{ "Name <a@b>\r\n\t, c@d", "a@b|c@d" },
		{ "a@b,,c@d", "a@b|c@d" },
		{ ", a@b ,", "a@b" },
		{ "", "" },
		{ "  \t ", "" },
		{ "x@[192.0.2.1]", "x@[192.0.2.1]" },
		{ "<>", "<>" },
		{ "J\xc3\xb6rg <j\xc3\xb6rg@ex\xc3\xa4mple.de>",
		    "j\xc3\xb6rg@ex\xc3\xa4mple.de" },
	};
	struct addrlist	l;
	char		why[128], got[1024];
	size_t		i;
	int		rv;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		addrlist_init(&l);
		why[0] = '\0';
		rv = addr_parse_list(t[i].in, strlen(t[i].in), &l, why,
		    sizeof(why));
		joinlist(&l, got, sizeof(got));
		if (rv == -1)
			printf("# %s\n", why);
		ok(rv == 0, "parses: %s", show(t[i].in));
		is_str(got, t[i].want, "addresses of: %s", show(t[i].in));
		addrlist_free(&l);
	}

	/* Appends to what is there; the length bounds the input. */
	addrlist_init(&l);
	rv = addr_parse_list("a@b, c@d", 3, &l, why, sizeof(why));
	rv |= addr_parse_list("x@y", 3, &l, why, sizeof(why));
	joinlist(&l, got, sizeof(got));
	ok(rv == 0, "two calls");
	is_str(got, "a@b|x@y", "len bounds the input; calls append");
	addrlist_free(&l);
	addrlist_free(&l);
	ok(l.n == 0 && l.v == NULL, "addrlist_free twice is harmless");
}

static void
test_parse_errors(void)
{
	static const struct {
		const char	*in;
		const char	*why;
	} t[] = {
		{ "Name <a@b", "unbalanced '<' (missing '>')" },
		{ "<", "unbalanced '<' (missing '>')" },
		{ "a@b>", "unbalanced '>'" },
		{ ">", "unbalanced '>'" },
		{ "\"abc <a@b>", "unterminated quoted string" },
		{ "a@b (comment", "unterminated comment (missing ')')" },
		{ "a@b (x (y)", "unterminated comment (missing ')')" },
		{ "a@b)", "unbalanced ')'" },
		{ "x@[1.2", "unterminated domain literal (missing ']')" },
		{ "x@1.2]", "unbalanced ']'" },
		{ "John Doe", "blank between words of an address (a display "
		    "name needs the address in <>)" },
		{ "a@b c@d", "blank between words of an address (a display "
		    "name needs the address in <>)" },
		{ "a@b; c@d", "';' outside a group" },
		{ ";", "';' outside a group" },
		{ "A: B: c@d;;", "a group inside a group" },
		{ "G: a@b; x", "unexpected text after a group's ';'" },
		{ "Name <a@b> junk", "unexpected text after '>'" },
		{ "<a@b> <c@d>", "unexpected text after '>'" },
		{ "<a <b>>", "'<' inside <>" },
		{ "<a,b@c>", "unexpected ',', ':' or ';' inside <>" },
		{ "<a b@c>", "blank between words inside <>" },
		{ "<@r1,@r2 a@b>", "malformed source route in <>" },
		{ "a\001b@c", "control character in an address" },
		{ "a@b\x7f", "control character in an address" },
	};
	struct addrlist	l;
	char		why[128];
	size_t		i;
	int		rv;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		addrlist_init(&l);
		why[0] = '\0';
		rv = addr_parse_list(t[i].in, strlen(t[i].in), &l, why,
		    sizeof(why));
		ok(rv == -1 && l.n == 0, "refused: %s", show(t[i].in));
		is_str(why, t[i].why, "why: %s", show(t[i].in));
		addrlist_free(&l);
	}

	addrlist_init(&l);
	rv = addr_parse_list("a\0b@c", 5, &l, why, sizeof(why));
	ok(rv == -1, "NUL refused");
	is_str(why, "NUL byte in an address list", "NUL message");

	/* All or nothing: earlier entries stay, this call's go. */
	(void)addr_parse_list("keep@x", 6, &l, why, sizeof(why));
	rv = addr_parse_list("a@b, c@d, <e@f", 14, &l, why, sizeof(why));
	ok(rv == -1 && l.n == 1 && strcmp(l.v[0], "keep@x") == 0,
	    "a failed call adds nothing");
	addrlist_free(&l);

	/* The message never carries the input. */
	rv = addr_parse_list("SECRETNAME <SECRETADDR@x", 24, &l, why,
	    sizeof(why));
	ok(rv == -1 && strstr(why, "SECRET") == NULL, "why does not echo");
	/* A short buffer still gets a terminated message. */
	rv = addr_parse_list("<", 1, &l, why, 8);
	ok(rv == -1 && strlen(why) == 7, "short why buffer");
	addrlist_free(&l);
}

static void
test_check(void)
{
	static const struct {
		const char	*addr;
		int		 allow_empty;
		const char	*why;	/* NULL: valid */
	} t[] = {
		{ "a@b.example", 0, NULL },
		{ "root", 0, NULL },
		{ "a+tag@x.org", 0, NULL },
		{ "first.last@x.org", 0, NULL },
		{ "\"a b\"@x.org", 0, NULL },
		{ "\"a@b\"@x.org", 0, NULL },
		{ "\"a\\\"b\"@x.org", 0, NULL },
		{ "j\xc3\xb6rg@ex\xc3\xa4mple.de", 0, NULL },
		{ "x@[192.0.2.1]", 0, NULL },
		{ "x@[IPv6:2001:db8::1]", 0, NULL },
		{ "", 1, NULL },
		{ "", 0, "empty address" },
		{ "a\r@b", 0, "address contains a line break (CR or LF)" },
		{ "a@b\n", 0, "address contains a line break (CR or LF)" },
		{ "a@b\r\nRCPT TO:<x@y>", 0,
		    "address contains a line break (CR or LF)" },
		{ "a\x7f@b", 0, "address contains a control character" },
		{ "a\x01@b", 0, "address contains a control character" },
		{ "a\t@b", 0, "address contains a control character" },
		{ "<a@b>", 0, "address contains '<' or '>'" },
		{ "a>b@c", 0, "address contains '<' or '>'" },
		{ "a b@c", 0, "address contains white space" },
		{ "a@b c", 0, "address contains white space" },
		{ "a@b@c", 0, "address contains more than one '@'" },
		{ "@b", 0, "empty local part before '@'" },
		{ "a@", 0, "empty domain after '@'" },
		{ "\"ab@x", 0, "unterminated quoted local part" },
		{ "\"a\"b@x", 0, "text after the quoted local part" },
		{ "a,b@c", 0, "the local part contains a character that must "
		    "be quoted" },
		{ "a(b)@c", 0, "the local part contains a character that must "
		    "be quoted" },
		{ "a@b,c", 0, "the domain contains a character not allowed in "
		    "a domain" },
		{ "a@b;c", 0, "the domain contains a character not allowed in "
		    "a domain" },
		{ "x@[1.2.3.4", 0, "malformed domain literal" },
		{ "x@[1.2]3]", 0, "malformed domain literal" },
	};
	char	 why[128], buf[600];
	size_t	 i;
	int	 rv;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		why[0] = '\0';
		rv = addr_check(t[i].addr, t[i].allow_empty, why, sizeof(why));
		if (t[i].why == NULL) {
			if (rv == -1)
				printf("# %s\n", why);
			ok(rv == 0, "valid: \"%s\" (allow_empty %d)",
			    show(t[i].addr), t[i].allow_empty);
		} else {
			ok(rv == -1, "invalid: case %zu", i);
			is_str(why, t[i].why, "why: case %zu", i);
		}
	}
	ok(addr_check(NULL, 1, why, sizeof(why)) == 0, "NULL as empty");

	/* RFC 5321 4.5.3.1: 64-octet local part, 255-octet domain, 256. */
	memset(buf, 'l', 64);
	strlcpy(buf + 64, "@x.org", sizeof(buf) - 64);
	is_int(addr_check(buf, 0, why, sizeof(why)), 0, "64-octet local");
	memset(buf, 'l', 65);
	strlcpy(buf + 65, "@x.org", sizeof(buf) - 65);
	is_int(addr_check(buf, 0, why, sizeof(why)), -1, "65-octet local");
	is_str(why, "local part is longer than 64 octets", "why 65 local");
	buf[0] = 'a';
	buf[1] = '@';
	memset(buf + 2, 'd', 254);
	buf[256] = '\0';
	is_int(addr_check(buf, 0, why, sizeof(why)), 0, "256 octets in all");
	memset(buf + 2, 'd', 256);
	buf[258] = '\0';
	is_int(addr_check(buf, 0, why, sizeof(why)), -1, "256-octet domain");
	is_str(why, "domain is longer than 255 octets", "why 256 domain");
	memset(buf, 'l', 64);
	buf[64] = '@';
	memset(buf + 65, 'd', 192);
	buf[257] = '\0';
	is_int(addr_check(buf, 0, why, sizeof(why)), -1, "257 octets");
	is_str(why, "address is longer than 256 octets", "why 257");
}

static void
test_qualify(void)
{
	char	buf[64];

	is_int(addr_qualify(buf, sizeof(buf), "root", "example.org"), 0,
	    "qualify root");
	is_str(buf, "root@example.org", "root@example.org");
	addr_qualify(buf, sizeof(buf), "a@b", "example.org");
	is_str(buf, "a@b", "qualified address copied");
	addr_qualify(buf, sizeof(buf), "", "example.org");
	is_str(buf, "", "the null sender stays empty");
	addr_qualify(buf, sizeof(buf), "root", NULL);
	is_str(buf, "root", "no domain: copied");
	addr_qualify(buf, sizeof(buf), "\"a@b\"", "x.org");
	is_str(buf, "\"a@b\"@x.org", "'@' inside quotes is not a domain");
	is_int(addr_qualify(buf, 10, "root", "example.org"), -1,
	    "too small: -1");
	is_int(addr_qualify(buf, 4, "root", NULL), -1, "copy too small: -1");

	is_str(addr_domain("a@b.org"), "b.org", "addr_domain");
	ok(addr_domain("root") == NULL, "addr_domain without '@'");
	is_str(addr_domain("\"a@b\"@c"), "c", "addr_domain after quotes");
	ok(addr_domain("\"a@b\"") == NULL, "addr_domain: '@' in quotes");
	is_str(addr_domain("a@"), "", "addr_domain: empty domain");
}

static void
test_dedup(void)
{
	static const char *const in[] = {
		"a@X.org", "a@x.ORG", "A@x.org", "b@y", "a@x.org", "root",
		"root", "Root", "\"a b\"@x", "\"a b\"@X", "", ""
	};
	struct addrlist	l;
	char		got[512], a[32];
	size_t		i;

	addrlist_init(&l);
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		addrlist_add(&l, in[i], strlen(in[i]));
	addrlist_dedup(&l);
	joinlist(&l, got, sizeof(got));
	is_str(got, "a@X.org|A@x.org|b@y|root|Root|\"a b\"@x|<>",
	    "dedup: domain case-insensitive, local part not, order kept");
	addrlist_free(&l);

	/* Many: every address twice, in two spellings. */
	addrlist_init(&l);
	for (i = 0; i < 4000; i++) {
		snprintf(a, sizeof(a), "u%zu@d%zu.example", i, i % 7);
		addrlist_add(&l, a, strlen(a));
		snprintf(a, sizeof(a), "u%zu@D%zu.EXAMPLE", i, i % 7);
		addrlist_add(&l, a, strlen(a));
	}
	addrlist_dedup(&l);
	is_int(l.n, 4000, "dedup of 8000 to 4000");
	ok(l.n > 3999 && strcmp(l.v[3999], "u3999@d2.example") == 0,
	    "first spelling kept, in order");
	addrlist_free(&l);
}

static void
test_limits(void)
{
	struct addrlist	l;
	char		*big, why[128];
	size_t		i;
	int		rv = 0;

	addrlist_init(&l);
	for (i = 0; i < ADDRLIST_MAX && rv == 0; i++)
		rv = addrlist_add(&l, "a@b", 3);
	is_int(rv, 0, "ADDRLIST_MAX addresses fit");
	errno = 0;
	is_int(addrlist_add(&l, "a@b", 3), -1, "one more does not");
	is_int(errno, E2BIG, "E2BIG");
	rv = addr_parse_list("c@d", 3, &l, why, sizeof(why));
	ok(rv == -1, "parse into a full list fails");
	is_str(why, "too many addresses (limit 10000)", "full list message");
	addrlist_free(&l);

	addrlist_init(&l);
	errno = 0;
	is_int(addrlist_add(&l, "a\0b", 3), -1, "addrlist_add refuses NUL");
	is_int(errno, EINVAL, "EINVAL");

	/* An addr-spec over 256 octets is refused, not cut. */
	big = malloc(400);
	memset(big, 'x', 300);
	memcpy(big + 300, "@y", 3);
	rv = addr_parse_list(big, strlen(big), &l, why, sizeof(why));
	ok(rv == -1 && l.n == 0, "over-long address refused");
	is_str(why, "address is longer than 256 octets", "long message");
	/* A long display name is fine. */
	big[0] = '"';
	big[298] = '"';
	memcpy(big + 299, " <a@b>", 7);
	rv = addr_parse_list(big, strlen(big), &l, why, sizeof(why));
	ok(rv == 0 && l.n == 1 && strcmp(l.v[0], "a@b") == 0,
	    "long display name is dropped");
	free(big);
	addrlist_free(&l);
}

static void
test_idn(void)
{
	char	out[256], why[128];

	is_int(idn_to_alabel("example.org", out, sizeof(out), why,
	    sizeof(why)), 0, "ASCII domain");
	is_str(out, "example.org", "ASCII unchanged");
	idn_to_alabel("Example.ORG", out, sizeof(out), why, sizeof(why));
	is_str(out, "Example.ORG", "ASCII case kept");
	is_int(idn_to_alabel("ex\xc3\xa4mple.de", out, sizeof(out), why,
	    sizeof(why)), 0, "U-label domain");
	is_str(out, "xn--exmple-cua.de", "A-label");
	idn_to_alabel("fa\xc3\x9f.de", out, sizeof(out), why, sizeof(why));
	is_str(out, "xn--fa-hia.de", "non-transitional: sharp s kept");
	is_int(idn_to_alabel("a\xff.de", out, sizeof(out), why,
	    sizeof(why)), -1, "invalid UTF-8 refused");
	ok(strncmp(why, "invalid internationalised domain name",
	    strlen("invalid internationalised domain name")) == 0,
	    "message: %s", why);
	is_int(idn_to_alabel("ex\xc3\xa4mple.de", out, 8, why, sizeof(why)),
	    -1, "short buffer refused");
	is_int(idn_to_alabel("example.org", out, 8, why, sizeof(why)), -1,
	    "short buffer refused (ASCII)");
}

/* RFC 3461 4: xtext, with the RFC's examples (4.2, 4.4, 9). */
static void
test_xtext(void)
{
	char	buf[64];

	is_int(addr_xtext(buf, sizeof(buf), "Carol@Ivory.EDU"), 15,
	    "xtext: plain address length");
	is_str(buf, "Carol@Ivory.EDU", "xtext: graphic ASCII unchanged");
	addr_xtext(buf, sizeof(buf), "QQ314159");
	is_str(buf, "QQ314159", "xtext: ENVID example unchanged");
	addr_xtext(buf, sizeof(buf), "abc+def");
	is_str(buf, "abc+2Bdef", "xtext: '+' as +2B");
	addr_xtext(buf, sizeof(buf), "a=b");
	is_str(buf, "a+3Db", "xtext: '=' as +3D");
	addr_xtext(buf, sizeof(buf), "a b\t~");
	is_str(buf, "a+20b+09~", "xtext: space and tab encoded, '~' kept");
	addr_xtext(buf, sizeof(buf), "\x7f\xc3\xa4\x01");
	is_str(buf, "+7F+C3+A4+01", "xtext: DEL, 8-bit, controls upper hex");
	is_int(addr_xtext(buf, sizeof(buf), ""), 0, "xtext: empty");
	is_str(buf, "", "xtext: empty stays empty");
	is_int(addr_xtext(buf, 4, "abc"), 3, "xtext: exact fit");
	is_int(addr_xtext(buf, 3, "abc"), -1, "xtext: no room for NUL");
	is_int(addr_xtext(buf, 5, "a+b"), -1, "xtext: no room for +2B");
	is_int(addr_xtext(buf, 6, "a+b"), 5, "xtext: +2B exact fit");
	is_str(buf, "a+2Bb", "xtext: +2B at the edge");
}

/* RFC 3461 4.1-4.4: the MAIL and RCPT parameters (src/msg/dsn.c). */
static void
test_dsn_params(void)
{
	char	buf[700], big[200];

	strlcpy(buf, " SIZE=10", sizeof(buf));
	is_int(dsn_mail_params(buf, sizeof(buf), DSNRET_HDRS, "QQ314159"), 0,
	    "dsn mail: RET and ENVID");
	is_str(buf, " SIZE=10 RET=HDRS ENVID=QQ314159",
	    "dsn mail: appended (RFC 3461 9 example)");
	buf[0] = '\0';
	dsn_mail_params(buf, sizeof(buf), DSNRET_FULL, NULL);
	is_str(buf, " RET=FULL", "dsn mail: RET=FULL alone");
	buf[0] = '\0';
	dsn_mail_params(buf, sizeof(buf), DSNRET_OFF, "a+b=c");
	is_str(buf, " ENVID=a+2Bb+3Dc", "dsn mail: ENVID as xtext");
	memset(big, 'x', 100);
	big[100] = '\0';
	buf[0] = '\0';
	is_int(dsn_mail_params(buf, sizeof(buf), DSNRET_OFF, big), 0,
	    "dsn mail: 100-octet ENVID");
	big[99] = '+';
	buf[0] = '\0';
	is_int(dsn_mail_params(buf, sizeof(buf), DSNRET_OFF, big), -1,
	    "dsn mail: ENVID over 100 octets as xtext");
	buf[0] = '\0';
	is_int(dsn_mail_params(buf, 8, DSNRET_HDRS, NULL), -1,
	    "dsn mail: too small");

	is_int(dsn_rcpt_params(buf, sizeof(buf), DSN_SUCCESS | DSN_FAILURE,
	    "Carol@Ivory.EDU"), 0, "dsn rcpt: NOTIFY and ORCPT");
	is_str(buf, " NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Carol@Ivory.EDU",
	    "dsn rcpt: RFC 3461 9 example");
	dsn_rcpt_params(buf, sizeof(buf), DSN_NEVER, "a+b@x");
	is_str(buf, " NOTIFY=NEVER ORCPT=rfc822;a+2Bb@x",
	    "dsn rcpt: NEVER, ORCPT as xtext");
	dsn_rcpt_params(buf, sizeof(buf), DSN_DELAY | DSN_SUCCESS, "a@x");
	is_str(buf, " NOTIFY=SUCCESS,DELAY ORCPT=rfc822;a@x",
	    "dsn rcpt: SUCCESS,DELAY");
	dsn_rcpt_params(buf, sizeof(buf), DSN_FAILURE | DSN_DELAY, "a@x");
	is_str(buf, " NOTIFY=FAILURE,DELAY ORCPT=rfc822;a@x",
	    "dsn rcpt: FAILURE,DELAY");
	is_int(dsn_rcpt_params(buf, sizeof(buf), 0, "a@x"), 0,
	    "dsn rcpt: nothing requested");
	is_str(buf, "", "dsn rcpt: empty");
	is_int(dsn_rcpt_params(buf, sizeof(buf), DSN_FAILURE,
	    "j\xc3\xb6rg@x"), 1, "dsn rcpt: no ORCPT for UTF-8");
	is_str(buf, " NOTIFY=FAILURE", "dsn rcpt: NOTIFY alone");
	is_int(dsn_rcpt_params(buf, 20, DSN_FAILURE, "a@x"), -1,
	    "dsn rcpt: too small");
}

int
main(void)
{
	test_parse();
	test_parse_errors();
	test_check();
	test_qualify();
	test_dedup();
	test_limits();
	test_idn();
	test_xtext();
	test_dsn_params();
	return done_testing();
}
