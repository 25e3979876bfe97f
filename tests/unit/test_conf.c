/*
 * Unit tests for the configuration file (src/conf/conf.c, src/conf/account.c) and
 * passwordeval (src/conf/secret.c).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "conf/policy.h"
#include "conf/relays.h"
#include "conf/secret.h"
#include "base/util.h"
#include "tap.h"

#include <limits.h>
#include <stdio.h>

static void	test_owners(const char *);

#define F	"t.conf"

static struct conf *parse(const char *);
static void	 joinerrs(const struct conf *, char *, size_t);
static void	 errs_are(const char *, const char *, const char *);
static void	 test_new_values(void);
static void	 test_origins(void);
static void	 test_override(void);
static void	 test_obsolete(void);
static void	 test_expand(void);
static void	 test_secret_file(void);
static void	 test_relays(void);
static const char *show(const char *);
static void	 test_choices(void);
static void	 test_dsn(void);
static void	 test_inheritance(void);
static void	 test_syntax(void);
static void	 test_values(void);
static void	 test_errors(void);
static void	 test_unsupported(void);
static void	 test_secrets_not_echoed(void);
static void	 test_long_lines(void);
static void	 test_implicit_default(void);
static void	 test_check(void);
static void	 test_port(void);
static void	 test_files(void);
static void	 test_secret_eval(void);
static void	 test_match_from(void);

static struct conf *
parse(const char *text)
{
	struct conf	*c;

	if ((c = conf_new()) == NULL)
		abort();
	(void)conf_read_buf(c, F, text, strlen(text));
	return c;
}

static void
joinerrs(const struct conf *c, char *buf, size_t sz)
{
	size_t	i;

	buf[0] = '\0';
	for (i = 0; i < c->nerrs; i++) {
		if (i > 0)
			strlcat(buf, "\n", sz);
		strlcat(buf, c->errs[i], sz);
	}
}

/* The errors a buffer gives, one per line, exactly. */
static void
errs_are(const char *text, const char *want, const char *name)
{
	struct conf	*c = parse(text);
	char		 got[8192];

	joinerrs(c, got, sizeof(got));
	is_str(got, want, "%s", show(name));
	conf_free(c);
}

static void
test_inheritance(void)
{
	struct conf	*c;
	struct account	*g, *w, *d;
	int		 rv;
	const char	*text =
	    "# msmtp-style file\n"			/* 1 */
	    "defaults\n"				/* 2 */
	    "port 587\n"				/* 3 */
	    "tls_trust_file system\n"			/* 4 */
	    "auth on\n"					/* 5 */
	    "\n"					/* 6 */
	    "account gmail\n"				/* 7 */
	    "host smtp.gmail.com\n"			/* 8 */
	    "user me@gmail.com\n"			/* 9 */
	    "password \"pass word\"\n"			/* 10 */
	    "from me@gmail.com\n"			/* 11 */
	    "\n"					/* 12 */
	    "defaults\n"				/* 13 */
	    "port 2525\n"				/* 14 */
	    "\n"					/* 15 */
	    "account work : gmail\n"			/* 16 */
	    "host mail.work.example\n"			/* 17 */
	    "tls_starttls off\n"			/* 18 */
	    "\n"					/* 19 */
	    "account default : gmail\n";		/* 20 */

	if ((c = conf_new()) == NULL)
		abort();
	rv = conf_read_buf(c, F, text, strlen(text));
	is_int(rv, 0, "inheritance: file reads");
	is_int(c->nerrs, 0, "inheritance: no errors");
	g = conf_account(c, "gmail");
	w = conf_account(c, "work");
	d = conf_account(c, "default");
	ok(g != NULL && w != NULL && d != NULL, "inheritance: 3 accounts");
	if (g == NULL || w == NULL || d == NULL) {
		conf_free(c);
		return;
	}
	ok(c->accounts == g && g->next == w && w->next == d &&
	    d->next == NULL, "accounts are in file order");
	is_str(g->host, "smtp.gmail.com", "gmail host");
	is_int(g->port, 587, "gmail keeps the defaults of its time");
	is_int(g->auth, AUTHM_ON, "gmail auth from defaults");
	is_str(g->trust_file, "system", "gmail trust_file");
	is_str(g->password, "pass word", "quoted password keeps its blank");
	ok(!account_isset(g, K_PORT), "a value from defaults is not in "
	    "the set mask");
	ok(account_isset(g, K_HOST), "host is in the set mask");
	is_int(g->origin[K_PORT].line, 3, "origin of port is the defaults "
	    "line");
	is_str(g->origin[K_HOST].file, F, "origin file");
	is_int(g->origin[K_HOST].line, 8, "origin line of host");
	is_int(g->defined.line, 7, "gmail defined on line 7");
	is_int(g->tls, 1, "tls on by default");
	is_int(g->starttls, 1, "starttls on by default");

	is_str(w->host, "mail.work.example", "work: own host");
	is_int(w->port, 2525, "work: port from the later defaults, not "
	    "gmail's defaults");
	ok(!account_isset(w, K_PORT), "work: port not set");
	is_str(w->user, "me@gmail.com", "work: user from gmail");
	is_str(w->password, "pass word", "work: password from gmail");
	is_int(w->origin[K_USER].line, 9, "work: origin of an inherited "
	    "value is the parent's line");
	ok(account_isset(w, K_USER), "work: inherited value is set");
	is_int(w->starttls, 0, "work: tls_starttls off");
	is_int(w->origin[K_TLS_STARTTLS].line, 18, "work: starttls origin");
	is_int(account_port(w), 2525, "work: explicit port wins");

	is_str(d->host, "smtp.gmail.com", "account default : gmail");
	is_str(d->from, "me@gmail.com", "default: from from gmail");
	is_int(d->port, 2525, "default: port from the current defaults");
	is_int(d->defined.line, 20, "default defined on line 20");
	conf_free(c);

	/* Parents apply in order; the later one wins. */
	c = parse("account a\nhost a\nuser ua\n"
	    "account b\nhost b\nfrom fb\n"
	    "account c : a, b\nport 26\n");
	d = conf_account(c, "c");
	is_int(c->nerrs, 0, "two parents: no errors");
	if (d != NULL) {
		is_str(d->host, "b", "two parents: the later wins");
		is_str(d->user, "ua", "two parents: first parent's user");
		is_str(d->from, "fb", "two parents: second parent's from");
		is_int(d->port, 26, "two parents: own port");
	} else
		ok(0, "two parents: account c exists");
	conf_free(c);
}

static void
test_syntax(void)
{
	struct conf	*c;
	struct account	*a;

	c = parse("account a\r\nhost h.example\r\n  # comment\r\n\r\n"
	    "\tport\t 26 \t\r\nuser \"a \\\"b\\\" \\\\ c\"\r\n"
	    "from \"  x  \"\r\npasswordeval \"pass show mail\"\n"
	    "domain \"\"\n#\n  \t \nuser2x\n");
	a = conf_account(c, "a");
	ok(a != NULL, "CRLF file: account a");
	if (a != NULL) {
		is_str(a->host, "h.example", "CRLF: no CR in the value");
		is_int(a->port, 26, "blanks and tabs around the argument");
		is_str(a->user, "a \"b\" \\ c", "\\\" and \\\\ inside quotes");
		is_str(a->from, "  x  ", "quotes keep leading and trailing "
		    "blanks");
		is_str(a->passwordeval, "pass show mail", "quoted command");
		ok(a->domain == NULL, "empty quoted argument unsets");
	}
	is_int(c->nerrs, 1, "only the unknown directive is an error");
	if (c->nerrs == 1)
		is_str(c->errs[0], F ":12: unknown directive; did you mean "
		    "user?", "a word with a digit is not named");
	conf_free(c);

	c = parse("account a\nuser \"a\\b\\n\"\npassword p\\\"q\n"
	    "from x # not a comment\nhost");
	a = conf_account(c, "a");
	if (a != NULL) {
		is_str(a->user, "a\\b\\n", "other backslashes are kept");
		is_str(a->password, "p\\\"q", "no escapes outside quotes");
		is_str(a->from, "x # not a comment", "# inside a line is text");
	} else
		ok(0, "account a");
	is_int(c->nerrs, 1, "last line without LF is read");
	if (c->nerrs == 1)
		is_str(c->errs[0], F ":5: host needs an argument",
		    "empty host on the last line");
	conf_free(c);

	/* account NAME:PARENT without blanks (seen in real files). */
	c = parse("account local\nhost localhost\naccount default: local\n");
	a = conf_account(c, "default");
	ok(a != NULL && a->host != NULL && strcmp(a->host, "localhost") == 0,
	    "account default: local");
	conf_free(c);
}

static void
test_values(void)
{
	struct conf	*c;
	struct account	*a;
	char		*home;

	c = parse("account a\nhost h\ntimeout off\nconnect_timeout 30\n"
	    "auth\ntls\ntls_starttls\nauth_cleartext\n"
	    "tls_nostarttls\n");
	a = conf_account(c, "a");
	is_int(c->nerrs, 0, "values: no errors");
	if (a != NULL) {
		is_int(a->timeout, 30, "connect_timeout is timeout");
		is_int(a->auth, AUTHM_ON, "empty auth means on");
		is_int(a->tls, 1, "empty tls means on");
		is_int(a->auth_cleartext, 1, "empty auth_cleartext means on");
		is_int(a->starttls, 0, "tls_nostarttls is tls_starttls off");
		ok(account_isset(a, K_TLS_STARTTLS),
		    "tls_nostarttls sets tls_starttls");
	}
	conf_free(c);

	c = parse("account a\nauth PLAIN\naccount b\nauth login\n"
	    "account c\nauth on\nauth off\ntimeout 3600\n");
	if ((a = conf_account(c, "a")) != NULL)
		is_int(a->auth, AUTHM_PLAIN, "auth PLAIN (any case)");
	if ((a = conf_account(c, "b")) != NULL)
		is_int(a->auth, AUTHM_LOGIN, "auth login");
	if ((a = conf_account(c, "c")) != NULL) {
		is_int(a->auth, AUTHM_OFF, "the last line wins");
		is_int(a->timeout, 3600, "timeout 3600");
	}
	conf_free(c);

	/* setenv() may move the old value: keep a copy. */
	home = getenv("HOME") != NULL ? strdup(getenv("HOME")) : NULL;
	setenv("HOME", "/home/u", 1);
	c = parse("account a\ntls_trust_file ~/ca.pem\n"
	    "account b\ntls_trust_file ~\naccount c\ntls_trust_file\n"
	    "account d\ntls_trust_file /etc/ssl/x.pem\n");
	if ((a = conf_account(c, "a")) != NULL)
		is_str(a->trust_file, "/home/u/ca.pem", "~/ expanded");
	if ((a = conf_account(c, "b")) != NULL)
		is_str(a->trust_file, "/home/u", "~ expanded");
	if ((a = conf_account(c, "c")) != NULL)
		ok(a->trust_file == NULL && account_isset(a,
		    K_TLS_TRUST_FILE), "empty tls_trust_file: system store");
	if ((a = conf_account(c, "d")) != NULL)
		is_str(a->trust_file, "/etc/ssl/x.pem", "absolute path kept");
	conf_free(c);
	errs_are("account a\ntls_trust_file ~bob/ca.pem\n",
	    F ":2: tls_trust_file: only ~ and ~/ are expanded, not ~user: "
	    "write the full path", "~user is refused");
	unsetenv("HOME");
	errs_are("account a\ntls_trust_file ~/ca.pem\n",
	    F ":2: tls_trust_file starts with ~ but HOME is not set",
	    "~ without HOME");
	if (home != NULL)
		setenv("HOME", home, 1);
	free(home);
}

static void
test_errors(void)
{
	static const struct {
		const char	*line;
		const char	*msg;
	} t[] = {
		{ "port 0", "port must be a number from 1 to 65535 or a service name" },
		{ "port 65536", "port must be a number from 1 to 65535 or a service name" },
		{ "port 25x", "port must be a number from 1 to 65535 or a service name" },
		{ "port -1", "port must be a number from 1 to 65535 or a service name" },
		{ "port", "port needs an argument" },
		{ "host", "host needs an argument" },
		{ "host \"\"", "host needs an argument" },
		{ "host a b", "host must be one word, without blanks" },
		{ "domain \"a b\"", "domain must be one word, without blanks" },
		{ "user \"a\tb\"", "user must not contain control characters" },
		{ "from a\rb", "from must not contain control characters" },
		{ "tls maybe", "tls must be on or off" },
		{ "tls On", "tls must be on or off" },
		{ "tls_starttls 1", "tls_starttls must be on or off" },
		{ "auth_cleartext yes", "auth_cleartext must be on or off" },
		{ "timeout", "timeout needs an argument" },
		{ "timeout 0", "timeout must be off or a number of seconds "
		    "from 1 to 3600" },
		{ "timeout 3601", "timeout must be off or a number of seconds "
		    "from 1 to 3600" },
		{ "connect_timeout x", "connect_timeout must be off or a "
		    "number of seconds from 1 to 3600" },
		{ "auth foo", "auth must be on, off or a method: plain, login, "
		    "cram-md5, scram-sha-1, scram-sha-256 (-plus), xoauth2, "
		    "oauthbearer, external" },
		{ "auth digest-md5", "auth method digest-md5 is not supported "
		    "by bote (use on to pick the strongest offered)" },
		{ "auth NTLM", "auth method ntlm is not supported by bote (use "
		    "on to pick the strongest offered)" },
		{ "queue_max_age 0", "queue_max_age must be a number of "
		    "seconds, or a number followed by s, m, h or d, at most "
		    "365d" },
		{ "queue_max_age 366d", "queue_max_age must be a number of "
		    "seconds, or a number followed by s, m, h or d, at most "
		    "365d" },
		{ "queue_max_age 5x", "queue_max_age must be a number of "
		    "seconds, or a number followed by s, m, h or d, at most "
		    "365d" },
		{ "ip_version 5", "ip_version must be any, 4 or 6" },
		{ "syslog LOG_DAEMON", "syslog must be off, on, LOG_USER, "
		    "LOG_MAIL, LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3, "
		    "LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6 or LOG_LOCAL7" },
		{ "syslog log_mail", "syslog must be off, on, LOG_USER, "
		    "LOG_MAIL, LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3, "
		    "LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6 or LOG_LOCAL7" },
		{ "auto_from maybe", "auto_from must be on or off" },
		{ "port no-such-service", "port must be a number from 1 to "
		    "65535 or a service name" },
		{ "tls_nostarttls on", "tls_nostarttls takes no argument" },
		{ "defaults now", "defaults takes no argument" },
		{ "account", "account needs a name" },
		{ "account  : a", "account needs a name" },
		{ "account a,b", "account names may not contain ':' or ','" },
		{ "account b : a:c",
		    "account names may not contain ':' or ','" },
		{ "account c : a,,a", "empty name in the list of parent "
		    "accounts" },
		{ "account c :", "empty name in the list of parent accounts" },
		{ "account c : nope", "account c inherits from undefined "
		    "account nope (a parent must be defined earlier in the "
		    "same file)" },
		{ "account c : c", "account c inherits from undefined account "
		    "c (a parent must be defined earlier in the same file)" },
		{ "account \"x\ty\"", "account names may not contain control "
		    "characters" },
		{ "account a", "account a is already defined on line 1" },
		{ "user \"abc", "unterminated quoted argument" },
		{ "user \"abc\" d", "unexpected text after the closing quote" },
		{ "hots h", "unknown directive hots; did you mean host?" },
		{ "prot 25", "unknown directive prot; did you mean port?" },
		{ "passwrd x", "unknown directive passwrd; did you mean "
		    "password?" },
		{ "tls_trust x", "unknown directive tls_trust; did you mean "
		    "tls_trust_file?" },
		{ "tls-starttls on", "unknown directive; did you mean "
		    "tls_starttls?" },
		{ "HOST h", "unknown directive; did you mean host?" },
		{ "frobnicate", "unknown directive frobnicate" },
		{ "smtp_server x", "unknown directive smtp_server" },
		{ "abcdefghijabcdefghijabcdefghijabcdefghijk x",
		    "unknown directive" },
		{ "x=y", "unknown directive" },
		{ "\xc3\xa9t\xc3\xa9", "unknown directive" },
	};
	char	text[512], want[512];
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(text, sizeof(text), "account a\n%s\n", t[i].line);
		snprintf(want, sizeof(want), F ":2: %s", t[i].msg);
		errs_are(text, want, t[i].line);
	}
	{
		struct conf *c = conf_new();

		conf_read_buf(c, F, "account a\nuser \0x\n", 18);
		is_int(c->nerrs, 1, "NUL byte: one error");
		if (c->nerrs == 1)
			is_str(c->errs[0], F ":2: line contains a NUL byte",
			    "NUL byte message");
		conf_free(c);
	}

	/* All errors at once, each at its line. */
	errs_are("account a\nport 0\nhost h\ntls maybe\n\nbogus x\n",
	    F ":2: port must be a number from 1 to 65535 or a service name\n"
	    F ":4: tls must be on or off\n"
	    F ":6: unknown directive bogus", "three errors, three messages");

	/* A bad account line sends its lines nowhere but still checks them. */
	errs_are("account a\nhost a\naccount a\nport 0\naccount b\nport 1\n",
	    F ":3: account a is already defined on line 1\n"
	    F ":4: port must be a number from 1 to 65535 or a service name",
	    "lines after a bad account line are checked");
	{
		struct conf *c = parse("account a\nhost a\naccount a\n"
		    "host other\n");
		struct account *a = conf_account(c, "a");

		ok(a != NULL && strcmp(a->host, "a") == 0 && a->next == NULL,
		    "a duplicate account does not touch the first");
		conf_free(c);
	}

	/* The cap on errors. */
	{
		struct conf	*c;
		char		*big;
		size_t		 n;

		big = malloc(100 * 8 + 1);
		big[0] = '\0';
		for (n = 0; n < 100; n++)
			strlcat(big, "port 0\n", 100 * 8 + 1);
		c = parse(big);
		is_int(c->nerrs, CONF_ERRMAX, "errors kept up to CONF_ERRMAX");
		is_int(c->more_errs, 1, "more_errs beyond");
		conf_free(c);
		free(big);
	}
}

#define EVAL_WHY	"it would run a command at every read of this file, " \
			"for every account, before any check, and its output " \
			"would be settings no check has seen: write the " \
			"settings into the file, and use passwordeval for a " \
			"secret"

static void
test_unsupported(void)
{
	/* Each refusal names what to write instead (bote.conf(5)). */
	static const struct {
		const char	*line;
		const char	*msg;
	} refused[] = {
		{ "eval echo host x", "eval is not supported by this version of "
		    "bote: " EVAL_WHY },
		{ "eval", "eval is not supported by this version of bote: "
		    EVAL_WHY },
		{ "protocol lmtp", "protocol lmtp is not supported by this "
		    "version of bote: bote speaks SMTP only; use the server's "
		    "SMTP submission port (LMTP is for final delivery)" },
		{ "auto_from on", "auto_from on is not supported by this "
		    "version of bote: write from %U@DOMAIN instead (msmtp's own "
		    "replacement for auto_from and maildomain)" },
		{ "auto_from", "auto_from on is not supported by this version "
		    "of bote: write from %U@DOMAIN instead (msmtp's own "
		    "replacement for auto_from and maildomain)" },
	};
	static const char *const accepted[] = {
		"add_missing_date_header on", "add_missing_from_header on",
		"aliases /etc/aliases", "allow_from_override off",
		"auto_from off", "dsn_notify off", "dsn_return off",
		"from_full_name \"A B\"", "keepbcc off", "logfile ~/.msmtp.log",
		"logfile_time_format %H", "maildomain x", "ntlmdomain x",
		"protocol smtp", "proxy_port 1080", "remove_bcc_headers on",
		"set_date_header auto", "set_from_header auto",
		"set_msgid_header auto", "set_to_header off", "source_ip ::1",
		"syslog LOG_MAIL", "tls_certcheck on", "tls_certcheck",
		"tls_crl_file /x", "tls_force_sslv3", "tls_min_dh_prime_bits 9",
		"tls_priorities NORMAL", "undisclosed_recipients",
		"tls_fingerprint", "tls_cert_file", "tls_key_file",
		"tls_host_override", "socket", "proxy_host", "host h",
		"socket /run/s", "proxy_host p", "proxy_port", "proxy_port 9050",
		"tls_certcheck off", "tls_nocertcheck", "tls_fingerprint AB",
		"tls_cert_file /c.pem", "tls_key_file /k.pem",
		"tls_host_override h", "auth scram-sha-256", "auth CRAM-MD5",
		"auth xoauth2", "queue off", "queue_dir /q", "ip_version 6",
		"queue_max_age 5d", "port submission",
		"port 1", "timeout 1", "connect_timeout 1", "tls on",
		"tls_starttls on", "tls_trust_file system", "auth plain",
		"user u", "password p", "passwordeval e", "from f",
		"domain d", "auth_cleartext off", "tls_nostarttls", "defaults",
		"account b"
	};
	char	text[512], want[512];
	size_t	i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		snprintf(text, sizeof(text), "account a\n%s\n",
		    refused[i].line);
		snprintf(want, sizeof(want), F ":2: directive %s",
		    refused[i].msg);
		errs_are(text, want, refused[i].line);
	}
	for (i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		snprintf(text, sizeof(text), "account a\n%s\n", accepted[i]);
		errs_are(text, "", accepted[i]);
	}
}

static void
test_secrets_not_echoed(void)
{
	static const char *const files[] = {
		"account a\npassword \"S3cr3tPW\n",
		"account a\npassword \"S3cr3tPW\" x\n",
		"account a\npasswrd S3cr3tPW\n",
		"account a\nS3cr3tPW\n",
		"account a\n  S3cr3tPW and more\n",
		"account a,b\npassword S3cr3tPW\nport 0\n",
		"account a\npassword S3cr3tPW\ntls maybe\nhost \"\"\n",
		"account a\npassword \"S3cr3tPW\"\n"
		    "account a\npassword S3cr3tPW\n",
		"account a\nuser \"S3cr3tPW\001\"\n",
		"account a\nport S3cr3tPW\ntimeout S3cr3tPW\n"
		    "auth S3cr3tPW\ntls S3cr3tPW\n",
		"account a\nhost \"S3cr3tPW x\"\ndomain \"S3cr3tPW x\"\n",
		"account a\ntls_fingerprint S3cr3tPW\neval S3cr3tPW\n",
	};
	struct conf	*c;
	size_t		 i, j;
	int		 leaked, nerrs = 0;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		c = parse(files[i]);
		leaked = 0;
		for (j = 0; j < c->nerrs; j++)
			if (strstr(c->errs[j], "S3cr3tPW") != NULL ||
			    strstr(c->errs[j], "s3cr3tpw") != NULL)
				leaked = 1;
		nerrs += c->nerrs > 0;
		ok(!leaked && c->nerrs > 0, "no value in any message (file "
		    "%zu)", i);
		conf_free(c);
	}
	is_int(nerrs, sizeof(files) / sizeof(files[0]), "every file had "
	    "errors");
}

static void
test_long_lines(void)
{
	struct conf	*c;
	struct account	*a;
	char		*buf, *pw;
	size_t		 n;

	/* A 60000-octet token in a password line. */
	buf = malloc(70100);
	pw = malloc(70001);
	memset(pw, 'k', 60000);
	pw[60000] = '\0';
	snprintf(buf, 70100, "account a\npassword %s\nhost h\n", pw);
	c = parse(buf);
	a = conf_account(c, "a");
	is_int(c->nerrs, 0, "60000-octet password line accepted");
	ok(a != NULL && a->password != NULL && strcmp(a->password, pw) == 0,
	    "the whole password is kept");
	ok(a != NULL && a->host != NULL, "the next line is read");
	conf_free(c);

	/* Exactly CONF_LINEMAX octets, before CRLF: accepted. */
	n = CONF_LINEMAX - strlen("password ");
	memset(pw, 'k', n);
	pw[n] = '\0';
	snprintf(buf, 70100, "account a\npassword %s\r\nhost h\n", pw);
	c = parse(buf);
	a = conf_account(c, "a");
	is_int(c->nerrs, 0, "a line of CONF_LINEMAX octets is accepted");
	ok(a != NULL && a->password != NULL && strlen(a->password) == n,
	    "and kept whole");
	conf_free(c);

	/* One more octet: refused, and the next line still counts. */
	memset(pw, 'k', n + 1);
	pw[n + 1] = '\0';
	snprintf(buf, 70100, "account a\npassword %s\nport 0\n", pw);
	errs_are(buf, F ":2: line too long (limit 65536 octets)\n"
	    F ":3: port must be a number from 1 to 65535 or a service name",
	    "CONF_LINEMAX + 1 octets is too long");

	memset(pw, 'k', 70000);
	pw[70000] = '\0';
	snprintf(buf, 70100, "account a\npassword %s\nhost h", pw);
	c = parse(buf);
	a = conf_account(c, "a");
	is_int(c->nerrs, 1, "70000-octet line: one error");
	if (c->nerrs == 1)
		is_str(c->errs[0], F ":2: line too long (limit 65536 octets)",
		    "70000-octet line rejected");
	ok(a != NULL && a->password == NULL, "no truncated password kept");
	ok(a != NULL && a->host != NULL, "line 3 read after the long line");
	conf_free(c);

	/* A long last line without LF. */
	snprintf(buf, 70100, "account a\n%s", pw);
	errs_are(buf, F ":2: line too long (limit 65536 octets)",
	    "long last line without LF");
	free(buf);
	free(pw);
}

static void
test_implicit_default(void)
{
	struct conf	*c;
	struct account	*a;

	c = parse("# msmtp 1.2 file\nhost mail.example\nport 26\n"
	    "account other\nhost o\n");
	a = conf_account(c, "default");
	is_int(c->nerrs, 0, "implicit default: no errors");
	ok(a != NULL && c->accounts == a, "implicit account default first");
	if (a != NULL) {
		is_str(a->host, "mail.example", "implicit default: host");
		is_int(a->port, 26, "implicit default: port");
		is_int(a->defined.line, 2, "defined at its first directive");
	}
	ok(conf_account(c, "other") != NULL, "then other accounts");
	conf_free(c);

	c = parse("defaults\nport 26\naccount a\nhost h\n");
	ok(conf_account(c, "default") == NULL, "no implicit default after "
	    "defaults");
	conf_free(c);

	errs_are("host h\naccount default\n", F ":2: account default is "
	    "already defined on line 1", "implicit default is a real account");
	c = parse("bogus\nhost h\n");
	a = conf_account(c, "default");
	ok(a != NULL && a->host != NULL, "an unknown first line still starts "
	    "default");
	conf_free(c);
}

static void
test_check(void)
{
	struct conf	*c;
	struct account	*a;
	char		 got[2048];

	c = parse("account a\nport 25\n\naccount b\nhost h\nauth on\n"
	    "user u\ntls off\n\naccount c\nhost h\nauth plain\ntls off\n"
	    "auth_cleartext on\nuser u\n\naccount d\nhost h\nauth login\n"
	    "account e\nhost h\nauth on\nuser u\n");
	is_int(c->nerrs, 0, "check corpus parses");
	a = conf_account(c, "a");
	is_int(conf_check(c, a), -1, "no host: error");
	a = conf_account(c, "b");
	is_int(conf_check(c, a), -1, "auth with tls off: error");
	a = conf_account(c, "c");
	is_int(conf_check(c, a), 0, "auth_cleartext on allows it");
	a = conf_account(c, "d");
	is_int(conf_check(c, a), -1, "auth without user: error");
	a = conf_account(c, "e");
	is_int(conf_check(c, a), 0, "a good account passes");
	joinerrs(c, got, sizeof(got));
	is_str(got, F ":1: no host set for account a: add a host line\n"
	    F ":4: account b sends the password in clear: turn tls on, or set "
	    "auth_cleartext on\n"
	    F ":17: account d has auth on but no user: add a user line",
	    "conf_check messages at the account's line");
	conf_free(c);

	c = parse("account a\nauth\ntls off\n");
	is_int(conf_check(c, conf_account(c, "a")), -1, "three problems");
	is_int(c->nerrs, 3, "reported together");
	conf_free(c);
}

static void
test_port(void)
{
	struct account	a;

	memset(&a, 0, sizeof(a));
	a.tls = 1;
	a.starttls = 1;
	is_int(account_port(&a), 25, "tls + starttls: 25");
	a.starttls = 0;
	is_int(account_port(&a), 465, "tls without starttls: 465");
	a.tls = 0;
	is_int(account_port(&a), 25, "no tls: 25");
	a.port = 587;
	is_int(account_port(&a), 587, "explicit port");
}

static void
test_files(void)
{
	char		 dir[] = "/tmp/bote-conf-XXXXXX";
	char		 sys[256], usr[256];
	struct conf	*c;
	struct account	*a;
	FILE		*f;
	int		 rv;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(sys, sizeof(sys), "%s/msmtprc", dir);
	snprintf(usr, sizeof(usr), "%s/user", dir);
	f = fopen(sys, "w");
	fputs("defaults\nport 26\naccount a\nhost sys-a\n"
	    "account b\nhost sys-b\n", f);
	fclose(f);
	f = fopen(usr, "w");
	fputs("account b\nhost user-b\naccount c\nhost user-c\n", f);
	fclose(f);

	c = conf_new();
	is_int(conf_read(c, sys), 0, "system file reads");
	is_int(conf_read(c, usr), 0, "user file reads");
	is_int(c->nfiles, 2, "two files recorded");
	a = c->accounts;
	ok(a != NULL && strcmp(a->name, "b") == 0 && a->next != NULL &&
	    strcmp(a->next->name, "c") == 0 && a->next->next != NULL &&
	    strcmp(a->next->next->name, "a") == 0 &&
	    a->next->next->next == NULL,
	    "order: user accounts, then system-only accounts");
	a = conf_account(c, "b");
	ok(a != NULL && strcmp(a->host, "user-b") == 0,
	    "the user file's account replaces the system one");
	ok(a != NULL && a->port == 0, "no system defaults in a user account");
	ok(a != NULL && strcmp(a->origin[K_HOST].file, usr) == 0 &&
	    a->origin[K_HOST].line == 2, "origin points to the user file");
	a = conf_account(c, "a");
	ok(a != NULL && a->port == 26 && strcmp(a->defined.file, sys) == 0,
	    "system-only account kept");

	errno = 0;
	snprintf(usr, sizeof(usr), "%s/missing", dir);
	rv = conf_read(c, usr);
	ok(rv == -1 && errno == ENOENT && c->nerrs == 0,
	    "missing file: -1, ENOENT, no error message");
	rv = conf_read(c, dir);
	ok(rv == -1 && c->nerrs == 1, "a directory: -1 with a message");
	if (c->nerrs == 1) {
		/* Root refuses it before reading (check_root_file). */
		if (geteuid() == 0)
			snprintf(sys, sizeof(sys), "%s: not a regular file: as "
			    "root, bote reads only root's own regular files",
			    dir);
		else
			snprintf(sys, sizeof(sys), "%s: cannot read: %s", dir,
			    strerror(EISDIR));
		is_str(c->errs[0], sys, "directory message");
	}
	conf_free(c);
	conf_free(NULL);
	ok(1, "conf_free(NULL) is a no-op");
	test_owners(dir);

	snprintf(sys, sizeof(sys), "%s/msmtprc", dir);
	snprintf(usr, sizeof(usr), "%s/user", dir);
	unlink(sys);
	unlink(usr);
	rmdir(dir);
}

/* Write text into dir/name with that owner and mode; the path in out. */
static void
owned_file(char *out, size_t sz, const char *dir, const char *name,
    const char *text, uid_t uid, mode_t mode)
{
	FILE	*f;

	snprintf(out, sz, "%s/%s", dir, name);
	if ((f = fopen(out, "w")) != NULL) {
		fputs(text, f);
		fclose(f);
	}
	if (chown(out, uid, (gid_t)-1) == -1 || chmod(out, mode) == -1)
		ok(0, "chown/chmod %s", out);
}

/*
 * Who may have written a file bote reads: as root only root's files not
 * writable by others; for anyone, a passwordeval only in their own (or
 * root's) file that nobody else may change.
 */
static void
test_owners(const char *dir)
{
	struct conf	*c;
	char		 path[PATH_MAX], want[PATH_MAX + 200];
	const char	*eval = "account a\nhost h\npasswordeval echo x\n";

	/* A password on a last line without LF is checked like any. */
	owned_file(path, sizeof(path), dir, "lastline",
	    "account a\nhost h\npassword s3cret", geteuid(), 0644);
	c = conf_new();
	ok(conf_read(c, path) == -1 && c->nerrs == 1 && strstr(c->errs[0],
	    "holds a password (line 3) but others may read it") != NULL,
	    "a password on a last line without LF: the mode is checked");
	conf_free(c);
	unlink(path);

	if (geteuid() != 0) {
		ok(1, "# SKIP ownership checks need root");
		return;
	}
	owned_file(path, sizeof(path), dir, "users", "account a\nhost h\n",
	    65534, 0600);
	c = conf_new();
	ok(conf_read(c, path) == -1 && c->nerrs == 1, "as root, a file "
	    "another user owns is refused");
	snprintf(want, sizeof(want), "%s: owned by uid 65534 with mode 600: "
	    "as root, bote reads only files owned by root that nobody else "
	    "may write (chown root and chmod go-w it, or run bote as its "
	    "owner)", path);
	if (c->nerrs == 1)
		is_str(c->errs[0], want, "and says whose it is");
	ok(conf_account(c, "a") == NULL, "and nothing of it is read");
	conf_free(c);
	unlink(path);

	owned_file(path, sizeof(path), dir, "groupw", "account a\nhost h\n",
	    0, 0620);
	c = conf_new();
	ok(conf_read(c, path) == -1 && c->nerrs == 1, "as root, a root file "
	    "that the group may write is refused");
	conf_free(c);
	unlink(path);

	owned_file(path, sizeof(path), dir, "rootok", eval, 0, 0644);
	c = conf_new();
	ok(conf_read(c, path) == 0 && c->nerrs == 0, "root's own file, "
	    "readable by all, with passwordeval: read");
	conf_free(c);

	if (chmod(path, 0646) == -1)
		ok(0, "chmod");
	c = conf_new();
	ok(conf_read(c, path) == -1 && c->nerrs == 1, "world-writable: "
	    "refused");
	conf_free(c);
	unlink(path);
}

static void
test_secret_eval(void)
{
	char	 why[256];
	char	*s;
	int64_t	 t0;

	s = secret_eval("printf 'pw\\nrest'", 5, why, sizeof(why));
	is_str(s, "pw", "the first line of the output");
	secret_free(s);
	s = secret_eval("printf 'p w\\r\\n'", 5, why, sizeof(why));
	is_str(s, "p w", "CRLF line ending removed");
	secret_free(s);
	s = secret_eval("printf lastline", 5, why, sizeof(why));
	is_str(s, "lastline", "a line without LF");
	secret_free(s);
	fflush(stdout);
	s = secret_eval("echo '# stderr of a passwordeval command' >&2; "
	    "echo pw", 5, why, sizeof(why));
	is_str(s, "pw", "stderr passes through");
	secret_free(s);
	s = secret_eval("read x; echo \"in=$x\"", 5, why, sizeof(why));
	is_str(s, "in=", "stdin is /dev/null");
	secret_free(s);

	s = secret_eval("echo pw; exit 3", 5, why, sizeof(why));
	ok(s == NULL, "exit 3: NULL");
	is_str(why, "passwordeval command exited with status 3",
	    "exit status message");
	secret_free(s);
	s = secret_eval("true", 5, why, sizeof(why));
	ok(s == NULL, "no output: NULL");
	is_str(why, "passwordeval command printed nothing", "no output "
	    "message");
	s = secret_eval("echo; echo pw", 5, why, sizeof(why));
	ok(s == NULL, "empty first line: NULL");
	is_str(why, "passwordeval command printed an empty first line",
	    "empty first line message");
	s = secret_eval("kill -9 $$", 5, why, sizeof(why));
	ok(s == NULL, "killed: NULL");
	is_str(why, "passwordeval command was killed by signal 9",
	    "signal message");
	s = secret_eval("printf 'a\\000b\\n'", 5, why, sizeof(why));
	ok(s == NULL, "NUL in the line: NULL");
	is_str(why, "passwordeval command printed a NUL byte", "NUL message");
	s = secret_eval("head -c 70000 /dev/zero | tr '\\000' a", 5, why,
	    sizeof(why));
	ok(s == NULL, "too much output: NULL");
	is_str(why, "passwordeval command printed more than 65536 octets",
	    "cap message");
	s = secret_eval("", 5, why, sizeof(why));
	ok(s == NULL, "empty command: NULL");

	t0 = now_ms();
	s = secret_eval("sleep 10", 1, why, sizeof(why));
	ok(s == NULL, "sleep 10 with timeout 1: NULL");
	ok(now_ms() - t0 < 3000, "and quickly (%lld ms)",
	    (long long)(now_ms() - t0));
	is_str(why, "passwordeval command did not finish within 1 second",
	    "timeout message");
	t0 = now_ms();
	s = secret_eval("echo pw; exec >&-; sleep 10", 1, why, sizeof(why));
	ok(s == NULL && now_ms() - t0 < 3000, "still running after closing "
	    "stdout: timeout");
	t0 = now_ms();
	s = secret_eval("sh -c 'sleep 10' & sleep 10", 1, why, sizeof(why));
	ok(s == NULL && now_ms() - t0 < 3000, "the process group is killed");

	/* The pipe's read end must not be open in the command. */
	s = secret_eval("me=$(readlink /proc/$$/fd/1); n=0; "
	    "for f in /proc/$$/fd/*; do "
	    "[ \"$(readlink $f)\" = \"$me\" ] && n=$((n+1)); done; echo n=$n",
	    5, why, sizeof(why));
	is_str(s, "n=1", "only stdout refers to the pipe");
	secret_free(s);
}

/* The header policies and their words (V_CHOICE). */
static void
test_choices(void)
{
	struct conf	*c;
	struct account	*a;

	c = parse("account a\nhost h\n");
	a = conf_account(c, "a");
	ok(a != NULL && a->set_from_header == FROMH_AUTO &&
	    a->set_date_header == HDR_AUTO && a->set_msgid_header == HDR_AUTO &&
	    a->set_to_header == TOH_OFF && a->remove_bcc_headers == 1 &&
	    a->allow_from_override == 1 && a->aliases == NULL &&
	    a->from_full_name == NULL, "header policy defaults are msmtp's");
	conf_free(c);

	c = parse("account a\nset_from_header on\nset_date_header off\n"
	    "set_msgid_header off\nset_to_header undisclosed_recipients\n"
	    "remove_bcc_headers off\nallow_from_override off\n"
	    "from_full_name \"Cron Daemon\"\n");
	a = conf_account(c, "a");
	ok(a != NULL && a->set_from_header == FROMH_ON &&
	    a->set_date_header == HDR_OFF && a->set_msgid_header == HDR_OFF &&
	    a->set_to_header == TOH_UNDISCLOSED &&
	    a->remove_bcc_headers == 0 && a->allow_from_override == 0 &&
	    a->from_full_name != NULL &&
	    strcmp(a->from_full_name, "Cron Daemon") == 0,
	    "header policies are read");
	conf_free(c);

	c = parse("account a\nset_to_header\nset_from_header\n"
	    "set_date_header\n");
	a = conf_account(c, "a");
	ok(a != NULL && a->set_to_header == TOH_ON &&
	    a->set_from_header == FROMH_ON && a->set_date_header == HDR_AUTO,
	    "an empty choice means on where on is a choice, else the first");
	conf_free(c);

	c = parse("account a\nhost h\naccount b : a\nlogfile /l\n"
	    "logfile_time_format %H\nsyslog\naccount c : b\n"
	    "syslog LOG_LOCAL7\naccount d : b\nsyslog LOG_MAIL\n");
	a = conf_account(c, "a");
	ok(a != NULL && a->logfile == NULL && a->logfile_time_format == NULL &&
	    a->syslog == SYSLOG_OFF, "no logging by default");
	a = conf_account(c, "b");
	ok(a != NULL && a->logfile != NULL && strcmp(a->logfile, "/l") == 0 &&
	    a->logfile_time_format != NULL &&
	    strcmp(a->logfile_time_format, "%H") == 0 &&
	    a->syslog == SYSLOG_ON, "logfile, its time format, syslog on");
	a = conf_account(c, "c");
	ok(a != NULL && a->syslog == SYSLOG_LOCAL0 + 7 && a->logfile != NULL,
	    "syslog LOG_LOCAL7, logfile inherited");
	a = conf_account(c, "d");
	ok(a != NULL && a->syslog == SYSLOG_MAIL, "syslog LOG_MAIL");
	conf_free(c);

	/* msmtp's older names map onto the header directives. */
	c = parse("account a\nadd_missing_from_header off\n"
	    "add_missing_date_header off\nundisclosed_recipients\n"
	    "keepbcc on\naccount b\nadd_missing_from_header on\n"
	    "undisclosed_recipients off\nkeepbcc off\n");
	a = conf_account(c, "a");
	ok(a != NULL && a->set_from_header == FROMH_OFF &&
	    a->set_date_header == HDR_OFF &&
	    a->set_to_header == TOH_UNDISCLOSED &&
	    a->remove_bcc_headers == 0, "compatibility names: off/on");
	a = conf_account(c, "b");
	ok(a != NULL && a->set_from_header == FROMH_AUTO &&
	    a->set_to_header == TOH_OFF && a->remove_bcc_headers == 1 &&
	    account_isset(a, K_SET_FROM_HEADER),
	    "compatibility names: on/off, recorded as set");
	conf_free(c);

	errs_are("account a\nset_from_header always\nset_date_header on\n"
	    "set_to_header yes\n",
	    F ":2: set_from_header must be auto, on or off\n"
	    F ":3: set_date_header must be auto or off\n"
	    F ":4: set_to_header must be off, on or undisclosed_recipients",
	    "bad choices are described");
}

/* msmtp's account selection for -f without -a (REFERENCE.md 2.3). */
static void
test_match_from(void)
{
	struct conf	*c;
	struct account	*a;

	c = parse("account exact\nfrom Alice@Example.org\n"
	    "account glob\nfrom *@example.org\n"
	    "account globcase\nfrom *@EXAMPLE.net\n"
	    "account class\nfrom [bc]ob@example.com\n"
	    "account nofrom\nhost x\n"
	    "account bob\nfrom bob@example.net\n"
	    "account default : exact\n");
	a = conf_match_from(c, "ALICE@EXAMPLE.ORG");
	ok(a != NULL && strcmp(a->name, "exact") == 0,
	    "a plain from compares without regard to case");
	a = conf_match_from(c, "carol@example.org");
	ok(a != NULL && strcmp(a->name, "glob") == 0,
	    "a glob matches with fnmatch");
	ok(conf_match_from(c, "carol@example.net") == NULL,
	    "a glob is case-sensitive");
	a = conf_match_from(c, "cob@example.com");
	ok(a != NULL && strcmp(a->name, "class") == 0, "[...] is a glob");
	a = conf_match_from(c, "bob+lists@example.net");
	ok(a != NULL && strcmp(a->name, "bob") == 0,
	    "user+detail@dom is retried as user@dom");
	a = conf_match_from(c, "alice@example.org");
	ok(a != NULL && strcmp(a->name, "exact") == 0,
	    "the first account in file order wins");
	a = conf_match_from(c, "bob@example.net");
	ok(a != NULL && strcmp(a->name, "bob") == 0,
	    "an account without from is skipped");
	ok(conf_match_from(c, "nobody@elsewhere.test") == NULL &&
	    conf_match_from(c, "+x@elsewhere.test") == NULL &&
	    conf_match_from(c, "") == NULL, "no match is NULL");
	conf_free(c);
}

/* dsn_notify and dsn_return (RFC 3461), and the parsers -N/-R share. */
static void
test_dsn(void)
{
	struct conf	*c;
	struct account	*a, *b;

	is_int(conf_dsn_notify("never", 5), DSN_NEVER, "dsn: never");
	is_int(conf_dsn_notify("OFF", 3), 0, "dsn: off, any case");
	is_int(conf_dsn_notify("Delay,success", 13), DSN_DELAY | DSN_SUCCESS,
	    "dsn: a list, any case, any order");
	is_int(conf_dsn_notify("success,failure,delay", 21), DSN_SUCCESS |
	    DSN_FAILURE | DSN_DELAY, "dsn: all three");
	is_int(conf_dsn_notify("never,delay", 11), -1, "dsn: never alone");
	is_int(conf_dsn_notify("success,", 8), -1, "dsn: empty element");
	is_int(conf_dsn_notify("", 0), -1, "dsn: empty");
	is_int(conf_dsn_notify("succes", 6), -1, "dsn: misspelt");
	is_int(conf_dsn_notify("success delay", 13), -1, "dsn: blank");
	is_int(conf_dsn_return("hdrs", 4), DSNRET_HDRS, "dsn: hdrs");
	is_int(conf_dsn_return("HEADERS", 7), DSNRET_HDRS, "dsn: headers");
	is_int(conf_dsn_return("full", 4), DSNRET_FULL, "dsn: full");
	is_int(conf_dsn_return("off", 3), DSNRET_OFF, "dsn: ret off");
	is_int(conf_dsn_return("body", 4), -1, "dsn: bad ret");

	c = parse("defaults\ndsn_notify failure,delay\ndsn_return headers\n"
	    "account a\nhost h\naccount b : a\ndsn_notify off\n"
	    "dsn_return full\n");
	a = conf_account(c, "a");
	b = conf_account(c, "b");
	ok(a != NULL && a->dsn_notify == (DSN_FAILURE | DSN_DELAY) &&
	    a->dsn_return == DSNRET_HDRS, "dsn: read from defaults");
	ok(b != NULL && b->dsn_notify == 0 && b->dsn_return == DSNRET_FULL,
	    "dsn: an account overrides");
	conf_free(c);
	c = parse("account a\nhost h\n");
	a = conf_account(c, "a");
	ok(a != NULL && a->dsn_notify == 0 && a->dsn_return == DSNRET_OFF,
	    "dsn: off by default");
	conf_free(c);
}

/* Relay failover: host lists and fallback_accounts (relays.h). */
static void
test_relays(void)
{
	struct conf	*c;
	struct account	*a;
	struct relays	 rl;
	char		 why[512];

	c = parse("account a\nhost p1,p2\nfallback_accounts b\n"
	    "failover_timeout 5\naccount b\nhost s1\nport 465\n"
	    "tls_starttls off\nfallback_accounts a\n"
	    "account one\nhost h\n");
	is_int(c->nerrs, 0, "relays: no errors");
	if ((a = conf_account(c, "a")) != NULL) {
		is_int(a->failover_timeout, 5, "failover_timeout");
		ok(relay_several(a), "a has several relays");
		is_int(relay_list(c, a, &rl, why, sizeof(why)), 0, "list");
		is_int((int)rl.n, 3, "two hosts and one fallback, whose "
		    "own fallback is not followed");
		is_str(rl.r[0].host, "p1", "first host");
		is_str(rl.r[1].host, "p2", "second host");
		is_str(rl.r[2].host, "s1", "the fallback's host");
		is_str(rl.r[2].acct->name, "b", "with its account");
		is_int(conf_check(c, a), 0, "a passes conf_check");
	}
	if ((a = conf_account(c, "one")) != NULL) {
		ok(!relay_several(a), "one host, no fallback: one relay");
		is_int(a->failover_timeout, FAILOVER_TIMEOUT_DEFAULT,
		    "failover_timeout default");
	}
	conf_free(c);

	/* rate: the interval between two messages. */
	is_int((int)policy_rate_ms("30/min"), 2000, "30/min: 2 s apart");
	is_int((int)policy_rate_ms("1/hour"), 3600000, "1/hour");
	is_int((int)policy_rate_ms("120/m"), 500, "120/m");
	is_int((int)policy_rate_ms("10/h"), 360000, "10/h");
	is_int((int)policy_rate_ms("0/min"), -1, "0/min refused");
	is_int((int)policy_rate_ms("30/day"), -1, "30/day refused");
	is_int((int)policy_rate_ms("30"), -1, "no unit refused");
	is_int((int)policy_rate_ms("/min"), -1, "no number refused");
	is_int((int)policy_rate_ms("x/min"), -1, "not a number refused");

	c = parse("account a\nhost p1,,p2\n");
	if ((a = conf_account(c, "a")) != NULL)
		is_int(conf_check(c, a), -1, "an empty host in the list");
	conf_free(c);
	c = parse("account a\nhost p1,\n");
	if ((a = conf_account(c, "a")) != NULL)
		is_int(conf_check(c, a), -1, "a trailing comma");
	conf_free(c);
	c = parse("account a\nhost h\nfallback_accounts nosuch\n");
	if ((a = conf_account(c, "a")) != NULL) {
		is_int(conf_check(c, a), -1, "an unknown fallback");
		joinerrs(c, why, sizeof(why));
		is_str(why, F ":3: fallback_accounts: nosuch is not another "
		    "account of this file", "the error at its line");
	}
	conf_free(c);
	/* A fallback from another file: the queue could not find it. */
	if ((c = conf_new()) == NULL)
		abort();
	(void)conf_read_buf(c, "sys.conf", "account b\nhost s\n",
	    strlen("account b\nhost s\n"));
	(void)conf_read_buf(c, "user.conf", "account a\nhost h\n"
	    "fallback_accounts b\n", strlen("account a\nhost h\n"
	    "fallback_accounts b\n"));
	if ((a = conf_account(c, "a")) != NULL) {
		is_int(conf_check(c, a), -1, "a fallback of another file");
		joinerrs(c, why, sizeof(why));
		is_str(why, "user.conf:3: fallback_accounts: b is defined in "
		    "another file; a fallback account must be in the same "
		    "file", "named at the line");
	}
	conf_free(c);
		/* The fallback's own problems are reported too. */
	c = parse("account a\nhost h\nfallback_accounts b\n"
	    "account b\nhost s\ntls off\nauth on\nuser u\n");
	if ((a = conf_account(c, "a")) != NULL)
		is_int(conf_check(c, a), -1, "a fallback that sends the "
		    "password in clear");
	conf_free(c);
}

int
main(void)
{
	test_choices();
	test_inheritance();
	test_syntax();
	test_values();
	test_errors();
	test_unsupported();
	test_secrets_not_echoed();
	test_long_lines();
	test_implicit_default();
	test_check();
	test_port();
	test_files();
	test_secret_eval();
	test_match_from();
	test_dsn();
	test_new_values();
	test_origins();
	test_override();
	test_obsolete();
	test_expand();
	test_secret_file();
	test_relays();
	return done_testing();
}

/*
 * Values of durations, service-name ports, the queue directives,
 * ip_version, auth methods and the certificate checks, as they are stored.
 */
static void
test_new_values(void)
{
	char		 got[4096];
	struct conf	*c;
	struct account	*a;

	is_int(conf_duration("90"), 90, "duration in seconds");
	is_int(conf_duration("90s"), 90, "duration with s");
	is_int(conf_duration("2m"), 120, "duration in minutes");
	is_int(conf_duration("3h"), 10800, "duration in hours");
	is_int(conf_duration("5d"), 432000, "duration in days");
	is_int(conf_duration("365d"), 365 * 86400, "365d is the limit");
	is_int(conf_duration("366d"), -1, "366d is over it");
	is_int(conf_duration("d"), -1, "a unit alone");
	is_int(conf_duration(""), -1, "empty");
	is_int(conf_duration("-1"), -1, "negative");

	c = parse("account a\nport submission\nqueue off\nqueue_dir /q\n"
	    "queue_max_age 2h\nip_version 6\nauth scram-sha-256-plus\n"
	    "tls_nocertcheck\ntls_fingerprint AB:CD\n"
	    "account b\nhost h\n");
	a = conf_account(c, "a");
	ok(a != NULL, "account a parsed");
	if (a != NULL) {
		is_int(a->port, 587, "port submission is 587");
		is_int(a->queue, 0, "queue off");
		is_str(a->queue_dir, "/q", "queue_dir");
		is_int(a->queue_max_age, 7200, "queue_max_age 2h");
		is_int(a->ip_version, IPV_6, "ip_version 6");
		is_int(a->auth, AUTHM_SCRAM_SHA_256_PLUS, "auth "
		    "scram-sha-256-plus");
		is_int(a->tls_certcheck, 0, "tls_nocertcheck is certcheck off");
		is_str(a->tls_fingerprint, "AB:CD", "tls_fingerprint");
		is_int(conf_check(c, a), -1, "malformed or contradicting "
		    "settings are refused before use");
		joinerrs(c, got, sizeof(got));
		ok(strstr(got, F ":9: tls_fingerprint needs a SHA-256 "
		    "fingerprint") != NULL &&
		    strstr(got, F ":9: tls_fingerprint and tls_certcheck off "
		    "contradict each other") != NULL, "named at their "
		    "line");
	}
	a = conf_account(c, "b");
	ok(a != NULL, "account b parsed");
	if (a != NULL) {
		is_int(a->queue, 1, "queue is on by default");
		is_int(a->queue_max_age, QUEUE_MAX_AGE_DEFAULT,
		    "queue_max_age defaults to 5 days");
		is_int(a->tls_certcheck, 1, "tls_certcheck on by default");
		is_int(a->ip_version, IPV_ANY, "ip_version any by default");
	}
	conf_free(c);
}

/* Where each value came from: the file and line, defaults, a parent. */
static void
test_origins(void)
{
	struct conf	*c;
	struct account	*a;

	c = parse("defaults\n"			/* 1 */
	    "port 587\n"			/* 2 */
	    "account base\n"			/* 3 */
	    "host mail.example.org\n"		/* 4 */
	    "account mid : base\n"		/* 5 */
	    "user mid\n"			/* 6 */
	    "account leaf : mid\n"		/* 7 */
	    "from leaf@example.org\n");		/* 8 */
	a = conf_account(c, "leaf");
	ok(a != NULL, "leaf parsed");
	if (a != NULL) {
		ok(a->origin[K_PORT].defaults && a->origin[K_PORT].line == 2 &&
		    a->origin[K_PORT].via == NULL, "port: defaults, line 2");
		ok(a->origin[K_HOST].line == 4 && a->origin[K_HOST].via &&
		    strcmp(a->origin[K_HOST].via, "base") == 0,
		    "host: line 4, inherited from base (through mid)");
		ok(a->origin[K_USER].line == 6 && a->origin[K_USER].via &&
		    strcmp(a->origin[K_USER].via, "mid") == 0,
		    "user: line 6, inherited from mid");
		ok(a->origin[K_FROM].line == 8 && a->origin[K_FROM].via ==
		    NULL && !a->origin[K_FROM].defaults, "from: set here");
		ok(a->origin[K_TLS].file == NULL, "tls: built-in default");
	}
	conf_free(c);

	/* A parent's own value for a key the defaults also set. */
	c = parse("defaults\nport 587\naccount p\nport 2525\n"
	    "account k : p\n");
	a = conf_account(c, "k");
	ok(a != NULL && a->port == 2525 && a->origin[K_PORT].line == 4 &&
	    !a->origin[K_PORT].defaults && a->origin[K_PORT].via != NULL &&
	    strcmp(a->origin[K_PORT].via, "p") == 0,
	    "port: line 4 of account p, not the defaults");
	conf_free(c);
}

/* Command-line values layered over the account, checked the same way. */
static void
test_override(void)
{
	struct conf	*c;
	struct account	*a;
	char		 got[1024];

	c = parse("account a\nhost file.example\nport 25\n");
	a = conf_account(c, "a");
	ok(a != NULL, "a parsed");
	if (a == NULL) {
		conf_free(c);
		return;
	}
	is_int(conf_override(c, a, "host", "cli.example"), 0, "--host");
	is_str(a->host, "cli.example", "host replaced");
	ok(a->origin[K_HOST].file == CONF_CMDLINE &&
	    a->origin[K_HOST].line == 0, "origin: the command line");
	is_int(conf_override(c, a, "port", "submissions"), 0,
	    "--port with a service name");
	is_int(a->port, 465, "port 465");
	is_int(conf_override(c, a, "tls", ""), 0, "--tls alone means on");
	is_int(conf_override(c, a, "port", "0"), -1, "--port 0 refused");
	is_int(conf_override(c, a, "tls", "maybe"), -1, "--tls=maybe refused");
	is_int(conf_override(c, a, "account", "x"), -1, "account is no "
	    "setting");
	is_int(conf_override(c, a, "passwordeval", "echo S3cr3t x"), 0,
	    "--passwordeval");
	joinerrs(c, got, sizeof(got));
	is_str(got, "command line: port must be a number from 1 to 65535 or "
	    "a service name\ncommand line: tls must be on or off\n"
	    "command line: no such setting account",
	    "errors name the command line and never the value");
	ok(strstr(got, "S3cr3t") == NULL, "no secret in the messages");
	is_int(a->port, 465, "a refused value leaves the old one");
	conf_free(c);

	c = conf_new();
	a = conf_add_account(c, "(command line)");
	ok(a != NULL && c->accounts == a && a->tls == 1 && a->host == NULL,
	    "conf_add_account: built-in defaults, first in the list");
	conf_free(c);
}

/* msmtp's old names work, with one note each naming the new spelling. */
static void
test_obsolete(void)
{
	struct conf	*c;
	struct account	*a;

	c = parse("account a\nhost h\ntls_nostarttls\nkeepbcc\n"
	    "connect_timeout 30\ntls_starttls on\n");
	is_int(c->nerrs, 0, "obsolete names are no errors");
	is_int(c->nnotes, 3, "three notes");
	if (c->nnotes == 3) {
		is_str(c->notes[0], F ":3: tls_nostarttls is obsolete; write "
		    "tls_starttls off instead", "tls_nostarttls note");
		is_str(c->notes[2], F ":5: connect_timeout is obsolete; write "
		    "timeout instead", "connect_timeout note");
	}
	a = conf_account(c, "a");
	ok(a != NULL && a->timeout == 30 && a->remove_bcc_headers == 0,
	    "their values still apply");
	conf_free(c);
}

/* ~ and ${VAR} in paths. */
static void
test_expand(void)
{
	struct conf	*c;
	struct account	*a;

	setenv("HOME", "/home/u", 1);
	setenv("BOTE_T_DIR", "/etc/ssl", 1);
	unsetenv("BOTE_T_UNSET");
	c = parse("account a\ntls_trust_file ${BOTE_T_DIR}/ca.pem\n"
	    "aliases ~/${BOTE_T_DIR}x\ntls_crl_file /a$b/${BOTE_T_DIR}\n");
	a = conf_account(c, "a");
	is_int(c->nerrs, 0, "expansions parse");
	ok(a != NULL && strcmp(a->trust_file, "/etc/ssl/ca.pem") == 0,
	    "${VAR} expanded");
	ok(a != NULL && strcmp(a->aliases, "/home/u//etc/sslx") == 0,
	    "~ and ${VAR} together");
	ok(a != NULL && strcmp(a->tls_crl_file, "/a$b//etc/ssl") == 0,
	    "a $ without { is kept");
	conf_free(c);
	errs_are("account a\naliases ${BOTE_T_UNSET}/x\n", F ":2: aliases "
	    "uses ${BOTE_T_UNSET}, which is not set", "unset variable");
	errs_are("account a\naliases ${BOTE_T_DIR\n", F ":2: aliases: ${ "
	    "without a closing }", "unclosed ${");
	errs_are("account a\naliases ${a b}\n", F ":2: aliases: ${...} must "
	    "hold an environment variable name (letters, digits, _)",
	    "bad name");
	errs_are("account a\naliases ${}\n", F ":2: aliases: ${...} must "
	    "hold an environment variable name (letters, digits, _)",
	    "empty name");
}

/* A file with a literal password: mode 600, no link, owned by us. */
static void
test_secret_file(void)
{
	char		 dir[] = "/tmp/bote-conf-XXXXXX";
	char		 f[64], l[64], want[512], got[1024];
	struct conf	*c;
	FILE		*fp;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(f, sizeof(f), "%s/conf", dir);
	snprintf(l, sizeof(l), "%s/link", dir);
	fp = fopen(f, "w");
	fputs("account a\nhost h\npassword S3cr3t\n", fp);
	fclose(fp);
	chmod(f, 0640);
	c = conf_new();
	is_int(conf_read(c, f), -1, "mode 640 with a password: refused");
	snprintf(want, sizeof(want), "%s: holds a password (line 3) but "
	    "others may read it (mode 640): run chmod 600 %s", f, f);
	joinerrs(c, got, sizeof(got));
	is_str(got, want, "the message names the fix");
	conf_free(c);

	chmod(f, 0600);
	c = conf_new();
	is_int(conf_read(c, f), 0, "mode 600: read");
	conf_free(c);

	if (symlink(f, l) == 0) {
		c = conf_new();
		is_int(conf_read(c, l), -1, "through a link: refused");
		snprintf(want, sizeof(want), "%s: holds a password (line 3) "
		    "but is a symbolic link: name the file itself with -C, or "
		    "move the password to passwordeval", l);
		joinerrs(c, got, sizeof(got));
		is_str(got, want, "link message");
		conf_free(c);
	} else
		ok(0, "symlink");

	/* Without a password line any mode and a link are fine. */
	fp = fopen(f, "w");
	fputs("account a\nhost h\npasswordeval echo x\n", fp);
	fclose(fp);
	chmod(f, 0644);
	c = conf_new();
	is_int(conf_read(c, l), 0, "no literal password: a 644 link reads");
	conf_free(c);
	unlink(l);
	unlink(f);
	rmdir(dir);
}
