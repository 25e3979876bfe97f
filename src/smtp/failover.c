/*
 * Relay failover (failover.h): the session open, tried relay by relay.
 * smtp.c knows nothing of it but failover_s, the cap on each wait while
 * another relay remains.
 */
#include <string.h>

#include "base/util.h"
#include "smtp/failover.h"

static int	worth_next(const struct outcome *);

/*
 * Whether the next relay may help: the failure was this server's, before
 * the session was open, and not a refusal for good. A signal is a person
 * or the system stopping bote: no next relay then.
 */
static int
worth_next(const struct outcome *o)
{
	if (bote_interrupted)
		return 0;
	switch (o->phase) {
	case PH_CONNECT:
	case PH_GREETING:
	case PH_EHLO:
	case PH_STARTTLS:
	case PH_TLS:
		break;
	default:
		return 0;
	}
	if (o->kind == OUT_NOHOST || o->setup == SETUP_CERT ||
	    o->setup == SETUP_TLSMODE)
		return 1;
	return outcome_temporary(o);
}

struct smtp *
smtp_open_failover(const struct relays *rl, const struct failover_hooks *h,
    const struct outmsg *first, size_t *used, struct outcome *o)
{
	struct smtp_opts	*op;
	struct outcome		 setup;
	struct smtp		*s = NULL;
	size_t			 i, setup_i = 0;

	memset(&setup, 0, sizeof(setup));
	memset(o, 0, sizeof(*o));
	*used = 0;
	for (i = 0; i < rl->n; i++) {
		*used = i;
		if (h->opts(h->arg, rl->r[i].acct, &op, o) == -1)
			break;
		op->host = rl->r[i].host;
		op->failover_s = i + 1 < rl->n ?
		    rl->r[i].acct->failover_timeout : 0;
		s = first != NULL ? smtp_open_for(op, first, o) :
		    smtp_open(op, o);
		/* The next transactions have the RFC's patience. */
		op->failover_s = 0;
		if (s != NULL || i + 1 == rl->n || !worth_next(o))
			break;
		if (outcome_setup_class(o) != SETUP_NONE &&
		    setup.kind == OUT_OK) {
			setup = *o;
			setup_i = i;
		}
		if (h->passed != NULL)
			h->passed(h->arg, &rl->r[i], &rl->r[i + 1], o);
	}
	/* A certificate or TLS mode wrong somewhere says most. */
	if (s == NULL && setup.kind != OUT_OK) {
		*o = setup;
		*used = setup_i;
	}
	return s;
}
