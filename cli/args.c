/*
 * The sendmail command line. Callers pass whatever they tested against
 * Postfix and Sendmail: grouped flags (-ti), glued values (-FCronDaemon,
 * -fuser@x, -B8BITMIME), -o option strings (-oi, -oem), operands before
 * and after options, and "--". Flags bote does not implement yet are
 * refused with a clear message rather than quietly doing something else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg/addr.h"
#include "args.h"
#include "conf/conf.h"
#include "base/util.h"

const char args_usage[] =
"usage: bote [-dtivP] [-C file] [-a account] [-f sender] [-F name]\n"
"            [-N dsn] [-R ret] [-V envid] [-X logfile] [-B type]\n"
"            [-o option] [-b mode] [-q[R|I|S]string] [-od{i|b|q}]\n"
"            [--read-envelope-from] [--no-queue] [--json]\n"
"            [--setting[=value] ...] [--] [recipient ...]\n"
"       bote -q [--due] [-v] [-C file]\n"
"       bote --delete | --hold | --release id|ALL [-C file]\n"
"       bote -S | --serverinfo [-v] [-C file] [-a account]\n"
"       bote --check-domain [-C file] [-a account] [domain]\n"
"       bote --check [-v] [-C file] [-a account] [--warning-age=age]\n"
"            [--critical-age=age] [--cert-days=days]\n"
"       bote --test-mail [-v] [-C file] [-a account] [-f sender]\n"
"            [recipient]\n"
"       bote --batch [-v] [-C file] [-a account] [-f sender] [-F name]\n"
"            [-odq] [--json] [file | directory | -]\n"
"       bote --setup [-C file] [-a account] [--setup-password=how]\n"
"            [--setup-client-id=id] [--setup-test-mail] [--host=host]\n"
"            [--port=port] [--user=user] [--passwordeval=cmd] address\n"
"       bote --oauth-login [-C file] [-a account]\n"
"       bote --oauth-status [-C file] [-a account]\n"
"       bote --dkim-keygen --domain domain --selector selector\n"
"            [--type ed25519|rsa] [--bits bits] [--key file]\n"
"       bote --help | --version\n";

/* How a long option takes its value. */
enum larg {
	LA_NONE,	/* --opt */
	LA_NEED,	/* --opt=V or --opt V */
	LA_OPT		/* --opt or --opt=V */
};

/*
 * msmtp's long options (msmtp 1.8's --help, all of them, and the older
 * names it still takes). Those with a flag do what the flag does; the
 * others set a configuration directive above the configuration files
 * (bote.1, OPTIONS): the one named like the option (dashes for
 * underscores) to the value given, or key to val. A directive bote does
 * not implement is refused there, in the configuration's words, so an
 * option and its directive never disagree.
 */
static const struct longopt {
	const char	*name;
	enum larg	 arg;
	char		 flag;		/* 0: a directive */
	const char	*key;		/* NULL: from name */
	const char	*val;		/* NULL: the value given */
} longopts[] = {
	{ "account", LA_NEED, 'a', NULL, NULL },
	{ "add-missing-date-header", LA_OPT, 0, NULL, NULL },	/* < 1.8.8 */
	{ "add-missing-from-header", LA_OPT, 0, NULL, NULL },
	{ "aliases", LA_OPT, 0, NULL, NULL },
	{ "allow-from-override", LA_OPT, 0, NULL, NULL },
	{ "auth", LA_OPT, 0, NULL, NULL },
	{ "auto-from", LA_OPT, 0, NULL, NULL },		/* obsolete */
	{ "connect-timeout", LA_NEED, 0, NULL, NULL },
	{ "debug", LA_NONE, 'd', NULL, NULL },
	{ "domain", LA_OPT, 0, NULL, NULL },
	{ "dsn-notify", LA_NEED, 'N', NULL, NULL },
	{ "dsn-return", LA_NEED, 'R', NULL, NULL },
	{ "file", LA_NEED, 'C', NULL, NULL },
	{ "from", LA_NEED, 'f', NULL, NULL },
	{ "from-full-name", LA_OPT, 0, NULL, NULL },
	{ "host", LA_NEED, 0, NULL, NULL },
	{ "ip-version", LA_NEED, 0, NULL, NULL },
	{ "ipv4", LA_NONE, 0, "ip_version", "4" },	/* bote's own */
	{ "ipv6", LA_NONE, 0, "ip_version", "6" },
	{ "keepbcc", LA_OPT, 0, NULL, NULL },		/* 1.4 */
	{ "logfile", LA_OPT, 0, NULL, NULL },
	{ "logfile-time-format", LA_OPT, 0, NULL, NULL },
	{ "maildomain", LA_OPT, 0, NULL, NULL },	/* obsolete */
	{ "passwordeval", LA_OPT, 0, NULL, NULL },
	{ "port", LA_NEED, 0, NULL, NULL },
	{ "pretend", LA_NONE, 'P', NULL, NULL },
	{ "protocol", LA_NEED, 0, NULL, NULL },
	{ "proxy-host", LA_OPT, 0, NULL, NULL },
	{ "proxy-port", LA_OPT, 0, NULL, NULL },
	{ "read-recipients", LA_NONE, 't', NULL, NULL },
	{ "remove-bcc-headers", LA_OPT, 0, NULL, NULL },
	{ "set-date-header", LA_OPT, 0, NULL, NULL },
	{ "set-from-header", LA_OPT, 0, NULL, NULL },
	{ "set-msgid-header", LA_OPT, 0, NULL, NULL },
	{ "set-to-header", LA_OPT, 0, NULL, NULL },
	{ "socket", LA_OPT, 0, NULL, NULL },
	{ "source-ip", LA_OPT, 0, NULL, NULL },
	{ "syslog", LA_OPT, 0, NULL, NULL },
	{ "timeout", LA_NEED, 0, NULL, NULL },
	{ "tls", LA_OPT, 0, NULL, NULL },
	{ "tls-cert-file", LA_OPT, 0, NULL, NULL },
	{ "tls-certcheck", LA_OPT, 0, NULL, NULL },
	{ "tls-crl-file", LA_OPT, 0, NULL, NULL },
	{ "tls-fingerprint", LA_OPT, 0, NULL, NULL },
	{ "tls-force-sslv3", LA_OPT, 0, NULL, NULL },	/* ignored */
	{ "tls-host-override", LA_OPT, 0, NULL, NULL },
	{ "tls-key-file", LA_OPT, 0, NULL, NULL },
	{ "tls-min-dh-prime-bits", LA_OPT, 0, NULL, NULL }, /* ignored */
	{ "tls-priorities", LA_OPT, 0, NULL, NULL },
	{ "tls-starttls", LA_OPT, 0, NULL, NULL },
	{ "tls-trust-file", LA_OPT, 0, NULL, NULL },
	{ "undisclosed-recipients", LA_OPT, 0, NULL, NULL }, /* < 1.8.29 */
	{ "user", LA_OPT, 0, NULL, NULL },
};

/*
 * msmtp's options for what bote does not do, each refused with what to
 * do instead.
 */
static const struct refused {
	const char	*name;
	const char	*why;
} refusals[] = {
	{ "configure", "bote does not print configurations; run bote "
	    "--setup ADDRESS, which finds the server, checks it and writes "
	    "the account (bote.conf(5))" },
	{ "rmqs", "bote submits mail and does not ask servers to run their "
	    "queues (ETRN, RFC 1985); run the queue on that server" },
};

/* Directive names of the overrides: "tls-trust-file" -> "tls_trust_file". */
static char	ovr_names[ARGS_OVRMAX][32];

/* Flags that take a value, glued or in the next argument. */
static const char valued[] = "CafrFBNRVhLOAXob";
/* Accepted with no effect (value-taking ones consume their value). */
static const char ignored[] = "BhLOAGmnU";

static int	one_flag(struct args *, char, const char *);
static int	o_option(struct args *, const char *);
static int	dsn_flag(struct args *, char, const char *);
static int	dashdash(struct args *, int, char **, int *);
static int	long_opt(struct args *, int, char **, int *);
static int	add_override(struct args *, const char *, const char *,
		    const char *);
static int	trusted_only(struct args *);
static int	named_value(struct args *, int, char **, int *,
		    const char *const *, size_t, size_t *, const char **);
static int	threshold_opt(struct args *, int, char **, int *);
static long long duration(const char *, int);
static int	admin_opt(struct args *, int, char **, int *);
static int	setup_opt(struct args *, int, char **, int *);

int
args_parse(int argc, char **argv, struct args *a)
{
	const char	*arg, *val, *name;
	int		 i, nops = 0;
	size_t		 j;

	memset(a, 0, sizeof(*a));
	a->deliver = 'i';
	a->dsn_notify = -1;
	a->warn_age = a->crit_age = a->cert_days = -1;
	a->dsn_return = -1;
	name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (strcmp(name, "mailq") == 0)
		a->mode = MODE_QUEUE_LIST;
	else if (strcmp(name, "newaliases") == 0)
		a->mode = MODE_ALIASES;
	/* Operands are moved to the front of argv, in order. */
	a->rcpts = argv;
	for (i = 1; i < argc; i++) {
		arg = argv[i];
		if (strcmp(arg, "--") == 0) {
			for (i++; i < argc; i++)
				argv[nops++] = argv[i];
			break;
		}
		if (arg[0] != '-' || arg[1] == '\0') {
			argv[nops++] = argv[i];
			continue;
		}
		if (arg[1] == '-') {
			if (dashdash(a, argc, argv, &i) == -1)
				return -1;
			continue;
		}
		for (j = 1; arg[j] != '\0'; j++) {
			/* -q, -q1h, -qRdomain: the value is glued or absent. */
			if (arg[j] == 'q') {
				if (one_flag(a, 'q', arg + j + 1) == -1)
					return -1;
				break;
			}
			/*
			 * -d is msmtp's --debug; Sendmail's -d takes its
			 * debug classes glued (-d0.1): debug all the same.
			 */
			if (arg[j] == 'd') {
				(void)one_flag(a, 'd', NULL);
				if (arg[j + 1] >= '0' && arg[j + 1] <= '9')
					break;
				continue;
			}
			if (strchr(valued, arg[j]) == NULL) {
				if (one_flag(a, arg[j], NULL) == -1)
					return -1;
				continue;
			}
			/* The rest of the word, else the next argument. */
			if (arg[j + 1] != '\0')
				val = arg + j + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else {
				whyf(a->why, sizeof(a->why),
				    "option -%c needs a value", arg[j]);
				return -1;
			}
			if (one_flag(a, arg[j], val) == -1)
				return -1;
			break;
		}
	}
	a->nrcpts = (size_t)nops;
	if (a->mode == MODE_BATCH && (a->nrcpts > 1 || a->env_from ||
	    a->pretend)) {
		whyf(a->why, sizeof(a->why), "--batch takes one mbox file or "
		    "directory (none or -: standard input), and each message's "
		    "recipients and sender come from its header and -f, not %s",
		    a->nrcpts > 1 ? "recipient operands" : a->env_from ?
		    "--read-envelope-from" : "--pretend");
		return -1;
	}
	if (a->env_from && a->sender != NULL) {
		whyf(a->why, sizeof(a->why), "-f and --read-envelope-from "
		    "cannot be used together: each names the envelope "
		    "sender");
		return -1;
	}
	if (a->due && (a->mode != MODE_QUEUE_RUN || a->admin != 0)) {
		whyf(a->why, sizeof(a->why), "--due goes with -q: "
		    "bote -q --due");
		return -1;
	}
	/* mailq and newaliases only list and check: they run nothing. */
	if (strcmp(name, "bote") == 0 || ((strcmp(name, "mailq") == 0 ||
	    strcmp(name, "newaliases") == 0) && (a->mode == MODE_QUEUE_LIST ||
	    a->mode == MODE_ALIASES)))
		return 0;
	return trusted_only(a);
}

/* argv[*i], "--name[=value]": bote's own, else one of msmtp's. */
static int
dashdash(struct args *a, int argc, char **argv, int *i)
{
	const char	*arg = argv[*i];

	if (strcmp(arg, "--help") == 0)
		a->mode = MODE_HELP;
	else if (strcmp(arg, "--version") == 0)
		a->mode = MODE_VERSION;
	else if (strcmp(arg, "--serverinfo") == 0)
		a->mode = MODE_SERVERINFO;
	else if (strcmp(arg, "--check-domain") == 0)
		a->mode = MODE_CHECK_DOMAIN;
	else if (strcmp(arg, "--check") == 0)
		a->mode = MODE_CHECK;
	else if (strcmp(arg, "--test-mail") == 0)
		a->mode = MODE_TEST_MAIL;
	else if (strcmp(arg, "--batch") == 0)
		a->mode = MODE_BATCH;
	else if (strncmp(arg, "--warning-age", 13) == 0 ||
	    strncmp(arg, "--critical-age", 14) == 0 ||
	    strncmp(arg, "--cert-days", 11) == 0)
		return threshold_opt(a, argc, argv, i);
	else if (strcmp(arg, "--no-queue") == 0)
		a->no_queue = 1;
	else if (strcmp(arg, "--json") == 0)
		a->json = 1;
	else if (strcmp(arg, "--due") == 0)
		a->due = 1;
	else if (strcmp(arg, "--read-envelope-from") == 0)
		a->env_from = 1;
	else if (strncmp(arg, "--delete", 8) == 0 ||
	    strncmp(arg, "--hold", 6) == 0 ||
	    strncmp(arg, "--release", 9) == 0)
		return admin_opt(a, argc, argv, i);
	else if (strcmp(arg, "--setup-maildrop") == 0)
		a->mode = MODE_SETUP_MAILDROP;
	else if (strcmp(arg, "--setup") == 0)
		a->mode = MODE_SETUP;
	else if (strcmp(arg, "--setup-test-mail") == 0)
		a->setup_test_mail = 1;
	else if (strncmp(arg, "--setup-password", 16) == 0 ||
	    strncmp(arg, "--setup-client-id", 17) == 0)
		return setup_opt(a, argc, argv, i);
	else if (strcmp(arg, "--oauth-login") == 0)
		a->mode = MODE_OAUTH_LOGIN;
	else if (strcmp(arg, "--oauth-status") == 0)
		a->mode = MODE_OAUTH_STATUS;
	else
		return long_opt(a, argc, argv, i);
	return 0;
}

/*
 * Run as sendmail (or any name but its own), bote takes argv from
 * whoever calls that name, and web applications pass their users' text
 * there (PHP mail()'s fifth parameter, CVE-2016-10033). Options that
 * would make bote run a program (passwordeval, or a configuration file
 * that names one), write a file (logfile, -X) or use a file of the
 * caller's choosing as its own (aliases, and socket: a local service's
 * socket would get the caller's text) are for bote's own name only
 * (bote.1, SECURITY).
 */
static int
trusted_only(struct args *a)
{
	static const char *const keys[] = { "passwordeval", "logfile",
	    "logfile_time_format", "aliases", "socket" };
	const char	*opt = NULL;
	size_t		 i, k;

	if (a->mode == MODE_SETUP || a->setup_password != NULL ||
	    a->setup_client_id != NULL || a->setup_test_mail)
		opt = "--setup";	/* it writes the user's file */
	else if (a->conf_file != NULL)
		opt = "-C";
	for (i = 0; opt == NULL && i < a->novr; i++)
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (strcmp(a->ovr[i].key, keys[k]) == 0)
				opt = a->ovr[i].opt;
	if (opt == NULL)
		return 0;
	whyf(a->why, sizeof(a->why), "%s%.40s is refused when "
	    "bote runs as sendmail, since callers pass untrusted text there "
	    "(see SECURITY in bote.1): run bote by its own name to use it",
	    opt[0] == '-' ? "" : "--", opt);
	return -1;
}

/*
 * argv[*i], "--name=value" or "--name value", one of the nn names: *k its
 * index, *val the value (NULL when none follows). -1 for another name.
 */
static int
named_value(struct args *a, int argc, char **argv, int *i,
    const char *const *names, size_t nn, size_t *k, const char **val)
{
	const char	*arg = argv[*i] + 2;
	size_t		 n = 0;

	for (*k = 0; *k < nn; (*k)++) {
		n = strlen(names[*k]);
		if (strncmp(arg, names[*k], n) == 0 && (arg[n] == '\0' ||
		    arg[n] == '='))
			break;
	}
	if (*k == nn) {
		whyf(a->why, sizeof(a->why), "unknown option --%.40s", arg);
		return -1;
	}
	if (arg[n] == '=')
		*val = arg + n + 1;
	else if (*i + 1 < argc)
		*val = argv[++*i];
	else
		*val = NULL;
	return 0;
}

/*
 * --warning-age=AGE, --critical-age=AGE (seconds, or with s, m, h or d)
 * and --cert-days=N: --check's thresholds, each also as two arguments.
 */
static int
threshold_opt(struct args *a, int argc, char **argv, int *i)
{
	static const char *const names[] = { "warning-age", "critical-age",
	    "cert-days" };
	const char	*val;
	long long	 v;
	size_t		 k;

	if (named_value(a, argc, argv, i, names, 3, &k, &val) == -1)
		return -1;
	if (val == NULL)
		val = "";
	if ((v = duration(val, k < 2)) == -1) {
		whyf(a->why, sizeof(a->why), "option --%s needs %s", names[k],
		    k < 2 ? "an age: a number of seconds, or with s, m, h "
		    "or d (90m, 1d)" : "a number of days");
		return -1;
	}
	if (k == 0)
		a->warn_age = v;
	else if (k == 1)
		a->crit_age = v;
	else
		a->cert_days = v;
	return 0;
}

/* "90", "90s", "15m", "2h", "1d" in seconds (units: not for days); -1. */
static long long
duration(const char *s, int units)
{
	const char	*err = NULL;
	long long	 v;

	/* Ten years at most. */
	if (units)
		return conf_seconds(s, 0, 3650LL * 86400);
	v = strtonum(s, 0, 3650LL * 86400, &err);
	return err != NULL ? -1 : v;
}

/*
 * --delete ID, --hold ID, --release ID (or --name=ID): queue
 * administration, one of them per run, as postsuper -d, -h and -H.
 */
static int
admin_opt(struct args *a, int argc, char **argv, int *i)
{
	static const char *const names[] = { "delete", "hold", "release" };
	const char	*val;
	size_t		 k;

	if (named_value(a, argc, argv, i, names, 3, &k, &val) == -1)
		return -1;
	if (val == NULL) {
		whyf(a->why, sizeof(a->why), "option --%s needs a queue "
		    "id (or ALL)", names[k]);
		return -1;
	}
	if (a->admin != 0) {
		whyf(a->why, sizeof(a->why), "one of --delete, --hold and "
		    "--release at a time");
		return -1;
	}
	a->mode = MODE_QUEUE_RUN;
	a->admin = names[k][0] == 'd' ? 'd' : names[k][0] == 'h' ? 'h' : 'r';
	a->admin_id = val;
	return 0;
}

/* --setup-password=HOW and --setup-client-id=ID (or as two arguments). */
static int
setup_opt(struct args *a, int argc, char **argv, int *i)
{
	static const char *const names[] = { "setup-password",
	    "setup-client-id" };
	const char	*val;
	size_t		 k;

	if (named_value(a, argc, argv, i, names, 2, &k, &val) == -1)
		return -1;
	if (val == NULL || val[0] == '\0') {
		whyf(a->why, sizeof(a->why), "option --%s needs a value%s",
		    names[k], k == 0 ? ": file, eval, keyring, prompt, "
		    "oauth2 or none" : "");
		return -1;
	}
	if (k == 0)
		a->setup_password = val;
	else
		a->setup_client_id = val;
	return 0;
}

static int
one_flag(struct args *a, char c, const char *val)
{
	switch (c) {
	case 'C':
		a->conf_file = val;
		return 0;
	case 'a':
		a->account = val;
		return 0;
	case 'f':
	case 'r':
		a->sender = val;
		return 0;
	case 'F':
		a->fullname = val;
		return 0;
	case 't':
		a->read_rcpts = 1;
		return 0;
	case 'i':
		a->ignore_dots = 1;
		return 0;
	case 'v':
		a->verbose = 1;
		return 0;
	case 'd':
		a->verbose = 1;
		a->debug = 1;
		return 0;
	case 'X':
		/* msmtp's log file (Sendmail's is a traffic log). */
		return add_override(a, "logfile", val, "-X");
	case 'P':
		a->pretend = 1;
		return 0;
	case 'S':
		a->mode = MODE_SERVERINFO;
		return 0;
	case 'o':
		return o_option(a, val);
	case 'b':
		if (strcmp(val, "m") == 0)
			a->mode = MODE_SEND;
		else if (strcmp(val, "p") == 0)
			a->mode = MODE_QUEUE_LIST;
		else if (strcmp(val, "i") == 0)
			a->mode = MODE_ALIASES;
		else if (strcmp(val, "v") == 0)
			a->mode = MODE_VERIFY;
		else if (strcmp(val, "s") == 0)
			a->mode = MODE_SMTP;
		else {
			whyf(a->why, sizeof(a->why), "-b%.16s is "
			    "not supported: bote submits mail (-bm), lists "
			    "(-bp) or runs the queue (-q), checks aliases "
			    "(-bi) or recipients (-bv), and speaks SMTP on "
			    "standard input (-bs); it is no daemon", val);
			return -1;
		}
		return 0;
	case 'q':
		a->mode = MODE_QUEUE_RUN;
		a->queue_arg = val;
		return 0;
	case 'N':
	case 'R':
	case 'V':
		return dsn_flag(a, c, val);
	}
	if (strchr(ignored, c) != NULL)
		return 0;
	whyf(a->why, sizeof(a->why), "unknown option -%c", c);
	return -1;
}

/*
 * Delivery status notification requests (RFC 3461), as Sendmail and
 * msmtp take them: -N never|success,failure,delay (and off), -R
 * hdrs|headers|full (and off), -V envid. The ENVID must be printable
 * ASCII or space (4.4) and at most 100 octets once encoded as xtext.
 */
static int
dsn_flag(struct args *a, char c, const char *val)
{
	const char	*p;
	char		 x[ENVID_XTEXTMAX + 1];

	switch (c) {
	case 'N':
		if ((a->dsn_notify = conf_dsn_notify(val,
		    strlen(val))) == -1) {
			whyf(a->why, sizeof(a->why), "-N needs "
			    "never, or a comma-separated list of success, "
			    "failure and delay");
			return -1;
		}
		return 0;
	case 'R':
		if ((a->dsn_return = conf_dsn_return(val,
		    strlen(val))) == -1) {
			whyf(a->why, sizeof(a->why), "-R needs "
			    "hdrs or full");
			return -1;
		}
		return 0;
	}
	/* Space included: xtext carries it as "+20" on the wire. */
	for (p = val; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			break;
	if (*val == '\0' || *p != '\0') {
		whyf(a->why, sizeof(a->why), "-V needs an "
		    "envelope ID of printable ASCII characters and spaces "
		    "(RFC 3461 4.4)");
		return -1;
	}
	if (addr_xtext(x, sizeof(x), val) == -1) {
		whyf(a->why, sizeof(a->why), "-V: the envelope "
		    "ID is longer than %d octets once encoded (RFC 3461 "
		    "4.4)", ENVID_XTEXTMAX);
		return -1;
	}
	a->dsn_envid = val;
	return 0;
}

/*
 * -oX: -oi, and the delivery mode -odi (at once, the default), -odb (in
 * the background), -odq and -odd (queue only); the others are hints.
 */
static int
o_option(struct args *a, const char *opt)
{
	if (strcmp(opt, "i") == 0)
		a->ignore_dots = 1;
	else if (strcmp(opt, "di") == 0)
		a->deliver = 'i';
	else if (strcmp(opt, "db") == 0)
		a->deliver = 'b';
	else if (strcmp(opt, "dq") == 0 || strcmp(opt, "dd") == 0)
		a->deliver = 'q';
	return 0;
}

/*
 * argv[*i] is "--name", "--name=value" (or "--name" "value" for those
 * that need one). A flag's long name does what the flag does; the rest
 * become configuration overrides, checked later like a file's lines.
 */
static int
long_opt(struct args *a, int argc, char **argv, int *i)
{
	const struct longopt *lo = NULL;
	const char	*arg = argv[*i] + 2, *eq, *val = NULL;
	size_t		 n, k;

	eq = strchr(arg, '=');
	n = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	for (k = 0; k < sizeof(refusals) / sizeof(refusals[0]); k++)
		if (strlen(refusals[k].name) == n &&
		    strncmp(refusals[k].name, arg, n) == 0) {
			whyf(a->why, sizeof(a->why), "--%s is not supported: "
			    "%s", refusals[k].name, refusals[k].why);
			return -1;
		}
	for (k = 0; k < sizeof(longopts) / sizeof(longopts[0]); k++)
		if (strlen(longopts[k].name) == n &&
		    strncmp(longopts[k].name, arg, n) == 0)
			lo = &longopts[k];
	if (lo == NULL) {
		whyf(a->why, sizeof(a->why), "unknown option "
		    "--%.*s", (int)(n > 40 ? 40 : n), arg);
		return -1;
	}
	if (eq != NULL)
		val = eq + 1;
	if (lo->arg == LA_NONE && val != NULL) {
		whyf(a->why, sizeof(a->why), "option --%s takes "
		    "no value", lo->name);
		return -1;
	}
	if (lo->arg == LA_NEED && val == NULL) {
		if (*i + 1 >= argc) {
			whyf(a->why, sizeof(a->why), "option --%s "
			    "needs a value", lo->name);
			return -1;
		}
		val = argv[++*i];
	}
	if (lo->flag != 0)
		return one_flag(a, lo->flag, val);
	return add_override(a, lo->key, lo->val != NULL ? lo->val : val,
	    lo->name);
}

/*
 * Set directive key (NULL: the one named like opt, dashes for
 * underscores) to val (NULL: "", a bare optional value) above the
 * configuration files. opt is the option as given, for messages:
 * "logfile", or "-X" for a flag.
 */
static int
add_override(struct args *a, const char *key, const char *val,
    const char *opt)
{
	size_t	k;

	if (a->novr == ARGS_OVRMAX) {
		whyf(a->why, sizeof(a->why), "too many options "
		    "(limit %d)", ARGS_OVRMAX);
		return -1;
	}
	if (key != NULL)
		a->ovr[a->novr].key = key;
	else {
		/* Directive names are short: the table above is the bound. */
		for (k = 0; opt[k] != '\0' && k + 1 < sizeof(ovr_names[0]);
		    k++)
			ovr_names[a->novr][k] = opt[k] == '-' ? '_' : opt[k];
		ovr_names[a->novr][k] = '\0';
		a->ovr[a->novr].key = ovr_names[a->novr];
	}
	a->ovr[a->novr].val = val != NULL ? val : "";
	a->ovr[a->novr].opt = opt;
	a->novr++;
	return 0;
}

const char *
args_override(const struct args *a, const char *key)
{
	size_t	i;

	for (i = a->novr; i > 0; i--)
		if (strcmp(a->ovr[i - 1].key, key) == 0)
			return a->ovr[i - 1].val;
	return NULL;
}
