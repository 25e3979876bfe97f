/*
 * The netrc parser over buffers (netrc_parse) and the file reader's
 * checks (netrc_file) on files in a temporary directory.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/netrc.h"
#include "tap.h"
#include "base/util.h"

static char	why[256];

/* The password netrc_parse finds for host and login, or a status word. */
static const char *
look(const char *text, const char *host, const char *login)
{
	static char		 res[256];
	char			*pass = NULL;
	enum netrc_status	 st;

	why[0] = '\0';
	st = netrc_parse(text, strlen(text), host, login, &pass, NULL, why,
	    sizeof(why));
	switch (st) {
	case NETRC_FOUND:
		(void)snprintf(res, sizeof(res), "%s", pass);
		secret_free(pass);
		return res;
	case NETRC_NONE:
		return pass == NULL ? "<none>" : "<none but set>";
	case NETRC_SYNTAX:
		return pass == NULL ? "<syntax>" : "<syntax but set>";
	default:
		return "<other>";
	}
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int	fd;

	(void)unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd == -1 ||
	    write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		printf("Bail out! cannot write %s: %s\n", path,
		    strerror(errno));
		exit(1);
	}
	(void)fchmod(fd, mode);
	(void)close(fd);
}

static void
files(void)
{
	char			 dir[] = "/tmp/test_netrc.XXXXXX";
	char			 path[300], link[300];
	char			*pass = NULL;
	enum netrc_status	 st;
	uid_t			 owner;

	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		exit(1);
	}
	(void)snprintf(path, sizeof(path), "%s/netrc", dir);
	(void)snprintf(link, sizeof(link), "%s/link", dir);

	is_int(netrc_file(path, "h", "u", &pass, &owner, why, sizeof(why)),
	    NETRC_NONE, "a missing file is no entry");

	write_file(path, "machine h login u password pw\n", 0600);
	st = netrc_file(path, "h", "u", &pass, &owner, why, sizeof(why));
	is_int(st, NETRC_FOUND, "a 0600 file of mine is read");
	is_str(pass, "pw", "its password");
	secret_free(pass);
	pass = NULL;

	write_file(path, "machine h login u password pw\n", 0640);
	st = netrc_file(path, "h", "u", &pass, &owner, why, sizeof(why));
	is_int(st, NETRC_INSECURE_MODE, "group-readable with a password");
	ok(pass == NULL, "and no password comes out of it");

	write_file(path, "machine h login u password pw\n", 0602);
	is_int(netrc_file(path, "h", "u", &pass, &owner, why, sizeof(why)),
	    NETRC_INSECURE_MODE, "other-writable with a password");

	write_file(path, "machine h login u password pw\n", 0644);
	is_int(netrc_file(path, "x", "u", &pass, &owner, why, sizeof(why)),
	    NETRC_INSECURE_MODE, "refused even when no entry matches");

	write_file(path, "machine h login u\n", 0644);
	is_int(netrc_file(path, "h", "u", &pass, &owner, why, sizeof(why)),
	    NETRC_NONE, "world-readable without passwords is fine");

	write_file(path, "machine h login u password pw\n", 0600);
	(void)unlink(link);
	if (symlink(path, link) == 0) {
		is_int(netrc_file(link, "h", "u", &pass, &owner, why,
		    sizeof(why)), NETRC_ERROR, "a symbolic link is refused");
		ok(strstr(why, "symbolic link") != NULL, "and says so: %s",
		    why);
		(void)unlink(link);
	} else
		ok(0, "symlink: %s", strerror(errno));

	is_int(netrc_file(dir, "h", "u", &pass, &owner, why, sizeof(why)),
	    NETRC_ERROR, "a directory is refused");

	if (mkfifo(link, 0600) == 0) {
		is_int(netrc_file(link, "h", "u", &pass, &owner, why,
		    sizeof(why)), NETRC_ERROR, "a FIFO is refused, no hang");
		(void)unlink(link);
	} else
		ok(0, "mkfifo: %s", strerror(errno));

	/* As root, a file owned by someone else is refused. */
	if (geteuid() == 0) {
		write_file(path, "machine h login u password pw\n", 0600);
		if (chown(path, 65534, 65534) == 0) {
			owner = 0;
			is_int(netrc_file(path, "h", "u", &pass, &owner, why,
			    sizeof(why)), NETRC_INSECURE_OWNER,
			    "another user's file is refused");
			is_int(owner, 65534, "and its owner is told");
			ok(pass == NULL, "no password out of it");
		} else
			ok(0, "chown: %s", strerror(errno));
	} else
		printf("ok %d - # SKIP not root\n", ++tap_n);

	write_file(path, "machine h login u password \"unterminated\n",
	    0600);
	is_int(netrc_file(path, "h", "u", &pass, &owner, why, sizeof(why)),
	    NETRC_SYNTAX, "a syntax error in a file");

	(void)unlink(path);
	(void)rmdir(dir);
}

int
main(void)
{
	const char	*t;
	char		*big, *pass = NULL;
	enum netrc_status st;
	int		 haspw;
	size_t		 i;

	t = "machine mx.example login alice password s3cret\n";
	is_str(look(t, "mx.example", "alice"), "s3cret", "machine and login");
	is_str(look(t, "MX.Example", "alice"), "s3cret",
	    "host names ignore case");
	is_str(look(t, "mx.example", "Alice"), "<none>",
	    "logins do not ignore case");
	is_str(look(t, "other.example", "alice"), "<none>", "other host");
	is_str(look(t, "mx.example", NULL), "<none>",
	    "no login asked: the netrc does not choose the user");

	t = "machine mx.example login alice password a1\n"
	    "machine mx.example login bob password b2\n"
	    "machine mx.example login bob password b3\n";
	is_str(look(t, "mx.example", "bob"), "b2",
	    "the first entry for host and login wins");
	is_str(look(t, "mx.example", "alice"), "a1", "alice's entry");

	t = "machine mx.example password nologin\n";
	is_str(look(t, "mx.example", "alice"), "<none>",
	    "an entry without a login does not match");

	t = "machine mx.example login alice\n"
	    "machine mx.example login alice password later\n";
	is_str(look(t, "mx.example", "alice"), "later",
	    "an entry without a password is passed over");

	t = "machine a.example login u password pa\n"
	    "default login u password pd\n";
	is_str(look(t, "b.example", "u"), "pd", "default entry");
	is_str(look(t, "a.example", "u"), "pa", "machine before default");
	is_str(look(t, "b.example", "v"), "<none>",
	    "default with another login");

	t = "default login u password pd\n"
	    "machine a.example login u password pa\n";
	is_str(look(t, "a.example", "u"), "pa",
	    "a machine entry wins over an earlier default");

	/* Layout: tokens across lines, tabs, CRLF, no final newline. */
	t = "machine\tmx.example\r\n  login\n alice\r\n\tpassword  p\r\n";
	is_str(look(t, "mx.example", "alice"), "p", "any blanks, CRLF");
	t = "machine mx.example login alice password last";
	is_str(look(t, "mx.example", "alice"), "last", "no final newline");

	/* Quoted tokens. */
	t = "machine mx.example login \"alice smith\" "
	    "password \"a b\\\"c\\\\\"";
	is_str(look(t, "mx.example", "alice smith"), "a b\"c\\",
	    "quoted login and password with escapes");
	t = "machine mx.example login alice password \"\"\n";
	is_str(look(t, "mx.example", "alice"), "", "an empty quoted password");
	t = "machine mx.example login alice password \"open\n";
	is_str(look(t, "mx.example", "alice"), "<syntax>",
	    "an unterminated quote is an error");
	ok(strstr(why, "line 1") != NULL, "with its line: %s", why);

	/* account is read and ignored. */
	t = "machine mx.example login alice account acct password p\n";
	is_str(look(t, "mx.example", "alice"), "p", "account is ignored");

	/* macdef bodies are skipped up to an empty line. */
	t = "macdef init\n"
	    "machine evil.example login alice password fromthemacro\n"
	    "cd /pub\n"
	    "\n"
	    "machine mx.example login alice password afterwards\n";
	is_str(look(t, "evil.example", "alice"), "<none>",
	    "a macdef body is skipped, not parsed");
	is_str(look(t, "mx.example", "alice"), "afterwards",
	    "and the entry after it is found");
	t = "machine mx.example login alice password p\n"
	    "macdef init\n"
	    "machine mx.example login alice password inmacro\n"
	    "\r\n"
	    "machine other.example login alice password q\n";
	is_str(look(t, "other.example", "alice"), "q",
	    "parsing goes on after a macdef body (CRLF empty line)");
	t = "machine a.example login u macdef m\n"
	    "password no\n"
	    "\n"
	    "password yes\n";
	is_str(look(t, "a.example", "u"), "yes",
	    "a password inside a macro body is not the entry's");
	t = "machine a.example login u password p macdef m\nbody";
	is_str(look(t, "a.example", "u"), "p", "a macro body up to the end");

	/* Comments where a keyword is due; a '#' password is a password. */
	t = "# my mail\n"
	    "machine mx.example # the relay\n"
	    "login alice password #hash\n";
	is_str(look(t, "mx.example", "alice"), "#hash",
	    "comments, and a password beginning with #");

	/* Errors: never the token, always the line. */
	t = "machine mx.example\nlogin alice\nfrobnicate secret\n";
	is_str(look(t, "mx.example", "alice"), "<syntax>", "unknown keyword");
	ok(strstr(why, "line 3") != NULL && strstr(why, "frobnicate") ==
	    NULL && strstr(why, "secret") == NULL,
	    "names the line, not the token: %s", why);
	t = "login alice password p\n";
	is_str(look(t, "mx.example", "alice"), "<syntax>",
	    "login before any machine");
	t = "machine mx.example login alice password";
	is_str(look(t, "mx.example", "alice"), "<syntax>",
	    "password without a value");
	t = "machine";
	is_str(look(t, "mx.example", "alice"), "<syntax>",
	    "machine without a name");
	is_int(netrc_parse("machine a\0b", 11, "a", "u", &pass, NULL, why,
	    sizeof(why)), NETRC_SYNTAX, "a NUL byte: not a netrc file");
	is_str(look("", "mx.example", "alice"), "<none>", "empty text");

	/* has_password covers entries that do not match too. */
	t = "machine other.example login bob password x\n";
	st = netrc_parse(t, strlen(t), "mx.example", "alice", &pass, &haspw,
	    why, sizeof(why));
	ok(st == NETRC_NONE && haspw == 1, "a password elsewhere is noted");
	t = "machine mx.example login alice\n";
	st = netrc_parse(t, strlen(t), "mx.example", "alice", &pass, &haspw,
	    why, sizeof(why));
	ok(st == NETRC_NONE && haspw == 0, "no password, none noted");

	/* A 64 KiB token (an OAuth token kept in a netrc). */
	if ((big = malloc(70000)) == NULL)
		return 1;
	i = (size_t)snprintf(big, 70000, "machine h login u password ");
	memset(big + i, 'T', 65536);
	big[i + 65536] = '\n';
	st = netrc_parse(big, i + 65537, "h", "u", &pass, NULL, why,
	    sizeof(why));
	ok(st == NETRC_FOUND && pass != NULL && strlen(pass) == 65536,
	    "a 64 KiB password");
	secret_free(pass);
	free(big);

	files();
	return done_testing();
}
