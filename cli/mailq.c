/*
 * -bp, mailq: what is in the queue (bote.1, QUEUE). By default in the
 * layout of Postfix's postqueue -p with long queue IDs, so that what
 * parses Postfix's mailq (check_mailq, munin) reads it; one block per
 * message with -v; a JSON array with --json. Every string from an entry
 * is shown sanitised (text) or escaped (JSON): an envelope or a server
 * reply cannot write to the terminal or break the JSON.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sysexits.h>
#include <time.h>

#include "base/clock.h"
#include "msg/headers.h"
#include "queue/queue.h"
#include "report.h"
#include "base/util.h"

#include "queuecli.h"

/*
 * Postfix's formats for long queue IDs (postqueue -p with
 * enable_long_queue_ids): bote's IDs are 16 hex digits, too wide for the
 * short ones. A recipient is indented by the three empty columns.
 */
#define PF_STRING	"%-17s %8s %-19s %s\n"
#define PF_SENDER	"%-17s %8lld %19.19s %s\n"
#define PF_REASONCOL	76	/* a reason ends at column 78 */

struct lister {
	int	json;
	int	verbose;	/* -v: the detailed blocks */
	int	count;		/* entries printed */
	off_t	octets;
	time_t	now;
};

static void	duration(char *, size_t, long long);
static void	show_text(struct lister *, const struct qent *, int,
		    const char *);
static void	show_json(struct lister *, const struct qent *, int,
		    const char *);
static void	show_pf(struct lister *, const struct qent *, int);
static void	pf_head(struct lister *);
static void	pf_when(char *, size_t, long long);
static void	list_maildrop(struct lister *, const char *);
static int	list_dir(struct lister *, const char *);

static void
duration(char *buf, size_t sz, long long s)
{
	if (s < 0)
		s = 0;
	if (s < 60)
		/* Two digits and a unit: the callers' 64 octets hold them. */
		(void)xsnprintf(buf, sz, "%llds", s);
	else if (s < 3600)
		/* Two numbers under 60: no truncation in 64 octets. */
		(void)xsnprintf(buf, sz, "%lldm %llds", s / 60, s % 60);
	else if (s < 86400)
		/* Two numbers under 60: no truncation in 64 octets. */
		(void)xsnprintf(buf, sz, "%lldh %lldm", s / 3600,
		    s % 3600 / 60);
	else
		/* At most 20 digits and 2: no truncation in 64 octets. */
		(void)xsnprintf(buf, sz, "%lldd %lldh", s / 86400,
		    s % 86400 / 3600);
}

/*
 * The first configuration file the entry was queued under that is gone:
 * the message waits for it (bote.1, QUEUE), which mailq says at once,
 * before a run has tried. NULL when all are there.
 */
static const char *
conf_gone(const struct qent *e)
{
	size_t	i;

	for (i = 0; i < e->conf.nfiles; i++)
		if (access(e->conf.files[i], F_OK) == -1 && errno == ENOENT)
			return e->conf.files[i];
	return NULL;
}

static void
show_text(struct lister *l, const struct qent *e, int failed,
    const char *dir)
{
	char	s[OUTCOME_TEXTMAX + 600], d[64], when[64];
	size_t	i;

	(void)dir;
	if (l->count > 0)
		(void)putchar('\n');
	(void)printf("%s%s\n", e->id, failed ? "  (failed: given up)" : "");
	(void)printf("  size:         %lld octets\n",
	    (long long)outmsg_wire_size(&e->out));
	duration(d, sizeof(d), (long long)l->now - e->created);
	if (hdr_date(when, sizeof(when), (time_t)e->created) == -1)
		when[0] = '\0';
	(void)printf("  age:          %s (queued %s)\n", d, when);
	(void)sanitize(s, sizeof(s), e->account, strlen(e->account), 1);
	(void)printf("  account:      %s\n", s);
	for (i = 0; i < e->conf.nfiles; i++) {
		(void)sanitize(s, sizeof(s), e->conf.files[i],
		    strlen(e->conf.files[i]), 1);
		(void)printf("  config file:  %s%s\n", s,
		    e->conf.files[i] == conf_gone(e) ? " (gone)" : "");
	}
	(void)sanitize(s, sizeof(s), e->sender, strlen(e->sender), 1);
	(void)printf("  sender:       <%s>\n", s);
	/* Another user's message (the maildrop): who submitted it. */
	if (e->uid >= 0 && e->uid != (long long)getuid())
		(void)printf("  submitted by: uid %lld\n", e->uid);
	for (i = 0; i < e->nrcpts; i++) {
		(void)sanitize(s, sizeof(s), e->rcpts[i],
		    strlen(e->rcpts[i]), 1);
		(void)printf("  recipient:    <%s>\n", s);
	}
	(void)printf("  attempts:     %u\n", e->attempts);
	if (failed)
		(void)printf("  next attempt: none (in %s/failed)\n", dir);
	else if (e->next <= (long long)l->now)
		(void)printf("  next attempt: due now\n");
	else {
		duration(d, sizeof(d), e->next - (long long)l->now);
		(void)printf("  next attempt: in %s\n", d);
	}
	if (e->error != NULL) {
		(void)sanitize(s, sizeof(s), e->error, strlen(e->error), 1);
		(void)printf("  last error:   %s\n", s);
	}
	if (e->maybe_sent)
		(void)printf("  note:         the connection was lost after "
		    "the end of the message: it may have been delivered "
		    "already\n");
}

static void
show_json(struct lister *l, const struct qent *e, int failed,
    const char *dir)
{
	size_t	i;

	(void)printf("%s\n  {\"id\": ", l->count > 0 ? "," : "");
	report_json_str(e->id);
	(void)printf(", \"state\": \"%s\", \"queue_dir\": ", failed ?
	    "failed" : "queued");
	report_json_str(dir);
	(void)printf(", \"size\": %lld, \"created\": %lld, \"age\": %lld, "
	    "\"account\": ", (long long)outmsg_wire_size(&e->out), e->created,
	    (long long)l->now - e->created);
	report_json_str(e->account);
	(void)fputs(", \"config_files\": [", stdout);
	for (i = 0; i < e->conf.nfiles; i++) {
		if (i > 0)
			(void)fputs(", ", stdout);
		report_json_str(e->conf.files[i]);
	}
	(void)fputs("], \"sender\": ", stdout);
	report_json_str(e->sender);
	(void)fputs(", \"recipients\": [", stdout);
	for (i = 0; i < e->nrcpts; i++) {
		if (i > 0)
			(void)fputs(", ", stdout);
		report_json_str(e->rcpts[i]);
	}
	(void)printf("], \"attempts\": %u, \"next_attempt\": ", e->attempts);
	if (failed)
		(void)fputs("null", stdout);
	else
		(void)printf("%lld", e->next);
	(void)fputs(", \"last_error\": ", stdout);
	if (e->error != NULL)
		report_json_str(e->error);
	else
		(void)fputs("null", stdout);
	(void)printf(", \"held\": %s", e->held ? "true" : "false");
	(void)printf(", \"maybe_delivered\": %s, \"uid\": ", e->maybe_sent ?
	    "true" : "false");
	if (e->uid >= 0)
		(void)printf("%lld}", e->uid);
	else
		(void)fputs("null}", stdout);
}

/* The heading before the first entry, a blank line before the others. */
static void
pf_head(struct lister *l)
{
	if (l->count > 0)
		(void)putchar('\n');
	else
		(void)printf(PF_STRING, "----Queue ID-----", "--Size--",
		    "---Arrival Time----", "--Sender/Recipient------");
}

/* asctime()'s layout without the year, as Postfix's %19.19s leaves it. */
static void
pf_when(char *buf, size_t sz, long long t)
{
	time_t		 tt = (time_t)t;
	struct tm	*tm;

	if ((tm = localtime(&tt)) == NULL ||
	    strftime(buf, sz, "%a %b %e %H:%M:%S", tm) == 0)
		buf[0] = '\0';
}

/*
 * One message as postqueue -p shows it: the ID ('!' when held, '*' while
 * an attempt is under way, '#' when given up and kept in failed/), size,
 * arrival time and sender; the reason right-aligned in parentheses; the
 * recipients.
 */
static void
show_pf(struct lister *l, const struct qent *e, int failed)
{
	char	s[OUTCOME_TEXTMAX + 600], id[QUEUE_IDLEN + 2], when[64];
	char	why[OUTCOME_TEXTMAX + 640];
	const char *err = e->error, *gone = failed ? NULL : conf_gone(e);
	size_t	i;
	int	pad;

	pf_head(l);
	/* QUEUE_IDLEN octets and a marker: never cut. */
	(void)xsnprintf(id, sizeof(id), "%s%s", e->id, failed ? "#" :
	    e->held ? "!" : e->sending != 0 ? "*" : "");
	pf_when(when, sizeof(when), e->created);
	(void)sanitize(s, sizeof(s), e->sender, strlen(e->sender), 1);
	(void)printf(PF_SENDER, id, (long long)outmsg_wire_size(&e->out),
	    when, s[0] != '\0' ? s : "MAILER-DAEMON");
	if (gone != NULL) {
		/* What stops it now, rather than what stopped it last. */
		(void)sanitize(s, sizeof(s), gone, strlen(gone), 1);
		/* OUTCOME_TEXTMAX + 640 holds the words and a whole s. */
		(void)xsnprintf(why, sizeof(why), "configuration file %s is "
		    "gone", s);
	} else if (err != NULL || failed) {
		if (err == NULL)
			err = "reason unavailable";
		(void)sanitize(s, sizeof(s), err, strlen(err), 1);
		/* The buffer holds the prefix and a whole sanitised s. */
		(void)xsnprintf(why, sizeof(why), "%s%s", failed ?
		    "given up: " : "", s);
	}
	if (gone != NULL || err != NULL || failed) {
		if ((pad = PF_REASONCOL - (int)strlen(why)) < 0)
			pad = 0;
		(void)printf("%*s(%s)\n", pad, "", why);
	}
	for (i = 0; i < e->nrcpts; i++) {
		(void)sanitize(s, sizeof(s), e->rcpts[i],
		    strlen(e->rcpts[i]), 1);
		(void)printf(PF_STRING, "", "", "", s);
	}
}

/*
 * As root: the maildrop's files not yet picked up (d.*), with the size
 * and time of the file and the user who dropped it; the sender is in
 * the file, which is not parsed here.
 */
static void
list_maildrop(struct lister *l, const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		 path[PATH_MAX], name[64], when[64], who[64];
	int		 fd;

	if (geteuid() != 0 || l->json || xsnprintf(path, sizeof(path),
	    "%s/maildrop", dir) == -1)
		return;
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "d.", 2) != 0 ||
		    fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(st.st_mode))
			continue;
		(void)sanitize(name, sizeof(name), de->d_name + 2,
		    strlen(de->d_name + 2), 1);
		pf_when(when, sizeof(when), (long long)st.st_mtime);
		/* A number and fixed words: no truncation in 64 octets. */
		(void)xsnprintf(who, sizeof(who), "(maildrop, sender UID %lu)",
		    (unsigned long)st.st_uid);
		if (l->verbose) {
			if (l->count > 0)
				(void)putchar('\n');
			(void)printf("%s  (maildrop: not yet picked up)\n"
			    "  size:         %lld octets\n  queued:       %s\n"
			    "  submitted by: uid %lu\n", name,
			    (long long)st.st_size, when,
			    (unsigned long)st.st_uid);
		} else {
			pf_head(l);
			(void)printf(PF_SENDER, name, (long long)st.st_size,
			    when, who);
		}
		l->count++;
		l->octets += st.st_size;
	}
	closedir(d);
}

static int
list_dir(struct lister *l, const char *dir)
{
	struct queue	 *q;
	struct outcome	  o;
	struct qent	  e;
	char		**ids, why[256];
	size_t		  n, i;
	int		  failed, rc = 0;

	if ((q = queue_open(dir, 0, &o)) == NULL) {
		if (errno == ENOENT)
			return 0;
		say("%s", o.why);
		return -1;
	}
	qent_init(&e);
	for (failed = 0; failed < 2; failed++) {
		if (queue_ids(q, failed, &ids, &n, &o) == -1) {
			say("%s", o.why);
			rc = -1;
			continue;
		}
		for (i = 0; i < n; i++) {
			if (queue_read(q, failed, ids[i], &e, why,
			    sizeof(why)) == -1) {
				/* Delivered meanwhile: not an error. */
				if (errno != ENOENT)
					say("%s: cannot read the entry: %s",
					    ids[i], why);
				continue;
			}
			if (l->json)
				show_json(l, &e, failed, dir);
			else if (l->verbose)
				show_text(l, &e, failed, dir);
			else
				show_pf(l, &e, failed);
			l->count++;
			l->octets += outmsg_wire_size(&e.out);
			qent_free(&e);
		}
		queue_ids_free(ids, n);
	}
	queue_close(q);
	list_maildrop(l, dir);
	return rc;
}

int
mode_queue_list(const struct args *args, struct conf *c)
{
	struct lister	  l;
	char		**dirs = NULL;
	size_t		  n = 0, i;
	int		  rc = 0;

	memset(&l, 0, sizeof(l));
	l.json = args->json;
	l.verbose = args->verbose;
	l.now = clock_now();
	if (queue_dirnames(c, &dirs, &n) == -1) {
		say("out of memory");
		return EX_OSERR;
	}
	if (l.json)
		(void)fputs("[", stdout);
	for (i = 0; i < n; i++) {
		if (list_dir(&l, dirs[i]) == -1)
			rc = -1;
		free(dirs[i]);
	}
	free(dirs);
	if (l.json)
		(void)fputs(l.count > 0 ? "\n]\n" : "]\n", stdout);
	else if (l.count == 0)
		/* What sendmail and Postfix print; scripts look for it. */
		(void)printf("Mail queue is empty\n");
	else if (l.verbose)
		(void)printf("\n-- %d message%s, %lld octets\n", l.count,
		    l.count == 1 ? "" : "s", (long long)l.octets);
	else
		/* Postfix's last line, which check_mailq reads. */
		(void)printf("\n-- %lld Kbytes in %d Request%s.\n",
		    (long long)l.octets / 1024, l.count,
		    l.count == 1 ? "" : "s");
	if (fflush(stdout) != 0)
		return EX_IOERR;
	return rc == -1 ? EX_TEMPFAIL : EX_OK;
}
