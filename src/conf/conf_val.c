/*
 * Checking and converting a directive's argument by its type (conf_kw.h
 * enum vtype): numbers with bounds, booleans, choices, paths with ~ and
 * ${VAR} expanded, DSN words, durations. Messages describe what is wrong
 * and never quote the value.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/conf.h"
#include "conf/conf_int.h"
#include "conf/conf_kw.h"
#include "base/util.h"

#define CONF_VARMAX	64	/* octets in a ${VAR} name */

static int	expand_path(struct parse *, const struct keyword *,
		    const char *, char **);
static int	get_choice(struct parse *, const struct keyword *,
		    const char *, size_t, struct value *);
static const char *refused(const struct keyword *, const char *,
		    size_t, const char **);
static int	check_arg(struct parse *, const struct keyword *,
		    const char *, size_t);
static int	get_bool(struct parse *, const struct keyword *,
		    const char *, size_t, struct value *);
static int	get_port(struct parse *, const struct keyword *,
		    const char *, struct value *);
static int	get_timeout(struct parse *, const struct keyword *,
		    const char *, struct value *);
static int	get_auth(struct parse *, const struct keyword *,
		    const char *, size_t, struct value *);

/* The auth methods: msmtp's names, and whether bote has them. */
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

const char *
conf_auth_name(int mode)
{
	size_t	i;

	if (mode == AUTHM_OFF)
		return "off";
	if (mode == AUTHM_ON)
		return "on";
	for (i = 0; i < sizeof(auth_methods) / sizeof(auth_methods[0]); i++)
		if ((int)auth_methods[i].mode == mode)
			return auth_methods[i].name;
	return "?";
}

/*
 * A file name: "system", or a path with a leading "~" or "~/" expanded
 * to $HOME and every "${NAME}" to that environment variable (an unset
 * one is an error: a path with a hole would name another file). A "$"
 * not followed by "{" is kept as it is.
 */
static int
expand_path(struct parse *p, const struct keyword *kw, const char *arg,
    char **out)
{
	const char	*home, *val, *end, *s = arg;
	char		 name[CONF_VARMAX + 1], buf[PATH_MAX];
	size_t		 len = 0, n, i;

	*out = NULL;
	if (arg[0] == '~') {
		if (arg[1] != '\0' && arg[1] != '/') {
			conf_perr(p, "%s: only ~ and ~/ are expanded, not "
			    "~user: write the full path", kw->name);
			return -1;
		}
		if ((home = getenv("HOME")) == NULL || *home == '\0') {
			conf_perr(p, "%s starts with ~ but HOME is not set",
			    kw->name);
			return -1;
		}
		if ((len = strlcpy(buf, home, sizeof(buf))) >= sizeof(buf))
			goto toolong;
		s++;
	}
	while (*s != '\0') {
		if (s[0] != '$' || s[1] != '{') {
			if (len + 1 >= sizeof(buf))
				goto toolong;
			buf[len++] = *s++;
			continue;
		}
		if ((end = strchr(s + 2, '}')) == NULL) {
			conf_perr(p, "%s: ${ without a closing }", kw->name);
			return -1;
		}
		n = (size_t)(end - (s + 2));
		for (i = 0; i < n; i++)
			if (!(s[2 + i] == '_' || (s[2 + i] >= 'A' &&
			    s[2 + i] <= 'Z') || (s[2 + i] >= 'a' &&
			    s[2 + i] <= 'z') || (i > 0 && s[2 + i] >= '0' &&
			    s[2 + i] <= '9')))
				break;
		if (n == 0 || n > CONF_VARMAX || i < n) {
			conf_perr(p, "%s: ${...} must hold an environment "
			    "variable name (letters, digits, _)", kw->name);
			return -1;
		}
		memcpy(name, s + 2, n);
		name[n] = '\0';
		if ((val = getenv(name)) == NULL) {
			conf_perr(p, "%s uses ${%s}, which is not set", kw->name,
			    name);
			return -1;
		}
		if ((n = strlen(val)) >= sizeof(buf) - len)
			goto toolong;
		memcpy(buf + len, val, n);
		len += n;
		s = end + 1;
	}
	buf[len] = '\0';
	if ((*out = strdup(buf)) == NULL) {
		p->nomem = 1;
		return -1;
	}
	return 0;
toolong:
	conf_perr(p, "%s: the expanded path is too long (limit %d octets)",
	    kw->name, PATH_MAX - 1);
	return -1;
}

/*
 * msmtp's directives (or values) that bote refuses, each with what to
 * write instead, so that the one line of the error says all of it
 * (bote.conf(5), msmtp directives). arg NULL: whatever the keyword
 * table refuses; else that value only ("on" covers an empty argument).
 */
static const struct {
	const char	*name;
	const char	*arg;
	const char	*instead;
} refusals[] = {
	{ "auto_from", "on", "write from %U@DOMAIN instead (msmtp's own "
	    "replacement for auto_from and maildomain)" },
	/* Refused for good (bote.conf(5), eval), not for want of time. */
	{ "eval", NULL, "it would run a command at every read of this file, "
	    "for every account, before any check, and its output would be "
	    "settings no check has seen: write the settings into the file, "
	    "and use passwordeval for a secret" },
	{ "protocol", "lmtp", "bote speaks SMTP only; use the server's SMTP "
	    "submission port (LMTP is for final delivery)" },
};

/*
 * What to write instead of kw's arg, or NULL: bote takes it. *word is
 * the refused value as the table spells it (never the line's own text),
 * or NULL when the directive is refused whatever its value.
 */
static const char *
refused(const struct keyword *kw, const char *arg, size_t len,
    const char **word)
{
	size_t	i;
	int	table = kw->refuse == RF_ALWAYS ||
		    (kw->refuse == RF_NONEMPTY && len > 0);

	*word = NULL;
	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		if (strcmp(refusals[i].name, kw->name) != 0)
			continue;
		if (refusals[i].arg == NULL && table)
			return refusals[i].instead;
		if (refusals[i].arg != NULL && (strcmp(arg,
		    refusals[i].arg) == 0 || (len == 0 &&
		    strcmp(refusals[i].arg, "on") == 0))) {
			*word = refusals[i].arg;
			return refusals[i].instead;
		}
	}
	/* Refused by the table without a word here: say that much. */
	return table ? "remove the line" : NULL;
}

/*
 * The checks every type shares: a refused directive, a missing argument,
 * control characters, blanks in a word.
 */
static int
check_arg(struct parse *p, const struct keyword *kw, const char *arg,
    size_t len)
{
	const char	*instead, *word;

	if ((instead = refused(kw, arg, len, &word)) != NULL) {
		conf_perr(p, "directive %s%s%s is not supported by this "
		    "version of bote: %s", kw->name, word != NULL ? " " : "",
		    word != NULL ? word : "", instead);
		return -1;
	}
	if (len == 0 && (kw->type == V_WORD || kw->type == V_PORT ||
	    kw->type == V_TIMEOUT)) {
		conf_perr(p, "%s needs an argument", kw->name);
		return -1;
	}
	if (kw->type != V_SECRET && kw->type != V_ANY &&
	    kw->type != V_ACCOUNT && conf_has_ctl(arg, len)) {
		conf_perr(p, "%s must not contain control characters", kw->name);
		return -1;
	}
	if ((kw->type == V_WORD || kw->type == V_WORDOPT) &&
	    strpbrk(arg, " \t") != NULL) {
		conf_perr(p, "%s must be one word, without blanks", kw->name);
		return -1;
	}
	return 0;
}

/* on or off; empty means on. */
static int
get_bool(struct parse *p, const struct keyword *kw, const char *arg,
    size_t len, struct value *v)
{
	if (len == 0 || strcmp(arg, "on") == 0)
		v->i = 1;
	else if (strcmp(arg, "off") == 0)
		v->i = 0;
	else {
		conf_perr(p, "%s must be on or off", kw->name);
		return -1;
	}
	if (kw->refuse == RF_OFF && v->i == 0) {
		conf_perr(p, "directive %s off is not supported by this "
		    "version of bote", kw->name);
		return -1;
	}
	return 0;
}

/* A port number, or a service name from /etc/services ("submission"). */
static int
get_port(struct parse *p, const struct keyword *kw, const char *arg,
    struct value *v)
{
	const char	*errstr;
	struct servent	*se;

	v->i = (int)strtonum(arg, 1, 65535, &errstr);
	if (errstr != NULL && (se = getservbyname(arg, "tcp")) != NULL) {
		v->i = ntohs((uint16_t)se->s_port);
		errstr = NULL;
	}
	if (errstr != NULL) {
		conf_perr(p, "%s must be a number from 1 to 65535 or a "
		    "service name", kw->name);
		return -1;
	}
	return 0;
}

/* off, or a number of seconds. */
static int
get_timeout(struct parse *p, const struct keyword *kw, const char *arg,
    struct value *v)
{
	const char	*errstr;

	if (strcmp(arg, "off") == 0)
		return 0;
	v->i = (int)strtonum(arg, 1, CONF_TIMEOUTMAX, &errstr);
	if (errstr != NULL) {
		conf_perr(p, "%s must be off or a number of seconds from 1 "
		    "to %d", kw->name, CONF_TIMEOUTMAX);
		return -1;
	}
	return 0;
}

/* on (empty too), off, or a method of auth_methods that bote has. */
static int
get_auth(struct parse *p, const struct keyword *kw, const char *arg,
    size_t len, struct value *v)
{
	size_t	i;

	if (len == 0 || strcmp(arg, "on") == 0) {
		v->i = AUTHM_ON;
		return 0;
	}
	if (strcmp(arg, "off") == 0) {
		v->i = AUTHM_OFF;
		return 0;
	}
	for (i = 0; i < sizeof(auth_methods) / sizeof(auth_methods[0]); i++) {
		if (strcasecmp(arg, auth_methods[i].name) != 0)
			continue;
		if (auth_methods[i].mode == AUTHM_OFF) {
			conf_perr(p, "auth method %s is not supported by "
			    "bote (use on to pick the strongest offered)",
			    auth_methods[i].name);
			return -1;
		}
		v->i = auth_methods[i].mode;
		return 0;
	}
	conf_perr(p, "%s must be on, off or a method: plain, login, "
	    "cram-md5, scram-sha-1, scram-sha-256 (-plus), xoauth2, "
	    "oauthbearer, external", kw->name);
	return -1;
}

/*
 * Check an argument by the directive's type. Messages describe what is
 * wrong and never repeat the value.
 */
int
conf_value(struct parse *p, const struct keyword *kw, char *arg, size_t len,
    struct value *v)
{
	v->s = NULL;
	v->i = 0;
	if (check_arg(p, kw, arg, len) == -1)
		return -1;
	switch (kw->type) {
	case V_NONE:
		if (len > 0) {
			conf_perr(p, "%s takes no argument", kw->name);
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
		return get_bool(p, kw, arg, len, v);
	case V_PORT:
		return get_port(p, kw, arg, v);
	case V_PORTOPT:
		return len == 0 ? 0 : get_port(p, kw, arg, v);
	case V_TIMEOUT:
		return get_timeout(p, kw, arg, v);
	case V_AUTH:
		return get_auth(p, kw, arg, len, v);
	case V_DURATION:
		if (len > 0 && (v->i = conf_duration(arg)) == -1) {
			conf_perr(p, "%s must be a number of seconds, or a number "
			    "followed by s, m, h or d, at most 365d", kw->name);
			return -1;
		}
		return 0;
	case V_CHOICE:
		return get_choice(p, kw, arg, len, v);
	case V_DSN_NOTIFY:
		/* Empty unsets, as for the other directives. */
		if (len > 0 && (v->i = conf_dsn_notify(arg, len)) == -1) {
			conf_perr(p, "%s must be off, never, or a comma-separated "
			    "list of success, failure and delay", kw->name);
			return -1;
		}
		return 0;
	case V_DSN_RETURN:
		if (len > 0 && (v->i = conf_dsn_return(arg, len)) == -1) {
			conf_perr(p, "%s must be off, headers or full", kw->name);
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
	char		 list[192];
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
	conf_perr(p, "%s must be %s", kw->name, list);
	return -1;
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

long long
conf_seconds(const char *s, long long min, long long max)
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
	n = strtonum(num, min, max / mult, &errstr);
	if (errstr != NULL)
		return -1;
	return n * mult;
}

int
conf_duration(const char *s)
{
	return (int)conf_seconds(s, 1, 365LL * 86400);
}

int
conf_patterns(const char *in, const char *const vals[4], char **out)
{
	static const char keys[] = "UHCM";
	const char	*k, *v;
	char		*buf;
	size_t		 len = 0, cap = strlen(in) + 1, n;

	*out = NULL;
	for (k = in; *k != '\0'; k++)
		if (k[0] == '%' && k[1] != '\0' && strchr(keys, k[1]) != NULL)
			cap += vals[strchr(keys, k[1]) - keys] != NULL ?
			    strlen(vals[strchr(keys, k[1]) - keys]) : 0;
	if ((buf = malloc(cap)) == NULL)
		return -1;
	for (k = in; *k != '\0'; k++) {
		if (k[0] != '%' || k[1] == '\0' || strchr(keys, k[1]) == NULL) {
			buf[len++] = *k;
			continue;
		}
		v = vals[strchr(keys, k[1]) - keys];
		if (v == NULL) {
			free(buf);
			errno = ENOENT;
			return -1;
		}
		n = strlen(v);
		memcpy(buf + len, v, n);
		len += n;
		k++;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

const char *
conf_dsn_notify_str(int bits, char *buf, size_t sz)
{
	if (bits == 0)
		return "off";
	if (bits & DSN_NEVER)
		return "never";
	/* The longest, "success,failure,delay", fits the 32 octets asked. */
	(void)xsnprintf(buf, sz, "%s%s%s%s%s", bits & DSN_SUCCESS ?
	    "success" : "", (bits & DSN_SUCCESS) && (bits & (DSN_FAILURE |
	    DSN_DELAY)) ? "," : "", bits & DSN_FAILURE ? "failure" : "",
	    (bits & DSN_FAILURE) && (bits & DSN_DELAY) ? "," : "",
	    bits & DSN_DELAY ? "delay" : "");
	return buf;
}
