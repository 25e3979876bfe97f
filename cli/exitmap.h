/* The one place where outcomes become sysexits(3) statuses. */
#ifndef BOTE_EXITMAP_H
#define BOTE_EXITMAP_H

#include "base/outcome.h"

/* The exit status for o, as bote.1 EXIT STATUS documents it. */
int	exit_status(const struct outcome *o);

/*
 * The status of a failure only a configuration change can fix, when it
 * is not queued (bote.1, EXIT STATUS): a certificate refused, 78; TLS
 * and STARTTLS mixed up, 76; the others as exit_status() has them (AUTH
 * refused 77, no mechanism or too large 69).
 */
int	exit_setup(const struct outcome *o);

#endif
