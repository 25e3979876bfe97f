/*
 * bote: read a message on standard input, submit it through the
 * configured account's server, and say how it went as a sysexits(3)
 * status. This file is the driver: it owns argv, the wording and the
 * exit status; the engine in src/ does the work and never prints.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "config.h"

#include "base/clock.h"
#include "base/util.h"
#include "conf/conf.h"
#include "conf/keyring.h"
#include "msg/msg.h"
#include "queue/runner.h"
#include "submit/submit.h"

#include "args.h"
#include "batch.h"
#include "check.h"
#include "checkdomain.h"
#include "conffiles.h"
#include "dkimkeygen.h"
#include "exitmap.h"
#include "maildrop.h"
#include "modes.h"
#include "pretend.h"
#include "queuecli.h"
#include "report.h"
#include "conf/oauthstore.h"
#include "oauthcli.h"
#include "send.h"
#include "serverinfo.h"
#include "session.h"
#include "setup.h"
#include "testmail.h"


static int	version(const struct args *);
static void	version_msmtp(const struct args *);
static int	pretend_only(struct conf *, const struct account *);
static void	set_progname(const char *);
static int	account_mode(const struct args *, struct conf *,
		    struct account *);
static int	no_config(const struct args *);
static int	queue_modes(const struct args *);
static int	env_from(struct args *);
static void	debug(const struct conf *, const struct account *);
static void	std_fds(void);
static void	on_signal(int);
static void	signals(void);
static void	catch(int, const struct sigaction *);
static int	check_wanted(int, char **);

/*
 * mailq, -q, --setup-maildrop and --oauth-status: each message (each
 * account) names its own.
 */
static int
queue_modes(const struct args *args)
{
	struct conf	*conf = NULL;
	int		 st;

	if (conffiles_load(args, &conf, NULL) == -1) {
		conf_free(conf);
		return EX_CONFIG;
	}
	/* Dropped messages join the queue first (maildrop.c). */
	if (args->mode == MODE_QUEUE_RUN)
		maildrop_pickup_all(conf, queue_loud(args));
	st = args->mode == MODE_QUEUE_LIST ? mode_queue_list(args, conf) :
	    args->mode == MODE_QUEUE_RUN ? mode_queue_run(args, conf) :
	    args->mode == MODE_OAUTH_STATUS ? mode_oauth_status(args, conf) :
	    maildrop_setup(conf);
	conf_free(conf);
	return st;
}

int
main(int argc, char **argv)
{
	struct args	 args;
	struct conf	*conf = NULL;
	struct account	*acct;
	struct outcome	 o;
	int		 st = -1;

	std_fds();
	signals();
	set_progname(argv[0]);
	memset(&o, 0, sizeof(o));

	/* Its own options (--domain means DKIM's d= there, not EHLO's). */
	if (argc > 1 && strcmp(argv[1], "--dkim-keygen") == 0 &&
	    strcmp(progname, "bote") == 0)
		return mode_dkim_keygen(argc, argv);
	if (args_parse(argc, argv, &args) == -1) {
		say("%s; see %s --help", args.why, progname);
		/* A monitoring system reads stdout and the plugin status. */
		if (check_wanted(argc, argv))
			return check_unknown("bad options (see standard "
			    "error)");
		return EX_USAGE;
	}
	if (args.mode == MODE_HELP) {
		(void)fputs(args_usage, stdout);
		return fflush(stdout) == 0 ? EX_OK : EX_IOERR;
	}
	if (args.mode == MODE_VERSION)
		return version(&args);
	/* It writes the configuration: none need be there yet. */
	if (args.mode == MODE_SETUP)
		return mode_setup(&args);
	/* Before the account is chosen: the sender chooses it. */
	if (args.mode == MODE_SEND && args.env_from && !(args.pretend &&
	    args.nrcpts == 0 && !args.read_rcpts) &&
	    (st = env_from(&args)) != EX_OK)
		return st;
	/* A user who may not read the system's secrets: the maildrop. */
	if (args.mode == MODE_SEND && maildrop_wanted(&args))
		return maildrop_submit(&args);

	/*
	 * mailq, -q and newaliases with no configuration at all, as on a
	 * system where nothing was set up yet: the default queue (empty or
	 * missing is not an error), and no aliases file to check.
	 */
	if ((args.mode == MODE_QUEUE_LIST || args.mode == MODE_QUEUE_RUN ||
	    args.mode == MODE_ALIASES) && queue_no_config(&args))
		return no_config(&args);
	if (args.mode == MODE_QUEUE_LIST || args.mode == MODE_QUEUE_RUN ||
	    args.mode == MODE_SETUP_MAILDROP || args.mode == MODE_OAUTH_STATUS)
		return queue_modes(&args);
	if (conffiles_load(&args, &conf, &acct) == -1) {
		if (args.mode == MODE_CHECK) {
			conf_free(conf);
			return check_unknown("configuration error (see "
			    "standard error)");
		}
		o.kind = OUT_CONFIG;
		goto done;
	}
	/* --pretend shows the settings already. */
	if (args.debug && !args.pretend)
		debug(conf, acct);
	/* -P without recipients: the account alone, stdin untouched. */
	if (args.pretend && args.mode == MODE_SEND && args.nrcpts == 0 &&
	    !args.read_rcpts) {
		if (pretend_only(conf, acct) == -1)
			o.kind = OUT_IOERR;
		goto done;
	}
	session_warnings(acct);
	if (args.mode != MODE_SEND) {
		st = account_mode(&args, conf, acct);
		conf_free(conf);
		return st;
	}

	if ((st = mode_send(&args, conf, acct)) == SEND_CANCELLED) {
		conf_free(conf);
		/* Die of SIGINT, as a cancelled program should. */
		(void)signal(SIGINT, SIG_DFL);
		(void)raise(SIGINT);
		return SEND_CANCELLED;
	}
done:
	conf_free(conf);
	return st != -1 ? st : exit_status(&o);
}

/*
 * --read-envelope-from (msmtp's): the message is spooled first, so that
 * its From field can name the envelope sender, which also chooses the
 * account as -f does; the spool then stands in for standard input, so
 * every mode after this (the maildrop too) reads the message as the
 * caller sent it. Spooling twice changes nothing: the spool form is
 * normalised already. Returns EX_OK, or the exit status after saying
 * why.
 */
static int
env_from(struct args *a)
{
	static char	 sender[ADDR_MAX + 1];
	struct outcome	 o;
	struct msg	*m;
	int		 rc = -1;

	memset(&o, 0, sizeof(o));
	if ((m = msg_spool(STDIN_FILENO, spool_dir(), a->ignore_dots ? 0 :
	    NORM_DOTEND, &o)) == NULL && bote_interrupted == SIGINT) {
		/* Ctrl-C while the message was read: die of it, as send.c. */
		say("interrupted: nothing was sent");
		(void)signal(SIGINT, SIG_DFL);
		(void)raise(SIGINT);
		return SEND_CANCELLED;
	}
	if (m == NULL) {
		report_outcome(&o);
		return exit_status(&o);
	}
	report_broken(msg_broken(m));
	if (submit_header_sender(msg_fd(m), sender, sizeof(sender),
	    &o) == -1)
		say("%s", o.why);
	else if (dup2(msg_fd(m), STDIN_FILENO) == -1 ||
	    lseek(STDIN_FILENO, 0, SEEK_SET) == -1) {
		outcome_set(&o, OUT_OSERR, PH_NONE, "cannot read the "
		    "spooled message again: %s", strerror(errno));
		say("%s", o.why);
	} else
		rc = 0;
	msg_free(m);
	if (rc == -1)
		return exit_status(&o);
	a->sender = sender;
	return EX_OK;
}

/*
 * -d, --debug: what -v shows, and first what msmtp's debug output
 * starts with, the files read and the account's settings (secrets are
 * never shown).
 */
static void
debug(const struct conf *c, const struct account *acct)
{
	size_t	i;

	for (i = 0; i < c->nfiles; i++)
		say("debug: configuration file read: %s", c->files[i]);
	if (c->nfiles == 0)
		say("debug: no configuration file read");
	say("debug: the settings used:");
	(void)pretend_account(stderr, acct);
	(void)fflush(stderr);
}

/* The name messages start with: the last part of argv[0]. */
static void
set_progname(const char *argv0)
{
	const char	*p;

	if ((p = strrchr(argv0, '/')) != NULL && p[1] != '\0')
		progname = p + 1;
	else if (argv0[0] != '\0')
		progname = argv0;
}

/* -P without recipients: the files read and the account; 0 or -1. */
static int
pretend_only(struct conf *c, const struct account *acct)
{
	if (pretend_files(stdout, c) == -1 ||
	    pretend_account(stdout, acct) == -1 ||
	    pretend_relays(stdout, c, acct) == -1 || fflush(stdout) != 0) {
		say("cannot write to standard output");
		return -1;
	}
	return 0;
}

/* The modes that need no configuration file, when there is none. */
static int
no_config(const struct args *a)
{
	if (a->mode == MODE_QUEUE_LIST)
		return mode_queue_list(a, NULL);
	if (a->mode == MODE_QUEUE_RUN)
		return mode_queue_run(a, NULL);
	/* What mode_aliases says of an account without one. */
	say("no configuration file, so no aliases file: nothing to check");
	return EX_OK;
}
/* The modes other than sending that work with one account. */
static int
account_mode(const struct args *a, struct conf *conf, struct account *acct)
{
	struct mode_ctx	 m = { .args = a, .conf = conf, .acct = acct };

	switch (a->mode) {
	case MODE_ALIASES:
		return mode_aliases(&m);
	case MODE_VERIFY:
		return mode_verify_envelope(a, conf, acct);
	case MODE_SERVERINFO:
		return mode_serverinfo(&m);
	case MODE_CHECK_DOMAIN:
		return mode_check_domain(&m);
	case MODE_CHECK:
		return mode_check(&m);
	case MODE_TEST_MAIL:
		return mode_test_mail(&m);
	case MODE_BATCH:
		return mode_batch(a, conf, acct);
	case MODE_OAUTH_LOGIN:
		return mode_oauth_login(a, acct);
	default:
		return mode_smtp(&m);
	}
}

/*
 * --version (bote.1, OPTIONS): the version on the first line (scripts
 * match it), then how this build is set up: its features, the files it
 * reads for this user and where it queues.
 */
static int
version(const struct args *a)
{
	char	buf[PATH_MAX];

	(void)printf("%s\n", PACKAGE_STRING);
	/* Never in a package: say so where it could matter. */
	if (test_hooks_built())
		(void)printf("test hooks: on (BOTE_TEST_* variables are read; "
		    "a build for the test suite only)\n");
	else
		(void)printf("test hooks: off\n");
	(void)printf("system configuration: %s\n", conffiles_system());
	if (a->conf_file != NULL)
		(void)printf("user configuration: %s (-C)\n", a->conf_file);
	else if (conffiles_user(buf, sizeof(buf)) == 0)
		(void)printf("user configuration: %s\n", buf);
	else
		(void)printf("user configuration: none (neither "
		    "XDG_CONFIG_HOME nor HOME is set)\n");
	version_msmtp(a);
	(void)printf("keyring: %s\n", keyring_feature());
	if (queue_dirname(NULL, buf, sizeof(buf)) == 0)
		(void)printf("queue: %s\n", buf);
	else
		(void)printf("queue: none (neither XDG_STATE_HOME nor HOME "
		    "is set)\n");
	if (ostore_dir(buf, sizeof(buf)) == 0)
		(void)printf("oauth2 tokens: %s\n", buf);
	return fflush(stdout) == 0 ? EX_OK : EX_IOERR;
}

/*
 * msmtp's files, and whether they are read: in place of bote's when
 * neither of those exists (bote.conf(5), FILES).
 */
static void
version_msmtp(const struct args *a)
{
	char		 buf[PATH_MAX];
	const char	*why = conffiles_msmtp() ? "read: no bote file exists" :
			    "not read: a bote file exists";

	(void)printf("msmtp system configuration: %s (%s)\n",
	    conffiles_msmtp_system(), why);
	if (a->conf_file != NULL)
		(void)printf("msmtp user configuration: none (-C takes its "
		    "place)\n");
	else if (conffiles_msmtp_user(buf, sizeof(buf)) == 0)
		(void)printf("msmtp user configuration: %s (%s)\n", buf, why);
	else
		(void)printf("msmtp user configuration: none (neither "
		    "XDG_CONFIG_HOME nor HOME is set)\n");
}

/*
 * Make sure descriptors 0, 1 and 2 are open before anything else is, so
 * no diagnostic can ever be written into the SMTP connection.
 */
static void
std_fds(void)
{
	int	fd;

	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		/* open() returns the lowest free descriptor: this one. */
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) == -1)
			_exit(EX_OSERR);
	}
}

static void
on_signal(int sig)
{
	bote_interrupted = sig;
}

static void
signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);
	/* No SA_RESTART: a signal must end the wait it interrupts. */
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	catch(SIGTERM, &sa);
	catch(SIGINT, &sa);
	catch(SIGHUP, &sa);
}

/*
 * Catch sig, unless the caller ignores it: nohup ignores SIGHUP, and a
 * shell starts background commands with SIGINT ignored so that Ctrl-C
 * at the terminal is not meant for them.
 */
static void
catch(int sig, const struct sigaction *sa)
{
	struct sigaction old;

	if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
		return;
	(void)sigaction(sig, sa, NULL);
}

/* Whether --check is among the arguments (before "--"). */
static int
check_wanted(int argc, char **argv)
{
	int	i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--check") == 0)
			return 1;
	return 0;
}
