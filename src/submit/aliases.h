/*
 * The aliases file, in msmtp's format (bote.conf(5), aliases): lines of
 * "name: address, address ...", "#" comments. Only the envelope uses it:
 * a recipient without '@' (or user@localhost, user@<this host>) is looked
 * up, recursively, with "default" catching unknown names. Errors are
 * "file:line: message" and never quote the file.
 */
#ifndef BOTE_ALIASES_H
#define BOTE_ALIASES_H

#include <stddef.h>

#include "msg/addr.h"

#define ALIASES_FILEMAX	(4 * 1024 * 1024)	/* octets in one file */
#define ALIASES_LINEMAX	4096	/* octets in one line */
#define ALIASES_TOKMAX	256	/* addresses on one line */
#define ALIASES_MAX	10000	/* aliases in one file */
#define ALIASES_DEPTH	16	/* nested expansions (msmtp's limit) */
#define ALIASES_ERRMAX	64	/* errors kept before giving up */

struct aliases;

struct aliases	*aliases_new(void);
void		 aliases_free(struct aliases *);

/*
 * Read the file at path. Returns 0, or -1 when the file could not be
 * opened or read (errno set, no error recorded) or held errors
 * (aliases_nerrs() > 0).
 */
int		 aliases_read(struct aliases *, const char *path);

/* Parse a buffer as if it were the file named path. */
int		 aliases_read_buf(struct aliases *, const char *path,
		    const char *buf, size_t len);

size_t		 aliases_count(const struct aliases *);
size_t		 aliases_nerrs(const struct aliases *);
/* Error i, "file:line: message"; NULL past the end. */
const char	*aliases_error(const struct aliases *, size_t i);
/* Non-zero when errors beyond ALIASES_ERRMAX were dropped. */
int		 aliases_more_errs(const struct aliases *);

/*
 * Append to out the expansion of every address in in. An address is
 * local when it has no '@', or its domain is "localhost" or hostname
 * (either case; hostname may be NULL). A local name with an alias is
 * replaced by the alias's addresses, expanded in turn; one without is
 * replaced by the "default" alias, whose own unknown names are kept; a
 * name an alias lists for itself is kept as it is. Other addresses are
 * copied. Returns 0, or -1 with errno ELOOP (nested deeper than
 * ALIASES_DEPTH), E2BIG (over ADDRLIST_MAX) or ENOMEM.
 */
int		 aliases_expand(const struct aliases *, const char *hostname,
		    const struct addrlist *in, struct addrlist *out);

#endif
