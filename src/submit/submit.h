/*
 * The submission pipeline: what happens to a message between the
 * caller's request (argv and standard input, a -bs transaction, a
 * maildrop file) and the wire. Every mode that submits a message (direct
 * send, -bs, -bv, --pretend, the maildrop pickup) calls it, so that the
 * envelope, the aliases, the qualification of local names, the header
 * policy and Bcc handling are decided here and nowhere else (bote.1,
 * RECIPIENTS AND SENDER; bote.conf(5), the header directives).
 */
#ifndef BOTE_SUBMIT_H
#define BOTE_SUBMIT_H

#include <stddef.h>
#include <sys/types.h>

#include "base/outcome.h"
#include "conf/account.h"
#include "msg/addr.h"
#include "msg/headers.h"
#include "msg/msg.h"
#include "msg/outmsg.h"
#include "submit/aliases.h"

/* What the caller asks for. */
struct submit_req {
	const char	 *sender;	/* -f, -r, MAIL FROM; NULL: none */
	char *const	 *rcpts;	/* each may be a comma list */
	size_t		  nrcpts;
	int		  read_rcpts;	/* -t: To, Cc, Bcc (or Resent-*) */
	const char	 *fullname;	/* -F, or NULL */
	const struct aliases *aliases;	/* the account's, or NULL */
	/*
	 * Another local user submitted it (the maildrop): trace set adds
	 * a Received field naming trace_uid and its user, as Postfix's
	 * pickup does.
	 */
	int		  trace;
	long long	  trace_uid;
};

/* The envelope and the message as it goes out. */
struct submission {
	char		  sender[ADDR_MAX + 1];	/* "" for the null sender */
	struct addrlist	  rcpts;
	struct outmsg	  out;		/* prefix + spool - left out */
};

struct submission *submission_new(void);
void		   submission_free(struct submission *);	/* NULL: no-op */

/*
 * The envelope alone (-bv): the sender from req or the account, the
 * argument recipients, aliases, qualification, every address checked.
 * Returns 0, or -1 with *o (OUT_DATAERR, OUT_USAGE, OUT_CONFIG,
 * OUT_OSERR) and o->why in words for the user.
 */
int	submit_envelope(const struct submit_req *, const struct account *,
	    struct submission *, struct outcome *o);

/*
 * The whole pipeline over a spooled message: the header scanned, the
 * envelope built (with -t, from the header too), the header policy
 * applied (Date, Message-ID, From, To added; Bcc left out). The
 * submission then describes exactly the bytes to send. Returns 0, or -1
 * with *o as for submit_envelope().
 */
int	submit_prepare(const struct submit_req *, const struct account *,
	    struct msg *, struct submission *, struct outcome *o);

/*
 * --read-envelope-from (msmtp's): the first address of the From field
 * of the spooled message in fd into buf, as it stands (unqualified
 * when it is). Returns 0, or -1 with *o: OUT_USAGE when there is no
 * From field or it holds no address, OUT_DATAERR when the address is
 * over ADDR_MAX octets or the header over its caps.
 */
int	submit_header_sender(int fd, char *buf, size_t sz,
	    struct outcome *o);

#endif
