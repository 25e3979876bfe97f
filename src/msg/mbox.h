/*
 * Many messages in one stream (bote --batch): an mbox, split at its
 * "From " lines, or a single message. Each message is spooled as
 * msg_spool() would spool it (msg.h), so the submission pipeline sees
 * what it sees for one message on standard input.
 *
 * The format (bote.1, --batch): input whose first line starts with
 * "From " is an mbox (mboxrd, and mboxo read the same way): every line
 * that starts with "From " begins the next message and is not part of
 * it, the empty line before it (or before the end) is the mbox's, not
 * the message's, and a line of one or more '>' before "From " loses
 * one '>' (mboxrd's quoting) when that "From " ends within the line's
 * first 1024 octets. Any other input is one message, as it stands.
 */
#ifndef BOTE_MBOX_H
#define BOTE_MBOX_H

#include "base/outcome.h"
#include "msg/msg.h"

/* What mbox_next() found. */
enum mbox_rc {
	MBOX_END,	/* no more messages */
	MBOX_MSG,	/* *m: a message */
	MBOX_BAD,	/* a message that cannot be spooled (*o); go on */
	MBOX_ERR	/* the input cannot be read (*o): stop */
};

struct mbox;

/* A reader of fd (the caller's, left open). NULL: out of memory. */
struct mbox	*mbox_new(int fd);
void		 mbox_free(struct mbox *);	/* NULL: a no-op */

/*
 * The next message, spooled in dir: MBOX_MSG with *m (msg_free() it);
 * *line is the line of the input where it begins (its "From " line; 1
 * for a single message). MBOX_BAD: that message holds a NUL byte or
 * could not be spooled (*o, *line); the next call goes on with the one
 * after it.
 */
enum mbox_rc	 mbox_next(struct mbox *, const char *dir, struct msg **m,
		    unsigned long *line, struct outcome *o);

#endif
