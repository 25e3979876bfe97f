/*
 * netrc files. The format is ftp(1)'s: a stream of blank-separated
 * tokens, "machine NAME" or "default" opening an entry and "login",
 * "password", "account" and "macdef" following it. The parser works on a
 * buffer so the unit tests need no files; the reader checks, on the open
 * descriptor, that a file holding passwords is private to its owner.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "conf/netrc.h"
#include "base/util.h"

struct lex {
	const char	*b;
	size_t		 len;
	size_t		 pos;
	int		 line;
	int		 tokline;	/* where the last token started */
	char		*tok;		/* len + 1 octets, wiped */
	size_t		 toklen;
};

/* One entry while it is read: copies, since tok is reused. */
struct entry {
	int		 kind;		/* E_* */
	char		*login;
	char		*password;
};

enum { E_NONE, E_MATCH, E_OTHER, E_DEFAULT };

static int	 is_blank(char);
static int	 lex_next(struct lex *, int);
static void	 lex_skip_macdef(struct lex *);
static void	 entry_clear(struct entry *);
static int	 entry_matches(const struct entry *, const char *);
static int	 set_value(struct lex *, char **, char *, size_t);
static int	 take_keyword(struct lex *, struct entry *, const char *,
		    char **, int *, char *, size_t);


static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\f' || c == '\v';
}

/*
 * The next token into l->tok. keyword: a keyword is due, where "#"
 * starts a comment (a password may well begin with "#", so only there).
 * Returns 1, 0 at the end, -1 for an unterminated quote.
 */
static int
lex_next(struct lex *l, int keyword)
{
	char	c;

	for (;;) {
		while (l->pos < l->len && is_blank(l->b[l->pos])) {
			if (l->b[l->pos] == '\n')
				l->line++;
			l->pos++;
		}
		if (l->pos == l->len)
			return 0;
		if (!keyword || l->b[l->pos] != '#')
			break;
		while (l->pos < l->len && l->b[l->pos] != '\n')
			l->pos++;
	}
	l->toklen = 0;
	l->tokline = l->line;
	if (l->b[l->pos] == '"') {
		l->pos++;
		for (;;) {
			if (l->pos == l->len)
				return -1;
			c = l->b[l->pos++];
			if (c == '"')
				break;
			if (c == '\\') {
				if (l->pos == l->len)
					return -1;
				c = l->b[l->pos++];
			}
			if (c == '\n')
				l->line++;
			l->tok[l->toklen++] = c;
		}
	} else {
		while (l->pos < l->len && !is_blank(l->b[l->pos]))
			l->tok[l->toklen++] = l->b[l->pos++];
	}
	l->tok[l->toklen] = '\0';
	return 1;
}

/*
 * After "macdef NAME": the rest of that line and the following lines up
 * to and including the first empty one are the macro's body.
 */
static void
lex_skip_macdef(struct lex *l)
{
	size_t	start;

	while (l->pos < l->len && l->b[l->pos] != '\n')
		l->pos++;
	while (l->pos < l->len) {
		l->pos++;			/* the '\n' */
		l->line++;
		start = l->pos;
		while (l->pos < l->len && l->b[l->pos] != '\n')
			l->pos++;
		if (l->pos - start == 0 ||
		    (l->pos - start == 1 && l->b[start] == '\r')) {
			if (l->pos < l->len) {
				l->pos++;
				l->line++;
			}
			return;
		}
	}
}

static void
entry_clear(struct entry *e)
{
	secret_free(e->login);
	secret_free(e->password);
	e->login = NULL;
	e->password = NULL;
	e->kind = E_NONE;
}

static int
entry_matches(const struct entry *e, const char *login)
{
	return e->password != NULL && e->login != NULL && login != NULL &&
	    strcmp(e->login, login) == 0;
}

/*
 * Read the value after a keyword into *dst (replacing it). Returns 0,
 * -1 (syntax) or -2 (out of memory).
 */
static int
set_value(struct lex *l, char **dst, char *why, size_t whylen)
{
	int	line = l->line, rc;

	if ((rc = lex_next(l, 0)) != 1) {
		whyf(why, whylen, "line %d: %s", rc == 0 ? line : l->tokline,
		    rc == 0 ? "a keyword without its value at the end" :
		    "a quoted token without its closing quote");
		return -1;
	}
	secret_free(*dst);
	if ((*dst = xstrndup(l->tok, l->toklen)) == NULL) {
		whyf(why, whylen, "out of memory");
		return -2;
	}
	return 0;
}

/*
 * The keyword in l->tok and what follows it, into the entry e (account
 * values into *ignored). Returns 0, -1 (syntax) or -2 (out of memory).
 */
static int
take_keyword(struct lex *l, struct entry *e, const char *host,
    char **ignored, int *has_password, char *why, size_t whylen)
{
	char	**dst;
	int	  line = l->line, ispw, rc;

	if (strcmp(l->tok, "machine") == 0) {
		if (lex_next(l, 0) != 1) {
			whyf(why, whylen, "line %d: machine without a name",
			    line);
			return -1;
		}
		e->kind = host != NULL && strcasecmp(l->tok, host) == 0 ?
		    E_MATCH : E_OTHER;
	} else if (strcmp(l->tok, "default") == 0) {
		e->kind = E_DEFAULT;
	} else if (strcmp(l->tok, "login") == 0 ||
	    strcmp(l->tok, "password") == 0 ||
	    strcmp(l->tok, "account") == 0) {
		if (e->kind == E_NONE) {
			whyf(why, whylen, "line %d: %s before any machine or "
			    "default", line, l->tok);
			return -1;
		}
		ispw = l->tok[0] == 'p';
		dst = l->tok[0] == 'l' ? &e->login : ispw ? &e->password :
		    ignored;
		if ((rc = set_value(l, dst, why, whylen)) != 0)
			return rc;
		if (ispw && has_password != NULL)
			*has_password = 1;
	} else if (strcmp(l->tok, "macdef") == 0) {
		if (lex_next(l, 0) != 1) {
			whyf(why, whylen, "line %d: macdef without a name",
			    line);
			return -1;
		}
		lex_skip_macdef(l);
	} else {
		/* Never quote it: it may be a password out of place. */
		whyf(why, whylen, "line %d: unknown keyword", line);
		return -1;
	}
	return 0;
}

enum netrc_status
netrc_parse(const char *buf, size_t len, const char *host, const char *login,
    char **pass, int *has_password, char *why, size_t whylen)
{
	struct lex		 l;
	struct entry		 e;
	char			*deflt = NULL, *ignored = NULL;
	enum netrc_status	 st = NETRC_SYNTAX;
	int			 rc;

	*pass = NULL;
	if (has_password != NULL)
		*has_password = 0;
	memset(&l, 0, sizeof(l));
	memset(&e, 0, sizeof(e));
	l.b = buf;
	l.len = len;
	l.line = 1;
	if (memchr(buf, '\0', len) != NULL) {
		whyf(why, whylen, "holds a NUL byte: not a netrc file");
		return NETRC_SYNTAX;
	}
	if ((l.tok = malloc(len + 1)) == NULL) {
		whyf(why, whylen, "out of memory");
		return NETRC_ERROR;
	}

	for (;;) {
		if ((rc = lex_next(&l, 1)) == -1) {
			whyf(why, whylen, "line %d: a quoted token without "
			    "its closing quote", l.tokline);
			goto done;
		}
		/* An entry ends where the next one starts, or at the end. */
		if (rc == 0 || strcmp(l.tok, "machine") == 0 ||
		    strcmp(l.tok, "default") == 0) {
			if (e.kind == E_MATCH && entry_matches(&e, login)) {
				*pass = e.password;
				e.password = NULL;
				st = NETRC_FOUND;
				goto done;
			}
			if (e.kind == E_DEFAULT && deflt == NULL &&
			    entry_matches(&e, login)) {
				deflt = e.password;
				e.password = NULL;
			}
			entry_clear(&e);
		}
		if (rc == 0)
			break;
		if ((rc = take_keyword(&l, &e, host, &ignored, has_password,
		    why, whylen)) != 0) {
			if (rc == -2)
				st = NETRC_ERROR;
			goto done;
		}
	}
	if (deflt != NULL) {
		*pass = deflt;
		deflt = NULL;
		st = NETRC_FOUND;
	} else
		st = NETRC_NONE;
done:
	entry_clear(&e);
	secret_free(deflt);
	secret_free(ignored);
	freezero(l.tok, len + 1);
	return st;
}

enum netrc_status
netrc_file(const char *path, const char *host, const char *login,
    char **pass, uid_t *owner, char *why, size_t whylen)
{
	struct stat		 sb;
	enum netrc_status	 st = NETRC_ERROR;
	char			*buf = NULL;
	size_t			 cap = 0, len = 0;
	ssize_t			 n;
	int			 fd, haspw = 0;

	*pass = NULL;
	/*
	 * O_NONBLOCK: a FIFO planted there must not hang the open; it is
	 * refused below as not a regular file.
	 */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		/* A file the user cannot read holds nothing for them. */
		if (errno == ENOENT || errno == ENOTDIR || errno == EACCES)
			return NETRC_NONE;
		if (errno == ELOOP)
			whyf(why, whylen, "is a symbolic link (not "
			    "followed)");
		else
			whyf(why, whylen, "%s", strerror(errno));
		return NETRC_ERROR;
	}
	if (fstat(fd, &sb) == -1) {
		whyf(why, whylen, "%s", strerror(errno));
		goto done;
	}
	if (!S_ISREG(sb.st_mode)) {
		whyf(why, whylen, "is not a regular file");
		goto done;
	}
	if (sb.st_size > NETRC_FILEMAX) {
		whyf(why, whylen, "is larger than %d octets", NETRC_FILEMAX);
		goto done;
	}
	/* One octet more than it should hold, to see it grow. */
	cap = (size_t)sb.st_size + 1;
	if ((buf = malloc(cap)) == NULL) {
		whyf(why, whylen, "out of memory");
		goto done;
	}
	while (len < cap) {
		n = read(fd, buf + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			whyf(why, whylen, "%s", strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len == cap) {
		whyf(why, whylen, "changed while it was read");
		goto done;
	}
	st = netrc_parse(buf, len, host, login, pass, &haspw, why, whylen);
	if (!haspw)
		goto done;
	/*
	 * Passwords others could read, or a file someone else could have
	 * written: refuse it whole, as ftp(1) does. Root's files are
	 * trusted: only root could have written them.
	 */
	if (sb.st_uid != geteuid() && sb.st_uid != 0) {
		if (owner != NULL)
			*owner = sb.st_uid;
		st = NETRC_INSECURE_OWNER;
	} else if ((sb.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		st = NETRC_INSECURE_MODE;
	if (st != NETRC_FOUND) {
		secret_free(*pass);
		*pass = NULL;
	}
done:
	if (buf != NULL)
		freezero(buf, cap);
	(void)close(fd);
	return st;
}
