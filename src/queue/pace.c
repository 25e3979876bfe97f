/*
 * Pacing (pace.h). The state of an account is one line in its queue
 * directory's pace/HASH (the name known/ uses): "TAT LEARNT", TAT the
 * wall-clock time in milliseconds before which its next message does not
 * start, LEARNT the interval taught by the server's rate-limit refusals
 * (0: none). flock(2) makes every bote process that sends for the
 * account take its slots from the same line. Only a rate, or a refusal,
 * makes the file; without either nothing is read but a missing name.
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "conf/policy.h"
#include "queue/pace.h"
#include "queue/runner.h"

static int	pace_open(const struct account *, int);
static void	pace_read(int, int64_t *, int64_t *);
static void	pace_write(int, int64_t, int64_t);
static int64_t	wall_ms(void);

/* Real time, not the test clock: the waits are real. */
static int64_t
wall_ms(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The account's state file, locked; -1 when there is none (or no use). */
static int
pace_open(const struct account *a, int create)
{
	struct queue	*q;
	struct outcome	 o;
	char		 dir[PATH_MAX], name[128], path[PATH_MAX];
	int		 fd, flags = O_RDWR | O_NOFOLLOW | O_CLOEXEC;

	if (queue_acct_file(a, "pace", dir, sizeof(dir), name,
	    sizeof(name)) == -1 ||
	    xsnprintf(path, sizeof(path), "%s/%s", dir, name) == -1)
		return -1;
	if ((fd = open(path, flags)) == -1 && errno == ENOENT && create) {
		/* The queue directory as the queue makes it, then pace/. */
		if ((q = queue_open(dir, 1, &o)) == NULL)
			return -1;
		queue_close(q);
		if (xsnprintf(path, sizeof(path), "%s/pace", dir) == -1 ||
		    (mkdir(path, 0700) == -1 && errno != EEXIST) ||
		    xsnprintf(path, sizeof(path), "%s/%s", dir, name) == -1)
			return -1;
		fd = open(path, flags | O_CREAT, 0600);
	}
	if (fd == -1)
		return -1;
	if (flock(fd, LOCK_EX) == -1) {
		(void)close(fd);
		return -1;
	}
	return fd;
}

/* A line that cannot be read is no state: the file is bote's only. */
static void
pace_read(int fd, int64_t *tat, int64_t *learnt)
{
	char		 buf[64], *sp, *nl;
	const char	*e1, *e2;
	ssize_t		 n;
	long long	 t, l;

	*tat = *learnt = 0;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return;
	buf[n] = '\0';
	if ((sp = strchr(buf, ' ')) == NULL || (nl = strchr(sp, '\n')) == NULL)
		return;
	*sp = *nl = '\0';
	t = strtonum(buf, 0, LLONG_MAX, &e1);
	l = strtonum(sp + 1, 0, PACE_BACKOFF_MAX_MS, &e2);
	if (e1 != NULL || e2 != NULL)
		return;
	*tat = t;
	*learnt = l;
}

static void
pace_write(int fd, int64_t tat, int64_t learnt)
{
	char	buf[64];
	size_t	len;

	/* Two numbers of at most 20 digits fit in 64. */
	if (xsnprintf(buf, sizeof(buf), "%lld %lld\n", (long long)tat,
	    (long long)learnt) == -1)
		return;
	len = strlen(buf);
	if (pwrite(fd, buf, len, 0) == (ssize_t)len)
		(void)ftruncate(fd, (off_t)len);
}

enum pace
pace_take(const struct account *a, int64_t *wait_ms)
{
	int64_t		 rate = policy_interval_ms(a), tat, learnt, now, start;
	int64_t		 iv;
	enum pace	 rc = PACE_NOW;
	int		 fd;

	*wait_ms = 0;
	if ((fd = pace_open(a, rate > 0)) == -1)
		return PACE_NOW;
	pace_read(fd, &tat, &learnt);
	now = wall_ms();
	start = tat > now ? tat : now;
	*wait_ms = start - now;
	if (*wait_ms > PACE_WAIT_MAX_MS)
		rc = PACE_LATER;
	else {
		iv = rate > learnt ? rate : learnt;
		pace_write(fd, start + iv, learnt);
	}
	(void)close(fd);
	return rc;
}

void
pace_refused(const struct account *a)
{
	int64_t	rate = policy_interval_ms(a), tat, learnt;
	int	fd;

	if ((fd = pace_open(a, 1)) == -1)
		return;
	pace_read(fd, &tat, &learnt);
	if (learnt > 0)
		learnt *= 2;
	else
		learnt = 2 * rate > PACE_BACKOFF_MIN_MS ? 2 * rate :
		    PACE_BACKOFF_MIN_MS;
	if (learnt > PACE_BACKOFF_MAX_MS)
		learnt = PACE_BACKOFF_MAX_MS;
	pace_write(fd, wall_ms() + learnt, learnt);
	(void)close(fd);
}

void
pace_accepted(const struct account *a)
{
	int64_t	tat, learnt;
	int	fd;

	if ((fd = pace_open(a, 0)) == -1)
		return;
	pace_read(fd, &tat, &learnt);
	if (learnt > 0) {
		/* Resume step by step: a limit met once is met again. */
		learnt -= learnt / 4;
		pace_write(fd, tat, learnt < 1000 ? 0 : learnt);
	}
	(void)close(fd);
}

int
pace_refusal(const struct outcome *o)
{
	static const char *const says[] = {
		"too many connections", "too many messages",
		"too many concurrent", "too much mail", "rate limit",
		"ratelimit", "rate-limit", "throttl", "quota exceeded",
		"QuotaExceeded", "sending limit", "slow down",
	};
	size_t	i;

	if (o->kind != OUT_REPLY || o->code < 400 || o->code > 599)
		return 0;
	if (strcmp(o->enh, "4.3.2") == 0)
		return 1;
	for (i = 0; i < sizeof(says) / sizeof(says[0]); i++)
		if (strcasestr(o->text, says[i]) != NULL)
			return 1;
	return 0;
}

void
pace_sleep(int64_t ms)
{
	int64_t		 end = now_ms() + ms, left;
	struct timespec	 ts;

	while (!bote_interrupted && (left = end - now_ms()) > 0) {
		ts.tv_sec = (time_t)(left / 1000);
		ts.tv_nsec = (long)(left % 1000) * 1000000;
		(void)nanosleep(&ts, NULL);
	}
}
