/*
 * The progress line of a send on a terminal (bote.1, DESCRIPTION): once
 * a send has taken PROGRESS_DELAY_MS, standard error shows the octets of
 * the message written, its size and the rate, as one line redrawn after
 * a carriage return and wiped when the message is out. Nothing is drawn
 * when standard error is not a terminal (cron, a pipe, a log file), so
 * callers that read it never see it. The engine throttles the calls
 * (SMTP_PROGRESS_MS).
 */
#include <sys/types.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"

#include "progress.h"
#include "report.h"

#define PROGRESS_DELAY_MS	1000	/* a quicker send shows nothing */
#define PROGRESS_LINEMAX	128
#define PROGRESS_TEXT_MS	100	/* progress_text() redraws */

static void	human(char *, size_t, double);
static void	draw(struct progress *, const char *, size_t);

void
progress_init(struct progress *p)
{
	memset(p, 0, sizeof(*p));
	p->on = isatty(STDERR_FILENO);
	p->start = now_ms();
	p->body = p->start;
}

void
progress_show(void *arg, off_t done, off_t total)
{
	struct progress	*p = arg;
	char		 d[16], t[16], r[16], line[PROGRESS_LINEMAX];
	int64_t		 now, ms;
	int		 n;

	if (!p->on)
		return;
	now = now_ms();
	if (done == 0)
		p->body = now;
	if (done >= total) {
		progress_end(p);
		return;
	}
	if (now - p->start < PROGRESS_DELAY_MS)
		return;
	ms = now - p->body > 0 ? now - p->body : 1;
	human(d, sizeof(d), (double)done);
	human(t, sizeof(t), (double)total);
	human(r, sizeof(r), (double)done * 1000.0 / (double)ms);
	n = snprintf(line, sizeof(line), "%s: sent %s of %s (%d%%), %s/s",
	    progname, d, t, (int)(done * 100 / (total > 0 ? total : 1)), r);
	/* Truncation only shortens a line that is redrawn anyway. */
	if (n > 0)
		draw(p, line, (size_t)n < sizeof(line) ? (size_t)n :
		    sizeof(line) - 1);
}

void
progress_text(struct progress *p, const char *line)
{
	int64_t	now;

	if (!p->on)
		return;
	now = now_ms();
	if (now - p->start < PROGRESS_DELAY_MS ||
	    (p->shown > 0 && now - p->body < PROGRESS_TEXT_MS))
		return;
	/* body: when the line was drawn last. */
	p->body = now;
	draw(p, line, strlen(line));
}

void
progress_end(struct progress *p)
{
	if (!p->on || p->shown == 0)
		return;
	(void)fprintf(stderr, "\r%*s\r", (int)p->shown, "");
	p->shown = 0;
	(void)fflush(stderr);
}

/* v octets as "812 B", "3.1 KiB", "12.0 MiB" or "1.4 GiB". */
static void
human(char *buf, size_t sz, double v)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	size_t			 i = 0;

	while (v >= 1024.0 && i < sizeof(unit) / sizeof(unit[0]) - 1) {
		v /= 1024.0;
		i++;
	}
	/* At most "1023.9 TiB": the buffers hold 16. */
	(void)snprintf(buf, sz, i == 0 ? "%.0f %s" : "%.1f %s", v, unit[i]);
}

/* The line over the last one, padded to wipe a longer predecessor. */
static void
draw(struct progress *p, const char *line, size_t len)
{
	size_t	pad = p->shown > len ? p->shown - len : 0;

	(void)fprintf(stderr, "\r%s%*s", line, (int)pad, "");
	(void)fflush(stderr);
	p->shown = len;
}
