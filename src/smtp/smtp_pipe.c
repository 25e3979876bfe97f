/*
 * Pipelining across transactions (smtp.h, smtp_tx_start): a ring of the
 * transactions started whose outcomes the caller has not taken. Each
 * keeps what struct smtp holds of the transaction under way (its group
 * of replies due, its first refusal) while later ones go out; reaping
 * one loads it back and reads its replies with tx_collect(), as a
 * transaction run alone would.
 *
 * The wait per message of a queue run with PIPELINING and CHUNKING is
 * none: the server's replies for SMTP_PIPE_MAX messages come back while
 * later ones are written. Without CHUNKING each message waits once, for
 * its 354, which comes after the end-of-data reply of the one before.
 */
#include <string.h>

#include "msg/addr.h"
#include "smtp/smtp_int.h"
#include "base/util.h"

static struct ptx	*slot(struct smtp *, size_t);
static void		 reap(struct smtp *, size_t);
static void		 reap_before(struct smtp *, size_t);
static void		 unanswered(struct smtp *, struct ptx *);
static void		 save(struct smtp *, struct ptx *);
static void		 load(struct smtp *, struct ptx *);
static int		 send_pipelined(struct smtp *, struct ptx *,
			    const char *, char *const *, size_t,
			    const struct outmsg *);

size_t
smtp_tx_pending(const struct smtp *s)
{
	return s != NULL ? s->pn : 0;
}

int
smtp_tx_room(const struct smtp *s)
{
	size_t	window = s != NULL && (s->caps.flags & CAP_PIPELINING) ?
	    SMTP_PIPE_MAX : 1;

	return smtp_usable(s) && !s->lost && s->pn < window;
}

/* The i-th transaction in flight, the oldest being 0. */
static struct ptx *
slot(struct smtp *s, size_t i)
{
	return &s->pipe[(s->phead + i) % SMTP_PIPE_MAX];
}

void
smtp_tx_start(struct smtp *s, const char *sender, char *const *rcpts,
    size_t nrcpts, const struct outmsg *m)
{
	struct ptx	*p;
	size_t		 i;
	int		 rc;

	if (s->pn == SMTP_PIPE_MAX)
		reap(s, 0);		/* the caller's bug; stay in bounds */
	i = s->pn++;
	p = slot(s, i);
	memset(p, 0, sizeof(*p));
	p->rcpts_in = rcpts;
	if (!smtp_usable(s) || s->lost) {
		unanswered(s, p);
		return;
	}
	/*
	 * Only a lone recipient goes without waiting: with several, their
	 * replies are read before the message is sent (all or nothing).
	 */
	if ((s->caps.flags & CAP_PIPELINING) && nrcpts == 1 &&
	    !s->auth_pending) {
		rc = send_pipelined(s, p, sender, rcpts, nrcpts, m);
		if (rc == 1)
			return;		/* in flight: its replies are due */
	} else {
		reap_before(s, i);
		if (!smtp_usable(s) || s->lost) {
			unanswered(s, p);
			return;
		}
		rc = tx_run(s, sender, rcpts, nrcpts, m, &p->o);
	}
	p->rc = rc;
	p->done = 1;
}

/*
 * The transaction p (the newest in flight) without waiting for those
 * before it: 1 when it is in flight, else its outcome is known (0 or -1,
 * p->o set).
 */
static int
send_pipelined(struct smtp *s, struct ptx *p, const char *sender,
    char *const *rcpts, size_t nrcpts, const struct outmsg *m)
{
	char	params[96 + 3 * ENVID_XTEXTMAX];
	int	rc = -1;

	if (tx_begin(s, m, &p->o) == -1)
		return -1;
	if (tx_prepare(s, sender, rcpts, nrcpts) == -1 ||
	    tx_mail_params(s, params, sizeof(params)) == -1)
		goto out;
	/*
	 * RSET first while earlier transactions are in flight: whether one
	 * of them left a transaction open (a refused RCPT, then BDAT) is
	 * not known yet, and RSET costs no wait.
	 */
	if (s->pn > 1 || s->need_rset) {
		if (smtp_cmd(s, NULL, "RSET") == -1)
			goto out;
		s->g.rset = 1;
		s->need_rset = 0;
	}
	if (smtp_cmd(s, NULL, "MAIL FROM:<%s>%s", s->sender, params) == -1 ||
	    tx_rcpt(s, 0) == -1)
		goto out;
	s->g.mail = 1;
	s->g.rcpt0 = 0;
	s->g.rcpt1 = 1;
	if (!(s->caps.flags & CAP_CHUNKING)) {
		/* DATA: its 354 comes after every reply owed before it. */
		if (smtp_cmd(s, NULL, "DATA") == -1)
			goto out;
		s->g.data = 1;
		save(s, p);
		reap_before(s, s->pn - 1);
		load(s, p);
		s->more_due = 0;
		if (s->lost || tx_collect(s) == -1)
			goto out;
	}
	if (st_body(s) == S_FAIL)
		goto out;
	save(s, p);
	tx_release(s);
	return 1;
out:
	tx_end(s, &p->o, rc);
	return rc;
}

int
smtp_tx_finish(struct smtp *s, struct outcome *o)
{
	struct ptx	*p;
	int		 rc;

	if (s->pn == 0) {
		memset(o, 0, sizeof(*o));
		return outcome_set(o, OUT_SOFTWARE, PH_NONE, "no transaction "
		    "in flight");
	}
	reap(s, 0);
	p = slot(s, 0);
	*o = p->o;
	rc = p->rc;
	s->phead = (s->phead + 1) % SMTP_PIPE_MAX;
	s->pn--;
	s->o = &s->own;		/* it pointed into the ring */
	return rc;
}

/* The transactions in flight before the n-th, oldest first. */
static void
reap_before(struct smtp *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		reap(s, i);
}

/*
 * Read the replies of the i-th transaction in flight (those before it
 * are done). After a failure that ends the session (a lost connection,
 * replies out of step, a 421) no more replies come: the others are
 * unanswered().
 */
static void
reap(struct smtp *s, size_t i)
{
	struct ptx	*p = slot(s, i);
	size_t		 j;
	int		 rc;

	if (p->done)
		return;
	if (s->lost) {
		unanswered(s, p);
		return;
	}
	load(s, p);
	/* Replies owed to later transactions follow this one's. */
	for (j = i + 1; j < s->pn; j++)
		if (!slot(s, j)->done)
			s->more_due = 1;
	rc = tx_collect(s);
	s->more_due = 0;
	/* A 421 ends the session: the server is closing. */
	if (rc == -1 && s->r.code == 421)
		s->lost = 1;
	tx_end(s, &p->o, rc);
	p->rc = rc;
	p->done = 1;
	if (s->lost)
		s->lost_o = p->o;
}

/*
 * p never got its replies: the session failed before (s->lost_o says
 * how). A message the server had whole may have been taken (the reply
 * was lost), unless a 421 said the server was closing before it.
 */
static void
unanswered(struct smtp *s, struct ptx *p)
{
	const struct outcome	*l = &s->lost_o;
	char			 why[OUTCOME_WHYMAX];

	if (!s->lost)
		/* A constant shorter than why: no cut. */
		(void)xstrlcpy(why, "the session could not take another "
		    "transaction", sizeof(why));
	else if (l->code != 0)
		/* Only shown: a cut reply is still the evidence. */
		(void)xsnprintf(why, sizeof(why), "%s %d %s", l->why, l->code,
		    l->text);
	else
		/* Only shown: a cut reason is still the evidence. */
		(void)xstrlcpy(why, l->why, sizeof(why));
	memset(&p->o, 0, sizeof(p->o));
	if (p->g.last && l->code != 421)
		outcome_set(&p->o, OUT_MAYBE_SENT, PH_EOD, "the server had "
		    "the whole message but never answered for it, which it "
		    "may have delivered: %s", why);
	else {
		outcome_set(&p->o, OUT_TEMP, PH_NONE, "not sent: %s", why);
		p->o.unsent = 1;
	}
	smtp_set_relay(s, &p->o);
	p->rc = -1;
	p->done = 1;
}

/* What struct smtp holds of the transaction under way, into p. */
static void
save(struct smtp *s, struct ptx *p)
{
	p->g = s->g;
	p->failed = s->failed;
	p->accepted = s->accepted;
	p->first = s->first;
	p->queued = s->queued;
	p->no_dsn = s->no_dsn;
}

/* p as the transaction under way again, its outcome in p->o. */
static void
load(struct smtp *s, struct ptx *p)
{
	s->g = p->g;
	s->failed = p->failed;
	s->accepted = p->accepted;
	s->first = p->first;
	s->queued = p->queued;
	s->no_dsn = p->no_dsn;
	s->rcpts_in = p->rcpts_in;
	s->o = &p->o;
}
