/*
 * Unit tests for src/net/tlsfail.c (what the server's first bytes are,
 * the words for a refused chain, which failures are SETUP_CERT) and for
 * the parts of src/net/tls.c built on it: tls_handshake() against a peer
 * that greets in clear fails at once, and tls_sniff() tells TLS from
 * anything else, over socketpairs whose far end is written in advance.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/socket.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "net/tls.h"
#include "net/tlsfail.h"
#include "base/util.h"

static void	test_first(void);
static void	test_setup(void);
static void	test_chain(void);
static void	test_handshake(void);
static void	test_sniff(void);
static void	test_alert(void);
static int	sniff(const void *, size_t, int, int);

static void
test_first(void)
{
	static const unsigned char hs[] = { 22, 3, 3, 0, 122, 2 };
	static const unsigned char alert[] = { 21, 3, 3, 0, 2, 2, 70 };
	char	shown[TLS_PEERTEXT];

#define FIRST(s) tlsfail_first((const unsigned char *)(s), strlen(s), \
	    shown, sizeof(shown))
	is_int(tlsfail_first(hs, sizeof(hs), shown, sizeof(shown)),
	    TLS_FAIL_NONE, "a handshake record is TLS");
	is_int(tlsfail_first(alert, sizeof(alert), shown, sizeof(shown)),
	    TLS_FAIL_NONE, "an alert record is TLS");
	is_int(tlsfail_first(hs, 1, shown, sizeof(shown)), TLS_FAIL_NONE,
	    "its first byte alone is enough");
	is_int(FIRST("\x16\x01rest"), TLS_FAIL_NOTTLS,
	    "22 without version 3 after it is not TLS");
	is_int(FIRST("220 mx.example ESMTP\r\n"), TLS_FAIL_SMTP,
	    "a greeting is SMTP");
	ok(strcmp(shown, "220 mx.example ESMTP") == 0,
	    "its first line is shown without the CRLF: %s", shown);
	is_int(FIRST("220-mx.example\r\n220 more\r\n"), TLS_FAIL_SMTP,
	    "a multi-line greeting is SMTP");
	ok(strcmp(shown, "220-mx.example") == 0, "only its first line");
	is_int(FIRST("554"), TLS_FAIL_SMTP, "a bare code is SMTP");
	is_int(FIRST("421 4.3.2 busy\r\n"), TLS_FAIL_SMTP, "so is a 421");
	is_int(FIRST("220 evil\x1b[2J\x9b" "31m\r\n"), TLS_FAIL_SMTP,
	    "control bytes in a greeting");
	ok(strcmp(shown, "220 evil?[2J?31m") == 0,
	    "are shown as '?', C1 included: %s", shown);
	is_int(FIRST("SSH-2.0-OpenSSH_9.2p1\r\n"), TLS_FAIL_NOTTLS,
	    "an SSH banner is neither");
	is_int(FIRST("2200 x"), TLS_FAIL_NOTTLS,
	    "four digits are no reply code");
	is_int(FIRST("HTTP/1.1 400 Bad Request\r\n"), TLS_FAIL_NOTTLS,
	    "nor is HTTP");
#undef FIRST
}

static void
test_setup(void)
{
	is_int(tls_failure_setup(TLS_FAIL_UNTRUSTED), SETUP_CERT,
	    "untrusted: SETUP_CERT");
	is_int(tls_failure_setup(TLS_FAIL_NAME), SETUP_CERT,
	    "name mismatch (CN-only included): SETUP_CERT");
	is_int(tls_failure_setup(TLS_FAIL_PIN), SETUP_CERT,
	    "fingerprint mismatch: SETUP_CERT");
	is_int(tls_failure_setup(TLS_FAIL_SERVERCERT), SETUP_NONE,
	    "expired, not yet valid, revoked: for the server to fix");
	is_int(tls_failure_setup(TLS_FAIL_OTHER), SETUP_NONE,
	    "any other handshake failure: none");
	is_int(tls_failure_setup(TLS_FAIL_SMTP), SETUP_NONE,
	    "the TLS mode is for the caller to judge");
	is_int(tls_failure_setup(TLS_FAIL_NONE), SETUP_NONE, "no failure");
}

static void
test_chain(void)
{
	struct tlsfail_chain	c;
	char			why[512];

	memset(&c, 0, sizeof(c));
	c.ref = "mx.example";
	c.issuer = "CN=mx.example";
	c.date = "2020-01-01 00:00:00 UTC";
	c.unknown = 1;
	c.self = 1;
	is_int(tlsfail_chain(&c, why, sizeof(why)), TLS_FAIL_UNTRUSTED,
	    "self-signed: untrusted");
	ok(strncmp(why, "self-signed: ", 13) == 0 &&
	    strstr(why, "tls_fingerprint (bote --serverinfo shows it)") &&
	    strstr(why, "the system's trust store"), "says so: %s", why);
	c.self = 0;
	c.expired = 1;
	is_int(tlsfail_chain(&c, why, sizeof(why)), TLS_FAIL_UNTRUSTED,
	    "expired from an unknown CA: untrusted first");
	ok(strncmp(why, "unknown issuer: ", 16) == 0, "%s", why);
	c.unknown = 0;
	is_int(tlsfail_chain(&c, why, sizeof(why)), TLS_FAIL_SERVERCERT,
	    "expired from a trusted CA: the server's");
	ok(strstr(why, "expired on 2020-01-01") != NULL, "%s", why);
	c.expired = 0;
	c.revoked = 1;
	is_int(tlsfail_chain(&c, why, sizeof(why)), TLS_FAIL_SERVERCERT,
	    "revoked: the server's");
	c.revoked = 0;
	c.other = "The certificate issuer is not a CA.";
	c.store = "/etc/bote/ca.pem";
	is_int(tlsfail_chain(&c, why, sizeof(why)), TLS_FAIL_UNTRUSTED,
	    "an invalid chain: untrusted");
	ok(strstr(why, "not a CA; set tls_trust_file") != NULL &&
	    strstr(why, "tls_fingerprint") != NULL, "with the fix: %s", why);
}

/* A client socket of a socketpair whose far end already sent buf. */
static int
pair(const void *buf, size_t len, int *far)
{
	int	sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == -1)
		return -1;
	if (len > 0 && write(sv[1], buf, len) != (ssize_t)len) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	*far = sv[1];
	return sv[0];
}

static void
test_handshake(void)
{
	struct tls_opts	 op;
	struct tls	*t;
	char		 why[512];
	int		 fd, far, config;
	int64_t		 start;

	memset(&op, 0, sizeof(op));
	op.nocertcheck = 1;
	if ((fd = pair("220 mx.example ESMTP\r\n", 22, &far)) == -1) {
		ok(0, "socketpair");
		return;
	}
	t = tls_client(fd, "mx.example", &op, &config, why, sizeof(why));
	ok(t != NULL, "a session");
	if (t == NULL)
		return;
	start = now_ms();
	is_int(tls_handshake(t, now_ms() + 20000, why, sizeof(why)), -1,
	    "a greeting where a ServerHello belongs fails the handshake");
	ok(now_ms() - start < 5000, "at once, not at the deadline");
	is_int(tls_failure(t), TLS_FAIL_SMTP, "as an SMTP reply");
	ok(strcmp(tls_peer_text(t), "220 mx.example ESMTP") == 0,
	    "the greeting is kept: %s", tls_peer_text(t));
	ok(strstr(why, "does not speak TLS") != NULL, "%s", why);
	tls_free(t);
	close(fd);
	close(far);
}

/*
 * A server that answers the ClientHello with a fatal alert (RFC 8446 6:
 * a record of type 21, level 2, then the code): the failure names it.
 */
static void
test_alert(void)
{
	static const unsigned char rec[] = { 21, 3, 3, 0, 2, 2, 80 };
	struct tls_opts	 op;
	struct tls	*t;
	char		 why[512];
	int		 fd, far, config;

	tlsfail_alert(80, why, sizeof(why));
	is_str(why, "the server sent TLS alert internal_error (80)",
	    "an alert by its RFC name and number");
	tlsfail_alert(40, why, sizeof(why));
	is_str(why, "the server sent TLS alert handshake_failure (40): no "
	    "TLS version or cipher suite suits both sides (see "
	    "tls_priorities)", "with what to change where it says");
	tlsfail_alert(200, why, sizeof(why));
	is_str(why, "the server sent TLS alert 200", "an unknown code");
	ok(tlsfail_alert_name(116) != NULL && strcmp(tlsfail_alert_name(116),
	    "certificate_required") == 0, "certificate_required (116)");

	memset(&op, 0, sizeof(op));
	op.nocertcheck = 1;
	if ((fd = pair(rec, sizeof(rec), &far)) == -1) {
		ok(0, "socketpair");
		return;
	}
	t = tls_client(fd, "mx.example", &op, &config, why, sizeof(why));
	ok(t != NULL, "a session");
	if (t == NULL)
		return;
	is_int(tls_handshake(t, now_ms() + 20000, why, sizeof(why)), -1,
	    "an alert for a ServerHello fails the handshake");
	is_str(why, "the server sent TLS alert internal_error (80)",
	    "and the failure names the alert");
	tls_free(t);
	close(fd);
	close(far);
}

/* tls_sniff() on a socketpair whose far end sent buf; watch: readable. */
static int
sniff(const void *buf, size_t len, int watchable, int ms)
{
	int	fd, far, w[2] = { -1, -1 }, rc;

	if ((fd = pair(buf, len, &far)) == -1)
		return -1;
	if (watchable && (socketpair(AF_UNIX, SOCK_STREAM, 0, w) == -1 ||
	    write(w[1], "220 ", 4) != 4))
		return -1;
	rc = tls_sniff(fd, "mx.example", now_ms() + ms, w[0]);
	close(fd);
	close(far);
	if (watchable) {
		close(w[0]);
		close(w[1]);
	}
	return rc;
}

static void
test_sniff(void)
{
	static const unsigned char hs[] = { 22, 3, 3, 0, 122, 2, 0, 0 };

	is_int(sniff(hs, sizeof(hs), 0, 5000), TLS_SNIFF_TLS,
	    "a ServerHello: TLS");
	is_int(sniff("220 mx ESMTP\r\n", 14, 0, 5000), TLS_SNIFF_NO,
	    "a greeting: not TLS");
	is_int(sniff("", 0, 0, 200), TLS_SNIFF_NO, "silence: not TLS");
	is_int(sniff("", 0, 1, 5000), TLS_SNIFF_WATCH,
	    "the watched descriptor readable: stop at once");
}

int
main(void)
{
	test_first();
	test_setup();
	test_chain();
	test_handshake();
	test_sniff();
	test_alert();
	return done_testing();
}
