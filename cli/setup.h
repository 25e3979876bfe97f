/* bote --setup ADDRESS: find the server, ask, check, write the account. */
#ifndef BOTE_SETUP_H
#define BOTE_SETUP_H

#include "args.h"

/* The exit status (bote.1, SETUP). */
int	mode_setup(const struct args *);

#endif
