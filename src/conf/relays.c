/*
 * The list of relays an account delivers through (relays.h), built from
 * its host line and its fallback_accounts, and checked before use so a
 * mistyped name is a configuration error, not a surprise at the moment
 * the primary is down.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "conf/account.h"
#include "conf/relays.h"
#include "base/util.h"

static int	add_hosts(struct relays *, const struct account *, char *,
		    size_t);
static int	next_name(const char **, char *, size_t);

int
relay_several(const struct account *a)
{
	return (a->host != NULL && strchr(a->host, ',') != NULL) ||
	    a->fallback_accounts != NULL;
}

/*
 * The next comma-separated item of *p into buf: 1, 0 at the end, or -1
 * when it is empty or too long.
 */
static int
next_name(const char **p, char *buf, size_t sz)
{
	const char	*s = *p, *e;
	size_t		 len;

	if (s == NULL || *s == '\0')
		return 0;
	e = strchr(s, ',');
	len = e != NULL ? (size_t)(e - s) : strlen(s);
	*p = e != NULL ? e + 1 : s + len;
	if (len == 0 || len >= sz || (e != NULL && e[1] == '\0'))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 1;
}

/* Each host of a's host line as a relay of a. */
static int
add_hosts(struct relays *rl, const struct account *a, char *why,
    size_t whylen)
{
	const char	*p = a->host;
	const char	*name = a->name != NULL ? a->name : "(command line)";
	int		 rc;

	if (p == NULL) {
		whyf(why, whylen, "account %s has no host", name);
		return -1;
	}
	for (;;) {
		if (rl->n == RELAY_MAX) {
			whyf(why, whylen, "more than %d relays for account %s",
			    RELAY_MAX, name);
			return -1;
		}
		rc = next_name(&p, rl->r[rl->n].host, sizeof(rl->r[0].host));
		if (rc == 0)
			return 0;
		if (rc == -1) {
			whyf(why, whylen, "account %s: host must be a list of "
			    "host names separated by commas, without blanks",
			    name);
			return -1;
		}
		rl->r[rl->n++].acct = a;
	}
}

int
relay_list(struct conf *c, const struct account *a, struct relays *rl,
    char *why, size_t whylen)
{
	const struct account	*f;
	const char		*p = a->fallback_accounts;
	char			 name[128];
	int			 rc;

	memset(rl, 0, sizeof(*rl));
	if (add_hosts(rl, a, why, whylen) == -1)
		return -1;
	while ((rc = next_name(&p, name, sizeof(name))) == 1) {
		if ((f = conf_account(c, name)) == NULL || f == a) {
			whyf(why, whylen, "fallback_accounts: %s is not "
			    "another account of this file", name);
			return -1;
		}
		if (add_hosts(rl, f, why, whylen) == -1)
			return -1;
	}
	if (rc == -1) {
		whyf(why, whylen, "fallback_accounts must be a list of "
		    "account names separated by commas, without blanks");
		return -1;
	}
	return 0;
}

/*
 * A fallback account must come from the file that defines a: a queued
 * message records the files and the account (struct qconf), and the
 * runner must find the same fallbacks when it reads them again.
 */
int
relay_check(struct conf *c, struct account *a)
{
	const struct conf_origin *o = &a->origin[K_FALLBACK_ACCOUNTS];
	struct relays		 rl;
	struct account		*f;
	char			 why[512];
	size_t			 i;
	int			 bad = 0;

	/* No host is conf_check_one()'s to say. */
	if (a->host == NULL)
		return 0;
	if (relay_list(c, a, &rl, why, sizeof(why)) == -1) {
		conf_error(c, o->file != NULL ? o->file : a->defined.file,
		    o->file != NULL ? o->line : a->defined.line, "%s", why);
		return -1;
	}
	for (i = 0; i < rl.n; i++) {
		if (rl.r[i].acct == a || (i > 0 && rl.r[i].acct ==
		    rl.r[i - 1].acct))
			continue;
		/* conf_account() hands out the list's own, not const. */
		f = conf_account(c, rl.r[i].acct->name);
		if (a->defined.file != NULL && (f->defined.file == NULL ||
		    strcmp(f->defined.file, a->defined.file) != 0)) {
			conf_error(c, o->file, o->line, "fallback_accounts: "
			    "%s is defined in another file; a fallback "
			    "account must be in the same file", f->name);
			bad = 1;
		}
		if (conf_check_one(c, f) == -1)
			bad = 1;
	}
	return bad ? -1 : 0;
}
