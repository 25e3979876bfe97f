/*
 * Which configuration files are read, which account is used, and the
 * command line's settings above it (bote.1 FILES and OPTIONS).
 */
#ifndef BOTE_CONFFILES_H
#define BOTE_CONFFILES_H

#include "args.h"
#include "conf/conf.h"
#include "queue/queue.h"

/*
 * Read the system file and the user file (-C replaces the user file;
 * --host reads none; msmtp's files when neither of bote's exists), choose the account (-a, else the first whose from
 * matches -f, else "default"), apply the long options over it and check
 * it. Every problem found is said on stderr. Returns 0 with *confp and
 * *acctp set, or -1 (exit 78: a configuration error). With acctp NULL
 * (the queue modes, where each message names its account) no account is
 * chosen unless -a names one, which must then exist.
 */
int	conffiles_load(const struct args *, struct conf **confp,
	    struct account **acctp);

/*
 * The user file's path, $XDG_CONFIG_HOME/bote/config, else
 * ~/.config/bote/config, into buf. Returns 0, or -1 when neither variable
 * is an absolute path (or the path does not fit).
 */
int	conffiles_user(char *buf, size_t sz);

/*
 * Choose the account of a loaded configuration for a (as
 * conffiles_load does), apply a's overrides and check it: 0 with *acctp,
 * or -1 after saying why (exit 78). The maildrop pickup uses it for each
 * dropped message.
 */
int	conffiles_pick(struct conf *, const struct args *a,
	    struct account **acctp);

/*
 * What a queue entry records of the configuration (queue.h, struct
 * qconf): c's files as absolute names and a's overrides. 0, or -1 with
 * errno (ENOMEM, E2BIG, or getcwd's).
 */
int	conffiles_record(const struct conf *c, const struct args *a,
	    struct qconf *qc);

/*
 * The account name of a queued message, read again from the files qc
 * names, with qc's overrides and msmtp's patterns (not conf_check()'d:
 * the runner does that). Quiet: 0 with *cp and *ap, or -1 with why
 * (mailq shows it) and *cp, which the caller frees either way.
 */
int	conffiles_reload(const struct qconf *qc, const char *name,
	    struct conf **cp, struct account **ap, char *why, size_t whylen);

/* The system file's path (SYSCONFDIR/bote.conf). */
const char *conffiles_system(void);

/*
 * Whether msmtp's files stand in for bote's: neither the system file nor
 * the user file (conffiles_user) exists. 1 or 0.
 */
int	conffiles_msmtp(void);

/* msmtp's system file, /etc/msmtprc (not under bote's SYSCONFDIR). */
const char *conffiles_msmtp_system(void);

/*
 * msmtp's user file, in msmtp's order: ~/.msmtprc if it exists, else
 * $XDG_CONFIG_HOME/msmtp/config (~/.config/msmtp/config) if that does,
 * else ~/.msmtprc. 0, or -1 when neither HOME nor XDG_CONFIG_HOME is an
 * absolute path (or the path does not fit).
 */
int	conffiles_msmtp_user(char *buf, size_t sz);

#endif
