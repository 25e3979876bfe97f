/*
 * The maildrop envelope (src/queue/dropfile.h), which root reads from a
 * file any local user wrote: dropenv_parse() over the input. An accepted
 * envelope holds only the flags a maildrop file may carry, each value
 * right after its flag, no more than the caps, and no string with a NUL;
 * the message starts after the empty line that ends the envelope.
 */
#include <stdlib.h>
#include <string.h>

#include "queue/dropfile.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dropenv	 env;
	char		*buf;
	size_t		 i, nopts = 0;

	if (size > DROP_HEADMAX)
		return 0;
	if ((buf = malloc(size + 1)) == NULL)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (dropenv_parse(&env, buf, size) == -1) {
		free(buf);
		return 0;
	}
	FUZZ_CHECK(size >= sizeof(DROP_MAGIC) - 1 && memcmp(data, DROP_MAGIC,
	    sizeof(DROP_MAGIC) - 1) == 0, "only a file with the magic line");
	FUZZ_CHECK(env.body_off >= sizeof(DROP_MAGIC) && env.body_off <= size &&
	    data[env.body_off - 1] == '\n' && data[env.body_off - 2] == '\n',
	    "the message starts after an empty line");
	for (i = 0; i < env.nflags; i++) {
		FUZZ_CHECK(env.flags[i] != NULL, "every flag word is set");
		if (dropenv_flag_kept(env.flags[i])) {
			nopts++;
			/* Every flag but -t is followed by its value. */
			if (strcmp(env.flags[i], "-t") != 0) {
				FUZZ_CHECK(i + 1 < env.nflags,
				    "a flag's value follows it");
				i++;
			}
		} else
			FUZZ_CHECK(0, "only kept flags (-t -f -F -N -R -V)");
	}
	FUZZ_CHECK(nopts <= DROP_OPTMAX, "at most DROP_OPTMAX flags");
	FUZZ_CHECK(env.nflags + env.nrcpts <= DROP_ARGMAX,
	    "at most DROP_ARGMAX words");
	for (i = 0; i < env.nrcpts; i++)
		FUZZ_CHECK(env.rcpts[i] != NULL, "every recipient is set");
	dropenv_free(&env);
	free(buf);
	return 0;
}
