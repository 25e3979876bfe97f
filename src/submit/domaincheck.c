/*
 * SPF, DMARC and DKIM record texts read the way receivers read them
 * (domaincheck.h); no lookups here.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/crypto.h"
#include "base/util.h"
#include "submit/domaincheck.h"

/*
 * The SPF domains of the submission hosts of known providers: an
 * include of it covers mail sent through that host (their published
 * SPF instructions).
 */
static const struct {
	const char	*host_suffix;
	const char	*spf;
} providers[] = {
	{ "gmail.com", "_spf.google.com" },
	{ "googlemail.com", "_spf.google.com" },
	{ "office365.com", "spf.protection.outlook.com" },
	{ "outlook.com", "spf.protection.outlook.com" },
	{ "mail.yahoo.com", "_spf.mail.yahoo.com" },
	{ "fastmail.com", "spf.messagingengine.com" },
	{ "zoho.com", "zoho.com" },
	{ "zoho.eu", "zoho.eu" },
	{ "mailbox.org", "mailbox.org" },
	{ "sendgrid.net", "sendgrid.net" },
	{ "mailgun.org", "mailgun.org" },
	{ "amazonaws.com", "amazonses.com" },
};

/* Whether s starts with the tag t ("v=spf1"), case ignored, then ends. */
static int
starts_record(const char *s, const char *t)
{
	size_t	l = strlen(t);

	return strncasecmp(s, t, l) == 0 && (s[l] == '\0' || s[l] == ' ' ||
	    (s[l] == ';' && t[0] == 'v'));
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t	ls = strlen(s), lf = strlen(suffix);

	return ls >= lf && strcasecmp(s + ls - lf, suffix) == 0 &&
	    (ls == lf || s[ls - lf - 1] == '.');
}

/* One SPF term (RFC 7208 4.6.1): 0, or -1 for one SPF does not know. */
static int
spf_term(struct spf_info *si, const char *t, size_t len)
{
	static const char *const mech[] = { "all", "include", "a", "mx",
	    "ptr", "ip4", "ip6", "exists" };
	char	 q = '+', name[16];
	size_t	 i, nl;

	if (strchr("+-~?", t[0]) != NULL) {
		q = t[0];
		t++;
		len--;
	}
	for (nl = 0; nl < len && t[nl] != ':' && t[nl] != '/' &&
	    t[nl] != '='; nl++)
		continue;
	if (nl == 0 || nl >= sizeof(name))
		return -1;
	for (i = 0; i < nl; i++)
		name[i] = (char)tolower((unsigned char)t[i]);
	name[nl] = '\0';
	if (nl < len && t[nl] == '=') {
		/* A modifier; unknown ones are allowed (6). */
		if (strcmp(name, "redirect") == 0) {
			si->redirect = 1;
			si->lookups++;
		}
		return 0;
	}
	for (i = 0; i < sizeof(mech) / sizeof(mech[0]); i++)
		if (strcmp(name, mech[i]) == 0)
			break;
	if (i == sizeof(mech) / sizeof(mech[0]))
		return -1;
	if (strcmp(name, "all") == 0)
		si->all = q;
	else if (strcmp(name, "ip4") != 0 && strcmp(name, "ip6") != 0)
		si->lookups++;
	if (nl == len && strcmp(name, "mx") == 0)
		si->has_mx = 1;
	if (nl == len && strcmp(name, "a") == 0)
		si->has_a = 1;
	return 0;
}

void
spf_parse(char *const *txt, size_t n, struct spf_info *si)
{
	const char	*p, *e;
	size_t		 i;

	memset(si, 0, sizeof(*si));
	for (i = 0; i < n; i++) {
		if (!starts_record(txt[i], "v=spf1"))
			continue;
		if (si->record != NULL) {
			si->state = SPF_MULTIPLE;
			return;
		}
		si->record = txt[i];
	}
	if (si->record == NULL)
		return;
	si->state = SPF_OK;
	for (p = si->record + 6; *p != '\0'; p = e) {
		while (*p == ' ')
			p++;
		for (e = p; *e != '\0' && *e != ' '; e++)
			continue;
		if (e > p && spf_term(si, p, (size_t)(e - p)) == -1) {
			si->state = SPF_SYNTAX;
			/* The term is cut to fit: enough to find it. */
			(void)xsnprintf(si->bad, sizeof(si->bad), "%.*s",
			    (int)((size_t)(e - p) < sizeof(si->bad) - 1 ?
			    (size_t)(e - p) : sizeof(si->bad) - 1), p);
			return;
		}
	}
}

/* Whether the record has the term "name:value" (any qualifier but -). */
static int
has_term(const char *rec, const char *name, const char *value)
{
	const char	*p, *e;
	size_t		 nl = strlen(name), vl = strlen(value);

	for (p = rec; *p != '\0'; p = e) {
		while (*p == ' ')
			p++;
		for (e = p; *e != '\0' && *e != ' '; e++)
			continue;
		if (*p == '+' || *p == '~' || *p == '?')
			p++;
		if ((size_t)(e - p) == nl + 1 + vl &&
		    strncasecmp(p, name, nl) == 0 && p[nl] == ':' &&
		    strncasecmp(p + nl + 1, value, vl) == 0)
			return 1;
	}
	return 0;
}

int
spf_covers(const struct spf_info *si, const char *domain, const char *host,
    char *const *addrs, size_t naddrs, char *const *mx, size_t nmx,
    const char **via)
{
	const char	*h;
	size_t		 i;

	*via = NULL;
	if (si->state != SPF_OK)
		return 0;
	for (i = 0; i < naddrs; i++)
		if (has_term(si->record, strchr(addrs[i], ':') != NULL ?
		    "ip6" : "ip4", addrs[i])) {
			*via = addrs[i];
			return 1;
		}
	for (i = 0; si->has_mx && i < nmx; i++)
		if ((h = strchr(mx[i], ' ')) != NULL &&
		    strcasecmp(h + 1, host) == 0) {
			*via = "mx";
			return 1;
		}
	if (si->has_a && strcasecmp(host, domain) == 0) {
		*via = "a";
		return 1;
	}
	for (i = 0; i < sizeof(providers) / sizeof(providers[0]); i++)
		if (ends_with(host, providers[i].host_suffix) &&
		    has_term(si->record, "include", providers[i].spf)) {
			*via = providers[i].spf;
			return 1;
		}
	return 0;
}

/* The value of tag t in a "t=v; t=v" record, into out; 0, or -1. */
static int
tag_value(const char *rec, const char *t, char *out, size_t sz)
{
	const char	*p = rec, *e;
	size_t		 tl = strlen(t), l;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		for (e = p; *e != '\0' && *e != ';'; e++)
			continue;
		if ((size_t)(e - p) > tl && strncasecmp(p, t, tl) == 0) {
			for (p += tl; *p == ' ' || *p == '\t'; p++)
				continue;
			if (*p == '=') {
				for (p++; *p == ' ' || *p == '\t'; p++)
					continue;
				for (l = (size_t)(e - p); l > 0 &&
				    (p[l - 1] == ' ' || p[l - 1] == '\t'); l--)
					continue;
				if (l >= sz)
					return -1;
				memcpy(out, p, l);
				out[l] = '\0';
				return 0;
			}
		}
		p = e;
	}
	return -1;
}

void
dmarc_parse(char *const *txt, size_t n, struct dmarc_info *di)
{
	const char	*rec = NULL;
	char		 v[16];
	size_t		 i;

	memset(di, 0, sizeof(*di));
	di->adkim = di->aspf = 'r';
	di->pct = 100;
	for (i = 0; i < n; i++) {
		if (!starts_record(txt[i], "v=DMARC1"))
			continue;
		if (rec != NULL) {
			di->state = DMARC_MULTIPLE;
			return;
		}
		rec = txt[i];
	}
	if (rec == NULL)
		return;
	di->state = DMARC_BAD;
	if (tag_value(rec, "p", di->p, sizeof(di->p)) == -1 ||
	    (strcasecmp(di->p, "none") != 0 && strcasecmp(di->p,
	    "quarantine") != 0 && strcasecmp(di->p, "reject") != 0))
		return;
	if (tag_value(rec, "adkim", v, sizeof(v)) == 0)
		di->adkim = (char)tolower((unsigned char)v[0]);
	if (tag_value(rec, "aspf", v, sizeof(v)) == 0)
		di->aspf = (char)tolower((unsigned char)v[0]);
	if (tag_value(rec, "pct", v, sizeof(v)) == 0)
		di->pct = (int)strtonum(v, 0, 100, NULL);
	di->state = DMARC_OK;
}

enum dkim_state
dkim_record_check(char *const *txt, size_t n, const unsigned char *pub,
    size_t publen)
{
	char		 p[4096], b64[4096];
	unsigned char	 key[4096];
	size_t		 i, j, o;
	ssize_t		 kl;

	for (i = 0; i < n; i++) {
		if (tag_value(txt[i], "p", p, sizeof(p)) == -1) {
			if (strstr(txt[i], "p=") == NULL)
				continue;
			return DKREC_BAD;
		}
		if (p[0] == '\0')
			return DKREC_REVOKED;
		for (j = o = 0; p[j] != '\0'; j++)
			if (!isspace((unsigned char)p[j]))
				b64[o++] = p[j];
		b64[o] = '\0';
		if ((kl = b64_decode(b64, o, key, sizeof(key))) < 0)
			return DKREC_BAD;
		return (size_t)kl == publen && memcmp(key, pub, publen) == 0 ?
		    DKREC_MATCH : DKREC_OTHER;
	}
	return DKREC_NONE;
}

/* The last two labels of d: the organizational domain, roughly. */
static const char *
org_domain(const char *d)
{
	const char	*p = d + strlen(d), *last = NULL;

	while (p > d) {
		p--;
		if (*p == '.') {
			if (last != NULL)
				return p + 1;
			last = p;
		}
	}
	return d;
}

int
domain_aligned(const char *a, const char *b, int strict)
{
	if (strcasecmp(a, b) == 0)
		return 1;
	return !strict && strcasecmp(org_domain(a), org_domain(b)) == 0;
}
