/*
 * Helpers shared by the fuzz targets (fuzz.h). They never call the engine:
 * a bug here must not hide one there.
 */
#include <sys/mman.h>
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fuzz.h"

void
fuzz_fail(const char *file, int line, const char *cond, const char *what)
{
	fprintf(stderr, "\n==FUZZ== invariant broken at %s:%d: %s\n"
	    "==FUZZ== expected: %s\n", file, line, what, cond);
	abort();
}

int
fuzz_memfd(const void *data, size_t len)
{
	const char	*p = data;
	ssize_t		 w;
	int		 fd;

	if ((fd = memfd_create("fuzz", MFD_CLOEXEC)) == -1) {
		perror("memfd_create");
		abort();
	}
	while (len > 0) {
		if ((w = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			perror("write");
			abort();
		}
		p += w;
		len -= (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) == -1) {
		perror("lseek");
		abort();
	}
	return fd;
}

char *
fuzz_slurp(int fd, size_t *len)
{
	char	*buf = NULL, *nb;
	size_t	 cap = 0, n = 0;
	ssize_t	 r;

	for (;;) {
		if (cap - n < 4096) {
			cap = cap == 0 ? 8192 : cap * 2;
			if ((nb = realloc(buf, cap + 1)) == NULL)
				abort();
			buf = nb;
		}
		if ((r = pread(fd, buf + n, cap - n, (off_t)n)) == -1) {
			if (errno == EINTR)
				continue;
			perror("pread");
			abort();
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static char	tmpdir[PATH_MAX];

static void
rm_tmpdir(void)
{
	(void)rmdir(tmpdir);
}

const char *
fuzz_tmpdir(void)
{
	const char	*t;

	if (tmpdir[0] != '\0')
		return tmpdir;
	if ((t = getenv("TMPDIR")) == NULL || *t == '\0')
		t = "/tmp";
	if (snprintf(tmpdir, sizeof(tmpdir), "%s/bote-fuzz.XXXXXX", t) >=
	    (int)sizeof(tmpdir) || mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	/* Spool files have no name (O_TMPFILE): the directory is empty. */
	(void)atexit(rm_tmpdir);
	return tmpdir;
}

const char *
fuzz_field(const uint8_t *data, size_t len, size_t *off, size_t *flen)
{
	const uint8_t	*p = data + *off, *nl;
	size_t		 left = len - *off;

	if ((nl = memchr(p, '\n', left)) == NULL) {
		*flen = left;
		*off = len;
	} else {
		*flen = (size_t)(nl - p);
		*off += *flen + 1;
	}
	return (const char *)p;
}

int
fuzz_has_ctl(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

int
fuzz_crlf_only(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n'))
			return 0;
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			return 0;
	}
	return 1;
}

int
fuzz_known(const char *tag)
{
	const char	*k = getenv("FUZZ_KNOWN"), *p;
	size_t		 n = strlen(tag);

	if (k == NULL)
		return 0;
	for (p = k; (p = strstr(p, tag)) != NULL; p += n)
		if ((p == k || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
	return 0;
}

int
fuzz_same_addr(const char *a, const char *b)
{
	const char	*aa = strrchr(a, '@'), *ba = strrchr(b, '@');

	if ((aa == NULL) != (ba == NULL))
		return 0;
	if (aa == NULL)
		return strcmp(a, b) == 0;
	return aa - a == ba - b && memcmp(a, b, (size_t)(aa - a)) == 0 &&
	    strcasecmp(aa, ba) == 0;
}
