/*
 * The queue on disk (queue.h): adding, listing, locking, updating and
 * removing entries, each step crash-safe. What a crash can leave behind
 * is either a whole entry or debris that queue_sweep() removes: never a
 * half-written control file, never an entry without its message.
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "queue/queue.h"
#include "base/crypto.h"
#include "base/util.h"

struct queue {
	char	*dir;
	char	*tmp;		/* DIR/tmp */
	int	 dfd;		/* DIR */
	int	 qfd;		/* DIR/q */
	int	 ffd;		/* DIR/failed */
	int	 tfd;		/* DIR/tmp */
	int	 lazy;		/* queue_defer_sync(): no fsync per add */
};

struct qlock {
	int	fd;		/* DIR/q/ID.msg, flock'd */
};

static int	owned(int, const char *, const char *, struct outcome *);
static int	mkdir_sub(int, const char *, int);
static int	sync_dir(int);
static int	write_ctl(struct queue *, int, const struct qent *,
		    struct outcome *);
static int	link_msg(struct queue *, int, const char *, off_t,
		    struct outcome *);
static int	copy_fd(int, int, off_t);
static int	new_id(char *);
static int	read_ctl(int, const char *, struct qent *, char *, size_t);
static int	cmp_str(const void *, const void *);
static int	local_err(struct outcome *, const char *, const char *);

static int
local_err(struct outcome *o, const char *what, const char *dir)
{
	enum outcome_kind k = errno == ENOMEM || errno == EMFILE ||
	    errno == ENFILE ? OUT_OSERR : OUT_TEMPLOCAL;

	return outcome_set(o, k, PH_NONE, "%s in %s: %s", what, dir,
	    strerror(errno));
}

/*
 * A queue directory is its user's alone: owned by them (root's for
 * root) and writable by nobody else, or whoever could write there could
 * make bote send, move or remove what they chose.
 */
static int
owned(int fd, const char *dir, const char *sub, struct outcome *o)
{
	struct stat	st;

	if (fstat(fd, &st) == -1)
		return local_err(o, "cannot check the queue", dir);
	if (st.st_uid == geteuid() && !(st.st_mode & 022))
		return 0;
	return outcome_set(o, OUT_CONFIG, PH_NONE, "the queue directory "
	    "%s%s is owned by uid %lu with mode %03o: bote uses only a "
	    "queue of its own user that nobody else may write (chown and "
	    "chmod go-w it)", dir, sub, (unsigned long)st.st_uid,
	    (unsigned)(st.st_mode & 0777));
}

static int
mkdir_sub(int dfd, const char *name, int create)
{
	int	fd;

	if (create && mkdirat(dfd, name, 0700) == -1 && errno != EEXIST)
		return -1;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    O_NOFOLLOW);
	return fd;
}

/* Create dir and its parents (mode 0700 for what is created). */
static int
mkdir_p(const char *dir)
{
	char	 path[PATH_MAX];
	char	*p;

	if (xstrlcpy(path, dir, sizeof(path)) == -1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(path, 0700) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

struct queue *
queue_open(const char *dir, int create, struct outcome *o)
{
	struct queue	*q;
	size_t		 n;

	if ((q = calloc(1, sizeof(*q))) == NULL) {
		local_err(o, "cannot open the queue", dir);
		return NULL;
	}
	q->dfd = q->qfd = q->ffd = q->tfd = -1;
	n = strlen(dir) + sizeof("/tmp");
	if ((q->dir = strdup(dir)) == NULL || (q->tmp = malloc(n)) == NULL) {
		local_err(o, "cannot open the queue", dir);
		goto fail;
	}
	/* n counts every octet of it: the path is never cut. */
	(void)snprintf(q->tmp, n, "%s/tmp", dir);
	if (create && mkdir_p(dir) == -1) {
		local_err(o, "cannot create the queue", dir);
		goto fail;
	}
	if ((q->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		local_err(o, "cannot open the queue", dir);
		goto fail;
	}
	/* Nothing is made in a directory that is not ours. */
	if (owned(q->dfd, dir, "", o) == -1)
		goto fail;
	if ((q->qfd = mkdir_sub(q->dfd, "q", create)) == -1 ||
	    (q->ffd = mkdir_sub(q->dfd, "failed", create)) == -1 ||
	    (q->tfd = mkdir_sub(q->dfd, "tmp", create)) == -1) {
		local_err(o, "cannot open the queue", dir);
		goto fail;
	}
	if (owned(q->qfd, dir, "/q", o) == -1 ||
	    owned(q->ffd, dir, "/failed", o) == -1 ||
	    owned(q->tfd, dir, "/tmp", o) == -1)
		goto fail;
	/* The subdirectories themselves must survive a crash. */
	if (create && sync_dir(q->dfd) == -1) {
		local_err(o, "cannot sync the queue", dir);
		goto fail;
	}
	return q;
fail:
	queue_close(q);
	return NULL;
}

void
queue_close(struct queue *q)
{
	if (q == NULL)
		return;
	if (q->dfd != -1)
		close(q->dfd);
	if (q->qfd != -1)
		close(q->qfd);
	if (q->ffd != -1)
		close(q->ffd);
	if (q->tfd != -1)
		close(q->tfd);
	free(q->dir);
	free(q->tmp);
	free(q);
}

const char *
queue_dir(const struct queue *q)
{
	return q->dir;
}

const char *
queue_tmpdir(const struct queue *q)
{
	return q->tmp;
}

static int
sync_dir(int fd)
{
	/* Some file systems cannot sync a directory; that is not a loss. */
	if (fsync(fd) == -1 && errno != EINVAL && errno != EROFS)
		return -1;
	return 0;
}

/* 8 hex digits of the time, 8 random: unique, and sorted by age. */
static int
new_id(char *id)
{
	unsigned char	r[4];

	if (crypto_random(r, sizeof(r)) == -1)
		return -1;
	/* A cut id would not be a queue id. */
	if (xsnprintf(id, QUEUE_IDLEN + 1, "%08llX%02X%02X%02X%02X",
	    (unsigned long long)clock_now() & 0xffffffffULL, r[0], r[1],
	    r[2], r[3]) == -1)
		return -1;
	return 0;
}

static int
copy_fd(int from, int to, off_t size)
{
	char	buf[65536];
	off_t	off = 0;
	ssize_t	n, w;
	size_t	k;

	while (off < size) {
		k = size - off < (off_t)sizeof(buf) ? (size_t)(size - off) :
		    sizeof(buf);
		if ((n = pread(from, buf, k, off)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;	/* the spool is shorter than said */
			return -1;
		}
		for (k = 0; k < (size_t)n; k += (size_t)w)
			if ((w = write(to, buf + k, (size_t)n - k)) == -1) {
				if (errno == EINTR) {
					w = 0;
					continue;
				}
				return -1;
			}
		off += n;
	}
	return 0;
}

/*
 * Give the spool file the name q/NAME: a hard link of the O_TMPFILE file
 * when it lives on this file system (no copy, linkat(2) through
 * /proc/self/fd), else a copy written to tmp/ and renamed. The data is
 * fsync'd either way before the name appears.
 */
static int
link_msg(struct queue *q, int msgfd, const char *name, off_t size,
    struct outcome *o)
{
	char	proc[64], tmpname[64];
	int	fd = -1;

	if (!q->lazy && fsync(msgfd) == -1)
		return local_err(o, "cannot sync the message", q->dir);
	/* A path cut short is no path: copy instead. */
	if (xsnprintf(proc, sizeof(proc), "/proc/self/fd/%d", msgfd) == -1)
		errno = ENAMETOOLONG;
	else if (linkat(AT_FDCWD, proc, q->qfd, name, AT_SYMLINK_FOLLOW) ==
	    0)
		return 0;
	if (errno == EEXIST)
		return -1;
	if (errno == ENOSPC || errno == EDQUOT || errno == EROFS)
		return local_err(o, "cannot queue the message", q->dir);
	/* EXDEV, ENOENT (an unlinked mkstemp file), no /proc: copy. */
	if (xsnprintf(tmpname, sizeof(tmpname), "%s.tmp", name) == -1) {
		errno = ENAMETOOLONG;
		return local_err(o, "cannot queue the message", q->dir);
	}
	(void)unlinkat(q->tfd, tmpname, 0);
	if ((fd = openat(q->tfd, tmpname, O_WRONLY | O_CREAT | O_EXCL |
	    O_CLOEXEC, 0600)) == -1)
		return local_err(o, "cannot queue the message", q->dir);
	if (copy_fd(msgfd, fd, size) == -1 || (!q->lazy && fsync(fd) == -1))
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (renameat(q->tfd, tmpname, q->qfd, name) == -1)
		goto fail;
	return 0;
fail:
	local_err(o, "cannot queue the message", q->dir);
	if (fd != -1)
		close(fd);
	(void)unlinkat(q->tfd, tmpname, 0);
	return -1;
}

/*
 * Write the control file: tmp/ID.ctl.PID, fsync, rename to dfd/ID.ctl,
 * fsync the directory. A reader sees the old file or the new one.
 */
static int
write_ctl(struct queue *q, int dfd, const struct qent *e,
    struct outcome *o)
{
	char	 tmpname[64], name[32];
	char	*buf = NULL;
	size_t	 len, off;
	ssize_t	 w;
	int	 fd = -1;

	if (qent_format(e, &buf, &len) == -1)
		return outcome_set(o, OUT_OSERR, PH_NONE, "cannot write the "
		    "control file of %s: %s", e->id, strerror(errno));
	/* Not through fail: a cut tmpname could unlink another file. */
	if (xsnprintf(name, sizeof(name), "%s.ctl", e->id) == -1 ||
	    xsnprintf(tmpname, sizeof(tmpname), "%s.ctl.%ld", e->id,
	    (long)getpid()) == -1) {
		free(buf);
		errno = ENAMETOOLONG;
		return local_err(o, "cannot write a control file", q->dir);
	}
	if ((fd = openat(q->tfd, tmpname, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0600)) == -1)
		goto fail;
	for (off = 0; off < len; off += (size_t)w)
		if ((w = write(fd, buf + off, len - off)) == -1) {
			if (errno == EINTR) {
				w = 0;
				continue;
			}
			goto fail;
		}
	if (!q->lazy && fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (renameat(q->tfd, tmpname, dfd, name) == -1 ||
	    (!q->lazy && sync_dir(dfd) == -1))
		goto fail;
	free(buf);
	return 0;
fail:
	local_err(o, "cannot write a control file", q->dir);
	if (fd != -1)
		close(fd);
	(void)unlinkat(q->tfd, tmpname, 0);
	free(buf);
	return -1;
}

void
queue_defer_sync(struct queue *q)
{
	q->lazy = 1;
}

int
queue_sync(struct queue *q, struct outcome *o)
{
	q->lazy = 0;
	/*
	 * One writeback for every file added since; Linux reports its
	 * errors from 5.8 on (a full disk fails the writes before).
	 */
	if (syncfs(q->qfd) == -1 || sync_dir(q->qfd) == -1)
		return local_err(o, "cannot sync the queue", q->dir);
	return 0;
}

int
queue_add(struct queue *q, int msgfd, struct qent *e, struct outcome *o)
{
	char	name[32];
	int	tries, rc = -1;

	/*
	 * Held until the control file is there, so that queue_sweep() never
	 * takes the message for debris; a fresh mtime for the same reason.
	 */
	if (flock(msgfd, LOCK_EX) == -1 || futimens(msgfd, NULL) == -1)
		return local_err(o, "cannot lock the message", q->dir);
	for (tries = 0; tries < 16; tries++) {
		if (new_id(e->id) == -1) {
			outcome_set(o, OUT_OSERR, PH_NONE, "cannot get "
			    "random bytes for a queue id");
			goto out;
		}
		if (xsnprintf(name, sizeof(name), "%s.msg", e->id) == -1) {
			errno = ENAMETOOLONG;
			local_err(o, "cannot queue the message", q->dir);
			goto out;
		}
		errno = 0;
		if (link_msg(q, msgfd, name, e->out.size, o) == 0)
			break;
		if (errno != EEXIST)
			goto out;
	}
	if (tries == 16) {
		outcome_set(o, OUT_SOFTWARE, PH_NONE, "cannot find a free "
		    "queue id");
		goto out;
	}
	if (write_ctl(q, q->qfd, e, o) == -1) {
		(void)unlinkat(q->qfd, name, 0);
		goto out;
	}
	rc = 0;
out:
	(void)flock(msgfd, LOCK_UN);
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
queue_ids_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int
queue_ids(struct queue *q, int failed, char ***ids, size_t *n,
    struct outcome *o)
{
	DIR		*d;
	struct dirent	*de;
	char		**v = NULL, **nv;
	size_t		 cnt = 0, len;
	int		 fd;

	*ids = NULL;
	*n = 0;
	if ((fd = dup(failed ? q->ffd : q->qfd)) == -1)
		return local_err(o, "cannot list the queue", q->dir);
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return local_err(o, "cannot list the queue", q->dir);
	}
	rewinddir(d);
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len != QUEUE_IDLEN + 4 ||
		    strcmp(de->d_name + QUEUE_IDLEN, ".ctl") != 0)
			continue;
		if ((nv = reallocarray(v, cnt + 1, sizeof(*v))) == NULL)
			goto fail;
		v = nv;
		if ((v[cnt] = xstrndup(de->d_name, QUEUE_IDLEN)) == NULL)
			goto fail;
		if (!queue_valid_id(v[cnt])) {
			free(v[cnt]);
			continue;
		}
		cnt++;
		errno = 0;
	}
	if (errno != 0)
		goto fail;
	closedir(d);
	if (cnt > 0)
		qsort(v, cnt, sizeof(*v), cmp_str);
	*ids = v;
	*n = cnt;
	return 0;
fail:
	local_err(o, "cannot list the queue", q->dir);
	closedir(d);
	queue_ids_free(v, cnt);
	return -1;
}

static int
read_ctl(int dfd, const char *id, struct qent *e, char *why,
    size_t whylen)
{
	char		 name[32];
	char		*buf = NULL;
	struct stat	 st;
	size_t		 off = 0;
	ssize_t		 r;
	int		 fd, rc = -1;

	if (xsnprintf(name, sizeof(name), "%s.ctl", id) == -1) {
		errno = ENAMETOOLONG;
		whyf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	if ((fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) ==
	    -1) {
		whyf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > QUEUE_CTLMAX) {
		whyf(why, whylen, "the control file is not a "
		    "regular file of at most %d octets", QUEUE_CTLMAX);
		errno = EINVAL;
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		goto err;
	while (off < (size_t)st.st_size) {
		if ((r = read(fd, buf + off, (size_t)st.st_size - off)) ==
		    -1) {
			if (errno == EINTR)
				continue;
			goto err;
		}
		if (r == 0)
			break;
		off += (size_t)r;
	}
	qent_free(e);
	if (qent_parse(e, buf, off, why, whylen) == -1) {
		qent_free(e);
		errno = EINVAL;
		goto out;
	}
	if (strcmp(e->id, id) != 0) {
		whyf(why, whylen, "the control file names another "
		    "id");
		qent_free(e);
		errno = EINVAL;
		goto out;
	}
	rc = 0;
	goto out;
err:
	whyf(why, whylen, "%s", strerror(errno));
out:
	free(buf);
	close(fd);
	return rc;
}

int
queue_read(struct queue *q, int failed, const char *id, struct qent *e,
    char *why, size_t whylen)
{
	return read_ctl(failed ? q->ffd : q->qfd, id, e, why, whylen);
}

struct qlock *
queue_lock(struct queue *q, const char *id, struct qent *e, int *busy,
    char *why, size_t whylen)
{
	struct qlock	*l;
	char		 name[32];
	int		 fd;

	*busy = 0;
	if (xsnprintf(name, sizeof(name), "%s.msg", id) == -1) {
		errno = ENAMETOOLONG;
		whyf(why, whylen, "%s", strerror(errno));
		return NULL;
	}
	if ((fd = openat(q->qfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) ==
	    -1) {
		whyf(why, whylen, "%s", strerror(errno));
		return NULL;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			*busy = 1;
		whyf(why, whylen, "%s", strerror(errno));
		close(fd);
		return NULL;
	}
	/*
	 * Whoever held the lock before may have delivered and removed the
	 * entry: only the control file, read under the lock, says it is
	 * still there.
	 */
	if (read_ctl(q->qfd, id, e, why, whylen) == -1) {
		close(fd);
		return NULL;
	}
	if ((l = malloc(sizeof(*l))) == NULL) {
		whyf(why, whylen, "out of memory");
		close(fd);
		return NULL;
	}
	l->fd = fd;
	return l;
}

int
qlock_fd(const struct qlock *l)
{
	return l->fd;
}

void
queue_unlock(struct qlock *l)
{
	if (l == NULL)
		return;
	close(l->fd);
	free(l);
}

int
queue_update(struct queue *q, const struct qent *e, struct outcome *o)
{
	return write_ctl(q, q->qfd, e, o);
}

/*
 * The control file goes first: once it is gone the entry is gone, and a
 * crash before the message file follows leaves only debris.
 */
int
queue_remove(struct queue *q, const char *id, struct outcome *o)
{
	char	name[32];

	/* A cut name could be another entry's: remove nothing then. */
	if (xsnprintf(name, sizeof(name), "%s.ctl", id) == -1) {
		errno = ENAMETOOLONG;
		return local_err(o, "cannot remove a delivered message",
		    q->dir);
	}
	if (unlinkat(q->qfd, name, 0) == -1 && errno != ENOENT)
		return local_err(o, "cannot remove a delivered message",
		    q->dir);
	if (xsnprintf(name, sizeof(name), "%s.msg", id) == 0)
		(void)unlinkat(q->qfd, name, 0);
	if (sync_dir(q->qfd) == -1)
		return local_err(o, "cannot sync the queue", q->dir);
	return 0;
}

/*
 * Message first, then the control file written in failed/, then the
 * control file in q/ removed: a crash leaves the entry in q/ (its
 * message file is still reachable through failed/ under the same name;
 * the sweep does not touch it) or in failed/, never nowhere.
 */
int
queue_fail(struct queue *q, const struct qent *e, struct outcome *o)
{
	char	name[32];

	if (xsnprintf(name, sizeof(name), "%s.msg", e->id) == -1) {
		errno = ENAMETOOLONG;
		return local_err(o, "cannot move a message to failed/",
		    q->dir);
	}
	if (linkat(q->qfd, name, q->ffd, name, 0) == -1 && errno != EEXIST)
		return local_err(o, "cannot move a message to failed/",
		    q->dir);
	if (sync_dir(q->ffd) == -1 || write_ctl(q, q->ffd, e, o) == -1)
		return local_err(o, "cannot move a message to failed/",
		    q->dir);
	return queue_remove(q, e->id, o);
}

void
queue_sweep(struct queue *q, time_t now)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		 ctl[64];
	size_t		 len;
	int		 fd, i, lfd;

	for (i = 0; i < 2; i++) {
		if ((fd = dup(i == 0 ? q->qfd : q->tfd)) == -1)
			return;
		if ((d = fdopendir(fd)) == NULL) {
			close(fd);
			return;
		}
		rewinddir(d);
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			if (fstatat(dirfd(d), de->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) == -1 ||
			    !S_ISREG(st.st_mode) ||
			    now - st.st_mtime < QUEUE_ORPHAN_AGE)
				continue;
			len = strlen(de->d_name);
			if (i == 0) {
				if (len != QUEUE_IDLEN + 4 ||
				    strcmp(de->d_name + QUEUE_IDLEN,
				    ".msg") != 0)
					continue;
				/* QUEUE_IDLEN + 4 octets in 64: never cut. */
				(void)snprintf(ctl, sizeof(ctl), "%.*s.ctl",
				    QUEUE_IDLEN, de->d_name);
				if (faccessat(q->qfd, ctl, F_OK, 0) == 0 ||
				    errno != ENOENT)
					continue;
				/* Not while someone holds it (queue_add). */
				if ((lfd = openat(q->qfd, de->d_name,
				    O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
					continue;
				if (flock(lfd, LOCK_EX | LOCK_NB) == 0 &&
				    faccessat(q->qfd, ctl, F_OK, 0) == -1 &&
				    errno == ENOENT)
					(void)unlinkat(q->qfd, de->d_name, 0);
				close(lfd);
			} else
				(void)unlinkat(q->tfd, de->d_name, 0);
		}
		closedir(d);
	}
}
