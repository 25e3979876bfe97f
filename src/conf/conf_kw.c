/*
 * The keyword table of the configuration language, sorted for
 * bsearch(3), and the "did you mean" suggestion for unknown words.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf_kw.h"

static int	kwcmp(const void *, const void *);
static int	edit_distance(const char *, size_t, const char *);

/* Sorted by strcmp(3) for bsearch(3). */
static const struct keyword keywords[] = {
	{ "account", KW_ACCOUNT, V_ACCOUNT, RF_NO, NULL },
	{ "add_missing_date_header", KW_ADD_DATE, V_BOOL, RF_NO, NULL },
	{ "add_missing_from_header", KW_ADD_FROM, V_BOOL, RF_NO, NULL },
	{ "aliases", K_ALIASES, V_PATH, RF_NO, NULL },
	{ "allow_from_override", K_ALLOW_FROM_OVERRIDE, V_BOOL, RF_NO, NULL },
	{ "auth", K_AUTH, V_AUTH, RF_NO, NULL },
	{ "auth_cleartext", K_AUTH_CLEARTEXT, V_BOOL, RF_NO, NULL },
	{ "auto_from", KW_IGNORED, V_BOOL, RF_NO, NULL },
	{ "connect_timeout", K_TIMEOUT, V_TIMEOUT, RF_NO, NULL },
	{ "defaults", KW_DEFAULTS, V_NONE, RF_NO, NULL },
	{ "dkim_canonicalization", K_DKIM_CANON, V_CHOICE, RF_NO,
	    DKIM_CANON_CHOICES },
	{ "dkim_domain", K_DKIM_DOMAIN, V_WORDOPT, RF_NO, NULL },
	{ "dkim_expire", K_DKIM_EXPIRE, V_DURATION, RF_NO, NULL },
	{ "dkim_headers", K_DKIM_HEADERS, V_WORDOPT, RF_NO, NULL },
	{ "dkim_key", K_DKIM_KEY, V_PATH, RF_NO, NULL },
	{ "dkim_key2", K_DKIM_KEY2, V_PATH, RF_NO, NULL },
	{ "dkim_selector", K_DKIM_SELECTOR, V_WORDOPT, RF_NO, NULL },
	{ "dkim_selector2", K_DKIM_SELECTOR2, V_WORDOPT, RF_NO, NULL },
	{ "domain", K_DOMAIN, V_WORDOPT, RF_NO, NULL },
	{ "dsn_notify", K_DSN_NOTIFY, V_DSN_NOTIFY, RF_NO, NULL },
	{ "dsn_return", K_DSN_RETURN, V_DSN_RETURN, RF_NO, NULL },
	/* Refused for good: bote.conf(5), eval; conf_val.c says why. */
	{ "eval", KW_IGNORED, V_ANY, RF_ALWAYS, NULL },
	{ "failover_timeout", K_FAILOVER_TIMEOUT, V_TIMEOUT, RF_NO, NULL },
	{ "fallback_accounts", K_FALLBACK_ACCOUNTS, V_WORDOPT, RF_NO, NULL },
	{ "from", K_FROM, V_STR, RF_NO, NULL },
	{ "from_full_name", K_FROM_FULL_NAME, V_STR, RF_NO, NULL },
	{ "host", K_HOST, V_WORD, RF_NO, NULL },
	{ "ip_version", K_IP_VERSION, V_CHOICE, RF_NO, "any|4|6" },
	{ "keepbcc", KW_KEEPBCC, V_BOOL, RF_NO, NULL },
	{ "log_format", K_LOG_FORMAT, V_CHOICE, RF_NO, LOG_FORMAT_CHOICES },
	{ "logfile", K_LOGFILE, V_PATH, RF_NO, NULL },
	{ "logfile_time_format", K_LOGFILE_TIME_FORMAT, V_STR, RF_NO, NULL },
	{ "maildomain", KW_IGNORED, V_ANY, RF_NO, NULL },
	{ "max_per_session", K_MAX_PER_SESSION, V_WORDOPT, RF_NO, NULL },
	{ "max_sessions", K_MAX_SESSIONS, V_WORDOPT, RF_NO, NULL },
	{ "ntlmdomain", KW_IGNORED, V_ANY, RF_NO, NULL },
	{ "oauth2_auth_endpoint", K_OAUTH2_AUTH_ENDPOINT, V_WORDOPT, RF_NO,
	    NULL },
	{ "oauth2_client_id", K_OAUTH2_CLIENT_ID, V_WORDOPT, RF_NO, NULL },
	{ "oauth2_client_secret", K_OAUTH2_CLIENT_SECRET, V_SECRET, RF_NO,
	    NULL },
	{ "oauth2_client_secret_eval", K_OAUTH2_CLIENT_SECRET_EVAL, V_SECRET,
	    RF_NO, NULL },
	{ "oauth2_device_endpoint", K_OAUTH2_DEVICE_ENDPOINT, V_WORDOPT,
	    RF_NO, NULL },
	{ "oauth2_flow", K_OAUTH2_FLOW, V_CHOICE, RF_NO, OAUTH2_FLOW_CHOICES },
	{ "oauth2_provider", K_OAUTH2_PROVIDER, V_CHOICE, RF_NO,
	    OAUTH2_PROVIDER_CHOICES },
	{ "oauth2_scope", K_OAUTH2_SCOPE, V_STR, RF_NO, NULL },
	{ "oauth2_tenant", K_OAUTH2_TENANT, V_WORDOPT, RF_NO, NULL },
	{ "oauth2_token_endpoint", K_OAUTH2_TOKEN_ENDPOINT, V_WORDOPT, RF_NO,
	    NULL },
	{ "oauth2_trust_file", K_OAUTH2_TRUST_FILE, V_PATH, RF_NO, NULL },
	{ "password", K_PASSWORD, V_SECRET, RF_NO, NULL },
	{ "passwordeval", K_PASSWORDEVAL, V_SECRET, RF_NO, NULL },
	{ "port", K_PORT, V_PORT, RF_NO, NULL },
	{ "protocol", KW_IGNORED, V_CHOICE, RF_NO, "smtp" },
	{ "proxy_host", K_PROXY_HOST, V_WORDOPT, RF_NO, NULL },
	{ "proxy_port", K_PROXY_PORT, V_PORTOPT, RF_NO, NULL },
	{ "queue", K_QUEUE, V_BOOL, RF_NO, NULL },
	{ "queue_dir", K_QUEUE_DIR, V_PATH, RF_NO, NULL },
	{ "queue_max_age", K_QUEUE_MAX_AGE, V_DURATION, RF_NO, NULL },
	{ "rate", K_RATE, V_WORDOPT, RF_NO, NULL },
	{ "remove_bcc_headers", K_REMOVE_BCC_HEADERS, V_BOOL, RF_NO, NULL },
	{ "set_date_header", K_SET_DATE_HEADER, V_CHOICE, RF_NO,
	    "auto|off" },
	{ "set_from_header", K_SET_FROM_HEADER, V_CHOICE, RF_NO,
	    "auto|on|off" },
	{ "set_msgid_header", K_SET_MSGID_HEADER, V_CHOICE, RF_NO,
	    "auto|off" },
	{ "set_to_header", K_SET_TO_HEADER, V_CHOICE, RF_NO,
	    "off|on|undisclosed_recipients" },
	{ "socket", K_SOCKET, V_PATH, RF_NO, NULL },
	{ "source_ip", K_SOURCE_IP, V_WORDOPT, RF_NO, NULL },
	{ "syslog", K_SYSLOG, V_CHOICE, RF_NO, SYSLOG_CHOICES },
	{ "timeout", K_TIMEOUT, V_TIMEOUT, RF_NO, NULL },
	{ "tls", K_TLS, V_BOOL, RF_NO, NULL },
	{ "tls_cert_file", K_TLS_CERT_FILE, V_PATH, RF_NO, NULL },
	{ "tls_certcheck", K_TLS_CERTCHECK, V_BOOL, RF_NO, NULL },
	{ "tls_crl_file", K_TLS_CRL_FILE, V_PATH, RF_NO, NULL },
	{ "tls_fingerprint", K_TLS_FINGERPRINT, V_WORDOPT, RF_NO, NULL },
	{ "tls_force_sslv3", KW_IGNORED, V_ANY, RF_NO, NULL },
	{ "tls_host_override", K_TLS_HOST_OVERRIDE, V_WORDOPT, RF_NO,
	    NULL },
	{ "tls_key_file", K_TLS_KEY_FILE, V_PATH, RF_NO, NULL },
	{ "tls_min_dh_prime_bits", KW_IGNORED, V_ANY, RF_NO, NULL },
	{ "tls_nocertcheck", KW_NOCERTCHECK, V_NONE, RF_NO, NULL },
	{ "tls_nostarttls", KW_NOSTARTTLS, V_NONE, RF_NO, NULL },
	{ "tls_priorities", K_TLS_PRIORITIES, V_STR, RF_NO, NULL },
	{ "tls_starttls", K_TLS_STARTTLS, V_BOOL, RF_NO, NULL },
	{ "tls_trust_file", K_TLS_TRUST_FILE, V_PATH, RF_NO, NULL },
	{ "undisclosed_recipients", KW_UNDISCLOSED, V_BOOL, RF_NO, NULL },
	{ "user", K_USER, V_STR, RF_NO, NULL },
};
#define NKEYWORDS	(sizeof(keywords) / sizeof(keywords[0]))

static int
kwcmp(const void *key, const void *elem)
{
	const struct keyword *kw = elem;

	return strcmp(key, kw->name);
}

const struct keyword *
kw_find(const char *word, size_t len)
{
	char	name[CONF_WORDMAX + 1];

	if (len > CONF_WORDMAX)
		return NULL;
	memcpy(name, word, len);
	name[len] = '\0';
	return bsearch(name, keywords, NKEYWORDS, sizeof(keywords[0]),
	    kwcmp);
}

/*
 * Optimal string alignment distance (Levenshtein plus transposition of
 * neighbours), which covers the usual typing slips.
 */
static int
edit_distance(const char *a, size_t la, const char *b)
{
	int	 d[CONF_SUGGESTMAX + 1][CONF_SUGGESTMAX + 1];
	size_t	 lb, i, j;
	int	 v, cost;

	lb = strlen(b);
	if (la > CONF_SUGGESTMAX || lb > CONF_SUGGESTMAX)
		return INT_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			cost = a[i - 1] != b[j - 1];
			v = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

/*
 * The directive an unknown word was probably meant to be, or NULL. The
 * word is compared in lower case with '-' read as '_' (the command-line
 * spelling), first by edit distance, then as the start of a name.
 */
const char *
kw_suggest(const char *word, size_t len)
{
	char		 w[CONF_SUGGESTMAX + 1];
	const char	*best = NULL;
	size_t		 i, nl, bestlen = 0;
	int		 d, bestd = INT_MAX, limit;

	if (len == 0 || len > CONF_SUGGESTMAX)
		return NULL;
	for (i = 0; i < len; i++) {
		w[i] = word[i];
		if (w[i] >= 'A' && w[i] <= 'Z')
			w[i] = (char)(w[i] - 'A' + 'a');
		else if (w[i] == '-')
			w[i] = '_';
	}
	w[len] = '\0';
	limit = len >= 4 ? 2 : 1;
	for (i = 0; i < NKEYWORDS; i++) {
		d = edit_distance(w, len, keywords[i].name);
		if (d <= limit && d < bestd) {
			bestd = d;
			best = keywords[i].name;
		}
	}
	if (best != NULL || len < 4)
		return best;
	/* "tls_trust" for tls_trust_file: the shortest completion. */
	for (i = 0; i < NKEYWORDS; i++) {
		nl = strlen(keywords[i].name);
		if (nl > len && strncmp(w, keywords[i].name, len) == 0 &&
		    (best == NULL || nl < bestlen)) {
			best = keywords[i].name;
			bestlen = nl;
		}
	}
	return best;
}
