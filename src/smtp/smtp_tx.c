/*
 * One mail transaction for the client in smtp.c: MAIL, RCPT, then DATA
 * or BDAT (RFC 3030), with the extensions' parameters when the server
 * offers them (SIZE, 8BITMIME, SMTPUTF8, DSN), and -bv's MAIL + RCPT +
 * RSET.
 *
 * Commands are queued in groups and their replies read in order by
 * tx_collect() (RFC 2920 3.1); without PIPELINING every group holds one
 * command. All or nothing: any refused recipient fails the message. With
 * several recipients their replies are read before DATA or BDAT is sent;
 * with one the server itself refuses DATA or BDAT when that RCPT failed.
 * Should a server say 354 all the same, the connection is dropped
 * without end-of-data, so it discards the transaction.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg/addr.h"
#include "msg/dsn.h"
#include "base/idn.h"
#include "net/io.h"
#include "msg/msg.h"
#include "smtp/smtp_int.h"
#include "base/util.h"

static char		*wire_addr(struct smtp *, const char *,
			    enum smtp_phase);
static int		rcpt_replies(struct smtp *, size_t, size_t);
static int		eod_reply(struct smtp *);
static void		refusal(struct smtp *, enum smtp_phase, const char *);
static int		in_step(struct smtp *, enum smtp_phase, const char *,
			    int);
static int		write_body(struct smtp *, int);
static void		progress(struct smtp *, off_t, off_t, int64_t *);

/*
 * The address as it goes on the wire (a new string), or NULL with *o set.
 * A non-ASCII domain after an ASCII local part becomes A-labels (RFC
 * 5891) even when the server offers SMTPUTF8: the address then needs
 * no SMTPUTF8 anywhere, so a later hop without it still takes the
 * message. A non-ASCII local part needs SMTPUTF8: with it the address
 * goes as it is and MAIL says SMTPUTF8 (RFC 6531 3.4); without it the
 * address cannot be sent at all.
 */
static char *
wire_addr(struct smtp *s, const char *in, enum smtp_phase ph)
{
	char		 dom[PATHMAX], why[256], *out;
	const char	*at = strrchr(in, '@');
	size_t		 llen = at != NULL ? (size_t)(at - in) : strlen(in);

	if (count8(in, strlen(in)) == 0 || (count8(in, llen) > 0 &&
	    (s->caps.flags & CAP_SMTPUTF8))) {
		if (count8(in, strlen(in)) > 0)
			s->utf8 = 1;
		if ((out = strdup(in)) == NULL)
			outcome_set(s->o, OUT_OSERR, ph, "out of memory");
		return out;
	}
	if (count8(in, llen) > 0) {
		outcome_set(s->o, OUT_DATAERR, ph, "the address <%s> has a "
		    "non-ASCII local part and the server does not offer "
		    "SMTPUTF8 (RFC 6531)", in);
		return NULL;
	}
	if (idn_to_alabel(at + 1, dom, sizeof(dom), why, sizeof(why)) == -1) {
		outcome_set(s->o, OUT_DATAERR, ph, "the address <%s>: %s", in,
		    why);
		return NULL;
	}
	if (asprintf(&out, "%.*s@%s", (int)llen, in, dom) == -1) {
		outcome_set(s->o, OUT_OSERR, ph, "out of memory");
		return NULL;
	}
	smtp_trace(s, TRACE_INFO, "<%s> is sent as <%s>", in, out);
	return out;
}

/* The addresses of one transaction as sent; 0, or -1 with *o set. */
int
tx_prepare(struct smtp *s, const char *sender, char *const *rcpts,
    size_t nrcpts)
{
	size_t	i;

	s->utf8 = 0;
	s->failed = 0;
	s->accepted = 0;
	memset(&s->g, 0, sizeof(s->g));
	s->rcpts_in = rcpts;
	s->nrcpts = 0;
	if ((s->sender = wire_addr(s, sender, PH_MAIL)) == NULL)
		return -1;
	if ((s->rcpts = calloc(nrcpts + 1, sizeof(*s->rcpts))) == NULL)
		return outcome_set(s->o, OUT_OSERR, PH_RCPT, "out of memory");
	for (i = 0; i < nrcpts; i++) {
		if ((s->rcpts[i] = wire_addr(s, rcpts[i], PH_RCPT)) == NULL)
			return -1;
		s->nrcpts = i + 1;
	}
	return 0;
}

void
tx_release(struct smtp *s)
{
	size_t	i;

	if (s->rcpts != NULL)
		for (i = 0; i < s->nrcpts; i++)
			free(s->rcpts[i]);
	free(s->rcpts);
	free(s->sender);
	s->rcpts = NULL;
	s->sender = NULL;
	s->nrcpts = 0;
}

/*
 * A message over the server's SIZE limit is refused before anything is
 * sent for it (RFC 1870 6.1); smtp_send checks it before AUTH too.
 */
int
tx_size_ok(struct smtp *s)
{
	unsigned long long	total =
	    (unsigned long long)outmsg_wire_size(s->body);

	if (s->caps.size > 0 && total > s->caps.size)
		return outcome_set(s->o, OUT_TOOBIG, PH_MAIL, "the message is "
		    "%llu octets; the server accepts at most %llu", total,
		    s->caps.size);
	return 0;
}

/*
 * MAIL's parameters: SIZE (RFC 1870), BODY=8BITMIME (RFC 6152) for an
 * 8-bit body, SMTPUTF8 (RFC 6531) for a UTF-8 address, RET and ENVID
 * (RFC 3461), each only when the server offers it.
 */
int
tx_mail_params(struct smtp *s, char *params, size_t sz)
{
	const struct smtp_opts	*op = s->opts;
	unsigned long long	 total =
	    (unsigned long long)outmsg_wire_size(s->body);

	params[0] = '\0';
	if (tx_size_ok(s) == -1)
		return -1;
	if ((s->caps.flags & CAP_SIZE) &&
	    xsnprintf(params, sz, " SIZE=%llu", total) == -1)
		goto toolong;
	if (s->body->eightbit && (s->caps.flags & CAP_8BITMIME) &&
	    strlcat(params, " BODY=8BITMIME", sz) >= sz)
		goto toolong;
	if (s->utf8 && strlcat(params, " SMTPUTF8", sz) >= sz)
		goto toolong;
	if (op->dsn_notify == 0 && op->dsn_return == DSNRET_OFF &&
	    op->dsn_envid == NULL)
		return 0;
	if (!(s->caps.flags & CAP_DSN)) {
		/* The caller is told (outcome.no_dsn): the user asked. */
		s->no_dsn = 1;
		smtp_trace(s, TRACE_INFO, "the server does not offer DSN; "
		    "sending without delivery status notification requests");
		return 0;
	}
	if (dsn_mail_params(params, sz, op->dsn_return, op->dsn_envid) == -1)
		return outcome_set(s->o, OUT_USAGE, PH_MAIL, "the DSN "
		    "parameters do not fit on MAIL (ENVID over %d octets as "
		    "xtext?)", ENVID_XTEXTMAX);
	return 0;
toolong:
	return outcome_set(s->o, OUT_SOFTWARE, PH_MAIL, "MAIL parameters "
	    "too long");
}

/* Queue RCPT for rcpts[i], with NOTIFY and ORCPT when DSN is offered. */
int
tx_rcpt(struct smtp *s, size_t i)
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
		smtp_trace(s, TRACE_INFO, "ORCPT left out for %s: not ASCII, "
		    "or too long as xtext", s->rcpts[i]);
	return smtp_cmd(s, NULL, "RCPT TO:<%s>%s", s->rcpts[i], p);
}

/*
 * MAIL and RCPT, then DATA (or BDAT in st_body). With PIPELINING they
 * form one group (a pending RSET and the lazy AUTH in front); with
 * CHUNKING and one recipient BDAT LAST joins it too.
 */
enum state
st_envelope(struct smtp *s)
{
	char	params[96 + 3 * ENVID_XTEXTMAX];
	size_t	i;
	int	pipe = s->caps.flags & CAP_PIPELINING;
	int	bdat = s->caps.flags & CAP_CHUNKING;

	if (tx_mail_params(s, params, sizeof(params)) == -1)
		return S_FAIL;
	if (s->auth_pending) {
		if (auth_send_lazy(s) == -1)
			return S_FAIL;
		s->g.auth = 1;
	}
	if (s->need_rset) {
		if (smtp_cmd(s, NULL, "RSET") == -1)
			return S_FAIL;
		s->g.rset = 1;
		if (!pipe && tx_collect(s) == -1)
			return S_FAIL;
		s->need_rset = 0;
	}
	if (smtp_cmd(s, NULL, "MAIL FROM:<%s>%s", s->sender, params) == -1)
		return S_FAIL;
	s->g.mail = 1;
	if (!pipe && tx_collect(s) == -1)
		return S_FAIL;
	for (i = 0; i < s->nrcpts; i++) {
		if (tx_rcpt(s, i) == -1)
			return S_FAIL;
		if (!pipe) {
			s->g.rcpt0 = i;
			s->g.rcpt1 = i + 1;
			if (tx_collect(s) == -1)
				return S_FAIL;
		}
	}
	if (pipe) {
		s->g.rcpt0 = 0;
		s->g.rcpt1 = s->nrcpts;
	}
	/*
	 * Several recipients: their replies come before DATA or BDAT, so
	 * that one refused among accepted ones (all or nothing) ends the
	 * transaction before the server says 354 and is then hung up on,
	 * which servers log as an error. One recipient needs no wait: the
	 * server refuses DATA or BDAT itself when its RCPT failed.
	 */
	if (pipe && s->nrcpts > 1 && tx_collect(s) == -1)
		return S_FAIL;
	/* One recipient: BDAT LAST goes with the group. */
	if (bdat)
		return S_BODY;
	if (smtp_cmd(s, NULL, "DATA") == -1)
		return S_FAIL;
	s->g.data = 1;
	if (tx_collect(s) == -1)
		return S_FAIL;
	return S_BODY;
}

/*
 * Flush what is queued and read the group's replies in order, keeping
 * the first refusal as the outcome; a refusal later in the group is only
 * traced. Returns 0 when every reply was a success, else -1 (with the
 * whole group read unless the connection failed).
 */
int
tx_collect(struct smtp *s)
{
	struct group	*g = &s->g;
	struct group	 due = *g;
	const char	*lastcmd = "MAIL";

	memset(g, 0, sizeof(*g));
	if (smtp_flush(s, due.last ? PH_EOD : PH_MAIL,
	    due.last ? T_BLOCK : T_MAIL) == -1) {
		s->broken = 1;
		s->in_data = due.last;
		return -1;
	}
	if (due.auth) {
		if (smtp_reply(s, PH_AUTH, T_OTHER) == -1)
			goto lost;
		s->auth_pending = 0;
		lastcmd = "AUTH";
		if (s->r.code != 235)
			refusal(s, PH_AUTH, "AUTH");
		else if (auth_finish(s) == -1 && !s->failed) {
			s->failed = 1;
			s->broken = 1;
			s->first = *s->o;
		}
	}
	if (due.rset) {
		if (smtp_reply(s, PH_MAIL, T_OTHER) == -1 ||
		    in_step(s, PH_MAIL, "RSET", 2) == -1)
			goto lost;
		lastcmd = "RSET";
		if (s->r.code / 100 != 2)
			refusal(s, PH_MAIL, "RSET");
	}
	if (due.mail) {
		if (smtp_reply(s, PH_MAIL, T_MAIL) == -1 ||
		    in_step(s, PH_MAIL, "MAIL", 2) == -1)
			goto lost;
		lastcmd = "MAIL";
		if (s->r.code / 100 != 2)
			refusal(s, PH_MAIL, "MAIL");
	}
	if (rcpt_replies(s, due.rcpt0, due.rcpt1) == -1)
		goto lost;
	if (due.rcpt1 > due.rcpt0)
		lastcmd = "RCPT";
	if (due.data) {
		if (smtp_reply(s, PH_DATA, T_DATA) == -1 ||
		    in_step(s, PH_DATA, "DATA", 3) == -1) {
			s->quit_ok = 0;
			goto lost;
		}
		lastcmd = "DATA";
		if (s->r.code == 354)
			s->in_data = 1;
		else
			refusal(s, PH_DATA, "DATA");
	}
	if (due.last) {
		if (smtp_reply(s, PH_EOD, T_EOD) == -1 ||
		    in_step(s, PH_EOD, "end-of-data", 2) == -1)
			goto lost;
		return eod_reply(s);
	}
	if (s->failed) {
		*s->o = s->first;
		return -1;
	}
	/* Pipelined transactions: the next replies are later ones'. */
	return s->more_due ? 0 : smtp_no_extra(s, lastcmd);
lost:
	/* A refusal read before the connection failed is the real cause. */
	if (s->failed)
		*s->o = s->first;
	/*
	 * BDAT LAST went with MAIL and RCPT: the server had the whole
	 * message, and may have taken it before the connection failed.
	 */
	else if (due.last && s->o->kind == OUT_TEMP)
		s->o->kind = OUT_MAYBE_SENT;
	s->broken = 1;
	s->lost = 1;
	return -1;
}

/*
 * The replies to the RCPTs of recipients [from, to): a refusal fails the
 * message (all or nothing), the first one is the outcome. -1 when the
 * connection failed.
 */
static int
rcpt_replies(struct smtp *s, size_t from, size_t to)
{
	size_t	i;

	for (i = from; i < to; i++) {
		if (smtp_reply(s, PH_RCPT, T_RCPT) == -1 ||
		    in_step(s, PH_RCPT, "RCPT", 2) == -1) {
			s->quit_ok = 0;
			return -1;
		}
		if (s->r.code / 100 == 2) {
			s->accepted++;
			continue;
		}
		if (!s->failed) {
			refusal(s, PH_RCPT, "RCPT");
			/* Only shown, and at most ADDR_MAX octets: it fits. */
			(void)xstrlcpy(s->o->arg, s->rcpts_in[i],
			    sizeof(s->o->arg));
			/* "552 after some accepted" is a 75 (DESIGN.md). */
			s->o->accepted = s->accepted;
			s->first = *s->o;
		}
		smtp_trace(s, TRACE_INFO, "recipient %s refused",
		    s->rcpts_in[i]);
	}
	return 0;
}

/*
 * The reply to end-of-data (or BDAT LAST), read into s->r: the outcome,
 * 0 when the server took the message.
 */
static int
eod_reply(struct smtp *s)
{
	if (s->r.code / 100 != 2)
		refusal(s, PH_EOD, "end-of-data");
	else {
		/*
		 * Taken in spite of an earlier refusal in the group (a
		 * relay that needs no AUTH, after AUTH failed): the message
		 * is the server's now, which is what success means; the
		 * session ends all the same.
		 */
		if (s->failed) {
			smtp_trace(s, TRACE_INFO, "the server accepted the "
			    "message after refusing an earlier command "
			    "(%s %d)", s->first.why, s->first.code);
			s->failed = 0;
			s->broken = 1;
		}
		memset(s->o, 0, sizeof(*s->o));
		s->o->kind = OUT_OK;
		s->o->code = s->r.code;
		/* The same size as struct reply's: no truncation. */
		(void)xstrlcpy(s->o->enh, s->r.enh, sizeof(s->o->enh));
		/* Only shown: a cut reply is still the evidence. */
		(void)xstrlcpy(s->o->text, s->r.text, sizeof(s->o->text));
	}
	/* The message is taken; only the session cannot go on. */
	if (!s->more_due && io_pending(s->io) > 0) {
		s->broken = 1;
		smtp_trace(s, TRACE_INFO, "the server sent more than its "
		    "reply to end-of-data; ending the session");
	}
	return s->failed ? -1 : 0;
}

/*
 * The reply in s->r is one the command what can have: ok is the class of
 * its success (2, or 3 for DATA's 354), and 4yz and 5yz are refusals.
 * Anything else (a 354 to MAIL, a 250 to DATA) means the replies are out
 * of step with the commands, a server bug or an injection: nothing more
 * it says can be attributed, so the session ends. 0, or -1 with *o.
 */
static int
in_step(struct smtp *s, enum smtp_phase ph, const char *what, int ok)
{
	int	class = s->r.code / 100;

	if (class == ok || class == 4 || class == 5)
		return 0;
	s->broken = 1;
	s->quit_ok = 0;
	s->lost = 1;
	/* The reply, only shown: a cut text is still the evidence. */
	(void)xstrlcpy(s->o->text, s->r.text, sizeof(s->o->text));
	s->o->code = s->r.code;
	return outcome_set(s->o, OUT_PROTO, ph, "the server answered %s "
	    "with %d, which no %s is answered with: its replies are out of "
	    "step with the commands", what, s->r.code, what);
}

/* The server refused with s->r: the first refusal is the outcome. */
static void
refusal(struct smtp *s, enum smtp_phase ph, const char *what)
{
	if (s->failed) {
		*s->o = s->first;
		return;
	}
	s->failed = 1;
	smtp_refused(s, ph, OUT_REPLY, what);
	s->first = *s->o;
}

/*
 * DATA: the message dot-stuffed, then end-of-data. BDAT (RFC 3030): one
 * chunk of the exact size, "BDAT n LAST", the message as it is.
 */
enum state
st_body(struct smtp *s)
{
	unsigned long long	 total =
	    (unsigned long long)outmsg_wire_size(s->body);
	int			 bdat = !s->in_data;

	if (bdat) {
		if (smtp_cmd(s, NULL, "BDAT %llu LAST", total) == -1)
			return S_FAIL;
		s->in_data = 1;
	}
	if (write_body(s, !bdat) == -1)
		return S_FAIL;
	/* A signal before end-of-data: leave, the server drops it all. */
	if (bote_interrupted) {
		outcome_set(s->o, OUT_TEMP, PH_EOD, "interrupted by a signal "
		    "before end-of-data; the message was not sent");
		return S_FAIL;
	}
	if (!bdat && io_write(s->io, DOT_END, 3,
	    smtp_deadline(s, T_BLOCK)) == -1) {
		outcome_set(s->o, OUT_TEMP, PH_DATA, "sending the message "
		    "failed: %s", strerror(errno));
		return S_FAIL;
	}
	s->in_data = 0;
	s->g.last = 1;
	return S_EOD;
}

/* The message as it goes out (outmsg.h), dot-stuffed for DATA. */
static int
write_body(struct smtp *s, int stuff)
{
	const struct outmsg	*m = s->body;
	struct outmsg_reader	 r;
	struct dotstuff		 ds;
	const char		*p;
	size_t			 n;
	ssize_t			 got;
	off_t			 done = 0, total = outmsg_wire_size(m);
	int64_t			 last = now_ms();

	smtp_trace(s, TRACE_INFO, "sending the message (%lld octets)",
	    (long long)m->size + (long long)m->prefixlen);
	dot_init(&ds);
	outmsg_reader_init(&r, m);
	progress(s, 0, total, NULL);
	while ((got = outmsg_read(&r, s->in, sizeof(s->in))) != 0) {
		if (got == -1) {
			outcome_set(s->o, OUT_TEMPLOCAL, PH_DATA, "cannot "
			    "read the spooled message: %s", errno == ENODATA ?
			    "unexpected end of file" : strerror(errno));
			return -1;
		}
		p = s->in;
		n = (size_t)got;
		if (stuff) {
			n = dot_feed(&ds, s->in, n, s->out);
			p = s->out;
		}
		if (io_write(s->io, p, n, smtp_deadline(s, T_BLOCK)) == -1)
			goto werr;
		if (bote_interrupted)
			return 0;
		done += got;
		progress(s, done, total, &last);
	}
	progress(s, done, total, NULL);
	return 0;
werr:
	outcome_set(s->o, OUT_TEMP, PH_DATA, "sending the message failed: "
	    "%s", errno == ETIMEDOUT ? "timed out" : strerror(errno));
	return -1;
}

/*
 * Tell the caller how far the message is (smtp_opts.progress): always
 * when last is NULL (the first and the last call), else only when
 * SMTP_PROGRESS_MS have passed since *last, so a fast link does not
 * spend its time redrawing a terminal line.
 */
static void
progress(struct smtp *s, off_t done, off_t total, int64_t *last)
{
	int64_t	t;

	if (s->opts->progress == NULL)
		return;
	if (last != NULL) {
		t = now_ms();
		if (t - *last < SMTP_PROGRESS_MS)
			return;
		*last = t;
	}
	s->opts->progress(s->opts->progress_arg, done, total);
}

/* The replies still due: end-of-data's (and the group's with BDAT). */
enum state
st_eod(struct smtp *s)
{
	return tx_collect(s) == 0 ? S_READY : S_FAIL;
}

/*
 * -bv: MAIL, then RCPT for each recipient, each answer told to the
 * caller. With PIPELINING the RCPTs leave in one write (RFC 2920 3.1).
 * A 421 ends the session there: the server is closing.
 */
enum state
st_verify(struct smtp *s)
{
	struct outcome	 v;
	size_t		 i;
	int		 pipe = s->caps.flags & CAP_PIPELINING;
	int		 accepted = 0;

	if (smtp_cmd(s, NULL, "MAIL FROM:<%s>%s", s->sender,
	    s->utf8 ? " SMTPUTF8" : "") == -1 ||
	    smtp_flush(s, PH_MAIL, T_MAIL) == -1 ||
	    smtp_reply(s, PH_MAIL, T_MAIL) == -1)
		return S_FAIL;
	if (s->r.code / 100 != 2)
		return smtp_refused(s, PH_MAIL, OUT_REPLY, "MAIL");
	if (smtp_no_extra(s, "MAIL") == -1)
		return S_FAIL;
	if (pipe) {
		for (i = 0; i < s->nrcpts; i++)
			if (smtp_cmd(s, NULL, "RCPT TO:<%s>",
			    s->rcpts[i]) == -1)
				return S_FAIL;
		if (smtp_flush(s, PH_RCPT, T_RCPT) == -1)
			return S_FAIL;
	}
	for (i = 0; i < s->nrcpts; i++) {
		if (!pipe && (smtp_cmd(s, NULL, "RCPT TO:<%s>",
		    s->rcpts[i]) == -1 || smtp_flush(s, PH_RCPT, T_RCPT) == -1))
			return S_FAIL;
		if (smtp_reply(s, PH_RCPT, T_RCPT) == -1) {
			s->quit_ok = 0;
			return S_FAIL;
		}
		memset(&v, 0, sizeof(v));
		v.kind = s->r.code / 100 == 2 ? OUT_OK : OUT_REPLY;
		v.phase = PH_RCPT;
		v.code = s->r.code;
		v.accepted = accepted;
		/* The same size as struct reply's: no truncation. */
		(void)xstrlcpy(v.enh, s->r.enh, sizeof(v.enh));
		/* Only shown: a cut reply is still the evidence. */
		(void)xstrlcpy(v.text, s->r.text, sizeof(v.text));
		/* Only shown, and at most ADDR_MAX octets: it fits. */
		(void)xstrlcpy(v.arg, s->rcpts_in[i], sizeof(v.arg));
		if (v.kind == OUT_OK)
			accepted++;
		else
			whyf(v.why, sizeof(v.why), "the server "
			    "answered RCPT with");
		s->verdict(s->verdict_arg, i, &v);
		if (s->r.code == 421) {
			s->quit_ok = 0;
			return smtp_refused(s, PH_RCPT, OUT_REPLY, "RCPT");
		}
	}
	if (smtp_no_extra(s, "RCPT") == -1)
		return S_FAIL;
	return S_RSET;
}

/* End -bv's transaction; a refused RSET changes nothing that was learnt. */
enum state
st_rset(struct smtp *s)
{
	if (smtp_cmd(s, NULL, "RSET") == -1 ||
	    smtp_flush(s, PH_QUIT, T_OTHER) == -1 ||
	    smtp_reply(s, PH_QUIT, T_OTHER) == -1)
		return S_FAIL;
	if (s->r.code / 100 != 2)
		smtp_trace(s, TRACE_INFO, "the server answered RSET with %d",
		    s->r.code);
	if (smtp_no_extra(s, "RSET") == -1)
		return S_FAIL;
	s->o->kind = OUT_OK;
	return S_READY;
}
