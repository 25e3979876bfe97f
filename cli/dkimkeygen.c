/*
 * bote --dkim-keygen --domain D --selector S [--type ed25519|rsa]
 * [--bits N] [--key FILE]: make a DKIM signing key, write it (PEM,
 * mode 600, never over an existing file) and print the DNS TXT record to
 * publish and the lines for bote.conf (bote.1, DKIM KEYS). It reads no
 * configuration and connects to nothing.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "base/crypto.h"
#include "base/util.h"
#include "conf/conf.h"

#include "dkimkeygen.h"
#include "report.h"

#define KEYGEN_RSA_BITS		2048	/* RFC 8301 3.2 advises 2048 */
#define KEYGEN_RSA_MAXBITS	4096	/* a TXT record much longer is trouble */
#define KEYGEN_CHUNK		250	/* octets per TXT string (255 at most) */

struct keygen {
	const char		*domain;
	const char		*selector;
	const char		*key;
	enum crypto_key_type	 type;
	unsigned		 bits;
	char			 keybuf[PATH_MAX];
};

static int	parse(struct keygen *, int, char **);
static int	write_key(const char *, const char *);
static int	print_record(const struct keygen *, const struct crypto_key *);

/* --name VALUE or --name=VALUE; 1 when argv[*i] is --name. */
static int
opt_value(const char *name, int argc, char **argv, int *i, const char **v)
{
	const char	*a = argv[*i];
	size_t		 n = strlen(name);

	if (strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '='))
		return 0;
	if (a[n] == '=')
		*v = a + n + 1;
	else if (*i + 1 < argc)
		*v = argv[++*i];
	else
		*v = NULL;
	return 1;
}

static int
parse(struct keygen *k, int argc, char **argv)
{
	const char	*v = NULL, *bits = NULL, *type = "ed25519", *e = NULL;
	int		 i;

	for (i = 2; i < argc; i++) {
		if (opt_value("--domain", argc, argv, &i, &v))
			k->domain = v;
		else if (opt_value("--selector", argc, argv, &i, &v))
			k->selector = v;
		else if (opt_value("--type", argc, argv, &i, &v))
			type = v;
		else if (opt_value("--bits", argc, argv, &i, &v))
			bits = v;
		else if (opt_value("--key", argc, argv, &i, &v))
			k->key = v;
		else {
			say("--dkim-keygen: unknown option %.40s", argv[i]);
			return -1;
		}
		if (v == NULL) {
			say("--dkim-keygen: %.40s needs a value", argv[i]);
			return -1;
		}
	}
	if (k->domain == NULL || k->selector == NULL) {
		say("--dkim-keygen needs --domain and --selector");
		return -1;
	}
	if (!dkim_name_ok(k->domain) || !dkim_name_ok(k->selector)) {
		say("--dkim-keygen: --domain and --selector must be DNS names "
		    "in ASCII (an internationalized domain as its xn-- "
		    "A-label)");
		return -1;
	}
	if (type == NULL || (strcmp(type, "ed25519") != 0 &&
	    strcmp(type, "rsa") != 0)) {
		say("--dkim-keygen: --type is ed25519 or rsa");
		return -1;
	}
	k->type = strcmp(type, "rsa") == 0 ? CRYPTO_KEY_RSA :
	    CRYPTO_KEY_ED25519;
	k->bits = KEYGEN_RSA_BITS;
	if (bits != NULL) {
		k->bits = (unsigned)strtonum(bits, 1024, KEYGEN_RSA_MAXBITS,
		    &e);
		if (e != NULL || k->type != CRYPTO_KEY_RSA) {
			say("--dkim-keygen: --bits goes with --type rsa, from "
			    "1024 to %d (2048 advised)", KEYGEN_RSA_MAXBITS);
			return -1;
		}
	}
	if (k->key == NULL) {
		if (xsnprintf(k->keybuf, sizeof(k->keybuf), "%s.%s.pem",
		    k->selector, k->domain) == -1) {
			say("--dkim-keygen: the key's file name is too long");
			return -1;
		}
		k->key = k->keybuf;
	}
	return 0;
}

/* Mode 600 from the start, never over a file that is there. */
static int
write_key(const char *path, const char *pem)
{
	size_t	len = strlen(pem), off = 0;
	ssize_t	n;
	int	fd, saved;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		say("cannot create %s: %s%s", path, strerror(errno),
		    errno == EEXIST ? " (bote never replaces a key; remove it "
		    "or name another with --key)" : "");
		return -1;
	}
	while (off < len) {
		if ((n = write(fd, pem + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	(void)unlink(path);
	say("cannot write %s: %s", path, strerror(saved));
	return -1;
}

/* The record as a zone file line, cut into strings of KEYGEN_CHUNK. */
static int
print_record(const struct keygen *k, const struct crypto_key *key)
{
	unsigned char	 pub[CRYPTO_PUBMAX];
	char		 b64[CRYPTO_PUBMAX * 2], txt[CRYPTO_PUBMAX * 2 + 64];
	char		 abs[PATH_MAX];
	size_t		 publen, len, off;

	if (crypto_key_public(key, pub, &publen) == -1 ||
	    b64_encode(pub, publen, b64, sizeof(b64)) == -1 ||
	    xsnprintf(txt, sizeof(txt), "v=DKIM1; k=%s; p=%s",
	    k->type == CRYPTO_KEY_RSA ? "rsa" : "ed25519", b64) == -1) {
		say("cannot export the public key");
		return -1;
	}
	if (realpath(k->key, abs) == NULL && xstrlcpy(abs, k->key,
	    sizeof(abs)) == -1)
		abs[0] = '\0';
	(void)printf("; Publish this record, then add to the account in "
	    "bote.conf:\n;   dkim_domain %s\n;   dkim_selector %s\n"
	    ";   dkim_key %s\n", k->domain, k->selector, abs);
	(void)printf("%s._domainkey.%s. IN TXT (", k->selector, k->domain);
	len = strlen(txt);
	for (off = 0; off < len; off += KEYGEN_CHUNK)
		(void)printf(" \"%.*s\"", (int)(len - off < KEYGEN_CHUNK ?
		    len - off : KEYGEN_CHUNK), txt + off);
	(void)printf(" )\n");
	return fflush(stdout) == 0 ? 0 : -1;
}

int
mode_dkim_keygen(int argc, char **argv)
{
	struct keygen		 k;
	struct crypto_key	*key = NULL;
	char			*pem = NULL, why[256];
	int			 st = EX_SOFTWARE;

	memset(&k, 0, sizeof(k));
	if (parse(&k, argc, argv) == -1)
		return EX_USAGE;
	if ((pem = crypto_key_generate(k.type, k.bits)) == NULL ||
	    (key = crypto_key_import(pem, strlen(pem), why,
	    sizeof(why))) == NULL) {
		say("cannot make the key");
		goto out;
	}
	if (write_key(k.key, pem) == -1) {
		st = EX_CANTCREAT;
		goto out;
	}
	st = print_record(&k, key) == 0 ? EX_OK : EX_IOERR;
out:
	crypto_key_free(key);
	secret_free(pem);
	return st;
}
