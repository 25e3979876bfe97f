/*
 * Relay failover (bote.conf(5), RELAY FAILOVER): the servers an account
 * may deliver through, in the order they are tried. A host line may name
 * several hosts separated by commas (same port, TLS and AUTH), and
 * fallback_accounts names further accounts of the same file, each with
 * its own TLS, pin and AUTH. An account with one host and no
 * fallback_accounts has one relay: what it always meant.
 */
#ifndef BOTE_RELAYS_H
#define BOTE_RELAYS_H

#include <stddef.h>

#include "conf/conf.h"

#define RELAY_MAX	16	/* relays of one account, fallbacks included */
#define RELAY_HOSTMAX	256	/* octets of one host name, NUL included */

struct relay {
	const struct account	*acct;	/* whose port, TLS and AUTH apply */
	char			 host[RELAY_HOSTMAX];
};

struct relays {
	struct relay	r[RELAY_MAX];
	size_t		n;
};

/*
 * The relays of account a of c: each host of its host line in order,
 * then those of each of its fallback_accounts in order (their own
 * fallback_accounts are not followed: one level, so no loop can form).
 * 0, or -1 with why (a name c does not hold, an empty host, too many).
 */
int	relay_list(struct conf *c, const struct account *a,
	    struct relays *rl, char *why, size_t whylen);

/* Whether a has more than one relay (a host list or fallbacks). */
int	relay_several(const struct account *a);

/*
 * conf_check's part: every fallback account exists in the file that
 * defines a, is not a, and passes conf_check's other checks itself.
 * Errors go to c->errs at the fallback_accounts line; -1 when any.
 */
int	relay_check(struct conf *c, struct account *a);

#endif
