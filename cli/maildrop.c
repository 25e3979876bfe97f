/*
 * The maildrop (bote.1, MAILDROP): on a shared system the users who may
 * not read the system configuration (it holds the account's secret) drop
 * their message into a world-writable, unreadable, sticky directory, as
 * Postfix's postdrop does; a root bote -q picks each file up, checks it
 * and queues it through the normal submission path with the system
 * account. The dropping side reads no configuration and no secret.
 *
 * A maildrop file is written as t.NAME, fsync'd and renamed to d.NAME;
 * its format is src/queue/dropfile.h's.
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "config.h"

#include "base/crypto.h"
#include "base/util.h"
#include "msg/msg.h"
#include "queue/dropfile.h"
#include "queue/queue.h"
#include "queue/runner.h"

#include "conffiles.h"
#include "maildrop.h"
#include "report.h"
#include "send.h"
#include "session.h"

#define MAILDROP_DEFAULT	"/var/spool/bote/maildrop"
#define MAILDROP_MAX		(64LL * 1024 * 1024)	/* octets per file */
#define MAILDROP_DEBRIS_AGE	86400		/* t.* files left behind */
#define MAILDROP_ACCOUNT	"default"	/* the account it sends with */

/* One pickup: the maildrop, its queue, the configuration. */
struct pickup {
	int		 mdfd;		/* the maildrop directory */
	int		 qfd;		/* the queue directory */
	struct conf	*conf;
	int		 loud;		/* routine notes on stderr too */
};


static const char *user_dir(void);
static int	 put_line(int, const char *, const char *);
static int	 write_all(int, const char *, size_t);
static int	 copy_range(int, off_t, off_t, int);
static void	 pickup_one(const struct pickup *, const char *);
static void	 pickup_parsed(const struct pickup *, const char *, int,
		    const struct stat *, char *, size_t);
static void	 note(const struct pickup *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	 queue_dropped(struct conf *, int, char **, size_t,
		    long long);
static int	 private_copy(int, int, off_t, off_t);
static void	 remove_odd(const struct pickup *, const char *,
		    const struct stat *);
static const char *shown(const char *);
static int	 maildrop_ok(int, const char *);
static int	 fix_dir(const char *, mode_t);
static void	 maildrop_pickup(struct queue *, struct conf *, int);
static void	 set_aside(const struct pickup *, const char *, const char *,
		    uid_t);

/* BOTE_MAILDROP, else the system queue's maildrop. */
static const char *
user_dir(void)
{
	const char	*e = getenv("BOTE_MAILDROP");

	return e != NULL && e[0] == '/' ? e : MAILDROP_DEFAULT;
}

int
maildrop_wanted(const struct args *a)
{
	char		 path[PATH_MAX];
	struct stat	 st;

	if (geteuid() == 0 || a->conf_file != NULL || a->mode != MODE_SEND)
		return 0;
	/* A user configuration of one's own is used as ever. */
	if (conffiles_user(path, sizeof(path)) == 0 &&
	    (access(path, F_OK) == 0 || errno != ENOENT))
		return 0;
	/* The system configuration is readable: no need to drop. */
	if (access(conffiles_system(), R_OK) == 0)
		return 0;
	/* No bote file at all: msmtp's are read instead, if there are any. */
	if (conffiles_msmtp() && (access(conffiles_msmtp_system(),
	    R_OK) == 0 || (conffiles_msmtp_user(path, sizeof(path)) == 0 &&
	    access(path, F_OK) == 0)))
		return 0;
	/* Only a directory set up for it: sticky, writable by all. */
	if (stat(user_dir(), &st) == -1 || !S_ISDIR(st.st_mode) ||
	    (st.st_mode & 01733) != 01733)
		return 0;
	return 1;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
put_line(int fd, const char *key, const char *val)
{
	char	*x = NULL;
	int	 rc;

	if (val != NULL && (x = queue_escape(val, strlen(val))) == NULL)
		return -1;
	rc = write_all(fd, key, strlen(key)) == -1 ||
	    (x != NULL && (write_all(fd, " ", 1) == -1 ||
	    write_all(fd, x, strlen(x)) == -1)) ||
	    write_all(fd, "\n", 1) == -1 ? -1 : 0;
	free(x);
	return rc;
}

/*
 * Copy octets [off, end) of from to to, and not one more: a file the
 * user can still append to is read only as far as it was checked. -1
 * with errno (EIO: it ended early).
 */
static int
copy_range(int from, off_t off, off_t end, int to)
{
	char	buf[65536];
	ssize_t	n;

	while (off < end) {
		n = pread(from, buf, (size_t)(end - off < (off_t)sizeof(buf) ?
		    end - off : (off_t)sizeof(buf)), off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		if (write_all(to, buf, (size_t)n) == -1)
			return -1;
		off += n;
	}
	return 0;
}

int
maildrop_submit(const struct args *a)
{
	struct outcome	 o;
	struct msg	*m = NULL;
	unsigned char	 r[6];
	char		 tname[64], dname[64], nw[64];
	const char	*dir = user_dir();
	size_t		 i;
	int		 dfd = -1, fd = -1, st = EX_TEMPFAIL;

	memset(&o, 0, sizeof(o));
	if (a->nrcpts == 0 && !a->read_rcpts) {
		say("no recipients: give them as arguments, or use -t to read "
		    "them from the message");
		return EX_USAGE;
	}
	if (a->nrcpts + 4 > DROP_ARGMAX) {
		say("too many recipients for the maildrop (at most %d)",
		    DROP_ARGMAX - 4);
		return EX_USAGE;
	}
	if ((m = msg_spool(STDIN_FILENO, spool_dir(), a->ignore_dots ? 0 :
	    NORM_DOTEND, &o)) == NULL) {
		report_outcome(&o);
		return o.kind == OUT_DATAERR ? EX_DATAERR : o.kind ==
		    OUT_IOERR ? EX_IOERR : o.kind == OUT_OSERR ? EX_OSERR :
		    EX_TEMPFAIL;
	}
	if (msg_size(m) > MAILDROP_MAX - DROP_HEADMAX) {
		say("the message is larger than the maildrop takes (%lld "
		    "octets)", MAILDROP_MAX - DROP_HEADMAX);
		msg_free(m);
		return EX_DATAERR;
	}
	if (crypto_random(r, sizeof(r)) == -1) {
		say("cannot get random bytes for a maildrop file name");
		goto out;
	}
	/* At most 34 octets in 64: neither name can be cut. */
	(void)snprintf(tname, sizeof(tname), "t.%ld.%02x%02x%02x%02x%02x%02x",
	    (long)getpid(), r[0], r[1], r[2], r[3], r[4], r[5]);
	/* As long as tname. */
	(void)snprintf(dname, sizeof(dname), "d%s", tname + 1);
	/* Search and write only: the directory cannot be read or synced. */
	if ((dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (fd = openat(dfd, tname, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600)) == -1) {
		say("cannot write into the maildrop %s: %s", dir,
		    strerror(errno));
		goto out;
	}
	if (write_all(fd, DROP_MAGIC, sizeof(DROP_MAGIC) - 1) == -1 ||
	    (a->read_rcpts && put_line(fd, "opt", "-t") == -1) ||
	    (a->sender != NULL && (put_line(fd, "opt", "-f") == -1 ||
	    put_line(fd, "val", a->sender) == -1)) ||
	    (a->fullname != NULL && (put_line(fd, "opt", "-F") == -1 ||
	    put_line(fd, "val", a->fullname) == -1)) ||
	    (a->dsn_notify != -1 && (put_line(fd, "opt", "-N") == -1 ||
	    put_line(fd, "val", conf_dsn_notify_str(a->dsn_notify,
	    nw, sizeof(nw))) == -1)) ||
	    (a->dsn_return != -1 && (put_line(fd, "opt", "-R") == -1 ||
	    put_line(fd, "val", a->dsn_return == DSNRET_FULL ? "full" :
	    a->dsn_return == DSNRET_HDRS ? "hdrs" : "off") == -1)) ||
	    (a->dsn_envid != NULL && (put_line(fd, "opt", "-V") == -1 ||
	    put_line(fd, "val", a->dsn_envid) == -1)))
		goto werr;
	for (i = 0; i < a->nrcpts; i++)
		if (put_line(fd, "rcpt", a->rcpts[i]) == -1)
			goto werr;
	if (write_all(fd, "\n", 1) == -1 ||
	    copy_range(msg_fd(m), 0, msg_size(m), fd) == -1 || fsync(fd) == -1)
		goto werr;
	/*
	 * Renamed only once whole and synced; syncfs(2) makes the name
	 * durable too, since a directory that cannot be opened for reading
	 * cannot be fsync'd.
	 */
	if (renameat(dfd, tname, dfd, dname) == -1 || syncfs(fd) == -1)
		goto werr;
	st = EX_OK;
	if (a->verbose)
		say("dropped into %s for the system to send", dir);
	goto out;
werr:
	say("cannot write into the maildrop %s: %s", dir, strerror(errno));
	(void)unlinkat(dfd, tname, 0);
out:
	if (fd != -1)
		close(fd);
	if (dfd != -1)
		close(dfd);
	msg_free(m);
	return st;
}


/*
 * A routine note of the pickup (queued, left for the next run): the
 * log always, standard error only for a person (-v, a terminal), so
 * that the periodic run says nothing when all is well.
 */
static void
note(const struct pickup *pk, int prio, const char *fmt, ...)
{
	char	buf[1024];
	va_list	ap;

	va_start(ap, fmt);
	/* A note for a person: a long one keeps its start. */
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (pk->loud)
		say_log(prio, "%s", buf);
	else
		syslog_only(prio, "%s", buf);
}

/*
 * Not a regular file (a directory, FIFO, socket, device or symbolic
 * link a user made): removed, never moved into root's failed/ area, and
 * never opened.
 */
static void
remove_odd(const struct pickup *pk, const char *name, const struct stat *st)
{
	int	rc;

	rc = unlinkat(pk->mdfd, name, S_ISDIR(st->st_mode) ? AT_REMOVEDIR : 0);
	say_log(LOG_ERR, "maildrop: %s (uid %ld) %s: not a regular file",
	    shown(name), (long)st->st_uid, rc == 0 ? "removed" : "ignored");
}

/*
 * A file name a user chose, fit for root's terminal, log and cron mail:
 * control bytes (C1 included) shown as '?' (util.h sanitize). The
 * result lasts until the next call.
 */
static const char *
shown(const char *name)
{
	static char	buf[NAME_MAX + 1];

	/* A name longer than NAME_MAX cannot be: the cut is moot. */
	(void)sanitize(buf, sizeof(buf), name, strlen(name), 0);
	return buf;
}

/* A file that will never do: out of the way, into the failed area. */
static void
set_aside(const struct pickup *pk, const char *name, const char *why,
    uid_t uid)
{
	char	aside[PATH_MAX];

	/* A name too long for failed/ is removed instead of cut. */
	if (xsnprintf(aside, sizeof(aside), "failed/maildrop.%s",
	    name) == -1 || renameat(pk->mdfd, name, pk->qfd, aside) == -1)
		(void)unlinkat(pk->mdfd, name, 0);
	say_log(LOG_ERR, "maildrop: %s (uid %ld) refused: %s", shown(name),
	    (long)uid, why);
}

/*
 * One dropped file: checked (a regular file with one link, owned by a
 * user other than root, within the size cap, a well-formed envelope),
 * then queued in this process as "bote -odq" would queue it, so the
 * message goes through the same submission pipeline and header policy
 * as any other, with the system account.
 */
static void
pickup_one(const struct pickup *pk, const char *name)
{
	struct stat	 st;
	char		*head = NULL;
	size_t		 len, n;
	ssize_t		 r;
	int		 fd;

	/* Not even opened unless it is a regular file (a FIFO could block). */
	if (fstatat(pk->mdfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return;
	if (!S_ISREG(st.st_mode)) {
		remove_odd(pk, name, &st);
		return;
	}
	if ((fd = openat(pk->mdfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1 || fstat(fd, &st) == -1) {
		close(fd);
		return;
	}
	/* Swapped for something else since the look: the next run sees. */
	if (!S_ISREG(st.st_mode))
		goto out;
	if (st.st_nlink != 1 || st.st_uid == 0 || st.st_size > MAILDROP_MAX) {
		set_aside(pk, name, st.st_nlink != 1 ? "more than one "
		    "link" : st.st_uid == 0 ? "owned by root" : "too large",
		    st.st_uid);
		goto out;
	}
	len = (size_t)(st.st_size < DROP_HEADMAX ? st.st_size : DROP_HEADMAX);
	if ((head = malloc(len + 1)) == NULL)
		goto out;
	for (n = 0; n < len; n += (size_t)r)
		if ((r = pread(fd, head + n, len - n, (off_t)n)) <= 0)
			break;
	head[n] = '\0';
	pickup_parsed(pk, name, fd, &st, head, n);
out:
	free(head);
	close(fd);
}

/*
 * The dropped file fd (checked as st says; its first n octets in head)
 * with its envelope read: queued as "bote -odq -i FLAGS -- RCPTS" would
 * queue it, then removed, left for the next run or set aside.
 */
static void
pickup_parsed(const struct pickup *pk, const char *name, int fd,
    const struct stat *st, char *head, size_t n)
{
	struct dropenv	 env;
	char		*argv[DROP_ARGMAX + 8], why[64];
	size_t		 argc = 0, i;
	int		 tfd, status;

	if (dropenv_parse(&env, head, n) == -1) {
		set_aside(pk, name, n >= sizeof(DROP_MAGIC) - 1 &&
		    memcmp(head, DROP_MAGIC, sizeof(DROP_MAGIC) - 1) == 0 ?
		    "a malformed envelope" : "not a maildrop file", st->st_uid);
		return;
	}
	/* Options first, then "--" and the recipients. */
	argv[argc++] = (char *)"bote";
	argv[argc++] = (char *)"-odq";
	argv[argc++] = (char *)"-i";
	for (i = 0; i < env.nflags; i++)
		argv[argc++] = env.flags[i];
	argv[argc++] = (char *)"--";
	for (i = 0; i < env.nrcpts; i++)
		argv[argc++] = env.rcpts[i];
	argv[argc] = NULL;
	/* The user may still write to fd: read what was checked, once. */
	if ((tfd = private_copy(pk->qfd, fd, (off_t)env.body_off,
	    st->st_size)) == -1) {
		if (errno == EIO)
			set_aside(pk, name, "it changed while it was "
			    "read", st->st_uid);
		else
			note(pk, LOG_WARNING, "maildrop: %s (uid %ld) left "
			    "for the next run: %s", shown(name), (long)st->st_uid,
			    strerror(errno));
		dropenv_free(&env);
		return;
	}
	status = queue_dropped(pk->conf, tfd, argv, argc,
	    (long long)st->st_uid);
	close(tfd);
	dropenv_free(&env);
	if (status == EX_OK) {
		(void)unlinkat(pk->mdfd, name, 0);
		note(pk, LOG_INFO, "maildrop: %s (uid %ld) queued", shown(name),
		    (long)st->st_uid);
	} else if (status == EX_TEMPFAIL || status == EX_OSERR ||
	    status == SEND_CANCELLED)
		note(pk, LOG_WARNING, "maildrop: %s (uid %ld) left for the "
		    "next run", shown(name), (long)st->st_uid);
	else {
		/* Short and fixed: it cannot be cut. */
		(void)snprintf(why, sizeof(why), "not queued (exit status "
		    "%d)", status);
		set_aside(pk, name, why, st->st_uid);
	}
}

/*
 * A copy of the message part [off, size) of the dropped file fd, in an
 * unnamed root-owned file of the queue's tmp/ (qfd: the queue), at
 * offset 0. Only the octets that were checked: what the user appends
 * later is not read. -1 with errno (EIO: the file shrank).
 */
static int
private_copy(int qfd, int fd, off_t off, off_t size)
{
	int	tfd, saved;

	if ((tfd = openat(qfd, "tmp", O_TMPFILE | O_RDWR | O_CLOEXEC,
	    0600)) == -1)
		return -1;
	if (copy_range(fd, off, size, tfd) == -1 ||
	    lseek(tfd, 0, SEEK_SET) == -1) {
		saved = errno;
		close(tfd);
		errno = saved;
		return -1;
	}
	return tfd;
}

/*
 * The flags of a dropped file, read as bote's own command line would
 * be, then the message queued from fd for uid. Returns the exit status
 * "bote -odq" would have.
 */
static int
queue_dropped(struct conf *conf, int fd, char **argv, size_t argc,
    long long uid)
{
	struct args	 da;
	struct account	*acct;

	if (args_parse((int)argc, argv, &da) == -1) {
		say("%s", da.why);
		return EX_USAGE;
	}
	/*
	 * The administrator's account, never one the user's -f would
	 * choose: the user's sender is then only what that account's
	 * allow_from_override lets through.
	 */
	da.account = MAILDROP_ACCOUNT;
	if (conffiles_pick(conf, &da, &acct) == -1)
		return EX_CONFIG;
	session_warnings(acct);
	return send_from(&da, conf, acct, fd, uid);
}

void
maildrop_pickup_all(struct conf *conf, int loud)
{
	struct queue	 *q;
	struct outcome	  o;
	char		**dirs = NULL;
	size_t		  n = 0, i;

	if (geteuid() != 0 || conf == NULL || queue_dirnames(conf, &dirs,
	    &n) == -1)
		return;
	for (i = 0; i < n; i++) {
		/* A queue that does not exist has no maildrop either. */
		if (!bote_interrupted && (q = queue_open(dirs[i], 0,
		    &o)) != NULL) {
			maildrop_pickup(q, conf, loud);
			queue_close(q);
		}
		free(dirs[i]);
	}
	free(dirs);
}

static void
maildrop_pickup(struct queue *q, struct conf *conf, int loud)
{
	struct pickup	 pk = { .conf = conf, .loud = loud };
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		 path[PATH_MAX];
	time_t		 now = time(NULL);
	int		 mdfd, qfd;

	if (geteuid() != 0 || xsnprintf(path, sizeof(path), "%s/maildrop",
	    queue_dir(q)) == -1)
		return;
	if ((mdfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			say_log(LOG_ERR, "maildrop %s: not used: %s", path,
			    errno == ELOOP || errno == ENOTDIR ? "not a "
			    "directory (a symbolic link?)" : strerror(errno));
		return;
	}
	if (maildrop_ok(mdfd, path) == -1) {
		close(mdfd);
		return;
	}
	if ((qfd = open(queue_dir(q), O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		close(mdfd);
		return;
	}
	pk.mdfd = mdfd;
	pk.qfd = qfd;
	if ((d = fdopendir(dup(mdfd))) == NULL)
		goto out;
	while ((de = readdir(d)) != NULL && !bote_interrupted) {
		if (strncmp(de->d_name, "d.", 2) == 0)
			pickup_one(&pk, de->d_name);
		else if (strncmp(de->d_name, "t.", 2) == 0 &&
		    fstatat(mdfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    now - st.st_mtime > MAILDROP_DEBRIS_AGE)
			(void)unlinkat(mdfd, de->d_name, 0);
	}
	closedir(d);
out:
	close(qfd);
	close(mdfd);
}

/*
 * The maildrop is root's directory of mode 1733, as --setup-maildrop
 * makes it; anything else is not read (a user who could rename or
 * replace files in it could make root read what they chose).
 */
static int
maildrop_ok(int mdfd, const char *path)
{
	struct stat	st;

	if (fstat(mdfd, &st) == -1)
		return -1;
	if (st.st_uid == 0 && (st.st_mode & 07777) == 01733)
		return 0;
	say_log(LOG_ERR, "maildrop %s: not used: owned by uid %ld with mode "
	    "%04o, not root's with 1733 (run bote --setup-maildrop)", path,
	    (long)st.st_uid, (unsigned)(st.st_mode & 07777));
	return -1;
}

int
maildrop_setup(struct conf *c)
{
	struct account	*a = c != NULL ? conf_account(c, "default") : NULL;
	struct queue	*q;
	struct outcome	 o;
	char		 dir[PATH_MAX], md[PATH_MAX];

	if (geteuid() != 0) {
		say("--setup-maildrop is for root");
		return EX_NOPERM;
	}
	if (queue_dirname(a, dir, sizeof(dir)) == -1 ||
	    xsnprintf(md, sizeof(md), "%s/maildrop", dir) == -1) {
		say("no queue directory");
		return EX_CONFIG;
	}
	if ((q = queue_open(dir, 1, &o)) == NULL) {
		say("%s", o.why);
		return EX_CANTCREAT;
	}
	queue_close(q);
	/*
	 * Users need search permission on the queue to reach the maildrop;
	 * q/, tmp/ and failed/ stay 0700. Each directory is changed through
	 * a descriptor opened without following a symbolic link, so a link
	 * planted in its place changes nothing it points to.
	 */
	if (fix_dir(dir, 0711) == -1 || (mkdir(md, 0700) == -1 &&
	    errno != EEXIST) || fix_dir(md, 01733) == -1)
		return EX_CANTCREAT;
	(void)printf("%s\n", md);
	return fflush(stdout) == 0 ? EX_OK : EX_IOERR;
}

/*
 * Give root's directory path that mode, never through a symbolic link;
 * a directory someone else owns is refused. -1 after saying why.
 */
static int
fix_dir(const char *path, mode_t mode)
{
	struct stat	st;
	int		fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		say("cannot set up %s: %s", path, errno == ELOOP ||
		    errno == ENOTDIR ? "not a directory (a symbolic link?); "
		    "remove it and run bote --setup-maildrop again" :
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1)
		say("cannot set up %s: %s", path, strerror(errno));
	else if (st.st_uid != 0)
		say("cannot set up %s: it is owned by uid %ld, not root: "
		    "remove it and run bote --setup-maildrop again", path,
		    (long)st.st_uid);
	else if (fchmod(fd, mode) == -1)
		say("cannot set up %s: %s", path, strerror(errno));
	else
		rc = 0;
	close(fd);
	return rc;
}

