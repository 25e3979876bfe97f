/*
 * OAuth2 in the driver (oauthcli.h): what a person reads while logging
 * in, the status of the stored tokens, and the hint when a message has
 * to wait for a new login.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "base/clock.h"
#include "base/util.h"
#include "conf/oauth.h"
#include "conf/oauthstore.h"
#include "oauthcli.h"
#include "report.h"

static const char *const flow_names[] = { "auto", "device", "loopback",
    "client_credentials" };
static const char *const provider_names[] = { "custom", "google",
    "microsoft" };

static void	show_device(void *, const struct oauth_device *);
static void	show_browse(void *, const char *);
static void	show_slow_down(void *, int);
static void	when(long long, char *, size_t);
static int	status_one(const struct account *);
static const char *acct_name(const struct account *);

/* The account named in hints: the one whose sign-in a uses. */
static const char *
acct_name(const struct account *a)
{
	return oauth_account(a);
}

int
oauth_session(const struct account *a)
{
	return oauth_enabled(a) && (a->auth == AUTHM_ON ||
	    a->auth == AUTHM_XOAUTH2 || a->auth == AUTHM_OAUTHBEARER);
}

int
oauth_password(const struct account *a, char **pass, char *why,
    size_t whylen)
{
	char	w[OUTCOME_WHYMAX], name[128];

	(void)sanitize(name, sizeof(name), acct_name(a),
	    strlen(acct_name(a)), 1);
	switch (oauth_access_token(a, 0, pass, w, sizeof(w))) {
	case OAUTH_OK:
		return 0;
	case OAUTH_LOGIN:
		/* w names the command to run. */
		whyf(why, whylen, "account %s needs a new OAuth2 sign-in, so "
		    "the message waits: %s", name, w);
		return SESSION_LATER;
	case OAUTH_TEMP:
		whyf(why, whylen, "account %s: cannot get an OAuth2 access "
		    "token: %s", name, w);
		return SESSION_LATER;
	default:
		whyf(why, whylen, "account %s: cannot get an OAuth2 access "
		    "token: %s", name, w);
		return -1;
	}
}

/* RFC 8628 3.3: what a person types, and where. */
static void
show_device(void *arg, const struct oauth_device *d)
{
	const struct account *a = arg;
	char	uri[1024], code[128], full[1024];

	/* The provider's words could hold escapes for the terminal. */
	(void)sanitize(uri, sizeof(uri), d->verification_uri,
	    strlen(d->verification_uri), 1);
	(void)sanitize(code, sizeof(code), d->user_code,
	    strlen(d->user_code), 1);
	(void)printf("To sign in account %s, open\n\n    %s\n\nin a browser "
	    "(on any device) and enter the code\n\n    %s\n\n", acct_name(a),
	    uri, code);
	if (d->verification_uri_complete != NULL) {
		(void)sanitize(full, sizeof(full),
		    d->verification_uri_complete,
		    strlen(d->verification_uri_complete), 1);
		(void)printf("(or open %s, which has the code in it)\n\n",
		    full);
	}
	(void)printf("Waiting for the approval (the code is valid for %d "
	    "minutes; Ctrl-C gives up)...\n", (d->expires_in + 59) / 60);
	(void)fflush(stdout);
}

static void
show_browse(void *arg, const char *url)
{
	const struct account *a = arg;

	(void)printf("To sign in account %s, open this URL in a browser on "
	    "this machine:\n\n    %s\n\nWaiting for the browser to come "
	    "back to bote (5 minutes; Ctrl-C gives up)...\n", acct_name(a),
	    url);
	(void)fflush(stdout);
}

static void
show_slow_down(void *arg, int interval)
{
	(void)arg;
	(void)printf("(the provider asked bote to poll every %d seconds)\n",
	    interval);
	(void)fflush(stdout);
}

/* "2026-12-06 22:15:00 UTC", from the one clock's epoch seconds. */
static void
when(long long t, char *buf, size_t sz)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, sz,
	    "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		/* A fixed word; the callers' buffers hold 64. */
		(void)xstrlcpy(buf, "(unknown)", sz);
}

int
mode_oauth_login(const struct args *args, const struct account *a)
{
	struct oauth_login_cb	 cb = { .arg = (void *)(uintptr_t)a,
				    .device = show_device,
				    .browse = show_browse,
				    .slow_down = show_slow_down };
	struct oauth_cfg	 cfg;
	struct ostore_entry	 e;
	char			 why[OUTCOME_WHYMAX], t[64], dir[PATH_MAX];
	enum oauth_status	 st;

	(void)args;
	if (!oauth_enabled(a)) {
		say("account %s has no oauth2_client_id: see OAUTH2 in "
		    "bote.conf(5)", acct_name(a));
		return EX_CONFIG;
	}
	if (oauth_cfg(a, &cfg, 1, why, sizeof(why)) == -1) {
		say("%s", why);
		return EX_CONFIG;
	}
	st = oauth_login(&cfg, &cb, why, sizeof(why));
	oauth_cfg_clear(&cfg);
	switch (st) {
	case OAUTH_OK:
		break;
	case OAUTH_DENIED:
		say("account %s: sign-in refused: %s", acct_name(a), why);
		return EX_NOPERM;
	case OAUTH_EXPIRED:
		say("account %s: %s; run bote --oauth-login -a %s again",
		    acct_name(a), why, acct_name(a));
		return EX_TEMPFAIL;
	case OAUTH_TEMP:
	case OAUTH_LOGIN:
		say("account %s: %s", acct_name(a), why);
		return EX_TEMPFAIL;
	case OAUTH_CONFIG:
		say("account %s: %s", acct_name(a), why);
		return EX_CONFIG;
	default:
		say("account %s: %s", acct_name(a), why);
		return EX_CANTCREAT;
	}
	t[0] = '\0';
	if (ostore_read(acct_name(a), &e, why, sizeof(why)) == 1)
		when(e.t.expires, t, sizeof(t));
	ostore_entry_clear(&e);
	if (ostore_dir(dir, sizeof(dir)) == -1)
		dir[0] = '\0';
	(void)printf("Signed in: the tokens of account %s are stored in %s "
	    "(access token valid until %s). Messages of this account that "
	    "wait in the queue go at its next run (bote -q sends them "
	    "now).\n", acct_name(a), dir, t);
	return fflush(stdout) == 0 ? EX_OK : EX_IOERR;
}

/* One account's lines; 1 when it has a warning. */
static int
status_one(const struct account *a)
{
	struct ostore_entry	 e;
	struct oauth_cfg	 cfg;
	char			 why[OUTCOME_WHYMAX], t[64];
	long long		 left;
	int			 r, warn = 0, flow;

	/* The URLs only: no secret is fetched to show them. */
	if (oauth_cfg(a, &cfg, 0, why, sizeof(why)) == -1)
		return 1;
	flow = cfg.flow;
	(void)printf("account %s: oauth2_provider %s, oauth2_flow %s%s\n"
	    "  token endpoint: %s\n", a->name != NULL ? a->name : "default",
	    provider_names[a->oauth2_provider], flow_names[flow],
	    a->oauth2_flow == OFLOW_AUTO ? " (the preset's)" : "",
	    cfg.token_url);
	oauth_cfg_clear(&cfg);
	if (a->oauth2_provider == OPROV_GOOGLE)
		(void)printf("  note: Google expires refresh tokens after 7 "
		    "days while the app's publishing status is \"Testing\"; "
		    "publish it (\"In production\") to keep them\n");
	if (strcmp(acct_name(a), a->name != NULL ? a->name : "default") != 0)
		(void)printf("  signs in as account %s\n", acct_name(a));
	if ((r = ostore_read(acct_name(a), &e, why, sizeof(why))) == -1) {
		(void)printf("  warning: %s\n", why);
		return 1;
	}
	if (r == 0 || e.client_id == NULL ||
	    strcmp(e.client_id, a->oauth2_client_id) != 0) {
		(void)printf("  no token stored%s: run bote --oauth-login -a "
		    "%s\n", r == 1 ? " for this oauth2_client_id" : "",
		    acct_name(a));
		ostore_entry_clear(&e);
		return 1;
	}
	(void)printf("  refresh token: %s\n", e.t.refresh != NULL ?
	    "stored" : "none");
	if (e.t.access != NULL) {
		when(e.t.expires, t, sizeof(t));
		left = e.t.expires - (long long)clock_now();
		(void)printf("  access token: %s %s (%s%lld min)\n",
		    left > 0 ? "expires" : "expired", t, left > 0 ? "in " :
		    "", (left > 0 ? left + 59 : -left) / 60);
	} else
		(void)printf("  access token: none (one is fetched at the "
		    "next send)\n");
	if (e.failed != 0) {
		when(e.failed, t, sizeof(t));
		(void)printf("  warning: the provider refused the refresh "
		    "token (%s) at %s: run bote --oauth-login -a %s\n",
		    e.failure, t, acct_name(a));
		warn = 1;
	}
	ostore_entry_clear(&e);
	return warn;
}

int
mode_oauth_status(const struct args *args, struct conf *conf)
{
	const struct account	*a;
	int			 n = 0;

	if (args->account != NULL && conf_account(conf, args->account) ==
	    NULL) {
		say("no account %s in the configuration", args->account);
		return EX_CONFIG;
	}
	for (a = conf->accounts; a != NULL; a = a->next) {
		if (!oauth_enabled(a) || (args->account != NULL &&
		    (a->name == NULL || strcmp(a->name, args->account) != 0)))
			continue;
		(void)status_one(a);
		n++;
	}
	if (n == 0)
		(void)printf("no account uses OAuth2 (oauth2_client_id)\n");
	if (fflush(stdout) != 0)
		return EX_IOERR;
	return EX_OK;
}
