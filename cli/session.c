/*
 * The session set-up shared by the modes that talk to the account's
 * server (session.h).
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "secret.h"
#include "session.h"
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
	op->trust_file = acct->trust_file;
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
	op->source_ip = acct->source_ip;
	op->ip_version = a->ip_version != IPV_ANY ? a->ip_version :
	    acct->ip_version;
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
