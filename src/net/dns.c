/*
 * TXT and MX lookups (dns.h) with the resolver's own parser (ns_parserr),
 * so that no packet parsing is written here.
 */
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>

#include <netdb.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/util.h"
#include "net/dns.h"

#define DNS_ANSWERMAX	65536
#define DNS_RECORDMAX	64		/* records kept per answer */

static enum dns_result	lookup(const char *, int, char ***, size_t *);
static void		test_server(struct __res_state *);
static char		*txt_text(const unsigned char *, size_t);
static char		*mx_text(const ns_msg *, const ns_rr *);
static char		*srv_text(const ns_msg *, const ns_rr *);

enum dns_result
dns_txt(const char *name, char ***v, size_t *n)
{
	return lookup(name, ns_t_txt, v, n);
}

enum dns_result
dns_mx(const char *name, char ***v, size_t *n)
{
	return lookup(name, ns_t_mx, v, n);
}

enum dns_result
dns_srv(const char *name, char ***v, size_t *n)
{
	return lookup(name, ns_t_srv, v, n);
}

void
dns_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static enum dns_result
lookup(const char *name, int type, char ***vp, size_t *np)
{
	struct __res_state	 rs;
	unsigned char		*ans = NULL;
	char			**v = NULL, *s;
	ns_msg			 msg;
	ns_rr			 rr;
	int			 len, i, count;
	size_t			 n = 0;
	enum dns_result		 r = DNS_FAIL;

	*vp = NULL;
	*np = 0;
	memset(&rs, 0, sizeof(rs));
	if (res_ninit(&rs) != 0)
		return DNS_FAIL;
	/* A report for a person: seconds, not the resolver's minute. */
	rs.retrans = 2;
	rs.retry = 2;
	test_server(&rs);
	if ((ans = malloc(DNS_ANSWERMAX)) == NULL ||
	    (v = calloc(DNS_RECORDMAX, sizeof(*v))) == NULL)
		goto out;
	len = res_nquery(&rs, name, ns_c_in, type, ans, DNS_ANSWERMAX);
	if (len < 0) {
		/* NXDOMAIN or NODATA is an answer; the rest is not. */
		r = rs.res_h_errno == HOST_NOT_FOUND ||
		    rs.res_h_errno == NO_DATA ? DNS_NONE : DNS_FAIL;
		goto out;
	}
	if (ns_initparse(ans, len, &msg) == -1)
		goto out;
	count = ns_msg_count(msg, ns_s_an);
	for (i = 0; i < count && n < DNS_RECORDMAX; i++) {
		if (ns_parserr(&msg, ns_s_an, i, &rr) == -1)
			goto out;
		if ((int)ns_rr_type(rr) != type)
			continue;	/* a CNAME on the way */
		s = type == ns_t_txt ? txt_text(ns_rr_rdata(rr),
		    ns_rr_rdlen(rr)) : type == ns_t_srv ? srv_text(&msg, &rr) :
		    mx_text(&msg, &rr);
		if (s == NULL)
			goto out;
		v[n++] = s;
	}
	r = n > 0 ? DNS_OK : DNS_NONE;
out:
	if (r != DNS_OK) {
		dns_free(v, n);
		v = NULL;
		n = 0;
	}
	*vp = v;
	*np = n;
	free(ans);
	res_nclose(&rs);
	return r;
}

/* RDATA of a TXT record: length-prefixed strings, joined, shown safe. */
static char *
txt_text(const unsigned char *p, size_t len)
{
	char	*raw, *out;
	size_t	 i = 0, o = 0, l;

	if ((raw = malloc(len + 1)) == NULL || (out = malloc(len + 1)) ==
	    NULL) {
		free(raw);
		return NULL;
	}
	while (i < len) {
		l = p[i++];
		if (l > len - i)
			l = len - i;
		memcpy(raw + o, p + i, l);
		o += l;
		i += l;
	}
	/* A record is the domain owner's text: no control byte shown. */
	(void)sanitize(out, len + 1, raw, o, 1);
	free(raw);
	return out;
}

static char *
mx_text(const ns_msg *msg, const ns_rr *rr)
{
	char	host[NS_MAXDNAME], safe[NS_MAXDNAME], *s;
	size_t	l;

	if (ns_rr_rdlen(*rr) < 3 || ns_name_uncompress(ns_msg_base(*msg),
	    ns_msg_end(*msg), ns_rr_rdata(*rr) + 2, host, sizeof(host)) == -1)
		return NULL;
	l = strlen(host);
	if (l > 0 && host[l - 1] == '.')
		host[--l] = '\0';
	(void)sanitize(safe, sizeof(safe), host, l, 1);
	if ((s = malloc(strlen(safe) + 8)) == NULL)
		return NULL;
	/* At most 5 digits, a space and the name: it fits. */
	(void)snprintf(s, strlen(safe) + 8, "%u %s",
	    (unsigned)ns_get16(ns_rr_rdata(*rr)), safe);
	return s;
}

/* RFC 2782: priority, weight, port, target; "." (no service) as "". */
static char *
srv_text(const ns_msg *msg, const ns_rr *rr)
{
	char			 host[NS_MAXDNAME], safe[NS_MAXDNAME], *s;
	const unsigned char	*d = ns_rr_rdata(*rr);
	size_t			 l, sz;

	if (ns_rr_rdlen(*rr) < 7 || ns_name_uncompress(ns_msg_base(*msg),
	    ns_msg_end(*msg), d + 6, host, sizeof(host)) == -1)
		return NULL;
	l = strlen(host);
	if (l > 0 && host[l - 1] == '.')
		host[--l] = '\0';
	(void)sanitize(safe, sizeof(safe), host, l, 1);
	sz = strlen(safe) + 24;
	if ((s = malloc(sz)) == NULL)
		return NULL;
	/* Three numbers of at most 5 digits, spaces and the name: it fits. */
	(void)snprintf(s, sz, "%u %u %u %s", (unsigned)ns_get16(d),
	    (unsigned)ns_get16(d + 2), (unsigned)ns_get16(d + 4), safe);
	return s;
}

/*
 * The test suite's name server, BOTE_TEST_DNS=ADDR:PORT (IPv4), in
 * place of /etc/resolv.conf's: no test asks a server off the machine
 * (bote.1, ENVIRONMENT). Only a build with test hooks reads it.
 */
static void
test_server(struct __res_state *rs)
{
	const char	*t = test_hook("DNS"), *colon;
	char		 addr[INET_ADDRSTRLEN];
	struct in_addr	 in;
	long long	 port = 53;
	size_t		 l;

	if (t == NULL)
		return;
	colon = strchr(t, ':');
	l = colon != NULL ? (size_t)(colon - t) : strlen(t);
	if (l >= sizeof(addr))
		return;
	memcpy(addr, t, l);
	addr[l] = '\0';
	if (colon != NULL && (port = strtonum(colon + 1, 1, 65535, NULL)) == 0)
		return;
	if (inet_pton(AF_INET, addr, &in) != 1)
		return;
	rs->nsaddr_list[0].sin_family = AF_INET;
	rs->nsaddr_list[0].sin_addr = in;
	rs->nsaddr_list[0].sin_port = htons((uint16_t)port);
	rs->nscount = 1;
}
