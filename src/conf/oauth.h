/*
 * OAuth2 for SMTP AUTH XOAUTH2 and OAUTHBEARER (bote.conf.5, OAUTH2):
 * the provider presets, the token requests (RFC 6749 refresh and client
 * credentials, RFC 8628 device authorization, RFC 6749 4.1 with RFC
 * 7636 PKCE and an RFC 8252 loopback redirect), and the one question
 * every mode asks before it authenticates: the access token for this
 * account, refreshed when it has less than OAUTH_MARGIN seconds left.
 * The engine never prints: the login flows tell the driver what to show
 * through callbacks.
 */
#ifndef BOTE_OAUTH_H
#define BOTE_OAUTH_H

#include <stddef.h>
#include <time.h>

#include "conf/account.h"
#include "conf/conf.h"

#define OAUTH_MARGIN	60	/* seconds: refresh before connecting */
#define OAUTH_TIMEOUT	30	/* seconds per request unless timeout set */
#define OAUTH_URLMAX	1024

enum oauth_provider {		/* OAUTH2_PROVIDER_CHOICES */
	OPROV_CUSTOM = 0,
	OPROV_GOOGLE,
	OPROV_MICROSOFT
};

enum oauth_flow {		/* OAUTH2_FLOW_CHOICES */
	OFLOW_AUTO = 0,		/* the preset's */
	OFLOW_DEVICE,
	OFLOW_LOOPBACK,
	OFLOW_CLIENT_CREDENTIALS
};

enum oauth_status {
	OAUTH_OK = 0,
	OAUTH_TEMP,	/* endpoint down, slow or failing: try again later */
	OAUTH_LOGIN,	/* no refresh token, or it was refused (invalid_grant):
			   a person must run bote --oauth-login */
	OAUTH_CONFIG,	/* the provider refused the client or the scope */
	OAUTH_DENIED,	/* the person said no (access_denied) */
	OAUTH_EXPIRED,	/* the device code expired before approval */
	OAUTH_LOCAL	/* the token store, memory, a signal */
};

/* The account's effective settings: its own over the preset's. */
struct oauth_cfg {
	const char	*account;
	int		 provider;	/* enum oauth_provider */
	int		 flow;		/* enum oauth_flow, never AUTO */
	const char	*client_id;
	char		*client_secret;	/* NULL: a public client; wiped */
	char		 scope[512];
	char		 auth_url[OAUTH_URLMAX];
	char		 device_url[OAUTH_URLMAX];
	char		 token_url[OAUTH_URLMAX];
	const char	*trust_file;	/* NULL: the system store */
	int		 timeout_s;
};

/* What a token endpoint gave (RFC 6749 5.1). */
struct oauth_tokens {
	char		*access;	/* secrets: oauth_tokens_clear() */
	char		*refresh;	/* NULL: none (kept from before) */
	long long	 expires;	/* clock_now() seconds; 0: unknown */
};

/* Whether the account authenticates with OAuth2 (oauth2_client_id). */
int	oauth_enabled(const struct account *);

/*
 * The account whose tokens a uses: the one that set oauth2_client_id,
 * so that "account default : gmail" shares gmail's sign-in.
 */
const char *oauth_account(const struct account *a);

/*
 * The oauth2_* lines of account a make sense (a known flow for the
 * provider, the endpoints a custom provider needs, https: URLs), each
 * error recorded in c at the line that set it. -1 when any is wrong.
 */
int	oauth_conf_check(struct conf *c, const struct account *a);

/*
 * Fill cfg for account a; with secret, the client secret too, from
 * oauth2_client_secret_eval when set (its command run now). 0, or -1
 * with why. oauth_cfg_clear() wipes it.
 */
int	oauth_cfg(const struct account *a, struct oauth_cfg *cfg, int secret,
	    char *why, size_t whylen);
void	oauth_cfg_clear(struct oauth_cfg *cfg);
void	oauth_tokens_clear(struct oauth_tokens *);

/*
 * The access token for account a, in *token (a secret: secret_free()).
 * The stored one when it has OAUTH_MARGIN seconds left; else (or when
 * force is set because the server refused it) a new one from the token
 * endpoint, under a lock on the account's store entry so that a burst of
 * runs makes one request, the rotated refresh token stored in place of
 * the old. OAUTH_LOGIN: why says what is missing (the driver names the
 * command to run); OAUTH_TEMP: the message should wait.
 */
enum oauth_status oauth_access_token(const struct account *a, int force,
	    char **token, char *why, size_t whylen);

/*
 * For smtp_opts.reauth: a new token for account arg (a const struct
 * account *) because the server refused the stored one. 0; -1 with why;
 * -2 with why when the message should wait (a login is needed, or the
 * token endpoint is down).
 */
int	oauth_reauth(const void *arg, char **token, char *why,
	    size_t whylen);

/*
 * The login flows (bote --oauth-login). The engine polls and waits; the
 * driver shows what a person must do through show().
 */
struct oauth_device {
	char		*device_code;	/* secret */
	char		*user_code;
	char		*verification_uri;
	char		*verification_uri_complete;	/* or NULL */
	int		 interval;	/* seconds between polls */
	int		 expires_in;	/* seconds the codes live */
};
void	oauth_device_clear(struct oauth_device *);

struct oauth_login_cb {
	void	*arg;
	/* RFC 8628 3.3: the URL and the code for a person to type. */
	void	(*device)(void *arg, const struct oauth_device *);
	/* RFC 8252: the URL to open in a browser on this machine. */
	void	(*browse)(void *arg, const char *url);
	/* The device grant was told to poll more slowly (slow_down). */
	void	(*slow_down)(void *arg, int interval);
};

/*
 * Obtain tokens by cfg->flow and store them for cfg->account. OAUTH_OK,
 * or a status with why.
 */
enum oauth_status oauth_login(const struct oauth_cfg *cfg,
	    const struct oauth_login_cb *cb, char *why, size_t whylen);

/*
 * A token endpoint's answer r: OAUTH_OK with *t for 200 and usable
 * tokens (RFC 6749 5.1); an error object (5.2) puts its code, without
 * control bytes, in err; anything else (5xx, a proxy's page) is
 * OAUTH_TEMP. Exposed for the fuzz target.
 */
struct http_resp;
enum oauth_status oauth_parse_answer(const struct http_resp *r,
	    struct oauth_tokens *t, char *err, size_t errlen, char *why,
	    size_t whylen);

/* The value of name in a URL query string, decoded; NULL: absent. */
char	*oauth_query_param(const char *query, const char *name);

/* Internal to oauth.c and oauthflow.c: one token request. */
struct http_field;
enum oauth_status oauth_token_request(const struct oauth_cfg *cfg,
	    const struct http_field *extra, size_t nextra,
	    struct oauth_tokens *t, char *err, size_t errlen, char *why,
	    size_t whylen);

#endif
