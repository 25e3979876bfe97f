/* --check: one line for a monitoring system, and its exit status. */
#ifndef BOTE_CHECK_H
#define BOTE_CHECK_H

#include "modes.h"

/* The exit statuses of a Nagios plugin (Nagios Plugin Guidelines). */
#define CHECK_OK	0
#define CHECK_WARNING	1
#define CHECK_CRITICAL	2
#define CHECK_UNKNOWN	3

/* Print the verdict line on stdout; returns CHECK_*. */
int	mode_check(struct mode_ctx *);

/*
 * The line for a run that never got as far as mode_check (bad options,
 * a configuration error, said on stderr already); returns CHECK_UNKNOWN.
 */
int	check_unknown(const char *why);

#endif
