/*
 * --pretend: the effective account, value by value with its origin, then
 * the envelope and the message as they would be sent. It connects to
 * nothing and runs no passwordeval command.
 */
#include <stdio.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/relays.h"
#include "pretend.h"
#include "base/util.h"

/* How a setting is shown. */
enum show {
	SH_STR,
	SH_PATH,	/* NULL: "system" (trust file) */
	SH_SECRET,
	SH_BOOL,
	SH_PORT,
	SH_PROXYPORT,	/* 0: the SOCKS default */
	SH_TIMEOUT,
	SH_AUTH,
	SH_CHOICE,
	SH_NOTIFY,
	SH_DURATION
};

static const struct {
	const char	*name;
	enum show	 show;
	const char	*words;		/* SH_CHOICE: by index */
} settings[K__COUNT] = {
	[K_HOST] = { "host", SH_STR, NULL },
	[K_PORT] = { "port", SH_PORT, NULL },
	[K_TLS] = { "tls", SH_BOOL, NULL },
	[K_TLS_STARTTLS] = { "tls_starttls", SH_BOOL, NULL },
	[K_TLS_TRUST_FILE] = { "tls_trust_file", SH_PATH, NULL },
	[K_AUTH] = { "auth", SH_AUTH, NULL },
	[K_USER] = { "user", SH_STR, NULL },
	[K_PASSWORD] = { "password", SH_SECRET, NULL },
	[K_PASSWORDEVAL] = { "passwordeval", SH_SECRET, NULL },
	[K_FROM] = { "from", SH_STR, NULL },
	[K_DOMAIN] = { "domain", SH_STR, NULL },
	[K_TIMEOUT] = { "timeout", SH_TIMEOUT, NULL },
	[K_AUTH_CLEARTEXT] = { "auth_cleartext", SH_BOOL, NULL },
	[K_FROM_FULL_NAME] = { "from_full_name", SH_STR, NULL },
	[K_ALLOW_FROM_OVERRIDE] = { "allow_from_override", SH_BOOL, NULL },
	[K_ALIASES] = { "aliases", SH_STR, NULL },
	[K_SET_FROM_HEADER] = { "set_from_header", SH_CHOICE,
	    "auto|on|off" },
	[K_SET_DATE_HEADER] = { "set_date_header", SH_CHOICE, "auto|off" },
	[K_SET_MSGID_HEADER] = { "set_msgid_header", SH_CHOICE,
	    "auto|off" },
	[K_SET_TO_HEADER] = { "set_to_header", SH_CHOICE,
	    "off|on|undisclosed_recipients" },
	[K_REMOVE_BCC_HEADERS] = { "remove_bcc_headers", SH_BOOL, NULL },
	[K_DSN_NOTIFY] = { "dsn_notify", SH_NOTIFY, NULL },
	[K_DSN_RETURN] = { "dsn_return", SH_CHOICE, "off|headers|full" },
	[K_TLS_FINGERPRINT] = { "tls_fingerprint", SH_STR, NULL },
	[K_TLS_CERT_FILE] = { "tls_cert_file", SH_STR, NULL },
	[K_TLS_KEY_FILE] = { "tls_key_file", SH_STR, NULL },
	[K_TLS_CRL_FILE] = { "tls_crl_file", SH_STR, NULL },
	[K_TLS_PRIORITIES] = { "tls_priorities", SH_STR, NULL },
	[K_TLS_HOST_OVERRIDE] = { "tls_host_override", SH_STR, NULL },
	[K_TLS_CERTCHECK] = { "tls_certcheck", SH_BOOL, NULL },
	[K_SOURCE_IP] = { "source_ip", SH_STR, NULL },
	[K_IP_VERSION] = { "ip_version", SH_CHOICE, "any|4|6" },
	[K_QUEUE] = { "queue", SH_BOOL, NULL },
	[K_QUEUE_DIR] = { "queue_dir", SH_STR, NULL },
	[K_QUEUE_MAX_AGE] = { "queue_max_age", SH_DURATION, NULL },
	[K_LOGFILE] = { "logfile", SH_STR, NULL },
	[K_LOGFILE_TIME_FORMAT] = { "logfile_time_format", SH_STR, NULL },
	[K_SYSLOG] = { "syslog", SH_CHOICE, SYSLOG_CHOICES },
	[K_LOG_FORMAT] = { "log_format", SH_CHOICE, LOG_FORMAT_CHOICES },
	[K_DKIM_DOMAIN] = { "dkim_domain", SH_STR, NULL },
	[K_DKIM_SELECTOR] = { "dkim_selector", SH_STR, NULL },
	[K_DKIM_KEY] = { "dkim_key", SH_STR, NULL },
	[K_DKIM_SELECTOR2] = { "dkim_selector2", SH_STR, NULL },
	[K_DKIM_KEY2] = { "dkim_key2", SH_STR, NULL },
	[K_DKIM_HEADERS] = { "dkim_headers", SH_STR, NULL },
	[K_DKIM_EXPIRE] = { "dkim_expire", SH_DURATION, NULL },
	[K_DKIM_CANON] = { "dkim_canonicalization", SH_CHOICE,
	    DKIM_CANON_CHOICES },
	[K_PROXY_HOST] = { "proxy_host", SH_STR, NULL },
	[K_PROXY_PORT] = { "proxy_port", SH_PROXYPORT, NULL },
	[K_SOCKET] = { "socket", SH_STR, NULL },
	[K_FALLBACK_ACCOUNTS] = { "fallback_accounts", SH_STR, NULL },
	[K_FAILOVER_TIMEOUT] = { "failover_timeout", SH_TIMEOUT, NULL },
	[K_RATE] = { "rate", SH_STR, NULL },
	[K_MAX_PER_SESSION] = { "max_per_session", SH_STR, NULL },
	[K_MAX_SESSIONS] = { "max_sessions", SH_STR, NULL },
	[K_OAUTH2_PROVIDER] = { "oauth2_provider", SH_CHOICE,
	    OAUTH2_PROVIDER_CHOICES },
	[K_OAUTH2_CLIENT_ID] = { "oauth2_client_id", SH_STR, NULL },
	[K_OAUTH2_CLIENT_SECRET] = { "oauth2_client_secret", SH_SECRET, NULL },
	[K_OAUTH2_CLIENT_SECRET_EVAL] = { "oauth2_client_secret_eval",
	    SH_SECRET, NULL },
	[K_OAUTH2_TENANT] = { "oauth2_tenant", SH_STR, NULL },
	[K_OAUTH2_SCOPE] = { "oauth2_scope", SH_STR, NULL },
	[K_OAUTH2_FLOW] = { "oauth2_flow", SH_CHOICE, OAUTH2_FLOW_CHOICES },
	[K_OAUTH2_AUTH_ENDPOINT] = { "oauth2_auth_endpoint", SH_STR, NULL },
	[K_OAUTH2_DEVICE_ENDPOINT] = { "oauth2_device_endpoint", SH_STR,
	    NULL },
	[K_OAUTH2_TOKEN_ENDPOINT] = { "oauth2_token_endpoint", SH_STR, NULL },
	[K_OAUTH2_TRUST_FILE] = { "oauth2_trust_file", SH_PATH, NULL },
};

static void	value(const struct account *, int, char *, size_t);
static void	origin(const struct conf_origin *, char *, size_t);
static void	word(const char *, int, char *, size_t);

int
pretend_files(FILE *f, const struct conf *c)
{
	size_t	i;

	for (i = 0; i < c->nfiles; i++)
		(void)fprintf(f, "configuration file read: %s\n", c->files[i]);
	if (c->nfiles == 0)
		(void)fprintf(f, "configuration file read: none\n");
	return ferror(f) ? -1 : 0;
}

int
pretend_account(FILE *f, const struct account *a)
{
	char	v[512], o[512];
	int	key;

	origin(&a->defined, o, sizeof(o));
	if (a->defined.file == CONF_CMDLINE && a->name != NULL &&
	    strcmp(a->name, "(environment)") == 0)
		(void)fprintf(f, "account from the environment (SMTPSERVER "
		    "and EMAIL: no account named, no default account)\n");
	else if (a->defined.file == CONF_CMDLINE)
		(void)fprintf(f, "account from the command line (--host: no "
		    "file read)\n");
	else
		(void)fprintf(f, "account %s (%s)\n", a->name, o);
	for (key = 0; key < K__COUNT; key++) {
		value(a, key, v, sizeof(v));
		origin(&a->origin[key], o, sizeof(o));
		(void)fprintf(f, "  %-20s %-32s # %s\n", settings[key].name !=
		    NULL ? settings[key].name : "?", v, o);
	}
	return ferror(f) ? -1 : 0;
}

int
pretend_relays(FILE *f, struct conf *c, const struct account *acct)
{
	const struct account *a;
	struct relays	 rl;
	char		 why[512], host[RELAY_HOSTMAX];
	size_t		 i;

	if (!relay_several(acct))
		return 0;
	if (relay_list(c, acct, &rl, why, sizeof(why)) == -1) {
		(void)fprintf(f, "relays: %s\n", why);
		return -1;
	}
	(void)fprintf(f, "relays, tried in this order (failover_timeout "
	    "for each but the last):\n");
	for (i = 0; i < rl.n; i++) {
		(void)sanitize(host, sizeof(host), rl.r[i].host,
		    strlen(rl.r[i].host), 1);
		a = rl.r[i].acct;
		(void)fprintf(f, "  %zu. %s port %d, tls %s, account %s\n",
		    i + 1, host, account_port(a), !a->tls ? "off" :
		    a->starttls ? "starttls" : "implicit", a->name);
	}
	return ferror(f) ? -1 : 0;
}

static void
value(const struct account *a, int key, char *buf, size_t sz)
{
	const char	*s = account_text(a, key);
	char		 words[64];
	int		 n = account_number(a, key);

	switch (settings[key].show) {
	case SH_STR:
		if (s == NULL)
			/* A fixed word in the caller's 512 octets: no cut. */
			(void)xsnprintf(buf, sz, "(not set)");
		else
			(void)sanitize(buf, sz, s, strlen(s), 1);
		return;
	case SH_PATH:
		(void)sanitize(buf, sz, s != NULL ? s : "system",
		    strlen(s != NULL ? s : "system"), 1);
		return;
	case SH_SECRET:
		/* Not even its length. */
		(void)xsnprintf(buf, sz, "%s", s != NULL ? "(set, not shown)" :
		    "(not set)");
		return;
	case SH_BOOL:
		/* A fixed word in the caller's 512 octets: no cut. */
		(void)xsnprintf(buf, sz, "%s", n ? "on" : "off");
		return;
	case SH_PORT:
		if (n != 0)
			/* A number in the caller's 512 octets: no cut. */
			(void)xsnprintf(buf, sz, "%d", n);
		else
			/* A number in the caller's 512 octets: no cut. */
			(void)xsnprintf(buf, sz, "%d (from tls and "
			    "tls_starttls)", account_port(a));
		return;
	case SH_PROXYPORT:
		/* A number in the caller's 512 octets: no cut. */
		(void)xsnprintf(buf, sz, "%d", n != 0 ? n : 1080);
		return;
	case SH_TIMEOUT:
		if (n == 0)
			/* A fixed word in the caller's 512 octets: no cut. */
			(void)xsnprintf(buf, sz, "off (RFC 5321 limits)");
		else
			/* A number in the caller's 512 octets: no cut. */
			(void)xsnprintf(buf, sz, "%d", n);
		return;
	case SH_AUTH:
		/* A fixed word in the caller's 512 octets: no cut. */
		(void)xsnprintf(buf, sz, "%s", conf_auth_name(n));
		return;
	case SH_CHOICE:
		word(settings[key].words, n, buf, sz);
		return;
	case SH_NOTIFY:
		/* At most 63 octets (words) in the caller's 512: no cut. */
		(void)xsnprintf(buf, sz, "%s", conf_dsn_notify_str(n, words,
		    sizeof(words)));
		return;
	case SH_DURATION:
		if (n == 0)
			/* dkim_expire's default, no x=; a fixed word: no cut. */
			(void)xsnprintf(buf, sz, "off");
		else if (n % 86400 == 0)
			/* A number in the caller's 512 octets: no cut. */
			(void)xsnprintf(buf, sz, "%dd", n / 86400);
		else if (n % 3600 == 0)
			/* A number in the caller's 512 octets: no cut. */
			(void)xsnprintf(buf, sz, "%dh", n / 3600);
		else if (n % 60 == 0)
			/* A number in the caller's 512 octets: no cut. */
			(void)xsnprintf(buf, sz, "%dm", n / 60);
		else
			/* A number in the caller's 512 octets: no cut. */
			(void)xsnprintf(buf, sz, "%ds", n);
		return;
	}
}

/* The n-th word of "a|b|c". */
static void
word(const char *words, int n, char *buf, size_t sz)
{
	const char	*w = words, *bar;
	int		 i;

	for (i = 0; i < n && w != NULL; i++)
		w = (bar = strchr(w, '|')) != NULL ? bar + 1 : NULL;
	if (w == NULL) {
		/* A fixed word in the caller's 512 octets: no cut. */
		(void)xsnprintf(buf, sz, "?");
		return;
	}
	bar = strchr(w, '|');
	/* The table's own short words in 512 octets: no cut. */
	(void)xsnprintf(buf, sz, "%.*s", bar != NULL ? (int)(bar - w) :
	    (int)strlen(w), w);
}

static void
origin(const struct conf_origin *o, char *buf, size_t sz)
{
	if (o->file == NULL)
		/* A fixed word in the caller's 512 octets: no cut. */
		(void)xsnprintf(buf, sz, "built-in default");
	else if (o->file == CONF_CMDLINE)
		/* A fixed word in the caller's 512 octets: no cut. */
		(void)xsnprintf(buf, sz, "command line");
	else
		/* Only shown: a very long file name keeps its start. */
		(void)xsnprintf(buf, sz, "%s:%d%s%s%s", o->file, o->line,
		    o->defaults ? " (defaults)" : "", o->via != NULL ?
		    ", inherited from account " : "", o->via != NULL ?
		    o->via : "");
}

int
pretend_message(FILE *f, const char *sender, char *const *rcpts,
    size_t nrcpts, const struct outmsg *m)
{
	struct outmsg_reader	 r;
	char			 buf[16384];
	size_t			 i;
	ssize_t			 n;

	(void)fprintf(f, "envelope\n  from <%s>\n", sender);
	for (i = 0; i < nrcpts; i++)
		(void)fprintf(f, "  to   <%s>\n", rcpts[i]);
	(void)fprintf(f, "message (as it would be sent, before "
	    "dot-stuffing)\n");
	outmsg_reader_init(&r, m);
	while ((n = outmsg_read(&r, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, f) != (size_t)n)
			return -1;
	if (n == -1)
		return -1;
	return ferror(f) ? -1 : 0;
}
