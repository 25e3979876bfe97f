/*
 * Shared helpers of the libFuzzer targets (tests/fuzz/README). A target
 * checks invariants, not only that nothing crashed: a broken invariant
 * prints what was expected and aborts, so that libFuzzer keeps the input
 * as a crash artifact like any sanitizer report.
 */
#ifndef BOTE_FUZZ_H
#define BOTE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

/* Abort with the failed condition unless cond holds. */
#define FUZZ_CHECK(cond, what)						\
	do {								\
		if (!(cond))						\
			fuzz_fail(__FILE__, __LINE__, #cond, (what));	\
	} while (0)

void	fuzz_fail(const char *file, int line, const char *cond,
	    const char *what) __attribute__((noreturn));

/*
 * A new anonymous file holding data[0..len), offset 0: what msg_spool()
 * reads as standard input and hdr_scan() reads as a spool file. Aborts
 * when it cannot be made (that is the harness failing, not bote).
 */
int	fuzz_memfd(const void *data, size_t len);

/* All of fd from offset 0, malloc'd (NUL added, not counted). */
char	*fuzz_slurp(int fd, size_t *len);

/* A private directory for spool files, made once per process. */
const char *fuzz_tmpdir(void);

/*
 * The next '\n'-ended field of data[*off..len) (the '\n' not included;
 * the rest when there is none), for targets that take a few lines of
 * parameters in front of the input proper.
 */
const char *fuzz_field(const uint8_t *data, size_t len, size_t *off,
	    size_t *flen);

/* Whether s[0..len) holds a byte below 0x20 or 0x7f. */
int	fuzz_has_ctl(const char *s, size_t len);

/* Whether every CR in s[0..len) is followed by LF and every LF preceded
 * by CR (the spool form, and all that may reach the wire). */
int	fuzz_crlf_only(const char *s, size_t len);

/*
 * Whether invariant tag is listed in FUZZ_KNOWN (blank-separated): a
 * known engine bug that tests/fuzz/run stops checking, and says so, so
 * that it does not hide new findings (tests/fuzz/known).
 */
int	fuzz_known(const char *tag);

/*
 * Whether two addresses are the same mailbox: the local part exactly,
 * the domain in any case (as addrlist_dedup() sees them).
 */
int	fuzz_same_addr(const char *a, const char *b);

#endif
