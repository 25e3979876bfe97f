/*
 * tls_channel_binding() against a GnuTLS server in a child process over a
 * socketpair: under TLS 1.3 the client reports tls-exporter (RFC 9266),
 * under TLS 1.2 tls-unique (RFC 5929), with the same bytes the server
 * computes for its end. The test's own certificate is made here, at run
 * time; nothing secret is committed. (Only the test uses GnuTLS directly;
 * the engine keeps it in src/net/tls.c.)
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "tap.h"
#include "net/tls.h"
#include "base/util.h"

static gnutls_x509_privkey_t	key;
static gnutls_x509_crt_t	crt;

static int	make_cert(const char *);
static void	server(int, int, const char *);
static void	run(const char *, const char *, const char *, size_t);

int
main(void)
{
	char	pem[] = "/tmp/bote-tlscb-XXXXXX";
	int	fd;

	if ((fd = mkstemp(pem)) == -1) {
		ok(0, "mkstemp: %s", strerror(errno));
		return done_testing();
	}
	close(fd);
	if (make_cert(pem) == -1) {
		ok(0, "a test certificate");
		unlink(pem);
		return done_testing();
	}
	run(pem, "NORMAL", "tls-exporter", 32);
	run(pem, "NORMAL:-VERS-TLS1.3", "tls-unique", 12);
	unlink(pem);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
	return done_testing();
}

/* A self-signed certificate for "localhost", written to path as PEM. */
static int
make_cert(const char *path)
{
	unsigned char	buf[8192];
	size_t		len = sizeof(buf);
	time_t		now = time(NULL);
	FILE		*f;

	if (gnutls_x509_privkey_init(&key) < 0 ||
	    gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) < 0 ||
	    gnutls_x509_crt_init(&crt) < 0 ||
	    gnutls_x509_crt_set_version(crt, 3) < 0 ||
	    gnutls_x509_crt_set_serial(crt, "\x01", 1) < 0 ||
	    gnutls_x509_crt_set_activation_time(crt, now - 86400) < 0 ||
	    gnutls_x509_crt_set_expiration_time(crt, now + 86400) < 0 ||
	    gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME,
	    0, "localhost", 9) < 0 ||
	    gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME,
	    "localhost", 9, GNUTLS_FSAN_SET) < 0 ||
	    gnutls_x509_crt_set_key(crt, key) < 0 ||
	    gnutls_x509_crt_set_basic_constraints(crt, 0, -1) < 0 ||
	    gnutls_x509_crt_set_key_usage(crt,
	    GNUTLS_KEY_DIGITAL_SIGNATURE) < 0 ||
	    gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER,
	    0) < 0 ||
	    gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0) < 0 ||
	    gnutls_x509_crt_export(crt, GNUTLS_X509_FMT_PEM, buf, &len) < 0)
		return -1;
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	if (fwrite(buf, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

/*
 * The server end: handshake with the given priorities, then write the
 * channel binding of the negotiated version to out as one length byte
 * and the data, and wait for the client to close.
 */
static void
server(int fd, int out, const char *prio)
{
	gnutls_certificate_credentials_t	 cred;
	gnutls_session_t			 sess;
	gnutls_datum_t				 cb = { NULL, 0 };
	unsigned char				 msg[256], c;
	int					 rc;

	if (gnutls_certificate_allocate_credentials(&cred) < 0 ||
	    gnutls_certificate_set_x509_key(cred, &crt, 1, key) < 0 ||
	    gnutls_init(&sess, GNUTLS_SERVER) < 0 ||
	    gnutls_priority_set_direct(sess, prio, NULL) < 0 ||
	    gnutls_credentials_set(sess, GNUTLS_CRD_CERTIFICATE, cred) < 0)
		_exit(1);
	gnutls_transport_set_int(sess, fd);
	do {
		rc = gnutls_handshake(sess);
	} while (rc < 0 && !gnutls_error_is_fatal(rc));
	if (rc < 0)
		_exit(2);
	rc = gnutls_session_channel_binding(sess,
	    gnutls_protocol_get_version(sess) == GNUTLS_TLS1_3 ?
	    GNUTLS_CB_TLS_EXPORTER : GNUTLS_CB_TLS_UNIQUE, &cb);
	if (rc < 0 || cb.size == 0 || cb.size >= sizeof(msg))
		_exit(3);
	msg[0] = (unsigned char)cb.size;
	memcpy(msg + 1, cb.data, cb.size);
	if (write(out, msg, cb.size + 1) != (ssize_t)cb.size + 1)
		_exit(4);
	/* Until the client closes. */
	while (gnutls_record_recv(sess, &c, 1) > 0)
		;
	_exit(0);
}

static void
run(const char *pem, const char *prio, const char *want_type,
    size_t want_len)
{
	struct tls	*t = NULL;
	struct tls_opts	 topts;
	unsigned char	 buf[256], theirs[256], small[4];
	const char	*type = NULL;
	char		 why[256];
	size_t		 len = 0;
	ssize_t		 n;
	pid_t		 pid;
	int		 sv[2], p[2], config, st;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1 || pipe(p) == -1) {
		ok(0, "socketpair/pipe: %s", strerror(errno));
		return;
	}
	if ((pid = fork()) == -1) {
		ok(0, "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		close(sv[0]);
		close(p[0]);
		server(sv[1], p[1], prio);
	}
	close(sv[1]);
	close(p[1]);
	(void)fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);

	memset(&topts, 0, sizeof(topts));
	topts.trust_file = pem;
	t = tls_client(sv[0], "localhost", &topts, &config, why, sizeof(why));
	ok(t != NULL, "%s: client session", want_type);
	if (t == NULL)
		goto out;
	ok(tls_channel_binding(t, &type, buf, sizeof(buf), &len) == -1,
	    "%s: no channel binding before the handshake", want_type);
	is_int(tls_handshake(t, now_ms() + 20000, why, sizeof(why)), 0,
	    "%s: handshake (%s)", want_type, why);
	is_int(tls_channel_binding(t, &type, buf, sizeof(buf), &len), 0,
	    "%s: channel binding", want_type);
	is_str(type, want_type, "the type follows the TLS version");
	is_int(len, want_len, "%s: %zu bytes", want_type, want_len);
	n = read(p[0], theirs, sizeof(theirs));
	is_mem(buf, len, theirs + 1, n > 0 ? (size_t)n - 1 : 0,
	    "%s: the server computes the same bytes", want_type);
	is_int(tls_channel_binding(t, &type, small, sizeof(small), &len), -1,
	    "%s: a small buffer is an error", want_type);
out:
	tls_free(t);
	close(sv[0]);
	close(p[0]);
	is_int(waitpid(pid, &st, 0) == pid && WIFEXITED(st) ?
	    WEXITSTATUS(st) : -1, 0, "%s: the server was content", want_type);
}
