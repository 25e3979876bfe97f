/*
 * The queue runner (runner.h): a message bote could not send now waits
 * in the queue with a backoff per message; a run delivers what is due,
 * one session per account; after queue_max_age, or refused for good, the
 * message moves to failed/ and its sender gets a bounce (bounce.c).
 * src/queue/queue.c does the disk work; this file decides.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "conf/conf.h"
#include "conf/policy.h"
#include "queue/pace.h"
#include "conf/oauth.h"
#include "queue/runner.h"
#include "smtp/failover.h"
#include "queue/runner_int.h"


static long long max_age(const struct account *);
static int	 keep(const struct outcome *);
static int	 selected(const struct qrun *, const struct qent *);
static void	 local_error(struct qrun *, const char *, const char *);
static int	 check_account(struct conf *, struct account *,
		    struct outcome *);
static int	 mark_sending(struct qrun *, struct qent *, struct outcome *);
static void	 delivered(struct qrun *, const struct account *,
		    const struct qent *, const struct outcome *);
static void	 failed(struct qrun *, const struct account *, struct qent *,
		    struct outcome *);
static int	 session(struct qrun *, struct conf *, const struct account *,
		    const struct qent *, struct outcome *);
static void	 relay_passed(void *, const struct relay *,
		    const struct relay *, const struct outcome *);
static void	 finish(struct qrun *);
static void	 drain(struct qrun *);
static void	 resend(struct qrun *);
static int	 deliver(struct qrun *, struct conf *, const struct account *,
		    struct qent *, struct qlock *, struct outcome *);
static void	 drop_session(struct qrun *);
static int	 paced(struct qrun *, const struct account *, struct qent *);
static void	 trace_info(struct qrun *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 give_up(struct qrun *, const struct account *,
		    struct qent *, const struct outcome *);

/* An entry whose account is gone keeps the default. */
static long long
max_age(const struct account *a)
{
	return a != NULL ? a->queue_max_age : QUEUE_MAX_AGE_DEFAULT;
}

/*
 * Whether a failed attempt keeps the message queued: a temporary
 * failure (the one rule, outcome_temporary()), or one on this side that
 * a fixed configuration or more resources will cure, or one only a
 * configuration change can fix (a certificate, AUTH refused: Postfix's
 * soft bounce; a person hears of it on every run), or a server's rate
 * limit even when it comes as a 5yz (a daily quota: it resets); the
 * sender hears of nothing else than a refusal for good.
 */
static int
keep(const struct outcome *o)
{
	return outcome_temporary(o) || o->kind == OUT_CONFIG ||
	    o->kind == OUT_OSERR || outcome_setup_class(o) != SETUP_NONE ||
	    pace_refusal(o);
}

void
qrun_smtp_opts(struct smtp_opts *op, const struct account *acct,
    const char *pass, const char *cache_dir)
{
	size_t	len;

	memset(op, 0, sizeof(*op));
	op->host = acct->host;
	/* A host list: its first host unless failover chooses (failover.h). */
	if (acct->host != NULL && (len = strcspn(acct->host, ",")) <
	    strlen(acct->host) && len < sizeof(op->first_host)) {
		memcpy(op->first_host, acct->host, len);
		op->first_host[len] = '\0';
		op->host = op->first_host;
	}
	op->port = account_port(acct);
	op->tls = acct->tls;
	op->starttls = acct->starttls;
	op->tlso.trust_file = acct->trust_file;
	op->tlso.host_override = acct->tls_host_override;
	op->tlso.fingerprint = acct->tls_fingerprint;
	op->tlso.cert_file = acct->tls_cert_file;
	op->tlso.key_file = acct->tls_key_file;
	op->tlso.crl_file = acct->tls_crl_file;
	op->tlso.priorities = acct->tls_priorities;
	op->tlso.nocertcheck = !acct->tls_certcheck;
	op->tlso.cache_dir = cache_dir;
	op->tlso.cache_account = acct->name ? acct->name : "";
	op->tlso.port = op->port;
	op->helo = acct->domain;
	op->auth = acct->auth;
	op->user = acct->user;
	op->password = pass ? pass : acct->password;
	op->timeout_s = acct->timeout;
	op->dsn_notify = acct->dsn_notify;
	op->dsn_return = acct->dsn_return;
	op->source_ip = acct->source_ip;
	op->ip_version = acct->ip_version;
	op->proxy_host = acct->proxy_host;
	op->proxy_port = acct->proxy_port;
	op->socket = acct->socket;
	dkim_opts_account(&op->dkim, acct);
	/* A refused token gets one refresh and one retry, in every mode. */
	op->oauth2 = oauth_enabled(acct);
	op->reauth = op->oauth2 ? oauth_reauth : NULL;
	op->reauth_arg = acct;
}

struct qrun *
qrun_new(struct queue *q, const struct qrun_opts *ro)
{
	struct qrun	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->q = q;
	r->ro = *ro;
	return r;
}

void
qrun_lend(struct qrun *r, const struct account *a, struct smtp *sess,
    struct smtp_opts *op)
{
	runner_session_end(r);
	r->sess = sess;
	r->sess_acct = a;
	r->op = op;
	r->sess_n = 1;		/* the caller's message went over it */
}

const struct qrun_stats *
qrun_stats(const struct qrun *r)
{
	return &r->st;
}

void
qrun_free(struct qrun *r)
{
	if (r == NULL)
		return;
	runner_session_end(r);
	free(r);
}

static void
local_error(struct qrun *r, const char *id, const char *why)
{
	r->st.local_err = 1;
	if (r->ro.hooks.local_error != NULL)
		r->ro.hooks.local_error(r->ro.hooks.arg, id, why);
}

static int
selected(const struct qrun *r, const struct qent *e)
{
	size_t	i;

	if (r->ro.sel_id != NULL && strstr(e->id, r->ro.sel_id) == NULL)
		return 0;
	if (r->ro.sel_sender != NULL && strcasestr(e->sender,
	    r->ro.sel_sender) == NULL)
		return 0;
	if (r->ro.sel_rcpt != NULL) {
		for (i = 0; i < e->nrcpts; i++)
			if (strcasestr(e->rcpts[i], r->ro.sel_rcpt) != NULL)
				break;
		if (i == e->nrcpts)
			return 0;
	}
	if (r->ro.only_account != NULL && (strcmp(e->account,
	    r->ro.only_account) != 0 || r->ro.only_conf == NULL ||
	    !qconf_same(&e->conf, r->ro.only_conf)))
		return 0;
	return 1;
}

/* What groups entries into one session: the account and its files. */
struct group {
	char		*account;	/* NULL: not selected, or done */
	struct qconf	 conf;
};

static int
same_group(const struct group *a, const struct group *b)
{
	return b->account != NULL && strcmp(a->account, b->account) == 0 &&
	    qconf_same(&a->conf, &b->conf);
}

static void
group_free(struct group *g)
{
	free(g->account);
	g->account = NULL;
	qconf_free(&g->conf);
}

/* Every entry of the queue (qrun_ids), debris swept first. */
void
qrun_flush(struct qrun *r)
{
	struct outcome	  o;
	char		**ids = NULL;
	size_t		  n = 0;

	/* Debris is judged by file times, which the kernel's clock sets. */
	queue_sweep(r->q, time(NULL));
	if (queue_ids(r->q, 0, &ids, &n, &o) == -1) {
		local_error(r, NULL, o.why);
		return;
	}
	qrun_ids(r, ids, n);
	queue_ids_free(ids, n);
}

/*
 * Account by account (one password look-up each), where an account is a
 * name in the files its entries were queued under. The entries are read
 * unlocked first only to group them; runner_flush_one() reads each again under
 * its lock.
 */
void
qrun_ids(struct qrun *r, char *const *ids, size_t n)
{
	struct qent	  e;
	struct group	 *g = NULL;
	char		**gids = NULL, why[256];
	size_t		  i, j;

	if ((g = calloc(n + 1, sizeof(*g))) == NULL ||
	    (gids = calloc(n + 1, sizeof(*gids))) == NULL) {
		local_error(r, NULL, "out of memory");
		goto out;
	}
	qent_init(&e);
	for (i = 0; i < n; i++) {
		if (queue_read(r->q, 0, ids[i], &e, why, sizeof(why)) == -1)
			continue;
		r->st.queued++;
		if (selected(r, &e)) {
			g[i].account = e.account;
			g[i].conf = e.conf;
			e.account = NULL;
			memset(&e.conf, 0, sizeof(e.conf));
		}
		qent_free(&e);
	}
	/* Account by account, each in queue order. */
	for (i = 0; i < n && !bote_interrupted; i++) {
		if (g[i].account == NULL)
			continue;
		gids[0] = ids[i];
		r->group_n = 1;
		for (j = i + 1; j < n; j++)
			if (same_group(&g[i], &g[j])) {
				gids[r->group_n++] = ids[j];
				group_free(&g[j]);
			}
		runner_group(r, gids, r->group_n);
	}
out:
	runner_session_end(r);
	if (g != NULL)
		for (i = 0; i < n; i++)
			group_free(&g[i]);
	free(g);
	free(gids);
}

void
qrun_one(struct qrun *r, const char *id)
{
	r->group_n = 1;
	runner_flush_one(r, id);
	drain(r);
	if (r->nagain > 0) {
		resend(r);
		drain(r);
	}
}

/*
 * Note in the control file that an attempt begins, before the message
 * can reach the server: if this process dies before it has removed the
 * entry, the next run knows the message may be there already.
 */
static int
mark_sending(struct qrun *r, struct qent *e, struct outcome *o)
{
	e->sending = (long long)r->ro.now;
	if (e->sending == 0)
		e->sending = 1;
	return queue_update(r->q, e, o);
}

/*
 * The account e was queued under, and the configuration that holds it:
 * the driver's (hooks.account), else ro.conf's of that name. 0, or -1
 * with why.
 */
int
runner_resolve(struct qrun *r, const struct qent *e, struct account **a,
    struct conf **c, char *why, size_t whylen)
{
	*a = NULL;
	*c = r->ro.conf;
	/* An entry that records no file goes with the run's (ro.conf). */
	if (r->ro.hooks.account != NULL && (e->conf.nfiles > 0 ||
	    e->conf.novr > 0))
		return r->ro.hooks.account(r->ro.hooks.arg, e, a, c, why,
		    whylen);
	if (*c == NULL || (*a = conf_account(*c, e->account)) == NULL) {
		whyf(why, whylen, "account %s is not in the configuration "
		    "any more", e->account);
		return -1;
	}
	return 0;
}

/*
 * Whether account a of c can be used: 0, or -1 with *o (OUT_CONFIG) when
 * the configuration is wrong for it.
 */
static int
check_account(struct conf *c, struct account *a, struct outcome *o)
{
	size_t		 nerrs;

	nerrs = c->nerrs;
	if (conf_check(c, a) == -1) {
		outcome_set(o, OUT_CONFIG, PH_NONE, "%s", nerrs < c->nerrs ?
		    c->errs[nerrs] : "configuration error");
		return -1;
	}
	return 0;
}

/* One entry: lock, check, send, then remove, reschedule or give up. */
void
runner_flush_one(struct qrun *r, const char *id)
{
	struct account		*a;
	struct conf		*c;
	struct qlock		*l;
	struct qent		 e;
	struct outcome		 o;
	char			 why[512];
	int			 busy, found;

	qent_init(&e);
	memset(&o, 0, sizeof(o));
	if ((l = queue_lock(r->q, id, &e, &busy, why, sizeof(why))) == NULL) {
		/* Busy: another bote sends it now; gone: it was sent. */
		if (!busy && errno != ENOENT && r->ro.hooks.unreadable != NULL)
			r->ro.hooks.unreadable(r->ro.hooks.arg, id, why);
		return;
	}
	if (!selected(r, &e))
		goto out;
	/* Held (--hold): neither sent nor given up until released. */
	if (e.held) {
		r->st.held++;
		goto out;
	}
	e.out.fd = qlock_fd(l);
	/*
	 * An attempt began and never finished: the process died, perhaps
	 * after the server took the message. Sending again may deliver it
	 * twice, which beats losing it (RFC 5321 6.1); say so.
	 */
	if (e.sending != 0) {
		e.maybe_sent = 1;
		e.sending = 0;
	}
	found = runner_resolve(r, &e, &a, &c, o.why, sizeof(o.why)) == 0;
	if (r->ro.now - e.created > max_age(a)) {
		r->st.due++;
		give_up(r, a, &e, NULL);
		goto out;
	}
	if (!r->ro.force && e.next > r->ro.now)
		goto out;
	r->st.due++;
	if (!found) {
		/* The configuration is gone or wrong: the message waits. */
		o.kind = OUT_CONFIG;
		o.phase = PH_NONE;
	} else if (check_account(c, a, &o) == 0) {
		if (paced(r, a, &e))
			goto out;
		if (mark_sending(r, &e, &o) == -1) {
			local_error(r, id, o.why);
			goto out;
		}
		/* In flight: finish() ends it, and unlocks it. */
		if (deliver(r, c, a, &e, l, &o) == 0)
			return;
	}
	failed(r, a, &e, &o);
out:
	qent_free(&e);
	queue_unlock(l);
}

/* Logged (o: the server's 2yz), removed, told. */
static void
delivered(struct qrun *r, const struct account *a, const struct qent *e,
    const struct outcome *ok)
{
	struct outcome	o;
	const char	*rmwhy = NULL;

	if (r->ro.hooks.attempt != NULL)
		r->ro.hooks.attempt(r->ro.hooks.arg, a, e, ok);
	/* The relay that took it knows the account now. */
	queue_mark_known(r->own_sess && r->used < r->rl.n ?
	    r->rl.r[r->used].acct : a);
	memset(&o, 0, sizeof(o));
	if (queue_remove(r->q, e->id, &o) == -1) {
		rmwhy = o.why;
		r->st.local_err = 1;
	}
	r->st.sent++;
	if (r->ro.hooks.delivered != NULL)
		r->ro.hooks.delivered(r->ro.hooks.arg, e, rmwhy);
	runner_ended(r, e->id, QF_SENT, ok, NULL);
}

/*
 * A failed attempt (o): kept with a backoff when keep() says so, else
 * given up. An interrupted attempt counts for nothing.
 */
static void
failed(struct qrun *r, const struct account *a, struct qent *e,
    struct outcome *o)
{
	char	w[OUTCOME_TEXTMAX + 600];

	e->sending = 0;
	if (bote_interrupted) {
		/* Not the server's fault: no attempt counted. */
		(void)queue_update(r->q, e, o);
		runner_ended(r, e->id, QF_DEFERRED, o, o->why);
		return;
	}
	if (a != NULL && r->ro.hooks.attempt != NULL)
		r->ro.hooks.attempt(r->ro.hooks.arg, a, e, o);
	queue_describe(o, w, sizeof(w));
	if (!keep(o)) {
		/* Refused for good: the sender must hear of it. */
		(void)qent_set(&e->error, w, strlen(w));
		give_up(r, a, e, o);
		return;
	}
	/*
	 * A rate limit is no fault of the message's: no attempt counted,
	 * and it is due at the next run, whose pace (pace.h) holds it back
	 * until its slot. Nor is a session that ended before the message
	 * left (outcome.unsent).
	 */
	if (pace_refusal(o) || o->unsent)
		e->next = (long long)r->ro.now;
	else {
		e->attempts++;
		e->next = (long long)r->ro.now + queue_backoff(e->attempts);
	}
	if (o->kind == OUT_MAYBE_SENT)
		e->maybe_sent = 1;
	(void)qent_set(&e->error, w, strlen(w));
	if (queue_update(r->q, e, o) == -1)
		local_error(r, e->id, o->why);
	r->st.deferred++;
	if (r->ro.hooks.deferred != NULL)
		r->ro.hooks.deferred(r->ro.hooks.arg, e, w, o);
	runner_ended(r, e->id, QF_DEFERRED, o, w);
}

void
runner_ended(struct qrun *r, const char *id, enum qfate fate,
    const struct outcome *o, const char *why)
{
	struct ended_rec	rec;

	if (r->ended_to == NULL) {
		if (r->ro.hooks.ended != NULL)
			r->ro.hooks.ended(r->ro.hooks.arg, id, fate, o, why);
		return;
	}
	memset(&rec, 0, sizeof(rec));
	/* A queue id: QUEUE_IDLEN octets, it fits. */
	(void)xstrlcpy(rec.id, id, sizeof(rec.id));
	/* A reason at most as long as failed()'s: it fits. */
	(void)xstrlcpy(rec.why, why != NULL ? why : "", sizeof(rec.why));
	rec.fate = (int)fate;
	if (o != NULL) {
		rec.has_o = 1;
		rec.o = *o;
	}
	if (fwrite(&rec, sizeof(rec), 1, r->ended_to) != 1)
		r->st.local_err = 1;
}

/* Close the runner's own session (not a lent one). */
void
runner_session_end(struct qrun *r)
{
	drop_session(r);
	if (r->nagain > 0 && !r->resending) {
		resend(r);
		drop_session(r);
	}
	secret_free(r->pass);
	r->pass = NULL;
	r->own_ready = 0;
	while (r->nfb > 0)
		secret_free(r->fb[--r->nfb].pass);
	r->rl.n = 0;
	r->skip = 0;
	r->sess = NULL;
	r->sess_acct = NULL;
	r->own_sess = 0;
	r->sess_failed = 0;
	r->stop = 0;
}

/*
 * The session of the account entry id is queued under, opened now, for
 * the entries that follow (parallel.c): 0, or -1 with *o.
 */
int
runner_open(struct qrun *r, const char *id, struct outcome *o)
{
	struct account	*a;
	struct conf	*c;
	struct qent	 e;
	int		 rc = -1;

	qent_init(&e);
	memset(o, 0, sizeof(*o));
	o->kind = OUT_TEMPLOCAL;
	if (queue_read(r->q, 0, id, &e, o->why, sizeof(o->why)) == 0 &&
	    runner_resolve(r, &e, &a, &c, o->why, sizeof(o->why)) == 0 &&
	    check_account(c, a, o) == 0 && session(r, c, a, &e, o) == 0) {
		r->sess_n = 0;
		rc = 0;
	}
	r->sess_e = NULL;
	qent_free(&e);
	return rc;
}

/*
 * Open the account's session, through the first of its relays that takes
 * mail (failover.h): 0, or -1 with *o (kept for its others).
 */
static int
session(struct qrun *r, struct conf *c, const struct account *a,
    const struct qent *e, struct outcome *o)
{
	struct failover_hooks	 h = { .arg = r, .opts = runner_relay_opts,
	    .passed = relay_passed };

	r->sess_acct = a;
	r->sess_e = e;
	r->own_sess = 1;
	if (relay_list(c, a, &r->rl, o->why, sizeof(o->why)) == -1) {
		o->kind = OUT_CONFIG;
		goto fail;
	}
	/*
	 * A new session of the same group in this run (max_per_session, a
	 * rate limit, a lost connection) starts at the relay that took the
	 * last: a black-holed primary costs failover_timeout once a run.
	 */
	if (r->skip > 0 && r->skip < r->rl.n) {
		memmove(&r->rl.r[0], &r->rl.r[r->skip], (r->rl.n - r->skip) *
		    sizeof(r->rl.r[0]));
		r->rl.n -= r->skip;
	}
	if ((r->sess = smtp_open_failover(&r->rl, &h, NULL, &r->used,
	    o)) == NULL)
		goto fail;
	r->skip += r->used;
	return 0;
fail:
	r->sess_failed = 1;
	r->sess_o = *o;
	return -1;
}

/* The options of one of the session's relays, its password once. */
int
runner_relay_opts(void *arg, const struct account *a, struct smtp_opts **op,
    struct outcome *o)
{
	struct qrun	*r = arg;
	struct smtp_opts *p = &r->own_op;
	char		**pass = &r->pass;
	int		*ready = &r->own_ready, fbready = 0;
	size_t		 i;

	if (a != r->sess_acct) {
		for (i = 0; i < r->nfb && r->fb[i].acct != a; i++)
			;
		if (i == RELAY_MAX)
			return outcome_set(o, OUT_SOFTWARE, PH_NONE, "too "
			    "many relay accounts");
		p = &r->fb[i].op;
		pass = &r->fb[i].pass;
		fbready = i < r->nfb;
		ready = &fbready;
	}
	if (!*ready) {
		if (r->ro.hooks.password != NULL && r->ro.hooks.password(
		    r->ro.hooks.arg, a, pass, o->why, sizeof(o->why),
		    r->sess_e->id, r->group_n > 0 ? r->group_n : 1) == -1) {
			o->kind = OUT_CONFIG;
			return -1;
		}
		qrun_smtp_opts(p, a, *pass, r->ro.cache_dir);
		p->trace = r->ro.trace;
		p->trace_arg = r->ro.trace_arg;
		*ready = 1;
		if (a != r->sess_acct)
			r->fb[r->nfb++].acct = a;
	}
	*op = r->op = p;
	return 0;
}

static void
relay_passed(void *arg, const struct relay *rel, const struct relay *next,
    const struct outcome *o)
{
	struct qrun	*r = arg;

	if (r->ro.hooks.relay_passed != NULL)
		r->ro.hooks.relay_passed(r->ro.hooks.arg, rel, next, o);
}

/*
 * One message over the account's session, opened for its first message:
 * its transaction starts (smtp_tx_start) and e and its lock l go in
 * flight, for finish() to end (0); or it fails now (-1 with *o). When
 * the server cannot be reached, the account's other messages are
 * deferred with the same reason without trying again in this run.
 */
static int
deliver(struct qrun *r, struct conf *c, const struct account *a,
    struct qent *e, struct qlock *l, struct outcome *o)
{
	struct flight	*f;
	int		 max = policy_per_session(a);

	if (r->sess_acct != a)
		runner_session_end(r);
	/* max_per_session: a new connection after that many messages. */
	if (r->sess != NULL && max > 0 && r->sess_n >= max)
		drop_session(r);
	/* A full window: the oldest message in flight ends first. */
	while (r->sess != NULL && !r->stop && !smtp_tx_room(r->sess) &&
	    r->fn > 0)
		finish(r);
	/*
	 * A session that takes no more (a rate limit, a 421, a lost
	 * connection): its messages end, then it goes.
	 */
	if (r->sess != NULL && (r->stop || !smtp_tx_room(r->sess)))
		drop_session(r);
	if (r->sess_failed) {
		*o = r->sess_o;
		return -1;
	}
	if (r->sess == NULL) {
		if (session(r, c, a, e, o) == -1) {
			/*
			 * Rate-limited: every sender of a slows down, and the
			 * next message waits its slot and tries.
			 */
			if (pace_refusal(o)) {
				pace_refused(a);
				r->sess_failed = 0;
			}
			return -1;
		}
		r->sess_n = 0;
	}
	/* The message's own DSN requests, as they were when it was queued. */
	r->op->dsn_notify = e->dsn_notify;
	r->op->dsn_return = e->dsn_return;
	r->op->dsn_envid = e->envid;
	r->sess_n++;
	f = &r->fl[(r->fh + r->fn++) % SMTP_PIPE_MAX];
	f->e = *e;
	f->l = l;
	f->a = a;
	f->c = c;
	f->again = 0;
	qent_init(e);
	smtp_tx_start(r->sess, f->e.sender, f->e.rcpts, f->e.nrcpts,
	    &f->e.out);
	return 0;
}

/*
 * The oldest message in flight: its outcome from the session, then
 * delivered or failed as one sent alone would be, and unlocked. A 421,
 * a timeout, a lost connection or a rate limit: the session takes no
 * more (deliver() drops it once those in flight have ended).
 */
static void
finish(struct qrun *r)
{
	struct flight	*f = &r->fl[r->fh];
	struct outcome	 o;
	int		 rc;

	r->fh = (r->fh + 1) % SMTP_PIPE_MAX;
	r->fn--;
	rc = smtp_tx_finish(r->sess, &o);
	if (rc == -1 && o.unsent && !f->again && !bote_interrupted &&
	    r->nagain < sizeof(r->again) / sizeof(r->again[0])) {
		/* Never left: again over a new session (resend()). */
		r->again[r->nagain] = *f;
		r->again[r->nagain++].again = 1;
		if (!r->stop) {
			r->stop = 1;
			r->stop_o = o;
		}
		return;
	}
	if (rc == 0) {
		pace_accepted(f->a);
		delivered(r, f->a, &f->e, &o);
	} else {
		/* The server's rate limit: every sender of a slows down. */
		if (pace_refusal(&o))
			pace_refused(f->a);
		if (!r->stop && (!smtp_usable(r->sess) || pace_refusal(&o))) {
			r->stop = 1;
			r->stop_o = o;
		}
		failed(r, f->a, &f->e, &o);
	}
	qent_free(&f->e);
	queue_unlock(f->l);
	f->l = NULL;
}

/* Every message in flight, to its end. */
static void
drain(struct qrun *r)
{
	while (r->fn > 0)
		finish(r);
}

/*
 * The messages that never left (finish()) go again, oldest first, over
 * a new session of their account, each once: one at a time they would
 * have gone over the next session too.
 */
static void
resend(struct qrun *r)
{
	struct flight	f;
	struct outcome	o;

	if (r->resending)
		return;
	r->resending = 1;
	while (r->nagain > 0) {
		f = r->again[0];
		memmove(&r->again[0], &r->again[1], --r->nagain * sizeof(f));
		memset(&o, 0, sizeof(o));
		/* Its sending slot, as for any message (a 421 4.3.2 before). */
		if (!bote_interrupted && paced(r, f.a, &f.e)) {
			qent_free(&f.e);
			queue_unlock(f.l);
			continue;
		}
		if (!bote_interrupted &&
		    deliver(r, f.c, f.a, &f.e, f.l, &o) == 0) {
			r->fl[(r->fh + r->fn - 1) % SMTP_PIPE_MAX].again = 1;
			continue;
		}
		if (bote_interrupted)
			outcome_set(&o, OUT_TEMP, PH_NONE, "interrupted by a "
			    "signal; the message was not sent");
		failed(r, f.a, &f.e, &o);
		qent_free(&f.e);
		queue_unlock(f.l);
	}
	r->resending = 0;
}

/* A line for -v (the trace), as the session's own are. */
static void
trace_info(struct qrun *r, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	tracef(r->ro.trace, r->ro.trace_arg, TRACE_INFO, fmt, ap);
	va_end(ap);
}

/*
 * Leave the session (closed when it is the runner's own), not its keys,
 * once the messages in flight on it have ended. A lent session that
 * broke (not for a rate limit) ends the run for its account: the
 * caller's connection is gone.
 */
static void
drop_session(struct qrun *r)
{
	int	lent = !r->own_sess;

	if (r->sess == NULL)
		return;
	drain(r);
	if (r->own_sess)
		smtp_close(r->sess);
	if (lent && r->stop && !pace_refusal(&r->stop_o)) {
		r->sess_failed = 1;
		r->sess_o = r->stop_o;
		r->sess_o.kind = OUT_TEMP;
	}
	r->sess = NULL;
	r->own_sess = 0;
	r->stop = 0;
}

/*
 * The account's next sending slot (pace.h): waited for when it is near,
 * else the message stays queued until it comes, with no attempt counted:
 * the pace is the account's, not the message's. 1 when left queued.
 */
static int
paced(struct qrun *r, const struct account *a, struct qent *e)
{
	struct outcome	o;
	int64_t		wait;

	if (pace_take(a, &wait) == PACE_NOW) {
		if (wait > 0)
			trace_info(r, "waiting %lld ms for the next sending "
			    "slot of account %s", (long long)wait, a->name);
		pace_sleep(wait);
		return 0;
	}
	memset(&o, 0, sizeof(o));
	outcome_set(&o, OUT_TEMP, PH_NONE, "held back by the account's "
	    "sending pace (its rate, or the server's rate limit): the next "
	    "slot is in %lld s", (long long)(wait + 999) / 1000);
	e->next = (long long)r->ro.now + (wait + 999) / 1000;
	if (queue_update(r->q, e, &o) == -1)
		local_error(r, e->id, o.why);
	r->st.deferred++;
	if (r->ro.hooks.deferred != NULL)
		r->ro.hooks.deferred(r->ro.hooks.arg, e, o.why, &o);
	runner_ended(r, e->id, QF_DEFERRED, NULL, o.why);
	return 1;
}

/*
 * Too old, or refused for good: to failed/, and a bounce to the sender
 * over the same account. When the bounce cannot go, the hook says so and
 * the message stays in failed/ for the administrator.
 */
static void
give_up(struct qrun *r, const struct account *a, struct qent *e,
    const struct outcome *last)
{
	struct outcome	 o;
	char		 why[OUTCOME_TEXTMAX + 100];
	enum qbounce	 b;

	memset(&o, 0, sizeof(o));
	if (r->ro.now - e->created > max_age(a)) {
		whyf(why, sizeof(why), "not delivered within %lld "
		    "seconds%s%s", max_age(a), e->error ? "; last error: " :
		    "", e->error ? e->error : "");
		(void)qent_set(&e->error, why, strlen(why));
	}
	runner_ended(r, e->id, QF_GIVEN_UP, last, e->error);
	if (queue_fail(r->q, e, &o) == -1) {
		local_error(r, e->id, o.why);
		return;
	}
	r->st.failed++;
	if (e->sender[0] == '\0')
		b = QB_NULL_SENDER;
	else if (a == NULL)
		b = QB_NO_ACCOUNT;
	else if (r->ro.no_bounce)
		b = QB_CALLER;
	else if (queue_bounce(a, queue_tmpdir(r->q), e, &r->ro, &o) == -1)
		b = QB_FAILED;
	else
		b = QB_SENT;
	if (r->ro.hooks.given_up != NULL)
		r->ro.hooks.given_up(r->ro.hooks.arg, e, queue_dir(r->q), b,
		    b == QB_FAILED ? o.why : NULL);
}
