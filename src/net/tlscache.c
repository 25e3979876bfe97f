/*
 * The TLS session cache's files (tlscache.h). The entries hold
 * resumption secrets: the directory must be ours and private, files are
 * created mode 0600 and replaced atomically, and a symbolic link is
 * never followed.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/crypto.h"
#include "net/tls.h"
#include "net/tlscache.h"
#include "base/util.h"

static int	private_dir(const char *, int);
static int	entry_path(char *, size_t, const char *, const char *);

int
tlscache_name(const char *host, const struct tls_opts *op, char *out,
    size_t outsz)
{
	const char	*f[] = { "bote-tls-cache-1", op->cache_account, host,
			    op->host_override, op->trust_file, op->fingerprint,
			    op->cert_file, op->key_file, op->crl_file,
			    op->priorities };
	char		 buf[4096], num[160];
	struct stat	 st;
	size_t		 i, len = 0;

	/*
	 * Whatever does not fit means no cache at all: a name hashed from
	 * a cut key could be shared by sessions checked differently.
	 */
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (len + (f[i] ? strlen(f[i]) : 1) + 2 > sizeof(buf))
			return -1;
		/* NUL-separated, with NULL and "" kept apart. */
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%c%s",
		    f[i] ? '+' : '-', f[i] ? f[i] : "") + 1;
	}
	if (xsnprintf(num, sizeof(num), "%d/%d", op->port,
	    op->nocertcheck) == -1)
		return -1;
	for (i = 0; i < 2; i++) {
		const char *file = i == 0 ? op->trust_file : op->crl_file;

		if (file != NULL && stat(file, &st) == 0 &&
		    xsnprintf(num + strlen(num), sizeof(num) - strlen(num),
		    "/%lld.%ld.%lld", (long long)st.st_ino,
		    (long)st.st_mtime, (long long)st.st_size) == -1)
			return -1;
	}
	if (len + strlen(num) >= sizeof(buf))
		return -1;
	memcpy(buf + len, num, strlen(num));
	len += strlen(num);
	return crypto_sha256_hex(buf, len, out, outsz);
}

/* Whether dir is a directory of ours that nobody else can read. */
static int
private_dir(const char *dir, int create)
{
	struct stat	st;
	char		parent[PATH_MAX];
	char		*slash;
	int		i, n;

	if (lstat(dir, &st) == -1) {
		if (errno != ENOENT || !create)
			return 0;
		/* $XDG_CACHE_HOME, .../bote, then .../bote/tls. */
		for (i = 2; i >= 0; i--) {
			if (xstrlcpy(parent, dir, sizeof(parent)) == -1)
				return 0;
			for (n = 0; n < i; n++)
				if ((slash = strrchr(parent, '/')) != NULL &&
				    slash != parent)
					*slash = '\0';
			/*
			 * Only inside directories of ours: root run with a
			 * user's HOME must not leave root's files there.
			 */
			if (lstat(parent, &st) == 0) {
				if (!S_ISDIR(st.st_mode) ||
				    st.st_uid != geteuid())
					return 0;
			} else if (mkdir(parent, 0700) == -1 && errno != EEXIST)
				return 0;
		}
		if (lstat(dir, &st) == -1)
			return 0;
	}
	return S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
	    (st.st_mode & 077) == 0;
}

static int
entry_path(char *path, size_t sz, const char *dir, const char *name)
{
	if (strchr(name, '/') != NULL || name[0] == '.')
		return -1;
	return xsnprintf(path, sz, "%s/%s", dir, name);
}

long
tlscache_get(const char *dir, const char *name, void *buf, size_t bufsz)
{
	struct stat	st;
	char		path[PATH_MAX];
	ssize_t		n;
	size_t		got = 0;
	int		fd;

	if (!private_dir(dir, 0) || entry_path(path, sizeof(path), dir,
	    name) == -1)
		return -1;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || st.st_size <= 0 ||
	    (size_t)st.st_size > bufsz) {
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, (char *)buf + got, (size_t)st.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	return got == (size_t)st.st_size ? (long)got : -1;
}

void
tlscache_drop(const char *dir, const char *name)
{
	char	path[PATH_MAX];

	if (entry_path(path, sizeof(path), dir, name) == 0)
		(void)unlink(path);
}

int
tlscache_put(const char *dir, const char *name, const void *buf,
    size_t len)
{
	char	path[PATH_MAX], tmp[PATH_MAX];
	ssize_t	n;
	size_t	done = 0;
	int	fd;

	if (len == 0 || len > TLSCACHE_MAX || !private_dir(dir, 1) ||
	    entry_path(path, sizeof(path), dir, name) == -1 ||
	    xsnprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path,
	    (long)getpid()) == -1)
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1)
		return -1;
	while (done < len) {
		n = write(fd, (const char *)buf + done, len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (close(fd) == -1 || done != len || rename(tmp, path) == -1) {
		(void)unlink(tmp);
		return -1;
	}
	return 0;
}
