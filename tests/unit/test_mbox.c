/*
 * Unit tests for src/msg/mbox.c: an mbox split into messages (the From
 * lines and the empty line before them are the mbox's, mboxrd's
 * quoting is undone), a single message kept whole, a message with a
 * NUL byte skipped without stopping the others.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg/mbox.h"
#include "msg/msg.h"
#include "tap.h"

/* The spool of m, as text. */
static char *
spooled(struct msg *m, size_t *len)
{
	static char	buf[200000];
	ssize_t		n;

	*len = 0;
	while ((n = pread(msg_fd(m), buf + *len, sizeof(buf) - *len,
	    (off_t)*len)) > 0)
		*len += (size_t)n;
	return buf;
}

/* A descriptor reading in[0..len) (a pipe filled by a child). */
static int
input(const char *in, size_t len)
{
	FILE	*f;
	int	 fd;

	if ((f = tmpfile()) == NULL || fwrite(in, 1, len, f) != len ||
	    fflush(f) != 0 || (fd = dup(fileno(f))) == -1) {
		perror("tmpfile");
		exit(2);
	}
	fclose(f);
	(void)lseek(fd, 0, SEEK_SET);
	return fd;
}

struct want {
	enum mbox_rc	 rc;
	const char	*text;
	unsigned long	 line;
};

static void
check(const char *name, const char *in, size_t inlen, const struct want *w,
    size_t nw)
{
	struct mbox	*mb;
	struct msg	*m;
	struct outcome	 o;
	unsigned long	 line;
	enum mbox_rc	 rc;
	const char	*got;
	size_t		 i, len;
	int		 fd;

	fd = input(in, inlen);
	if ((mb = mbox_new(fd)) == NULL)
		exit(2);
	for (i = 0; i <= nw; i++) {
		memset(&o, 0, sizeof(o));
		rc = mbox_next(mb, "/tmp", &m, &line, &o);
		if (i == nw) {
			is_int(rc, MBOX_END, "%s: the end after %zu", name,
			    nw);
			break;
		}
		is_int(rc, w[i].rc, "%s: message %zu: rc", name, i + 1);
		is_int(line, w[i].line, "%s: message %zu: line", name, i + 1);
		if (rc == MBOX_MSG) {
			got = spooled(m, &len);
			is_mem(got, len, w[i].text, strlen(w[i].text),
			    "%s: message %zu: text", name, i + 1);
		}
		msg_free(m);
	}
	mbox_free(mb);
	close(fd);
}

int
main(void)
{
	static const char mb1[] =
	    "From a@example.org Mon Dec  7 00:00:00 2026\n"
	    "To: x@example.org\n\nbody 1\n>From here\n>>From there\n"
	    ">Fromage\n\n"
	    "From b@example.org Mon Dec  7 00:00:01 2026\n"
	    "To: y@example.org\n\nbody 2\n\n\n"
	    "From c@example.org Mon Dec  7 00:00:02 2026\n"
	    "To: z@example.org\n\nlast, no newline";
	static const struct want w1[] = {
		{ MBOX_MSG, "To: x@example.org\r\n\r\nbody 1\r\nFrom here"
		    "\r\n>From there\r\n>Fromage\r\n", 1 },
		{ MBOX_MSG, "To: y@example.org\r\n\r\nbody 2\r\n\r\n", 9 },
		{ MBOX_MSG, "To: z@example.org\r\n\r\nlast, no newline\r\n",
		    15 },
	};
	static const char one[] = "To: x@example.org\n\nbody\n\n"
	    "From me, a line that is no separator\n>From kept\n";
	static const struct want w2[] = {
		{ MBOX_MSG, "To: x@example.org\r\n\r\nbody\r\n\r\n"
		    "From me, a line that is no separator\r\n>From kept\r\n",
		    1 },
	};
	static const char nul[] =
	    "From a\r\nTo: x@example.org\r\n\r\none\r\n\r\n"
	    "From b\r\nTo: y@example.org\r\n\r\nN\0L\r\n\r\n"
	    "From c\r\nTo: z@example.org\r\n\r\nthree\r\n";
	static const struct want w3[] = {
		{ MBOX_MSG, "To: x@example.org\r\n\r\none\r\n", 1 },
		{ MBOX_BAD, NULL, 6 },
		{ MBOX_MSG, "To: z@example.org\r\n\r\nthree\r\n", 11 },
	};
	static const struct want w4[] = {
		{ MBOX_MSG, "", 1 },
	};
	char		*big;
	size_t		 i, n;
	struct want	 w5[2];

	check("mboxrd", mb1, sizeof(mb1) - 1, w1, 3);
	check("one message", one, sizeof(one) - 1, w2, 1);
	check("NUL", nul, sizeof(nul) - 1, w3, 3);
	check("empty", "", 0, NULL, 0);
	check("From line only", "From x\n", 7, w4, 1);

	/* A line longer than the buffer, then a From line. */
	n = 150000;
	if ((big = malloc(n + 100)) == NULL)
		return 2;
	memcpy(big, "From a\nX: ", 10);
	for (i = 10; i < 10 + 500; i++)
		big[i] = 'y';
	big[i++] = '\n';
	big[i++] = '\n';
	for (; i < n; i++)
		big[i] = i % 900 == 0 ? ' ' : 'z';
	memcpy(big + n, "\n\nFrom b\nTo: q@example.org\n", 27);
	w5[0].rc = MBOX_MSG;
	w5[0].line = 1;
	w5[0].text = NULL;
	w5[1].rc = MBOX_MSG;
	w5[1].line = 6;
	w5[1].text = "To: q@example.org\r\n";
	{
		struct mbox	*mb;
		struct msg	*m;
		struct outcome	 o;
		unsigned long	 line;
		int		 fd = input(big, n + 27);
		size_t		 len;

		mb = mbox_new(fd);
		is_int(mbox_next(mb, "/tmp", &m, &line, &o), MBOX_MSG,
		    "long line: first message");
		(void)spooled(m, &len);
		ok(len > n, "long line: all of it spooled (%zu)", len);
		msg_free(m);
		is_int(mbox_next(mb, "/tmp", &m, &line, &o), MBOX_MSG,
		    "long line: second message");
		is_int(line, w5[1].line, "long line: its line");
		msg_free(m);
		is_int(mbox_next(mb, "/tmp", &m, &line, &o), MBOX_END,
		    "long line: the end");
		mbox_free(mb);
		close(fd);
	}
	free(big);
	return done_testing();
}
