/*
 * A port spoken to in the wrong TLS mode, and certificates only a change
 * of configuration can make acceptable: how the SMTP client (smtp.c) and
 * the --serverinfo probe (probe.c) tell them, in words and as
 * o->setup (outcome.h).
 */
#ifndef BOTE_TLSMODE_H
#define BOTE_TLSMODE_H

#include <stdint.h>

#include "base/outcome.h"
#include "smtp/smtp.h"

struct io;
struct tls;

/*
 * How long a server that speaks first in clear may keep silent before
 * bote asks whether the port speaks TLS at once instead. Silence alone
 * proves nothing: Postfix's postscreen may hold the greeting back for 6
 * seconds (postscreen_greet_wait), a server may look the client's name
 * up first. So the question is put to the port on a second connection,
 * and the answer (within TLSMODE_PROBE_MS) decides.
 */
#define TLSMODE_QUIET_MS	3000
#define TLSMODE_PROBE_MS	5000

/*
 * Before reading the greeting in clear (tls_starttls on, or tls off) on
 * io, due by deadline: when nothing has come after TLSMODE_QUIET_MS, a
 * second connection to the same address sends a TLS ClientHello and
 * nothing else (tls_sniff), and is closed. Returns -1 with *o set
 * (OUT_TLS, PH_TLS, SETUP_TLSMODE) when the port answered it with TLS
 * while the first connection stayed silent; else 0, and the greeting is
 * read as usual (it may have come meanwhile).
 */
int	tlsmode_greeting(struct io *io, const struct smtp_opts *op,
	    int64_t deadline, struct outcome *o);

/*
 * The outcome of a TLS session on op's server that failed with why (a
 * handshake, or a report_only verification): OUT_TLS at PH_TLS, with
 * o->setup SETUP_CERT for a certificate no setting of ours accepts yet,
 * SETUP_TLSMODE when TLS at once (starttls 0) met a server that speaks
 * SMTP first, and words that say which setting to change.
 */
void	tlsmode_failed(struct tls *t, const struct smtp_opts *op,
	    int starttls, const char *why, struct outcome *o);

#endif
