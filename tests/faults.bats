#!/usr/bin/env bats
# Fault tests: bote against a scripted SMTP server (tests/fixtures/smtpscript)
# that plays one canned dialogue and records every byte bote sent.  Each test
# checks the exit status from the contract in DESIGN.md ("Exit status") and,
# on the record, what must NOT have been sent: nothing but EHLO/STARTTLS
# before TLS, no AUTH or MAIL after a failure before them, no message body
# and no end-of-data after a rejection.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library bote.bash
bats_load_library smtpscript.bash

setup() {
	S=$BATS_TEST_TMPDIR/script
	CONF=$BATS_TEST_TMPDIR/bote.conf
	MSG=$BATS_TEST_TMPDIR/msg
	# LF line endings, a leading dot and a lone dot (kept by -i): on the
	# wire they must become CRLF, "..leading dot" and "..".
	printf '%s\n' \
		'From: sender@example.org' \
		'To: rcpt@example.net' \
		'Subject: bote fault test' \
		'' \
		'BODY-MARKER first line' \
		'.leading dot' \
		'.' \
		'last line' >"$MSG"
}

# --- script fragments: each argument is one script line ----------------------

greet() {
	s 'send 220 mx.test ESMTP smtpscript'
}

# First EHLO: what a Postfix submission port offers before TLS.
ehlo_plain() {
	s 'expect EHLO' \
	  'send 250-mx.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME'
}

starttls_ok() {
	s 'expect STARTTLS' \
	  'send 220 2.0.0 Ready to start TLS' \
	  'starttls'
}

# EHLO after TLS, offering AUTH PLAIN only so that the dialogue is fixed.
ehlo_tls() {
	s 'expect EHLO' \
	  'send 250-mx.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-AUTH PLAIN\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME'
}

auth_ok() {
	s 'expect AUTH PLAIN' \
	  'send 235 2.7.0 Authentication successful'
}

# Up to the point where bote sends MAIL.
prelude() {
	greet
	ehlo_plain
	starttls_ok
	ehlo_tls
	auth_ok
}

mail_ok() {
	s 'expect MAIL FROM:<sender@example.org>' 'send 250 2.1.0 Ok'
}

rcpt_ok() {
	s 'expect RCPT TO:<' 'send 250 2.1.5 Ok'
}

data_ok() {
	s 'expect DATA' 'send 354 End data with <CR><LF>.<CR><LF>'
}

# --- running bote and checking the record -----------------------------------

# assert_sent ERE / refute_sent ERE: a line of the record matches (or not),
# case-insensitively.
assert_sent() {
	if ! sent_lines | grep -a -q -i -E -- "$1"; then
		show_record
		fail "bote did not send a line matching: $1"
	fi
}

refute_sent() {
	if sent_lines | grep -a -q -i -E -- "$1"; then
		show_record
		fail "bote sent a line matching: $1"
	fi
}

# Before the TLS handshake completed, only EHLO, STARTTLS (and a QUIT
# after a failure) may be sent: never AUTH, MAIL, RCPT or message data.
assert_clean_before_tls() {
	local bad
	script_wait || true
	bad=$(sed '/^<<TLS>>$/,$d' "$SCRIPT_RECORD" | tr -d '\r' |
		grep -a -v -E -i '^(EHLO|HELO|STARTTLS|QUIT|RSET)( |$)' |
		grep -a -v -x '<<TLS-FAILED>>' || true)
	if [ -n "$bad" ]; then
		show_record
		fail "sent before TLS: $bad"
	fi
}

# No part of the message left bote, and no end-of-data.
refute_message_sent() {
	refute_sent 'BODY-MARKER'
	refute_sent '^Subject: bote fault test'
	refute_sent '^\.$'
}

# assert_sent_last LINE: LINE was the last thing bote sent (markers aside).
assert_sent_last() {
	local last
	script_wait || true
	last=$(grep -a -v -E '^<<TLS(-FAILED)?>>$' "$SCRIPT_RECORD" | tail -n 1)
	if [ "$last" != "$1"$'\r' ]; then
		show_record
		fail "expected '$1' to be the last line sent"
	fi
	# And nothing after its line end (a partial line has no LF).
	if [ -n "$(tail -c 1 "$SCRIPT_RECORD" | tr -d '\n')" ]; then
		show_record
		fail "bytes sent after '$1'"
	fi
}

# A port where nothing listens.
free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- greeting ---------------------------------------------------------------

@test "greeting 421 then close: 75, no EHLO" {
	s 'send 421 4.3.2 mx.test Service not available, closing channel' \
	  'drop' >"$S"
	start_with_script
	run_bote
	assert_failure 75
	assert_output --partial '421'
	refute_sent '^(EHLO|HELO)'
	refute_sent '^(AUTH|MAIL|RCPT|DATA)'
}

@test "greeting 450 4.3.2: 75, no EHLO" {
	s 'send 450 4.3.2 mx.test Try again later' >"$S"
	start_with_script
	run_bote
	assert_failure 75
	refute_sent '^(EHLO|HELO)'
	refute_sent '^(AUTH|MAIL|RCPT|DATA)'
}

@test "greeting 554 5.7.1: 77, no EHLO" {
	s 'send 554 5.7.1 mx.test Client host blocked' >"$S"
	start_with_script
	run_bote
	assert_failure 77
	assert_output --partial '554'
	assert_output --partial '5.7.1'
	assert_output --partial 'Client host blocked'
	refute_sent '^(EHLO|HELO)'
	refute_sent '^(AUTH|MAIL|RCPT|DATA)'
}

@test "greeting 554 without enhanced code: 69, no EHLO" {
	s 'send 554 mx.test No SMTP service here' >"$S"
	start_with_script
	run_bote
	assert_failure 69
	refute_sent '^(EHLO|HELO)'
	refute_sent '^(AUTH|MAIL|RCPT|DATA)'
}

# --- EHLO -------------------------------------------------------------------
# A client that falls back to HELO gets the same answer.

@test "EHLO 451 4.3.0: 75, nothing more" {
	{
		greet
		s 'expect EHLO' 'send 451 4.3.0 Temporary EHLO failure' \
		  'expect HELO' 'send 451 4.3.0 Temporary HELO failure'
	} >"$S"
	start_with_script
	run_bote
	assert_failure 75
	refute_sent '^(STARTTLS|AUTH|MAIL|RCPT|DATA)'
}

@test "EHLO 550 5.7.1: 77, nothing more" {
	{
		greet
		s 'expect EHLO' 'send 550 5.7.1 Client host rejected: Access denied' \
		  'expect HELO' 'send 550 5.7.1 Client host rejected: Access denied'
	} >"$S"
	start_with_script
	run_bote
	assert_failure 77
	refute_sent '^(STARTTLS|AUTH|MAIL|RCPT|DATA)'
}

# --- STARTTLS ---------------------------------------------------------------

@test "STARTTLS not offered: 75, no AUTH, no MAIL" {
	{
		greet
		s 'expect EHLO' \
		  'send 250-mx.test\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME'
	} >"$S"
	start_with_script
	run_bote
	assert_failure 75
	refute_sent '^(AUTH|MAIL|RCPT|DATA)'
	refute_message_sent
	assert_clean_before_tls
}

@test "STARTTLS answered 454 4.7.0: 75, no AUTH, no MAIL" {
	{
		greet
		ehlo_plain
		s 'expect STARTTLS' 'send 454 4.7.0 TLS not available due to local problem'
	} >"$S"
	start_with_script
	run_bote
	assert_failure 75
	assert_output --partial '454'
	refute_sent '^(AUTH|MAIL|RCPT|DATA)'
	assert_clean_before_tls
}

@test "STARTTLS answered 502 5.5.1: 75 (TLS rule wins over 5.5.x)" {
	{
		greet
		ehlo_plain
		s 'expect STARTTLS' 'send 502 5.5.1 Error: command not implemented'
	} >"$S"
	start_with_script
	run_bote
	assert_failure 75
	refute_sent '^(AUTH|MAIL|RCPT|DATA)'
	assert_clean_before_tls
}

@test "STARTTLS 220 with injected bytes after it: 76, no handshake, nothing more" {
	# The classic STARTTLS command injection (CVE-2011-0411 on the client
	# side): a "250 injected" that a careless client would read after TLS.
	{
		greet
		ehlo_plain
		s 'expect STARTTLS' 'send 220 go ahead\r\n250 injected'
	} >"$S"
	start_with_script
	run_bote
	assert_failure 76
	refute_sent '^<<TLS'
	# No ClientHello and no command: STARTTLS was the last byte sent.
	assert_sent_last 'STARTTLS'
}

@test "a TLS alert for the ClientHello: 75, the alert named, nothing sent after it" {
	# RFC 8446 6: a fatal (2) internal_error (80) alert record, as a
	# server with a broken TLS setup sends it.
	{
		greet
		ehlo_plain
		s 'expect STARTTLS' 'send 220 2.0.0 Ready to start TLS' \
		  'sleep 0.5' 'sendraw \x15\x03\x03\x00\x02\x02\x50' 'drop'
	} >"$S"
	start_with_script
	run_bote
	assert_failure 75
	assert_output --partial 'the server sent TLS alert internal_error (80)'
	# After STARTTLS only the ClientHello (raw in the record: the script
	# never started TLS), no command.
	refute_sent '^(AUTH|MAIL|RCPT|DATA)'
	[ "$(sent_lines | grep -a -c '^EHLO')" -eq 1 ]
}

@test "untrusted certificate: 78 (a setup failure, queue off), nothing sent after the handshake attempt" {
	{
		greet
		ehlo_plain
		starttls_ok
		ehlo_tls
		auth_ok
	} >"$S"
	start_with_script --tls-cert untrusted
	run_bote
	assert_failure 78
	assert_sent_last 'STARTTLS'
	refute_sent '^(AUTH|MAIL)'
	assert_clean_before_tls
}

@test "certificate for the wrong name: 78 (a setup failure, queue off), nothing sent after the handshake attempt" {
	{
		greet
		ehlo_plain
		starttls_ok
		ehlo_tls
		auth_ok
	} >"$S"
	start_with_script --tls-cert wrongname
	run_bote
	assert_failure 78
	assert_sent_last 'STARTTLS'
	refute_sent '^(AUTH|MAIL)'
	assert_clean_before_tls
}

# --- AUTH -------------------------------------------------------------------

@test "AUTH offered before TLS only: 69, no AUTH sent" {
	# Pre-TLS capabilities must be forgotten after STARTTLS.
	{
		greet
		s 'expect EHLO' \
		  'send 250-mx.test\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250-STARTTLS\r\n250 8BITMIME'
		starttls_ok
		s 'expect EHLO' \
		  'send 250-mx.test\r\n250-PIPELINING\r\n250 8BITMIME'
	} >"$S"
	start_with_script
	run_bote
	assert_failure 69
	refute_sent '^(AUTH|MAIL|RCPT|DATA)'
	assert_clean_before_tls
}

# With PIPELINING, AUTH PLAIN with its initial response shares a group with
# MAIL, RCPT and DATA (RFC 4954 4 allows it): the script answers the rest
# the way Postfix does for a client that is not authenticated. The message
# itself must never leave, and the AUTH reply is the cause reported.
auth_refused_pipelined() {
	greet; ehlo_plain; starttls_ok; ehlo_tls
	s 'expect AUTH PLAIN' 'expect MAIL' 'expect RCPT' 'expect DATA' \
	  "send $1" 'send 250 2.1.0 Ok' \
	  'send 554 5.7.1 <rcpt@example.net>: Relay access denied' \
	  'send 554 5.5.1 Error: no valid recipients'
}

# The same without PIPELINING: nothing may follow the refused AUTH.
auth_refused_alone() {
	greet; ehlo_plain; starttls_ok
	s 'expect EHLO' \
	  'send 250-mx.test\r\n250-SIZE 10240000\r\n250-AUTH PLAIN\r\n250 8BITMIME' \
	  'expect-alone AUTH PLAIN' "send $1"
}

@test "AUTH 454 4.7.0: 75, no message" {
	auth_refused_pipelined '454 4.7.0 Temporary authentication failure' >"$S"
	start_with_script
	run_bote
	assert_failure 75
	assert_output --partial '454'
	refute_message_sent
	assert_clean_before_tls
}

@test "AUTH 535 5.7.8: 77, no message, server text on stderr" {
	auth_refused_pipelined '535 5.7.8 Error: authentication failed: bad credentials' >"$S"
	start_with_script
	run_bote
	assert_failure 77
	assert_output --partial '535'
	assert_output --partial '5.7.8'
	assert_output --partial 'authentication failed: bad credentials'
	refute_output --partial 'AHUAcA=='
	refute_message_sent
	assert_clean_before_tls
}

@test "AUTH 535 without enhanced code: 77" {
	auth_refused_pipelined '535 Authentication credentials invalid' >"$S"
	start_with_script
	run_bote
	assert_failure 77
	refute_message_sent
}

@test "without PIPELINING: AUTH 454 4.7.0: 75, no MAIL" {
	auth_refused_alone '454 4.7.0 Temporary authentication failure' >"$S"
	start_with_script
	run_bote
	assert_failure 75
	refute_sent '^(MAIL|RCPT|DATA)'
	assert_clean_before_tls
}

@test "without PIPELINING: AUTH 535 5.7.8: 77, no MAIL" {
	auth_refused_alone '535 5.7.8 Error: authentication failed' >"$S"
	start_with_script
	run_bote
	assert_failure 77
	assert_output --partial '535 5.7.8'
	refute_sent '^(MAIL|RCPT|DATA)'
	assert_clean_before_tls
}

# --- MAIL -------------------------------------------------------------------
# With PIPELINING bote may send MAIL, RCPT and DATA in one write; the script
# answers every command the way Postfix does after a failed MAIL.

mail_rejected() {
	prelude
	s 'expect MAIL' "send $1" \
	  'expect RCPT' 'send 503 5.5.1 Error: need MAIL command' \
	  'expect DATA' 'send 503 5.5.1 Error: need RCPT command'
}

@test "MAIL 451 4.3.0: 75, no message" {
	mail_rejected '451 4.3.0 Error: queue file write error' >"$S"
	start_with_script
	run_bote
	assert_failure 75
	assert_output --partial '451'
	refute_message_sent
	assert_clean_before_tls
}

@test "MAIL 550 5.7.1: 77, no message" {
	mail_rejected '550 5.7.1 <sender@example.org>: Sender address rejected: not owned by user u' >"$S"
	start_with_script
	run_bote
	assert_failure 77
	refute_message_sent
}

@test "MAIL 501 without enhanced code: 65, no message" {
	mail_rejected '501 Bad sender address syntax' >"$S"
	start_with_script
	run_bote
	assert_failure 65
	refute_message_sent
}

@test "MAIL 421 mid-session then close: 75, no message" {
	{
		prelude
		# The sleep drains what bote pipelined, so that the close is a
		# FIN and not an RST that could discard the 421 unread.
		s 'expect MAIL' 'send 421 4.4.2 mx.test Error: timeout exceeded' \
		  'sleep 0.3' 'drop'
	} >"$S"
	start_with_script
	run_bote
	assert_failure 75
	assert_output --partial '421'
	refute_message_sent
}

# --- RCPT -------------------------------------------------------------------

# rcpt_rejected REPLY: one recipient, rejected; the pipelined DATA is
# answered as Postfix answers it when no recipient was accepted.
rcpt_rejected() {
	prelude
	mail_ok
	s 'expect RCPT' "send $1" \
	  'expect DATA' 'send 554 5.5.1 Error: no valid recipients'
}

@test "RCPT 450 4.2.0: 75, no message" {
	rcpt_rejected '450 4.2.0 <rcpt@example.net>: Recipient address rejected: Greylisted' >"$S"
	start_with_script
	run_bote
	assert_failure 75
	refute_message_sent
}

@test "RCPT 550 5.1.1: 67, stderr has code, enhanced status and text" {
	rcpt_rejected '550 5.1.1 <rcpt@example.net>: Recipient address rejected: User unknown' >"$S"
	start_with_script
	run_bote
	assert_failure 67
	assert_output --partial '550'
	assert_output --partial '5.1.1'
	assert_output --partial 'Recipient address rejected: User unknown'
	refute_message_sent
}

@test "RCPT 550 without enhanced code: 67" {
	rcpt_rejected '550 No such user here' >"$S"
	start_with_script
	run_bote
	assert_failure 67
	refute_message_sent
}

@test "RCPT 550 5.1.2: 68" {
	rcpt_rejected '550 5.1.2 <rcpt@example.net>: Recipient address rejected: Domain not found' >"$S"
	start_with_script
	run_bote
	assert_failure 68
	refute_message_sent
}

@test "RCPT 553 5.1.3: 65" {
	rcpt_rejected '553 5.1.3 <rcpt@example.net>: Bad recipient address syntax' >"$S"
	start_with_script
	run_bote
	assert_failure 65
	refute_message_sent
}

@test "reply text with control bytes is shown with ?" {
	rcpt_rejected '550 5.1.1 <rcpt@example.net>: no such user\x1b[2J\x07 here' >"$S"
	start_with_script
	run_bote
	assert_failure 67
	assert_output --partial 'no such user?[2J? here'
	refute_output --partial $'\x1b'
	refute_output --partial $'\x07'
}

@test "second of two recipients 550 5.1.1: 67, no DATA, then QUIT" {
	{
		prelude
		mail_ok
		s 'expect RCPT TO:<a@example.net>' 'send 250 2.1.5 Ok' \
		  'expect RCPT TO:<b@example.net>' \
		  'send 550 5.1.1 <b@example.net>: Recipient address rejected: User unknown' \
		  'expect QUIT' 'send 221 bye'
	} >"$S"
	start_with_script
	run_bote a@example.net b@example.net
	assert_failure 67
	assert_output --partial '5.1.1'
	refute_message_sent
	# All or nothing: the RCPT replies come before DATA, so the server
	# never says 354 to a transaction bote then abandons.
	refute_sent '^DATA'
	assert_sent_last 'QUIT'
}

@test "rejected recipient without PIPELINING: 67, no DATA" {
	{
		greet
		s 'expect EHLO' \
		  'send 250-mx.test\r\n250-STARTTLS\r\n250 8BITMIME'
		starttls_ok
		s 'expect EHLO' 'send 250-mx.test\r\n250-AUTH PLAIN\r\n250 8BITMIME'
		auth_ok
		mail_ok
		s 'expect RCPT TO:<a@example.net>' 'send 250 2.1.5 Ok' \
		  'expect RCPT TO:<b@example.net>' \
		  'send 550 5.1.1 <b@example.net>: Recipient address rejected: User unknown'
	} >"$S"
	start_with_script
	run_bote a@example.net b@example.net
	assert_failure 67
	refute_sent '^DATA'
	refute_message_sent
}

@test "RCPT 552 after an accepted recipient: 75, no message" {
	# RFC 5321 4.5.3.1.10: 552 "too many recipients" is temporary.
	{
		prelude
		mail_ok
		s 'expect RCPT TO:<a@example.net>' 'send 250 2.1.5 Ok' \
		  'expect RCPT TO:<b@example.net>' 'send 552 Too many recipients'
		data_ok
	} >"$S"
	start_with_script
	run_bote a@example.net b@example.net
	assert_failure 75
	refute_message_sent
}

# --- DATA -------------------------------------------------------------------

@test "DATA 451 4.3.0: 75, no message" {
	{
		prelude; mail_ok; rcpt_ok
		s 'expect DATA' 'send 451 4.3.0 Error: queue file write error'
	} >"$S"
	start_with_script
	run_bote
	assert_failure 75
	refute_message_sent
}

@test "DATA 554 without enhanced code: 69, no message" {
	{
		prelude; mail_ok; rcpt_ok
		s 'expect DATA' 'send 554 Transaction failed'
	} >"$S"
	start_with_script
	run_bote
	assert_failure 69
	refute_message_sent
}

# --- end of data ------------------------------------------------------------

end_of_data() {
	prelude; mail_ok; rcpt_ok; data_ok
	s 'expect-data' "send $1"
}

@test "end-of-data 451 4.3.0: 75" {
	end_of_data '451 4.3.0 Error: queue file write error' >"$S"
	start_with_script
	run_bote
	assert_failure 75
	assert_output --partial '451'
	assert_clean_before_tls
}

@test "end-of-data 554 5.6.0: 65" {
	end_of_data '554 5.6.0 Error: message content rejected' >"$S"
	start_with_script
	run_bote
	assert_failure 65
	assert_output --partial '5.6.0'
}

@test "end-of-data 552 5.3.4: 69" {
	end_of_data '552 5.3.4 Error: message file too big' >"$S"
	start_with_script
	run_bote
	assert_failure 69
}

@test "connection lost after end-of-data: 75 and a may-have-been-delivered warning" {
	{
		prelude; mail_ok; rcpt_ok; data_ok
		s 'expect-data' 'drop'
	} >"$S"
	start_with_script
	run_bote
	assert_failure 75
	assert_output --regexp '[Mm]ay have been delivered'
	assert_sent '^\.$'
}

# --- lost connections and deadlines -----------------------------------------

@test "connection refused: 75" {
	SCRIPT_PORT=$(free_port) script_conf "$CONF"
	run_bote
	assert_failure 75
}

@test "connection dropped mid-session (at MAIL): 75, no delivery warning" {
	{
		prelude
		s 'expect MAIL' 'drop'
	} >"$S"
	start_with_script
	run_bote
	assert_failure 75
	refute_output --regexp '[Mm]ay have been delivered'
	assert_clean_before_tls
}

@test "connection reset mid-session (at RCPT): 75" {
	{
		prelude; mail_ok
		s 'expect RCPT' 'reset'
	} >"$S"
	start_with_script
	run_bote
	assert_failure 75
	refute_message_sent
}

@test "server never sends a greeting: 75 once the deadline passes" {
	s 'hang' >"$S"
	CONF_EXTRA=("timeout 1")
	start_with_script
	run_bote
	# 124 would mean timeout(1) had to kill it.
	assert_failure 75
	refute_sent '^(EHLO|HELO)'
}

@test "greeting dripped one byte per 0.2 s past the deadline: 75" {
	# 120 bytes take 24 s: a per-read timeout never fires, a per-reply
	# deadline of 1 s does, and timeout(1) stops a client after 20 s.
	s 'drip-delay 0.2' 'drip 220 mx.test ESMTP \{100}x' >"$S"
	CONF_EXTRA=("timeout 1")
	start_with_script
	run_bote
	assert_failure 75
	refute_sent '^(EHLO|HELO)'
}

# --- malformed replies ------------------------------------------------------

@test "short reply '25' as greeting: 76" {
	s 'send 25' >"$S"
	start_with_script
	run_bote
	assert_failure 76
	refute_sent '^(EHLO|HELO)'
}

@test "bad code 'abc hello' as greeting: 76" {
	s 'send abc hello' >"$S"
	start_with_script
	run_bote
	assert_failure 76
	refute_sent '^(EHLO|HELO)'
}

@test "overlong (5000 bytes) EHLO reply line: 76" {
	{
		greet
		s 'expect EHLO' \
		  'send 250-mx.test\r\n250-\{4996}x\r\n250-STARTTLS\r\n250 8BITMIME'
	} >"$S"
	start_with_script
	run_bote
	assert_failure 76
	refute_sent '^(STARTTLS|AUTH|MAIL)'
}

@test "bad code '999 x' to MAIL: 76, no message" {
	{
		prelude
		s 'expect MAIL' 'send 999 x' \
		  'expect RCPT' 'send 250 2.1.5 Ok' \
		  'expect DATA' 'send 354 go ahead'
	} >"$S"
	start_with_script
	run_bote
	assert_failure 76
	refute_message_sent
}

@test "a reply when none is due (extra line after the greeting): 76" {
	s 'send 220 mx.test ESMTP\r\n250 unsolicited' >"$S"
	start_with_script
	run_bote
	assert_failure 76
	refute_sent '^(STARTTLS|AUTH|MAIL)'
}

# --- sessions that succeed --------------------------------------------------

@test "successful STARTTLS session with PIPELINING: 0, full dialogue" {
	{
		prelude; mail_ok; rcpt_ok; data_ok
		s 'expect-data' 'send 250 2.0.0 Ok: queued as 4Xy1Zq' \
		  'expect QUIT' 'send 221 2.0.0 Bye'
	} >"$S"
	start_with_script
	run_bote
	assert_success
	assert_clean_before_tls
	script_wait || { show_record; fail "the dialogue differed from the script"; }
	# Exactly EHLO and STARTTLS in clear, then everything under TLS.
	run sed -n '1,/^<<TLS>>$/p' "$SCRIPT_RECORD"
	assert_output $'EHLO localhost\r\nSTARTTLS\r\n<<TLS>>'
	assert_sent '^AUTH PLAIN AHUAcA==$'
	assert_sent '^MAIL FROM:<sender@example.org>'
	assert_sent '^RCPT TO:<rcpt@example.net>$'
	assert_sent '^DATA$'
	run cat "$SCRIPT_RECORD"
	# CRLF on the wire, dot-stuffing (first character of a line, lone dot
	# included), one end-of-data, then QUIT.
	assert_output --partial $'\r\nBODY-MARKER first line\r\n..leading dot\r\n..\r\nlast line\r\n.\r\nQUIT\r'
	refute_output --partial $'\n\n'
	assert_sent_last 'QUIT'
}

@test "successful session without PIPELINING: 0, one command per reply" {
	{
		greet
		s 'expect EHLO' 'send 250-mx.test\r\n250-STARTTLS\r\n250 8BITMIME'
		starttls_ok
		s 'expect EHLO' 'send 250-mx.test\r\n250-AUTH PLAIN\r\n250 8BITMIME'
		auth_ok
		s 'expect-alone MAIL FROM:<sender@example.org>' 'send 250 2.1.0 Ok' \
		  'expect-alone RCPT TO:<rcpt@example.net>' 'send 250 2.1.5 Ok' \
		  'expect-alone DATA' 'send 354 End data with <CR><LF>.<CR><LF>' \
		  'expect-data' 'send 250 2.0.0 Ok: queued as 4Xy1Zr' \
		  'expect QUIT' 'send 221 2.0.0 Bye'
	} >"$S"
	start_with_script
	run_bote
	assert_success
	assert_clean_before_tls
	# The server saw the whole dialogue and no command sent ahead of its
	# reply.
	script_wait || { show_record; fail "the dialogue differed from the script"; }
	assert_sent '^\.$'
}

@test "successful implicit TLS session: 0, TLS from the first byte" {
	{
		greet
		s 'expect EHLO' \
		  'send 250-mx.test\r\n250-PIPELINING\r\n250-AUTH PLAIN\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME'
		auth_ok; mail_ok; rcpt_ok; data_ok
		s 'expect-data' 'send 250 2.0.0 Ok: queued as 4Xy1Zs' \
		  'expect QUIT' 'send 221 2.0.0 Bye'
	} >"$S"
	CONF_EXTRA=("tls_starttls off")
	start_with_script --implicit-tls
	run_bote
	assert_success
	run head -n 1 "$SCRIPT_RECORD"
	assert_output '<<TLS>>'
	refute_sent '^STARTTLS'
	assert_sent '^AUTH PLAIN AHUAcA==$'
	assert_sent '^\.$'
}

# --- configuration ----------------------------------------------------------

@test "AUTH with tls off and no auth_cleartext: 78, no connection" {
	# No server: a connection attempt would end in 75, not 78.
	SCRIPT_PORT=$(free_port) script_conf "$CONF" "tls off"
	run_bote
	assert_failure 78
}

# --- deadlines in the TLS handshake, signals, descriptors -------------------

@test "STARTTLS 220, then no handshake: 75 once the deadline passes" {
	{ greet; ehlo_plain; s 'expect STARTTLS' 'send 220 2.0.0 go ahead' 'hang'; } >"$S"
	CONF_EXTRA=("timeout 1")
	start_with_script
	run_bote
	assert_failure 75
	assert_output --partial "TLS handshake timed out"
	refute_sent '^(AUTH|MAIL|RCPT)'
}

@test "implicit TLS, server silent: 75 once the handshake deadline passes" {
	s 'hang' >"$S"
	CONF_EXTRA=("timeout 1" "tls_starttls off")
	start_with_script
	run_bote
	assert_failure 75
	assert_output --partial "TLS handshake timed out"
}

@test "SIGTERM while waiting for the DATA reply: 75, no body, no end-of-data" {
	{
		greet
		s 'expect EHLO' 'send 250-mx.test\r\n250 8BITMIME'
		mail_ok
		rcpt_ok
		s 'expect DATA' 'sleep 15' 'send 354 go ahead' 'expect-data' \
		  'send 250 2.0.0 Ok'
	} >"$S"
	CONF_EXTRA=("tls off" "auth off" "timeout 60")
	start_with_script
	"$BOTE" -C "$CONF" -i rcpt@example.net <"$MSG" \
	    2>"$BATS_TEST_TMPDIR/err" &
	local pid=$! i
	for i in $(seq 1 100); do
		grep -q '^DATA' "$SCRIPT_RECORD" 2>/dev/null && break
		sleep 0.1
	done
	kill -TERM "$pid"
	local st=0
	wait "$pid" || st=$?
	assert_equal "$st" 75
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output --partial "interrupted by a signal"
	script_stop
	refute_sent 'BODY-MARKER'
	refute_sent '^\.$'
}

@test "with stdout and stderr closed, -v never writes into the connection" {
	s 'send 220 mx.test ESMTP' 'auto' >"$S"
	CONF_EXTRA=("tls off" "auth off")
	start_with_script
	run bash -c '"$1" -C "$2" -v -i rcpt@example.net <"$3" >&- 2>&-' _ \
	    "$BOTE" "$CONF" "$MSG"
	assert_success
	refute_sent 'bote:|-->|<--'
	assert_sent 'BODY-MARKER'
}
