/*
 * Relay failover (bote.conf(5), RELAY FAILOVER): open a session with the
 * first relay of a list (relays.h) that can take mail now. The loop is
 * above the session's own set-up: each relay is a whole session open,
 * with its own account's TLS checks, pin and AUTH.
 */
#ifndef BOTE_FAILOVER_H
#define BOTE_FAILOVER_H

#include <stddef.h>

#include "conf/relays.h"
#include "smtp/smtp.h"

struct failover_hooks {
	void	*arg;
	/*
	 * The session options for account a (its password obtained), kept
	 * by the caller until the session ends: 0 with *op, or -1 with *o
	 * (that relay is not tried; nothing further is either).
	 */
	int	(*opts)(void *arg, const struct account *a,
		    struct smtp_opts **op, struct outcome *o);
	/*
	 * Relay r failed with o and the next one is tried now: the caller
	 * tells the person (always for a setup failure, a certificate or a
	 * TLS mode, which must never go unnoticed; under -v otherwise).
	 */
	void	(*passed)(void *arg, const struct relay *r,
		    const struct relay *next, const struct outcome *o);
};

/*
 * Open a session with the first relay of rl that takes mail, trying the
 * next one when a relay cannot be reached or fails before the session is
 * open: connection refused or timed out, host not found, a 4yz or 421
 * greeting or EHLO, STARTTLS refused or missing, a TLS handshake that
 * fails, a certificate or TLS mode that does not match (each relay's own
 * TLS checks apply; the next relay never sees what this one should have
 * received). Not on a refusal for good (5yz greeting), AUTH refused or
 * anything after the session is open: those are the message's or the
 * account's, and another relay would say the same. Every relay but the
 * last gets its account's failover_timeout per wait (failover_s).
 * first: as smtp_open_for (NULL: as smtp_open). Returns the session
 * with *used its index in rl, or NULL with *o: the first setup failure
 * met, else the last relay's failure (the one that says most), *used
 * its relay.
 */
struct smtp	*smtp_open_failover(const struct relays *rl,
		    const struct failover_hooks *h,
		    const struct outmsg *first, size_t *used,
		    struct outcome *o);

#endif
