/*
 * The OAuth2 token store (bote.conf.5, OAUTH2): one directory per user,
 * $XDG_STATE_HOME/bote/oauth (else ~/.local/state/bote/oauth; root's
 * /var/lib/bote/oauth), mode 0700, and in it one file per account, mode
 * 0600, owned by the user, replaced atomically (a temporary file,
 * fsync, rename), beside a lock file that serialises refreshes.
 */
#ifndef BOTE_OAUTHSTORE_H
#define BOTE_OAUTHSTORE_H

#include <stddef.h>

#include "conf/oauth.h"

/* One account's entry. */
struct ostore_entry {
	char		*client_id;	/* the client the tokens are for */
	struct oauth_tokens t;
	long long	 failed;	/* when a refresh was last refused */
	char		 failure[64];	/* its error code ("invalid_grant") */
};

/* The store's directory, or -1 (no HOME, too long). */
int	ostore_dir(char *buf, size_t sz);

/*
 * Read account's entry: 1 (found), 0 (none), -1 with why (unreadable,
 * or mode or owner wrong: then it is not used at all).
 */
int	ostore_read(const char *account, struct ostore_entry *e, char *why,
	    size_t whylen);

/* Replace account's entry atomically; 0, or -1 with why. */
int	ostore_write(const char *account, const struct ostore_entry *e,
	    char *why, size_t whylen);

/*
 * Take the account's lock, waiting up to timeout_s: a descriptor for
 * ostore_unlock(), or -1 with why.
 */
int	ostore_lock(const char *account, int timeout_s, char *why,
	    size_t whylen);
void	ostore_unlock(int fd);

void	ostore_entry_clear(struct ostore_entry *e);

#endif
