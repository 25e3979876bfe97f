/*
 * RFC 9525 server identity checks over names already taken out of the
 * certificate (tlsname.h). Kept apart from tls.c so that the rules can be
 * unit-tested without certificates.
 */
#include <arpa/inet.h>

#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "net/tlsname.h"
#include "base/util.h"

#define NAMEMAX	256

static int	normalise(const char *, char *, size_t);

/* Lower-case ASCII copy without a trailing dot; -1 when unusable. */
static int
normalise(const char *s, char *out, size_t outsz)
{
	size_t	i, n = strlen(s);

	if (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n >= outsz)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		/* Certificates carry A-labels: anything else never matches. */
		if (c <= 0x20 || c >= 0x7f)
			return -1;
		out[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	out[n] = '\0';
	return 0;
}

int
tlsname_dns_match(const char *ref, const char *p)
{
	char		 r[NAMEMAX], q[NAMEMAX];
	const char	*rdot;

	if (normalise(ref, r, sizeof(r)) == -1 ||
	    normalise(p, q, sizeof(q)) == -1)
		return 0;
	if (r[0] == '.' || strstr(r, "..") != NULL || strchr(r, '*') != NULL)
		return 0;
	if (q[0] != '*')
		return strchr(q, '*') == NULL && strcmp(r, q) == 0;
	/*
	 * RFC 9525 6.3: "*" only as the complete left-most label. "f*.x.y",
	 * "*f.x.y" and "x.*.y" never match; neither does "*.com" (a
	 * wildcard over a whole top-level domain).
	 */
	if (q[1] != '.' || strchr(q + 1, '*') != NULL ||
	    strchr(q + 2, '.') == NULL)
		return 0;
	/* The wildcard stands for exactly one non-empty label of ref. */
	if ((rdot = strchr(r, '.')) == NULL || rdot == r)
		return 0;
	return strcmp(rdot, q + 1) == 0;
}

size_t
tlsname_ip(const char *s, unsigned char *bin)
{
	char	buf[INET6_ADDRSTRLEN + 2];
	size_t	n = strlen(s);

	if (inet_pton(AF_INET, s, bin) == 1)
		return 4;
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		if (n - 2 >= sizeof(buf))
			return 0;
		memcpy(buf, s + 1, n - 2);
		buf[n - 2] = '\0';
		s = buf;
	}
	if (inet_pton(AF_INET6, s, bin) == 1)
		return 16;
	return 0;
}

int
tlsname_match(const char *ref, const struct tlsname_ids *ids)
{
	unsigned char	bin[16];
	size_t		i, len;

	/* RFC 9525 6.2: an IP address is checked against iPAddress only. */
	if ((len = tlsname_ip(ref, bin)) != 0) {
		for (i = 0; i < ids->nip; i++)
			if (ids->iplen[i] == len &&
			    memcmp(ids->ip[i], bin, len) == 0)
				return 1;
		return 0;
	}
	for (i = 0; i < ids->ndns; i++)
		if (tlsname_dns_match(ref, ids->dns[i]))
			return 1;
	/* RFC 9525 6.3: the CN is not an identifier; see tlsname_cn_match. */
	return 0;
}

int
tlsname_cn_match(const char *ref, const struct tlsname_ids *ids)
{
	unsigned char	bin[16];
	char		r[NAMEMAX], c[NAMEMAX];

	if (ids->has_san || ids->cn == NULL || tlsname_ip(ref, bin) != 0)
		return 0;
	if (normalise(ref, r, sizeof(r)) == -1 ||
	    normalise(ids->cn, c, sizeof(c)) == -1)
		return 0;
	return strchr(c, '*') == NULL && strcmp(r, c) == 0;
}

int
tls_fingerprint_parse(const char *s, unsigned char *out, size_t outsz,
    size_t *outlen)
{
	size_t	n = 0;
	int	colons = strchr(s, ':') != NULL, hi, lo;

	*outlen = 0;
	while (*s != '\0') {
		if (n == outsz || !isxdigit((unsigned char)s[0]) ||
		    !isxdigit((unsigned char)s[1]))
			return -1;
		hi = isdigit((unsigned char)s[0]) ? s[0] - '0' :
		    (s[0] | 0x20) - 'a' + 10;
		lo = isdigit((unsigned char)s[1]) ? s[1] - '0' :
		    (s[1] | 0x20) - 'a' + 10;
		out[n++] = (unsigned char)(hi << 4 | lo);
		s += 2;
		/* "AB:CD:EF" or "abcdef", not a mixture. */
		if (colons && *s != '\0' && (*s++ != ':' || *s == '\0'))
			return -1;
	}
	*outlen = n;
	switch (n) {
	case 32:
		return TLS_FP_SHA256;
	case 20:
		return TLS_FP_SHA1;
	case 16:
		return TLS_FP_MD5;
	}
	return -1;
}

void
tlsname_hex(const unsigned char *p, size_t n, char *out, size_t outsz)
{
	static const char	hex[] = "0123456789ABCDEF";
	size_t			i, o = 0;

	for (i = 0; i < n && o + 3 <= outsz; i++) {
		if (i > 0)
			out[o++] = ':';
		out[o++] = hex[p[i] >> 4];
		out[o++] = hex[p[i] & 15];
	}
	out[o < outsz ? o : outsz - 1] = '\0';
}

void
tlsname_date(long long t, char *out, size_t outsz)
{
	struct tm	tm;
	time_t		when = (time_t)t;

	if (gmtime_r(&when, &tm) == NULL ||
	    strftime(out, outsz, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		/* A display string: a short buffer keeps a readable prefix. */
		(void)xstrlcpy(out, "an unknown date", outsz);
}
