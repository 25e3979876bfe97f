/*
 * The configuration keywords: what each directive sets and how its
 * argument is read. Internal to the configuration code (conf.c).
 */
#ifndef BOTE_CONF_KW_H
#define BOTE_CONF_KW_H

#include <stddef.h>

#include "conf/conf.h"

#define CONF_WORDMAX	40	/* longest directive name worth naming */
#define CONF_SUGGESTMAX	64	/* longest word checked for a typo */

/* How a directive's argument is read. */
enum vtype {
	V_NONE,		/* no argument */
	V_ACCOUNT,	/* NAME [: PARENT[,PARENT...]] */
	V_STR,		/* text; empty unsets */
	V_WORD,		/* text without blanks; empty is an error */
	V_WORDOPT,	/* text without blanks; empty unsets */
	V_SECRET,	/* any text, kept secret; empty unsets */
	V_PATH,		/* a file name or "system", ~ expanded */
	V_BOOL,		/* on or off; empty means on, as in msmtp */
	V_PORT,
	V_PORTOPT,	/* a port; empty unsets (0) */
	V_TIMEOUT,
	V_AUTH,
	V_CHOICE,	/* one of the keyword's choices; empty means "on"
			   when that is a choice, else the first */
	V_DSN_NOTIFY,	/* off, never, or a list (conf_dsn_notify) */
	V_DSN_RETURN,	/* off, hdrs, headers, full (conf_dsn_return) */
	V_DURATION,	/* seconds, or a number with s, m, h or d */
	V_ANY		/* anything: the directive is ignored */
};

/*
 * msmtp directives that bote does not implement yet. Ignoring most is
 * harmless; ignoring these would weaken security or change where mail
 * goes, so they are refused instead.
 */
enum refuse {
	RF_NO,
	RF_ALWAYS,
	RF_NONEMPTY,	/* an empty argument unsets, which is harmless */
	RF_OFF		/* only "off" is refused */
};

/* Keys of directives that set nothing in enum conf_key. */
enum {
	KW_DEFAULTS = K__COUNT,
	KW_ACCOUNT,
	KW_NOSTARTTLS,	/* msmtp 1.2's spelling of "tls_starttls off" */
	KW_ADD_FROM,	/* add_missing_from_header: set_from_header auto|off */
	KW_ADD_DATE,	/* add_missing_date_header: set_date_header auto|off */
	KW_UNDISCLOSED,	/* undisclosed_recipients: set_to_header */
	KW_KEEPBCC,	/* keepbcc: remove_bcc_headers, inverted */
	KW_NOCERTCHECK,	/* tls_nocertcheck: tls_certcheck off */
	KW_IGNORED
};

struct keyword {
	const char	*name;
	int		 key;
	enum vtype	 type;
	enum refuse	 refuse;
	const char	*choices;	/* V_CHOICE: "a|b|c", value = index;
					   RF_ALWAYS: why, or NULL */
};

/* The directive named word[0..len), or NULL. */
const struct keyword	*kw_find(const char *word, size_t len);

/* The directive an unknown word was probably meant to be, or NULL. */
const char		*kw_suggest(const char *word, size_t len);

#endif
