/*
 * Where a mail address submits its mail (discover.h), in the order of
 * trust: what bote itself knows of a provider's domain, then what the
 * domain publishes for mail clients (RFC 6186 SRV records, the
 * Thunderbird autoconfig document), then what its MX hosts suggest, and
 * last a name that answers. The driver shows the result before anything
 * is written, since DNS without DNSSEC can be forged.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/outcome.h"
#include "base/util.h"
#include "conf/oauth.h"
#include "net/dns.h"
#include "net/http.h"
#include "net/net.h"
#include "submit/discover.h"

#define DISC_SRVMAX	64	/* RFC 6186 targets looked at */

/*
 * The providers: one row each, easy to extend. domains are the
 * provider's own address domains, mx the suffixes of the MX hosts of a
 * domain it hosts (a custom domain on Google Workspace or Microsoft
 * 365); both space-separated.
 */
static const struct preset {
	const char	*name;
	const char	*domains;
	const char	*mx;
	const char	*host;
	int		 port;
	int		 starttls;
	int		 oauth2;	/* OPROV_*, or 0 */
	int		 wants_oauth2;
	const char	*note;
	/*
	 * The provider's documented sending limits, as bote.conf(5)'s
	 * rate and max_sessions (Microsoft 365: 30 messages a minute, 3
	 * concurrent connections per mailbox); NULL and 0: none known.
	 */
	const char	*rate;
	int		 sessions;
} presets[] = {
	{ "Google", "gmail.com googlemail.com", "google.com googlemail.com",
	    "smtp.gmail.com", 587, 1, OPROV_GOOGLE, 0,
	    "an app password (Google Account, Security, 2-Step "
	    "Verification, App passwords), or OAuth2", NULL, 0 },
	{ "Microsoft", "outlook.com hotmail.com live.com msn.com "
	    "outlook.de hotmail.de hotmail.fr hotmail.co.uk live.de",
	    "mail.protection.outlook.com", "smtp.office365.com", 587, 1,
	    OPROV_MICROSOFT, 1,
	    "OAuth2: Microsoft is retiring passwords for SMTP AUTH",
	    "30/min", 3 },
	{ "Yahoo", "yahoo.com yahoo.co.uk yahoo.de yahoo.fr ymail.com "
	    "rocketmail.com", "yahoodns.net", "smtp.mail.yahoo.com", 465, 0,
	    0, 0, "an app password (Yahoo Account security)", NULL, 0 },
	{ "AOL", "aol.com aim.com", "", "smtp.aol.com", 465, 0, 0, 0,
	    "an app password (AOL Account security)", NULL, 0 },
	{ "iCloud", "icloud.com me.com mac.com", "mail.icloud.com",
	    "smtp.mail.me.com", 587, 1, 0, 0,
	    "an app-specific password (account.apple.com)", NULL, 0 },
	{ "GMX", "gmx.net gmx.de gmx.at gmx.ch gmx.com", "gmx.net",
	    "mail.gmx.net", 465, 0, 0, 0,
	    "the account password, with POP3/IMAP access enabled in GMX's "
	    "settings", NULL, 0 },
	{ "WEB.DE", "web.de", "web.de", "smtp.web.de", 587, 1, 0, 0,
	    "the account password, with POP3/IMAP access enabled in "
	    "WEB.DE's settings", NULL, 0 },
	{ "Fastmail", "fastmail.com fastmail.fm", "messagingengine.com",
	    "smtp.fastmail.com", 465, 0, 0, 0,
	    "an app password (Settings, Privacy & Security)", NULL, 0 },
	{ "mailbox.org", "mailbox.org", "mailbox.org", "smtp.mailbox.org",
	    465, 0, 0, 0, NULL, NULL, 0 },
	{ "Posteo", "posteo.de posteo.net", "posteo.de", "posteo.de", 465,
	    0, 0, 0, NULL, NULL, 0 },
	{ "Zoho", "zoho.com zohomail.com", "zoho.com", "smtp.zoho.com", 465,
	    0, 0, 0, "an application-specific password when two-factor "
	    "authentication is on", NULL, 0 },
	{ "Zoho (EU)", "zoho.eu zohomail.eu", "zoho.eu", "smtp.zoho.eu", 465,
	    0, 0, 0, "an application-specific password when two-factor "
	    "authentication is on", NULL, 0 },
};

static int	in_list(const char *, const char *, int);
static void	from_preset(const struct preset *, struct disc_server *);
static int	by_srv(const struct disc_opts *, const char *,
		    struct disc_server *);
static int	by_autoconfig(const struct disc_opts *, const char *,
		    struct disc_server *);
static int	by_mx(const struct disc_opts *, const char *,
		    struct disc_server *);
static int	by_guess(const struct disc_opts *, const char *,
		    struct disc_server *);
static void	step(const struct disc_opts *, const char *, const char *,
		    ...) __attribute__((format(printf, 3, 4)));
static const char *element(const char *, const char *, const char *,
		    size_t *);
static int	fill(char *, size_t, const char *, size_t, const char *);
static const char *find(const char *, size_t, const char *, size_t);

int
discover(const struct disc_opts *o, struct disc_server *s)
{
	const char	*at = strrchr(o->address, '@');
	const char	*domain = at != NULL ? at + 1 : o->address;

	memset(s, 0, sizeof(*s));
	if (disc_preset(domain, s)) {
		step(o, "built-in presets", "%s: %s", s->provider, s->host);
		return 0;
	}
	step(o, "built-in presets", "none for %s", domain);
	if (by_srv(o, domain, s) == 0 || by_autoconfig(o, domain, s) == 0 ||
	    by_mx(o, domain, s) == 0 || by_guess(o, domain, s) == 0)
		return 0;
	memset(s, 0, sizeof(*s));
	return -1;
}

int
disc_preset(const char *domain, struct disc_server *s)
{
	size_t	i;

	for (i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		if (in_list(presets[i].domains, domain, 0)) {
			from_preset(&presets[i], s);
			s->source = DISC_PRESET;
			/* A provider's name: short. */
			(void)xsnprintf(s->via, sizeof(s->via), "bote's "
			    "preset for %s", presets[i].name);
			return 1;
		}
	return 0;
}

/* Whether name is a word of list (suffix: or ends in ".word"). */
static int
in_list(const char *list, const char *name, int suffix)
{
	const char	*w, *e;
	size_t		 wl, nl = strlen(name);

	for (w = list; *w != '\0'; w = e + strspn(e, " ")) {
		e = w + strcspn(w, " ");
		wl = (size_t)(e - w);
		if (wl == 0)
			break;
		if (nl == wl && strncasecmp(name, w, wl) == 0)
			return 1;
		if (suffix && nl > wl && name[nl - wl - 1] == '.' &&
		    strncasecmp(name + nl - wl, w, wl) == 0)
			return 1;
	}
	return 0;
}

static void
from_preset(const struct preset *p, struct disc_server *s)
{
	/* The table's names are short: they fit. */
	(void)xstrlcpy(s->host, p->host, sizeof(s->host));
	s->port = p->port;
	s->starttls = p->starttls;
	s->oauth2 = p->oauth2;
	s->wants_oauth2 = p->wants_oauth2;
	s->provider = p->name;
	s->note = p->note;
	s->rate = p->rate;
	s->sessions = p->sessions;
}

/*
 * RFC 6186 3.1: _submissions._tcp (implicit TLS, RFC 8314 preferred)
 * then _submission._tcp; the lowest priority, then the highest weight.
 * A target of "." says the service is not offered there.
 */
static int
by_srv(const struct disc_opts *o, const char *domain, struct disc_server *s)
{
	static const char *const names[] = { "_submissions._tcp",
	    "_submission._tcp" };
	char		 q[DISC_HOSTMAX + 32], host[DISC_HOSTMAX];
	char		**v;
	size_t		 n, i, k;
	unsigned	 prio, weight, port, bp = 0, bw = 0;
	int		 found;

	for (k = 0; k < 2; k++) {
		if (xsnprintf(q, sizeof(q), "%s.%s", names[k], domain) == -1)
			return -1;
		if (dns_srv(q, &v, &n) != DNS_OK) {
			step(o, q, "none");
			continue;
		}
		found = 0;
		for (i = 0; i < n && i < DISC_SRVMAX; i++) {
			host[0] = '\0';
			if (sscanf(v[i], "%u %u %u %255s", &prio, &weight,
			    &port, host) < 3 || host[0] == '\0' || port == 0 ||
			    port > 65535)
				continue;
			if (found && (prio > bp || (prio == bp &&
			    weight <= bw)))
				continue;
			found = 1;
			bp = prio;
			bw = weight;
			/* sscanf read at most 255 octets into host. */
			(void)xstrlcpy(s->host, host, sizeof(s->host));
			s->port = (int)port;
		}
		dns_free(v, n);
		if (!found) {
			step(o, q, "the domain says it offers no such "
			    "service");
			continue;
		}
		s->starttls = k == 1;
		s->source = DISC_SRV;
		/* A DNS name and words: shorter than via. */
		(void)xsnprintf(s->via, sizeof(s->via), "the DNS SRV "
		    "record %s", q);
		step(o, q, "%s port %d", s->host, s->port);
		return 0;
	}
	return -1;
}

/*
 * Thunderbird's lookup order for a domain's own document: its autoconfig
 * host, then its well-known URL. Only https, the certificate verified.
 */
static int
by_autoconfig(const struct disc_opts *o, const char *domain,
    struct disc_server *s)
{
	struct http_req	 req;
	struct http_resp r;
	char		 url[DISC_VIAMAX], why[256], *esc;
	int		 k;

	if ((esc = http_escape(o->address)) == NULL)
		return -1;
	for (k = 0; k < 2; k++) {
		if ((k == 0 ? xsnprintf(url, sizeof(url), "https://"
		    "autoconfig.%s/mail/config-v1.1.xml?emailaddress=%s",
		    domain, esc) : xsnprintf(url, sizeof(url), "https://%s"
		    "/.well-known/autoconfig/mail/config-v1.1.xml",
		    domain)) == -1)
			continue;
		memset(&req, 0, sizeof(req));
		req.url = url;
		req.trust_file = o->trust_file;
		req.timeout_s = o->timeout_s;
		if (http_get(&req, &r, why, sizeof(why)) == -1) {
			step(o, url, "%s", why);
			continue;
		}
		if (r.status != 200) {
			step(o, url, "HTTP status %ld", r.status);
			http_resp_clear(&r);
			continue;
		}
		if (disc_autoconfig_parse(r.body, r.len, o->address,
		    s) == -1) {
			step(o, url, "no SMTP server with TLS in it");
			http_resp_clear(&r);
			continue;
		}
		http_resp_clear(&r);
		free(esc);
		s->source = DISC_AUTOCONFIG;
		/* The query is for the server; the person needs the page. */
		url[strcspn(url, "?")] = '\0';
		/* A view of the URL: cut short, it still names the place. */
		(void)xsnprintf(s->via, sizeof(s->via), "the autoconfig "
		    "document %s", url);
		step(o, url, "%s port %d", s->host, s->port);
		return 0;
	}
	free(esc);
	return -1;
}

/* A provider that hosts the domain's mail likely takes its submission. */
static int
by_mx(const struct disc_opts *o, const char *domain, struct disc_server *s)
{
	char		**v, what[DISC_HOSTMAX + 16];
	const char	*host;
	size_t		 n, i, k;

	/* A domain of at most 255 octets fits what. */
	(void)xsnprintf(what, sizeof(what), "MX of %s", domain);
	if (dns_mx(domain, &v, &n) != DNS_OK) {
		step(o, what, "none");
		return -1;
	}
	for (i = 0; i < n; i++) {
		/* "PREF HOST" (dns.h). */
		host = v[i] + strcspn(v[i], " ");
		host += strspn(host, " ");
		for (k = 0; k < sizeof(presets) / sizeof(presets[0]); k++) {
			if (presets[k].mx[0] == '\0' ||
			    !in_list(presets[k].mx, host, 1))
				continue;
			from_preset(&presets[k], s);
			s->source = DISC_MX;
			/* A DNS name and words: shorter than via. */
			(void)xsnprintf(s->via, sizeof(s->via), "the MX "
			    "host %s, which is %s's", host, presets[k].name);
			step(o, what, "%s: %s", host, presets[k].name);
			dns_free(v, n);
			return 0;
		}
	}
	step(o, what, "%s, no provider bote knows", v[0]);
	dns_free(v, n);
	return -1;
}

/* The names mail servers usually have, on 465 and then 587. */
static int
by_guess(const struct disc_opts *o, const char *domain,
    struct disc_server *s)
{
	static const char *const pre[] = { "smtp", "mail" };
	static const int ports[] = { 465, 587 };
	struct net_target t;
	struct outcome	 oc;
	char		 host[DISC_HOSTMAX], what[DISC_HOSTMAX + 16];
	size_t		 i, k;
	int		 fd;

	for (i = 0; i < 2; i++)
		for (k = 0; k < 2; k++) {
			if (xsnprintf(host, sizeof(host), "%s.%s", pre[i],
			    domain) == -1)
				return -1;
			memset(&t, 0, sizeof(t));
			memset(&oc, 0, sizeof(oc));
			t.host = host;
			t.port = ports[k];
			t.timeout_ms = o->timeout_s * 1000;
			/* host fitted the same size. */
			(void)xsnprintf(what, sizeof(what), "%s port %d",
			    host, ports[k]);
			if ((fd = net_connect(&t, &oc)) == -1) {
				step(o, what, "%s", oc.why[0] != '\0' ?
				    oc.why : "no answer");
				if (oc.kind == OUT_NOHOST)
					break;	/* no such name: next one */
				continue;
			}
			(void)close(fd);
			/* The same size. */
			(void)xstrlcpy(s->host, host, sizeof(s->host));
			s->port = ports[k];
			s->starttls = ports[k] == 587;
			s->source = DISC_GUESS;
			/* A DNS name and words: shorter than via. */
			(void)xsnprintf(s->via, sizeof(s->via), "a guess: %s "
			    "answers on port %d", host, ports[k]);
			step(o, what, "answers");
			return 0;
		}
	return -1;
}

static void
step(const struct disc_opts *o, const char *what, const char *fmt, ...)
{
	va_list	ap;
	char	buf[512];

	if (o->step == NULL)
		return;
	va_start(ap, fmt);
	/* A step's result is one line for a person: its start is enough. */
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	o->step(o->arg, what, buf);
}

/* needle in hay[0..len), or NULL (memmem, which C11 and POSIX lack). */
static const char *
find(const char *hay, size_t len, const char *needle, size_t nl)
{
	const char	*p, *end = hay + len;

	for (p = hay; nl <= (size_t)(end - p); p++) {
		if ((p = memchr(p, needle[0], (size_t)(end - p))) == NULL ||
		    nl > (size_t)(end - p))
			return NULL;
		if (memcmp(p, needle, nl) == 0)
			return p;
	}
	return NULL;
}

/*
 * The text of the first <name> element in [p, end), as *len octets; NULL
 * when there is none. Enough XML for the document's few plain elements
 * (no CDATA, no entities in host names or numbers); nothing else is read.
 */
static const char *
element(const char *p, const char *end, const char *name, size_t *len)
{
	char		 open[64], close[64];
	const char	*a, *b, *c;
	size_t		 ol;

	if (xsnprintf(open, sizeof(open), "<%s", name) == -1 ||
	    xsnprintf(close, sizeof(close), "</%s>", name) == -1)
		return NULL;
	ol = strlen(open);
	for (a = p; a != NULL && a < end; a++) {
		if ((a = find(a, (size_t)(end - a), open, ol)) == NULL ||
		    a + ol >= end)
			return NULL;
		if (a[ol] != '>' && a[ol] != ' ')
			continue;
		if ((b = memchr(a, '>', (size_t)(end - a))) == NULL)
			return NULL;
		b++;
		if ((c = find(b, (size_t)(end - b), close,
		    strlen(close))) == NULL)
			return NULL;
		while (b < c && strchr(" \t\r\n", *b) != NULL)
			b++;
		while (c > b && strchr(" \t\r\n", c[-1]) != NULL)
			c--;
		*len = (size_t)(c - b);
		return b;
	}
	return NULL;
}

/*
 * dst = src[0..len) with %EMAILADDRESS%, %EMAILLOCALPART% and
 * %EMAILDOMAIN% filled from address; only printable ASCII. 0 or -1.
 */
static int
fill(char *dst, size_t sz, const char *src, size_t len, const char *address)
{
	static const char *const ph[] = { "%EMAILADDRESS%",
	    "%EMAILLOCALPART%", "%EMAILDOMAIN%" };
	const char	*at = strrchr(address, '@'), *val;
	size_t		 i, o = 0, k, pl, vl;

	for (i = 0; i < len; ) {
		for (k = 0; k < 3; k++) {
			pl = strlen(ph[k]);
			if (len - i >= pl && memcmp(src + i, ph[k], pl) == 0)
				break;
		}
		if (k < 3) {
			val = k == 2 && at != NULL ? at + 1 : address;
			vl = k == 1 && at != NULL ? (size_t)(at - address) :
			    strlen(val);
			i += pl;
		} else {
			if ((unsigned char)src[i] <= 0x20 ||
			    (unsigned char)src[i] >= 0x7f)
				return -1;
			val = src + i++;
			vl = 1;
		}
		if (o + vl >= sz)
			return -1;
		memcpy(dst + o, val, vl);
		o += vl;
	}
	dst[o] = '\0';
	return o > 0 ? 0 : -1;
}

int
disc_autoconfig_parse(const char *xml, size_t len, const char *address,
    struct disc_server *s)
{
	const char	*p = xml, *end = xml + len, *a, *b, *v;
	char		 port[8], user[DISC_HOSTMAX];
	const char	*err = NULL;
	size_t		 vl;

	memset(s, 0, sizeof(*s));
	for (; (a = find(p, (size_t)(end - p), "<outgoingServer",
	    15)) != NULL; p = b) {
		if ((b = find(a, (size_t)(end - a), "</outgoingServer>",
		    17)) == NULL)
			return -1;
		if (find(a, (size_t)(b - a), "type=\"smtp\"", 11) == NULL)
			continue;
		if ((v = element(a, b, "socketType", &vl)) == NULL)
			continue;
		if (vl == 3 && strncasecmp(v, "SSL", 3) == 0)
			s->starttls = 0;
		else if (vl == 8 && strncasecmp(v, "STARTTLS", 8) == 0)
			s->starttls = 1;
		else
			continue;	/* plain: never */
		if ((v = element(a, b, "hostname", &vl)) == NULL ||
		    fill(s->host, sizeof(s->host), v, vl, address) == -1)
			continue;
		if ((v = element(a, b, "port", &vl)) == NULL ||
		    vl >= sizeof(port))
			continue;
		memcpy(port, v, vl);
		port[vl] = '\0';
		s->port = (int)strtonum(port, 1, 65535, &err);
		if (err != NULL)
			continue;
		if ((v = element(a, b, "username", &vl)) != NULL &&
		    fill(user, sizeof(user), v, vl, address) == 0 &&
		    strchr(user, '@') == NULL)
			s->user_local = 1;
		return 0;
	}
	return -1;
}
