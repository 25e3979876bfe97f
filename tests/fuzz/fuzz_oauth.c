/*
 * What OAuth2 endpoints and a browser send bote (src/conf/oauth.h): a
 * token endpoint's answer through oauth_parse_answer() under the status
 * the first byte picks, and the loopback redirect's query string through
 * oauth_query_param(). Tokens accepted are non-empty and of RFC 6750's
 * b64token characters only (no blank or control byte could break a line
 * of the store or of AUTH); an error code has no control byte; a status
 * other than 200 never gives tokens; a decoded parameter holds no NUL.
 */
#include <stdlib.h>
#include <string.h>

#include "conf/oauth.h"
#include "net/http.h"
#include "fuzz.h"

static const long statuses[] = { 200, 400, 401, 429, 500, 503, 302 };

static void
check_token(const char *s)
{
	FUZZ_CHECK(s != NULL && *s != '\0', "a token is not empty");
	for (; *s != '\0'; s++)
		FUZZ_CHECK(*s > ' ' && *s < 0x7f && *s != '"' && *s != '\\',
		    "a token is printable without blanks or quotes");
}

static void
query(const char *q)
{
	static const char *const names[] = { "code", "state", "error" };
	char	*v;
	size_t	 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((v = oauth_query_param(q, names[i])) == NULL)
			continue;
		FUZZ_CHECK(strlen(v) <= strlen(q), "decoding never grows");
		free(v);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_resp	 r;
	struct oauth_tokens	 t;
	enum oauth_status	 st;
	char			 err[64], why[512], *body;
	size_t			 i;

	if (size < 1 || size > HTTP_BODYMAX)
		return 0;
	if ((body = malloc(size)) == NULL)
		abort();
	memcpy(body, data + 1, size - 1);
	body[size - 1] = '\0';
	memset(&r, 0, sizeof(r));
	r.status = statuses[data[0] % (sizeof(statuses) /
	    sizeof(statuses[0]))];
	r.body = body;
	r.len = size - 1;
	memset(&t, 0, sizeof(t));
	st = oauth_parse_answer(&r, &t, err, sizeof(err), why, sizeof(why));
	if (st == OAUTH_OK) {
		FUZZ_CHECK(r.status == 200, "tokens only with 200");
		check_token(t.access);
		if (t.refresh != NULL)
			check_token(t.refresh);
	} else
		FUZZ_CHECK(t.access == NULL && t.refresh == NULL,
		    "no tokens without OAUTH_OK");
	for (i = 0; err[i] != '\0'; i++)
		FUZZ_CHECK((unsigned char)err[i] >= ' ' &&
		    (unsigned char)err[i] != 0x7f, "no control byte in err");
	oauth_tokens_clear(&t);
	/* The same bytes as the redirect's query string. */
	if (memchr(body, '\0', size - 1) == NULL)
		query(body);
	free(body);
	return 0;
}
