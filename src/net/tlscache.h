/*
 * The per-user TLS session cache: one small file per account, host, port
 * and set of verification settings (the caller names it by a hash of
 * them), so that the next run can resume the TLS 1.3 session instead of
 * a full handshake. Plain POSIX files; tls.c decides what goes in.
 */
#ifndef BOTE_TLSCACHE_H
#define BOTE_TLSCACHE_H

#include <stddef.h>

#define TLSCACHE_MAX	16384	/* a larger entry is not kept */

struct tls_opts;

/*
 * The entry's name for a session with host under op: a hash of
 * everything that decided whether the server was to be trusted (and of
 * the trust and CRL files' identity), so that a change to any of it
 * never resumes a session checked otherwise. 0, or -1.
 */
int	tlscache_name(const char *host, const struct tls_opts *op,
	    char *out, size_t outsz);

/*
 * Read the entry name in dir into buf. Returns its length, or -1 when
 * there is none or dir is not private (owned by us, mode 0700). The
 * entry stays: servers that send no new ticket on a resumed session
 * (Postfix) accept the same one again until it expires.
 */
long	tlscache_get(const char *dir, const char *name, void *buf,
	    size_t bufsz);

/* Remove the entry (a full handshake did not verify). */
void	tlscache_drop(const char *dir, const char *name);

/*
 * Store len bytes as the entry name in dir (mode 0600), creating dir
 * (and its parent) mode 0700 when missing. Returns 0 or -1.
 */
int	tlscache_put(const char *dir, const char *name, const void *buf,
	    size_t len);

#endif
