/*
 * The message as bote holds it: standard input is read once into a private
 * spool file, normalised (CRLF line endings, stray CR as a space, lines over
 * 998 octets broken with CRLF SP), and later streamed out dot-stuffed.
 * Memory use never depends on the message size.
 */
#ifndef BOTE_MSG_H
#define BOTE_MSG_H

#include <stddef.h>
#include <sys/types.h>

#include "base/outcome.h"

#define MSG_LINEMAX	998	/* RFC 5322 2.1.1, without the CRLF */

/* norm_init() flags. */
#define NORM_DOTEND	0x01	/* a line of a single "." ends the input */
#define NORM_KEEPFROM	0x02	/* keep a leading "From " line (SMTP input) */

/*
 * An upper bound of what norm_feed() writes for n input bytes: a long
 * line's tail held back by an earlier call may come out with them.
 */
#define NORM_OUTMAX(n)	(3 * (n) + 16 + MSG_LINEMAX)
/* What norm_finish() writes at most. */
#define NORM_FINMAX	(16 + MSG_LINEMAX)

/*
 * Streaming normaliser from caller bytes to the spool form.
 * - CRLF and a lone LF end a line; both become CRLF.
 * - A CR not followed by LF becomes a space (no SMTP smuggling).
 * - A line longer than MSG_LINEMAX octets is broken: with CRLF before
 *   its last blank (SP or HTAB) that fits and follows a non-blank, so
 *   that the blank starts the continuation (header folding, RFC 5322
 *   2.2.3), else with CRLF SP; never inside a UTF-8 sequence.
 * - A leading mbox "From " line is dropped, unless NORM_KEEPFROM.
 * - With NORM_DOTEND, a line that is exactly "." ends the input; the
 *   rest is ignored (done is set).
 * - A NUL byte is an error (nul is set and norm_feed() returns -1).
 * - The output always ends with CRLF (norm_finish() adds it when needed).
 */
struct norm {
	int		flags;
	int		state;		/* private */
	size_t		linelen;	/* octets in the current output line */
	char		pend[8];	/* held-back bytes (private) */
	size_t		npend;
	int		done;		/* a lone "." ended the input */
	int		nul;		/* a NUL byte was seen */
	unsigned long	broken;		/* long lines broken so far */
	unsigned long	lines;		/* lines written so far */
	int		eightbit;	/* a byte >= 0x80 was seen */
	/*
	 * The current line from its last blank that may start a
	 * continuation, not written yet (private): a long line is broken
	 * there.
	 */
	char		hold[MSG_LINEMAX];
	size_t		nhold;
	int		seen;		/* a non-blank on this line (private) */
};

void	norm_init(struct norm *, int flags);

/*
 * Consume in[0..inlen); append at most NORM_OUTMAX(inlen) bytes to out and
 * store their count in *outlen. Returns 0, or -1 when a NUL byte was seen.
 * Input after done is ignored.
 */
int	norm_feed(struct norm *, const char *in, size_t inlen, char *out,
	    size_t *outlen);

/*
 * End of input: flush held bytes and end with CRLF. out needs
 * NORM_FINMAX bytes.
 */
void	norm_finish(struct norm *, char *out, size_t *outlen);

/*
 * Streaming dot-stuffer from spool form to the DATA wire form (RFC 5321
 * 4.5.2): a line that starts with "." gets another "." in front. The
 * input is assumed normalised (every line ends with CRLF).
 */
struct dotstuff {
	int	bol;		/* at the beginning of a line */
};

void	dot_init(struct dotstuff *);
/* out must hold 2 * inlen bytes; returns the number written. */
size_t	dot_feed(struct dotstuff *, const char *in, size_t inlen, char *out);
/* The end-of-data marker to append: ".\r\n" (3 bytes). */
#define DOT_END		".\r\n"

/* A spooled message. */
struct msg;

/*
 * Read infd to EOF (or the lone-dot line with NORM_DOTEND) into a new
 * spool file in dir, mode 0600, opened with O_TMPFILE so it has no name
 * until it is linked into a queue (falls back to mkstemp + unlink).
 * On failure fills *o (OUT_IOERR for a read error, OUT_TEMPLOCAL when the
 * spool cannot be written, OUT_DATAERR for a NUL byte) and returns NULL.
 */
struct msg	*msg_spool(int infd, const char *dir, int flags,
		    struct outcome *o);

/*
 * The same spool fed by the caller instead of read from a descriptor
 * (the -bs server): msg_begin() creates the spool and a normaliser with
 * flags, msg_feed() normalises and writes in[0..len), msg_end() flushes
 * the normaliser and rewinds. Each fails like msg_spool(); after a
 * failure only msg_free() may follow.
 */
struct msg	*msg_begin(const char *dir, int flags, struct outcome *o);
int		 msg_feed(struct msg *, const char *in, size_t len,
		    struct outcome *o);
int		 msg_end(struct msg *, struct outcome *o);
void		 msg_free(struct msg *);
int		 msg_fd(const struct msg *);
off_t		 msg_size(const struct msg *);	/* spool form, octets */
unsigned long	 msg_broken(const struct msg *); /* long lines broken */
int		 msg_eightbit(const struct msg *);

#endif
