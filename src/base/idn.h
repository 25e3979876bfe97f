/* Internationalised domain names: the only file that uses libidn2. */
#ifndef BOTE_IDN_H
#define BOTE_IDN_H

#include <stddef.h>

/*
 * Convert a UTF-8 domain to its A-label form (IDNA2008 via libidn2) into
 * dst. ASCII domains are copied unchanged. Returns 0 or -1 (with why).
 */
int	idn_to_alabel(const char *domain, char *dst, size_t dstsz,
	    char *why, size_t whylen);

#endif
