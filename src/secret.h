/* Password sources. */
#ifndef BOTE_SECRET_H
#define BOTE_SECRET_H

#include <stddef.h>

/*
 * Run cmd with "sh -c", standard input /dev/null, its stderr passed
 * through, and return the first line of its output (without the newline)
 * as a new string to be freed with secret_free(). The command must exit 0
 * and print a non-empty line within timeout_s seconds (0 or less: no
 * deadline), else NULL with the reason in why (never the output).
 */
char	*secret_eval(const char *cmd, int timeout_s, char *why, size_t whylen);

#endif
