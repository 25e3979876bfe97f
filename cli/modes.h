/* The modes besides sending one message (bote.1, MODES). */
#ifndef BOTE_MODES_H
#define BOTE_MODES_H

#include "msg/addr.h"
#include "submit/aliases.h"
#include "args.h"
#include "conf/conf.h"
#include "smtp/smtp.h"

struct mode_ctx {
	const struct args	*args;
	struct conf		*conf;
	struct account		*acct;	/* the account in use */
	/* -bv: the session and the envelope, as for sending. */
	const struct smtp_opts	*op;
	const char		*sender;
	const struct addrlist	*rcpts;
};

/* Each returns the exit status (-bp and -q: queue.h). */
int	mode_aliases(struct mode_ctx *);	/* -bi, newaliases */
int	mode_verify(struct mode_ctx *);		/* -bv */
int	mode_smtp(struct mode_ctx *);		/* -bs */

/*
 * The account's aliases file, read and checked; NULL when it cannot be
 * used, after saying why (every file:line error). *st is then the exit
 * status.
 */
struct aliases	*load_aliases(const struct account *, int *st);

#endif
