/*
 * DNS lookups through the system resolver (res_nquery, /etc/resolv.conf)
 * for the sender-domain report (bote --check-domain): TXT and MX records;
 * and SRV records for bote --setup (RFC 6186).
 * Never used by a send. Bounded: two tries of two seconds each.
 */
#ifndef BOTE_DNS_H
#define BOTE_DNS_H

#include <stddef.h>

enum dns_result {
	DNS_OK,		/* records in *v */
	DNS_NONE,	/* the name does not exist, or has no such record */
	DNS_FAIL	/* no answer (timeout, SERVFAIL): try again later */
};

/*
 * The TXT records of name, each one's character-strings joined
 * (RFC 7208 3.3), or the MX records as "PREF HOST" (HOST without the
 * final dot); *v malloc'd (dns_free), control bytes replaced by '?'.
 */
enum dns_result	dns_txt(const char *name, char ***v, size_t *n);
enum dns_result	dns_mx(const char *name, char ***v, size_t *n);
/* SRV records (RFC 2782) as "PRIO WEIGHT PORT TARGET"; "." is "". */
enum dns_result	dns_srv(const char *name, char ***v, size_t *n);
void		dns_free(char **v, size_t n);

#endif
