/*
 * The maildrop file's envelope (dropfile.h).
 */
#include <stdlib.h>
#include <string.h>

#include "queue/dropfile.h"
#include "queue/queue.h"

/* The flags a maildrop file may carry; all but -t take a value. */
static const char *const kept[] = { "-t", "-f", "-F", "-N", "-R", "-V" };

static int	take_value(char **, const char *);

int
dropenv_flag_kept(const char *flag)
{
	size_t	k;

	for (k = 0; k < sizeof(kept) / sizeof(kept[0]); k++)
		if (strcmp(flag, kept[k]) == 0)
			return 1;
	return 0;
}

/* The unescaped value of v into *out; -1 when it does not decode. */
static int
take_value(char **out, const char *v)
{
	size_t	len;
	char	*x;

	if ((x = queue_unescape(v, strlen(v), &len)) == NULL)
		return -1;
	/* A NUL inside would cut the value short where it is used. */
	if (strlen(x) != len) {
		free(x);
		return -1;
	}
	*out = x;
	return 0;
}

int
dropenv_parse(struct dropenv *env, char *head, size_t n)
{
	char	*p, *nl, *v;
	size_t	 nopts = 0;
	int	 want_val = 0;

	memset(env, 0, sizeof(*env));
	if (n < sizeof(DROP_MAGIC) - 1 || memcmp(head, DROP_MAGIC,
	    sizeof(DROP_MAGIC) - 1) != 0)
		return -1;
	p = head + sizeof(DROP_MAGIC) - 1;
	while ((nl = memchr(p, '\n', n - (size_t)(p - head))) != NULL) {
		if (nl == p) {
			if (want_val)
				break;
			env->body_off = (size_t)(nl + 1 - head);
			return 0;
		}
		*nl = '\0';
		if ((v = strchr(p, ' ')) == NULL)
			break;
		*v++ = '\0';
		if (strcmp(p, "opt") == 0) {
			if (want_val || nopts == DROP_OPTMAX ||
			    !dropenv_flag_kept(v) ||
			    (env->flags[env->nflags] = strdup(v)) == NULL)
				break;
			env->nflags++;
			nopts++;
			want_val = strcmp(v, "-t") != 0;
		} else if (strcmp(p, "val") == 0 && want_val) {
			if (take_value(&env->flags[env->nflags], v) == -1)
				break;
			env->nflags++;
			want_val = 0;
		} else if (strcmp(p, "rcpt") == 0 && !want_val) {
			if (env->nrcpts >= DROP_ARGMAX - env->nflags ||
			    take_value(&env->rcpts[env->nrcpts], v) == -1)
				break;
			env->nrcpts++;
		} else
			break;
		p = nl + 1;
	}
	dropenv_free(env);
	return -1;
}

void
dropenv_free(struct dropenv *env)
{
	size_t	i;

	for (i = 0; i < env->nflags; i++)
		free(env->flags[i]);
	for (i = 0; i < env->nrcpts; i++)
		free(env->rcpts[i]);
	memset(env, 0, sizeof(*env));
}
