/*
 * The configuration file, in msmtprc syntax (bote.conf(5)).
 *
 * A line lexer feeds one line at a time to the parser; the directive is
 * looked up with bsearch(3) in a sorted keyword table, its argument is
 * checked according to the table's type, and one switch on the key
 * stores it. Every error is collected as "file:line: message" and none
 * quotes the line: the file may hold a password, or not be a
 * configuration file at all.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "conf/account.h"
#include "conf/conf.h"
#include "conf/conf_int.h"
#include "conf/conf_kw.h"
#include "base/util.h"

#define CONF_FILEMAX	(16 * 1024 * 1024)	/* octets in one file */
#define CONF_FILESMAX	64	/* files read into one conf */
#define CONF_ACCTMAX	1000	/* accounts in one file */
#define CONF_NAMEMAX	128	/* octets in an account name */
#define CONF_PARENTMAX	32	/* parents of one account */

static void	 conf_errv(struct conf *, const char *, int, const char *,
		    va_list) __attribute__((format(printf, 4, 0)));
static struct account *file_account(struct parse *, const char *);
static int	 name_ok(struct parse *, const char *, size_t, int);
static struct account *acct_start(struct parse *, const char *, size_t);
static void	 do_account(struct parse *, char *, size_t);
static int	 unquote(struct parse *, char *, size_t *);
static void	 parse_line(struct parse *, char *, size_t);
static void	 apply(struct parse *, const struct keyword *, char *, size_t);
static void	 note_obsolete(struct parse *, const char *);
static const char *intern(struct parse *, const char *);
static int	 check_secret_file(struct parse *, int, int);
static int	 check_root_file(struct parse *, int);
static int	 check_eval_file(struct parse *, int);
static void	 end_line(struct parse *);
static int	 parse_begin(struct parse *, struct conf *, const char *);
static void	 parse_feed(struct parse *, const char *, size_t);
static int	 parse_end(struct parse *);
static int	 is_blank(int);

const char CONF_CMDLINE[] = "command line";

/* msmtp's older names, accepted with a note saying what to write now. */
static const struct {
	const char	*name;
	const char	*instead;	/* NULL: it has no effect */
} obsolete[] = {
	{ "add_missing_date_header", "set_date_header auto|off" },
	{ "add_missing_from_header", "set_from_header auto|off" },
	{ "auto_from", NULL },
	{ "connect_timeout", "timeout" },
	{ "keepbcc", "remove_bcc_headers off" },
	{ "maildomain", NULL },
	{ "tls_force_sslv3", NULL },
	{ "tls_min_dh_prime_bits", NULL },
	{ "tls_nocertcheck", "tls_certcheck off" },
	{ "tls_nostarttls", "tls_starttls off" },
	{ "undisclosed_recipients", "set_to_header undisclosed_recipients" },
};

static int
is_blank(int ch)
{
	return ch == ' ' || ch == '\t';
}


/*
 * Append "file:line: message" (or "file: message" for line 0, or only
 * the message without a file) to c->errs. The message is allocated to
 * its full length, so nothing is cut.
 */
static void
conf_errv(struct conf *c, const char *file, int line, const char *fmt,
    va_list ap)
{
	char	*msg = NULL, *full = NULL;
	int	 n;

	if (c->nerrs >= CONF_ERRMAX) {
		c->more_errs = 1;
		return;
	}
	if (vasprintf(&msg, fmt, ap) == -1) {
		msg = NULL;
		goto fail;
	}
	if (file == NULL) {
		full = msg;
		msg = NULL;
		n = 0;
	} else if (line > 0)
		n = asprintf(&full, "%s:%d: %s", file, line, msg);
	else
		n = asprintf(&full, "%s: %s", file, msg);
	if (n == -1)
		goto fail;
	c->errs[c->nerrs++] = full;
	free(msg);
	return;
fail:
	/* The error is still counted, so the file is not taken as good. */
	free(msg);
	c->more_errs = 1;
}

void
conf_perr(struct parse *p, const char *fmt, ...)
{
	va_list	ap;

	p->nerrs++;
	va_start(ap, fmt);
	conf_errv(p->c, p->file, p->line, fmt, ap);
	va_end(ap);
}

void
conf_error(struct conf *c, const char *file, int line, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	conf_errv(c, file, line, fmt, ap);
	va_end(ap);
}

static struct account *
file_account(struct parse *p, const char *name)
{
	struct account	*a;

	for (a = p->head; a != NULL; a = a->next)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

int
conf_has_ctl(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

/*
 * Account names appear in messages, so they must be printable; ':' and
 * ',' separate parents.
 */
static int
name_ok(struct parse *p, const char *s, size_t len, int parent)
{
	if (len == 0) {
		if (parent)
			conf_perr(p, "empty name in the list of parent accounts");
		else
			conf_perr(p, "account needs a name");
		return 0;
	}
	if (memchr(s, ':', len) != NULL || memchr(s, ',', len) != NULL) {
		conf_perr(p, "account names may not contain ':' or ','");
		return 0;
	}
	if (len > CONF_NAMEMAX) {
		conf_perr(p, "account name is too long (limit %d octets)",
		    CONF_NAMEMAX);
		return 0;
	}
	if (conf_has_ctl(s, len)) {
		conf_perr(p, "account names may not contain control characters");
		return 0;
	}
	return 1;
}

/* A new account of this file, copied from the current defaults. */
static struct account *
acct_start(struct parse *p, const char *name, size_t len)
{
	struct account	*a = NULL;
	int		 key;

	if (p->naccts >= CONF_ACCTMAX) {
		conf_perr(p, "too many accounts in one file (limit %d)",
		    CONF_ACCTMAX);
		goto fail;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL)
		goto nomem;
	account_init(a);
	if ((a->name = xstrndup(name, len)) == NULL)
		goto nomem;
	if (account_copy(a, &p->defaults) == -1)
		goto nomem;
	/* What the defaults section set shows as such in --pretend. */
	for (key = 0; key < K__COUNT; key++)
		if (a->origin[key].file != NULL)
			a->origin[key].defaults = 1;
	a->defined.file = p->file;
	a->defined.line = p->line;
	return a;
nomem:
	p->nomem = 1;
fail:
	account_free(a);
	return NULL;
}

/* "account NAME [: PARENT[,PARENT...]]". */
static void
do_account(struct parse *p, char *arg, size_t len)
{
	const struct account *parents[CONF_PARENTMAX];
	struct account	*a = NULL, *dup;
	char		*colon, *s, *e, *next;
	size_t		 nl, np = 0, i;
	int		 key;

	/* Lines up to the next section go nowhere if this one is bad. */
	p->cur = &p->sink;
	colon = memchr(arg, ':', len);
	nl = colon != NULL ? (size_t)(colon - arg) : len;
	while (nl > 0 && is_blank(arg[nl - 1]))
		nl--;
	if (!name_ok(p, arg, nl, 0))
		return;
	arg[nl] = '\0';
	if ((dup = file_account(p, arg)) != NULL) {
		conf_perr(p, "account %s is already defined on line %d", arg,
		    dup->defined.line);
		return;
	}
	for (s = colon != NULL ? colon + 1 : NULL; s != NULL; s = next) {
		if ((next = strchr(s, ',')) != NULL)
			*next++ = '\0';
		while (is_blank(*s))
			s++;
		e = s + strlen(s);
		while (e > s && is_blank(e[-1]))
			e--;
		*e = '\0';
		if (!name_ok(p, s, (size_t)(e - s), 1))
			return;
		if (np == CONF_PARENTMAX) {
			conf_perr(p, "too many parent accounts (limit %d)",
			    CONF_PARENTMAX);
			return;
		}
		if ((parents[np++] = file_account(p, s)) == NULL) {
			conf_perr(p, "account %s inherits from undefined account "
			    "%s (a parent must be defined earlier in the same "
			    "file)", arg, s);
			return;
		}
	}
	if ((a = acct_start(p, arg, nl)) == NULL)
		return;
	for (i = 0; i < np; i++) {
		if (account_inherit(a, parents[i]) == -1) {
			p->nomem = 1;
			account_free(a);
			return;
		}
		/* Name the account where an inherited value was set. */
		for (key = 0; key < K__COUNT; key++) {
			if (!(account_isset(parents[i], key)) ||
			    a->origin[key].via != NULL)
				continue;
			if ((a->origin[key].via = intern(p,
			    parents[i]->name)) == NULL) {
				account_free(a);
				return;
			}
		}
	}
	*p->tail = a;
	p->tail = &a->next;
	p->naccts++;
	p->cur = a;
}

/*
 * A double-quoted argument keeps its blanks; inside, \" and \\ stand for
 * " and \, and any other backslash is kept as it is.
 */
static int
unquote(struct parse *p, char *arg, size_t *len)
{
	size_t	i, o = 0;

	if (*len == 0 || arg[0] != '"')
		return 0;
	for (i = 1; i < *len; i++) {
		if (arg[i] == '\\' && i + 1 < *len &&
		    (arg[i + 1] == '"' || arg[i + 1] == '\\')) {
			arg[o++] = arg[++i];
			continue;
		}
		if (arg[i] == '"')
			break;
		arg[o++] = arg[i];
	}
	if (i == *len) {
		conf_perr(p, "unterminated quoted argument");
		return -1;
	}
	if (i + 1 != *len) {
		conf_perr(p, "unexpected text after the closing quote");
		return -1;
	}
	arg[o] = '\0';
	*len = o;
	return 0;
}

/* One line, without its line ending, NUL-terminated at len. */
static void
parse_line(struct parse *p, char *s, size_t len)
{
	const struct keyword *kw;
	const char	*hint;
	char		*word, *arg;
	size_t		 wl, al, i;
	int		 named;

	if (memchr(s, '\0', len) != NULL) {
		conf_perr(p, "line contains a NUL byte");
		return;
	}
	while (len > 0 && is_blank(*s)) {
		s++;
		len--;
	}
	while (len > 0 && is_blank(s[len - 1]))
		s[--len] = '\0';
	if (len == 0 || *s == '#')
		return;
	word = s;
	for (wl = 0; wl < len && !is_blank(word[wl]); wl++)
		continue;
	for (arg = word + wl, al = len - wl; al > 0 && is_blank(*arg); al--)
		arg++;
	word[wl] = '\0';

	kw = kw_find(word, wl);
	/* msmtp 1.2: lines before any section belong to "default". */
	if (p->cur == NULL && (kw == NULL || (kw->key != KW_DEFAULTS &&
	    kw->key != KW_ACCOUNT))) {
		if ((p->cur = acct_start(p, "default", 7)) != NULL) {
			*p->tail = p->cur;
			p->tail = &p->cur->next;
			p->naccts++;
		} else
			p->cur = &p->sink;
	}
	if (kw == NULL) {
		for (i = 0; i < wl; i++)
			if ((word[i] < 'a' || word[i] > 'z') &&
			    word[i] != '_')
				break;
		/* Named only when it looks like one: [a-z_]{1,40}. */
		named = i == wl && wl <= CONF_WORDMAX;
		hint = kw_suggest(word, wl);
		conf_perr(p, "unknown directive%s%s%s%s%s", named ? " " : "",
		    named ? word : "", hint ? "; did you mean " : "",
		    hint ? hint : "", hint ? "?" : "");
		return;
	}
	/* A bad "defaults" line still starts the defaults section. */
	if (kw->key == KW_DEFAULTS)
		p->cur = &p->defaults;
	if (unquote(p, arg, &al) == -1)
		return;
	apply(p, kw, arg, al);
}

/*
 * Check arg and store it in the account being edited, by the directive's
 * key. Obsolete spellings are mapped to today's and noted.
 */
static void
apply(struct parse *p, const struct keyword *kw, char *arg, size_t al)
{
	struct value	 v = { NULL, 0 };

	if (conf_value(p, kw, arg, al, &v) == -1)
		return;
	note_obsolete(p, kw->name);
	/* A client secret is a password too (bote.conf.5, OAuth2). */
	if ((kw->key == K_PASSWORD || kw->key == K_OAUTH2_CLIENT_SECRET) &&
	    v.s != NULL && p->password == 0)
		p->password = p->line > 0 ? p->line : -1;
	if ((kw->key == K_PASSWORDEVAL ||
	    kw->key == K_OAUTH2_CLIENT_SECRET_EVAL) && v.s != NULL &&
	    p->eval == 0)
		p->eval = p->line > 0 ? p->line : -1;
	switch (kw->key) {
	case KW_DEFAULTS:
	case KW_IGNORED:
		break;
	case KW_ACCOUNT:
		do_account(p, arg, al);
		break;
	case KW_NOSTARTTLS:
		account_set(p->cur, K_TLS_STARTTLS, NULL, 0, p->file,
		    p->line);
		break;
	/* msmtp's older names for the header directives. */
	case KW_ADD_FROM:
		account_set(p->cur, K_SET_FROM_HEADER, NULL, v.i ?
		    FROMH_AUTO : FROMH_OFF, p->file, p->line);
		break;
	case KW_ADD_DATE:
		account_set(p->cur, K_SET_DATE_HEADER, NULL, v.i ?
		    HDR_AUTO : HDR_OFF, p->file, p->line);
		break;
	case KW_UNDISCLOSED:
		account_set(p->cur, K_SET_TO_HEADER, NULL, v.i ?
		    TOH_UNDISCLOSED : TOH_OFF, p->file, p->line);
		break;
	case KW_NOCERTCHECK:
		account_set(p->cur, K_TLS_CERTCHECK, NULL, 0, p->file,
		    p->line);
		break;
	case KW_KEEPBCC:
		account_set(p->cur, K_REMOVE_BCC_HEADERS, NULL, !v.i,
		    p->file, p->line);
		break;
	default:
		/* The account takes the string, if any. */
		account_set(p->cur, kw->key, v.s, v.i, p->file, p->line);
		v.s = NULL;
		break;
	}
	/* Only a value the switch did not take is left. */
	secret_free(v.s);
}

static void
end_line(struct parse *p)
{
	p->line++;
	if (!p->toolong && p->len > 0 && p->buf[p->len - 1] == '\r')
		p->len--;
	if (p->toolong || p->len > CONF_LINEMAX)
		conf_perr(p, "line too long (limit %d octets)", CONF_LINEMAX);
	else {
		p->buf[p->len] = '\0';
		parse_line(p, p->buf, p->len);
	}
	p->len = 0;
	p->toolong = 0;
}

static int
parse_begin(struct parse *p, struct conf *c, const char *path)
{
	char	**files, *name = NULL;

	memset(p, 0, sizeof(*p));
	p->c = c;
	p->tail = &p->head;
	account_init(&p->defaults);
	account_init(&p->sink);
	if (c->nfiles >= CONF_FILESMAX) {
		errno = E2BIG;
		goto fail;
	}
	/* Room for a CR and the NUL after CONF_LINEMAX octets. */
	if ((p->buf = malloc(CONF_LINEMAX + 2)) == NULL)
		goto fail;
	if ((name = strdup(path)) == NULL)
		goto fail;
	files = reallocarray(c->files, c->nfiles + 1, sizeof(*files));
	if (files == NULL)
		goto fail;
	c->files = files;
	c->files[c->nfiles++] = name;
	p->file = name;
	return 0;
fail:
	free(name);
	free(p->buf);
	p->buf = NULL;
	return -1;
}

static void
parse_feed(struct parse *p, const char *data, size_t n)
{
	const char	*nl;
	size_t		 chunk, room;

	while (n > 0) {
		nl = memchr(data, '\n', n);
		chunk = nl != NULL ? (size_t)(nl - data) : n;
		room = CONF_LINEMAX + 1 - p->len;
		if (chunk > room) {
			memcpy(p->buf + p->len, data, room);
			p->len += room;
			p->toolong = 1;
		} else {
			memcpy(p->buf + p->len, data, chunk);
			p->len += chunk;
		}
		if (nl == NULL)
			break;
		end_line(p);
		data += chunk + 1;
		n -= chunk + 1;
	}
}

/*
 * Finish the file and merge its accounts into the conf: they come first
 * (in file order) and replace earlier ones of the same name, so a user
 * file wins over the system file and "-f" matching sees it first, as in
 * msmtp.
 */
static int
parse_end(struct parse *p)
{
	struct conf	*c = p->c;
	struct account	*a, *next, **tail;

	if (p->len > 0 || p->toolong)
		end_line(p);
	tail = p->tail;
	for (a = c->accounts; a != NULL; a = next) {
		next = a->next;
		if (file_account(p, a->name) != NULL) {
			account_free(a);
			continue;
		}
		a->next = NULL;
		*tail = a;
		tail = &a->next;
	}
	c->accounts = p->head;
	account_clear(&p->defaults);
	account_clear(&p->sink);
	if (p->buf != NULL)
		freezero(p->buf, CONF_LINEMAX + 2);
	p->buf = NULL;
	if (p->nomem) {
		p->line = 0;
		conf_perr(p, "out of memory");
		errno = ENOMEM;
		return -1;
	}
	return p->nerrs > 0 ? -1 : 0;
}

struct conf *
conf_new(void)
{
	return calloc(1, sizeof(struct conf));
}

void
conf_free(struct conf *c)
{
	struct account	*a, *next;
	size_t		 i;

	if (c == NULL)
		return;
	for (a = c->accounts; a != NULL; a = next) {
		next = a->next;
		account_free(a);
	}
	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	for (i = 0; i < c->nerrs; i++)
		free(c->errs[i]);
	for (i = 0; i < c->nnotes; i++)
		free(c->notes[i]);
	for (i = 0; i < c->nnames; i++)
		free(c->names[i]);
	free(c->names);
	free(c);
}

int
conf_read(struct conf *c, const char *path)
{
	struct parse	 p;
	char		 chunk[8192];
	ssize_t		 n;
	size_t		 total = 0;
	int		 fd, saved, link = 0;

	/*
	 * O_NOFOLLOW first: a file that holds a password must be the file
	 * named, not what a link points to. Other files may be links
	 * (dotfile managers make them).
	 */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno != ELOOP)
			return -1;
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			return -1;
		link = 1;
	}
	if (parse_begin(&p, c, path) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	/* Root reads nothing another user could have written. */
	if (geteuid() == 0 && check_root_file(&p, fd) == -1) {
		close(fd);
		return parse_end(&p);
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			p.line = 0;
			conf_perr(&p, "cannot read: %s", strerror(errno));
			break;
		}
		if (n == 0)
			break;
		/* A device that never ends (-C /dev/zero) must not hang us. */
		if ((total += (size_t)n) > CONF_FILEMAX) {
			p.line = 0;
			p.len = 0;
			conf_perr(&p, "file is too large (limit %d octets)",
			    CONF_FILEMAX);
			break;
		}
		parse_feed(&p, chunk, (size_t)n);
	}
	/* The chunk may have held a password line. */
	explicit_bzero(chunk, sizeof(chunk));
	/*
	 * A last line without LF is a line too, and may be the password:
	 * parsed before the checks below, not after them in parse_end().
	 */
	if (p.len > 0 || p.toolong)
		end_line(&p);
	if (p.password != 0)
		(void)check_secret_file(&p, fd, link);
	else if (p.eval != 0)
		(void)check_eval_file(&p, fd);
	close(fd);
	return parse_end(&p);
}

int
conf_read_buf(struct conf *c, const char *path, const char *buf, size_t len)
{
	struct parse	p;

	if (parse_begin(&p, c, path) == -1)
		return -1;
	parse_feed(&p, buf, len);
	return parse_end(&p);
}

/*
 * A file with a literal password: checked on the descriptor that was
 * read, so nothing can be swapped in between the check and the read.
 */
static int
check_secret_file(struct parse *p, int fd, int link)
{
	struct stat	 st;
	int		 line = p->password;

	p->line = 0;
	if (link) {
		conf_perr(p, "holds a password (line %d) but is a symbolic "
		    "link: name the file itself with -C, or move the "
		    "password to passwordeval", line);
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		conf_perr(p, "cannot check permissions: %s", strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		conf_perr(p, "holds a password (line %d) but is not a regular "
		    "file: keep passwords in a file of mode 600", line);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		conf_perr(p, "holds a password (line %d) but is owned by uid "
		    "%lu, not by you (uid %lu): chown it, or move the password "
		    "to passwordeval", line, (unsigned long)st.st_uid,
		    (unsigned long)geteuid());
		return -1;
	}
	if (st.st_mode & 077) {
		conf_perr(p, "holds a password (line %d) but others may read "
		    "it (mode %03o): run chmod 600 %s", line,
		    (unsigned)(st.st_mode & 0777), p->file);
		return -1;
	}
	return 0;
}

/*
 * As root, a configuration file must be root's and writable by nobody
 * else, whatever HOME, XDG_CONFIG_HOME or sudo -E made its path: what
 * it says (passwordeval, logfile) runs and writes as root. Checked on
 * the descriptor that is then read.
 */
static int
check_root_file(struct parse *p, int fd)
{
	struct stat	 st;

	p->line = 0;
	if (fstat(fd, &st) == -1) {
		conf_perr(p, "cannot check its owner: %s", strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode) && st.st_uid == 0 && !(st.st_mode & 022))
		return 0;
	if (!S_ISREG(st.st_mode))
		conf_perr(p, "not a regular file: as root, bote reads only "
		    "root's own regular files");
	else
		conf_perr(p, "owned by uid %lu with mode %03o: as root, bote "
		    "reads only files owned by root that nobody else may "
		    "write (chown root and chmod go-w it, or run bote as its "
		    "owner)", (unsigned long)st.st_uid,
		    (unsigned)(st.st_mode & 0777));
	return -1;
}

/*
 * A file naming a passwordeval command: the command runs as whoever
 * reads the file, so the file must be theirs (or root's) and writable
 * by nobody else, the rule of check_secret_file() but for reading.
 */
static int
check_eval_file(struct parse *p, int fd)
{
	struct stat	 st;
	int		 line = p->eval;

	p->line = 0;
	if (fstat(fd, &st) == -1) {
		conf_perr(p, "cannot check permissions: %s", strerror(errno));
		return -1;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		conf_perr(p, "names a passwordeval command (line %d) but is "
		    "owned by uid %lu, not by you (uid %lu) or root: the "
		    "command would run as you; chown it", line,
		    (unsigned long)st.st_uid, (unsigned long)geteuid());
		return -1;
	}
	if (st.st_mode & 022) {
		conf_perr(p, "names a passwordeval command (line %d) but "
		    "others may change it (mode %03o): run chmod go-w %s",
		    line, (unsigned)(st.st_mode & 0777), p->file);
		return -1;
	}
	return 0;
}

/* A stable copy of an account name for origins; NULL on ENOMEM. */
static const char *
intern(struct parse *p, const char *name)
{
	struct conf	*c = p->c;
	char		**v, *n;
	size_t		 i;

	for (i = 0; i < c->nnames; i++)
		if (strcmp(c->names[i], name) == 0)
			return c->names[i];
	if ((n = strdup(name)) == NULL)
		goto nomem;
	if ((v = reallocarray(c->names, c->nnames + 1, sizeof(*v))) ==
	    NULL) {
		free(n);
		goto nomem;
	}
	c->names = v;
	c->names[c->nnames++] = n;
	return n;
nomem:
	p->nomem = 1;
	return NULL;
}

/* "file:line: NAME is obsolete; write X instead". */
static void
note_obsolete(struct parse *p, const char *name)
{
	struct conf	*c = p->c;
	size_t		 i;
	int		 n;

	for (i = 0; i < sizeof(obsolete) / sizeof(obsolete[0]); i++)
		if (strcmp(obsolete[i].name, name) == 0)
			break;
	if (i == sizeof(obsolete) / sizeof(obsolete[0]) ||
	    c->nnotes == CONF_ERRMAX)
		return;
	if (obsolete[i].instead == NULL)
		n = asprintf(&c->notes[c->nnotes], "%s:%d: %s is obsolete and "
		    "has no effect; remove the line", p->file, p->line, name);
	else
		n = asprintf(&c->notes[c->nnotes], "%s:%d: %s is obsolete; "
		    "write %s instead", p->file, p->line, name,
		    obsolete[i].instead);
	if (n != -1)
		c->nnotes++;
}

int
conf_override(struct conf *c, struct account *a, const char *directive,
    const char *value)
{
	const struct keyword *kw;
	struct parse	 p;
	char		*arg;
	size_t		 len = strlen(value);

	memset(&p, 0, sizeof(p));
	p.c = c;
	p.file = CONF_CMDLINE;
	p.cur = a;
	kw = kw_find(directive, strlen(directive));
	if (kw == NULL || kw->key == KW_ACCOUNT || kw->key == KW_DEFAULTS) {
		conf_perr(&p, "no such setting %s", directive);
		return -1;
	}
	if (len > CONF_LINEMAX) {
		conf_perr(&p, "the value of %s is too long (limit %d octets)",
		    directive, CONF_LINEMAX);
		return -1;
	}
	if ((arg = strdup(value)) == NULL) {
		conf_perr(&p, "out of memory");
		return -1;
	}
	apply(&p, kw, arg, len);
	/* The value may be a passwordeval command. */
	freezero(arg, len + 1);
	if (p.nomem)
		conf_perr(&p, "out of memory");
	return p.nerrs > 0 ? -1 : 0;
}

struct account *
conf_add_account(struct conf *c, const char *name)
{
	struct account	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	account_init(a);
	if ((a->name = strdup(name)) == NULL) {
		free(a);
		return NULL;
	}
	a->defined.file = CONF_CMDLINE;
	a->next = c->accounts;
	c->accounts = a;
	return a;
}
