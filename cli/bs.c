/*
 * -bs: speak SMTP with the caller on standard input and output
 * (src/smtp/smtpd.c) and relay each message it completes through the account
 * (src/smtp/smtp.c), as Alpine's "sendmail -bs -odb -oem" expects. Standard
 * output is the SMTP channel: nothing else is ever written there, and
 * -v traces go to standard error.
 *
 * The reply to end-of-data is 250 only when the account's server said
 * 2yz to end-of-data; a failure the send path would exit 75 for (and a
 * local one: configuration, memory) is a 4yz, so the caller keeps the
 * message; any other is a 5yz, with the server's code when it is a 55z.
 *
 * Exit status (bote.1, MODES): 75 when a relay failed temporarily or the
 * session ended inside a transaction without QUIT (EOF, idle timeout,
 * signal, read or write error) or after too many errors; else the status
 * of the first permanent relay failure; else 0.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "msg/addr.h"
#include "submit/aliases.h"
#include "exitmap.h"
#include "modes.h"
#include "msg/msg.h"
#include "report.h"
#include "conf/secret.h"
#include "session.h"
#include "smtp/smtp.h"
#include "smtp/smtpd.h"
#include "submit/submit.h"
#include "base/util.h"

struct bs {
	const struct account	*acct;
	struct aliases		*al;		/* the account's, or NULL */
	struct smtp_opts	 op;
	int			 verbose;
	int			 temp;		/* a relay failed temporarily */
	int			 perm;		/* exit status of the first
						   permanent failure, or 0 */
};

static void	relay(void *, const char *, char *const *, size_t,
		    struct msg *, struct smtpd_reply *);
static void	to_reply(struct bs *, const struct outcome *, size_t,
		    struct smtpd_reply *);
static void	bs_trace(void *, int, const char *, size_t);

int
mode_smtp(struct mode_ctx *m)
{
	struct smtpd_opts	 so;
	struct smtpd_result	 res;
	struct bs		 b;
	char			*pass = NULL, why[OUTCOME_WHYMAX];
	int			 st;

	memset(&b, 0, sizeof(b));
	b.acct = m->acct;
	b.verbose = m->args->verbose;
	if (session_password(m->acct, &pass, why, sizeof(why)) != 0) {
		say("%s", why);
		return EX_CONFIG;
	}
	session_opts(&b.op, m->acct, pass, m->args);
	/* Read before the greeting: a broken file ends -bs at once. */
	if (m->acct->aliases != NULL &&
	    (b.al = load_aliases(m->acct, &st)) == NULL) {
		secret_free(pass);
		return st;
	}

	memset(&so, 0, sizeof(so));
	so.infd = STDIN_FILENO;
	so.outfd = STDOUT_FILENO;
	so.hostname = m->acct->domain != NULL ? m->acct->domain : "localhost";
	so.spool_dir = spool_dir();
	so.relay = relay;
	so.relay_arg = &b;
	if (b.verbose)
		so.trace = bs_trace;

	(void)smtpd_run(&so, &res);
	secret_free(pass);
	aliases_free(b.al);

	if (res.end == SMTPD_NOMEM) {
		say("%s", res.why);
		return EX_OSERR;
	}
	if (b.verbose) {
		if (res.end == SMTPD_IOERR)
			say("%s", res.why);
		say("session ended (%s): %lu message%s relayed, %lu refused",
		    res.end == SMTPD_QUIT ? "QUIT" : res.end == SMTPD_EOF ?
		    "end of input" : res.end == SMTPD_TIMEOUT ? "timeout" :
		    res.end == SMTPD_ERRORS ? "too many errors" :
		    res.end == SMTPD_SIGNAL ? "signal" : "I/O error",
		    res.relayed, res.relayed == 1 ? "" : "s", res.refused);
	}
	if (b.temp || res.end == SMTPD_ERRORS ||
	    (res.end != SMTPD_QUIT && res.in_txn))
		st = EX_TEMPFAIL;
	else
		st = b.perm;
	return st;
}

/*
 * The smtpd relay callback: one message through the account, after the
 * same pipeline as any other (the account's sender policy, aliases,
 * qualification, the header rules: Date, Message-ID and From added,
 * Bcc left out).
 */
static void
relay(void *arg, const char *from, char *const *rcpts, size_t nrcpts,
    struct msg *m, struct smtpd_reply *r)
{
	struct bs		*b = arg;
	struct submit_req	 req;
	struct submission	*sub;
	struct outcome		 o;
	size_t			 n = 0;

	memset(&o, 0, sizeof(o));
	memset(&req, 0, sizeof(req));
	req.sender = from;
	req.rcpts = rcpts;
	req.nrcpts = nrcpts;
	req.aliases = b->al;
	if ((sub = submission_new()) == NULL)
		outcome_set(&o, OUT_OSERR, PH_MAIL, "out of memory");
	else if (submit_prepare(&req, b->acct, m, sub, &o) == 0) {
		n = sub->rcpts.n;
		(void)smtp_send(&b->op, sub->sender, sub->rcpts.v,
		    sub->rcpts.n, &sub->out, &o);
	}
	to_reply(b, &o, n, r);
	submission_free(sub);
}

/*
 * The outcome of a relay as the reply to the caller's end-of-data. The
 * upstream text is cut at its first line; smtpd sanitises what it sends.
 */
static void
to_reply(struct bs *b, const struct outcome *o, size_t n,
    struct smtpd_reply *r)
{
	char		 text[200], up[300] = "";
	int		 st, temp;

	/* Only shown, and only its first line: a cut text still says why. */
	(void)xsnprintf(text, sizeof(text), "%s", o->text);
	text[strcspn(text, "\n")] = '\0';
	if (o->kind == OUT_OK) {
		r->code = 250;
		/* A 5-octet code in 16: no truncation. */
		(void)xstrlcpy(r->enh, "2.0.0", sizeof(r->enh));
		whyf(r->text, sizeof(r->text), "Ok: relayed to %zu "
		    "recipient%s via %s: %d %s", n, n == 1 ? "" : "s",
		    b->acct->host, o->code, text);
		if (b->verbose)
			say("relayed for %zu recipient%s: %d %s", n,
			    n == 1 ? "" : "s", o->code, text);
		return;
	}
	st = exit_status(o);
	/* Failures on this side can be fixed here: the caller retries. */
	temp = outcome_temporary(o) || o->kind == OUT_CONFIG ||
	    o->kind == OUT_OSERR || o->kind == OUT_SOFTWARE ||
	    o->kind == OUT_IOERR || o->kind == OUT_TEMPLOCAL;
	if (o->arg[0] != '\0')
		/* A recipient is at most ADDR_MAX (256) octets: it fits. */
		(void)xsnprintf(up, sizeof(up), " <%s>", o->arg);
	if (temp) {
		b->temp = 1;
		r->code = o->kind == OUT_REPLY && o->code >= 450 &&
		    o->code <= 459 ? o->code : 451;
		/* Same size as struct outcome's enh: no truncation. */
		(void)xstrlcpy(r->enh, o->enh[0] == '4' ? o->enh :
		    o->kind == OUT_TEMP ? "4.4.1" : "4.3.0", sizeof(r->enh));
	} else if (o->kind == OUT_TOOBIG) {
		if (b->perm == 0)
			b->perm = st;
		r->code = 552;
		/* A 5-octet code in 16: no truncation. */
		(void)xstrlcpy(r->enh, "5.3.4", sizeof(r->enh));
	} else {
		if (b->perm == 0)
			b->perm = st;
		r->code = o->kind == OUT_REPLY && o->code >= 550 &&
		    o->code <= 559 ? o->code : 554;
		/* Same size as struct outcome's enh: no truncation. */
		(void)xstrlcpy(r->enh, o->enh[0] == '5' ? o->enh : "5.0.0",
		    sizeof(r->enh));
	}
	/* The server's own words when it answered, else what bote saw. */
	if (o->code != 0)
		whyf(r->text, sizeof(r->text), "Error: relay via "
		    "%s refused%s: %d %s", b->acct->host, up, o->code, text);
	else
		whyf(r->text, sizeof(r->text), "Error: relay via "
		    "%s failed: %s", b->acct->host, o->why);
	if (b->verbose)
		report_outcome(o);
}

/* -v: the caller's side of the dialogue, on standard error. */
static void
bs_trace(void *arg, int dir, const char *line, size_t len)
{
	char	buf[1024];

	(void)arg;
	(void)sanitize(buf, sizeof(buf), line, len, 1);
	say("%s %s", dir == TRACE_RECV ? "caller -->" : dir == TRACE_SENT ?
	    "caller <--" : "caller:", buf);
}
