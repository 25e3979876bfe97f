/*
 * The SMTP submission client as an explicit state machine: one enum of
 * states (smtp_int.h), a table of their names for traces, and one
 * transition function, step(). Each state does one exchange and names the
 * next state; every failure goes to S_FAIL with the outcome already filled
 * in. A session runs from S_CONNECT to S_READY (smtp_open), then each
 * transaction from S_ENVELOPE back to S_READY (smtp_tx).
 *
 * Session rules (DESIGN.md, Session): TLS is never optional once asked
 * for; after STARTTLS nothing learnt in clear is kept; AUTH only after
 * TLS; MAIL, RCPT and DATA (or BDAT) go in one write when PIPELINING is
 * offered (RFC 2920) and every reply is checked; a reply nobody asked for
 * is a protocol error; the QUIT reply is not waited for.
 *
 * The waits of one submission (smtp_send) with PIPELINING, CHUNKING, one
 * recipient and AUTH PLAIN (or EXTERNAL), each a poll(2) for the server:
 *   STARTTLS:      1 connect, 2 greeting, 3 EHLO, 4 STARTTLS, 5 TLS 1.3
 *                  handshake, 6 EHLO, 7 AUTH+MAIL+RCPT+BDAT LAST
 *   implicit TLS:  1 connect, 2 handshake, 3 greeting, 4 EHLO,
 *                  5 AUTH+MAIL+RCPT+BDAT LAST
 * The greeting cannot be skipped (RFC 5321 3.1: the client waits for it
 * before EHLO), nor EHLO's reply (it says what may be pipelined). AUTH
 * joins the transaction's group only where RFC 4954 4 allows it: an
 * initial response that completes the exchange in one round trip. Without
 * CHUNKING the DATA reply and the end-of-data reply are one wait each;
 * with several recipients the RCPT replies are read before DATA or BDAT
 * (all or nothing), one more wait. QUIT is never waited for.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/io.h"
#include "net/net.h"
#include "smtp/reply.h"
#include "smtp/sasl.h"
#include "smtp/smtp.h"
#include "smtp/smtp_int.h"
#include "smtp/tlsmode.h"
#include "net/tls.h"
#include "base/util.h"

static const char *const state_names[] = {
	[S_CONNECT] = "connect",
	[S_HANDSHAKE] = "tls-handshake",
	[S_GREETING] = "greeting",
	[S_EHLO] = "ehlo",
	[S_STARTTLS] = "starttls",
	[S_AUTH] = "auth",
	[S_READY] = "ready",
	[S_ENVELOPE] = "envelope",
	[S_BODY] = "body",
	[S_EOD] = "end-of-data",
	[S_VERIFY] = "verify",
	[S_RSET] = "rset",
	[S_FAIL] = "fail",
};

static struct smtp	*session_open(const struct smtp_opts *,
			    const struct outmsg *, struct outcome *);
static int		run(struct smtp *, enum state);
static enum state	step(struct smtp *, enum state);
static void		settle(struct smtp *, int);
static int		sign_body(struct smtp *, const struct outmsg *, int);
static enum state	st_connect(struct smtp *);
static enum state	st_handshake(struct smtp *);
static enum state	st_greeting(struct smtp *);
static enum state	st_ehlo(struct smtp *);
static enum state	st_starttls(struct smtp *);
static enum state	after_ehlo(struct smtp *);
static int		reply_by(struct smtp *, enum smtp_phase, int, int64_t);

struct smtp *
smtp_open(const struct smtp_opts *opts, struct outcome *o)
{
	return session_open(opts, NULL, o);
}

struct smtp *
smtp_open_for(const struct smtp_opts *opts, const struct outmsg *first,
    struct outcome *o)
{
	return session_open(opts, first, o);
}

/*
 * With the body of the one message to come (smtp_send), the session
 * checks SIZE before AUTH, and AUTH may wait for the transaction's group
 * (lazy AUTH); smtp_open's caller is told about AUTH at once.
 */
static struct smtp *
session_open(const struct smtp_opts *opts, const struct outmsg *body,
    struct outcome *o)
{
	struct smtp	*s;

	memset(o, 0, sizeof(*o));
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		outcome_set(o, OUT_OSERR, PH_NONE, "out of memory");
		return NULL;
	}
	s->opts = opts;
	s->o = o;
	s->body = body;
	s->lazy_auth = body != NULL;
	/* Signed before connecting, so that SIZE counts the signature. */
	if ((body != NULL && sign_body(s, body, 1) == -1) ||
	    run(s, S_CONNECT) == -1) {
		s->broken = 1;
		smtp_close(s);
		return NULL;
	}
	s->opened = 1;
	o->kind = OUT_OK;
	return s;
}

int
smtp_tx(struct smtp *s, const char *sender, char *const *rcpts,
    size_t nrcpts, const struct outmsg *body, struct outcome *o)
{
	/* Transactions started and not finished own the session's replies. */
	if (s->pn > 0) {
		memset(o, 0, sizeof(*o));
		return outcome_set(o, OUT_SOFTWARE, PH_NONE, "smtp_tx with "
		    "pipelined transactions unfinished");
	}
	return tx_run(s, sender, rcpts, nrcpts, body, o);
}

/* One transaction from MAIL to its last reply, as smtp_tx says. */
int
tx_run(struct smtp *s, const char *sender, char *const *rcpts,
    size_t nrcpts, const struct outmsg *body, struct outcome *o)
{
	int	rc;

	if (tx_begin(s, body, o) == -1)
		return -1;
	rc = tx_prepare(s, sender, rcpts, nrcpts);
	if (rc == 0)
		rc = run(s, S_ENVELOPE);
	tx_end(s, o, rc);
	return rc;
}

/*
 * A transaction's start: its outcome is o, the session must take it, and
 * its body is signed (DKIM). 0, or -1 with *o.
 */
int
tx_begin(struct smtp *s, const struct outmsg *body, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	s->o = o;
	smtp_set_relay(s, s->o);
	if (!smtp_usable(s))
		return outcome_set(o, OUT_SOFTWARE, PH_NONE, "the session "
		    "cannot take another transaction");
	if (sign_body(s, body, 0) == -1)
		return -1;
	s->verdict = NULL;
	s->queued = 0;
	s->no_dsn = 0;
	return 0;
}

/* Its end (rc: tx_run's): what the session can do next. */
void
tx_end(struct smtp *s, struct outcome *o, int rc)
{
	/* After run(): a state may have replaced *o whole. */
	o->no_dsn = s->no_dsn;
	smtp_set_relay(s, s->o);
	settle(s, rc);
	tx_release(s);
}

/*
 * DKIM (smtp_opts.dkim): the body of the transaction becomes the message
 * signed now. What session_open() signed (first) serves the first
 * transaction only (dkim_src): a caller may pass another message at the
 * same address later. 0, or -1 with *s->o.
 */
static int
sign_body(struct smtp *s, const struct outmsg *body, int first)
{
	char	why[512];
	int	kind;

	s->body = body;
	if (s->opts->dkim.domain == NULL)
		return 0;
	if (s->dkim_src == body && s->dkim_out != NULL) {
		s->dkim_src = NULL;
		s->body = s->dkim_out;
		return 0;
	}
	s->dkim_src = NULL;
	dkim_signed_free(s->dkim_out);
	if ((kind = dkim_sign(&s->opts->dkim, body, &s->dkim_out, why,
	    sizeof(why))) != OUT_OK)
		return outcome_set(s->o, kind, PH_NONE, "DKIM: %s", why);
	smtp_trace(s, TRACE_INFO, "signed with DKIM for %s (%s)",
	    s->opts->dkim.domain, s->opts->dkim.key[1] != NULL ?
	    "two signatures" : "one signature");
	s->body = s->dkim_out;
	if (first)
		s->dkim_src = body;
	return 0;
}

/*
 * After a transaction: RSET before the next one unless this one ended
 * with 250 to end-of-data, and no next one at all when the session is no
 * longer in step with the server (421, lost connection, timeout, a
 * protocol error, the message left inside DATA, AUTH refused).
 */
static void
settle(struct smtp *s, int rc)
{
	if (rc == 0) {
		s->need_rset = 0;
		return;
	}
	if (s->queued)
		s->need_rset = 1;
	if (s->o->kind == OUT_REPLY) {
		if (s->o->code == 421 || s->o->phase == PH_AUTH)
			s->broken = 1;
	} else if (s->queued)
		s->broken = 1;
	if (s->in_data || !s->quit_ok || s->auth_pending)
		s->broken = 1;
}

int
smtp_usable(const struct smtp *s)
{
	return s != NULL && s->io != NULL && !s->broken && s->quit_ok &&
	    !s->in_data;
}

int
smtp_tls_info(struct smtp *s, struct tls_info *ti)
{
	if (s == NULL || s->io == NULL || !s->tls_active)
		return -1;
	return tls_info(io_tls(s->io), ti);
}

const char *
smtp_auth_mech(const struct smtp *s)
{
	return s != NULL ? s->authed : NULL;
}

/*
 * Leave the session: QUIT when the dialogue is in a state where a command
 * is welcome, without waiting for its reply. That includes a session
 * that stopped before TLS (STARTTLS not offered, or refused): QUIT
 * carries nothing secret, and servers log a bare hang-up as an error.
 * Never inside DATA, and never once a handshake began and failed: the
 * stream is neither clear nor TLS then.
 */
void
smtp_close(struct smtp *s)
{
	if (s == NULL)
		return;
	s->o = &s->own;
	if (s->io != NULL) {
		if (s->quit_ok && !s->in_data &&
		    (s->tls_active || !s->tls_begun)) {
			if (smtp_cmd(s, NULL, "QUIT") == 0)
				(void)io_flush(s->io, now_ms() + T_QUIT * 1000);
		}
		if (s->tls_active && !s->in_data)
			tls_bye(io_tls(s->io));
		(void)shutdown(io_fd(s->io), SHUT_WR);
		io_free(s->io);
	}
	sasl_free(s->sasl);
	secret_free(s->token);
	dkim_signed_free(s->dkim_out);
	if (s->lazy_line != NULL)
		freezero(s->lazy_line, strlen(s->lazy_line) + 1);
	explicit_bzero(s, sizeof(*s));
	free(s);
}

int
smtp_send(const struct smtp_opts *opts, const char *sender,
    char *const *rcpts, size_t nrcpts, const struct outmsg *body,
    struct outcome *o)
{
	struct smtp	*s;
	int		 rc;

	if ((s = session_open(opts, body, o)) == NULL)
		return -1;
	rc = smtp_tx(s, sender, rcpts, nrcpts, body, o);
	smtp_close(s);
	return rc;
}

int
smtp_verify(const struct smtp_opts *opts, const char *sender,
    char *const *rcpts, size_t nrcpts, smtp_verdict_cb verdict, void *arg,
    struct outcome *o)
{
	struct smtp	*s;
	int		 rc;

	if ((s = session_open(opts, NULL, o)) == NULL)
		return -1;
	memset(o, 0, sizeof(*o));
	s->verdict = verdict;
	s->verdict_arg = arg;
	rc = tx_prepare(s, sender, rcpts, nrcpts);
	if (rc == 0)
		rc = run(s, S_VERIFY);
	tx_release(s);
	smtp_close(s);
	return rc;
}

/* Drive the machine from st until the session is ready or failed. */
static int
run(struct smtp *s, enum state st)
{
	while (st != S_READY && st != S_FAIL)
		st = step(s, st);
	return st == S_READY ? 0 : -1;
}

/* The one transition function: run state st, return the next one. */
static enum state
step(struct smtp *s, enum state st)
{
	if (bote_interrupted) {
		outcome_set(s->o, OUT_TEMP, PH_NONE, "interrupted by a "
		    "signal in state %s; the message was not sent",
		    state_names[st]);
		return S_FAIL;
	}
	switch (st) {
	case S_CONNECT:
		return st_connect(s);
	case S_HANDSHAKE:
		return st_handshake(s);
	case S_GREETING:
		return st_greeting(s);
	case S_EHLO:
		return st_ehlo(s);
	case S_STARTTLS:
		return st_starttls(s);
	case S_AUTH:
		return st_auth(s);
	case S_ENVELOPE:
		return st_envelope(s);
	case S_BODY:
		return st_body(s);
	case S_EOD:
		return st_eod(s);
	case S_VERIFY:
		return st_verify(s);
	case S_RSET:
		return st_rset(s);
	case S_READY:
	case S_FAIL:
		break;
	}
	outcome_set(s->o, OUT_SOFTWARE, PH_NONE, "bad state %d", (int)st);
	return S_FAIL;
}

static enum state
st_connect(struct smtp *s)
{
	const struct smtp_opts	*op = s->opts;
	struct net_target	 nt = { .host = op->host, .port = op->port,
	    .timeout_ms = smtp_secs(s, T_CONNECT) * 1000,
	    .ip_version = op->ip_version, .source_ip = op->source_ip,
	    .proxy_host = op->proxy_host, .proxy_port = op->proxy_port,
	    .socket = op->socket, .trace = op->trace,
	    .trace_arg = op->trace_arg };
	int			 fd;

	smtp_set_relay(s, s->o);
	if ((fd = net_connect(&nt, s->o)) == -1)
		return S_FAIL;
	if ((s->io = io_new(fd)) == NULL) {
		close(fd);
		outcome_set(s->o, OUT_OSERR, PH_CONNECT, "out of memory");
		return S_FAIL;
	}
	return op->tls && !op->starttls ? S_HANDSHAKE : S_GREETING;
}

static enum state
st_handshake(struct smtp *s)
{
	const struct smtp_opts	*op = s->opts;
	struct tls		*t;
	char			 why[OUTCOME_WHYMAX], desc[256];
	int			 config;

	t = tls_client(io_fd(s->io), op->host, &op->tlso, &config, why,
	    sizeof(why));
	if (t == NULL) {
		outcome_set(s->o, config ? OUT_CONFIG : OUT_TLS, PH_TLS,
		    "%s", why);
		return S_FAIL;
	}
	io_set_tls(s->io, t);
	if (tls_handshake(t, smtp_deadline(s, T_HANDSHAKE), why,
	    sizeof(why)) == -1) {
		tlsmode_failed(t, op, op->starttls, why, s->o);
		return S_FAIL;
	}
	s->tls_active = 1;
	if (tls_describe(t, desc, sizeof(desc)) == 0)
		smtp_trace(s, TRACE_INFO, "TLS established: %s", desc);
	/* Implicit TLS: the greeting comes inside; else EHLO again. */
	return op->starttls ? S_EHLO : S_GREETING;
}

static enum state
st_greeting(struct smtp *s)
{
	int64_t	dl = smtp_deadline(s, T_GREETING);

	/* In clear, a port that speaks TLS at once would never greet. */
	if (!s->tls_active && tlsmode_greeting(s->io, s->opts, dl,
	    s->o) == -1)
		return S_FAIL;
	if (reply_by(s, PH_GREETING, T_GREETING, dl) == -1)
		return S_FAIL;
	if (s->r.code != 220)
		return smtp_refused(s, PH_GREETING, OUT_REPLY, "greeting");
	s->quit_ok = 1;
	if (smtp_no_extra(s, "greeting") == -1)
		return S_FAIL;
	return S_EHLO;
}

static enum state
st_ehlo(struct smtp *s)
{
	const char	*helo = s->opts->helo ? s->opts->helo : "localhost";

	if (smtp_cmd(s, NULL, "EHLO %s", helo) == -1 ||
	    smtp_flush(s, PH_EHLO, T_OTHER) == -1 ||
	    smtp_reply(s, PH_EHLO, T_OTHER) == -1)
		return S_FAIL;
	if (s->r.code != 250)
		return smtp_refused(s, PH_EHLO, OUT_REPLY, "EHLO");
	if (smtp_no_extra(s, "EHLO") == -1)
		return S_FAIL;
	caps_parse(&s->r, &s->caps);
	return after_ehlo(s);
}

static enum state
after_ehlo(struct smtp *s)
{
	if (s->opts->tls && !s->tls_active)
		return S_STARTTLS;
	/* Too large: say so before AUTH, and send nothing but QUIT. */
	if (s->body != NULL && tx_size_ok(s) == -1)
		return S_FAIL;
	if (s->opts->auth != AUTHM_OFF)
		return S_AUTH;
	return S_READY;
}

static enum state
st_starttls(struct smtp *s)
{
	if (!(s->caps.flags & CAP_STARTTLS)) {
		/* report.c adds that nothing was sent in clear. */
		outcome_set(s->o, OUT_TLS, PH_STARTTLS, "the server does "
		    "not offer STARTTLS, and TLS is required");
		return S_FAIL;
	}
	if (smtp_cmd(s, NULL, "STARTTLS") == -1 ||
	    smtp_flush(s, PH_STARTTLS, T_OTHER) == -1 ||
	    smtp_reply(s, PH_STARTTLS, T_OTHER) == -1)
		return S_FAIL;
	/* Any answer but 220 means no TLS: this wins over the code. */
	if (s->r.code != 220)
		return smtp_refused(s, PH_STARTTLS, OUT_TLS, "STARTTLS");
	/*
	 * Bytes after the 220 were sent before TLS and would be read as if
	 * they came through it (CVE-2011-0411 and its kin): refuse.
	 */
	if (io_pending(s->io) > 0) {
		s->quit_ok = 0;
		outcome_set(s->o, OUT_PROTO, PH_STARTTLS, "the server sent "
		    "data after its STARTTLS 220 reply (possible injection); "
		    "no TLS handshake was attempted");
		return S_FAIL;
	}
	/* RFC 3207 4.2: forget everything learnt before TLS. */
	memset(&s->caps, 0, sizeof(s->caps));
	s->tls_begun = 1;
	return S_HANDSHAKE;
}

/*
 * The seconds a wait may last: the RFC's (or timeout_s), and while the
 * session opens with another relay to try, failover_s at most, so that
 * a black-holed relay costs seconds, not the 300 s greeting timeout.
 */
int
smtp_secs(const struct smtp *s, int rfc_seconds)
{
	int	sec = s->opts->timeout_s > 0 ? s->opts->timeout_s : rfc_seconds;

	if (!s->opened && s->opts->failover_s > 0 &&
	    sec > s->opts->failover_s)
		sec = s->opts->failover_s;
	return sec;
}

int64_t
smtp_deadline(struct smtp *s, int rfc_seconds)
{
	return now_ms() + (int64_t)smtp_secs(s, rfc_seconds) * 1000;
}

/* Which server the outcome o comes from (relay failover, the log). */
void
smtp_set_relay(const struct smtp *s, struct outcome *o)
{
	/* Only shown; a host name is at most 255 octets: no cut. */
	(void)xsnprintf(o->relay, sizeof(o->relay), "%s:%d", s->opts->host,
	    s->opts->port);
}

void
smtp_trace(struct smtp *s, int dir, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	tracef(s->opts->trace, s->opts->trace_arg, dir, fmt, ap);
	va_end(ap);
}

/*
 * Queue one command line. shown, when set, is what the trace shows
 * instead (AUTH payloads). A line that would carry CR, LF or NUL is
 * refused here as a last line of defence against injection.
 */
int
smtp_cmd(struct smtp *s, const char *shown, const char *fmt, ...)
{
	char	line[CMDMAX + 2];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(line, CMDMAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= CMDMAX) {
		explicit_bzero(line, sizeof(line));
		return outcome_set(s->o, OUT_DATAERR, PH_NONE, "an SMTP "
		    "command would be longer than %d octets", CMDMAX);
	}
	if (strpbrk(line, "\r\n") != NULL) {
		explicit_bzero(line, sizeof(line));
		return outcome_set(s->o, OUT_DATAERR, PH_NONE, "refusing "
		    "to send a command with a line break in it");
	}
	if (s->opts->trace != NULL)
		s->opts->trace(s->opts->trace_arg, TRACE_SENT,
		    shown ? shown : line, strlen(shown ? shown : line));
	memcpy(line + n, "\r\n", 2);
	s->queued = 1;
	n = io_write(s->io, line, (size_t)n + 2, smtp_deadline(s, T_OTHER));
	explicit_bzero(line, sizeof(line));
	if (n == -1)
		return outcome_set(s->o, OUT_TEMP, PH_NONE, "sending to the "
		    "server failed: %s", strerror(errno));
	return 0;
}

int
smtp_flush(struct smtp *s, enum smtp_phase ph, int secs)
{
	if (io_flush(s->io, smtp_deadline(s, secs)) == 0)
		return 0;
	return outcome_set(s->o, OUT_TEMP, ph, "sending to the server "
	    "failed: %s", errno == ETIMEDOUT ? "timed out" : errno == EINTR ?
	    "interrupted by a signal" : strerror(errno));
}

/*
 * Read one complete reply into s->r by the phase's deadline. A lost
 * connection while waiting for the end-of-data reply may mean the
 * message was delivered: that is OUT_MAYBE_SENT, not OUT_TEMP.
 */
int
smtp_reply(struct smtp *s, enum smtp_phase ph, int secs)
{
	return reply_by(s, ph, secs, smtp_deadline(s, secs));
}

/* smtp_reply with the deadline dl, secs from now when it was set. */
static int
reply_by(struct smtp *s, enum smtp_phase ph, int secs, int64_t dl)
{
	enum outcome_kind	 lost = ph == PH_EOD ? OUT_MAYBE_SENT : OUT_TEMP;
	enum reply_err		 e;
	char			*line;
	size_t			 len;
	int			 rc;

	reply_init(&s->r);
	for (;;) {
		rc = io_getline(s->io, dl, &line, &len);
		if (rc <= 0)
			s->broken = 1;
		if (rc == 0)
			return outcome_set(s->o, lost, ph, "the server closed "
			    "the connection");
		if (rc == -1 && errno == E2BIG)
			return outcome_set(s->o, OUT_PROTO, ph, "malformed "
			    "reply: a line longer than %d octets", IO_LINEMAX);
		if (rc == -1 && errno == ETIMEDOUT)
			return outcome_set(s->o, lost, ph, "no reply within "
			    "%d seconds", smtp_secs(s, secs));
		if (rc == -1 && errno == EINTR)
			return outcome_set(s->o, lost, ph, "interrupted by a "
			    "signal");
		if (rc == -1)
			return outcome_set(s->o, lost, ph, "connection "
			    "failed: %s", errno == EPROTO ? "TLS error" :
			    strerror(errno));
		if (s->opts->trace != NULL)
			s->opts->trace(s->opts->trace_arg, TRACE_RECV, line,
			    len);
		e = reply_feed(&s->r, line, len);
		if (e == REPLY_OK)
			return 0;
		if (e == REPLY_MORE)
			continue;
		s->broken = 1;
		/* The reply, only shown: a cut text is still the evidence. */
		(void)xstrlcpy(s->o->text, line, sizeof(s->o->text));
		return outcome_set(s->o, OUT_PROTO, ph, "malformed reply: %s",
		    e == REPLY_TOOLONG ? "too long" : e == REPLY_MISMATCH ?
		    "the lines' codes differ" : "not a valid reply code");
	}
}

/* Record the server's refusal in s->r as the outcome. */
enum state
smtp_refused(struct smtp *s, enum smtp_phase ph, enum outcome_kind kind,
    const char *what)
{
	s->o->code = s->r.code;
	/* Same sizes as struct reply's, and only shown: no truncation. */
	(void)xstrlcpy(s->o->enh, s->r.enh, sizeof(s->o->enh));
	/* The reply, only shown: a cut text is still the evidence. */
	(void)xstrlcpy(s->o->text, s->r.text, sizeof(s->o->text));
	outcome_set(s->o, kind, ph, "the server answered %s with", what);
	return S_FAIL;
}

/* A reply that must have come alone: anything more is a desync. */
int
smtp_no_extra(struct smtp *s, const char *what)
{
	if (io_pending(s->io) == 0)
		return 0;
	s->quit_ok = 0;
	s->broken = 1;
	return outcome_set(s->o, OUT_PROTO, PH_NONE, "the server sent more "
	    "than its reply to %s (pipelining desync or injection)", what);
}
