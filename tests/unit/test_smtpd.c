/*
 * Unit tests for src/smtp/smtpd.c: the -bs server driven over a socketpair.
 * Each case writes the caller's whole side, runs the session in-process
 * and compares every reply and what reached the relay callback.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>
#include <sys/socket.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg/msg.h"
#include "smtp/smtpd.h"
#include "tap.h"

struct got {
	int	 calls;
	char	 sender[300];
	char	 rcpts[1024];
	char	 body[8192];
	size_t	 bodylen;
	int	 code;			/* what the relay answers */
};

static struct got	got;
static char		replies[65536];
static size_t		nreplies;

static void
relay(void *arg, const char *sender, char *const *rcpts, size_t n,
    struct msg *m, struct smtpd_reply *r)
{
	struct got	*g = arg;
	ssize_t		 k;
	size_t		 i;

	g->calls++;
	(void)snprintf(g->sender, sizeof(g->sender), "%s", sender);
	g->rcpts[0] = '\0';
	for (i = 0; i < n; i++) {
		(void)strlcat(g->rcpts, rcpts[i], sizeof(g->rcpts));
		(void)strlcat(g->rcpts, ";", sizeof(g->rcpts));
	}
	g->bodylen = 0;
	while ((k = read(msg_fd(m), g->body + g->bodylen,
	    sizeof(g->body) - g->bodylen)) > 0)
		g->bodylen += (size_t)k;
	r->code = g->code;
	(void)snprintf(r->enh, sizeof(r->enh), "%d.0.0", g->code / 100);
	(void)snprintf(r->text, sizeof(r->text), "relayed\r\ninjected");
}

/*
 * Run a session with the caller's side in script; close_in: the caller
 * closes its side after the script (else it stays open, for timeouts).
 */
static int
run(const char *script, size_t len, int close_in, int idle_ms,
    off_t size_max, struct smtpd_result *res)
{
	struct smtpd_opts	op;
	int			sv[2];
	ssize_t			k;
	int			rc;

	memset(&got, 0, sizeof(got));
	got.code = 250;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return -2;
	if (write(sv[1], script, len) != (ssize_t)len)
		return -2;
	if (close_in)
		(void)shutdown(sv[1], SHUT_WR);
	memset(&op, 0, sizeof(op));
	op.infd = op.outfd = sv[0];
	op.hostname = "test.example";
	op.spool_dir = "/tmp";
	op.idle_ms = idle_ms;
	op.size_max = size_max;
	op.relay = relay;
	op.relay_arg = &got;
	rc = smtpd_run(&op, res);
	close(sv[0]);
	nreplies = 0;
	while ((k = read(sv[1], replies + nreplies,
	    sizeof(replies) - 1 - nreplies)) > 0)
		nreplies += (size_t)k;
	replies[nreplies] = '\0';
	close(sv[1]);
	return rc;
}

#define RUN(s, res)	run((s), sizeof(s) - 1, 1, 0, 0, (res))

static void
t_dialogue(void)
{
	struct smtpd_result	res;
	int			rc;

	rc = RUN("EHLO client\r\n"
	    "MAIL FROM:<a@example.org> BODY=8BITMIME SIZE=100\r\n"
	    "RCPT TO:<b@example.org>\r\n"
	    "RCPT TO:<@relay.example:c@example.org>\r\n"
	    "DATA\r\n"
	    "Subject: x\r\n\r\n..leading dot\r\n.\r\n"
	    "QUIT\r\n", &res);
	is_int(rc, 0, "a whole dialogue ends with QUIT");
	is_int(res.end, SMTPD_QUIT, "end is SMTPD_QUIT");
	is_int(res.relayed, 1, "one message relayed");
	is_str(replies,
	    "220 test.example ESMTP bote\r\n"
	    "250-test.example\r\n"
	    "250-PIPELINING\r\n"
	    "250-SIZE 104857600\r\n"
	    "250-8BITMIME\r\n"
	    "250 ENHANCEDSTATUSCODES\r\n"
	    "250 2.1.0 Ok\r\n"
	    "250 2.1.5 Ok\r\n"
	    "250 2.1.5 Ok\r\n"
	    "354 End data with <CR><LF>.<CR><LF>\r\n"
	    "250 2.0.0 relayed??injected\r\n"
	    "221 2.0.0 Bye\r\n", "the replies, relay text sanitised");
	is_str(got.sender, "a@example.org", "the sender");
	is_str(got.rcpts, "b@example.org;c@example.org;", "the recipients "
	    "(source route dropped)");
	is_mem(got.body, got.bodylen, "Subject: x\r\n\r\n.leading dot\r\n",
	    28, "the body, un-stuffed");
}

static void
t_bare_lf(void)
{
	struct smtpd_result	res;

	(void)RUN("HELO c\nMAIL FROM:<>\nRCPT TO:<b@x.example>\nDATA\n"
	    "From a line\nbody\n.\nQUIT\n", &res);
	is_int(res.end, SMTPD_QUIT, "bare LF: QUIT");
	is_str(got.sender, "", "bare LF: the null sender");
	is_mem(got.body, got.bodylen, "From a line\r\nbody\r\n", 19,
	    "bare LF: CRLF in the spool, a leading From line kept");
}

static void
t_errors(void)
{
	struct smtpd_result	res;
	char			big[1200];
	char			script[2000];

	(void)RUN("RCPT TO:<b@x.example>\r\nDATA\r\nMAIL FROM:<a@x>\r\n"
	    "MAIL FROM:<a@x>\r\nDATA\r\nRCPT TO:b@x\r\nRCPT TO:<b c@x>\r\n"
	    "FOO\r\nAUTH PLAIN\r\nVRFY root\r\nRSET\r\nQUIT\r\n", &res);
	ok(strncmp(replies,
	    "220 test.example ESMTP bote\r\n"
	    "503 5.5.1 Error: need MAIL command\r\n"
	    "503 5.5.1 Error: need MAIL command\r\n"
	    "250 2.1.0 Ok\r\n"
	    "503 5.5.1 Error: nested MAIL command\r\n"
	    "554 5.5.1 Error: no valid recipients\r\n"
	    "501 5.1.3 Error: the recipient address must be in <>\r\n"
	    "553 5.1.3 Error: bad recipient address: ", 285) == 0,
	    "sequence and syntax errors");
	ok(strstr(replies, "500 5.5.2 Error: command not recognized\r\n"
	    "502 5.5.1 Error: command not implemented\r\n"
	    "252 2.5.2 ") != NULL, "unknown 500, AUTH 502, VRFY 252");
	ok(strstr(replies, "250 2.0.0 Ok\r\n221 2.0.0 Bye\r\n") != NULL,
	    "RSET and QUIT");
	is_int(got.calls, 0, "nothing relayed");

	memset(big, 'x', sizeof(big));
	(void)snprintf(script, sizeof(script), "NOOP %.*s\r\nNOOP\r\nQUIT\r\n",
	    (int)sizeof(big), big);
	(void)run(script, strlen(script), 1, 0, 0, &res);
	ok(strstr(replies, "500 5.5.2 Error: line too long\r\n"
	    "250 2.0.0 Ok\r\n221") != NULL, "a line over 1000 octets is "
	    "refused and the dialogue goes on");
}

static void
t_data_errors(void)
{
	static const char nul[] = "MAIL FROM:<a@x.example>\r\n"
	    "RCPT TO:<b@x.example>\r\nDATA\r\nab\0c\r\n.\r\nQUIT\r\n";
	static const char big[] = "MAIL FROM:<a@x.example>\r\n"
	    "RCPT TO:<b@x.example>\r\nDATA\r\n0123456789\r\n0123456789\r\n"
	    ".\r\nQUIT\r\n";
	struct smtpd_result	res;

	(void)run(nul, sizeof(nul) - 1, 1, 0, 0, &res);
	ok(strstr(replies, "554 5.6.0 ") != NULL, "a NUL byte: 554 5.6.0");
	is_int(got.calls, 0, "a NUL byte: not relayed");
	is_int(res.end, SMTPD_QUIT, "a NUL byte: the dialogue goes on");

	(void)run(big, strlen(big), 1, 0, 16, &res);
	ok(strstr(replies, "552 5.3.4 ") != NULL, "over SIZE: 552 5.3.4");
	is_int(got.calls, 0, "over SIZE: not relayed");

	(void)RUN("MAIL FROM:<a@x.example>\r\nRCPT TO:<b@x.example>\r\n"
	    "DATA\r\nunfinished\r\n", &res);
	is_int(res.end, SMTPD_EOF, "EOF in DATA");
	is_int(res.in_txn, 1, "EOF in DATA is inside a transaction");
	is_int(got.calls, 0, "EOF in DATA: not relayed");
}

static void
t_relay_codes(void)
{
	struct smtpd_result	res;
	struct smtpd_opts	op;
	int			sv[2];
	ssize_t			k;
	static const char script[] = "MAIL FROM:<a@x.example>\r\n"
	    "RCPT TO:<b@x.example>\r\nDATA\r\nhi\r\n.\r\nQUIT\r\n";

	memset(&got, 0, sizeof(got));
	got.code = 451;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return;
	(void)write(sv[1], script, sizeof(script) - 1);
	(void)shutdown(sv[1], SHUT_WR);
	memset(&op, 0, sizeof(op));
	op.infd = op.outfd = sv[0];
	op.hostname = "h";
	op.spool_dir = "/tmp";
	op.relay = relay;
	op.relay_arg = &got;
	(void)smtpd_run(&op, &res);
	close(sv[0]);
	k = read(sv[1], replies, sizeof(replies) - 1);
	replies[k > 0 ? k : 0] = '\0';
	close(sv[1]);
	ok(strstr(replies, "354 End data with <CR><LF>.<CR><LF>\r\n"
	    "451 4.0.0 relayed??injected\r\n") != NULL,
	    "the relay's 451 is the reply to end-of-data");
	is_int(res.refused, 1, "counted as refused");
}

static void
t_timeout(void)
{
	struct smtpd_result	res;

	(void)run("HELO x\r\n", 8, 0, 200, 0, &res);
	is_int(res.end, SMTPD_TIMEOUT, "an idle caller times out");
	ok(strstr(replies, "421 4.4.2 ") != NULL, "with 421 4.4.2");
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	t_dialogue();
	t_bare_lf();
	t_errors();
	t_data_errors();
	t_relay_codes();
	t_timeout();
	return done_testing();
}
