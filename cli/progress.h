/*
 * The progress line of a send on a terminal (progress.c, bote.1
 * DESCRIPTION): smtp_opts.progress for a person watching.
 */
#ifndef BOTE_PROGRESS_H
#define BOTE_PROGRESS_H

#include <sys/types.h>
#include <stdint.h>

struct progress {
	int	on;		/* standard error is a terminal */
	int64_t	start;		/* now_ms() when the send began */
	int64_t	body;		/* now_ms() when the message began */
	size_t	shown;		/* length of the line on the terminal */
};

/* A send begins now; the line is drawn only if stderr is a terminal. */
void	progress_init(struct progress *);

/* The smtp_opts.progress callback; arg is the struct progress. */
void	progress_show(void *arg, off_t done, off_t total);

/*
 * A line of the caller's (--batch's counts): drawn once the work has
 * taken PROGRESS_DELAY_MS, at most every PROGRESS_TEXT_MS.
 */
void	progress_text(struct progress *, const char *line);

/* Wipe the line if one is shown (the send is over, however it ended). */
void	progress_end(struct progress *);

#endif
