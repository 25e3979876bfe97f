/*
 * The sender-domain report (bote.1, --check-domain): for the domain of
 * the account's From address (or the one named), one line per record a
 * receiver looks at — MX, SPF, DMARC, the DKIM keys the account signs
 * with, and DKIM alignment — each a verdict and, when not fine, the fix.
 * DNS through the system resolver (src/net/dns.c); the reading of the
 * records is src/submit/domaincheck.c. It never sends anything.
 *
 * Exit status: 0 when no line says "error", 1 when one does, 75 when a
 * lookup got no answer (try again), 64 and 78 as elsewhere.
 */
#include <sys/socket.h>

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "base/crypto.h"
#include "base/util.h"
#include "checkdomain.h"
#include "conf/secret.h"
#include "net/dns.h"
#include "report.h"
#include "submit/domaincheck.h"

#define ADDRMAX	16

struct report {
	const char	*domain;
	const struct account *acct;
	int		 errors;
	int		 nodns;		/* a lookup got no answer */
	char		**mx;
	size_t		 nmx;
	struct dmarc_info dmarc;
};

static void
line(struct report *r, const char *what, const char *verdict,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
line(struct report *r, const char *what, const char *verdict,
    const char *fmt, ...)
{
	char	buf[1536];
	va_list	ap;

	if (strcmp(verdict, "error") == 0)
		r->errors++;
	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	(void)printf("%-6s %-8s %s\n", what, verdict, buf);
}

static int
looked_up(struct report *r, const char *what, enum dns_result d,
    const char *name)
{
	if (d != DNS_FAIL)
		return 1;
	r->nodns = 1;
	line(r, what, "unknown", "no answer for %s from the resolver; try "
	    "again later", name);
	return 0;
}

static void
check_mx(struct report *r)
{
	enum dns_result	d = dns_mx(r->domain, &r->mx, &r->nmx);
	char		list[512] = "";
	size_t		i;

	if (!looked_up(r, "MX", d, r->domain))
		return;
	if (d == DNS_NONE) {
		line(r, "MX", "warning", "no MX record: replies to this domain "
		    "go to its address record, if any; publish an MX record");
		return;
	}
	for (i = 0; i < r->nmx; i++) {
		(void)strlcat(list, i > 0 ? ", " : "", sizeof(list));
		/* A display list: a long one keeps its first names. */
		(void)strlcat(list, r->mx[i], sizeof(list));
	}
	line(r, "MX", "ok", "%s", list);
}

/* The account host's addresses as text, for ip4:/ip6: terms. */
static size_t
host_addrs(const char *host, char **v, size_t max)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	char		 buf[NI_MAXHOST];
	size_t		 n = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (host == NULL || getaddrinfo(host, NULL, &hints, &res) != 0)
		return 0;
	for (ai = res; ai != NULL && n < max; ai = ai->ai_next)
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, buf, sizeof(buf),
		    NULL, 0, NI_NUMERICHOST) == 0 &&
		    (v[n] = strdup(buf)) != NULL)
			n++;
	freeaddrinfo(res);
	return n;
}

static void
spf_verdict(struct report *r, const struct spf_info *si)
{
	const char	*host = r->acct->host, *via;
	char		*addrs[ADDRMAX];
	size_t		 na, i;

	if (si->all == '+')
		line(r, "SPF", "error", "%s: +all lets any server send as %s; "
		    "end it with -all or ~all", si->record, r->domain);
	else if (si->lookups > 10)
		line(r, "SPF", "error", "%s: %d terms need a DNS lookup, over "
		    "the limit of 10 (RFC 7208 4.6.4); flatten some includes",
		    si->record, si->lookups);
	else if (si->all == 0 && !si->redirect)
		line(r, "SPF", "warning", "%s: no \"all\" term, so mail from "
		    "other servers is neutral; end it with -all or ~all",
		    si->record);
	na = host_addrs(host, addrs, ADDRMAX);
	if (spf_covers(si, r->domain, host ? host : "", addrs, na, r->mx,
	    r->nmx, &via))
		line(r, "SPF", "ok", "%s: lets %s send (%s)", si->record, host,
		    via);
	else if (host != NULL)
		line(r, "SPF", "warning", "%s: bote cannot tell whether it lets "
		    "%s send (it names no address of it and no include bote "
		    "knows for it); check the provider's SPF instructions",
		    si->record, host);
	for (i = 0; i < na; i++)
		free(addrs[i]);
}

static void
check_spf(struct report *r)
{
	struct spf_info	 si;
	char		**txt = NULL;
	size_t		  n = 0;
	enum dns_result	  d = dns_txt(r->domain, &txt, &n);

	if (!looked_up(r, "SPF", d, r->domain))
		return;
	spf_parse(txt, n, &si);
	switch (si.state) {
	case SPF_NONE:
		line(r, "SPF", "error", "no SPF record: publish a TXT record "
		    "\"v=spf1 include:<your provider's SPF domain> -all\" (or "
		    "ip4: with your server's address) for %s", r->domain);
		break;
	case SPF_MULTIPLE:
		line(r, "SPF", "error", "more than one v=spf1 record, which "
		    "receivers take as an error (RFC 7208 3.2); merge them "
		    "into one");
		break;
	case SPF_SYNTAX:
		line(r, "SPF", "error", "%s: \"%s\" is not an SPF term, which "
		    "receivers take as an error; fix or remove it", si.record,
		    si.bad);
		break;
	case SPF_OK:
		spf_verdict(r, &si);
		break;
	}
	dns_free(txt, n);
}

static void
check_dmarc(struct report *r)
{
	char		  name[300], **txt = NULL;
	size_t		  n = 0;
	enum dns_result	  d;

	if (xsnprintf(name, sizeof(name), "_dmarc.%s", r->domain) == -1)
		return;
	d = dns_txt(name, &txt, &n);
	if (!looked_up(r, "DMARC", d, name))
		return;
	dmarc_parse(txt, n, &r->dmarc);
	dns_free(txt, n);
	switch (r->dmarc.state) {
	case DMARC_NONE:
		line(r, "DMARC", "warning", "no DMARC record at %s: publish "
		    "\"v=DMARC1; p=none; rua=mailto:<you>\" to get reports, "
		    "then tighten p=", name);
		break;
	case DMARC_MULTIPLE:
		line(r, "DMARC", "error", "more than one v=DMARC1 record at "
		    "%s: receivers ignore them all; keep one", name);
		break;
	case DMARC_BAD:
		line(r, "DMARC", "error", "the record at %s has no valid p= "
		    "(none, quarantine or reject): receivers ignore it", name);
		break;
	case DMARC_OK:
		line(r, "DMARC", strcasecmp(r->dmarc.p, "none") == 0 ?
		    "warning" : "ok", "p=%s, DKIM alignment %s, SPF alignment "
		    "%s%s", r->dmarc.p, r->dmarc.adkim == 's' ? "strict" :
		    "relaxed", r->dmarc.aspf == 's' ? "strict" : "relaxed",
		    strcasecmp(r->dmarc.p, "none") == 0 ? "; p=none only asks "
		    "for reports: set quarantine or reject once they are clean"
		    : "");
		break;
	}
}

/* The TXT record that publishes key (what --dkim-keygen prints). */
static void
dkim_record(const struct crypto_key *key, const unsigned char *pub,
    size_t publen, char *out, size_t sz)
{
	char	b64[4096];

	if (b64_encode(pub, publen, b64, sizeof(b64)) == -1)
		b64[0] = '\0';
	/* The record is long; a cut one still names the fix. */
	(void)snprintf(out, sz, "v=DKIM1; k=%s; p=%s",
	    crypto_key_type(key) == CRYPTO_KEY_RSA ? "rsa" : "ed25519", b64);
}

static void
check_dkim_key(struct report *r, const char *sel, const char *keyfile)
{
	struct crypto_key *key;
	unsigned char	 pub[CRYPTO_PUBMAX];
	char		 name[300], why[512], want[4200], **txt = NULL;
	size_t		 publen = sizeof(pub), n = 0;
	enum dns_result	 d;

	if (xsnprintf(name, sizeof(name), "%s._domainkey.%s", sel,
	    r->acct->dkim_domain) == -1)
		return;
	if ((key = secret_key_load(keyfile, why, sizeof(why))) == NULL) {
		line(r, "DKIM", "error", "%s", why);
		return;
	}
	if (crypto_key_public(key, pub, &publen) == -1) {
		line(r, "DKIM", "error", "cannot derive the public key of %s",
		    keyfile);
		crypto_key_free(key);
		return;
	}
	dkim_record(key, pub, publen, want, sizeof(want));
	crypto_key_free(key);
	d = dns_txt(name, &txt, &n);
	if (!looked_up(r, "DKIM", d, name))
		return;
	switch (dkim_record_check(txt, n, pub, publen)) {
	case DKREC_MATCH:
		line(r, "DKIM", "ok", "%s publishes the key of %s", name,
		    keyfile);
		break;
	case DKREC_NONE:
		line(r, "DKIM", "error", "no key record at %s: publish the TXT "
		    "record \"%s\"", name, want);
		break;
	case DKREC_REVOKED:
		line(r, "DKIM", "error", "%s is revoked (empty p=): publish "
		    "\"%s\", or use another selector", name, want);
		break;
	case DKREC_BAD:
		line(r, "DKIM", "error", "the record at %s has no usable p=: "
		    "publish \"%s\"", name, want);
		break;
	case DKREC_OTHER:
		line(r, "DKIM", "error", "%s publishes another key than %s: "
		    "receivers will fail the signature; publish \"%s\"", name,
		    keyfile, want);
		break;
	}
	dns_free(txt, n);
}

static void
check_dkim(struct report *r)
{
	const struct account	*a = r->acct;

	if (a->dkim_domain == NULL || a->dkim_selector == NULL ||
	    a->dkim_key == NULL) {
		line(r, "DKIM", "note", "account %s does not sign (no "
		    "dkim_domain, dkim_selector, dkim_key): DMARC then rests "
		    "on SPF, or on your provider's signature", a->name);
		return;
	}
	check_dkim_key(r, a->dkim_selector, a->dkim_key);
	if (a->dkim_selector2 != NULL && a->dkim_key2 != NULL)
		check_dkim_key(r, a->dkim_selector2, a->dkim_key2);
	if (domain_aligned(r->domain, a->dkim_domain, r->dmarc.adkim == 's'))
		line(r, "Align", "ok", "From %s and DKIM d=%s align (%s)",
		    r->domain, a->dkim_domain, r->dmarc.adkim == 's' ?
		    "strict" : "relaxed");
	else
		line(r, "Align", "error", "From %s and DKIM d=%s do not align%s:"
		    " DMARC cannot pass on DKIM; set dkim_domain %s", r->domain,
		    a->dkim_domain, r->dmarc.adkim == 's' ? " (strict)" : "",
		    r->domain);
}

int
checkdomain_report(const struct account *acct, const char *domain)
{
	struct report	 r;

	memset(&r, 0, sizeof(r));
	r.acct = acct;
	r.domain = domain;
	(void)printf("sender domain %s, account %s, server %s\n", r.domain,
	    acct->name, acct->host != NULL ? acct->host : "(none)");
	check_mx(&r);
	check_spf(&r);
	check_dmarc(&r);
	check_dkim(&r);
	dns_free(r.mx, r.nmx);
	if (fflush(stdout) != 0)
		return EX_IOERR;
	return r.nodns ? EX_TEMPFAIL : r.errors > 0 ? 1 : EX_OK;
}

int
mode_check_domain(struct mode_ctx *m)
{
	const char	*at;

	if (m->args->nrcpts > 1) {
		say("--check-domain takes one domain");
		return EX_USAGE;
	}
	if (m->args->nrcpts == 1)
		return checkdomain_report(m->acct, m->args->rcpts[0]);
	if (m->acct->from != NULL &&
	    (at = strrchr(m->acct->from, '@')) != NULL && at[1] != '\0')
		return checkdomain_report(m->acct, at + 1);
	say("account %s has no from address: name the domain "
	    "(bote --check-domain example.org)", m->acct->name);
	return EX_USAGE;
}
