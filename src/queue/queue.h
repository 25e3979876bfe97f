/*
 * The queue: messages bote owns after a temporary failure (or -odq,
 * -odb), kept on disk so that an exit status of 0 is never a lie
 * (bote.1, QUEUE). One directory per queue:
 *
 *	DIR/tmp/	spool files and control files being written
 *	DIR/q/ID.msg	the message, spool form (msg.h), never rewritten
 *	DIR/q/ID.ctl	the control file: envelope, account, attempts, ...
 *	DIR/failed/	entries given up on (too old, or refused for good)
 *
 * An entry exists once its control file does; the message file is linked
 * (or copied) and fsync'd first, the control file is written to tmp/,
 * fsync'd and renamed into q/, and q/ is fsync'd. Whoever holds the
 * flock(2) on ID.msg (never replaced, unlike the control file) owns the
 * entry: it alone sends, updates or removes it.
 */
#ifndef BOTE_QUEUE_H
#define BOTE_QUEUE_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "base/outcome.h"
#include "msg/outmsg.h"

#define QUEUE_IDLEN	16		/* hex digits: 8 of time, 8 random */
#define QUEUE_CTLMAX	(4 * 1024 * 1024) /* control file size cap */
#define QUEUE_RCPTMAX	10000		/* recipients per entry */
#define QUEUE_PREFIXMAX	(256 * 1024)	/* added header octets */
#define QUEUE_ERRMAX	1024		/* last error, octets */
#define QUEUE_ORPHAN_AGE 3600		/* seconds before debris is swept */

/* Backoff: 5 minutes after the first failure, doubling, 4 hours at most. */
#define QUEUE_BACKOFF_MIN	300
#define QUEUE_BACKOFF_MAX	(4 * 3600)

#define QUEUE_CONFMAX	16		/* configuration files per entry */
#define QUEUE_OVRMAX	64		/* command-line overrides */

/*
 * The configuration a message was submitted under (bote.1, QUEUE): the
 * files read, in order, as absolute names, and the command line's
 * overrides ("directive=value", as --port=2525 set them). A queue run
 * reads those files again, so that a message is never handed to another
 * file's account of the same name. Both empty: an entry written before
 * bote recorded them, delivered with the configuration of the run.
 */
struct qconf {
	char		**files;
	size_t		  nfiles;
	char		**ovr;
	size_t		  novr;
};

/* One entry's control data. */
struct qent {
	char		  id[QUEUE_IDLEN + 1];
	char		 *account;	/* the account's name */
	struct qconf	  conf;		/* where that account is defined */
	char		 *sender;	/* "" for the null sender */
	char		**rcpts;
	size_t		  nrcpts;
	long long	  created;	/* seconds since the epoch */
	long long	  next;		/* next attempt due */
	unsigned int	  attempts;
	char		 *error;	/* last error, or NULL */
	int		  maybe_sent;	/* lost after end-of-data once */
	long long	  sending;	/* an attempt began then; 0: none */
	int		  held;		/* held (--hold): never sent */
	/*
	 * What goes out: size, eightbit, the prefix and the ranges left
	 * out (up to OUTMSG_SKIPMAX, as many as a send may have); fd is
	 * -1 here, the message file's once the entry is locked.
	 */
	struct outmsg	  out;
	int		  dsn_notify;	/* DSN_* bits */
	int		  dsn_return;	/* enum dsn_return */
	char		 *envid;	/* or NULL */
	long long	  uid;		/* who submitted it; -1 unknown */
};

void	qent_init(struct qent *);
void	qent_free(struct qent *);	/* the members; the struct stays */

/* Duplicate a string into e (sender, account, error...); -1 on ENOMEM. */
int	qent_set(char **field, const char *s, size_t len);
int	qent_add_rcpt(struct qent *, const char *);

/*
 * Add a file (absolute name) or an override to c: 0, or -1 with errno
 * (ENOMEM; E2BIG over QUEUE_CONFMAX or QUEUE_OVRMAX; EINVAL for a file
 * name that is not absolute, an override without '=').
 */
int	qconf_add_file(struct qconf *c, const char *path);
int	qconf_add_ovr(struct qconf *c, const char *directive,
	    const char *value);
/* Append src's files and overrides to dst; -1 with errno as above. */
int	qconf_copy(struct qconf *dst, const struct qconf *src);
void	qconf_free(struct qconf *c);
/* Whether a and b name the same files and overrides, in order. */
int	qconf_same(const struct qconf *a, const struct qconf *b);

/*
 * The control file text: "key value" lines, every value escaped so that
 * it is one printable token (%XX for anything outside 0x21..0x7e and
 * for '%'). Returns 0 with *buf (malloc'd) and *len, or -1 (ENOMEM).
 */
int	qent_format(const struct qent *, char **buf, size_t *len);

/*
 * Parse a control file; fills e (qent_init() first). Returns 0, or -1
 * with why set: an unknown key, a bad value, a missing field or a cap
 * exceeded.
 */
int	qent_parse(struct qent *e, const char *buf, size_t len, char *why,
	    size_t whylen);

/* Seconds to wait after the attempts-th failed attempt (>= 1). */
long long queue_backoff(unsigned int attempts);

/* Escape / unescape one value (exposed for the unit tests). */
char	*queue_escape(const char *s, size_t len);
char	*queue_unescape(const char *s, size_t len, size_t *outlen);

/* Whether s looks like a queue id (QUEUE_IDLEN hex digits). */
int	queue_valid_id(const char *s);

struct queue;
struct qlock;

/*
 * Open the queue in dir, creating it and its subdirectories (mode 0700)
 * when create is set. NULL with *o (OUT_TEMPLOCAL, OUT_OSERR) on error.
 */
struct queue	*queue_open(const char *dir, int create, struct outcome *o);
void		 queue_close(struct queue *);
const char	*queue_dir(const struct queue *);
/*
 * --batch: entries added from now on are not fsync'd one by one;
 * queue_sync() makes them all durable at once (syncfs(2)), and must
 * come before any of them is sent or said to be queued. 0, or -1 with
 * *o (OUT_TEMPLOCAL).
 */
void		 queue_defer_sync(struct queue *);
int		 queue_sync(struct queue *, struct outcome *o);
/* Where spool files go, so that they can be linked into q/. */
const char	*queue_tmpdir(const struct queue *);

/*
 * Add the message in msgfd (spool form, e->out.size octets) with the
 * control data e; e->id is chosen here. Durable on return 0; -1 with *o
 * (OUT_TEMPLOCAL when the disk is full or the queue unwritable).
 */
int	queue_add(struct queue *, int msgfd, struct qent *e,
	    struct outcome *o);

/*
 * The ids of the entries (control file present), sorted (oldest first);
 * *ids is a malloc'd vector of malloc'd strings (queue_ids_free).
 * failed selects the failed area. -1 with *o on error.
 */
int	queue_ids(struct queue *, int failed, char ***ids, size_t *n,
	    struct outcome *o);
void	queue_ids_free(char **, size_t);

/*
 * Read an entry without locking it (listing). -1 with errno ENOENT when
 * it is gone, else -1 with why.
 */
int	queue_read(struct queue *, int failed, const char *id,
	    struct qent *e, char *why, size_t whylen);

/*
 * Lock an entry and read it. NULL with *busy set when another process
 * holds it, NULL with *busy clear when it is gone or unreadable (why).
 */
struct qlock	*queue_lock(struct queue *, const char *id, struct qent *e,
		    int *busy, char *why, size_t whylen);
int		 qlock_fd(const struct qlock *);	/* the message */
void		 queue_unlock(struct qlock *);		/* NULL: no-op */

/* Replace the entry's control file with e (crash-safe). */
int	queue_update(struct queue *, const struct qent *e,
	    struct outcome *o);
/* Delivered: remove the entry (then queue_unlock). */
int	queue_remove(struct queue *, const char *id, struct outcome *o);
/* Move the entry to failed/, with e as its control data. */
int	queue_fail(struct queue *, const struct qent *e, struct outcome *o);

/*
 * Remove debris older than QUEUE_ORPHAN_AGE: message files with no
 * control file (a crash during queue_add, after the link) and tmp/
 * files. Best effort.
 */
void	queue_sweep(struct queue *, time_t now);

#endif
