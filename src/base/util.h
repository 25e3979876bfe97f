#ifndef BOTE_UTIL_H
#define BOTE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Milliseconds on the monotonic clock. */
int64_t	now_ms(void);

/* Milliseconds left until deadline (>= 0); -1 means no deadline. */
int	ms_left(int64_t deadline);

/*
 * The length of the well-formed UTF-8 sequence at s (n octets left), or
 * 0 when there is none (RFC 3629 4: no overlong forms, no surrogates,
 * nothing past U+10FFFF).
 */
size_t	utf8_len(const unsigned char *s, size_t n);

/* How many octets of s[0..n) are 8-bit (>= 0x80): 0 for ASCII. */
size_t	count8(const char *s, size_t n);

/*
 * Copy len bytes of src into dst (size dstsz, always terminated) for
 * display: control characters (below 0x20, 0x7f, and the C1 controls,
 * raw or UTF-8 encoded) become '?'. With allow8, well-formed UTF-8 is
 * kept and every other octet >= 0x80 becomes '?'; without it, every
 * octet >= 0x80 does. Returns 0, or -1 when it had to truncate (never
 * inside a UTF-8 sequence).
 */
int	sanitize(char *dst, size_t dstsz, const char *src, size_t len,
	    int allow8);

/*
 * sanitize() with allow8 for a server reply whose lines are joined by
 * LF (outcome.h): shown as one line, each LF as "; ".
 */
int	sanitize_line(char *dst, size_t dstsz, const char *src, size_t len);

/* strlcpy/snprintf wrappers that return -1 on truncation, 0 otherwise. */
int	xstrlcpy(char *dst, const char *src, size_t dstsz);
int	xsnprintf(char *dst, size_t dstsz, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* strdup of n bytes; NULL on failure. */
char	*xstrndup(const char *s, size_t n);

/* Wipe and free a NUL-terminated secret; NULL is a no-op. */
void	secret_free(char *s);


/*
 * Set by the driver's signal handler to the signal's number (SIGTERM,
 * SIGINT, SIGHUP): every wait in the engine gives up when it sees it
 * non-zero, so no end-of-data goes out after a signal.
 */
#include <signal.h>
extern volatile sig_atomic_t bote_interrupted;

/*
 * Format a reason into why[0..whylen) for the caller to show; a reason
 * longer than the buffer keeps its start. why may be NULL.
 */
void	whyf(char *why, size_t whylen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * A growing NUL-terminated string with a cap (DESIGN rule 3). Once an
 * add fails, err says why (ENOMEM, or E2BIG past max) and later adds do
 * nothing, so a caller checks once at the end. Free p when done.
 */
struct sbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* octets it may hold */
	int	 err;
};

void	sbuf_init(struct sbuf *, size_t max);
int	sbuf_add(struct sbuf *, const void *s, size_t n);
int	sbuf_addf(struct sbuf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* A trace callback (smtp.h TRACE_*) and one formatted line for it. */
typedef void (*trace_fn)(void *arg, int dir, const char *line, size_t len);
void	tracef(trace_fn cb, void *arg, int dir, const char *fmt, va_list ap)
	    __attribute__((format(printf, 4, 0)));

#endif
