/*
 * bote --batch (bote.1): many messages in one process. Each message of
 * the input (an mbox, mbox.h; or a directory of files, one message
 * each; or a Maildir's new/ and cur/) goes through the submission
 * pipeline as -t would send it, and is queued, durably and due now;
 * then one queue run (qrun_ids) delivers exactly those entries, over
 * the runner's sessions. What failed for now stays in the queue (bote
 * -q sends it later); what the server refused for good is given up as
 * a queue run gives it up. A message that cannot be submitted (no
 * recipients, a bad header, a NUL byte) is skipped and said, never
 * stopping the others. This file words it all and chooses the status.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include "base/util.h"
#include "msg/mbox.h"
#include "msg/msg.h"
#include "queue/queue.h"
#include "queue/runner.h"
#include "submit/submit.h"

#include "batch.h"
#include "conffiles.h"
#include "exitmap.h"
#include "modes.h"
#include "progress.h"
#include "queuecli.h"
#include "report.h"
#include "session.h"

#define MSGID_MAX	998		/* a Message-ID shown, octets */
#define HEADER_SCAN	65536		/* header octets looked at for it */
#define BATCH_SAME	3		/* lines for one reason, in a row */

/* Where a message of the batch ended. */
enum istate {
	IT_SKIPPED,	/* not submitted: malformed, or not queued */
	IT_QUEUED,	/* in the queue, for bote -q */
	IT_SENT,
	IT_REFUSED	/* refused for good: given up */
};

static const char *const state_name[] = {
	"skipped", "queued", "sent", "refused"
};

/* One message of the batch. */
struct item {
	char		*file;		/* its file; NULL: the mbox's */
	unsigned long	 line;		/* in an mbox: its From line */
	char		 id[QUEUE_IDLEN + 1];	/* "" when not queued */
	char		*msgid;		/* or NULL */
	char	       **rcpts;
	size_t		 nrcpts;
	enum istate	 st;
	int		 exit;		/* skipped, refused: its status */
	char		*why;		/* or NULL */
};

struct batch {
	const struct args	*args;
	struct conf		*conf;
	struct account		*acct;
	const char		*input;		/* file, directory, "-" */
	struct queue		*q;
	struct qconf		 qc;
	struct submit_req	 req;
	struct aliases		*al;
	struct smtp_opts	 op;		/* the command line's DSN */
	struct item		*it;
	size_t			 n, cap;
	struct item		**byid;		/* the queued, by id */
	size_t			 nbyid;
	size_t			 count[4];	/* by enum istate */
	int			 in_err;	/* the input status, or 0 */
	struct progress		 prog;
};

static int	setup(struct batch *);
static void	read_input(struct batch *);
static void	read_mbox(struct batch *, int, const char *);
static void	read_dir(struct batch *, const char *);
static int	list_dir(const char *, const char *, char ***, size_t *,
		    size_t *);
static int	by_name(const void *, const void *);
static void	read_file(struct batch *, const char *);
static struct item *new_item(struct batch *, const char *, unsigned long);
static void	take(struct batch *, struct msg *, const char *,
		    unsigned long);
static void	skip(struct batch *, struct item *, const struct outcome *);
static int	enqueue(struct batch *, struct item *,
		    const struct submission *, struct outcome *);
static char	*msgid_of(const struct outmsg *);
static void	deliver(struct batch *);
static int	id_cmp(const void *, const void *);
static struct item *by_id(struct batch *, const char *);
static void	tell_sent(void *, const char *);
static void	tell_attempt(void *, const char *, int);
static void	tell_deferred(void *, const char *, const char *);
static void	tell_refused(void *, const char *, const char *);
static void	set_state(struct batch *, struct item *, enum istate,
		    const char *);
static void	progress(struct batch *, const char *);
static void	where(const struct batch *, const struct item *, char *,
		    size_t);
static void	say_items(const struct batch *);
static void	json(const struct batch *, int);
static int	status(const struct batch *);
static void	batch_free(struct batch *);

int
mode_batch(const struct args *a, struct conf *conf, struct account *acct)
{
	struct batch	 b;
	struct outcome	 o;
	int		 st;

	memset(&b, 0, sizeof(b));
	memset(&o, 0, sizeof(o));
	b.args = a;
	b.conf = conf;
	b.acct = acct;
	b.input = a->nrcpts > 0 ? a->rcpts[0] : "-";
	if ((st = setup(&b)) != EX_OK) {
		batch_free(&b);
		return st;
	}
	progress_init(&b.prog);
	/* One sync for the batch, before anything is sent or said. */
	queue_defer_sync(b.q);
	read_input(&b);
	if (queue_sync(b.q, &o) == -1) {
		say("--batch: %s; nothing was sent", o.why);
		b.in_err = EX_TEMPFAIL;
	} else if (b.count[IT_QUEUED] > 0 && a->deliver != 'q' &&
	    !bote_interrupted)
		deliver(&b);
	progress_end(&b.prog);
	say_items(&b);
	st = status(&b);
	if (a->json && (b.in_err == 0 || b.n > 0))
		json(&b, st);
	if (b.in_err == 0 || b.n > 0)
		say("%zu message%s: %zu sent, %zu queued, %zu refused, %zu skipped",
	    b.n, b.n == 1 ? "" : "s", b.count[IT_SENT], b.count[IT_QUEUED],
	    b.count[IT_REFUSED], b.count[IT_SKIPPED]);
	if (b.count[IT_QUEUED] > 0 && a->deliver != 'q')
		say("the queued messages are sent by bote -q (bote -bp lists "
		    "them); do not send them again");
	batch_free(&b);
	return st;
}

/*
 * The queue the messages go to (the batch needs one: queue off is
 * refused), the files they are queued under, the request each message
 * is submitted with. EX_OK, or the status after saying why.
 */
static int
setup(struct batch *b)
{
	struct outcome	 o;
	char		 dir[PATH_MAX];
	int		 st;

	if (!queue_enabled(b->acct, b->args)) {
		say("--batch queues every message before it sends them, and "
		    "account %s does not queue%s: set queue on for it (bote."
		    "conf(5)), or send the messages one by one", b->acct->name,
		    b->args->no_queue ? " (--no-queue)" : "");
		return b->args->no_queue ? EX_USAGE : EX_CONFIG;
	}
	if (queue_dirname(b->acct, dir, sizeof(dir)) == -1) {
		say("--batch: no queue directory (set queue_dir, or HOME)");
		return EX_CONFIG;
	}
	if ((b->q = queue_open(dir, 1, &o)) == NULL) {
		say("--batch: cannot use the queue: %s", o.why);
		return EX_TEMPFAIL;
	}
	if (conffiles_record(b->conf, b->args, &b->qc) == -1) {
		say("--batch: cannot record the configuration files: %s",
		    strerror(errno));
		return errno == E2BIG ? EX_CONFIG : EX_OSERR;
	}
	b->req.sender = b->args->sender;
	b->req.read_rcpts = 1;
	b->req.fullname = b->args->fullname;
	b->req.trace_uid = (long long)getuid();
	if (b->acct->aliases != NULL) {
		if ((b->al = load_aliases(b->acct, &st)) == NULL) {
			say("account %s: the aliases file cannot be used; "
			    "nothing was sent", b->acct->name);
			return st;
		}
		b->req.aliases = b->al;
	}
	session_opts(&b->op, b->acct, NULL, b->args);
	return EX_OK;
}

/* The operand: standard input ("-"), a directory, or an mbox file. */
static void
read_input(struct batch *b)
{
	struct stat	 sb;
	int		 fd;

	if (strcmp(b->input, "-") == 0) {
		read_mbox(b, STDIN_FILENO, NULL);
		return;
	}
	if (stat(b->input, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		read_dir(b, b->input);
		return;
	}
	if ((fd = open(b->input, O_RDONLY | O_CLOEXEC)) == -1) {
		say("--batch: cannot open %s: %s", b->input, strerror(errno));
		b->in_err = errno == ENOENT ? EX_NOINPUT : EX_IOERR;
		return;
	}
	read_mbox(b, fd, b->input);
	close(fd);
}

/* Every message of the mbox (or the one message) in fd. */
static void
read_mbox(struct batch *b, int fd, const char *file)
{
	struct mbox	*mb;
	struct msg	*m;
	struct item	*it;
	struct outcome	 o;
	unsigned long	 line;
	enum mbox_rc	 rc;

	if ((mb = mbox_new(fd)) == NULL) {
		say("out of memory");
		b->in_err = EX_OSERR;
		return;
	}
	while (!bote_interrupted) {
		memset(&o, 0, sizeof(o));
		rc = mbox_next(mb, queue_tmpdir(b->q), &m, &line, &o);
		if (rc == MBOX_END)
			break;
		if (rc == MBOX_ERR) {
			say("--batch: %s%s%s", file != NULL ? file : "standard "
			    "input", ": ", o.why);
			b->in_err = exit_status(&o);
			break;
		}
		if (rc == MBOX_MSG)
			take(b, m, NULL, line);
		else if ((it = new_item(b, NULL, line)) != NULL)
			skip(b, it, &o);
		msg_free(m);
		if (b->in_err != 0)
			break;
	}
	mbox_free(mb);
}

/*
 * A directory: one message per regular file, in the order of their
 * names (dot files left out); a Maildir (cur/ and new/ in it): the
 * files of both, in the order of their names.
 */
static void
read_dir(struct batch *b, const char *dir)
{
	struct stat	  sb;
	char		**f = NULL, path[PATH_MAX];
	size_t		  n = 0, cap = 0, i;
	int		  rc = 0;

	if (xsnprintf(path, sizeof(path), "%s/cur", dir) == 0 &&
	    stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) &&
	    xsnprintf(path, sizeof(path), "%s/new", dir) == 0 &&
	    stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		rc = list_dir(dir, "new", &f, &n, &cap) == -1 ||
		    list_dir(dir, "cur", &f, &n, &cap) == -1 ? -1 : 0;
	else
		rc = list_dir(dir, NULL, &f, &n, &cap);
	if (rc == -1) {
		say("--batch: cannot read the directory %s: %s", dir,
		    strerror(errno));
		b->in_err = EX_IOERR;
	} else {
		qsort(f, n, sizeof(*f), by_name);
		for (i = 0; i < n && b->in_err == 0 && !bote_interrupted; i++)
			read_file(b, f[i]);
	}
	for (i = 0; i < n; i++)
		free(f[i]);
	free(f);
}

/* The regular files of dir (or of dir/sub) appended to *f. 0 or -1. */
static int
list_dir(const char *dir, const char *sub, char ***f, size_t *n,
    size_t *cap)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		 base[PATH_MAX], path[PATH_MAX], **nf;
	int		 rc = 0;

	if ((sub != NULL ? xsnprintf(base, sizeof(base), "%s/%s", dir, sub) :
	    xstrlcpy(base, dir, sizeof(base))) == -1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((d = opendir(base)) == NULL)
		return -1;
	while (rc == 0 && (errno = 0, de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (xsnprintf(path, sizeof(path), "%s/%s", base,
		    de->d_name) == -1 || stat(path, &sb) == -1 ||
		    !S_ISREG(sb.st_mode))
			continue;
		if (*n == *cap) {
			if (*n >= BATCH_MAX || (nf = reallocarray(*f,
			    *cap + 64, sizeof(**f))) == NULL) {
				errno = *n >= BATCH_MAX ? E2BIG : ENOMEM;
				rc = -1;
				break;
			}
			*f = nf;
			*cap += 64;
		}
		if (((*f)[*n] = strdup(path)) == NULL)
			rc = -1;
		else
			(*n)++;
	}
	if (rc == 0 && errno != 0)
		rc = -1;
	closedir(d);
	return rc;
}

/* File names in the order of their last part (a Maildir's both). */
static int
by_name(const void *x, const void *y)
{
	const char	*a = *(char *const *)x, *b = *(char *const *)y;

	return strcmp(strrchr(a, '/') + 1, strrchr(b, '/') + 1);
}

/* One message file; one that cannot be read is skipped and said. */
static void
read_file(struct batch *b, const char *file)
{
	struct outcome	 o;
	struct msg	*m = NULL;
	struct item	*it;
	int		 fd;

	memset(&o, 0, sizeof(o));
	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		outcome_set(&o, OUT_IOERR, PH_NONE, "cannot open it: %s",
		    strerror(errno));
	else
		m = msg_spool(fd, queue_tmpdir(b->q), 0, &o);
	if (fd != -1)
		close(fd);
	if (m != NULL)
		take(b, m, file, 0);
	else if ((it = new_item(b, file, 0)) != NULL)
		skip(b, it, &o);
	msg_free(m);
}

/* The next item; NULL past BATCH_MAX or out of memory (in_err set). */
static struct item *
new_item(struct batch *b, const char *file, unsigned long line)
{
	struct item	*ni, *it;

	if (b->n == b->cap) {
		if (b->n >= BATCH_MAX) {
			say("--batch: more than %d messages: the rest are not "
			    "read; send them in another batch", BATCH_MAX);
			b->in_err = EX_DATAERR;
			return NULL;
		}
		if ((ni = reallocarray(b->it, b->cap + 256,
		    sizeof(*ni))) == NULL) {
			say("out of memory");
			b->in_err = EX_OSERR;
			return NULL;
		}
		b->it = ni;
		b->cap += 256;
	}
	it = &b->it[b->n];
	memset(it, 0, sizeof(*it));
	it->line = line;
	if (file != NULL && (it->file = strdup(file)) == NULL) {
		say("out of memory");
		b->in_err = EX_OSERR;
		return NULL;
	}
	b->n++;
	return it;
}

/* A spooled message: submitted and queued, or skipped. */
static void
take(struct batch *b, struct msg *m, const char *file, unsigned long line)
{
	struct submission	*sub;
	struct item		*it;
	struct outcome		 o;
	size_t			 i;

	memset(&o, 0, sizeof(o));
	if ((it = new_item(b, file, line)) == NULL)
		return;
	report_broken(msg_broken(m));
	if ((sub = submission_new()) == NULL) {
		outcome_set(&o, OUT_OSERR, PH_NONE, "out of memory");
		skip(b, it, &o);
		return;
	}
	if (submit_prepare(&b->req, b->acct, m, sub, &o) == -1) {
		/* Arguments are no way to give them here. */
		if (o.kind == OUT_USAGE && strncmp(o.why, "no recipients",
		    13) == 0)
			whyf(o.why, sizeof(o.why), "no recipients: its header "
			    "has no To, Cc or Bcc address, which --batch sends "
			    "each message to");
		skip(b, it, &o);
		submission_free(sub);
		return;
	}
	it->msgid = msgid_of(&sub->out);
	if ((it->rcpts = calloc(sub->rcpts.n + 1, sizeof(char *))) != NULL)
		for (i = 0; i < sub->rcpts.n; i++)
			if ((it->rcpts[it->nrcpts] =
			    strdup(sub->rcpts.v[i])) != NULL)
				it->nrcpts++;
	if (enqueue(b, it, sub, &o) == -1)
		skip(b, it, &o);
	else {
		it->st = IT_QUEUED;
		b->count[IT_QUEUED]++;
		progress(b, "queued");
	}
	submission_free(sub);
}

/* The message is not sent: o says why. */
static void
skip(struct batch *b, struct item *it, const struct outcome *o)
{
	it->st = IT_SKIPPED;
	it->exit = exit_status(o);
	it->why = strdup(o->why[0] != '\0' ? o->why : "cannot be read");
	b->count[IT_SKIPPED]++;
}

/* Into the queue, durably and due now: 0 with it->id, or -1 with *o. */
static int
enqueue(struct batch *b, struct item *it, const struct submission *sub,
    struct outcome *o)
{
	struct qsubmit	 s;
	struct qent	 e;
	struct outcome	 qo;
	int		 rc = 0;

	qent_init(&e);
	memset(&qo, 0, sizeof(qo));
	memset(&s, 0, sizeof(s));
	s.account = b->acct->name;
	s.conf = &b->qc;
	s.msg = &sub->out;
	s.sender = sub->sender;
	s.rcpts = sub->rcpts.v;
	s.nrcpts = sub->rcpts.n;
	s.dsn_notify = b->op.dsn_notify;
	s.dsn_return = b->op.dsn_return;
	s.dsn_envid = b->op.dsn_envid;
	if (queue_enqueue(b->q, &s, getuid(), NULL, &e, &qo) == -1) {
		/* Nothing sent it, nothing keeps it: the caller must. */
		rc = -1;
		outcome_set(o, qo.kind == OUT_DATAERR ? OUT_DATAERR :
		    OUT_TEMPLOCAL, PH_NONE, "cannot queue it: %s", qo.why);
	} else if (xstrlcpy(it->id, e.id, sizeof(it->id)) == -1)
		it->id[0] = '\0';	/* QUEUE_IDLEN digits: never */
	qent_free(&e);
	return rc;
}

/*
 * The Message-ID field of the message as it goes out (the policy may
 * have added it), unfolded; NULL when there is none.
 */
static char *
msgid_of(const struct outmsg *out)
{
	struct outmsg_reader	 r;
	char			*buf, *p, *end, *eol, *v = NULL;
	ssize_t			 n;
	size_t			 len = 0, vl = 0;

	if ((buf = malloc(HEADER_SCAN)) == NULL)
		return NULL;
	outmsg_reader_init(&r, out);
	while (len < HEADER_SCAN && (n = outmsg_read(&r, buf + len,
	    HEADER_SCAN - len)) > 0)
		len += (size_t)n;
	for (p = buf, end = buf + len; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL ||
		    p[0] == '\r' || p[0] == '\n')
			break;
		if (v == NULL && strncasecmp(p, "Message-ID:", 11) == 0) {
			v = p + 11;
			vl = (size_t)(eol - v);
		} else if (v != NULL && (p[0] == ' ' || p[0] == '\t'))
			vl = (size_t)(eol - v);
		else if (v != NULL)
			break;
	}
	if (v != NULL) {
		/* Unfolded, trimmed; CR and LF gone with the blanks. */
		char	*w = v, *q;

		for (q = v; q < v + vl; q++)
			if (*q != '\r' && *q != '\n' && !((*q == ' ' ||
			    *q == '\t') && (w == v || w[-1] == ' ')))
				*w++ = *q == '\t' ? ' ' : *q;
		while (w > v && w[-1] == ' ')
			w--;
		v = w > v && w - v <= MSGID_MAX ? xstrndup(v,
		    (size_t)(w - v)) : NULL;
	}
	free(buf);
	return v;
}

/* One queue run over the entries queued (runner.h, qrun_ids). */
static void
deliver(struct batch *b)
{
	struct batch_tell	 t = { .arg = b, .sent = tell_sent,
	    .attempt = tell_attempt, .deferred = tell_deferred,
	    .refused = tell_refused };
	struct qrun_stats	 st;
	char			**ids;
	size_t			 i, n = 0;

	if ((ids = calloc(b->n + 1, sizeof(*ids))) == NULL) {
		say("out of memory: the messages stay queued for bote -q");
		return;
	}
	/* The hooks find an entry's message by its id. */
	if ((b->byid = calloc(b->n + 1, sizeof(*b->byid))) == NULL) {
		free(ids);
		say("out of memory: the messages stay queued for bote -q");
		return;
	}
	for (i = 0; i < b->n; i++)
		if (b->it[i].st == IT_QUEUED) {
			ids[n++] = b->it[i].id;
			b->byid[b->nbyid++] = &b->it[i];
		}
	qsort(b->byid, b->nbyid, sizeof(*b->byid), id_cmp);
	progress(b, "sending");
	queue_run_ids(b->q, b->conf, b->acct, b->args, &b->qc, ids, n, &t,
	    &st);
	free(ids);
}

/* Items by queue id, for bsearch. */
static int
id_cmp(const void *x, const void *y)
{
	const struct item *a = *(struct item *const *)x;
	const struct item *b = *(struct item *const *)y;

	return strcmp(a->id, b->id);
}

/* The item queued as id (ids are unique in the queue), or NULL. */
static struct item *
by_id(struct batch *b, const char *id)
{
	struct item	 key, *kp = &key, **f;

	if (xstrlcpy(key.id, id, sizeof(key.id)) == -1 || b->byid == NULL)
		return NULL;
	f = bsearch(&kp, b->byid, b->nbyid, sizeof(*b->byid), id_cmp);
	return f != NULL ? *f : NULL;
}

static void
tell_sent(void *arg, const char *id)
{
	struct batch	*b = arg;
	struct item	*it;

	if ((it = by_id(b, id)) != NULL)
		set_state(b, it, IT_SENT, NULL);
}

/* The last attempt's status: a refusal's exit status. */
static void
tell_attempt(void *arg, const char *id, int st)
{
	struct batch	*b = arg;
	struct item	*it;

	if ((it = by_id(b, id)) != NULL)
		it->exit = st;
}

static void
tell_deferred(void *arg, const char *id, const char *why)
{
	struct batch	*b = arg;
	struct item	*it;

	if ((it = by_id(b, id)) != NULL)
		set_state(b, it, IT_QUEUED, why);
}

static void
tell_refused(void *arg, const char *id, const char *why)
{
	struct batch	*b = arg;
	struct item	*it;

	if ((it = by_id(b, id)) == NULL)
		return;
	if (it->exit == EX_OK || it->exit == EX_TEMPFAIL)
		it->exit = EX_UNAVAILABLE;
	set_state(b, it, IT_REFUSED, why);
}

static void
set_state(struct batch *b, struct item *it, enum istate st,
    const char *why)
{
	b->count[it->st]--;
	b->count[st]++;
	it->st = st;
	free(it->why);
	it->why = why != NULL ? strdup(why) : NULL;
	progress(b, "sending");
}

/* The line on a terminal: how far the batch is. */
static void
progress(struct batch *b, const char *what)
{
	char	line[128];

	if (strcmp(what, "queued") == 0)
		/* Two counts and the words fit in 128. */
		(void)xsnprintf(line, sizeof(line), "%s: --batch: %zu "
		    "messages read, %zu queued", progname, b->n,
		    b->count[IT_QUEUED]);
	else
		/* Four counts and the words fit in 128. */
		(void)xsnprintf(line, sizeof(line), "%s: --batch: %zu of %zu "
		    "sent, %zu queued, %zu refused", progname,
		    b->count[IT_SENT], b->n - b->count[IT_SKIPPED],
		    b->count[IT_QUEUED], b->count[IT_REFUSED]);
	progress_text(&b->prog, line);
}

/* "message 3 (line 57)", "message 3 (dir/name)", into buf. */
static void
where(const struct batch *b, const struct item *it, char *buf, size_t sz)
{
	char	shown[PATH_MAX];

	if (it->file != NULL) {
		(void)sanitize(shown, sizeof(shown), it->file,
		    strlen(it->file), 1);
		/* A file name cut in a message is still recognisable. */
		(void)xsnprintf(buf, sz, "message %zu (%s)",
		    (size_t)(it - b->it) + 1, shown);
	} else
		/* Two numbers and the words: it fits. */
		(void)xsnprintf(buf, sz, "message %zu (line %lu)",
		    (size_t)(it - b->it) + 1, it->line);
}

/*
 * A line for each message not sent (after BATCH_SAME of them queued for
 * the same reason in a row, a count: a server that is down would
 * otherwise fill the screen), and each sent one with -v.
 */
static void
say_items(const struct batch *b)
{
	const struct item	*it;
	const char		*last = NULL;
	char			 w[PATH_MAX + 64], why[1024];
	size_t			 i, rep = 0;

	for (i = 0; i <= b->n; i++) {
		it = i < b->n ? &b->it[i] : NULL;
		if (it != NULL && it->st == IT_QUEUED && it->why != NULL &&
		    last != NULL && strcmp(it->why, last) == 0 &&
		    !b->args->verbose) {
			if (++rep >= BATCH_SAME)
				continue;
		} else {
			if (rep >= BATCH_SAME)
				say("... and %zu more queued for the same "
				    "reason (bote -bp lists them)",
				    rep - BATCH_SAME + 1);
			rep = 0;
			last = it != NULL && it->st == IT_QUEUED ? it->why :
			    NULL;
		}
		if (it == NULL)
			break;
		where(b, it, w, sizeof(w));
		(void)sanitize_line(why, sizeof(why), it->why ? it->why : "",
		    it->why ? strlen(it->why) : 0);
		if (it->st == IT_SKIPPED)
			say("%s: skipped: %s", w, why);
		else if (it->st == IT_REFUSED)
			say("%s: refused, queue id %s: %s", w, it->id, why);
		else if (it->st == IT_QUEUED && b->args->deliver != 'q')
			say("%s: queued as %s: %s", w, it->id, why[0] ? why :
			    "not tried (interrupted)");
		else if (b->args->verbose)
			say("%s: %s as %s", w, state_name[it->st], it->id);
	}
}

/* --json: one object, each message in "messages", then the counts. */
static void
json(const struct batch *b, int st)
{
	const struct item	*it;
	size_t			 i, j;

	(void)printf("{\"messages\": [");
	for (i = 0; i < b->n; i++) {
		it = &b->it[i];
		(void)printf("%s\n  {\"index\": %zu, \"file\": ", i ? "," : "",
		    i + 1);
		if (it->file != NULL)
			report_json_str(it->file);
		else
			report_json_str(b->input);
		if (it->file == NULL)
			(void)printf(", \"line\": %lu", it->line);
		(void)printf(", \"message_id\": ");
		if (it->msgid != NULL)
			report_json_str(it->msgid);
		else
			(void)printf("null");
		(void)printf(", \"recipients\": [");
		for (j = 0; j < it->nrcpts; j++) {
			(void)printf("%s", j ? ", " : "");
			report_json_str(it->rcpts[j]);
		}
		(void)printf("], \"outcome\": \"%s\", \"queue_id\": ",
		    state_name[it->st]);
		if (it->id[0] != '\0')
			report_json_str(it->id);
		else
			(void)printf("null");
		(void)printf(", \"error\": ");
		if (it->why != NULL && it->st != IT_SENT)
			report_json_str(it->why);
		else
			(void)printf("null");
		(void)printf("}");
	}
	(void)printf("%s],\n \"total\": %zu, \"sent\": %zu, \"queued\": %zu, "
	    "\"refused\": %zu, \"skipped\": %zu, \"exit\": %d}\n",
	    b->n ? "\n" : "", b->n, b->count[IT_SENT], b->count[IT_QUEUED],
	    b->count[IT_REFUSED], b->count[IT_SKIPPED], st);
	if (fflush(stdout) != 0)
		say("cannot write the JSON to standard output");
}

/*
 * bote.1, --batch: the input's error, else the first message skipped
 * or refused, else 75 when some stay queued (-odq: queued on purpose,
 * 0), else 0.
 */
static int
status(const struct batch *b)
{
	size_t	i;

	if (b->in_err != 0)
		return b->in_err;
	for (i = 0; i < b->n; i++)
		if (b->it[i].st == IT_SKIPPED || b->it[i].st == IT_REFUSED)
			return b->it[i].exit != EX_OK ? b->it[i].exit :
			    EX_DATAERR;
	if (b->count[IT_QUEUED] > 0 && b->args->deliver != 'q')
		return EX_TEMPFAIL;
	return EX_OK;
}

static void
batch_free(struct batch *b)
{
	size_t	i, j;

	for (i = 0; i < b->n; i++) {
		free(b->it[i].file);
		free(b->it[i].msgid);
		free(b->it[i].why);
		for (j = 0; j < b->it[i].nrcpts; j++)
			free(b->it[i].rcpts[j]);
		free(b->it[i].rcpts);
	}
	free(b->it);
	free(b->byid);
	aliases_free(b->al);
	qconf_free(&b->qc);
	queue_close(b->q);
}
