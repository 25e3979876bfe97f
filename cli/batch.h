/* bote --batch: many messages in one process (batch.c, bote.1). */
#ifndef BOTE_BATCH_H
#define BOTE_BATCH_H

#include "args.h"
#include "conf/conf.h"

/* Most messages one --batch reads; the rest are left unread. */
#define BATCH_MAX	100000

/*
 * Read the messages (an mbox on standard input or in the operand, or a
 * directory of message files), submit each as -t would, queue them all,
 * deliver them in one queue run; returns the exit status.
 */
int	mode_batch(const struct args *, struct conf *, struct account *);

#endif
