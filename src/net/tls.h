/*
 * TLS client sessions (tls.c, with tlsname.c and tlscache.c). GnuTLS
 * appears in tls.c and in base/crypto.c (primitives, crypto.h) only.
 */
#ifndef BOTE_TLS_H
#define BOTE_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "net/tlsfail.h"

struct tls;

/* tls_recv() and tls_send() results besides a byte count. */
#define TLS_WANT_READ	(-2)
#define TLS_WANT_WRITE	(-3)
#define TLS_ERROR	(-1)

/* The account's TLS settings (bote.conf(5)); zeroed means the defaults. */
struct tls_opts {
	const char	*trust_file;	/* PEM CAs; NULL or "system" */
	const char	*host_override;	/* name verified and sent as SNI */
	const char	*fingerprint;	/* pin: used instead of CA checks */
	const char	*cert_file;	/* client certificate (PEM) */
	const char	*key_file;	/* and its key */
	const char	*crl_file;	/* PEM CRLs */
	const char	*priorities;	/* GnuTLS priority string */
	int		 nocertcheck;	/* tls_certcheck off: no checks */
	int		 report_only;	/* --serverinfo: record the verdict,
					   finish the handshake anyway */
	/* The session cache (tlscache.h); NULL dir: none. */
	const char	*cache_dir;
	const char	*cache_account;	/* the account's name */
	int		 port;		/* part of the cache entry's name */
};

/*
 * A client session on the connected, non-blocking socket fd. host is
 * the name as configured (never one from DNS): unless host_override
 * replaces it, it is sent as SNI (not when an IP literal) and the
 * certificate must match it (RFC 9525, see tlsname.h). Returns NULL with
 * *config set when a setting is the problem (a configuration error) and
 * the reason in why.
 */
struct tls	*tls_client(int fd, const char *host, const struct tls_opts *,
		    int *config, char *why, size_t whylen);
void		 tls_free(struct tls *);

/*
 * Handshake and verify the certificate, by deadline (now_ms() scale).
 * Returns 0, or -1 with the reason in one line of words: expired (with
 * the date), not yet valid, unknown issuer (its name), self-signed, name
 * mismatch (both names), the name only in the CN, revoked, fingerprint
 * mismatch (both fingerprints), timed out, ... and what to do about it;
 * tls_failure() then says which kind of failure it was. A server whose
 * first bytes are not TLS (an SMTP greeting) fails it at once.
 */
int		 tls_handshake(struct tls *, int64_t deadline, char *why,
		    size_t whylen);

/*
 * After the handshake: TLS_VERIFY_OK, TLS_VERIFY_OFF (tls_certcheck off)
 * or TLS_VERIFY_FAILED with the reason in why (report_only sessions get
 * that far with a bad certificate).
 */
#define TLS_VERIFY_OK		0
#define TLS_VERIFY_FAILED	1
#define TLS_VERIFY_OFF		2
#define TLS_VERIFY_PINNED	3	/* the tls_fingerprint pin matched */
int		 tls_verdict(struct tls *, char *why, size_t whylen);

/* Why the handshake (or report_only verification) failed: tlsfail.h. */
enum tls_failure tls_failure(const struct tls *);
/*
 * The server's first line as it came, for TLS_FAIL_SMTP and
 * TLS_FAIL_NOTTLS: control bytes shown as '?', at most TLS_PEERTEXT - 1
 * octets; "" for other failures.
 */
#define TLS_PEERTEXT	80
const char	*tls_peer_text(const struct tls *);

/*
 * Whether the server at the other end of fd (a connection of its own,
 * connected and non-blocking) speaks TLS at once: a ClientHello for host
 * (as SNI) goes out and nothing else; the first bytes back decide, and
 * the handshake is abandoned there. TLS_SNIFF_TLS when they begin a TLS
 * record, TLS_SNIFF_NO when they do not, when the server closes or
 * nothing comes by deadline; TLS_SNIFF_WATCH as soon as the descriptor
 * watch (-1: none) becomes readable, whatever fd does. fd stays open.
 */
#define TLS_SNIFF_NO	0
#define TLS_SNIFF_TLS	1
#define TLS_SNIFF_WATCH	2
int		 tls_sniff(int fd, const char *host, int64_t deadline,
		    int watch);

/* What --serverinfo shows about a session. */
#define TLS_CHAINMAX	8
#define TLS_FPMAX	(32 * 3)	/* "AB:CD:...", NUL included */
struct tls_certinfo {
	char		subject[512];	/* RFC 4514 DNs */
	char		issuer[512];
	long long	not_before;	/* seconds since the epoch */
	long long	not_after;
	char		names[512];	/* "DNS:a, IP:127.0.0.1" or "" */
	char		sha256[TLS_FPMAX];
};
struct tls_info {
	char		version[32];	/* "TLS1.3" */
	char		suite[128];	/* "TLS_AES_256_GCM_SHA384" */
	char		kx[64];		/* "ECDHE-RSA X25519" */
	char		desc[256];	/* gnutls_session_get_desc() */
	size_t		nchain;
	/* The chain as the server sent it. */
	struct tls_certinfo chain[TLS_CHAINMAX];
};
/* Fill *info; returns 0, or -1 when nothing is known. */
int		 tls_info(struct tls *, struct tls_info *info);

/* A tls_priorities string GnuTLS accepts: 0, or -1 with why (position). */
int		 tls_priorities_check(const char *, char *why, size_t whylen);
/*
 * The client certificate and key, and the CRL file, load: 0, or -1 with
 * why; *which is then 0 for the certificate or key, 1 for the CRL.
 */
int		 tls_files_check(const struct tls_opts *, int *which,
		    char *why, size_t whylen);

/* Like read(2)/write(2) on the session; 0 from recv is the peer's EOF. */
ssize_t		 tls_recv(struct tls *, void *buf, size_t len);
ssize_t		 tls_send(struct tls *, const void *buf, size_t len);
/* Decrypted bytes GnuTLS holds that tls_recv() would return at once. */
size_t		 tls_pending(struct tls *);
/* "TLS1.3 / ECDHE-SECP256R1 / AES-256-GCM" for -v. */
int		 tls_describe(struct tls *, char *buf, size_t len);
/* Send close_notify without waiting for the peer's. */
void		 tls_bye(struct tls *);

/*
 * Channel binding data of the session for SCRAM-*-PLUS: "tls-exporter"
 * (RFC 9266) under TLS 1.3, "tls-unique" (RFC 5929) under TLS 1.2 and
 * earlier. Returns 0 with *type, buf and *len set, or -1 (no handshake
 * yet, unsupported, or buf too small).
 */
int		 tls_channel_binding(struct tls *, const char **type,
		    unsigned char *buf, size_t bufsz, size_t *len);

#endif
