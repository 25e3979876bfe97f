/*
 * The --serverinfo dialogue (probe.h). A deliberately small sequence of
 * its own rather than a mode of the submission state machine: it stops
 * before AUTH, and it completes a TLS handshake whatever the certificate
 * so that the certificate can be shown (and then sends nothing more).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net/io.h"
#include "net/net.h"
#include "smtp/probe.h"
#include "smtp/tlsmode.h"
#include "base/util.h"

/* RFC 5321 4.5.3.2 and smtp.c's values, in seconds. */
#define T_CONNECT	120
#define T_GREETING	300
#define T_OTHER		300
#define T_QUIT		5

struct probe {
	const struct smtp_opts	*op;
	struct probe_info	*info;
	struct outcome		*o;
	struct io		*io;
	int			 tls_active;
	struct reply		 r;	/* the reply to STARTTLS */
};

static int	handshake(struct probe *);
static int	command(struct probe *, enum smtp_phase, const char *);
static int	get_reply(struct probe *, struct reply *, enum smtp_phase,
		    int64_t);
static int	refused(struct probe *, const struct reply *, enum smtp_phase,
		    enum outcome_kind, const char *);
static int64_t	deadline(struct probe *, int);
static void	trace(struct probe *, int, const char *, size_t);

int
probe_run(const struct smtp_opts *op, struct probe_info *info,
    struct outcome *o)
{
	struct probe	 p;
	struct reply	*r;
	struct caps	 caps;
	char		 line[300];
	struct net_target nt;
	int64_t		 dl;
	int		 fd, ms, rc = -1;

	memset(&p, 0, sizeof(p));
	memset(&nt, 0, sizeof(nt));
	memset(info, 0, sizeof(*info));
	p.op = op;
	p.info = info;
	p.o = o;
	ms = (op->timeout_s > 0 ? op->timeout_s : T_CONNECT) * 1000;
	nt.host = op->host;
	nt.port = op->port;
	nt.timeout_ms = ms;
	nt.ip_version = op->ip_version;
	nt.source_ip = op->source_ip;
	nt.proxy_host = op->proxy_host;
	nt.proxy_port = op->proxy_port;
	nt.socket = op->socket;
	/* net.c says which addresses it tries, through the same trace. */
	nt.trace = op->trace;
	nt.trace_arg = op->trace_arg;
	if ((fd = net_connect(&nt, o)) == -1)
		return -1;
	if ((p.io = io_new(fd)) == NULL) {
		close(fd);
		return outcome_set(o, OUT_OSERR, PH_CONNECT, "out of memory");
	}
	if (op->tls && !op->starttls && handshake(&p) == -1)
		goto out;
	dl = deadline(&p, T_GREETING);
	/* In clear, a port that speaks TLS at once would never greet. */
	if (!p.tls_active && tlsmode_greeting(p.io, op, dl, o) == -1)
		goto out;
	if (get_reply(&p, &info->greeting, PH_GREETING, dl) == -1)
		goto out;
	info->have_greeting = 1;
	if (info->greeting.code != 220) {
		refused(&p, &info->greeting, PH_GREETING, OUT_REPLY,
		    "greeting");
		goto out;
	}
	for (;;) {
		r = &info->ehlo[p.tls_active];
		/* op->helo is a checked host name (at most 255 octets): it
		 * fits.
		 */
		(void)xsnprintf(line, sizeof(line), "EHLO %s",
		    op->helo != NULL ? op->helo : "localhost");
		if (command(&p, PH_EHLO, line) == -1 ||
		    get_reply(&p, r, PH_EHLO, deadline(&p, T_OTHER)) == -1)
			goto out;
		info->have_ehlo[p.tls_active] = 1;
		if (r->code != 250) {
			refused(&p, r, PH_EHLO, OUT_REPLY, "EHLO");
			goto out;
		}
		if (!op->tls || p.tls_active)
			break;
		caps_parse(r, &caps);
		if (!(caps.flags & CAP_STARTTLS)) {
			outcome_set(o, OUT_TLS, PH_STARTTLS, "the server "
			    "does not offer STARTTLS, and the account has "
			    "TLS on");
			goto out;
		}
		if (command(&p, PH_STARTTLS, "STARTTLS") == -1 ||
		    get_reply(&p, &p.r, PH_STARTTLS,
		    deadline(&p, T_OTHER)) == -1)
			goto out;
		if (p.r.code != 220) {
			refused(&p, &p.r, PH_STARTTLS, OUT_TLS, "STARTTLS");
			goto out;
		}
		/* Bytes sent before TLS must not be read as if after it. */
		if (io_pending(p.io) > 0) {
			outcome_set(o, OUT_PROTO, PH_STARTTLS, "the server "
			    "sent data after its STARTTLS 220 reply "
			    "(possible injection)");
			goto out;
		}
		if (handshake(&p) == -1)
			goto out;
	}
	/* QUIT is sent; its reply is not needed. */
	if (command(&p, PH_QUIT, "QUIT") == 0)
		(void)io_flush(p.io, deadline(&p, T_QUIT));
	rc = 0;
	outcome_set(o, OUT_OK, PH_NONE, "done");
out:
	if (p.tls_active && rc == 0)
		tls_bye(io_tls(p.io));
	io_free(p.io);
	return rc;
}

/*
 * A report-only handshake: a bad certificate still completes it, is
 * described, and then ends the probe.
 */
static int
handshake(struct probe *p)
{
	struct tls_opts	 to = p->op->tlso;
	struct tls	*t;
	char		 why[OUTCOME_WHYMAX];
	int		 config;

	to.report_only = 1;
	t = tls_client(io_fd(p->io), p->op->host, &to, &config, why,
	    sizeof(why));
	if (t == NULL)
		return outcome_set(p->o, config ? OUT_CONFIG : OUT_TLS, PH_TLS,
		    "%s", why);
	io_set_tls(p->io, t);
	if (tls_handshake(t, deadline(p, T_OTHER), why, sizeof(why)) == -1) {
		tlsmode_failed(t, p->op, p->op->starttls, why, p->o);
		return -1;
	}
	p->tls_active = 1;
	p->info->tls = 1;
	(void)tls_info(t, &p->info->tlsinfo);
	whyf(why, sizeof(why), "TLS established: %s",
	    p->info->tlsinfo.desc);
	trace(p, TRACE_INFO, why, strlen(why));
	p->info->verdict = tls_verdict(t, p->info->verify_why,
	    sizeof(p->info->verify_why));
	if (p->info->verdict == TLS_VERIFY_FAILED) {
		tlsmode_failed(t, p->op, p->op->starttls, p->info->verify_why,
		    p->o);
		return -1;
	}
	return 0;
}

static int
command(struct probe *p, enum smtp_phase ph, const char *line)
{
	trace(p, TRACE_SENT, line, strlen(line));
	if (io_write(p->io, line, strlen(line), deadline(p, T_OTHER)) == -1 ||
	    io_write(p->io, "\r\n", 2, deadline(p, T_OTHER)) == -1 ||
	    io_flush(p->io, deadline(p, T_OTHER)) == -1)
		return outcome_set(p->o, OUT_TEMP, ph, "sending to the server "
		    "failed: %s", errno == ETIMEDOUT ? "timed out" :
		    strerror(errno));
	return 0;
}

static int
get_reply(struct probe *p, struct reply *r, enum smtp_phase ph, int64_t dl)
{
	enum reply_err	 e;
	char		*line;
	size_t		 len;
	int		 rc;

	reply_init(r);
	for (;;) {
		rc = io_getline(p->io, dl, &line, &len);
		if (rc == 0)
			return outcome_set(p->o, OUT_TEMP, ph, "the server "
			    "closed the connection");
		if (rc == -1)
			return outcome_set(p->o, errno == E2BIG ? OUT_PROTO :
			    OUT_TEMP, ph, "%s", errno == E2BIG ? "malformed "
			    "reply: a line too long" : errno == ETIMEDOUT ?
			    "no reply in time" : errno == EPROTO ? "TLS error" :
			    strerror(errno));
		trace(p, TRACE_RECV, line, len);
		e = reply_feed(r, line, len);
		if (e == REPLY_OK)
			return 0;
		if (e != REPLY_MORE) {
			/* The reply, only shown: a cut text is still the
			 * evidence.
			 */
			(void)xstrlcpy(p->o->text, line, sizeof(p->o->text));
			return outcome_set(p->o, OUT_PROTO, ph, "malformed "
			    "reply");
		}
	}
}

static int
refused(struct probe *p, const struct reply *r, enum smtp_phase ph,
    enum outcome_kind kind, const char *what)
{
	p->o->code = r->code;
	/* Same sizes as struct reply's, and only shown: no truncation. */
	(void)xstrlcpy(p->o->enh, r->enh, sizeof(p->o->enh));
	/* The reply, only shown: a cut text is still the evidence. */
	(void)xstrlcpy(p->o->text, r->text, sizeof(p->o->text));
	return outcome_set(p->o, kind, ph, "the server answered %s with",
	    what);
}

static int64_t
deadline(struct probe *p, int secs)
{
	return now_ms() + (int64_t)(p->op->timeout_s > 0 ?
	    p->op->timeout_s : secs) * 1000;
}

static void
trace(struct probe *p, int dir, const char *line, size_t len)
{
	if (p->op->trace != NULL)
		p->op->trace(p->op->trace_arg, dir, line, len);
}
