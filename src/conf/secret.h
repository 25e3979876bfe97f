/* Password sources. */
#ifndef BOTE_SECRET_H
#define BOTE_SECRET_H

#include <stddef.h>

/*
 * Run cmd with "sh -c" in a process group of its own, standard input
 * /dev/null, its stderr passed through, and return the first line of its
 * output (without the line ending, at most 64 KiB) as a new string to be
 * freed with secret_free(); the rest of the output is read and dropped.
 * The command must exit 0 and print a non-empty line within timeout_s
 * seconds (0 or less: no deadline), else NULL with the reason in why
 * (never the output). On a timeout, an interruption (bote_interrupted)
 * or any other failure before it exited, its whole process group is
 * killed.
 */
char	*secret_eval(const char *cmd, int timeout_s, char *why,
	    size_t whylen);

/*
 * A DKIM private key file (PEM): a regular file owned by the effective
 * user (or root) that neither group nor others may read or write,
 * checked on the descriptor that is read (the rule of a file holding a
 * password). NULL with the reason in why, which names path but never
 * quotes the file.
 */
struct crypto_key;
struct crypto_key *secret_key_load(const char *path, char *why,
		    size_t whylen);

#endif
