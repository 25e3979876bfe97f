/*
 * The -bs server's command parser (src/smtp/smtpd.h smtpd_run), the only
 * way in that its header offers: the input is what the caller writes,
 * read from one anonymous file, and the replies go to another. What it
 * hands the relay must be safe to send on, and what it answers must be
 * SMTP:
 *
 * - the sender is empty or passes addr_check(), every recipient passes
 *   it, there are 1..SMTPD_RCPTMAX of them, and the message is in spool
 *   form (no NUL, no bare CR or LF);
 * - every reply line parses as a reply (reply.h) with a code in
 *   200..599, has no bare CR or LF, and a relay code outside 200..599
 *   is answered 451 4.3.0 (the relay's text cannot inject a line);
 * - the session's counters agree with the relay calls.
 *
 * Input: one octet choosing the relay's answer, then the session.
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg/addr.h"
#include "msg/msg.h"
#include "smtp/reply.h"
#include "smtp/smtpd.h"
#include "fuzz.h"

static const int codes[] = { 250, 251, 451, 452, 554, 550, 199, 600, 0,
    354 };

struct relayed {
	int		 code;		/* what the relay answers */
	unsigned long	 calls;
	int		 bad;		/* it answered outside 200..599 */
};

static struct reply	r;

static void
relay(void *arg, const char *sender, char *const *rcpts, size_t n,
    struct msg *m, struct smtpd_reply *rep)
{
	struct relayed	*rl = arg;
	char		 why[128], *spool;
	size_t		 i, len;

	rl->calls++;
	FUZZ_CHECK(sender[0] == '\0' || addr_check(sender, 0, why,
	    sizeof(why)) == 0, "the sender is <> or passes addr_check()");
	FUZZ_CHECK(n >= 1 && n <= SMTPD_RCPTMAX,
	    "1..SMTPD_RCPTMAX recipients reach the relay");
	for (i = 0; i < n; i++)
		FUZZ_CHECK(addr_check(rcpts[i], 0, why, sizeof(why)) == 0,
		    "every recipient passes addr_check()");
	spool = fuzz_slurp(msg_fd(m), &len);
	FUZZ_CHECK((off_t)len == msg_size(m), "the message size is right");
	FUZZ_CHECK(memchr(spool, '\0', len) == NULL &&
	    fuzz_crlf_only(spool, len), "the message is in spool form");
	free(spool);
	rep->code = rl->code;
	(void)snprintf(rep->enh, sizeof(rep->enh), "%d.0.0", rl->code / 100);
	/* Text that tries to end the reply line early. */
	(void)snprintf(rep->text, sizeof(rep->text),
	    "queued\r\n250 2.0.0 injected\n");
	if (rl->code < 200 || rl->code > 599)
		rl->bad = 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smtpd_opts	 op;
	struct smtpd_result	 res;
	struct relayed		 rl;
	char			*out, *p, *end, *nl;
	size_t			 outlen;
	int			 in, fdout, rc, saw451 = 0;
	enum reply_err		 e = REPLY_OK;

	if (size < 1)
		return 0;
	memset(&rl, 0, sizeof(rl));
	rl.code = codes[data[0] % (sizeof(codes) / sizeof(codes[0]))];
	in = fuzz_memfd(data + 1, size - 1);
	fdout = fuzz_memfd("", 0);
	memset(&op, 0, sizeof(op));
	op.infd = in;
	op.outfd = fdout;
	op.hostname = "fuzz.example";
	op.spool_dir = fuzz_tmpdir();
	op.idle_ms = 1000;
	op.size_max = 1024 * 1024;
	op.relay = relay;
	op.relay_arg = &rl;
	memset(&res, 0, sizeof(res));
	rc = smtpd_run(&op, &res);

	FUZZ_CHECK((rc == 0) == (res.end == SMTPD_QUIT),
	    "smtpd_run() returns 0 exactly after QUIT");
	FUZZ_CHECK(res.end == SMTPD_QUIT || res.end == SMTPD_EOF ||
	    res.end == SMTPD_ERRORS, "a session over a file ends by QUIT, "
	    "EOF or too many errors");
	/* A message refused before the relay (a NUL byte) counts too. */
	FUZZ_CHECK(res.relayed <= rl.calls && rl.calls <= res.relayed +
	    res.refused, "every relay call is counted once");

	out = fuzz_slurp(fdout, &outlen);
	FUZZ_CHECK(fuzz_crlf_only(out, outlen), "no bare CR or LF in replies");
	FUZZ_CHECK(memchr(out, '\0', outlen) == NULL, "no NUL in replies");
	reply_init(&r);
	for (p = out, end = out + outlen; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		FUZZ_CHECK(nl != NULL, "every reply line ends with CRLF");
		FUZZ_CHECK(nl - p <= SMTPD_TEXTMAX + 32,
		    "a reply line is short");
		e = reply_feed(&r, p, (size_t)(nl - 1 - p));
		FUZZ_CHECK(e == REPLY_OK || e == REPLY_MORE,
		    "every reply line parses (RFC 5321 4.2)");
		if (e == REPLY_OK) {
			FUZZ_CHECK(r.code >= 200 && r.code <= 599,
			    "a reply code in 200..599");
			if (r.code == 451 && strcmp(r.enh, "4.3.0") == 0)
				saw451 = 1;
		}
	}
	FUZZ_CHECK(e == REPLY_OK, "the last reply is complete");
	if (rl.bad)
		FUZZ_CHECK(saw451, "a relay code outside 200..599 is "
		    "answered 451 4.3.0");
	free(out);
	close(in);
	close(fdout);
	return 0;
}
