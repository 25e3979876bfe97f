/*
 * The SMTP server for "sendmail -bs" as an explicit state machine: one
 * enum of states, a table of their names for traces, and one transition
 * function, step(). The caller is local (a mail user agent on a pipe), so
 * there is no AUTH and no STARTTLS; everything else a submission client
 * needs is here: EHLO with PIPELINING, 8BITMIME, SIZE and
 * ENHANCEDSTATUSCODES (RFC 2920, 6152, 1870, 2034), and replies that
 * carry enhanced status codes (RFC 3463).
 *
 * Every message is read to its end-of-data line, un-stuffed (RFC 5321
 * 4.5.2) and normalised into a private spool file by msg.c, then handed
 * to the relay callback; its reply is the reply to end-of-data. The caps:
 * SMTPD_LINEMAX octets per command line (RFC 5321 4.5.3.1.6),
 * SMTPD_RCPTMAX recipients, the advertised SIZE, SMTPD_ERRMAX error
 * replies, and idle_ms to wait for any one command or line of data.
 */
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "msg/addr.h"
#include "msg/msg.h"
#include "smtp/smtp.h"
#include "smtp/smtpd.h"
#include "base/util.h"

#define RBUFSZ		16384	/* a data line up to this size is one piece */
#define WBUFSZ		4096	/* replies gathered before a write */
#define WCHUNK		512	/* POSIX PIPE_BUF minimum: never blocks */

enum state {
	S_GREETING,	/* send the 220 greeting */
	S_READY,	/* no transaction: waiting for a command */
	S_MAIL,		/* MAIL accepted, no recipient yet */
	S_RCPT,		/* at least one recipient accepted */
	S_DATA,		/* reading the message after 354 */
	S_RELAY,	/* the message is spooled: relay it */
	S_QUIT,		/* 221 sent */
	S_CLOSE		/* ended without QUIT */
};

static const char *const state_names[] = {
	[S_GREETING] = "greeting",
	[S_READY] = "ready",
	[S_MAIL] = "mail",
	[S_RCPT] = "rcpt",
	[S_DATA] = "data",
	[S_RELAY] = "relay",
	[S_QUIT] = "quit",
	[S_CLOSE] = "close",
};

/* What went wrong while reading DATA (answered at end-of-data). */
enum data_err {
	D_OK = 0,
	D_NUL,		/* a NUL byte: 554 5.6.0 */
	D_BIG,		/* over the advertised SIZE: 552 5.3.4 */
	D_SPOOL		/* the spool could not be written: 451 4.3.0 */
};

struct server {
	const struct smtpd_opts	*op;
	struct smtpd_result	*res;
	int			 idle_ms;
	off_t			 size_max;
	int			 nerr;		/* error replies so far */
	int			 wfail;		/* a write failed */
	char			 sender[ADDR_MAX + 1];
	struct addrlist		 rcpts;
	struct msg		*msg;
	enum data_err		 derr;
	char			 line[SMTPD_LINEMAX + 1];
	char			 rbuf[RBUFSZ];
	size_t			 rstart, rend;
	int			 reof;
	char			 wbuf[WBUFSZ];
	size_t			 wlen;
};

struct command {
	const char	*name;
	enum state	(*fn)(struct server *, enum state, const char *);
};

static enum state	step(struct server *, enum state);
static enum state	st_greeting(struct server *);
static enum state	st_command(struct server *, enum state);
static enum state	st_data(struct server *);
static enum state	st_relay(struct server *);
static enum state	c_ehlo(struct server *, enum state, const char *);
static enum state	c_helo(struct server *, enum state, const char *);
static enum state	c_mail(struct server *, enum state, const char *);
static enum state	c_rcpt(struct server *, enum state, const char *);
static enum state	c_data(struct server *, enum state, const char *);
static enum state	c_rset(struct server *, enum state, const char *);
static enum state	c_noop(struct server *, enum state, const char *);
static enum state	c_quit(struct server *, enum state, const char *);
static enum state	c_help(struct server *, enum state, const char *);
static enum state	c_vrfy(struct server *, enum state, const char *);
static enum state	c_notimpl(struct server *, enum state, const char *);
static enum state	read_failed(struct server *, enum state);
static enum state	bad(struct server *, enum state, int, const char *,
			    const char *);
static void		reset(struct server *);
static int		get_piece(struct server *, int64_t, char **,
			    size_t *);
static int		get_command(struct server *);
static int		parse_path(const char *, const char *, int, char *,
			    size_t, const char **, char *, size_t);
static int		valid_enh(const char *, int);
static void		put_line(struct server *, int, int, const char *,
			    const char *);
static void		reply(struct server *, int, const char *,
			    const char *, ...)
			    __attribute__((format(printf, 4, 5)));
static void		flush_out(struct server *);
static void		trace(struct server *, int, const char *, size_t);

/* Recognised verbs; a verb not here is 500, one here unimplemented 502. */
static const struct command commands[] = {
	{ "AUTH", c_notimpl },
	{ "BDAT", c_notimpl },
	{ "DATA", c_data },
	{ "EHLO", c_ehlo },
	{ "ETRN", c_notimpl },
	{ "EXPN", c_notimpl },
	{ "HELO", c_helo },
	{ "HELP", c_help },
	{ "MAIL", c_mail },
	{ "NOOP", c_noop },
	{ "QUIT", c_quit },
	{ "RCPT", c_rcpt },
	{ "RSET", c_rset },
	{ "STARTTLS", c_notimpl },
	{ "TURN", c_notimpl },
	{ "VRFY", c_vrfy },
};

int
smtpd_run(const struct smtpd_opts *op, struct smtpd_result *res)
{
	struct server	*s;
	enum state	 st = S_GREETING, last = S_GREETING;

	memset(res, 0, sizeof(*res));
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		res->end = SMTPD_NOMEM;
		whyf(res->why, sizeof(res->why), "out of memory");
		return -1;
	}
	s->op = op;
	s->res = res;
	s->idle_ms = op->idle_ms > 0 ? op->idle_ms : SMTPD_IDLE_MS;
	s->size_max = op->size_max > 0 ? op->size_max : SMTPD_SIZEMAX;
	addrlist_init(&s->rcpts);
	while (st != S_QUIT && st != S_CLOSE) {
		last = st;
		st = step(s, st);
	}
	flush_out(s);
	if (s->wfail && res->end == SMTPD_QUIT) {
		res->end = SMTPD_IOERR;
		whyf(res->why, sizeof(res->why), "cannot write "
		    "the replies: %s", strerror(errno));
	}
	res->in_txn = last == S_MAIL || last == S_RCPT || last == S_DATA ||
	    last == S_RELAY;
	reset(s);
	free(s);
	return res->end == SMTPD_QUIT ? 0 : -1;
}

/* The one transition function: run state st, return the next one. */
static enum state
step(struct server *s, enum state st)
{
	char	buf[64];

	if (s->wfail) {
		s->res->end = SMTPD_IOERR;
		whyf(s->res->why, sizeof(s->res->why), "cannot "
		    "write the replies in state %s", state_names[st]);
		return S_CLOSE;
	}
	if (bote_interrupted) {
		/* A trace line: a state name always fits. */
		(void)xsnprintf(buf, sizeof(buf), "interrupted in state %s",
		    state_names[st]);
		trace(s, TRACE_INFO, buf, strlen(buf));
		reply(s, 421, "4.3.2", "%s Service shutting down",
		    s->op->hostname);
		s->res->end = SMTPD_SIGNAL;
		return S_CLOSE;
	}
	switch (st) {
	case S_GREETING:
		return st_greeting(s);
	case S_READY:
	case S_MAIL:
	case S_RCPT:
		return st_command(s, st);
	case S_DATA:
		return st_data(s);
	case S_RELAY:
		return st_relay(s);
	case S_QUIT:
	case S_CLOSE:
		break;
	}
	s->res->end = SMTPD_NOMEM;
	whyf(s->res->why, sizeof(s->res->why), "bad state %d",
	    (int)st);
	return S_CLOSE;
}

/* RFC 2034: no enhanced status code in the greeting or the EHLO reply. */
static enum state
st_greeting(struct server *s)
{
	char	text[300];

	/* A host name (at most 255 octets) fits. */
	(void)xsnprintf(text, sizeof(text), "%s ESMTP bote", s->op->hostname);
	put_line(s, 220, 0, NULL, text);
	return S_READY;
}

static enum state
st_command(struct server *s, enum state st)
{
	const char	*args;
	size_t		 i, n;
	int		 rc;

	rc = get_command(s);
	if (rc == 2)
		return bad(s, st, 500, "5.5.2", "Error: line too long");
	if (rc == 3)
		return bad(s, st, 500, "5.5.2", "Error: control character "
		    "in command");
	if (rc != 1)
		return rc == 0 ? (s->res->end = SMTPD_EOF, S_CLOSE) :
		    read_failed(s, st);
	n = strcspn(s->line, " ");
	args = s->line + n;
	while (*args == ' ')
		args++;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strlen(commands[i].name) == n &&
		    strncasecmp(s->line, commands[i].name, n) == 0)
			return commands[i].fn(s, st, args);
	return bad(s, st, 500, "5.5.2", "Error: command not recognized");
}

/* A command failed to arrive: timed out, interrupted or unreadable. */
static enum state
read_failed(struct server *s, enum state st)
{
	if (errno == ETIMEDOUT) {
		reply(s, 421, "4.4.2", "%s Error: timeout exceeded",
		    s->op->hostname);
		s->res->end = SMTPD_TIMEOUT;
	} else if (errno == EINTR && bote_interrupted)
		return st;		/* step() says goodbye */
	else {
		s->res->end = SMTPD_IOERR;
		whyf(s->res->why, sizeof(s->res->why), "cannot "
		    "read the commands: %s", strerror(errno));
	}
	return S_CLOSE;
}

/* An error reply to a command; too many of them end the session. */
static enum state
bad(struct server *s, enum state st, int code, const char *enh,
    const char *text)
{
	reply(s, code, enh, "%s", text);
	if (++s->nerr < SMTPD_ERRMAX)
		return st;
	reply(s, 421, "4.7.0", "%s Error: too many errors",
	    s->op->hostname);
	s->res->end = SMTPD_ERRORS;
	return S_CLOSE;
}

static enum state
c_ehlo(struct server *s, enum state st, const char *args)
{
	char	text[300];

	if (*args == '\0')
		return bad(s, st, 501, "5.5.4", "Syntax: EHLO hostname");
	reset(s);
	/* A host name (at most 255 octets) fits. */
	(void)xsnprintf(text, sizeof(text), "%s", s->op->hostname);
	put_line(s, 250, 1, NULL, text);
	put_line(s, 250, 1, NULL, "PIPELINING");
	/* A number fits. */
	(void)xsnprintf(text, sizeof(text), "SIZE %lld",
	    (long long)s->size_max);
	put_line(s, 250, 1, NULL, text);
	put_line(s, 250, 1, NULL, "8BITMIME");
	put_line(s, 250, 0, NULL, "ENHANCEDSTATUSCODES");
	return S_READY;
}

static enum state
c_helo(struct server *s, enum state st, const char *args)
{
	if (*args == '\0')
		return bad(s, st, 501, "5.5.4", "Syntax: HELO hostname");
	reset(s);
	put_line(s, 250, 0, NULL, s->op->hostname);
	return S_READY;
}

static enum state
c_mail(struct server *s, enum state st, const char *args)
{
	char		 why[200], param[64];
	const char	*rest, *errstr;
	long long	 size;
	size_t		 n;
	int		 rc;

	if (st != S_READY)
		return bad(s, st, 503, "5.5.1", "Error: nested MAIL command");
	if (strncasecmp(args, "FROM:", 5) != 0)
		return bad(s, st, 501, "5.5.4", "Syntax: MAIL FROM:<address>");
	rc = parse_path(args + 5, "sender", 1, s->sender, sizeof(s->sender),
	    &rest, why, sizeof(why));
	if (rc == -1)
		return bad(s, st, 501, "5.1.7", why);
	if (rc == -2)
		return bad(s, st, 553, "5.1.7", why);
	/* RFC 1870 SIZE and RFC 6152 BODY; other parameters are ignored. */
	while (*rest != '\0') {
		n = strcspn(rest, " ");
		if (n >= sizeof(param))
			n = sizeof(param) - 1;
		memcpy(param, rest, n);
		param[n] = '\0';
		rest += strcspn(rest, " ");
		while (*rest == ' ')
			rest++;
		if (strncasecmp(param, "SIZE=", 5) == 0) {
			size = strtonum(param + 5, 0, LLONG_MAX, &errstr);
			if (errstr != NULL)
				return bad(s, st, 501, "5.5.4",
				    "Error: bad SIZE parameter");
			if (size > (long long)s->size_max) {
				reply(s, 552, "5.3.4", "Error: message file "
				    "too big");
				return st;
			}
		} else if (strncasecmp(param, "BODY=", 5) == 0 &&
		    strcasecmp(param + 5, "7BIT") != 0 &&
		    strcasecmp(param + 5, "8BITMIME") != 0)
			return bad(s, st, 501, "5.5.4", "Error: BODY is 7BIT "
			    "or 8BITMIME");
	}
	reply(s, 250, "2.1.0", "Ok");
	return S_MAIL;
}

static enum state
c_rcpt(struct server *s, enum state st, const char *args)
{
	char		 addr[ADDR_MAX + 1], why[200];
	const char	*rest;
	int		 rc;

	if (st == S_READY)
		return bad(s, st, 503, "5.5.1", "Error: need MAIL command");
	if (strncasecmp(args, "TO:", 3) != 0)
		return bad(s, st, 501, "5.5.4", "Syntax: RCPT TO:<address>");
	rc = parse_path(args + 3, "recipient", 0, addr, sizeof(addr), &rest,
	    why, sizeof(why));
	if (rc == -1)
		return bad(s, st, 501, "5.1.3", why);
	if (rc == -2)
		return bad(s, st, 553, "5.1.3", why);
	/* RFC 5321 4.5.3.1.10: 452 for too many recipients. */
	if (s->rcpts.n >= SMTPD_RCPTMAX) {
		reply(s, 452, "4.5.3", "Error: too many recipients");
		return st;
	}
	if (addrlist_add(&s->rcpts, addr, strlen(addr)) == -1) {
		reply(s, 452, "4.3.1", "Error: out of memory");
		return st;
	}
	reply(s, 250, "2.1.5", "Ok");
	return S_RCPT;
}

static enum state
c_data(struct server *s, enum state st, const char *args)
{
	struct outcome	o;

	if (*args != '\0')
		return bad(s, st, 501, "5.5.4", "Syntax: DATA");
	if (st == S_READY)
		return bad(s, st, 503, "5.5.1", "Error: need MAIL command");
	if (st == S_MAIL)
		return bad(s, st, 554, "5.5.1", "Error: no valid recipients");
	memset(&o, 0, sizeof(o));
	/* No lone-dot handling there: end-of-data is found here. */
	s->msg = msg_begin(s->op->spool_dir, NORM_KEEPFROM, &o);
	if (s->msg == NULL) {
		trace(s, TRACE_INFO, o.why, strlen(o.why));
		reply(s, 451, "4.3.0", "Error: cannot spool the message");
		return st;
	}
	s->derr = D_OK;
	reply(s, 354, NULL, "End data with <CR><LF>.<CR><LF>");
	return S_DATA;
}

static enum state
c_rset(struct server *s, enum state st, const char *args)
{
	if (*args != '\0')
		return bad(s, st, 501, "5.5.4", "Syntax: RSET");
	reset(s);
	reply(s, 250, "2.0.0", "Ok");
	return S_READY;
}

static enum state
c_noop(struct server *s, enum state st, const char *args)
{
	(void)args;
	reply(s, 250, "2.0.0", "Ok");
	return st;
}

static enum state
c_quit(struct server *s, enum state st, const char *args)
{
	(void)st;
	(void)args;
	reply(s, 221, "2.0.0", "Bye");
	s->res->end = SMTPD_QUIT;
	return S_QUIT;
}

static enum state
c_help(struct server *s, enum state st, const char *args)
{
	(void)args;
	reply(s, 214, "2.0.0", "Commands: EHLO HELO MAIL RCPT DATA RSET "
	    "NOOP QUIT HELP VRFY");
	return st;
}

static enum state
c_vrfy(struct server *s, enum state st, const char *args)
{
	if (*args == '\0')
		return bad(s, st, 501, "5.5.4", "Syntax: VRFY address");
	reply(s, 252, "2.5.2", "Cannot VRFY user; send RCPT to attempt "
	    "delivery");
	return st;
}

static enum state
c_notimpl(struct server *s, enum state st, const char *args)
{
	(void)args;
	return bad(s, st, 502, "5.5.1", "Error: command not implemented");
}

/*
 * The message, up to the line that is a single ".". A leading "." is
 * removed from every other line (RFC 5321 4.5.2); the rest goes to the
 * normaliser, which makes every line end in CRLF. After an error the
 * data is still read to its end, so the dialogue stays in step.
 */
static enum state
st_data(struct server *s)
{
	struct outcome	 o;
	off_t		 size = 0;
	char		*p;
	size_t		 len;
	int		 bol = 1, eol, rc;

	memset(&o, 0, sizeof(o));
	for (;;) {
		rc = get_piece(s, now_ms() + s->idle_ms, &p, &len);
		if (rc == 0) {
			s->res->end = SMTPD_EOF;
			return S_CLOSE;
		}
		if (rc == -1)
			return read_failed(s, S_DATA);
		eol = p[len - 1] == '\n';
		if (bol && p[0] == '.') {
			if ((len == 2 && p[1] == '\n') ||
			    (len == 3 && p[1] == '\r' && p[2] == '\n'))
				break;
			p++;
			len--;
		}
		bol = eol;
		if (s->derr != D_OK)
			continue;
		size += (off_t)len;
		if (size > s->size_max)
			s->derr = D_BIG;
		else if (msg_feed(s->msg, p, len, &o) == -1) {
			s->derr = o.kind == OUT_DATAERR ? D_NUL : D_SPOOL;
			if (s->derr == D_SPOOL)
				trace(s, TRACE_INFO, o.why, strlen(o.why));
		}
	}
	switch (s->derr) {
	case D_OK:
		return S_RELAY;
	case D_NUL:
		reply(s, 554, "5.6.0", "Error: the message contains a NUL "
		    "byte");
		break;
	case D_BIG:
		reply(s, 552, "5.3.4", "Error: message file too big");
		break;
	case D_SPOOL:
		reply(s, 451, "4.3.0", "Error: cannot spool the message");
		break;
	}
	s->res->refused++;
	reset(s);
	return S_READY;
}

static enum state
st_relay(struct server *s)
{
	struct smtpd_reply	 r;
	struct outcome		 o;

	memset(&o, 0, sizeof(o));
	if (msg_end(s->msg, &o) == -1) {
		trace(s, TRACE_INFO, o.why, strlen(o.why));
		reply(s, 451, "4.3.0", "Error: cannot spool the message");
		s->res->refused++;
		reset(s);
		return S_READY;
	}
	addrlist_dedup(&s->rcpts);
	/* The caller may wait a while now; it has every reply so far. */
	flush_out(s);
	memset(&r, 0, sizeof(r));
	s->op->relay(s->op->relay_arg, s->sender, s->rcpts.v, s->rcpts.n,
	    s->msg, &r);
	r.text[sizeof(r.text) - 1] = '\0';
	if (r.code < 200 || r.code > 599 || (r.code >= 300 && r.code < 400)) {
		r.code = 451;
		/* Constants that fit struct reply's buffers. */
		(void)xstrlcpy(r.enh, "4.3.0", sizeof(r.enh));
		/* As above. */
		(void)xstrlcpy(r.text, "Error: internal error in the relay",
		    sizeof(r.text));
	}
	if (!valid_enh(r.enh, r.code))
		/* A code from 200 to 599 makes "5.0.0": it fits. */
		(void)xsnprintf(r.enh, sizeof(r.enh), "%d.0.0", r.code / 100);
	reply(s, r.code, r.enh, "%s", r.text);
	if (r.code < 300)
		s->res->relayed++;
	else
		s->res->refused++;
	reset(s);
	return S_READY;
}

/* Forget the transaction (RSET, EHLO, HELO, after end-of-data). */
static void
reset(struct server *s)
{
	s->sender[0] = '\0';
	addrlist_free(&s->rcpts);
	addrlist_init(&s->rcpts);
	msg_free(s->msg);
	s->msg = NULL;
	s->derr = D_OK;
}

/*
 * The next piece of input: a line with its LF, or RBUFSZ bytes of a
 * longer one, or what is left at EOF. Replies are sent before waiting,
 * so a pipelining caller gets them in one write (RFC 2920). Returns 1,
 * 0 at EOF, or -1 with errno (ETIMEDOUT, EINTR after a signal, EIO...).
 */
static int
get_piece(struct server *s, int64_t deadline, char **p, size_t *len)
{
	struct pollfd	 pfd;
	char		*b, *lf;
	size_t		 n;
	ssize_t		 r;
	int		 rc;

	for (;;) {
		b = s->rbuf + s->rstart;
		n = s->rend - s->rstart;
		if ((lf = memchr(b, '\n', n)) != NULL)
			n = (size_t)(lf - b) + 1;
		if (lf != NULL || n == RBUFSZ || (s->reof && n > 0)) {
			s->rstart += n;
			*p = b;
			*len = n;
			return 1;
		}
		if (s->reof)
			return 0;
		flush_out(s);
		if (s->rstart > 0) {
			memmove(s->rbuf, b, n);
			s->rstart = 0;
			s->rend = n;
		}
		pfd.fd = s->op->infd;
		pfd.events = POLLIN;
		if (bote_interrupted) {
			errno = EINTR;
			return -1;
		}
		if ((rc = poll(&pfd, 1, ms_left(deadline))) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (rc == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		r = read(s->op->infd, s->rbuf + s->rend, RBUFSZ - s->rend);
		if (r == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		if (r == 0)
			s->reof = 1;
		s->rend += (size_t)r;
	}
}

/*
 * One command line into s->line, without CRLF (a bare LF ends it too).
 * Returns 1, 2 when it was longer than SMTPD_LINEMAX (read to its end
 * and dropped), 3 when it holds a control byte, 0 at EOF, -1 with errno.
 */
static int
get_command(struct server *s)
{
	int64_t	 deadline = now_ms() + s->idle_ms;
	char	*p;
	size_t	 len, n = 0, i;
	int	 rc, toolong = 0;

	for (;;) {
		if ((rc = get_piece(s, deadline, &p, &len)) != 1)
			return rc;
		if (!toolong && n + len > SMTPD_LINEMAX)
			toolong = 1;
		if (!toolong) {
			memcpy(s->line + n, p, len);
			n += len;
		}
		if (p[len - 1] == '\n')
			break;
	}
	if (toolong) {
		static const char	note[] = "(a line too long)";

		trace(s, TRACE_RECV, note, sizeof(note) - 1);
		return 2;
	}
	n--;
	if (n > 0 && s->line[n - 1] == '\r')
		n--;
	s->line[n] = '\0';
	trace(s, TRACE_RECV, s->line, n);
	for (i = 0; i < n; i++)
		if ((unsigned char)s->line[i] < 0x20 || s->line[i] == 0x7f)
			return 3;
	return 1;
}

/*
 * A reverse- or forward-path after "FROM:" or "TO:": "<addr>" with an
 * optional space before it, an obsolete source route "@a,@b:" dropped
 * (RFC 5321 4.1.2, C.). Returns 0 with the address in out and *rest at
 * the parameters, -1 for a syntax error, -2 for an address that fails
 * addr_check(), each with why set.
 */
static int
parse_path(const char *p, const char *what, int allow_empty, char *out,
    size_t outsz, const char **rest, char *why, size_t whylen)
{
	const char	*q, *end;
	char		 w[200];
	int		 quoted = 0;

	while (*p == ' ')
		p++;
	if (*p != '<') {
		whyf(why, whylen, "Error: the %s address must be "
		    "in <>", what);
		return -1;
	}
	for (q = ++p; *q != '\0'; q++) {
		if (quoted && *q == '\\' && q[1] != '\0')
			q++;
		else if (*q == '"')
			quoted = !quoted;
		else if (!quoted && *q == '>')
			break;
	}
	if (*q != '>') {
		whyf(why, whylen, "Error: unbalanced <> in the %s "
		    "address", what);
		return -1;
	}
	end = q;
	if (*p == '@' && (q = memchr(p, ':', (size_t)(end - p))) != NULL)
		p = q + 1;
	if ((size_t)(end - p) >= outsz) {
		whyf(why, whylen, "Error: the %s address is too "
		    "long", what);
		return -2;
	}
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
	if (end[1] != '\0' && end[1] != ' ') {
		whyf(why, whylen, "Error: junk after the %s "
		    "address", what);
		return -1;
	}
	for (q = end + 1; *q == ' '; q++)
		;
	*rest = q;
	if (addr_check(out, allow_empty, w, sizeof(w)) == -1) {
		whyf(why, whylen, "Error: bad %s address: %s",
		    what, w);
		return -2;
	}
	return 0;
}

/* "c.s.d" (RFC 3463) with c the reply's class, s and d 1 to 3 digits. */
static int
valid_enh(const char *e, int code)
{
	size_t	i, n;

	if (e[0] != '0' + code / 100 || e[1] != '.')
		return 0;
	e += 2;
	for (i = 0; i < 2; i++) {
		n = strspn(e, "0123456789");
		if (n < 1 || n > 3)
			return 0;
		e += n;
		if (*e != (i == 0 ? '.' : '\0'))
			return 0;
		e++;
	}
	return 1;
}

/*
 * One reply line: "ddd-text" when more follow, else "ddd text", with the
 * enhanced code in front when there is one. The text is sanitised, so
 * nothing the relay passes on can end the line early.
 */
static void
put_line(struct server *s, int code, int more, const char *enh,
    const char *text)
{
	char	clean[SMTPD_TEXTMAX], line[SMTPD_TEXTMAX + 32];
	size_t	n;

	(void)sanitize(clean, sizeof(clean), text, strlen(text), 0);
	/* clean is shorter than line by more than code and enh: it fits. */
	(void)xsnprintf(line, sizeof(line), "%03d%c%s%s%s", code,
	    more ? '-' : ' ', enh ? enh : "", enh ? " " : "", clean);
	n = strlen(line);
	trace(s, TRACE_SENT, line, n);
	if (s->wlen + n + 2 > sizeof(s->wbuf))
		flush_out(s);
	memcpy(s->wbuf + s->wlen, line, n);
	memcpy(s->wbuf + s->wlen + n, "\r\n", 2);
	s->wlen += n + 2;
}

static void
reply(struct server *s, int code, const char *enh, const char *fmt, ...)
{
	char	text[SMTPD_TEXTMAX];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	put_line(s, code, 0, enh, text);
}

/*
 * Send the gathered replies. Writes of WCHUNK bytes after POLLOUT never
 * block on a pipe, so a caller that stops reading cannot hold bote past
 * the idle deadline. A failure is remembered; step() ends the session.
 */
static void
flush_out(struct server *s)
{
	struct pollfd	pfd;
	int64_t		deadline = now_ms() + s->idle_ms;
	size_t		off = 0, k;
	ssize_t		w;
	int		rc;

	while (off < s->wlen && !s->wfail) {
		pfd.fd = s->op->outfd;
		pfd.events = POLLOUT;
		rc = poll(&pfd, 1, ms_left(deadline));
		if (rc == -1 && errno == EINTR && !bote_interrupted)
			continue;
		if (rc <= 0) {
			if (rc == 0)
				errno = ETIMEDOUT;
			s->wfail = 1;
			break;
		}
		k = s->wlen - off < WCHUNK ? s->wlen - off : WCHUNK;
		if ((w = write(s->op->outfd, s->wbuf + off, k)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			s->wfail = 1;
			break;
		}
		off += (size_t)w;
	}
	s->wlen = 0;
}

static void
trace(struct server *s, int dir, const char *line, size_t len)
{
	if (s->op->trace != NULL)
		s->op->trace(s->op->trace_arg, dir, line, len);
}
