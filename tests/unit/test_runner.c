/*
 * Unit tests for src/queue/enqueue.c, runner.c and bounce.c without a
 * server: queueing with an explicit uid, what a run tells its hooks when
 * an entry's account is gone (kept, then given up without a bounce),
 * and the bounce's text.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "queue/pace.h"
#include "queue/runner.h"
#include "tap.h"

static const char spool[] =
    "From: a@example.org\r\nBcc: hidden@example.org\r\n"
    "Subject: s\r\n\r\nbody\r\n";

/* What the hooks were told. */
struct seen {
	int	deferred, given_up, local;
	int	bounce;
	char	why[1024];
};

static void
deferred(void *arg, const struct qent *e, const char *why,
    const struct outcome *o)
{
	struct seen	*s = arg;

	(void)e;
	(void)o;
	s->deferred++;
	(void)snprintf(s->why, sizeof(s->why), "%s", why);
}

static void
given_up(void *arg, const struct qent *e, const char *dir, enum qbounce b,
    const char *why)
{
	struct seen	*s = arg;

	(void)e;
	(void)dir;
	(void)why;
	s->given_up++;
	s->bounce = (int)b;
}

static void
local_error(void *arg, const char *id, const char *why)
{
	struct seen	*s = arg;

	(void)id;
	(void)why;
	s->local++;
}

static int
spool_fd(const char *dir)
{
	int	fd;

	if ((fd = open(dir, O_TMPFILE | O_RDWR, 0600)) == -1)
		return -1;
	if (write(fd, spool, sizeof(spool) - 1) != (ssize_t)sizeof(spool) - 1) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
test_run(void)
{
	char		 dir[] = "/tmp/test_runner.XXXXXX", path[PATH_MAX];
	char		*rcpts[] = { "r@example.net" };
	struct qrun_opts ro;
	struct qsubmit	 s;
	struct outmsg	 m;
	struct outcome	 o;
	struct queue	*q;
	struct qrun	*r;
	struct qent	 e, g;
	struct seen	 seen;
	int		 fd;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	(void)snprintf(path, sizeof(path), "%s/queue", dir);
	if ((q = queue_open(path, 1, &o)) == NULL ||
	    (fd = spool_fd(queue_tmpdir(q))) == -1) {
		ok(0, "a queue and a spool");
		return;
	}
	outmsg_init(&m);
	m.fd = fd;
	m.size = sizeof(spool) - 1;
	(void)outmsg_add_skip(&m, 21, 25);
	memset(&s, 0, sizeof(s));
	s.account = "gone";
	s.msg = &m;
	s.sender = "a@example.org";
	s.rcpts = rcpts;
	s.nrcpts = 1;
	/* Over a cap: never queueable, said as a data error (not 75). */
	{
		char	**many;
		size_t	  i;

		if ((many = calloc(QUEUE_RCPTMAX + 1, sizeof(*many))) != NULL) {
			for (i = 0; i <= QUEUE_RCPTMAX; i++)
				many[i] = rcpts[0];
			s.rcpts = many;
			s.nrcpts = QUEUE_RCPTMAX + 1;
			ok(queue_enqueue(q, &s, 4242, NULL, &g, &o) == -1 &&
			    o.kind == OUT_DATAERR, "more recipients than an "
			    "entry holds: OUT_DATAERR (%s)", o.why);
			qent_free(&g);
			free(many);
		}
		s.rcpts = rcpts;
		s.nrcpts = 1;
	}
	ok(queue_enqueue(q, &s, 4242, NULL, &e, &o) == 0, "enqueued: %s",
	    o.why);
	is_int(e.uid, 4242, "the uid given, not the caller's");
	is_int(e.out.nskip, 1, "with its range");
	is_int(e.attempts, 0, "no attempt yet (-odq)");

	memset(&seen, 0, sizeof(seen));
	memset(&ro, 0, sizeof(ro));
	ro.now = (time_t)e.created;
	ro.hooks.arg = &seen;
	ro.hooks.deferred = deferred;
	ro.hooks.given_up = given_up;
	ro.hooks.local_error = local_error;
	r = qrun_new(q, &ro);
	qrun_flush(r);
	is_int(seen.deferred, 1, "the account is gone: deferred");
	is_str(seen.why, "account gone is not in the configuration any more",
	    "and why");
	is_int(qrun_stats(r)->due, 1, "one due");
	is_int(qrun_stats(r)->deferred, 1, "one deferred");
	qrun_free(r);
	qent_init(&g);
	ok(queue_read(q, 0, e.id, &g, path, sizeof(path)) == 0 &&
	    g.attempts == 1 && g.next > g.created, "one attempt, backed off");
	qent_free(&g);

	ro.now = (time_t)e.created + QUEUE_MAX_AGE_DEFAULT + 1;
	/* Held: neither sent nor given up, even forced and too old. */
	is_int(queue_admin(q, QA_HOLD, e.id, ro.now, path, sizeof(path)),
	    QAR_DONE, "held");
	is_int(queue_admin(q, QA_HOLD, e.id, ro.now, path, sizeof(path)),
	    QAR_ALREADY, "already held");
	memset(&seen, 0, sizeof(seen));
	ro.force = 1;
	r = qrun_new(q, &ro);
	qrun_flush(r);
	is_int(qrun_stats(r)->held, 1, "held: counted");
	is_int(qrun_stats(r)->due + seen.given_up + seen.deferred, 0,
	    "held: not tried, not given up");
	qrun_free(r);
	/* -qS: another sender selects nothing. */
	is_int(queue_admin(q, QA_RELEASE, e.id, ro.now, path, sizeof(path)),
	    QAR_DONE, "released");
	qent_init(&g);
	ok(queue_read(q, 0, e.id, &g, path, sizeof(path)) == 0 && !g.held &&
	    g.next == (long long)ro.now, "released: due now");
	qent_free(&g);
	ro.sel_sender = "B@EXAMPLE";
	r = qrun_new(q, &ro);
	qrun_flush(r);
	is_int(qrun_stats(r)->due, 0, "-qS: another sender is not selected");
	qrun_free(r);
	ro.sel_sender = "A@EXAMPLE";
	ro.force = 0;
	memset(&seen, 0, sizeof(seen));
	r = qrun_new(q, &ro);
	qrun_flush(r);
	is_int(seen.given_up, 1, "too old: given up");
	is_int(seen.bounce, QB_NO_ACCOUNT, "no account to bounce through");
	is_int(qrun_stats(r)->failed, 1, "counted");
	is_int(seen.local, 0, "no local error");
	qrun_free(r);
	/* Delete touches only the queue, never failed/. */
	is_int(queue_admin(q, QA_DELETE, e.id, ro.now, path, sizeof(path)),
	    QAR_GONE, "given up: not in the queue to delete");

	qent_free(&e);
	close(fd);
	queue_close(q);
	(void)snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	(void)system(path);
}

static void
test_bounce_text(void)
{
	char		 dir[] = "/tmp/test_runner.XXXXXX", why[256];
	char		*text = NULL, *t;
	struct account	 a;
	struct qent	 e;
	size_t		 len = 0;
	int		 fd;

	if (mkdtemp(dir) == NULL || (fd = spool_fd(dir)) == -1) {
		ok(0, "a spool");
		return;
	}
	memset(&a, 0, sizeof(a));
	a.name = "acct";
	a.from = "postmaster@example.org";
	qent_init(&e);
	(void)qent_set(&e.sender, "a@example.org", 13);
	(void)qent_add_rcpt(&e, "r@example.net");
	(void)qent_set(&e.error, "550 no such user", 16);
	memcpy(e.id, "0123456789ABCDEF", QUEUE_IDLEN + 1);
	e.created = 1700000000;
	e.out.fd = fd;
	e.out.size = sizeof(spool) - 1;
	(void)outmsg_set_prefix(&e.out, "Date: d\r\n", 9);
	(void)outmsg_add_skip(&e.out, 21, 25);
	ok(queue_bounce_text(&a, &e, 1700000100, "host.test", &text, &len,
	    why, sizeof(why)) == 0, "composed: %s", why);
	if (text != NULL && (t = realloc(text, len + 1)) != NULL) {
		text = t;
		text[len] = '\0';
		ok(strstr(text, "To: <a@example.org>\r\n") != NULL,
		    "to the sender");
		ok(strstr(text, "  550 no such user\r\n") != NULL, "the error");
		ok(strstr(text, "  <r@example.net>\r\n") != NULL,
		    "the recipients");
		ok(strstr(text, "---\r\n\r\nDate: d\r\nFrom: a@example.org\r\n"
		    "Subject: s\r\n") != NULL, "the header as it went out");
		ok(strstr(text, "hidden") == NULL && strstr(text, "body") ==
		    NULL, "without the Bcc, without the body");
	}
	free(text);
	a.from = NULL;
	ok(queue_bounce_text(&a, &e, 0, "h", &text, &len, why,
	    sizeof(why)) == -1 && strstr(why, "no from address") != NULL,
	    "no from address: none");
	qent_free(&e);
	close(fd);
	(void)rmdir(dir);
}

/* pace_refusal(): "slow down", not "no" (pace.h). */
static void
test_pace_refusal(void)
{
	static const struct {
		int		 code;
		const char	*enh, *text;
		int		 want;
	} cases[] = {
		{ 421, "4.7.0", "Too many messages, slow down", 1 },
		{ 421, "4.7.0", "host Error: too many connections from x", 1 },
		{ 450, "4.7.1", "Error: too much mail from 127.0.0.1", 1 },
		{ 452, "4.3.2", "Concurrent connections limit exceeded", 1 },
		{ 451, "4.3.2", "System not accepting network messages", 1 },
		{ 550, "5.4.5", "Daily user sending quota exceeded", 1 },
		{ 554, "5.2.0", "STOREDRV.Submission.Exception:"
		    "SubmissionQuotaExceededException", 1 },
		{ 421, "4.4.2", "Timeout exceeded", 0 },
		{ 452, "4.5.3", "Too many recipients", 0 },
		{ 450, "4.2.0", "Greylisted, try again later", 0 },
		{ 550, "5.1.1", "User unknown", 0 },
		{ 454, "4.7.0", "TLS not available", 0 },
	};
	struct outcome	o;
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&o, 0, sizeof(o));
		o.kind = OUT_REPLY;
		o.code = cases[i].code;
		(void)strlcpy(o.enh, cases[i].enh, sizeof(o.enh));
		(void)strlcpy(o.text, cases[i].text, sizeof(o.text));
		is_int(pace_refusal(&o), cases[i].want, "%d %s %s",
		    cases[i].code, cases[i].enh, cases[i].text);
	}
	memset(&o, 0, sizeof(o));
	o.kind = OUT_TEMP;
	(void)strlcpy(o.text, "rate limit", sizeof(o.text));
	is_int(pace_refusal(&o), 0, "not a reply: no rate limit");
}

int
main(void)
{
	test_run();
	test_pace_refusal();
	test_bounce_text();
	return done_testing();
}
