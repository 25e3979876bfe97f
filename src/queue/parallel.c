/*
 * Parallel sessions (bote.conf(5), max_sessions): a queue run sends an
 * account's messages over up to max_sessions sessions at once, so that
 * a server that takes each message in its own time (Postfix's cleanup
 * syncs every one to disk) works on several at a time.
 *
 * Each further session is a child process with a share of the entries:
 * a session is a blocking dialogue (smtp.c), and a process of its own
 * keeps it one, with its own TLS session (resumed from the cache), its
 * own locks and nothing shared but files that are already safe between
 * bote processes (the queue's entries, the pace, the TLS cache, the
 * log). The password is asked for once, before the children start, and
 * then every session opens at once; a session that cannot open (a
 * server's connection limit) declines its share, which the parent then
 * sends over a session of its own once the others are done. Each child
 * sends its counts back through a pipe, and its hooks.ended calls
 * through a file, for the parent to make.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "conf/policy.h"
#include "queue/runner_int.h"

/*
 * The fewest messages worth a session of their own: a session costs its
 * set-up (about 7 round trips with STARTTLS), in which one that is open
 * pipelines a window of SMTP_PIPE_MAX messages.
 */
#define PER_SESSION_MIN	SMTP_PIPE_MAX

static size_t	sessions_for(struct qrun *, char *const *, size_t);
static void	share(struct qrun *, char *const *, size_t, size_t, size_t);
static void	child(struct qrun *, char *const *, size_t, size_t, size_t,
		    int, FILE *);
static void	replay(struct qrun *, FILE *);
static void	add_stats(struct qrun_stats *, const struct qrun_stats *);

/* What a child tells the parent. */
struct report {
	struct qrun_stats	st;
	/*
	 * Its session could not be opened (a server's connection limit,
	 * say): it touched none of its share, which the parent sends.
	 */
	int			declined;
};

void
runner_group(struct qrun *r, char *const *ids, size_t n)
{
	struct report		 rep;
	struct outcome		 o;
	pid_t			 pid[SESSIONS_MAX];
	FILE			*ended[SESSIONS_MAX];
	int			 fd[SESSIONS_MAX], p[2], declined[SESSIONS_MAX];
	size_t			 k, nk;
	int			 mine;

	nk = sessions_for(r, ids, n);
	for (k = 1; k < nk; k++) {
		fd[k] = -1;
		pid[k] = -1;
		/* The child's hooks.ended calls, for this process to make. */
		if ((ended[k] = tmpfile()) == NULL)
			break;
		if (pipe(p) == -1) {
			(void)fclose(ended[k]);
			break;
		}
		(void)fflush(NULL);	/* nothing buffered is written twice */
		if ((pid[k] = fork()) == -1) {
			close(p[0]);
			close(p[1]);
			(void)fclose(ended[k]);
			break;
		}
		if (pid[k] == 0) {
			close(p[0]);
			child(r, ids, n, k, nk, p[1], ended[k]);
		}
		close(p[1]);
		fd[k] = p[0];
	}
	/* A share no child took (fork failed) is the parent's. */
	nk = k;
	/*
	 * This process's session opens while the children's do. Refused
	 * (a server's connection limit counting a child's first), it
	 * declines as a child does: its share goes once the children are
	 * done, over a session of its own then, the usual way, which also
	 * says why when no session at all could be had.
	 */
	mine = nk == 1 || runner_open(r, ids[0], &o) == 0;
	r->sess_failed = 0;
	if (mine)
		share(r, ids, n, 0, nk);
	for (k = 1; k < nk; k++) {
		memset(&rep, 0, sizeof(rep));
		declined[k] = 0;
		if (read(fd[k], &rep, sizeof(rep)) == (ssize_t)sizeof(rep)) {
			add_stats(&r->st, &rep.st);
			declined[k] = rep.declined;
		} else
			r->st.local_err = 1;
		close(fd[k]);
		while (waitpid(pid[k], NULL, 0) == -1 && errno == EINTR)
			;
		replay(r, ended[k]);
		(void)fclose(ended[k]);
	}
	/* The shares of children that had no session: over this one. */
	if (!mine)
		share(r, ids, n, 0, nk);
	for (k = 1; k < nk; k++)
		if (declined[k])
			share(r, ids, n, k, nk);
}

/*
 * How many sessions the group gets: the account's max_sessions, at most
 * one per PER_SESSION_MIN messages; one for a lent session (the caller's
 * connection) and when the account or its password cannot be had now
 * (the first session then says why, as it always did). With more than
 * one, the password is fetched here, before any child exists.
 */
static size_t
sessions_for(struct qrun *r, char *const *ids, size_t n)
{
	struct smtp_opts	*op;
	struct account		*a;
	struct conf		*c;
	struct outcome		 o;
	struct qent		 e;
	char			 why[256];
	size_t			 nk = n / PER_SESSION_MIN;

	if (nk < 2 || (r->sess != NULL && !r->own_sess))
		return 1;
	qent_init(&e);
	if (queue_read(r->q, 0, ids[0], &e, why, sizeof(why)) == -1 ||
	    runner_resolve(r, &e, &a, &c, why, sizeof(why)) == -1 ||
	    policy_sessions(a) < 2) {
		qent_free(&e);
		return 1;
	}
	if ((size_t)policy_sessions(a) < nk)
		nk = (size_t)policy_sessions(a);
	/* The last group's session goes first: the children share none. */
	runner_session_end(r);
	r->sess_acct = a;
	r->sess_e = &e;
	memset(&o, 0, sizeof(o));
	if (runner_relay_opts(r, a, &op, &o) == -1)
		nk = 1;
	r->sess_e = NULL;
	qent_free(&e);
	return nk;
}

/* The k-th of nk shares: every nk-th entry from the k-th, in order. */
static void
share(struct qrun *r, char *const *ids, size_t n, size_t k, size_t nk)
{
	size_t	i;

	for (i = k; i < n && !bote_interrupted; i += nk)
		runner_flush_one(r, ids[i]);
}

/*
 * A child: its share over its own session, its counts to the parent
 * through fd, and out without the parent's exit handlers.
 */
static void
child(struct qrun *r, char *const *ids, size_t n, size_t k, size_t nk,
    int fd, FILE *ended)
{
	struct report	rep;
	struct outcome	o;
	ssize_t		w;

	/* The parent's session is the parent's: never used, never closed. */
	r->sess = NULL;
	r->own_sess = 0;
	memset(&r->st, 0, sizeof(r->st));
	memset(&rep, 0, sizeof(rep));
	r->ended_to = ended;
	/* No session, no share: the parent's session sends it. */
	if (runner_open(r, ids[k], &o) == -1)
		rep.declined = 1;
	else
		share(r, ids, n, k, nk);
	runner_session_end(r);
	if (fflush(ended) == EOF)
		r->st.local_err = 1;
	rep.st = r->st;
	do
		w = write(fd, &rep, sizeof(rep));
	while (w == -1 && errno == EINTR);
	(void)fflush(NULL);
	_exit(w == (ssize_t)sizeof(rep) ? 0 : 1);
}

/* A child's hooks.ended calls, made now in this process. */
static void
replay(struct qrun *r, FILE *f)
{
	struct ended_rec	rec;

	rewind(f);
	while (fread(&rec, sizeof(rec), 1, f) == 1) {
		rec.id[sizeof(rec.id) - 1] = '\0';
		rec.why[sizeof(rec.why) - 1] = '\0';
		runner_ended(r, rec.id, (enum qfate)rec.fate,
		    rec.has_o ? &rec.o : NULL, rec.why);
	}
}

static void
add_stats(struct qrun_stats *to, const struct qrun_stats *st)
{
	to->due += st->due;
	to->sent += st->sent;
	to->deferred += st->deferred;
	to->failed += st->failed;
	to->held += st->held;
	to->local_err |= st->local_err;
}
