#!/usr/bin/env bats
# The TLS session cache: a second run resumes the TLS 1.3 session (no
# certificate exchange, trust store not loaded), entries are private, and
# a change to the verification settings never resumes a session checked
# otherwise. Against the Postfix testbed, which issues session tickets.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library testbed.bash

setup() {
	CONF=$BATS_TEST_TMPDIR/bote.conf
	export XDG_CACHE_HOME=$BATS_TEST_TMPDIR/cache
	CACHE=$XDG_CACHE_HOME/bote/tls
	bote_conf "$CONF"
}

# send [bote args...]: one message with -v.
send() {
	printf 'Subject: cache\n\nbody\n' >"$BATS_TEST_TMPDIR/msg"
	run timeout 20 "$BOTE" -C "$CONF" -v "$@" "$TESTBED_USER" \
		<"$BATS_TEST_TMPDIR/msg"
}

@test "the second run resumes the session; the cache is private" {
	send
	assert_success
	assert_line --regexp '^bote: TLS established: .*ECDSA'
	refute_output --partial '(resumed)'
	[ "$(stat -c %a "$CACHE")" = 700 ]
	[ "$(stat -c %a "$XDG_CACHE_HOME/bote")" = 700 ]
	run find "$CACHE" -type f ! -perm 0600
	assert_output ''
	[ "$(find "$CACHE" -type f | wc -l)" -eq 1 ]
	send
	assert_success
	assert_line --regexp '^bote: TLS established: .*\(resumed\)$'
	send
	assert_success
	assert_output --partial '(resumed)'
}

@test "implicit TLS resumes too, in an entry of its own" {
	send -a tls
	assert_success
	send -a tls
	assert_success
	assert_output --partial '(resumed)'
	send
	assert_success
	refute_output --partial '(resumed)'
	[ "$(find "$CACHE" -type f | wc -l)" -eq 2 ]
}

# LeakSanitizer cannot run under ptrace: no leak checks under strace.
@test "a resumed session loads no trust store" {
	command -v strace >/dev/null || skip "no strace"
	send
	assert_success
	run env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -e trace=open,openat -o "$BATS_TEST_TMPDIR/trace" \
		"$BOTE" -C "$CONF" -v "$TESTBED_USER" <"$BATS_TEST_TMPDIR/msg"
	assert_success
	assert_output --partial '(resumed)'
	run grep -F "$TESTBED_CA" "$BATS_TEST_TMPDIR/trace"
	assert_failure
	# The control: a full handshake does read it.
	rm -rf "$CACHE"
	run env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -e trace=open,openat -o "$BATS_TEST_TMPDIR/trace" \
		"$BOTE" -C "$CONF" -v "$TESTBED_USER" <"$BATS_TEST_TMPDIR/msg"
	assert_success
	refute_output --partial '(resumed)'
	run grep -F "$TESTBED_CA" "$BATS_TEST_TMPDIR/trace"
	assert_success
}

@test "changed verification settings never resume: a new entry, a full check" {
	send
	assert_success
	# Same server, same account, another name checked.
	bote_conf "$CONF" "tls_host_override localhost"
	send
	assert_success
	refute_output --partial '(resumed)'
	# A different trust file (a copy: same content, another file).
	cp "$TESTBED_CA" "$BATS_TEST_TMPDIR/ca.pem"
	bote_conf "$CONF" "tls_trust_file $BATS_TEST_TMPDIR/ca.pem"
	send
	assert_success
	refute_output --partial '(resumed)'
	[ "$(find "$CACHE" -type f | wc -l)" -eq 3 ]
}

@test "a trust file that changes never resumes" {
	cp "$TESTBED_CA" "$BATS_TEST_TMPDIR/ca.pem"
	bote_conf "$CONF" "tls_trust_file $BATS_TEST_TMPDIR/ca.pem"
	send
	assert_success
	# Rewritten in place: same name, new content.
	cat "$TESTBED_CA" "$TESTBED_CA" >"$BATS_TEST_TMPDIR/ca2.pem"
	cat "$BATS_TEST_TMPDIR/ca2.pem" >"$BATS_TEST_TMPDIR/ca.pem"
	send
	assert_success
	refute_output --partial '(resumed)'
}

@test "a cache directory others can read is not used" {
	mkdir -p "$CACHE"
	chmod 0755 "$CACHE"
	send
	assert_success
	send
	assert_success
	refute_output --partial '(resumed)'
	[ "$(find "$CACHE" -type f | wc -l)" -eq 0 ]
}

@test "no cache when neither XDG_CACHE_HOME nor ~/.cache exists" {
	unset XDG_CACHE_HOME
	export HOME=$BATS_TEST_TMPDIR/home
	mkdir -p "$HOME"
	send
	assert_success
	send
	assert_success
	refute_output --partial '(resumed)'
	[ ! -e "$HOME/.cache" ]
}

@test "--serverinfo never resumes: it shows the certificate" {
	send
	assert_success
	run timeout 20 "$BOTE" -C "$CONF" -S
	assert_success
	assert_line --regexp '^  1\. subject: +CN=localhost'
	assert_line --regexp '^Verification: passed'
}
