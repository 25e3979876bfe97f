/* The exit status table of DESIGN.md, row by row. */
#include <string.h>
#include <sysexits.h>

#include "exitmap.h"
#include "tap.h"

static int
st(enum outcome_kind k, enum smtp_phase ph, int code, const char *enh,
    int accepted)
{
	struct outcome	o;

	memset(&o, 0, sizeof(o));
	o.kind = k;
	o.phase = ph;
	o.code = code;
	strlcpy(o.enh, enh, sizeof(o.enh));
	o.accepted = accepted;
	return exit_status(&o);
}

#define R(ph, code, enh)	st(OUT_REPLY, ph, code, enh, 0)

/*
 * 75 and outcome_temporary() (the queue's and -bs's "temporary") never
 * disagree: every kind, with replies across the code range, in every
 * phase, with and without accepted recipients.
 */
static void
agree(void)
{
	static const int codes[] = { 0, 221, 250, 354, 421, 450, 451, 452,
	    454, 500, 535, 550, 552, 554, 600 };
	struct outcome	o;
	size_t		i;
	int		k, ph, acc, bad = 0, n = 0;

	for (k = OUT_OK; k <= OUT_SOFTWARE; k++)
		for (ph = PH_NONE; ph <= PH_QUIT; ph++)
			for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
				for (acc = 0; acc < 2; acc++) {
					memset(&o, 0, sizeof(o));
					o.kind = (enum outcome_kind)k;
					o.phase = (enum smtp_phase)ph;
					o.code = codes[i];
					o.accepted = acc;
					n++;
					if ((exit_status(&o) == EX_TEMPFAIL) !=
					    (outcome_temporary(&o) == 1))
						bad++;
				}
	is_int(bad, 0, "75 exactly when outcome_temporary() (%d cases)", n);
}

int
main(void)
{
	is_int(st(OUT_OK, PH_EOD, 250, "2.0.0", 1), EX_OK, "2yz to EOD: 0");

	/* Every 4yz and 421, wherever it comes. */
	is_int(R(PH_GREETING, 421, ""), EX_TEMPFAIL, "421 greeting: 75");
	is_int(R(PH_EHLO, 451, ""), EX_TEMPFAIL, "451 EHLO: 75");
	is_int(R(PH_AUTH, 454, "4.7.0"), EX_TEMPFAIL, "454 AUTH: 75");
	is_int(R(PH_AUTH, 432, "4.7.12"), EX_TEMPFAIL, "432 AUTH: 75");
	is_int(R(PH_MAIL, 452, "4.3.1"), EX_TEMPFAIL, "452 MAIL: 75");
	is_int(R(PH_RCPT, 450, "4.2.0"), EX_TEMPFAIL, "450 RCPT: 75");
	is_int(R(PH_DATA, 421, "4.4.2"), EX_TEMPFAIL, "421 DATA: 75");
	is_int(R(PH_EOD, 451, "4.3.0"), EX_TEMPFAIL, "451 EOD: 75");
	is_int(st(OUT_REPLY, PH_RCPT, 552, "5.2.2", 1), EX_TEMPFAIL,
	    "552 RCPT after one accepted: 75");
	is_int(st(OUT_REPLY, PH_RCPT, 552, "", 0), EX_UNAVAILABLE,
	    "552 RCPT first, no enhanced code: 69");
	is_int(st(OUT_TEMP, PH_CONNECT, 0, "", 0), EX_TEMPFAIL,
	    "connection refused: 75");
	is_int(st(OUT_TLS, PH_STARTTLS, 502, "5.5.1", 0), EX_TEMPFAIL,
	    "STARTTLS 502 is a TLS failure: 75");
	is_int(st(OUT_MAYBE_SENT, PH_EOD, 0, "", 1), EX_TEMPFAIL,
	    "lost after dot: 75");
	is_int(st(OUT_TEMPLOCAL, PH_NONE, 0, "", 0), EX_TEMPFAIL,
	    "spool cannot be written: 75");

	/* 5yz with an enhanced status code. */
	is_int(R(PH_RCPT, 550, "5.1.0"), EX_NOUSER, "5.1.0: 67");
	is_int(R(PH_RCPT, 550, "5.1.1"), EX_NOUSER, "5.1.1: 67");
	is_int(R(PH_RCPT, 550, "5.1.6"), EX_NOUSER, "5.1.6: 67");
	is_int(R(PH_RCPT, 550, "5.1.2"), EX_NOHOST, "5.1.2: 68");
	is_int(R(PH_MAIL, 553, "5.1.3"), EX_DATAERR, "5.1.3: 65");
	is_int(R(PH_MAIL, 553, "5.1.7"), EX_DATAERR, "5.1.7: 65");
	is_int(R(PH_MAIL, 550, "5.1.8"), EX_UNAVAILABLE, "5.1.8: 69");
	is_int(R(PH_EHLO, 502, "5.5.1"), EX_PROTOCOL, "5.5.1: 76");
	is_int(R(PH_EOD, 554, "5.6.0"), EX_DATAERR, "5.6.0: 65");
	is_int(R(PH_RCPT, 550, "5.7.1"), EX_NOPERM, "5.7.1: 77");
	is_int(R(PH_AUTH, 535, "5.7.8"), EX_NOPERM, "535 5.7.8: 77");
	is_int(R(PH_EOD, 554, "5.3.4"), EX_UNAVAILABLE, "5.3.4: 69");
	is_int(R(PH_RCPT, 550, "5.1.10"), EX_UNAVAILABLE, "5.1.10: 69");

	/* 5yz without one. */
	is_int(R(PH_RCPT, 550, ""), EX_NOUSER, "RCPT 550: 67");
	is_int(R(PH_RCPT, 551, ""), EX_NOUSER, "RCPT 551: 67");
	is_int(R(PH_RCPT, 553, ""), EX_NOUSER, "RCPT 553: 67");
	is_int(R(PH_MAIL, 550, ""), EX_UNAVAILABLE, "MAIL 550: 69");
	is_int(R(PH_AUTH, 534, ""), EX_NOPERM, "AUTH 534: 77");
	is_int(R(PH_AUTH, 535, ""), EX_NOPERM, "AUTH 535: 77");
	is_int(R(PH_AUTH, 538, ""), EX_NOPERM, "AUTH 538: 77");
	is_int(R(PH_EHLO, 500, ""), EX_PROTOCOL, "500: 76");
	is_int(R(PH_MAIL, 502, ""), EX_PROTOCOL, "502: 76");
	is_int(R(PH_DATA, 503, ""), EX_PROTOCOL, "503: 76");
	is_int(R(PH_AUTH, 504, ""), EX_PROTOCOL, "504: 76");
	is_int(R(PH_MAIL, 501, ""), EX_DATAERR, "MAIL 501: 65");
	is_int(R(PH_RCPT, 501, ""), EX_DATAERR, "RCPT 501: 65");
	is_int(R(PH_EHLO, 501, ""), EX_UNAVAILABLE, "EHLO 501: 69");
	is_int(R(PH_GREETING, 554, ""), EX_UNAVAILABLE, "greeting 554: 69");
	is_int(R(PH_EOD, 554, ""), EX_UNAVAILABLE, "EOD 554: 69");
	is_int(R(PH_RCPT, 550, "4.1.1"), EX_NOUSER,
	    "a 4.x.x code on a 5yz is not taken: RCPT 550 rule: 67");

	/* The other rows. */
	is_int(st(OUT_PROTO, PH_EHLO, 0, "", 0), EX_PROTOCOL, "malformed: 76");
	is_int(st(OUT_NOAUTH, PH_AUTH, 0, "", 0), EX_UNAVAILABLE,
	    "AUTH not offered: 69");
	is_int(st(OUT_TOOBIG, PH_MAIL, 0, "", 0), EX_UNAVAILABLE,
	    "over SIZE: 69");
	is_int(st(OUT_USAGE, PH_NONE, 0, "", 0), EX_USAGE, "usage: 64");
	is_int(st(OUT_DATAERR, PH_NONE, 0, "", 0), EX_DATAERR, "NUL: 65");
	is_int(st(OUT_CONFIG, PH_NONE, 0, "", 0), EX_CONFIG, "config: 78");
	is_int(st(OUT_IOERR, PH_NONE, 0, "", 0), EX_IOERR, "stdin: 74");
	is_int(st(OUT_OSERR, PH_NONE, 0, "", 0), EX_OSERR, "resource: 71");
	is_int(st(OUT_SOFTWARE, PH_NONE, 0, "", 0), EX_SOFTWARE,
	    "invariant: 70");
	is_int(st(OUT_NOHOST, PH_CONNECT, 0, "", 0), EX_NOHOST,
	    "unknown host: 68");
	is_int(R(PH_DATA, 250, ""), EX_PROTOCOL,
	    "a 2yz where 354 was due: 76");
	agree();
	return done_testing();
}
