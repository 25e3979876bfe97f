/*
 * Modes other than sending: checking the aliases file (-bi) and asking
 * the server about recipients (-bv). The queue modes are in queue.c and
 * mailq.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "exitmap.h"
#include "modes.h"
#include "report.h"
#include "base/util.h"

static void	verdict(void *, size_t, const struct outcome *);

/* What -bv learnt: the first refusal decides the exit status. */
struct verify_state {
	struct outcome	first;
	int		refused;
	int		out_err;	/* writing to stdout failed */
};

/*
 * -bi, newaliases: bote reads the aliases file at each submission and
 * keeps no database, so there is nothing to rebuild; checking the file
 * is the useful part (msmtp-mta links newaliases to /bin/true).
 */
int
mode_aliases(struct mode_ctx *m)
{
	struct aliases	*al;
	size_t		 n;
	int		 st;

	if (m->acct->aliases == NULL) {
		say("account %s has no aliases file: nothing to check",
		    m->acct->name);
		return EX_OK;
	}
	if ((al = load_aliases(m->acct, &st)) == NULL)
		return st;
	n = aliases_count(al);
	aliases_free(al);
	if (m->args->verbose) {
		(void)printf("%s: %zu alias%s\n", m->acct->aliases, n,
		    n == 1 ? "" : "es");
		if (fflush(stdout) != 0)
			return EX_IOERR;
	}
	return EX_OK;
}

struct aliases *
load_aliases(const struct account *acct, int *st)
{
	struct aliases	*al;
	size_t		 i;

	if ((al = aliases_new()) == NULL) {
		say("out of memory");
		*st = EX_OSERR;
		return NULL;
	}
	if (aliases_read(al, acct->aliases) == 0)
		return al;
	*st = EX_CONFIG;
	if (aliases_nerrs(al) == 0) {
		if (errno == ENOMEM)
			*st = EX_OSERR;
		say("cannot read the aliases file %s of account %s: %s",
		    acct->aliases, acct->name, strerror(errno));
	}
	for (i = 0; i < aliases_nerrs(al); i++)
		say("%s", aliases_error(al, i));
	if (aliases_more_errs(al))
		say("... and more errors");
	aliases_free(al);
	return NULL;
}

/*
 * -bv: ask the account's server about each recipient (MAIL, RCPT, RSET,
 * never DATA) and print one line per address on standard output.
 */
int
mode_verify(struct mode_ctx *m)
{
	struct verify_state	 vs;
	struct outcome		 o;

	memset(&vs, 0, sizeof(vs));
	(void)smtp_verify(m->op, m->sender, m->rcpts->v, m->rcpts->n,
	    verdict, &vs, &o);
	if (fflush(stdout) != 0)
		vs.out_err = 1;
	if (o.kind != OUT_OK) {
		report_outcome(&o);
		return exit_status(&o);
	}
	if (vs.refused)
		return exit_status(&vs.first);
	return vs.out_err ? EX_IOERR : EX_OK;
}

static void
verdict(void *arg, size_t i, const struct outcome *v)
{
	struct verify_state	*vs = arg;
	char			 addr[ADDR_MAX + 1], text[OUTCOME_TEXTMAX];

	(void)i;
	(void)sanitize(addr, sizeof(addr), v->arg, strlen(v->arg), 1);
	if (v->kind == OUT_OK) {
		if (printf("%s: deliverable\n", addr) < 0)
			vs->out_err = 1;
		return;
	}
	/* A multi-line reply's lines are joined by '\n': keep one line. */
	(void)sanitize_line(text, sizeof(text), v->text, strlen(v->text));
	if (printf("%s: refused: %d %s\n", addr, v->code, text) < 0)
		vs->out_err = 1;
	if (!vs->refused) {
		vs->refused = 1;
		vs->first = *v;
	}
}

/* mode_smtp (-bs) is in bs.c. */
