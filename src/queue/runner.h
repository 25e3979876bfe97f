/*
 * The queue policy (bote.1, QUEUE) as engine code that every mode calls:
 * where an account's queue is, queueing a message, and the runner that
 * delivers what is due (bote -q, -odb, the drain after a send), with its
 * retry rule, its backoff, one session per account, the give-up after
 * queue_max_age and the bounce to the sender (bounce.c).
 *
 * The engine never prints: what happens is told through struct
 * qrun_hooks, which the driver turns into words, log lines and syslog.
 * The password, which may have to be asked for on a terminal, comes
 * through a hook too.
 */
#ifndef BOTE_RUNNER_H
#define BOTE_RUNNER_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "base/outcome.h"
#include "conf/conf.h"
#include "msg/outmsg.h"
#include "queue/queue.h"
#include "conf/relays.h"
#include "smtp/smtp.h"

/*
 * The account's queue directory (a NULL account: the default one):
 * queue_dir, else /var/spool/bote for root, else $XDG_STATE_HOME/bote/
 * queue, else ~/.local/state/bote/queue. -1 when there is none (no
 * HOME) or it is too long.
 */
int	queue_dirname(const struct account *, char *, size_t);

/*
 * The distinct queue directories of the configuration's accounts (the
 * default one first); *dirs malloc'd (free each and the vector).
 */
int	queue_dirnames(struct conf *, char ***dirs, size_t *n);

/*
 * The record that account a has delivered through its server (name,
 * host and port): left in the queue directory after every message the
 * server accepted, directly or from the queue, when the account queues.
 */
int	queue_known(const struct account *a);
/*
 * The same name for another record of account a: dir gets DIR, name
 * "sub/HASH" (pace.c keeps the account's pacing there). -1: no queue
 * directory.
 */
int	queue_acct_file(const struct account *a, const char *sub, char *dir,
	    size_t dirsz, char *name, size_t namesz);
void	queue_mark_known(const struct account *a);	/* best effort */

/* What a failed attempt at a new message means (bote.1, QUEUE). */
enum qverdict {
	QV_SENT,	/* it did not fail */
	QV_QUEUE,	/* worth retrying: queue it (when the account does) */
	QV_SETUP,	/*
			 * only a configuration change can fix it, and the
			 * account has never delivered through that server
			 * (or does not queue): fail at once, queue nothing
			 */
	QV_FAIL		/* refused for good */
};

/*
 * A temporary failure is worth retrying; a setup failure (outcome.h,
 * outcome_setup_class()) is when the account has delivered through that
 * server before (the server changed: Postfix's soft bounce), else it is
 * the person setting up who must hear of it; anything else is final.
 */
enum qverdict queue_verdict(const struct account *a,
	    const struct outcome *o);

/* One line for an outcome: the server's reply, else what bote saw. */
void	queue_describe(const struct outcome *, char *, size_t);

/* What is queued: the message as it goes out and its envelope. */
struct qsubmit {
	const char		*account;	/* the account's name */
	const struct qconf	*conf;		/* where it is defined */
	const struct outmsg	*msg;		/* fd: the spool */
	const char		*sender;	/* "" for the null sender */
	char *const		*rcpts;
	size_t			 nrcpts;
	int			 dsn_notify;	/* DSN_* bits */
	int			 dsn_return;	/* enum dsn_return */
	const char		*dsn_envid;	/* or NULL */
};

/*
 * Queue s, submitted by uid, in q. why: the temporary failure of the
 * first attempt (the entry then waits queue_backoff(1)), or NULL (due
 * now: -odq, -odb). Durable on return 0, with e filled (e->id, e->error;
 * qent_free() it); -1 with *o (why set) otherwise.
 */
int	queue_enqueue(struct queue *q, const struct qsubmit *s, uid_t uid,
	    const struct outcome *why, struct qent *e, struct outcome *o);

/* How a given-up entry's sender was told (qrun_hooks.given_up). */
enum qbounce {
	QB_SENT,		/* a bounce went to the sender */
	QB_NULL_SENDER,		/* none: the null sender gets none */
	QB_NO_ACCOUNT,		/* none: the account is gone */
	QB_CALLER,		/* none: the caller tells (no_bounce) */
	QB_FAILED		/* it could not be sent: why */
};

/* Where an entry is after a run's attempt (qrun_hooks.ended). */
enum qfate {
	QF_SENT,
	QF_DEFERRED,		/* still queued */
	QF_GIVEN_UP		/* moved to failed/ */
};

/* What a run tells its caller as it happens; any hook may be NULL. */
struct qrun_hooks {
	void	*arg;
	/*
	 * The password for account a, which may be asked for on a
	 * terminal: 0 with *pass NULL (none needed, or the configuration
	 * holds it) or a secret the runner frees with secret_free();
	 * -1 with why (the entries of a are deferred with it). id is the
	 * message the session opens for and n how many of a's messages
	 * this run sends over it (a prompt says which they are).
	 */
	int	(*password)(void *arg, const struct account *a, char **pass,
		    char *why, size_t whylen, const char *id, size_t n);
	/*
	 * The account e was queued under, from the configuration e->conf
	 * names, read again now: 0 with *a and *c (the configuration
	 * holding it, for conf_check(); both the hook's, kept until the
	 * run ends), or -1 with why (a file is gone or has errors, the
	 * account is no longer in it): the entry waits with that reason.
	 * Not called for an entry that records no file (written before
	 * bote recorded them), nor when NULL: ro.conf by account name.
	 */
	int	(*account)(void *arg, const struct qent *e,
		    struct account **a, struct conf **c, char *why,
		    size_t whylen);
	/* An attempt for e through a ended with o (the log's line). */
	void	(*attempt)(void *arg, const struct account *a,
		    const struct qent *e, const struct outcome *o);
	/*
	 * e was delivered; e->maybe_sent: an earlier attempt may have
	 * delivered it too. rmwhy: it could not be removed, or NULL.
	 */
	void	(*delivered)(void *arg, const struct qent *e,
		    const char *rmwhy);
	/*
	 * e stays queued for a later run; why: the error it keeps, o: the
	 * attempt's outcome (OUT_CONFIG: a person must change something).
	 */
	void	(*deferred)(void *arg, const struct qent *e, const char *why,
		    const struct outcome *o);
	/* e moved to dir/failed; how the sender was told (why: QB_FAILED). */
	void	(*given_up)(void *arg, const struct qent *e, const char *dir,
		    enum qbounce, const char *why);
	/*
	 * Relay failover: relay r failed with o before its session was
	 * open, and next is tried now (failover.h).
	 */
	void	(*relay_passed)(void *arg, const struct relay *r,
		    const struct relay *next, const struct outcome *o);
	/* The entry id could not be read (one that is gone is not told). */
	void	(*unreadable)(void *arg, const char *id, const char *why);
	/* The queue could not be read or written (id NULL: the queue's). */
	void	(*local_error)(void *arg, const char *id, const char *why);
	/*
	 * The run is done with entry id: sent, deferred or given up (why:
	 * the error it keeps); o: its attempt's outcome, or NULL when none
	 * was made (the account's pace, queue_max_age passed). Unlike the
	 * hooks above, which are called in the process that did the work,
	 * this one is always called in the caller's: for the entries a
	 * parallel session's child process ended (max_sessions), after
	 * that child is done. A caller that keeps counts keeps them here.
	 */
	void	(*ended)(void *arg, const char *id, enum qfate,
		    const struct outcome *o, const char *why);
};

/* One run's settings. */
struct qrun_opts {
	struct conf		*conf;		/* NULL: every account gone */
	time_t			 now;
	int			 force;		/* ignore the backoff */
	const char		*sel_rcpt;	/* -qR: a recipient with it */
	const char		*sel_id;	/* -qI: an id with it */
	const char		*sel_sender;	/* -qS: a sender with it */
	/* After a send, -odb: only that account of that configuration. */
	const char		*only_account;
	const struct qconf	*only_conf;
	const char		*cache_dir;	/* TLS session cache, or NULL */
	/*
	 * --batch: a message refused for good is not bounced; the caller,
	 * who is there, reports it (hooks.ended), as a direct send would.
	 */
	int			 no_bounce;
	/* -v: the dialogue (smtp_opts.trace), or NULL. */
	void			(*trace)(void *, int, const char *, size_t);
	void			*trace_arg;
	struct qrun_hooks	 hooks;
};

/* What a run did. */
struct qrun_stats {
	size_t	queued;		/* entries seen (flush) */
	size_t	due;		/* tried or given up */
	size_t	sent;
	size_t	deferred;
	size_t	failed;		/* given up */
	size_t	held;		/* selected but held (--hold) */
	int	local_err;	/* the queue could not be read or written */
};

struct qrun;

/* A runner over q (which stays the caller's). NULL: out of memory. */
struct qrun	*qrun_new(struct queue *q, const struct qrun_opts *);

/*
 * Lend the runner the open session sess (with its options op) that has
 * just delivered for account a: a's entries go over it, and it stays
 * open for the caller to close. When it breaks, a's remaining entries
 * wait for the next run.
 */
void		 qrun_lend(struct qrun *, const struct account *a,
		    struct smtp *sess, struct smtp_opts *op);

/*
 * Every selected entry that is due (or every selected one with force),
 * account by account, one session each; debris is swept first. A held
 * entry is never sent nor given up, whatever selects it.
 */
void		 qrun_flush(struct qrun *);

/*
 * qrun_flush over the entries ids[0..n) of q only (--batch: the messages
 * it queued), grouped and sent the same way.
 */
void		 qrun_ids(struct qrun *, char *const *ids, size_t n);

/* The entry id alone, whatever its account (-odb). */
void		 qrun_one(struct qrun *, const char *id);

const struct qrun_stats *qrun_stats(const struct qrun *);

/* Queue administration by id, as postsuper(1) does it. */
enum qadmin {
	QA_DELETE,		/* removed: no failed/, no bounce */
	QA_HOLD,		/* kept, never sent until released */
	QA_RELEASE		/* due at once again */
};

/* What queue_admin() did. */
enum qadmin_result {
	QAR_DONE,
	QAR_ALREADY,		/* already held, or not held */
	QAR_GONE,		/* no such entry in this queue */
	QAR_BUSY,		/* being delivered now: try again */
	QAR_ERROR		/* unreadable or unwritable: why */
};

/*
 * Apply op to the entry id of q, under the entry's lock; now is when a
 * released entry becomes due.
 */
enum qadmin_result queue_admin(struct queue *q, enum qadmin op,
	    const char *id, time_t now, char *why, size_t whylen);

/* Close the runner's own session (not a lent one); NULL is a no-op. */
void		 qrun_free(struct qrun *);

/*
 * The session options for account a with password pass (NULL: the
 * account's password line) and the TLS session cache in cache_dir; no
 * DSN request of the command line's, no trace. Pure.
 */
void	qrun_smtp_opts(struct smtp_opts *, const struct account *a,
	    const char *pass, const char *cache_dir);

/*
 * The delivery failure notice for e (given up, error in e->error) in
 * plain text, CRLF lines: from account a's address to e's sender,
 * quoting the header of the message as it would have gone out (e->out,
 * fd set). now and host say when and where. *text malloc'd. 0, or -1
 * with why.
 */
int	queue_bounce_text(const struct account *a, const struct qent *e,
	    time_t now, const char *host, char **text, size_t *len,
	    char *why, size_t whylen);

/*
 * Send that notice through account a from the null sender, its spool
 * in tmpdir, the password from ro's hook. 0, or -1 with o->why.
 */
int	queue_bounce(const struct account *a, const char *tmpdir,
	    const struct qent *e, const struct qrun_opts *ro,
	    struct outcome *o);

#endif
