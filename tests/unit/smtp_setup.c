/*
 * smtp_setup: a test driver that shows what the engine says about a
 * session that cannot be set up, o->setup included (outcome.h), which
 * bote itself turns into exit statuses and words (cli/). Run by
 * tests/tlsmode.bats and tests/tls.bats against the Postfix testbed and
 * the scripted server. Not a TAP test.
 *
 *   smtp_setup [-S] [-m starttls|tls|plain] [-T trust_file]
 *              [-o tls_host_override] [-f tls_fingerprint] [-t timeout]
 *              PORT
 *
 * Opens a session to 127.0.0.1:PORT without AUTH (smtp_open; -S: the
 * --serverinfo probe instead), sends QUIT, and prints three lines:
 * "kind N", "setup NAME" (SETUP_NONE, SETUP_CERT, SETUP_TLSMODE, ...) and
 * "why TEXT". The trace goes to standard error. Exits 0 when the session
 * opened, 1 when it did not, 64 for bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtp/probe.h"
#include "smtp/smtp.h"
#include "base/util.h"

static const char *const setup_names[] = {
	[SETUP_NONE] = "SETUP_NONE",
	[SETUP_CERT] = "SETUP_CERT",
	[SETUP_TLSMODE] = "SETUP_TLSMODE",
	[SETUP_AUTH] = "SETUP_AUTH",
	[SETUP_NOMECH] = "SETUP_NOMECH",
	[SETUP_TOOBIG] = "SETUP_TOOBIG",
};

static void
trace(void *arg, int dir, const char *line, size_t len)
{
	(void)arg;
	fprintf(stderr, "%c %.*s\n", dir, (int)len, line);
}

int
main(int argc, char **argv)
{
	struct smtp_opts	 op;
	struct probe_info	*info;
	struct outcome		 o;
	struct smtp		*s = NULL;
	const char		*errstr, *mode = "starttls";
	int			 ch, serverinfo = 0, rc;

	memset(&op, 0, sizeof(op));
	op.host = "127.0.0.1";
	op.auth = AUTHM_OFF;
	op.helo = "client.test";
	op.trace = trace;
	while ((ch = getopt(argc, argv, "Sm:T:o:f:t:")) != -1) {
		switch (ch) {
		case 'S':
			serverinfo = 1;
			break;
		case 'm':
			mode = optarg;
			break;
		case 'T':
			op.tlso.trust_file = optarg;
			break;
		case 'o':
			op.tlso.host_override = optarg;
			break;
		case 'f':
			op.tlso.fingerprint = optarg;
			break;
		case 't':
			op.timeout_s = (int)strtonum(optarg, 1, 3600, &errstr);
			if (errstr != NULL)
				return 64;
			break;
		default:
			return 64;
		}
	}
	if (argc - optind != 1)
		return 64;
	op.port = (int)strtonum(argv[optind], 1, 65535, &errstr);
	if (errstr != NULL)
		return 64;
	op.tls = strcmp(mode, "plain") != 0;
	op.starttls = strcmp(mode, "starttls") == 0;
	op.tlso.port = op.port;
	memset(&o, 0, sizeof(o));
	if (serverinfo) {
		if ((info = calloc(1, sizeof(*info))) == NULL)
			return 71;
		rc = probe_run(&op, info, &o);
		free(info);
	} else {
		s = smtp_open(&op, &o);
		rc = s != NULL ? 0 : -1;
		smtp_close(s);
	}
	printf("kind %d\nsetup %s\nwhy %s\n", (int)o.kind,
	    setup_names[outcome_setup_class(&o)], o.why);
	return rc == 0 ? 0 : 1;
}
