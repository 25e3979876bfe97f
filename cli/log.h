/*
 * msmtp's logging directives (bote.conf.5, LOGGING): one line per
 * submission attempt appended to the account's logfile and/or sent to
 * syslog, in msmtp's form or (log_format postfix) as Postfix's qmgr and
 * smtp lines. Never a password, never the message.
 */
#ifndef BOTE_LOG_H
#define BOTE_LOG_H

#include <sys/types.h>

#include "conf/conf.h"
#include "base/outcome.h"

/*
 * Log one attempt of account a: envelope sender from, its recipients,
 * the message size, the engine's outcome o, the queue id when the
 * message is (or was) in the queue, else NULL, and the exit status bote
 * gives (status), and the uid of the user who submitted the message
 * (another user's is logged as uid=N). A log file that cannot be opened
 * or written is one warning on standard error and changes nothing else.
 */
void	log_attempt(const struct account *a, const char *from,
	    char *const *rcpts, size_t nrcpts, off_t size,
	    const struct outcome *o, const char *queued, int status,
	    long long uid);

/*
 * log_attempt for a queued message created then (seconds since the
 * epoch): Postfix's delay= counts from its arrival, not from this run.
 */
void	log_attempt_queued(const struct account *a, const char *from,
	    char *const *rcpts, size_t nrcpts, off_t size,
	    const struct outcome *o, const char *queued, int status,
	    long long uid, long long created);

#endif
