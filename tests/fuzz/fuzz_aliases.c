/*
 * The aliases file (src/submit/aliases.h): aliases_read_buf() over the
 * input, then the expansion of the names the file defines and a few
 * usual ones. Errors are "file:line: message", capped, and show no
 * control byte; an expansion either fails for a documented reason
 * (ELOOP, E2BIG) or yields non-empty addresses that are each a token of
 * the file or one of the names asked for.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "msg/addr.h"
#include "submit/aliases.h"
#include "fuzz.h"

#define FILE_NAME	"fuzz.aliases"
#define NAMESMAX	16

static const char *const usual[] = {
	"root", "postmaster", "default", "nobody@localhost", "x@example.org"
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aliases	*al;
	struct addrlist	 in, out;
	const char	*p = (const char *)data, *end = p + size, *nl, *c;
	const char	*e;
	size_t		 i, j, n;
	int		 rc;

	if ((al = aliases_new()) == NULL)
		abort();
	rc = aliases_read_buf(al, FILE_NAME, p, size);
	FUZZ_CHECK(rc == (aliases_nerrs(al) > 0 || aliases_more_errs(al) ?
	    -1 : 0), "aliases_read_buf() fails exactly on errors");
	FUZZ_CHECK(aliases_nerrs(al) <= ALIASES_ERRMAX,
	    "at most ALIASES_ERRMAX errors are kept");
	FUZZ_CHECK(aliases_count(al) <= ALIASES_MAX, "at most ALIASES_MAX");
	for (i = 0; (e = aliases_error(al, i)) != NULL; i++) {
		FUZZ_CHECK(strncmp(e, FILE_NAME ":", sizeof(FILE_NAME)) == 0,
		    "an error starts with the file name");
		FUZZ_CHECK(!fuzz_has_ctl(e, strlen(e)),
		    "no control byte in an error");
	}
	FUZZ_CHECK(i == aliases_nerrs(al), "aliases_error() ends at nerrs");

	/* The names before the colons, and the usual ones. */
	addrlist_init(&in);
	for (i = 0; i < sizeof(usual) / sizeof(usual[0]); i++)
		if (addrlist_add(&in, usual[i], strlen(usual[i])) == -1)
			abort();
	for (; p < end && in.n < NAMESMAX; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((c = memchr(p, ':', (size_t)(nl - p))) == NULL)
			continue;
		while (p < c && (*p == ' ' || *p == '\t'))
			p++;
		n = (size_t)(c - p);
		if (n > 0 && n <= ADDR_LOCALMAX && memchr(p, '\0', n) == NULL &&
		    addrlist_add(&in, p, n) == -1)
			abort();
	}
	addrlist_init(&out);
	if (aliases_expand(al, "host.example", &in, &out) == -1)
		FUZZ_CHECK(errno == ELOOP || errno == E2BIG,
		    "an expansion fails for a loop or too many addresses");
	else {
		FUZZ_CHECK(out.n <= ADDRLIST_MAX, "at most ADDRLIST_MAX");
		for (i = 0; i < out.n; i++) {
			n = strlen(out.v[i]);
			FUZZ_CHECK(n > 0, "no empty address");
			for (j = 0; j < in.n; j++)
				if (strcmp(out.v[i], in.v[j]) == 0)
					break;
			FUZZ_CHECK(j < in.n || memmem(data, size, out.v[i],
			    n) != NULL,
			    "every address is asked for or in the file");
		}
	}
	addrlist_free(&in);
	addrlist_free(&out);
	aliases_free(al);
	return 0;
}
