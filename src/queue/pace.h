/*
 * Pacing (bote.conf(5), Sending policy): an account's messages start at
 * least its rate's interval apart, and a server's rate-limit refusal
 * ("421 4.7.0 too many messages") spaces them further, adaptively, for
 * every bote process that sends for the account (a direct send beside a
 * queue run). The state is a file of the account's queue directory.
 */
#ifndef BOTE_PACE_H
#define BOTE_PACE_H

#include <stdint.h>

#include "base/outcome.h"
#include "conf/conf.h"

/*
 * The longest bote waits for a slot in a run or a send; a message whose
 * slot is later waits in the queue instead (a minute: short enough that
 * a caller, or a session held open meanwhile, does not notice).
 */
#define PACE_WAIT_MAX_MS	(60 * 1000)
/* What a server's rate-limit refusal spaces messages by, at first, at most. */
#define PACE_BACKOFF_MIN_MS	(10 * 1000)
#define PACE_BACKOFF_MAX_MS	(30 * 60 * 1000)

enum pace {
	PACE_NOW,	/* go, after *wait_ms (at most PACE_WAIT_MAX_MS) */
	PACE_LATER	/* the slot is *wait_ms away: leave it queued */
};

/*
 * Take account a's next sending slot. PACE_NOW reserves it (the caller
 * waits *wait_ms first, often 0); PACE_LATER reserves nothing. An
 * account with no rate and no refusal to remember has no state and is
 * never held back; nor is one whose state cannot be read or written.
 */
enum pace	pace_take(const struct account *a, int64_t *wait_ms);

/*
 * The server refused with a rate limit (pace_refusal): the interval
 * learnt for a doubles (from PACE_BACKOFF_MIN_MS, or twice the rate's,
 * up to PACE_BACKOFF_MAX_MS), and its next slot is that far away.
 */
void		pace_refused(const struct account *a);

/* A message went: the interval learnt shrinks by a quarter, to none. */
void		pace_accepted(const struct account *a);

/*
 * Whether o is a server's rate limit, "slow down" rather than "no": an
 * enhanced status 4.3.2 (too many connections or submissions), or a
 * 4yz or 5yz reply whose text says too many connections or messages, too
 * much mail, a rate, quota or sending limit, or throttling (Gmail's
 * "550 5.4.5 Daily user sending quota exceeded", Microsoft 365's
 * "554 5.2.0 ... SubmissionQuotaExceededException").
 */
int		pace_refusal(const struct outcome *o);

/* Sleep ms milliseconds, or until a termination signal. */
void		pace_sleep(int64_t ms);

#endif
