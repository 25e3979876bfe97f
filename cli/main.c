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
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "config.h"

#include "addr.h"
#include "args.h"
#include "conf.h"
#include "exitmap.h"
#include "modes.h"
#include "msg.h"
#include "report.h"
#include "rfc5322.h"
#include "secret.h"
#include "smtp.h"
#include "util.h"

#define SKIPMAX		1024	/* Bcc fields removed from one message */
#define EVAL_TIMEOUT	30	/* seconds for passwordeval */

/* What the header scan collects. */
struct hdrinfo {
	int		 want_rcpts;	/* -t */
	struct addrlist	*rcpts;
	off_t		 skip[SKIPMAX][2];
	size_t		 nskip;
	int		 bad;		/* an address list did not parse */
	char		 why[256];
};

static void	std_fds(void);
static void	on_signal(int);
static void	signals(void);
static int	load_conf(struct conf *, const struct args *);
static const char *spool_dir(void);
static int	header_cb(void *, const struct hdr_field *);
static int	envelope(const struct args *, const struct account *,
		    struct msg *, struct hdrinfo *, struct addrlist *,
		    char *, size_t);
static int	has_ctl(const char *);
static int	fail(struct outcome *, enum outcome_kind, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

int
main(int argc, char **argv)
{
	struct args	 args;
	struct conf	*conf = NULL;
	struct account	*acct;
	struct msg	*msg = NULL;
	struct hdrinfo	*hi = NULL;
	struct addrlist	 rcpts;
	struct smtp_opts op;
	struct smtp_body body;
	struct outcome	 o;
	char		 sender[ADDR_MAX + 1], why[OUTCOME_WHYMAX];
	char		*pass = NULL;
	const char	*p;
	size_t		 i;

	std_fds();
	signals();
	if ((p = strrchr(argv[0], '/')) != NULL && p[1] != '\0')
		progname = p + 1;
	else if (argv[0][0] != '\0')
		progname = argv[0];
	memset(&o, 0, sizeof(o));
	addrlist_init(&rcpts);

	if (args_parse(argc, argv, &args) == -1) {
		say("%s; see %s --help", args.why, progname);
		return EX_USAGE;
	}
	if (args.mode == MODE_HELP) {
		(void)fputs(args_usage, stdout);
		return fflush(stdout) == 0 ? EX_OK : EX_IOERR;
	}
	if (args.mode == MODE_VERSION) {
		(void)printf("%s\n", PACKAGE_STRING);
		return fflush(stdout) == 0 ? EX_OK : EX_IOERR;
	}
	if (args.mode == MODE_QUEUE_LIST)
		return mode_queue_list(&args);
	if (args.mode == MODE_QUEUE_RUN)
		return mode_queue_run(&args);

	if ((conf = conf_new()) == NULL) {
		fail(&o, OUT_OSERR, "out of memory");
		goto done;
	}
	if (load_conf(conf, &args) == -1) {
		o.kind = OUT_CONFIG;
		goto done;
	}
	p = args.account ? args.account : "default";
	if ((acct = conf_account(conf, p)) == NULL) {
		fail(&o, OUT_CONFIG, "account %s not found in %s; name one "
		    "with -a or add \"account default : NAME\"", p,
		    conf->nfiles > 0 ? conf->files[conf->nfiles - 1] :
		    "the configuration");
		goto done;
	}
	if (conf_check(conf, acct) == -1) {
		for (i = 0; i < conf->nerrs; i++)
			say("%s", conf->errs[i]);
		o.kind = OUT_CONFIG;
		goto done;
	}
	/*
	 * Until aliases and allow_from_override are implemented (issue 3),
	 * refuse them: ignoring them would change who gets the mail, or
	 * whom it is from.
	 */
	if (acct->aliases != NULL || !acct->allow_from_override) {
		fail(&o, OUT_CONFIG, "account %s: %s is not supported by this "
		    "version of bote", acct->name, acct->aliases != NULL ?
		    "aliases" : "allow_from_override off");
		goto done;
	}
	if (args.mode != MODE_SEND) {
		struct mode_ctx	 m = { &args, conf, acct };
		int		 st;

		st = args.mode == MODE_ALIASES ? mode_aliases(&m) :
		    args.mode == MODE_VERIFY ? mode_verify(&m) : mode_smtp(&m);
		conf_free(conf);
		return st;
	}

	/* The whole message is on disk before any connection is made. */
	msg = msg_spool(STDIN_FILENO, spool_dir(),
	    args.ignore_dots ? 0 : NORM_DOTEND, &o);
	if (msg == NULL) {
		report_outcome(&o);
		goto done;
	}
	if (msg_broken(msg) > 0)
		say("warning: %lu line%s longer than %d octets %s broken "
		    "with CRLF SP", msg_broken(msg), msg_broken(msg) == 1 ?
		    "" : "s", MSG_LINEMAX, msg_broken(msg) == 1 ? "was" :
		    "were");

	if ((hi = calloc(1, sizeof(*hi))) == NULL) {
		fail(&o, OUT_OSERR, "out of memory");
		goto done;
	}
	if (envelope(&args, acct, msg, hi, &rcpts, sender,
	    sizeof(sender)) == -1) {
		o.kind = hi->bad == 2 ? OUT_USAGE : hi->bad == 3 ?
		    OUT_CONFIG : hi->bad == 4 ? OUT_OSERR : OUT_DATAERR;
		say("%s", hi->why);
		goto done;
	}

	if (acct->auth != AUTHM_OFF && acct->password == NULL &&
	    acct->passwordeval != NULL) {
		pass = secret_eval(acct->passwordeval, EVAL_TIMEOUT, why,
		    sizeof(why));
		if (pass == NULL) {
			fail(&o, OUT_CONFIG, "account %s: %s", acct->name, why);
			goto done;
		}
	}
	if (acct->auth != AUTHM_OFF && acct->password == NULL &&
	    pass == NULL) {
		fail(&o, OUT_CONFIG, "account %s has auth set but no password:"
		    " add a password or passwordeval line", acct->name);
		goto done;
	}

	memset(&op, 0, sizeof(op));
	op.host = acct->host;
	op.port = account_port(acct);
	op.tls = acct->tls;
	op.starttls = acct->starttls;
	op.trust_file = acct->trust_file;
	op.helo = acct->domain;
	op.auth = acct->auth;
	op.user = acct->user;
	op.password = pass ? pass : acct->password;
	op.timeout_s = acct->timeout;
	if (args.verbose)
		op.trace = report_trace;

	memset(&body, 0, sizeof(body));
	body.fd = msg_fd(msg);
	body.size = msg_size(msg);
	body.skip = (const off_t (*)[2])hi->skip;
	body.nskip = hi->nskip;
	body.eightbit = msg_eightbit(msg);

	(void)smtp_send(&op, sender, rcpts.v, rcpts.n, &body, &o);
	if (o.kind == OUT_OK) {
		if (args.verbose) {
			char	text[OUTCOME_TEXTMAX];

			(void)sanitize(text, sizeof(text), o.text,
			    strlen(o.text), 1);
			say("message accepted for %zu recipient%s: %d %s",
			    rcpts.n, rcpts.n == 1 ? "" : "s", o.code, text);
		}
	} else
		report_outcome(&o);
done:
	secret_free(pass);
	free(hi);
	addrlist_free(&rcpts);
	msg_free(msg);
	conf_free(conf);
	return exit_status(&o);
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
	(void)sig;
	bote_interrupted = 1;
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
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
}

/*
 * -C FILE, else $XDG_CONFIG_HOME/bote/config (~/.config/bote/config),
 * else SYSCONFDIR/bote.conf: the first that exists.
 */
static int
load_conf(struct conf *c, const struct args *a)
{
	char		 path[4096];
	const char	*xdg = getenv("XDG_CONFIG_HOME");
	const char	*home = getenv("HOME");
	size_t		 i;
	int		 rc;

	if (a->conf_file != NULL) {
		if (conf_read(c, a->conf_file) == -1 && c->nerrs == 0) {
			say("cannot read configuration file %s: %s",
			    a->conf_file, strerror(errno));
			return -1;
		}
	} else {
		rc = -1;
		if (xdg != NULL && xdg[0] == '/')
			rc = xsnprintf(path, sizeof(path), "%s/bote/config",
			    xdg);
		else if (home != NULL && home[0] == '/')
			rc = xsnprintf(path, sizeof(path),
			    "%s/.config/bote/config", home);
		if (rc == 0 && conf_read(c, path) == -1 && c->nerrs == 0) {
			if (errno != ENOENT) {
				say("cannot read configuration file %s: %s",
				    path, strerror(errno));
				return -1;
			}
			rc = -1;
		}
		if (rc == -1 && conf_read(c, SYSCONFDIR "/bote.conf") == -1 &&
		    c->nerrs == 0) {
			say("no configuration file: create %s or "
			    SYSCONFDIR "/bote.conf (see bote.conf(5)), or "
			    "name one with -C", rc == 0 || home != NULL ?
			    "~/.config/bote/config" : "one");
			return -1;
		}
	}
	if (c->nerrs > 0) {
		for (i = 0; i < c->nerrs; i++)
			say("%s", c->errs[i]);
		if (c->more_errs)
			say("... and more errors");
		return -1;
	}
	return 0;
}

/*
 * The spool file has no name (O_TMPFILE), so it vanishes with bote
 * whatever happens. The queue (a later version) will want it on the
 * queue's file system so it can be linked there without copying.
 */
static const char *
spool_dir(void)
{
	const char	*t = getenv("TMPDIR");

	return t != NULL && t[0] == '/' ? t : "/tmp";
}

static int
header_cb(void *arg, const struct hdr_field *f)
{
	struct hdrinfo	*hi = arg;
	int		 bcc = hdr_is(f, "Bcc");

	if (bcc) {
		/* Bcc never leaves with the message. */
		if (hi->nskip == SKIPMAX) {
			hi->bad = 1;
			(void)xsnprintf(hi->why, sizeof(hi->why),
			    "more than %d Bcc fields", SKIPMAX);
			return -1;
		}
		hi->skip[hi->nskip][0] = f->off;
		hi->skip[hi->nskip][1] = f->len;
		hi->nskip++;
	}
	if (!hi->want_rcpts || !(bcc || hdr_is(f, "To") || hdr_is(f, "Cc")))
		return 0;
	if (addr_parse_list(f->value, f->valuelen, hi->rcpts, hi->why,
	    sizeof(hi->why)) == -1) {
		hi->bad = 1;
		return -1;
	}
	return 0;
}

/*
 * The envelope: sender from -f or the account's from; recipients from
 * the operands (each may be a comma list) and, with -t, To/Cc/Bcc.
 * Unqualified addresses take the domain of the sender. Every address is
 * checked before it can reach an SMTP command. On error hi->why says
 * why and hi->bad the kind (1 data, 2 usage, 3 config, 4 memory).
 */
static int
envelope(const struct args *a, const struct account *acct, struct msg *m,
    struct hdrinfo *hi, struct addrlist *rcpts, char *sender, size_t sz)
{
	struct addrlist	 tmp;
	char		 q[ADDR_MAX + 1];
	const char	*from = a->sender ? a->sender : acct->from;
	const char	*dom;
	off_t		 body_off;
	size_t		 i;
	int		 rc = -1;

	addrlist_init(&tmp);
	hi->rcpts = rcpts;
	hi->want_rcpts = a->read_rcpts;
	/*
	 * An address argument never holds a control character; refuse it
	 * before the address parser could read CR LF as folding space.
	 */
	for (i = 0; i <= a->nrcpts; i++) {
		const char *v = i < a->nrcpts ? a->rcpts[i] : a->sender;

		if (v != NULL && has_ctl(v)) {
			hi->bad = 1;
			(void)xsnprintf(hi->why, sizeof(hi->why), "%s "
			    "contains a control character (CR, LF, TAB, ...)",
			    i < a->nrcpts ? "a recipient argument" :
			    "the -f sender");
			goto out;
		}
	}
	if (from == NULL) {
		hi->bad = 3;
		(void)xsnprintf(hi->why, sizeof(hi->why), "no envelope "
		    "sender: give -f ADDRESS or add a from line to account "
		    "%s", acct->name);
		goto out;
	}
	/* "<>" and "" are the null sender (bounces, RFC 5321 4.5.5). */
	if (strcmp(from, "<>") == 0 || from[0] == '\0')
		sender[0] = '\0';
	else {
		if (addr_parse_list(from, strlen(from), &tmp, hi->why,
		    sizeof(hi->why)) == -1 || tmp.n != 1) {
			hi->bad = 1;
			if (tmp.n != 1)
				(void)xsnprintf(hi->why, sizeof(hi->why),
				    "the envelope sender must be one "
				    "address");
			goto out;
		}
		if (xstrlcpy(sender, tmp.v[0], sz) == -1) {
			hi->bad = 1;
			(void)xsnprintf(hi->why, sizeof(hi->why), "the "
			    "envelope sender is too long");
			goto out;
		}
	}
	dom = addr_domain(sender);
	if (dom == NULL && acct->from != NULL)
		dom = addr_domain(acct->from);
	if (dom == NULL && sender[0] != '\0') {
		hi->bad = 3;
		(void)xsnprintf(hi->why, sizeof(hi->why), "the envelope "
		    "sender has no domain and account %s has no from "
		    "address to take one from", acct->name);
		goto out;
	}
	if (sender[0] != '\0' && strchr(sender, '@') == NULL) {
		if (addr_qualify(q, sizeof(q), sender, dom) == -1 ||
		    xstrlcpy(sender, q, sz) == -1) {
			hi->bad = 1;
			(void)xsnprintf(hi->why, sizeof(hi->why), "the "
			    "envelope sender is too long");
			goto out;
		}
	}
	if (addr_check(sender, 1, hi->why, sizeof(hi->why)) == -1) {
		hi->bad = 1;
		goto out;
	}

	for (i = 0; i < a->nrcpts; i++)
		if (addr_parse_list(a->rcpts[i], strlen(a->rcpts[i]), rcpts,
		    hi->why, sizeof(hi->why)) == -1) {
			hi->bad = 1;
			goto out;
		}
	if (hdr_scan(msg_fd(m), header_cb, hi, &body_off) == -1) {
		if (!hi->bad)
			(void)xsnprintf(hi->why, sizeof(hi->why), "cannot "
			    "read the message header: %s", errno == E2BIG ?
			    "a header field is too long" : strerror(errno));
		hi->bad = 1;
		goto out;
	}
	addrlist_dedup(rcpts);
	if (rcpts->n == 0) {
		hi->bad = 2;
		(void)xsnprintf(hi->why, sizeof(hi->why), "no recipients: "
		    "give them as arguments%s", a->read_rcpts ? "" :
		    ", or use -t to read them from the message");
		goto out;
	}
	for (i = 0; i < rcpts->n; i++) {
		if (strchr(rcpts->v[i], '@') == NULL && dom != NULL) {
			if (addr_qualify(q, sizeof(q), rcpts->v[i], dom) == -1) {
				hi->bad = 1;
				(void)xsnprintf(hi->why, sizeof(hi->why),
				    "recipient %zu is too long", i + 1);
				goto out;
			}
			free(rcpts->v[i]);
			if ((rcpts->v[i] = strdup(q)) == NULL) {
				hi->bad = 4;
				(void)xsnprintf(hi->why, sizeof(hi->why),
				    "out of memory");
				goto out;
			}
		}
		if (addr_check(rcpts->v[i], 0, hi->why, sizeof(hi->why)) == -1) {
			char	 shown[ADDR_MAX + 1];
			char	 w[200];

			(void)sanitize(shown, sizeof(shown), rcpts->v[i],
			    strlen(rcpts->v[i]), 1);
			(void)xstrlcpy(w, hi->why, sizeof(w));
			(void)xsnprintf(hi->why, sizeof(hi->why), "invalid "
			    "recipient \"%.100s\": %s", shown, w);
			hi->bad = 1;
			goto out;
		}
	}
	addrlist_dedup(rcpts);
	rc = 0;
out:
	addrlist_free(&tmp);
	return rc;
}

static int
has_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static int
fail(struct outcome *o, enum outcome_kind kind, const char *fmt, ...)
{
	va_list	ap;

	o->kind = kind;
	va_start(ap, fmt);
	(void)vsnprintf(o->why, sizeof(o->why), fmt, ap);
	va_end(ap);
	say("%s", o->why);
	return -1;
}
