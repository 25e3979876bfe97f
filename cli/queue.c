/*
 * The queue policy (bote.1, QUEUE): a message bote cannot send now for a
 * reason worth retrying is queued and bote exits 0, as sendmail does;
 * bote -q delivers what is due, with a backoff per message; after
 * queue_max_age the message moves to failed/ and the sender gets a
 * bounce. src/queue/queue.c does the disk work; this file decides and words.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "conffiles.h"
#include "exitmap.h"
#include "msg/headers.h"
#include "msg/msg.h"
#include "queue/queue.h"
#include "report.h"
#include "session.h"
#include "base/util.h"

#include "log.h"
#include "queuecli.h"


/* One -q run. */
struct flush {
	const struct args	*args;
	struct conf		*conf;
	struct queue		*q;
	time_t			 now;
	const char		*only_account;	/* after a send */
	int			 force;		/* -qR, -qI: ignore backoff */
	const char		*sel_rcpt;	/* -qR */
	const char		*sel_id;	/* -qI */
	int			 quiet;		/* after a send, -odb */
	size_t			 queued, due, sent, deferred, failed;
	int			 local_err;
	/*
	 * One session per account for all of its messages (RSET between
	 * transactions is smtp_tx's). After a send it is the caller's.
	 */
	struct smtp		*sess;
	const struct account	*sess_acct;
	struct smtp_opts	*op;		/* the session's options */
	struct smtp_opts	 own_op;
	char			*pass;
	int			 own_sess;	/* close it when done */
	int			 sess_failed;	/* could not open: sess_o */
	struct outcome		 sess_o;
};

static long long max_age(const struct account *);
static int	 fill_entry(struct qent *, const struct account *,
		    const struct smtp_opts *, const struct outmsg *,
		    const char *, const struct addrlist *);
static void	 background(struct queue *, struct conf *,
		    const struct account *, const struct args *, const char *);
static void	 flush_queue(struct flush *);
static void	 flush_one(struct flush *, const char *, const char *);
static int	 deliver(struct flush *, const struct account *,
		    const char *, struct qent *, struct outcome *);
static void	 give_up(struct flush *, const struct account *,
		    const char *, struct qent *);
static int	 selected(const struct flush *, const struct qent *);
static void	 session_end(struct flush *);
static int	 mark_sending(struct flush *, struct qent *, struct outcome *);

/*
 * No -C, no user configuration, no system configuration: mailq then
 * lists the default queue without complaining (sendmail's mailq works
 * on a system with no configuration).
 */
int
queue_no_config(const struct args *a)
{
	char		 path[PATH_MAX];

	if (a->conf_file != NULL || args_override(a, "host") != NULL ||
	    access(conffiles_system(), F_OK) == 0 || errno != ENOENT)
		return 0;
	return conffiles_user(path, sizeof(path)) == -1 ||
	    (access(path, F_OK) == -1 && errno == ENOENT);
}

/* The queue directives (bote.conf(5)): queue, queue_dir, queue_max_age. */
int
queue_enabled(const struct account *a, const struct args *args)
{
	return a->queue && !args->no_queue;
}

/* An entry whose account is gone keeps the default. */
static long long
max_age(const struct account *a)
{
	return a != NULL ? a->queue_max_age : QUEUE_MAX_AGE_DEFAULT;
}

/*
 * queue_dir, else /var/spool/bote for root, else $XDG_STATE_HOME/bote/
 * queue (~/.local/state/bote/queue).
 */
int
queue_dirname(const struct account *a, char *buf, size_t sz)
{
	const char	*x = getenv("XDG_STATE_HOME"), *h = getenv("HOME");

	if (a != NULL && a->queue_dir != NULL)
		return xstrlcpy(buf, a->queue_dir, sz);
	if (geteuid() == 0)
		return xstrlcpy(buf, "/var/spool/bote", sz);
	if (x != NULL && x[0] == '/')
		return xsnprintf(buf, sz, "%s/bote/queue", x);
	if (h != NULL && h[0] == '/')
		return xsnprintf(buf, sz, "%s/.local/state/bote/queue", h);
	return -1;
}

const char *
queue_spool_dir(const struct account *a, const struct args *args)
{
	static char	 tmp[PATH_MAX];
	struct queue	*q;
	struct outcome	 o;
	char		 dir[PATH_MAX];

	if (!queue_enabled(a, args) || queue_dirname(a, dir,
	    sizeof(dir)) == -1)
		return spool_dir();
	/*
	 * Only a queue that exists: a send that succeeds creates nothing.
	 * Otherwise queue_message() creates it and copies the spool.
	 */
	if ((q = queue_open(dir, 0, &o)) == NULL)
		return spool_dir();
	if (xstrlcpy(tmp, queue_tmpdir(q), sizeof(tmp)) == -1) {
		queue_close(q);
		return spool_dir();
	}
	queue_close(q);
	return tmp;
}

/* One line for an outcome: the server's reply, else what bote saw. */
void
queue_describe(const struct outcome *o, char *buf, size_t sz)
{
	char	text[OUTCOME_TEXTMAX];
	size_t	i;

	(void)sanitize(text, sizeof(text), o->text, strlen(o->text), 1);
	for (i = 0; o->text[i] != '\0' && i < sizeof(text) - 1; i++)
		if (o->text[i] == '\n')
			text[i] = ' ';
	if (o->code != 0)
		(void)xsnprintf(buf, sz, "%s: %d %s", o->why, o->code, text);
	else
		(void)xsnprintf(buf, sz, "%s", o->why);
}

static int
fill_entry(struct qent *e, const struct account *a,
    const struct smtp_opts *op, const struct outmsg *b,
    const char *sender, const struct addrlist *rcpts)
{
	const char	*v, *errstr;
	long long	 n;
	size_t		 i;

	qent_init(e);
	if (qent_set(&e->account, a->name, strlen(a->name)) == -1 ||
	    qent_set(&e->sender, sender, strlen(sender)) == -1)
		return -1;
	for (i = 0; i < rcpts->n; i++)
		if (qent_add_rcpt(e, rcpts->v[i]) == -1)
			return -1;
	if (outmsg_set_prefix(&e->out, b->prefix, b->prefixlen) == -1)
		return -1;
	for (i = 0; i < b->nskip; i++)
		if (outmsg_add_skip(&e->out, b->skip[i][0],
		    b->skip[i][1]) == -1)
			return -1;
	e->out.size = b->size;
	e->out.eightbit = b->eightbit;
	e->dsn_notify = op->dsn_notify;
	e->dsn_return = op->dsn_return;
	if (op->dsn_envid != NULL && qent_set(&e->envid, op->dsn_envid,
	    strlen(op->dsn_envid)) == -1)
		return -1;
	e->uid = (long long)getuid();
	/* Queued for a user by a root maildrop pick-up (maildrop.c). */
	if (geteuid() == 0 && (v = getenv("BOTE_MAILDROP_UID")) != NULL) {
		n = strtonum(v, 1, UINT_MAX, &errstr);
		if (errstr == NULL)
			e->uid = n;
	}
	e->created = (long long)clock_now();
	e->next = e->created;
	return 0;
}

int
queue_message(struct conf *c, const struct account *a,
    const struct args *args,
    const struct smtp_opts *op, const struct outmsg *b,
    const char *sender, const struct addrlist *rcpts,
    const struct outcome *why)
{
	struct queue	*q = NULL;
	struct qent	 e;
	struct outcome	 o;
	char		 dir[PATH_MAX], w[OUTCOME_TEXTMAX + 600];
	int		 st = EX_TEMPFAIL;

	memset(&o, 0, sizeof(o));
	if (fill_entry(&e, a, op, b, sender, rcpts) == -1) {
		say("cannot queue the message: %s", strerror(errno));
		goto out;
	}
	if (why != NULL) {
		queue_describe(why, w, sizeof(w));
		e.attempts = 1;
		e.next = e.created + queue_backoff(1);
		e.maybe_sent = why->kind == OUT_MAYBE_SENT;
		if (qent_set(&e.error, w, strlen(w)) == -1) {
			say("cannot queue the message: out of memory");
			goto out;
		}
	}
	if (queue_dirname(a, dir, sizeof(dir)) == -1) {
		say("cannot queue the message: no queue directory (set "
		    "queue_dir, or HOME)");
		goto out;
	}
	if ((q = queue_open(dir, 1, &o)) == NULL ||
	    queue_add(q, b->fd, &e, &o) == -1) {
		say("cannot queue the message: %s", o.why);
		goto out;
	}
	st = EX_OK;
	log_queued(e.id);
	if (why != NULL)
		say("queued as %s: %s; will retry (bote -q)%s", e.id, w,
		    e.maybe_sent ? "; it may have been delivered already" :
		    "");
	else if (args->deliver == 'b')
		background(q, c, a, args, e.id);
	else if (args->verbose)
		say("queued as %s", e.id);
out:
	qent_free(&e);
	queue_close(q);
	return st;
}

/*
 * -odb: the message is queued; a child process detached from the
 * caller's session delivers it while the parent exits 0 at once.
 */
static void
background(struct queue *q, struct conf *c, const struct account *a,
    const struct args *args, const char *id)
{
	struct flush	 f;
	pid_t		 pid;
	int		 fd;

	if ((pid = fork()) == -1) {
		say("queued as %s; delivery starts with the next bote -q "
		    "(cannot fork: %s)", id, strerror(errno));
		return;
	}
	if (pid > 0)
		return;
	/* The caller may wait for our standard descriptors to close. */
	(void)setsid();
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		(void)dup2(fd, STDIN_FILENO);
		(void)dup2(fd, STDOUT_FILENO);
		(void)dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	memset(&f, 0, sizeof(f));
	f.args = args;
	f.q = q;
	f.now = clock_now();
	f.force = 1;
	f.quiet = 1;
	f.sel_id = id;
	f.conf = c;
	f.only_account = a->name;
	flush_one(&f, id, a->name);
	_exit(0);
}


static int
selected(const struct flush *f, const struct qent *e)
{
	size_t	i;

	if (f->sel_id != NULL && strstr(e->id, f->sel_id) == NULL)
		return 0;
	if (f->sel_rcpt != NULL) {
		for (i = 0; i < e->nrcpts; i++)
			if (strcasestr(e->rcpts[i], f->sel_rcpt) != NULL)
				break;
		if (i == e->nrcpts)
			return 0;
	}
	if (f->only_account != NULL && strcmp(e->account,
	    f->only_account) != 0)
		return 0;
	return 1;
}

/*
 * Every entry, account by account (one password look-up each). The
 * entries are read unlocked first only to group them; flush_one() reads
 * each again under its lock.
 */
static void
flush_queue(struct flush *f)
{
	struct outcome	  o;
	struct qent	  e;
	char		**ids = NULL, **acc = NULL, why[256];
	size_t		  n = 0, i, j;

	/* Debris is judged by file times, which the kernel's clock sets. */
	queue_sweep(f->q, time(NULL));
	if (queue_ids(f->q, 0, &ids, &n, &o) == -1) {
		say("%s", o.why);
		f->local_err = 1;
		return;
	}
	if ((acc = calloc(n + 1, sizeof(*acc))) == NULL) {
		say("out of memory");
		f->local_err = 1;
		goto out;
	}
	qent_init(&e);
	for (i = 0; i < n; i++) {
		if (queue_read(f->q, 0, ids[i], &e, why, sizeof(why)) == -1) {
			acc[i] = NULL;
			continue;
		}
		f->queued++;
		if (!selected(f, &e)) {
			qent_free(&e);
			continue;
		}
		acc[i] = e.account;
		e.account = NULL;
		qent_free(&e);
			}
	/* Account by account, each in queue order. */
	for (i = 0; i < n && !bote_interrupted; i++) {
		if (acc[i] == NULL)
			continue;
		flush_one(f, ids[i], acc[i]);
		for (j = i + 1; j < n && !bote_interrupted; j++)
			if (acc[j] != NULL && strcmp(acc[i], acc[j]) == 0) {
				flush_one(f, ids[j], acc[j]);
				free(acc[j]);
				acc[j] = NULL;
			}
	}
out:
	session_end(f);
	if (acc != NULL)
		for (i = 0; i < n; i++)
			free(acc[i]);
	free(acc);
	queue_ids_free(ids, n);
}

/*
 * Note in the control file that an attempt begins, before the message
 * can reach the server: if this process dies before it has removed the
 * entry, the next run knows the message may be there already.
 */
static int
mark_sending(struct flush *f, struct qent *e, struct outcome *o)
{
	e->sending = (long long)f->now;
	if (e->sending == 0)
		e->sending = 1;
	return queue_update(f->q, e, o);
}

/* One entry: lock, check, send, then remove, reschedule or give up. */
static void
flush_one(struct flush *f, const char *id, const char *account)
{
	struct account	*a;
	struct qlock	*l;
	struct qent	 e;
	struct outcome	 o;
	char		 why[512], w[OUTCOME_TEXTMAX + 600];
	size_t		 nerrs;
	int		 busy;

	qent_init(&e);
	memset(&o, 0, sizeof(o));
	if ((l = queue_lock(f->q, id, &e, &busy, why, sizeof(why))) == NULL) {
		/* Busy: another bote sends it now; gone: it was sent. */
		if (!busy && errno != ENOENT && !f->quiet)
			say("%s: cannot read the queue entry: %s", id, why);
		return;
	}
	if (!selected(f, &e))
		goto out;
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
	a = f->conf != NULL ? conf_account(f->conf, account) : NULL;
	if (f->now - e.created > max_age(a)) {
		f->due++;
		give_up(f, a, id, &e);
		goto out;
	}
	if (!f->force && e.next > f->now)
		goto out;
	f->due++;
	if (a == NULL) {
		(void)xsnprintf(w, sizeof(w), "account %s is not in the "
		    "configuration any more", account);
		o.kind = OUT_CONFIG;
		(void)xstrlcpy(o.why, w, sizeof(o.why));
	} else if ((nerrs = f->conf->nerrs, conf_check(f->conf, a)) == -1) {
		(void)xsnprintf(w, sizeof(w), "%s", nerrs < f->conf->nerrs ?
		    f->conf->errs[nerrs] : "configuration error");
		o.kind = OUT_CONFIG;
		(void)xstrlcpy(o.why, w, sizeof(o.why));
	} else if (mark_sending(f, &e, &o) == -1) {
		say("%s: %s", id, o.why);
		f->local_err = 1;
		goto out;
	} else if (deliver(f, a, id, &e, &o) == 0) {
		log_attempt(a, e.sender, e.rcpts, e.nrcpts, e.out.size, &o, id,
		    EX_OK);
		if (queue_remove(f->q, id, &o) == -1) {
			say("%s: delivered, but %s", id, o.why);
			f->local_err = 1;
		}
		f->sent++;
		if (e.maybe_sent)
			say_log(LOG_WARNING, "%s: delivered; an earlier attempt "
			    "may have delivered it already", id);
		else if (f->args->verbose)
			say("%s: delivered", id);
		goto out;
	}
	e.sending = 0;
	if (bote_interrupted) {
		/* Not the server's fault: no attempt counted. */
		(void)queue_update(f->q, &e, &o);
		goto out;
	}
	if (a != NULL)
		log_attempt(a, e.sender, e.rcpts, e.nrcpts, e.out.size, &o, id,
		    exit_status(&o));
	queue_describe(&o, w, sizeof(w));
	/* Temporary, or a configuration to fix: keep it, back off. */
	if (exit_status(&o) == EX_TEMPFAIL || o.kind == OUT_CONFIG ||
	    o.kind == OUT_OSERR) {
		e.attempts++;
		e.next = (long long)f->now + queue_backoff(e.attempts);
		if (o.kind == OUT_MAYBE_SENT)
			e.maybe_sent = 1;
		(void)qent_set(&e.error, w, strlen(w));
		if (queue_update(f->q, &e, &o) == -1) {
			say("%s: %s", id, o.why);
			f->local_err = 1;
		}
		f->deferred++;
		if (!f->quiet)
			say("%s: deferred: %s", id, w);
		goto out;
	}
	/* Refused for good: the sender must hear of it. */
	(void)qent_set(&e.error, w, strlen(w));
	give_up(f, a, id, &e);
out:
	qent_free(&e);
	queue_unlock(l);
}

/* Close the flush's own session (not the caller's). */
static void
session_end(struct flush *f)
{
	if (f->own_sess)
		smtp_close(f->sess);
	secret_free(f->pass);
	f->pass = NULL;
	f->sess = NULL;
	f->sess_acct = NULL;
	f->own_sess = 0;
	f->sess_failed = 0;
}

/*
 * One message over the account's session, opened for its first message.
 * When the server cannot be reached, the account's other messages are
 * deferred with the same reason without trying again in this run.
 */
static int
deliver(struct flush *f, const struct account *a, const char *id,
    struct qent *e, struct outcome *o)
{
	struct args	 args = *f->args;

	(void)id;
	if (f->sess_acct != a)
		session_end(f);
	if (f->sess_failed) {
		*o = f->sess_o;
		return -1;
	}
	if (f->sess == NULL) {
		f->sess_acct = a;
		if (session_password(a, &f->pass, o->why,
		    sizeof(o->why)) == -1) {
			o->kind = OUT_CONFIG;
			f->sess_failed = 1;
			f->sess_o = *o;
			return -1;
		}
		session_opts(&f->own_op, a, f->pass, &args);
		f->op = &f->own_op;
		f->own_sess = 1;
		if ((f->sess = smtp_open(f->op, o)) == NULL) {
			f->sess_failed = 1;
			f->sess_o = *o;
			return -1;
		}
	}
	/* The message's own DSN requests, as they were when it was queued. */
	f->op->dsn_notify = e->dsn_notify;
	f->op->dsn_return = e->dsn_return;
	f->op->dsn_envid = e->envid;
	if (smtp_tx(f->sess, e->sender, e->rcpts, e->nrcpts, &e->out,
	    o) == 0)
		return 0;
	/* A 421, a timeout, a lost connection: a new session next time. */
	if (!smtp_usable(f->sess)) {
		if (f->own_sess)
			smtp_close(f->sess);
		f->sess = NULL;
		f->own_sess = 0;
		if (f->op != &f->own_op) {
			/* The caller's session is gone: stop here. */
			f->sess_failed = 1;
			f->sess_o = *o;
			f->sess_o.kind = OUT_TEMP;
		}
	}
	return -1;
}

/*
 * Too old, or refused for good: to failed/, and a bounce to the sender
 * over the same account. When the bounce cannot go, the log says so and
 * the message stays in failed/ for the administrator.
 */
static void
give_up(struct flush *f, const struct account *a, const char *id,
    struct qent *e)
{
	struct outcome	o;
	char		why[OUTCOME_TEXTMAX + 100];
	int		too_old = f->now - e->created > max_age(a);

	memset(&o, 0, sizeof(o));
	if (too_old) {
		(void)xsnprintf(why, sizeof(why), "not delivered within %lld "
		    "seconds%s%s", max_age(a), e->error ? "; last error: " :
		    "", e->error ? e->error : "");
		(void)qent_set(&e->error, why, strlen(why));
	}
	if (queue_fail(f->q, e, &o) == -1) {
		say("%s: %s", id, o.why);
		f->local_err = 1;
		return;
	}
	f->failed++;
	if (e->sender[0] == '\0') {
		say_log(LOG_ERR, "%s: given up (%s); no bounce to the null "
		    "sender; the message is in %s/failed", id, e->error ?
		    e->error : "", queue_dir(f->q));
		return;
	}
	if (a == NULL || queue_bounce(a, queue_tmpdir(f->q), e, &o) == -1) {
		say_log(LOG_ERR, "%s: given up (%s); the bounce to <%s> could "
		    "not be sent (%s); the message is in %s/failed", id,
		    e->error ? e->error : "", e->sender, a == NULL ? "no "
		    "such account" : o.why, queue_dir(f->q));
		return;
	}
	say_log(LOG_NOTICE, "%s: given up (%s); bounce sent to <%s>", id,
	    e->error ? e->error : "", e->sender);
}

int
queue_dirnames(struct conf *c, char ***dirs, size_t *n)
{
	struct account	 *a;
	char		**v = NULL, **nv, dir[PATH_MAX];
	size_t		  cnt = 0, i;

	/* The default place only when some account uses it. */
	for (a = c != NULL ? c->accounts : NULL; a != NULL; a = a->next)
		if (a->queue_dir == NULL)
			break;
	if (c != NULL && c->accounts != NULL && a == NULL)
		a = c->accounts;
	else
		a = NULL;
	do {
		if (queue_dirname(a, dir, sizeof(dir)) == 0) {
			for (i = 0; i < cnt; i++)
				if (strcmp(v[i], dir) == 0)
					break;
			if (i == cnt) {
				if ((nv = reallocarray(v, cnt + 1,
				    sizeof(*v))) == NULL)
					goto fail;
				v = nv;
				if ((v[cnt] = strdup(dir)) == NULL)
					goto fail;
				cnt++;
			}
		}
		if (a == NULL)
			a = c != NULL ? c->accounts : NULL;
		else
			a = a->next;
	} while (a != NULL);
	*dirs = v;
	*n = cnt;
	return 0;
fail:
	for (i = 0; i < cnt; i++)
		free(v[i]);
	free(v);
	return -1;
}

void
queue_after_send(struct conf *c, const struct account *a,
    const struct args *args, struct smtp *sess, struct smtp_opts *op)
{
	struct flush	f;
	struct outcome	o;
	char		dir[PATH_MAX];

	if (!queue_enabled(a, args) || queue_dirname(a, dir,
	    sizeof(dir)) == -1)
		return;
	memset(&f, 0, sizeof(f));
	if ((f.q = queue_open(dir, 0, &o)) == NULL)
		return;
	f.args = args;
	f.conf = c;
	f.now = clock_now();
	f.only_account = a->name;
	f.quiet = 1;
	/* The session that just sent, still open: no new connection. */
	f.sess = sess;
	f.sess_acct = a;
	f.op = op;
	flush_queue(&f);
	queue_close(f.q);
}

int
mode_queue_run(const struct args *args, struct conf *c)
{
	struct flush	  f;
	struct outcome	  o;
	const char	 *qa = args->queue_arg ? args->queue_arg : "";
	char		**dirs = NULL;
	size_t		  n = 0, i, queued = 0, due = 0, sent = 0, def = 0;
	size_t		  failed = 0;
	int		  local_err = 0;

	memset(&f, 0, sizeof(f));
	if (qa[0] == 'R' || qa[0] == 'I') {
		if (qa[1] == '\0') {
			say("-q%c needs a string to match", qa[0]);
			return EX_USAGE;
		}
		f.force = 1;
		if (qa[0] == 'R')
			f.sel_rcpt = qa + 1;
		else
			f.sel_id = qa + 1;
	} else if (qa[0] != '\0' && strspn(qa, "0123456789smhdw") ==
	    strlen(qa)) {
		say("bote runs no daemon: -q%s runs the queue once; run "
		    "bote -q from cron or a timer (see bote.1, QUEUE)", qa);
	} else if (qa[0] != '\0' && strcmp(qa, "f") != 0) {
		say("-q%.32s is not supported: use -q, -qR<recipient> or "
		    "-qI<queue id>", qa);
		return EX_USAGE;
	}
	if (queue_dirnames(c, &dirs, &n) == -1) {
		say("out of memory");
		return EX_OSERR;
	}
	for (i = 0; i < n && !bote_interrupted; i++) {
		if ((f.q = queue_open(dirs[i], 0, &o)) == NULL) {
			if (errno != ENOENT) {
				say("%s", o.why);
				local_err = 1;
			}
			continue;
		}
		/* Dropped messages join the queue first (maildrop.c). */
		maildrop_pickup(f.q, args);
		f.args = args;
		f.conf = c;
		f.now = clock_now();
		f.queued = f.due = f.sent = f.deferred = f.failed = 0;
		f.local_err = 0;
		flush_queue(&f);
		queued += f.queued;
		due += f.due;
		sent += f.sent;
		def += f.deferred;
		failed += f.failed;
		local_err |= f.local_err;
		queue_close(f.q);
		f.q = NULL;
	}
	for (i = 0; i < n; i++)
		free(dirs[i]);
	free(dirs);
	if (queued == 0)
		say("the queue is empty: nothing to deliver");
	else if (due == 0)
		say("nothing to deliver now: %zu message%s queued, none due "
		    "yet (bote -bp shows when; bote -qI<id> forces one)",
		    queued, queued == 1 ? "" : "s");
	else if (args->verbose)
		say("%zu delivered, %zu deferred, %zu given up", sent, def,
		    failed);
	if (bote_interrupted)
		return EX_TEMPFAIL;
	return local_err ? EX_TEMPFAIL : EX_OK;
}
