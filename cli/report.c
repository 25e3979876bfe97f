/*
 * User-facing wording. Server text is shown sanitised: control bytes
 * become '?' and the line breaks of a multi-line reply "; ", so
 * a hostile reply cannot write escape sequences to a terminal or forge
 * extra lines in a log.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <string.h>
#include <unistd.h>

#include "diagnose.h"
#include "msg/msg.h"
#include "report.h"
#include "base/util.h"
#include "queue/runner.h"

const char *progname = "bote";

static const char *advice(const struct outcome *);

void
say(const char *fmt, ...)
{
	char	buf[2048];
	va_list	ap;
	int	n;
	size_t	len;

	n = xsnprintf(buf, sizeof(buf), "%s: ", progname);
	va_start(ap, fmt);
	len = strlen(buf);
	n = vsnprintf(buf + len, sizeof(buf) - len - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	len = strlen(buf);
	buf[len++] = '\n';
	/* One write, so concurrent writers do not interleave mid-line. */
	(void)!write(STDERR_FILENO, buf, len);
}

const char *
report_phase_name(enum smtp_phase ph)
{
	switch (ph) {
	case PH_CONNECT:
		return "connect";
	case PH_GREETING:
		return "greeting";
	case PH_EHLO:
		return "EHLO";
	case PH_STARTTLS:
		return "STARTTLS";
	case PH_TLS:
		return "TLS";
	case PH_AUTH:
		return "AUTH";
	case PH_MAIL:
		return "MAIL FROM";
	case PH_RCPT:
		return "RCPT TO";
	case PH_DATA:
		return "DATA";
	case PH_EOD:
		return "end of data";
	case PH_QUIT:
		return "QUIT";
	case PH_NONE:
		break;
	}
	return "session";
}

static const char *
advice(const struct outcome *o)
{
	switch (o->kind) {
	case OUT_TEMP:
		return "the message was not sent; try again later";
	case OUT_MAYBE_SENT:
		return "the message may have been delivered; check before "
		    "sending it again";
	case OUT_TLS:
		/* A refused certificate's words already say what to do. */
		if (o->phase == PH_TLS)
			return "nothing was sent in clear";
		return "nothing was sent in clear; check the server's TLS "
		    "setup, host and tls_trust_file";
	case OUT_PROTO:
		/* A SASL exchange bote broke off (a bad SCRAM signature). */
		if (o->phase == PH_AUTH)
			return "authentication was abandoned and nothing more "
			    "was sent; check the server, or name another auth "
			    "method";
		return "the server does not speak SMTP correctly; nothing "
		    "more was sent";
	case OUT_NOAUTH:
		return "check auth, host and port in the configuration";
	case OUT_NOHOST:
		return "check the host line in the configuration";
	case OUT_REPLY:
		if (o->code >= 400 && o->code < 500)
			return "the message was not sent; try again later";
		if (o->phase == PH_AUTH)
			return "check user and password";
		return "the message was not sent";
	default:
		return NULL;
	}
}

void
report_outcome(const struct outcome *o)
{
	char		 text[OUTCOME_TEXTMAX], arg[600] = "";
	const char	*adv = diagnose(o);

	/* A known reply's own fix, else what its kind calls for. */
	if (adv == NULL)
		adv = advice(o);

	if (o->kind == OUT_OK)
		return;
	/* Multi-line replies read as one line. */
	(void)sanitize_line(text, sizeof(text), o->text, strlen(o->text));
	if (o->arg[0] != '\0')
		/* o->arg holds at most 511 octets: they fit in 600. */
		(void)xsnprintf(arg, sizeof(arg), " for <%s>", o->arg);
	/* The reply text starts with the enhanced code when there is one. */
	if (o->code != 0 && (o->kind == OUT_REPLY || o->kind == OUT_TLS))
		say("%s failed%s: %s %d %s%s%s", report_phase_name(o->phase), arg,
		    o->why, o->code, text, adv ? "; " : "", adv ? adv : "");
	else if (o->kind == OUT_PROTO && text[0] != '\0')
		say("%s failed: %s: \"%s\"%s%s", report_phase_name(o->phase), o->why,
		    text, adv ? "; " : "", adv ? adv : "");
	else if (o->phase != PH_NONE)
		say("%s failed: %s%s%s", report_phase_name(o->phase), o->why,
		    adv ? "; " : "", adv ? adv : "");
	else
		say("%s%s%s", o->why, adv ? "; " : "", adv ? adv : "");
}

void
report_broken(unsigned long n)
{
	if (n > 0)
		say("warning: %lu line%s longer than %d octets %s broken "
		    "into lines that fit (RFC 5322 2.1.1)", n, n == 1 ? "" :
		    "s", MSG_LINEMAX, n == 1 ? "was" : "were");
}

void
report_notes(const struct outcome *o)
{
	if (o->no_dsn)
		say("warning: the server does not offer DSN (RFC 3461), so "
		    "the delivery status notification requests (-N, -R, -V, "
		    "dsn_notify, dsn_return) were not sent");
}

void
report_trace(void *arg, int dir, const char *line, size_t len)
{
	char	buf[1024];

	(void)arg;
	(void)sanitize(buf, sizeof(buf), line, len, 1);
	switch (dir) {
	case '>':
		say("--> %s", buf);
		break;
	case '<':
		say("<-- %s", buf);
		break;
	default:
		say("%s", buf);
		break;
	}
}

void
say_log(int prio, const char *fmt, ...)
{
	char	buf[2048];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	say("%s", buf);
	/* The queue runs from cron and timers: syslog is where it is read. */
	openlog("bote", LOG_PID, LOG_MAIL);
	syslog(prio, "%s", buf);
	closelog();
}

void
syslog_only(int prio, const char *fmt, ...)
{
	char	buf[2048];
	va_list	ap;

	va_start(ap, fmt);
	/* A longer line is cut: syslog(3) cuts lines far shorter anyway. */
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	openlog("bote", LOG_PID, LOG_MAIL);
	syslog(prio, "%s", buf);
	closelog();
}

/*
 * A certificate or TLS mode that does not match is said every time, even
 * when the next relay delivers: it may be an attack on that relay, or a
 * change only a person can make. A relay that is down is said under -v:
 * the log names the relay that delivered.
 */
void
report_relay_passed(const struct relay *r, const struct relay *next,
    const struct outcome *o, int verbose)
{
	char	w[OUTCOME_TEXTMAX + 600];
	int	setup = outcome_setup_class(o) != SETUP_NONE ||
		    o->kind == OUT_NOHOST;

	if (!setup && !verbose)
		return;
	queue_describe(o, w, sizeof(w));
	say("%srelay %s port %d (account %s) failed: %s; trying %s port %d "
	    "(account %s)", setup ? "warning: " : "", r->host,
	    account_port(r->acct), r->acct->name, w, next->host,
	    account_port(next->acct), next->acct->name);
}

/* RFC 8259 7: quote, backslash and control characters escaped. */
void
report_json_str(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	(void)putchar('"');
	for (; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			(void)printf("\\%c", *p);
		else if (*p == '\n')
			(void)fputs("\\n", stdout);
		else if (*p < 0x20 || *p == 0x7f)
			(void)printf("\\u%04x", *p);
		else if (*p >= 0x80)
			/* Not known to be UTF-8: keep the JSON valid. */
			(void)printf("\\u%04x", *p);
		else
			(void)putchar(*p);
	}
	(void)putchar('"');
}
