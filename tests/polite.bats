#!/usr/bin/env bats
# A polite and truthful client (issue 14, point 7): QUIT whenever the
# session is still in step, a warning when DSN requests cannot be sent,
# an ENVID with spaces, no hang-up after a 354 when a recipient was
# refused, multi-line replies shown readably, long lines broken at blanks
# and never inside a UTF-8 character. The scripted server (tests/fixtures/smtpscript) records what
# bote sent; the testbed's Postfix checks a long UTF-8 line as it is
# delivered.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library bote.bash
bats_load_library testbed.bash
bats_load_library smtpscript.bash

setup() {
	S=$BATS_TEST_TMPDIR/script
	CONF=$BATS_TEST_TMPDIR/bote.conf
	MSG=$BATS_TEST_TMPDIR/msg
	printf '%s\n' 'From: sender@example.org' 'To: rcpt@example.net' \
	    'Subject: polite' '' 'body' >"$MSG"
	CONF_EXTRA=("tls off" "auth off" "queue off")
}

# The last line bote sent, without its CR.
last_sent() {
	sent_lines | tail -n 1
}

# --- QUIT ----------------------------------------------------------------------

@test "STARTTLS required but not offered: 75, and QUIT before closing" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250 8BITMIME' \
	  'expect QUIT' 'send 221 bye' >"$S"
	CONF_EXTRA=("auth off" "queue off")
	start_with_script
	run_bote
	assert_failure 75
	assert_output --partial 'does not offer STARTTLS'
	# Said once: the engine's words and report.c's advice do not repeat.
	[ "$(grep -o 'nothing was sent in clear' <<<"$output" | wc -l)" -eq 1 ]
	run last_sent
	assert_output 'QUIT'
	script_wait
}

@test "STARTTLS refused with 454: 75, and QUIT before closing" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250 STARTTLS' \
	  'expect STARTTLS' 'send 454 4.7.0 TLS not available' \
	  'expect QUIT' 'send 221 bye' >"$S"
	CONF_EXTRA=("auth off" "queue off")
	start_with_script
	run_bote
	assert_failure 75
	assert_output --partial '454 4.7.0 TLS not available'
	run sent_lines
	assert_output "$(printf '%s\n' 'EHLO localhost' 'STARTTLS' 'QUIT')"
	script_wait
}

@test "data after the STARTTLS 220 (injection): no QUIT, nothing more" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250 STARTTLS' \
	  'expect STARTTLS' 'send 220 go ahead\r\n250 injected' \
	  'read-all' >"$S"
	CONF_EXTRA=("auth off" "queue off")
	start_with_script
	run_bote
	assert_failure 76
	run sent_lines
	assert_output "$(printf '%s\n' 'EHLO localhost' 'STARTTLS')"
}

# --- DSN -------------------------------------------------------------------------

@test "DSN asked for but not offered: a warning on stderr and in the log" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250 PIPELINING' \
	  'expect MAIL FROM:<sender@example.org>' 'expect RCPT' \
	  'expect DATA' 'send 250 Ok\r\n250 Ok\r\n354 go' 'expect-data' \
	  'send 250 2.0.0 queued' 'expect QUIT' 'send 221 bye' >"$S"
	CONF_EXTRA+=("logfile $BATS_TEST_TMPDIR/log")
	start_with_script
	run_bote -N failure -V job42 rcpt@example.net
	assert_success
	assert_output --partial 'warning: the server does not offer DSN'
	run cat "$BATS_TEST_TMPDIR/log"
	assert_output --partial "warning='the server does not offer DSN"
}

@test "DSN offered: an ENVID with spaces goes as xtext (+20)" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250-DSN\r\n250 PIPELINING' \
	  'expect MAIL FROM:<sender@example.org> ENVID=job+2042+2Bx' \
	  'expect RCPT' 'expect DATA' 'send 250 Ok\r\n250 Ok\r\n354 go' \
	  'expect-data' 'send 250 2.0.0 queued' 'expect QUIT' \
	  'send 221 bye' >"$S"
	start_with_script
	run_bote -V 'job 42+x' rcpt@example.net
	assert_success
	refute_output --partial 'warning'
	script_wait
}

# --- recipients and DATA -------------------------------------------------------

@test "two recipients, one refused, no CHUNKING: DATA never sent, 67, QUIT" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250 PIPELINING' \
	  'expect MAIL' 'expect RCPT TO:<a@example.net>' \
	  'expect RCPT TO:<b@example.net>' \
	  'send 250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 no such user' \
	  'expect QUIT' 'send 221 bye' >"$S"
	start_with_script
	run_bote a@example.net b@example.net
	assert_failure 67
	assert_output --partial '550 5.1.1 no such user'
	run sent_lines
	refute_line 'DATA'
	script_wait
}

@test "two recipients, both taken: DATA after their replies, message sent" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250 PIPELINING' \
	  'expect MAIL' 'expect RCPT' 'expect-alone RCPT' \
	  'send 250 Ok\r\n250 Ok\r\n250 Ok' \
	  'expect-alone DATA' 'send 354 go' 'expect-data' \
	  'send 250 2.0.0 queued' 'expect QUIT' 'send 221 bye' >"$S"
	start_with_script
	run_bote a@example.net b@example.net
	assert_success
	script_wait
}

# --- replies -------------------------------------------------------------------

@test "a multi-line refusal reads as one line joined with '; '" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250 PIPELINING' \
	  'expect MAIL' 'expect RCPT' 'expect DATA' \
	  'send 550-5.7.1 Relaying denied\r\n550-5.7.1 see https://mx.test/why\r\n550 5.7.1 for this client\r\n503 5.5.1 no valid recipients\r\n503 5.5.1 no valid recipients' \
	  'expect QUIT' 'send 221 bye' >"$S"
	start_with_script
	run_bote
	assert_failure 77
	assert_output --partial '550 5.7.1 Relaying denied; 5.7.1 see https://mx.test/why; 5.7.1 for this client'
	refute_output --partial '?'
}

@test "a multi-line acceptance under -v reads joined with '; '" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250 PIPELINING' \
	  'expect MAIL' 'expect RCPT' 'expect DATA' \
	  'send 250 Ok\r\n250 Ok\r\n354 go' 'expect-data' \
	  'send 250-2.0.0 Ok: queued as ABC\r\n250 2.0.0 have a nice day' \
	  'expect QUIT' 'send 221 bye' >"$S"
	start_with_script
	run_bote -v rcpt@example.net
	assert_success
	assert_output --partial 'queued as ABC; 2.0.0 have a nice day'
}

# --- long lines ----------------------------------------------------------------

@test "a 2000-octet line of words is broken at a blank, nothing added" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250 PIPELINING' \
	  'expect MAIL' 'expect RCPT' 'expect DATA' \
	  'send 250 Ok\r\n250 Ok\r\n354 go' 'expect-data' \
	  'send 250 2.0.0 queued' 'expect QUIT' 'send 221 bye' >"$S"
	{
		printf 'From: sender@example.org\nSubject: words\n\n'
		for i in $(seq 1 400); do printf 'word '; done
		printf 'end\n'
	} >"$MSG"
	start_with_script
	run_bote
	assert_success
	assert_output --partial 'warning: 1 line longer than 998 octets'
	# Every line fits, and the words are all there, in order.
	run awk 'length($0) > 999' < <(recorded | tr -d '\r')
	assert_output ''
	run bash -c "tr -d '\\r\\n' <'$SCRIPT_RECORD' | grep -o 'word ' | wc -l"
	assert_output 400
	# Broken before a blank: the continuation starts with it.
	run bash -c "tr -d '\\r' <'$SCRIPT_RECORD' | grep -c '^ word'"
	assert_output 2
}

@test "Postfix: a 2000-octet UTF-8 line arrives as whole characters" {
	local e i
	e=$(printf '\xc3\xa9')
	{
		printf 'From: sender@example.org\nTo: rcpt@example.org\n'
		printf 'Subject: utf8 long\nContent-Type: text/plain; charset=utf-8\n\n'
		for i in $(seq 1 1000); do printf '%s' "$e"; done
		printf '\n'
	} >"$MSG"
	bote_conf "$CONF"
	maildir_clear
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	maildir_wait 1
	# Every line of the delivered body is valid UTF-8, and all 1000
	# characters are there.
	run python3 -c '
import sys
d = open(sys.argv[1], "rb").read().replace(b"\r\n", b"\n")
body = d.split(b"\n\n", 1)[1]
for l in body.splitlines():
    l.decode("utf-8")
print(body.decode("utf-8").count("\u00e9"))
' "$(maildir_last_file)"
	assert_success
	assert_output 1000
}
