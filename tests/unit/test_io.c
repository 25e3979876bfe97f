/*
 * The I/O layer wipes what it buffered before the memory goes back to
 * the allocator (DESIGN.md rule 9): the write buffer holds the AUTH line.
 * This program replaces free(3) to look into every block freed, which
 * only works without AddressSanitizer (it has its own allocator).
 */
#include <sys/socket.h>

#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/io.h"
#include "tap.h"

#if defined(__SANITIZE_ADDRESS__)
int
main(void)
{
	ok(1, "# SKIP free(3) cannot be replaced under AddressSanitizer");
	return done_testing();
}
#else
extern void	__libc_free(void *);

static const char secret[] = "AHUAcGFzc3dvcmQ=";
static int	  seen;

void
free(void *p)
{
	if (p != NULL && memmem(p, malloc_usable_size(p), secret,
	    sizeof(secret) - 1) != NULL)
		seen = 1;
	__libc_free(p);
}

int
main(void)
{
	static const char line[] = "AUTH PLAIN AHUAcGFzc3dvcmQ=\r\n";
	struct io	*io;
	int		 sv[2];

	/* The other end only has to take the line in. */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1 ||
	    (io = io_new(sv[0])) == NULL) {
		ok(0, "an io on a socket pair");
		return done_testing();
	}
	ok(io_write(io, line, sizeof(line) - 1, -1) == 0 &&
	    io_flush(io, -1) == 0, "the AUTH line written and flushed");
	io_free(io);
	close(sv[1]);
	ok(!seen, "no freed block still holds the AUTH secret");
	return done_testing();
}
#endif
