/* --dkim-keygen: a DKIM signing key and the DNS record to publish. */
#ifndef BOTE_DKIMKEYGEN_H
#define BOTE_DKIMKEYGEN_H

/*
 * bote --dkim-keygen ...: argv[1] is "--dkim-keygen"; the options after
 * it are its own. Returns the exit status.
 */
int	mode_dkim_keygen(int argc, char **argv);

#endif
