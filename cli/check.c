/*
 * --check: a monitoring plugin (Nagios, Icinga, check_mk, a systemd
 * OnFailure= unit). It opens the session a send would (host, port, TLS
 * mode, certificate checks, AUTH; never MAIL), looks at the account's
 * queue and the certificate's expiry, and says all of it in one line
 * with performance data after a '|', exiting with the plugin codes
 * (Nagios Plugin Guidelines): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/util.h"
#include "conf/oauth.h"
#include "conf/oauthstore.h"
#include "queue/queue.h"
#include "queue/runner.h"
#include "smtp/smtp.h"

#include "check.h"
#include "oauthcli.h"
#include "report.h"
#include "session.h"

/* The defaults of the thresholds (bote.1, MONITORING). */
#define WARN_AGE	3600		/* an hour in the queue */
#define CRIT_AGE	86400		/* a day */
#define CERT_DAYS	14

struct check {
	int		 state;		/* CHECK_* */
	struct sbuf	 text;		/* what is said before the '|' */
	double		 secs;		/* the session, connect to QUIT */
	int		 have_cert;
	long long	 cert_days;
	size_t		 queued, held;
	long long	 oldest;	/* seconds; 0: queue empty */
	int		 noqueue;	/* no queue directory to look at */
};

static const char *const state_names[] = { "OK", "WARNING", "CRITICAL",
    "UNKNOWN" };

static void	check_session(struct check *, const struct account *,
		    const struct args *);
static void	check_oauth(struct check *, const struct account *);
static void	check_queue(struct check *, const struct account *,
		    const struct args *);
static void	check_cert(struct check *, const struct args *);
static void	failed(struct check *, const struct outcome *);
static void	worse(struct check *, int);
static void	add(struct check *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	age(char *, size_t, long long);

int
mode_check(struct mode_ctx *m)
{
	struct check	 c;
	long long	 warn, crit;
	int		 st;

	memset(&c, 0, sizeof(c));
	sbuf_init(&c.text, 4096);
	check_session(&c, m->acct, m->args);
	check_oauth(&c, m->acct);
	check_queue(&c, m->acct, m->args);
	check_cert(&c, m->args);
	if (c.text.err) {
		free(c.text.p);
		(void)printf("BOTE UNKNOWN - out of memory\n");
		(void)fflush(stdout);
		return CHECK_UNKNOWN;
	}
	warn = m->args->warn_age >= 0 ? m->args->warn_age : WARN_AGE;
	crit = m->args->crit_age >= 0 ? m->args->crit_age : CRIT_AGE;
	/*
	 * Performance data (Nagios Plugin Guidelines): 'label'=value[unit]
	 * ;warn;crit;min;max. cert_days warns below its threshold ("14:").
	 */
	(void)printf("BOTE %s - %.*s | time=%.3fs;;;0 queue=%zu;;;0 "
	    "oldest=%llds;%lld;%lld;0", state_names[c.state],
	    (int)c.text.len, c.text.p, c.secs, c.queued, c.oldest, warn, crit);
	if (c.have_cert)
		(void)printf(" cert_days=%lld;%lld:;;", c.cert_days,
		    m->args->cert_days >= 0 ? m->args->cert_days :
		    (long long)CERT_DAYS);
	(void)printf("\n");
	free(c.text.p);
	st = c.state;
	return fflush(stdout) == 0 ? st : CHECK_UNKNOWN;
}

/* Connect, TLS, AUTH, QUIT, as a send would, and time it. */
static void
check_session(struct check *c, const struct account *a,
    const struct args *args)
{
	struct smtp_opts	 op;
	struct tls_info		*ti = NULL;
	struct outcome		 o;
	struct smtp		*s;
	char			*pass = NULL, why[OUTCOME_WHYMAX];
	const char		*mech;
	int64_t			 t0;
	int			 rc;

	if ((rc = session_password(a, &pass, why, sizeof(why))) != 0) {
		/* No token now (SESSION_LATER): why names the command. */
		worse(c, rc == SESSION_LATER ? CHECK_WARNING : CHECK_UNKNOWN);
		add(c, "%s", why);
		return;
	}
	session_opts(&op, a, pass, args);
	add(c, "%s:%d %s", op.host, op.port, !op.tls ? "no TLS" :
	    op.starttls ? "STARTTLS" : "implicit TLS");
	t0 = now_ms();
	s = smtp_open(&op, &o);
	c->secs = (double)(now_ms() - t0) / 1000.0;
	secret_free(pass);
	if (s == NULL) {
		failed(c, &o);
		return;
	}
	if ((ti = calloc(1, sizeof(*ti))) != NULL &&
	    smtp_tls_info(s, ti) == 0) {
		add(c, " %s", ti->version);
		if (ti->nchain > 0) {
			c->have_cert = 1;
			/* Whole days left, rounded down: 0 is "today". */
			c->cert_days = (ti->chain[0].not_after -
			    (long long)clock_now()) / 86400;
		}
	}
	free(ti);
	if ((mech = smtp_auth_mech(s)) != NULL)
		add(c, ", AUTH %s accepted", mech);
	else
		add(c, ", no AUTH (auth off)");
	smtp_close(s);
	c->secs = (double)(now_ms() - t0) / 1000.0;
}

/* Why the session failed, as report_outcome would say it, in one line. */
static void
failed(struct check *c, const struct outcome *o)
{
	char	text[OUTCOME_TEXTMAX];

	worse(c, CHECK_CRITICAL);
	(void)sanitize_line(text, sizeof(text), o->text, strlen(o->text));
	if (o->kind == OUT_CONFIG) {
		worse(c, CHECK_UNKNOWN);
		add(c, ", configuration error: %s", o->why);
	} else if (o->code != 0 && (o->kind == OUT_REPLY ||
	    o->kind == OUT_TLS))
		add(c, ", %s refused: %s %d %s", report_phase_name(o->phase),
		    o->why, o->code, text);
	else
		add(c, ", %s failed: %s", report_phase_name(o->phase), o->why);
}

/*
 * OAuth2: a refresh token refused or missing means the next expiry of
 * the access token stops the mail until a person signs in again.
 */
static void
check_oauth(struct check *c, const struct account *a)
{
	struct ostore_entry	 e;
	char			 why[OUTCOME_WHYMAX];
	const char		*name;

	if (!oauth_enabled(a))
		return;
	name = oauth_account(a);
	if (ostore_read(name, &e, why, sizeof(why)) != 1) {
		worse(c, CHECK_WARNING);
		add(c, ", no OAuth2 token stored: run bote --oauth-login -a %s",
		    name);
		return;
	}
	if (e.failed != 0) {
		worse(c, CHECK_WARNING);
		add(c, ", the provider refused the refresh token: run bote "
		    "--oauth-login -a %s", name);
	} else if (e.t.refresh == NULL) {
		worse(c, CHECK_WARNING);
		add(c, ", no OAuth2 refresh token: run bote --oauth-login "
		    "-a %s before the access token expires", name);
	}
	ostore_entry_clear(&e);
}

/* The count of queued messages, the held ones and the oldest's age. */
static void
check_queue(struct check *c, const struct account *a,
    const struct args *args)
{
	struct queue	*q;
	struct outcome	 o;
	struct qent	 e;
	char		 dir[PATH_MAX], why[OUTCOME_WHYMAX], t[32], **ids = NULL;
	long long	 now = (long long)clock_now(), oldest = now, warn, crit;
	size_t		 i, n = 0;

	warn = args->warn_age >= 0 ? args->warn_age : WARN_AGE;
	crit = args->crit_age >= 0 ? args->crit_age : CRIT_AGE;
	/* No queue yet (nothing was ever queued): an empty one. */
	if (queue_dirname(a, dir, sizeof(dir)) == -1 ||
	    (q = queue_open(dir, 0, &o)) == NULL) {
		add(c, ", queue empty");
		return;
	}
	if (queue_ids(q, 0, &ids, &n, &o) == -1) {
		worse(c, CHECK_UNKNOWN);
		add(c, ", cannot list the queue %s: %s", dir, o.why);
		queue_close(q);
		return;
	}
	for (i = 0; i < n; i++) {
		qent_init(&e);
		if (queue_read(q, 0, ids[i], &e, why, sizeof(why)) == 0) {
			c->queued++;
			c->held += e.held != 0;
			if (e.created < oldest)
				oldest = e.created;
		}
		qent_free(&e);
	}
	queue_ids_free(ids, n);
	queue_close(q);
	if (c->queued == 0) {
		add(c, ", queue empty");
		return;
	}
	c->oldest = now > oldest ? now - oldest : 0;
	age(t, sizeof(t), c->oldest);
	add(c, ", queue %zu message%s, oldest %s", c->queued,
	    c->queued == 1 ? "" : "s", t);
	if (c->oldest > crit)
		worse(c, CHECK_CRITICAL);
	else if (c->oldest > warn)
		worse(c, CHECK_WARNING);
	if (c->held > 0) {
		/* Held mail goes nowhere until a person releases it. */
		worse(c, CHECK_WARNING);
		add(c, ", %zu held", c->held);
	}
}

static void
check_cert(struct check *c, const struct args *args)
{
	long long	days = args->cert_days >= 0 ? args->cert_days :
			    CERT_DAYS;

	if (!c->have_cert || c->cert_days >= days)
		return;
	worse(c, CHECK_WARNING);
	if (c->cert_days < 0)
		add(c, ", the certificate has expired");
	else
		add(c, ", the certificate expires in %lld day%s", c->cert_days,
		    c->cert_days == 1 ? "" : "s");
}

/* UNKNOWN only where nothing worse is known: CRITICAL wins over it. */
static void
worse(struct check *c, int st)
{
	if (c->state == CHECK_CRITICAL)
		return;
	if (st == CHECK_CRITICAL || st > c->state)
		c->state = st;
}

/*
 * Append to the line, with control bytes and '|' (which would start the
 * performance data) replaced.
 */
static void
add(struct check *c, const char *fmt, ...)
{
	char	buf[2048], clean[2048], *p;
	va_list	ap;

	va_start(ap, fmt);
	/* A longer part is cut: the line is for a monitoring screen. */
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	(void)sanitize_line(clean, sizeof(clean), buf, strlen(buf));
	for (p = clean; (p = strchr(p, '|')) != NULL; p++)
		*p = '/';
	(void)sbuf_add(&c->text, clean, strlen(clean));
}

/* "45s", "12m", "3h 20m", "2d 4h". */
static void
age(char *buf, size_t sz, long long s)
{
	long long	 big, small = -1;
	const char	*bu, *su = "";

	if (s < 60) {
		big = s;
		bu = "s";
	} else if (s < 3600) {
		big = s / 60;
		bu = "m";
	} else if (s < 86400) {
		big = s / 3600;
		bu = "h";
		small = s % 3600 / 60;
		su = "m";
	} else {
		big = s / 86400;
		bu = "d";
		small = s % 86400 / 3600;
		su = "h";
	}
	/*
	 * At most "106751991167300d 23h" either way: the callers' buffers
	 * hold 32.
	 */
	if (small < 0)	/* (that bound) */
		(void)snprintf(buf, sz, "%lld%s", big, bu);
	else	/* (that bound) */
		(void)snprintf(buf, sz, "%lld%s %lld%s", big, bu, small, su);
}

int
check_unknown(const char *why)
{
	char	clean[512], *p;

	(void)sanitize_line(clean, sizeof(clean), why, strlen(why));
	for (p = clean; (p = strchr(p, '|')) != NULL; p++)
		*p = '/';
	(void)printf("BOTE UNKNOWN - %s\n", clean);
	(void)fflush(stdout);
	return CHECK_UNKNOWN;
}
