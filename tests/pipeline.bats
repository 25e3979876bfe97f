#!/usr/bin/env bats
# Pipelining across transactions (issue 18 point 1; smtp.h, smtp_tx_start):
# a queue run sends the next message's RSET, MAIL, RCPT and BDAT LAST
# without waiting for the replies of the one before. The scripted server
# reads every transaction's commands before it answers any, so a client
# that waited would never finish; then its replies end each message as
# one sent alone would: accepted, refused, or (after a 421, a lost
# connection, replies out of step) not sent, or perhaps sent, never
# reported delivered. One run against the test Postfix shows a real
# server takes it. No test asserts a time.

[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library testbed.bash
bats_load_library smtpscript.bash

setup() {
	S=$BATS_TEST_TMPDIR/script
	CONF=$BATS_TEST_TMPDIR/conf
	QDIR=$BATS_TEST_TMPDIR/queue
}

EHLO_CHUNKING='send 250-pipe.test\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 8BITMIME'
EHLO_DATA='send 250-pipe.test\r\n250-PIPELINING\r\n250 8BITMIME'

# The account, then N messages queued (-odq) to r1@ ... rN@example.net.
queue_n() {
	local i
	script_conf "$CONF" "tls off" "auth off" "queue on" \
	    "queue_dir $QDIR" "timeout 10"
	for ((i = 1; i <= $1; i++)); do
		printf 'From: sender@example.org\nSubject: m%s\n\nbody %s\n' \
		    "$i" "$i" | "$BOTE" -C "$CONF" -odq "r$i@example.net" ||
			fail "queueing m$i failed"
	done
}

# The recipients in the order the run sent them (its RCPT lines).
sent_order() {
	sent_lines | sed -n 's/^RCPT TO:<\(r[0-9]*\)@example.net>.*/\1/p'
}

queued() {
	"$BOTE" -C "$CONF" -bp
}

# The commands of one pipelined transaction as the server reads them; the
# first has no RSET (nothing was in flight before it).
tx_in() {
	[ "$1" = first ] || s 'expect RSET'
	s 'expect MAIL FROM:<sender@example.org>' 'expect RCPT TO:<r' \
	    'expect-chunk'
}

@test "four messages in one window: all commands before any reply, each outcome its own" {
	{
		s 'send 220 pipe.test ESMTP' 'expect EHLO' "$EHLO_CHUNKING"
		tx_in first; tx_in; tx_in; tx_in
		# 1 accepted; 2 RCPT refused for now (450), BDAT then has
		# no recipient; 3 and 4 accepted.
		s 'send 250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.0.0 queued as M1' \
		  'send 250 2.0.0 reset\r\n250 2.1.0 ok\r\n450 4.2.1 mailbox busy, try later\r\n554 5.5.1 no valid recipients' \
		  'send 250 2.0.0 reset\r\n250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.0.0 queued as M3' \
		  'send 250 2.0.0 reset\r\n250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.0.0 queued as M4' \
		  'expect QUIT' 'send 221 bye'
	} >"$S"
	script_start "$S"
	queue_n 4
	run "$BOTE" -C "$CONF" -q -v
	script_wait || { show_record; fail "the dialogue differed"; }
	mapfile -t order < <(sent_order)
	[ "${#order[@]}" -eq 4 ]
	run queued
	# Only the second message waits, with its own refusal.
	assert_output --partial "${order[1]}@example.net"
	assert_output --partial "450 4.2.1 mailbox busy"
	refute_output --partial "${order[0]}@example.net"
	refute_output --partial "${order[2]}@example.net"
	refute_output --partial "${order[3]}@example.net"
	refute_output --partial "may have been delivered"
}

@test "a 421 in mid-window: the message it answered waits; those behind it never left and go again over a new session" {
	{
		s 'send 220 pipe.test ESMTP' 'expect EHLO' "$EHLO_CHUNKING"
		tx_in first; tx_in; tx_in; tx_in
		s 'send 250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.0.0 queued as M1' \
		  'send 250 2.0.0 reset\r\n421 4.3.0 shutting down' 'drop'
	} >"$S"
	script_start "$S"
	queue_n 4
	run "$BOTE" -C "$CONF" -q -v
	script_wait || { show_record; fail "the dialogue differed"; }
	mapfile -t order < <(sent_order)
	[ "${#order[@]}" -eq 4 ]
	run "$BOTE" -C "$CONF" -bp -v
	refute_output --partial "${order[0]}@example.net"
	assert_output --partial "${order[1]}@example.net"
	assert_output --partial "${order[2]}@example.net"
	assert_output --partial "${order[3]}@example.net"
	assert_output --partial "the server answered MAIL with: 421 4.3.0 shutting down"
	# Tried again, the script's server takes one connection only: the
	# new session is refused, and that is their error now.
	run grep -c "last error: .*onnection refused" <<<"$output"
	assert_output 2
	refute_output --partial "may have been delivered"
}

@test "the connection closes in mid-window: the messages the server had whole may have been delivered" {
	{
		s 'send 220 pipe.test ESMTP' 'expect EHLO' "$EHLO_CHUNKING"
		tx_in first; tx_in; tx_in
		# 1 accepted; 2's MAIL and RCPT answered, then the server
		# is gone before answering its BDAT LAST.
		s 'send 250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.0.0 queued as M1' \
		  'send 250 2.0.0 reset\r\n250 2.1.0 ok\r\n250 2.1.5 ok' 'drop'
	} >"$S"
	script_start "$S"
	queue_n 3
	run "$BOTE" -C "$CONF" -q -v
	script_wait || { show_record; fail "the dialogue differed"; }
	mapfile -t order < <(sent_order)
	[ "${#order[@]}" -eq 3 ]
	run "$BOTE" -C "$CONF" -bp -v
	refute_output --partial "${order[0]}@example.net"
	assert_output --partial "${order[1]}@example.net"
	assert_output --partial "${order[2]}@example.net"
	# Both went whole and got no answer: either may be there.
	run grep -c "it may have been delivered already" <<<"$output"
	assert_output 2
}

@test "replies out of step (354 to MAIL): the session ends, nothing after it is reported delivered" {
	{
		s 'send 220 pipe.test ESMTP' 'expect EHLO' "$EHLO_CHUNKING"
		tx_in first; tx_in; tx_in
		s 'send 250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.0.0 queued as M1' \
		  'send 250 2.0.0 reset\r\n354 go ahead\r\n250 2.1.5 ok\r\n250 2.0.0 queued as M2' \
		  'send 250 2.0.0 reset\r\n250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.0.0 queued as M3'
	} >"$S"
	script_start "$S"
	queue_n 3
	run "$BOTE" -C "$CONF" -q -v
	assert_output --partial "the server answered MAIL with 354, which no MAIL is answered with: its replies are out of step with the commands"
	script_wait || true
	mapfile -t order < <(sent_order)
	run queued
	refute_output --partial "${order[0]}@example.net"
	assert_output --partial "${order[1]}@example.net"
	assert_output --partial "${order[2]}@example.net"
	# QUIT is not sent into a dialogue out of step.
	run sent_lines
	refute_line QUIT
}

@test "no CHUNKING: the next MAIL, RCPT and DATA go right behind end-of-data, one wait per message" {
	{
		s 'send 220 pipe.test ESMTP' 'expect EHLO' "$EHLO_DATA"
		s 'expect MAIL' 'expect RCPT' 'expect DATA' \
		  'send 250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go ahead' \
		  'expect-data'
		# The second transaction arrives before end-of-data is
		# answered: a client that waited would stall here.
		s 'expect RSET' 'expect MAIL' 'expect RCPT' 'expect DATA' \
		  'send 250 2.0.0 queued as M1\r\n250 2.0.0 reset\r\n250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go ahead' \
		  'expect-data'
		s 'expect RSET' 'expect MAIL' 'expect RCPT' 'expect DATA' \
		  'send 250 2.0.0 queued as M2\r\n250 2.0.0 reset\r\n250 2.1.0 ok\r\n550 5.1.1 no such user\r\n554 5.5.1 no valid recipients' \
		  'expect QUIT' 'send 221 bye'
	} >"$S"
	script_start "$S"
	queue_n 3
	run "$BOTE" -C "$CONF" -q -v
	script_wait || { show_record; fail "the dialogue differed"; }
	mapfile -t order < <(sent_order)
	[ "${#order[@]}" -eq 3 ]
	# The third was refused for good: failed/, with a bounce tried
	# (the scripted server takes one connection; the bounce fails).
	run queued
	refute_output --partial "${order[0]}@example.net"
	refute_output --partial "${order[1]}@example.net"
	[ -n "$(ls "$QDIR/failed" 2>/dev/null)" ]
	run grep -l "${order[2]}@example.net" "$QDIR"/failed/*
	assert_success
}

@test "a message to several recipients waits for those in flight, then goes all or nothing" {
	{
		s 'send 220 pipe.test ESMTP' 'expect EHLO' "$EHLO_CHUNKING"
		tx_in first
		s 'send 250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.0.0 queued as M1'
		s 'expect MAIL' 'expect RCPT' 'expect-alone RCPT' \
		  'send 250 2.1.0 ok\r\n250 2.1.5 ok\r\n550 5.1.1 no such user' \
		  'expect QUIT' 'send 221 bye'
	} >"$S"
	script_start "$S"
	script_conf "$CONF" "tls off" "auth off" "queue on" \
	    "queue_dir $QDIR" "timeout 10"
	printf 'From: sender@example.org\nSubject: one\n\nbody\n' |
	    "$BOTE" -C "$CONF" -odq r1@example.net
	sleep 1.1	# a later second: queue order is age order
	printf 'From: sender@example.org\nSubject: two\n\nbody\n' |
	    "$BOTE" -C "$CONF" -odq r2@example.net r3@example.net
	run "$BOTE" -C "$CONF" -q -v
	script_wait || { show_record; fail "the dialogue differed"; }
	run sent_lines
	refute_output --partial "BDAT 0"
	run grep -c '^BDAT' <<<"$output"
	assert_output 1
}

@test "the test Postfix: 60 queued messages in one pipelined session, each delivered once" {
	local i n
	bote_conf "$CONF" "queue on" "queue_dir $QDIR"
	maildir_clear
	for ((i = 1; i <= 60; i++)); do
		{
			printf 'From: %s\nTo: rcpt@example.org\n' "$TESTBED_USER"
			printf 'Subject: p%s\nX-Pipe-Test: p%s\n\nbody\n' "$i" "$i"
		} | "$BOTE" -C "$CONF" -odq -i rcpt@example.org ||
			fail "queueing p$i failed"
	done
	run "$BOTE" -C "$CONF" -q
	assert_success
	maildir_wait 60
	[ "$(maildir_count)" -eq 60 ]
	for ((i = 1; i <= 60; i++)); do
		n=$(grep -l -x "X-Pipe-Test: p$i" "$TESTBED_MAILDIR"/new/* | wc -l)
		[ "$n" -eq 1 ] || fail "p$i delivered $n times"
	done
	[ -z "$(find "$QDIR/q" -name '*.ctl')" ]
	# One session carried them all (Postfix's summary of it).
	run grep -E "disconnect from .* mail=60 rcpt=60 bdat=60 rset=59 quit=1" \
	    "$TESTBED_DIR/log/postfix.log"
	assert_success
	# Postfix names a client that pipelines where it must not.
	run grep -c "improper command pipelining" "$TESTBED_DIR/log/postfix.log"
	assert_output 0
}
