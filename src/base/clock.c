/*
 * The one clock and the test hooks (clock.h).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"

#include "base/clock.h"
#include "base/util.h"

time_t
clock_now(void)
{
	const char	*e, *errstr;
	long long	 t;

	if ((e = test_hook("TIME")) != NULL) {
		t = strtonum(e, 0, LLONG_MAX, &errstr);
		if (errstr == NULL)
			return (time_t)t;
	}
	return time(NULL);
}

#if defined(BOTE_TEST_HOOKS) && !defined(BOTE_NO_TEST_HOOKS)
const char *
test_hook(const char *name)
{
	char	var[64];

	if (xsnprintf(var, sizeof(var), "BOTE_TEST_%s", name) == -1)
		return NULL;
	return getenv(var);
}

int
test_hooks_built(void)
{
	return 1;
}
#else
const char *
test_hook(const char *name)
{
	(void)name;
	return NULL;
}

int
test_hooks_built(void)
{
	return 0;
}
#endif
