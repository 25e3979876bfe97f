/*
 * The maildrop file's envelope (bote.1, MAILDROP): what a user who may
 * not read the system configuration writes before the message, and what
 * root reads back. The file:
 *
 *	BOTE-MAILDROP 1
 *	opt -t				(each flag kept, values escaped
 *	opt -f				 as the queue's control file
 *	val user@example.org		 escapes them, queue.h)
 *	rcpt a@example.org		(the operands, as given)
 *	<empty line>
 *	the message, as read (normalised, spool form)
 *
 * The parser is a pure function over the file's first octets, so that
 * it can be tested and fuzzed on its own.
 */
#ifndef BOTE_DROPFILE_H
#define BOTE_DROPFILE_H

#include <stddef.h>

#define DROP_MAGIC	"BOTE-MAILDROP 1\n"
#define DROP_HEADMAX	(256 * 1024)	/* the envelope part, octets */
#define DROP_ARGMAX	1000		/* flags, values and recipients */
#define DROP_OPTMAX	8		/* flags */

/* What an envelope holds; every string is the parser's (malloc'd). */
struct dropenv {
	char	*flags[2 * DROP_OPTMAX];	/* "-f", "val", "-t", ... */
	size_t	 nflags;
	char	*rcpts[DROP_ARGMAX];
	size_t	 nrcpts;
	size_t	 body_off;	/* where the message starts in the file */
};

/* Whether flag (as "-f") is one a maildrop file may carry. */
int	dropenv_flag_kept(const char *flag);

/*
 * Parse the first n octets of a maildrop file (head, NUL-terminated at
 * head[n]; the parser writes into it). 0 with *env filled (free it with
 * dropenv_free), or -1 when it is not a maildrop file or the envelope is
 * malformed: an unknown key or flag, a value without its flag, a value
 * holding NUL, too many entries, or no empty line within head. *env
 * needs no freeing after -1.
 */
int	dropenv_parse(struct dropenv *env, char *head, size_t n);
void	dropenv_free(struct dropenv *env);

#endif
