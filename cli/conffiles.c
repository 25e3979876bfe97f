/*
 * The configuration files and the account: msmtp's layering, made
 * explicit. The system file (SYSCONFDIR/bote.conf) is read first, then
 * the user's ($XDG_CONFIG_HOME/bote/config, or the -C file instead), so
 * the user's accounts replace the system's of the same name and come
 * first when -f picks an account by its from address. Long options such
 * as --port are applied last, over whatever the files said. When neither
 * of bote's files exists, msmtp's stand in for them (/etc/msmtprc and
 * ~/.msmtprc), so msmtp users need no -C.
 */
#include <sys/socket.h>

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

#include "base/clock.h"
#include "conf/conf.h"
#include "conffiles.h"
#include "report.h"
#include "session.h"
#include "base/util.h"

static int	read_files(struct conf *, const struct args *);
static struct account *choose(struct conf *, const struct args *);
static int	env_usable(const struct args *);
static struct account *env_account(struct conf *, const struct args *,
		    int *);
static int	settle(struct conf *, const struct args *, struct account *);
static void	say_errs(const struct conf *, size_t);
static void	say_notes(const struct conf *, const struct args *);
static int	patterns(struct account *, char *, size_t);
static int	expand(struct account *, char **, int, char *, size_t);
static int	reload_files(struct conf *, const struct qconf *, char *,
		    size_t);
static int	present(const char *);
static void	say_none(const struct args *, const char *, int);

const char *
conffiles_system(void)
{
	const char	*t = test_hook("SYSCONF");

	/* The test suite's own system file (bote.1 ENVIRONMENT). */
	return t != NULL && t[0] == '/' ? t : SYSCONFDIR "/bote.conf";
}

const char *
conffiles_msmtp_system(void)
{
	const char	*t = test_hook("MSMTP_SYSCONF");

	/*
	 * msmtp's path as Debian builds it, not under bote's SYSCONFDIR:
	 * msmtp-mta's file is where msmtp put it.
	 */
	return t != NULL && t[0] == '/' ? t : "/etc/msmtprc";
}

/* Whether path names something: only ENOENT and ENOTDIR say it does not. */
static int
present(const char *path)
{
	return access(path, F_OK) == 0 || (errno != ENOENT &&
	    errno != ENOTDIR);
}

int
conffiles_msmtp(void)
{
	char	path[PATH_MAX];

	if (present(conffiles_system()))
		return 0;
	return conffiles_user(path, sizeof(path)) == -1 || !present(path);
}

int
conffiles_load(const struct args *a, struct conf **confp,
    struct account **acctp)
{
	struct conf	*c;
	struct account	*acct = NULL;

	*confp = NULL;
	if (acctp != NULL)
		*acctp = NULL;
	/* A file may hold a password: no core dump may carry it away. */
	session_no_core_dumps();
	if ((c = conf_new()) == NULL) {
		say("cannot read the configuration: out of memory");
		return -1;
	}
	*confp = c;
	if (args_override(a, "host") != NULL) {
		/* msmtp's --host: the command line alone, no file. */
		if (a->account != NULL) {
			say("--host and -a cannot be used together: --host "
			    "describes the server without any account");
			return -1;
		}
		if ((acct = conf_add_account(c, "(command line)")) == NULL) {
			say("cannot set up the account: out of memory");
			return -1;
		}
	} else {
		if (read_files(c, a) == -1)
			return -1;
		/* The queue modes take each message's own account. */
		if (acctp == NULL && a->account == NULL) {
			say_notes(c, a);
			return 0;
		}
		if ((acct = choose(c, a)) == NULL)
			return -1;
	}
	if (settle(c, a, acct) == -1)
		return -1;
	if (acctp != NULL)
		*acctp = acct;
	return 0;
}

int
conffiles_pick(struct conf *c, const struct args *a, struct account **acctp)
{
	struct account	*acct;

	if ((acct = choose(c, a)) == NULL || settle(c, a, acct) == -1)
		return -1;
	*acctp = acct;
	return 0;
}

/*
 * -a, else the first account whose from matches -f, else default, else
 * msmtp's last resort, SMTPSERVER and EMAIL.
 */
static struct account *
choose(struct conf *c, const struct args *a)
{
	struct account	*acct = NULL;
	const char	*name = a->account != NULL ? a->account : "default";
	int		 said = 0;

	if (a->account == NULL && a->sender != NULL)
		acct = conf_match_from(c, a->sender);
	if (acct == NULL)
		acct = conf_account(c, name);
	if (acct == NULL && a->account == NULL)
		acct = env_account(c, a, &said);
	if (acct == NULL && !said)
		say("account %s not found in %s; name one with -a or add "
		    "\"account default : NAME\"", name, c->nfiles > 1 ?
		    "the configuration files" : c->nfiles == 1 ? c->files[0] :
		    "any configuration file");
	return acct;
}

/*
 * Whether msmtp's environment describes a server: SMTPSERVER, and a
 * sender in EMAIL, -f or --read-envelope-from (msmtp(1), ENVIRONMENT).
 */
static int
env_usable(const struct args *a)
{
	const char	*host = getenv("SMTPSERVER"), *email = getenv("EMAIL");

	return host != NULL && host[0] != '\0' && (a->sender != NULL ||
	    (email != NULL && email[0] != '\0'));
}

/*
 * msmtp's last resort when no account was named and there is no
 * default: host from SMTPSERVER, from from EMAIL (unless -f or
 * --read-envelope-from gives the sender), bote's defaults for the rest
 * (TLS included). NULL when the environment does not say enough, or
 * after saying what is wrong with it (*said set).
 */
static struct account *
env_account(struct conf *c, const struct args *a, int *said)
{
	struct account	*acct;
	const char	*email = getenv("EMAIL");
	size_t		 before = c->nerrs;

	if (!env_usable(a))
		return NULL;
	*said = 1;
	if ((acct = conf_add_account(c, "(environment)")) == NULL) {
		say("cannot set up the account: out of memory");
		return NULL;
	}
	if (conf_override(c, acct, "host", getenv("SMTPSERVER")) == -1 ||
	    (a->sender == NULL && conf_override(c, acct, "from",
	    email) == -1)) {
		say("SMTPSERVER or EMAIL cannot be used (msmtp(1) "
		    "ENVIRONMENT: a plain host name and a plain address):");
		say_errs(c, before);
		return NULL;
	}
	return acct;
}

/*
 * The command line's overrides, msmtp's patterns, then every check. Only
 * the errors found here count: a configuration the maildrop pickup
 * checks account by account keeps those of earlier accounts.
 */
static int
settle(struct conf *c, const struct args *a, struct account *acct)
{
	size_t	i, before = c->nerrs;
	char	why[512];

	for (i = 0; i < a->novr; i++)
		(void)conf_override(c, acct, a->ovr[i].key, a->ovr[i].val);
	say_notes(c, a);
	if (c->nerrs == before && patterns(acct, why, sizeof(why)) == -1) {
		say("%s", why);
		return -1;
	}
	if (c->nerrs > before || conf_check(c, acct) == -1) {
		say_errs(c, before);
		return -1;
	}
	return 0;
}

/*
 * Both files are optional, but one must exist. A system file this user
 * may not read (it holds the secrets of a shared account) is only an
 * error when there is nothing else to read. msmtp's files are read in
 * their place when neither of bote's exists (-C still replaces the user
 * file); c->files records which, for --pretend and queue entries.
 */
static int
read_files(struct conf *c, const struct args *a)
{
	char		 path[4096];
	const char	*sys = conffiles_system(), *usr = a->conf_file;
	int		 sys_errno = 0, have_user, msmtp = conffiles_msmtp();

	if (msmtp)
		sys = conffiles_msmtp_system();
	if (conf_read(c, sys) == -1 && c->nerrs == 0)
		sys_errno = errno;
	if (usr == NULL)
		usr = (msmtp ? conffiles_msmtp_user(path, sizeof(path)) :
		    conffiles_user(path, sizeof(path))) == 0 ? path : NULL;
	have_user = 0;
	if (usr != NULL) {
		if (conf_read(c, usr) == 0 || c->nerrs > 0 ||
		    errno == ENOMEM)
			have_user = 1;
		else if (a->conf_file != NULL || errno != ENOENT) {
			say("cannot read configuration file %s: %s", usr,
			    strerror(errno));
			return -1;
		}
	}
	if (c->nerrs > 0) {
		say_errs(c, 0);
		return -1;
	}
	if (have_user || sys_errno == 0)
		return 0;
	/* msmtp's SMTPSERVER and EMAIL stand in for the files (choose). */
	if (sys_errno == ENOENT && a->conf_file == NULL && env_usable(a))
		return 0;
	say_none(a, sys, sys_errno);
	return -1;
}

/*
 * Nothing to read: the system file (sys) is unreadable, or no file
 * exists at all. The advice names bote's own files, and msmtp's when
 * they were looked for.
 */
static void
say_none(const struct args *a, const char *sys, int sys_errno)
{
	char		 path[4096], mpath[4096];
	const char	*usr = conffiles_user(path, sizeof(path)) == 0 ? path :
			    "~/.config/bote/config";

	if (a->conf_file != NULL)
		usr = a->conf_file;
	if (sys_errno != ENOENT)
		say("cannot read configuration file %s: %s; ask the "
		    "administrator, or create %s (see bote.conf(5))", sys,
		    strerror(sys_errno), usr);
	else if (conffiles_msmtp() && a->conf_file == NULL &&
	    conffiles_msmtp_user(mpath, sizeof(mpath)) == 0)
		say("no configuration file: create %s or %s (see "
		    "bote.conf(5)), or name one with -C (msmtp's %s and %s "
		    "were looked for too)", usr, conffiles_system(), mpath,
		    conffiles_msmtp_system());
	else
		say("no configuration file: create %s or %s (see "
		    "bote.conf(5)), or name one with -C", usr,
		    conffiles_system());
	if (sys_errno == ENOENT && getenv("SMTPSERVER") != NULL)
		say("SMTPSERVER is set, but only EMAIL, -f or "
		    "--read-envelope-from can name the sender that goes with "
		    "it (msmtp's rule)");
}

/*
 * The configuration as a queue entry records it: the files c read, made
 * absolute (a queue run may start in another directory; symbolic links
 * are kept, as the user named them), and the command line's overrides.
 */
int
conffiles_record(const struct conf *c, const struct args *a,
    struct qconf *qc)
{
	char	 cwd[PATH_MAX], path[PATH_MAX];
	size_t	 i;

	memset(qc, 0, sizeof(*qc));
	cwd[0] = '\0';
	for (i = 0; i < c->nfiles; i++) {
		if (c->files[i][0] == '/') {
			if (qconf_add_file(qc, c->files[i]) == -1)
				goto fail;
			continue;
		}
		if ((cwd[0] == '\0' && getcwd(cwd, sizeof(cwd)) == NULL) ||
		    xsnprintf(path, sizeof(path), "%s/%s", cwd,
		    c->files[i]) == -1 || qconf_add_file(qc, path) == -1)
			goto fail;
	}
	for (i = 0; i < a->novr; i++)
		if (qconf_add_ovr(qc, a->ovr[i].key, a->ovr[i].val) == -1)
			goto fail;
	return 0;
fail:
	qconf_free(qc);
	return -1;
}

/*
 * A queued message's account, from the files its entry names, read
 * again, with its overrides and patterns: what conffiles_load() gave
 * when it was submitted, as the files say now. Quiet: -1 with why, the
 * reason the entry keeps (mailq shows it).
 */
int
conffiles_reload(const struct qconf *qc, const char *name, struct conf **cp, struct account **ap, char *why, size_t whylen)
{
	struct conf	*c;
	struct account	*acct;
	size_t		 i;
	char		*eq;

	*ap = NULL;
	if ((*cp = c = conf_new()) == NULL) {
		whyf(why, whylen, "out of memory");
		return -1;
	}
	if (reload_files(c, qc, why, whylen) == -1)
		return -1;
	if (qc->nfiles == 0)
		/* --host: the command line alone described the server. */
		acct = conf_add_account(c, name);
	else if ((acct = conf_account(c, name)) == NULL) {
		whyf(why, whylen, "account %s is no longer in %s (the message "
		    "was queued through it): add it again, or delete the "
		    "message (bote --delete QUEUE-ID)", name, qc->nfiles > 1 ?
		    "the configuration files it was queued under" :
		    qc->files[0]);
		return -1;
	}
	if (acct == NULL) {
		whyf(why, whylen, "out of memory");
		return -1;
	}
	for (i = 0; i < qc->novr; i++) {
		if ((eq = strchr(qc->ovr[i], '=')) == NULL)
			continue;
		*eq = '\0';
		(void)conf_override(c, acct, qc->ovr[i], eq + 1);
		*eq = '=';
	}
	if (c->nerrs > 0) {
		whyf(why, whylen, "%s", c->errs[0]);
		return -1;
	}
	if (patterns(acct, why, whylen) == -1)
		return -1;
	*ap = acct;
	return 0;
}

static int
reload_files(struct conf *c, const struct qconf *qc, char *why,
    size_t whylen)
{
	size_t	i;

	for (i = 0; i < qc->nfiles; i++) {
		if (conf_read(c, qc->files[i]) == 0)
			continue;
		if (c->nerrs > 0)
			whyf(why, whylen, "%s", c->errs[0]);
		else if (errno == ENOENT)
			whyf(why, whylen, "configuration file %s is gone (the "
			    "message was queued under it): restore the file, "
			    "or delete the message (bote --delete QUEUE-ID)",
			    qc->files[i]);
		else
			whyf(why, whylen, "cannot read configuration file %s: "
			    "%s", qc->files[i], strerror(errno));
		return -1;
	}
	return 0;
}

int
conffiles_user(char *buf, size_t sz)
{
	const char	*xdg = getenv("XDG_CONFIG_HOME");
	const char	*home = getenv("HOME");

	if (xdg != NULL && xdg[0] == '/')
		return xsnprintf(buf, sz, "%s/bote/config", xdg);
	if (home != NULL && home[0] == '/')
		return xsnprintf(buf, sz, "%s/.config/bote/config", home);
	return -1;
}

int
conffiles_msmtp_user(char *buf, size_t sz)
{
	const char	*xdg = getenv("XDG_CONFIG_HOME");
	const char	*home = getenv("HOME");
	int		 home_ok = home != NULL && home[0] == '/', rc;

	/* msmtp's order: ~/.msmtprc, else the XDG place. */
	if (home_ok) {
		if (xsnprintf(buf, sz, "%s/.msmtprc", home) == -1)
			return -1;
		if (present(buf))
			return 0;
	}
	if (xdg != NULL && xdg[0] == '/')
		rc = xsnprintf(buf, sz, "%s/msmtp/config", xdg);
	else if (home_ok)
		rc = xsnprintf(buf, sz, "%s/.config/msmtp/config", home);
	else
		return -1;
	if (rc == 0 && !present(buf) && home_ok)
		/* Neither: msmtp then names ~/.msmtprc as missing. */
		rc = xsnprintf(buf, sz, "%s/.msmtprc", home);
	return rc;
}

static void
say_errs(const struct conf *c, size_t from)
{
	size_t	i;

	for (i = from; i < c->nerrs; i++)
		say("%s", c->errs[i]);
	if (c->more_errs)
		say("... and more errors");
}

/*
 * Notes on obsolete names: for a person (a terminal, -v, --pretend),
 * not in every cron mail.
 */
static void
say_notes(const struct conf *c, const struct args *a)
{
	size_t	i;

	if (!a->verbose && !a->pretend && !isatty(STDERR_FILENO))
		return;
	for (i = 0; i < c->nnotes; i++)
		say("note: %s", c->notes[i]);
}

/*
 * msmtp's %U, %H, %C and %M in from and domain, so that a system file
 * with "from %U@example.org" works as it does there.
 */
static int
patterns(struct account *acct, char *why, size_t whylen)
{
	if (acct->from != NULL && strchr(acct->from, '%') != NULL &&
	    expand(acct, &acct->from, K_FROM, why, whylen) == -1)
		return -1;
	if (acct->domain != NULL && strchr(acct->domain, '%') != NULL &&
	    expand(acct, &acct->domain, K_DOMAIN, why, whylen) == -1)
		return -1;
	return 0;
}

static int
expand(struct account *acct, char **field, int key, char *why,
    size_t whylen)
{
	const struct conf_origin *o = &acct->origin[key];
	struct addrinfo	 hints, *res = NULL;
	struct passwd	*pw;
	const char	*vals[4] = { NULL, NULL, NULL, NULL };
	char		 host[256], canon[256], mail[256], *out, *nl;
	FILE		*f;

	if ((vals[0] = getenv("USER")) == NULL &&
	    (vals[0] = getenv("LOGNAME")) == NULL &&
	    (pw = getpwuid(geteuid())) != NULL)
		vals[0] = pw->pw_name;
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		vals[1] = host;
	}
	/* %C: a name with a dot is taken as canonical, no lookup needed. */
	if (vals[1] != NULL && strstr(*field, "%C") != NULL) {
		if (strchr(host, '.') != NULL)
			vals[2] = host;
		else {
			memset(&hints, 0, sizeof(hints));
			hints.ai_flags = AI_CANONNAME;
			hints.ai_socktype = SOCK_STREAM;
			if (getaddrinfo(host, NULL, &hints, &res) == 0 &&
			    res->ai_canonname != NULL &&
			    xstrlcpy(canon, res->ai_canonname,
			    sizeof(canon)) == 0)
				vals[2] = canon;
			if (res != NULL)
				freeaddrinfo(res);
		}
	}
	if (strstr(*field, "%M") != NULL &&
	    (f = fopen("/etc/mailname", "re")) != NULL) {
		if (fgets(mail, sizeof(mail), f) != NULL) {
			if ((nl = strchr(mail, '\n')) != NULL)
				*nl = '\0';
			if (mail[0] != '\0')
				vals[3] = mail;
		}
		(void)fclose(f);
	}
	if (conf_patterns(*field, vals, &out) == -1) {
		whyf(why, whylen, "%s:%d: %s of account %s uses a %% pattern "
		    "whose value is unknown here (%%U user, %%H host name, "
		    "%%C canonical name, %%M /etc/mailname): write the value "
		    "out",
		    o->file != NULL ? o->file : CONF_CMDLINE, o->line,
		    key == K_FROM ? "from" : "domain", acct->name);
		return -1;
	}
	free(*field);
	*field = out;
	return 0;
}
