/*
 * OAuth2 (oauth.h): the presets, the configuration check, one token
 * request (RFC 6749 3.2, 5.1, 5.2) and the access token for an account,
 * refreshed under the store entry's lock. The login flows are in
 * oauthflow.c.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/util.h"
#include "conf/oauth.h"
#include "conf/oauthstore.h"
#include "conf/secret.h"
#include "net/http.h"

#define EVAL_TIMEOUT	30	/* seconds for oauth2_client_secret_eval */
#define MS_LOGIN	"https://login.microsoftonline.com/"

/*
 * What Google and Microsoft publish. Microsoft's URLs hold the tenant
 * between MS_LOGIN and the path. The scopes: Gmail's full mail scope
 * (the only one that covers SMTP), Exchange Online's SMTP.Send with
 * offline_access (without it there is no refresh token), and for
 * app-only sending the .default scope of Exchange Online.
 */
static const struct preset {
	const char	*auth, *device, *token, *scope, *app_scope;
	int		 flow;
} presets[] = {
	[OPROV_CUSTOM] = { NULL, NULL, NULL, NULL, NULL, OFLOW_DEVICE },
	/* Google refuses the device grant for mail scopes. */
	[OPROV_GOOGLE] = { "https://accounts.google.com/o/oauth2/v2/auth",
	    "https://oauth2.googleapis.com/device/code",
	    "https://oauth2.googleapis.com/token",
	    "https://mail.google.com/", NULL, OFLOW_LOOPBACK },
	[OPROV_MICROSOFT] = { "/oauth2/v2.0/authorize",
	    "/oauth2/v2.0/devicecode", "/oauth2/v2.0/token",
	    "https://outlook.office.com/SMTP.Send offline_access",
	    "https://outlook.office365.com/.default", OFLOW_DEVICE },
};

static int	url_ok(const char *);
static int	tenant_ok(const char *);
static int	endpoint(const struct account *, const char *, const char *,
		    char *, size_t);
static int	fresh(const struct ostore_entry *, const struct account *);
static int	token_chars(const char *);
static enum oauth_status renew(const struct oauth_cfg *,
		    struct ostore_entry *, char *, size_t);

int
oauth_enabled(const struct account *a)
{
	return a != NULL && a->oauth2_client_id != NULL;
}

const char *
oauth_account(const struct account *a)
{
	if (a->origin[K_OAUTH2_CLIENT_ID].via != NULL)
		return a->origin[K_OAUTH2_CLIENT_ID].via;
	return a->name != NULL ? a->name : "default";
}

/* Tokens go to these URLs: https only, no blanks or controls. */
static int
url_ok(const char *u)
{
	const char	*p;

	if (strncasecmp(u, "https://", 8) != 0 || u[8] == '\0')
		return 0;
	for (p = u; *p != '\0'; p++)
		if (*p <= ' ' || *p == 0x7f)
			return 0;
	return 1;
}

/* A tenant is a GUID, a domain name or common/organizations/consumers. */
static int
tenant_ok(const char *t)
{
	if (*t == '\0' || strlen(t) > 253)
		return 0;
	return strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-") == strlen(t);
}

int
oauth_conf_check(struct conf *c, const struct account *a)
{
	static const int urls[] = { K_OAUTH2_AUTH_ENDPOINT,
	    K_OAUTH2_DEVICE_ENDPOINT, K_OAUTH2_TOKEN_ENDPOINT };
	const struct conf_origin *o;
	const char	*name = a->name != NULL ? a->name : "(command line)";
	const char	*u;
	size_t		 i;
	int		 key, bad = 0, flow;

	if (!oauth_enabled(a)) {
		for (key = K_OAUTH2_PROVIDER; key <= K_OAUTH2_TRUST_FILE;
		    key++)
			if (account_isset(a, key))
				break;
		/* None, or a token from passwordeval as before. */
		if (key > K_OAUTH2_TRUST_FILE)
			return 0;
		o = &a->origin[key];
		conf_error(c, o->file, o->line, "account %s has oauth2 "
		    "settings but no oauth2_client_id: add the client ID of "
		    "the application registered with the provider", name);
		return -1;
	}
	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		u = account_text(a, urls[i]);
		if (u != NULL && !url_ok(u)) {
			o = &a->origin[urls[i]];
			conf_error(c, o->file, o->line, "an OAuth2 endpoint "
			    "must be an https: URL");
			bad = 1;
		}
	}
	if (a->oauth2_tenant != NULL && !tenant_ok(a->oauth2_tenant)) {
		o = &a->origin[K_OAUTH2_TENANT];
		conf_error(c, o->file, o->line, "oauth2_tenant must be a "
		    "tenant ID, a domain name, or common, organizations or "
		    "consumers");
		bad = 1;
	}
	flow = a->oauth2_flow != OFLOW_AUTO ? a->oauth2_flow :
	    presets[a->oauth2_provider].flow;
	o = &a->origin[K_OAUTH2_FLOW];
	if (o->file == NULL)
		o = &a->defined;
	if (a->oauth2_token_endpoint == NULL &&
	    a->oauth2_provider == OPROV_CUSTOM) {
		conf_error(c, o->file, o->line, "account %s: oauth2_provider "
		    "custom needs oauth2_token_endpoint", name);
		bad = 1;
	}
	if (flow == OFLOW_DEVICE && a->oauth2_device_endpoint == NULL &&
	    a->oauth2_provider == OPROV_CUSTOM) {
		conf_error(c, o->file, o->line, "account %s: the device flow "
		    "needs oauth2_device_endpoint", name);
		bad = 1;
	}
	if (flow == OFLOW_LOOPBACK && a->oauth2_auth_endpoint == NULL &&
	    a->oauth2_provider == OPROV_CUSTOM) {
		conf_error(c, o->file, o->line, "account %s: the loopback "
		    "flow needs oauth2_auth_endpoint", name);
		bad = 1;
	}
	if (flow == OFLOW_CLIENT_CREDENTIALS && a->oauth2_provider ==
	    OPROV_GOOGLE) {
		conf_error(c, o->file, o->line, "account %s: Google has no "
		    "client credentials grant for mail; use oauth2_flow "
		    "loopback", name);
		bad = 1;
	}
	if (flow == OFLOW_CLIENT_CREDENTIALS && a->oauth2_client_secret ==
	    NULL && a->oauth2_client_secret_eval == NULL) {
		conf_error(c, o->file, o->line, "account %s: oauth2_flow "
		    "client_credentials needs oauth2_client_secret or "
		    "oauth2_client_secret_eval", name);
		bad = 1;
	}
	return bad ? -1 : 0;
}

/* The account's URL for key, else the preset's (tenant filled in). */
static int
endpoint(const struct account *a, const char *own, const char *preset,
    char *buf, size_t sz)
{
	buf[0] = '\0';
	if (own != NULL)
		return xstrlcpy(buf, own, sz);
	if (preset == NULL)
		return 0;
	if (a->oauth2_provider == OPROV_MICROSOFT)
		return xsnprintf(buf, sz, "%s%s%s", MS_LOGIN,
		    a->oauth2_tenant != NULL ? a->oauth2_tenant : "common",
		    preset);
	return xstrlcpy(buf, preset, sz);
}

int
oauth_cfg(const struct account *a, struct oauth_cfg *cfg, int secret,
    char *why, size_t whylen)
{
	const struct preset *p;
	const char	*scope;
	char		 w[OUTCOME_WHYMAX];

	memset(cfg, 0, sizeof(*cfg));
	if (!oauth_enabled(a) || a->oauth2_provider < 0 ||
	    a->oauth2_provider > OPROV_MICROSOFT) {
		whyf(why, whylen, "account %s has no oauth2_client_id",
		    a->name != NULL ? a->name : "(command line)");
		return -1;
	}
	p = &presets[a->oauth2_provider];
	cfg->account = oauth_account(a);
	cfg->provider = a->oauth2_provider;
	cfg->flow = a->oauth2_flow != OFLOW_AUTO ? a->oauth2_flow : p->flow;
	cfg->client_id = a->oauth2_client_id;
	cfg->trust_file = a->oauth2_trust_file;
	cfg->timeout_s = a->timeout > 0 ? a->timeout : OAUTH_TIMEOUT;
	scope = a->oauth2_scope != NULL ? a->oauth2_scope :
	    cfg->flow == OFLOW_CLIENT_CREDENTIALS && p->app_scope != NULL ?
	    p->app_scope : p->scope != NULL ? p->scope : "";
	if (xstrlcpy(cfg->scope, scope, sizeof(cfg->scope)) == -1 ||
	    endpoint(a, a->oauth2_auth_endpoint, p->auth, cfg->auth_url,
	    sizeof(cfg->auth_url)) == -1 || endpoint(a,
	    a->oauth2_device_endpoint, p->device, cfg->device_url,
	    sizeof(cfg->device_url)) == -1 || endpoint(a,
	    a->oauth2_token_endpoint, p->token, cfg->token_url,
	    sizeof(cfg->token_url)) == -1) {
		whyf(why, whylen, "an oauth2 setting of account %s is too "
		    "long", cfg->account);
		return -1;
	}
	if (!secret)
		return 0;
	if (a->oauth2_client_secret_eval != NULL) {
		if ((cfg->client_secret = secret_eval(
		    a->oauth2_client_secret_eval, EVAL_TIMEOUT, w,
		    sizeof(w))) == NULL) {
			whyf(why, whylen, "account %s: "
			    "oauth2_client_secret_eval: %s", cfg->account, w);
			return -1;
		}
	} else if (a->oauth2_client_secret != NULL &&
	    (cfg->client_secret = strdup(a->oauth2_client_secret)) == NULL) {
		whyf(why, whylen, "out of memory");
		return -1;
	}
	return 0;
}

void
oauth_cfg_clear(struct oauth_cfg *cfg)
{
	secret_free(cfg->client_secret);
	memset(cfg, 0, sizeof(*cfg));
}

void
oauth_tokens_clear(struct oauth_tokens *t)
{
	secret_free(t->access);
	secret_free(t->refresh);
	memset(t, 0, sizeof(*t));
}

/*
 * A token as bote stores and sends it: base64url, base64 or a JWT's
 * characters (RFC 6750 2.1 b64token), so that no token can break a
 * line of the store or of an AUTH command.
 */
static int
token_chars(const char *s)
{
	size_t	n = strlen(s);

	return n > 0 && n <= 8192 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-._~+/=") == n;
}

enum oauth_status
oauth_parse_answer(const struct http_resp *r, struct oauth_tokens *t,
    char *err, size_t errlen, char *why, size_t whylen)
{
	struct json	*j;
	const char	*s, *d;
	long long	 n;
	char		 desc[256];
	enum oauth_status st = OAUTH_TEMP;

	err[0] = '\0';
	if ((j = json_parse(r->body, r->len)) == NULL) {
		/* A proxy's page, a 502: nothing says the grant is bad. */
		whyf(why, whylen, "the token endpoint answered HTTP %ld "
		    "without a JSON object", r->status);
		return OAUTH_TEMP;
	}
	if (r->status == 200) {
		s = json_str(j, "access_token");
		d = json_str(j, "refresh_token");
		if (s == NULL || !token_chars(s) || (d != NULL &&
		    !token_chars(d))) {
			whyf(why, whylen, "the token endpoint's answer has no "
			    "usable access_token, or a refresh_token that is "
			    "not one");
			goto out;
		}
		if ((t->access = strdup(s)) == NULL ||
		    (d != NULL && (t->refresh = strdup(d)) == NULL)) {
			oauth_tokens_clear(t);
			whyf(why, whylen, "out of memory");
			st = OAUTH_LOCAL;
			goto out;
		}
		/* RFC 6749 5.1: expires_in is only RECOMMENDED. */
		t->expires = clock_now() + (json_int(j, "expires_in",
		    &n) == 0 ? n : 3600);
		st = OAUTH_OK;
		goto out;
	}
	if ((s = json_str(j, "error")) == NULL) {
		whyf(why, whylen, "the token endpoint answered HTTP %ld",
		    r->status);
		goto out;
	}
	(void)sanitize(err, errlen, s, strlen(s), 1);
	d = json_str(j, "error_description");
	if (d != NULL)
		(void)sanitize(desc, sizeof(desc), d, strlen(d), 1);
	whyf(why, whylen, "the token endpoint refused: %s%s%s%s", err,
	    d != NULL ? " (" : "", d != NULL ? desc : "", d != NULL ? ")" : "");
	if (strcmp(s, "invalid_grant") == 0)
		st = OAUTH_LOGIN;
	else if (strcmp(s, "access_denied") == 0)
		st = OAUTH_DENIED;
	else if (strcmp(s, "expired_token") == 0)
		st = OAUTH_EXPIRED;
	else if (strcmp(s, "invalid_client") == 0 ||
	    strcmp(s, "unauthorized_client") == 0 ||
	    strcmp(s, "invalid_scope") == 0 ||
	    strcmp(s, "unsupported_grant_type") == 0 ||
	    strcmp(s, "invalid_request") == 0)
		st = OAUTH_CONFIG;
out:
	json_free(j);
	return st;
}

enum oauth_status
oauth_token_request(const struct oauth_cfg *cfg,
    const struct http_field *extra, size_t nextra, struct oauth_tokens *t,
    char *err, size_t errlen, char *why, size_t whylen)
{
	struct http_field	 f[8];
	struct http_req		 req;
	struct http_resp	 r;
	char			 w[OUTCOME_WHYMAX];
	enum oauth_status	 st;
	size_t			 i, n = 0;

	memset(t, 0, sizeof(*t));
	err[0] = '\0';
	if (nextra > 5)
		return OAUTH_LOCAL;
	f[n].name = "client_id";
	f[n++].value = cfg->client_id;
	/* RFC 6749 2.3.1: in the body, which every provider takes. */
	f[n].name = "client_secret";
	f[n++].value = cfg->client_secret;
	for (i = 0; i < nextra; i++)
		f[n++] = extra[i];
	memset(&req, 0, sizeof(req));
	req.url = cfg->token_url;
	req.fields = f;
	req.nfields = n;
	req.trust_file = cfg->trust_file;
	req.timeout_s = cfg->timeout_s;
	if (http_post(&req, &r, w, sizeof(w)) == -1) {
		whyf(why, whylen, "no answer from the token endpoint %s: %s",
		    cfg->token_url, w);
		return bote_interrupted ? OAUTH_LOCAL : OAUTH_TEMP;
	}
	st = oauth_parse_answer(&r, t, err, errlen, why, whylen);
	http_resp_clear(&r);
	return st;
}

int
oauth_reauth(const void *arg, char **token, char *why, size_t whylen)
{
	switch (oauth_access_token(arg, 1, token, why, whylen)) {
	case OAUTH_OK:
		return 0;
	case OAUTH_LOGIN:
	case OAUTH_TEMP:
		return -2;
	default:
		return -1;
	}
}

/* The stored access token serves: this client's, with time left. */
static int
fresh(const struct ostore_entry *e, const struct account *a)
{
	return e->t.access != NULL && e->client_id != NULL &&
	    strcmp(e->client_id, a->oauth2_client_id) == 0 &&
	    e->t.expires - (long long)clock_now() >= OAUTH_MARGIN;
}

/*
 * A new access token into e and the store: the refresh grant (RFC 6749
 * 6), or for app-only sending the client credentials grant (4.4). A
 * refused refresh token is recorded, for --oauth-status.
 */
static enum oauth_status
renew(const struct oauth_cfg *cfg, struct ostore_entry *e, char *why,
    size_t whylen)
{
	struct http_field	 f[3];
	struct oauth_tokens	 t;
	char			 err[64];
	enum oauth_status	 st;

	f[0].name = "grant_type";
	f[1].name = "scope";
	f[1].value = cfg->scope[0] != '\0' ? cfg->scope : NULL;
	if (cfg->flow == OFLOW_CLIENT_CREDENTIALS) {
		f[0].value = "client_credentials";
		st = oauth_token_request(cfg, f, 2, &t, err, sizeof(err), why,
		    whylen);
	} else if (e->failed != 0 && e->t.refresh != NULL) {
		/* Refused once is refused for good: no request per run. */
		whyf(why, whylen, "the provider refused the refresh token "
		    "(%s): run bote --oauth-login -a %s", e->failure,
		    cfg->account);
		return OAUTH_LOGIN;
	} else if (e->t.refresh == NULL || e->client_id == NULL ||
	    strcmp(e->client_id, cfg->client_id) != 0) {
		whyf(why, whylen, "no OAuth2 refresh token is stored for "
		    "account %s%s: run bote --oauth-login -a %s", cfg->account,
		    e->client_id != NULL ? " and this oauth2_client_id" : "",
		    cfg->account);
		return OAUTH_LOGIN;
	} else {
		f[0].value = "refresh_token";
		f[2].name = "refresh_token";
		f[2].value = e->t.refresh;
		/*
		 * RFC 6749 6: the scope may be left out (all granted), but
		 * Microsoft's v2.0 endpoint documents it for this request.
		 */
		if (cfg->provider != OPROV_MICROSOFT)
			f[1].value = NULL;
		st = oauth_token_request(cfg, f, 3, &t, err, sizeof(err), why,
		    whylen);
	}
	if (st == OAUTH_LOGIN) {
		/* Said where the message waits, and by -q: the one fix. */
		whyf(why, whylen, "the provider refused the refresh token "
		    "(%s): run bote --oauth-login -a %s", err, cfg->account);
		/* The refresh token is dead: keep that, not the token. */
		secret_free(e->t.access);
		e->t.access = NULL;
		e->failed = clock_now();
		/* err is at most as long: sized alike. */
		(void)xstrlcpy(e->failure, err, sizeof(e->failure));
		(void)ostore_write(cfg->account, e, err, sizeof(err));
		return st;
	}
	if (st != OAUTH_OK)
		return st;
	secret_free(e->t.access);
	e->t.access = t.access;
	e->t.expires = t.expires;
	/* RFC 6749 6: a new refresh token replaces the old one. */
	if (t.refresh != NULL) {
		secret_free(e->t.refresh);
		e->t.refresh = t.refresh;
	}
	e->failed = 0;
	e->failure[0] = '\0';
	if (e->client_id == NULL && (e->client_id = strdup(cfg->client_id)) ==
	    NULL) {
		whyf(why, whylen, "out of memory");
		return OAUTH_LOCAL;
	}
	if (ostore_write(cfg->account, e, why, whylen) == -1)
		return OAUTH_LOCAL;
	return OAUTH_OK;
}

enum oauth_status
oauth_access_token(const struct account *a, int force, char **token,
    char *why, size_t whylen)
{
	struct ostore_entry	 e;
	struct oauth_cfg	 cfg;
	enum oauth_status	 st = OAUTH_LOCAL;
	const char		*name = oauth_account(a);
	char			*refused = NULL;
	int			 lk = -1, r;

	*token = NULL;
	memset(&cfg, 0, sizeof(cfg));
	if ((r = ostore_read(name, &e, why, whylen)) == -1)
		return OAUTH_LOCAL;
	if (r == 1 && !force && fresh(&e, a))
		goto take;
	if (force && e.t.access != NULL && (refused = strdup(e.t.access)) ==
	    NULL)
		goto nomem;
	if (oauth_cfg(a, &cfg, 1, why, whylen) == -1) {
		st = OAUTH_CONFIG;
		goto out;
	}
	/* Twenty runs from cron: one refreshes, the others wait for it. */
	if ((lk = ostore_lock(name, cfg.timeout_s + 5, why, whylen)) == -1) {
		st = OAUTH_TEMP;
		goto out;
	}
	ostore_entry_clear(&e);
	if (ostore_read(name, &e, why, whylen) == -1)
		goto out;
	if (fresh(&e, a) && (refused == NULL ||
	    strcmp(refused, e.t.access) != 0))
		goto take;
	if ((st = renew(&cfg, &e, why, whylen)) != OAUTH_OK)
		goto out;
take:
	if ((*token = strdup(e.t.access)) == NULL)
		goto nomem;
	st = OAUTH_OK;
	goto out;
nomem:
	whyf(why, whylen, "out of memory");
	st = OAUTH_LOCAL;
out:
	ostore_unlock(lk);
	ostore_entry_clear(&e);
	oauth_cfg_clear(&cfg);
	secret_free(refused);
	return st;
}
