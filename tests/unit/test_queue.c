/*
 * Unit tests for src/queue/qent.c (control file format, backoff) and the disk
 * side of src/queue/queue.c (add, lock, update, remove, fail, sweep) in a
 * private directory.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "queue/queue.h"
#include "tap.h"

static void
sample(struct qent *e)
{
	static const char prefix[] = "Date: x\r\nFrom: <a@b>\r\n";

	qent_init(e);
	(void)qent_set(&e->account, "default", 7);
	(void)qent_set(&e->sender, "a b@example.org", 15);
	(void)qent_add_rcpt(e, "r1@example.net");
	(void)qent_add_rcpt(e, "\"x%y\"@example.net");
	e->created = 1700000000;
	e->next = 1700000300;
	e->attempts = 2;
	(void)qent_set(&e->error, "421 4.3.2 try\r\nlater\x1b[0m", 24);
	e->maybe_sent = 1;
	e->held = 1;
	e->out.size = 100;
	e->out.eightbit = 1;
	(void)outmsg_add_skip(&e->out, 10, 5);
	(void)outmsg_add_skip(&e->out, 20, 7);
	(void)outmsg_set_prefix(&e->out, prefix, sizeof(prefix) - 1);
	e->dsn_notify = 6;
	e->dsn_return = 2;
	(void)qent_set(&e->envid, "env-1", 5);
	e->uid = 1000;
	memcpy(e->id, "0123456789ABCDEF", QUEUE_IDLEN + 1);
}

static void
test_format(void)
{
	struct qent	 e, g;
	char		*buf, why[256];
	size_t		 len, i;

	sample(&e);
	ok(qent_format(&e, &buf, &len) == 0, "format");
	ok(memchr(buf, '\r', len) == NULL && memchr(buf, '\x1b', len) ==
	    NULL, "no CR or ESC in the control file");
	qent_init(&g);
	ok(qent_parse(&g, buf, len, why, sizeof(why)) == 0, "parse back: %s",
	    why);
	is_str(g.id, e.id, "id");
	is_str(g.account, "default", "account");
	is_str(g.sender, "a b@example.org", "sender with a space");
	is_int(g.nrcpts, 2, "two recipients");
	is_str(g.rcpts[1], "\"x%y\"@example.net", "recipient with %%");
	is_int(g.created, e.created, "created");
	is_int(g.next, e.next, "next");
	is_int(g.attempts, 2, "attempts");
	is_str(g.error, e.error, "error with CR LF and ESC");
	is_int(g.maybe_sent, 1, "maybe");
	is_int(g.held, 1, "hold");
	ok(memmem(buf, len, "\nhold 1\n", 8) != NULL, "hold written");
	is_int(g.out.size, 100, "size");
	is_int(g.out.eightbit, 1, "eightbit");
	is_int(g.out.nskip, 2, "skips");
	is_int(g.out.skip[1][0], 20, "skip off");
	is_int(g.out.skip[1][1], 7, "skip len");
	is_mem(g.out.prefix, g.out.prefixlen, e.out.prefix, e.out.prefixlen,
	    "prefix");
	is_int(g.dsn_notify, 6, "dsn notify");
	is_int(g.dsn_return, 2, "dsn return");
	is_str(g.envid, "env-1", "envid");
	is_int(g.uid, 1000, "uid");
	is_int(outmsg_wire_size(&g.out), 100 + (long long)e.out.prefixlen - 12,
	    "wire size: prefix + spool - skips");
	qent_free(&g);
	free(buf);
	/* Not held: no hold line, and none parses back as not held. */
	e.held = 0;
	ok(qent_format(&e, &buf, &len) == 0, "format, not held");
	ok(memmem(buf, len, "hold", 4) == NULL, "no hold line");
	qent_init(&g);
	ok(qent_parse(&g, buf, len, why, sizeof(why)) == 0, "parse back: %s",
	    why);
	is_int(g.held, 0, "not held");
	qent_free(&g);
	free(buf);

	/* An ENVID of "-" is not the "-" that stands for none. */
	(void)qent_set(&e.envid, "-", 1);
	ok(qent_format(&e, &buf, &len) == 0, "format with ENVID -");
	qent_init(&g);
	ok(qent_parse(&g, buf, len, why, sizeof(why)) == 0 &&
	    g.envid != NULL && strcmp(g.envid, "-") == 0,
	    "an ENVID of - survives format and parse");
	qent_free(&g);

	/* Cut short anywhere: never accepted as a whole entry. */
	for (i = 0; i < len; i++) {
		qent_init(&g);
		if (qent_parse(&g, buf, i, why, sizeof(why)) == 0 &&
		    buf[i - 1] == '\n' && i < len) {
			/* A prefix of whole lines may parse; uid is last. */
			if (g.uid == e.uid)
				break;
		}
		qent_free(&g);
	}
	ok(i == len, "no truncation of the file parses as the full entry");
	free(buf);

	e.sender[0] = '\0';
	ok(qent_format(&e, &buf, &len) == 0, "format null sender");
	ok(strstr(buf, "sender <>\n") != NULL, "null sender is <>");
	qent_init(&g);
	ok(qent_parse(&g, buf, len, why, sizeof(why)) == 0 &&
	    g.sender[0] == '\0', "null sender parses back");
	qent_free(&g);
	free(buf);
	qent_free(&e);
}

static void
test_parse_errors(void)
{
	static const char *bad[] = {
		"version 2\n",
		"version 1\nid 0123456789ABCDEF\naccount a\nsender <>\n"
		    "created 1\nsize 1\n",	/* no recipient */
		"version 1\nid 0123456789ABCDEF\naccount a\nsender <>\n"
		    "rcpt x\ncreated 1\nsize 1\nfrobnicate 1\n",
		"version 1\nid 0123456789ABCDEF\naccount a\nsender <>\n"
		    "rcpt x\ncreated 1\nsize 10\nskip 5 6\n",
		"version 1\nid 0123456789ABCDEF\naccount a\nsender <>\n"
		    "rcpt x\ncreated 1\nsize 10\nskip 5 2\nskip 1 1\n",
		"version 1\nid 0123456789ABCDEF\naccount a\nsender <>\n"
		    "rcpt x%0\ncreated 1\nsize 1\n",
		"version 1\nid 0123456789ABCDEF\naccount a\nsender <>\n"
		    "rcpt x%00\ncreated 1\nsize 1\n",
		"version 1\nid nothex\naccount a\nsender <>\n"
		    "rcpt x\ncreated 1\nsize 1\n",
		"version 1\nid 0123456789ABCDEF\naccount a\nsender <>\n"
		    "rcpt x\ncreated -1\nsize 1\n",
		"version 1\nid 0123456789ABCDEF\naccount a\nsender <>\n"
		    "rcpt x\ncreated 1\nsize 1",	/* no final LF */
		/* Numbers past what they can mean: no overflow later. */
		"version 1\nid 0123456789ABCDEF\naccount a\nsender <>\n"
		    "rcpt x\ncreated 1\nsize 9223372036854775807\n",
		"version 1\nid 0123456789ABCDEF\naccount a\nsender <>\n"
		    "rcpt x\ncreated 9223372036854775807\nsize 1\n",
		"version 1\nid 0123456789ABCDEF\naccount a\nsender <>\n"
		    "rcpt x\ncreated 1\nnext 9223372036854775807\nsize 1\n",
		"version 1\nid 0123456789ABCDEF\naccount a\nsender <>\n"
		    "rcpt x\ncreated 1\nsize 1\nuid 4294967296\n",
		"version 1\nid 0123456789ABCDEF\naccount a\nsender <>\n"
		    "rcpt x\ncreated 1\nsize 10\n"
		    "skip 1 9223372036854775000\n",
		/* A configuration file by a relative name; an override
		 * without a directive or without '='. */
		"version 1\nid 0123456789ABCDEF\naccount a\nconf m/a\n"
		    "sender <>\nrcpt x\ncreated 1\nsize 1\n",
		"version 1\nid 0123456789ABCDEF\naccount a\n"
		    "override =25\nsender <>\nrcpt x\ncreated 1\nsize 1\n",
		"version 1\nid 0123456789ABCDEF\naccount a\n"
		    "override port\nsender <>\nrcpt x\ncreated 1\nsize 1\n",
	};
	struct qent	e;
	char		why[256];
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		qent_init(&e);
		why[0] = '\0';
		ok(qent_parse(&e, bad[i], strlen(bad[i]), why,
		    sizeof(why)) == -1 && why[0] != '\0',
		    "bad control file %zu refused (%s)", i, why);
		qent_free(&e);
	}
	/* The reason names the field without its control bytes. */
	{
		static const char ctl[] = "\x1b[2J %ZZ\n";

		qent_init(&e);
		ok(qent_parse(&e, ctl, sizeof(ctl) - 1, why,
		    sizeof(why)) == -1 && strchr(why, '\x1b') == NULL,
		    "a refusal shows no control byte of the file (%s)", why);
		qent_free(&e);
	}
}

/*
 * The configuration an entry was queued under: files and overrides in
 * order, any octet escaped, and qconf_same() telling files apart.
 */
#define CONF_LINE	"\nconf /home/u/m%20y/a%0Ab\n"
#define OVR_LINE	"\noverride host=a=b%20c\n"

static void
test_conf(void)
{
	struct qent	 e, g;
	struct qconf	 other;
	char		*buf, why[256];
	size_t		 len, i;

	qent_init(&e);
	qent_init(&g);
	memset(&other, 0, sizeof(other));
	ok(qent_set(&e.account, "default", 7) == 0 &&
	    qent_set(&e.sender, "", 0) == 0 && qent_add_rcpt(&e, "r@x") == 0,
	    "an entry");
	memcpy(e.id, "0123456789ABCDEF", QUEUE_IDLEN + 1);
	ok(qconf_add_file(&e.conf, "/etc/bote.conf") == 0 &&
	    qconf_add_file(&e.conf, "/home/u/m y/a\nb") == 0 &&
	    qconf_add_ovr(&e.conf, "port", "2525") == 0 &&
	    qconf_add_ovr(&e.conf, "host", "a=b c") == 0, "files, overrides");
	ok(qconf_add_file(&e.conf, "m/a") == -1 && errno == EINVAL,
	    "a relative file name is refused");
	ok(qconf_add_ovr(&e.conf, "", "x") == -1 && errno == EINVAL,
	    "an override without a directive is refused");
	ok(qent_format(&e, &buf, &len) == 0, "format");
	ok(memmem(buf, len, CONF_LINE, sizeof(CONF_LINE) - 1) != NULL,
	    "a file name is one escaped token");
	ok(memmem(buf, len, OVR_LINE, sizeof(OVR_LINE) - 1) != NULL,
	    "an override is directive=value");
	ok(qent_parse(&g, buf, len, why, sizeof(why)) == 0, "parse back: %s",
	    why);
	ok(g.conf.nfiles == 2 && g.conf.novr == 2 &&
	    strcmp(g.conf.files[1], "/home/u/m y/a\nb") == 0 &&
	    strcmp(g.conf.ovr[1], "host=a=b c") == 0, "the same, in order");
	ok(qconf_same(&e.conf, &g.conf), "qconf_same");
	ok(qconf_copy(&other, &g.conf) == 0 && qconf_same(&other, &g.conf),
	    "qconf_copy");
	free(other.files[1]);
	other.files[1] = strdup("/home/u/m y/b");
	ok(!qconf_same(&other, &g.conf), "another file is not the same");
	qconf_free(&other);
	ok(qconf_same(&other, &other), "no files: the same as no files");
	for (i = 0; i < QUEUE_CONFMAX + 1 &&
	    qconf_add_file(&other, "/f") == 0; i++)
		continue;
	ok(i == QUEUE_CONFMAX && errno == E2BIG, "QUEUE_CONFMAX files at most");
	qconf_free(&other);
	free(buf);
	qent_free(&e);
	qent_free(&g);
}

static void
test_backoff(void)
{
	is_int(queue_backoff(1), 300, "5 minutes after the first failure");
	is_int(queue_backoff(2), 600, "then 10");
	is_int(queue_backoff(3), 1200, "then 20");
	is_int(queue_backoff(7), 4 * 3600, "capped at 4 hours");
	is_int(queue_backoff(1000000), 4 * 3600, "and stays there");
}

static void
test_escape(void)
{
	char	*x, *y;
	size_t	 n;

	x = queue_escape("", 0);
	is_str(x, "%", "empty value is %%");
	y = queue_unescape(x, strlen(x), &n);
	ok(y != NULL && n == 0, "and back");
	free(x);
	free(y);
	x = queue_escape("a b%\n\xff", 6);
	is_str(x, "a%20b%25%0A%FF", "escaped");
	y = queue_unescape(x, strlen(x), &n);
	is_mem(y, n, "a b%\n\xff", 6, "unescaped");
	free(x);
	free(y);
	ok(queue_unescape("a%2", 3, &n) == NULL, "short escape refused");
	ok(queue_unescape("a b", 3, &n) == NULL, "raw space refused");
}

/* As many ranges as a send may leave out: the control file holds them. */
static void
test_many_skips(void)
{
	struct qent	 e, g;
	char		*buf, why[256];
	size_t		 len, i;
	int		 rc = 0;

	sample(&e);
	e.out.nskip = 0;
	e.out.size = 3 * OUTMSG_SKIPMAX;
	for (i = 0; i < OUTMSG_SKIPMAX && rc == 0; i++)
		rc = outmsg_add_skip(&e.out, (off_t)(3 * i), 2);
	ok(rc == 0, "%d ranges (OUTMSG_SKIPMAX)", OUTMSG_SKIPMAX);
	ok(outmsg_add_skip(&e.out, 3 * OUTMSG_SKIPMAX, 1) == -1 &&
	    errno == E2BIG, "one more: E2BIG");
	ok(qent_format(&e, &buf, &len) == 0, "format");
	qent_init(&g);
	ok(qent_parse(&g, buf, len, why, sizeof(why)) == 0, "parse back: %s",
	    why);
	is_int(g.out.nskip, OUTMSG_SKIPMAX, "every range read back");
	is_int(outmsg_wire_size(&g.out), outmsg_wire_size(&e.out),
	    "same wire size");
	qent_free(&g);
	free(buf);
	qent_free(&e);
}

static void
test_disk(void)
{
	char		 dir[] = "/tmp/test_queue.XXXXXX", path[PATH_MAX];
	char		 why[256], **ids;
	struct queue	*q;
	struct qlock	*l, *l2;
	struct outcome	 o;
	struct qent	 e, g;
	struct stat	 st;
	size_t		 n;
	int		 fd, busy;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	(void)snprintf(path, sizeof(path), "%s/queue", dir);
	ok((q = queue_open(path, 1, &o)) != NULL, "create the queue");
	if (q == NULL)
		return;
	fd = open(queue_tmpdir(q), O_TMPFILE | O_RDWR, 0600);
	if (fd == -1) {
		char	t[PATH_MAX];

		(void)snprintf(t, sizeof(t), "%s/x", queue_tmpdir(q));
		fd = open(t, O_RDWR | O_CREAT, 0600);
		(void)unlink(t);
	}
	ok(fd != -1, "a spool file in tmp/");
	(void)write(fd, "Subject: x\r\n\r\nbody\r\n", 20);
	sample(&e);
	e.out.nskip = 0;
	e.out.size = 20;
	ok(queue_add(q, fd, &e, &o) == 0, "add: %s", o.why);
	ok(queue_valid_id(e.id), "an id was chosen");
	ok(queue_ids(q, 0, &ids, &n, &o) == 0 && n == 1 &&
	    strcmp(ids[0], e.id) == 0, "listed");
	queue_ids_free(ids, n);
	(void)snprintf(path, sizeof(path), "%s/queue/q/%s.msg", dir, e.id);
	ok(stat(path, &st) == 0 && st.st_size == 20 &&
	    (st.st_mode & 0777) == 0600, "message file, mode 0600");
	close(fd);

	qent_init(&g);
	l = queue_lock(q, e.id, &g, &busy, why, sizeof(why));
	ok(l != NULL, "locked");
	qent_free(&g);
	l2 = queue_lock(q, e.id, &g, &busy, why, sizeof(why));
	ok(l2 == NULL && busy, "a second lock is refused (busy)");
	qent_free(&g);
	g.attempts = 0;
	(void)queue_read(q, 0, e.id, &g, why, sizeof(why));
	g.attempts = 9;
	ok(queue_update(q, &g, &o) == 0, "update");
	qent_free(&g);
	ok(queue_read(q, 0, e.id, &g, why, sizeof(why)) == 0 &&
	    g.attempts == 9, "the update is read back");
	ok(queue_fail(q, &g, &o) == 0, "moved to failed/");
	qent_free(&g);
	queue_unlock(l);
	ok(queue_ids(q, 0, &ids, &n, &o) == 0 && n == 0, "gone from q/");
	queue_ids_free(ids, n);
	ok(queue_ids(q, 1, &ids, &n, &o) == 0 && n == 1, "in failed/");
	queue_ids_free(ids, n);
	(void)snprintf(path, sizeof(path), "%s/queue/failed/%s.msg", dir,
	    e.id);
	ok(stat(path, &st) == 0, "with its message");

	/* Debris: a message without a control file, old enough. */
	(void)snprintf(path, sizeof(path), "%s/queue/q/AAAAAAAAAAAAAAAA.msg",
	    dir);
	close(open(path, O_WRONLY | O_CREAT, 0600));
	queue_sweep(q, time(NULL));
	ok(access(path, F_OK) == 0, "fresh debris is left alone");
	queue_sweep(q, time(NULL) + 2 * QUEUE_ORPHAN_AGE);
	ok(access(path, F_OK) == -1, "old debris is swept");

	ok(queue_remove(q, "BBBBBBBBBBBBBBBB", &o) == 0,
	    "removing what is not there is no error");
	qent_free(&e);
	queue_close(q);
	(void)snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	(void)system(path);
}

int
main(void)
{
	test_format();
	test_parse_errors();
	test_conf();
	test_many_skips();
	test_backoff();
	test_escape();
	test_disk();
	return done_testing();
}
