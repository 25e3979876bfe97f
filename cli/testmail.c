/*
 * --test-mail [RECIPIENT]: a test message that explains itself. It is
 * sent through the account's server with the dialogue shown live (AUTH
 * redacted by the engine, as -v) and the time of each line since the
 * start, then a summary of what the session was: server, TLS, the
 * certificate, the AUTH mechanism and the server's queue ID. Nothing is
 * queued: a test that fails must say so now.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/util.h"
#include "msg/addr.h"
#include "net/tlsname.h"
#include "smtp/smtp.h"

#include "exitmap.h"
#include "checkdomain.h"
#include "report.h"
#include "session.h"
#include "testmail.h"

#define TOKENLEN	16	/* hex digits of the token */

struct tm_state {
	int64_t		t0;	/* the monotonic start */
};

static int	compose(struct outmsg *, const char *, const char *,
		    const struct account *, const char *);
static int	session(struct mode_ctx *, const char *, const char *,
		    struct outmsg *);
static void	timed_trace(void *, int, const char *, size_t);
static void	summary(struct smtp *, const struct smtp_opts *,
		    const struct outcome *);

int
mode_test_mail(struct mode_ctx *m)
{
	struct outmsg	 out;
	unsigned char	 rnd[TOKENLEN / 2];
	char		 token[TOKENLEN + 1], why[OUTCOME_WHYMAX];
	const char	*sender, *rcpt, *at;
	size_t		 i;
	int		 st;

	sender = m->args->sender != NULL ? m->args->sender : m->acct->from;
	if (sender == NULL || sender[0] == '\0') {
		say("account %s has no from address: give one with -f",
		    m->acct->name != NULL ? m->acct->name : "default");
		return EX_USAGE;
	}
	if (m->args->nrcpts > 1) {
		say("--test-mail takes one recipient at most");
		return EX_USAGE;
	}
	rcpt = m->args->nrcpts == 1 ? m->args->rcpts[0] : sender;
	/* Both go into the header too: no CR or LF may reach it. */
	if (addr_check(sender, 0, why, sizeof(why)) == -1 ||
	    addr_check(rcpt, 0, why, sizeof(why)) == -1) {
		say("%s", why);
		return EX_DATAERR;
	}
	if (crypto_random(rnd, sizeof(rnd)) == -1) {
		say("no random bytes for the test token");
		return EX_OSERR;
	}
	for (i = 0; i < sizeof(rnd); i++)
		/* Two hex digits and the NUL: always fits. */
		(void)snprintf(token + 2 * i, 3, "%02x", rnd[i]);
	outmsg_init(&out);
	if ((st = compose(&out, sender, rcpt, m->acct, token)) == EX_OK)
		st = session(m, sender, rcpt, &out);
	/* What receivers will make of it: the sender's domain (issue 16). */
	if (st != EX_USAGE && (at = strrchr(sender, '@')) != NULL &&
	    at[1] != '\0') {
		(void)printf("\nHow receivers will judge the sender's domain "
		    "(bote --check-domain):\n");
		(void)checkdomain_report(m->acct, at + 1);
	}
	if (out.fd != -1)
		(void)close(out.fd);
	outmsg_free(&out);
	return st;
}

/*
 * The message, in the spool's normalised form (CRLF lines, no bare dot
 * line), in an unlinked file of the spool directory.
 */
static int
compose(struct outmsg *out, const char *sender, const char *rcpt,
    const struct account *a, const char *token)
{
	char		 path[1024], host[256], date[64];
	struct tm	 tm;
	time_t		 now = clock_now();
	FILE		*f;
	int		 fd;

	if (gethostname(host, sizeof(host)) == -1)
		/* A fixed word in 256 octets. */
		(void)xstrlcpy(host, "(unknown)", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	if (gmtime_r(&now, &tm) == NULL || strftime(date, sizeof(date),
	    "%a, %d %b %Y %H:%M:%S +0000", &tm) == 0)
		date[0] = '\0';
	if (xsnprintf(path, sizeof(path), "%s/bote-test.XXXXXX",
	    spool_dir()) == -1 || (fd = mkstemp(path)) == -1) {
		say("cannot make a file for the test message in %s: %s",
		    spool_dir(), strerror(errno));
		return EX_CANTCREAT;
	}
	(void)unlink(path);
	if ((f = fdopen(dup(fd), "w")) == NULL) {
		(void)close(fd);
		say("out of memory");
		return EX_OSERR;
	}
	(void)fprintf(f, "From: %s\r\nTo: %s\r\nDate: %s\r\n"
	    "Subject: bote test mail %s\r\n"
	    "Message-ID: <bote-test.%s@%s>\r\nX-Bote-Test: %s\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
	    "This is a test message sent by bote --test-mail.\r\n\r\n"
	    "host:     %s\r\naccount:  %s\r\nserver:   %s\r\n"
	    "time:     %s\r\nversion:  %s\r\ntoken:    %s\r\n",
	    sender, rcpt, date, token, token, host, token, host,
	    a->name != NULL ? a->name : "default", a->host, date,
	    PACKAGE_STRING, token);
	if (fclose(f) != 0) {
		(void)close(fd);
		say("cannot write the test message: %s", strerror(errno));
		return EX_IOERR;
	}
	out->fd = fd;
	if ((out->size = lseek(fd, 0, SEEK_END)) == -1) {
		say("cannot read the test message back: %s", strerror(errno));
		return EX_IOERR;
	}
	return EX_OK;
}

/* Open, one transaction, the summary, close; the exit status. */
static int
session(struct mode_ctx *m, const char *sender, const char *rcpt,
    struct outmsg *out)
{
	struct tm_state	 ts;
	struct smtp_opts op;
	struct outcome	 o;
	struct smtp	*s;
	char		*pass = NULL, why[OUTCOME_WHYMAX];
	char *const	 rcpts[1] = { (char *)(uintptr_t)rcpt };
	int		 rc;

	if ((rc = session_password(m->acct, &pass, why, sizeof(why))) != 0) {
		say("%s", why);
		return rc == -1 ? EX_CONFIG : EX_TEMPFAIL;
	}
	session_opts(&op, m->acct, pass, m->args);
	ts.t0 = now_ms();
	op.trace = timed_trace;
	op.trace_arg = &ts;
	(void)printf("Sending a test message from <%s> to <%s> through "
	    "%s port %d:\n", sender, rcpt, op.host, op.port);
	s = smtp_open(&op, &o);
	if (s != NULL && smtp_tx(s, sender, rcpts, 1, out, &o) == 0)
		summary(s, &op, &o);
	smtp_close(s);
	secret_free(pass);
	if (fflush(stdout) != 0)
		return EX_IOERR;
	if (o.kind != OUT_OK) {
		report_outcome(&o);
		return exit_status(&o);
	}
	return EX_OK;
}

/* The dialogue, each line with the seconds since the start. */
static void
timed_trace(void *arg, int dir, const char *line, size_t len)
{
	const struct tm_state	*ts = arg;
	char			 buf[1024];
	int64_t			 t = now_ms() - ts->t0;

	(void)sanitize(buf, sizeof(buf), line, len, 1);
	(void)printf("[%3lld.%03llds] %s %s\n", (long long)(t / 1000),
	    (long long)(t % 1000), dir == '>' ? "-->" : dir == '<' ? "<--" :
	    "  *", buf);
	(void)fflush(stdout);
}

static void
summary(struct smtp *s, const struct smtp_opts *op, const struct outcome *o)
{
	struct tls_info	*ti;
	char		 text[OUTCOME_TEXTMAX], t[64];
	const char	*mech = smtp_auth_mech(s), *q;

	(void)sanitize_line(text, sizeof(text), o->text, strlen(o->text));
	(void)printf("Summary:\n  server:      %s port %d, %s\n", op->host,
	    op->port, !op->tls ? "no TLS" : op->starttls ? "STARTTLS" :
	    "implicit TLS");
	if ((ti = calloc(1, sizeof(*ti))) != NULL &&
	    smtp_tls_info(s, ti) == 0) {
		(void)printf("  TLS:         %s, %s\n", ti->version,
		    ti->suite);
		if (ti->nchain > 0) {
			tlsname_date(ti->chain[0].not_after, t, sizeof(t));
			(void)printf("  certificate: %s\n  issuer:      %s\n"
			    "  expires:     %s\n", ti->chain[0].subject,
			    ti->chain[0].issuer, t);
		}
	}
	free(ti);
	(void)printf("  AUTH:        %s\n", mech != NULL ? mech : "none");
	(void)printf("  accepted:    %d %s\n", o->code != 0 ? o->code : 250,
	    text);
	/* Postfix, Exim, Exchange and others say it this way. */
	if ((q = strstr(text, "queued as ")) != NULL) {
		q += strlen("queued as ");
		(void)printf("  queue ID:    %.*s\n", (int)strcspn(q, " ;,"),
		    q);
	}
}
