/*
 * What "temporary" means (outcome.h): the one rule behind exit status 75
 * (cli/exitmap.c) and behind every decision to keep a message and try
 * again (the queue runner, -bs).
 */
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
