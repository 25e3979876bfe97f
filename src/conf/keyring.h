/*
 * The desktop keyring (Secret Service, through libsecret): a password
 * source after the configured ones, before the prompt (bote.conf(5),
 * Password sources). Built only with libsecret (configure
 * --with-libsecret); without it, keyring_lookup() finds nothing.
 */
#ifndef BOTE_KEYRING_H
#define BOTE_KEYRING_H

#include <stddef.h>

/*
 * Look up the password that msmtp stores, so one entry serves both
 * ("secret-tool store --label=msmtp host H service smtp user U"): the
 * attributes host, service "smtp" and user, under any schema; then
 * GNOME's older network-password attributes (server, protocol "smtp",
 * user), as msmtp does. Only when a session bus is known (no D-Bus
 * autolaunch from a cron job). Returns 1 with *pass (freed with
 * secret_free()), 0 when there is no keyring or no entry, -1 on ENOMEM.
 * A keyring that does not answer is taken as none: the prompt is next.
 */
int		 keyring_lookup(const char *host, const char *user,
		    char **pass);

/*
 * Store pass in the default collection under msmtp's attributes (host,
 * service "smtp", user), where keyring_lookup() and msmtp find it, for
 * bote --setup. 0, or -1 with why (no session bus, locked, refused, or
 * built without libsecret).
 */
int		 keyring_store(const char *host, const char *user,
		    const char *pass, char *why, size_t whylen);

/* 1 when built with libsecret, else 0. */
int		 keyring_built(void);

/* What this build can do, for --version: "Secret Service (libsecret)"
   or a sentence saying it was built without it. */
const char	*keyring_feature(void);

#endif
