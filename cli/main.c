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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "config.h"

#include "msg/addr.h"
#include "base/clock.h"
#include "args.h"
#include "conf/conf.h"
#include "conffiles.h"
#include "exitmap.h"
#include "msg/headers.h"
#include "log.h"
#include "modes.h"
#include "pretend.h"
#include "msg/msg.h"
#include "queuecli.h"
#include "report.h"
#include "msg/rfc5322.h"
#include "conf/secret.h"
#include "serverinfo.h"
#include "session.h"
#include "smtp/smtp.h"
#include "base/crypto.h"
#include "net/tls.h"
#include "base/util.h"


/* What the header scans collect. */
struct hdrinfo {
	int		 want_rcpts;	/* -t */
	struct addrlist	*rcpts;
	struct addrlist	 bccs;		/* -t: from Bcc/Resent-Bcc */
	size_t		 nth;		/* ordinal of the field seen */
	struct hdr_state hs;		/* the first pass (headers.h) */
	off_t		 body_off;
	off_t		 skip[HDR_DROPMAX][2];
	size_t		 nskip;
	char		*prefix;	/* the fields bote adds */
	size_t		 prefixlen;
	int		 bad;		/* an address list did not parse */
	char		 why[256];
};

static void	std_fds(void);
static void	on_signal(int);
static void	signals(void);
static int	note_cb(void *, const struct hdr_field *);
static int	header_cb(void *, const struct hdr_field *);
static int	is_bcc(const struct addrlist *, const char *);
static int	add_headers(const struct args *, const struct account *,
		    struct hdrinfo *, const char *, const struct addrlist *,
		    struct outcome *);
static int	envelope(const struct args *, const struct account *,
		    struct msg *, struct hdrinfo *, struct addrlist *,
		    char *, size_t);
static int	expand_aliases(const struct account *, struct addrlist *,
		    struct hdrinfo *);
static int	verify(const struct args *, struct conf *, struct account *);
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
	struct outmsg	 body;
	struct smtp	*sess = NULL;
	struct outcome	 o;
	char		 sender[ADDR_MAX + 1], qid[QUEUE_IDLEN + 1] = "";
	char		*pass = NULL;
	const char	*p;
	int		 st = -1, logit = 0;

	std_fds();
	signals();
	if ((p = strrchr(argv[0], '/')) != NULL && p[1] != '\0')
		progname = p + 1;
	else if (argv[0][0] != '\0')
		progname = argv[0];
	memset(&o, 0, sizeof(o));
	addrlist_init(&rcpts);
	outmsg_init(&body);

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
		/* Never in a package: say so where it could matter. */
		if (test_hooks_built())
			(void)printf("test hooks: on (BOTE_TEST_* variables "
			    "are read; a build for the test suite only)\n");
		return fflush(stdout) == 0 ? EX_OK : EX_IOERR;
	}
	/* A user who may not read the system's secrets: the maildrop. */
	if (args.mode == MODE_SEND && maildrop_wanted(&args))
		return maildrop_submit(&args);

	/* mailq with no configuration at all: the default queue. */
	if (args.mode == MODE_QUEUE_LIST && queue_no_config(&args))
		return mode_queue_list(&args, NULL);
	if (args.mode == MODE_QUEUE_LIST || args.mode == MODE_QUEUE_RUN ||
	    args.mode == MODE_SETUP_MAILDROP) {
		if (conffiles_load(&args, &conf, NULL) == -1) {
			conf_free(conf);
			return EX_CONFIG;
		}
		st = args.mode == MODE_QUEUE_LIST ?
		    mode_queue_list(&args, conf) : args.mode == MODE_QUEUE_RUN ?
		    mode_queue_run(&args, conf) : maildrop_setup(conf);
		conf_free(conf);
		return st;
	}
	if (conffiles_load(&args, &conf, &acct) == -1) {
		o.kind = OUT_CONFIG;
		goto done;
	}
	/* -P without recipients: the account alone, stdin untouched. */
	if (args.pretend && args.mode == MODE_SEND && args.nrcpts == 0 &&
	    !args.read_rcpts) {
		if (pretend_account(stdout, acct) == -1 || fflush(stdout) != 0)
			fail(&o, OUT_IOERR, "cannot write to standard output");
		goto done;
	}
	session_warnings(acct);
	if (args.mode != MODE_SEND) {
		struct mode_ctx	 m = { .args = &args, .conf = conf,
				    .acct = acct };

		st = args.mode == MODE_ALIASES ? mode_aliases(&m) :
		    args.mode == MODE_VERIFY ? verify(&args, conf, acct) :
		    args.mode == MODE_SERVERINFO ? mode_serverinfo(&m) :
		    mode_smtp(&m);
		conf_free(conf);
		return st;
	}

	/* The whole message is on disk before any connection is made. */
	msg = msg_spool(STDIN_FILENO, queue_spool_dir(acct, &args),
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
	/*
	 * A first pass over the header finds what is there (Date, From,
	 * a Resent block for -t) before the envelope is built.
	 */
	addrlist_init(&hi->bccs);
	hdr_state_init(&hi->hs);
	if (hdr_scan(msg_fd(msg), note_cb, hi, &hi->body_off) == -1) {
		if (hi->hs.ncand == HDR_DROPMAX)
			fail(&o, OUT_DATAERR, "the message has more than %d "
			    "From, To, Cc and Bcc fields", HDR_DROPMAX);
		else
			fail(&o, OUT_DATAERR, "cannot read the message "
			    "header: %s", errno == E2BIG ? "a header field "
			    "is too long" : strerror(errno));
		goto done;
	}
	if (envelope(&args, acct, msg, hi, &rcpts, sender,
	    sizeof(sender)) == -1) {
		o.kind = hi->bad == 2 ? OUT_USAGE : hi->bad == 3 ?
		    OUT_CONFIG : hi->bad == 4 ? OUT_OSERR : OUT_DATAERR;
		say("%s", hi->why);
		goto done;
	}
	if (add_headers(&args, acct, hi, sender, &rcpts, &o) == -1)
		goto done;

	body.fd = msg_fd(msg);
	body.size = msg_size(msg);
	body.eightbit = msg_eightbit(msg);
	/* The policy's ranges (at most HDR_DROPMAX) and the prefix. */
	for (size_t i = 0; i < hi->nskip; i++)
		if (outmsg_add_skip(&body, hi->skip[i][0],
		    hi->skip[i][1]) == -1) {
			fail(&o, OUT_SOFTWARE, "header ranges out of order");
			goto done;
		}
	body.prefix = hi->prefix;
	body.prefixlen = hi->prefixlen;
	hi->prefix = NULL;

	if (args.pretend) {
		/* Everything but the session: nothing is sent, no secret. */
		if (pretend_account(stdout, acct) == -1 ||
		    pretend_message(stdout, sender, rcpts.v, rcpts.n,
		    &body) == -1 || fflush(stdout) != 0)
			fail(&o, OUT_IOERR, "cannot write the message to "
			    "standard output");
		goto done;
	}
	/* -odq, -odb: queued first, so no password is needed yet. */
	if ((args.deliver == 'q' || args.deliver == 'b') &&
	    queue_enabled(acct, &args)) {
		session_opts(&op, acct, NULL, &args);
		logit = 1;
		st = queue_message(conf, acct, &args, &op, &body, sender,
		    &rcpts, NULL, qid, sizeof(qid));
		goto done;
	}
	if (session_password(acct, &pass, o.why, sizeof(o.why)) == -1) {
		/* Not fail(): it would format o.why onto itself. */
		o.kind = OUT_CONFIG;
		say("%s", o.why);
		goto done;
	}
	session_opts(&op, acct, pass, &args);

	/* One session: the queue may use it after this message. */
	logit = 1;
	if ((sess = smtp_open_for(&op, &body, &o)) != NULL)
		(void)smtp_tx(sess, sender, rcpts.v, rcpts.n, &body, &o);
	if (o.kind != OUT_OK) {
		smtp_close(sess);
		sess = NULL;
	}
	/*
	 * Every temporary failure is queued, and bote exits 0: it owns the
	 * message now (bote.1, QUEUE). Permanent failures are not.
	 */
	if (o.kind != OUT_OK && outcome_temporary(&o) &&
	    queue_enabled(acct, &args)) {
		if ((st = queue_message(conf, acct, &args, &op, &body, sender,
		    &rcpts, &o, qid, sizeof(qid))) != EX_OK)
			report_outcome(&o);
		goto done;
	}
	if (o.kind == OUT_OK) {
		if (args.verbose) {
			char	text[OUTCOME_TEXTMAX];

			(void)sanitize(text, sizeof(text), o.text,
			    strlen(o.text), 1);
			say("message accepted for %zu recipient%s: %d %s",
			    rcpts.n, rcpts.n == 1 ? "" : "s", o.code, text);
		}
		/* Logged before the queued messages that follow it. */
		log_attempt(acct, sender, rcpts.v, rcpts.n, body.size, &o,
		    NULL, EX_OK);
		logit = 0;
		/* The server is back: what waits for it goes too. */
		queue_after_send(conf, acct, &args, sess, &op);
	} else
		report_outcome(&o);
done:
	/* msmtp's logfile and syslog: one line per attempt. */
	if (logit)
		log_attempt(acct, sender, rcpts.v, rcpts.n, body.size, &o,
		    qid[0] != '\0' ? qid : NULL, st != -1 ? st :
		    exit_status(&o));
	smtp_close(sess);
	secret_free(pass);
	if (hi != NULL) {
		addrlist_free(&hi->bccs);
		free(hi->prefix);
	}
	free(hi);
	outmsg_free(&body);
	addrlist_free(&rcpts);
	msg_free(msg);
	conf_free(conf);
	return st != -1 ? st : exit_status(&o);
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

/* The first pass: what the header holds (hdr_note()). */
static int
note_cb(void *arg, const struct hdr_field *f)
{
	struct hdrinfo	*hi = arg;

	return hdr_note(&hi->hs, f);
}

/*
 * The second pass, from envelope(): with -t, the recipients of To, Cc
 * and Bcc, or of the first Resent block when there is one.
 */
static int
header_cb(void *arg, const struct hdr_field *f)
{
	struct hdrinfo	*hi = arg;
	enum hdr_kind	 k = hdr_kind(f->name, f->namelen);
	size_t		 nth = hi->nth++;

	if (!hi->want_rcpts || !hdr_rcpt_field(&hi->hs, nth, k))
		return 0;
	if (addr_parse_list(f->value, f->valuelen, hi->rcpts, hi->why,
	    sizeof(hi->why)) == -1 || ((k == HK_BCC || k == HK_RESENT_BCC) &&
	    addr_parse_list(f->value, f->valuelen, &hi->bccs, hi->why,
	    sizeof(hi->why)) == -1)) {
		hi->bad = 1;
		return -1;
	}
	return 0;
}

/* Whether recipient r came from a Bcc field (then To must not show it). */
static int
is_bcc(const struct addrlist *b, const char *r)
{
	size_t	i, n;

	for (i = 0; i < b->n; i++) {
		n = strlen(b->v[i]);
		if (strcasecmp(b->v[i], r) == 0 || (strchr(b->v[i], '@') ==
		    NULL && strncmp(b->v[i], r, n) == 0 && r[n] == '@'))
			return 1;
	}
	return 0;
}

/*
 * The header policy (headers.h, bote.conf(5)): the fields left out of
 * what is sent (skip ranges, in file order) and the fields added in
 * front of the message (prefix).
 *
 * Test hook (clock.h; a test build only): BOTE_TEST_MSGID_RANDOM, up to
 * 32 hex digits, replaces the random part of a Message-ID.
 */
static int
add_headers(const struct args *a, const struct account *acct,
    struct hdrinfo *hi, const char *sender, const struct addrlist *rcpts,
    struct outcome *o)
{
	static const char hex[] = "0123456789abcdef";
	struct hdr_policy pol;
	struct hdr_gen	 g;
	struct addrlist	 shown;
	unsigned char	 rnd[16];
	char		 token[2 * sizeof(rnd) + 1] = "", why[256];
	const char	*from = NULL, *e;
	size_t		 i;
	int		 adds, rc = -1;

	addrlist_init(&shown);
	/* The null sender has no address for From: the account's, if any. */
	if (sender[0] != '\0')
		from = sender;
	else if (acct->from != NULL && strchr(acct->from, '@') != NULL &&
	    addr_check(acct->from, 0, why, sizeof(why)) == 0)
		from = acct->from;
	memset(&pol, 0, sizeof(pol));
	pol.set_from = acct->set_from_header;
	pol.set_date = acct->set_date_header;
	pol.set_msgid = acct->set_msgid_header;
	pol.set_to = acct->set_to_header;
	pol.remove_bcc = acct->remove_bcc_headers;
	pol.can_from = from != NULL;
	for (i = 0; i < hi->hs.ncand; i++) {
		if (!hdr_drops(&pol, hi->hs.cand[i].kind))
			continue;
		hi->skip[hi->nskip][0] = hi->hs.cand[i].off;
		hi->skip[hi->nskip][1] = hi->hs.cand[i].len;
		hi->nskip++;
	}
	if ((adds = hdr_adds(&pol, &hi->hs)) == 0)
		return 0;

	memset(&g, 0, sizeof(g));
	g.now = clock_now();
	e = test_hook("MSGID_RANDOM");
	if (e != NULL && e[0] != '\0' && strlen(e) < sizeof(token) &&
	    strspn(e, "0123456789abcdefABCDEF") == strlen(e))
		(void)xstrlcpy(token, e, sizeof(token));
	else if (adds & HDR_ADD_MSGID) {
		if (crypto_random(rnd, sizeof(rnd)) == -1) {
			fail(o, OUT_OSERR, "cannot get random bytes for a "
			    "Message-ID");
			goto out;
		}
		for (i = 0; i < sizeof(rnd); i++) {
			token[2 * i] = hex[rnd[i] >> 4];
			token[2 * i + 1] = hex[rnd[i] & 0x0f];
		}
		token[2 * sizeof(rnd)] = '\0';
	}
	g.msgid_token = token;
	g.msgid_domain = addr_domain(sender);
	if (g.msgid_domain == NULL && acct->from != NULL)
		g.msgid_domain = addr_domain(acct->from);
	g.from_addr = from;
	g.from_name = a->fullname ? a->fullname : acct->from_full_name;
	g.blank = hi->body_off == 0;
	if (adds & HDR_ADD_TO) {
		/* Bcc recipients stay hidden. */
		for (i = 0; i < rcpts->n; i++)
			if (!is_bcc(&hi->bccs, rcpts->v[i]) &&
			    addrlist_add(&shown, rcpts->v[i],
			    strlen(rcpts->v[i])) == -1) {
				fail(o, OUT_OSERR, "out of memory");
				goto out;
			}
		if (shown.n == 0)
			adds = (adds & ~HDR_ADD_TO) | HDR_ADD_UNDISC;
		g.rcpts = shown.v;
		g.nrcpts = shown.n;
	}
	if (hdr_prefix(adds, &g, &hi->prefix, &hi->prefixlen, why,
	    sizeof(why)) == -1) {
		fail(o, OUT_DATAERR, "%s", why);
		goto out;
	}
	rc = 0;
out:
	addrlist_free(&shown);
	return rc;
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
	const char	*from;
	const char	*dom;
	off_t		 body_off;
	size_t		 i;
	int		 rc = -1;

	addrlist_init(&tmp);
	hi->rcpts = rcpts;
	hi->want_rcpts = a->read_rcpts;
	/* allow_from_override off: -f chose the account, nothing more. */
	from = a->sender != NULL && acct->allow_from_override ? a->sender :
	    acct->from;
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
	/* No message with -bv: the arguments are the recipients. */
	if (m != NULL && hdr_scan(msg_fd(m), header_cb, hi, &body_off) == -1) {
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
	/* Local names are looked up before they are qualified. */
	if (acct->aliases != NULL && expand_aliases(acct, rcpts, hi) == -1)
		goto out;
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

/*
 * Replace the local recipients by what the account's aliases file maps
 * them to (bote.conf(5), aliases). Only the envelope changes; the
 * header keeps what the sender wrote.
 */
static int
expand_aliases(const struct account *acct, struct addrlist *rcpts,
    struct hdrinfo *hi)
{
	struct aliases	*al;
	struct addrlist	 out;
	char		 host[256];
	int		 st, rc = -1;

	addrlist_init(&out);
	if ((al = load_aliases(acct, &st)) == NULL) {
		hi->bad = st == EX_OSERR ? 4 : 3;
		(void)xsnprintf(hi->why, sizeof(hi->why), "account %s: the "
		    "aliases file cannot be used; nothing was sent",
		    acct->name);
		return -1;
	}
	/* user@<this host> is local too; no name means no such match. */
	if (gethostname(host, sizeof(host)) == -1)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	if (aliases_expand(al, host, rcpts, &out) == -1) {
		hi->bad = errno == ELOOP ? 3 : errno == E2BIG ? 1 : 4;
		(void)xsnprintf(hi->why, sizeof(hi->why), "%s",
		    errno == ELOOP ? "aliases nested more than 16 deep "
		    "(a loop?); nothing was sent" : errno == E2BIG ?
		    "too many recipients after alias expansion (limit "
		    "10000)" : "out of memory");
		goto out;
	}
	addrlist_free(rcpts);
	*rcpts = out;
	addrlist_init(&out);
	addrlist_dedup(rcpts);
	rc = 0;
out:
	addrlist_free(&out);
	aliases_free(al);
	return rc;
}

/*
 * -bv: the envelope as for sending but without a message (standard
 * input is not read), then mode_verify asks the server.
 */
static int
verify(const struct args *a, struct conf *conf, struct account *acct)
{
	struct mode_ctx	 m = { .args = a, .conf = conf, .acct = acct };
	struct hdrinfo	*hi;
	struct addrlist	 rcpts;
	struct smtp_opts op;
	struct outcome	 o;
	char		 sender[ADDR_MAX + 1];
	char		*pass = NULL;
	int		 st;

	memset(&o, 0, sizeof(o));
	addrlist_init(&rcpts);
	if ((hi = calloc(1, sizeof(*hi))) == NULL) {
		fail(&o, OUT_OSERR, "out of memory");
		return exit_status(&o);
	}
	if (envelope(a, acct, NULL, hi, &rcpts, sender,
	    sizeof(sender)) == -1) {
		o.kind = hi->bad == 2 ? OUT_USAGE : hi->bad == 3 ?
		    OUT_CONFIG : hi->bad == 4 ? OUT_OSERR : OUT_DATAERR;
		say("%s", hi->why);
		st = exit_status(&o);
	} else if (session_password(acct, &pass, o.why,
	    sizeof(o.why)) == -1) {
		o.kind = OUT_CONFIG;
		say("%s", o.why);
		st = exit_status(&o);
	} else {
		session_opts(&op, acct, pass, a);
		m.op = &op;
		m.sender = sender;
		m.rcpts = &rcpts;
		st = mode_verify(&m);
	}
	secret_free(pass);
	free(hi);
	addrlist_free(&rcpts);
	return st;
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
