/* bote --check-domain [DOMAIN]: the sender-domain report (bote.1). */
#ifndef BOTE_CHECKDOMAIN_H
#define BOTE_CHECKDOMAIN_H

#include "modes.h"

int	mode_check_domain(struct mode_ctx *m);

#endif
