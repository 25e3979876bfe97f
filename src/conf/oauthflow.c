/*
 * The OAuth2 login flows (oauth.h, oauth_login): the device
 * authorization grant (RFC 8628) for machines without a browser, the
 * authorization code grant with PKCE (RFC 7636) and a loopback redirect
 * (RFC 8252 7.3) where a browser runs on this machine, and the client
 * credentials grant (RFC 6749 4.4) for app-only sending.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/crypto.h"
#include "base/json.h"
#include "base/util.h"
#include "conf/oauth.h"
#include "conf/oauthstore.h"
#include "net/http.h"

#define DEVICE_GRANT	"urn:ietf:params:oauth:grant-type:device_code"
#define LOOPBACK_WAIT	300	/* seconds for the browser to come back */
#define REQ_MAX		8192	/* octets of the redirect's request */

static int	pause_s(int);
static enum oauth_status device_start(const struct oauth_cfg *,
		    struct oauth_device *, char *, size_t);
static enum oauth_status device_poll(const struct oauth_cfg *,
		    struct oauth_device *, const struct oauth_login_cb *,
		    struct oauth_tokens *, char *, size_t);
static enum oauth_status device_flow(const struct oauth_cfg *,
		    const struct oauth_login_cb *, struct oauth_tokens *,
		    char *, size_t);
static int	b64url(const void *, size_t, char *, size_t);
static int	auth_url(const struct oauth_cfg *, const char *, const char *,
		    const char *, char **);
static int	redirect_wait(int, const char *, char **, char *, size_t);
static enum oauth_status loopback_flow(const struct oauth_cfg *,
		    const struct oauth_login_cb *, struct oauth_tokens *,
		    char *, size_t);
static int	store(const struct oauth_cfg *, struct oauth_tokens *,
		    char *, size_t);

/* Sleep s seconds unless a signal comes first (-1). */
static int
pause_s(int s)
{
	int	ms;

	for (ms = 0; ms < s * 1000; ms += 100) {
		if (bote_interrupted)
			return -1;
		(void)poll(NULL, 0, 100);
	}
	return bote_interrupted ? -1 : 0;
}

void
oauth_device_clear(struct oauth_device *d)
{
	secret_free(d->device_code);
	free(d->user_code);
	free(d->verification_uri);
	free(d->verification_uri_complete);
	memset(d, 0, sizeof(*d));
}

/* RFC 8628 3.1, 3.2: ask for a device code and a user code. */
static enum oauth_status
device_start(const struct oauth_cfg *cfg, struct oauth_device *d,
    char *why, size_t whylen)
{
	struct http_field	 f[3];
	struct http_req		 req;
	struct http_resp	 r;
	struct json		*j = NULL;
	const char		*dc, *uc, *uri, *full;
	long long		 n;
	char			 w[OUTCOME_WHYMAX];
	enum oauth_status	 st = OAUTH_TEMP;

	f[0].name = "client_id";
	f[0].value = cfg->client_id;
	f[1].name = "scope";
	f[1].value = cfg->scope;
	f[2].name = "client_secret";
	f[2].value = cfg->client_secret;
	memset(&req, 0, sizeof(req));
	req.url = cfg->device_url;
	req.fields = f;
	req.nfields = 3;
	req.trust_file = cfg->trust_file;
	req.timeout_s = cfg->timeout_s;
	if (http_post(&req, &r, w, sizeof(w)) == -1) {
		whyf(why, whylen, "no answer from the device endpoint %s: %s",
		    cfg->device_url, w);
		return OAUTH_TEMP;
	}
	if ((j = json_parse(r.body, r.len)) == NULL || r.status != 200) {
		whyf(why, whylen, "the device endpoint answered HTTP %ld%s%s",
		    r.status, j != NULL && json_str(j, "error") != NULL ?
		    ": " : "", j != NULL && json_str(j, "error") != NULL ?
		    "an error" : "");
		st = r.status >= 400 && r.status < 500 ? OAUTH_CONFIG :
		    OAUTH_TEMP;
		goto out;
	}
	dc = json_str(j, "device_code");
	uc = json_str(j, "user_code");
	/* Google spells it verification_url. */
	if ((uri = json_str(j, "verification_uri")) == NULL)
		uri = json_str(j, "verification_url");
	full = json_str(j, "verification_uri_complete");
	if (dc == NULL || uc == NULL || uri == NULL) {
		whyf(why, whylen, "the device endpoint's answer lacks "
		    "device_code, user_code or verification_uri");
		goto out;
	}
	d->interval = json_int(j, "interval", &n) == 0 && n > 0 && n < 3600 ?
	    (int)n : 5;
	d->expires_in = json_int(j, "expires_in", &n) == 0 && n > 0 &&
	    n < 86400 ? (int)n : 600;
	if ((d->device_code = strdup(dc)) == NULL ||
	    (d->user_code = strdup(uc)) == NULL ||
	    (d->verification_uri = strdup(uri)) == NULL ||
	    (full != NULL && (d->verification_uri_complete = strdup(full)) ==
	    NULL)) {
		whyf(why, whylen, "out of memory");
		st = OAUTH_LOCAL;
		goto out;
	}
	st = OAUTH_OK;
out:
	json_free(j);
	http_resp_clear(&r);
	return st;
}

/* RFC 8628 3.4, 3.5: poll until approved, refused or expired. */
static enum oauth_status
device_poll(const struct oauth_cfg *cfg, struct oauth_device *d,
    const struct oauth_login_cb *cb, struct oauth_tokens *t, char *why,
    size_t whylen)
{
	struct http_field	 f[2];
	enum oauth_status	 st;
	int64_t			 deadline = now_ms() + d->expires_in * 1000LL;
	char			 err[64];

	f[0].name = "grant_type";
	f[0].value = DEVICE_GRANT;
	f[1].name = "device_code";
	f[1].value = d->device_code;
	for (;;) {
		if (pause_s(d->interval) == -1) {
			whyf(why, whylen, "interrupted");
			return OAUTH_LOCAL;
		}
		if (now_ms() >= deadline) {
			whyf(why, whylen, "the code expired before it was "
			    "approved");
			return OAUTH_EXPIRED;
		}
		st = oauth_token_request(cfg, f, 2, t, err, sizeof(err), why,
		    whylen);
		if (st == OAUTH_OK || st == OAUTH_DENIED ||
		    st == OAUTH_EXPIRED || st == OAUTH_LOCAL)
			return st;
		if (strcmp(err, "slow_down") == 0) {
			/* RFC 8628 3.5: five seconds more, from now on. */
			d->interval += 5;
			if (cb->slow_down != NULL)
				cb->slow_down(cb->arg, d->interval);
		} else if (strcmp(err, "authorization_pending") != 0 &&
		    st != OAUTH_TEMP)
			return st;
	}
}

static enum oauth_status
device_flow(const struct oauth_cfg *cfg, const struct oauth_login_cb *cb,
    struct oauth_tokens *t, char *why, size_t whylen)
{
	struct oauth_device	d;
	enum oauth_status	st;

	memset(&d, 0, sizeof(d));
	if ((st = device_start(cfg, &d, why, whylen)) == OAUTH_OK) {
		cb->device(cb->arg, &d);
		st = device_poll(cfg, &d, cb, t, why, whylen);
	}
	oauth_device_clear(&d);
	return st;
}

/* RFC 7636 appendix A: base64url without padding. */
static int
b64url(const void *in, size_t len, char *out, size_t outsz)
{
	char	*p;

	if (b64_encode(in, len, out, outsz) == -1)
		return -1;
	for (p = out; *p != '\0'; p++)
		if (*p == '+')
			*p = '-';
		else if (*p == '/')
			*p = '_';
		else if (*p == '=') {
			*p = '\0';
			break;
		}
	return 0;
}

/* RFC 6749 4.1.1 with RFC 7636 4.3: the URL a browser opens. */
static int
auth_url(const struct oauth_cfg *cfg, const char *redirect,
    const char *state, const char *challenge, char **url)
{
	char	*id, *ru, *sc;
	int	 rc = -1;

	id = http_escape(cfg->client_id);
	ru = http_escape(redirect);
	sc = http_escape(cfg->scope);
	if (id != NULL && ru != NULL && sc != NULL && asprintf(url,
	    "%s%sresponse_type=code&client_id=%s&redirect_uri=%s&scope=%s"
	    "&state=%s&code_challenge=%s&code_challenge_method=S256%s",
	    cfg->auth_url, strchr(cfg->auth_url, '?') != NULL ? "&" : "?",
	    id, ru, sc, state, challenge,
	    /* Google gives a refresh token only when asked this way. */
	    cfg->provider == OPROV_GOOGLE ?
	    "&access_type=offline&prompt=consent" : "") != -1)
		rc = 0;
	free(id);
	free(ru);
	free(sc);
	return rc;
}

char *
oauth_query_param(const char *q, const char *name)
{
	size_t		 nl = strlen(name), vl;
	const char	*p;

	for (p = q; p != NULL && *p != '\0'; p = strchr(p, '&'), p =
	    p != NULL ? p + 1 : NULL) {
		if (strncmp(p, name, nl) != 0 || p[nl] != '=')
			continue;
		vl = strcspn(p + nl + 1, "&");
		return http_unescape(p + nl + 1, vl);
	}
	return NULL;
}

/*
 * RFC 8252 7.3: wait on the loopback listener for the browser's request
 * to the redirect URI; its query string into *query. Other requests
 * (a favicon) get a 404 and the wait goes on.
 */
static int
redirect_wait(int ls, const char *page, char **query, char *why,
    size_t whylen)
{
	struct pollfd	 pfd;
	char		 buf[REQ_MAX + 1], *sp, *q;
	int64_t		 deadline = now_ms() + LOOPBACK_WAIT * 1000LL;
	ssize_t		 n;
	size_t		 len;
	int		 fd, ok;

	for (;;) {
		pfd.fd = ls;
		pfd.events = POLLIN;
		if (bote_interrupted || ms_left(deadline) == 0) {
			whyf(why, whylen, bote_interrupted ? "interrupted" :
			    "the browser did not come back within %d seconds",
			    LOOPBACK_WAIT);
			return -1;
		}
		if (poll(&pfd, 1, 200) <= 0 ||
		    (fd = accept(ls, NULL, NULL)) == -1)
			continue;
		len = 0;
		while (len < REQ_MAX && memmem(buf, len, "\r\n\r\n", 4) ==
		    NULL) {
			pfd.fd = fd;
			if (poll(&pfd, 1, 5000) <= 0 ||
			    (n = read(fd, buf + len, REQ_MAX - len)) <= 0)
				break;
			len += (size_t)n;
		}
		buf[len] = '\0';
		ok = strncmp(buf, "GET /", 5) == 0 &&
		    (sp = strchr(buf + 4, ' ')) != NULL &&
		    (*sp = '\0', q = strchr(buf + 4, '?')) != NULL;
		n = ok ? write(fd, page, strlen(page)) : write(fd,
		    "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n", 45);
		(void)close(fd);
		if (ok) {
			*query = strdup(q + 1);
			explicit_bzero(buf, sizeof(buf));
			return *query != NULL ? 0 : -1;
		}
	}
}

static enum oauth_status
loopback_flow(const struct oauth_cfg *cfg, const struct oauth_login_cb *cb,
    struct oauth_tokens *t, char *why, size_t whylen)
{
	static const char page[] = "HTTP/1.0 200 OK\r\nContent-Type: "
	    "text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
	    "bote has the answer; you may close this window.\n";
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof(sin);
	struct http_field	 f[4];
	unsigned char		 rnd[32], dig[CRYPTO_HASHMAX];
	char			 verifier[64], challenge[64], state[32];
	char			 redirect[64], err[64];
	char			*url = NULL, *query = NULL, *code = NULL;
	char			*got = NULL, *error = NULL;
	enum oauth_status	 st = OAUTH_LOCAL;
	int			 ls;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* RFC 8252 7.3: any free port, on the loopback address only. */
	if ((ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(ls, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(ls, 4) == -1 || getsockname(ls, (struct sockaddr *)&sin,
	    &sl) == -1) {
		whyf(why, whylen, "cannot listen on 127.0.0.1: %s",
		    strerror(errno));
		goto out;
	}
	/* RFC 7636 4.1, 4.2: 32 random octets, S256. */
	if (crypto_random(rnd, sizeof(rnd)) == -1 ||
	    b64url(rnd, sizeof(rnd), verifier, sizeof(verifier)) == -1 ||
	    crypto_digest(CRYPTO_SHA256, verifier, strlen(verifier),
	    dig) == -1 || b64url(dig, 32, challenge, sizeof(challenge)) == -1 ||
	    crypto_random(rnd, 16) == -1 ||
	    b64url(rnd, 16, state, sizeof(state)) == -1 ||
	    xsnprintf(redirect, sizeof(redirect), "http://127.0.0.1:%d/",
	    ntohs(sin.sin_port)) == -1 ||
	    auth_url(cfg, redirect, state, challenge, &url) == -1) {
		whyf(why, whylen, "cannot make the authorization URL");
		goto out;
	}
	cb->browse(cb->arg, url);
	if (redirect_wait(ls, page, &query, why, whylen) == -1)
		goto out;
	got = oauth_query_param(query, "state");
	error = oauth_query_param(query, "error");
	code = oauth_query_param(query, "code");
	if (got == NULL || strcmp(got, state) != 0) {
		whyf(why, whylen, "the redirect's state is not the one sent: "
		    "ignored");
		goto out;
	}
	if (error != NULL || code == NULL) {
		(void)sanitize(err, sizeof(err), error != NULL ? error : "",
		    error != NULL ? strlen(error) : 0, 1);
		whyf(why, whylen, "the authorization server said: %s",
		    error != NULL ? err : "no code");
		st = error != NULL && strcmp(error, "access_denied") == 0 ?
		    OAUTH_DENIED : OAUTH_CONFIG;
		goto out;
	}
	f[0].name = "grant_type";
	f[0].value = "authorization_code";
	f[1].name = "code";
	f[1].value = code;
	f[2].name = "redirect_uri";
	f[2].value = redirect;
	f[3].name = "code_verifier";
	f[3].value = verifier;
	st = oauth_token_request(cfg, f, 4, t, err, sizeof(err), why, whylen);
out:
	if (ls != -1)
		(void)close(ls);
	explicit_bzero(verifier, sizeof(verifier));
	free(url);
	secret_free(query);
	secret_free(code);
	free(got);
	free(error);
	return st;
}

/* The new tokens replace whatever the account had. */
static int
store(const struct oauth_cfg *cfg, struct oauth_tokens *t, char *why,
    size_t whylen)
{
	struct ostore_entry	e;
	int			lk, rc = -1;

	if ((lk = ostore_lock(cfg->account, cfg->timeout_s, why,
	    whylen)) == -1)
		return -1;
	memset(&e, 0, sizeof(e));
	if ((e.client_id = strdup(cfg->client_id)) == NULL) {
		whyf(why, whylen, "out of memory");
		goto out;
	}
	e.t = *t;
	memset(t, 0, sizeof(*t));
	rc = ostore_write(cfg->account, &e, why, whylen);
out:
	ostore_entry_clear(&e);
	ostore_unlock(lk);
	return rc;
}

enum oauth_status
oauth_login(const struct oauth_cfg *cfg, const struct oauth_login_cb *cb,
    char *why, size_t whylen)
{
	struct http_field	 f[2];
	struct oauth_tokens	 t;
	enum oauth_status	 st;
	char			 err[64];

	memset(&t, 0, sizeof(t));
	switch (cfg->flow) {
	case OFLOW_CLIENT_CREDENTIALS:
		f[0].name = "grant_type";
		f[0].value = "client_credentials";
		f[1].name = "scope";
		f[1].value = cfg->scope;
		st = oauth_token_request(cfg, f, 2, &t, err, sizeof(err), why,
		    whylen);
		break;
	case OFLOW_LOOPBACK:
		st = loopback_flow(cfg, cb, &t, why, whylen);
		break;
	default:
		st = device_flow(cfg, cb, &t, why, whylen);
		break;
	}
	if (st == OAUTH_OK && t.refresh == NULL &&
	    cfg->flow != OFLOW_CLIENT_CREDENTIALS) {
		whyf(why, whylen, "the provider gave no refresh token (for "
		    "Microsoft, add offline_access to oauth2_scope)");
		st = OAUTH_CONFIG;
	}
	if (st == OAUTH_OK && store(cfg, &t, why, whylen) == -1)
		st = OAUTH_LOCAL;
	oauth_tokens_clear(&t);
	return st;
}
