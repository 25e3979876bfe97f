/*
 * netrc files (src/conf/netrc.h): netrc_parse() over the input for a few
 * host and login pairs, and netrc_file() over the same bytes in a file of
 * mode 0600, which must agree. A password found is a token of the file
 * (for an unquoted token, the very bytes), found only when the file holds
 * a password at all; a syntax error says "line N: ..." and never shows a
 * byte of the file beyond its own words.
 */
#include <sys/types.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "conf/netrc.h"
#include "fuzz.h"

static const char *const pairs[][2] = {
	{ "mail.example.org", "user" },
	{ "MAIL.example.ORG", "user" },
	{ "smtp.example.net", "me@example.net" },
	{ "other.example", "root" },
};

static char	path[4096];

/*
 * Whether pass is in buf as it is, or as the content of a quoted token
 * (a backslash takes the next byte as it is) starting at some '"'.
 */
static int
is_token(const char *buf, size_t len, const char *pass)
{
	size_t	i, j, k, n = strlen(pass);

	if (memmem(buf, len, pass, n) != NULL)
		return 1;
	for (i = 0; i < len; i++) {
		if (buf[i] != '"')
			continue;
		for (j = i + 1, k = 0; j < len && buf[j] != '"'; j++, k++) {
			if (buf[j] == '\\' && ++j == len)
				break;
			if (k == n || buf[j] != pass[k])
				break;
		}
		if (k == n && j < len && buf[j] == '"')
			return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum netrc_status st, st2;
	const char	*buf = (const char *)data;
	char		*pass, *pass2, why[256], why2[256];
	size_t		 i, j;
	int		 has, fd;

	if (path[0] == '\0' && snprintf(path, sizeof(path), "%s/netrc",
	    fuzz_tmpdir()) >= (int)sizeof(path))
		abort();
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW,
	    0600)) == -1 || write(fd, data, size) != (ssize_t)size ||
	    close(fd) == -1)
		abort();
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		pass = NULL;
		has = -1;
		why[0] = '\0';
		st = netrc_parse(buf, size, pairs[i][0], pairs[i][1], &pass,
		    &has, why, sizeof(why));
		FUZZ_CHECK(st == NETRC_FOUND || st == NETRC_NONE ||
		    st == NETRC_SYNTAX, "a buffer is found, none or syntax");
		FUZZ_CHECK(has == 0 || has == 1, "has_password is set");
		if (st == NETRC_FOUND) {
			FUZZ_CHECK(pass != NULL && has == 1,
			    "a password found is a password held");
			FUZZ_CHECK(is_token(buf, size, pass),
			    "the password is a token of the file");
		} else
			FUZZ_CHECK(pass == NULL, "no password unless found");
		if (st == NETRC_SYNTAX) {
			FUZZ_CHECK(strncmp(why, "line ", 5) == 0 ||
			    memchr(buf, '\0', size) != NULL,
			    "a syntax error says its line");
			for (j = 0; why[j] != '\0'; j++)
				FUZZ_CHECK((unsigned char)why[j] >= 0x20 &&
				    why[j] != 0x7f,
				    "no control byte in the reason");
		}
		/* The file: the same answer (it is ours and private). */
		pass2 = NULL;
		st2 = netrc_file(path, pairs[i][0], pairs[i][1], &pass2, NULL,
		    why2, sizeof(why2));
		if (size > NETRC_FILEMAX)
			FUZZ_CHECK(st2 != NETRC_FOUND, "a huge file is refused");
		else {
			FUZZ_CHECK(st2 == st, "netrc_file() agrees");
			FUZZ_CHECK((pass == NULL && pass2 == NULL) ||
			    (pass != NULL && pass2 != NULL &&
			    strcmp(pass, pass2) == 0),
			    "netrc_file() finds the same password");
		}
		/* has_password is optional. */
		{
			char *p3 = NULL;

			FUZZ_CHECK(netrc_parse(buf, size, pairs[i][0],
			    pairs[i][1], &p3, NULL, why2, sizeof(why2)) == st,
			    "the verdict does not depend on has_password");
			secret_free(p3);
		}
		secret_free(pass);
		secret_free(pass2);
	}
	(void)unlink(path);
	return 0;
}
