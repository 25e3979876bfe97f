/*
 * The SMTP client (RFC 5321, submission per RFC 6409), as an explicit
 * state machine (smtp.c): a session that delivers one message to a list
 * of recipients (smtp_send), or several messages one after the other
 * (smtp_open, smtp_tx, smtp_close).
 */
#ifndef BOTE_SMTP_H
#define BOTE_SMTP_H

#include <stddef.h>
#include <sys/types.h>

#include "base/outcome.h"
#include "conf/conf.h"
#include "conf/relays.h"
#include "msg/dkim.h"
#include "msg/outmsg.h"
#include "net/tls.h"

/* Directions for the trace callback. */
#define TRACE_SENT	'>'	/* a command line bote sent */
#define TRACE_RECV	'<'	/* a reply line from the server */
#define TRACE_INFO	'*'	/* what bote is doing (connect, TLS, ...) */

struct smtp_opts {
	const char	*host;
	int		 port;
	int		 tls;		/* TLS required */
	int		 starttls;	/* STARTTLS, else implicit TLS */
	struct tls_opts	 tlso;		/* certificate checks, client cert */
	const char	*helo;		/* EHLO argument */
	enum auth_mode	 auth;
	const char	*user;
	const char	*password;
	int		 timeout_s;	/* 0: RFC 5321 4.5.3.2 values */
	/*
	 * > 0: another relay follows this one (relay failover), so each
	 * wait until the session is open (connect, TLS handshake, greeting,
	 * EHLO, STARTTLS, AUTH) ends after at most this many seconds.
	 */
	int		 failover_s;
	/* RFC 3461, sent only when the server offers DSN. */
	int		 dsn_notify;	/* DSN_* bits; 0: no NOTIFY */
	int		 dsn_return;	/* enum dsn_return */
	const char	*dsn_envid;	/* ENVID before xtext, or NULL */
	const char	*source_ip;	/* local address to connect from */
	int		 ip_version;	/* enum ip_version */
	const char	*proxy_host;	/* net_target's */
	int		 proxy_port;
	const char	*socket;
	/* Called for every line of the dialogue (AUTH data redacted). */
	void		(*trace)(void *arg, int dir, const char *line,
			    size_t len);
	void		*trace_arg;
	/*
	 * Called as the message is written: octets of it written so far
	 * and its size (outmsg_wire_size, before dot-stuffing), once with 0
	 * before the first write, at most every SMTP_PROGRESS_MS while it is
	 * written, and once with the whole size after the last write. NULL:
	 * not called.
	 */
	void		(*progress)(void *arg, off_t done, off_t total);
	void		*progress_arg;
	/*
	 * DKIM (dkim.h): with dkim.domain set, each message is signed
	 * before its transaction, and before the session for smtp_send's
	 * and smtp_open_for's (so SIZE counts the signature); a key that
	 * cannot be loaded then fails it with OUT_CONFIG.
	 */
	struct dkim_opts dkim;
	/*
	 * The first host of the account's host list (relay failover), in
	 * storage of its own: a session that is not failed over (-bs, -bv,
	 * --serverinfo, a bounce) goes to that host.
	 */
	char		 first_host[RELAY_HOSTMAX];
	/*
	 * OAuth2 (conf/oauth.h): password is an access token, and "auth
	 * on" means OAUTHBEARER when offered, else XOAUTH2. When the server
	 * refuses the token, reauth (if set) is asked once for a new one
	 * (*token: a secret the session frees) and AUTH is tried once more
	 * in the same session; -1 with why: no new token; -2 with why: none
	 * now, so the message should wait (the outcome is then OUT_TEMP).
	 */
	int		 oauth2;
	int		(*reauth)(const void *arg, char **token, char *why,
			    size_t whylen);
	const void	*reauth_arg;
};

/* The least interval between two progress calls, in milliseconds. */
#define SMTP_PROGRESS_MS	250

/*
 * Deliver the message m from sender ("" for the null sender) to every
 * recipient: smtp_open, smtp_tx, smtp_close in one (and AUTH PLAIN may
 * then share a round trip with the transaction, RFC 4954 4).
 * All or nothing: a refused recipient means the message is not sent.
 * Returns 0 when the server accepted the message (o->kind == OUT_OK),
 * else -1 with *o saying why.
 */
int	smtp_send(const struct smtp_opts *, const char *sender,
	    char *const *rcpts, size_t nrcpts, const struct outmsg *m,
	    struct outcome *o);

/* An open session: connected, greeted, EHLO'd, TLS'd, authenticated. */
struct smtp;

/*
 * Connect, greet, EHLO, STARTTLS or implicit TLS, EHLO again, AUTH, as
 * smtp_send does. NULL with *o saying why (the same outcome kinds and
 * phases as smtp_send).
 */
struct smtp	*smtp_open(const struct smtp_opts *, struct outcome *o);

/*
 * smtp_open for a session whose first transaction carries first, as
 * smtp_send's does: SIZE is checked before AUTH, and AUTH PLAIN may share
 * the round trip of that transaction (so an AUTH refusal may be told by
 * the first smtp_tx). The next call must be smtp_tx with first; later
 * transactions follow as on any session.
 */
struct smtp	*smtp_open_for(const struct smtp_opts *,
		    const struct outmsg *first, struct outcome *o);

/*
 * One mail transaction on an open session: RSET first when an earlier
 * transaction on this session did not end with 250 to end-of-data (RFC
 * 5321 4.1.1.5), then MAIL, RCPT..., DATA or BDAT. Returns 0 when the
 * server accepted the message, else -1 with *o. After -1, smtp_usable()
 * says whether another transaction may follow on this session (a 5yz to
 * RCPT leaves it usable; a 421, a timeout or a lost connection don't).
 */
int		 smtp_tx(struct smtp *, const char *sender,
		    char *const *rcpts, size_t nrcpts, const struct outmsg *m,
		    struct outcome *o);
int		 smtp_usable(const struct smtp *);

/*
 * Pipelining across transactions (RFC 2920, RFC 3030): smtp_tx_start
 * sends a transaction without waiting for the replies the transactions
 * before it are still owed, and smtp_tx_finish reads the replies of the
 * oldest one started and returns its outcome, in the order they were
 * started, each exactly what smtp_tx would have said of it.
 *
 * With PIPELINING, CHUNKING and one recipient, a transaction (RSET while
 * others are in flight, MAIL, RCPT, BDAT LAST and the message) goes out
 * with no wait at all; without CHUNKING it waits for its own 354 only,
 * which arrives with the end-of-data reply of the one before. Any other
 * transaction (several recipients, all or nothing; no PIPELINING) waits
 * for those before it and then runs as smtp_tx does.
 *
 * When the session fails with transactions in flight (a 421, a lost
 * connection, replies out of step), each of those after the failure is
 * told OUT_TEMP when its message never left, or OUT_MAYBE_SENT when the
 * server had all of it and never answered: none is reported delivered
 * that the server did not accept.
 *
 * sender, rcpts and m must stay as they are until the transaction's
 * smtp_tx_finish; smtp_tx_start may be called while smtp_tx_room() says
 * so, and smtp_tx (the one-at-a-time call) only with none in flight.
 */
#define SMTP_PIPE_MAX	32	/* transactions in flight at most */
void		 smtp_tx_start(struct smtp *, const char *sender,
		    char *const *rcpts, size_t nrcpts, const struct outmsg *m);
int		 smtp_tx_finish(struct smtp *, struct outcome *o);
size_t		 smtp_tx_pending(const struct smtp *);
int		 smtp_tx_room(const struct smtp *);

/*
 * What an open session achieved, for --check: its TLS session (0, or -1
 * when there is none) and the SASL mechanism AUTH succeeded with (NULL:
 * no AUTH was done).
 */
int		 smtp_tls_info(struct smtp *, struct tls_info *);
const char	*smtp_auth_mech(const struct smtp *);

/* QUIT (not waited for) and free; NULL is a no-op. */
void		 smtp_close(struct smtp *);

/* Told the server's answer to RCPT for rcpts[i] (kind OUT_OK: accepted). */
typedef void (*smtp_verdict_cb)(void *arg, size_t i,
    const struct outcome *);

/*
 * -bv: the same session as smtp_send up to RCPT (TLS, AUTH, MAIL FROM
 * from sender), then one RCPT per recipient, each answer passed to
 * verdict in order, then RSET and QUIT; DATA is never sent. Returns 0
 * when every recipient got an answer (o->kind == OUT_OK, whatever the
 * answers were), else -1 with *o saying why the session failed.
 */
int	smtp_verify(const struct smtp_opts *, const char *sender,
	    char *const *rcpts, size_t nrcpts, smtp_verdict_cb verdict,
	    void *arg, struct outcome *o);

#endif
