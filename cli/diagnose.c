/*
 * The table of known replies (diagnose.h). Data, one row per reply, the
 * first match wins, so a provider's precise reply comes before the
 * generic words it shares with others. A row matches when the reply
 * code (0: any), the enhanced status code (NULL: any) and a piece of
 * the text (case ignored; NULL: any) all match. The advice is
 * one line, says what to change, and never repeats the server's text,
 * which report_outcome() shows before it.
 *
 * Sources: Microsoft's and Google's published SMTP error references,
 * RFC 3463 (enhanced codes), RFC 5321 and Postfix's and Exim's reply
 * texts for the generic rows.
 */
#include <string.h>
#include <strings.h>

#include "diagnose.h"

struct known_reply {
	int		 code;
	const char	*enh;
	const char	*text;
	const char	*advice;
};

#define ADV_SENDAS	"the server does not let this account send as that " \
			"sender: set from (and -f) to the account's own " \
			"address, or have Send As rights granted to it"
#define ADV_RELAY	"the server will not relay for this client: use the " \
			"submission port (587, or 465 with tls_starttls off) " \
			"with auth on, user and password"
#define ADV_AUTHREQ	"the server wants a login first: set auth on, with " \
			"user and password"
#define ADV_RATE	"the server limits how much or how fast this account " \
			"sends: the queue retries it later"
#define ADV_SIZE	"the message is larger than the server takes: send a " \
			"smaller one (a link instead of a large attachment)"

static const struct known_reply known[] = {
	/* Microsoft 365 (Exchange Online). */
	{ 535, "5.7.139", "SmtpClientAuthentication is disabled",
	    "SMTP AUTH is disabled for this Microsoft 365 mailbox or tenant: "
	    "an administrator must enable Authenticated SMTP for it, or use "
	    "OAuth2 (auth xoauth2)" },
	{ 535, "5.7.139", "basic authentication is disabled",
	    "Microsoft 365 takes no password here: use OAuth2 (auth xoauth2, "
	    "the token from passwordeval)" },
	{ 535, "5.7.139", "security defaults",
	    "the tenant's security defaults block SMTP AUTH: an administrator "
	    "must allow it for this mailbox, or use OAuth2" },
	{ 535, "5.7.139", NULL,
	    "Microsoft 365 refused the login: user is the full address; with "
	    "multi-factor authentication use an app password, or OAuth2" },
	{ 535, "5.7.3", NULL,
	    "the login was refused: check user and password, and that "
	    "Authenticated SMTP is enabled for the mailbox" },
	{ 0, "5.7.60", NULL, ADV_SENDAS },
	{ 0, NULL, "SendAsDenied", ADV_SENDAS },
	{ 0, "4.3.2", "concurrent connections",
	    "too many connections at once for this mailbox: the queue "
	    "retries it; fewer parallel senders help" },
	{ 0, "4.3.2", "thread limit",
	    "too many submissions at once for this mailbox: the queue "
	    "retries it; fewer parallel senders help" },
	{ 0, "5.7.57", NULL, ADV_AUTHREQ },
	/* Google. */
	{ 534, "5.7.9", NULL,
	    "Google wants an app password for this account (2-Step "
	    "Verification is on): create one in the Google Account's "
	    "security settings and use it as the password, or use OAuth2" },
	{ 534, "5.7.14", NULL,
	    "Google blocked this login: sign in to the account in a browser "
	    "once, then try again; or use an app password, or OAuth2" },
	{ 535, "5.7.8", "Username and Password not accepted",
	    "Google refused user or password: user is the full address; "
	    "with 2-Step Verification use an app password" },
	{ 0, "5.4.5", NULL,
	    "the account's daily sending limit is reached: the message can "
	    "go once the limit resets (Gmail: within 24 hours)" },
	{ 454, "4.7.0", "login attempts",
	    "too many logins in a short time: the queue retries it later" },
	/* Generic. */
	{ 0, NULL, "relay access denied", ADV_RELAY },
	{ 0, NULL, "relaying denied", ADV_RELAY },
	{ 0, NULL, "not permitted to relay", ADV_RELAY },
	{ 0, NULL, "unable to relay", ADV_RELAY },
	{ 530, NULL, "STARTTLS",
	    "the server wants TLS first: set tls on (and tls_starttls on for "
	    "port 587)" },
	{ 530, NULL, NULL, ADV_AUTHREQ },
	{ 0, NULL, "authentication required", ADV_AUTHREQ },
	{ 0, "5.7.1", "SPF",
	    "the sender's domain does not allow this server (SPF): its SPF "
	    "record must include the server, or send from the account's own "
	    "domain" },
	{ 0, "5.7.1", "DMARC",
	    "the From domain's DMARC policy failed here: send from the "
	    "account's own domain, or have the domain's SPF and DKIM cover "
	    "this server" },
	{ 0, NULL, "sender address rejected",
	    "the server refuses this sender address: set from (and -f) to an "
	    "address this account may use" },
	{ 0, NULL, "client host rejected",
	    "the server refuses this client's address (a block list, or only "
	    "its own networks): use the provider's submission server and port "
	    "with auth" },
	{ 0, NULL, "greylist",
	    "greylisted: a temporary refusal that a later try gets past; the "
	    "queue retries it" },
	{ 421, NULL, "too many", ADV_RATE },
	{ 0, "4.7.0", "too many", ADV_RATE },
	{ 0, "4.7.0", "rate", ADV_RATE },
	{ 0, "5.3.4", NULL, ADV_SIZE },
	{ 552, NULL, "size", ADV_SIZE },
};

const char *
diagnose(const struct outcome *o)
{
	const struct known_reply	*k;
	size_t				 i;

	if (o->code == 0)
		return NULL;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		k = &known[i];
		if (k->code != 0 && k->code != o->code)
			continue;
		if (k->enh != NULL && strcmp(o->enh, k->enh) != 0)
			continue;
		if (k->text != NULL && strcasestr(o->text, k->text) == NULL)
			continue;
		return k->advice;
	}
	return NULL;
}
