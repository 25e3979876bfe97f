/*
 * -S, --serverinfo (as msmtp): the greeting, the EHLO keywords before and
 * after TLS, the TLS session and certificate chain, whether the
 * certificate passed the account's checks, and a tls_fingerprint line to
 * paste. The probe itself is src/smtp/probe.c; this file only prints.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "exitmap.h"
#include "net/socks.h"
#include "smtp/probe.h"
#include "report.h"
#include "serverinfo.h"
#include "session.h"
#include "net/tlsname.h"
#include "base/util.h"

static void	show_reply_line(const char *, const struct reply *);
static void	show_ehlo(const char *, const struct reply *);
static void	show_keyword(const char *, size_t);
static void	show_tls(const struct probe_info *, const struct account *);
static void	show_time(const char *, long long);

int
mode_serverinfo(struct mode_ctx *m)
{
	struct smtp_opts	 op;
	struct probe_info	*info;
	struct outcome		 o;
	const struct account	*a = m->acct;

	memset(&o, 0, sizeof(o));
	if ((info = calloc(1, sizeof(*info))) == NULL) {
		say("out of memory");
		return EX_OSERR;
	}
	/* No password: the probe never authenticates. */
	session_opts(&op, a, NULL, m->args);
	(void)probe_run(&op, info, &o);

	(void)printf("SMTP server at %s, port %d, %s\n", op.host, op.port,
	    !op.tls ? "no TLS (tls off)" : op.starttls ? "STARTTLS" :
	    "implicit TLS");
	if (op.socket != NULL)
		(void)printf("Reached over the socket %s (socket)\n",
		    op.socket);
	else if (op.proxy_host != NULL)
		(void)printf("Reached through the SOCKS5 proxy %s port %d "
		    "(proxy_host)\n", op.proxy_host, op.proxy_port > 0 ?
		    op.proxy_port : SOCKS_PORT_DEFAULT);
	if (info->have_greeting)
		show_reply_line("Greeting:", &info->greeting);
	if (info->have_ehlo[0])
		show_ehlo(op.tls ? "Before TLS, the server offers:" :
		    "The server offers:", &info->ehlo[0]);
	if (info->tls)
		show_tls(info, a);
	if (info->have_ehlo[1])
		show_ehlo("After TLS, the server offers:", &info->ehlo[1]);
	if (fflush(stdout) != 0) {
		free(info);
		return EX_IOERR;
	}
	free(info);
	if (o.kind != OUT_OK) {
		report_outcome(&o);
		return exit_status(&o);
	}
	return EX_OK;
}

/* The first line of a reply, sanitised. */
static void
show_reply_line(const char *label, const struct reply *r)
{
	const char	*nl = memchr(r->text, '\n', r->textlen);
	char		 buf[1024];

	(void)sanitize(buf, sizeof(buf), r->text, nl ? (size_t)(nl -
	    r->text) : r->textlen, 1);
	(void)printf("%s %d %s\n", label, r->code, buf);
}

/* Every keyword line of an EHLO reply (the first line is a greeting). */
static void
show_ehlo(const char *title, const struct reply *r)
{
	const char	*p = r->text, *end = r->text + r->textlen, *nl;

	(void)printf("%s\n", title);
	if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
		(void)printf("    (no extensions)\n");
		return;
	}
	for (p = nl + 1; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		show_keyword(p, (size_t)(nl - p));
	}
}

static void
show_keyword(const char *kw, size_t len)
{
	char			 line[1024], *arg, *w, *e;
	unsigned long long	 size;
	const char		*err = NULL;
	int			 n = 0;

	(void)sanitize(line, sizeof(line), kw, len, 0);
	arg = line + strcspn(line, " =");
	if (strncasecmp(line, "SIZE", 4) == 0 && (line[4] == '\0' ||
	    line[4] == ' ')) {
		size = line[4] == ' ' ? strtonum(line + 5, 0, LLONG_MAX,
		    &err) : 0;
		if (err != NULL)
			(void)printf("    %s (a SIZE value bote cannot "
			    "read)\n", line);
		else if (size == 0)
			(void)printf("    %s (no size limit announced)\n",
			    line);
		else
			(void)printf("    %s (messages up to %llu bytes, "
			    "%.1f MiB)\n", line, size,
			    (double)size / (1024.0 * 1024.0));
		return;
	}
	if (strncasecmp(line, "AUTH", 4) == 0 && (*arg == ' ' ||
	    *arg == '=') && arg == line + 4) {
		(void)printf("    %s (mechanisms:", line);
		for (w = arg + 1; *w != '\0'; w = e) {
			e = w + strcspn(w, " ");
			if (e > w)
				(void)printf("%s %.*s", n++ ? "," : "",
				    (int)(e - w), w);
			e += strspn(e, " ");
		}
		(void)printf(")\n");
		return;
	}
	(void)printf("    %s\n", line);
}

static void
show_tls(const struct probe_info *info, const struct account *a)
{
	const struct tls_info	*ti = &info->tlsinfo;
	size_t			 i;

	(void)printf("TLS session:\n");
	(void)printf("    version:       %s\n", ti->version);
	(void)printf("    cipher suite:  %s\n", ti->suite);
	(void)printf("    key exchange:  %s\n", ti->kx);
	(void)printf("    in GnuTLS terms: %s\n", ti->desc);
	(void)printf("Certificate chain, as the server sent it:\n");
	for (i = 0; i < ti->nchain; i++) {
		const struct tls_certinfo *c = &ti->chain[i];

		(void)printf("  %zu. subject:     %s\n", i + 1, c->subject);
		(void)printf("     issuer:      %s\n", c->issuer);
		show_time("     valid from:  ", c->not_before);
		show_time("     valid until: ", c->not_after);
		(void)printf("     names:       %s\n", c->names[0] != '\0' ?
		    c->names : "(no subjectAltName)");
		(void)printf("     SHA-256:     %s\n", c->sha256);
	}
	switch (info->verdict) {
	case TLS_VERIFY_OK:
		/* A host list (relay failover): the first host was asked. */
		(void)printf("Verification: passed (a trusted CA, and the "
		    "certificate is for %.*s)\n", a->tls_host_override ?
		    (int)strlen(a->tls_host_override) :
		    (int)strcspn(a->host, ","), a->tls_host_override ?
		    a->tls_host_override : a->host);
		break;
	case TLS_VERIFY_PINNED:
		(void)printf("Verification: passed (the certificate matches "
		    "tls_fingerprint)\n");
		break;
	case TLS_VERIFY_OFF:
		(void)printf("Verification: none (tls_certcheck off)\n");
		break;
	default:
		(void)printf("Verification: FAILED: %s\n", info->verify_why);
		break;
	}
	if (ti->nchain > 0)
		(void)printf("To pin this certificate, add to the account:\n"
		    "    tls_fingerprint %s\n", ti->chain[0].sha256);
}

static void
show_time(const char *label, long long t)
{
	char	buf[64];

	tlsname_date(t, buf, sizeof(buf));
	(void)printf("%s%s\n", label, buf);
}
