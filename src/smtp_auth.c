/*
 * SMTP AUTH (RFC 4954) for the client in smtp.c: the mechanism is chosen
 * from what the server offers after TLS, then run as a loop of 334
 * challenges answered by the SASL module (sasl.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sasl.h"
#include "smtp_int.h"
#include "util.h"

static int	auth_plain(struct smtp *);
static int	auth_login(struct smtp *);

enum state
st_auth(struct smtp *s)
{
	const struct smtp_opts	*op = s->opts;
	unsigned		 offered = s->caps.auth;
	int			 rc;

	if (!(s->caps.flags & CAP_AUTH)) {
		outcome_set(s->o, OUT_NOAUTH, PH_AUTH, "the server does not "
		    "offer AUTH%s, but the account has auth set",
		    s->tls_active ? " after TLS" : "");
		return S_FAIL;
	}
	if (op->user == NULL || op->password == NULL) {
		outcome_set(s->o, OUT_CONFIG, PH_AUTH, "auth is set but the "
		    "account has no user or password");
		return S_FAIL;
	}
	switch (op->auth) {
	case AUTHM_ON:
		/* The strongest mechanism bote has that the server offers. */
		if (offered & AUTH_PLAIN)
			rc = auth_plain(s);
		else if (offered & AUTH_LOGIN)
			rc = auth_login(s);
		else {
			outcome_set(s->o, OUT_NOAUTH, PH_AUTH, "the server "
			    "offers no AUTH mechanism bote supports "
			    "(PLAIN, LOGIN)");
			return S_FAIL;
		}
		break;
	case AUTHM_PLAIN:
	case AUTHM_LOGIN:
		if (!(offered & (op->auth == AUTHM_PLAIN ? AUTH_PLAIN :
		    AUTH_LOGIN))) {
			outcome_set(s->o, OUT_NOAUTH, PH_AUTH, "the server "
			    "does not offer the configured AUTH mechanism "
			    "%s", op->auth == AUTHM_PLAIN ? "PLAIN" : "LOGIN");
			return S_FAIL;
		}
		rc = op->auth == AUTHM_PLAIN ? auth_plain(s) : auth_login(s);
		break;
	default:
		outcome_set(s->o, OUT_SOFTWARE, PH_AUTH, "bad auth mode");
		return S_FAIL;
	}
	if (rc == -1)
		return S_FAIL;
	if (s->r.code != 235)
		return smtp_refused(s, PH_AUTH, OUT_REPLY, "AUTH");
	if (smtp_no_extra(s, "AUTH") == -1)
		return S_FAIL;
	return S_READY;
}

/* Nothing is left pending yet in this version. */
int
auth_lazy_done(struct smtp *s)
{
	(void)s;
	return 0;
}

/* RFC 4616 with an initial response (RFC 4954 4) when it fits the line. */
static int
auth_plain(struct smtp *s)
{
	char	resp[SASL_RESPMAX];
	int	rc = -1;

	if (sasl_plain(s->opts->user, s->opts->password, resp,
	    sizeof(resp)) == -1) {
		outcome_set(s->o, OUT_CONFIG, PH_AUTH, "user name or "
		    "password too long for AUTH PLAIN");
		goto out;
	}
	/* RFC 4954 4: a command line is at most 512 octets with CRLF. */
	if (strlen(resp) + sizeof("AUTH PLAIN \r\n") - 1 <= 512) {
		if (smtp_cmd(s, "AUTH PLAIN <redacted>", "AUTH PLAIN %s",
		    resp) == -1 || smtp_flush(s, PH_AUTH, T_OTHER) == -1 ||
		    smtp_reply(s, PH_AUTH, T_OTHER) == -1)
			goto out;
	} else {
		if (smtp_cmd(s, NULL, "AUTH PLAIN") == -1 ||
		    smtp_flush(s, PH_AUTH, T_OTHER) == -1 ||
		    smtp_reply(s, PH_AUTH, T_OTHER) == -1)
			goto out;
		if (s->r.code != 334) {
			rc = 0;
			goto out;
		}
		if (smtp_cmd(s, "<redacted>", "%s", resp) == -1 ||
		    smtp_flush(s, PH_AUTH, T_OTHER) == -1 ||
		    smtp_reply(s, PH_AUTH, T_OTHER) == -1)
			goto out;
	}
	rc = 0;
out:
	explicit_bzero(resp, sizeof(resp));
	return rc;
}

static int
auth_login(struct smtp *s)
{
	char	resp[SASL_RESPMAX];
	int	i, rc = -1;

	if (smtp_cmd(s, NULL, "AUTH LOGIN") == -1 ||
	    smtp_flush(s, PH_AUTH, T_OTHER) == -1 ||
	    smtp_reply(s, PH_AUTH, T_OTHER) == -1)
		goto out;
	for (i = 0; i < 2; i++) {
		if (s->r.code != 334) {
			rc = 0;
			goto out;
		}
		if (sasl_login(i, s->opts->user, s->opts->password, resp,
		    sizeof(resp)) == -1) {
			outcome_set(s->o, OUT_CONFIG, PH_AUTH, "user name "
			    "or password too long for AUTH LOGIN");
			goto out;
		}
		if (smtp_cmd(s, "<redacted>", "%s", resp) == -1 ||
		    smtp_flush(s, PH_AUTH, T_OTHER) == -1 ||
		    smtp_reply(s, PH_AUTH, T_OTHER) == -1)
			goto out;
	}
	rc = 0;
out:
	explicit_bzero(resp, sizeof(resp));
	return rc;
}
