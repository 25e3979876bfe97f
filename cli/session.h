/*
 * What every mode that opens an SMTP session to the account's server
 * needs (sending, -bs): the password and the smtp_opts, built one way.
 */
#ifndef BOTE_SESSION_H
#define BOTE_SESSION_H

#include <stddef.h>

#include "args.h"
#include "conf/conf.h"
#include "smtp/smtp.h"

#define EVAL_TIMEOUT	30	/* seconds for passwordeval */

/*
 * The password to use: *pass is NULL when the account's password line
 * serves (or no auth), else the output of passwordeval or an OAuth2
 * access token, to be freed with secret_free(). Returns 0, or -1 with
 * why set (a configuration error), or SESSION_LATER (oauthcli.h) with
 * why: nothing to authenticate with now, so the message should wait.
 */
/*
 * What a password prompt is for, said in it ("(queued message ID)"),
 * until set again; NULL: the message being sent now.
 */
void	session_prompt_for(const char *what);

int	session_password(const struct account *, char **pass, char *why,
	    size_t whylen);

/*
 * The session options for the account, the command line's -v, -N, -R
 * and -V applied over it; pass from session_password().
 */
void	session_opts(struct smtp_opts *, const struct account *,
	    const char *pass, const struct args *);

/*
 * Warnings about the account's TLS settings, on stderr at every run:
 * tls_certcheck off, a SHA-1 tls_fingerprint.
 */
void	session_warnings(const struct account *);

/* The TLS session cache's directory, or NULL for none. */
const char *session_cache_dir(void);

/*
 * No core dump from now on (PR_SET_DUMPABLE 0, RLIMIT_CORE 0): called
 * before a configuration file (which may hold a password) is read and
 * before any other secret is obtained.
 */
void	session_no_core_dumps(void);

/* The directory for spool files: $TMPDIR when absolute, else /tmp. */
const char *spool_dir(void);

#endif
