/*
 * Telling the TLS mode a port speaks (tlsmode.h). A server on a port of
 * implicit TLS (465) waits for the client's ClientHello and says
 * nothing; a server on a submission port (587, 25) greets in clear
 * first. Asked the wrong way, each waits for the other: bote would wait
 * for a greeting until its deadline (300 s), or read a greeting as a TLS
 * record. Both are told here within seconds, and named as the setting to
 * change; nothing of the message or the credentials is ever sent.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "net/io.h"
#include "net/net.h"
#include "net/tls.h"
#include "smtp/tlsmode.h"
#include "base/util.h"

static void	trace(const struct smtp_opts *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

int
tlsmode_greeting(struct io *io, const struct smtp_opts *op,
    int64_t deadline, struct outcome *o)
{
	const char	*name;
	int64_t		 quiet = now_ms() + TLSMODE_QUIET_MS, end;
	int		 fd, rc;

	/* Not worth it when the greeting is due before the question. */
	if (quiet >= deadline || io_readable(io, quiet) != 0)
		return 0;
	/*
	 * A second connection from the same address would reach the
	 * proxy, not the server, and tell nothing about the server's port.
	 */
	if (op->proxy_host != NULL && op->socket == NULL)
		return 0;
	trace(op, "no greeting after %d s; checking whether port %d speaks "
	    "TLS at once", TLSMODE_QUIET_MS / 1000, op->port);
	end = now_ms() + TLSMODE_PROBE_MS;
	if (end > deadline)
		end = deadline;
	if ((fd = net_connect_again(io_fd(io), end)) == -1) {
		trace(op, "cannot open a second connection: %s; waiting for "
		    "the greeting", errno == ETIMEDOUT ? "timed out" :
		    strerror(errno));
		return 0;
	}
	name = op->tlso.host_override != NULL ? op->tlso.host_override :
	    op->host;
	rc = tls_sniff(fd, name, end, io_fd(io));
	close(fd);
	if (rc == TLS_SNIFF_WATCH) {
		trace(op, "the greeting came meanwhile");
		return 0;
	}
	if (rc != TLS_SNIFF_TLS) {
		trace(op, "port %d does not answer with TLS; waiting for the "
		    "greeting", op->port);
		return 0;
	}
	trace(op, "port %d answered with TLS: it speaks TLS at once",
	    op->port);
	outcome_set(o, OUT_TLS, PH_TLS, "port %d speaks TLS at once "
	    "(implicit TLS), not %s: set %stls_starttls off", op->port,
	    op->tls ? "SMTP with STARTTLS" : "plain SMTP", op->tls ? "" :
	    "tls on and ");
	o->setup = SETUP_TLSMODE;
	return -1;
}

void
tlsmode_failed(struct tls *t, const struct smtp_opts *op, int starttls,
    const char *why, struct outcome *o)
{
	enum tls_failure	f = tls_failure(t);

	if (f == TLS_FAIL_SMTP && !starttls) {
		outcome_set(o, OUT_TLS, PH_TLS, "port %d speaks plain SMTP "
		    "first (it greeted \"%s\"), not TLS at once: set "
		    "tls_starttls on", op->port, tls_peer_text(t));
		o->setup = SETUP_TLSMODE;
		return;
	}
	if (f == TLS_FAIL_NOTTLS && !starttls)
		outcome_set(o, OUT_TLS, PH_TLS, "port %d does not speak TLS "
		    "(it sent \"%s\"); check port and host", op->port,
		    tls_peer_text(t));
	else
		outcome_set(o, OUT_TLS, PH_TLS, "%s", why);
	o->setup = tls_failure_setup(f);
}

static void
trace(const struct smtp_opts *op, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	tracef(op->trace, op->trace_arg, TRACE_INFO, fmt, ap);
	va_end(ap);
}
