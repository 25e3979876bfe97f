/*
 * Private to the SMTP client: the session, its states and the helpers
 * every state uses. smtp.c holds the machine and the session set-up,
 * smtp_auth.c the AUTH exchange, smtp_tx.c the mail transaction.
 */
#ifndef BOTE_SMTP_INT_H
#define BOTE_SMTP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "base/outcome.h"
#include "smtp/reply.h"
#include "smtp/smtp.h"

struct sasl;

/* RFC 5321 4.5.3.2 timeouts, in seconds. */
#define T_GREETING	300
#define T_MAIL		300
#define T_RCPT		300
#define T_DATA		120
#define T_BLOCK		180
#define T_EOD		600
#define T_OTHER		300
/* Not in RFC 5321: connection set-up. */
#define T_CONNECT	120
#define T_HANDSHAKE	120
/* QUIT is sent, not waited for; the flush gets a short grace. */
#define T_QUIT		5

/*
 * A command line bote sends. SASL responses are the long ones: RFC 4954
 * section 4 has servers take 12288 octets (OAuth tokens need them).
 */
#define CMDMAX		12288
/* A path as sent (RFC 5321 4.5.3.1.3 allows 256; A-labels may grow). */
#define PATHMAX		1024

enum state {
	S_CONNECT,
	S_HANDSHAKE,
	S_GREETING,
	S_EHLO,
	S_STARTTLS,
	S_AUTH,
	S_READY,	/* open: a transaction may start */
	S_ENVELOPE,
	S_BODY,
	S_EOD,
	S_VERIFY,
	S_RSET,
	S_FAIL
};

/* The replies one group of commands is owed, in the order they come. */
struct group {
	int	auth;			/* lazy AUTH */
	int	rset;
	int	mail;
	size_t	rcpt0, rcpt1;		/* rcpts[rcpt0..rcpt1) */
	int	data;			/* DATA's 354 */
	int	last;			/* end-of-data or BDAT LAST */
};

/*
 * A transaction started (smtp_tx_start) whose outcome the caller has not
 * taken: what struct smtp holds of the transaction under way, kept while
 * later ones go out, and its outcome once its replies are read (done).
 */
struct ptx {
	struct group	 g;
	int		 failed, accepted, queued, no_dsn;
	struct outcome	 first;
	char *const	*rcpts_in;
	struct outcome	 o;
	int		 done, rc;
};

struct smtp {
	const struct smtp_opts	*opts;
	/* The transaction under way (smtp_tx, smtp_verify). */
	char			*sender;	/* as sent (A-labels, ...) */
	char			**rcpts;	/* as sent */
	char *const		*rcpts_in;	/* as given, for messages */
	size_t			 nrcpts;
	const struct outmsg	*body;
	const struct outmsg	*dkim_src;	/* the message signed, */
	struct outmsg		*dkim_out;	/* as signed (dkim.h) */
	int			 utf8;		/* MAIL gets SMTPUTF8 */
	smtp_verdict_cb		 verdict;	/* set: -bv, no DATA */
	void			*verdict_arg;
	struct outcome		*o;		/* where failures go */
	struct outcome		 own;		/* o while closing */
	struct io		*io;
	struct caps		 caps;
	struct reply		 r;
	int			 tls_active;
	int			 in_data;	/* the server is taking DATA */
	int			 quit_ok;	/* QUIT may be sent */
	int			 tls_begun;	/* a STARTTLS handshake began */
	int			 no_dsn;	/* DSN asked for, not offered */
	int			 broken;	/* no transaction may follow */
	int			 opened;	/* failover_s no longer applies */
	int			 need_rset;	/* RFC 5321 4.1.1.5 */
	int			 queued;	/* this transaction sent a command */
	int			 lazy_auth;	/* AUTH may join the first group */
	int			 auth_pending;	/* its reply is still due */
	struct sasl		*sasl;		/* the AUTH exchange */
	const char		*authed;	/* the mechanism 235 ended */
	char			*token;		/* OAuth2: a token from reauth */
	char			*lazy_line;	/* AUTH for the first group */
	char			 lazy_shown[64]; /* the same as traced */
	struct group		 g;		/* replies due, in order */
	int			 failed;	/* a reply refused this transaction */
	int			 accepted;	/* recipients accepted */
	struct outcome		 first;		/* the first refusal */
	/*
	 * Pipelining across transactions (smtp_pipe.c): a ring of the
	 * transactions started and not yet finished, oldest at phead.
	 */
	struct ptx		 pipe[SMTP_PIPE_MAX];
	size_t			 phead, pn;
	int			 more_due;	/* later replies follow this group's */
	int			 lost;		/* no more replies will come: */
	struct outcome		 lost_o;	/* why */
	char			 in[65536];	/* spool blocks */
	char			 out[2 * 65536]; /* the same, dot-stuffed */
};

/* smtp.c: the helpers. */
int64_t		smtp_deadline(struct smtp *, int);
int		smtp_secs(const struct smtp *, int);
void		smtp_trace(struct smtp *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
int		smtp_cmd(struct smtp *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
int		smtp_flush(struct smtp *, enum smtp_phase, int);
int		smtp_reply(struct smtp *, enum smtp_phase, int);
enum state	smtp_refused(struct smtp *, enum smtp_phase, enum outcome_kind,
		    const char *);
int		smtp_no_extra(struct smtp *, const char *);
void		smtp_set_relay(const struct smtp *, struct outcome *);

/* smtp_auth.c */
enum state	st_auth(struct smtp *);
/* Queue the lazy AUTH line (smtp_send) in front of the transaction. */
int		auth_send_lazy(struct smtp *);
/* After 235: 0, or -1 with *o when the server never proved itself. */
int		auth_finish(struct smtp *);

/* smtp.c: a transaction's frame (smtp_tx), for smtp_pipe.c too. */
int		tx_run(struct smtp *, const char *, char *const *, size_t,
		    const struct outmsg *, struct outcome *);
int		tx_begin(struct smtp *, const struct outmsg *, struct outcome *);
void		tx_end(struct smtp *, struct outcome *, int);

/* smtp_tx.c */
int		tx_prepare(struct smtp *, const char *, char *const *, size_t);
int		tx_mail_params(struct smtp *, char *, size_t);
int		tx_rcpt(struct smtp *, size_t);
int		tx_collect(struct smtp *);
int		tx_size_ok(struct smtp *);
void		tx_release(struct smtp *);
enum state	st_envelope(struct smtp *);
enum state	st_body(struct smtp *);
enum state	st_eod(struct smtp *);
enum state	st_verify(struct smtp *);
enum state	st_rset(struct smtp *);

#endif
