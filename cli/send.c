/*
 * Sending one message (bote.1, DESCRIPTION): standard input spooled, the
 * submission pipeline (src/submit/) run over it, then --pretend, the
 * queue (-odq, -odb) or a session to the account's server; a temporary
 * failure is queued when the queue is on. -bv shares the envelope.
 * This file words what happens and chooses the exit status.
 */
#include <sys/types.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include "base/util.h"
#include "conf/relays.h"
#include "conf/secret.h"
#include "msg/msg.h"
#include "queue/pace.h"
#include "queue/queue.h"
#include "queue/runner.h"
#include "smtp/failover.h"
#include "smtp/smtp.h"
#include "submit/submit.h"

#include "exitmap.h"
#include "log.h"
#include "modes.h"
#include "oauthcli.h"
#include "pretend.h"
#include "progress.h"
#include "queuecli.h"
#include "report.h"
#include "send.h"
#include "session.h"

/* One send: what main's cleanup path needs. */
struct send {
	const struct args	*args;
	struct conf		*conf;
	struct account		*acct;
	struct submission	*sub;
	struct smtp_opts	 op;
	struct smtp		*sess;
	char			*pass;
	/* Relay failover: the fallback accounts' options, as they come. */
	struct relays		 rl;
	size_t			 used;		/* the relay of o */
	struct smtp_opts	*sop;		/* the session's options */
	struct {
		const struct account	*acct;
		struct smtp_opts	 op;
		char			*pass;
	}			 fb[RELAY_MAX];
	size_t			 nfb;
	struct outcome		 o;
	struct progress		 prog;		/* the line on a terminal */
	long long		 uid;		/* who submits it */
	char			 qid[QUEUE_IDLEN + 1];	/* when queued */
	int			 st;		/* -1: exit_status(&o) */
	int			 logit;		/* an attempt to log */
};

static int	request(const struct args *, const struct account *,
		    long long, struct submit_req *, struct aliases **,
		    struct outcome *);
static void	deliver(struct send *);
static void	from_warning(const struct account *, const struct msg *);
static int	open_session(struct send *);
static void	accepted(struct send *);
static int	open_relays(struct send *);
static void	attempt(struct send *);
static int	relay_opts(void *, const struct account *, struct smtp_opts **,
		    struct outcome *);
static void	relay_passed(void *, const struct relay *,
		    const struct relay *, const struct outcome *);

/*
 * The caller's request in the pipeline's terms, for the user with that
 * uid (another user's message gets a Received field naming them), with
 * the account's aliases file read (*al, NULL when it has none). -1 after
 * saying why, with o->kind set.
 */
static int
request(const struct args *a, const struct account *acct, long long uid,
    struct submit_req *req, struct aliases **al, struct outcome *o)
{
	int	st;

	memset(req, 0, sizeof(*req));
	req->trace = uid != (long long)getuid();
	req->trace_uid = uid;
	req->sender = a->sender;
	req->rcpts = a->rcpts;
	req->nrcpts = a->nrcpts;
	req->read_rcpts = a->read_rcpts;
	req->fullname = a->fullname;
	*al = NULL;
	if (acct->aliases == NULL)
		return 0;
	if ((*al = load_aliases(acct, &st)) == NULL) {
		o->kind = st == EX_OSERR ? OUT_OSERR : OUT_CONFIG;
		say("account %s: the aliases file cannot be used; nothing "
		    "was sent", acct->name);
		return -1;
	}
	req->aliases = *al;
	return 0;
}

int
mode_send(const struct args *a, struct conf *conf,
    struct account *acct)
{
	return send_from(a, conf, acct, STDIN_FILENO, (long long)getuid());
}

int
send_from(const struct args *a, struct conf *conf,
    struct account *acct, int infd, long long uid)
{
	struct send	 s;
	struct submit_req req;
	struct aliases	*al = NULL;
	struct msg	*msg = NULL;

	memset(&s, 0, sizeof(s));
	s.args = a;
	s.conf = conf;
	s.acct = acct;
	s.st = -1;
	s.uid = uid;
	/* The whole message is on disk before any connection is made. */
	msg = msg_spool(infd, queue_spool_dir(acct, a),
	    a->ignore_dots ? 0 : NORM_DOTEND, &s.o);
	if (msg == NULL && bote_interrupted == SIGINT) {
		/* Ctrl-C while the message was being typed or read. */
		say("interrupted: nothing was sent");
		s.st = SEND_CANCELLED;
		goto done;
	}
	if (msg == NULL) {
		report_outcome(&s.o);
		goto done;
	}
	report_broken(msg_broken(msg));
	if ((s.sub = submission_new()) == NULL) {
		s.o.kind = OUT_OSERR;
		say("out of memory");
		goto done;
	}
	if (request(a, acct, uid, &req, &al, &s.o) == -1)
		goto done;
	if (submit_prepare(&req, acct, msg, s.sub, &s.o) == -1) {
		say("%s", s.o.why);
		goto done;
	}
	if (queue_loud(a))
		from_warning(acct, msg);
	if (a->pretend) {
		/* Everything but the session: nothing is sent, no secret. */
		if (pretend_files(stdout, conf) == -1 ||
		    pretend_account(stdout, acct) == -1 ||
		    pretend_relays(stdout, conf, acct) == -1 ||
		    pretend_message(stdout, s.sub->sender, s.sub->rcpts.v,
		    s.sub->rcpts.n, &s.sub->out) == -1 || fflush(stdout) != 0) {
			s.o.kind = OUT_IOERR;
			say("cannot write the message to standard output");
		}
		goto done;
	}
	deliver(&s);
done:
	/* msmtp's logfile and syslog: one line per attempt. */
	if (s.logit)
		log_attempt(acct, s.sub->sender, s.sub->rcpts.v,
		    s.sub->rcpts.n, s.sub->out.size, &s.o, s.qid[0] != '\0' ?
		    s.qid : NULL, s.st != -1 ? s.st : exit_status(&s.o),
		    s.uid);
	smtp_close(s.sess);
	secret_free(s.pass);
	while (s.nfb > 0)
		secret_free(s.fb[--s.nfb].pass);
	submission_free(s.sub);
	aliases_free(al);
	msg_free(msg);
	return s.st != -1 ? s.st : exit_status(&s.o);
}

/*
 * For a person (a terminal, -v): a From field of another domain than
 * the account's from, before connecting. Microsoft 365 refuses it (Send
 * As), and a receiver's DMARC check fails it when nothing signs for that
 * domain (bote.1, DIAGNOSIS). Cron's mail hears nothing of it: a relay
 * that may send for many domains is a setup, not a mistake.
 */
static void
from_warning(const struct account *acct, const struct msg *msg)
{
	struct outcome	 o;
	const char	*mine, *theirs;
	char		 from[ADDR_MAX + 1], shown[2 * ADDR_MAX];

	if (acct->from == NULL || (mine = strrchr(acct->from, '@')) == NULL ||
	    submit_header_sender(msg_fd(msg), from, sizeof(from), &o) == -1 ||
	    (theirs = strrchr(from, '@')) == NULL ||
	    strcasecmp(mine, theirs) == 0)
		return;
	(void)sanitize(shown, sizeof(shown), from, strlen(from), 1);
	say("warning: the From field's address %s is not of the account's "
	    "domain (from %s): servers that check (Microsoft 365's Send As, "
	    "the receiver's DMARC) may refuse it; write From with the "
	    "account's address, or use an account for that domain", shown,
	    acct->from);
}

/* The queue first (-odq, -odb), else a session, else the queue. */
static void
deliver(struct send *s)
{
	const struct args	*a = s->args;
	struct submission	*sub = s->sub;
	const struct account	*ra = s->acct;
	const char		*rh = s->acct->host;
	enum qverdict		 v;

	/* -odq, -odb: queued first, so no password is needed yet. */
	if ((a->deliver == 'q' || a->deliver == 'b') &&
	    queue_enabled(s->acct, a)) {
		session_opts(&s->op, s->acct, NULL, a);
		s->logit = 1;
		s->st = queue_message(s->conf, s->acct, a, &s->op, &sub->out,
		    sub->sender, &sub->rcpts, NULL, s->uid, s->qid,
		    sizeof(s->qid));
		return;
	}
	if (open_session(s) == -1)
		return;
	/* The queued messages that may follow draw no line of their own. */
	s->op.progress = NULL;
	if (s->sop != NULL)
		s->sop->progress = NULL;
	if (s->o.kind != OUT_OK) {
		smtp_close(s->sess);
		s->sess = NULL;
	}
	/*
	 * Ctrl-C is a person cancelling: nothing is queued, nothing goes
	 * later (SIGTERM and SIGHUP, a shutdown or a closed session, are
	 * not: those messages are queued below).
	 */
	if (s->o.kind != OUT_OK && bote_interrupted == SIGINT) {
		say("interrupted: the message was not sent, and it is not "
		    "queued");
		s->st = SEND_CANCELLED;
		return;
	}
	/*
	 * Every temporary failure is queued, and bote exits 0: it owns the
	 * message now (bote.1, QUEUE). Permanent failures are not, nor is
	 * what only a configuration change can fix while this account has
	 * never delivered through the server: a person is setting up.
	 */
	/* The relay that failed last, or the account when none was tried. */
	if (s->used < s->rl.n) {
		ra = s->rl.r[s->used].acct;
		rh = s->rl.r[s->used].host;
	}
	v = queue_verdict(ra, &s->o);
	if (v == QV_SETUP) {
		report_outcome(&s->o);
		if (queue_enabled(s->acct, a))
			say("not queued: account %s has never delivered "
			    "through %s port %d, so this needs a change of "
			    "configuration, not a retry (bote.1, EXIT STATUS)",
			    ra->name, rh, account_port(ra));
		s->st = exit_setup(&s->o);
		return;
	}
	if (v == QV_QUEUE && queue_enabled(s->acct, a)) {
		if ((s->st = queue_message(s->conf, s->acct, a, &s->op,
		    &sub->out, sub->sender, &sub->rcpts, &s->o, s->uid,
		    s->qid, sizeof(s->qid))) != EX_OK)
			report_outcome(&s->o);
		return;
	}
	if (s->o.kind == OUT_OK)
		accepted(s);
	else
		report_outcome(&s->o);
}

/*
 * The session for the message, and its transaction. -1: nothing to
 * authenticate with (a configuration error, said). No OAuth2 token now
 * (SESSION_LATER) is a temporary failure: the message is queued.
 */
static int
open_session(struct send *s)
{
	int	rc;

	if ((rc = session_password(s->acct, &s->pass, s->o.why,
	    sizeof(s->o.why))) == -1) {
		s->o.kind = OUT_CONFIG;
		say("%s", s->o.why);
		return -1;
	}
	session_opts(&s->op, s->acct, s->pass, s->args);
	s->logit = 1;
	/* Queued with why, or told by report_outcome(). */
	if (rc == SESSION_LATER) {
		s->o.kind = OUT_TEMP;
		s->o.phase = PH_AUTH;
		return 0;
	}
	progress_init(&s->prog);
	s->op.progress = progress_show;
	s->op.progress_arg = &s->prog;
	/* One session: the queue may use it after this message. */
	attempt(s);
	progress_end(&s->prog);
	report_notes(&s->o);
	return 0;
}

/* The server took it: say so under -v, log, then drain the queue. */
static void
accepted(struct send *s)
{
	struct submission	*sub = s->sub;
	char			 text[OUTCOME_TEXTMAX];

	if (s->args->verbose) {
		(void)sanitize_line(text, sizeof(text), s->o.text,
		    strlen(s->o.text));
		say("message accepted for %zu recipient%s: %d %s",
		    sub->rcpts.n, sub->rcpts.n == 1 ? "" : "s", s->o.code,
		    text);
		if (s->rl.n > 1 && s->used < s->rl.n)
			say("delivered through relay %s (account %s)",
			    s->o.relay, s->rl.r[s->used].acct->name);
	}
	/* Setup failures there from now on mean the server changed. */
	if (queue_enabled(s->acct, s->args))
		queue_mark_known(s->used < s->rl.n ?
		    s->rl.r[s->used].acct : s->acct);
	/* Logged before the queued messages that follow it. */
	log_attempt(s->acct, sub->sender, sub->rcpts.v, sub->rcpts.n,
	    s->sub->out.size, &s->o, NULL, EX_OK, s->uid);
	s->logit = 0;
	/* The server is back: what waits for it goes too. */
	queue_after_send(s->conf, s->acct, s->args, s->sess, s->sop);
}

/*
 * The account's sending pace first (pace.h): a near slot is waited for;
 * a far one leaves the message to the queue, as a temporary failure
 * would. Then the session and the transaction; a rate-limit refusal
 * slows every later sender of the account down.
 */
static void
attempt(struct send *s)
{
	struct submission	*sub = s->sub;
	int64_t			 wait;

	if (pace_take(s->acct, &wait) == PACE_LATER) {
		outcome_set(&s->o, OUT_TEMP, PH_NONE, "held back by the "
		    "sending pace of account %s (rate %s, or the server's "
		    "rate limit): its next slot is in %lld s", s->acct->name,
		    s->acct->rate != NULL ? s->acct->rate : "not set",
		    (long long)(wait + 999) / 1000);
		return;
	}
	if (wait > 0 && s->args->verbose)
		say("waiting %lld ms for the next sending slot of account %s",
		    (long long)wait, s->acct->name);
	pace_sleep(wait);
	if (open_relays(s) == 0 && smtp_tx(s->sess, sub->sender,
	    sub->rcpts.v, sub->rcpts.n, &s->sub->out, &s->o) == 0)
		pace_accepted(s->acct);
	else if (pace_refusal(&s->o))
		pace_refused(s->acct);
}

/*
 * The session, through the first of the account's relays that takes
 * mail (relays.h; one relay when no failover is configured). 0, or -1
 * with s->o.
 */
static int
open_relays(struct send *s)
{
	struct failover_hooks	 h = { .arg = s, .opts = relay_opts,
	    .passed = relay_passed };

	if (relay_list(s->conf, s->acct, &s->rl, s->o.why,
	    sizeof(s->o.why)) == -1) {
		/* conf_check() ran: only a list it let through gets here. */
		s->o.kind = OUT_CONFIG;
		return -1;
	}
	s->sess = smtp_open_failover(&s->rl, &h, &s->sub->out, &s->used,
	    &s->o);
	return s->sess != NULL ? 0 : -1;
}

/* The options of a relay's account: the main one's, or a fallback's. */
static int
relay_opts(void *arg, const struct account *acct, struct smtp_opts **op,
    struct outcome *o)
{
	struct send	*s = arg;
	size_t		 i;

	if (acct == s->acct) {
		*op = s->sop = &s->op;
		return 0;
	}
	for (i = 0; i < s->nfb && s->fb[i].acct != acct; i++)
		;
	if (i == s->nfb) {
		/* Asked for only now: its password may be a prompt. */
		if (i == RELAY_MAX || session_password(acct, &s->fb[i].pass,
		    o->why, sizeof(o->why)) == -1) {
			o->kind = OUT_CONFIG;
			return -1;
		}
		s->fb[i].acct = acct;
		session_opts(&s->fb[i].op, acct, s->fb[i].pass, s->args);
		s->fb[i].op.progress = s->op.progress;
		s->fb[i].op.progress_arg = s->op.progress_arg;
		s->nfb++;
	}
	*op = s->sop = &s->fb[i].op;
	return 0;
}

/* A relay failed and the next is tried. */
static void
relay_passed(void *arg, const struct relay *r, const struct relay *next,
    const struct outcome *o)
{
	struct send	*s = arg;

	report_relay_passed(r, next, o, s->args->verbose);
}

/*
 * -bv: the envelope as for sending but without a message (standard
 * input is not read), then mode_verify asks the server.
 */
int
mode_verify_envelope(const struct args *a, struct conf *conf,
    struct account *acct)
{
	struct mode_ctx		 m = { .args = a, .conf = conf, .acct = acct };
	struct submit_req	 req;
	struct submission	*sub = NULL;
	struct aliases		*al = NULL;
	struct smtp_opts	 op;
	struct outcome		 o;
	char			*pass = NULL;
	int			 st;

	memset(&o, 0, sizeof(o));
	if ((sub = submission_new()) == NULL) {
		say("out of memory");
		return EX_OSERR;
	}
	if (request(a, acct, (long long)getuid(), &req, &al, &o) == -1)
		st = exit_status(&o);
	else if (submit_envelope(&req, acct, sub, &o) == -1) {
		say("%s", o.why);
		st = exit_status(&o);
	} else if (session_password(acct, &pass, o.why,
	    sizeof(o.why)) != 0) {
		o.kind = OUT_CONFIG;
		say("%s", o.why);
		st = exit_status(&o);
	} else {
		session_opts(&op, acct, pass, a);
		m.op = &op;
		m.sender = sub->sender;
		m.rcpts = &sub->rcpts;
		st = mode_verify(&m);
	}
	secret_free(pass);
	aliases_free(al);
	submission_free(sub);
	return st;
}
