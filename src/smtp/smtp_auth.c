/*
 * SMTP AUTH (RFC 4954) for the client in smtp.c. The mechanism is the
 * configured one, or with "auth on" the strongest the server offers after
 * TLS (sasl_choose: SCRAM-*-PLUS when channel binding data exists, SCRAM,
 * PLAIN, CRAM-MD5, LOGIN). The exchange is one loop for every mechanism:
 * each 334 challenge goes to sasl_step() and its answer back on a line of
 * its own; 235 ends it, after sasl_finish() has checked what the server
 * had to prove (SCRAM's server signature). Every line that carries SASL
 * data is shown as <redacted> in traces.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/io.h"
#include "smtp/sasl.h"
#include "smtp/smtp_int.h"
#include "net/tls.h"
#include "base/util.h"

/* RFC 4954 4: the AUTH command line, CRLF included, fits 512 octets. */
#define AUTH_LINEMAX	512
/* Channel binding data: tls-exporter is 32 octets, tls-unique 12. */
#define CB_MAX		64

/* enum auth_mode lists the mechanisms in enum sasl_mech's order. */
_Static_assert(AUTHM_EXTERNAL - AUTHM_PLAIN == SASL_EXTERNAL - SASL_PLAIN &&
    AUTHM_SCRAM_SHA_256_PLUS - AUTHM_PLAIN ==
    SASL_SCRAM_SHA_256_PLUS - SASL_PLAIN,
    "auth modes and SASL mechanisms map one to one");

static void		offered_names(unsigned, char *, size_t);
static enum sasl_mech	pick(struct smtp *, int);
static int		exchange(struct smtp *, enum sasl_mech, const char *,
			    int, char *, size_t);
static int		cancel(struct smtp *, enum sasl_mech, const char *);
static int		attempt(struct smtp *, enum sasl_mech,
			    const struct sasl_cb *, const char *);
static int		retry_oauth2(struct smtp *, enum sasl_mech);

/* "PLAIN LOGIN" for an offered mask, or words saying there is none. */
static void
offered_names(unsigned offered, char *buf, size_t sz)
{
	int	m;

	buf[0] = '\0';
	for (m = SASL_NONE + 1; m < SASL__COUNT; m++) {
		if (!(offered & SASL_BIT(m)))
			continue;
		if (buf[0] != '\0')
			(void)strlcat(buf, " ", sz);
		(void)strlcat(buf, sasl_mech_name((enum sasl_mech)m), sz);
	}
	if (buf[0] == '\0')
		/* A display string: a short buffer keeps a readable prefix. */
		(void)xstrlcpy(buf, "no mechanism bote knows", sz);
}

/* The mechanism to use, or SASL_NONE with *o set. */
static enum sasl_mech
pick(struct smtp *s, int cb_ok)
{
	const struct smtp_opts	*op = s->opts;
	unsigned		 offered = s->caps.auth;
	enum sasl_mech		 m;
	char			 names[256];

	offered_names(offered, names, sizeof(names));
	/* RFC 7628 is the standard; XOAUTH2 is Google's older one. */
	if (op->auth == AUTHM_ON && op->oauth2) {
		if (offered & SASL_BIT(SASL_OAUTHBEARER))
			return SASL_OAUTHBEARER;
		if (offered & SASL_BIT(SASL_XOAUTH2))
			return SASL_XOAUTH2;
		outcome_set(s->o, OUT_NOAUTH, PH_AUTH, "the account uses "
		    "OAuth2, but the server offers neither OAUTHBEARER nor "
		    "XOAUTH2 (it offers: %s)", names);
		return SASL_NONE;
	}
	if (op->auth == AUTHM_ON) {
		if ((m = sasl_choose(offered, cb_ok)) == SASL_NONE)
			outcome_set(s->o, OUT_NOAUTH, PH_AUTH, "the server "
			    "offers no AUTH mechanism bote chooses by itself "
			    "(it offers: %s); name one with auth METHOD",
			    names);
		return m;
	}
	if (op->auth < AUTHM_PLAIN || op->auth > AUTHM_EXTERNAL) {
		outcome_set(s->o, OUT_SOFTWARE, PH_AUTH, "bad auth mode");
		return SASL_NONE;
	}
	m = (enum sasl_mech)(op->auth - AUTHM_PLAIN + SASL_PLAIN);
	if (!(offered & SASL_BIT(m))) {
		outcome_set(s->o, OUT_NOAUTH, PH_AUTH, "the server does not "
		    "offer the configured AUTH mechanism %s (it offers: %s)",
		    sasl_mech_name(m), names);
		return SASL_NONE;
	}
	return m;
}

enum state
st_auth(struct smtp *s)
{
	struct sasl_cb		 cb;
	unsigned char		 cbdata[CB_MAX];
	const char		*cbtype = NULL;
	enum sasl_mech		 m;
	size_t			 cblen = 0;
	int			 cb_ok = 0, rc;

	if (!(s->caps.flags & CAP_AUTH)) {
		outcome_set(s->o, OUT_NOAUTH, PH_AUTH, "the server does not "
		    "offer AUTH%s, but the account has auth set",
		    s->tls_active ? " after TLS" : "");
		return S_FAIL;
	}
	if (s->tls_active && tls_channel_binding(io_tls(s->io), &cbtype,
	    cbdata, sizeof(cbdata), &cblen) == 0)
		cb_ok = 1;
	if ((m = pick(s, cb_ok)) == SASL_NONE)
		return S_FAIL;
	memset(&cb, 0, sizeof(cb));
	cb.tls = s->tls_active;
	if (cb_ok) {
		cb.type = cbtype;
		cb.data = cbdata;
		cb.len = cblen;
	}
	rc = attempt(s, m, &cb, s->opts->password);
	if (rc == -1 && retry_oauth2(s, m) == 0)
		rc = attempt(s, m, &cb, s->token);
	explicit_bzero(cbdata, sizeof(cbdata));
	if (rc == -1)
		return S_FAIL;
	s->authed = sasl_mech_name(m);
	return S_READY;
}

/* One AUTH exchange with mechanism m and the secret given. */
static int
attempt(struct smtp *s, enum sasl_mech m, const struct sasl_cb *cb,
    const char *secret)
{
	const struct smtp_opts	*op = s->opts;
	struct sasl_cred	 cred;
	char			 why[OUTCOME_WHYMAX], ir[SASL_RESPMAX];
	int			 has_ir, rc = -1;

	/* EXTERNAL proves who we are with the client certificate. */
	if (m != SASL_EXTERNAL && (op->user == NULL || secret == NULL))
		return outcome_set(s->o, OUT_CONFIG, PH_AUTH, "auth is set "
		    "but the account has no user or password");
	memset(&cred, 0, sizeof(cred));
	cred.user = op->user;
	cred.secret = secret;
	cred.host = op->host;
	cred.port = op->port;
	sasl_free(s->sasl);
	if ((s->sasl = sasl_new(m, &cred, cb, why, sizeof(why))) == NULL) {
		outcome_set(s->o, OUT_NOAUTH, PH_AUTH, "cannot authenticate "
		    "with %s: %s", sasl_mech_name(m), why);
		goto out;
	}
	if (sasl_start(s->sasl, ir, sizeof(ir), &has_ir, why,
	    sizeof(why)) == -1) {
		outcome_set(s->o, OUT_NOAUTH, PH_AUTH, "cannot authenticate "
		    "with %s: %s", sasl_mech_name(m), why);
		goto out;
	}
	rc = exchange(s, m, ir, has_ir, why, sizeof(why));
out:
	explicit_bzero(ir, sizeof(ir));
	return rc;
}

/*
 * The server refused an OAuth2 access token (RFC 7628 3.2.2: a 5yz
 * after the error JSON): it may have expired early or been revoked, so
 * once per session a new one is fetched and AUTH tried again (RFC 4954
 * allows another AUTH after a failed one). 0: try again.
 */
static int
retry_oauth2(struct smtp *s, enum sasl_mech m)
{
	const struct smtp_opts	*op = s->opts;
	char			 why[OUTCOME_WHYMAX];
	int			 rc;

	if (op->reauth == NULL || s->token != NULL || s->broken ||
	    (m != SASL_XOAUTH2 && m != SASL_OAUTHBEARER) ||
	    s->o->kind != OUT_REPLY || s->r.code / 100 != 5)
		return -1;
	smtp_trace(s, TRACE_INFO, "the server refused the OAuth2 access "
	    "token: asking the token endpoint for a new one");
	if ((rc = op->reauth(op->reauth_arg, &s->token, why,
	    sizeof(why))) != 0) {
		s->token = NULL;
		smtp_trace(s, TRACE_INFO, "no new token: %s", why);
		/* A login or the token endpoint is missing, not the server. */
		if (rc == -2) {
			memset(s->o, 0, sizeof(*s->o));
			outcome_set(s->o, OUT_TEMP, PH_AUTH, "the server "
			    "refused the OAuth2 access token, and there is no "
			    "new one: %s", why);
		} else
			whyf(s->o->why, sizeof(s->o->why), "no new OAuth2 "
			    "access token (%s), and the server answered AUTH "
			    "with", why);
		return -1;
	}
	memset(s->o, 0, sizeof(*s->o));
	return 0;
}

/*
 * Send AUTH with the initial response ir (when has_ir) and answer the
 * server's challenges until it says 235 or refuses. With smtp_send's lazy
 * AUTH the command is only queued when RFC 4954 4 allows it to share a
 * group with the transaction: PIPELINING, an initial response on the
 * line, and a mechanism that completes in that one round trip.
 */
static int
exchange(struct smtp *s, enum sasl_mech m, const char *ir, int has_ir,
    char *note, size_t notesz)
{
	const char	*name = sasl_mech_name(m);
	char		 shown[64], resp[SASL_RESPMAX], why[OUTCOME_WHYMAX];
	int		 pending_ir = 0, rc = -1;

	note[0] = '\0';
	/* The trace line: a mechanism name always fits. */
	(void)xsnprintf(shown, sizeof(shown), "AUTH %s <redacted>", name);
	if (has_ir && sizeof("AUTH  \r\n") - 1 + strlen(name) + strlen(ir) <=
	    AUTH_LINEMAX) {
		/* Sent with the transaction's group: see st_envelope. */
		if (s->lazy_auth && (s->caps.flags & CAP_PIPELINING) &&
		    (m == SASL_PLAIN || m == SASL_EXTERNAL)) {
			if (asprintf(&s->lazy_line, "AUTH %s %s", name,
			    ir) == -1) {
				s->lazy_line = NULL;
				return outcome_set(s->o, OUT_OSERR, PH_AUTH,
				    "out of memory");
			}
			/* The same trace line, into a buffer as large. */
			(void)xstrlcpy(s->lazy_shown, shown,
			    sizeof(s->lazy_shown));
			s->auth_pending = 1;
			return 0;
		}
		if (smtp_cmd(s, shown, "AUTH %s %s", name, ir) == -1)
			goto out;
	} else {
		/* Too long for the line: it follows the first 334. */
		pending_ir = has_ir;
		if (smtp_cmd(s, NULL, "AUTH %s", name) == -1)
			goto out;
	}
	if (smtp_flush(s, PH_AUTH, T_OTHER) == -1 ||
	    smtp_reply(s, PH_AUTH, T_OTHER) == -1)
		goto out;
	while (s->r.code == 334) {
		if (pending_ir) {
			pending_ir = 0;
			if (xstrlcpy(resp, ir, sizeof(resp)) == -1)
				goto out;
		} else if (sasl_step(s->sasl, s->r.text, s->r.textlen, resp,
		    sizeof(resp), why, sizeof(why)) == -1) {
			cancel(s, m, why);
			goto out;
		} else if (why[0] != '\0') {
			/* XOAUTH2/OAUTHBEARER: the error the server gave. */
			smtp_trace(s, TRACE_INFO, "%s", why);
			whyf(note, notesz, "%s", why);
		}
		if (smtp_cmd(s, "<redacted>", "%s", resp) == -1 ||
		    smtp_flush(s, PH_AUTH, T_OTHER) == -1 ||
		    smtp_reply(s, PH_AUTH, T_OTHER) == -1)
			goto out;
	}
	if (s->r.code != 235) {
		smtp_refused(s, PH_AUTH, OUT_REPLY, "AUTH");
		if (note[0] != '\0')
			whyf(s->o->why, sizeof(s->o->why), "the "
			    "server answered AUTH (%s) with", note);
		goto out;
	}
	if (auth_finish(s) == -1 || smtp_no_extra(s, "AUTH") == -1)
		goto out;
	rc = 0;
out:
	explicit_bzero(resp, sizeof(resp));
	return rc;
}

int
auth_send_lazy(struct smtp *s)
{
	int	rc;

	rc = smtp_cmd(s, s->lazy_shown, "%s", s->lazy_line);
	freezero(s->lazy_line, strlen(s->lazy_line) + 1);
	s->lazy_line = NULL;
	return rc;
}

/*
 * RFC 4954 4: "*" cancels the exchange; the server answers 501. The
 * session is not authenticated, so nothing but QUIT may follow.
 */
static int
cancel(struct smtp *s, enum sasl_mech m, const char *why)
{
	char	w[OUTCOME_WHYMAX];

	whyf(w, sizeof(w), "%s", why);
	if (smtp_cmd(s, NULL, "*") == 0 &&
	    smtp_flush(s, PH_AUTH, T_OTHER) == 0)
		(void)smtp_reply(s, PH_AUTH, T_OTHER);
	s->broken = 1;
	/* sasl.c's reasons start with the mechanism's name. */
	if (strncmp(w, sasl_mech_name(m), strlen(sasl_mech_name(m))) == 0)
		return outcome_set(s->o, OUT_PROTO, PH_AUTH, "%s; the "
		    "exchange was cancelled", w);
	return outcome_set(s->o, OUT_PROTO, PH_AUTH, "%s: %s; the exchange "
	    "was cancelled", sasl_mech_name(m), w);
}

/*
 * After 235: the mechanism may still need to have seen the server's
 * proof (SCRAM's v=). Without it the server is not who it claims to be.
 */
int
auth_finish(struct smtp *s)
{
	char	why[OUTCOME_WHYMAX];
	int	rc = 0;

	if (s->sasl != NULL && sasl_finish(s->sasl, why, sizeof(why)) == -1) {
		s->broken = 1;
		rc = outcome_set(s->o, OUT_PROTO, PH_AUTH, "the server "
		    "accepted AUTH without proving that it knows the "
		    "password: %s", why);
	}
	sasl_free(s->sasl);
	s->sasl = NULL;
	return rc;
}
