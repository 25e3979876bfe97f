/*
 * The submission pipeline (src/submit/submit.h submit_prepare) over a
 * message spooled with msg_spool() from the input: the header scan, -t
 * extraction with the address-list parser, aliases, qualification and
 * the header policy. What it accepts must be safe to send:
 *
 * - the sender and every recipient pass addr_check() (no CR, LF, NUL,
 *   control byte or angle bracket), every recipient has a domain, and no
 *   recipient is there twice;
 * - the skip ranges are sorted, disjoint and inside the spool;
 * - what goes out (prefix + spool - skipped ranges) has no bare CR or LF,
 *   holds no Bcc or Resent-Bcc field unless the account keeps them, and
 *   has Date, Message-ID and From;
 * - the prefix holds only the fields bote adds (Date, Message-ID, From,
 *   To) and those it sends again RFC 2047 encoded (Subject, Comments,
 *   Keywords with no raw 8-bit left; From, Sender, Reply-To, To, Cc,
 *   Bcc with raw 8-bit only inside their addresses): no -F name or
 *   address can start a field of its own;
 * - each Subject, Comments, Keywords, Sender, Reply-To or Cc field left
 *   out of the spool is in the prefix, in order, the address fields with
 *   the same addresses;
 * - a refusal says why without a control byte.
 *
 * Input: one octet of switches, then the -f sender, the -F name and one
 * recipient argument on a line each when their switch is set, then the
 * message.
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/util.h"
#include "conf/conf.h"
#include "msg/rfc5322.h"
#include "submit/submit.h"
#include "fuzz.h"

#define SW_READ		0x01	/* -t */
#define SW_SENDER	0x02	/* -f from the next line */
#define SW_NAME		0x04	/* -F from the next line */
#define SW_RCPT		0x08	/* a recipient argument on the next line */
#define SW_ALIASES	0x10
#define SW_DOTEND	0x20	/* without -i */
#define SW_KEEPBCC	0x40	/* remove_bcc_headers off */
#define SW_TO		0x80	/* set_to_header on */

static const char aliases_text[] =
    "root: admin@example.org\n"
    "postmaster: root, ops@example.net\n"
    "team: alice bob@example.com\n"
    "default: catchall@example.org\n";

static struct conf	*conf;
static struct account	*accts[4];
static struct aliases	*aliases;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	name[16];
	int	i;

	/* The same Message-ID and Date every run (test hooks build). */
	(void)setenv("BOTE_TEST_MSGID_RANDOM", "0123456789abcdef", 1);
	(void)setenv("BOTE_TEST_TIME", "1795000000", 1);
	if ((conf = conf_new()) == NULL || (aliases = aliases_new()) == NULL)
		abort();
	/* One account for each pair of the two header switches. */
	for (i = 0; i < 4; i++) {
		(void)snprintf(name, sizeof(name), "a%d", i);
		if ((accts[i] = conf_add_account(conf, name)) == NULL ||
		    conf_override(conf, accts[i], "from",
		    "sender@example.org") == -1 ||
		    conf_override(conf, accts[i], "remove_bcc_headers",
		    i & 1 ? "off" : "on") == -1 ||
		    conf_override(conf, accts[i], "set_to_header",
		    i & 2 ? "on" : "off") == -1)
			abort();
	}
	if (aliases_read_buf(aliases, "aliases", aliases_text,
	    sizeof(aliases_text) - 1) == -1)
		abort();
	return 0;
}

struct names {
	int	bcc;		/* Bcc or Resent-Bcc fields */
	int	date, msgid, from;
	int	raw;		/* raw 8-bit where encoded-words would be */
	int	other;		/* fields bote never adds */
	size_t	n;
	/* Encodable fields, with addresses: "name:a,b\n" (sig_cb). */
	struct sbuf sig;
	const struct outmsg *skips;	/* only the skipped ones, or all */
};

static const char *const encodable[] = {
	"Subject", "Comments", "Keywords", "Sender", "Reply-To", "Cc"
};

/* Whether field f is named name (case aside). */
static int
field_is(const struct hdr_field *f, const char *name)
{
	return f->namelen == strlen(name) &&
	    strncasecmp(f->name, name, f->namelen) == 0;
}

/*
 * Whether the raw 8-bit of an address field lies in its addresses only
 * (display names and comments go encoded); a field that does not parse
 * has none. l receives the addresses.
 */
static int
raw_in_addrs(const struct hdr_field *f, struct addrlist *l)
{
	char	why[128];
	size_t	i, c = 0;

	if (addr_parse_list(f->value, f->valuelen, l, why, sizeof(why)) == -1)
		return count8(f->value, f->valuelen) == 0;
	for (i = 0; i < l->n; i++)
		c += count8(l->v[i], strlen(l->v[i]));
	return c == count8(f->value, f->valuelen);
}

/* Note an encodable field in nm->sig: its name, its addresses. */
static void
sig_add(struct names *nm, const struct hdr_field *f)
{
	struct addrlist	 l;
	char		 why[128];
	size_t		 i;

	(void)sbuf_addf(&nm->sig, "%.*s:", (int)f->namelen, f->name);
	addrlist_init(&l);
	if (!field_is(f, "Subject") && !field_is(f, "Comments") &&
	    !field_is(f, "Keywords") && addr_parse_list(f->value,
	    f->valuelen, &l, why, sizeof(why)) == 0)
		for (i = 0; i < l.n; i++)
			(void)sbuf_addf(&nm->sig, "%s,", l.v[i]);
	addrlist_free(&l);
	(void)sbuf_add(&nm->sig, "\n", 1);
}

static int
name_cb(void *arg, const struct hdr_field *f)
{
	struct names	*nm = arg;
	struct addrlist	 l;
	size_t		 i, e;

	for (e = 0; e < sizeof(encodable) / sizeof(encodable[0]); e++)
		if (field_is(f, encodable[e]))
			break;
	if (nm->skips != NULL) {
		/* The spool: only what is left out counts. */
		for (i = 0; i < nm->skips->nskip; i++)
			if (nm->skips->skip[i][0] == f->off)
				break;
		if (i < nm->skips->nskip &&
		    e < sizeof(encodable) / sizeof(encodable[0]))
			sig_add(nm, f);
		return 0;
	}
	if (e < sizeof(encodable) / sizeof(encodable[0]))
		sig_add(nm, f);
	nm->n++;
	if (field_is(f, "Subject") || field_is(f, "Comments") ||
	    field_is(f, "Keywords"))
		nm->raw += count8(f->value, f->valuelen) > 0;
	else if (field_is(f, "From") || field_is(f, "To") ||
	    field_is(f, "Cc") || field_is(f, "Bcc") ||
	    field_is(f, "Sender") || field_is(f, "Reply-To")) {
		addrlist_init(&l);
		nm->raw += !raw_in_addrs(f, &l);
		addrlist_free(&l);
	}
	if (field_is(f, "Bcc") || field_is(f, "Resent-Bcc"))
		nm->bcc++;
	else if (field_is(f, "Date"))
		nm->date++;
	else if (field_is(f, "Message-ID"))
		nm->msgid++;
	else if (field_is(f, "From"))
		nm->from++;
	else if (!field_is(f, "To") && !field_is(f, "Subject") &&
	    !field_is(f, "Comments") && !field_is(f, "Keywords") &&
	    !field_is(f, "Sender") && !field_is(f, "Reply-To") &&
	    !field_is(f, "Cc"))
		nm->other++;
	return 0;
}

/* Scan buf into nm (free nm->sig); skips: count only those ranges. */
static void
scan(const char *buf, size_t len, const struct outmsg *skips,
    struct names *nm)
{
	off_t	body;
	int	fd;

	memset(nm, 0, sizeof(*nm));
	sbuf_init(&nm->sig, 16 * 1024 * 1024);
	nm->skips = skips;
	fd = fuzz_memfd(buf, len);
	FUZZ_CHECK(hdr_scan(fd, name_cb, nm, &body) == 0,
	    "the outgoing header scans");
	close(fd);
}

static void
check_ok(const struct submission *sub, const char *spool, size_t slen,
    int keepbcc)
{
	struct names	 nm, sp;
	char		 why[128], *wire;
	size_t		 i, j, wl = 0;
	off_t		 last = 0, end;

	FUZZ_CHECK(addr_check(sub->sender, 1, why, sizeof(why)) == 0,
	    "the envelope sender passes addr_check()");
	FUZZ_CHECK(sub->rcpts.n >= 1 && sub->rcpts.n <= ADDRLIST_MAX,
	    "at least one recipient, at most ADDRLIST_MAX");
	for (i = 0; i < sub->rcpts.n; i++) {
		FUZZ_CHECK(addr_check(sub->rcpts.v[i], 0, why,
		    sizeof(why)) == 0, "every recipient passes addr_check()");
		FUZZ_CHECK(addr_domain(sub->rcpts.v[i]) != NULL,
		    "every recipient is qualified");
		for (j = i + 1; j < sub->rcpts.n; j++)
			FUZZ_CHECK(!fuzz_same_addr(sub->rcpts.v[i],
			    sub->rcpts.v[j]), "no recipient twice");
	}
	FUZZ_CHECK(sub->out.size == (off_t)slen, "the size is the spool's");
	for (i = 0; i < sub->out.nskip; i++) {
		FUZZ_CHECK(sub->out.skip[i][0] >= last && sub->out.skip[i][1] > 0 &&
		    sub->out.skip[i][0] + sub->out.skip[i][1] <= sub->out.size,
		    "skip ranges are sorted, disjoint, inside the spool");
		last = sub->out.skip[i][0] + sub->out.skip[i][1];
	}
	if (sub->out.prefixlen > 0) {
		FUZZ_CHECK(sub->out.prefix != NULL && sub->out.prefixlen <=
		    HDR_PREFIXMAX, "the prefix is within its cap");
		FUZZ_CHECK(memchr(sub->out.prefix, '\0', sub->out.prefixlen) == NULL,
		    "no NUL in the prefix");
		FUZZ_CHECK(fuzz_crlf_only(sub->out.prefix, sub->out.prefixlen) &&
		    sub->out.prefixlen >= 2 && memcmp(sub->out.prefix +
		    sub->out.prefixlen - 2, "\r\n", 2) == 0,
		    "the prefix is CRLF lines");
		scan(sub->out.prefix, sub->out.prefixlen, NULL, &nm);
		FUZZ_CHECK(nm.other == 0 && (keepbcc || nm.bcc == 0) &&
		    nm.raw == 0, "the prefix holds only Date, Message-ID, "
		    "From, To and fields sent again encoded, raw 8-bit only "
		    "in addresses");
	} else {
		memset(&nm, 0, sizeof(nm));
		sbuf_init(&nm.sig, 0);
	}
	scan(spool, slen, &sub->out, &sp);
	FUZZ_CHECK(!nm.sig.err && !sp.sig.err && nm.sig.len == sp.sig.len &&
	    (nm.sig.len == 0 || memcmp(nm.sig.p, sp.sig.p, nm.sig.len) == 0),
	    "each Subject, Comments, Keywords, Sender, Reply-To and Cc left "
	    "out is sent again, in order, with the same addresses");
	free(nm.sig.p);
	free(sp.sig.p);
	/* The bytes that go out. */
	if ((wire = malloc(sub->out.prefixlen + slen + 1)) == NULL)
		abort();
	if (sub->out.prefixlen > 0)
		memcpy(wire, sub->out.prefix, sub->out.prefixlen);
	wl = sub->out.prefixlen;
	last = 0;
	for (i = 0; i <= sub->out.nskip; i++) {
		end = i < sub->out.nskip ? sub->out.skip[i][0] : (off_t)slen;
		memcpy(wire + wl, spool + last, (size_t)(end - last));
		wl += (size_t)(end - last);
		if (i < sub->out.nskip)
			last = sub->out.skip[i][0] + sub->out.skip[i][1];
	}
	FUZZ_CHECK(fuzz_crlf_only(wire, wl), "no bare CR or LF goes out");
	scan(wire, wl, NULL, &nm);
	free(nm.sig.p);
	if (!keepbcc)
		FUZZ_CHECK(nm.bcc == 0, "no Bcc field goes out");
	FUZZ_CHECK(nm.date > 0 && nm.msgid > 0 && nm.from > 0,
	    "Date, Message-ID and From go out (added when missing)");
	free(wire);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct submit_req	 req;
	struct submission	*sub;
	struct outcome		 o;
	struct msg		*m;
	char			*sender = NULL, *name = NULL, *rcpt = NULL;
	char			*spool, *rcpts[1];
	const char		*f;
	size_t			 off = 1, flen, slen, i;
	int			 sw, fd;

	if (size < 1)
		return 0;
	sw = data[0];
	memset(&req, 0, sizeof(req));
	if (sw & SW_SENDER) {
		f = fuzz_field(data, size, &off, &flen);
		if ((sender = strndup(f, flen)) == NULL)
			abort();
		req.sender = sender;
	}
	if (sw & SW_NAME) {
		f = fuzz_field(data, size, &off, &flen);
		if ((name = strndup(f, flen)) == NULL)
			abort();
		req.fullname = name;
	}
	if (sw & SW_RCPT) {
		f = fuzz_field(data, size, &off, &flen);
		if ((rcpt = strndup(f, flen)) == NULL)
			abort();
		rcpts[0] = rcpt;
		req.rcpts = rcpts;
		req.nrcpts = 1;
	}
	req.read_rcpts = (sw & SW_READ) != 0;
	req.aliases = sw & SW_ALIASES ? aliases : NULL;

	fd = fuzz_memfd(data + off, size - off);
	memset(&o, 0, sizeof(o));
	m = msg_spool(fd, fuzz_tmpdir(), sw & SW_DOTEND ? NORM_DOTEND : 0, &o);
	close(fd);
	if (m == NULL)
		goto out;
	spool = fuzz_slurp(msg_fd(m), &slen);
	if ((sub = submission_new()) == NULL)
		abort();
	if (submit_prepare(&req, accts[(sw & SW_KEEPBCC ? 1 : 0) |
	    (sw & SW_TO ? 2 : 0)], m, sub, &o) == 0)
		check_ok(sub, spool, slen, (sw & SW_KEEPBCC) != 0);
	else {
		FUZZ_CHECK(o.kind == OUT_DATAERR || o.kind == OUT_USAGE ||
		    o.kind == OUT_CONFIG, "a refusal is 65, 64 or 78");
		FUZZ_CHECK(o.why[0] != '\0', "a refusal says why");
		for (i = 0; o.why[i] != '\0'; i++)
			FUZZ_CHECK((unsigned char)o.why[i] >= 0x20 &&
			    o.why[i] != 0x7f, "a refusal shows no control byte");
	}
	submission_free(sub);
	free(spool);
	msg_free(m);
out:
	free(sender);
	free(name);
	free(rcpt);
	return 0;
}
