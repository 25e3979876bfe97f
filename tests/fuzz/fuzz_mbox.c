/*
 * Splitting an mbox (src/msg/mbox.h). A model written here splits the
 * input as mbox.h says (a first line "From ": every "From " line starts
 * the next message and goes, with the empty line before it; one '>' of
 * ">...>From " goes; otherwise the input is one message), spools each
 * part with msg_spool() as the reference, and mbox_next() must return
 * the same messages, in order, each at the line of its From line; a part
 * with a NUL byte is MBOX_BAD and the ones after it still come.
 *
 * Input: the mbox, as it stands.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg/mbox.h"
#include "msg/msg.h"
#include "fuzz.h"

#define HEADMAX	1024		/* mbox.c's MBOX_HEADMAX */

/* One part of the model: its text after un-quoting, its line. */
struct part {
	char		*p;
	size_t		 len;
	unsigned long	 line;
};

/* Append line l[0..n) of the model's current part. */
static void
add(struct part *pt, const char *l, size_t n)
{
	size_t	q;

	for (q = 0; q < n && q < HEADMAX && l[q] == '>'; q++)
		;
	if (q > 0 && q + 5 <= HEADMAX && n - q >= 5 &&
	    memcmp(l + q, "From ", 5) == 0) {
		l++;
		n--;
	}
	memcpy(pt->p + pt->len, l, n);
	pt->len += n;
}

/* The model's parts of in[0..len) in *v (*n of them). */
static void
split(const char *in, size_t len, struct part **v, size_t *n)
{
	struct part	*pt = NULL;
	const char	*nl;
	size_t		 i = 0, ll;
	unsigned long	 line = 0;

	if ((*v = calloc(len / 6 + 2, sizeof(**v))) == NULL)
		abort();
	*n = 0;
	if (len == 0)
		return;
	if (len < 5 || memcmp(in, "From ", 5) != 0) {
		if (((*v)[0].p = malloc(len + 1)) == NULL)
			abort();
		memcpy((*v)[0].p, in, len);
		(*v)[0].len = len;
		(*v)[0].line = 1;
		*n = 1;
		return;
	}
	while (i < len) {
		nl = memchr(in + i, '\n', len - i);
		ll = nl != NULL ? (size_t)(nl - (in + i)) + 1 : len - i;
		line++;
		if (ll >= 5 && memcmp(in + i, "From ", 5) == 0) {
			pt = &(*v)[(*n)++];
			if ((pt->p = malloc(len + 1)) == NULL)
				abort();
			pt->line = line;
		} else
			add(pt, in + i, ll);
		i += ll;
	}
	/* The empty line before a From line, or the end, is the mbox's. */
	for (i = 0; i < *n; i++) {
		pt = &(*v)[i];
		if (pt->len >= 2 && memcmp(pt->p + pt->len - 2, "\n\n", 2) == 0)
			pt->len--;
		else if (pt->len >= 3 && memcmp(pt->p + pt->len - 3, "\n\r\n",
		    3) == 0)
			pt->len -= 2;
		else if (pt->len == 1 && pt->p[0] == '\n')
			pt->len = 0;
		else if (pt->len == 2 && memcmp(pt->p, "\r\n", 2) == 0)
			pt->len = 0;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct part	*v;
	struct mbox	*mb;
	struct msg	*m, *ref;
	struct outcome	 o;
	unsigned long	 line;
	enum mbox_rc	 rc;
	char		*got, *want;
	size_t		 n, i, gl, wl;
	int		 fd, rfd;

	split((const char *)data, size, &v, &n);
	fd = fuzz_memfd(data, size);
	if ((mb = mbox_new(fd)) == NULL)
		abort();
	for (i = 0; i <= n; i++) {
		memset(&o, 0, sizeof(o));
		rc = mbox_next(mb, fuzz_tmpdir(), &m, &line, &o);
		if (i == n) {
			FUZZ_CHECK(rc == MBOX_END, "as many messages as the "
			    "model has");
			break;
		}
		FUZZ_CHECK(rc == MBOX_MSG || rc == MBOX_BAD, "a message, or "
		    "a bad one, while the model has more");
		FUZZ_CHECK(line == v[i].line, "each message at the line of "
		    "its From line");
		rfd = fuzz_memfd(v[i].p, v[i].len);
		ref = msg_spool(rfd, fuzz_tmpdir(), NORM_KEEPFROM, &o);
		close(rfd);
		if (ref == NULL) {
			FUZZ_CHECK(rc == MBOX_BAD, "a part the spool refuses "
			    "(a NUL byte) is a bad message");
			continue;
		}
		FUZZ_CHECK(rc == MBOX_MSG, "a part the spool takes is a "
		    "message");
		got = fuzz_slurp(msg_fd(m), &gl);
		want = fuzz_slurp(msg_fd(ref), &wl);
		FUZZ_CHECK(gl == wl && memcmp(got, want, gl) == 0,
		    "the message is the model's part, spooled");
		FUZZ_CHECK(fuzz_crlf_only(got, gl), "no bare CR or LF");
		free(got);
		free(want);
		msg_free(ref);
		msg_free(m);
	}
	FUZZ_CHECK(mbox_next(mb, fuzz_tmpdir(), &m, &line, &o) == MBOX_END,
	    "the end stays the end");
	mbox_free(mb);
	close(fd);
	for (i = 0; i < n; i++)
		free(v[i].p);
	free(v);
	return 0;
}
