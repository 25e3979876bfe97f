/* Sending one message, and -bv's envelope (send.c). */
#ifndef BOTE_SEND_H
#define BOTE_SEND_H

#include "args.h"
#include "conf/conf.h"

/* Read standard input and submit it; returns the exit status. */
int	mode_send(const struct args *, struct conf *,
	    const struct account *);

/* -bv: the envelope as for sending, then ask the server (modes.c). */
int	mode_verify_envelope(const struct args *, struct conf *,
	    struct account *);

#endif
