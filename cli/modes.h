/* The modes besides sending one message (bote.1, MODES). */
#ifndef BOTE_MODES_H
#define BOTE_MODES_H

#include "args.h"
#include "conf.h"

struct mode_ctx {
	const struct args	*args;
	struct conf		*conf;
	struct account		*acct;	/* the account in use */
};

/* Each returns the exit status. These two need no configuration. */
int	mode_queue_list(const struct args *);	/* -bp, mailq */
int	mode_queue_run(const struct args *);	/* -q */

int	mode_aliases(struct mode_ctx *);	/* -bi, newaliases */
int	mode_verify(struct mode_ctx *);		/* -bv */
int	mode_smtp(struct mode_ctx *);		/* -bs */

#endif
