/* Everything bote says to the user on standard error. */
#ifndef BOTE_REPORT_H
#define BOTE_REPORT_H

#include <stddef.h>

#include "base/outcome.h"
#include "conf/relays.h"

/* The name bote was invoked as, for messages. */
extern const char *progname;

/* "prog: message\n" on stderr; a failed write changes nothing. */
void	say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* say(), and the same line to syslog (LOG_MAIL) with priority prio. */
void	say_log(int prio, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* The same line to syslog (LOG_MAIL) alone: for no person to read. */
void	syslog_only(int prio, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* The step of a session a phase names ("connect", "AUTH"). */
const char	*report_phase_name(enum smtp_phase);

/* One line for a failed outcome: what failed, why, what to do. */
void	report_outcome(const struct outcome *o);

/* The warning that n long lines of the message were broken. */
void	report_broken(unsigned long n);

/*
 * Warnings about an outcome that are no failure (the server could not
 * take the DSN requests), whatever the outcome's kind.
 */
void	report_notes(const struct outcome *o);

/* The -v dialogue printer (smtp_opts.trace). */
/*
 * Relay failover: relay r failed with o and next is tried. A setup
 * failure (a certificate, a TLS mode, a host not found) is said always,
 * as a warning; a relay that is down only when verbose.
 */
void	report_relay_passed(const struct relay *r, const struct relay *next,
	    const struct outcome *o, int verbose);

void	report_trace(void *arg, int dir, const char *line, size_t len);

/* s as a JSON string on standard output (--json: mailq, --batch). */
void	report_json_str(const char *s);

#endif
