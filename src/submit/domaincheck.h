/*
 * The sender-domain report (bote --check-domain, bote.1): what a
 * domain's SPF (RFC 7208), DMARC (RFC 7489) and DKIM (RFC 6376) records
 * say about mail that this account sends for it. Pure functions over
 * the record texts (src/net/dns.c fetches them); cli/checkdomain.c says
 * the verdicts.
 */
#ifndef BOTE_DOMAINCHECK_H
#define BOTE_DOMAINCHECK_H

#include <stddef.h>

enum spf_state {
	SPF_NONE,		/* no v=spf1 record */
	SPF_MULTIPLE,		/* more than one: a permanent error */
	SPF_SYNTAX,		/* a term SPF does not know: permanent error */
	SPF_OK
};

struct spf_info {
	enum spf_state	 state;
	char		 all;		/* '-', '~', '?', '+'; 0: no "all" */
	int		 redirect;	/* a redirect= modifier */
	int		 lookups;	/* terms that cost a DNS lookup */
	int		 has_mx, has_a;	/* the bare "mx" and "a" */
	char		 bad[64];	/* SPF_SYNTAX: the term */
	const char	*record;	/* the v=spf1 text (borrowed) */
};

/* The SPF record among a domain's TXT records, and what it says. */
void	spf_parse(char *const *txt, size_t n, struct spf_info *);

/*
 * Whether the record lets host send: 1 when it names one of its
 * addresses (ip4:, ip6:), has "mx" and host is one of mx (n_mx names),
 * has "a" and host is the domain, or includes the SPF domain a known
 * provider's host publishes; 0 when bote cannot tell. addrs: host's
 * addresses as text.
 */
int	spf_covers(const struct spf_info *, const char *domain,
	    const char *host, char *const *addrs, size_t naddrs,
	    char *const *mx, size_t nmx, const char **via);

enum dmarc_state { DMARC_NONE, DMARC_MULTIPLE, DMARC_BAD, DMARC_OK };

struct dmarc_info {
	enum dmarc_state state;
	char		 p[16];		/* none, quarantine, reject */
	char		 adkim, aspf;	/* 'r' relaxed (default), 's' strict */
	int		 pct;		/* 100 by default */
};

void	dmarc_parse(char *const *txt, size_t n, struct dmarc_info *);

enum dkim_state {
	DKREC_NONE,		/* no DKIM key record */
	DKREC_REVOKED,		/* p= empty */
	DKREC_BAD,		/* no p=, or p= not base64 */
	DKREC_OTHER,		/* a key, but not the configured one */
	DKREC_MATCH		/* the configured key's public half */
};

/* The selector's record against pub (what p= must hold). */
enum dkim_state dkim_record_check(char *const *txt, size_t n,
	    const unsigned char *pub, size_t publen);

/*
 * Whether a (an address's domain) and b align under DMARC's relaxed
 * rule: the same, or one a subdomain of the other's organizational
 * domain, taken here as the last two labels (no public suffix list:
 * say so where it matters).
 */
int	domain_aligned(const char *a, const char *b, int strict);

#endif
