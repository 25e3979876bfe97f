/*
 * bote --setup ADDRESS (bote.1, SETUP): find the submission server of
 * an address (src/submit/discover.c), ask a person at a terminal only
 * what was not found or given as an option, check the server as
 * --serverinfo does (and the password by authenticating), append the
 * account to the user's configuration file, and offer a test mail
 * through --test-mail. Without a terminal every answer comes from an
 * option, so provisioning scripts can run it; a missing one is named.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <termios.h>
#include <unistd.h>

#include "base/util.h"
#include "conf/conf.h"
#include "conf/keyring.h"
#include "msg/addr.h"
#include "smtp/probe.h"
#include "smtp/smtp.h"
#include "submit/discover.h"

#include "conffiles.h"
#include "exitmap.h"
#include "modes.h"
#include "oauthcli.h"
#include "report.h"
#include "session.h"
#include "setup.h"
#include "testmail.h"

#define ANSWERMAX	1024	/* octets of one answer */
#define TEXTMAX		(16 * 1024)	/* the lines written */
#define DISC_TIMEOUT	5	/* seconds per lookup or connection */

enum pw_how {			/* --setup-password, in how_names order */
	PW_FILE,
	PW_EVAL,
	PW_KEYRING,
	PW_PROMPT,
	PW_OAUTH2,
	PW_NONE,
	PW__COUNT
};

static const char *const how_names[PW__COUNT] = { "file", "eval",
    "keyring", "prompt", "oauth2", "none" };

struct setup {
	const struct args	*args;
	const char		*address;
	const char		*domain;
	const char		*name;		/* the account's */
	int			 tty;		/* a person answers */
	char			 file[PATH_MAX];
	int			 exists;	/* the file was there */
	mode_t			 mode;		/* its permissions */
	int			 had_default;
	struct disc_server	 srv;
	char			 user[ANSWERMAX];
	int			 how;		/* enum pw_how */
	char			*password;	/* PW_FILE: a secret */
	char			 eval[ANSWERMAX];
	char			 client_id[ANSWERMAX];
	char			 msmtp[PATH_MAX];	/* msmtp's file that
						   bote stops reading, or "" */
	struct sbuf		 text;		/* the lines to add */
	size_t			 first;		/* where the account starts */
};

static int	start(struct setup *);
static int	how_given(const struct args *);
static int	read_file(struct setup *);
static int	find_server(struct setup *);
static int	given_server(struct setup *, const char *);
static int	ask_server(struct setup *);
static void	on_step(void *, const char *, const char *);
static int	ask_user(struct setup *);
static int	ask_how(struct setup *);
static int	ask_secret(struct setup *);
static int	compose(struct setup *);
static int	add_line(struct setup *, const char *, const char *);
static int	check_server(struct setup *, const struct account *);
static void	show_auth(const struct reply *);
static int	try_auth(struct setup *, const struct account *);
static int	write_account(struct setup *);
static void	show_lines(const struct setup *);
static int	to_keyring(struct setup *);
static int	afterwards(struct setup *);
static int	ask(const struct setup *, const char *, const char *, char *,
		    size_t, int);
static int	yes(const struct setup *, const char *, int);
static int	missing(const char *, const char *);

int
mode_setup(const struct args *a)
{
	struct setup	 s;
	struct conf	*c = NULL;
	struct account	*acct;
	size_t		 i;
	int		 st;

	memset(&s, 0, sizeof(s));
	s.args = a;
	s.how = -1;
	s.tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	sbuf_init(&s.text, TEXTMAX);
	if ((st = start(&s)) != EX_OK || (st = find_server(&s)) != EX_OK ||
	    (st = ask_user(&s)) != EX_OK || (st = ask_how(&s)) != EX_OK ||
	    (st = ask_secret(&s)) != EX_OK || (st = compose(&s)) != EX_OK)
		goto out;
	/* The lines as bote will read them: any mistake shows now. */
	if ((c = conf_new()) == NULL) {
		st = EX_OSERR;
		goto out;
	}
	if (conf_read_buf(c, "bote --setup", s.text.p, s.text.len) == -1 ||
	    (acct = conf_account(c, s.name)) == NULL ||
	    conf_check(c, acct) == -1) {
		for (i = 0; i < c->nerrs; i++)
			say("%s", c->errs[i]);
		say("nothing was written to %s", s.file);
		st = EX_CONFIG;
		goto out;
	}
	if ((st = check_server(&s, acct)) != EX_OK ||
	    (st = write_account(&s)) != EX_OK || (st = to_keyring(&s)) !=
	    EX_OK)
		goto out;
	st = afterwards(&s);
out:
	conf_free(c);
	if (s.text.p != NULL)
		freezero(s.text.p, s.text.cap);
	secret_free(s.password);
	return st;
}

/* The address, the file and the account name; the file as it is. */
static int
start(struct setup *s)
{
	const struct args	*a = s->args;
	char			 why[OUTCOME_WHYMAX];
	const char		*at, *p;

	if (a->nrcpts != 1) {
		say("--setup takes one address: %s --setup you@example.org",
		    progname);
		return EX_USAGE;
	}
	s->address = a->rcpts[0];
	if (addr_check(s->address, 0, why, sizeof(why)) == -1) {
		say("%s", why);
		return EX_DATAERR;
	}
	at = strrchr(s->address, '@');
	if (at == NULL || at == s->address || at[1] == '\0' ||
	    strchr(at + 1, '.') == NULL) {
		say("--setup needs a whole address, local@domain, such as "
		    "you@example.org");
		return EX_USAGE;
	}
	s->domain = at + 1;
	if ((s->how = how_given(a)) == -2) {
		say("--setup-password takes file, eval, keyring, prompt, "
		    "oauth2 or none");
		return EX_USAGE;
	}
	s->name = a->account != NULL ? a->account : s->address;
	for (p = s->name; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || strchr(":,#\"\\", *p) != NULL)
			break;
	if (*p != '\0' || s->name[0] == '\0' || strlen(s->name) > 128) {
		say("an account name is up to 128 characters without blanks, "
		    "':', ',', '#', '\"' or '\\': give another with -a NAME");
		return EX_USAGE;
	}
	if (a->conf_file != NULL) {
		if (xstrlcpy(s->file, a->conf_file, sizeof(s->file)) == -1) {
			say("the file name given with -C is too long");
			return EX_USAGE;
		}
	} else if (conffiles_user(s->file, sizeof(s->file)) == -1) {
		say("no configuration file to write: neither XDG_CONFIG_HOME "
		    "nor HOME is set; name one with -C FILE");
		return EX_CONFIG;
	}
	return read_file(s);
}

/* --setup-password's (--passwordeval alone: eval); -1: none; -2: bad. */
static int
how_given(const struct args *a)
{
	const char	*h = a->setup_password;
	int		 k;

	if (h == NULL && args_override(a, "passwordeval") != NULL)
		h = "eval";
	if (h == NULL)
		return -1;
	for (k = 0; k < PW__COUNT; k++)
		if (strcmp(h, how_names[k]) == 0)
			return k;
	return -2;
}

/* The file must read cleanly and must not hold the account already. */
static int
read_file(struct setup *s)
{
	struct conf	*c;
	struct stat	 sb;
	size_t		 i;
	int		 st = EX_OK;

	if (lstat(s->file, &sb) == -1) {
		if (errno != ENOENT) {
			say("cannot read %s: %s", s->file, strerror(errno));
			return EX_CONFIG;
		}
		/* bote reads msmtp's files while it has none of its own. */
		if (s->args->conf_file == NULL && conffiles_msmtp() &&
		    (conffiles_msmtp_user(s->msmtp, sizeof(s->msmtp)) == -1 ||
		    access(s->msmtp, F_OK) == -1))
			s->msmtp[0] = '\0';
		return EX_OK;
	}
	s->exists = 1;
	s->mode = sb.st_mode & 07777;
	if (!S_ISREG(sb.st_mode)) {
		say("%s is not a regular file: bote --setup appends only to "
		    "a plain file; name another with -C FILE", s->file);
		return EX_CONFIG;
	}
	if ((c = conf_new()) == NULL)
		return EX_OSERR;
	if (conf_read(c, s->file) == -1) {
		for (i = 0; i < c->nerrs; i++)
			say("%s", c->errs[i]);
		if (c->nerrs == 0)
			say("cannot read %s: %s", s->file, strerror(errno));
		say("bote --setup adds to a file only when it reads without "
		    "errors: fix %s first", s->file);
		st = EX_CONFIG;
	} else if (conf_account(c, s->name) != NULL) {
		say("%s has an account %s already, and bote --setup never "
		    "changes an account: choose another name with -a NAME",
		    s->file, s->name);
		st = EX_CONFIG;
	} else
		s->had_default = conf_account(c, "default") != NULL;
	conf_free(c);
	return st;
}

static int
find_server(struct setup *s)
{
	struct disc_opts o;
	const char	*host = args_override(s->args, "host");
	const char	*port = args_override(s->args, "port");
	const char	*stls = args_override(s->args, "tls_starttls");
	const char	*err = NULL;

	if (host != NULL) {
		if (given_server(s, host) != EX_OK)
			return EX_USAGE;
	} else {
		memset(&o, 0, sizeof(o));
		o.address = s->address;
		o.trust_file = args_override(s->args, "tls_trust_file");
		o.timeout_s = DISC_TIMEOUT;
		o.step = on_step;
		(void)printf("Looking for the mail submission server of %s:\n",
		    s->domain);
		(void)fflush(stdout);
		if (discover(&o, &s->srv) == -1 && ask_server(s) != EX_OK)
			return EX_USAGE;
	}
	if (port != NULL) {
		s->srv.port = (int)strtonum(port, 1, 65535, &err);
		if (err != NULL) {
			say("--port needs a number from 1 to 65535");
			return EX_USAGE;
		}
		s->srv.starttls = s->srv.port != 465;
	}
	if (stls != NULL)
		s->srv.starttls = strcmp(stls, "off") != 0;
	(void)printf("Server: %s port %d, %s (%s)\n", s->srv.host,
	    s->srv.port, s->srv.starttls ? "STARTTLS" : "implicit TLS",
	    s->srv.via);
	if (s->srv.note != NULL)
		(void)printf("%s wants as the password: %s\n",
		    s->srv.provider, s->srv.note);
	return EX_OK;
}

/* --host: no looking; the port given, else 587 (STARTTLS). */
static int
given_server(struct setup *s, const char *host)
{
	if (xstrlcpy(s->srv.host, host, sizeof(s->srv.host)) == -1 ||
	    host[0] == '\0') {
		say("--host needs a host name of up to %d octets",
		    DISC_HOSTMAX - 1);
		return EX_USAGE;
	}
	s->srv.port = 587;
	s->srv.starttls = 1;
	s->srv.source = DISC_NONE;
	/* Constant texts, shorter than via. */
	(void)xstrlcpy(s->srv.via, "--host on the command line",
	    sizeof(s->srv.via));
	return EX_OK;
}

/* Nothing found: a person names the server, a script is told how. */
static int
ask_server(struct setup *s)
{
	char	host[ANSWERMAX], port[16];
	const char *err = NULL;

	if (!s->tty) {
		say("found no submission server for %s (see the steps "
		    "above): name it with --host HOST, and --port PORT "
		    "unless it is 587 (STARTTLS)", s->domain);
		return EX_USAGE;
	}
	(void)printf("No server found. Your provider's help pages name "
	    "it (\"SMTP server\", \"outgoing mail\").\n");
	if (ask(s, "SMTP server host name", NULL, host, sizeof(host), 0) ==
	    -1 || given_server(s, host) != EX_OK)
		return EX_USAGE;
	if (ask(s, "Port (465: implicit TLS, 587: STARTTLS)", "587", port,
	    sizeof(port), 0) == -1)
		return EX_USAGE;
	s->srv.port = (int)strtonum(port, 1, 65535, &err);
	if (err != NULL) {
		say("a port is a number from 1 to 65535");
		return EX_USAGE;
	}
	s->srv.starttls = s->srv.port != 465;
	/* Constant texts, shorter than via. */
	(void)xstrlcpy(s->srv.via, "your answer", sizeof(s->srv.via));
	return EX_OK;
}

static void
on_step(void *arg, const char *what, const char *result)
{
	(void)arg;
	(void)printf("  %s: %s\n", what, result);
	(void)fflush(stdout);
}

/* The login: --user, else asked with the likely one offered. */
static int
ask_user(struct setup *s)
{
	const char	*u = args_override(s->args, "user");
	char		 def[ANSWERMAX];

	if (u != NULL)
		return xstrlcpy(s->user, u, sizeof(s->user)) == -1 ?
		    missing("--user", "a shorter login name") : EX_OK;
	if (xstrlcpy(def, s->address, sizeof(def)) == -1)
		return EX_USAGE;
	if (s->srv.user_local)
		def[strcspn(def, "@")] = '\0';
	if (!s->tty) {
		/* def came from a buffer of the same size. */
		(void)xstrlcpy(s->user, def, sizeof(s->user));
		return EX_OK;
	}
	return ask(s, "Login name", def, s->user, sizeof(s->user), 0) == -1 ?
	    EX_USAGE : EX_OK;
}

/* Where the password comes from (bote.conf(5), Password sources). */
static int
ask_how(struct setup *s)
{
	char		 ans[16], def[4];
	const char	*err = NULL;

	if (s->how != -1)
		return EX_OK;
	if (!s->tty)
		return missing("--setup-password=HOW", "file (the password "
		    "read from standard input), eval (with --passwordeval"
		    "=COMMAND), keyring, prompt, oauth2 or none");
	(void)printf("How will bote get the password?\n"
	    "  1  type it now; it is kept in %s (mode 600)\n"
	    "  2  a command that prints it (passwordeval), such as: pass "
	    "show mail\n"
	    "  3  type it now; it is kept in the desktop keyring%s\n"
	    "  4  ask for it at each send, on the terminal\n"
	    "  5  OAuth2 sign-in%s\n"
	    "  6  none: the server takes mail without AUTH\n", s->file,
	    keyring_built() ? "" : " (this bote was built without it)",
	    s->srv.oauth2 != 0 ? " (the provider's; with your own client "
	    "ID)" : " (not for this server)");
	/* One digit. */
	(void)xsnprintf(def, sizeof(def), "%d", s->srv.wants_oauth2 ? 5 : 1);
	if (ask(s, "Choice", def, ans, sizeof(ans), 0) == -1)
		return EX_USAGE;
	s->how = (int)strtonum(ans, 1, PW__COUNT, &err) - 1;
	if (err != NULL) {
		say("the choice is a number from 1 to %d", PW__COUNT);
		return EX_USAGE;
	}
	return EX_OK;
}

/* What the chosen source needs: the password, command or client ID. */
static int
ask_secret(struct setup *s)
{
	const char	*e = args_override(s->args, "passwordeval");
	char		 line[ANSWERMAX];

	switch (s->how) {
	case PW_EVAL:
		if (e != NULL)
			return xstrlcpy(s->eval, e, sizeof(s->eval)) == -1 ?
			    missing("--passwordeval", "a shorter command") :
			    EX_OK;
		if (!s->tty)
			return missing("--passwordeval=COMMAND", "the "
			    "command that prints the password");
		return ask(s, "Command that prints the password", NULL,
		    s->eval, sizeof(s->eval), 0) == -1 ? EX_USAGE : EX_OK;
	case PW_KEYRING:
		/* Without a terminal, a line on standard input is optional. */
		if (!keyring_built() || ask(s, "Password (kept in the "
		    "keyring)", NULL, line, sizeof(line), 1) == -1) {
			explicit_bzero(line, sizeof(line));
			return s->tty && keyring_built() ? EX_USAGE : EX_OK;
		}
		s->password = xstrndup(line, strlen(line));
		explicit_bzero(line, sizeof(line));
		return s->password != NULL ? EX_OK : EX_OSERR;
	case PW_FILE:
		if (ask(s, "Password", NULL, line, sizeof(line), 1) == -1) {
			explicit_bzero(line, sizeof(line));
			return s->tty ? EX_USAGE : missing("a password on "
			    "standard input", "--setup-password=file reads "
			    "its first line");
		}
		s->password = xstrndup(line, strlen(line));
		explicit_bzero(line, sizeof(line));
		return s->password != NULL ? EX_OK : EX_OSERR;
	case PW_OAUTH2:
		if (s->srv.oauth2 == 0) {
			say("bote knows OAuth2 for Google's and Microsoft's "
			    "servers only, and %s is neither: choose another "
			    "--setup-password", s->srv.host);
			return EX_USAGE;
		}
		if (s->args->setup_client_id != NULL)
			return xstrlcpy(s->client_id, s->args->setup_client_id,
			    sizeof(s->client_id)) == -1 ? EX_USAGE : EX_OK;
		if (!s->tty)
			return missing("--setup-client-id=ID", "the client "
			    "ID of your application registration "
			    "(bote.conf(5), OAuth2)");
		(void)printf("OAuth2 needs your own application registration "
		    "(bote.conf(5), OAuth2, says how).\n");
		return ask(s, "Client ID", NULL, s->client_id,
		    sizeof(s->client_id), 0) == -1 ? EX_USAGE : EX_OK;
	default:
		return EX_OK;
	}
}

/* The account's lines, in s->text. */
static int
compose(struct setup *s)
{
	const struct args *a = s->args;
	static const char *const done[] = { "host", "port", "tls",
	    "tls_starttls", "user", "passwordeval", "auth" };
	const char	*auth = args_override(a, "auth"), *tls;
	char		 port[8];
	size_t		 i, k;

	tls = args_override(a, "tls");
	(void)sbuf_addf(&s->text, "# %s: written by bote --setup; the "
	    "server came from %s\n", s->name, s->srv.via);
	s->first = s->text.len;
	/* At most 5 digits. */
	(void)xsnprintf(port, sizeof(port), "%d", s->srv.port);
	if (add_line(s, "account", s->name) == -1 ||
	    add_line(s, "host", s->srv.host) == -1 ||
	    add_line(s, "port", port) == -1 ||
	    add_line(s, "tls", tls != NULL && tls[0] != '\0' ? tls : "on") ==
	    -1 || add_line(s, "tls_starttls", s->srv.starttls ? "on" :
	    "off") == -1)
		return EX_USAGE;
	if (s->how == PW_NONE) {
		if (add_line(s, "auth", "off") == -1)
			return EX_USAGE;
	} else if (add_line(s, "auth", auth != NULL && auth[0] != '\0' ?
	    auth : s->how == PW_OAUTH2 ? "xoauth2" : "on") == -1 ||
	    add_line(s, "user", s->user) == -1 ||
	    (s->how == PW_FILE && add_line(s, "password", s->password) ==
	    -1) ||
	    (s->how == PW_EVAL && add_line(s, "passwordeval", s->eval) ==
	    -1) ||
	    (s->how == PW_OAUTH2 && (add_line(s, "oauth2_provider",
	    s->srv.oauth2 == 1 ? "google" : "microsoft") == -1 ||
	    add_line(s, "oauth2_client_id", s->client_id) == -1)))
		return EX_USAGE;
	if (add_line(s, "from", s->address) == -1)
		return EX_USAGE;
	/* The provider's own limits, so that bulk sends keep within them. */
	/* At most 2 digits (SESSIONS_MAX). */
	(void)xsnprintf(port, sizeof(port), "%d", s->srv.sessions);
	if ((s->srv.rate != NULL && add_line(s, "rate", s->srv.rate) == -1) ||
	    (s->srv.sessions > 0 && add_line(s, "max_sessions", port) == -1))
		return EX_USAGE;
	/* The command line's other settings belong to the account too. */
	for (i = 0; i < a->novr; i++) {
		for (k = 0; k < sizeof(done) / sizeof(done[0]); k++)
			if (strcmp(a->ovr[i].key, done[k]) == 0)
				break;
		if (k == sizeof(done) / sizeof(done[0]) &&
		    add_line(s, a->ovr[i].key, a->ovr[i].val) == -1)
			return EX_USAGE;
	}
	if (!s->had_default && strcmp(s->name, "default") != 0)
		(void)sbuf_addf(&s->text, "\n# The account used without -a\n"
		    "account default : %s\n", s->name);
	if (s->text.err) {
		say("the account's lines are too long");
		return EX_USAGE;
	}
	return EX_OK;
}

/*
 * "key value", the value quoted when it must be (bote.conf(5): \" and \\
 * inside quotes); -1 after saying why when it cannot be written.
 */
static int
add_line(struct setup *s, const char *key, const char *val)
{
	const char	*p;
	int		 quote = val[0] == '\0' ? 0 : val[0] == '#';

	for (p = val; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			say("the value for %s holds a control character, "
			    "which a configuration line cannot", key);
			return -1;
		}
		if (strchr(" \t\"\\", *p) != NULL)
			quote = 1;
	}
	(void)sbuf_addf(&s->text, "%s%s", key, val[0] != '\0' ? " " : "");
	if (quote)
		(void)sbuf_add(&s->text, "\"", 1);
	for (p = val; *p != '\0'; p++) {
		if (quote && (*p == '"' || *p == '\\'))
			(void)sbuf_add(&s->text, "\\", 1);
		(void)sbuf_add(&s->text, p, 1);
	}
	(void)sbuf_addf(&s->text, "%s\n", quote ? "\"" : "");
	return 0;
}

/* --serverinfo's probe, then AUTH when there is a password to try. */
static int
check_server(struct setup *s, const struct account *acct)
{
	struct smtp_opts	 op;
	struct probe_info	*info;
	struct outcome		 o;
	int			 st = EX_OK;

	memset(&o, 0, sizeof(o));
	if ((info = calloc(1, sizeof(*info))) == NULL)
		return EX_OSERR;
	(void)printf("Checking %s port %d:\n", acct->host, account_port(acct));
	(void)fflush(stdout);
	session_opts(&op, acct, NULL, s->args);
	if (probe_run(&op, info, &o) == -1) {
		report_outcome(&o);
		say("nothing was written to %s; bote --setup stops at a "
		    "server that fails the check", s->file);
		st = exit_status(&o);
		goto out;
	}
	if (info->tls)
		(void)printf("  TLS: %s, %s, the certificate is valid for "
		    "%s\n", info->tlsinfo.version, info->tlsinfo.suite,
		    acct->host);
	else
		(void)printf("  TLS: off (tls off): anyone on the way can "
		    "read the mail\n");
	if (info->have_ehlo[info->tls ? 1 : 0])
		show_auth(&info->ehlo[info->tls ? 1 : 0]);
	if (acct->auth != AUTHM_OFF)
		st = try_auth(s, acct);
out:
	free(info);
	(void)fflush(stdout);
	return st;
}

/* The AUTH keyword's mechanisms, or that there is none. */
static void
show_auth(const struct reply *r)
{
	const char	*p = r->text, *end = r->text + r->textlen, *nl;
	char		 line[1024];

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((size_t)(nl - p) > 5 && strncasecmp(p, "AUTH", 4) == 0 &&
		    (p[4] == ' ' || p[4] == '=')) {
			(void)sanitize(line, sizeof(line), p + 5,
			    (size_t)(nl - p - 5), 0);
			(void)printf("  AUTH mechanisms offered: %s\n", line);
			return;
		}
	}
	(void)printf("  AUTH: not offered (the server may take mail "
	    "without it, or only from its own network)\n");
}

/* Log in once with the password, where there is one to try now. */
static int
try_auth(struct setup *s, const struct account *acct)
{
	struct smtp_opts op;
	struct outcome	 o;
	struct smtp	*sm;
	char		*pass = NULL, why[OUTCOME_WHYMAX];
	int		 rc;

	if (s->how == PW_OAUTH2 || (!s->tty && ((s->how == PW_KEYRING &&
	    s->password == NULL) || s->how == PW_PROMPT))) {
		(void)printf("  AUTH: not tried now (%s)\n", s->how ==
		    PW_OAUTH2 ? "sign in first" : "no terminal to ask on");
		return EX_OK;
	}
	memset(&o, 0, sizeof(o));
	/* The keyring's: the one typed, stored only once it works. */
	if (s->how == PW_KEYRING && s->password != NULL) {
		if ((pass = xstrndup(s->password, strlen(s->password))) ==
		    NULL)
			return EX_OSERR;
	} else if ((rc = session_password(acct, &pass, why,
	    sizeof(why))) != 0) {
		say("%s", why);
		say("nothing was written to %s", s->file);
		return rc == SESSION_LATER ? EX_TEMPFAIL : EX_CONFIG;
	}
	session_opts(&op, acct, pass, s->args);
	sm = smtp_open(&op, &o);
	secret_free(pass);
	if (sm == NULL) {
		report_outcome(&o);
		say("nothing was written to %s: run bote --setup again with "
		    "the right login and password", s->file);
		return exit_status(&o);
	}
	(void)printf("  AUTH %s: accepted for %s\n", smtp_auth_mech(sm) ?
	    smtp_auth_mech(sm) : "(none)", acct->user);
	smtp_close(sm);
	return EX_OK;
}

/* Append the lines (the file made mode 600 when new), then show them. */
static int
write_account(struct setup *s)
{
	char		 dir[PATH_MAX], *slash;
	ssize_t		 n;
	int		 fd;

	if (s->exists && s->how == PW_FILE && (s->mode & 077) != 0) {
		say("%s has mode %03o, and a password may only be kept in a "
		    "file no one else can read: chmod 600 %s, or choose "
		    "another --setup-password", s->file, (unsigned)s->mode,
		    s->file);
		return EX_CONFIG;
	}
	if (!s->exists && xstrlcpy(dir, s->file, sizeof(dir)) == 0 &&
	    (slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		/* ~/.config may be missing too; mkdir -p, private. */
		for (slash = dir + 1; (slash = strchr(slash, '/')) != NULL;
		    slash++) {
			*slash = '\0';
			(void)mkdir(dir, 0700);
			*slash = '/';
		}
		(void)mkdir(dir, 0700);
	}
	fd = open(s->file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd == -1) {
		say("cannot write %s: %s", s->file, strerror(errno));
		return EX_CANTCREAT;
	}
	n = s->exists ? write(fd, "\n", 1) : 1;
	if (n == 1)
		n = write(fd, s->text.p, s->text.len);
	if (n != (ssize_t)s->text.len || fsync(fd) == -1) {
		say("cannot write %s: %s", s->file, n == -1 ? strerror(errno) :
		    "a short write");
		(void)close(fd);
		return EX_IOERR;
	}
	if (close(fd) == -1) {
		say("cannot write %s: %s", s->file, strerror(errno));
		return EX_IOERR;
	}
	show_lines(s);
	return EX_OK;
}

/* The lines added, the password itself left out. */
static void
show_lines(const struct setup *s)
{
	const char	*p = s->text.p, *nl;

	(void)printf("%s %s:\n", s->exists ? "Added to" : "Created",
	    s->file);
	for (; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (strncmp(p, "password ", 9) == 0)
			(void)printf("    password (not shown)\n");
		else
			(void)printf("%s%.*s\n", nl > p ? "    " : "",
			    (int)(nl - p), p);
	}
	if (s->msmtp[0] != '\0')
		(void)printf("Note: bote read %s while it had no file of its "
		    "own; from now on it reads %s instead (copy the accounts "
		    "you still need, or give -C %s)\n", s->msmtp, s->file,
		    s->msmtp);
	if (s->how == PW_KEYRING && s->password == NULL)
		(void)printf("Store the password in the keyring with:\n"
		    "    secret-tool store --label=bote host %s service smtp "
		    "user %s\n", s->srv.host, s->user);
	(void)fflush(stdout);
}

/* PW_KEYRING: the password typed, into the keyring, found there again. */
static int
to_keyring(struct setup *s)
{
	char	why[256], *back = NULL;
	int	found;

	if (s->how != PW_KEYRING || s->password == NULL)
		return EX_OK;
	if (keyring_store(s->srv.host, s->user, s->password, why,
	    sizeof(why)) == -1) {
		say("cannot store the password in the keyring: %s", why);
		say("the account is written; store the password with: "
		    "secret-tool store --label=bote host %s service smtp "
		    "user %s", s->srv.host, s->user);
		return EX_UNAVAILABLE;
	}
	found = keyring_lookup(s->srv.host, s->user, &back) == 1 &&
	    strcmp(back, s->password) == 0;
	secret_free(back);
	if (!found) {
		say("the keyring took the password but does not give it "
		    "back (locked?): bote will ask for it at each send");
		return EX_UNAVAILABLE;
	}
	(void)printf("The password is in the keyring (host %s, service smtp, "
	    "user %s).\n", s->srv.host, s->user);
	return EX_OK;
}

/* Sign in (OAuth2), then the test mail, with the file as written. */
static int
afterwards(struct setup *s)
{
	struct args	 a = *s->args;
	struct conf	*c = NULL;
	struct account	*acct;
	struct mode_ctx	 m;
	int		 st, test;

	a.account = s->name;
	a.nrcpts = 0;
	a.novr = 0;	/* in the file now */
	if (s->how == PW_OAUTH2) {
		if (!s->tty || !yes(s, "Sign in now (bote --oauth-login)", 1)) {
			(void)printf("Sign in later with: %s --oauth-login -a "
			    "%s\n", progname, s->name);
			return EX_OK;
		}
		if (conffiles_load(&a, &c, &acct) == -1)
			return EX_CONFIG;
		st = mode_oauth_login(&a, acct);
		conf_free(c);
		c = NULL;
		if (st != EX_OK)
			return st;
	}
	test = s->args->setup_test_mail || (s->tty && yes(s, "Send a test "
	    "mail to yourself now", 0));
	if (!test) {
		(void)printf("Done. Test it any time with: %s "
		    "--test-mail%s%s\n", progname, s->had_default ?
		    " -a " : "", s->had_default ? s->name : "");
		return EX_OK;
	}
	if (conffiles_load(&a, &c, &acct) == -1)
		return EX_CONFIG;
	memset(&m, 0, sizeof(m));
	m.args = &a;
	m.conf = c;
	m.acct = acct;
	st = mode_test_mail(&m);
	conf_free(c);
	return st;
}

/*
 * One answer: on a terminal, the question (with the default in
 * brackets, taken for an empty answer); hidden, without echo. Without
 * a terminal only a hidden one is read (--setup-password=file's line on
 * standard input). 0, or -1 at the end of input or with no answer.
 */
static int
ask(const struct setup *s, const char *q, const char *def, char *buf,
    size_t sz, int hidden)
{
	struct termios	 old, quiet;
	int		 restore = 0;
	char		*r;

	if (s->tty) {
		(void)printf("%s%s%s%s: ", q, def ? " [" : "", def ? def : "",
		    def ? "]" : "");
		(void)fflush(stdout);
	}
	if (hidden && s->tty && tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
		quiet.c_lflag |= ECHONL;
		restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
	}
	r = fgets(buf, (int)sz, stdin);
	if (restore)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	if (r == NULL) {
		buf[0] = '\0';
		if (s->tty) {
			(void)printf("\n");
			say("no answer to \"%s\": nothing was written", q);
		}
		return -1;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	if (buf[0] == '\0' && def != NULL && xstrlcpy(buf, def, sz) == -1)
		return -1;
	if (buf[0] != '\0')
		return 0;
	if (s->tty)
		say("no answer to \"%s\": nothing was written", q);
	return -1;
}

/* A yes/no question on the terminal; dflt for an empty answer. */
static int
yes(const struct setup *s, const char *q, int dflt)
{
	char	buf[16];

	(void)printf("%s? [%s] ", q, dflt ? "Y/n" : "y/N");
	(void)fflush(stdout);
	if (!s->tty || fgets(buf, sizeof(buf), stdin) == NULL)
		return dflt;
	if (buf[0] == '\n')
		return dflt;
	return buf[0] == 'y' || buf[0] == 'Y';
}

/* A script left out an answer: name the option. */
static int
missing(const char *option, const char *what)
{
	say("bote --setup without a terminal takes every answer from an "
	    "option, and this one is missing: %s (%s)", option, what);
	return EX_USAGE;
}
