# bats helper: the suite's environment, bats-support and bats-assert, and
# running the bote binary.
#
#   bats_load_library bote.bash
#
# Provides:
#   run_bote [ARG...]    run bote on $MSG with the configuration $CONF,
#                        never for more than 20 s, as
#                        ${BOTE_WRAP[@]} bote -C $CONF ${BOTE_OPTS[@]} \
#                            -i ARG...
#                        Without ARG the one recipient is rcpt@example.net.
#                        A file sets BOTE_OPTS (an array) to options every
#                        run takes (-v), and BOTE_WRAP (an array) to a
#                        command bote runs under (setsid -w: no terminal).
#   fresh_queue          give this test a default queue of its own (root's
#                        BOTE_TEST_SPOOL, another user's XDG_STATE_HOME):
#                        no message or server record (known/) of another
#                        test, so an account is new there (bote.1, EXIT
#                        STATUS: a setup failure is not queued then)
#   traced CMD...        run CMD with LeakSanitizer's checks off, for runs
#                        under strace: LeakSanitizer cannot work under
#                        ptrace (the rest of the suite keeps the checks).
#
# From the suite's environment (Makefile.am), else found from this file's
# place, so a bare "bats tests/x.bats" works too: BOTE (the binary),
# TOP_SRCDIR, TOP_BUILDDIR.

bats_load_library bats-support
bats_load_library bats-assert

: "${TOP_SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR}"
: "${BOTE:=$TOP_BUILDDIR/cli/bote}"
export TOP_SRCDIR TOP_BUILDDIR BOTE

run_bote() {
	[ $# -gt 0 ] || set -- rcpt@example.net
	run timeout 20 "${BOTE_WRAP[@]}" "$BOTE" -C "$CONF" "${BOTE_OPTS[@]}" \
	    -i "$@" <"$MSG"
}

fresh_queue() {
	export BOTE_TEST_SPOOL=$BATS_TEST_TMPDIR/spool
	export XDG_STATE_HOME=$BATS_TEST_TMPDIR/state
}

traced() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$@"
}
