/* -S, --serverinfo: what the account's server says about itself. */
#ifndef BOTE_SERVERINFO_H
#define BOTE_SERVERINFO_H

#include "modes.h"

/* Print the probe's findings on stdout; returns the exit status. */
int	mode_serverinfo(struct mode_ctx *);

#endif
