/*
 * Outcome to exit status: the table in DESIGN.md (Contracts, Exit
 * status), documented in bote.1, EXIT STATUS. 0 only when the server
 * took the message; every condition worth retrying is EX_TEMPFAIL, and
 * which ones those are outcome_temporary() alone decides.
 */
#include <sysexits.h>

#include "exitmap.h"

static int	reply_status(const struct outcome *);
static int	enhanced_status(const char *);

int
exit_status(const struct outcome *o)
{
	if (o->kind == OUT_OK)
		return EX_OK;
	if (outcome_temporary(o))
		return EX_TEMPFAIL;
	switch (o->kind) {
	case OUT_OK:
	case OUT_TEMP:
	case OUT_TLS:
	case OUT_MAYBE_SENT:
	case OUT_TEMPLOCAL:
		/* outcome_temporary() took them. */
		break;
	case OUT_REPLY:
		return reply_status(o);
	case OUT_PROTO:
		return EX_PROTOCOL;
	case OUT_NOAUTH:
	case OUT_TOOBIG:
		return EX_UNAVAILABLE;
	case OUT_NOHOST:
		return EX_NOHOST;
	case OUT_DATAERR:
		return EX_DATAERR;
	case OUT_USAGE:
		return EX_USAGE;
	case OUT_CONFIG:
		return EX_CONFIG;
	case OUT_IOERR:
		return EX_IOERR;
	case OUT_OSERR:
		return EX_OSERR;
	case OUT_SOFTWARE:
		break;
	}
	return EX_SOFTWARE;
}

int
exit_setup(const struct outcome *o)
{
	switch (outcome_setup_class(o)) {
	case SETUP_CERT:
		return EX_CONFIG;
	case SETUP_TLSMODE:
		return EX_PROTOCOL;
	default:
		return exit_status(o);
	}
}

static int
reply_status(const struct outcome *o)
{
	int	st;

	/* The 4yz and the 552 to retry are outcome_temporary()'s. */
	if (o->code < 500 || o->code > 599)
		return EX_PROTOCOL;	/* a 2yz or 3yz where none fits */
	if ((st = enhanced_status(o->enh)) != -1)
		return st;
	switch (o->code) {
	case 550:
	case 551:
	case 553:
		if (o->phase == PH_RCPT)
			return EX_NOUSER;
		break;
	case 534:
	case 535:
	case 538:
		if (o->phase == PH_AUTH)
			return EX_NOPERM;
		break;
	case 500:
	case 502:
	case 503:
	case 504:
		return EX_PROTOCOL;
	case 501:
		if (o->phase == PH_MAIL || o->phase == PH_RCPT)
			return EX_DATAERR;
		break;
	}
	return EX_UNAVAILABLE;
}

/* RFC 3463 class 5 codes; -1 when enh is not one. */
static int
enhanced_status(const char *enh)
{
	int	subject = -1, detail = -1;
	const char *p = enh;

	if (p[0] != '5' || p[1] != '.')
		return -1;
	p += 2;
	for (subject = 0; *p >= '0' && *p <= '9' && subject < 1000; p++)
		subject = subject * 10 + (*p - '0');
	if (*p++ != '.')
		return -1;
	for (detail = 0; *p >= '0' && *p <= '9' && detail < 1000; p++)
		detail = detail * 10 + (*p - '0');
	if (*p != '\0')
		return -1;
	switch (subject) {
	case 1:
		if (detail == 0 || detail == 1 || detail == 6)
			return EX_NOUSER;
		if (detail == 2)
			return EX_NOHOST;
		if (detail == 3 || detail == 7)
			return EX_DATAERR;
		return EX_UNAVAILABLE;
	case 5:
		return EX_PROTOCOL;
	case 6:
		return EX_DATAERR;
	case 7:
		return EX_NOPERM;
	}
	return EX_UNAVAILABLE;
}
