/*
 * SASL mechanisms as pure functions: (user, secret, challenge) ->
 * response, base64-encoded for the wire. No I/O, no state beyond the
 * step number, so each is tested against its RFC's vectors.
 */
#ifndef BOTE_SASL_H
#define BOTE_SASL_H

#include <stddef.h>

#define SASL_RESPMAX	8192	/* base64 response, NUL-terminated */

/*
 * PLAIN (RFC 4616): base64 of [authzid] NUL authcid NUL passwd, with an
 * empty authzid. Returns 0, or -1 when a name holds a NUL (impossible
 * from C strings) or out is too small.
 */
int	sasl_plain(const char *user, const char *pass, char *out,
	    size_t outsz);

/*
 * LOGIN (draft-murchison-sasl-login): step 0 answers the first 334
 * (user name), step 1 the second (password). Returns 0 or -1.
 */
int	sasl_login(int step, const char *user, const char *pass, char *out,
	    size_t outsz);

#endif
