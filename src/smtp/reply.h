/*
 * SMTP replies (RFC 5321 4.2) and EHLO capabilities (RFC 5321 4.1.1.1).
 * A reply is fed line by line (without CRLF) until it is complete.
 */
#ifndef BOTE_REPLY_H
#define BOTE_REPLY_H

#include <stddef.h>

#define REPLY_LINEMAX	2048	/* one reply line, octets, without CRLF */
#define REPLY_LINESMAX	128	/* lines in one reply */
#define REPLY_TEXTMAX	(32 * 1024) /* all text of one reply */

struct reply {
	int	code;		/* 3 digits, 200..599 */
	char	enh[16];	/* "x.y.z" from the first line, or "" */
	char	text[REPLY_TEXTMAX]; /* lines' text joined by '\n', NUL-ended */
	size_t	textlen;
	int	nlines;
	int	done;		/* the last line has been fed */
};

enum reply_err {
	REPLY_OK = 0,
	REPLY_MORE,		/* a continuation line: feed the next one */
	REPLY_BADCODE,		/* not 3 digits in 2xx..5xx, or no SP/-/end */
	REPLY_MISMATCH,		/* a line's code differs from the first */
	REPLY_TOOLONG,		/* over REPLY_LINEMAX, LINESMAX or TEXTMAX */
};

void		reply_init(struct reply *);
/*
 * Feed one line (no CRLF). Returns REPLY_MORE after a "ddd-" line,
 * REPLY_OK when the reply is complete, or an error. Enhanced status codes
 * (RFC 3463) are taken from the first line's text when it starts with
 * "c.s.d " with c equal to the reply's first digit; the text keeps them.
 */
enum reply_err	reply_feed(struct reply *, const char *line, size_t len);

/* EHLO keywords bote uses. */
#define CAP_PIPELINING	0x0001
#define CAP_STARTTLS	0x0002
#define CAP_AUTH	0x0004
#define CAP_SIZE	0x0008
#define CAP_8BITMIME	0x0010
#define CAP_SMTPUTF8	0x0020
#define CAP_DSN		0x0040
#define CAP_CHUNKING	0x0080
#define CAP_ENHANCED	0x0100	/* ENHANCEDSTATUSCODES */

struct caps {
	unsigned	flags;		/* CAP_* */
	unsigned	auth;		/* SASL_BIT(mechanism) offered */
	unsigned long long size;	/* SIZE limit, 0 when none given */
};

/*
 * Parse a complete 250 reply to EHLO: the first line is the greeting,
 * every further line a keyword with parameters (case-insensitive).
 * Unknown keywords are ignored. "AUTH=LOGIN PLAIN" (old form) counts too;
 * the AUTH mechanisms are the ones sasl.h knows (sasl_mech_lookup).
 */
void	caps_parse(const struct reply *, struct caps *);

#endif
