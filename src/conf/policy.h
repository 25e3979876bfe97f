/*
 * The sending policy of an account (bote.conf(5), Sending policy): rate
 * (messages per minute or per hour) and max_per_session (transactions
 * on one connection), as providers limit them (Microsoft 365: 30
 * messages a minute). The queue keeps the pacing state (pace.h).
 */
#ifndef BOTE_POLICY_H
#define BOTE_POLICY_H

#include <stdint.h>

#include "conf/conf.h"

#define RATE_MAX	100000	/* messages in a rate's unit */
#define PER_SESSION_MAX	100000
/*
 * max_sessions: the queue runner's concurrent sessions per account. The
 * default stays within the strictest large provider's limit (Microsoft
 * 365: 3 concurrent connections per mailbox).
 */
#define SESSIONS_DEFAULT	3
#define SESSIONS_MAX		32

/*
 * A rate, "N/min" or "N/hour" (also "N/m", "N/minute", "N/h"), N from
 * 1 to RATE_MAX: the least interval between two messages in
 * milliseconds (a minute or an hour divided by N), or -1 when s is none
 * of these.
 */
int64_t	policy_rate_ms(const char *s);

/* The account's rate interval in milliseconds; 0: no rate set. */
int64_t	policy_interval_ms(const struct account *a);

/* The account's max_per_session; 0: no limit. */
int	policy_per_session(const struct account *a);

/* The account's max_sessions (SESSIONS_DEFAULT when not set). */
int	policy_sessions(const struct account *a);

/* conf_check's part: both values well-formed, errors at their lines. */
int	policy_check(struct conf *c, struct account *a);

#endif
