/*
 * The queue runner's state (runner.c), shared with parallel.c, which
 * runs an account's messages over several sessions at once.
 */
#ifndef BOTE_RUNNER_INT_H
#define BOTE_RUNNER_INT_H

#include <stdio.h>

#include "queue/runner.h"

struct qrun {
	struct queue		*q;
	struct qrun_opts	 ro;
	struct qrun_stats	 st;
	/*
	 * One session per account for all of its messages (RSET between
	 * transactions is smtp_tx's). A lent one is the caller's.
	 */
	struct smtp		*sess;
	const struct account	*sess_acct;
	struct smtp_opts	*op;		/* the session's options */
	struct smtp_opts	 own_op;
	char			*pass;
	int			 own_ready;	/* own_op and pass are set */
	/*
	 * Relay failover: the account's relays, the one the session went
	 * to, and the fallback accounts' options as they were needed.
	 */
	struct relays		 rl;
	size_t			 used;
	size_t			 skip;		/* relays failed this run */
	const struct qent	*sess_e;	/* what the session opens for */
	struct {
		const struct account	*acct;
		struct smtp_opts	 op;
		char			*pass;
	}			 fb[RELAY_MAX];
	size_t			 nfb;
	int			 own_sess;	/* close it when done */
	int			 sess_failed;	/* could not open: sess_o */
	int			 sess_n;	/* transactions on it so far */
	struct outcome		 sess_o;
	size_t			 group_n;	/* the account's selected */
	/*
	 * The messages whose transactions are in flight on the session
	 * (smtp_tx_start), oldest at fh, each still locked; the session
	 * takes no more once stop is set (a rate limit, a lost one).
	 */
	struct flight {
		struct qent		 e;
		struct qlock		*l;
		const struct account	*a;
		struct conf		*c;
		int			 again;	/* sent again once */
	}			 fl[SMTP_PIPE_MAX];
	size_t			 fh, fn;
	/*
	 * Messages that never left, their transactions in flight behind one
	 * that ended the session: they go again over a new one (resend()),
	 * as they would have one at a time. Still locked.
	 */
	struct flight		 again[SMTP_PIPE_MAX + 1];
	size_t			 nagain;
	int			 resending;
	int			 stop;
	struct outcome		 stop_o;
	/*
	 * In a parallel session's child (parallel.c): where hooks.ended's
	 * calls go, for the parent to make after the child is done.
	 */
	FILE			*ended_to;
};

/* One hooks.ended call as a child records it for its parent. */
struct ended_rec {
	char		id[QUEUE_IDLEN + 1];
	int		fate;		/* enum qfate */
	int		has_o;
	struct outcome	o;
	char		why[OUTCOME_TEXTMAX + 600];
};

/* runner.c */
void	runner_ended(struct qrun *, const char *id, enum qfate,
	    const struct outcome *, const char *why);
void	runner_flush_one(struct qrun *, const char *id);
void	runner_session_end(struct qrun *);
int	runner_open(struct qrun *, const char *id, struct outcome *);
int	runner_resolve(struct qrun *, const struct qent *, struct account **,
	    struct conf **, char *, size_t);
int	runner_relay_opts(void *, const struct account *, struct smtp_opts **,
	    struct outcome *);

/*
 * parallel.c: the entries ids[0..n) of one group (one account of one
 * configuration), over up to its max_sessions sessions at once: the
 * caller's process takes a share, child processes the others.
 */
void	runner_group(struct qrun *, char *const *ids, size_t n);

#endif
