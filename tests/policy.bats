#!/usr/bin/env bats
# The sending policy (bote.conf(5), Sending policy): rate paces an
# account's messages across every bote process, max_per_session opens a
# new connection after so many messages, and a server's rate-limit
# refusal closes the session, slows the account down and never becomes a
# bounce. Against the test Postfix and the scripted server; no test
# asserts a time (the pace is shown by what waits, not by how long).

[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library testbed.bash
bats_load_library smtpscript.bash

setup() {
	QDIR=$BATS_TEST_TMPDIR/queue
	CONF=$BATS_TEST_TMPDIR/conf
	maildir_clear
}

teardown() {
	script_stop
}

mail_with() {
	printf 'From: %s\nTo: rcpt@example.org\nSubject: policy %s\n' \
	    "$TESTBED_USER" "$1"
	printf 'X-Policy-Test: %s\n\nbody of %s\n' "$1" "$1"
}

delivered() {
	grep -l -x "X-Policy-Test: $1" "$TESTBED_MAILDIR"/new/* 2>/dev/null |
	    wc -l
}

nqueued() {
	find "$QDIR/q" -name '*.ctl' 2>/dev/null | wc -l
}

# queue_n N PREFIX: N messages queued for later (-odq), marked PREFIX1..N.
queue_n() {
	local i
	for ((i = 1; i <= $1; i++)); do
		run "$BOTE" -C "$CONF" -odq -i rcpt@example.org \
		    < <(mail_with "$2$i")
		assert_success
	done
	[ "$(nqueued)" -eq "$1" ]
}

@test "rate 1/hour: a queue run sends one message; the next waits for its slot, no attempt counted" {
	bote_conf "$CONF" "queue on" "queue_dir $QDIR" "rate 1/hour"
	queue_n 2 slow
	run "$BOTE" -C "$CONF" -q -v
	assert_success
	assert_output --partial "held back by the account's sending pace"
	assert_output --partial "1 delivered, 1 deferred, 0 given up"
	maildir_wait 1
	[ "$(nqueued)" -eq 1 ]
	run "$BOTE" -C "$CONF" -bp -v
	assert_output --partial "attempts:     0"
	# A direct send now finds the slot an hour away: it is queued.
	run "$BOTE" -C "$CONF" -i rcpt@example.org < <(mail_with direct)
	assert_success
	assert_output --partial "queued as"
	assert_output --partial "sending pace of account default (rate 1/hour"
	[ "$(nqueued)" -eq 2 ]
	[ "$(delivered direct)" -eq 0 ]
}

@test "rate 120/min: a run waits between messages and delivers them all" {
	bote_conf "$CONF" "queue on" "queue_dir $QDIR" "rate 120/min"
	queue_n 3 paced
	run "$BOTE" -C "$CONF" -q
	assert_success
	maildir_wait 3
	[ "$(nqueued)" -eq 0 ]
	[ "$(delivered paced1)" -eq 1 ]
	[ "$(delivered paced3)" -eq 1 ]
}

@test "max_per_session 2: five queued messages go over three connections" {
	bote_conf "$CONF" "queue on" "queue_dir $QDIR" "max_per_session 2"
	queue_n 5 per
	run "$BOTE" -C "$CONF" -q -v
	assert_success
	assert_equal "$(grep -c '^bote: connecting to ' <<<"$output")" 3
	maildir_wait 5
	[ "$(nqueued)" -eq 0 ]
}

@test "rate and max_per_session are checked: a bad value is 78 at its line" {
	bote_conf "$CONF" "rate 30/fortnight"
	run "$BOTE" -C "$CONF" -i rcpt@example.org < <(mail_with bad)
	assert_failure 78
	assert_output --partial "rate must be a number of messages from 1 to 100000, a slash and min or hour"
	bote_conf "$CONF" "max_per_session 0"
	run "$BOTE" -C "$CONF" -i rcpt@example.org < <(mail_with bad)
	assert_failure 78
	assert_output --partial "max_per_session must be a number"
}

# The scripted server as the account: a rate limit at MAIL.
limited() {
	S=$BATS_TEST_TMPDIR/script
	s 'send 220 limited ESMTP' 'expect EHLO' 'send 250 limited' \
	    'expect MAIL' "send $1" 'read-all' >"$S"
	script_start "$S"
	script_conf "$CONF" "tls off" "auth off" "queue on" "queue_dir $QDIR"
}

@test "421 4.7.0 too many messages in a queue run: kept, no attempt counted, never bounced" {
	limited '421 4.7.0 Too many messages, slow down'
	queue_n 1 r421
	run "$BOTE" -C "$CONF" -q -v
	assert_success
	assert_output --partial "421 4.7.0 Too many messages"
	[ "$(nqueued)" -eq 1 ]
	[ -z "$(ls "$QDIR/failed" 2>/dev/null)" ]
	run "$BOTE" -C "$CONF" -bp -v
	assert_output --partial "attempts:     0"
	# The account is paced now: the next try waits for its slot.
	[ -n "$(ls "$QDIR/pace" 2>/dev/null)" ]
}

@test "550 5.4.5 daily sending quota: a direct send queues it instead of failing" {
	limited '550 5.4.5 Daily user sending quota exceeded'
	run "$BOTE" -C "$CONF" -i rcpt@example.org < <(mail_with quota)
	assert_success
	assert_output --partial "queued as"
	assert_output --partial "5.4.5 Daily user sending quota exceeded"
	[ "$(nqueued)" -eq 1 ]
	[ -z "$(ls "$QDIR/failed" 2>/dev/null)" ]
}

@test "with the queue off a 5.4.5 quota keeps its exit status (69), nothing queued" {
	limited '550 5.4.5 Daily user sending quota exceeded'
	sed -i 's/^queue on$/queue off/' "$CONF"
	run "$BOTE" -C "$CONF" -i rcpt@example.org < <(mail_with quotaoff)
	assert_failure 69
	[ "$(nqueued)" -eq 0 ]
}
