/*
 * Reading the sending policy (policy.h). Both values are kept as they
 * were written, so --pretend shows them so, and read here.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "conf/account.h"
#include "conf/policy.h"

int64_t
policy_rate_ms(const char *s)
{
	static const struct {
		const char	*unit;
		int64_t		 ms;
	} units[] = {
		{ "min", 60000 }, { "m", 60000 }, { "minute", 60000 },
		{ "hour", 3600000 }, { "h", 3600000 },
	};
	const char	*slash, *errstr;
	char		 num[16];
	long long	 n;
	size_t		 i, len;

	if (s == NULL || (slash = strchr(s, '/')) == NULL)
		return -1;
	len = (size_t)(slash - s);
	if (len == 0 || len >= sizeof(num))
		return -1;
	memcpy(num, s, len);
	num[len] = '\0';
	n = strtonum(num, 1, RATE_MAX, &errstr);
	if (errstr != NULL)
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(slash + 1, units[i].unit) == 0)
			return units[i].ms / n;
	return -1;
}

int64_t
policy_interval_ms(const struct account *a)
{
	int64_t	ms = policy_rate_ms(a->rate);

	/* 100000/min would be 0 ms: as good as no rate. */
	return ms > 0 ? ms : 0;
}

int
policy_per_session(const struct account *a)
{
	const char	*errstr;
	int		 n;

	if (a->max_per_session == NULL)
		return 0;
	n = (int)strtonum(a->max_per_session, 1, PER_SESSION_MAX, &errstr);
	return errstr == NULL ? n : 0;
}

int
policy_sessions(const struct account *a)
{
	const char	*errstr;
	int		 n;

	if (a->max_sessions == NULL)
		return SESSIONS_DEFAULT;
	n = (int)strtonum(a->max_sessions, 1, SESSIONS_MAX, &errstr);
	return errstr == NULL ? n : 1;
}

int
policy_check(struct conf *c, struct account *a)
{
	const struct conf_origin *o;
	const char	*errstr;
	int		 bad = 0;

	if (a->rate != NULL && policy_rate_ms(a->rate) == -1) {
		o = &a->origin[K_RATE];
		conf_error(c, o->file, o->line, "rate must be a number of "
		    "messages from 1 to %d, a slash and min or hour "
		    "(30/min)", RATE_MAX);
		bad = 1;
	}
	if (a->max_per_session != NULL) {
		(void)strtonum(a->max_per_session, 1, PER_SESSION_MAX,
		    &errstr);
		if (errstr != NULL) {
			o = &a->origin[K_MAX_PER_SESSION];
			conf_error(c, o->file, o->line, "max_per_session must "
			    "be a number of messages from 1 to %d",
			    PER_SESSION_MAX);
			bad = 1;
		}
	}
	if (a->max_sessions != NULL) {
		(void)strtonum(a->max_sessions, 1, SESSIONS_MAX, &errstr);
		if (errstr != NULL) {
			o = &a->origin[K_MAX_SESSIONS];
			conf_error(c, o->file, o->line, "max_sessions must be "
			    "a number of sessions from 1 to %d", SESSIONS_MAX);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}
