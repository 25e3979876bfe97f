/*
 * What "temporary" means (outcome.h): the one rule behind exit status 75
 * (cli/exitmap.c) and behind every decision to keep a message and try
 * again (the queue runner, -bs).
 */
#include <string.h>

#include "base/outcome.h"

int
outcome_temporary(const struct outcome *o)
{
	switch (o->kind) {
	case OUT_TEMP:
	case OUT_TLS:
	case OUT_MAYBE_SENT:
	case OUT_TEMPLOCAL:
		return 1;
	case OUT_REPLY:
		/* Any 4yz, 421 included (RFC 5321 4.2.1). */
		if (o->code >= 400 && o->code < 500)
			return 1;
		/* A full mailbox after some recipients took it: retry. */
		return o->code == 552 && o->phase == PH_RCPT &&
		    o->accepted > 0;
	default:
		return 0;
	}
}

enum outcome_setup
outcome_setup_class(const struct outcome *o)
{
	if (o->setup != SETUP_NONE)
		return o->setup;
	switch (o->kind) {
	case OUT_NOAUTH:
		return SETUP_NOMECH;
	case OUT_TOOBIG:
		return SETUP_TOOBIG;
	case OUT_REPLY:
		break;
	default:
		return SETUP_NONE;
	}
	if (o->code < 500 || o->code > 599)
		return SETUP_NONE;
	if (o->phase == PH_AUTH && (o->code == 534 || o->code == 535 ||
	    o->code == 538 || strcmp(o->enh, "5.7.8") == 0))
		return SETUP_AUTH;
	/* RFC 1870: 552 to MAIL or end-of-data; RFC 3463 5.3.4. */
	if (strcmp(o->enh, "5.3.4") == 0 || (o->code == 552 &&
	    (o->phase == PH_MAIL || o->phase == PH_EOD)))
		return SETUP_TOOBIG;
	return SETUP_NONE;
}
