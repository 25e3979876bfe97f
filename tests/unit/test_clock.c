/*
 * The one clock and the test hooks (clock.h). Built twice: test_clock
 * with the build's test hooks (the suite's build has them), and
 * test_clock_prod from the same source with BOTE_NO_TEST_HOOKS, which is
 * what a build without --enable-test-hooks compiles: there the
 * environment must not steer the clock or anything else.
 */
#include <stdlib.h>
#include <time.h>

#include "config.h"

#include "base/clock.h"
#include "tap.h"

int
main(void)
{
	time_t	before, got;
	int	hooks;

#if defined(BOTE_TEST_HOOKS) && !defined(BOTE_NO_TEST_HOOKS)
	hooks = 1;
#else
	hooks = 0;
#endif
	is_int(test_hooks_built(), hooks, "test_hooks_built() says what "
	    "was compiled");

	(void)unsetenv("BOTE_TEST_TIME");
	before = time(NULL);
	got = clock_now();
	ok(got >= before && got <= time(NULL), "unset: the real clock");

	(void)setenv("BOTE_TEST_TIME", "1795000000", 1);
	(void)setenv("BOTE_TEST_SYSCONF", "/tmp/x.conf", 1);
	if (hooks) {
		is_int(clock_now(), 1795000000, "BOTE_TEST_TIME sets the "
		    "clock in a test build");
		ok(test_hook("SYSCONF") != NULL, "test_hook reads "
		    "BOTE_TEST_SYSCONF in a test build");
		(void)setenv("BOTE_TEST_TIME", "yesterday", 1);
		got = clock_now();
		ok(got >= before, "a malformed BOTE_TEST_TIME: the real "
		    "clock");
	} else {
		got = clock_now();
		ok(got >= before && got != 1795000000, "BOTE_TEST_TIME is "
		    "ignored in a production build");
		ok(test_hook("SYSCONF") == NULL, "test_hook reads nothing in "
		    "a production build");
		ok(test_hook("TIME") == NULL, "not even BOTE_TEST_TIME");
	}
	done_testing();
}
