/* Sending one message, and -bv's envelope (send.c). */
#ifndef BOTE_SEND_H
#define BOTE_SEND_H

#include "args.h"
#include "conf/conf.h"

/*
 * What mode_send() returns when a person cancelled with Ctrl-C (SIGINT)
 * before the server took the message: nothing sent, nothing queued. The
 * caller ends by SIGINT itself, so its own caller (a shell) sees it.
 */
#define SEND_CANCELLED	130

/* Read standard input and submit it; returns the exit status. */
int	mode_send(const struct args *, struct conf *,
	    struct account *);

/*
 * The same from infd (read from its offset to its end) for the user
 * with that uid, for the maildrop pickup: what mode_send does.
 */
int	send_from(const struct args *, struct conf *,
	    struct account *, int infd, long long uid);

/* -bv: the envelope as for sending, then ask the server (modes.c). */
int	mode_verify_envelope(const struct args *, struct conf *,
	    struct account *);

#endif
