/*
 * secret_eval: the passwordeval runner. Its first line only, its exit
 * status, /dev/null as input, the 64 KiB line cap, the deadline and the
 * killing of everything the command started.
 */
#include <sys/types.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/secret.h"
#include "tap.h"
#include "base/util.h"

static char	why[512];

/* The secret cmd yields, or "<NULL>". */
static const char *
ev(const char *cmd, int timeout_s)
{
	static char	 res[256];
	char		*s;

	why[0] = '\0';
	if ((s = secret_eval(cmd, timeout_s, why, sizeof(why))) == NULL)
		return "<NULL>";
	(void)snprintf(res, sizeof(res), "%s", s);
	secret_free(s);
	return res;
}

/* Is pid gone (or a zombie nobody reaped yet)? Waits up to ~5 s. */
static int
gone(pid_t pid)
{
	char	path[64], buf[512], *p;
	FILE	*f;
	int	i;

	for (i = 0; i < 100; i++) {
		if (kill(pid, 0) == -1 && errno == ESRCH)
			return 1;
		(void)snprintf(path, sizeof(path), "/proc/%ld/stat",
		    (long)pid);
		if ((f = fopen(path, "r")) != NULL) {
			p = fgets(buf, sizeof(buf), f);
			(void)fclose(f);
			if (p != NULL && (p = strrchr(buf, ')')) != NULL &&
			    p[1] == ' ' && p[2] == 'Z')
				return 1;
		}
		usleep(50000);
	}
	return 0;
}

int
main(void)
{
	char	 tmpl[] = "/tmp/test_secret.XXXXXX", cmd[512], *s;
	FILE	*f;
	long	 pid = 0;

	is_str(ev("echo s3cret", 5), "s3cret", "the first line");
	is_str(ev("printf 'one\\r\\ntwo\\n'", 5), "one",
	    "first line only, CR LF removed");
	is_str(ev("printf nonewline", 5), "nonewline", "no final newline");
	is_str(ev("printf ' sp ace \\n'", 5), " sp ace ", "blanks are kept");
	is_str(ev("if read x; then echo tty; else echo devnull; fi", 5),
	    "devnull", "standard input is /dev/null");
	is_str(ev("echo first; head -c 1000000 /dev/zero", 10), "first",
	    "a megabyte after the first line is read and dropped");

	is_str(ev("echo leaked; exit 3", 5), "<NULL>", "exit 3 fails");
	ok(strstr(why, "exited with status 3") != NULL, "why: %s", why);
	ok(strstr(why, "leaked") == NULL, "the output is never in why");
	is_str(ev("kill -9 $$", 5), "<NULL>", "killed by a signal");
	ok(strstr(why, "signal 9") != NULL, "why: %s", why);
	is_str(ev("true", 5), "<NULL>", "no output fails");
	ok(strstr(why, "printed nothing") != NULL, "why: %s", why);
	is_str(ev("echo; echo second", 5), "<NULL>", "empty first line");
	ok(strstr(why, "empty first line") != NULL, "why: %s", why);
	is_str(ev("printf 'a\\000b\\n'", 5), "<NULL>", "a NUL byte fails");
	is_str(ev("", 5), "<NULL>", "an empty command");
	is_str(ev("exit 127", 5), "<NULL>", "a missing program (127)");

	/* 64 KiB: OAuth tokens. */
	why[0] = '\0';
	s = secret_eval("head -c 65536 /dev/zero | tr '\\0' T; echo; "
	    "echo rest", 10, why, sizeof(why));
	ok(s != NULL && strlen(s) == 65536 && strspn(s, "T") == 65536,
	    "a 64 KiB line%s%s", s == NULL ? ": " : "", s == NULL ? why : "");
	secret_free(s);
	s = secret_eval("head -c 65536 /dev/zero | tr '\\0' T; "
	    "printf '\\r\\n'", 10, why, sizeof(why));
	ok(s != NULL && strlen(s) == 65536, "a 64 KiB line ending in CR LF");
	secret_free(s);
	is_str(ev("head -c 65537 /dev/zero | tr '\\0' T; echo", 10),
	    "<NULL>", "a line of 64 KiB + 1 is refused");
	ok(strstr(why, "more than 65536") != NULL, "why: %s", why);
	is_str(ev("head -c 65537 /dev/zero | tr '\\0' T", 10), "<NULL>",
	    "also without a newline");

	/* The deadline kills the command and what it started. */
	if (mkdtemp(tmpl) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	(void)snprintf(cmd, sizeof(cmd), "sleep 300 & echo $! > %s/pid; "
	    "wait", tmpl);
	is_str(ev(cmd, 1), "<NULL>", "a hanging command times out");
	ok(strstr(why, "did not finish within 1 second") != NULL, "why: %s",
	    why);
	(void)snprintf(cmd, sizeof(cmd), "%s/pid", tmpl);
	if ((f = fopen(cmd, "r")) != NULL) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		(void)fclose(f);
	}
	ok(pid > 1 && gone((pid_t)pid), "its sleep grandchild was killed");
	if (pid > 1)
		(void)kill((pid_t)pid, SIGKILL);
	(void)unlink(cmd);

	/* A grandchild holding the output open is a hang too. */
	(void)snprintf(cmd, sizeof(cmd), "echo pw; (sleep 300; echo) & "
	    "echo $! > %s/pid", tmpl);
	is_str(ev(cmd, 1), "<NULL>",
	    "a background job keeping the output open times out");
	(void)snprintf(cmd, sizeof(cmd), "%s/pid", tmpl);
	pid = 0;
	if ((f = fopen(cmd, "r")) != NULL) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		(void)fclose(f);
	}
	ok(pid > 1 && gone((pid_t)pid), "and it was killed");
	if (pid > 1)
		(void)kill((pid_t)pid, SIGKILL);
	(void)unlink(cmd);
	(void)rmdir(tmpl);

	/* An interruption (SIGTERM to bote) ends the wait. */
	bote_interrupted = 1;
	is_str(ev("sleep 300", 0), "<NULL>", "interrupted");
	ok(strstr(why, "interrupted") != NULL, "why: %s", why);
	bote_interrupted = 0;

	return done_testing();
}
