/*
 * Addresses (src/msg/addr.h): the address-list parser over header values
 * and recipient arguments, the envelope check, de-duplication, and xtext.
 *
 * - A list either parses whole or adds nothing; what it adds is at most
 *   ADDR_MAX octets and holds no NUL.
 * - Every address addr_check() accepts holds no CR, LF, NUL, control
 *   byte or angle bracket outside a quoted local part, and parses back
 *   to itself alone.
 * - After addrlist_dedup() no two addresses are equal (local part
 *   case-sensitive, domain not) and every address dropped equals one kept.
 * - xtext (RFC 3461 4) is printable, has no '+' or '=' unescaped, decodes
 *   back to its input, and fails exactly when the buffer is too small.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "msg/addr.h"
#include "fuzz.h"

/* What addr_check() promises of an address it accepts. */
static void
check_valid(const char *a)
{
	struct addrlist	 l;
	const char	*p, *dom;
	char		 why[128];
	int		 quoted = 0;

	for (p = a; *p != '\0'; p++) {
		FUZZ_CHECK(*p != '\r' && *p != '\n',
		    "no CR or LF in a valid address");
		FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f,
		    "no control byte in a valid address");
		FUZZ_CHECK(*p != '<' && *p != '>',
		    "no angle bracket in a valid address");
		if (*p == '"')
			quoted = 1;
	}
	FUZZ_CHECK(strlen(a) <= ADDR_MAX, "a valid address fits RFC 5321");
	if (!quoted) {
		FUZZ_CHECK(strchr(a, ' ') == NULL,
		    "no blank in a valid unquoted address");
		FUZZ_CHECK(strchr(a, '@') == strrchr(a, '@'),
		    "at most one '@' in a valid unquoted address");
	}
	if ((dom = addr_domain(a)) != NULL)
		FUZZ_CHECK(*dom != '\0' && strlen(dom) <= ADDR_DOMAINMAX,
		    "a valid domain is not empty and fits RFC 5321");
	/* A valid address given alone is taken as it is. */
	addrlist_init(&l);
	FUZZ_CHECK(addr_parse_list(a, strlen(a), &l, why, sizeof(why)) == 0,
	    "a valid address parses");
	FUZZ_CHECK(l.n == 1 && strcmp(l.v[0], a) == 0,
	    "a valid address parses to itself alone");
	addrlist_free(&l);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void
check_xtext(const char *s)
{
	char	*x, *dec;
	size_t	 need = 1, i, n = 0;
	int	 len, h, l;

	for (i = 0; s[i] != '\0'; i++)
		need += (unsigned char)s[i] > 0x20 &&
		    (unsigned char)s[i] < 0x7f && s[i] != '+' && s[i] != '=' ?
		    1 : 3;
	if ((x = malloc(need)) == NULL || (dec = malloc(need)) == NULL)
		abort();
	len = addr_xtext(x, need, s);
	FUZZ_CHECK(len >= 0 && (size_t)len == need - 1 && x[len] == '\0',
	    "xtext fits a buffer of exactly its size");
	FUZZ_CHECK(addr_xtext(dec, need - 1, s) == -1,
	    "xtext refuses a buffer one octet too small");
	for (i = 0; x[i] != '\0'; i++) {
		FUZZ_CHECK(x[i] > 0x20 && x[i] < 0x7f && x[i] != '=',
		    "xtext is printable ASCII without '='");
		if (x[i] != '+') {
			dec[n++] = x[i];
			continue;
		}
		h = hexval(x[i + 1]);
		l = h == -1 ? -1 : hexval(x[i + 2]);
		FUZZ_CHECK(h != -1 && l != -1,
		    "'+' is followed by two upper-case hex digits");
		dec[n++] = (char)(h << 4 | l);
		i += 2;
	}
	FUZZ_CHECK(n == strlen(s) && memcmp(dec, s, n) == 0,
	    "xtext decodes back to its input");
	free(x);
	free(dec);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct addrlist	 l, orig;
	char		 why[128], q[ADDR_MAX + 1], *a;
	const char	*s = (const char *)data;
	size_t		 i, j, k, n0;
	int		 rc;

	addrlist_init(&l);
	addrlist_init(&orig);
	/* A first address already in the list must survive a failure. */
	if (addrlist_add(&l, "keep@example.org", 16) == -1)
		abort();
	n0 = l.n;
	rc = addr_parse_list(s, size, &l, why, sizeof(why));
	if (rc == -1) {
		FUZZ_CHECK(l.n == n0, "a list that fails adds nothing");
		FUZZ_CHECK(why[0] != '\0', "a failure says why");
	} else
		FUZZ_CHECK(memchr(s, '\0', size) == NULL,
		    "a list with a NUL byte is refused");
	for (i = 0; i < l.n; i++) {
		FUZZ_CHECK(strlen(l.v[i]) <= ADDR_MAX,
		    "a parsed address is at most ADDR_MAX octets");
		if (addrlist_add(&orig, l.v[i], strlen(l.v[i])) == -1)
			abort();
		check_xtext(l.v[i]);
		if (addr_check(l.v[i], 0, why, sizeof(why)) == -1)
			continue;
		check_valid(l.v[i]);
		/* Qualification adds a domain only where there is none. */
		if (addr_qualify(q, sizeof(q), l.v[i], "example.org") == 0)
			FUZZ_CHECK(addr_domain(q) != NULL && (addr_domain(
			    l.v[i]) != NULL || strcmp(addr_domain(q),
			    "example.org") == 0),
			    "a valid address qualified has a domain");
	}
	/* The input itself, as an envelope address (-f, RCPT TO). */
	if (memchr(s, '\0', size) == NULL) {
		if ((a = strndup(s, size)) == NULL)
			abort();
		if (addr_check(a, 0, why, sizeof(why)) == 0)
			check_valid(a);
		check_xtext(a);
		free(a);
	}
	addrlist_dedup(&l);
	for (i = 0; i < l.n; i++)
		for (j = i + 1; j < l.n; j++)
			FUZZ_CHECK(!fuzz_same_addr(l.v[i], l.v[j]),
			    "no duplicates after addrlist_dedup()");
	for (i = 0, j = 0; i < orig.n; i++) {
		/* Order kept: each original is the next kept or a repeat. */
		if (j < l.n && strcmp(orig.v[i], l.v[j]) == 0) {
			j++;
			continue;
		}
		for (k = 0; k < j; k++)
			if (fuzz_same_addr(orig.v[i], l.v[k]))
				break;
		FUZZ_CHECK(k < j, "dedup drops only repeats, keeps the first "
		    "of each, in order");
	}
	FUZZ_CHECK(j == l.n, "dedup keeps nothing new");
	addrlist_free(&l);
	addrlist_free(&orig);
	return 0;
}
