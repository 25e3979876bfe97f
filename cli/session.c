/*
 * The session set-up shared by the modes that talk to the account's
 * server (session.h).
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "secret.h"
#include "session.h"
#include "tlsname.h"
#include "util.h"

int
session_password(const struct account *acct, char **pass, char *why,
    size_t whylen)
{
	char	w[OUTCOME_WHYMAX];

	*pass = NULL;
	if (acct->auth == AUTHM_OFF || acct->password != NULL)
		return 0;
	if (acct->passwordeval != NULL) {
		if ((*pass = secret_eval(acct->passwordeval, EVAL_TIMEOUT, w,
		    sizeof(w))) == NULL) {
			(void)xsnprintf(why, whylen, "account %s: %s",
			    acct->name, w);
			return -1;
		}
		return 0;
	}
	(void)xsnprintf(why, whylen, "account %s has auth set but no "
	    "password: add a password or passwordeval line", acct->name);
	return -1;
}

void
session_opts(struct smtp_opts *op, const struct account *acct,
    const char *pass, const struct args *a)
{
	memset(op, 0, sizeof(*op));
	op->host = acct->host;
	op->port = account_port(acct);
	op->tls = acct->tls;
	op->starttls = acct->starttls;
	op->tlso.trust_file = acct->trust_file;
	op->tlso.host_override = acct->tls_host_override;
	op->tlso.fingerprint = acct->tls_fingerprint;
	op->tlso.cert_file = acct->tls_cert_file;
	op->tlso.key_file = acct->tls_key_file;
	op->tlso.crl_file = acct->tls_crl_file;
	op->tlso.priorities = acct->tls_priorities;
	op->tlso.nocertcheck = !acct->tls_certcheck;
	op->tlso.cache_dir = session_cache_dir();
	op->tlso.cache_account = acct->name ? acct->name : "";
	op->tlso.port = op->port;
	op->helo = acct->domain;
	op->auth = acct->auth;
	op->user = acct->user;
	op->password = pass ? pass : acct->password;
	op->timeout_s = acct->timeout;
	/* DSN requests: the command line wins over dsn_notify/dsn_return. */
	op->dsn_notify = a->dsn_notify != -1 ? a->dsn_notify :
	    acct->dsn_notify;
	op->dsn_return = a->dsn_return != -1 ? a->dsn_return :
	    acct->dsn_return;
	op->dsn_envid = a->dsn_envid;
	if (a->verbose)
		op->trace = report_trace;
}

/*
 * The spool file has no name (O_TMPFILE), so it vanishes with bote
 * whatever happens. The queue (a later version) will want it on the
 * queue's file system so it can be linked there without copying.
 */
const char *
spool_dir(void)
{
	const char	*t = getenv("TMPDIR");

	return t != NULL && t[0] == '/' ? t : "/tmp";
}

void
session_warnings(const struct account *acct)
{
	unsigned char	fp[64];
	size_t		len;

	if (!acct->tls_certcheck && acct->tls)
		say("WARNING: tls_certcheck is off for account %s: the "
		    "server's certificate is not checked at all, so anyone "
		    "on the network path can read and change this session, "
		    "password included; use tls_trust_file or "
		    "tls_fingerprint instead", acct->name ? acct->name :
		    "(command line)");
	if (acct->tls_fingerprint != NULL && tls_fingerprint_parse(
	    acct->tls_fingerprint, fp, sizeof(fp), &len) == TLS_FP_SHA1)
		say("warning: tls_fingerprint for account %s is a SHA-1 "
		    "fingerprint, which is deprecated; run bote --serverinfo "
		    "to get the SHA-256 fingerprint", acct->name ?
		    acct->name : "(command line)");
}

/*
 * $XDG_CACHE_HOME/bote/tls, or ~/.cache/bote/tls when ~/.cache exists
 * already: bote never creates ~/.cache in the home of a system user
 * (www-data's may be a web root).
 */
const char *
session_cache_dir(void)
{
	static char	 dir[PATH_MAX];
	const char	*x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
	char		 home[PATH_MAX];
	struct stat	 st;

	if (x != NULL && x[0] == '/')
		return xsnprintf(dir, sizeof(dir), "%s/bote/tls", x) == 0 ?
		    dir : NULL;
	if (h == NULL || h[0] != '/' || xsnprintf(home, sizeof(home),
	    "%s/.cache", h) == -1 || stat(home, &st) == -1 ||
	    !S_ISDIR(st.st_mode))
		return NULL;
	return xsnprintf(dir, sizeof(dir), "%s/bote/tls", home) == 0 ?
	    dir : NULL;
}
