/*
 * Header policy: which header fields of a message are transmitted, which
 * ones bote adds (Date, Message-ID, From, To) and how they are written.
 * The directives are msmtp's: set_from_header, set_date_header,
 * set_msgid_header, set_to_header, remove_bcc_headers (bote.conf(5)).
 * Pure functions: the caller supplies the clock, the random Message-ID
 * token and the addresses, so every output can be tested exactly.
 */
#ifndef BOTE_HEADERS_H
#define BOTE_HEADERS_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "msg/outmsg.h"
#include "msg/rfc5322.h"

/*
 * Fields bote may remove: each becomes at most one range left out of
 * what is sent, so the cap is the outgoing message's (outmsg.h).
 */
#define HDR_DROPMAX	OUTMSG_SKIPMAX
#define HDR_NAMEMAX	256		/* display name, octets */
#define HDR_PREFIXMAX	(64 * 1024)	/* all added fields, octets (smtp.c
					   sends them in one block) */
#define HDR_DATEMAX	40		/* "Sun, 22 Nov 2026 15:42:18 +0000" */

/* The fields the policy cares about. */
enum hdr_kind {
	HK_OTHER = 0,
	HK_FROM,
	HK_DATE,
	HK_MSGID,
	HK_TO,
	HK_CC,
	HK_BCC,
	HK_SUBJECT,		/* these five with raw UTF-8 only (hdr_note) */
	HK_SENDER,
	HK_REPLY_TO,
	HK_COMMENTS,
	HK_KEYWORDS,
	HK_RESENT_TO,
	HK_RESENT_CC,
	HK_RESENT_BCC,
	HK_RESENT_OTHER		/* Resent-Date, Resent-From, ... */
};

/* What a first pass over the header found. */
struct hdr_state {
	int		 seen_from;
	int		 seen_date;
	int		 seen_msgid;
	size_t		 nfields;	/* fields so far (ordinals from 0) */
	long		 resent_lo;	/* first Resent-* block [lo, hi); */
	long		 resent_hi;	/* -1: none, or not ended yet */
	struct {
		off_t		 off;
		off_t		 len;
		enum hdr_kind	 kind;
	}		 cand[HDR_DROPMAX]; /* fields the policy may remove */
	size_t		 ncand;
};

/* The account's directives (enum from_header, auto_off, to_header). */
struct hdr_policy {
	int	set_from;
	int	set_date;
	int	set_msgid;
	int	set_to;
	int	remove_bcc;
	int	can_from;	/* an address for a From field is known */
	/*
	 * The message goes without SMTPUTF8 (every local part of the
	 * envelope is ASCII): a field with raw UTF-8 where encoded-words
	 * may stand is sent as RFC 2047 encoded-words instead
	 * (hdr_encode_8bit), so that a later hop without SMTPUTF8 still
	 * shows it.
	 */
	int	encode_8bit;
};

/* Which fields to add: hdr_adds() result bits. */
#define HDR_ADD_DATE	0x01
#define HDR_ADD_MSGID	0x02
#define HDR_ADD_FROM	0x04
#define HDR_ADD_TO	0x08	/* the envelope recipients */
#define HDR_ADD_UNDISC	0x10	/* "To: undisclosed-recipients:;" */

/* What the added fields say. */
struct hdr_gen {
	time_t		  now;
	const char	 *msgid_token;	/* id-left, e.g. 32 hex digits */
	const char	 *msgid_domain;	/* NULL: "localhost" */
	const char	 *from_addr;	/* addr-spec for From */
	const char	 *from_name;	/* raw display name, or NULL */
	char *const	 *rcpts;	/* for HDR_ADD_TO */
	size_t		  nrcpts;
	int		  blank;	/* the message has no header section:
					   end the added fields with CRLF */
};

enum hdr_kind	 hdr_kind(const char *name, size_t len);

void		 hdr_state_init(struct hdr_state *);
/* Note one field (in order). Returns -1 past HDR_DROPMAX candidates. */
int		 hdr_note(struct hdr_state *, const struct hdr_field *);
/*
 * Whether field number ordinal, of that kind, names recipients for -t:
 * To/Cc/Bcc, or when Resent-* fields are present only the Resent-To,
 * Resent-Cc and Resent-Bcc of the first (topmost) Resent block.
 */
int		 hdr_rcpt_field(const struct hdr_state *, size_t ordinal,
		    enum hdr_kind);
/* Whether the directives leave a field of that kind out. */
int		 hdr_drops(const struct hdr_policy *, enum hdr_kind);
/*
 * What becomes of a noted field (hdr_note's cand) of kind k: HDR_DROP
 * (left out, hdr_drops), HDR_ENCODE (left out and sent again in the
 * prefix as hdr_encode_8bit wrote it: encoded says it did and
 * encode_8bit is set) or HDR_KEEP.
 */
#define HDR_KEEP	0
#define HDR_DROP	1
#define HDR_ENCODE	2
int		 hdr_fate(const struct hdr_policy *, enum hdr_kind,
		    int encoded);
/* HDR_ADD_* bits: the fields to add. */
int		 hdr_adds(const struct hdr_policy *, const struct hdr_state *);

/* RFC 5322 3.3 date-time of t in local time with a numeric zone. */
int		 hdr_date(char *buf, size_t sz, time_t t);
/*
 * A display name as an RFC 5322 phrase: control characters become a
 * space (so no name can start a new field), then bare atoms when that
 * is enough, else a quoted-string, or RFC 2047 B encoded-words (UTF-8)
 * separated by CRLF SP when it has bytes >= 0x80. An empty result means
 * no name. Returns -1 when dst is too small or the name too long.
 */
int		 hdr_phrase(char *dst, size_t sz, const char *name);
/*
 * Field f (a Subject with raw UTF-8, as hdr_note() keeps it) as
 * "Name: =?UTF-8?B?...?=" CRLF, encoded-words folded with CRLF SP, in a
 * new buffer (*out, *outlen). -1 on ENOMEM, or when it would not fit in
 * HDR_PREFIXMAX.
 */
struct hdr_field;
int		 hdr_encoded_field(const struct hdr_field *f, char **out,
		    size_t *outlen);
/*
 * Field f, whose value is UTF-8 with raw 8-bit, as a message without
 * SMTPUTF8 sends it: Subject and Comments wholly encoded
 * (hdr_encoded_field); From, Sender, Reply-To, To, Cc and Bcc with the
 * display names (phrases, a group's name) and comments as RFC 2047
 * encoded-words (Q, or B where shorter), the addresses as they were and
 * the address list checked to be the same (addr_parse_list); Keywords
 * with each phrase encoded. The whole field, folded, CRLF at the end,
 * in a new buffer. Returns 1, or 0 when the field goes as written
 * (another kind, not UTF-8, nothing to encode, an address list that
 * does not parse, or too long), -1 on ENOMEM or an unstructured field
 * too long to encode.
 */
int		 hdr_encode_8bit(const struct hdr_field *f, char **out,
		    size_t *outlen);
/* Whether s[0..len) has a byte >= 0x80 and is well-formed UTF-8. */
int		 hdr_utf8_text(const char *s, size_t len);
/* RFC 2047 encoded-words of s, at most 75 octets each, CRLF SP between. */
int		 hdr_encode_words(char *dst, size_t sz, const char *s,
		    size_t len);

/*
 * The fields to add (bits from hdr_adds()) as CRLF lines in a new
 * buffer (*out, *outlen; free(3) it). Returns -1 with why on failure.
 */
int		 hdr_prefix(int adds, const struct hdr_gen *, char **out,
		    size_t *outlen, char *why, size_t whylen);

#endif
