/*
 * msmtp's logfile, logfile_time_format and syslog directives: one line
 * per submission attempt, in msmtp's key=value form (so tools that read
 * msmtp's log read bote's), plus queued=ID when bote queued the message.
 * With log_format postfix, the lines Postfix's qmgr and smtp write for a
 * delivery attempt (from=, size=, nrcpt=; to=, relay=, delay=, dsn=,
 * status=), so that pflogsumm and logwatch count bote's mail.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "queue/runner.h"
#include "log.h"
#include "conf/relays.h"
#include "report.h"
#include "base/util.h"

#define LOG_LINEMAX	(256 * 1024)	/* a line never grows past this */
#define LOG_TIMEMAX	256

static void	 addq(struct sbuf *, const char *, const char *);
static const char *exit_name(int);
static int	 facility(int);
static void	 to_file(const struct account *, const struct sbuf *);
static void	 start_clock(void) __attribute__((constructor));
static double	 delay_since(long long);
static void	 pf_attempt(const struct account *, const char *,
		    char *const *, size_t, off_t, const struct outcome *,
		    const char *, long long);
static void	 pf_emit(const struct account *, const char *, int,
		    const struct sbuf *);

/* When the process began: a direct send's delay= counts from there. */
static struct timespec	start;

void
log_attempt(const struct account *a, const char *from, char *const *rcpts,
    size_t nrcpts, off_t size, const struct outcome *o, const char *queued,
    int status, long long uid)
{
	log_attempt_queued(a, from, rcpts, nrcpts, size, o, queued, status,
	    uid, -1);
}

void
log_attempt_queued(const struct account *a, const char *from,
    char *const *rcpts, size_t nrcpts, off_t size, const struct outcome *o,
    const char *queued, int status, long long uid, long long created)
{
	struct sbuf	 l;
	size_t		 i;

	if (a->logfile == NULL && a->syslog == SYSLOG_OFF)
		return;
	if (a->log_format == LOGF_POSTFIX) {
		pf_attempt(a, from, rcpts, nrcpts, size, o, queued, created);
		return;
	}
	sbuf_init(&l, LOG_LINEMAX);
	/* The fields after the time, as msmtp writes them. */
	sbuf_addf(&l, "host=%s tls=%s auth=%s", a->host != NULL ? a->host :
	    "", a->tls ? "on" : "off", a->auth != AUTHM_OFF ? "on" : "off");
	if (a->auth != AUTHM_OFF && a->user != NULL)
		sbuf_addf(&l, " user=%s", a->user);
	sbuf_addf(&l, " from=%s recipients=", from);
	for (i = 0; i < nrcpts; i++)
		sbuf_addf(&l, "%s%s", i > 0 ? "," : "", rcpts[i]);
	sbuf_addf(&l, " mailsize=%lld", (long long)size);
	if (o->code != 0) {
		sbuf_addf(&l, " smtpstatus=%d", o->code);
		/* The reply text is the server's: no control bytes. */
		sbuf_addf(&l, " smtpmsg='%d", o->code);
		if (o->text[0] != '\0')
			addq(&l, " ", o->text);
		sbuf_add(&l, "'", 1);
	}
	if (o->kind != OUT_OK && o->why[0] != '\0') {
		sbuf_add(&l, " errormsg='", 11);
		addq(&l, "", o->why);
		sbuf_add(&l, "'", 1);
	}
	/* What -N, -R and -V asked for that the server could not take. */
	if (o->no_dsn)
		sbuf_addf(&l, " warning='the server does not offer DSN: no "
		    "delivery status notification was requested'");
	/* Relay failover: the server that delivered, or failed last. */
	if (relay_several(a) && o->relay[0] != '\0')
		sbuf_addf(&l, " relay=%s", o->relay);
	if (queued != NULL)
		sbuf_addf(&l, " queued=%s", queued);
	/* Submitted by another user (the maildrop): who. */
	if (uid >= 0 && uid != (long long)getuid())
		sbuf_addf(&l, " uid=%lld", uid);
	sbuf_addf(&l, " exitcode=%s", exit_name(status));
	if (l.err) {
		say("warning: cannot log the attempt: %s",
		    l.err == E2BIG ? "the log line is too long" :
		    "out of memory");
		goto done;
	}
	if (a->syslog != SYSLOG_OFF) {
		openlog("bote", LOG_PID, facility(a->syslog));
		syslog((status == EX_OK ? LOG_INFO : LOG_ERR), "%s", l.p);
		closelog();
	}
	if (a->logfile != NULL)
		to_file(a, &l);
done:
	free(l.p);
}

/*
 * Append "TIME line\n" with one write(2): O_APPEND makes each write
 * atomic with respect to other writers of a regular file, so lines of
 * concurrent bote processes never interleave.
 */
static void
to_file(const struct account *a, const struct sbuf *l)
{
	char		 tbuf[LOG_TIMEMAX];
	const char	*fmt = a->logfile_time_format != NULL ?
			    a->logfile_time_format : "%b %d %H:%M:%S";
	struct tm	 tm;
	struct sbuf	 out;
	struct stat	 st = { 0 };
	time_t		 now = clock_now();
	size_t		 n = 0;
	ssize_t		 w;
	int		 fd, e;

	/* The format is the user's by design (logfile_time_format). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (localtime_r(&now, &tm) != NULL)
		n = strftime(tbuf, sizeof(tbuf), fmt, &tm);
#pragma GCC diagnostic pop
	/* 0 is also an empty format's result; either way, no time. */
	tbuf[n] = '\0';
	sbuf_init(&out, LOG_LINEMAX + LOG_TIMEMAX + 2);
	(void)sbuf_addf(&out, "%s%s%s\n", tbuf, n > 0 ? " " : "", l->p);
	if (out.err) {
		say("warning: cannot log the attempt: out of memory");
		goto done;
	}
	if (strcmp(a->logfile, "-") == 0)
		fd = STDOUT_FILENO;
	else if ((fd = open(a->logfile, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600)) == -1) {
		say("warning: cannot open log file %s: %s", a->logfile,
		    errno == ENXIO ? "a FIFO nobody reads" : strerror(errno));
		goto done;
	} else if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid()) {
		/* Never a FIFO or device, never another user's file. */
		say("warning: log file %s not written: it is %s", a->logfile,
		    !S_ISREG(st.st_mode) ? "not a regular file" :
		    "another user's file");
		close(fd);
		goto done;
	}
	do
		w = write(fd, out.p, out.len);
	while (w == -1 && errno == EINTR);
	e = errno;
	if (w == -1 || (size_t)w != out.len)
		say("warning: cannot write to log file %s: %s", a->logfile,
		    w == -1 ? strerror(e) : "short write");
	if (fd != STDOUT_FILENO && close(fd) == -1)
		say("warning: cannot write to log file %s: %s", a->logfile,
		    strerror(errno));
done:
	free(out.p);
}

/*
 * prefix, then s for a quoted value: control bytes and the quote itself
 * become '?' (a line break of a multi-line reply "; "), so a reply
 * can neither break the line nor end the quoted value early.
 */
static void
addq(struct sbuf *l, const char *prefix, const char *s)
{
	char	 c;

	(void)sbuf_add(l, prefix, strlen(prefix));
	for (; *s != '\0'; s++) {
		c = *s;
		/* A multi-line reply's lines read as one ("; "). */
		if (c == '\n') {
			(void)sbuf_add(l, "; ", 2);
			continue;
		} else if ((unsigned char)c < 0x20 || c == 0x7f || c == '\'')
			c = '?';
		(void)sbuf_add(l, &c, 1);
	}
}

static const char *
exit_name(int st)
{
	static const char *const names[] = {
		"EX_USAGE", "EX_DATAERR", "EX_NOINPUT", "EX_NOUSER",
		"EX_NOHOST", "EX_UNAVAILABLE", "EX_SOFTWARE", "EX_OSERR",
		"EX_OSFILE", "EX_CANTCREAT", "EX_IOERR", "EX_TEMPFAIL",
		"EX_PROTOCOL", "EX_NOPERM", "EX_CONFIG"
	};

	if (st == EX_OK)
		return "EX_OK";
	if (st >= EX__BASE && st <= EX__MAX)
		return names[st - EX__BASE];
	return "EX_UNKNOWN";
}

static int
facility(int choice)
{
	static const int locals[] = {
		LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3,
		LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7
	};

	/* on: where mail programs log (msmtp's on means LOG_USER). */
	if (choice == SYSLOG_MAIL || choice == SYSLOG_ON)
		return LOG_MAIL;
	if (choice >= SYSLOG_LOCAL0 && choice < SYSLOG_LOCAL0 + 8)
		return locals[choice - SYSLOG_LOCAL0];
	return LOG_USER;
}

static void
start_clock(void)
{
	(void)clock_gettime(CLOCK_MONOTONIC, &start);
}

/* Seconds since created (the test clock), else since the process began. */
static double
delay_since(long long created)
{
	struct timespec	 now;

	if (created >= 0)
		return created > (long long)clock_now() ? 0.0 :
		    (double)((long long)clock_now() - created);
	if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
		return 0.0;
	return (double)(now.tv_sec - start.tv_sec) +
	    (double)(now.tv_nsec - start.tv_nsec) / 1e9;
}

/*
 * Postfix's lines for one attempt: qmgr's "ID: from=<S>, size=N,
 * nrcpt=M (queue active)", then smtp's "ID: to=<R>, relay=HOST[HOST]:PORT,
 * delay=D, dsn=X.Y.Z, status=sent|deferred|bounced (REPLY)" for each
 * recipient. A direct send has no queue id: the time and process id
 * make one, as unique as Postfix's.
 */
static void
pf_attempt(const struct account *a, const char *from, char *const *rcpts,
    size_t nrcpts, off_t size, const struct outcome *o, const char *queued,
    long long created)
{
	struct sbuf	 l;
	char		 id[32], why[OUTCOME_TEXTMAX + OUTCOME_WHYMAX + 16];
	char		 dsn[16];
	const char	*st, *host = a->host != NULL ? a->host : "none";
	char		*p;
	size_t		 i;

	if (queued == NULL)
		/* 8 + 8 hex digits and a NUL fit in 32. */
		(void)xsnprintf(id, sizeof(id), "%08llX%08X",
		    (long long)clock_now() & 0xffffffffLL,
		    (unsigned int)getpid());
	else if (xstrlcpy(id, queued, sizeof(id)) == -1)
		return;
	st = o->kind == OUT_OK ? "sent" : outcome_temporary(o) ||
	    queued != NULL ? "deferred" : "bounced";
	if (o->enh[0] != '\0') {
		if (xstrlcpy(dsn, o->enh, sizeof(dsn)) == -1)
			dsn[0] = '\0';
	} else
		/* A digit and ".0.0" fit in 16. */
		(void)xsnprintf(dsn, sizeof(dsn), "%c.0.0",
		    o->kind == OUT_OK ? '2' : st[0] == 'd' ? '4' : '5');
	if (o->kind == OUT_OK)
		/* A reply code and the reply's text fit: both are capped. */
		(void)xsnprintf(why, sizeof(why), "%d %s", o->code, o->text);
	else
		queue_describe(o, why, sizeof(why));
	sbuf_init(&l, LOG_LINEMAX);
	sbuf_addf(&l, "%s: from=<%s>, size=%lld, nrcpt=%zu (queue active)",
	    id, from, (long long)size, nrcpts);
	pf_emit(a, "bote/qmgr", LOG_INFO, &l);
	for (i = 0; i < nrcpts; i++) {
		l.len = 0;
		sbuf_addf(&l, "%s: to=<%s>, relay=", id, rcpts[i]);
		if (relay_several(a) && (p = strrchr(o->relay, ':')) != NULL)
			/* Failover: the relay that answered, "host:port". */
			sbuf_addf(&l, "%.*s[%.*s]%s", (int)(p - o->relay),
			    o->relay, (int)(p - o->relay), o->relay, p);
		else if (o->kind == OUT_OK || o->code != 0)
			sbuf_addf(&l, "%s[%s]:%d", host, host, account_port(a));
		else
			sbuf_add(&l, "none", 4);
		sbuf_addf(&l, ", delay=%.2f, dsn=%s, status=%s", delay_since(
		    created), dsn, st);
		/* No parenthesis of the reply's may end the reason early. */
		for (p = why; (p = strchr(p, ')')) != NULL; p++)
			*p = ']';
		addq(&l, " (", why);
		sbuf_add(&l, ")", 1);
		pf_emit(a, "bote/smtp", o->kind == OUT_OK ? LOG_INFO :
		    LOG_WARNING, &l);
	}
	free(l.p);
}

/*
 * One Postfix line to syslog (ident[pid]: line) and the log file, where
 * it is written as syslog would: "TIME HOST ident[pid]: line".
 */
static void
pf_emit(const struct account *a, const char *ident, int prio,
    const struct sbuf *l)
{
	struct sbuf	 f;
	char		 host[256];

	if (l->err) {
		say("warning: cannot log the attempt: %s",
		    l->err == E2BIG ? "the log line is too long" :
		    "out of memory");
		return;
	}
	if (a->syslog != SYSLOG_OFF) {
		openlog(ident, LOG_PID, facility(a->syslog));
		syslog(prio, "%s", l->p);
		closelog();
	}
	if (a->logfile == NULL)
		return;
	if (gethostname(host, sizeof(host)) == -1)
		/* Ten octets always fit in 256. */
		(void)xstrlcpy(host, "localhost", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	sbuf_init(&f, LOG_LINEMAX + 512);
	sbuf_addf(&f, "%s %s[%ld]: %s", host, ident, (long)getpid(), l->p);
	if (f.err)
		say("warning: cannot log the attempt: out of memory");
	else
		to_file(a, &f);
	free(f.p);
}
