/*
 * The server side of an SMTP dialogue (RFC 5321) with a local caller on a
 * pair of descriptors: what "sendmail -bs" speaks. Each message the caller
 * completes is spooled (msg.h) and handed to a relay callback; the reply
 * to end-of-data is the one the callback gives.
 */
#ifndef BOTE_SMTPD_H
#define BOTE_SMTPD_H

#include <stddef.h>
#include <sys/types.h>

#include "base/outcome.h"

struct msg;

#define SMTPD_LINEMAX	1000	/* RFC 5321 4.5.3.1.6, with the CRLF */
#define SMTPD_RCPTMAX	1000	/* recipients in one transaction */
#define SMTPD_SIZEMAX	((off_t)100 * 1024 * 1024) /* advertised SIZE */
#define SMTPD_IDLE_MS	(5 * 60 * 1000)	/* wait for one command or line */
#define SMTPD_ERRMAX	20	/* error replies before 421 and close */
#define SMTPD_TEXTMAX	512	/* text of one reply */

/* The reply to end-of-data that the relay callback chooses. */
struct smtpd_reply {
	int	code;			/* 2yz, 4yz or 5yz */
	char	enh[16];		/* "x.y.z" with x the code's class */
	char	text[SMTPD_TEXTMAX];	/* one line; sanitised when sent */
};

struct smtpd_opts {
	int		 infd;		/* commands and data from the caller */
	int		 outfd;		/* replies to the caller */
	const char	*hostname;	/* in the greeting and EHLO reply */
	const char	*spool_dir;
	int		 idle_ms;	/* 0: SMTPD_IDLE_MS */
	off_t		 size_max;	/* 0: SMTPD_SIZEMAX */
	/*
	 * Relay one message: sender is "" for the null sender, m is
	 * rewound to its first byte. Must fill r; a code outside 200..599
	 * is answered with 451 4.3.0.
	 */
	void		(*relay)(void *arg, const char *sender,
			    char *const *rcpts, size_t nrcpts, struct msg *m,
			    struct smtpd_reply *r);
	void		*relay_arg;
	/* Every command received and reply line sent (no message text). */
	void		(*trace)(void *arg, int dir, const char *line,
			    size_t len);
	void		*trace_arg;
};

/* How the session ended. */
enum smtpd_end {
	SMTPD_QUIT = 0,		/* the caller said QUIT */
	SMTPD_EOF,		/* the caller closed its side */
	SMTPD_TIMEOUT,		/* no command or data within idle_ms */
	SMTPD_ERRORS,		/* SMTPD_ERRMAX error replies */
	SMTPD_IOERR,		/* a read or write failed */
	SMTPD_SIGNAL,		/* bote_interrupted */
	SMTPD_NOMEM		/* a resource failure */
};

struct smtpd_result {
	enum smtpd_end	 end;
	int		 in_txn;	/* ended inside MAIL..end-of-data */
	unsigned long	 relayed;	/* end-of-data answered 2yz */
	unsigned long	 refused;	/* end-of-data answered 4yz or 5yz */
	char		 why[OUTCOME_WHYMAX];	/* for SMTPD_IOERR, NOMEM */
};

/* Run one session to its end. Returns 0 after QUIT, else -1. */
int	smtpd_run(const struct smtpd_opts *, struct smtpd_result *);

#endif
