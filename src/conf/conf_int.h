/*
 * Shared by the configuration reader (conf.c) and the value checker
 * (conf_val.c); the rest of bote uses conf.h.
 */
#ifndef BOTE_CONF_INT_H
#define BOTE_CONF_INT_H

#include <stddef.h>

#include "conf/conf.h"
#include "conf/conf_kw.h"

#define CONF_TIMEOUTMAX	3600	/* seconds */

/* The state of reading one file (or the command line's overrides). */
struct parse {
	struct conf	*c;
	const char	*file;		/* an entry of c->files */
	int		 line;		/* 0: the command line */
	int		 nerrs;		/* errors in this file */
	int		 nomem;
	int		 password;	/* line of a literal password, or 0 */
	int		 eval;		/* line of a passwordeval, or 0 */
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

/* Append "file:line: message" for the current line; counts the error. */
void	conf_perr(struct parse *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* Whether s[0..len) holds a control byte, tab included. */
int	conf_has_ctl(const char *s, size_t len);

/*
 * Check arg[0..len) by the directive's type and convert it into v.
 * Messages describe what is wrong and never repeat the value. Returns 0
 * or -1 (the error is recorded).
 */
int	conf_value(struct parse *, const struct keyword *, char *arg,
	    size_t len, struct value *v);

#endif
