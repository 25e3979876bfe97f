/*
 * The account model behind conf.c: built-in defaults, copying from the
 * defaults, inheritance from parents, storing a value with its origin,
 * freeing with secrets wiped. Internal to the configuration module; the
 * rest of bote uses conf.h.
 */
#ifndef BOTE_ACCOUNT_H
#define BOTE_ACCOUNT_H

#include "conf/conf.h"

/* bote's built-in defaults (TLS on, unlike msmtp). */
void	account_init(struct account *);
/* Free what a holds (secrets wiped) and reset it to the defaults. */
void	account_clear(struct account *);
void	account_free(struct account *);

/*
 * Start dst from the defaults in src: every value and origin, but an
 * empty set mask (msmtp semantics). Returns -1 on ENOMEM.
 */
int	account_copy(struct account *dst, const struct account *src);

/* Apply the values src set explicitly. Returns -1 on ENOMEM. */
int	account_inherit(struct account *dst, const struct account *src);

/*
 * Set one K_* value: the string s (owned from now on; NULL unsets) for
 * text settings, else the number i; record it in set and origin.
 */
void	account_set(struct account *a, int key, char *s, int i,
	    const char *file, int line);

/*
 * conf_check() without the account's relays (relays.c checks those,
 * each with this).
 */
int	conf_check_one(struct conf *c, struct account *a);

/* Append "file:line: message" to c->errs (conf.c). */
void	conf_error(struct conf *c, const char *file, int line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
