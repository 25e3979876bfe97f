#!/usr/bin/env bats
# Several transactions over one session (smtp_open, smtp_tx, smtp_close),
# driven by tests/unit/smtp_multi against the scripted server: the exact
# bytes sent, RSET only after a failed transaction (RFC 5321 4.1.1.5), and
# whether the session stays usable after each kind of failure.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library smtpscript.bash

MULTI=$TOP_BUILDDIR/tests/unit/smtp_multi

setup() {
	S=$BATS_TEST_TMPDIR/script
	MSG=$BATS_TEST_TMPDIR/msg
	printf 'Subject: multi\r\n\r\n.dot line\r\nbody\r\n' >"$MSG"
}

@test "three messages over one session; RSET only after the failed one" {
	cat >"$S" <<-'EOF2'
	send 220 mx.test ESMTP
	expect-alone EHLO client.test
	send 250-mx.test\r\n250-PIPELINING\r\n250 8BITMIME
	expect MAIL FROM:<s@example.org>
	expect RCPT TO:<a@example.net>
	expect DATA
	send 250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go ahead
	expect-data
	send 250 2.0.0 Ok: queued as 1
	expect MAIL FROM:<s@example.org>
	expect RCPT TO:<b@example.net>
	expect DATA
	send 250 2.1.0 Ok\r\n550 5.1.1 <b@example.net>: no such user\r\n554 5.5.1 no valid recipients
	expect RSET
	expect MAIL FROM:<s@example.org>
	expect RCPT TO:<c@example.net>
	expect DATA
	send 250 2.0.0 Ok\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go ahead
	expect-data
	send 250 2.0.0 Ok: queued as 3
	expect QUIT
	EOF2
	script_start "$S"
	run timeout 20 "$MULTI" "$SCRIPT_PORT" "$MSG" s@example.org \
	    a@example.net b@example.net c@example.net
	assert_success
	assert_line "tx 1: rc 0 kind 0 code 250 usable 1"
	assert_line "tx 2: rc -1 kind 1 code 550 usable 1"
	assert_line "tx 3: rc 0 kind 0 code 250 usable 1"
	script_wait || { script_log; fail "the dialogue differed"; }
	local d=$'Subject: multi\r\n\r\n..dot line\r\nbody\r\n.\r\n'
	local m=$'MAIL FROM:<s@example.org>\r\n' q=$'DATA\r\n'
	printf '%s' $'EHLO client.test\r\n' \
	    "$m" $'RCPT TO:<a@example.net>\r\n' "$q" "$d" \
	    "$m" $'RCPT TO:<b@example.net>\r\n' "$q" \
	    $'RSET\r\n' "$m" $'RCPT TO:<c@example.net>\r\n' "$q" "$d" \
	    $'QUIT\r\n' >"$BATS_TEST_TMPDIR/want"
	cmp "$BATS_TEST_TMPDIR/want" "$SCRIPT_RECORD" ||
	    { diff <(cat -A "$BATS_TEST_TMPDIR/want") <(cat -A "$SCRIPT_RECORD"); false; }
}

@test "without PIPELINING each command waits for its reply; RSET too" {
	cat >"$S" <<-'EOF2'
	send 220 mx.test ESMTP
	expect-alone EHLO
	send 250 mx.test
	expect-alone MAIL FROM:<s@example.org>
	send 550 5.7.1 sender refused
	expect-alone RSET
	send 250 2.0.0 Ok
	expect-alone MAIL FROM:<s@example.org>
	send 250 2.1.0 Ok
	expect-alone RCPT TO:<a@example.net>
	send 250 2.1.5 Ok
	expect-alone RCPT TO:<b@example.net>
	send 250 2.1.5 Ok
	expect-alone DATA
	send 354 go ahead
	expect-data
	send 250 2.0.0 Ok: queued
	expect QUIT
	EOF2
	script_start "$S"
	run timeout 20 "$MULTI" "$SCRIPT_PORT" "$MSG" s@example.org \
	    a@example.net a@example.net,b@example.net
	assert_success
	assert_line "tx 1: rc -1 kind 1 code 550 usable 1"
	assert_line "tx 2: rc 0 kind 0 code 250 usable 1"
	script_wait || { script_log; fail "the dialogue differed"; }
}

@test "a 421 leaves the session unusable and nothing more is sent" {
	cat >"$S" <<-'EOF2'
	send 220 mx.test ESMTP
	expect EHLO
	send 250-mx.test\r\n250 PIPELINING
	expect MAIL
	expect RCPT
	expect DATA
	send 421 4.3.2 shutting down
	drop
	EOF2
	script_start "$S"
	run timeout 20 "$MULTI" "$SCRIPT_PORT" "$MSG" s@example.org \
	    a@example.net b@example.net
	assert_success
	assert_line "tx 1: rc -1 kind 1 code 421 usable 0"
	# The second transaction is refused locally (OUT_SOFTWARE).
	assert_line "tx 2: rc -1 kind 15 code 0 usable 0"
	run recorded
	refute_output --partial "b@example.net"
	refute_output --partial "RSET"
}

@test "a lost connection inside DATA leaves the session unusable" {
	cat >"$S" <<-'EOF2'
	send 220 mx.test ESMTP
	expect EHLO
	send 250-mx.test\r\n250 PIPELINING
	expect MAIL
	expect RCPT
	expect DATA
	send 250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go ahead
	expect-data
	drop
	EOF2
	script_start "$S"
	run timeout 20 "$MULTI" "$SCRIPT_PORT" "$MSG" s@example.org \
	    a@example.net b@example.net
	assert_success
	# OUT_MAYBE_SENT: the end-of-data reply never came.
	assert_line "tx 1: rc -1 kind 4 code 0 usable 0"
	assert_line --partial "tx 2: rc -1"
}
