/*
 * sanitize() (src/base/util.h): what a peer or a user controls is shown
 * with every control character replaced, C1 included, raw or UTF-8.
 */
#include <string.h>

#include "base/util.h"
#include "tap.h"

static const char *
san(const char *s, size_t len, int allow8, size_t dstsz)
{
	static char	buf[256];

	(void)sanitize(buf, dstsz, s, len, allow8);
	return buf;
}

int
main(void)
{
	char	tiny[4];

	ok(strcmp(san("a\r\nb\tc\x7f", 7, 1, 256), "a??b?c?") == 0,
	    "C0 controls and DEL become ?");
	ok(strcmp(san("caf\xc3\xa9 \xe2\x82\xac", 9, 1, 256),
	    "caf\xc3\xa9 \xe2\x82\xac") == 0, "UTF-8 text stays with allow8");
	ok(strcmp(san("caf\xc3\xa9", 5, 0, 256), "caf??") == 0,
	    "without allow8 every octet >= 0x80 is ?");
	ok(strcmp(san("x\x9b" "31m", 5, 1, 256), "x?31m") == 0,
	    "a raw C1 byte (CSI 0x9b) becomes ?");
	ok(strcmp(san("x\xc2\x9b" "31m", 6, 1, 256), "x?31m") == 0,
	    "a UTF-8 encoded C1 control (U+009B) becomes one ?");
	ok(strcmp(san("\xc2\xa0", 2, 1, 256), "\xc2\xa0") == 0,
	    "U+00A0 is not a control");
	ok(strcmp(san("\xc0\xaf\xed\xa0\x80", 5, 1, 256), "?????") == 0,
	    "overlong forms and surrogates are not UTF-8");
	ok(strcmp(san("\xe2\x82", 2, 1, 256), "??") == 0,
	    "a sequence cut short is not UTF-8");
	is_int(sanitize(tiny, sizeof(tiny), "ab\xe2\x82\xac", 5, 1), -1,
	    "truncation is reported");
	ok(strcmp(tiny, "ab") == 0, "never a sequence cut in two");
	ok(strcmp(san("a\nb", 3, 1, 256), "a?b") == 0,
	    "sanitize: LF is a control");
	(void)sanitize_line(tiny, sizeof(tiny), "\xc2\x9b\nz", 4);
	ok(strcmp(tiny, "?; ") == 0, "sanitize_line: a reply's lines "
	    "joined by \"; \", after a C1 control shown as one ?, cut "
	    "where it fits");
	{
		char	line[64];

		(void)sanitize_line(line, sizeof(line),
		    "250-first\n\xc2\x9b[2J\n250 last", 24);
		ok(strcmp(line, "250-first; ?[2J; 250 last") == 0,
		    "sanitize_line: every LF \"; \", in place");
		ok(sanitize_line(line, 8, "ab\ncd", 5) == 0 &&
		    strcmp(line, "ab; cd") == 0, "sanitize_line: fits exactly");
		ok(sanitize_line(line, 4, "ab\ncd", 5) == -1 &&
		    strcmp(line, "ab") == 0, "sanitize_line: \"; \" is "
		    "never cut in two");
	}
	is_int((int)count8("plain ASCII", 11), 0, "count8: ASCII has none");
	is_int((int)count8("J\xc3\xbcrgen M\xc3\xbcller", 16), 4,
	    "count8: every 8-bit octet counts");
	is_int((int)count8("\xc3\xbc", 1), 1, "count8: only the n octets given");
	done_testing();
}
