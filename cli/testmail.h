/* --test-mail [RECIPIENT]: a test message that explains itself. */
#ifndef BOTE_TESTMAIL_H
#define BOTE_TESTMAIL_H

#include "modes.h"

/* Send it, with the timed dialogue and a summary on stdout; the status. */
int	mode_test_mail(struct mode_ctx *);

#endif
