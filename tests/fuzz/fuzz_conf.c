/*
 * The configuration file (src/conf/conf.h): conf_read_buf() over the
 * input, and conf_read() over the same bytes in a file of mode 0600,
 * which must report the same errors, and refuse the file at mode 0644
 * when it holds a password (DESIGN.md: insecure permissions, exit 78).
 * Errors are "file:line: message", at most CONF_ERRMAX of them, and never
 * show a control byte or the value of a password line (DESIGN.md rule 4:
 * the file may be a secret). Every account's host, user, from and domain
 * hold no control byte.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "fuzz.h"

#define PATH_NAME	"fuzz.conf"

static char	path[4096];

static void
write_file(const uint8_t *data, size_t size, mode_t mode)
{
	int	fd;

	(void)unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)) == -1 ||
	    fchmod(fd, mode) == -1 ||
	    write(fd, data, size) != (ssize_t)size || close(fd) == -1)
		abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* ${VAR} and ~ expand to something known. */
	(void)setenv("HOME", "/nonexistent/home", 1);
	(void)setenv("BOTE_FUZZ", "value", 1);
	return 0;
}

/* Whether v[0..n) occurs in a line of data that is not a password line. */
static int
elsewhere(const uint8_t *data, size_t size, const char *v, size_t n)
{
	const char	*p = (const char *)data, *end = p + size, *nl, *q;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		for (q = p; q < nl && (*q == ' ' || *q == '\t'); q++)
			continue;
		if ((size_t)(nl - q) >= 8 && memcmp(q, "password", 8) == 0)
			continue;
		if (memmem(p, (size_t)(nl - p), v, n) != NULL)
			return 1;
	}
	return 0;
}

/*
 * The password values of the input worth looking for in the messages
 * (a value the input also writes outside a password line, say as an
 * account name, may well be quoted by a message about that line):
 * eight octets or more with a character no message of bote's uses.
 */
static int
leaks_secret(const uint8_t *data, size_t size, const char *msg)
{
	const char	*p = (const char *)data, *end = p + size, *nl, *v;
	size_t		 n, i;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		while (p < nl && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(nl - p) < 9 || memcmp(p, "password", 8) != 0)
			continue;
		for (v = p + 8; v < nl && (*v == ' ' || *v == '\t'); v++)
			continue;
		n = (size_t)(nl - v);
		if (n > 0 && v[n - 1] == '\r')
			n--;
		if (n < 8 || memchr(v, '\0', n) != NULL)
			continue;
		for (i = 0; i < n && strchr("!#&*^|", v[i]) == NULL; i++)
			continue;
		if (i == n || elsewhere(data, size, v, n))
			continue;
		if (memmem(msg, strlen(msg), v, n) != NULL)
			return 1;
	}
	return 0;
}

static void
check_msgs(char *const *v, size_t n, const uint8_t *data, size_t size,
    const char *file)
{
	size_t	i, j, fl = strlen(file);

	for (i = 0; i < n; i++) {
		FUZZ_CHECK(strncmp(v[i], file, fl) == 0 && v[i][fl] == ':',
		    "a message starts with the file name");
		for (j = 0; v[i][j] != '\0'; j++)
			FUZZ_CHECK((unsigned char)v[i][j] >= 0x20 &&
			    v[i][j] != 0x7f, "no control byte in a message");
		FUZZ_CHECK(!leaks_secret(data, size, v[i]),
		    "no message shows a password");
	}
}

static void
check_accounts(const struct conf *c)
{
	const struct account	*a;
	const char		*s[4];
	size_t			 i;

	for (a = c->accounts; a != NULL; a = a->next) {
		FUZZ_CHECK(a->name != NULL && a->name[0] != '\0',
		    "an account has a name");
		FUZZ_CHECK(strpbrk(a->name, ":,") == NULL &&
		    !fuzz_has_ctl(a->name, strlen(a->name)),
		    "an account name has no ':', ',' or control byte");
		s[0] = a->host;
		s[1] = a->user;
		s[2] = a->from;
		s[3] = a->domain;
		for (i = 0; i < 4; i++)
			if (s[i] != NULL)
				FUZZ_CHECK(!fuzz_has_ctl(s[i], strlen(s[i])),
				    "no control byte in host, user, from, "
				    "domain");
		FUZZ_CHECK(account_port(a) >= 1 && account_port(a) <= 65535,
		    "the port is a port");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf	*c, *c2, *c3;
	struct account	*a;
	size_t		 i;
	int		 rc, rc2, rc3;

	if ((c = conf_new()) == NULL)
		abort();
	rc = conf_read_buf(c, PATH_NAME, (const char *)data, size);
	FUZZ_CHECK(rc == (c->nerrs > 0 || c->more_errs ? -1 : 0),
	    "conf_read_buf() fails exactly when it recorded errors");
	FUZZ_CHECK(c->nerrs <= CONF_ERRMAX && c->nnotes <= CONF_ERRMAX,
	    "at most CONF_ERRMAX messages are kept");
	check_msgs(c->errs, c->nerrs, data, size, PATH_NAME);
	check_msgs(c->notes, c->nnotes, data, size, PATH_NAME);
	check_accounts(c);
	/* The final checks of every account read. */
	for (a = c->accounts; a != NULL; a = a->next)
		(void)conf_check(c, a);
	FUZZ_CHECK(c->nerrs <= CONF_ERRMAX, "conf_check() keeps the cap");
	check_msgs(c->errs, c->nerrs, data, size, PATH_NAME);

	/* The same bytes as a private file: the same verdict. */
	if (path[0] == '\0' && snprintf(path, sizeof(path), "%s/%s",
	    fuzz_tmpdir(), PATH_NAME) >= (int)sizeof(path))
		abort();
	write_file(data, size, 0600);
	if ((c2 = conf_new()) == NULL || (c3 = conf_new()) == NULL)
		abort();
	rc2 = conf_read(c2, path);
	rc3 = conf_read_buf(c3, path, (const char *)data, size);
	FUZZ_CHECK(rc2 == rc3 && c2->nerrs == c3->nerrs,
	    "conf_read() of a file says what conf_read_buf() says");
	for (i = 0; i < c2->nerrs; i++)
		FUZZ_CHECK(strcmp(c2->errs[i], c3->errs[i]) == 0,
		    "conf_read() and conf_read_buf() errors agree");
	conf_free(c2);

	/* Readable by others: refused when it holds a password. */
	for (a = c3->accounts; a != NULL && a->password == NULL; a = a->next)
		continue;
	if (a != NULL) {
		write_file(data, size, 0644);
		if ((c2 = conf_new()) == NULL)
			abort();
		FUZZ_CHECK(conf_read(c2, path) == -1, "a file others can "
		    "read is refused when it holds a password (exit 78)");
		conf_free(c2);
	}
	conf_free(c3);
	(void)unlink(path);
	conf_free(c);
	return 0;
}
