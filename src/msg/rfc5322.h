/*
 * Header scanning over a spooled (normalised, CRLF) message: finds the end
 * of the header section, unfolds each field and reports it to a callback,
 * so policy code (-t, Bcc removal, missing Date/Message-ID/From) never
 * parses bytes itself.
 */
#ifndef BOTE_RFC5322_H
#define BOTE_RFC5322_H

#include <stddef.h>
#include <sys/types.h>

#define HDR_FIELDMAX	(256 * 1024)	/* one unfolded field, octets */
#define HDR_SECTIONMAX	(4 * 1024 * 1024) /* the whole header section */

struct hdr_field {
	const char	*name;		/* not NUL-terminated */
	size_t		 namelen;
	const char	*value;		/* unfolded: CRLF removed, not trimmed */
	size_t		 valuelen;
	off_t		 off;		/* offset of the field in the file */
	off_t		 len;		/* length including the final CRLF */
};

/*
 * Called once per header field, in order. Return 0 to go on, -1 to stop
 * (hdr_scan() then returns -1).
 */
typedef int (*hdr_cb)(void *arg, const struct hdr_field *);

/*
 * Scan the header section of the message in fd from offset 0 (pread, the
 * file offset is not moved). *body_off receives the offset of the first
 * body byte (after the empty line), or the file size when there is no
 * empty line. A first line that is not a header field (no colon, or a
 * continuation line) means there is no header: *body_off = 0.
 * Returns 0, or -1 on a read error, a callback's -1, or a field or
 * section over its cap (errno E2BIG).
 */
int	hdr_scan(int fd, hdr_cb cb, void *arg, off_t *body_off);

#endif
