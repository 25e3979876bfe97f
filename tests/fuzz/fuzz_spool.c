/*
 * Message spooling and normalisation (src/msg/msg.h): msg_spool() reads
 * the input from a descriptor as it reads standard input; the same bytes
 * fed in random chunks to norm_feed() and to msg_begin()/msg_feed() must
 * give the same spool. The spool is compared with a model of DESIGN.md
 * "Input" written here, line by line, and must hold no bare CR or LF, no
 * NUL, no line over 998 octets; dot-stuffed, it holds no end-of-data
 * marker before its own; normalised again, it does not change.
 *
 * Input: one octet of flags (NORM_DOTEND, NORM_KEEPFROM, the chunking),
 * then the message.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg/msg.h"
#include "fuzz.h"

struct out {
	char	*p;
	size_t	 len;
};

static void	model(const char *, size_t, int, struct out *, int *);
static void	by_chunks(const char *, size_t, int, unsigned, struct out *,
		    int *);
static void	check_spool(const char *, size_t, int);

static int
utf8_cont(int c)
{
	return (c & 0xc0) == 0x80;
}

/*
 * Whether a break before l[i] falls inside a well-formed UTF-8 sequence:
 * a lead byte at most 3 octets back whose continuation bytes reach past
 * the break.
 */
static int
inside_utf8(const unsigned char *l, size_t n, size_t i)
{
	size_t	j, k, need;

	for (j = i; j > 0 && i - j < 3 && utf8_cont(l[j - 1]); j--)
		continue;
	if (j == 0 || j == i + 1)
		return 0;
	j--;
	if (l[j] >= 0xc2 && l[j] <= 0xdf)
		need = 2;
	else if (l[j] >= 0xe0 && l[j] <= 0xef)
		need = 3;
	else if (l[j] >= 0xf0 && l[j] <= 0xf4)
		need = 4;
	else
		return 0;
	if (j + need <= i || j + need > n)
		return 0;
	for (k = j + 1; k < j + need; k++)
		if (!utf8_cont(l[k]))
			return 0;
	return 1;
}

/*
 * Append one line of the model's output, broken as msg.h says: at
 * MSG_LINEMAX octets, or before a UTF-8 lead octet whose sequence would
 * not fit whole; before the output line's last blank (SP, HTAB) that
 * follows a non-blank, else with CRLF SP.
 */
static void
model_line(struct out *o, const char *l, size_t n)
{
	const unsigned char *u = (const unsigned char *)l;
	size_t	i, k, need, start = o->len, blank;

	for (i = 0; i < n; i++) {
		need = u[i] >= 0xf0 && u[i] <= 0xf7 ? 4 : u[i] >= 0xe0 &&
		    u[i] <= 0xef ? 3 : u[i] >= 0xc0 && u[i] <= 0xdf ? 2 : 1;
		if (o->len - start + need > MSG_LINEMAX) {
			/* DESIGN.md, Input: not inside a UTF-8 sequence. */
			FUZZ_CHECK(!inside_utf8(u, n, i), "a long line is "
			    "not broken inside a UTF-8 sequence (DESIGN.md)");
			for (blank = 0, k = o->len; k-- > start + 1 &&
			    blank == 0; )
				if (o->p[k] == ' ' || o->p[k] == '\t')
					blank = k;
			for (k = start; blank != 0 && k < blank; k++)
				if (o->p[k] != ' ' && o->p[k] != '\t')
					break;
			if (blank != 0 && k < blank) {
				memmove(o->p + blank + 2, o->p + blank,
				    o->len - blank);
				memcpy(o->p + blank, "\r\n", 2);
				o->len += 2;
				start = blank + 2;
			}
			if (o->len - start + need > MSG_LINEMAX) {
				memcpy(o->p + o->len, "\r\n ", 3);
				o->len += 3;
				start = o->len - 1;
			}
		}
		o->p[o->len++] = l[i];
	}
	o->p[o->len++] = '\r';
	o->p[o->len++] = '\n';
}

/*
 * DESIGN.md "Input", independently of msg.c: a leading mbox "From " line
 * goes (unless NORM_KEEPFROM); LF and CRLF end a line; a CR before
 * anything else is a space; with NORM_DOTEND a line of a single "." ends
 * the input; a NUL in what was read is an error; every line ends in CRLF.
 */
static void
model(const char *in, size_t len, int flags, struct out *o, int *nul)
{
	char	*line;
	size_t	 i = 0, n;

	*nul = 0;
	o->len = 0;
	if ((o->p = malloc(NORM_OUTMAX(len))) == NULL ||
	    (line = malloc(len + 1)) == NULL)
		abort();
	if (!(flags & NORM_KEEPFROM) && len >= 5 &&
	    memcmp(in, "From ", 5) == 0) {
		for (; i < len && in[i] != '\n'; i++)
			if (in[i] == '\0')
				*nul = 1;
		i++;
	}
	while (i < len && !*nul) {
		for (n = 0; i < len && in[i] != '\n'; i++) {
			if (in[i] == '\0') {
				*nul = 1;
				break;
			}
			if (in[i] == '\r' && i + 1 < len && in[i + 1] == '\n')
				continue;
			line[n++] = in[i] == '\r' ? ' ' : in[i];
		}
		if (*nul)
			break;
		if ((flags & NORM_DOTEND) && n == 1 && line[0] == '.')
			break;
		/* An empty last line without its LF is no line. */
		if (i < len || n > 0)
			model_line(o, line, n);
		i++;
	}
	free(line);
}

/* The streaming normaliser fed in chunks of pseudo-random sizes. */
static void
by_chunks(const char *in, size_t len, int flags, unsigned seed,
    struct out *o, int *nul)
{
	struct norm	 nm;
	size_t		 i = 0, k, olen;

	if ((o->p = malloc(NORM_OUTMAX(len) + NORM_FINMAX)) == NULL)
		abort();
	o->len = 0;
	*nul = 0;
	norm_init(&nm, flags);
	while (i < len) {
		seed = seed * 1103515245u + 12345u;
		k = 1 + (seed >> 16) % 64;
		if (k > len - i)
			k = len - i;
		if (norm_feed(&nm, in + i, k, o->p + o->len, &olen) == -1) {
			*nul = 1;
			FUZZ_CHECK(nm.nul, "norm_feed() -1 means a NUL byte");
		}
		FUZZ_CHECK(olen <= NORM_OUTMAX(k), "NORM_OUTMAX holds");
		o->len += olen;
		if (*nul)
			return;
		i += k;
	}
	norm_finish(&nm, o->p + o->len, &olen);
	FUZZ_CHECK(olen <= NORM_FINMAX, "norm_finish() writes at most "
	    "NORM_FINMAX octets");
	o->len += olen;
}

/* What the spool form promises, whatever the input. */
static void
check_spool(const char *s, size_t len, int eightbit)
{
	struct dotstuff	 d;
	struct out	 again;
	char		*w;
	size_t		 i, wl, linelen = 0;
	int		 nul, hi = 0;

	FUZZ_CHECK(memchr(s, '\0', len) == NULL, "no NUL in the spool");
	FUZZ_CHECK(fuzz_crlf_only(s, len), "no bare CR or LF in the spool");
	FUZZ_CHECK(len == 0 || (len >= 2 && memcmp(s + len - 2, "\r\n",
	    2) == 0), "the spool ends with CRLF");
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80)
			hi = 1;
		if (s[i] == '\r')
			continue;
		if (s[i] == '\n') {
			linelen = 0;
			continue;
		}
		FUZZ_CHECK(++linelen <= MSG_LINEMAX,
		    "no line over 998 octets (RFC 5322 2.1.1)");
	}
	FUZZ_CHECK(eightbit == hi, "eightbit says whether a byte >= 0x80 is");
	/* Dot-stuffed, only the marker bote appends ends the data. */
	if ((w = malloc(2 * len + 1)) == NULL)
		abort();
	dot_init(&d);
	wl = dot_feed(&d, s, len, w);
	FUZZ_CHECK(wl < 3 || memcmp(w, ".\r\n", 3) != 0,
	    "the first line is not a lone dot after stuffing");
	FUZZ_CHECK(memmem(w, wl, "\r\n.\r\n", 5) == NULL,
	    "no lone dot line after stuffing (RFC 5321 4.5.2)");
	free(w);
	/* The spool form is a fixed point of the normaliser. */
	model(s, len, NORM_KEEPFROM, &again, &nul);
	FUZZ_CHECK(!nul && again.len == len && memcmp(again.p, s, len) == 0,
	    "normalising the spool form again changes nothing");
	free(again.p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outcome	 o;
	struct msg	*m, *m2;
	struct out	 want, chunked;
	const char	*in;
	char		*spool, *s2;
	size_t		 len, slen, l2, i, k;
	int		 flags, fd, nul, cnul;
	unsigned	 seed;

	if (size < 1)
		return 0;
	flags = (data[0] & 1 ? NORM_DOTEND : 0) |
	    (data[0] & 2 ? NORM_KEEPFROM : 0);
	seed = data[0] >> 2;
	in = (const char *)data + 1;
	len = size - 1;

	model(in, len, flags, &want, &nul);
	by_chunks(in, len, flags, seed, &chunked, &cnul);
	FUZZ_CHECK(cnul == nul, "a NUL byte is refused, in any chunking");
	if (!nul)
		FUZZ_CHECK(chunked.len == want.len &&
		    memcmp(chunked.p, want.p, want.len) == 0,
		    "norm_feed() output is the model's, in any chunking");

	fd = fuzz_memfd(in, len);
	memset(&o, 0, sizeof(o));
	m = msg_spool(fd, fuzz_tmpdir(), flags, &o);
	close(fd);
	if (nul) {
		FUZZ_CHECK(m == NULL && o.kind == OUT_DATAERR,
		    "msg_spool() refuses a NUL byte (exit 65)");
		goto out;
	}
	FUZZ_CHECK(m != NULL, "msg_spool() takes a message without NUL");
	spool = fuzz_slurp(msg_fd(m), &slen);
	FUZZ_CHECK(lseek(msg_fd(m), 0, SEEK_CUR) == 0,
	    "the spool is rewound");
	FUZZ_CHECK((off_t)slen == msg_size(m), "msg_size() is the spool's");
	FUZZ_CHECK(slen == want.len && memcmp(spool, want.p, slen) == 0,
	    "msg_spool() writes what the model says");
	check_spool(spool, slen, msg_eightbit(m));

	/* The -bs server's way in: msg_begin(), msg_feed() in pieces. */
	if ((m2 = msg_begin(fuzz_tmpdir(), flags, &o)) == NULL)
		abort();
	for (i = 0; i < len; i += k) {
		k = 1 + (i * 7 + seed) % 300;
		if (k > len - i)
			k = len - i;
		FUZZ_CHECK(msg_feed(m2, in + i, k, &o) == 0,
		    "msg_feed() takes a message without NUL");
	}
	FUZZ_CHECK(msg_end(m2, &o) == 0, "msg_end() finishes the spool");
	s2 = fuzz_slurp(msg_fd(m2), &l2);
	FUZZ_CHECK(l2 == slen && memcmp(s2, spool, slen) == 0,
	    "msg_feed() spools what msg_spool() does");
	free(s2);
	msg_free(m2);
	free(spool);
	msg_free(m);
out:
	free(want.p);
	free(chunked.p);
	return 0;
}
