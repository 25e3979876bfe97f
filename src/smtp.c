/*
 * The SMTP submission client as an explicit state machine: one enum of
 * states, a table of their names for traces, and one transition function,
 * step(). Each state does one exchange and names the next state; every
 * failure goes to S_FAIL with the outcome already filled in.
 *
 * Session rules (DESIGN.md, Session): TLS is never optional once asked
 * for; after STARTTLS nothing learnt in clear is kept; AUTH only after
 * TLS; MAIL, RCPT and DATA go in one write when PIPELINING is offered
 * (RFC 2920) and every reply is checked; a reply nobody asked for is a
 * protocol error; the QUIT reply is not waited for.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "dsn.h"
#include "io.h"
#include "msg.h"
#include "net.h"
#include "reply.h"
#include "sasl.h"
#include "smtp.h"
#include "tls.h"
#include "util.h"

/* RFC 5321 4.5.3.2 timeouts, in seconds. */
#define T_GREETING	300
#define T_MAIL		300
#define T_RCPT		300
#define T_DATA		120
#define T_BLOCK		180
#define T_EOD		600
#define T_OTHER		300
/* Not in RFC 5321: connection set-up. */
#define T_CONNECT	120
#define T_HANDSHAKE	120
/* QUIT is sent, not waited for; the flush gets a short grace. */
#define T_QUIT		5

#define CMDMAX		2048

enum state {
	S_CONNECT,
	S_HANDSHAKE,
	S_GREETING,
	S_EHLO,
	S_STARTTLS,
	S_AUTH,
	S_ENVELOPE,
	S_BODY,
	S_EOD,
	S_VERIFY,
	S_RSET,
	S_QUIT,
	S_DONE,
	S_FAIL
};

static const char *const state_names[] = {
	[S_CONNECT] = "connect",
	[S_HANDSHAKE] = "tls-handshake",
	[S_GREETING] = "greeting",
	[S_EHLO] = "ehlo",
	[S_STARTTLS] = "starttls",
	[S_AUTH] = "auth",
	[S_ENVELOPE] = "envelope",
	[S_BODY] = "body",
	[S_EOD] = "end-of-data",
	[S_VERIFY] = "verify",
	[S_RSET] = "rset",
	[S_QUIT] = "quit",
	[S_DONE] = "done",
	[S_FAIL] = "fail",
};

struct session {
	const struct smtp_opts	*opts;
	const char		*sender;
	char *const		*rcpts;
	size_t			 nrcpts;
	const struct smtp_body	*body;
	smtp_verdict_cb		 verdict;	/* set: -bv, no DATA */
	void			*verdict_arg;
	struct outcome		*o;
	struct io		*io;
	struct caps		 caps;
	struct reply		 r;
	int			 tls_active;
	int			 in_data;	/* the server is taking DATA */
	int			 quit_ok;	/* QUIT may be sent on failure */
	char			 in[65536];	/* spool blocks */
	char			 out[2 * 65536]; /* the same, dot-stuffed */
};

static enum state	step(struct session *, enum state);
static enum state	st_connect(struct session *);
static enum state	st_handshake(struct session *);
static enum state	st_greeting(struct session *);
static enum state	st_ehlo(struct session *);
static enum state	st_starttls(struct session *);
static enum state	st_auth(struct session *);
static enum state	st_envelope(struct session *);
static enum state	st_body(struct session *);
static enum state	st_eod(struct session *);
static enum state	st_verify(struct session *);
static enum state	st_rset(struct session *);
static int		run(struct session *);
static void		finish(struct session *, enum state);
static enum state	after_ehlo(struct session *);
static int64_t		deadline(struct session *, int);
static void		trace(struct session *, int, const char *, ...)
			    __attribute__((format(printf, 3, 4)));
static int		cmd(struct session *, const char *, const char *, ...)
			    __attribute__((format(printf, 3, 4)));
static int		flush(struct session *, enum smtp_phase, int);
static int		get_reply(struct session *, enum smtp_phase, int);
static enum state	refused(struct session *, enum smtp_phase,
			    enum outcome_kind, const char *);
static int		no_extra(struct session *, const char *);
static int		auth_plain(struct session *);
static int		auth_login(struct session *);
static int		write_body(struct session *);
static int		dsn_mail(struct session *, char *, size_t);
static int		rcpt(struct session *, size_t);
static struct session	*session_new(const struct smtp_opts *, const char *,
			    char *const *, size_t, struct outcome *);

int
smtp_send(const struct smtp_opts *opts, const char *sender,
    char *const *rcpts, size_t nrcpts, const struct smtp_body *body,
    struct outcome *o)
{
	struct session	*s;

	if ((s = session_new(opts, sender, rcpts, nrcpts, o)) == NULL)
		return -1;
	s->body = body;
	return run(s);
}

int
smtp_verify(const struct smtp_opts *opts, const char *sender,
    char *const *rcpts, size_t nrcpts, smtp_verdict_cb verdict, void *arg,
    struct outcome *o)
{
	struct session	*s;

	if ((s = session_new(opts, sender, rcpts, nrcpts, o)) == NULL)
		return -1;
	s->verdict = verdict;
	s->verdict_arg = arg;
	return run(s);
}

/* A session for one envelope; NULL with *o set when out of memory. */
static struct session *
session_new(const struct smtp_opts *opts, const char *sender,
    char *const *rcpts, size_t nrcpts, struct outcome *o)
{
	struct session	*s;

	memset(o, 0, sizeof(*o));
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		outcome_set(o, OUT_OSERR, PH_NONE, "out of memory");
		return NULL;
	}
	s->opts = opts;
	s->sender = sender;
	s->rcpts = rcpts;
	s->nrcpts = nrcpts;
	s->o = o;
	return s;
}

/* Drive the machine from S_CONNECT to the end; frees s. */
static int
run(struct session *s)
{
	struct outcome	*o = s->o;
	enum state	 st = S_CONNECT;

	while (st != S_DONE && st != S_FAIL)
		st = step(s, st);
	finish(s, st);
	io_free(s->io);
	free(s);
	return o->kind == OUT_OK ? 0 : -1;
}

/* The one transition function: run state st, return the next one. */
static enum state
step(struct session *s, enum state st)
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
	case S_QUIT:
		/* Sent by finish(); the reply is not waited for. */
		s->o->kind = OUT_OK;
		return S_DONE;
	case S_DONE:
	case S_FAIL:
		break;
	}
	outcome_set(s->o, OUT_SOFTWARE, PH_NONE, "bad state %d", (int)st);
	return S_FAIL;
}

static enum state
st_connect(struct session *s)
{
	const struct smtp_opts	*op = s->opts;
	struct net_target	 nt = { .host = op->host, .port = op->port,
	    .timeout_ms = (op->timeout_s > 0 ? op->timeout_s : T_CONNECT) *
	    1000, .ip_version = op->ip_version, .source_ip = op->source_ip,
	    .trace = op->trace, .trace_arg = op->trace_arg };
	int			 fd;

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
st_handshake(struct session *s)
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
	if (tls_handshake(t, deadline(s, T_HANDSHAKE), why,
	    sizeof(why)) == -1) {
		outcome_set(s->o, OUT_TLS, PH_TLS, "%s", why);
		return S_FAIL;
	}
	s->tls_active = 1;
	if (tls_describe(t, desc, sizeof(desc)) == 0)
		trace(s, TRACE_INFO, "TLS established: %s", desc);
	/* Implicit TLS: the greeting comes inside; else EHLO again. */
	return op->starttls ? S_EHLO : S_GREETING;
}

static enum state
st_greeting(struct session *s)
{
	if (get_reply(s, PH_GREETING, T_GREETING) == -1)
		return S_FAIL;
	if (s->r.code != 220)
		return refused(s, PH_GREETING, OUT_REPLY, "greeting");
	s->quit_ok = 1;
	if (no_extra(s, "greeting") == -1)
		return S_FAIL;
	return S_EHLO;
}

static enum state
st_ehlo(struct session *s)
{
	const char	*helo = s->opts->helo ? s->opts->helo : "localhost";

	if (cmd(s, NULL, "EHLO %s", helo) == -1 ||
	    flush(s, PH_EHLO, T_OTHER) == -1 ||
	    get_reply(s, PH_EHLO, T_OTHER) == -1)
		return S_FAIL;
	if (s->r.code != 250)
		return refused(s, PH_EHLO, OUT_REPLY, "EHLO");
	if (no_extra(s, "EHLO") == -1)
		return S_FAIL;
	caps_parse(&s->r, &s->caps);
	return after_ehlo(s);
}

static enum state
after_ehlo(struct session *s)
{
	if (s->opts->tls && !s->tls_active)
		return S_STARTTLS;
	if (s->opts->auth != AUTHM_OFF)
		return S_AUTH;
	return s->verdict != NULL ? S_VERIFY : S_ENVELOPE;
}

static enum state
st_starttls(struct session *s)
{
	if (!(s->caps.flags & CAP_STARTTLS)) {
		s->quit_ok = 0;
		outcome_set(s->o, OUT_TLS, PH_STARTTLS, "the server does "
		    "not offer STARTTLS, and TLS is required; nothing was "
		    "sent in clear");
		return S_FAIL;
	}
	if (cmd(s, NULL, "STARTTLS") == -1 ||
	    flush(s, PH_STARTTLS, T_OTHER) == -1 ||
	    get_reply(s, PH_STARTTLS, T_OTHER) == -1)
		return S_FAIL;
	/* Any answer but 220 means no TLS: this wins over the code. */
	if (s->r.code != 220) {
		s->quit_ok = 0;
		return refused(s, PH_STARTTLS, OUT_TLS, "STARTTLS");
	}
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
	return S_HANDSHAKE;
}

static enum state
st_auth(struct session *s)
{
	const struct smtp_opts	*op = s->opts;
	unsigned		 offered = s->caps.auth;
	int			 rc;

	if (!(s->caps.flags & CAP_AUTH)) {
		outcome_set(s->o, OUT_NOAUTH, PH_AUTH, "the server does not "
		    "offer AUTH%s, but the account has auth set",
		    s->tls_active ? " after TLS" : "");
		return S_FAIL;
	}
	if (op->user == NULL || op->password == NULL) {
		outcome_set(s->o, OUT_CONFIG, PH_AUTH, "auth is set but the "
		    "account has no user or password");
		return S_FAIL;
	}
	switch (op->auth) {
	case AUTHM_ON:
		/* The strongest mechanism bote has that the server offers. */
		if (offered & AUTH_PLAIN)
			rc = auth_plain(s);
		else if (offered & AUTH_LOGIN)
			rc = auth_login(s);
		else {
			outcome_set(s->o, OUT_NOAUTH, PH_AUTH, "the server "
			    "offers no AUTH mechanism bote supports "
			    "(PLAIN, LOGIN)");
			return S_FAIL;
		}
		break;
	case AUTHM_PLAIN:
	case AUTHM_LOGIN:
		if (!(offered & (op->auth == AUTHM_PLAIN ? AUTH_PLAIN :
		    AUTH_LOGIN))) {
			outcome_set(s->o, OUT_NOAUTH, PH_AUTH, "the server "
			    "does not offer the configured AUTH mechanism "
			    "%s", op->auth == AUTHM_PLAIN ? "PLAIN" : "LOGIN");
			return S_FAIL;
		}
		rc = op->auth == AUTHM_PLAIN ? auth_plain(s) : auth_login(s);
		break;
	default:
		outcome_set(s->o, OUT_SOFTWARE, PH_AUTH, "bad auth mode");
		return S_FAIL;
	}
	if (rc == -1)
		return S_FAIL;
	if (s->r.code != 235)
		return refused(s, PH_AUTH, OUT_REPLY, "AUTH");
	if (no_extra(s, "AUTH") == -1)
		return S_FAIL;
	return s->verdict != NULL ? S_VERIFY : S_ENVELOPE;
}

/* RFC 4616 with an initial response (RFC 4954 4) when it fits the line. */
static int
auth_plain(struct session *s)
{
	char	resp[SASL_RESPMAX];
	int	rc = -1;

	if (sasl_plain(s->opts->user, s->opts->password, resp,
	    sizeof(resp)) == -1) {
		outcome_set(s->o, OUT_CONFIG, PH_AUTH, "user name or "
		    "password too long for AUTH PLAIN");
		goto out;
	}
	/* RFC 4954 4: a command line is at most 512 octets with CRLF. */
	if (strlen(resp) + sizeof("AUTH PLAIN \r\n") - 1 <= 512) {
		if (cmd(s, "AUTH PLAIN <redacted>", "AUTH PLAIN %s",
		    resp) == -1 || flush(s, PH_AUTH, T_OTHER) == -1 ||
		    get_reply(s, PH_AUTH, T_OTHER) == -1)
			goto out;
	} else {
		if (cmd(s, NULL, "AUTH PLAIN") == -1 ||
		    flush(s, PH_AUTH, T_OTHER) == -1 ||
		    get_reply(s, PH_AUTH, T_OTHER) == -1)
			goto out;
		if (s->r.code != 334) {
			rc = 0;
			goto out;
		}
		if (cmd(s, "<redacted>", "%s", resp) == -1 ||
		    flush(s, PH_AUTH, T_OTHER) == -1 ||
		    get_reply(s, PH_AUTH, T_OTHER) == -1)
			goto out;
	}
	rc = 0;
out:
	explicit_bzero(resp, sizeof(resp));
	return rc;
}

static int
auth_login(struct session *s)
{
	char	resp[SASL_RESPMAX];
	int	i, rc = -1;

	if (cmd(s, NULL, "AUTH LOGIN") == -1 ||
	    flush(s, PH_AUTH, T_OTHER) == -1 ||
	    get_reply(s, PH_AUTH, T_OTHER) == -1)
		goto out;
	for (i = 0; i < 2; i++) {
		if (s->r.code != 334) {
			rc = 0;
			goto out;
		}
		if (sasl_login(i, s->opts->user, s->opts->password, resp,
		    sizeof(resp)) == -1) {
			outcome_set(s->o, OUT_CONFIG, PH_AUTH, "user name "
			    "or password too long for AUTH LOGIN");
			goto out;
		}
		if (cmd(s, "<redacted>", "%s", resp) == -1 ||
		    flush(s, PH_AUTH, T_OTHER) == -1 ||
		    get_reply(s, PH_AUTH, T_OTHER) == -1)
			goto out;
	}
	rc = 0;
out:
	explicit_bzero(resp, sizeof(resp));
	return rc;
}

/*
 * MAIL, RCPT and DATA. With PIPELINING they leave in one write and the
 * replies are read in order (RFC 2920 3.1); without it, one at a time.
 * Any refused recipient fails the whole message: if the server has
 * already said 354, the connection is dropped without end-of-data, so it
 * discards the transaction.
 */
static enum state
st_envelope(struct session *s)
{
	const struct smtp_body	*b = s->body;
	struct outcome		 first = { .kind = OUT_OK };
	char			 params[64 + 3 * ENVID_XTEXTMAX] = "";
	unsigned long long	 total;
	size_t			 i, k;
	int			 pipe = s->caps.flags & CAP_PIPELINING;
	int			 failed = 0, accepted = 0;

	total = (unsigned long long)b->size + b->prefixlen;
	for (k = 0; k < b->nskip; k++)
		total -= (unsigned long long)b->skip[k][1];
	if (s->caps.size > 0 && total > s->caps.size) {
		outcome_set(s->o, OUT_TOOBIG, PH_MAIL, "the message is %llu "
		    "octets; the server accepts at most %llu",
		    total, s->caps.size);
		return S_FAIL;
	}
	if (s->caps.flags & CAP_SIZE)
		(void)xsnprintf(params, sizeof(params), " SIZE=%llu", total);
	if (b->eightbit && (s->caps.flags & CAP_8BITMIME))
		(void)strlcat(params, " BODY=8BITMIME", sizeof(params));
	if (dsn_mail(s, params, sizeof(params)) == -1)
		return S_FAIL;

	if (cmd(s, NULL, "MAIL FROM:<%s>%s", s->sender, params) == -1)
		return S_FAIL;
	if (!pipe && (flush(s, PH_MAIL, T_MAIL) == -1 ||
	    get_reply(s, PH_MAIL, T_MAIL) == -1))
		return S_FAIL;
	if (pipe) {
		for (i = 0; i < s->nrcpts; i++)
			if (rcpt(s, i) == -1)
				return S_FAIL;
		if (cmd(s, NULL, "DATA") == -1 ||
		    flush(s, PH_MAIL, T_MAIL) == -1 ||
		    get_reply(s, PH_MAIL, T_MAIL) == -1)
			return S_FAIL;
	}
	if (s->r.code / 100 != 2) {
		failed = 1;
		refused(s, PH_MAIL, OUT_REPLY, "MAIL");
		first = *s->o;
		if (!pipe)
			return S_FAIL;
	}
	for (i = 0; i < s->nrcpts; i++) {
		if (!pipe && (rcpt(s, i) == -1 ||
		    flush(s, PH_RCPT, T_RCPT) == -1))
			return S_FAIL;
		if (get_reply(s, PH_RCPT, T_RCPT) == -1)
			goto lost;
		if (s->r.code / 100 == 2) {
			accepted++;
			continue;
		}
		if (!failed) {
			failed = 1;
			refused(s, PH_RCPT, OUT_REPLY, "RCPT");
			(void)xstrlcpy(s->o->arg, s->rcpts[i],
			    sizeof(s->o->arg));
			/* "552 after some accepted" is a 75 (DESIGN.md). */
			s->o->accepted = accepted;
			first = *s->o;
		}
		trace(s, TRACE_INFO, "recipient %s refused", s->rcpts[i]);
		if (!pipe)
			return S_FAIL;
	}
	if (!pipe && (cmd(s, NULL, "DATA") == -1 ||
	    flush(s, PH_DATA, T_DATA) == -1))
		return S_FAIL;
	if (get_reply(s, PH_DATA, T_DATA) == -1)
		goto lost;
	if (s->r.code == 354)
		s->in_data = 1;
	if (failed)
		return S_FAIL;
	if (s->r.code != 354)
		return refused(s, PH_DATA, OUT_REPLY, "DATA");
	if (no_extra(s, "DATA") == -1)
		return S_FAIL;
	return S_BODY;
lost:
	/* A refusal read before the connection failed is the real cause. */
	if (failed)
		*s->o = first;
	s->quit_ok = 0;
	return S_FAIL;
}

/*
 * RFC 3461: RET and ENVID on MAIL, only when the server offers DSN (else
 * a trace says they were left out).
 */
static int
dsn_mail(struct session *s, char *params, size_t sz)
{
	const struct smtp_opts	*op = s->opts;

	if (op->dsn_notify == 0 && op->dsn_return == DSNRET_OFF &&
	    op->dsn_envid == NULL)
		return 0;
	if (!(s->caps.flags & CAP_DSN)) {
		trace(s, TRACE_INFO, "the server does not offer DSN; "
		    "sending without delivery status notification requests");
		return 0;
	}
	if (dsn_mail_params(params, sz, op->dsn_return, op->dsn_envid) == -1)
		return outcome_set(s->o, OUT_USAGE, PH_MAIL, "the DSN "
		    "parameters do not fit on MAIL (ENVID over %d octets as "
		    "xtext?)", ENVID_XTEXTMAX);
	return 0;
}

/* Queue RCPT for rcpts[i], with NOTIFY and ORCPT when DSN is offered. */
static int
rcpt(struct session *s, size_t i)
{
	char	p[64 + ORCPT_XTEXTMAX] = "";
	int	rc = 0;

	if (s->caps.flags & CAP_DSN)
		rc = dsn_rcpt_params(p, sizeof(p), s->opts->dsn_notify,
		    s->rcpts[i]);
	if (rc == -1)
		return outcome_set(s->o, OUT_SOFTWARE, PH_RCPT, "RCPT "
		    "parameters too long");
	if (rc == 1)
		trace(s, TRACE_INFO, "ORCPT left out for %s: not ASCII, or "
		    "too long as xtext", s->rcpts[i]);
	return cmd(s, NULL, "RCPT TO:<%s>%s", s->rcpts[i], p);
}

static enum state
st_body(struct session *s)
{
	if (write_body(s) == -1)
		return S_FAIL;
	/* A signal before end-of-data: leave, the server drops it all. */
	if (bote_interrupted) {
		outcome_set(s->o, OUT_TEMP, PH_EOD, "interrupted by a signal "
		    "before end-of-data; the message was not sent");
		return S_FAIL;
	}
	if (io_write(s->io, DOT_END, 3, deadline(s, T_BLOCK)) == -1 ||
	    flush(s, PH_EOD, T_BLOCK) == -1)
		return S_FAIL;
	s->in_data = 0;
	return S_EOD;
}

/* The added headers, then the spool minus the skipped ranges, stuffed. */
static int
write_body(struct session *s)
{
	const struct smtp_body	*b = s->body;
	struct dotstuff		 ds;
	char			*in = s->in, *out = s->out;
	off_t			 off = 0, end;
	size_t			 k = 0, want, n;
	ssize_t			 got;

	trace(s, TRACE_INFO, "sending the message (%lld octets)",
	    (long long)b->size + (long long)b->prefixlen);
	dot_init(&ds);
	if (b->prefixlen > sizeof(s->in)) {
		outcome_set(s->o, OUT_SOFTWARE, PH_DATA, "header prefix "
		    "too large");
		return -1;
	}
	n = dot_feed(&ds, b->prefix, b->prefixlen, out);
	if (io_write(s->io, out, n, deadline(s, T_BLOCK)) == -1)
		goto werr;
	while (off < b->size) {
		while (k < b->nskip && b->skip[k][0] + b->skip[k][1] <= off)
			k++;
		if (k < b->nskip && b->skip[k][0] <= off) {
			off = b->skip[k][0] + b->skip[k][1];
			continue;
		}
		end = k < b->nskip ? b->skip[k][0] : b->size;
		want = (size_t)(end - off) > sizeof(s->in) ? sizeof(s->in) :
		    (size_t)(end - off);
		got = pread(b->fd, in, want, off);
		if (got <= 0) {
			outcome_set(s->o, OUT_TEMPLOCAL, PH_DATA, "cannot "
			    "read the spooled message: %s", got == 0 ?
			    "unexpected end of file" : strerror(errno));
			return -1;
		}
		off += got;
		n = dot_feed(&ds, in, (size_t)got, out);
		if (io_write(s->io, out, n, deadline(s, T_BLOCK)) == -1)
			goto werr;
		if (bote_interrupted)
			return 0;
	}
	return 0;
werr:
	outcome_set(s->o, OUT_TEMP, PH_DATA, "sending the message failed: "
	    "%s", errno == ETIMEDOUT ? "timed out" : strerror(errno));
	return -1;
}

static enum state
st_eod(struct session *s)
{
	if (get_reply(s, PH_EOD, T_EOD) == -1)
		return S_FAIL;
	if (s->r.code / 100 != 2)
		return refused(s, PH_EOD, OUT_REPLY, "end-of-data");
	s->o->kind = OUT_OK;
	s->o->code = s->r.code;
	(void)xstrlcpy(s->o->enh, s->r.enh, sizeof(s->o->enh));
	(void)xstrlcpy(s->o->text, s->r.text, sizeof(s->o->text));
	return S_QUIT;
}

/*
 * -bv: MAIL, then RCPT for each recipient, each answer told to the
 * caller. With PIPELINING the RCPTs leave in one write (RFC 2920 3.1).
 * A 421 ends the session there: the server is closing.
 */
static enum state
st_verify(struct session *s)
{
	struct outcome	 v;
	size_t		 i;
	int		 pipe = s->caps.flags & CAP_PIPELINING;
	int		 accepted = 0;

	if (cmd(s, NULL, "MAIL FROM:<%s>", s->sender) == -1 ||
	    flush(s, PH_MAIL, T_MAIL) == -1 ||
	    get_reply(s, PH_MAIL, T_MAIL) == -1)
		return S_FAIL;
	if (s->r.code / 100 != 2)
		return refused(s, PH_MAIL, OUT_REPLY, "MAIL");
	if (no_extra(s, "MAIL") == -1)
		return S_FAIL;
	if (pipe) {
		for (i = 0; i < s->nrcpts; i++)
			if (cmd(s, NULL, "RCPT TO:<%s>", s->rcpts[i]) == -1)
				return S_FAIL;
		if (flush(s, PH_RCPT, T_RCPT) == -1)
			return S_FAIL;
	}
	for (i = 0; i < s->nrcpts; i++) {
		if (!pipe && (cmd(s, NULL, "RCPT TO:<%s>", s->rcpts[i]) == -1 ||
		    flush(s, PH_RCPT, T_RCPT) == -1))
			return S_FAIL;
		if (get_reply(s, PH_RCPT, T_RCPT) == -1) {
			s->quit_ok = 0;
			return S_FAIL;
		}
		memset(&v, 0, sizeof(v));
		v.kind = s->r.code / 100 == 2 ? OUT_OK : OUT_REPLY;
		v.phase = PH_RCPT;
		v.code = s->r.code;
		v.accepted = accepted;
		(void)xstrlcpy(v.enh, s->r.enh, sizeof(v.enh));
		(void)xstrlcpy(v.text, s->r.text, sizeof(v.text));
		(void)xstrlcpy(v.arg, s->rcpts[i], sizeof(v.arg));
		if (v.kind == OUT_OK)
			accepted++;
		else
			(void)xsnprintf(v.why, sizeof(v.why), "the server "
			    "answered RCPT with");
		s->verdict(s->verdict_arg, i, &v);
		if (s->r.code == 421) {
			s->quit_ok = 0;
			return refused(s, PH_RCPT, OUT_REPLY, "RCPT");
		}
	}
	if (no_extra(s, "RCPT") == -1)
		return S_FAIL;
	return S_RSET;
}

/* End the transaction; a refused RSET changes nothing that was learnt. */
static enum state
st_rset(struct session *s)
{
	if (cmd(s, NULL, "RSET") == -1 || flush(s, PH_QUIT, T_OTHER) == -1 ||
	    get_reply(s, PH_QUIT, T_OTHER) == -1)
		return S_FAIL;
	if (s->r.code / 100 != 2)
		trace(s, TRACE_INFO, "the server answered RSET with %d",
		    s->r.code);
	if (no_extra(s, "RSET") == -1)
		return S_FAIL;
	return S_QUIT;
}

/*
 * Leave the session: QUIT when the dialogue is in a state where a command
 * is welcome (never after a TLS failure, never inside DATA), without
 * waiting for its reply.
 */
static void
finish(struct session *s, enum state st)
{
	if (s->io == NULL)
		return;
	if ((st == S_DONE || s->quit_ok) && !s->in_data &&
	    (s->tls_active || !s->opts->tls)) {
		if (cmd(s, NULL, "QUIT") == 0)
			(void)io_flush(s->io, now_ms() + T_QUIT * 1000);
	}
	if (s->tls_active && !s->in_data)
		tls_bye(io_tls(s->io));
	(void)shutdown(io_fd(s->io), SHUT_WR);
}

static int64_t
deadline(struct session *s, int rfc_seconds)
{
	int	sec = s->opts->timeout_s > 0 ? s->opts->timeout_s : rfc_seconds;

	return now_ms() + (int64_t)sec * 1000;
}

static void
trace(struct session *s, int dir, const char *fmt, ...)
{
	char	buf[512];
	va_list	ap;
	int	n;

	if (s->opts->trace == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	s->opts->trace(s->opts->trace_arg, dir, buf,
	    (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/*
 * Queue one command line. shown, when set, is what the trace shows
 * instead (AUTH payloads). A line that would carry CR, LF or NUL is
 * refused here as a last line of defence against injection.
 */
static int
cmd(struct session *s, const char *shown, const char *fmt, ...)
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
	n = io_write(s->io, line, (size_t)n + 2, deadline(s, T_OTHER));
	explicit_bzero(line, sizeof(line));
	if (n == -1)
		return outcome_set(s->o, OUT_TEMP, PH_NONE, "sending to the "
		    "server failed: %s", strerror(errno));
	return 0;
}

static int
flush(struct session *s, enum smtp_phase ph, int secs)
{
	if (io_flush(s->io, deadline(s, secs)) == 0)
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
static int
get_reply(struct session *s, enum smtp_phase ph, int secs)
{
	enum outcome_kind	 lost = ph == PH_EOD ? OUT_MAYBE_SENT : OUT_TEMP;
	enum reply_err		 e;
	int64_t			 dl = deadline(s, secs);
	char			*line;
	size_t			 len;
	int			 rc;

	reply_init(&s->r);
	for (;;) {
		rc = io_getline(s->io, dl, &line, &len);
		if (rc == 0)
			return outcome_set(s->o, lost, ph, "the server closed "
			    "the connection");
		if (rc == -1 && errno == E2BIG)
			return outcome_set(s->o, OUT_PROTO, ph, "malformed "
			    "reply: a line longer than %d octets", IO_LINEMAX);
		if (rc == -1 && errno == ETIMEDOUT)
			return outcome_set(s->o, lost, ph, "no reply within "
			    "%d seconds", s->opts->timeout_s > 0 ?
			    s->opts->timeout_s : secs);
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
		(void)xstrlcpy(s->o->text, line, sizeof(s->o->text));
		return outcome_set(s->o, OUT_PROTO, ph, "malformed reply: %s",
		    e == REPLY_TOOLONG ? "too long" : e == REPLY_MISMATCH ?
		    "the lines' codes differ" : "not a valid reply code");
	}
}

/* Record the server's refusal in s->r as the outcome. */
static enum state
refused(struct session *s, enum smtp_phase ph, enum outcome_kind kind,
    const char *what)
{
	s->o->code = s->r.code;
	(void)xstrlcpy(s->o->enh, s->r.enh, sizeof(s->o->enh));
	(void)xstrlcpy(s->o->text, s->r.text, sizeof(s->o->text));
	outcome_set(s->o, kind, ph, "the server answered %s with", what);
	return S_FAIL;
}

/* A reply that must have come alone: anything more is a desync. */
static int
no_extra(struct session *s, const char *what)
{
	if (io_pending(s->io) == 0)
		return 0;
	s->quit_ok = 0;
	return outcome_set(s->o, OUT_PROTO, PH_NONE, "the server sent more "
	    "than its reply to %s (pipelining desync or injection)", what);
}
