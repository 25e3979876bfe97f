/*
 * The OAuth2 token store (oauthstore.h). A file of "key value" lines,
 * so that a person can see what is kept without a tool, and a lock file
 * beside it: the lock cannot be on the data file itself, since each
 * write replaces that file with a new one.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/util.h"
#include "conf/oauthstore.h"

#define STORE_MAX	(64 * 1024)	/* octets of one entry's file */
#define STORE_MAGIC	"# bote OAuth2 tokens: secret, never share or edit"

static int	entry_path(const char *, const char *, char *, size_t);
static int	make_dir(const char *, char *, size_t);
static int	parse(char *, struct ostore_entry *);
static int	set_str(char **, const char *);
static int	token_ok(const char *);

int
ostore_dir(char *buf, size_t sz)
{
	const char	*x = getenv("XDG_STATE_HOME"), *h = getenv("HOME"), *t;

	/* The test suite runs as root: its tokens stay in its build tree. */
	if (geteuid() == 0 && (t = test_hook("OAUTH_DIR")) != NULL &&
	    t[0] == '/')
		return xstrlcpy(buf, t, sz);
	/* Root's are the system's, whatever the environment says. */
	if (geteuid() == 0)
		return xstrlcpy(buf, "/var/lib/bote/oauth", sz);
	if (x != NULL && x[0] == '/')
		return xsnprintf(buf, sz, "%s/bote/oauth", x);
	if (h != NULL && h[0] == '/')
		return xsnprintf(buf, sz, "%s/.local/state/bote/oauth", h);
	return -1;
}

/*
 * dir/NAME + suffix. A name that could climb out of the directory or
 * hide ("..", "a/b", ".x") is spelled in hex after a "=".
 */
static int
entry_path(const char *account, const char *suffix, char *buf, size_t sz)
{
	char		 dir[PATH_MAX], name[256];
	const char	*p;
	size_t		 i;
	int		 plain = account[0] != '.' && account[0] != '\0';

	if (ostore_dir(dir, sizeof(dir)) == -1 || strlen(account) > 100)
		return -1;
	for (p = account; *p != '\0' && plain; p++)
		plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
		    "VWXYZ0123456789._-@+", *p) != NULL;
	if (plain)
		return xsnprintf(buf, sz, "%s/%s%s", dir, account, suffix);
	name[0] = '=';
	for (i = 0; account[i] != '\0'; i++)
		/* 100 octets, two digits each, fit in 256. */
		(void)xsnprintf(name + 1 + 2 * i, sizeof(name) - 1 - 2 * i,
		    "%02x", (unsigned char)account[i]);
	return xsnprintf(buf, sz, "%s/%s%s", dir, name, suffix);
}

/*
 * Make the directory of path (mode 0700, parents too), and check that
 * it belongs to the user and no one else may write in it.
 */
static int
make_dir(const char *path, char *why, size_t whylen)
{
	struct stat	 st;
	char		 dir[PATH_MAX], *p, *slash, c;

	if (xstrlcpy(dir, path, sizeof(dir)) == -1 ||
	    (slash = strrchr(dir, '/')) == NULL || slash == dir) {
		whyf(why, whylen, "bad place for OAuth2 tokens: %s", path);
		return -1;
	}
	*slash = '\0';
	for (p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
			whyf(why, whylen, "cannot create %s: %s", dir,
			    strerror(errno));
			return -1;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	if (lstat(dir, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
		whyf(why, whylen, "%s must be a directory of uid %lu that "
		    "only it may write to (chmod 700 %s)", dir,
		    (unsigned long)geteuid(), dir);
		return -1;
	}
	return 0;
}

/* RFC 6749 A.12, A.17: tokens are VSCHAR (printable ASCII) only. */
static int
token_ok(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			return 0;
	return 1;
}

static int
set_str(char **dst, const char *v)
{
	char	*s;

	if ((s = strdup(v)) == NULL)
		return -1;
	secret_free(*dst);
	*dst = s;
	return 0;
}

/* The lines of buf into e; unknown keys are skipped (a later version). */
static int
parse(char *buf, struct ostore_entry *e)
{
	const char	*errstr;
	char		*line, *next, *v;

	for (line = buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (line[0] == '#' || (v = strchr(line, ' ')) == NULL)
			continue;
		*v++ = '\0';
		if (strcmp(line, "client_id") == 0 && token_ok(v)) {
			if (set_str(&e->client_id, v) == -1)
				return -1;
		} else if (strcmp(line, "access_token") == 0 && token_ok(v)) {
			if (set_str(&e->t.access, v) == -1)
				return -1;
		} else if (strcmp(line, "refresh_token") == 0 && token_ok(v)) {
			if (set_str(&e->t.refresh, v) == -1)
				return -1;
		} else if (strcmp(line, "expires") == 0) {
			e->t.expires = strtonum(v, 0, LLONG_MAX, &errstr);
		} else if (strcmp(line, "failed") == 0) {
			e->failed = strtonum(v, 0, LLONG_MAX, &errstr);
		} else if (strcmp(line, "failure") == 0) {
			/* Only a word from the server's error, for status. */
			if (xstrlcpy(e->failure, v, sizeof(e->failure)) == -1)
				e->failure[0] = '\0';
		}
	}
	return 0;
}

int
ostore_read(const char *account, struct ostore_entry *e, char *why,
    size_t whylen)
{
	struct stat	 st;
	char		 path[PATH_MAX], *buf = NULL;
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd, rc = -1;

	memset(e, 0, sizeof(*e));
	if (entry_path(account, "", path, sizeof(path)) == -1) {
		whyf(why, whylen, "no place for OAuth2 tokens (neither "
		    "XDG_STATE_HOME nor HOME is set)");
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		whyf(why, whylen, "cannot read %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		whyf(why, whylen, "%s holds OAuth2 tokens but is not a file "
		    "of uid %lu that only it can read: chmod 600 %s", path,
		    (unsigned long)geteuid(), path);
		goto out;
	}
	if ((buf = malloc(STORE_MAX + 1)) == NULL) {
		whyf(why, whylen, "out of memory");
		goto out;
	}
	while ((n = read(fd, buf + len, STORE_MAX - len)) > 0)
		len += (size_t)n;
	if (n == -1 || len == STORE_MAX) {
		whyf(why, whylen, "cannot read %s: %s", path, n == -1 ?
		    strerror(errno) : "too large");
		goto out;
	}
	buf[len] = '\0';
	if (parse(buf, e) == -1) {
		whyf(why, whylen, "out of memory");
		ostore_entry_clear(e);
		goto out;
	}
	rc = 1;
out:
	if (buf != NULL)
		freezero(buf, STORE_MAX + 1);
	(void)close(fd);
	return rc;
}

int
ostore_write(const char *account, const struct ostore_entry *e, char *why,
    size_t whylen)
{
	struct sbuf	 sb;
	char		 path[PATH_MAX], tmp[PATH_MAX + 32];
	int		 fd = -1, rc = -1;

	sbuf_init(&sb, STORE_MAX);
	if (entry_path(account, "", path, sizeof(path)) == -1 ||
	    xsnprintf(tmp, sizeof(tmp), "%s.tmp%ld", path,
	    (long)getpid()) == -1) {
		whyf(why, whylen, "no place for OAuth2 tokens (neither "
		    "XDG_STATE_HOME nor HOME is set)");
		return -1;
	}
	if (make_dir(path, why, whylen) == -1)
		return -1;
	(void)sbuf_addf(&sb, "%s\n", STORE_MAGIC);
	if (e->client_id != NULL)
		(void)sbuf_addf(&sb, "client_id %s\n", e->client_id);
	if (e->t.refresh != NULL)
		(void)sbuf_addf(&sb, "refresh_token %s\n", e->t.refresh);
	if (e->t.access != NULL)
		(void)sbuf_addf(&sb, "access_token %s\nexpires %lld\n",
		    e->t.access, e->t.expires);
	if (e->failed != 0)
		(void)sbuf_addf(&sb, "failed %lld\nfailure %s\n", e->failed,
		    e->failure);
	if (sb.err != 0) {
		whyf(why, whylen, "out of memory");
		goto out;
	}
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1 || write(fd, sb.p, sb.len) !=
	    (ssize_t)sb.len || fsync(fd) == -1 || close(fd) == -1) {
		whyf(why, whylen, "cannot write %s: %s", tmp,
		    strerror(errno));
		if (fd != -1)
			(void)close(fd);
		(void)unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) == -1) {
		whyf(why, whylen, "cannot rename %s to %s: %s", tmp, path,
		    strerror(errno));
		(void)unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	if (sb.p != NULL)
		freezero(sb.p, sb.cap);
	return rc;
}

int
ostore_lock(const char *account, int timeout_s, char *why, size_t whylen)
{
	char	path[PATH_MAX];
	int	fd, ms;

	if (entry_path(account, ".lock", path, sizeof(path)) == -1) {
		whyf(why, whylen, "no place for OAuth2 tokens (neither "
		    "XDG_STATE_HOME nor HOME is set)");
		return -1;
	}
	if (make_dir(path, why, whylen) == -1)
		return -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600)) == -1) {
		whyf(why, whylen, "cannot open %s: %s", path,
		    strerror(errno));
		return -1;
	}
	/* Polled, so that a signal or the deadline ends the wait. */
	for (ms = 0; flock(fd, LOCK_EX | LOCK_NB) == -1; ms += 50) {
		if (errno != EWOULDBLOCK || bote_interrupted ||
		    ms >= timeout_s * 1000) {
			whyf(why, whylen, "cannot lock %s: %s", path,
			    errno == EWOULDBLOCK ? "another bote holds it" :
			    strerror(errno));
			(void)close(fd);
			return -1;
		}
		(void)poll(NULL, 0, 50);
	}
	return fd;
}

void
ostore_unlock(int fd)
{
	if (fd != -1)
		(void)close(fd);
}

void
ostore_entry_clear(struct ostore_entry *e)
{
	free(e->client_id);
	oauth_tokens_clear(&e->t);
	memset(e, 0, sizeof(*e));
}
