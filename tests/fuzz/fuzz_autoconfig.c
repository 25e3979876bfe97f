/*
 * Autoconfig documents (src/submit/discover.h): disc_autoconfig_parse()
 * over the input as what an HTTPS server answered bote --setup. A server
 * it takes has a host name of printable ASCII without blanks (it goes
 * into a configuration line), a port from 1 to 65535 and TLS, implicit
 * or STARTTLS; the input is never read past its end (the sanitizers see
 * to that: the bytes are copied into a buffer of exactly their size).
 */
#include <stdlib.h>
#include <string.h>

#include "submit/discover.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct disc_server	 s;
	char			*buf;
	size_t			 i;
	int			 rc;

	if ((buf = malloc(size > 0 ? size : 1)) == NULL)
		abort();
	memcpy(buf, data, size);
	rc = disc_autoconfig_parse(buf, size, "me@example.org", &s);
	FUZZ_CHECK(rc == 0 || rc == -1, "found or not");
	if (rc == 0) {
		FUZZ_CHECK(s.host[0] != '\0', "a server has a host");
		for (i = 0; s.host[i] != '\0'; i++)
			FUZZ_CHECK((unsigned char)s.host[i] > 0x20 &&
			    (unsigned char)s.host[i] < 0x7f,
			    "the host is printable ASCII without blanks");
		FUZZ_CHECK(s.port >= 1 && s.port <= 65535, "a port");
		FUZZ_CHECK(s.starttls == 0 || s.starttls == 1, "TLS, always");
		FUZZ_CHECK(s.user_local == 0 || s.user_local == 1,
		    "the login is the address or its local part");
	}
	free(buf);
	return 0;
}
