/*
 * The queue as the driver uses it (bote.1, QUEUE): a message bote cannot
 * send now for a reason worth retrying is queued and bote exits 0, as
 * sendmail does; bote -q delivers what is due. The policy is engine code
 * (src/queue/runner.c); this file chooses the words for what the runner
 * tells (its hooks), the log lines and the exit status, and owns the
 * processes (-odb forks).
 */
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <syslog.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/util.h"
#include "conffiles.h"
#include "diagnose.h"
#include "exitmap.h"
#include "log.h"
#include "queuecli.h"
#include "report.h"
#include "session.h"

/*
 * What the hooks need to choose their words. The periodic run is quiet
 * when all is well (bote.1, QUEUE): a deferral the next run may fix goes
 * to syslog, and to stderr only for a person at a terminal; what needs
 * a person (a message given up, a configuration error, a queue bote
 * cannot read or write) goes to stderr too, so cron mails it.
 */
struct words {
	const struct args	*args;
	int			 quiet;		/* after a send, -odb */
	int			 tty;		/* stderr is a terminal */
	/* After a send, -odb: the send's configuration, already loaded. */
	const struct qconf	*own_qc;
	struct conf		*own_c;
	struct account		*own_a;
	struct loaded		*loaded;	/* read again for entries */
	const struct batch_tell	*tell;		/* --batch: told too */
};

/* One configuration read again for queued messages (hook_account). */
struct loaded {
	struct qconf	 qc;
	char		*account;
	struct conf	*c;
	struct account	*a;		/* NULL: why */
	char		 why[512];
	struct loaded	*next;
};

static void	run_opts(struct qrun_opts *, struct conf *, const struct args *,
		    struct words *);
static int	hook_password(void *, const struct account *, char **, char *,
		    size_t, const char *, size_t);
static void	summary(const struct words *, const struct qrun_stats *);
static void	own_config(struct qrun_opts *, struct words *,
		    const struct qconf *, struct conf *, struct account *);
static int	hook_account(void *, const struct qent *, struct account **,
		    struct conf **, char *, size_t);
static void	words_free(struct words *);
static void	hook_attempt(void *, const struct account *,
		    const struct qent *, const struct outcome *);
static void	hook_delivered(void *, const struct qent *, const char *);
static void	hook_deferred(void *, const struct qent *, const char *,
		    const struct outcome *);
static void	hook_given_up(void *, const struct qent *, const char *,
		    enum qbounce, const char *);
static void	hook_unreadable(void *, const char *, const char *);
static void	hook_relay_passed(void *, const struct relay *,
		    const struct relay *, const struct outcome *);
static void	hook_local_error(void *, const char *, const char *);
static void	hook_ended(void *, const char *, enum qfate,
		    const struct outcome *, const char *);
static void	background(struct queue *, struct conf *, struct account *,
		    const struct args *, const struct qconf *, const char *);
static int	queue_arg(const struct args *, struct qrun_opts *);
static int	admin_said(const char *, int, enum qadmin_result,
		    const char *);
static int	admin_queue(struct queue *, const struct args *,
		    const char *, size_t *);
static int	queue_admin_run(const struct args *, struct conf *);

/*
 * No -C, no user configuration, no system configuration (bote's or
 * msmtp's): mailq then lists the default queue without complaining
 * (sendmail's mailq works on a system with no configuration).
 */
int
queue_no_config(const struct args *a)
{
	char		 path[PATH_MAX];

	if (a->conf_file != NULL || args_override(a, "host") != NULL ||
	    !conffiles_msmtp())
		return 0;
	/* No bote file: msmtp's, if any, are read instead (conffiles.c). */
	if (access(conffiles_msmtp_system(), F_OK) == 0 || errno != ENOENT)
		return 0;
	return conffiles_msmtp_user(path, sizeof(path)) == -1 ||
	    (access(path, F_OK) == -1 && errno == ENOENT);
}

/* The queue directives (bote.conf(5)): queue, queue_dir, queue_max_age. */
int
queue_enabled(const struct account *a, const struct args *args)
{
	return a->queue && !args->no_queue;
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

int
queue_message(struct conf *c, struct account *a,
    const struct args *args, const struct smtp_opts *op,
    const struct outmsg *m, const char *sender,
    const struct addrlist *rcpts, const struct outcome *why, long long uid,
    char *id, size_t idsz)
{
	struct queue	*q = NULL;
	struct qsubmit	 s;
	struct qconf	 qc;
	struct qent	 e;
	struct outcome	 o;
	char		 dir[PATH_MAX];
	int		 st = EX_TEMPFAIL;

	qent_init(&e);
	memset(&qc, 0, sizeof(qc));
	if (idsz > 0)
		id[0] = '\0';
	if (queue_dirname(a, dir, sizeof(dir)) == -1) {
		say("cannot queue the message: no queue directory (set "
		    "queue_dir, or HOME)");
		goto out;
	}
	/* Which files: a queue run delivers it through the same account. */
	if (conffiles_record(c, args, &qc) == -1) {
		say("cannot queue the message: cannot record its "
		    "configuration files: %s", strerror(errno));
		if (errno == E2BIG)
			st = EX_CONFIG;
		goto out;
	}
	memset(&s, 0, sizeof(s));
	s.account = a->name;
	s.conf = &qc;
	s.msg = m;
	s.sender = sender;
	s.rcpts = rcpts->v;
	s.nrcpts = rcpts->n;
	s.dsn_notify = op->dsn_notify;
	s.dsn_return = op->dsn_return;
	s.dsn_envid = op->dsn_envid;
	if ((q = queue_open(dir, 1, &o)) == NULL ||
	    queue_enqueue(q, &s, (uid_t)uid, why, &e, &o) == -1) {
		say("cannot queue the message: %s", o.why);
		/* Retrying cannot help a message over the queue's caps. */
		if (o.kind == OUT_DATAERR)
			st = EX_DATAERR;
		goto out;
	}
	st = EX_OK;
	/* Callers pass QUEUE_IDLEN + 1: no id rather than a cut one. */
	if (xstrlcpy(id, e.id, idsz) == -1 && idsz > 0)
		id[0] = '\0';
	if (why != NULL && outcome_setup_class(why) != SETUP_NONE)
		say("queued as %s: %s; account %s delivered through this "
		    "server before, so the server changed: will retry (bote "
		    "-q), and says so on each run until fixed", e.id, e.error,
		    a->name);
	else if (why != NULL)
		say("queued as %s: %s; will retry (bote -q)%s", e.id, e.error,
		    e.maybe_sent ? "; it may have been delivered already" :
		    "");
	else if (args->deliver == 'b')
		background(q, c, a, args, &qc, e.id);
	else if (args->verbose)
		say("queued as %s", e.id);
out:
	qconf_free(&qc);
	qent_free(&e);
	queue_close(q);
	return st;
}

/* Routine notes for a person: on a terminal, or with -v. */
int
queue_loud(const struct args *args)
{
	return args->verbose || isatty(STDERR_FILENO);
}

/* A run's settings from the command line, with this file's hooks. */
static void
run_opts(struct qrun_opts *ro, struct conf *c, const struct args *args,
    struct words *w)
{
	memset(ro, 0, sizeof(*ro));
	ro->conf = c;
	ro->now = clock_now();
	ro->cache_dir = session_cache_dir();
	if (args->verbose)
		ro->trace = report_trace;
	w->args = args;
	w->tty = queue_loud(args);
	ro->hooks.arg = w;
	ro->hooks.account = hook_account;
	ro->hooks.password = hook_password;
	ro->hooks.attempt = hook_attempt;
	ro->hooks.delivered = hook_delivered;
	ro->hooks.deferred = hook_deferred;
	ro->hooks.given_up = hook_given_up;
	ro->hooks.unreadable = hook_unreadable;
	ro->hooks.relay_passed = hook_relay_passed;
	ro->hooks.local_error = hook_local_error;
	ro->hooks.ended = hook_ended;
}

/*
 * A queued message's account (bote.1, QUEUE): from the files its entry
 * names, read again once per run for all of their messages (an entry
 * from before bote recorded them the runner gives the run's own).
 */
static int
hook_account(void *arg, const struct qent *e, struct account **a,
    struct conf **c, char *why, size_t whylen)
{
	struct words	*w = arg;
	struct loaded	*l;

	if (w->own_qc != NULL && qconf_same(&e->conf, w->own_qc) &&
	    strcmp(e->account, w->own_a->name) == 0) {
		*a = w->own_a;
		*c = w->own_c;
		return 0;
	}
	for (l = w->loaded; l != NULL; l = l->next)
		if (strcmp(l->account, e->account) == 0 &&
		    qconf_same(&l->qc, &e->conf))
			break;
	if (l == NULL) {
		if ((l = calloc(1, sizeof(*l))) == NULL ||
		    (l->account = strdup(e->account)) == NULL ||
		    qconf_copy(&l->qc, &e->conf) == -1) {
			if (l != NULL) {
				free(l->account);
				qconf_free(&l->qc);
			}
			free(l);
			whyf(why, whylen, "out of memory");
			return -1;
		}
		l->next = w->loaded;
		w->loaded = l;
		if (conffiles_reload(&l->qc, l->account, &l->c, &l->a,
		    l->why, sizeof(l->why)) == -1)
			l->a = NULL;
	}
	if (l->a == NULL) {
		whyf(why, whylen, "%s", l->why);
		return -1;
	}
	*a = l->a;
	*c = l->c;
	return 0;
}

static void
words_free(struct words *w)
{
	struct loaded	*l;

	while ((l = w->loaded) != NULL) {
		w->loaded = l->next;
		free(l->account);
		qconf_free(&l->qc);
		conf_free(l->c);
		free(l);
	}
}

static int
hook_password(void *arg, const struct account *a, char **pass, char *why,
    size_t whylen, const char *id, size_t n)
{
	char	 note[128];
	int	 rc;

	(void)arg;
	/* A prompt during -q says which messages it is for. */
	if (n == 1)
		/* 16 hex digits and the words fit in 128. */
		(void)xsnprintf(note, sizeof(note), "queued message %s", id);
	else
		/* 16 hex digits, a count and the words fit in 128. */
		(void)xsnprintf(note, sizeof(note), "%zu queued messages, "
		    "%s first", n, id);
	session_prompt_for(note);
	rc = session_password(a, pass, why, whylen);
	session_prompt_for(NULL);
	/* SESSION_LATER too: the entries wait, with why. */
	return rc != 0 ? -1 : 0;
}

/* msmtp's logfile and syslog: one line per attempt. */
static void
hook_attempt(void *arg, const struct account *a, const struct qent *e,
    const struct outcome *o)
{
	(void)arg;
	log_attempt_queued(a, e->sender, e->rcpts, e->nrcpts, e->out.size, o,
	    e->id, exit_status(o), e->uid, e->created);
}

static void
hook_delivered(void *arg, const struct qent *e, const char *rmwhy)
{
	struct words	*w = arg;

	if (rmwhy != NULL)
		say("%s: delivered, but %s", e->id, rmwhy);
	if (e->maybe_sent)
		say_log(LOG_WARNING, "%s: delivered; an earlier attempt "
		    "may have delivered it already", e->id);
	else if (w->args->verbose)
		say("%s: delivered", e->id);
}

static void
hook_deferred(void *arg, const struct qent *e, const char *why,
    const struct outcome *o)
{
	struct words	*w = arg;
	const char	*adv = diagnose(o), *sep = "; ";

	if (adv == NULL)
		adv = sep = "";
	/*
	 * Only what a retry cannot fix needs a person: a configuration
	 * error (the password cannot be had, the account is gone), or a
	 * server that changed (its certificate, AUTH refused).
	 */
	if ((o->kind == OUT_CONFIG || outcome_setup_class(o) != SETUP_NONE) &&
	    !w->quiet)
		say_log(LOG_ERR, "%s: deferred: %s%s%s", e->id, why, sep, adv);
	else if (w->tty && !w->quiet)
		say_log(LOG_NOTICE, "%s: deferred: %s%s%s", e->id, why, sep,
		    adv);
	else
		syslog_only(LOG_NOTICE, "%s: deferred: %s%s%s", e->id, why, sep,
		    adv);
}

static void
hook_given_up(void *arg, const struct qent *e, const char *dir,
    enum qbounce b, const char *why)
{
	const char	*err = e->error ? e->error : "";

	(void)arg;
	switch (b) {
	case QB_SENT:
		say_log(LOG_NOTICE, "%s: given up (%s); bounce sent to <%s>",
		    e->id, err, e->sender);
		break;
	case QB_NULL_SENDER:
		say_log(LOG_ERR, "%s: given up (%s); no bounce to the null "
		    "sender; the message is in %s/failed", e->id, err, dir);
		break;
	case QB_CALLER:
		/* --batch says it on the terminal; the log keeps it. */
		syslog_only(LOG_ERR, "%s: refused (%s); the message is in "
		    "%s/failed", e->id, err, dir);
		break;
	case QB_NO_ACCOUNT:
	case QB_FAILED:
		say_log(LOG_ERR, "%s: given up (%s); the bounce to <%s> could "
		    "not be sent (%s); the message is in %s/failed", e->id,
		    err, e->sender, b == QB_NO_ACCOUNT ? "no such account" :
		    why, dir);
		break;
	}
}

static void
hook_relay_passed(void *arg, const struct relay *r,
    const struct relay *next, const struct outcome *o)
{
	struct words	*w = arg;

	if (!w->quiet)
		report_relay_passed(r, next, o, w->args->verbose);
}

static void
hook_unreadable(void *arg, const char *id, const char *why)
{
	struct words	*w = arg;

	if (!w->quiet)
		say_log(LOG_ERR, "%s: cannot read the queue entry: %s", id,
		    why);
}

/*
 * --batch's counts, from the hook the run calls in this process for
 * every entry, those sent by a parallel session's child too.
 */
static void
hook_ended(void *arg, const char *id, enum qfate fate,
    const struct outcome *o, const char *why)
{
	const struct batch_tell	*t = ((struct words *)arg)->tell;

	if (t == NULL)
		return;
	if (o != NULL)
		t->attempt(t->arg, id, exit_status(o));
	switch (fate) {
	case QF_SENT:
		t->sent(t->arg, id);
		break;
	case QF_DEFERRED:
		t->deferred(t->arg, id, why != NULL ? why : "");
		break;
	case QF_GIVEN_UP:
		t->refused(t->arg, id, why != NULL ? why : "");
		break;
	}
}

static void
hook_local_error(void *arg, const char *id, const char *why)
{
	(void)arg;
	if (id != NULL)
		say_log(LOG_ERR, "%s: %s", id, why);
	else
		say_log(LOG_ERR, "%s", why);
}

/*
 * -odb: the message is queued; a child process detached from the
 * caller's session delivers it while the parent exits 0 at once.
 */
static void
background(struct queue *q, struct conf *c, struct account *a,
    const struct args *args, const struct qconf *qc, const char *id)
{
	struct qrun_opts ro;
	struct words	 w;
	struct qrun	*r;
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
	memset(&w, 0, sizeof(w));
	run_opts(&ro, c, args, &w);
	w.quiet = 1;
	own_config(&ro, &w, qc, c, a);
	ro.force = 1;
	ro.sel_id = id;
	if ((r = qrun_new(q, &ro)) != NULL)
		qrun_one(r, id);
	qrun_free(r);
	words_free(&w);
	_exit(0);
}

/*
 * After a send and for -odb: only the messages of the account just used,
 * in the files just read (no other file's account of that name), which
 * the run takes from this process rather than reading them again.
 */
static void
own_config(struct qrun_opts *ro, struct words *w, const struct qconf *qc,
    struct conf *c, struct account *a)
{
	w->own_qc = qc;
	w->own_c = c;
	w->own_a = a;
	ro->only_account = a->name;
	ro->only_conf = qc;
}

void
queue_after_send(struct conf *c, struct account *a,
    const struct args *args, struct smtp *sess, struct smtp_opts *op)
{
	struct qrun_opts ro;
	struct qconf	 qc;
	struct words	 w;
	struct queue	*q;
	struct qrun	*r;
	struct outcome	 o;
	char		 dir[PATH_MAX];

	if (!queue_enabled(a, args) || queue_dirname(a, dir,
	    sizeof(dir)) == -1)
		return;
	if ((q = queue_open(dir, 0, &o)) == NULL)
		return;
	if (conffiles_record(c, args, &qc) == -1) {
		queue_close(q);
		return;
	}
	memset(&w, 0, sizeof(w));
	run_opts(&ro, c, args, &w);
	w.quiet = 1;
	own_config(&ro, &w, &qc, c, a);
	if ((r = qrun_new(q, &ro)) != NULL) {
		/* The session that just sent, still open: no new connection. */
		qrun_lend(r, a, sess, op);
		qrun_flush(r);
	}
	qrun_free(r);
	words_free(&w);
	qconf_free(&qc);
	queue_close(q);
}

void
queue_run_ids(struct queue *q, struct conf *c, struct account *a,
    const struct args *args, const struct qconf *qc, char *const *ids,
    size_t n, const struct batch_tell *t, struct qrun_stats *st)
{
	struct qrun_opts ro;
	struct words	 w;
	struct qrun	*r;

	memset(&w, 0, sizeof(w));
	memset(st, 0, sizeof(*st));
	run_opts(&ro, c, args, &w);
	/* The caller sums up: deferrals go to syslog, not a line each. */
	w.quiet = 1;
	w.tell = t;
	/* The caller is there and says it; the sender gets no bounce. */
	ro.no_bounce = 1;
	own_config(&ro, &w, qc, c, a);
	ro.force = 1;
	if ((r = qrun_new(q, &ro)) == NULL) {
		say("out of memory");
		st->local_err = 1;
	} else {
		qrun_ids(r, ids, n);
		*st = *qrun_stats(r);
	}
	qrun_free(r);
	words_free(&w);
}

/*
 * -q, -qR<rcpt>, -qI<id>, -qS<sender>: every selected message now, as
 * postqueue -f does; --due (the timer's and cron's run) and sendmail's
 * -q<interval> only those whose backoff has expired. 0, or -1 after
 * saying why (a usage error).
 */
static int
queue_arg(const struct args *args, struct qrun_opts *ro)
{
	const char	*qa = args->queue_arg ? args->queue_arg : "";

	ro->force = !args->due;
	if (qa[0] == 'R' || qa[0] == 'I' || qa[0] == 'S') {
		if (qa[1] == '\0') {
			say("-q%c needs a string to match", qa[0]);
			return -1;
		}
		if (qa[0] == 'R')
			ro->sel_rcpt = qa + 1;
		else if (qa[0] == 'S')
			ro->sel_sender = qa + 1;
		else
			ro->sel_id = qa + 1;
	} else if (qa[0] != '\0' && strspn(qa, "0123456789smhdw") ==
	    strlen(qa)) {
		say("bote runs no daemon: -q%s runs the queue once, honouring "
		    "the backoff (as --due); run bote -q --due from cron or a "
		    "timer (see bote.1, QUEUE)", qa);
		ro->force = 0;
	} else if (qa[0] != '\0' && strcmp(qa, "f") != 0) {
		say("-q%.32s is not supported: use -q, -qR<recipient>, "
		    "-qS<sender> or -qI<queue id>", qa);
		return -1;
	}
	return 0;
}

/* What --delete, --hold and --release did to one entry, in words. */
static int
admin_said(const char *id, int op, enum qadmin_result rc, const char *why)
{
	switch (rc) {
	case QAR_DONE:
		say_log(LOG_INFO, "%s: %s", id, op == 'd' ? "deleted" :
		    op == 'h' ? "held" : "released");
		return EX_OK;
	case QAR_ALREADY:
		say("%s: %s", id, op == 'h' ? "already held" : "not held");
		return EX_OK;
	case QAR_GONE:
		return EX_NOINPUT;
	case QAR_BUSY:
		say("%s: being delivered now; try again", id);
		return EX_TEMPFAIL;
	case QAR_ERROR:
		say_log(LOG_ERR, "%s: %s", id, why);
		return EX_TEMPFAIL;
	}
	return EX_SOFTWARE;
}

/*
 * --delete, --hold, --release ID|ALL in one queue: the entries' exit
 * status (the worst), EX_NOINPUT when ID is not there; *n counts them.
 */
static int
admin_queue(struct queue *q, const struct args *args, const char *id,
    size_t *n)
{
	enum qadmin	  op = args->admin == 'd' ? QA_DELETE :
			    args->admin == 'h' ? QA_HOLD : QA_RELEASE;
	struct outcome	  o;
	char		**ids = NULL, why[512];
	size_t		  nids = 0, i;
	int		  st = EX_OK, r;

	if (id != NULL)
		return admin_said(id, args->admin, queue_admin(q, op, id,
		    clock_now(), why, sizeof(why)), why);
	if (queue_ids(q, 0, &ids, &nids, &o) == -1) {
		say_log(LOG_ERR, "%s", o.why);
		return EX_TEMPFAIL;
	}
	for (i = 0; i < nids; i++) {
		r = admin_said(ids[i], args->admin, queue_admin(q, op, ids[i],
		    clock_now(), why, sizeof(why)), why);
		if (r == EX_NOINPUT)
			continue;
		(*n)++;
		if (r != EX_OK)
			st = r;
	}
	queue_ids_free(ids, nids);
	return st;
}

/* --delete, --hold, --release ID|ALL, in every queue of c (postsuper). */
static int
queue_admin_run(const struct args *args, struct conf *c)
{
	struct queue	 *q;
	struct outcome	  o;
	char		**dirs = NULL, id[QUEUE_IDLEN + 1];
	size_t		  ndirs = 0, i, n = 0;
	int		  all, st = EX_NOINPUT, r;

	all = strcmp(args->admin_id, "ALL") == 0;
	/* Ids are upper-case hex; mailq's may have been typed in lower. */
	for (i = 0; !all && i < QUEUE_IDLEN && args->admin_id[i] != '\0'; i++)
		id[i] = (char)toupper((unsigned char)args->admin_id[i]);
	id[i] = '\0';
	if (!all && (args->admin_id[i] != '\0' || !queue_valid_id(id))) {
		say("not a queue id (16 hexadecimal digits, as bote -bp shows "
		    "them) nor ALL");
		return EX_USAGE;
	}
	if (queue_dirnames(c, &dirs, &ndirs) == -1) {
		say("out of memory");
		return EX_OSERR;
	}
	for (i = 0; i < ndirs && (all || st == EX_NOINPUT); i++) {
		if ((q = queue_open(dirs[i], 0, &o)) == NULL)
			continue;
		r = admin_queue(q, args, all ? NULL : id, &n);
		if (st == EX_NOINPUT || r != EX_OK)
			st = r;
		queue_close(q);
	}
	for (i = 0; i < ndirs; i++)
		free(dirs[i]);
	free(dirs);
	if (all && st == EX_NOINPUT)
		st = EX_OK;
	if (!all && st == EX_NOINPUT)
		say("%s: no such message in the queue", id);
	else if (all && n == 0)
		say("the queue is empty: no message %s", args->admin == 'd' ?
		    "deleted" : args->admin == 'h' ? "held" : "released");
	return st;
}

/* Cron mails whatever is said: a summary only for a person (-v, a tty). */
static void
summary(const struct words *w, const struct qrun_stats *t)
{
	if (!w->tty)
		return;
	if (t->queued == 0)
		say("the queue is empty: nothing to deliver");
	else if (t->due == 0 && t->held > 0)
		say("nothing to deliver: %zu message%s queued, %zu held "
		    "(bote --release ID sends one again)", t->queued,
		    t->queued == 1 ? "" : "s", t->held);
	else if (t->due == 0)
		say("nothing to deliver now: %zu message%s queued, none due "
		    "yet (bote -bp shows when; bote -q sends them now)",
		    t->queued, t->queued == 1 ? "" : "s");
	else if (t->held > 0)
		say("%zu delivered, %zu deferred, %zu given up, %zu held",
		    t->sent, t->deferred, t->failed, t->held);
	else
		say("%zu delivered, %zu deferred, %zu given up", t->sent,
		    t->deferred, t->failed);
}

int
mode_queue_run(const struct args *args, struct conf *c)
{
	struct qrun_opts	  ro;
	struct qrun_stats	  t;
	struct words		  w;
	struct outcome		  o;
	struct queue		 *q;
	struct qrun		 *r;
	char			**dirs = NULL;
	size_t			  n = 0, i;

	if (args->admin != 0)
		return queue_admin_run(args, c);
	memset(&w, 0, sizeof(w));
	memset(&t, 0, sizeof(t));
	run_opts(&ro, c, args, &w);
	if (queue_arg(args, &ro) == -1)
		return EX_USAGE;
	if (queue_dirnames(c, &dirs, &n) == -1) {
		say("out of memory");
		return EX_OSERR;
	}
	for (i = 0; i < n && !bote_interrupted; i++) {
		if ((q = queue_open(dirs[i], 0, &o)) == NULL) {
			if (errno != ENOENT) {
				say_log(LOG_ERR, "%s", o.why);
				t.local_err = 1;
			}
			continue;
		}
		ro.now = clock_now();
		if ((r = qrun_new(q, &ro)) == NULL) {
			say("out of memory");
			t.local_err = 1;
		} else {
			qrun_flush(r);
			t.queued += qrun_stats(r)->queued;
			t.due += qrun_stats(r)->due;
			t.sent += qrun_stats(r)->sent;
			t.deferred += qrun_stats(r)->deferred;
			t.failed += qrun_stats(r)->failed;
			t.held += qrun_stats(r)->held;
			t.local_err |= qrun_stats(r)->local_err;
		}
		qrun_free(r);
		queue_close(q);
	}
	for (i = 0; i < n; i++)
		free(dirs[i]);
	free(dirs);
	words_free(&w);
	summary(&w, &t);
	if (bote_interrupted)
		return EX_TEMPFAIL;
	return t.local_err ? EX_TEMPFAIL : EX_OK;
}
