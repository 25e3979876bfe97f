/*
 * The configuration file, in msmtprc syntax (bote.conf(5)): lines of
 * "directive [argument]", "#" comments, double-quoted arguments,
 * "defaults", "account NAME [: PARENT[,PARENT...]]". Parsing is
 * table-driven; every error is collected as "file:line: message" and
 * never quotes the line (it may hold a secret).
 */
#ifndef BOTE_CONF_H
#define BOTE_CONF_H

#include <stddef.h>

#include "net/net.h"

#define CONF_LINEMAX	(64 * 1024)	/* long OAuth tokens fit */
#define CONF_ERRMAX	64		/* errors kept before giving up */

/* Setting identifiers; also bit numbers in account.set. */
enum conf_key {
	K_HOST,
	K_PORT,
	K_TLS,
	K_TLS_STARTTLS,
	K_TLS_TRUST_FILE,
	K_AUTH,
	K_USER,
	K_PASSWORD,
	K_PASSWORDEVAL,
	K_FROM,
	K_DOMAIN,
	K_TIMEOUT,
	K_AUTH_CLEARTEXT,	/* bote's: allow AUTH without TLS */
	K_FROM_FULL_NAME,
	K_ALLOW_FROM_OVERRIDE,
	K_ALIASES,
	K_SET_FROM_HEADER,
	K_SET_DATE_HEADER,
	K_SET_MSGID_HEADER,
	K_SET_TO_HEADER,
	K_REMOVE_BCC_HEADERS,
	K_DSN_NOTIFY,
	K_DSN_RETURN,
	K_TLS_FINGERPRINT,
	K_TLS_CERT_FILE,
	K_TLS_KEY_FILE,
	K_TLS_CRL_FILE,
	K_TLS_PRIORITIES,
	K_TLS_HOST_OVERRIDE,
	K_TLS_CERTCHECK,
	K_SOURCE_IP,
	K_IP_VERSION,		/* bote's: any, 4 or 6 */
	K_QUEUE,		/* bote's: queue on temporary failure */
	K_QUEUE_DIR,		/* bote's */
	K_QUEUE_MAX_AGE,	/* bote's: seconds */
	K_LOGFILE,
	K_LOGFILE_TIME_FORMAT,
	K_SYSLOG,		/* enum syslog_choice */
	K_LOG_FORMAT,		/* bote's: enum log_format */
	K_DKIM_DOMAIN,		/* bote's: DKIM signing (RFC 6376) */
	K_DKIM_SELECTOR,
	K_DKIM_KEY,
	K_DKIM_SELECTOR2,	/* a second signature (ed25519 + rsa) */
	K_DKIM_KEY2,
	K_DKIM_HEADERS,
	K_DKIM_EXPIRE,		/* seconds; 0: no x= */
	K_DKIM_CANON,		/* DKIM_CANON_CHOICES, by index */
	K_PROXY_HOST,		/* SOCKS5 (net/socks.h) */
	K_PROXY_PORT,
	K_SOCKET,		/* a Unix-domain socket instead of host */
	K_FALLBACK_ACCOUNTS,	/* bote's: relay failover (relays.h) */
	K_FAILOVER_TIMEOUT,	/* bote's: seconds per relay when another
				   follows */
	K_RATE,			/* bote's: sending policy (policy.h) */
	K_MAX_PER_SESSION,
	K_MAX_SESSIONS,
	/* bote's: OAuth2 (bote.conf.5, OAUTH2; conf/oauth.h) */
	K_OAUTH2_PROVIDER,	/* OAUTH2_PROVIDER_CHOICES, by index */
	K_OAUTH2_CLIENT_ID,
	K_OAUTH2_CLIENT_SECRET,
	K_OAUTH2_CLIENT_SECRET_EVAL,
	K_OAUTH2_TENANT,
	K_OAUTH2_SCOPE,
	K_OAUTH2_FLOW,		/* OAUTH2_FLOW_CHOICES, by index */
	K_OAUTH2_AUTH_ENDPOINT,
	K_OAUTH2_DEVICE_ENDPOINT,
	K_OAUTH2_TOKEN_ENDPOINT,
	K_OAUTH2_TRUST_FILE,
	K__COUNT
};

enum auth_mode {
	AUTHM_OFF = 0,
	AUTHM_ON,		/* choose the strongest offered after TLS */
	AUTHM_PLAIN,
	AUTHM_LOGIN,
	AUTHM_CRAM_MD5,
	AUTHM_SCRAM_SHA_1,
	AUTHM_SCRAM_SHA_1_PLUS,
	AUTHM_SCRAM_SHA_256,
	AUTHM_SCRAM_SHA_256_PLUS,
	AUTHM_XOAUTH2,
	AUTHM_OAUTHBEARER,
	AUTHM_EXTERNAL
};


/*
 * syslog off|on|LOG_USER|LOG_MAIL|LOG_LOCAL0..LOG_LOCAL7, in this order
 * (the index of the word is stored; on means LOG_MAIL, where mail
 * programs log; msmtp's on means LOG_USER).
 */
enum syslog_choice {
	SYSLOG_OFF = 0,
	SYSLOG_ON,
	SYSLOG_USER,
	SYSLOG_MAIL,
	SYSLOG_LOCAL0		/* ... SYSLOG_LOCAL0 + 7 */
};
#define SYSLOG_CHOICES	"off|on|LOG_USER|LOG_MAIL|LOG_LOCAL0|LOG_LOCAL1|" \
	"LOG_LOCAL2|LOG_LOCAL3|LOG_LOCAL4|LOG_LOCAL5|LOG_LOCAL6|LOG_LOCAL7"

/*
 * log_format msmtp|postfix: the fields of a log line, msmtp's key=value
 * form or Postfix's smtp(8) delivery line (what pflogsumm and logwatch
 * read).
 */
enum log_format {
	LOGF_MSMTP = 0,
	LOGF_POSTFIX
};
#define LOG_FORMAT_CHOICES	"msmtp|postfix"

/* dkim_canonicalization: header/body, relaxed/relaxed the default. */
#define DKIM_CANON_CHOICES	"relaxed/relaxed|relaxed/simple|" \
	"simple/relaxed|simple/simple"
#define DKIM_LISTMAX	64	/* names in dkim_headers */
/* OAuth2: the index of the word is stored (conf/oauth.h). */
#define OAUTH2_PROVIDER_CHOICES	"custom|google|microsoft"
#define OAUTH2_FLOW_CHOICES	"auto|device|loopback|client_credentials"
#define QUEUE_MAX_AGE_DEFAULT	(5 * 24 * 3600)	/* seconds: 5 days */
#define FAILOVER_TIMEOUT_DEFAULT 15	/* seconds: a relay that does not
					   greet by then is passed over */

/*
 * Header policies, msmtp's words in this order (the configuration stores
 * the index of the word).
 */
enum from_header {		/* set_from_header auto|on|off */
	FROMH_AUTO = 0,		/* add From when missing */
	FROMH_ON,		/* always replace From */
	FROMH_OFF
};
enum auto_off {			/* set_date_header, set_msgid_header */
	HDR_AUTO = 0,		/* add when missing */
	HDR_OFF
};
enum to_header {		/* set_to_header off|on|undisclosed_recipients */
	TOH_OFF = 0,
	TOH_ON,
	TOH_UNDISCLOSED
};

/*
 * Delivery status notification requests (RFC 3461): dsn_notify is 0
 * (off: no NOTIFY parameter) or DSN_NEVER alone or a set of the others.
 */
#define DSN_NEVER	0x01
#define DSN_SUCCESS	0x02
#define DSN_FAILURE	0x04
#define DSN_DELAY	0x08
enum dsn_return {		/* dsn_return off|headers|full (|hdrs) */
	DSNRET_OFF = 0,		/* no RET parameter */
	DSNRET_HDRS,
	DSNRET_FULL
};

/* Where a value came from, for messages and --pretend. */
struct conf_origin {
	const char	*file;	/* an entry of the conf's file list, or
				   CONF_CMDLINE; NULL: built-in default */
	int		 line;	/* 0 for the command line */
	const char	*via;	/* the account it was inherited from (an
				   interned name), or NULL */
	int		 defaults; /* set in a "defaults" section */
};

/* The "file" of a value given on the command line. */
extern const char CONF_CMDLINE[];

struct account {
	char		*name;
	char		*host;
	int		 port;		/* 0: derive from tls/tls_starttls */
	int		 tls;		/* default on (bote differs from msmtp) */
	int		 starttls;	/* default on */
	char		*trust_file;	/* NULL or "system": system store */
	enum auth_mode	 auth;
	char		*user;
	char		*password;	/* secret: wiped on free */
	char		*passwordeval;
	char		*from;
	char		*domain;	/* EHLO argument; NULL: "localhost" */
	int		 timeout;	/* seconds; 0: RFC 5321 4.5.3.2 values */
	int		 auth_cleartext;
	char		*from_full_name;
	int		 allow_from_override;	/* default on */
	char		*aliases;		/* path, or NULL */
	int		 set_from_header;	/* enum from_header */
	int		 set_date_header;	/* enum auto_off */
	int		 set_msgid_header;	/* enum auto_off */
	int		 set_to_header;		/* enum to_header */
	int		 remove_bcc_headers;	/* default on */
	int		 dsn_notify;		/* DSN_* bits; 0: off */
	int		 dsn_return;		/* enum dsn_return */
	char		*tls_fingerprint;	/* SHA-256 pin, hex with colons,
						   or NULL */
	char		*tls_cert_file;		/* client certificate (PEM) */
	char		*tls_key_file;		/* its key (PEM) */
	char		*tls_crl_file;
	char		*tls_priorities;	/* GnuTLS priority string */
	char		*tls_host_override;	/* name to verify instead of
						   host */
	int		 tls_certcheck;		/* default on */
	char		*source_ip;
	int		 ip_version;		/* enum ip_version */
	int		 queue;			/* default on */
	char		*queue_dir;		/* NULL: the per-user or
						   system default */
	int		 queue_max_age;		/* seconds */
	char		*logfile;		/* path, "-" (stdout) or NULL */
	char		*logfile_time_format;	/* strftime(3); NULL: msmtp's */
	int		 syslog;		/* enum syslog_choice */
	int		 log_format;		/* enum log_format */
	char		*dkim_domain;		/* d=; signing needs the three */
	char		*dkim_selector;		/* s= */
	char		*dkim_key;		/* PEM private key file */
	char		*dkim_selector2;	/* a second key and selector */
	char		*dkim_key2;
	char		*dkim_headers;		/* "a:b:c"; NULL: RFC 6376 5.4.1 */
	int		 dkim_expire;		/* seconds; 0: no x= */
	int		 dkim_canon;		/* DKIM_CANON_CHOICES index */
	char		*proxy_host;		/* SOCKS5 proxy, or NULL */
	int		 proxy_port;		/* 0: 1080 */
	char		*socket;		/* path, or NULL */
	char		*fallback_accounts;	/* "a,b": tried after host */
	int		 failover_timeout;	/* seconds; 0: off */
	char		*rate;			/* "N/min", "N/hour"; NULL */
	char		*max_per_session;	/* a count, or NULL */
	char		*max_sessions;		/* a count, or NULL */
	int		 oauth2_provider;	/* OAUTH2_PROVIDER_CHOICES */
	char		*oauth2_client_id;	/* set: the account has OAuth2 */
	char		*oauth2_client_secret;	/* secret: wiped on free */
	char		*oauth2_client_secret_eval;
	char		*oauth2_tenant;		/* Microsoft; NULL: common */
	char		*oauth2_scope;		/* NULL: the preset's */
	int		 oauth2_flow;		/* OAUTH2_FLOW_CHOICES */
	char		*oauth2_auth_endpoint;	/* NULL: the preset's */
	char		*oauth2_device_endpoint;
	char		*oauth2_token_endpoint;
	char		*oauth2_trust_file;	/* NULL: the system store */
	/*
	 * One bit per K_*: explicitly set (by the account or a parent, as
	 * in msmtp; a "defaults" value shows only in origin[]). Read and
	 * written through account_isset() and account_markset().
	 */
	unsigned char	 set[(K__COUNT + 7) / 8];
	struct conf_origin origin[K__COUNT];
	struct conf_origin defined;	/* where "account NAME" stands */
	struct account	*next;
};

/* Whether key was set explicitly for a (account.set). */
static inline int
account_isset(const struct account *a, int key)
{
	return (a->set[key / 8] >> (key % 8)) & 1;
}

static inline void
account_markset(struct account *a, int key)
{
	a->set[key / 8] |= (unsigned char)(1U << (key % 8));
}

struct conf {
	struct account	*accounts;	/* in file order, a later file's
					   first (msmtp: user before system) */
	char		**files;	/* names of the files read */
	size_t		 nfiles;
	char		*errs[CONF_ERRMAX]; /* "file:line: message" */
	size_t		 nerrs;
	int		 more_errs;	/* errors beyond CONF_ERRMAX */
	char		*notes[CONF_ERRMAX]; /* obsolete names: "file:line:
					   NAME is obsolete; write ..." */
	size_t		 nnotes;
	char		**names;	/* interned account names (origins) */
	size_t		 nnames;
};

struct conf	*conf_new(void);
void		 conf_free(struct conf *);

/*
 * Read one file into c. Accounts of a later file replace earlier ones of
 * the same name. Returns 0, or -1 when the file could not be opened (errno
 * set, nothing added to errs: the caller decides whether that is an error)
 * or held errors (c->nerrs > 0).
 */
int		 conf_read(struct conf *c, const char *path);

/*
 * conf_read() refuses a file that sets a literal password unless it is a
 * regular file (not reached through a symbolic link: opened with
 * O_NOFOLLOW), owned by the effective user and without group or other
 * permissions, checked with fstat(2) on the descriptor that is read.
 */

/* Parse a buffer as if it were the file named path (for tests). */
int		 conf_read_buf(struct conf *c, const char *path,
		    const char *buf, size_t len);

/*
 * Set one directive of account a from the command line, as if the line
 * "directive value" stood in a's section (origin CONF_CMDLINE). Errors
 * go to c->errs as "command line: --option: message". Returns 0 or -1.
 */
int		 conf_override(struct conf *c, struct account *a,
		    const char *directive, const char *value);

/*
 * A new account with bote's built-in defaults, not read from any file
 * (msmtp's --host: the command line alone describes the server), first
 * in c's list. NULL on ENOMEM.
 */
struct account	*conf_add_account(struct conf *c, const char *name);

/* The account with that name, or NULL. */
struct account	*conf_account(struct conf *c, const char *name);

/*
 * The first account, in file order, whose from matches addr (msmtp's
 * rule for -f without -a): a from with '?', '*' or '[' is a glob
 * (fnmatch(3), case-sensitive), any other compares without regard to
 * case; when none matches user+detail@domain, user@domain is tried.
 * NULL when no account matches.
 */
struct account	*conf_match_from(struct conf *c, const char *addr);

/*
 * Final checks for an account about to be used (host set, auth without
 * TLS only with auth_cleartext, ...). Appends to c->errs; returns -1 when
 * it found any.
 */
int		 conf_check(struct conf *c, struct account *a);
/*
 * Whether s may stand as DKIM's d= or s= (RFC 6376 3.5): ASCII DNS
 * labels of letters, digits and inner hyphens. 1 or 0.
 */
int		 dkim_name_ok(const char *s);

/*
 * The port to connect to: port when set, else 465 with tls on and
 * tls_starttls off, else 25 (msmtp's defaults, so its files work as they
 * are).
 */
int		 account_port(const struct account *a);

/*
 * A setting by its K_* key: the text of a string setting (NULL when
 * unset or not a string), the value of a number, switch or choice.
 */
const char	*account_text(const struct account *a, int key);
int		 account_number(const struct account *a, int key);

/*
 * A DSN NOTIFY condition (RFC 3461 4.1), case-insensitive: "off" (0),
 * "never", or a comma-separated list of success, failure and delay.
 * Returns the DSN_* bits, or -1 when s[0..len) is none of these.
 */
int		 conf_dsn_notify(const char *s, size_t len);

/*
 * The words for DSN_* bits, as conf_dsn_notify() reads them: "off",
 * "never", or a list; a constant or buf (32 bytes are enough).
 */
const char	*conf_dsn_notify_str(int bits, char *buf, size_t sz);

/*
 * A DSN RET value (RFC 3461 4.3), case-insensitive: off, hdrs or headers
 * (msmtp's spelling), full. Returns an enum dsn_return, or -1.
 */
int		 conf_dsn_return(const char *s, size_t len);

/*
 * A duration: a number of seconds, or a number followed by s, m, h or d;
 * from 1 second to 365 days. Returns the seconds, or -1.
 */
int		 conf_duration(const char *s);
/* The same with a number of min to max seconds (a unit's count: max / unit). */
long long	 conf_seconds(const char *s, long long min, long long max);

/*
 * msmtp's patterns in from and domain: %U (user), %H (host name), %C
 * (canonical host name), %M (mail name) replaced by vals[0..3]; any other
 * "%" stays. Returns 0 with *out allocated, or -1 (ENOMEM, or ENOENT
 * when a pattern's value is NULL: unknown).
 */
int		 conf_patterns(const char *in, const char *const vals[4],
		    char **out);

/* The name of an enum auth_mode value as the auth directive spells it. */
const char	*conf_auth_name(int mode);

#endif
