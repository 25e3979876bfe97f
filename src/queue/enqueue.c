/*
 * Where an account's queue is, and queueing a message there (runner.h).
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/util.h"
#include "queue/pace.h"
#include "queue/runner.h"

static int	fill_entry(struct qent *, const struct qsubmit *, uid_t);

/*
 * queue_dir, else /var/spool/bote for root, else $XDG_STATE_HOME/bote/
 * queue (~/.local/state/bote/queue).
 */
int
queue_dirname(const struct account *a, char *buf, size_t sz)
{
	const char	*x = getenv("XDG_STATE_HOME"), *h = getenv("HOME"), *t;

	if (a != NULL && a->queue_dir != NULL)
		return xstrlcpy(buf, a->queue_dir, sz);
	/* The test suite keeps its queues away from the system's. */
	if (geteuid() == 0 && (t = test_hook("SPOOL")) != NULL && t[0] == '/')
		return xstrlcpy(buf, t, sz);
	if (geteuid() == 0)
		return xstrlcpy(buf, "/var/spool/bote", sz);
	if (x != NULL && x[0] == '/')
		return xsnprintf(buf, sz, "%s/bote/queue", x);
	if (h != NULL && h[0] == '/')
		return xsnprintf(buf, sz, "%s/.local/state/bote/queue", h);
	return -1;
}

int
queue_dirnames(struct conf *c, char ***dirs, size_t *n)
{
	struct account	 *a;
	char		**v = NULL, **nv, dir[PATH_MAX];
	size_t		  cnt = 0, i;

	/* The default place only when some account uses it. */
	for (a = c != NULL ? c->accounts : NULL; a != NULL; a = a->next)
		if (a->queue_dir == NULL)
			break;
	if (c != NULL && c->accounts != NULL && a == NULL)
		a = c->accounts;
	else
		a = NULL;
	do {
		if (queue_dirname(a, dir, sizeof(dir)) == 0) {
			for (i = 0; i < cnt; i++)
				if (strcmp(v[i], dir) == 0)
					break;
			if (i == cnt) {
				if ((nv = reallocarray(v, cnt + 1,
				    sizeof(*v))) == NULL)
					goto fail;
				v = nv;
				if ((v[cnt] = strdup(dir)) == NULL)
					goto fail;
				cnt++;
			}
		}
		if (a == NULL)
			a = c != NULL ? c->accounts : NULL;
		else
			a = a->next;
	} while (a != NULL);
	*dirs = v;
	*n = cnt;
	return 0;
fail:
	for (i = 0; i < cnt; i++)
		free(v[i]);
	free(v);
	return -1;
}

void
queue_describe(const struct outcome *o, char *buf, size_t sz)
{
	char	text[OUTCOME_TEXTMAX];

	(void)sanitize_line(text, sizeof(text), o->text, strlen(o->text));
	if (o->code != 0)
		whyf(buf, sz, "%s: %d %s", o->why, o->code, text);
	else
		whyf(buf, sz, "%s", o->why);
}

/* The control data of s; -1 with errno (ENOMEM, E2BIG, EINVAL). */
static int
fill_entry(struct qent *e, const struct qsubmit *s, uid_t uid)
{
	const struct outmsg	*m = s->msg;
	size_t			 i;

	if (qent_set(&e->account, s->account, strlen(s->account)) == -1 ||
	    qent_set(&e->sender, s->sender, strlen(s->sender)) == -1)
		return -1;
	if (s->conf != NULL && qconf_copy(&e->conf, s->conf) == -1)
		return -1;
	for (i = 0; i < s->nrcpts; i++)
		if (qent_add_rcpt(e, s->rcpts[i]) == -1)
			return -1;
	if (outmsg_set_prefix(&e->out, m->prefix, m->prefixlen) == -1)
		return -1;
	for (i = 0; i < m->nskip; i++)
		if (outmsg_add_skip(&e->out, m->skip[i][0],
		    m->skip[i][1]) == -1)
			return -1;
	e->out.size = m->size;
	e->out.eightbit = m->eightbit;
	e->dsn_notify = s->dsn_notify;
	e->dsn_return = s->dsn_return;
	if (s->dsn_envid != NULL && qent_set(&e->envid, s->dsn_envid,
	    strlen(s->dsn_envid)) == -1)
		return -1;
	e->uid = (long long)uid;
	e->created = (long long)clock_now();
	e->next = e->created;
	return 0;
}

int
queue_enqueue(struct queue *q, const struct qsubmit *s, uid_t uid,
    const struct outcome *why, struct qent *e, struct outcome *o)
{
	char	w[OUTCOME_TEXTMAX + 600];

	memset(o, 0, sizeof(*o));
	qent_init(e);
	/* Over a cap (E2BIG): this message can never be queued. */
	if (fill_entry(e, s, uid) == -1)
		return outcome_set(o, errno == ENOMEM ? OUT_OSERR :
		    errno == E2BIG ? OUT_DATAERR : OUT_SOFTWARE, PH_NONE,
		    "%s", errno == E2BIG ? "more recipients or header "
		    "changes than the queue holds" : strerror(errno));
	if (why != NULL) {
		queue_describe(why, w, sizeof(w));
		e->attempts = 1;
		e->next = e->created + queue_backoff(1);
		e->maybe_sent = why->kind == OUT_MAYBE_SENT;
		if (qent_set(&e->error, w, strlen(w)) == -1)
			return outcome_set(o, OUT_OSERR, PH_NONE,
			    "out of memory");
	}
	return queue_add(q, s->msg->fd, e, o);
}

/*
 * DIR/known/HASH: the record that account a (its name, host and port)
 * has had a message accepted; HASH is SHA-256 over "name\nhost\nport",
 * in hex, so that no account name can make a path. dir gets DIR, and
 * name "known/HASH". -1 when there is no queue directory.
 */
int
queue_acct_file(const struct account *a, const char *sub, char *dir,
    size_t dirsz, char *name, size_t namesz)
{
	struct sbuf	 b;
	char		 hex[2 * CRYPTO_HASHMAX + 1];
	int		 rc;

	if (queue_dirname(a, dir, dirsz) == -1)
		return -1;
	sbuf_init(&b, 4096);
	(void)sbuf_addf(&b, "%s\n%s\n%d", a->name ? a->name : "",
	    a->host ? a->host : "", account_port(a));
	rc = b.err ? -1 : crypto_sha256_hex(b.p, b.len, hex, sizeof(hex));
	free(b.p);
	if (rc == -1)
		return -1;
	return xsnprintf(name, namesz, "%s/%s", sub, hex);
}

int
queue_known(const struct account *a)
{
	char	dir[PATH_MAX], name[128], path[PATH_MAX];

	return queue_acct_file(a, "known", dir, sizeof(dir), name,
	    sizeof(name)) == 0 &&
	    xsnprintf(path, sizeof(path), "%s/%s", dir, name) == 0 &&
	    access(path, F_OK) == 0;
}

void
queue_mark_known(const struct account *a)
{
	struct queue	*q;
	struct outcome	 o;
	char		 dir[PATH_MAX], name[128], path[PATH_MAX];
	int		 fd;

	if (queue_acct_file(a, "known", dir, sizeof(dir), name,
	    sizeof(name)) == -1 ||
	    xsnprintf(path, sizeof(path), "%s/%s", dir, name) == -1 ||
	    access(path, F_OK) == 0)
		return;
	/* The queue directory as the queue makes it: owner and modes. */
	if ((q = queue_open(dir, 1, &o)) == NULL)
		return;
	queue_close(q);
	if (xsnprintf(path, sizeof(path), "%s/known", dir) == -1 ||
	    (mkdir(path, 0700) == -1 && errno != EEXIST) ||
	    xsnprintf(path, sizeof(path), "%s/%s", dir, name) == -1)
		return;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600)) != -1)
		(void)close(fd);
}

enum qverdict
queue_verdict(const struct account *a, const struct outcome *o)
{
	if (o->kind == OUT_OK)
		return QV_SENT;
	if (outcome_setup_class(o) != SETUP_NONE)
		return a->queue && queue_known(a) ? QV_QUEUE : QV_SETUP;
	/* A rate limit, even a 5yz daily quota, is worth waiting out. */
	return outcome_temporary(o) || pace_refusal(o) ? QV_QUEUE : QV_FAIL;
}
