/*
 * The queue as the driver uses it (bote.1, QUEUE): where it is, queueing
 * a message bote could not send now, -bp/mailq, -q, -odb.
 */
#ifndef BOTE_QUEUECLI_H
#define BOTE_QUEUECLI_H

#include "msg/addr.h"
#include "args.h"
#include "conf/conf.h"
#include "smtp/smtp.h"

#include <time.h>

/* No -C and no configuration file at all (mailq then needs none). */
int	 queue_no_config(const struct args *);

/* Whether messages of this account are queued (queue on, no --no-queue). */
int	 queue_enabled(const struct account *, const struct args *);

/*
 * The directory to spool standard input into: the queue's tmp/ when the
 * queue is on and can be created (so the spool is linked into it without
 * copying), else spool_dir().
 */
const char *queue_spool_dir(const struct account *, const struct args *);

/*
 * Queue the message bote could not send (why: the temporary failure, or
 * NULL for -odq/-odb): durable on return. Prints "queued as ID: ...".
 * Returns the exit status: 0, or 75 (EX_TEMPFAIL) when it could not be
 * queued (after saying why). With -odb, a child process then tries to
 * deliver it and the parent returns at once.
 */
int	 queue_message(struct conf *, const struct account *,
	    const struct args *,
	    const struct smtp_opts *, const struct outmsg *,
	    const char *sender, const struct addrlist *rcpts,
	    const struct outcome *why);

/*
 * After a successful send: deliver the account's due queued messages
 * too, over the same session (sess, with its options op; it stays open
 * for the caller to close), so that a cron job's next mail drains the
 * queue.
 */
void	 queue_after_send(struct conf *, const struct account *,
	    const struct args *, struct smtp *sess, struct smtp_opts *op);

/*
 * The account's queue directory (a NULL account: the default one):
 * queue_dir, else /var/spool/bote for root, else $XDG_STATE_HOME/bote/
 * queue. -1 when there is none (no HOME) or it is too long.
 */
int	 queue_dirname(const struct account *, char *, size_t);

/*
 * The distinct queue directories of the configuration's accounts (the
 * default one first); *dirs malloc'd (free each and the vector).
 */
int	 queue_dirnames(struct conf *, char ***dirs, size_t *n);

/* -bp, mailq (conf may be NULL: the default queue) and -q. */
int	 mode_queue_list(const struct args *, struct conf *);
int	 mode_queue_run(const struct args *, struct conf *);

/*
 * The maildrop (maildrop.c). maildrop_wanted: not root, no -C, no user
 * configuration, the system one unreadable and a maildrop set up; then
 * maildrop_submit drops the message there (returns the exit status).
 * maildrop_pickup (root, from -q): queue every dropped message of q's
 * maildrop. maildrop_setup: --setup-maildrop.
 */
struct queue;
struct qent;

/* One line for an outcome: the server's reply, else what bote saw. */
void	 queue_describe(const struct outcome *, char *, size_t);

/*
 * Send the notice for e (its message e->out, fd set) to its sender
 * through account a, from the null sender; the spool for it goes in
 * tmpdir. 0, or -1 with o->why.
 */
int	 queue_bounce(const struct account *a, const char *tmpdir,
	    const struct qent *e, struct outcome *o);

int	 maildrop_wanted(const struct args *);
int	 maildrop_submit(const struct args *);
void	 maildrop_pickup(struct queue *, const struct args *);
int	 maildrop_setup(struct conf *);

#endif
