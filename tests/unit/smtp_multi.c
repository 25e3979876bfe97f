/*
 * smtp_multi: a test driver for multi-transaction sessions (smtp_open,
 * smtp_tx, smtp_close), run by tests/session.bats against the scripted
 * server. Not a TAP test: it prints one line per transaction.
 *
 *   smtp_multi PORT MESSAGE SENDER RCPT[,RCPT...]...
 *
 * Opens one plain session to 127.0.0.1:PORT (no TLS, no AUTH), then one
 * transaction per RCPT argument (a comma-separated list of recipients),
 * each sending MESSAGE (a file already in CRLF form) from SENDER, and
 * prints "tx N: rc KIND CODE usable U" for each. Exits 0 when the session
 * opened.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtp/smtp.h"
#include "base/util.h"

static void
trace(void *arg, int dir, const char *line, size_t len)
{
	(void)arg;
	fprintf(stderr, "%c %.*s\n", dir, (int)len, line);
}

int
main(int argc, char **argv)
{
	struct smtp_opts	 op;
	struct outmsg		 body;
	struct outcome		 o;
	struct smtp		*s;
	struct stat		 st;
	char			*rcpts[16], *list, *p;
	const char		*errstr;
	size_t			 n;
	int			 i, rc, fd;

	if (argc < 5) {
		fprintf(stderr, "usage: smtp_multi PORT MESSAGE SENDER "
		    "RCPT[,RCPT...]...\n");
		return 64;
	}
	memset(&op, 0, sizeof(op));
	op.host = "127.0.0.1";
	op.port = (int)strtonum(argv[1], 1, 65535, &errstr);
	if (errstr != NULL)
		return 64;
	op.auth = AUTHM_OFF;
	op.timeout_s = 5;
	op.helo = "client.test";
	op.trace = trace;
	if ((fd = open(argv[2], O_RDONLY)) == -1 || fstat(fd, &st) == -1) {
		perror(argv[2]);
		return 66;
	}
	outmsg_init(&body);
	body.fd = fd;
	body.size = st.st_size;
	if ((s = smtp_open(&op, &o)) == NULL) {
		printf("open: kind %d code %d: %s\n", (int)o.kind, o.code,
		    o.why);
		return 1;
	}
	for (i = 4; i < argc; i++) {
		if ((list = strdup(argv[i])) == NULL)
			return 71;
		n = 0;
		for (p = list; p != NULL && n < 16; p = strchr(p, ',')) {
			if (*p == ',')
				*p++ = '\0';
			rcpts[n++] = p;
		}
		rc = smtp_tx(s, argv[3], rcpts, n, &body, &o);
		printf("tx %d: rc %d kind %d code %d usable %d\n", i - 3, rc,
		    (int)o.kind, o.code, smtp_usable(s));
		free(list);
	}
	smtp_close(s);
	close(fd);
	return 0;
}
