/*
 * Unit tests for src/msg/outmsg.c: the message as it goes out (prefix,
 * spool minus ranges), its size, the cap, and the one reader, read in
 * pieces of every size so that each prefix and range boundary falls
 * inside a piece and between two.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg/outmsg.h"
#include "tap.h"

static const char spool[] =
    "From: a@b\r\nBcc: x@y\r\nTo: c@d\r\nBcc: z@w\r\n\r\nbody\r\n";
static const char prefix[] = "Date: now\r\n";
/* What goes out: prefix, then spool without the two Bcc fields. */
static const char wire[] =
    "Date: now\r\nFrom: a@b\r\nTo: c@d\r\n\r\nbody\r\n";

static int
spool_fd(const char *s, size_t len)
{
	char	path[] = "/tmp/test_outmsg.XXXXXX";
	int	fd;

	if ((fd = mkstemp(path)) == -1)
		return -1;
	(void)unlink(path);
	if (write(fd, s, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Everything the reader gives, in pieces of at most step octets. */
static size_t
read_all(const struct outmsg *m, size_t step, char *out, size_t sz,
    int *err)
{
	struct outmsg_reader	r;
	size_t			n = 0;
	ssize_t			got;

	*err = 0;
	outmsg_reader_init(&r, m);
	while (n < sz && (got = outmsg_read(&r, out + n,
	    step < sz - n ? step : sz - n)) != 0) {
		if (got == -1) {
			*err = errno;
			break;
		}
		n += (size_t)got;
	}
	return n;
}

static void
setup(struct outmsg *m, int fd)
{
	outmsg_init(m);
	m->fd = fd;
	m->size = sizeof(spool) - 1;
	(void)outmsg_set_prefix(m, prefix, sizeof(prefix) - 1);
	/* "Bcc: x@y\r\n" at 11, "Bcc: z@w\r\n" at 30. */
	(void)outmsg_add_skip(m, 11, 10);
	(void)outmsg_add_skip(m, 30, 10);
}

static void
test_reader(void)
{
	struct outmsg_reader r1, r2;
	struct outmsg	 m;
	char		 out[256], a[8], b[64];
	size_t		 step, n;
	int		 fd, err, bad = 0;

	if ((fd = spool_fd(spool, sizeof(spool) - 1)) == -1) {
		ok(0, "a spool file");
		return;
	}
	setup(&m, fd);
	is_int(outmsg_wire_size(&m), sizeof(wire) - 1,
	    "wire size: prefix + spool - ranges");
	n = read_all(&m, sizeof(out), out, sizeof(out), &err);
	is_mem(out, n, wire, sizeof(wire) - 1, "read in one piece");
	for (step = 1; step < sizeof(wire); step++) {
		n = read_all(&m, step, out, sizeof(out), &err);
		if (err != 0 || n != sizeof(wire) - 1 ||
		    memcmp(out, wire, n) != 0)
			bad++;
	}
	is_int(bad, 0, "read in pieces of 1 to %zu octets", sizeof(wire) - 1);

	/* Two readers on one descriptor (pread): neither disturbs the other. */
	outmsg_reader_init(&r1, &m);
	outmsg_reader_init(&r2, &m);
	ok(outmsg_read(&r1, a, sizeof(a)) == (ssize_t)sizeof(a) &&
	    outmsg_read(&r2, b, sizeof(b)) == (ssize_t)sizeof(wire) - 1 &&
	    outmsg_read(&r1, a, sizeof(a)) == (ssize_t)sizeof(a) &&
	    memcmp(a, wire + 8, 8) == 0, "two readers share the descriptor");

	/* A range at the very start and one reaching the end. */
	outmsg_free(&m);
	m.fd = fd;
	m.size = sizeof(spool) - 1;
	(void)outmsg_add_skip(&m, 0, 11);
	(void)outmsg_add_skip(&m, 40, (off_t)sizeof(spool) - 1 - 40);
	n = read_all(&m, 3, out, sizeof(out), &err);
	is_mem(out, n, "Bcc: x@y\r\nTo: c@d\r\nBcc: z@w\r\n", 29,
	    "ranges at both ends, no prefix");
	is_int(outmsg_wire_size(&m), 29, "its size");

	/* The spool shorter than size: ENODATA, after what there was. */
	m.nskip = 0;
	m.size = sizeof(spool) - 1 + 5;
	n = read_all(&m, 7, out, sizeof(out), &err);
	ok(n == sizeof(spool) - 1 && err == ENODATA,
	    "a short spool: its octets, then ENODATA");
	outmsg_free(&m);
	close(fd);
}

static void
test_skips(void)
{
	struct outmsg	*m;
	size_t		 i;
	int		 rc = 0;

	/* 64 kB of ranges: not on the stack of a test. */
	if ((m = malloc(sizeof(*m))) == NULL) {
		ok(0, "malloc");
		return;
	}
	outmsg_init(m);
	ok(m->fd == -1 && m->prefix == NULL && m->nskip == 0, "init");
	ok(outmsg_add_skip(m, 10, 5) == 0, "a range");
	ok(outmsg_add_skip(m, 12, 1) == -1 && errno == EINVAL,
	    "an overlapping range: EINVAL");
	ok(outmsg_add_skip(m, 3, 1) == -1 && errno == EINVAL,
	    "a range out of order: EINVAL");
	ok(outmsg_add_skip(m, 15, -1) == -1 && errno == EINVAL,
	    "a negative length: EINVAL");
	ok(outmsg_add_skip(m, 15, 2) == 0, "adjacent is fine");
	m->size = 16;
	ok(!outmsg_skips_inside(m), "a range past the spool is outside");
	m->size = 17;
	ok(outmsg_skips_inside(m), "up to its end is inside");
	m->nskip = 0;
	for (i = 0; i < OUTMSG_SKIPMAX && rc == 0; i++)
		rc = outmsg_add_skip(m, (off_t)(2 * i), 1);
	ok(rc == 0 && m->nskip == OUTMSG_SKIPMAX, "OUTMSG_SKIPMAX ranges");
	ok(outmsg_add_skip(m, 2 * OUTMSG_SKIPMAX, 1) == -1 && errno == E2BIG,
	    "one more: E2BIG");
	m->size = 2 * OUTMSG_SKIPMAX;
	is_int(outmsg_wire_size(m), OUTMSG_SKIPMAX, "size minus every range");

	ok(outmsg_set_prefix(m, "ab\r\n", 4) == 0 && m->prefixlen == 4 &&
	    memcmp(m->prefix, "ab\r\n", 4) == 0, "prefix copied");
	ok(outmsg_set_prefix(m, NULL, 0) == 0 && m->prefix == NULL &&
	    m->prefixlen == 0, "no prefix");
	(void)outmsg_set_prefix(m, "x\r\n", 3);
	m->fd = 42;
	outmsg_free(m);
	ok(m->prefix == NULL && m->nskip == 0 && m->fd == -1,
	    "free: prefix gone, back to init (the fd is not closed)");
	outmsg_free(NULL);
	ok(1, "outmsg_free(NULL)");
	free(m);
}

int
main(void)
{
	test_reader();
	test_skips();
	return done_testing();
}
