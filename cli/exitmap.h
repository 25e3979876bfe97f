/* The one place where outcomes become sysexits(3) statuses. */
#ifndef BOTE_EXITMAP_H
#define BOTE_EXITMAP_H

#include "base/outcome.h"

/* The exit status for o, as bote.1 EXIT STATUS documents it. */
int	exit_status(const struct outcome *o);

#endif
