#!/usr/bin/env bats
# A server's own rate limit (bote.conf(5), Sending policy), as Postfix's
# anvil enforces it: this file's test Postfix takes 2 messages a minute
# from a client. A queue run of 4 delivers 2; the refusal ("450 4.7.1
# too much mail") closes the session, the rest wait for the account's
# slot (the run waits for a near one and tries again, refused again)
# and stay queued with no attempt counted, never bounced, for a later
# run. No test asserts a time.

[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library testbed.bash

setup_file() {
	export TESTBED_MESSAGE_RATE_LIMIT=2
	export TESTBED_ANVIL_RATE_TIME_UNIT=60s
	testbed_setup_file
}

setup() {
	QDIR=$BATS_TEST_TMPDIR/queue
	CONF=$BATS_TEST_TMPDIR/conf
	bote_conf "$CONF" "queue on" "queue_dir $QDIR"
	maildir_clear
}

mail_with() {
	printf 'From: %s\nTo: rcpt@example.org\nSubject: anvil %s\n' \
	    "$TESTBED_USER" "$1"
	printf 'X-Anvil-Test: %s\n\nbody of %s\n' "$1" "$1"
}

nqueued() {
	find "$QDIR/q" -name '*.ctl' 2>/dev/null | wc -l
}

@test "Postfix's message rate limit: two delivered, the rest kept without an attempt, never bounced" {
	local i
	for i in 1 2 3 4; do
		run "$BOTE" -C "$CONF" -odq -i rcpt@example.org \
		    < <(mail_with "m$i")
		assert_success
	done
	run "$BOTE" -C "$CONF" -q -v
	assert_success
	assert_output --partial "too much mail"
	maildir_wait 2
	[ "$(maildir_count)" -eq 2 ]
	[ "$(nqueued)" -eq 2 ]
	[ -z "$(ls "$QDIR/failed" 2>/dev/null)" ]
	run "$BOTE" -C "$CONF" -bp -v
	refute_output --partial "attempts:     1"
	# Two connections at least: the refusal closed the first one.
	run grep -c "connect from" "$TESTBED_DIR/log/postfix.log"
	[ "$output" -ge 2 ]
}
