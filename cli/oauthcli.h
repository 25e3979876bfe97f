/*
 * OAuth2 in the driver: the access token as the password of a session
 * (session.c), bote --oauth-login and bote --oauth-status, with all
 * their wording.
 */
#ifndef BOTE_OAUTHCLI_H
#define BOTE_OAUTHCLI_H

#include <stddef.h>

#include "args.h"
#include "conf/conf.h"

/* session_password()'s: no credential now, the message should wait. */
#define SESSION_LATER	(-2)

/*
 * Whether the account's password is an OAuth2 access token: an oauth2
 * block and auth on, xoauth2 or oauthbearer.
 */
int	oauth_session(const struct account *);

/*
 * The access token for a session, in *pass (secret_free()). 0; -1 with
 * why (a configuration error); SESSION_LATER with why (the token
 * endpoint is down, or a person must log in again: why names the
 * command).
 */
int	oauth_password(const struct account *, char **pass, char *why,
	    size_t whylen);

/* bote --oauth-login: the exit status. */
int	mode_oauth_login(const struct args *, const struct account *);

/* bote --oauth-status: every OAuth2 account, or -a's. */
int	mode_oauth_status(const struct args *, struct conf *);

#endif
