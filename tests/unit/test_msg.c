/*
 * Unit tests for src/msg/msg.c (normaliser, dot-stuffer, spooling) and
 * src/msg/rfc5322.c (header scanning).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "msg/msg.h"
#include "msg/rfc5322.h"
#include "tap.h"

#define S(s)	(s), sizeof(s) - 1
#define is_lit(got, gotlen, lit, ...)					\
	is_mem((got), (gotlen), (lit), sizeof(lit) - 1, __VA_ARGS__)

/* A growable byte buffer for expected and actual outputs. */
struct buf {
	char	*p;
	size_t	 len, cap;
};

struct ncase {
	int		 flags;
	const char	*in;
	size_t		 inlen;
	const char	*out;
	size_t		 outlen;
	int		 rc;
	int		 done;
};

struct field {
	char	*name;
	char	*value;
	size_t	 valuelen;
	off_t	 off, len;
};

struct fields {
	struct field	 f[16];
	int		 n;		/* callbacks seen */
	int		 stop_at;	/* return -1 on this one (1-based) */
};

static char	 tmpdir[] = "/tmp/test_msg.XXXXXX";

static void	 buf_add(struct buf *, const void *, size_t);
static void	 buf_addc(struct buf *, int, size_t);
static int	 normalise(int, const char *, size_t, size_t, struct buf *,
		    struct norm *);
static int	 ref_norm(int, const char *, size_t, struct buf *,
		    unsigned long *, int *, int *);
static size_t	 last_blank(const char *, size_t);
static uint32_t	 rnd(void);
static void	 test_norm_table(void);
static void	 test_norm_long(void);
static void	 test_norm_random(void);
static void	 test_dot(void);
static int	 mkfile(const char *, size_t);
static size_t	 count_entries(const char *);
static void	 slurp(int, struct buf *);
static void	 test_spool(void);
static int	 collect(void *, const struct hdr_field *);
static void	 fields_free(struct fields *);
static int	 scan(const char *, size_t, struct fields *, off_t *);
static void	 test_hdr(void);
static void	 field_of(struct buf *, size_t);
static void	 field_raw(struct buf *, size_t);
static void	 test_hdr_caps(void);

static void
buf_add(struct buf *b, const void *p, size_t n)
{
	/* Always allocated, so that memcmp(3) never sees NULL. */
	if (b->p == NULL || b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		if ((b->p = realloc(b->p, b->cap)) == NULL)
			abort();
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
buf_addc(struct buf *b, int c, size_t n)
{
	while (n-- > 0) {
		char ch = (char)c;

		buf_add(b, &ch, 1);
	}
}

/*
 * Run the normaliser over in[0..len) in chunks of chunk bytes (0: all at
 * once), checking the NORM_OUTMAX bound of every call.
 */
static int
normalise(int flags, const char *in, size_t len, size_t chunk,
    struct buf *out, struct norm *n)
{
	char	*tmp;
	size_t	 i, k, olen;
	int	 rc = 0;

	if (chunk == 0)
		chunk = len > 0 ? len : 1;
	if ((tmp = malloc(NORM_OUTMAX(chunk) + 16)) == NULL)
		abort();
	norm_init(n, flags);
	for (i = 0; i < len && rc == 0; i += k) {
		k = len - i < chunk ? len - i : chunk;
		rc = norm_feed(n, in + i, k, tmp, &olen);
		if (olen > NORM_OUTMAX(k)) {
			printf("# NORM_OUTMAX exceeded: %zu > %zu\n", olen,
			    (size_t)NORM_OUTMAX(k));
			rc = -2;
		}
		buf_add(out, tmp, olen);
	}
	if (rc == 0) {
		norm_finish(n, tmp, &olen);
		if (olen > NORM_FINMAX)
			rc = -2;
		buf_add(out, tmp, olen);
	}
	free(tmp);
	return rc;
}

/*
 * Where a full line cur[0..w) may be broken: the last blank (SP, HTAB)
 * after a non-blank, or 0 when there is none.
 */
static size_t
last_blank(const char *cur, size_t w)
{
	size_t	p, k;

	for (p = w; p-- > 1; ) {
		if (cur[p] != ' ' && cur[p] != '\t')
			continue;
		for (k = 0; k < p; k++)
			if (cur[k] != ' ' && cur[k] != '\t')
				return p;
	}
	return 0;
}

/*
 * The normaliser's specification written the obvious, non-streaming way,
 * for comparison with the streaming code on random inputs.
 */
static int
ref_norm(int flags, const char *in, size_t len, struct buf *out,
    unsigned long *broken, int *done, int *eightbit)
{
	size_t	 i = 0, j, k, l, end, w, need, p;
	char	*line, cur[MSG_LINEMAX + 4];
	int	 haslf, brk, c;

	*broken = 0;
	*done = 0;
	*eightbit = 0;
	if (len >= 5 && memcmp(in, "From ", 5) == 0) {
		for (; i < len && in[i] != '\n'; i++)
			if (in[i] == '\0')
				return -1;
		if (i < len)
			i++;
	}
	while (i < len) {
		for (j = i; j < len && in[j] != '\n'; j++)
			continue;
		haslf = j < len;
		end = j;
		if (haslf && end > i && in[end - 1] == '\r')
			end--;
		l = end - i;
		if ((line = malloc(l + 1)) == NULL)
			abort();
		memcpy(line, in + i, l);
		for (k = 0; k < l; k++) {
			if (line[k] == '\0') {
				free(line);
				return -1;
			}
			if (line[k] == '\r')
				line[k] = ' ';
			if ((unsigned char)line[k] >= 0x80)
				*eightbit = 1;
		}
		if ((flags & NORM_DOTEND) && l == 1 && line[0] == '.') {
			free(line);
			*done = 1;
			return 0;
		}
		/*
		 * Broken at MSG_LINEMAX octets, or before a UTF-8 lead octet
		 * whose sequence would not fit whole: with CRLF before the
		 * last blank that follows a non-blank, else with CRLF SP.
		 */
		for (k = 0, w = 0, brk = 0; k < l; k++) {
			c = (unsigned char)line[k];
			need = c >= 0xf0 && c <= 0xf7 ? 4 : c >= 0xe0 &&
			    c <= 0xef ? 3 : c >= 0xc0 && c <= 0xdf ? 2 : 1;
			if (w + need > MSG_LINEMAX) {
				if (!brk++)
					(*broken)++;
				p = last_blank(cur, w);
				if (p > 0) {
					buf_add(out, cur, p);
					buf_add(out, "\r\n", 2);
					memmove(cur, cur + p, w - p);
					w -= p;
				}
				if (w + need > MSG_LINEMAX) {
					buf_add(out, cur, w);
					buf_add(out, "\r\n", 2);
					cur[0] = ' ';
					w = 1;
				}
			}
			cur[w++] = line[k];
		}
		buf_add(out, cur, w);
		buf_add(out, "\r\n", 2);
		free(line);
		i = j + 1;
	}
	return 0;
}

static uint32_t
rnd(void)
{
	static uint32_t	x = 2463534242U;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

static const struct ncase ncases[] = {
	{ 0, S(""), S(""), 0, 0 },
	{ 0, S("a"), S("a\r\n"), 0, 0 },
	{ 0, S("a\n"), S("a\r\n"), 0, 0 },
	{ 0, S("a\r\n"), S("a\r\n"), 0, 0 },
	{ 0, S("\n"), S("\r\n"), 0, 0 },
	{ 0, S("\n\n"), S("\r\n\r\n"), 0, 0 },
	{ 0, S("a\n\r\nb"), S("a\r\n\r\nb\r\n"), 0, 0 },
	{ 0, S("a\rb\n"), S("a b\r\n"), 0, 0 },
	{ 0, S("a\r\rb\n"), S("a  b\r\n"), 0, 0 },
	{ 0, S("a\r\r\n"), S("a \r\n"), 0, 0 },
	{ 0, S("a\r"), S("a \r\n"), 0, 0 },
	{ 0, S("\r"), S(" \r\n"), 0, 0 },
	{ 0, S("\r\r"), S("  \r\n"), 0, 0 },
	{ 0, S("a\n\rb\n"), S("a\r\n b\r\n"), 0, 0 },
	{ 0, S("x\r\n.\r\n"), S("x\r\n.\r\n"), 0, 0 },
	{ 0, S("a\n.\nb\n"), S("a\r\n.\r\nb\r\n"), 0, 0 },
	{ 0, S("From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody\n"),
	    S("Subject: x\r\n\r\nbody\r\n"), 0, 0 },
	{ 0, S("From a@b\r\nx\r\n"), S("x\r\n"), 0, 0 },
	{ 0, S("From x"), S(""), 0, 0 },
	{ 0, S("From \n"), S(""), 0, 0 },
	{ 0, S("From "), S(""), 0, 0 },
	{ 0, S("From"), S("From\r\n"), 0, 0 },
	{ 0, S("Fro"), S("Fro\r\n"), 0, 0 },
	{ 0, S("F\n"), S("F\r\n"), 0, 0 },
	{ 0, S("From\n"), S("From\r\n"), 0, 0 },
	{ 0, S("From:x\n"), S("From:x\r\n"), 0, 0 },
	{ 0, S("from x\n"), S("from x\r\n"), 0, 0 },
	{ 0, S("From\tx\n"), S("From\tx\r\n"), 0, 0 },
	{ 0, S(">From x\n"), S(">From x\r\n"), 0, 0 },
	{ 0, S("Fr\rom x\n"), S("Fr om x\r\n"), 0, 0 },
	{ 0, S("a\nFrom x\n"), S("a\r\nFrom x\r\n"), 0, 0 },
	{ 0, S("From a\r\nFrom b\n"), S("From b\r\n"), 0, 0 },
	{ 0, S("From a\rb\nc"), S("c\r\n"), 0, 0 },
	{ NORM_DOTEND, S("a\n.\nb\n"), S("a\r\n"), 0, 1 },
	{ NORM_DOTEND, S("a\r\n.\r\nb"), S("a\r\n"), 0, 1 },
	{ NORM_DOTEND, S(".\n"), S(""), 0, 1 },
	{ NORM_DOTEND, S(".\r\n"), S(""), 0, 1 },
	{ NORM_DOTEND, S("."), S(""), 0, 1 },
	{ NORM_DOTEND, S("a\n."), S("a\r\n"), 0, 1 },
	{ NORM_DOTEND, S("a\n.\n\0"), S("a\r\n"), 0, 1 },
	{ NORM_DOTEND, S("..\n"), S("..\r\n"), 0, 0 },
	{ NORM_DOTEND, S(".a\n"), S(".a\r\n"), 0, 0 },
	{ NORM_DOTEND, S(". \n"), S(". \r\n"), 0, 0 },
	{ NORM_DOTEND, S(" .\n"), S(" .\r\n"), 0, 0 },
	{ NORM_DOTEND, S("a.\n"), S("a.\r\n"), 0, 0 },
	{ NORM_DOTEND, S(".\r"), S(". \r\n"), 0, 0 },
	{ NORM_DOTEND, S(".\rx\n"), S(". x\r\n"), 0, 0 },
	{ NORM_DOTEND, S(".\r\r\n"), S(". \r\n"), 0, 0 },
	{ NORM_DOTEND, S("From x\n.\nb"), S(""), 0, 1 },
	{ NORM_DOTEND, S("From x\n..\n"), S("..\r\n"), 0, 0 },
	{ NORM_DOTEND, S("\n.\n"), S("\r\n"), 0, 1 },
	{ 0, S("\xc3\xa9t\xc3\xa9\n"), S("\xc3\xa9t\xc3\xa9\r\n"), 0, 0 },
	{ 0, S("a\0b\n"), S(""), -1, 0 },
	{ 0, S("\0"), S(""), -1, 0 },
	{ 0, S("From \0\n"), S(""), -1, 0 },
	{ 0, S("a\r\0"), S(""), -1, 0 },
	{ NORM_DOTEND, S(".\0"), S(""), -1, 0 },
};

static void
test_norm_table(void)
{
	static const size_t	 chunks[] = { 0, 1, 2, 3, 7 };
	struct buf		 out;
	struct norm		 n;
	size_t			 i, c;
	int			 rc;

	for (i = 0; i < sizeof(ncases) / sizeof(ncases[0]); i++) {
		const struct ncase *t = &ncases[i];
		int	good = 1;

		for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			memset(&out, 0, sizeof(out));
			rc = normalise(t->flags, t->in, t->inlen, chunks[c],
			    &out, &n);
			if (rc != t->rc || n.done != t->done ||
			    n.nul != (t->rc == -1) ||
			    (t->rc == 0 && (out.len != t->outlen ||
			    memcmp(out.p, t->out, out.len) != 0))) {
				good = 0;
				printf("# case %zu, chunk %zu: rc %d\n", i,
				    chunks[c], rc);
				tap_diag_mem("got", out.p, out.len);
				tap_diag_mem("want", t->out, t->outlen);
			}
			free(out.p);
		}
		ok(good, "normaliser case %zu (flags %d, %zu bytes)", i,
		    t->flags, t->inlen);
	}

	memset(&out, 0, sizeof(out));
	normalise(0, S("ab\xff\n"), 0, &out, &n);
	ok(n.eightbit, "a byte >= 0x80 sets eightbit");
	free(out.p);
	memset(&out, 0, sizeof(out));
	normalise(0, S("ab\x7f\n"), 0, &out, &n);
	ok(!n.eightbit, "7-bit input leaves eightbit clear");
	is_int(n.lines, 1, "one line written");
	free(out.p);

	/* Input after done is ignored. */
	{
		char	o[64];
		size_t	ol = 99;

		norm_init(&n, NORM_DOTEND);
		norm_feed(&n, S("a\n.\n"), o, &ol);
		is_int(norm_feed(&n, S("b\0c\n"), o, &ol), 0,
		    "feed after done returns 0, even with a NUL");
		is_int(ol, 0, "feed after done writes nothing");
		norm_finish(&n, o, &ol);
		is_int(ol, 0, "finish after done writes nothing");
	}
	/* The nul flag sticks. */
	{
		char	o[64];
		size_t	ol;

		norm_init(&n, 0);
		is_int(norm_feed(&n, S("ab\0"), o, &ol), -1, "NUL: -1");
		is_mem(o, ol, "ab", 2, "NUL: the bytes before it are out");
		is_int(norm_feed(&n, S("cd"), o, &ol), -1, "NUL sticks");
	}
}

static void
test_norm_long(void)
{
	struct buf	in, want, out;
	struct norm	n;
	size_t		c;
	static const size_t chunks[] = { 0, 1, 7, 998, 999 };

	/* 998 octets: not broken. */
	memset(&in, 0, sizeof(in));
	memset(&want, 0, sizeof(want));
	buf_addc(&in, 'x', 998);
	buf_add(&in, "\n", 1);
	buf_addc(&want, 'x', 998);
	buf_add(&want, "\r\n", 2);
	for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		memset(&out, 0, sizeof(out));
		normalise(0, in.p, in.len, chunks[c], &out, &n);
		is_mem(out.p, out.len, want.p, want.len,
		    "998-octet line kept (chunk %zu)", chunks[c]);
		is_int(n.broken, 0, "998-octet line: broken 0");
		free(out.p);
	}
	free(in.p);
	free(want.p);

	/* 997 octets and an e-acute: broken before the C3, not inside. */
	memset(&in, 0, sizeof(in));
	memset(&want, 0, sizeof(want));
	buf_addc(&in, 'a', 997);
	buf_add(&in, "\xc3\xa9\r\n", 4);
	buf_addc(&want, 'a', 997);
	buf_add(&want, "\r\n \xc3\xa9\r\n", 7);
	for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		memset(&out, 0, sizeof(out));
		normalise(0, in.p, in.len, chunks[c], &out, &n);
		is_mem(out.p, out.len, want.p, want.len,
		    "a break never falls inside a UTF-8 sequence (chunk %zu)",
		    chunks[c]);
		free(out.p);
	}
	free(in.p);
	free(want.p);

	/* 999 octets: 998, CRLF SP, 1. */
	memset(&in, 0, sizeof(in));
	memset(&want, 0, sizeof(want));
	buf_addc(&in, 'x', 999);
	buf_add(&in, "\r\n", 2);
	buf_addc(&want, 'x', 998);
	buf_add(&want, "\r\n x\r\n", 6);
	for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		memset(&out, 0, sizeof(out));
		normalise(0, in.p, in.len, chunks[c], &out, &n);
		is_mem(out.p, out.len, want.p, want.len,
		    "999-octet line broken once (chunk %zu)", chunks[c]);
		is_int(n.broken, 1, "999-octet line: broken 1");
		free(out.p);
	}
	free(in.p);
	free(want.p);

	/* Words: broken before the blank, which starts the next line. */
	memset(&in, 0, sizeof(in));
	memset(&want, 0, sizeof(want));
	buf_addc(&in, 'a', 600);
	buf_add(&in, " ", 1);
	buf_addc(&in, 'b', 600);
	buf_add(&in, "\n", 1);
	buf_addc(&want, 'a', 600);
	buf_add(&want, "\r\n ", 3);
	buf_addc(&want, 'b', 600);
	buf_add(&want, "\r\n", 2);
	for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		memset(&out, 0, sizeof(out));
		normalise(0, in.p, in.len, chunks[c], &out, &n);
		is_mem(out.p, out.len, want.p, want.len,
		    "a long line is broken at its last blank (chunk %zu)",
		    chunks[c]);
		is_int(n.broken, 1, "broken at a blank: broken 1");
		free(out.p);
	}
	free(in.p);
	free(want.p);

	/* 1000 e-acutes (2000 octets) and no blank: whole characters. */
	memset(&in, 0, sizeof(in));
	memset(&want, 0, sizeof(want));
	for (c = 0; c < 1000; c++)
		buf_add(&in, "\xc3\xa9", 2);
	buf_add(&in, "\n", 1);
	for (c = 0; c < 499; c++)
		buf_add(&want, "\xc3\xa9", 2);
	buf_add(&want, "\r\n ", 3);
	for (c = 0; c < 498; c++)
		buf_add(&want, "\xc3\xa9", 2);
	buf_add(&want, "\r\n \xc3\xa9\xc3\xa9\xc3\xa9\r\n", 11);
	for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		memset(&out, 0, sizeof(out));
		normalise(0, in.p, in.len, chunks[c], &out, &n);
		is_mem(out.p, out.len, want.p, want.len,
		    "a 2000-octet UTF-8 line: no sequence cut (chunk %zu)",
		    chunks[c]);
		free(out.p);
	}
	free(in.p);
	free(want.p);

	/*
	 * 3000 octets, twice, and a CR in the middle, which becomes a blank:
	 * the first line is broken there once, else with CRLF SP, each
	 * continuation holding SP and 997 octets; broken counts input
	 * lines.
	 */
	memset(&in, 0, sizeof(in));
	memset(&want, 0, sizeof(want));
	buf_addc(&in, 'y', 1500);
	buf_add(&in, "\r", 1);
	buf_addc(&in, 'y', 1499);
	buf_add(&in, "\n", 1);
	buf_addc(&in, 'z', 3000);
	buf_addc(&want, 'y', 998);
	buf_add(&want, "\r\n ", 3);
	buf_addc(&want, 'y', 502);
	buf_add(&want, "\r\n ", 3);
	buf_addc(&want, 'y', 997);
	buf_add(&want, "\r\n ", 3);
	buf_addc(&want, 'y', 502);
	buf_add(&want, "\r\n", 2);
	buf_addc(&want, 'z', 998);
	buf_add(&want, "\r\n ", 3);
	buf_addc(&want, 'z', 997);
	buf_add(&want, "\r\n ", 3);
	buf_addc(&want, 'z', 997);
	buf_add(&want, "\r\n ", 3);
	buf_addc(&want, 'z', 8);
	buf_add(&want, "\r\n", 2);
	for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		memset(&out, 0, sizeof(out));
		normalise(0, in.p, in.len, chunks[c], &out, &n);
		is_mem(out.p, out.len, want.p, want.len,
		    "two 3000-octet lines (chunk %zu)", chunks[c]);
		is_int(n.broken, 2, "two long lines: broken 2");
		free(out.p);
	}
	free(in.p);
	free(want.p);

	/* A long line that starts with "." under NORM_DOTEND. */
	memset(&in, 0, sizeof(in));
	memset(&want, 0, sizeof(want));
	buf_add(&in, ".", 1);
	buf_addc(&in, 'd', 998);
	buf_add(&in, "\n.\n", 3);
	buf_add(&want, ".", 1);
	buf_addc(&want, 'd', 997);
	buf_add(&want, "\r\n d\r\n", 6);
	for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		memset(&out, 0, sizeof(out));
		normalise(NORM_DOTEND, in.p, in.len, chunks[c], &out, &n);
		is_mem(out.p, out.len, want.p, want.len,
		    "long line starting with \".\" (chunk %zu)", chunks[c]);
		ok(n.done && n.broken == 1, "then the lone dot ends input");
		free(out.p);
	}
	free(in.p);
	free(want.p);
}

/*
 * Random inputs over an alphabet rich in the interesting bytes, with long
 * runs so that line breaking happens, compared with the reference for
 * whole-buffer, 1-byte, 7-byte and random chunking.
 */
static void
test_norm_random(void)
{
	static const char	 alpha[] = "aaaaab.\r\n\n F r o m\xe9";
	static const size_t	 chunks[] = { 0, 1, 7, 64 };
	struct buf		 in, want, got;
	struct norm		 n;
	unsigned long		 rbroken;
	size_t			 i, k, c, len, bad[5] = { 0 };
	int			 iter, flags, rrc, rc, rdone, r8;

	for (iter = 0; iter < 3000; iter++) {
		memset(&in, 0, sizeof(in));
		buf_add(&in, "", 0);
		flags = iter & 1 ? NORM_DOTEND : 0;
		len = rnd() % (iter % 10 == 0 ? 4000 : 40);
		if (iter % 7 == 0)
			buf_add(&in, "From ", 5);
		for (i = 0; i < len; i++) {
			k = rnd() % 1000;
			if (k == 0)
				buf_addc(&in, '\0', 1);
			else if (k < 5 && len > 1000)
				buf_addc(&in, 'L', 990 + rnd() % 20);
			else
				buf_addc(&in, alpha[rnd() %
				    (sizeof(alpha) - 1)], 1);
		}
		memset(&want, 0, sizeof(want));
		buf_add(&want, "", 0);
		rrc = ref_norm(flags, in.p, in.len, &want, &rbroken, &rdone,
		    &r8);
		for (c = 0; c < 5; c++) {
			size_t	 ch = c < 4 ? chunks[c] : 1 + rnd() % 13;

			memset(&got, 0, sizeof(got));
			rc = normalise(flags, in.p, in.len, ch, &got, &n);
			if (rc != rrc || (rc == 0 && (got.len != want.len ||
			    memcmp(got.p, want.p, got.len) != 0 ||
			    n.broken != rbroken || n.done != rdone ||
			    n.eightbit != r8))) {
				if (bad[c]++ == 0) {
					printf("# iter %d chunk %zu rc %d/%d\n",
					    iter, ch, rc, rrc);
					tap_diag_mem("in", in.p, in.len);
					tap_diag_mem("got", got.p, got.len);
					tap_diag_mem("want", want.p,
					    want.len);
				}
			}
			free(got.p);
		}
		free(in.p);
		free(want.p);
	}
	ok(bad[0] == 0, "random inputs, whole buffer: as the reference");
	ok(bad[1] == 0, "random inputs, 1-byte chunks: as the reference");
	ok(bad[2] == 0, "random inputs, 7-byte chunks: as the reference");
	ok(bad[3] == 0, "random inputs, 64-byte chunks: as the reference");
	ok(bad[4] == 0, "random inputs, random chunks: as the reference");
}

static void
test_dot(void)
{
	struct dotstuff	 d;
	char		 out[256];
	size_t		 o, i;
	static const char text[] =
	    ".a\r\nb\r\n..\r\nc.d\r\n.\r\n\r\n.e\r\n";
	static const char stuffed[] =
	    "..a\r\nb\r\n...\r\nc.d\r\n..\r\n\r\n..e\r\n";

	dot_init(&d);
	o = dot_feed(&d, S("a\r\n.b\r\n"), out);
	is_lit(out, o, "a\r\n..b\r\n", "dot-stuffing a line");

	dot_init(&d);
	o = dot_feed(&d, S(".first\r\n"), out);
	is_lit(out, o, "..first\r\n", "the first line is stuffed too");

	dot_init(&d);
	o = dot_feed(&d, S("a\r\n"), out);
	o += dot_feed(&d, S(".b\r\n"), out + o);
	is_lit(out, o, "a\r\n..b\r\n",
	    "a \".\" right after a chunk boundary");

	dot_init(&d);
	o = dot_feed(&d, S("a\r"), out);
	o += dot_feed(&d, S("\n.b\r\n"), out + o);
	is_lit(out, o, "a\r\n..b\r\n", "a boundary between CR and LF");

	dot_init(&d);
	o = dot_feed(&d, S("a."), out);
	o += dot_feed(&d, S(".b\r\n"), out + o);
	is_lit(out, o, "a..b\r\n", "no stuffing within a line");

	dot_init(&d);
	o = dot_feed(&d, "", 0, out);
	is_int(o, 0, "empty input, empty output");

	dot_init(&d);
	o = 0;
	for (i = 0; i < sizeof(text) - 1; i++)
		o += dot_feed(&d, text + i, 1, out + o);
	is_lit(out, o, stuffed, "byte by byte");
	dot_init(&d);
	o = dot_feed(&d, S(text), out);
	is_lit(out, o, stuffed, "all at once");
	is_lit(DOT_END, strlen(DOT_END), ".\r\n", "DOT_END");
}

/* A file in tmpdir holding data, open for reading at offset 0. */
static int
mkfile(const char *data, size_t len)
{
	char	path[64];
	int	fd;

	snprintf(path, sizeof(path), "%s/in.XXXXXX", tmpdir);
	if ((fd = mkstemp(path)) == -1)
		abort();
	unlink(path);
	if (len > 0 && write(fd, data, len) != (ssize_t)len)
		abort();
	if (lseek(fd, 0, SEEK_SET) == -1)
		abort();
	return fd;
}

static size_t
count_entries(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	size_t		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return (size_t)-1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* The spool file's content, from its current offset. */
static void
slurp(int fd, struct buf *b)
{
	char	tmp[8192];
	ssize_t	r;

	while ((r = read(fd, tmp, sizeof(tmp))) > 0)
		buf_add(b, tmp, (size_t)r);
}

static void
test_spool(void)
{
	struct outcome	 o;
	struct msg	*m;
	struct buf	 in, want, got;
	struct norm	 n;
	struct stat	 st;
	int		 fd, p[2], status, i;
	pid_t		 pid;

	/* A small message from a file. */
	fd = mkfile(S("Subject: hi\n\n.body\r\nend"));
	m = msg_spool(fd, tmpdir, 0, &o);
	close(fd);
	ok(m != NULL, "msg_spool: small message");
	if (m != NULL) {
		memset(&got, 0, sizeof(got));
		is_int(lseek(msg_fd(m), 0, SEEK_CUR), 0, "offset left at 0");
		slurp(msg_fd(m), &got);
		is_lit(got.p, got.len, "Subject: hi\r\n\r\n.body\r\nend\r\n",
		    "spool content normalised");
		is_int(msg_size(m), got.len, "msg_size is the spool size");
		is_int(msg_broken(m), 0, "nothing broken");
		is_int(msg_eightbit(m), 0, "not 8-bit");
		ok(fstat(msg_fd(m), &st) == 0 && (st.st_mode & 07777) == 0600,
		    "spool mode 0600");
		is_int(st.st_nlink, 0, "spool file has no name");
		is_int(count_entries(tmpdir), 0, "nothing left in the dir");
		ok((fcntl(msg_fd(m), F_GETFD) & FD_CLOEXEC) != 0,
		    "spool is close-on-exec");
		free(got.p);
		msg_free(m);
	}
	msg_free(NULL);

	/* Empty input stays empty. */
	fd = mkfile("", 0);
	m = msg_spool(fd, tmpdir, 0, &o);
	close(fd);
	ok(m != NULL && msg_size(m) == 0, "empty input: empty spool");
	msg_free(m);

	/*
	 * A large message with long lines, 8-bit bytes and a CR exactly at
	 * the 64 KiB read boundary (the LF comes with the next read).
	 */
	memset(&in, 0, sizeof(in));
	buf_add(&in, S("From x@y\nSubject: big\n\n"));
	buf_addc(&in, 'a', 65535 - in.len);
	buf_add(&in, "\r\n", 2);
	for (i = 0; i < 300; i++) {
		buf_addc(&in, 'b' + i % 20, (size_t)(i * 37) % 2500);
		buf_add(&in, i % 3 ? "\n" : "\r\n", i % 3 ? 1 : 2);
		if (i % 50 == 0)
			buf_add(&in, "\xe2\x82\xac\r\r\n", 6);
	}
	memset(&want, 0, sizeof(want));
	normalise(0, in.p, in.len, 0, &want, &n);
	ok(memmem(want.p, want.len, "a \r", 3) == NULL &&
	    n.broken > 0 && n.eightbit, "the big input is as intended");
	fd = mkfile(in.p, in.len);
	m = msg_spool(fd, tmpdir, 0, &o);
	close(fd);
	ok(m != NULL, "msg_spool: %zu-byte message", in.len);
	if (m != NULL) {
		memset(&got, 0, sizeof(got));
		slurp(msg_fd(m), &got);
		is_mem(got.p, got.len, want.p, want.len,
		    "big message spooled as normalised");
		is_int(msg_size(m), want.len, "big message size");
		is_int(msg_broken(m), n.broken, "broken lines recorded");
		is_int(msg_eightbit(m), 1, "8-bit recorded");
		free(got.p);
		msg_free(m);
	}

	/* The same through a pipe written in small pieces by a child. */
	if (pipe(p) == -1)
		abort();
	if ((pid = fork()) == -1)
		abort();
	if (pid == 0) {
		size_t	off = 0, k;

		close(p[0]);
		while (off < in.len) {
			k = 1 + (off * 7919) % 5000;
			if (k > in.len - off)
				k = in.len - off;
			if (write(p[1], in.p + off, k) != (ssize_t)k)
				_exit(1);
			off += k;
		}
		_exit(0);
	}
	close(p[1]);
	m = msg_spool(p[0], tmpdir, 0, &o);
	close(p[0]);
	waitpid(pid, &status, 0);
	ok(m != NULL, "msg_spool from a pipe in small writes");
	if (m != NULL) {
		memset(&got, 0, sizeof(got));
		slurp(msg_fd(m), &got);
		is_mem(got.p, got.len, want.p, want.len,
		    "pipe: spooled as normalised");
		free(got.p);
		msg_free(m);
	}

	/* Spool write failure: a file size limit makes write(2) fail. */
	if ((pid = fork()) == -1)
		abort();
	if (pid == 0) {
		struct rlimit	rl;

		fd = mkfile(in.p, 8192);
		signal(SIGXFSZ, SIG_IGN);
		getrlimit(RLIMIT_FSIZE, &rl);
		rl.rlim_cur = 4096;
		if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
			_exit(2);
		m = msg_spool(fd, tmpdir, 0, &o);
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_FSIZE, &rl);
		if (m != NULL)
			_exit(3);
		_exit(o.kind == OUT_TEMPLOCAL ? 0 : 4);
	}
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "spool write failure: OUT_TEMPLOCAL");
	free(in.p);
	free(want.p);

	/*
	 * A lone "." ends the input and msg_spool returns at once, without
	 * waiting for EOF: the write end stays open (the alarm catches a
	 * hang).
	 */
	if (pipe(p) == -1)
		abort();
	if (write(p[1], S("To: x\n\nbody\n.\nafter\n")) < 0)
		abort();
	alarm(10);
	m = msg_spool(p[0], tmpdir, NORM_DOTEND, &o);
	alarm(0);
	ok(m != NULL, "NORM_DOTEND: returns without EOF");
	if (m != NULL) {
		memset(&got, 0, sizeof(got));
		slurp(msg_fd(m), &got);
		is_lit(got.p, got.len, "To: x\r\n\r\nbody\r\n",
		    "NORM_DOTEND: spooled up to the lone dot");
		free(got.p);
		msg_free(m);
	}
	close(p[0]);
	close(p[1]);

	/* A non-blocking pipe whose writer is slow. */
	if (pipe(p) == -1)
		abort();
	if ((pid = fork()) == -1)
		abort();
	if (pid == 0) {
		struct timespec	ts = { 0, 100 * 1000 * 1000 };

		close(p[0]);
		nanosleep(&ts, NULL);
		if (write(p[1], "slow\n", 5) != 5)
			_exit(1);
		nanosleep(&ts, NULL);
		_exit(write(p[1], "er\n", 3) != 3);
	}
	close(p[1]);
	if (fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK) == -1)
		abort();
	alarm(10);
	m = msg_spool(p[0], tmpdir, 0, &o);
	alarm(0);
	close(p[0]);
	waitpid(pid, &status, 0);
	ok(m != NULL, "non-blocking input: waits instead of failing");
	if (m != NULL) {
		memset(&got, 0, sizeof(got));
		slurp(msg_fd(m), &got);
		is_lit(got.p, got.len, "slow\r\ner\r\n",
		    "non-blocking input: all of it spooled");
		free(got.p);
		msg_free(m);
	}

	/* A NUL byte. */
	fd = mkfile(S("Subject: x\n\nab\0c\n"));
	memset(&o, 0, sizeof(o));
	m = msg_spool(fd, tmpdir, 0, &o);
	close(fd);
	ok(m == NULL, "NUL: refused");
	is_int(o.kind, OUT_DATAERR, "NUL: OUT_DATAERR");
	is_str(o.why, "the message contains a NUL byte", "NUL: why");
	is_int(count_entries(tmpdir), 0, "NUL: nothing left in the dir");

	/* A read error. */
	fd = open("/dev/null", O_WRONLY);
	memset(&o, 0, sizeof(o));
	m = msg_spool(fd, tmpdir, 0, &o);
	close(fd);
	ok(m == NULL, "read error: refused");
	is_int(o.kind, OUT_IOERR, "read error: OUT_IOERR");

	/* No spool directory. */
	fd = mkfile(S("x\n"));
	memset(&o, 0, sizeof(o));
	m = msg_spool(fd, "/nonexistent/bote-test", 0, &o);
	close(fd);
	ok(m == NULL, "missing spool dir: refused");
	is_int(o.kind, OUT_TEMPLOCAL, "missing spool dir: OUT_TEMPLOCAL");
}

static int
collect(void *arg, const struct hdr_field *f)
{
	struct fields	*fs = arg;
	struct field	*x;

	fs->n++;
	if (fs->n <= 16) {
		x = &fs->f[fs->n - 1];
		if ((x->name = strndup(f->name, f->namelen)) == NULL ||
		    (x->value = malloc(f->valuelen + 1)) == NULL)
			abort();
		memcpy(x->value, f->value, f->valuelen);
		x->value[f->valuelen] = '\0';
		x->valuelen = f->valuelen;
		x->off = f->off;
		x->len = f->len;
	}
	return fs->n == fs->stop_at ? -1 : 0;
}

static void
fields_free(struct fields *fs)
{
	int	i;

	for (i = 0; i < fs->n && i < 16; i++) {
		free(fs->f[i].name);
		free(fs->f[i].value);
	}
	memset(fs, 0, sizeof(*fs));
}

static int
scan(const char *data, size_t len, struct fields *fs, off_t *body)
{
	int	fd, rc;

	memset(fs, 0, sizeof(*fs));
	fd = mkfile(data, len);
	*body = -1;
	rc = hdr_scan(fd, collect, fs, body);
	close(fd);
	return rc;
}

static void
test_hdr(void)
{
	struct fields	 fs;
	struct buf	 b;
	off_t		 body;
	size_t		 L;
	int		 fd, rc, bad;
	static const char tail[] = "\r\n w\r\nY: z\r\n\r\nbody";
	static const char simple[] = "From: a\r\nTo: b\r\n\r\nbody\r\n";
	static const char folded[] =
	    "Subject: a\r\n b\r\n\tc\r\nX-Y:z\r\n\r\nB\r\n";

	is_int(scan(S(simple), &fs, &body), 0, "simple: 0");
	is_int(fs.n, 2, "simple: two fields");
	is_str(fs.f[0].name, "From", "simple: name");
	is_str(fs.f[0].value, " a", "simple: value starts after the colon");
	is_int(fs.f[0].off, 0, "simple: first offset");
	is_int(fs.f[0].len, 9, "simple: first length");
	is_str(fs.f[1].name, "To", "simple: second name");
	is_int(fs.f[1].off, 9, "simple: second offset");
	is_int(fs.f[1].len, 7, "simple: second length");
	is_int(body, 18, "simple: body offset");
	fields_free(&fs);

	is_int(scan(S(folded), &fs, &body), 0, "folded: 0");
	is_int(fs.n, 2, "folded: two fields");
	is_str(fs.f[0].value, " a b\tc", "folded: unfolded value");
	is_int(fs.f[0].len, 20, "folded: length spans the continuations");
	is_str(fs.f[1].name, "X-Y", "folded: next name");
	is_str(fs.f[1].value, "z", "folded: value without space");
	is_int(fs.f[1].off, 20, "folded: next offset");
	is_int(body, 29, "folded: body offset");
	fields_free(&fs);

	is_int(scan(S("hello world\r\n\r\nbody\r\n"), &fs, &body), 0,
	    "no header: 0");
	ok(fs.n == 0 && body == 0, "no header: body at 0, no field");
	fields_free(&fs);
	scan(S(" a: b\r\nc: d\r\n\r\n"), &fs, &body);
	ok(fs.n == 0 && body == 0, "continuation first: no header");
	fields_free(&fs);
	scan(S(": b\r\n\r\n"), &fs, &body);
	ok(fs.n == 0 && body == 0, "empty name: no header");
	fields_free(&fs);
	scan(S("a b: c\r\n\r\n"), &fs, &body);
	ok(fs.n == 0 && body == 0, "WSP inside the name: no header");
	fields_free(&fs);
	scan(S("Caf\xc3\xa9: x\r\n\r\n"), &fs, &body);
	ok(fs.n == 0 && body == 0, "8-bit name: no header");
	fields_free(&fs);
	scan(S("\r\nbody\r\n"), &fs, &body);
	ok(fs.n == 0 && body == 2, "empty header section: body at 2");
	fields_free(&fs);
	scan("", 0, &fs, &body);
	ok(fs.n == 0 && body == 0, "empty file: body at 0");
	fields_free(&fs);

	scan(S("Subject : x\r\n\r\n"), &fs, &body);
	ok(fs.n == 1 && strcmp(fs.f[0].name, "Subject") == 0 &&
	    strcmp(fs.f[0].value, " x") == 0,
	    "obsolete WSP before the colon (RFC 5322 4.5.8)");
	fields_free(&fs);

	scan(S("A: 1\r\nB: 2\r\n"), &fs, &body);
	ok(fs.n == 2 && body == 12, "no blank line: body at EOF");
	fields_free(&fs);
	scan(S("A: 1"), &fs, &body);
	ok(fs.n == 1 && fs.f[0].len == 4 && body == 4 &&
	    strcmp(fs.f[0].value, " 1") == 0, "header-only, no final CRLF");
	fields_free(&fs);
	scan(S("A: 1\r\n B\r\n"), &fs, &body);
	ok(fs.n == 1 && fs.f[0].len == 10 && body == 10 &&
	    strcmp(fs.f[0].value, " 1 B") == 0, "header-only, folded");
	fields_free(&fs);
	scan(S("A: 1\r\nnot a header\r\nB: 2\r\n"), &fs, &body);
	ok(fs.n == 1 && body == 6, "a non-field line starts the body");
	fields_free(&fs);
	scan(S("A: 1\r\nnocolon"), &fs, &body);
	ok(fs.n == 1 && body == 6, "a non-field last line is body");
	fields_free(&fs);
	scan(S("A: x\ry\r\n\r\n"), &fs, &body);
	ok(fs.n == 1 && strcmp(fs.f[0].value, " x\ry") == 0 && body == 10,
	    "a CR inside a value is kept");
	fields_free(&fs);
	scan(S("A: 1\r\n\rB\r\n"), &fs, &body);
	ok(fs.n == 1 && body == 6, "a line starting with CR is body");
	fields_free(&fs);

	memset(&fs, 0, sizeof(fs));
	fs.stop_at = 1;
	fd = mkfile(S(simple));
	ok(hdr_scan(fd, collect, &fs, &body) == -1 && fs.n == 1,
	    "callback -1 stops the scan");
	fields_free(&fs);
	if (lseek(fd, 5, SEEK_SET) == -1)
		abort();
	hdr_scan(fd, collect, &fs, &body);
	is_int(lseek(fd, 0, SEEK_CUR), 5, "the file offset is not moved");
	fields_free(&fs);
	close(fd);
	ok(hdr_scan(-1, collect, &fs, &body) == -1 && errno == EBADF,
	    "read error: -1");

	/*
	 * The 64 KiB read block boundary falling on every octet of the
	 * line ends, the fold and the empty line.
	 */
	bad = 0;
	for (L = 65530; L <= 65545; L++) {
		memset(&b, 0, sizeof(b));
		buf_add(&b, "X: ", 3);
		buf_addc(&b, 'v', L - 3);
		buf_add(&b, S(tail));
		rc = scan(b.p, b.len, &fs, &body);
		if (rc != 0 || fs.n != 2 || fs.f[0].valuelen != L ||
		    fs.f[0].len != (off_t)L + 6 ||
		    fs.f[1].off != (off_t)L + 6 ||
		    strcmp(fs.f[1].value, " z") != 0 ||
		    body != (off_t)b.len - 4) {
			bad++;
			printf("# boundary L=%zu rc %d n %d\n", L, rc, fs.n);
		}
		fields_free(&fs);
		free(b.p);
	}
	ok(bad == 0, "CRLF, fold and empty line at a block boundary");
}

/* A one-line field of exactly r octets, CRLF included. */
static void
field_raw(struct buf *b, size_t r)
{
	buf_add(b, "Y:", 2);
	buf_addc(b, 'r', r - 4);
	buf_add(b, "\r\n", 2);
}

/* Build a field whose unfolded form has exactly u octets. */
static void
field_of(struct buf *b, size_t u)
{
	size_t	have = 2, k;

	buf_add(b, "X:", 2);
	while (have < u) {
		buf_add(b, "\r\n ", 3);
		have++;
		k = u - have < 900 ? u - have : 900;
		buf_addc(b, 'f', k);
		have += k;
	}
	buf_add(b, "\r\n", 2);
}

static void
test_hdr_caps(void)
{
	struct fields	 fs;
	struct buf	 b;
	off_t		 body;
	size_t		 n;
	int		 rc;

	memset(&b, 0, sizeof(b));
	field_of(&b, HDR_FIELDMAX);
	n = b.len;
	buf_add(&b, "\r\nbody\r\n", 8);
	rc = scan(b.p, b.len, &fs, &body);
	ok(rc == 0 && fs.n == 1 && fs.f[0].valuelen == HDR_FIELDMAX - 2 &&
	    fs.f[0].len == (off_t)n && body == (off_t)n + 2,
	    "a field of exactly HDR_FIELDMAX octets");
	fields_free(&fs);
	free(b.p);

	memset(&b, 0, sizeof(b));
	field_of(&b, HDR_FIELDMAX + 1);
	buf_add(&b, "\r\nbody\r\n", 8);
	errno = 0;
	rc = scan(b.p, b.len, &fs, &body);
	ok(rc == -1 && errno == E2BIG && fs.n == 0,
	    "a field of HDR_FIELDMAX + 1 octets: E2BIG");
	fields_free(&fs);
	free(b.p);

	/* A header section of exactly HDR_SECTIONMAX octets. */
	memset(&b, 0, sizeof(b));
	while (b.len + 2000 < HDR_SECTIONMAX)
		field_of(&b, 998);
	field_raw(&b, HDR_SECTIONMAX - b.len);
	n = b.len;
	buf_add(&b, "\r\nbody\r\n", 8);
	rc = scan(b.p, b.len, &fs, &body);
	ok(rc == 0 && n == HDR_SECTIONMAX && body == (off_t)n + 2,
	    "a header section of exactly HDR_SECTIONMAX octets");
	fields_free(&fs);
	b.len = n;
	buf_add(&b, "Y: z\r\n\r\n", 8);
	errno = 0;
	rc = scan(b.p, b.len, &fs, &body);
	ok(rc == -1 && errno == E2BIG, "one more field: E2BIG");
	fields_free(&fs);
	b.len = n - 2;
	buf_add(&b, "z\r\n\r\n", 5);
	errno = 0;
	rc = scan(b.p, b.len, &fs, &body);
	ok(rc == -1 && errno == E2BIG, "one more octet: E2BIG");
	fields_free(&fs);
	b.len = n - 2;
	buf_add(&b, "\r\nbody without blank line\r\n", 27);
	rc = scan(b.p, b.len, &fs, &body);
	ok(rc == 0 && body == (off_t)n,
	    "at the cap, then a non-field line: body there");
	fields_free(&fs);
	free(b.p);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_norm_table();
	test_norm_long();
	test_norm_random();
	test_dot();
	test_spool();
	test_hdr();
	test_hdr_caps();
	rmdir(tmpdir);
	return done_testing();
}
