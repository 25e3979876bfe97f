/*
 * The aliases file (msmtp's aliases.c, with bote's caps): parsed into a
 * table, then used to expand envelope recipients. The file is never
 * quoted in an error, so pointing bote at the wrong file cannot leak it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "submit/aliases.h"
#include "base/util.h"

struct alias {
	char	 *name;
	char	**v;		/* the addresses, owned */
	size_t	  n;
	int	  line;
};

struct aliases {
	struct alias	*a;
	size_t		 n;
	size_t		 cap;
	char		*errs[ALIASES_ERRMAX];
	size_t		 nerrs;
	int		 more_errs;
};

static void	 error(struct aliases *, const char *, int, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
static int	 parse_line(struct aliases *, const char *, int, char *);
static int	 add_alias(struct aliases *, struct alias *);
static const struct alias *lookup(const struct aliases *, const char *,
		    size_t);
static int	 is_blank(int);
static int	 local_part(const char *, const char *, size_t *);
static int	 expand1(const struct aliases *, const char *, const char *,
		    int, int, struct addrlist *);

struct aliases *
aliases_new(void)
{
	return calloc(1, sizeof(struct aliases));
}

void
aliases_free(struct aliases *al)
{
	size_t	i, j;

	if (al == NULL)
		return;
	for (i = 0; i < al->n; i++) {
		for (j = 0; j < al->a[i].n; j++)
			free(al->a[i].v[j]);
		free(al->a[i].v);
		free(al->a[i].name);
	}
	free(al->a);
	for (i = 0; i < al->nerrs; i++)
		free(al->errs[i]);
	free(al);
}

size_t
aliases_count(const struct aliases *al)
{
	return al->n;
}

size_t
aliases_nerrs(const struct aliases *al)
{
	return al->nerrs;
}

const char *
aliases_error(const struct aliases *al, size_t i)
{
	return i < al->nerrs ? al->errs[i] : NULL;
}

int
aliases_more_errs(const struct aliases *al)
{
	return al->more_errs;
}

static void
error(struct aliases *al, const char *file, int line, const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;
	char	*s;

	if (al->nerrs == ALIASES_ERRMAX) {
		al->more_errs = 1;
		return;
	}
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (asprintf(&s, "%s:%d: %s", file, line, msg) == -1) {
		al->more_errs = 1;
		return;
	}
	al->errs[al->nerrs++] = s;
}

int
aliases_read(struct aliases *al, const char *path)
{
	char	*buf;
	size_t	 len = 0;
	ssize_t	 got;
	int	 fd, rc, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if ((buf = malloc(ALIASES_FILEMAX + 1)) == NULL) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	for (;;) {
		got = read(fd, buf + len, ALIASES_FILEMAX + 1 - len);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			saved = errno;
			free(buf);
			close(fd);
			errno = saved;
			return -1;
		}
		if (got == 0)
			break;
		len += (size_t)got;
		if (len > ALIASES_FILEMAX) {
			free(buf);
			close(fd);
			error(al, path, 0, "the file is larger than %d octets",
			    ALIASES_FILEMAX);
			return -1;
		}
	}
	close(fd);
	rc = aliases_read_buf(al, path, buf, len);
	free(buf);
	return rc;
}

int
aliases_read_buf(struct aliases *al, const char *path, const char *buf,
    size_t len)
{
	char		 line[ALIASES_LINEMAX + 1];
	const char	*p = buf, *end = buf + len, *nl;
	size_t		 n;
	int		 lineno = 0;

	while (p < end) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > ALIASES_LINEMAX) {
			error(al, path, lineno, "line longer than %d octets",
			    ALIASES_LINEMAX);
		} else if (memchr(p, '\0', n) != NULL) {
			error(al, path, lineno, "NUL byte: this does not "
			    "look like an aliases file");
		} else {
			memcpy(line, p, n);
			line[n] = '\0';
			(void)parse_line(al, path, lineno, line);
		}
		p = nl + 1;
	}
	return al->nerrs > 0 || al->more_errs ? -1 : 0;
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* "name: addr, addr addr": commas and blanks both separate addresses. */
static int
parse_line(struct aliases *al, const char *file, int lineno, char *line)
{
	struct alias	 e;
	char		*p, *colon, *name, *tok, *v[ALIASES_TOKMAX];
	size_t		 i, n = 0, len;
	const struct alias *dup;

	memset(&e, 0, sizeof(e));
	if ((p = strchr(line, '#')) != NULL)
		*p = '\0';
	for (p = line; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 && !is_blank(*p)) {
			error(al, file, lineno, "control character");
			return -1;
		}
	for (p = line; is_blank(*p); p++)
		;
	if (*p == '\0')
		return 0;
	if ((colon = strchr(p, ':')) == NULL) {
		error(al, file, lineno, "no colon: expected "
		    "\"name: address, ...\"");
		return -1;
	}
	name = p;
	*colon = '\0';
	len = strlen(name);
	while (len > 0 && is_blank(name[len - 1]))
		name[--len] = '\0';
	if (len == 0) {
		error(al, file, lineno, "no alias name before the colon");
		return -1;
	}
	if (strpbrk(name, " \t,@") != NULL) {
		error(al, file, lineno, "an alias name is one local name, "
		    "without blanks, commas or '@'");
		return -1;
	}
	if (len > ADDR_LOCALMAX) {
		error(al, file, lineno, "alias name longer than %d octets",
		    ADDR_LOCALMAX);
		return -1;
	}
	for (p = colon + 1; *p != '\0';) {
		while (*p == ',' || is_blank(*p))
			p++;
		if (*p == '\0')
			break;
		tok = p;
		while (*p != '\0' && *p != ',' && !is_blank(*p))
			p++;
		if (*p != '\0')
			*p++ = '\0';
		if (n == ALIASES_TOKMAX) {
			error(al, file, lineno, "more than %d addresses on "
			    "one line", ALIASES_TOKMAX);
			return -1;
		}
		if (strlen(tok) > ADDR_MAX) {
			error(al, file, lineno, "address %zu is longer than "
			    "%d octets", n + 1, ADDR_MAX);
			return -1;
		}
		v[n++] = tok;
	}
	if (n == 0) {
		error(al, file, lineno, "no address after the colon");
		return -1;
	}
	if ((dup = lookup(al, name, strlen(name))) != NULL) {
		error(al, file, lineno, "duplicate alias (first defined on "
		    "line %d)", dup->line);
		return -1;
	}
	if (al->n == ALIASES_MAX) {
		error(al, file, lineno, "more than %d aliases", ALIASES_MAX);
		return -1;
	}
	e.line = lineno;
	if ((e.name = strdup(name)) == NULL ||
	    (e.v = calloc(n, sizeof(*e.v))) == NULL)
		goto nomem;
	for (i = 0; i < n; i++, e.n++)
		if ((e.v[i] = strdup(v[i])) == NULL)
			goto nomem;
	if (add_alias(al, &e) == -1)
		goto nomem;
	return 0;
nomem:
	for (i = 0; i < e.n; i++)
		free(e.v[i]);
	free(e.v);
	free(e.name);
	error(al, file, lineno, "out of memory");
	return -1;
}

static int
add_alias(struct aliases *al, struct alias *e)
{
	struct alias	*na;
	size_t		 cap;

	if (al->n == al->cap) {
		cap = al->cap ? al->cap * 2 : 16;
		if ((na = reallocarray(al->a, cap, sizeof(*na))) == NULL)
			return -1;
		al->a = na;
		al->cap = cap;
	}
	al->a[al->n++] = *e;
	return 0;
}

/* Alias names compare without regard to case, as sendmail's do. */
static const struct alias *
lookup(const struct aliases *al, const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < al->n; i++)
		if (strlen(al->a[i].name) == len &&
		    strncasecmp(al->a[i].name, name, len) == 0)
			return &al->a[i];
	return NULL;
}

/*
 * Whether addr names a local user: no '@', or @localhost, or @hostname.
 * *len is then the length of the local name.
 */
static int
local_part(const char *addr, const char *hostname, size_t *len)
{
	const char	*at = strrchr(addr, '@');

	if (at == NULL) {
		*len = strlen(addr);
		return *len > 0;
	}
	if (at == addr)
		return 0;
	if (strcasecmp(at + 1, "localhost") != 0 && (hostname == NULL ||
	    hostname[0] == '\0' || strcasecmp(at + 1, hostname) != 0))
		return 0;
	*len = (size_t)(at - addr);
	return 1;
}

int
aliases_expand(const struct aliases *al, const char *hostname,
    const struct addrlist *in, struct addrlist *out)
{
	size_t	i;

	for (i = 0; i < in->n; i++)
		if (expand1(al, hostname, in->v[i], 0, 0, out) == -1)
			return -1;
	return 0;
}

/*
 * One address at nesting depth. Names reached through "default" do not
 * fall back to "default" again, so "default: postmaster" with no
 * postmaster alias ends at postmaster instead of looping.
 */
static int
expand1(const struct aliases *al, const char *hostname, const char *addr,
    int depth, int via_default, struct addrlist *out)
{
	const struct alias	*e = NULL;
	size_t			 len, vlen, i;

	if (local_part(addr, hostname, &len)) {
		e = lookup(al, addr, len);
		if (e == NULL && !via_default) {
			e = lookup(al, "default", 7);
			via_default = e != NULL;
		}
	}
	if (e == NULL)
		return addrlist_add(out, addr, strlen(addr));
	if (depth == ALIASES_DEPTH) {
		errno = ELOOP;
		return -1;
	}
	for (i = 0; i < e->n; i++) {
		/* "root: root, admin@x" keeps root itself (sendmail does). */
		if (local_part(e->v[i], hostname, &vlen) &&
		    vlen == strlen(e->name) &&
		    strncasecmp(e->v[i], e->name, vlen) == 0) {
			if (addrlist_add(out, e->v[i], strlen(e->v[i])) == -1)
				return -1;
			continue;
		}
		if (expand1(al, hostname, e->v[i], depth + 1, via_default,
		    out) == -1)
			return -1;
	}
	return 0;
}
