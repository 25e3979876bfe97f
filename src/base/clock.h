/*
 * The one clock (DESIGN.md rule 11), and the test hooks.
 *
 * Every wall-clock time bote uses (the Date field, Message-ID, queue
 * ids, ages and backoff, log lines) comes from clock_now(). Deadlines use
 * the monotonic clock (util.h now_ms()) and are not steerable.
 *
 * A build configured with --enable-test-hooks (the test suite's, never a
 * package's) reads BOTE_TEST_<name> variables through test_hook(); in any
 * other build test_hook() returns NULL whatever the environment says, so
 * nothing meant for tests can steer a production binary.
 */
#ifndef BOTE_CLOCK_H
#define BOTE_CLOCK_H

#include <time.h>

/* Seconds since the epoch: BOTE_TEST_TIME in a test build, else time(3). */
time_t		 clock_now(void);

/* BOTE_TEST_<name> in a test build; NULL otherwise or when unset. */
const char	*test_hook(const char *name);

/* Whether this build reads test hooks at all (for --version). */
int		 test_hooks_built(void);

#endif
