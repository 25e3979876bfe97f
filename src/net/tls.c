/*
 * TLS with GnuTLS: client sessions over a non-blocking socket, certificate
 * verification (RFC 9525 names through tlsname.c, or a fingerprint pin),
 * what --serverinfo shows, and base64. Nothing else in bote includes
 * gnutls.h (DESIGN.md rule 7).
 */
#include <sys/socket.h>

#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "base/idn.h"
#include "base/outcome.h"
#include "net/tls.h"
#include "net/tlscache.h"
#include "net/tlsname.h"
#include "net/tlsfail.h"
#include "base/util.h"

#define WHYMAX	OUTCOME_WHYMAX

/* What the session cache does for this session. */
#define CACHE_OFF	0
#define CACHE_STORE	1	/* store the ticket once it arrives */
#define CACHE_DONE	2

/* Appended to the priorities: resumption with (EC)DHE only. */
#define PSK_DHE		":+ECDHE-PSK:+DHE-PSK"

struct tls {
	gnutls_session_t			sess;
	gnutls_certificate_credentials_t	cred;
	int					fd;
	int					nocheck;
	int					report_only;
	int					verdict; /* TLS_VERIFY_*, -1 */
	size_t					pinlen;	/* 0: no pin */
	unsigned char				pin[32];
	char					host[256]; /* as set */
	char					ref[256];  /* name checked */
	char					*trust_file;
	int					trust_loaded;
	const char				*cache_dir;
	char					cache[72]; /* entry name */
	int					cache_state; /* CACHE_* */
	char					why[WHYMAX];
	enum tls_failure			failure;
	int					peeked;	/* first bytes seen */
	int					sniff;	/* tls_sniff() */
	char					peer[TLS_PEERTEXT];
};

/* What a certificate says it is for. */
struct names {
	struct tlsname_ids	ids;
	char			dns[TLSNAME_MAX][256];
	unsigned char		ip[TLSNAME_MAX][16];
	char			cn[256];
	char			shown[512];	/* "DNS:a, IP:1.2.3.4" */
};

static void	resume_setup(struct tls *, const char *,
		    const struct tls_opts *);
static int	set_priorities(struct tls *, const struct tls_opts *, int *,
		    char *, size_t);
static int	load_trust(struct tls *, int *, char *, size_t);
static int	load_files(gnutls_certificate_credentials_t,
		    const struct tls_opts *, int *, char *, size_t);
static void	prio_why(int, const char *, const char *, char *, size_t);
static void	cache_store(struct tls *);
static ssize_t	push(gnutls_transport_ptr_t, const void *, size_t);
static ssize_t	pull(gnutls_transport_ptr_t, void *, size_t);
static int	pull_timeout(gnutls_transport_ptr_t, unsigned int);
static int	drive(struct tls *, int64_t, int, char *, size_t);
static int	verify_cb(gnutls_session_t);
static int	check_peer(struct tls *);
static int	check_chain(struct tls *, const gnutls_datum_t *,
		    unsigned int);
static void	name_why(struct tls *, struct names *);
static struct names *cert_names(gnutls_x509_crt_t);
static int	crt_fp(const gnutls_datum_t *, gnutls_digest_algorithm_t,
		    char *, size_t);
static int	get_dn(gnutls_x509_crt_t, int, char *, size_t);

/*
 * Resume a cached session when the account has a cache; t->trust_loaded
 * says whether the trust anchors still have to be loaded (-1).
 */
static void
resume_setup(struct tls *t, const char *host, const struct tls_opts *op)
{
	unsigned char	 buf[TLSCACHE_MAX];
	long		 n;

	t->trust_loaded = -1;
	/* --serverinfo wants to see the certificate: never resumed. */
	if (op->cache_dir == NULL || op->cache_account == NULL ||
	    t->report_only)
		return;
	t->cache_dir = op->cache_dir;
	if (tlscache_name(host, op, t->cache, sizeof(t->cache)) == -1)
		t->cache_dir = NULL;
	n = t->cache_dir == NULL ? -1 : tlscache_get(t->cache_dir,
	    t->cache, buf, sizeof(buf));
	/* A resumption needs no trust anchors: load them later. */
	t->trust_loaded = n > 0 && gnutls_session_set_data(t->sess,
	    buf, (size_t)n) == 0 ? 0 : -1;
	explicit_bzero(buf, sizeof(buf));
	t->cache_state = t->cache_dir != NULL ? CACHE_STORE : CACHE_OFF;
}

/*
 * The priority string: tls_priorities or GnuTLS's default, with PSK_DHE.
 * A resumed TLS 1.3 session still gets a fresh (EC)DHE exchange:
 * offering only psk_dhe_ke keeps forward secrecy (RFC 8446 4.2.9), so a
 * stolen ticket cannot decrypt a session, password included. 0, or -1
 * with why (and *config set when tls_priorities is at fault).
 */
static int
set_priorities(struct tls *t, const struct tls_opts *op, int *config,
    char *why, size_t whylen)
{
	const char	*err = NULL;
	char		 prio[1024], w[WHYMAX];
	int		 rc;

	if (op->priorities == NULL) {
		rc = gnutls_set_default_priority_append(t->sess, &PSK_DHE[1],
		    &err, 0);
		if (rc < 0) {
			whyf(why, whylen, "cannot set up TLS: %s",
			    gnutls_strerror(rc));
			return -1;
		}
		return 0;
	}
	if (xsnprintf(prio, sizeof(prio), "%s%s", op->priorities,
	    PSK_DHE) == -1) {
		*config = 1;
		whyf(why, whylen, "tls_priorities is too long");
		return -1;
	}
	if ((rc = gnutls_priority_set_direct(t->sess, prio, &err)) < 0) {
		*config = 1;
		prio_why(rc, err, prio, w, sizeof(w));
		whyf(why, whylen, "tls_priorities: %s", w);
		return -1;
	}
	return 0;
}

struct tls *
tls_client(int fd, const char *host, const struct tls_opts *op, int *config,
    char *why, size_t whylen)
{
	struct tls	*t;
	const char	*name;
	char		 w[WHYMAX];
	unsigned char	 ip[16];
	int		 rc;

	*config = 0;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		whyf(why, whylen, "out of memory");
		return NULL;
	}
	t->fd = fd;
	t->verdict = -1;
	t->nocheck = op->nocertcheck;
	t->report_only = op->report_only;
	name = op->host_override != NULL ? op->host_override : host;
	if (xstrlcpy(t->host, host, sizeof(t->host)) == -1) {
		whyf(why, whylen, "host name too long for TLS");
		goto fail;
	}
	/* Certificates carry A-labels (RFC 9525 6.1). */
	if (idn_to_alabel(name, t->ref, sizeof(t->ref), w, sizeof(w)) == -1) {
		*config = 1;
		whyf(why, whylen, "%s: %s", op->host_override ?
		    "tls_host_override" : "host", w);
		goto fail;
	}
	if (op->fingerprint != NULL && !t->nocheck) {
		rc = tls_fingerprint_parse(op->fingerprint, t->pin,
		    sizeof(t->pin), &t->pinlen);
		if (rc != TLS_FP_SHA256 && rc != TLS_FP_SHA1) {
			*config = 1;
			whyf(why, whylen, "tls_fingerprint is not a "
			    "SHA-256 fingerprint; run bote --serverinfo to "
			    "get the SHA-256 fingerprint");
			goto fail;
		}
	}
	if ((rc = gnutls_certificate_allocate_credentials(&t->cred)) < 0) {
		whyf(why, whylen, "%s", gnutls_strerror(rc));
		goto fail;
	}
	if (load_files(t->cred, op, &rc, why, whylen) == -1) {
		*config = 1;
		goto fail;
	}
	if (op->trust_file != NULL && (t->trust_file =
	    strdup(op->trust_file)) == NULL) {
		whyf(why, whylen, "out of memory");
		goto fail;
	}
	if ((rc = gnutls_init(&t->sess, GNUTLS_CLIENT | GNUTLS_NONBLOCK)) < 0)
		goto gfail;
	gnutls_session_set_ptr(t->sess, t);
	resume_setup(t, host, op);
	if (t->trust_loaded == -1 && load_trust(t, config, why, whylen) == -1)
		goto fail;
	if (set_priorities(t, op, config, why, whylen) == -1)
		goto fail;
	rc = gnutls_credentials_set(t->sess, GNUTLS_CRD_CERTIFICATE, t->cred);
	if (rc < 0)
		goto gfail;
	/* RFC 6066 3: literal IP addresses are not permitted in SNI. */
	if (tlsname_ip(t->ref, ip) == 0 && t->ref[0] != '[') {
		rc = gnutls_server_name_set(t->sess, GNUTLS_NAME_DNS, t->ref,
		    strlen(t->ref));
		if (rc < 0)
			goto gfail;
	}
	/* Our own check (RFC 9525 names, pins) runs inside the handshake. */
	gnutls_certificate_set_verify_function(t->cred, verify_cb);
	/* Reads go through pull(), which looks at the first bytes. */
	gnutls_transport_set_ptr(t->sess, t);
	gnutls_transport_set_push_function(t->sess, push);
	gnutls_transport_set_pull_function(t->sess, pull);
	gnutls_transport_set_pull_timeout_function(t->sess, pull_timeout);
	return t;
gfail:
	whyf(why, whylen, "cannot set up TLS: %s", gnutls_strerror(rc));
fail:
	tls_free(t);
	return NULL;
}

/*
 * Trust anchors only when they are used: a pin or
 * tls_certcheck off needs none, and a resumed session neither (the
 * verify callback loads them if the server wants a full handshake).
 */
static int
load_trust(struct tls *t, int *config, char *why, size_t whylen)
{
	const char	*tf = t->trust_file;
	int		 rc;

	t->trust_loaded = 1;
	if (t->nocheck || t->pinlen > 0)
		return 0;
	if (tf == NULL || strcmp(tf, "system") == 0) {
		rc = gnutls_certificate_set_x509_system_trust(t->cred);
		if (rc <= 0) {
			*config = 1;
			whyf(why, whylen, "no system CA "
			    "certificates could be loaded; install "
			    "ca-certificates or set tls_trust_file");
			return -1;
		}
	} else if ((rc = gnutls_certificate_set_x509_trust_file(t->cred, tf,
	    GNUTLS_X509_FMT_PEM)) <= 0) {
		*config = 1;
		whyf(why, whylen, "cannot load CA certificates from "
		    "tls_trust_file %s: %s", tf, rc < 0 ? gnutls_strerror(rc) :
		    "no certificate in the file");
		return -1;
	}
	return 0;
}

/* The client certificate and key, and the CRLs, into c. */
static int
load_files(gnutls_certificate_credentials_t c, const struct tls_opts *op,
    int *which, char *why, size_t whylen)
{
	int	rc;

	*which = 0;
	if ((op->cert_file == NULL) != (op->key_file == NULL))
		return xsnprintf(why, whylen, "tls_cert_file and tls_key_file "
		    "go together: set both or neither"), -1;
	if (op->cert_file != NULL && (rc =
	    gnutls_certificate_set_x509_key_file(c, op->cert_file,
	    op->key_file, GNUTLS_X509_FMT_PEM)) < 0)
		return xsnprintf(why, whylen, "cannot load the client "
		    "certificate %s with the key %s: %s", op->cert_file,
		    op->key_file, gnutls_strerror(rc)), -1;
	/* CRLs need not come after their CAs (GnuTLS files them by issuer). */
	*which = 1;
	if (op->crl_file != NULL && (rc =
	    gnutls_certificate_set_x509_crl_file(c, op->crl_file,
	    GNUTLS_X509_FMT_PEM)) <= 0)
		return xsnprintf(why, whylen, "cannot load the CRL file %s: "
		    "%s", op->crl_file, rc < 0 ? gnutls_strerror(rc) :
		    "no CRL in it"), -1;
	return 0;
}

int
tls_files_check(const struct tls_opts *op, int *which, char *why,
    size_t whylen)
{
	gnutls_certificate_credentials_t c;
	int		 rc;

	if ((rc = gnutls_certificate_allocate_credentials(&c)) < 0) {
		*which = 0;
		return xsnprintf(why, whylen, "%s", gnutls_strerror(rc)), -1;
	}
	rc = load_files(c, op, which, why, whylen);
	gnutls_certificate_free_credentials(c);
	return rc;
}

int
tls_priorities_check(const char *s, char *why, size_t whylen)
{
	gnutls_priority_t	 p;
	const char		*err = NULL;
	int			 rc;

	if ((rc = gnutls_priority_init(&p, s, &err)) < 0) {
		prio_why(rc, err, s, why, whylen);
		return -1;
	}
	gnutls_priority_deinit(p);
	return 0;
}

static void
prio_why(int rc, const char *err, const char *s, char *why, size_t whylen)
{
	whyf(why, whylen, "GnuTLS rejects the priority string at "
	    "character %ld: %s", err != NULL ? (long)(err - s) + 1 : 0L,
	    gnutls_strerror(rc));
}

void
tls_free(struct tls *t)
{
	if (t == NULL)
		return;
	if (t->sess != NULL)
		gnutls_deinit(t->sess);
	if (t->cred != NULL)
		gnutls_certificate_free_credentials(t->cred);
	free(t->trust_file);
	free(t);
}

/*
 * Every read of a session. Before GnuTLS takes the server's first bytes
 * they are looked at (tlsfail.h): GnuTLS would take a plain SMTP
 * greeting ("220 m") for a record header announcing 8301 bytes and wait
 * for them until the deadline; refused here, the mistake is known at
 * once. tls_sniff() needs no more than those bytes either.
 */
static ssize_t
pull(gnutls_transport_ptr_t p, void *buf, size_t len)
{
	struct tls	*t = p;
	unsigned char	 first[TLS_PEERTEXT];
	ssize_t		 n;

	if (!t->peeked) {
		n = recv(t->fd, first, sizeof(first), MSG_PEEK);
		if (n <= 0)
			return n;
		t->peeked = 1;
		t->failure = tlsfail_first(first, (size_t)n, t->peer,
		    sizeof(t->peer));
		if (t->failure != TLS_FAIL_NONE || t->sniff) {
			errno = EPROTO;
			return -1;
		}
	}
	return recv(t->fd, buf, len, 0);
}

/* MSG_NOSIGNAL: a closed peer is an error code, never SIGPIPE. */
static ssize_t
push(gnutls_transport_ptr_t p, const void *buf, size_t len)
{
	return send(((struct tls *)p)->fd, buf, len, MSG_NOSIGNAL);
}

/* Whether a read would return something within ms (GnuTLS asks). */
static int
pull_timeout(gnutls_transport_ptr_t p, unsigned int ms)
{
	struct pollfd	pfd = { .fd = ((struct tls *)p)->fd, .events = POLLIN };

	return poll(&pfd, 1, ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : (int)ms);
}

/*
 * Run the handshake by deadline; with watch (not -1) stop as soon as
 * that descriptor is readable. Returns GnuTLS's last code (0 or a
 * negative one), else why is set: 1 for the deadline, 2 for watch, 3 for
 * a signal, 4 for poll()'s errno.
 */
static int
drive(struct tls *t, int64_t deadline, int watch, char *why, size_t whylen)
{
	struct pollfd	pfd[2];
	int		rc, n;

	for (;;) {
		rc = gnutls_handshake(t->sess);
		if (rc == 0 || (rc != GNUTLS_E_AGAIN && rc !=
		    GNUTLS_E_INTERRUPTED && gnutls_error_is_fatal(rc)))
			return rc;
		if (bote_interrupted)
			return whyf(why, whylen, "interrupted by a signal "
			    "during the TLS handshake"), 3;
		pfd[0].fd = t->fd;
		pfd[0].events = gnutls_record_get_direction(t->sess) ?
		    POLLOUT : POLLIN;
		pfd[1].fd = watch;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		n = poll(pfd, watch != -1 ? 2 : 1, ms_left(deadline));
		if (n == 0)
			return whyf(why, whylen, "the TLS handshake timed "
			    "out"), 1;
		if (n == -1 && errno != EINTR)
			return whyf(why, whylen, "TLS handshake: %s",
			    strerror(errno)), 4;
		if (n > 0 && pfd[1].revents != 0)
			return 2;
	}
}

int
tls_handshake(struct tls *t, int64_t deadline, char *why, size_t whylen)
{
	int	rc;

	rc = drive(t, deadline, -1, why, whylen);
	/*
	 * A resumed session proves the server is the one checked with these
	 * very settings (the cache entry is named by them): no certificate
	 * is sent, none is checked.
	 */
	if (rc == 0 && gnutls_session_is_resumed(t->sess))
		t->verdict = t->nocheck ? TLS_VERIFY_OFF :
		    t->pinlen > 0 ? TLS_VERIFY_PINNED : TLS_VERIFY_OK;
	if (rc == 0)
		return 0;
	if (t->failure == TLS_FAIL_NONE)
		t->failure = TLS_FAIL_OTHER;
	if (rc > 0)
		return -1;
	if (t->verdict == TLS_VERIFY_FAILED)
		whyf(why, whylen, "%s", t->why);
	else if (t->failure == TLS_FAIL_SMTP || t->failure == TLS_FAIL_NOTTLS)
		whyf(why, whylen, "the server does not speak TLS: it sent "
		    "\"%s\"", t->peer);
	else if (rc == GNUTLS_E_PREMATURE_TERMINATION ||
	    rc == GNUTLS_E_PUSH_ERROR || rc == GNUTLS_E_PULL_ERROR)
		whyf(why, whylen, "the server closed the connection during "
		    "the TLS handshake");
	else if (rc == GNUTLS_E_CERTIFICATE_REQUIRED)
		whyf(why, whylen, "the server requires a client certificate: "
		    "set tls_cert_file and tls_key_file");
	else if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED)
		tlsfail_alert((int)gnutls_alert_get(t->sess), why, whylen);
	else
		whyf(why, whylen, "TLS handshake failed: %s",
		    gnutls_strerror(rc));
	return -1;
}

int
tls_sniff(int fd, const char *host, int64_t deadline, int watch)
{
	struct tls_opts	 op;
	struct tls	*t;
	char		 why[WHYMAX];
	int		 config, rc;

	memset(&op, 0, sizeof(op));
	op.nocertcheck = 1;
	if ((t = tls_client(fd, host, &op, &config, why, sizeof(why))) == NULL)
		return TLS_SNIFF_NO;
	t->sniff = 1;
	rc = drive(t, deadline, watch, why, sizeof(why));
	rc = rc == 2 ? TLS_SNIFF_WATCH : t->peeked && t->failure ==
	    TLS_FAIL_NONE ? TLS_SNIFF_TLS : TLS_SNIFF_NO;
	tls_free(t);
	return rc;
}

enum tls_failure
tls_failure(const struct tls *t)
{
	return t->failure;
}

const char *
tls_peer_text(const struct tls *t)
{
	return t->failure == TLS_FAIL_SMTP || t->failure == TLS_FAIL_NOTTLS ?
	    t->peer : "";
}

int
tls_verdict(struct tls *t, char *why, size_t whylen)
{
	if (t->verdict == TLS_VERIFY_FAILED)
		whyf(why, whylen, "%s", t->why);
	return t->verdict;
}

/* Called by GnuTLS when the server's certificate message has arrived. */
static int
verify_cb(gnutls_session_t sess)
{
	struct tls	*t = gnutls_session_get_ptr(sess);

	int		 config;

	if (t->nocheck) {
		t->verdict = TLS_VERIFY_OFF;
		return 0;
	}
	/* The server did not resume the session: a full check after all. */
	if (!t->trust_loaded && load_trust(t, &config, t->why,
	    sizeof(t->why)) == -1) {
		t->verdict = TLS_VERIFY_FAILED;
		t->failure = TLS_FAIL_OTHER;
		return GNUTLS_E_CERTIFICATE_ERROR;
	}
	t->verdict = check_peer(t);
	if (t->verdict == TLS_VERIFY_FAILED && t->cache_state != CACHE_OFF) {
		t->cache_state = CACHE_OFF;
		tlscache_drop(t->cache_dir, t->cache);
	}
	if (t->verdict == TLS_VERIFY_FAILED && !t->report_only)
		return GNUTLS_E_CERTIFICATE_ERROR;
	return 0;
}

/* Decide on the server's certificate; the reason goes to t->why. */
static int
check_peer(struct tls *t)
{
	const gnutls_datum_t	*peers;
	gnutls_x509_crt_t	 crt = NULL;
	unsigned int		 n = 0;
	char			 want[TLS_FPMAX], got[TLS_FPMAX];
	struct names		*nm;
	int			 v = TLS_VERIFY_FAILED;

	t->failure = TLS_FAIL_OTHER;
	peers = gnutls_certificate_get_peers(t->sess, &n);
	if (peers == NULL || n == 0) {
		whyf(t->why, sizeof(t->why), "the server sent no "
		    "certificate");
		return v;
	}
	/* A pin replaces the CA and name checks. */
	if (t->pinlen > 0) {
		tlsname_hex(t->pin, t->pinlen, want, sizeof(want));
		if (crt_fp(&peers[0], t->pinlen == 32 ? GNUTLS_DIG_SHA256 :
		    GNUTLS_DIG_SHA1, got, sizeof(got)) == -1)
			whyf(t->why, sizeof(t->why), "cannot "
			    "hash the server certificate");
		else if (strcmp(want, got) == 0) {
			t->failure = TLS_FAIL_NONE;
			return TLS_VERIFY_PINNED;
		} else {
			t->failure = TLS_FAIL_PIN;
			whyf(t->why, sizeof(t->why), "fingerprint "
			    "mismatch: the server certificate's %s "
			    "fingerprint is %s, tls_fingerprint says %s; if "
			    "the server has a new certificate, check it with "
			    "bote --serverinfo and update tls_fingerprint",
			    t->pinlen == 32 ? "SHA-256" : "SHA-1", got, want);
		}
		return v;
	}
	if (check_chain(t, peers, n) == -1)
		return v;
	if (gnutls_x509_crt_init(&crt) < 0 ||
	    gnutls_x509_crt_import(crt, &peers[0], GNUTLS_X509_FMT_DER) < 0) {
		whyf(t->why, sizeof(t->why), "cannot parse the "
		    "server certificate");
		goto out;
	}
	if ((nm = cert_names(crt)) == NULL) {
		whyf(t->why, sizeof(t->why), "out of memory");
		goto out;
	}
	v = TLS_VERIFY_OK;
	t->failure = TLS_FAIL_NONE;
	if (!tlsname_match(t->ref, &nm->ids)) {
		v = TLS_VERIFY_FAILED;
		t->failure = TLS_FAIL_NAME;
		name_why(t, nm);
	}
	free(nm);
out:
	gnutls_x509_crt_deinit(crt);
	return v;
}

/* Why the names of nm do not do for t->ref, into t->why. */
static void
name_why(struct tls *t, struct names *nm)
{
	unsigned char	ipbin[16];

	/* RFC 9525 6.3: no CN-ID; say so when only the CN would do. */
	if (tlsname_cn_match(t->ref, &nm->ids)) {
		whyf(t->why, sizeof(t->why), "the certificate of %s names it "
		    "only in its CN, which RFC 9525 no longer accepts; ask "
		    "for a certificate with a subjectAltName, or pin it with "
		    "tls_fingerprint (bote --serverinfo shows it)", t->ref);
		return;
	}
	if (!nm->ids.has_san && nm->ids.cn != NULL) {
		/* Only shown: a short buffer keeps a prefix. */
		nm->shown[0] = '\0';
		(void)strlcat(nm->shown, "CN=", sizeof(nm->shown));
		(void)sanitize(nm->shown + 3, sizeof(nm->shown) - 3,
		    nm->cn, strlen(nm->cn), 1);
	}
	whyf(t->why, sizeof(t->why), "name mismatch: the server certificate "
	    "is for %s, not for %s%s; set %s to one of its names",
	    nm->shown[0] != '\0' ? nm->shown :
	    "no name", t->ref, tlsname_ip(t->ref, ipbin) ? " (an IP address "
	    "only matches IP: names)" : "", strcmp(t->ref, t->host) == 0 ?
	    "host (or tls_host_override)" : "tls_host_override");
}

/*
 * The CA checks (chain, validity, revocation) on what GnuTLS holds for
 * the session; 0, or -1 with the first reason in words in t->why.
 */
static int
check_chain(struct tls *t, const gnutls_datum_t *peers, unsigned int n)
{
	gnutls_x509_crt_t	 crt;
	gnutls_datum_t		 out = { NULL, 0 };
	unsigned int		 status = 0, i;
	time_t			 now = time(NULL), when = 0;
	char			 date[64], dn[384] = "";
	struct tlsfail_chain	 c;
	int			 rc, notafter = 0;

	if ((rc = gnutls_certificate_verify_peers2(t->sess, &status)) < 0) {
		whyf(t->why, sizeof(t->why), "cannot verify the "
		    "server certificate: %s", gnutls_strerror(rc));
		return -1;
	}
	if (status == 0)
		return 0;
	memset(&c, 0, sizeof(c));
	/* Which certificate of the chain is out of date, and when. */
	for (i = 0; i < n && when == 0; i++) {
		if (gnutls_x509_crt_init(&crt) < 0)
			break;
		if (gnutls_x509_crt_import(crt, &peers[i],
		    GNUTLS_X509_FMT_DER) == 0) {
			if ((status & GNUTLS_CERT_EXPIRED) &&
			    gnutls_x509_crt_get_expiration_time(crt) < now) {
				when = gnutls_x509_crt_get_expiration_time(crt);
				notafter = 1;
			} else if ((status & GNUTLS_CERT_NOT_ACTIVATED) &&
			    gnutls_x509_crt_get_activation_time(crt) > now)
				when = gnutls_x509_crt_get_activation_time(crt);
			/* The issuer of the last one is who is unknown. */
			if (i == n - 1)
				(void)get_dn(crt, 1, dn, sizeof(dn));
			c.self = n == 1 && gnutls_x509_crt_check_issuer(crt,
			    crt) == 1;
		}
		gnutls_x509_crt_deinit(crt);
	}
	tlsname_date(when, date, sizeof(date));
	c.ref = t->ref;
	c.issuer = dn;
	c.store = t->trust_file;
	c.date = date;
	c.revoked = (status & GNUTLS_CERT_REVOKED) != 0;
	c.unknown = (status & GNUTLS_CERT_SIGNER_NOT_FOUND) != 0;
	c.expired = (status & GNUTLS_CERT_EXPIRED) && notafter;
	c.notyet = (status & GNUTLS_CERT_NOT_ACTIVATED) && when != 0;
	c.weak = (status & GNUTLS_CERT_INSECURE_ALGORITHM) != 0;
	if (gnutls_certificate_verification_status_print(status,
	    GNUTLS_CRT_X509, &out, 0) == 0)
		c.other = (const char *)out.data;
	t->failure = tlsfail_chain(&c, t->why, sizeof(t->why));
	gnutls_free(out.data);
	return -1;
}

/*
 * Collect the subjectAltNames (and the CN, when it is the only one) of
 * crt into a new struct names; NULL when out of memory.
 */
static struct names *
cert_names(gnutls_x509_crt_t crt)
{
	struct names	*b;
	char		 buf[256], item[300], ip[INET6_ADDRSTRLEN], show[256];
	size_t		 len;
	unsigned int	 seq;
	int		 type;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	for (seq = 0; seq < 1024; seq++) {
		len = sizeof(buf) - 1;
		type = gnutls_x509_crt_get_subject_alt_name(crt, seq, buf, &len,
		    NULL);
		if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		/* Any entry, even one not understood, rules the CN out. */
		b->ids.has_san = 1;
		item[0] = '\0';
		if (type == GNUTLS_SAN_DNSNAME && len < sizeof(buf) &&
		    memchr(buf, '\0', len) == NULL) {
			buf[len] = '\0';
			/* Shown but for control bytes (util.h sanitize). */
			(void)sanitize(show, sizeof(show), buf, len, 1);
			/* item is larger than show: it fits. */
			(void)xsnprintf(item, sizeof(item), "DNS:%s", show);
			if (b->ids.ndns < TLSNAME_MAX) {
				/* len < sizeof(buf), an entry's size. */
				(void)xstrlcpy(b->dns[b->ids.ndns], buf,
				    sizeof(b->dns[0]));
				b->ids.dns[b->ids.ndns] = b->dns[b->ids.ndns];
				b->ids.ndns++;
			}
		} else if (type == GNUTLS_SAN_IPADDRESS && (len == 4 ||
		    len == 16)) {
			if (inet_ntop(len == 4 ? AF_INET : AF_INET6, buf, ip,
			    sizeof(ip)) != NULL)
				/* An address literal always fits. */
				(void)xsnprintf(item, sizeof(item), "IP:%s",
				    ip);
			if (b->ids.nip < TLSNAME_MAX) {
				memcpy(b->ip[b->ids.nip], buf, len);
				b->ids.ip[b->ids.nip] = b->ip[b->ids.nip];
				b->ids.iplen[b->ids.nip] = len;
				b->ids.nip++;
			}
		} else if ((type == GNUTLS_SAN_RFC822NAME ||
		    type == GNUTLS_SAN_URI) && len < sizeof(buf)) {
			(void)sanitize(show, sizeof(show), buf, len, 1);
			/* As for DNS above: it fits. */
			(void)xsnprintf(item, sizeof(item), "%s:%s",
			    type == GNUTLS_SAN_URI ? "URI" : "email", show);
		}
		if (item[0] == '\0')
			continue;
		/* A list too long to show ends in "...". */
		if (strlen(b->shown) + strlen(item) + 6 >= sizeof(b->shown)) {
			(void)strlcat(b->shown, ", ...", sizeof(b->shown));
			break;
		}
		if (b->shown[0] != '\0')
			(void)strlcat(b->shown, ", ", sizeof(b->shown));
		(void)strlcat(b->shown, item, sizeof(b->shown));
	}
	/* Exactly one CN, or the CN is not used. */
	len = sizeof(b->cn);
	if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0,
	    0, b->cn, &len) == 0 && strlen(b->cn) == len) {
		len = sizeof(buf);
		if (gnutls_x509_crt_get_dn_by_oid(crt,
		    GNUTLS_OID_X520_COMMON_NAME, 1, 0, buf, &len) ==
		    GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			b->ids.cn = b->cn;
	}
	return b;
}

static int
crt_fp(const gnutls_datum_t *der, gnutls_digest_algorithm_t alg, char *out,
    size_t outsz)
{
	unsigned char	md[64];
	size_t		len = sizeof(md);

	if (gnutls_fingerprint(alg, der, md, &len) < 0)
		return -1;
	tlsname_hex(md, len, out, outsz);
	return 0;
}

/* The subject (issuer 0) or issuer (1) DN in RFC 4514 form. */
static int
get_dn(gnutls_x509_crt_t crt, int issuer, char *out, size_t outsz)
{
	gnutls_datum_t	d = { NULL, 0 };
	int		rc;

	rc = issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &d, 0) :
	    gnutls_x509_crt_get_dn3(crt, &d, 0);
	if (rc < 0)
		return -1;
	/* The peer's bytes: control bytes shown as '?' (util.h). */
	rc = sanitize(out, outsz, (const char *)d.data, d.size, 1);
	gnutls_free(d.data);
	return rc;
}

/* Keep the session for the next run, once verified. */
static void
cache_store(struct tls *t)
{
	gnutls_datum_t	d = { NULL, 0 };

	t->cache_state = CACHE_DONE;
	if (t->verdict != TLS_VERIFY_OK && t->verdict != TLS_VERIFY_PINNED &&
	    t->verdict != TLS_VERIFY_OFF)
		return;
	if (gnutls_session_get_data2(t->sess, &d) < 0)
		return;
	(void)tlscache_put(t->cache_dir, t->cache, d.data, d.size);
	explicit_bzero(d.data, d.size);
	gnutls_free(d.data);
}

int
tls_info(struct tls *t, struct tls_info *info)
{
	const gnutls_datum_t	*peers;
	gnutls_x509_crt_t	 crt;
	struct tls_certinfo	*ci;
	struct names		*nm;
	const char		*s;
	unsigned int		 n = 0, i;
	char			*d;

	memset(info, 0, sizeof(*info));
	s = gnutls_protocol_get_name(gnutls_protocol_get_version(t->sess));
	/* Names for --serverinfo and -v, only shown: a prefix will do. */
	(void)xstrlcpy(info->version, s ? s : "unknown",
	    sizeof(info->version));
	s = gnutls_ciphersuite_get(t->sess);
	/* Only shown, as above. */
	(void)xstrlcpy(info->suite, s ? s : "unknown", sizeof(info->suite));
	/* TLS 1.3 names no key exchange; its group says it all. */
	s = gnutls_group_get_name(gnutls_group_get(t->sess));
	if (gnutls_protocol_get_version(t->sess) == GNUTLS_TLS1_3)
		/* Only shown, as above. */
		(void)xsnprintf(info->kx, sizeof(info->kx), "%s %s",
		    s != NULL && strncmp(s, "FFDHE", 5) == 0 ? "DHE" :
		    "ECDHE", s != NULL ? s : "");
	else
		/* Only shown, as above. */
		(void)xsnprintf(info->kx, sizeof(info->kx), "%s%s%s",
		    gnutls_kx_get_name(gnutls_kx_get(t->sess)) ?
		    gnutls_kx_get_name(gnutls_kx_get(t->sess)) : "",
		    s ? " " : "", s ? s : "");
	if ((d = gnutls_session_get_desc(t->sess)) != NULL) {
		/* Only shown, as above. */
		(void)xstrlcpy(info->desc, d, sizeof(info->desc));
		gnutls_free(d);
	}
	peers = gnutls_certificate_get_peers(t->sess, &n);
	for (i = 0; peers != NULL && i < n && i < TLS_CHAINMAX; i++) {
		ci = &info->chain[info->nchain];
		if (gnutls_x509_crt_init(&crt) < 0)
			return -1;
		if (gnutls_x509_crt_import(crt, &peers[i],
		    GNUTLS_X509_FMT_DER) == 0) {
			(void)get_dn(crt, 0, ci->subject, sizeof(ci->subject));
			(void)get_dn(crt, 1, ci->issuer, sizeof(ci->issuer));
			ci->not_before =
			    gnutls_x509_crt_get_activation_time(crt);
			ci->not_after =
			    gnutls_x509_crt_get_expiration_time(crt);
			if ((nm = cert_names(crt)) != NULL)
				/* Only shown: a prefix will do. */
				(void)xstrlcpy(ci->names, nm->shown,
				    sizeof(ci->names));
			free(nm);
			(void)crt_fp(&peers[i], GNUTLS_DIG_SHA256, ci->sha256,
			    sizeof(ci->sha256));
			info->nchain++;
		}
		gnutls_x509_crt_deinit(crt);
	}
	return 0;
}

ssize_t
tls_recv(struct tls *t, void *buf, size_t len)
{
	ssize_t	rc;

	rc = gnutls_record_recv(t->sess, buf, len);
	/* TLS 1.3 tickets come after the handshake, before the data. */
	if (t->cache_state == CACHE_STORE && (gnutls_session_get_flags(
	    t->sess) & GNUTLS_SFLAGS_SESSION_TICKET))
		cache_store(t);
	if (rc >= 0)
		return rc;
	if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
		return gnutls_record_get_direction(t->sess) ?
		    TLS_WANT_WRITE : TLS_WANT_READ;
	/* A peer that just closes the socket has still ended the stream. */
	if (rc == GNUTLS_E_PREMATURE_TERMINATION)
		return 0;
	return TLS_ERROR;
}

ssize_t
tls_send(struct tls *t, const void *buf, size_t len)
{
	ssize_t	rc;

	rc = gnutls_record_send(t->sess, buf, len);
	if (rc >= 0)
		return rc;
	if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
		return gnutls_record_get_direction(t->sess) ?
		    TLS_WANT_WRITE : TLS_WANT_READ;
	return TLS_ERROR;
}

size_t
tls_pending(struct tls *t)
{
	return gnutls_record_check_pending(t->sess);
}

int
tls_describe(struct tls *t, char *buf, size_t len)
{
	char	*d;
	int	 rc;

	if ((d = gnutls_session_get_desc(t->sess)) == NULL)
		return -1;
	rc = xsnprintf(buf, len, "%s%s", d, gnutls_session_is_resumed(
	    t->sess) ? " (resumed)" : "");
	gnutls_free(d);
	return rc;
}

void
tls_bye(struct tls *t)
{
	(void)gnutls_bye(t->sess, GNUTLS_SHUT_WR);
}

int
tls_channel_binding(struct tls *t, const char **type, unsigned char *buf,
    size_t bufsz, size_t *len)
{
	gnutls_channel_binding_t	cbt;
	gnutls_datum_t			cb = { NULL, 0 };
	int				rc = -1;

	/* RFC 9266 2: tls-unique is undefined for TLS 1.3. */
	if (gnutls_protocol_get_version(t->sess) == GNUTLS_TLS1_3) {
		cbt = GNUTLS_CB_TLS_EXPORTER;
		*type = "tls-exporter";
	} else {
		cbt = GNUTLS_CB_TLS_UNIQUE;
		*type = "tls-unique";
	}
	if (gnutls_session_channel_binding(t->sess, cbt, &cb) < 0)
		return -1;
	if (cb.size > 0 && cb.size <= bufsz) {
		memcpy(buf, cb.data, cb.size);
		*len = cb.size;
		rc = 0;
	}
	gnutls_free(cb.data);
	return rc;
}
/* ---- End of cryptographic primitives for SASL --------------------------- */
