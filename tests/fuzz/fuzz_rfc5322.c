/*
 * The header scanner (src/msg/rfc5322.h hdr_scan) over any file, spool
 * form or not. The fields it reports must tile the file from offset 0 in
 * order, each with a name of ftext, and its unfolded text must be exactly
 * the field's bytes with the line ends taken out (RFC 5322 2.2.3); the
 * body must start right after the last field and its empty line.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg/rfc5322.h"
#include "fuzz.h"

struct seen {
	const char	*file;		/* the input */
	size_t		 size;
	off_t		 next;		/* where the next field must start */
	size_t		 nfields;
	int		 stop_at;	/* the callback says stop at this one */
	char		*unf;		/* scratch: the field unfolded */
};

static int
is_ftext(int c)
{
	return c >= 33 && c <= 126 && c != ':';
}

static int
field_cb(void *arg, const struct hdr_field *f)
{
	struct seen	*s = arg;
	const char	*raw;
	size_t		 i, n = 0, rawlen, head;

	FUZZ_CHECK(f->off == s->next, "fields tile the header in order");
	FUZZ_CHECK(f->len > 0 && f->off + f->len <= (off_t)s->size,
	    "a field lies inside the file");
	FUZZ_CHECK(f->namelen > 0, "a field has a name");
	for (i = 0; i < f->namelen; i++)
		FUZZ_CHECK(is_ftext((unsigned char)f->name[i]),
		    "a field name is ftext (RFC 5322 3.6.8)");
	FUZZ_CHECK(f->value > f->name && f->value[-1] == ':',
	    "the value follows the colon");
	raw = s->file + f->off;
	rawlen = (size_t)f->len;
	FUZZ_CHECK(memcmp(raw, f->name, f->namelen) == 0,
	    "the name is the field's first bytes");
	/* Unfold: line ends (LF or CRLF) go, all else stays. */
	for (i = 0; i < rawlen; i++) {
		if (raw[i] == '\n')
			continue;
		if (raw[i] == '\r' && i + 1 < rawlen && raw[i + 1] == '\n')
			continue;
		/* A CR at the very end of the file ends the line too. */
		if (raw[i] == '\r' && i + 1 == rawlen &&
		    f->off + f->len == (off_t)s->size)
			continue;
		s->unf[n++] = raw[i];
	}
	head = (size_t)(f->value - f->name);
	FUZZ_CHECK(n == head + f->valuelen,
	    "the unfolded field is name, colon and value");
	FUZZ_CHECK(memcmp(s->unf, f->name, head + f->valuelen) == 0,
	    "the value is the field unfolded (RFC 5322 2.2.3)");
	FUZZ_CHECK(memchr(f->value, '\n', f->valuelen) == NULL,
	    "no LF left in an unfolded value");
	s->next = f->off + f->len;
	return s->nfields++ == (size_t)s->stop_at ? -1 : 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen	 s;
	off_t		 body = -1;
	size_t		 gap;
	int		 fd, rc;

	memset(&s, 0, sizeof(s));
	s.file = (const char *)data;
	s.size = size;
	/* One input in 8 also checks that a callback's -1 stops the scan. */
	s.stop_at = size > 0 && data[0] % 8 == 0 ? data[size - 1] % 4 : -1;
	if ((s.unf = malloc(size + 1)) == NULL)
		abort();
	fd = fuzz_memfd(data, size);
	rc = hdr_scan(fd, field_cb, &s, &body);
	if (s.stop_at >= 0 && s.nfields > (size_t)s.stop_at) {
		FUZZ_CHECK(rc == -1 && s.nfields == (size_t)s.stop_at + 1,
		    "a callback's -1 stops the scan");
		goto out;
	}
	/* Inputs are far below HDR_SECTIONMAX and HDR_FIELDMAX. */
	FUZZ_CHECK(rc == 0, "a small file scans without error");
	FUZZ_CHECK(body >= s.next && body <= (off_t)size,
	    "the body starts after the last field");
	gap = (size_t)(body - s.next);
	if (s.nfields == 0)
		FUZZ_CHECK(body == 0 || (body <= 2 && (memcmp(data, "\n",
		    1) == 0 || memcmp(data, "\r\n", 2) == 0)),
		    "no field: the body is all, or follows an empty line");
	else
		FUZZ_CHECK(gap == 0 || (gap == 1 && data[s.next] == '\n') ||
		    (gap == 2 && memcmp(data + s.next, "\r\n", 2) == 0),
		    "the body follows the last field or its empty line");
out:
	close(fd);
	free(s.unf);
	return 0;
}
