/*
 * SASL mechanisms. The responses hold secrets: every intermediate buffer
 * is wiped before it goes out of scope.
 */
#include <string.h>

#include "sasl.h"
#include "tls.h"

int
sasl_plain(const char *user, const char *pass, char *out, size_t outsz)
{
	char	buf[SASL_RESPMAX];
	size_t	ul = strlen(user), pl = strlen(pass);
	int	rc;

	/* authzid (empty) NUL authcid NUL passwd, RFC 4616 section 2. */
	if (ul + pl + 2 > sizeof(buf))
		return -1;
	buf[0] = '\0';
	memcpy(buf + 1, user, ul);
	buf[1 + ul] = '\0';
	memcpy(buf + 2 + ul, pass, pl);
	rc = b64_encode(buf, ul + pl + 2, out, outsz);
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

int
sasl_login(int step, const char *user, const char *pass, char *out,
    size_t outsz)
{
	const char	*s;

	if (step == 0)
		s = user;
	else if (step == 1)
		s = pass;
	else
		return -1;
	return b64_encode(s, strlen(s), out, outsz);
}
