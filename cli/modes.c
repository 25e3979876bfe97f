/*
 * Modes other than sending: the queue listing and run (bote has no queue
 * yet, and says so truthfully), and the ones still to come, which refuse
 * rather than do something the caller did not ask for.
 */
#include <stdio.h>
#include <sysexits.h>

#include "modes.h"
#include "report.h"

int
mode_queue_list(const struct args *a)
{
	(void)a;
	/* What sendmail and Postfix print; scripts look for it. */
	(void)printf("Mail queue is empty\n");
	return fflush(stdout) == 0 ? EX_OK : EX_IOERR;
}

int
mode_queue_run(const struct args *a)
{
	(void)a;
	say("no queue to run: this version of bote delivers at once and "
	    "keeps no queue");
	return EX_OK;
}

int
mode_aliases(struct mode_ctx *m)
{
	(void)m;
	say("-bi (newaliases) is not supported yet by this version of bote");
	return EX_USAGE;
}

int
mode_verify(struct mode_ctx *m)
{
	(void)m;
	say("-bv is not supported yet by this version of bote");
	return EX_USAGE;
}

int
mode_smtp(struct mode_ctx *m)
{
	(void)m;
	say("-bs is not supported yet by this version of bote");
	return EX_USAGE;
}
