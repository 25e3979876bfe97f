/*
 * Queue control files (src/queue/queue.h): a control file that parses
 * survives qent_format() -> qent_parse() -> qent_format() unchanged, and
 * the entry read back holds the same values field by field; the text
 * qent_format() writes is "key value" lines of printable octets only. The
 * escaping behind it round-trips any bytes.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "msg/outmsg.h"
#include "queue/queue.h"
#include "fuzz.h"

static int
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
same_entry(const struct qent *a, const struct qent *b)
{
	size_t	i;

	FUZZ_CHECK(strcmp(a->id, b->id) == 0, "the id survives");
	FUZZ_CHECK(same_str(a->account, b->account), "the account survives");
	FUZZ_CHECK(same_str(a->sender, b->sender), "the sender survives");
	FUZZ_CHECK(a->nrcpts == b->nrcpts, "the recipients survive");
	for (i = 0; i < a->nrcpts; i++)
		FUZZ_CHECK(strcmp(a->rcpts[i], b->rcpts[i]) == 0,
		    "each recipient survives");
	FUZZ_CHECK(a->created == b->created && a->next == b->next &&
	    a->attempts == b->attempts && a->maybe_sent == b->maybe_sent &&
	    a->sending == b->sending && a->out.size == b->out.size &&
	    a->out.eightbit == b->out.eightbit && a->uid == b->uid,
	    "the numbers survive");
	FUZZ_CHECK(same_str(a->error, b->error), "the last error survives");
	FUZZ_CHECK(a->out.nskip == b->out.nskip && memcmp(a->out.skip, b->out.skip,
	    sizeof(a->out.skip[0]) * a->out.nskip) == 0, "the skip ranges survive");
	FUZZ_CHECK(a->out.prefixlen == b->out.prefixlen && (a->out.prefixlen == 0 ||
	    memcmp(a->out.prefix, b->out.prefix, a->out.prefixlen) == 0),
	    "the prefix survives");
	FUZZ_CHECK(a->dsn_notify == b->dsn_notify &&
	    a->dsn_return == b->dsn_return, "the DSN request survives");
	FUZZ_CHECK(same_str(a->envid, b->envid), "the ENVID survives");
}

static void
check_text(const char *t, size_t len)
{
	size_t	i;

	FUZZ_CHECK(len > 0 && t[len - 1] == '\n', "lines end with LF");
	for (i = 0; i < len; i++)
		FUZZ_CHECK(t[i] == '\n' || ((unsigned char)t[i] >= 0x20 &&
		    (unsigned char)t[i] < 0x7f),
		    "a control file holds only printable octets and LF");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qent	 e, e2;
	char		*t1, *t2, *x, *u, why[256];
	size_t		 l1, l2, ul;

	/* Any bytes escape to one token and back. */
	if ((x = queue_escape((const char *)data, size)) == NULL)
		abort();
	FUZZ_CHECK(x[0] != '\0' && strspn(x, "!\"#$%&'()*+,-./0123456789:;<=>"
	    "?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz"
	    "{|}~") == strlen(x), "an escaped value is one printable token");
	u = queue_unescape(x, strlen(x), &ul);
	FUZZ_CHECK(u != NULL && ul == size && memcmp(u, data, size) == 0,
	    "unescape(escape(x)) is x");
	free(u);
	free(x);

	qent_init(&e);
	why[0] = '\0';
	if (qent_parse(&e, (const char *)data, size, why, sizeof(why)) == -1) {
		FUZZ_CHECK(why[0] != '\0', "a refusal says why");
		/* mailq and bote -q show it as it is. */
		FUZZ_CHECK(!fuzz_has_ctl(why, strlen(why)),
		    "a refusal shows no control byte of the file");
		qent_free(&e);
		return 0;
	}
	FUZZ_CHECK(queue_valid_id(e.id) && e.account != NULL &&
	    e.sender != NULL && e.nrcpts > 0, "the required fields are set");
	FUZZ_CHECK(outmsg_wire_size(&e.out) >= (off_t)e.out.prefixlen,
	    "skip ranges lie inside the spool");
	FUZZ_CHECK(qent_format(&e, &t1, &l1) == 0, "a parsed entry formats");
	check_text(t1, l1);
	qent_init(&e2);
	FUZZ_CHECK(qent_parse(&e2, t1, l1, why, sizeof(why)) == 0,
	    "what qent_format() writes parses");
	same_entry(&e, &e2);
	FUZZ_CHECK(qent_format(&e2, &t2, &l2) == 0, "and formats again");
	FUZZ_CHECK(l1 == l2 && memcmp(t1, t2, l1) == 0,
	    "format -> parse -> format is stable");
	free(t1);
	free(t2);
	qent_free(&e);
	qent_free(&e2);
	return 0;
}
