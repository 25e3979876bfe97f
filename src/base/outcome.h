/*
 * The engine's report of what happened. src/ never prints and never exits:
 * it fills one of these, and cli/exitmap.c turns it into a sysexits status
 * (the table in DESIGN.md and bote.1, EXIT STATUS).
 */
#ifndef BOTE_OUTCOME_H
#define BOTE_OUTCOME_H

enum outcome_kind {
	OUT_OK = 0,	/* 2yz to end-of-data */
	OUT_REPLY,	/* the server refused: phase, code, enh, text */
	OUT_TEMP,	/* refused, reset, timed out, DNS try-again, early EOF */
	OUT_TLS,	/* TLS required but not achieved; nothing more sent */
	OUT_MAYBE_SENT,	/* connection lost after end-of-data, before reply */
	OUT_PROTO,	/* malformed reply, unexpected bytes, desync */
	OUT_NOAUTH,	/* AUTH configured but not offered after TLS */
	OUT_NOHOST,	/* the configured host name does not exist */
	OUT_TOOBIG,	/* larger than the server's advertised SIZE */
	OUT_DATAERR,	/* invalid address or message content */
	OUT_USAGE,	/* bad flags, no recipients */
	OUT_CONFIG,	/* configuration missing, unreadable or wrong */
	OUT_IOERR,	/* standard input could not be read */
	OUT_TEMPLOCAL,	/* the local spool cannot be written (disk full) */
	OUT_OSERR,	/* resource failure (memory, descriptors, fork) */
	OUT_SOFTWARE	/* an internal invariant was broken */
};

/* The SMTP step an outcome belongs to. */
enum smtp_phase {
	PH_NONE = 0,
	PH_CONNECT,
	PH_GREETING,
	PH_EHLO,
	PH_STARTTLS,
	PH_TLS,
	PH_AUTH,
	PH_MAIL,
	PH_RCPT,
	PH_DATA,
	PH_EOD,		/* the reply to end-of-data */
	PH_QUIT
};

/*
 * A failure that only a change of configuration can fix (bote.1, EXIT
 * STATUS and QUEUE): while the account has never delivered through that
 * server it fails at once, with a hint, and nothing is queued; after it
 * has, the server changed, and the message waits in the queue.
 */
enum outcome_setup {
	SETUP_NONE = 0,
	SETUP_CERT,	/* certificate not trusted, or not for the host */
	SETUP_TLSMODE,	/* TLS spoken to a STARTTLS port, or the reverse */
	SETUP_AUTH,	/* AUTH refused: 534, 535, 538 (or 5.7.8) */
	SETUP_NOMECH,	/* AUTH not offered, or no mechanism in common */
	SETUP_TOOBIG	/* larger than the server takes */
};

#define OUTCOME_TEXTMAX	1024
#define OUTCOME_WHYMAX	512

struct outcome {
	enum outcome_kind kind;
	enum smtp_phase	 phase;
	int		 code;		/* SMTP reply code, 0 when none */
	char		 enh[16];	/* enhanced status "5.1.1", or "" */
	char		 text[OUTCOME_TEXTMAX];	/* reply text, raw bytes */
	char		 why[OUTCOME_WHYMAX];	/* what the engine saw */
	char		 arg[512];	/* the recipient a RCPT reply is about */
	int		 accepted;	/* recipients accepted so far */
	/* Set by the engine where only it can tell (CERT, TLSMODE). */
	enum outcome_setup setup;
	/*
	 * Not a failure: DSN parameters were asked for (-N, -R, -V or the
	 * account's dsn_*), but the server does not offer DSN, so they
	 * were left out. The engine cannot print; the caller warns.
	 */
	int		 no_dsn;
	/*
	 * The message never left: its transaction was in flight behind one
	 * that ended the session (smtp.h, smtp_tx_start), so the server
	 * never saw it. It may go again at once over a new session.
	 */
	int		 unsent;
	/*
	 * The server this outcome came from, "host:port" (set by the SMTP
	 * client once it connects), or "": which relay delivered or
	 * failed when several are configured (relay failover).
	 */
	char		 relay[280];
};

/*
 * Whether o is worth trying again as it is (DESIGN.md, Exit status: the
 * rows that give 75): a 4yz, a 552 to RCPT after some recipient was
 * accepted, a connection refused, reset or timed out, TLS not achieved,
 * a message that may have gone, a local spool that cannot be written.
 * The exit status is 75 exactly when this is 1 (cli/exitmap.c).
 */
int	outcome_temporary(const struct outcome *o);

/*
 * Which failure only a configuration change can fix o is, if any:
 * o->setup where the engine set it, else what kind, phase and reply
 * say (AUTH refused, AUTH not offered, too large).
 */
enum outcome_setup outcome_setup_class(const struct outcome *o);

/* Fill *o; why is a printf format. Returns -1 so callers can return it. */
int	outcome_set(struct outcome *o, enum outcome_kind kind,
	    enum smtp_phase phase, const char *why, ...)
	    __attribute__((format(printf, 4, 5)));

#endif
