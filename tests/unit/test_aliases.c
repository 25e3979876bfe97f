/* Unit tests for the aliases file (src/submit/aliases.c). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg/addr.h"
#include "submit/aliases.h"
#include "tap.h"

#define F	"aliases"

static struct aliases *parse(const char *);
static void	 errs_are(const char *, const char *, const char *);
static void	 expands(const struct aliases *, const char *, const char *,
		    const char *);
static void	 test_parse(void);
static void	 test_errors(void);
static void	 test_expand(void);
static void	 test_local_hosts(void);
static void	 test_limits(void);
static void	 test_file(void);

static struct aliases *
parse(const char *text)
{
	struct aliases	*al;

	if ((al = aliases_new()) == NULL)
		abort();
	(void)aliases_read_buf(al, F, text, strlen(text));
	return al;
}

static void
errs_are(const char *text, const char *want, const char *desc)
{
	struct aliases	*al = parse(text);
	char		 buf[4096] = "";
	size_t		 i;

	for (i = 0; i < aliases_nerrs(al); i++) {
		if (i > 0)
			(void)strlcat(buf, "\n", sizeof(buf));
		(void)strlcat(buf, aliases_error(al, i), sizeof(buf));
	}
	is_str(buf, want, "%s", desc);
	aliases_free(al);
}

/* in and want are space-separated address lists. */
static void
expands(const struct aliases *al, const char *in, const char *want,
    const char *desc)
{
	struct addrlist	 il, ol;
	char		 buf[4096] = "", tmp[1024], *p, *tok;
	size_t		 i;

	addrlist_init(&il);
	addrlist_init(&ol);
	(void)strlcpy(tmp, in, sizeof(tmp));
	for (p = tmp; (tok = strsep(&p, " ")) != NULL;)
		if (*tok != '\0')
			(void)addrlist_add(&il, tok, strlen(tok));
	if (aliases_expand(al, "myhost", &il, &ol) == -1)
		(void)snprintf(buf, sizeof(buf), "error: %s", strerror(errno));
	else
		for (i = 0; i < ol.n; i++) {
			if (i > 0)
				(void)strlcat(buf, " ", sizeof(buf));
			(void)strlcat(buf, ol.v[i], sizeof(buf));
		}
	is_str(buf, want, "%s", desc);
	addrlist_free(&il);
	addrlist_free(&ol);
}

static void
test_parse(void)
{
	struct aliases	*al;

	al = parse("# msmtp's example\n"
	    "root: admin@example.org\n"
	    "\n"
	    "   # indented comment\n"
	    "team: a@example.org, b@example.org c@example.org # trailing\n"
	    "crlf:\tx@example.org\r\n"
	    "last: y@example.org");
	is_int(aliases_nerrs(al), 0, "a good file parses");
	is_int(aliases_count(al), 4, "four aliases");
	expands(al, "team", "a@example.org b@example.org c@example.org",
	    "commas and blanks both separate addresses");
	expands(al, "crlf last", "x@example.org y@example.org",
	    "CRLF line ends and a last line without LF");
	expands(al, "ROOT", "admin@example.org",
	    "alias names compare without regard to case");
	aliases_free(al);

	al = parse("");
	is_int(aliases_nerrs(al) + aliases_count(al), 0,
	    "an empty file is fine");
	aliases_free(al);
}

static void
test_errors(void)
{
	struct aliases	*al;

	errs_are("root admin@example.org\n",
	    F ":1: no colon: expected \"name: address, ...\"",
	    "a line without a colon");
	errs_are(": a@b\n", F ":1: no alias name before the colon",
	    "no name");
	errs_are("root:\nok: a@b\nx:  , ,\n",
	    F ":1: no address after the colon\n"
	    F ":3: no address after the colon", "no addresses");
	errs_are("a b: c@d\nr@x: c@d\n",
	    F ":1: an alias name is one local name, without blanks, commas "
	    "or '@'\n"
	    F ":2: an alias name is one local name, without blanks, commas "
	    "or '@'", "names with blanks or @");
	errs_are("root: a@b\n\nRoot: c@d\n",
	    F ":3: duplicate alias (first defined on line 1)",
	    "a duplicate alias (any case)");
	errs_are("x: a@b\x01\n", F ":1: control character",
	    "control characters");
	al = aliases_new();
	ok(aliases_read_buf(al, F, "x: a\0b\n", 7) == -1 &&
	    aliases_nerrs(al) == 1 && strcmp(aliases_error(al, 0),
	    F ":1: NUL byte: this does not look like an aliases file") == 0,
	    "a NUL byte");
	aliases_free(al);
	errs_are("password: hunter2secret\nsecret hunter2 here\n",
	    F ":2: no colon: expected \"name: address, ...\"",
	    "errors never quote the line");
}

static void
test_expand(void)
{
	struct aliases	*al;

	al = parse("root: admin@example.org\n"
	    "postmaster: root\n"
	    "team: root, bob@example.org, carol\n"
	    "self: self, other@example.org\n"
	    "loop1: loop2\nloop2: loop1\n");
	expands(al, "root", "admin@example.org", "a simple alias");
	expands(al, "postmaster", "admin@example.org", "recursively");
	expands(al, "team", "admin@example.org bob@example.org carol",
	    "a list; an unknown local name is kept");
	expands(al, "nobody x@example.org", "nobody x@example.org",
	    "without default, unknown names and remote addresses are kept");
	expands(al, "root@example.org", "root@example.org",
	    "an address with a remote domain is not an alias");
	expands(al, "self", "self other@example.org",
	    "an alias may list its own name");
	expands(al, "loop1", "error: Too many levels of symbolic links",
	    "a loop ends at the depth limit (ELOOP)");
	aliases_free(al);

	al = parse("root: admin@example.org\n"
	    "default: catchall@example.org, postmaster\n");
	expands(al, "root", "admin@example.org",
	    "a known name does not use default");
	expands(al, "anyone", "catchall@example.org postmaster",
	    "default catches unknown names; its own unknown names are kept");
	expands(al, "remote@example.org", "remote@example.org",
	    "default does not catch remote addresses");
	aliases_free(al);
}

static void
test_local_hosts(void)
{
	struct aliases	*al;

	al = parse("root: admin@example.org\n");
	expands(al, "root@localhost", "admin@example.org",
	    "user@localhost is local");
	expands(al, "root@LOCALHOST", "admin@example.org",
	    "the domain compares without regard to case");
	expands(al, "root@myhost", "admin@example.org",
	    "user@<this host's name> is local");
	expands(al, "root@otherhost", "root@otherhost",
	    "another host is not local");
	expands(al, "@localhost", "@localhost", "an empty local part is kept");
	aliases_free(al);
}

static void
test_limits(void)
{
	struct aliases	*al;
	char		*buf;
	size_t		 i, n = 0, sz = 64 * 1024;
	char		 want[64];

	/* A chain of 16 expansions is fine; 17 is not. */
	buf = malloc(sz);
	if (buf == NULL)
		abort();
	buf[0] = '\0';
	for (i = 0; i < 17; i++)
		n += (size_t)snprintf(buf + n, sz - n, "a%zu: a%zu\n", i,
		    i + 1);
	al = parse(buf);
	expands(al, "a1", "a17", "16 nested expansions are allowed");
	expands(al, "a0", "error: Too many levels of symbolic links",
	    "17 are not");
	aliases_free(al);

	memset(buf, 'x', ALIASES_LINEMAX + 1);
	memcpy(buf, "a: ", 3);
	buf[ALIASES_LINEMAX + 1] = '\0';
	(void)snprintf(want, sizeof(want), F ":1: line longer than %d "
	    "octets", ALIASES_LINEMAX);
	errs_are(buf, want, "an over-long line");

	n = (size_t)snprintf(buf, sz, "a:");
	for (i = 0; i <= ALIASES_TOKMAX; i++)
		n += (size_t)snprintf(buf + n, sz - n, " b");
	(void)snprintf(want, sizeof(want), F ":1: more than %d addresses on "
	    "one line", ALIASES_TOKMAX);
	errs_are(buf, want, "too many addresses on a line");
	free(buf);
}

static void
test_file(void)
{
	struct aliases	*al;
	char		 path[] = "/tmp/test_aliases.XXXXXX";
	int		 fd;

	if ((fd = mkstemp(path)) == -1)
		abort();
	if (write(fd, "root: a@b\n", 10) != 10)
		abort();
	close(fd);
	al = aliases_new();
	is_int(aliases_read(al, path), 0, "a file is read");
	is_int(aliases_count(al), 1, "with its alias");
	aliases_free(al);
	unlink(path);

	al = aliases_new();
	errno = 0;
	ok(aliases_read(al, path) == -1 && errno == ENOENT &&
	    aliases_nerrs(al) == 0, "a missing file is -1 with ENOENT");
	aliases_free(al);
	aliases_free(NULL);
}

int
main(void)
{
	test_parse();
	test_errors();
	test_expand();
	test_local_hosts();
	test_limits();
	test_file();
	return done_testing();
}
