/*
 * The --serverinfo probe: greeting, EHLO, STARTTLS, EHLO, QUIT against
 * the account's server, collecting what it says about itself and its
 * certificate. It never authenticates and never sends mail. The driver
 * (cli/serverinfo.c) prints the result.
 */
#ifndef BOTE_PROBE_H
#define BOTE_PROBE_H

#include "base/outcome.h"
#include "smtp/reply.h"
#include "smtp/smtp.h"
#include "net/tls.h"

struct probe_info {
	int		have_greeting;
	struct reply	greeting;
	int		have_ehlo[2];	/* [0] before TLS, [1] after it */
	struct reply	ehlo[2];
	int		tls;		/* a TLS session was established */
	struct tls_info	tlsinfo;
	int		verdict;	/* TLS_VERIFY_*, when tls */
	char		verify_why[OUTCOME_WHYMAX];
};

/*
 * Probe the server of op (host, port, tls, starttls, helo, timeout_s,
 * tlso, trace; the auth fields are ignored). info is filled as far as
 * the dialogue got, even on failure; a certificate that fails
 * verification is still described, and then nothing more is sent.
 * Returns 0, or -1 with *o saying what failed (OUT_TLS for a failed
 * verification).
 */
int	probe_run(const struct smtp_opts *op, struct probe_info *info,
	    struct outcome *o);

#endif
