/*
 * A minimal TAP producer for the C unit tests: ok(), is_int(), is_mem(),
 * done_testing(). The exit status is non-zero when any test failed.
 */
#ifndef BOTE_TAP_H
#define BOTE_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static void tap_diag_mem(const char *, const void *, size_t)
    __attribute__((unused));

static void __attribute__((format(printf, 2, 3)))
tap_ok(int cond, const char *fmt, ...)
{
	va_list	ap;

	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%s %d - ", cond ? "ok" : "not ok", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define ok(cond, ...)	tap_ok(!!(cond), __VA_ARGS__)

#define is_int(got, want, ...) do {					\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	tap_ok(g_ == w_, __VA_ARGS__);					\
	if (g_ != w_)							\
		printf("#   got %lld, want %lld\n", g_, w_);		\
} while (0)

static void
tap_diag_mem(const char *what, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t	i;

	printf("#   %s (%zu): \"", what, n);
	for (i = 0; i < n && i < 400; i++) {
		if (s[i] == '\r')
			printf("\\r");
		else if (s[i] == '\n')
			printf("\\n");
		else if (s[i] < 0x20 || s[i] >= 0x7f)
			printf("\\x%02x", s[i]);
		else
			putchar(s[i]);
	}
	printf("%s\"\n", n > 400 ? "..." : "");
}

#define is_mem(got, gotlen, want, wantlen, ...) do {			\
	size_t gl_ = (gotlen), wl_ = (wantlen);				\
	int eq_ = gl_ == wl_ &&						\
	    (gl_ == 0 || memcmp((got), (want), gl_) == 0);		\
	tap_ok(eq_, __VA_ARGS__);					\
	if (!eq_) {							\
		tap_diag_mem("got", (got), gl_);			\
		tap_diag_mem("want", (want), wl_);			\
	}								\
} while (0)

#define is_str(got, want, ...) do {					\
	const char *gs_ = (got), *ws_ = (want);				\
	if (gs_ == NULL || ws_ == NULL) {				\
		tap_ok(gs_ == ws_, __VA_ARGS__);			\
		if (gs_ != ws_)						\
			printf("#   got %s, want %s\n",			\
			    gs_ ? gs_ : "NULL", ws_ ? ws_ : "NULL");	\
	} else								\
		is_mem(gs_, strlen(gs_), ws_, strlen(ws_), __VA_ARGS__);\
} while (0)

/* A string for a test description, control bytes escaped as \xHH. */
static const char *show(const char *) __attribute__((unused));

static const char *
show(const char *s)
{
	static char	buf[512];
	size_t		o = 0;

	for (; *s != '\0' && o + 5 < sizeof(buf); s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o,
			    "\\x%02x", (unsigned char)*s);
		else
			buf[o++] = *s;
	}
	buf[o] = '\0';
	return buf;
}

static int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif
