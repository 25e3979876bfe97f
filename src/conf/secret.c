/*
 * Password sources: passwordeval runs a command and takes the first line
 * of its output, as msmtp does, but with a deadline (the command and
 * everything it started are killed when it passes), a cap on the line
 * (64 KiB: OAuth tokens are long) and the exit status checked. The
 * output is wiped; no message quotes it. DKIM private key files are
 * read here too, with the same care.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/secret.h"
#include "base/crypto.h"
#include "base/util.h"

#define SECRET_LINEMAX	(64 * 1024)	/* octets in the secret */
#define SECRET_BUFSZ	(SECRET_LINEMAX + 2)	/* with CR LF */
#define SECRET_NAPMAX	50		/* ms between exit checks */

static void	 child(const char *, int, int) __attribute__((noreturn));
static int	 reap(pid_t, int64_t, int *);
static int	 read_output(int, int64_t, char *, size_t *, char **, char *,
		    size_t);
static char	*first_line(const char *, size_t, const char *, char *,
		    size_t);


/*
 * In the child: its own process group (so a timeout can kill whatever
 * the shell started), /dev/null as stdin, the pipe as stdout, default
 * signal handling (an ignored SIGPIPE would survive exec).
 */
static void
child(const char *cmd, int in, int out)
{
	sigset_t	none;

	(void)setpgid(0, 0);
	(void)signal(SIGPIPE, SIG_DFL);
	(void)sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	/*
	 * Move both above 2 first: dup2() onto the same number would keep
	 * close-on-exec, and one could be the other's target.
	 */
	if ((in = fcntl(in, F_DUPFD, 3)) == -1 ||
	    (out = fcntl(out, F_DUPFD, 3)) == -1 ||
	    dup2(in, STDIN_FILENO) == -1 || dup2(out, STDOUT_FILENO) == -1)
		_exit(127);
	(void)close(in);
	(void)close(out);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

/*
 * Wait for the child until the deadline (-1: none). Returns 0 with
 * *status, 1 on timeout, -1 on error (errno set).
 */
static int
reap(pid_t pid, int64_t deadline, int *status)
{
	pid_t	r;
	int	ms, nap = 1;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r == -1 && errno != EINTR)
			return -1;
		if (r == -1)
			continue;
		ms = ms_left(deadline);
		if (ms == 0)
			return 1;
		if (ms < 0 || ms > nap)
			ms = nap;
		(void)poll(NULL, 0, ms);
		if (nap < SECRET_NAPMAX)
			nap *= 2;
	}
}

/*
 * Read the command's output until it closes it: the first line into buf
 * (*lenp octets so far, *nlp its LF once seen), the rest into a drain (a
 * command blocked on a full pipe would never exit; one killed by SIGPIPE
 * would look failed). Returns 0 at end of output, 1 when the deadline
 * passed, -1 on an error (why set).
 */
static int
read_output(int fd, int64_t deadline, char *buf, size_t *lenp, char **nlp,
    char *why, size_t whylen)
{
	struct pollfd	 pfd;
	char		 drain[4096];
	ssize_t		 n;
	int		 rc, ms, ret = -1;

	for (;;) {
		if (bote_interrupted) {
			whyf(why, whylen, "interrupted while the "
			    "passwordeval command ran");
			break;
		}
		ms = ms_left(deadline);
		if (ms == 0) {
			ret = 1;
			break;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if ((rc = poll(&pfd, 1, ms)) == -1 && errno == EINTR)
			continue;
		if (rc == -1) {
			whyf(why, whylen, "poll: %s", strerror(errno));
			break;
		}
		if (rc == 0) {
			ret = 1;
			break;
		}
		if (*nlp == NULL)
			n = read(fd, buf + *lenp, SECRET_BUFSZ - *lenp);
		else
			n = read(fd, drain, sizeof(drain));
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == -1) {
			whyf(why, whylen, "cannot read the output of the "
			    "passwordeval command: %s", strerror(errno));
			break;
		}
		if (n == 0) {
			ret = 0;
			break;
		}
		if (*nlp != NULL)
			continue;
		*nlp = memchr(buf + *lenp, '\n', (size_t)n);
		*lenp += (size_t)n;
		if (*nlp == NULL && *lenp == SECRET_BUFSZ) {
			/* The first line is the secret; it has a cap. */
			whyf(why, whylen, "passwordeval command printed more "
			    "than %d octets", SECRET_LINEMAX);
			break;
		}
	}
	explicit_bzero(drain, sizeof(drain));
	return ret;
}

/*
 * The secret: the first line of the output (len octets in buf, nl its LF
 * or NULL), checked. NULL with why set when it is unusable.
 */
static char *
first_line(const char *buf, size_t len, const char *nl, char *why,
    size_t whylen)
{
	size_t	 linelen;
	char	*res;

	linelen = nl != NULL ? (size_t)(nl - buf) : len;
	/* A CR before the LF comes from the line ending, not the secret. */
	if (linelen > 0 && buf[linelen - 1] == '\r')
		linelen--;
	if (len == 0) {
		whyf(why, whylen, "passwordeval command printed nothing");
		return NULL;
	}
	if (linelen == 0) {
		whyf(why, whylen,
		    "passwordeval command printed an empty first line");
		return NULL;
	}
	if (linelen > SECRET_LINEMAX) {
		whyf(why, whylen, "passwordeval command printed more than "
		    "%d octets", SECRET_LINEMAX);
		return NULL;
	}
	if (memchr(buf, '\0', linelen) != NULL) {
		whyf(why, whylen, "passwordeval command printed a NUL byte");
		return NULL;
	}
	if ((res = xstrndup(buf, linelen)) == NULL)
		whyf(why, whylen, "out of memory");
	return res;
}

char *
secret_eval(const char *cmd, int timeout_s, char *why, size_t whylen)
{
	char		*buf = NULL, *res = NULL, *nl = NULL;
	size_t		 len = 0;
	int64_t		 deadline = -1;
	pid_t		 pid = -1;
	int		 fds[2] = { -1, -1 }, devnull = -1;
	int		 rc, status = 0, reaped = 0;

	if (cmd == NULL || *cmd == '\0') {
		whyf(why, whylen, "passwordeval command is empty");
		goto done;
	}
	if ((buf = malloc(SECRET_BUFSZ)) == NULL) {
		whyf(why, whylen, "out of memory");
		goto done;
	}
	if ((devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1) {
		whyf(why, whylen, "cannot open /dev/null: %s",
		    strerror(errno));
		goto done;
	}
	/* Close-on-exec: the read end must not leak into the command. */
	if (pipe2(fds, O_CLOEXEC) == -1) {
		whyf(why, whylen, "cannot create a pipe: %s",
		    strerror(errno));
		goto done;
	}
	if (timeout_s > 0)
		deadline = now_ms() + (int64_t)timeout_s * 1000;
	if ((pid = fork()) == -1) {
		whyf(why, whylen, "cannot run the passwordeval command: %s",
		    strerror(errno));
		goto done;
	}
	if (pid == 0)
		child(cmd, devnull, fds[1]);
	/* Also here, so the group exists whichever side runs first. */
	(void)setpgid(pid, pid);
	(void)close(fds[1]);
	fds[1] = -1;
	(void)close(devnull);
	devnull = -1;

	if ((rc = read_output(fds[0], deadline, buf, &len, &nl, why,
	    whylen)) == 1)
		goto timeout;
	if (rc == -1)
		goto done;

	/* Output closed; the command may still be running. */
	if ((rc = reap(pid, deadline, &status)) == 1)
		goto timeout;
	if (rc == -1) {
		whyf(why, whylen, "cannot wait for the passwordeval command: "
		    "%s", strerror(errno));
		reaped = 1;	/* nothing left to wait for */
		goto done;
	}
	reaped = 1;
	if (WIFSIGNALED(status)) {
		whyf(why, whylen, "passwordeval command was killed by signal "
		    "%d", WTERMSIG(status));
		goto done;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		whyf(why, whylen, "passwordeval command exited with status %d",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		goto done;
	}
	res = first_line(buf, len, nl, why, whylen);
	goto done;

timeout:
	whyf(why, whylen, "passwordeval command did not finish within %d "
	    "second%s", timeout_s, timeout_s == 1 ? "" : "s");
done:
	if (pid > 0 && !reaped) {
		/* Whatever the shell started goes too. */
		(void)kill(-pid, SIGKILL);
		(void)kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			continue;
	}
	if (fds[0] != -1)
		(void)close(fds[0]);
	if (fds[1] != -1)
		(void)close(fds[1]);
	if (devnull != -1)
		(void)close(devnull);
	if (buf != NULL)
		freezero(buf, SECRET_BUFSZ);
	return res;
}

/*
 * The mode check follows check_secret_file() in conf.c: a signing key
 * that others can read lets them sign as the domain.
 */
struct crypto_key *
secret_key_load(const char *path, char *why, size_t whylen)
{
	struct crypto_key	*k = NULL;
	struct stat		 st;
	char			*buf = NULL, tmp[256];
	size_t			 len = 0;
	ssize_t			 n;
	int			 fd;

	/* Opening a device or a FIFO may do something: not even that. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		whyf(why, whylen, "%s is not a regular file", path);
		return NULL;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		whyf(why, whylen, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		whyf(why, whylen, "cannot check %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		whyf(why, whylen, "%s is not a regular file", path);
		goto out;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		whyf(why, whylen, "%s is owned by uid %lu, not by you (uid "
		    "%lu) or root: chown it", path, (unsigned long)st.st_uid,
		    (unsigned long)geteuid());
		goto out;
	}
	if (st.st_mode & 077) {
		whyf(why, whylen, "others may read or change %s (mode %03o): "
		    "run chmod 600 %s", path, (unsigned)(st.st_mode & 0777),
		    path);
		goto out;
	}
	if (st.st_size > CRYPTO_KEY_FILEMAX) {
		whyf(why, whylen, "%s is too large for a key (limit %d "
		    "octets)", path, CRYPTO_KEY_FILEMAX);
		goto out;
	}
	if ((buf = malloc(CRYPTO_KEY_FILEMAX + 1)) == NULL) {
		whyf(why, whylen, "out of memory");
		goto out;
	}
	/* One more octet than allowed tells a file that grew. */
	while (len <= CRYPTO_KEY_FILEMAX) {
		n = read(fd, buf + len, CRYPTO_KEY_FILEMAX + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			whyf(why, whylen, "cannot read %s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > CRYPTO_KEY_FILEMAX) {
		whyf(why, whylen, "%s is too large for a key", path);
		goto out;
	}
	if ((k = crypto_key_import(buf, len, tmp, sizeof(tmp))) == NULL)
		whyf(why, whylen, "%s: %s", path, tmp);
out:
	if (buf != NULL)
		freezero(buf, CRYPTO_KEY_FILEMAX + 1);
	close(fd);
	return k;
}
