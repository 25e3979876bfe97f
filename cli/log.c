/*
 * msmtp's logfile, logfile_time_format and syslog directives: one line
 * per submission attempt, in msmtp's key=value form (so tools that read
 * msmtp's log read bote's), plus queued=ID when bote queued the message.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>

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

#include "log.h"
#include "queuecli.h"
#include "report.h"
#include "util.h"

#define LOG_LINEMAX	(256 * 1024)	/* a line never grows past this */
#define LOG_TIMEMAX	256

struct line {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 err;		/* out of memory or over LOG_LINEMAX */
};

static void	 add(struct line *, const char *, size_t);
static void	 addf(struct line *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 addq(struct line *, const char *, const char *);
static const char *exit_name(int);
static int	 facility(int);
static void	 to_file(const struct account *, const struct line *);

static char	 queued_id[64];

void
log_queued(const char *id)
{
	if (xstrlcpy(queued_id, id, sizeof(queued_id)) == -1)
		queued_id[0] = '\0';
}

const char *
log_queued_id(void)
{
	return queued_id[0] != '\0' ? queued_id : NULL;
}

void
log_attempt(const struct account *a, const char *from, char *const *rcpts,
    size_t nrcpts, off_t size, const struct outcome *o, const char *queued,
    int status)
{
	struct line	 l = { NULL, 0, 0, 0 };
	size_t		 i;

	if (a->logfile == NULL && a->syslog == SYSLOG_OFF)
		return;
	/* The fields after the time, as msmtp writes them. */
	addf(&l, "host=%s tls=%s auth=%s", a->host != NULL ? a->host : "",
	    a->tls ? "on" : "off", a->auth != AUTHM_OFF ? "on" : "off");
	if (a->auth != AUTHM_OFF && a->user != NULL)
		addf(&l, " user=%s", a->user);
	addf(&l, " from=%s recipients=", from);
	for (i = 0; i < nrcpts; i++)
		addf(&l, "%s%s", i > 0 ? "," : "", rcpts[i]);
	addf(&l, " mailsize=%lld", (long long)size);
	if (o->code != 0) {
		addf(&l, " smtpstatus=%d", o->code);
		/* The reply text is the server's: no control bytes. */
		addf(&l, " smtpmsg='%d", o->code);
		if (o->text[0] != '\0')
			addq(&l, " ", o->text);
		add(&l, "'", 1);
	}
	if (o->kind != OUT_OK && o->why[0] != '\0') {
		add(&l, " errormsg='", 11);
		addq(&l, "", o->why);
		add(&l, "'", 1);
	}
	if (queued != NULL)
		addf(&l, " queued=%s", queued);
	addf(&l, " exitcode=%s", exit_name(status));
	if (l.err) {
		say("warning: cannot log the attempt: %s",
		    l.len >= LOG_LINEMAX ? "the log line is too long" :
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
to_file(const struct account *a, const struct line *l)
{
	char		 tbuf[LOG_TIMEMAX];
	const char	*fmt = a->logfile_time_format != NULL ?
			    a->logfile_time_format : "%b %d %H:%M:%S";
	struct tm	 tm;
	struct line	 out = { NULL, 0, 0, 0 };
	time_t		 now = queue_clock();
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
	addf(&out, "%s%s%s\n", tbuf, n > 0 ? " " : "", l->p);
	if (out.err) {
		say("warning: cannot log the attempt: out of memory");
		goto done;
	}
	if (strcmp(a->logfile, "-") == 0)
		fd = STDOUT_FILENO;
	else if ((fd = open(a->logfile, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC | O_NOFOLLOW, 0600)) == -1) {
		say("warning: cannot open log file %s: %s", a->logfile,
		    strerror(errno));
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

static void
add(struct line *l, const char *s, size_t n)
{
	size_t	 cap;
	char	*p;

	if (l->err)
		return;
	if (n >= LOG_LINEMAX - l->len) {
		l->len = LOG_LINEMAX;
		l->err = 1;
		return;
	}
	if (l->len + n + 1 > l->cap) {
		cap = l->cap == 0 ? 512 : l->cap;
		while (cap < l->len + n + 1)
			cap *= 2;
		if ((p = realloc(l->p, cap)) == NULL) {
			l->err = 1;
			return;
		}
		l->p = p;
		l->cap = cap;
	}
	memcpy(l->p + l->len, s, n);
	l->len += n;
	l->p[l->len] = '\0';
}

static void
addf(struct line *l, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		l->err = 1;
		return;
	}
	add(l, s, (size_t)n);
	free(s);
}

/*
 * prefix, then s for a quoted value: control bytes and the quote itself
 * become '?' (a line break of a multi-line reply a space), so a reply
 * can neither break the line nor end the quoted value early.
 */
static void
addq(struct line *l, const char *prefix, const char *s)
{
	char	 c;

	add(l, prefix, strlen(prefix));
	for (; *s != '\0'; s++) {
		c = *s;
		if (c == '\n')
			c = ' ';
		else if ((unsigned char)c < 0x20 || c == 0x7f || c == '\'')
			c = '?';
		add(l, &c, 1);
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

	if (choice == SYSLOG_MAIL)
		return LOG_MAIL;
	if (choice >= SYSLOG_LOCAL0 && choice < SYSLOG_LOCAL0 + 8)
		return locals[choice - SYSLOG_LOCAL0];
	return LOG_USER;
}
