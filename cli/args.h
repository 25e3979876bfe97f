/* Sendmail-style command line (bote.1, OPTIONS). */
#ifndef BOTE_ARGS_H
#define BOTE_ARGS_H

#include <stddef.h>

enum mode {
	MODE_SEND = 0,	/* -bm, the default */
	MODE_HELP,
	MODE_VERSION
};

struct args {
	enum mode	  mode;
	const char	 *conf_file;	/* -C */
	const char	 *account;	/* -a */
	const char	 *sender;	/* -f, -r */
	const char	 *fullname;	/* -F (accepted; used by issue 3) */
	int		  read_rcpts;	/* -t */
	int		  ignore_dots;	/* -i, -oi */
	int		  verbose;	/* -v */
	char		**rcpts;	/* the operands */
	size_t		  nrcpts;
	char		  why[256];	/* the usage error */
};

/* Returns 0, or -1 with a.why describing the usage error. */
int	args_parse(int argc, char **argv, struct args *a);

/* The synopsis, as bote.1 SYNOPSIS shows it. */
extern const char args_usage[];

#endif
