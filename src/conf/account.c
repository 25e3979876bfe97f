/*
 * The account model behind the configuration file: built-in defaults,
 * copies of the "defaults" section, msmtp's inheritance (only what a
 * parent set explicitly), the checks an account passes before use, and
 * freeing with secrets wiped.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <fnmatch.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/account.h"
#include "conf/conf.h"
#include "conf/policy.h"
#include "conf/relays.h"
#include "conf/oauth.h"
#include "conf/secret.h"
#include "base/crypto.h"
#include "net/tls.h"
#include "net/tlsname.h"
#include "base/util.h"

/* Where each setting lives, so copying and storing need no switch. */
enum fkind {
	F_INT,
	F_STR,
	F_SECRET	/* a string wiped when freed */
};

static const struct field {
	size_t		off;
	enum fkind	kind;
} fields[K__COUNT] = {
	[K_HOST] =		{ offsetof(struct account, host), F_STR },
	[K_PORT] =		{ offsetof(struct account, port), F_INT },
	[K_TLS] =		{ offsetof(struct account, tls), F_INT },
	[K_TLS_STARTTLS] =	{ offsetof(struct account, starttls), F_INT },
	[K_TLS_TRUST_FILE] =	{ offsetof(struct account, trust_file),
				  F_STR },
	[K_AUTH] =		{ offsetof(struct account, auth), F_INT },
	[K_USER] =		{ offsetof(struct account, user), F_STR },
	[K_PASSWORD] =		{ offsetof(struct account, password),
				  F_SECRET },
	/* The command may carry a secret too ("echo pw"). */
	[K_PASSWORDEVAL] =	{ offsetof(struct account, passwordeval),
				  F_SECRET },
	[K_FROM] =		{ offsetof(struct account, from), F_STR },
	[K_DOMAIN] =		{ offsetof(struct account, domain), F_STR },
	[K_TIMEOUT] =		{ offsetof(struct account, timeout),
				  F_INT },
	[K_AUTH_CLEARTEXT] =	{ offsetof(struct account, auth_cleartext),
				  F_INT },
	[K_FROM_FULL_NAME] =	{ offsetof(struct account, from_full_name),
				  F_STR },
	[K_ALLOW_FROM_OVERRIDE] = { offsetof(struct account,
				  allow_from_override), F_INT },
	[K_ALIASES] =		{ offsetof(struct account, aliases), F_STR },
	[K_SET_FROM_HEADER] =	{ offsetof(struct account, set_from_header),
				  F_INT },
	[K_SET_DATE_HEADER] =	{ offsetof(struct account, set_date_header),
				  F_INT },
	[K_SET_MSGID_HEADER] =	{ offsetof(struct account, set_msgid_header),
				  F_INT },
	[K_SET_TO_HEADER] =	{ offsetof(struct account, set_to_header),
				  F_INT },
	[K_REMOVE_BCC_HEADERS] = { offsetof(struct account,
				  remove_bcc_headers), F_INT },
	[K_DSN_NOTIFY] =	{ offsetof(struct account, dsn_notify),
				  F_INT },
	[K_DSN_RETURN] =	{ offsetof(struct account, dsn_return),
				  F_INT },
	[K_TLS_FINGERPRINT] =	{ offsetof(struct account, tls_fingerprint),
				  F_STR },
	[K_TLS_CERT_FILE] =	{ offsetof(struct account, tls_cert_file),
				  F_STR },
	[K_TLS_KEY_FILE] =	{ offsetof(struct account, tls_key_file),
				  F_STR },
	[K_TLS_CRL_FILE] =	{ offsetof(struct account, tls_crl_file),
				  F_STR },
	[K_TLS_PRIORITIES] =	{ offsetof(struct account, tls_priorities),
				  F_STR },
	[K_TLS_HOST_OVERRIDE] =	{ offsetof(struct account,
				  tls_host_override), F_STR },
	[K_TLS_CERTCHECK] =	{ offsetof(struct account, tls_certcheck),
				  F_INT },
	[K_SOURCE_IP] =		{ offsetof(struct account, source_ip), F_STR },
	[K_IP_VERSION] =	{ offsetof(struct account, ip_version),
				  F_INT },
	[K_QUEUE] =		{ offsetof(struct account, queue), F_INT },
	[K_QUEUE_DIR] =		{ offsetof(struct account, queue_dir), F_STR },
	[K_QUEUE_MAX_AGE] =	{ offsetof(struct account, queue_max_age),
				  F_INT },
	[K_LOGFILE] =		{ offsetof(struct account, logfile), F_STR },
	[K_LOGFILE_TIME_FORMAT] = { offsetof(struct account,
				  logfile_time_format), F_STR },
	[K_SYSLOG] =		{ offsetof(struct account, syslog), F_INT },
	[K_LOG_FORMAT] =	{ offsetof(struct account, log_format),
				  F_INT },
	[K_DKIM_DOMAIN] =	{ offsetof(struct account, dkim_domain),
				  F_STR },
	[K_DKIM_SELECTOR] =	{ offsetof(struct account, dkim_selector),
				  F_STR },
	[K_DKIM_KEY] =		{ offsetof(struct account, dkim_key), F_STR },
	[K_DKIM_SELECTOR2] =	{ offsetof(struct account, dkim_selector2),
				  F_STR },
	[K_DKIM_KEY2] =		{ offsetof(struct account, dkim_key2), F_STR },
	[K_DKIM_HEADERS] =	{ offsetof(struct account, dkim_headers),
				  F_STR },
	[K_DKIM_EXPIRE] =	{ offsetof(struct account, dkim_expire),
				  F_INT },
	[K_DKIM_CANON] =	{ offsetof(struct account, dkim_canon),
				  F_INT },
	[K_PROXY_HOST] =	{ offsetof(struct account, proxy_host), F_STR },
	[K_PROXY_PORT] =	{ offsetof(struct account, proxy_port), F_INT },
	[K_SOCKET] =		{ offsetof(struct account, socket), F_STR },
	[K_FALLBACK_ACCOUNTS] =	{ offsetof(struct account,
				  fallback_accounts), F_STR },
	[K_FAILOVER_TIMEOUT] =	{ offsetof(struct account, failover_timeout),
				  F_INT },
	[K_RATE] =		{ offsetof(struct account, rate), F_STR },
	[K_MAX_PER_SESSION] =	{ offsetof(struct account, max_per_session),
				  F_STR },
	[K_MAX_SESSIONS] =	{ offsetof(struct account, max_sessions),
				  F_STR },
	[K_OAUTH2_PROVIDER] =	{ offsetof(struct account, oauth2_provider),
				  F_INT },
	[K_OAUTH2_CLIENT_ID] =	{ offsetof(struct account, oauth2_client_id),
				  F_STR },
	[K_OAUTH2_CLIENT_SECRET] = { offsetof(struct account,
				  oauth2_client_secret), F_SECRET },
	[K_OAUTH2_CLIENT_SECRET_EVAL] = { offsetof(struct account,
				  oauth2_client_secret_eval), F_SECRET },
	[K_OAUTH2_TENANT] =	{ offsetof(struct account, oauth2_tenant),
				  F_STR },
	[K_OAUTH2_SCOPE] =	{ offsetof(struct account, oauth2_scope),
				  F_STR },
	[K_OAUTH2_FLOW] =	{ offsetof(struct account, oauth2_flow),
				  F_INT },
	[K_OAUTH2_AUTH_ENDPOINT] = { offsetof(struct account,
				  oauth2_auth_endpoint), F_STR },
	[K_OAUTH2_DEVICE_ENDPOINT] = { offsetof(struct account,
				  oauth2_device_endpoint), F_STR },
	[K_OAUTH2_TOKEN_ENDPOINT] = { offsetof(struct account,
				  oauth2_token_endpoint), F_STR },
	[K_OAUTH2_TRUST_FILE] =	{ offsetof(struct account, oauth2_trust_file),
				  F_STR },
};


/* F_INT fields are copied as int; auth is an enum of that size. */
_Static_assert(sizeof(enum auth_mode) == sizeof(int),
    "enum auth_mode is stored as an int");

static char	**strfield(struct account *, int);
static void	 strfree(char *, enum fkind);
static int	 copy_key(struct account *, const struct account *, int);
static struct account *match_from(struct conf *, const char *);
static int	 tls_check(struct conf *, struct account *);
static int	 dkim_check(struct conf *, struct account *);
static int	 dkim_list_ok(const char *);
static int	 dkim_key_ok(struct conf *, const struct account *, int);

static char **
strfield(struct account *a, int key)
{
	return (char **)(void *)((char *)a + fields[key].off);
}

static void
strfree(char *s, enum fkind kind)
{
	if (kind == F_SECRET)
		secret_free(s);
	else
		free(s);
}

void
account_init(struct account *a)
{
	memset(a, 0, sizeof(*a));
	a->tls = 1;
	a->starttls = 1;
	a->auth = AUTHM_OFF;
	a->allow_from_override = 1;
	a->set_from_header = FROMH_AUTO;
	a->set_date_header = HDR_AUTO;
	a->set_msgid_header = HDR_AUTO;
	a->set_to_header = TOH_OFF;
	a->remove_bcc_headers = 1;
	a->dsn_notify = 0;
	a->dsn_return = DSNRET_OFF;
	a->tls_certcheck = 1;
	a->ip_version = IPV_ANY;
	a->queue = 1;
	a->queue_max_age = QUEUE_MAX_AGE_DEFAULT;
	a->failover_timeout = FAILOVER_TIMEOUT_DEFAULT;
}

void
account_clear(struct account *a)
{
	int	key;

	for (key = 0; key < K__COUNT; key++)
		if (fields[key].kind != F_INT)
			strfree(*strfield(a, key), fields[key].kind);
	free(a->name);
	account_init(a);
}

void
account_free(struct account *a)
{
	if (a == NULL)
		return;
	account_clear(a);
	free(a);
}

/* Copy one setting and where it came from. */
static int
copy_key(struct account *dst, const struct account *src, int key)
{
	const struct field *f = &fields[key];
	const char	*from;
	char		**dp, *s = NULL;

	if (f->kind == F_INT)
		memcpy((char *)dst + f->off, (const char *)src + f->off,
		    sizeof(int));
	else {
		from = *(char *const *)(const void *)((const char *)src +
		    f->off);
		if (from != NULL && (s = strdup(from)) == NULL)
			return -1;
		dp = strfield(dst, key);
		strfree(*dp, f->kind);
		*dp = s;
	}
	dst->origin[key] = src->origin[key];
	return 0;
}

/*
 * Values and origins are copied, the set mask is not: in msmtp it holds
 * only what the account itself (or a parent) set, so that inheriting
 * never drags a parent's defaults along.
 */
int
account_copy(struct account *dst, const struct account *src)
{
	int	key;

	for (key = 0; key < K__COUNT; key++)
		if (copy_key(dst, src, key) == -1)
			return -1;
	memset(dst->set, 0, sizeof(dst->set));
	return 0;
}

int
account_inherit(struct account *dst, const struct account *src)
{
	int	key;

	for (key = 0; key < K__COUNT; key++) {
		if (!account_isset(src, key))
			continue;
		if (copy_key(dst, src, key) == -1)
			return -1;
		account_markset(dst, key);
	}
	return 0;
}

void
account_set(struct account *a, int key, char *s, int i, const char *file,
    int line)
{
	const struct field *f = &fields[key];
	char		**sp;

	if (f->kind == F_INT)
		memcpy((char *)a + f->off, &i, sizeof(int));
	else {
		sp = strfield(a, key);
		strfree(*sp, f->kind);
		*sp = s;
	}
	account_markset(a, key);
	a->origin[key].file = file;
	a->origin[key].line = line;
	a->origin[key].via = NULL;
	a->origin[key].defaults = 0;
}

struct account *
conf_account(struct conf *c, const char *name)
{
	struct account	*a;

	for (a = c->accounts; a != NULL; a = a->next)
		if (a->name != NULL && strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

struct account *
conf_match_from(struct conf *c, const char *addr)
{
	struct account	*a;
	const char	*at, *plus;
	char		 bare[1024];

	if ((a = match_from(c, addr)) != NULL)
		return a;
	/* Sub-addressing: user+detail@domain is also user@domain. */
	at = strrchr(addr, '@');
	plus = strchr(addr, '+');
	if (at == NULL || plus == NULL || plus > at || plus == addr)
		return NULL;
	if (xsnprintf(bare, sizeof(bare), "%.*s%s", (int)(plus - addr), addr,
	    at) == -1)
		return NULL;
	return match_from(c, bare);
}

static struct account *
match_from(struct conf *c, const char *addr)
{
	struct account	*a;

	for (a = c->accounts; a != NULL; a = a->next) {
		if (a->from == NULL)
			continue;
		if (strpbrk(a->from, "?*[") != NULL) {
			if (fnmatch(a->from, addr, 0) == 0)
				return a;
		} else if (strcasecmp(a->from, addr) == 0)
			return a;
	}
	return NULL;
}

/* The account's own checks, and those of its relays (relays.c). */
int
conf_check(struct conf *c, struct account *a)
{
	int	bad;

	bad = conf_check_one(c, a) == -1;
	bad |= relay_check(c, a) == -1;
	bad |= policy_check(c, a) == -1;
	return bad ? -1 : 0;
}

/* Errors are reported where the account is defined. */
int
conf_check_one(struct conf *c, struct account *a)
{
	const char	*name = a->name != NULL ? a->name : "(command line)";
	const char	*file = a->defined.file;
	struct in6_addr	 ip;
	int		 line = a->defined.line, bad = 0, v = 0;

	/*
	 * msmtp: a socket stands for host and port; host is still the
	 * name for TLS and the password lookups, "localhost" by default.
	 */
	if (a->host == NULL && a->socket != NULL &&
	    (a->host = strdup("localhost")) == NULL) {
		conf_error(c, file, line, "out of memory");
		bad = 1;
	} else if (a->host == NULL) {
		conf_error(c, file, line, "no host set for account %s: add a "
		    "host line", name);
		bad = 1;
	}
	if (a->auth != AUTHM_OFF && !a->tls && !a->auth_cleartext) {
		conf_error(c, file, line, "account %s sends the password in "
		    "clear: turn tls on, or set auth_cleartext on", name);
		bad = 1;
	}
	/* EXTERNAL: the client certificate names the user. */
	if (a->auth != AUTHM_OFF && a->auth != AUTHM_EXTERNAL &&
	    a->user == NULL) {
		conf_error(c, file, line, "account %s has auth on but no "
		    "user: add a user line", name);
		bad = 1;
	}
	/* Checked here rather than by net.c, so the error has file:line. */
	if (a->source_ip != NULL) {
		if (inet_pton(AF_INET, a->source_ip, &ip) == 1)
			v = IPV_4;
		else if (inet_pton(AF_INET6, a->source_ip, &ip) == 1)
			v = IPV_6;
		else {
			conf_error(c, a->origin[K_SOURCE_IP].file,
			    a->origin[K_SOURCE_IP].line, "source_ip must be "
			    "an IPv4 or IPv6 address");
			bad = 1;
		}
	}
	if (v != 0 && a->ip_version != IPV_ANY && a->ip_version != v) {
		conf_error(c, a->origin[K_IP_VERSION].file,
		    a->origin[K_IP_VERSION].line, "ip_version contradicts "
		    "source_ip, an IPv%c address", v == IPV_4 ? '4' : '6');
		bad = 1;
	}
	bad |= tls_check(c, a) == -1;
	bad |= dkim_check(c, a) == -1;
	bad |= oauth_conf_check(c, a) == -1;
	return bad ? -1 : 0;
}

const char *
account_text(const struct account *a, int key)
{
	if (key < 0 || key >= K__COUNT || fields[key].kind == F_INT)
		return NULL;
	return *(char *const *)(const void *)((const char *)a +
	    fields[key].off);
}

int
account_number(const struct account *a, int key)
{
	int	n = 0;

	if (key >= 0 && key < K__COUNT && fields[key].kind == F_INT)
		memcpy(&n, (const char *)a + fields[key].off, sizeof(n));
	return n;
}

int
account_port(const struct account *a)
{
	if (a->port != 0)
		return a->port;
	return a->tls && !a->starttls ? 465 : 25;
}

/*
 * The TLS settings are checked before any connection, each error at the
 * line that set it (the files are loaded again when used).
 */
static int
tls_check(struct conf *c, struct account *a)
{
	const struct conf_origin *o;
	struct tls_opts	 op;
	unsigned char	 fp[64];
	size_t		 len;
	char		 why[512];
	int		 bad = 0, which;

	if (a->tls_fingerprint != NULL) {
		o = &a->origin[K_TLS_FINGERPRINT];
		switch (tls_fingerprint_parse(a->tls_fingerprint, fp,
		    sizeof(fp), &len)) {
		case TLS_FP_SHA256:
		case TLS_FP_SHA1:	/* accepted with a warning (cli/) */
			break;
		case TLS_FP_MD5:
			conf_error(c, o->file, o->line, "tls_fingerprint: MD5 "
			    "fingerprints are no longer accepted; run bote "
			    "--serverinfo to get the SHA-256 fingerprint");
			bad = 1;
			break;
		default:
			conf_error(c, o->file, o->line, "tls_fingerprint "
			    "needs a SHA-256 fingerprint: 32 bytes in hex, "
			    "with or without colons (bote --serverinfo shows "
			    "it)");
			bad = 1;
		}
		if (!a->tls_certcheck) {
			conf_error(c, o->file, o->line, "tls_fingerprint and "
			    "tls_certcheck off contradict each other: remove "
			    "one");
			bad = 1;
		}
	}
	if (a->tls_priorities != NULL && tls_priorities_check(
	    a->tls_priorities, why, sizeof(why)) == -1) {
		o = &a->origin[K_TLS_PRIORITIES];
		conf_error(c, o->file, o->line, "tls_priorities: %s", why);
		bad = 1;
	}
	memset(&op, 0, sizeof(op));
	op.cert_file = a->tls_cert_file;
	op.key_file = a->tls_key_file;
	op.crl_file = a->tls_crl_file;
	if (tls_files_check(&op, &which, why, sizeof(why)) == -1) {
		o = &a->origin[which ? K_TLS_CRL_FILE : a->tls_cert_file ?
		    K_TLS_CERT_FILE : K_TLS_KEY_FILE];
		conf_error(c, o->file, o->line, "%s", why);
		bad = 1;
	}
	return bad ? -1 : 0;
}

/*
 * d= and s= are DNS names (RFC 6376 3.5, RFC 5321 sub-domain): letters,
 * digits and inner hyphens, labels of 1 to 63 octets, 253 in all. A
 * name in Unicode is written as its A-label (the DNS holds that).
 */
int
dkim_name_ok(const char *s)
{
	size_t	label = 0, len = strlen(s), i;

	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    (s[i] == '-' && label > 0)))
			return 0;
		if (++label > 63)
			return 0;
	}
	return label > 0 && s[len - 1] != '-';
}

/*
 * dkim_headers: field names (RFC 5322 ftext) separated by colons, at
 * most DKIM_LISTMAX, none of them DKIM-Signature (3.5, h=).
 */
static int
dkim_list_ok(const char *s)
{
	size_t	n = 0, len = 0;
	const char *name = s;

	for (;; s++) {
		if (*s == ':' || *s == '\0') {
			if (len == 0 || len > 128 || ++n > DKIM_LISTMAX ||
			    (len == 14 && strncasecmp(name, "DKIM-Signature",
			    14) == 0))
				return 0;
			if (*s == '\0')
				return 1;
			name = s + 1;
			len = 0;
			continue;
		}
		if (*s < 33 || *s > 126)
			return 0;
		len++;
	}
}

/* The key loads now, so a send never starts with one that won't. */
static int
dkim_key_ok(struct conf *c, const struct account *a, int key)
{
	const struct conf_origin *o = &a->origin[key];
	struct crypto_key *k;
	const char	*path = key == K_DKIM_KEY ? a->dkim_key : a->dkim_key2;
	char		 why[512];

	if ((k = secret_key_load(path, why, sizeof(why))) == NULL) {
		conf_error(c, o->file, o->line, "%s: %s", key == K_DKIM_KEY ?
		    "dkim_key" : "dkim_key2", why);
		return -1;
	}
	crypto_key_free(k);
	return 0;
}

/* DKIM's settings: all three or none, each well formed, keys usable. */
static int
dkim_check(struct conf *c, struct account *a)
{
	const struct conf_origin *o;
	const char	*name = a->name != NULL ? a->name : "(command line)";
	int		 n, bad = 0;

	n = (a->dkim_domain != NULL) + (a->dkim_selector != NULL) +
	    (a->dkim_key != NULL);
	if (n == 0 && a->dkim_key2 == NULL && a->dkim_selector2 == NULL)
		return 0;
	if (n != 3) {
		conf_error(c, a->defined.file, a->defined.line, "account %s "
		    "signs with DKIM only with dkim_domain, dkim_selector and "
		    "dkim_key all set: add the missing ones, or remove the "
		    "others", name);
		return -1;
	}
	if ((a->dkim_key2 == NULL) != (a->dkim_selector2 == NULL)) {
		o = &a->origin[a->dkim_key2 != NULL ? K_DKIM_KEY2 :
		    K_DKIM_SELECTOR2];
		conf_error(c, o->file, o->line, "dkim_key2 and "
		    "dkim_selector2 go together (the second key has its own "
		    "DNS record)");
		bad = 1;
	}
	if (!dkim_name_ok(a->dkim_domain)) {
		o = &a->origin[K_DKIM_DOMAIN];
		conf_error(c, o->file, o->line, "dkim_domain must be a domain "
		    "name in ASCII (an internationalized one as its "
		    "xn-- A-label)");
		bad = 1;
	}
	for (n = 0; n < 2; n++) {
		const char *s = n ? a->dkim_selector2 : a->dkim_selector;

		if (s != NULL && !dkim_name_ok(s)) {
			o = &a->origin[n ? K_DKIM_SELECTOR2 : K_DKIM_SELECTOR];
			conf_error(c, o->file, o->line, "%s must be DNS "
			    "labels (letters, digits, hyphens, dots)", n ?
			    "dkim_selector2" : "dkim_selector");
			bad = 1;
		}
	}
	if (a->dkim_headers != NULL && !dkim_list_ok(a->dkim_headers)) {
		o = &a->origin[K_DKIM_HEADERS];
		conf_error(c, o->file, o->line, "dkim_headers must be at most "
		    "%d header field names separated by colons, without "
		    "DKIM-Signature", DKIM_LISTMAX);
		bad = 1;
	}
	bad |= dkim_key_ok(c, a, K_DKIM_KEY) == -1;
	if (a->dkim_key2 != NULL)
		bad |= dkim_key_ok(c, a, K_DKIM_KEY2) == -1;
	return bad ? -1 : 0;
}
