/*
 * The maildrop envelope parser (src/queue/dropfile.h): what a user
 * writes, read back by root. Everything but the exact format is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "queue/dropfile.h"
#include "tap.h"

/* Parse a copy of s (the parser writes into its input). */
static int
parse(struct dropenv *env, const char *s)
{
	char	*buf;
	size_t	 n = strlen(s);
	int	 rc;

	if ((buf = malloc(n + 1)) == NULL)
		return -2;
	memcpy(buf, s, n + 1);
	rc = dropenv_parse(env, buf, n);
	free(buf);
	return rc;
}

int
main(void)
{
	struct dropenv	 env;
	const char	*ok = "BOTE-MAILDROP 1\nopt -t\nopt -f\nval a%20b@x\n"
			    "rcpt r1@example.org\nrcpt r2\n\nSubject: x\r\n";
	char		 many[4096];
	size_t		 i, off;

	is_int(parse(&env, ok), 0, "a well-formed envelope parses");
	is_int(env.nflags, 3, "three flag words");
	ok(strcmp(env.flags[0], "-t") == 0 && strcmp(env.flags[1], "-f") ==
	    0 && strcmp(env.flags[2], "a b@x") == 0, "flags in order, "
	    "values unescaped");
	is_int(env.nrcpts, 2, "two recipients");
	ok(strcmp(env.rcpts[1], "r2") == 0, "recipients as given");
	ok(strncmp(ok + env.body_off, "Subject:", 8) == 0, "the body "
	    "starts after the empty line");
	dropenv_free(&env);

	is_int(parse(&env, "hello\n\n"), -1, "not a maildrop file");
	is_int(parse(&env, "BOTE-MAILDROP 1\nopt -C\nval /etc/shadow\n\n"),
	    -1, "a flag that is not kept (-C) is refused");
	is_int(parse(&env, "BOTE-MAILDROP 1\nval x\n\n"), -1,
	    "a value without its flag is refused");
	is_int(parse(&env, "BOTE-MAILDROP 1\nopt -f\n\n"), -1,
	    "a flag without its value is refused");
	is_int(parse(&env, "BOTE-MAILDROP 1\nopt -f\nrcpt x\n\n"), -1,
	    "a recipient where a value is due is refused");
	is_int(parse(&env, "BOTE-MAILDROP 1\nrcpt a%00b\n\n"), -1,
	    "a NUL inside a value is refused");
	is_int(parse(&env, "BOTE-MAILDROP 1\nrcpt a\n"), -1,
	    "no empty line: refused");
	is_int(parse(&env, "BOTE-MAILDROP 1\nfoo bar\n\n"), -1,
	    "an unknown key is refused");
	off = (size_t)snprintf(many, sizeof(many), "BOTE-MAILDROP 1\n");
	for (i = 0; i < 9; i++)
		off += (size_t)snprintf(many + off, sizeof(many) - off,
		    "opt -t\n");
	(void)snprintf(many + off, sizeof(many) - off, "\n");
	is_int(parse(&env, many), -1, "more than 8 flags are refused");
	ok(dropenv_flag_kept("-V") && !dropenv_flag_kept("-C") &&
	    !dropenv_flag_kept("-odq"), "the kept flags");
	done_testing();
}
