/*
 * The notice to the sender of a message bote gives up on (bote.1,
 * QUEUE): plain text in the spirit of RFC 3464, quoting the header of the
 * message as it would have gone out.
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/util.h"
#include "msg/addr.h"
#include "msg/headers.h"
#include "msg/msg.h"
#include "queue/runner.h"

#define BOUNCE_HEADMAX		(32 * 1024)	/* header quoted in a bounce */

static size_t	wire_head(const struct outmsg *, char *, size_t);
static int	compose(const struct account *, const struct qent *,
		    const char *, const char *, const char *, const char *,
		    size_t, char **, size_t *);

/*
 * The header of the message as it went out (prefix, then the spool
 * without the skipped ranges, so a removed Bcc stays removed), up to
 * the empty line, at most sz - 1 octets. Returns the length.
 */
static size_t
wire_head(const struct outmsg *m, char *buf, size_t sz)
{
	struct outmsg_reader	 r;
	ssize_t			 got;
	size_t			 n;
	char			*p;

	outmsg_reader_init(&r, m);
	got = outmsg_read(&r, buf, sz - 1);
	n = got > 0 ? (size_t)got : 0;
	buf[n] = '\0';
	if ((p = strstr(buf, "\r\n\r\n")) != NULL)
		n = (size_t)(p - buf) + 2;
	else if (strncmp(buf, "\r\n", 2) == 0)
		n = 0;
	buf[n] = '\0';
	return n;
}

/* The notice with the dates, the host and the quoted header given. */
static int
compose(const struct account *a, const struct qent *e, const char *date,
    const char *created, const char *host, const char *head, size_t hl,
    char **textp, size_t *lenp)
{
	char	*text;
	size_t	 i, len, cap;
	int	 n;

	cap = hl + 4096 + strlen(e->error ? e->error : "") +
	    e->nrcpts * (ADDR_MAX + 8);
	if ((text = malloc(cap)) == NULL)
		return -1;
	n = snprintf(text, cap,
	    "From: Mail Delivery System <%s>\r\n"
	    "To: <%s>\r\n"
	    "Subject: Undelivered Mail Returned to Sender\r\n"
	    "Date: %s\r\n"
	    "Auto-Submitted: auto-replied\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "\r\n"
	    "This is bote on %s.\r\n"
	    "\r\n"
	    "Your message, queued on %s as %s, could not be delivered\r\n"
	    "through account %s and has been given up:\r\n"
	    "\r\n"
	    "  %s\r\n"
	    "\r\n"
	    "Recipients:\r\n",
	    a->from, e->sender, date, host, created, e->id, a->name,
	    e->error ? e->error : "(no error recorded)");
	if (n < 0 || (size_t)n >= cap)
		goto fail;
	len = (size_t)n;
	for (i = 0; i < e->nrcpts; i++) {
		n = snprintf(text + len, cap - len, "  <%s>\r\n", e->rcpts[i]);
		if (n < 0 || (size_t)n >= cap - len)
			goto fail;
		len += (size_t)n;
	}
	n = snprintf(text + len, cap - len, "\r\n--- The header of your "
	    "message follows ---\r\n\r\n");
	if (n < 0 || (size_t)n >= cap - len || cap - len - (size_t)n <= hl)
		goto fail;
	len += (size_t)n;
	memcpy(text + len, head, hl);
	len += hl;
	*textp = text;
	*lenp = len;
	return 0;
fail:
	free(text);
	return -1;
}

/*
 * A plain-text delivery failure notice (in the spirit of RFC 3464, not
 * its multipart form), from the account's from address to the sender.
 * It quotes the original header, not the body.
 */
int
queue_bounce_text(const struct account *a, const struct qent *e,
    time_t now, const char *host, char **text, size_t *len, char *why,
    size_t whylen)
{
	char	*head = NULL, date[64], created[64];
	size_t	 hl;
	int	 rc = -1;

	if (a->from == NULL || strchr(a->from, '@') == NULL) {
		whyf(why, whylen, "the account has no from address to "
		    "send a bounce from");
		return -1;
	}
	if (hdr_date(date, sizeof(date), now) == -1 ||
	    hdr_date(created, sizeof(created), (time_t)e->created) == -1 ||
	    (head = malloc(BOUNCE_HEADMAX)) == NULL)
		goto nomem;
	hl = wire_head(&e->out, head, BOUNCE_HEADMAX);
	if (compose(a, e, date, created, host, head, hl, text, len) == -1)
		goto nomem;
	rc = 0;
	goto out;
nomem:
	whyf(why, whylen, "out of memory");
out:
	free(head);
	return rc;
}

/*
 * The notice goes with the null reverse-path, so that it can never
 * bounce back (RFC 5321 4.5.5), and asks for no DSN of its own.
 */
int
queue_bounce(const struct account *a, const char *tmpdir, const struct qent *e,
    const struct qrun_opts *ro, struct outcome *o)
{
	struct msg	*m = NULL;
	struct smtp_opts op;
	struct outmsg	 b;
	char		*pass = NULL, *text = NULL, *rcpt[1];
	char		 host[256], w[OUTCOME_TEXTMAX + 600];
	size_t		 len;
	int		 rc = -1;

	memset(o, 0, sizeof(*o));
	if (gethostname(host, sizeof(host)) == -1)
		/* A fixed name in 256 octets: no truncation. */
		(void)xstrlcpy(host, "localhost", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	if (queue_bounce_text(a, e, clock_now(), host, &text, &len, o->why,
	    sizeof(o->why)) == -1)
		return -1;
	if ((m = msg_begin(tmpdir, NORM_KEEPFROM, o)) == NULL ||
	    msg_feed(m, text, len, o) == -1 || msg_end(m, o) == -1)
		goto out;
	if (ro->hooks.password != NULL && ro->hooks.password(ro->hooks.arg,
	    a, &pass, o->why, sizeof(o->why), e->id, 1) == -1)
		goto out;
	qrun_smtp_opts(&op, a, pass, ro->cache_dir);
	op.dsn_notify = 0;
	op.dsn_return = 0;
	outmsg_init(&b);
	b.fd = msg_fd(m);
	b.size = msg_size(m);
	b.eightbit = msg_eightbit(m);
	rcpt[0] = e->sender;
	if (smtp_send(&op, "", rcpt, 1, &b, o) == -1) {
		queue_describe(o, w, sizeof(w));
		whyf(o->why, sizeof(o->why), "%s", w);
		goto out;
	}
	rc = 0;
out:
	secret_free(pass);
	msg_free(m);
	free(text);
	return rc;
}
