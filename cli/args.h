/* Sendmail-style command line (bote.1, OPTIONS). */
#ifndef BOTE_ARGS_H
#define BOTE_ARGS_H

#include <stddef.h>

#define ARGS_OVRMAX	64	/* configuration overrides */

enum mode {
	MODE_SEND = 0,	/* -bm, the default */
	MODE_HELP,
	MODE_VERSION,
	MODE_QUEUE_LIST,	/* -bp, or invoked as mailq */
	MODE_QUEUE_RUN,		/* -q[...] */
	MODE_ALIASES,		/* -bi, or invoked as newaliases */
	MODE_VERIFY,		/* -bv */
	MODE_SMTP,		/* -bs */
	MODE_SETUP_MAILDROP,	/* --setup-maildrop */
	MODE_SERVERINFO,	/* -S, --serverinfo */
	MODE_CHECK_DOMAIN,	/* --check-domain [domain] */
	MODE_OAUTH_LOGIN,	/* --oauth-login */
	MODE_OAUTH_STATUS,	/* --oauth-status */
	MODE_CHECK,		/* --check: a monitoring plugin */
	MODE_TEST_MAIL,		/* --test-mail [recipient] */
	MODE_BATCH,		/* --batch [file|dir] */
	MODE_SETUP		/* --setup address */
};

struct args {
	enum mode	  mode;
	const char	 *conf_file;	/* -C */
	const char	 *account;	/* -a */
	const char	 *sender;	/* -f, -r; or the From field's
					   address (--read-envelope-from) */
	const char	 *fullname;	/* -F: the From field's name */
	int		  read_rcpts;	/* -t */
	int		  ignore_dots;	/* -i, -oi */
	int		  verbose;	/* -v, and -d */
	int		  debug;	/* -d, --debug: -v and the settings */
	int		  env_from;	/* --read-envelope-from */
	const char	 *queue_arg;	/* what followed -q ("" for -q) */
	int		  due;		/* --due: -q honours the backoff */
	int		  admin;	/* --delete 'd', --hold 'h', */
					/* --release 'r'; 0: none */
	const char	 *admin_id;	/* its queue id, or "ALL" */
	int		  deliver;	/* -od: 'i' (default), 'b', 'q' */
	int		  no_queue;	/* --no-queue */
	int		  json;		/* --json (-bp) */
	int		  dsn_notify;	/* -N: DSN_* bits, 0 off; -1 unset */
	int		  dsn_return;	/* -R: enum dsn_return; -1 unset */
	const char	 *dsn_envid;	/* -V, or NULL */
	int		  pretend;	/* -P, --pretend */
	/* --check's thresholds (bote.1, MONITORING); -1: the default. */
	long long	  warn_age;	/* --warning-age, seconds */
	long long	  crit_age;	/* --critical-age, seconds */
	long long	  cert_days;	/* --cert-days */
	/* --setup's answers (bote.1, SETUP); NULL: ask or fail. */
	const char	 *setup_password;	/* --setup-password=HOW */
	const char	 *setup_client_id;	/* --setup-client-id=ID */
	int		  setup_test_mail;	/* --setup-test-mail */
	/* Long options that set a configuration directive, in order. */
	struct {
		const char	*key;	/* the directive (tls_trust_file) */
		const char	*val;	/* "" for a bare optional one */
		const char	*opt;	/* as given, for messages */
	}		  ovr[ARGS_OVRMAX];
	size_t		  novr;
	char		**rcpts;	/* the operands */
	size_t		  nrcpts;
	char		  why[256];	/* the usage error */
};

/*
 * Returns 0, or -1 with a.why describing the usage error. The name bote
 * was invoked as chooses the mode first: mailq is -bp, newaliases -bi.
 */
int	args_parse(int argc, char **argv, struct args *a);

/* The value of the last override of directive key, or NULL. */
const char	*args_override(const struct args *, const char *key);

/* The synopsis, as bote.1 SYNOPSIS shows it. */
extern const char args_usage[];

#endif
