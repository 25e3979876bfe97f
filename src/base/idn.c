/*
 * Internationalised domain names: the only file that uses libidn2.
 *
 * The rule is IDNA2008 with UTS #46 non-transitional processing (what
 * current browsers and libidn2's own default use), and nothing else: no
 * fall-back to transitional processing, which maps "ß" to "ss" and so
 * names a different domain. A name that non-transitional processing
 * refuses is an error, since sending the mail elsewhere is worse than
 * not sending it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <idn2.h>

#include "base/idn.h"
#include "base/util.h"

static int	 idn_fail(char *, size_t, const char *, const char *);

static int
idn_fail(char *why, size_t whylen, const char *msg, const char *detail)
{
	if (why == NULL || whylen == 0)
		return -1;
	/* A short buffer keeps a terminated prefix of a library message. */
	if (detail != NULL)
		whyf(why, whylen, "%s: %s", msg, detail);
	else
		whyf(why, whylen, "%s", msg);
	return -1;
}

int
idn_to_alabel(const char *domain, char *dst, size_t dstsz, char *why,
    size_t whylen)
{
	char	*out = NULL;
	int	 rc, rv = -1;

	if (count8(domain, strlen(domain)) == 0) {
		if (xstrlcpy(dst, domain, dstsz) == -1) {
			if (dstsz > 0)
				dst[0] = '\0';
			return idn_fail(why, whylen, "domain name too long",
			    NULL);
		}
		return 0;
	}
	rc = idn2_to_ascii_8z(domain, &out,
	    IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK) {
		/* libidn2's message describes the rule, not the input. */
		idn_fail(why, whylen, "invalid internationalised domain name",
		    idn2_strerror(rc));
		goto fail;
	}
	if (xstrlcpy(dst, out, dstsz) == -1) {
		if (dstsz > 0)
			dst[0] = '\0';
		idn_fail(why, whylen, "domain name too long", NULL);
		goto fail;
	}
	rv = 0;
fail:
	idn2_free(out);
	return rv;
}
