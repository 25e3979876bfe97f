/*
 * TLS with GnuTLS: client sessions over a non-blocking socket, certificate
 * verification against the configured host name, and base64. Nothing
 * else in bote includes gnutls.h (DESIGN.md rule 7).
 */
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "tls.h"
#include "util.h"

struct tls {
	gnutls_session_t			sess;
	gnutls_certificate_credentials_t	cred;
	int					fd;
	int					last;	/* last GnuTLS error */
	char					host[256];
};

static int	is_ip_literal(const char *);
static void	verify_words(struct tls *, char *, size_t);

struct tls *
tls_client(int fd, const char *trust_file, const char *host, int *config,
    char *why, size_t whylen)
{
	struct tls	*t;
	int		 rc;

	*config = 0;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		(void)xsnprintf(why, whylen, "out of memory");
		return NULL;
	}
	t->fd = fd;
	if (xstrlcpy(t->host, host, sizeof(t->host)) == -1) {
		(void)xsnprintf(why, whylen, "host name too long for TLS");
		goto fail;
	}
	if ((rc = gnutls_certificate_allocate_credentials(&t->cred)) < 0) {
		(void)xsnprintf(why, whylen, "%s", gnutls_strerror(rc));
		goto fail;
	}
	if (trust_file == NULL || strcmp(trust_file, "system") == 0) {
		rc = gnutls_certificate_set_x509_system_trust(t->cred);
		if (rc <= 0) {
			*config = 1;
			(void)xsnprintf(why, whylen, "no system CA "
			    "certificates could be loaded; install "
			    "ca-certificates or set tls_trust_file");
			goto fail;
		}
	} else {
		rc = gnutls_certificate_set_x509_trust_file(t->cred,
		    trust_file, GNUTLS_X509_FMT_PEM);
		if (rc <= 0) {
			*config = 1;
			(void)xsnprintf(why, whylen, "cannot load CA "
			    "certificates from tls_trust_file %s: %s",
			    trust_file, rc < 0 ? gnutls_strerror(rc) :
			    "no certificate in the file");
			goto fail;
		}
	}
	if ((rc = gnutls_init(&t->sess, GNUTLS_CLIENT | GNUTLS_NONBLOCK)) < 0)
		goto gfail;
	if ((rc = gnutls_set_default_priority(t->sess)) < 0)
		goto gfail;
	rc = gnutls_credentials_set(t->sess, GNUTLS_CRD_CERTIFICATE, t->cred);
	if (rc < 0)
		goto gfail;
	/* RFC 6066 3: literal IP addresses are not permitted in SNI. */
	if (!is_ip_literal(host)) {
		rc = gnutls_server_name_set(t->sess, GNUTLS_NAME_DNS, host,
		    strlen(host));
		if (rc < 0)
			goto gfail;
	}
	/* The name as configured, never one learnt from DNS. */
	gnutls_session_set_verify_cert(t->sess, t->host, 0);
	gnutls_transport_set_int(t->sess, fd);
	return t;
gfail:
	(void)xsnprintf(why, whylen, "cannot set up TLS: %s",
	    gnutls_strerror(rc));
fail:
	tls_free(t);
	return NULL;
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
	free(t);
}

int
tls_handshake(struct tls *t, int64_t deadline, char *why, size_t whylen)
{
	struct pollfd	pfd;
	int		rc, n;

	for (;;) {
		rc = gnutls_handshake(t->sess);
		if (rc == 0)
			return 0;
		if (rc != GNUTLS_E_AGAIN && rc != GNUTLS_E_INTERRUPTED &&
		    gnutls_error_is_fatal(rc))
			break;
		if (bote_interrupted) {
			(void)xsnprintf(why, whylen, "interrupted by a "
			    "signal during the TLS handshake");
			return -1;
		}
		pfd.fd = t->fd;
		pfd.events = gnutls_record_get_direction(t->sess) ?
		    POLLOUT : POLLIN;
		n = poll(&pfd, 1, ms_left(deadline));
		if (n == 0) {
			(void)xsnprintf(why, whylen, "the TLS handshake "
			    "timed out");
			return -1;
		}
		if (n == -1 && errno != EINTR) {
			(void)xsnprintf(why, whylen, "TLS handshake: %s",
			    strerror(errno));
			return -1;
		}
	}
	t->last = rc;
	if (rc == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR)
		verify_words(t, why, whylen);
	else if (rc == GNUTLS_E_PREMATURE_TERMINATION ||
	    rc == GNUTLS_E_PUSH_ERROR || rc == GNUTLS_E_PULL_ERROR)
		(void)xsnprintf(why, whylen, "the server closed the "
		    "connection during the TLS handshake");
	else
		(void)xsnprintf(why, whylen, "TLS handshake failed: %s",
		    gnutls_strerror(rc));
	return -1;
}

/* Say in words why the certificate was not accepted. */
static void
verify_words(struct tls *t, char *why, size_t whylen)
{
	gnutls_datum_t	out = { NULL, 0 };
	unsigned int	status;
	char		words[384] = "";

	status = gnutls_session_get_verify_cert_status(t->sess);
	if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
		(void)strlcat(words, "issued by an unknown or untrusted CA; ",
		    sizeof(words));
	if (status & GNUTLS_CERT_UNEXPECTED_OWNER)
		(void)strlcat(words, "not valid for this host name; ",
		    sizeof(words));
	if (status & GNUTLS_CERT_EXPIRED)
		(void)strlcat(words, "expired; ", sizeof(words));
	if (status & GNUTLS_CERT_NOT_ACTIVATED)
		(void)strlcat(words, "not yet valid; ", sizeof(words));
	if (status & GNUTLS_CERT_REVOKED)
		(void)strlcat(words, "revoked; ", sizeof(words));
	if (words[0] == '\0' && gnutls_certificate_verification_status_print(
	    status, GNUTLS_CRT_X509, &out, 0) == 0) {
		(void)strlcpy(words, (const char *)out.data, sizeof(words));
		gnutls_free(out.data);
	}
	if (strlen(words) >= 2 && words[strlen(words) - 2] == ';')
		words[strlen(words) - 2] = '\0';
	(void)xsnprintf(why, whylen, "the server certificate for %s is "
	    "not trusted: %s", t->host, words);
}

ssize_t
tls_recv(struct tls *t, void *buf, size_t len)
{
	ssize_t	rc;

	rc = gnutls_record_recv(t->sess, buf, len);
	if (rc >= 0)
		return rc;
	if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
		return gnutls_record_get_direction(t->sess) ?
		    TLS_WANT_WRITE : TLS_WANT_READ;
	/* A peer that just closes the socket has still ended the stream. */
	if (rc == GNUTLS_E_PREMATURE_TERMINATION)
		return 0;
	t->last = (int)rc;
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
	t->last = (int)rc;
	return TLS_ERROR;
}

size_t
tls_pending(struct tls *t)
{
	return gnutls_record_check_pending(t->sess);
}

const char *
tls_error(struct tls *t)
{
	return gnutls_strerror(t->last);
}

int
tls_describe(struct tls *t, char *buf, size_t len)
{
	char	*d;
	int	 rc;

	if ((d = gnutls_session_get_desc(t->sess)) == NULL)
		return -1;
	rc = xstrlcpy(buf, d, len);
	gnutls_free(d);
	return rc;
}

void
tls_bye(struct tls *t)
{
	(void)gnutls_bye(t->sess, GNUTLS_SHUT_WR);
}

int
b64_encode(const void *in, size_t inlen, char *out, size_t outsz)
{
	gnutls_datum_t	d, r = { NULL, 0 };
	int		rc = -1;

	d.data = (unsigned char *)(uintptr_t)in;
	d.size = (unsigned int)inlen;
	if (inlen == 0) {
		if (outsz == 0)
			return -1;
		out[0] = '\0';
		return 0;
	}
	if (gnutls_base64_encode2(&d, &r) < 0)
		return -1;
	if (r.size < outsz) {
		memcpy(out, r.data, r.size);
		out[r.size] = '\0';
		rc = 0;
	}
	explicit_bzero(r.data, r.size);
	gnutls_free(r.data);
	return rc;
}

ssize_t
b64_decode(const char *in, size_t inlen, void *out, size_t outsz)
{
	gnutls_datum_t	d, r = { NULL, 0 };
	ssize_t		rc = -1;

	if (inlen == 0)
		return 0;
	d.data = (unsigned char *)(uintptr_t)in;
	d.size = (unsigned int)inlen;
	if (gnutls_base64_decode2(&d, &r) < 0)
		return -1;
	if (r.size <= outsz) {
		memcpy(out, r.data, r.size);
		rc = r.size;
	}
	explicit_bzero(r.data, r.size);
	gnutls_free(r.data);
	return rc;
}

static int
is_ip_literal(const char *host)
{
	unsigned char	buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 ||
	    inet_pton(AF_INET6, host, buf) == 1;
}

/*
 * Unpredictable bytes for Message-IDs. GNUTLS_RND_NONCE is meant for
 * values that must be unique and not guessable but are not keys.
 */
int
tls_random(void *buf, size_t len)
{
	return gnutls_rnd(GNUTLS_RND_NONCE, buf, len) < 0 ? -1 : 0;
}

/* ---- Cryptographic primitives for SASL ---------------------------------- */

static int
hash_algs(enum tls_hash h, gnutls_digest_algorithm_t *dig,
    gnutls_mac_algorithm_t *mac)
{
	switch (h) {
	case TLS_MD5:
		*dig = GNUTLS_DIG_MD5;
		*mac = GNUTLS_MAC_MD5;
		return 0;
	case TLS_SHA1:
		*dig = GNUTLS_DIG_SHA1;
		*mac = GNUTLS_MAC_SHA1;
		return 0;
	case TLS_SHA256:
		*dig = GNUTLS_DIG_SHA256;
		*mac = GNUTLS_MAC_SHA256;
		return 0;
	}
	return -1;
}

size_t
tls_hash_len(enum tls_hash h)
{
	gnutls_digest_algorithm_t	dig;
	gnutls_mac_algorithm_t		mac;

	if (hash_algs(h, &dig, &mac) == -1)
		return 0;
	return gnutls_hash_get_len(dig);
}

int
tls_digest(enum tls_hash h, const void *in, size_t inlen,
    unsigned char *out)
{
	gnutls_digest_algorithm_t	dig;
	gnutls_mac_algorithm_t		mac;

	if (hash_algs(h, &dig, &mac) == -1)
		return -1;
	return gnutls_hash_fast(dig, in, inlen, out) < 0 ? -1 : 0;
}

int
tls_hmac(enum tls_hash h, const void *key, size_t keylen, const void *text,
    size_t textlen, unsigned char *out)
{
	gnutls_digest_algorithm_t	dig;
	gnutls_mac_algorithm_t		mac;

	if (hash_algs(h, &dig, &mac) == -1)
		return -1;
	return gnutls_hmac_fast(mac, key, keylen, text, textlen, out) < 0 ?
	    -1 : 0;
}

int
tls_pbkdf2(enum tls_hash h, const void *pass, size_t passlen,
    const void *salt, size_t saltlen, unsigned iter, unsigned char *out,
    size_t outlen)
{
	gnutls_digest_algorithm_t	dig;
	gnutls_mac_algorithm_t		mac;
	gnutls_datum_t			k, s;

	if (hash_algs(h, &dig, &mac) == -1 || passlen > UINT32_MAX ||
	    saltlen > UINT32_MAX)
		return -1;
	k.data = (unsigned char *)(uintptr_t)pass;
	k.size = (unsigned int)passlen;
	s.data = (unsigned char *)(uintptr_t)salt;
	s.size = (unsigned int)saltlen;
	return gnutls_pbkdf2(mac, &k, &s, iter, out, outlen) < 0 ? -1 : 0;
}

ssize_t
tls_password_normalize(const char *in, size_t inlen, char *out,
    size_t outsz)
{
	gnutls_datum_t	r = { NULL, 0 };
	ssize_t		rc = -1;

	if (inlen > UINT32_MAX)
		return -1;
	if (inlen == 0) {
		if (outsz == 0)
			return -1;
		out[0] = '\0';
		return 0;
	}
	if (gnutls_utf8_password_normalize((const unsigned char *)in,
	    (unsigned int)inlen, &r, 0) < 0)
		return -1;
	if (r.size < outsz && memchr(r.data, '\0', r.size) == NULL) {
		memcpy(out, r.data, r.size);
		out[r.size] = '\0';
		rc = r.size;
	}
	explicit_bzero(r.data, r.size);
	gnutls_free(r.data);
	return rc;
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
