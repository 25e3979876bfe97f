/* --pretend (-P): what bote would do, with nothing sent (bote.1). */
#ifndef BOTE_PRETEND_H
#define BOTE_PRETEND_H

#include <stddef.h>
#include <stdio.h>

#include "conf/conf.h"
#include "msg/outmsg.h"

/*
 * The configuration files read, one line each ("configuration file read:
 * PATH"), or "none" (--host, or SMTPSERVER and EMAIL alone): msmtp's
 * when they stood in for bote's. Returns 0 or -1 (a write error).
 */
int	pretend_files(FILE *, const struct conf *);

/*
 * Every setting of the account with where it came from (file:line, a
 * defaults section, the account it was inherited from, the command line,
 * the built-in default); secrets are not shown. Returns 0 or -1 (a write
 * error).
 */
int	pretend_account(FILE *, const struct account *);

/*
 * The relays of the account in the order they are tried (relay
 * failover), when it has more than one; nothing otherwise. 0 or -1 (a
 * write error, or a list conf_check() would refuse: why in the output).
 */
int	pretend_relays(FILE *, struct conf *, const struct account *);

/*
 * The envelope and the message exactly as it would go out (the header
 * fields bote adds, then the message minus what it removes), before
 * dot-stuffing. Returns 0 or -1 (a read or write error).
 */
int	pretend_message(FILE *, const char *sender, char *const *rcpts,
	    size_t nrcpts, const struct outmsg *);

#endif
