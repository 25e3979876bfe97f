/*
 * The queue as the driver uses it (bote.1, QUEUE): queueing a message
 * bote could not send now, -bp/mailq, -q, -odb, the maildrop. Where a
 * queue is and the runner are engine code (src/queue/runner.h).
 */
#ifndef BOTE_QUEUECLI_H
#define BOTE_QUEUECLI_H

#include <stddef.h>

#include "conf/conf.h"
#include "msg/addr.h"
#include "queue/queue.h"
#include "queue/runner.h"
#include "smtp/smtp.h"

#include "args.h"

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
 * NULL for -odq/-odb), submitted by the user with that uid: durable on
 * return. Prints "queued as ID: ...".
 * The queue id goes in id (idsz >= QUEUE_IDLEN + 1; "" when not
 * queued). Returns the exit status: 0, or 75 (EX_TEMPFAIL) when it could
 * not be queued (after saying why), or 65 (EX_DATAERR) when it never can
 * be (over the queue's caps). With -odb, a child process then
 * tries to deliver it and the parent returns at once.
 */
int	 queue_message(struct conf *, struct account *,
	    const struct args *, const struct smtp_opts *,
	    const struct outmsg *, const char *sender,
	    const struct addrlist *rcpts, const struct outcome *why,
	    long long uid, char *id, size_t idsz);

/*
 * After a successful send: deliver the account's due queued messages
 * too, over the same session (sess, with its options op; it stays open
 * for the caller to close), so that a cron job's next mail drains the
 * queue.
 */
void	 queue_after_send(struct conf *, struct account *,
	    const struct args *, struct smtp *sess, struct smtp_opts *op);

/*
 * Whether a queue run says what went well too (a terminal, or -v);
 * otherwise only what needs a person reaches standard error.
 */
int	 queue_loud(const struct args *);

/* What a --batch run tells of each of its entries (batch.c). */
struct batch_tell {
	void	*arg;
	void	(*sent)(void *arg, const char *id);
	/* An attempt ended with this exit status (the log's line). */
	void	(*attempt)(void *arg, const char *id, int st);
	/* It stays queued (why: the error it keeps). */
	void	(*deferred)(void *arg, const char *id, const char *why);
	/* Refused for good: given up as a queue run does (bounced). */
	void	(*refused)(void *arg, const char *id, const char *why);
};

/*
 * --batch: deliver the entries ids[0..n) of q, just queued from account
 * a of c (its files qc), in one run (qrun_ids), telling t of each; what
 * the run did in *st.
 */
void	 queue_run_ids(struct queue *q, struct conf *c, struct account *a,
	    const struct args *args, const struct qconf *qc,
	    char *const *ids, size_t n, const struct batch_tell *t,
	    struct qrun_stats *st);

/* -bp, mailq (conf may be NULL: the default queue) and -q. */
int	 mode_queue_list(const struct args *, struct conf *);
int	 mode_queue_run(const struct args *, struct conf *);

#endif
