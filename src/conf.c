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

#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "account.h"
#include "conf.h"
#include "conf_kw.h"
#include "util.h"

#define CONF_FILEMAX	(16 * 1024 * 1024)	/* octets in one file */
#define CONF_FILESMAX	64	/* files read into one conf */
#define CONF_ACCTMAX	1000	/* accounts in one file */
#define CONF_NAMEMAX	128	/* octets in an account name */
#define CONF_PARENTMAX	32	/* parents of one account */
#define CONF_TIMEOUTMAX	3600	/* seconds */



/* Authentication methods msmtp knows and bote does not offer yet. */
static const struct {
	const char	*name;
	enum auth_mode	 mode;		/* AUTHM_OFF: msmtp's, not bote's */
} auth_methods[] = {
	{ "plain", AUTHM_PLAIN },
	{ "login", AUTHM_LOGIN },
	{ "cram-md5", AUTHM_CRAM_MD5 },
	{ "scram-sha-1", AUTHM_SCRAM_SHA_1 },
	{ "scram-sha-1-plus", AUTHM_SCRAM_SHA_1_PLUS },
	{ "scram-sha-256", AUTHM_SCRAM_SHA_256 },
	{ "scram-sha-256-plus", AUTHM_SCRAM_SHA_256_PLUS },
	{ "xoauth2", AUTHM_XOAUTH2 },
	{ "oauthbearer", AUTHM_OAUTHBEARER },
	{ "external", AUTHM_EXTERNAL },
	{ "digest-md5", AUTHM_OFF },	/* obsolete (RFC 6331) */
	{ "gssapi", AUTHM_OFF },
	{ "ntlm", AUTHM_OFF },
};

/* The state of reading one file. */
struct parse {
	struct conf	*c;
	const char	*file;		/* an entry of c->files */
	int		 line;
	int		 nerrs;		/* errors in this file */
	int		 nomem;
	char		*buf;		/* the current line */
	size_t		 len;
	int		 toolong;
	struct account	 defaults;	/* what "defaults" edits */
	struct account	 sink;		/* a bad account's lines */
	struct account	*cur;		/* edited; NULL: none yet */
	struct account	*head;		/* this file's accounts */
	struct account	**tail;
	size_t		 naccts;
};

/* A checked argument, before it is stored. */
struct value {
	char	*s;			/* owned; NULL: unset */
	int	 i;
};

static void	 conf_errv(struct conf *, const char *, int, const char *,
		    va_list) __attribute__((format(printf, 4, 0)));
static void	 perr(struct parse *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static struct account *file_account(struct parse *, const char *);
static int	 has_ctl(const char *, size_t);
static int	 name_ok(struct parse *, const char *, size_t, int);
static struct account *acct_start(struct parse *, const char *, size_t);
static void	 do_account(struct parse *, char *, size_t);
static int	 expand_path(struct parse *, const struct keyword *,
		    const char *, char **);
static int	 get_choice(struct parse *, const struct keyword *,
		    const char *, size_t, struct value *);
static int	 get_value(struct parse *, const struct keyword *, char *,
		    size_t, struct value *);
static int	 unquote(struct parse *, char *, size_t *);
static void	 parse_line(struct parse *, char *, size_t);
static void	 end_line(struct parse *);
static int	 parse_begin(struct parse *, struct conf *, const char *);
static void	 parse_feed(struct parse *, const char *, size_t);
static int	 parse_end(struct parse *);
static int	 is_blank(int);

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

static void
perr(struct parse *p, const char *fmt, ...)
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

/* Whether s holds a control byte, tab included. */
static int
has_ctl(const char *s, size_t len)
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
			perr(p, "empty name in the list of parent accounts");
		else
			perr(p, "account needs a name");
		return 0;
	}
	if (memchr(s, ':', len) != NULL || memchr(s, ',', len) != NULL) {
		perr(p, "account names may not contain ':' or ','");
		return 0;
	}
	if (len > CONF_NAMEMAX) {
		perr(p, "account name is too long (limit %d octets)",
		    CONF_NAMEMAX);
		return 0;
	}
	if (has_ctl(s, len)) {
		perr(p, "account names may not contain control characters");
		return 0;
	}
	return 1;
}

/* A new account of this file, copied from the current defaults. */
static struct account *
acct_start(struct parse *p, const char *name, size_t len)
{
	struct account	*a = NULL;

	if (p->naccts >= CONF_ACCTMAX) {
		perr(p, "too many accounts in one file (limit %d)",
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
		perr(p, "account %s is already defined on line %d", arg,
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
			perr(p, "too many parent accounts (limit %d)",
			    CONF_PARENTMAX);
			return;
		}
		if ((parents[np++] = file_account(p, s)) == NULL) {
			perr(p, "account %s inherits from undefined account "
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
	}
	*p->tail = a;
	p->tail = &a->next;
	p->naccts++;
	p->cur = a;
}

/* A file name: "system", or a path with a leading "~" or "~/" expanded. */
static int
expand_path(struct parse *p, const struct keyword *kw, const char *arg,
    char **out)
{
	const char	*home;

	*out = NULL;
	if (arg[0] != '~') {
		if ((*out = strdup(arg)) == NULL)
			goto nomem;
		return 0;
	}
	if (arg[1] != '\0' && arg[1] != '/') {
		perr(p, "%s: only ~ and ~/ are expanded, not ~user: write the "
		    "full path", kw->name);
		return -1;
	}
	if ((home = getenv("HOME")) == NULL || *home == '\0') {
		perr(p, "%s starts with ~ but HOME is not set", kw->name);
		return -1;
	}
	if (asprintf(out, "%s%s", home, arg + 1) == -1) {
		*out = NULL;
		goto nomem;
	}
	return 0;
nomem:
	p->nomem = 1;
	return -1;
}

/*
 * Check an argument by the directive's type. Messages describe what is
 * wrong and never repeat the value.
 */
static int
get_value(struct parse *p, const struct keyword *kw, char *arg, size_t len,
    struct value *v)
{
	const char	*errstr;
	struct servent	*se;
	size_t		 i;

	v->s = NULL;
	v->i = 0;
	if (kw->refuse == RF_ALWAYS ||
	    (kw->refuse == RF_NONEMPTY && len > 0)) {
		perr(p, "directive %s is not supported by this version of "
		    "bote", kw->name);
		return -1;
	}
	if (len == 0 && (kw->type == V_WORD || kw->type == V_PORT ||
	    kw->type == V_TIMEOUT)) {
		perr(p, "%s needs an argument", kw->name);
		return -1;
	}
	if (kw->type != V_SECRET && kw->type != V_ANY &&
	    kw->type != V_ACCOUNT && has_ctl(arg, len)) {
		perr(p, "%s must not contain control characters", kw->name);
		return -1;
	}
	if ((kw->type == V_WORD || kw->type == V_WORDOPT) &&
	    strpbrk(arg, " \t") != NULL) {
		perr(p, "%s must be one word, without blanks", kw->name);
		return -1;
	}
	switch (kw->type) {
	case V_NONE:
		if (len > 0) {
			perr(p, "%s takes no argument", kw->name);
			return -1;
		}
		return 0;
	case V_ACCOUNT:
	case V_ANY:
		return 0;
	case V_WORD:
	case V_WORDOPT:
	case V_STR:
	case V_SECRET:
		if (len > 0 && (v->s = strdup(arg)) == NULL) {
			p->nomem = 1;
			return -1;
		}
		return 0;
	case V_PATH:
		/* Empty means the system store, which is bote's default. */
		if (len == 0)
			return 0;
		return expand_path(p, kw, arg, &v->s);
	case V_BOOL:
		if (len == 0 || strcmp(arg, "on") == 0)
			v->i = 1;
		else if (strcmp(arg, "off") == 0)
			v->i = 0;
		else {
			perr(p, "%s must be on or off", kw->name);
			return -1;
		}
		if (kw->refuse == RF_OFF && v->i == 0) {
			perr(p, "directive %s off is not supported by this "
			    "version of bote", kw->name);
			return -1;
		}
		return 0;
	case V_PORT:
		v->i = (int)strtonum(arg, 1, 65535, &errstr);
		/* A service name from /etc/services ("submission"). */
		if (errstr != NULL && (se = getservbyname(arg, "tcp")) !=
		    NULL) {
			v->i = ntohs((uint16_t)se->s_port);
			errstr = NULL;
		}
		if (errstr != NULL) {
			perr(p, "%s must be a number from 1 to 65535 or a "
			    "service name", kw->name);
			return -1;
		}
		return 0;
	case V_TIMEOUT:
		if (strcmp(arg, "off") == 0)
			return 0;
		v->i = (int)strtonum(arg, 1, CONF_TIMEOUTMAX, &errstr);
		if (errstr != NULL) {
			perr(p, "%s must be off or a number of seconds from 1 "
			    "to %d", kw->name, CONF_TIMEOUTMAX);
			return -1;
		}
		return 0;
	case V_AUTH:
		if (len == 0 || strcmp(arg, "on") == 0) {
			v->i = AUTHM_ON;
			return 0;
		}
		if (strcmp(arg, "off") == 0) {
			v->i = AUTHM_OFF;
			return 0;
		}
		for (i = 0; i < sizeof(auth_methods) /
		    sizeof(auth_methods[0]); i++) {
			if (strcasecmp(arg, auth_methods[i].name) != 0)
				continue;
			if (auth_methods[i].mode == AUTHM_OFF) {
				perr(p, "auth method %s is not supported by "
				    "bote (use on to pick the strongest "
				    "offered)", auth_methods[i].name);
				return -1;
			}
			v->i = auth_methods[i].mode;
			return 0;
		}
		perr(p, "%s must be on, off or a method: plain, login, "
		    "cram-md5, scram-sha-1, scram-sha-256 (-plus), xoauth2, "
		    "oauthbearer, external", kw->name);
		return -1;
	case V_DURATION:
		if (len > 0 && (v->i = conf_duration(arg)) == -1) {
			perr(p, "%s must be a number of seconds, or a number "
			    "followed by s, m, h or d, at most 365d", kw->name);
			return -1;
		}
		return 0;
	case V_CHOICE:
		return get_choice(p, kw, arg, len, v);
	case V_DSN_NOTIFY:
		/* Empty unsets, as for the other directives. */
		if (len > 0 && (v->i = conf_dsn_notify(arg, len)) == -1) {
			perr(p, "%s must be off, never, or a comma-separated "
			    "list of success, failure and delay", kw->name);
			return -1;
		}
		return 0;
	case V_DSN_RETURN:
		if (len > 0 && (v->i = conf_dsn_return(arg, len)) == -1) {
			perr(p, "%s must be off, headers or full", kw->name);
			return -1;
		}
		return 0;
	}
	return 0;
}

/*
 * The index of arg among kw->choices ("a|b|c"). An empty argument means
 * "on" when that is one of them (as for booleans), else the first.
 */
static int
get_choice(struct parse *p, const struct keyword *kw, const char *arg,
    size_t len, struct value *v)
{
	const char	*c = kw->choices, *bar;
	char		 list[128];
	size_t		 n, k, on = 0;
	int		 i, have_on = 0;

	for (i = 0; c != NULL && *c != '\0'; i++) {
		bar = strchr(c, '|');
		n = bar ? (size_t)(bar - c) : strlen(c);
		if (n == 2 && strncmp(c, "on", 2) == 0) {
			have_on = 1;
			on = (size_t)i;
		}
		if (len > 0 && n == len && strncmp(c, arg, n) == 0) {
			v->i = i;
			return 0;
		}
		c = bar ? bar + 1 : c + n;
	}
	if (len == 0) {
		v->i = have_on ? (int)on : 0;
		return 0;
	}
	/* "a|b|c" reads "a, b or c". */
	for (k = 0, c = kw->choices; *c != '\0' && k + 4 < sizeof(list);
	    c++) {
		if (*c != '|') {
			list[k++] = *c;
			continue;
		}
		if (strchr(c + 1, '|') != NULL)
			list[k++] = ',';
		else {
			memcpy(list + k, " or", 3);
			k += 3;
		}
		list[k++] = ' ';
	}
	list[k] = '\0';
	perr(p, "%s must be %s", kw->name, list);
	return -1;
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
		perr(p, "unterminated quoted argument");
		return -1;
	}
	if (i + 1 != *len) {
		perr(p, "unexpected text after the closing quote");
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
	struct value	 v = { NULL, 0 };
	char		*word, *arg;
	size_t		 wl, al, i;
	int		 named;

	if (memchr(s, '\0', len) != NULL) {
		perr(p, "line contains a NUL byte");
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
		perr(p, "unknown directive%s%s%s%s%s", named ? " " : "",
		    named ? word : "", hint ? "; did you mean " : "",
		    hint ? hint : "", hint ? "?" : "");
		return;
	}
	/* A bad "defaults" line still starts the defaults section. */
	if (kw->key == KW_DEFAULTS)
		p->cur = &p->defaults;
	if (unquote(p, arg, &al) == -1)
		return;
	if (get_value(p, kw, arg, al, &v) == -1)
		return;
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
		perr(p, "line too long (limit %d octets)", CONF_LINEMAX);
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
		perr(p, "out of memory");
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
	free(c);
}

int
conf_read(struct conf *c, const char *path)
{
	struct parse	 p;
	char		 chunk[8192];
	ssize_t		 n;
	size_t		 total = 0;
	int		 fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (parse_begin(&p, c, path) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			p.line = 0;
			perr(&p, "cannot read: %s", strerror(errno));
			break;
		}
		if (n == 0)
			break;
		/* A device that never ends (-C /dev/zero) must not hang us. */
		if ((total += (size_t)n) > CONF_FILEMAX) {
			p.line = 0;
			p.len = 0;
			perr(&p, "file is too large (limit %d octets)",
			    CONF_FILEMAX);
			break;
		}
		parse_feed(&p, chunk, (size_t)n);
	}
	/* The chunk may have held a password line. */
	explicit_bzero(chunk, sizeof(chunk));
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

int
conf_dsn_notify(const char *s, size_t len)
{
	static const struct {
		const char	*word;
		int		 bit;
	} conds[] = {
		{ "never", DSN_NEVER },
		{ "success", DSN_SUCCESS },
		{ "failure", DSN_FAILURE },
		{ "delay", DSN_DELAY },
	};
	const char	*end = s + len, *comma;
	size_t		 n, i;
	int		 bits = 0;

	if (len == 3 && strncasecmp(s, "off", 3) == 0)
		return 0;
	for (;;) {
		comma = memchr(s, ',', (size_t)(end - s));
		n = comma != NULL ? (size_t)(comma - s) : (size_t)(end - s);
		for (i = 0; i < sizeof(conds) / sizeof(conds[0]); i++)
			if (n == strlen(conds[i].word) &&
			    strncasecmp(s, conds[i].word, n) == 0)
				break;
		if (i == sizeof(conds) / sizeof(conds[0]))
			return -1;
		bits |= conds[i].bit;
		if (comma == NULL)
			break;
		s = comma + 1;
	}
	/* RFC 3461 4.1: NEVER stands alone. */
	if ((bits & DSN_NEVER) && bits != DSN_NEVER)
		return -1;
	return bits;
}

int
conf_dsn_return(const char *s, size_t len)
{
	if (len == 3 && strncasecmp(s, "off", 3) == 0)
		return DSNRET_OFF;
	if ((len == 4 && strncasecmp(s, "hdrs", 4) == 0) ||
	    (len == 7 && strncasecmp(s, "headers", 7) == 0))
		return DSNRET_HDRS;
	if (len == 4 && strncasecmp(s, "full", 4) == 0)
		return DSNRET_FULL;
	return -1;
}

int
conf_duration(const char *s)
{
	const char	*errstr;
	char		 num[16];
	size_t		 len = strlen(s);
	long long	 mult = 1, n;

	if (len == 0 || len >= sizeof(num))
		return -1;
	switch (s[len - 1]) {
	case 's':
		len--;
		break;
	case 'm':
		mult = 60;
		len--;
		break;
	case 'h':
		mult = 3600;
		len--;
		break;
	case 'd':
		mult = 86400;
		len--;
		break;
	}
	memcpy(num, s, len);
	num[len] = '\0';
	n = strtonum(num, 1, 365LL * 86400 / mult, &errstr);
	if (errstr != NULL)
		return -1;
	return (int)(n * mult);
}
