/*
 * The maildrop (maildrop.c, bote.1 MAILDROP): users who may not read the
 * system configuration drop their message; a root bote -q picks it up.
 */
#ifndef BOTE_MAILDROP_H
#define BOTE_MAILDROP_H

#include "conf/conf.h"

#include "args.h"

/*
 * Not root, no -C, no user configuration, the system one unreadable and
 * a maildrop set up: then maildrop_submit drops the message there and
 * returns the exit status.
 */
int	 maildrop_wanted(const struct args *);
int	 maildrop_submit(const struct args *);

/*
 * As root, before a queue run: every dropped message of the maildrops
 * of c's queues is checked and queued (or set aside, or removed). What
 * needs a person goes to standard error; routine notes only when loud.
 */
void	 maildrop_pickup_all(struct conf *c, int loud);

/* --setup-maildrop. */
int	 maildrop_setup(struct conf *);

#endif
