/*
 * The session set-up shared by the modes that talk to the account's
 * server (session.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "base/clock.h"
#include "conf/netrc.h"
#include "conf/keyring.h"
#include "conf/relays.h"
#include "oauthcli.h"
#include "queue/runner.h"
#include "report.h"
#include "conf/secret.h"
#include "session.h"
#include "net/tlsname.h"
#include "base/util.h"

#define PROMPT_MAX	4096	/* octets of a typed password */

static int	eval_timeout(void);
static int	from_netrc(const struct account *, char **, char *, size_t);
static int	netrc_one(const char *, const struct account *, char **,
		    char *, size_t);
static int	from_tty(const struct account *, char **, char *, size_t);

/* What the next prompt is for (session_prompt_for). */
static char	prompt_for[128];
static int	tty_line(int, char *, size_t, size_t *);

/*
 * A core file would hold the password in clear. Once, before the first
 * secret is obtained; what was set cannot be undone by a later caller.
 */
void
session_no_core_dumps(void)
{
	static int	 done;
	struct rlimit	 rl;

	if (done)
		return;
	done = 1;
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	rl.rlim_cur = 0;
	rl.rlim_max = 0;
	(void)setrlimit(RLIMIT_CORE, &rl);
}

/*
 * The passwordeval deadline. The test suite shortens it through
 * BOTE_TEST_EVAL_TIMEOUT (never longer than the real one), so a test of a
 * hanging command need not wait EVAL_TIMEOUT seconds.
 */
static int
eval_timeout(void)
{
	const char	*e = test_hook("EVAL_TIMEOUT"), *errstr;
	int		 t;

	if (e == NULL)
		return EVAL_TIMEOUT;
	t = (int)strtonum(e, 1, EVAL_TIMEOUT, &errstr);
	return errstr == NULL ? t : EVAL_TIMEOUT;
}

/*
 * One netrc file. Returns 1 (found), 0 (nothing for this account) or -1
 * (a configuration error, why set).
 */
static int
netrc_one(const char *path, const struct account *acct, char **pass,
    char *why, size_t whylen)
{
	char		 w[OUTCOME_WHYMAX], host[RELAY_HOSTMAX];
	uid_t		 owner = 0;
	size_t		 len = strcspn(acct->host, ",");

	/* A host list (relay failover): the entry of its first host. */
	if (len >= sizeof(host))
		return 0;
	memcpy(host, acct->host, len);
	host[len] = '\0';
	w[0] = '\0';
	switch (netrc_file(path, host, acct->user, pass, &owner, w,
	    sizeof(w))) {
	case NETRC_FOUND:
		return 1;
	case NETRC_NONE:
		return 0;
	case NETRC_SYNTAX:
		whyf(why, whylen, "netrc file %s: %s", path, w);
		return -1;
	case NETRC_INSECURE_MODE:
		whyf(why, whylen, "netrc file %s holds a password "
		    "but its group or others can access it: chmod 600 %s",
		    path, path);
		return -1;
	case NETRC_INSECURE_OWNER:
		whyf(why, whylen, "netrc file %s holds a password "
		    "but belongs to uid %lu, not to uid %lu: chown %lu %s",
		    path, (unsigned long)owner, (unsigned long)geteuid(),
		    (unsigned long)geteuid(), path);
		return -1;
	case NETRC_ERROR:
	default:
		whyf(why, whylen, "cannot use netrc file %s: %s",
		    path, w);
		return -1;
	}
}

/*
 * ~/.netrc, then SYSCONFDIR/netrc, as msmtp reads them: the entry for the
 * account's host and user. The home directory is $HOME when absolute,
 * else the password database's.
 */
static int
from_netrc(const struct account *acct, char **pass, char *why,
    size_t whylen)
{
	struct passwd	*pw;
	const char	*home = getenv("HOME");
	char		 path[4096];
	int		 rc;

	if (home == NULL || home[0] != '/') {
		pw = getpwuid(geteuid());
		home = pw != NULL && pw->pw_dir != NULL &&
		    pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
	}
	if (home != NULL) {
		if (xsnprintf(path, sizeof(path), "%s/.netrc", home) == -1) {
			whyf(why, whylen, "the home directory's "
			    "name is too long for its netrc file");
			return -1;
		}
		if ((rc = netrc_one(path, acct, pass, why, whylen)) != 0)
			return rc;
	}
	return netrc_one(SYSCONFDIR "/netrc", acct, pass, why, whylen);
}

/*
 * Read one line from the terminal into buf (NUL-terminated, without the
 * newline). Waits with the termination signals blocked except inside
 * ppoll(), so one that arrives at any moment ends the wait at once and
 * the caller restores the terminal. Returns 0, or -1 with errno:
 * EINTR (interrupted), ENODATA (end of input), E2BIG (too long).
 */
static int
tty_line(int fd, char *buf, size_t bufsz, size_t *lenp)
{
	struct pollfd	 pfd;
	sigset_t	 block, orig;
	ssize_t		 n;
	size_t		 len = 0;
	int		 rc = -1, err = 0;

	(void)sigemptyset(&block);
	(void)sigaddset(&block, SIGINT);
	(void)sigaddset(&block, SIGTERM);
	(void)sigaddset(&block, SIGHUP);
	(void)sigprocmask(SIG_BLOCK, &block, &orig);
	for (;;) {
		if (bote_interrupted) {
			err = EINTR;
			goto out;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (ppoll(&pfd, 1, NULL, &orig) == -1) {
			if (errno == EINTR)
				continue;
			err = errno;
			goto out;
		}
		n = read(fd, buf + len, bufsz - len);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == -1) {
			err = errno;
			goto out;
		}
		if (n == 0) {
			err = ENODATA;
			goto out;
		}
		len += (size_t)n;
		if (buf[len - 1] == '\n') {
			len--;
			if (len > 0 && buf[len - 1] == '\r')
				len--;
			break;
		}
		if (len == bufsz) {
			err = E2BIG;
			goto out;
		}
	}
	buf[len] = '\0';
	*lenp = len;
	rc = 0;
out:
	(void)sigprocmask(SIG_SETMASK, &orig, NULL);
	errno = err;
	return rc;
}

/*
 * Ask on the controlling terminal, never on standard input (it holds the
 * message), with echo off. Returns 1 (a password), 0 (no terminal) or
 * -1 (why set). The terminal's settings are restored on every path.
 */
static int
from_tty(const struct account *acct, char **pass, char *why, size_t whylen)
{
	struct termios	 old, quiet;
	char		 user[256], host[256], prompt[800];
	char		*line = NULL;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd, rc = -1, restore = 0;

	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd == -1)
		return 0;
	if (tcgetattr(fd, &old) == -1) {
		(void)close(fd);
		return 0;
	}
	if ((line = malloc(PROMPT_MAX + 1)) == NULL) {
		whyf(why, whylen, "out of memory");
		goto out;
	}
	/* The names come from the configuration: no escapes to the tty. */
	(void)sanitize(user, sizeof(user), acct->user, strlen(acct->user), 1);
	(void)sanitize(host, sizeof(host), acct->host, strlen(acct->host), 1);
	/* Two names of at most 255 octets, a note of 128 and words: 800. */
	(void)xsnprintf(prompt, sizeof(prompt), "Password for %s at %s%s%s%s: ",
	    user, host, prompt_for[0] != '\0' ? " (" : "", prompt_for,
	    prompt_for[0] != '\0' ? ")" : "");

	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
	quiet.c_lflag |= ECHONL;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) == -1) {
		whyf(why, whylen, "cannot turn off echo on the "
		    "terminal: %s", strerror(errno));
		goto out;
	}
	restore = 1;
	if (write(fd, prompt, strlen(prompt)) == -1) {
		whyf(why, whylen, "cannot write to the terminal: "
		    "%s", strerror(errno));
		goto out;
	}
	if (tty_line(fd, line, PROMPT_MAX + 1, &len) == -1) {
		if (errno == EINTR)
			whyf(why, whylen, "interrupted while "
			    "asking for the password of account %s",
			    acct->name);
		else if (errno == E2BIG)
			whyf(why, whylen, "the password typed is "
			    "longer than %d octets", PROMPT_MAX);
		else if (errno == ENODATA)
			whyf(why, whylen, "no password typed for "
			    "account %s", acct->name);
		else
			whyf(why, whylen, "cannot read the "
			    "password from the terminal: %s",
			    strerror(errno));
		/* The user's Enter would have ended the prompt line. */
		n = write(fd, "\n", 1);
		(void)n;
		goto out;
	}
	if (len == 0) {
		whyf(why, whylen, "no password typed for account "
		    "%s", acct->name);
		goto out;
	}
	if ((*pass = xstrndup(line, len)) == NULL) {
		whyf(why, whylen, "out of memory");
		goto out;
	}
	rc = 1;
out:
	if (restore)
		(void)tcsetattr(fd, TCSAFLUSH, &old);
	if (line != NULL)
		freezero(line, PROMPT_MAX + 1);
	(void)close(fd);
	return rc;
}

void
session_prompt_for(const char *what)
{
	/* A longer note is cut, not refused: it only informs. */
	if (what == NULL || xstrlcpy(prompt_for, what,
	    sizeof(prompt_for)) == -1)
		prompt_for[0] = '\0';
}

int
session_password(const struct account *acct, char **pass, char *why,
    size_t whylen)
{
	char	w[OUTCOME_WHYMAX], user[128], host[128];
	int	rc;

	*pass = NULL;
	if (acct->auth == AUTHM_OFF)
		return 0;
	session_no_core_dumps();
	/* The one place every mode gets its OAuth2 access token. */
	if (oauth_session(acct))
		return oauth_password(acct, pass, why, whylen);
	if (acct->password != NULL)
		return 0;
	/* EXTERNAL authenticates with the client certificate. */
	if (acct->auth == AUTHM_EXTERNAL && acct->passwordeval == NULL)
		return 0;
	if (acct->passwordeval != NULL) {
		if ((*pass = secret_eval(acct->passwordeval, eval_timeout(), w,
		    sizeof(w))) == NULL) {
			whyf(why, whylen, "account %s: %s",
			    acct->name, w);
			return -1;
		}
		return 0;
	}
	/* As msmtp: the netrc and the prompt give a password, not a user. */
	if (acct->user == NULL || acct->host == NULL) {
		whyf(why, whylen, "account %s has auth set but no "
		    "user: add a user line", acct->name);
		return -1;
	}
	if ((rc = from_netrc(acct, pass, why, whylen)) != 0)
		return rc == 1 ? 0 : -1;
	/* After the files bote was told about, before asking a person. */
	if ((rc = keyring_lookup(acct->host, acct->user, pass)) != 0) {
		if (rc == -1)
			whyf(why, whylen, "out of memory");
		return rc == 1 ? 0 : -1;
	}
	if ((rc = from_tty(acct, pass, why, whylen)) != 0)
		return rc == 1 ? 0 : -1;
	(void)sanitize(user, sizeof(user), acct->user, strlen(acct->user), 1);
	(void)sanitize(host, sizeof(host), acct->host, strlen(acct->host), 1);
	if (keyring_built())
		whyf(why, whylen, "account %s has auth set but no password, "
		    "and there is no terminal to ask on: add a password or "
		    "passwordeval line, a netrc entry (machine %s login %s), "
		    "or a keyring entry (secret-tool store --label=msmtp "
		    "host %s service smtp user %s)", acct->name, host, user,
		    host, user);
	else
		whyf(why, whylen, "account %s has auth set but no "
		    "password, and there is no terminal to ask on: add a "
		    "password or passwordeval line, or a netrc entry "
		    "(machine %s login %s)", acct->name, host, user);
	return -1;
}

void
session_opts(struct smtp_opts *op, const struct account *acct,
    const char *pass, const struct args *a)
{
	qrun_smtp_opts(op, acct, pass, session_cache_dir());
	/* DSN requests: the command line wins over dsn_notify/dsn_return. */
	if (a->dsn_notify != -1)
		op->dsn_notify = a->dsn_notify;
	if (a->dsn_return != -1)
		op->dsn_return = a->dsn_return;
	op->dsn_envid = a->dsn_envid;
	if (a->verbose)
		op->trace = report_trace;
}

/*
 * Where the spool file goes when the account's queue does not exist yet
 * (queue_spool_dir() prefers the queue's tmp/, so that queueing links
 * the spool without copying). It has no name (O_TMPFILE), so it
 * vanishes with bote whatever happens.
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
