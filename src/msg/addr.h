/*
 * Addresses: RFC 5322 address lists in headers and arguments, and the
 * RFC 5321 checks every envelope address passes before it reaches an
 * SMTP command.
 */
#ifndef BOTE_ADDR_H
#define BOTE_ADDR_H

#include <stddef.h>

#define ADDR_MAX	256	/* RFC 5321 4.5.3.1.3 path, without <> */
#define ADDR_LOCALMAX	64	/* 4.5.3.1.1 */
#define ADDR_DOMAINMAX	255	/* 4.5.3.1.2 */
#define ADDRLIST_MAX	10000	/* recipients in one message */

struct addrlist {
	char	**v;		/* addr-specs, NUL-terminated, owned */
	size_t	  n;
	size_t	  cap;
};

void	addrlist_init(struct addrlist *);
void	addrlist_free(struct addrlist *);
/* Append a copy; returns -1 on ENOMEM or over ADDRLIST_MAX (E2BIG). */
int	addrlist_add(struct addrlist *, const char *addr, size_t len);
/* Remove later duplicates (local part case-sensitive, domain not). */
void	addrlist_dedup(struct addrlist *);

/*
 * Parse an RFC 5322 address-list (To, Cc, Bcc values, or a command-line
 * recipient argument that may hold several comma-separated addresses):
 * mailboxes "Name <a@b>", bare "a@b", groups "G: a@b, c@d;", comments
 * "(...)" (nested) and quoted strings are understood; only the addr-spec
 * of each mailbox is appended to *out, with comments and folding white
 * space removed. An empty list or an empty group adds nothing.
 * Returns 0, or -1 with a description in why (never echoing the input).
 */
int	addr_parse_list(const char *s, size_t len, struct addrlist *out,
	    char *why, size_t whylen);

/*
 * The envelope check (DESIGN.md): no CR, LF, NUL or other control bytes,
 * no '<' or '>', no white space outside a quoted local part, at most one
 * unquoted '@', RFC 5321 length limits. An empty string (the null sender)
 * is valid only with allow_empty. Returns 0, or -1 with the reason.
 */
int	addr_check(const char *addr, int allow_empty, char *why,
	    size_t whylen);

/*
 * Qualify an address without '@' with domain into dst ("root" becomes
 * "root@example.org"); an address with '@' is copied. Returns -1 when
 * dst is too small.
 */
int	addr_qualify(char *dst, size_t dstsz, const char *addr,
	    const char *domain);

/* The domain part of an address (after the last '@'), or NULL. */
const char *addr_domain(const char *addr);

/*
 * RFC 3461 4: s as xtext into dst ("+" and two upper-case hex digits for
 * '+', '=' and every octet outside 0x21-0x7e; the rest as it is), for
 * the DSN parameters ENVID and ORCPT. Returns the length written, or -1
 * when dst is too small (nothing is silently cut off).
 */
int	addr_xtext(char *dst, size_t dstsz, const char *s);

/* RFC 3461 4.4 and 4.2: the longest ENVID and ORCPT values (xtext). */
#define ENVID_XTEXTMAX	100
#define ORCPT_XTEXTMAX	500

#endif
