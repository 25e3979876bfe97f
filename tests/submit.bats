#!/usr/bin/env bats
# The core path against a real server: Postfix with Dovecot SASL on
# loopback (tests/fixtures/testbed). Messages go in through bote and are
# read back from the Maildir byte for byte, apart from the headers Postfix
# adds on delivery. Postfix stores LF line endings, so the expected text
# is the input with CRLF turned into LF.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library testbed.bash

setup() {
	CONF="$BATS_TEST_TMPDIR/conf"
	# Byte-for-byte checks: no added Date, Message-ID or From (those
	# are tested in headers.bats).
	bote_conf "$CONF" "set_from_header off" "set_date_header off" \
	    "set_msgid_header off"
	maildir_clear
	MSG="$BATS_TEST_TMPDIR/msg"
	WANT="$BATS_TEST_TMPDIR/want"
	GOT="$BATS_TEST_TMPDIR/got"
}

# A message with what tends to break: leading dots, a lone dot (with -i),
# 8-bit text, white space at line ends, an empty line in the body.
sample() {
	printf 'From: Sender <%s>\n' "$TESTBED_USER"
	printf 'To: rcpt@example.org\n'
	printf 'Subject: the core path\n'
	printf 'Date: Sun, 22 Nov 2026 12:00:00 +0000\n'
	printf 'Message-ID: <core-%s@example.org>\n' "$1"
	printf '\n'
	printf '.a line with a leading dot\n'
	printf '..two dots\n'
	printf '.\n'
	printf 'trailing blanks   \n'
	printf '\n'
	printf 'caf\xc3\xa9 8-bit\n'
	printf 'last line\n'
}

@test "STARTTLS + AUTH: the message arrives byte for byte" {
	sample starttls >"$MSG"
	run "$BOTE" -C "$CONF" -a starttls -i rcpt@example.org <"$MSG"
	assert_success
	assert_output ""
	delivered_equals "$MSG"
}

@test "implicit TLS + AUTH: the message arrives byte for byte" {
	sample tls >"$MSG"
	run "$BOTE" -C "$CONF" -a tls -i rcpt@example.org <"$MSG"
	assert_success
	delivered_equals "$MSG"
}

@test "plain port (tls off, no auth): the message arrives byte for byte" {
	sample plain >"$MSG"
	run "$BOTE" -C "$CONF" -a plain -i rcpt@example.org <"$MSG"
	assert_success
	delivered_equals "$MSG"
}

@test "the default account is used without -a" {
	sample default >"$MSG"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	delivered_equals "$MSG"
}

@test "CRLF input arrives the same as LF input" {
	sample crlf >"$WANT"
	sed 's/$/\r/' "$WANT" >"$MSG"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	delivered_equals "$WANT"
}

@test "mixed CRLF headers and LF body (PHP 8) arrive normalised" {
	printf 'To: rcpt@example.org\r\nSubject: php\r\n\r\nline one\nline two\n' >"$MSG"
	printf 'To: rcpt@example.org\nSubject: php\n\nline one\nline two\n' >"$WANT"
	run "$BOTE" -C "$CONF" -t -i <"$MSG"
	assert_success
	delivered_equals "$WANT"
}

@test "without -i, a lone dot line ends the message" {
	printf 'Subject: dot\n\nbefore\n.\nafter\n' >"$MSG"
	printf 'Subject: dot\n\nbefore\n' >"$WANT"
	run "$BOTE" -C "$CONF" rcpt@example.org <"$MSG"
	assert_success
	delivered_equals "$WANT"
}

@test "with -oi, a lone dot line is content" {
	printf 'Subject: dot\n\nbefore\n.\nafter\n' >"$MSG"
	run "$BOTE" -C "$CONF" -oi rcpt@example.org <"$MSG"
	assert_success
	delivered_equals "$MSG"
}

@test "a stray CR becomes a space; a missing final newline is added" {
	printf 'Subject: cr\n\na\rb\nno newline at end' >"$MSG"
	printf 'Subject: cr\n\na b\nno newline at end\n' >"$WANT"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	delivered_equals "$WANT"
}

@test "a leading mbox From line is dropped" {
	printf 'From someone@example.org Sun Nov 22 12:00:00 2026\nSubject: mbox\n\nbody\n' >"$MSG"
	printf 'Subject: mbox\n\nbody\n' >"$WANT"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	delivered_equals "$WANT"
}

@test "-t reads To, Cc and Bcc; Bcc is not transmitted" {
	printf 'To: a@example.org\nCc: B <b@example.org>\nBcc: c@example.org,\n d@example.org\nSubject: t\n\nbody\n' >"$MSG"
	printf 'To: a@example.org\nCc: B <b@example.org>\nSubject: t\n\nbody\n' >"$WANT"
	run "$BOTE" -C "$CONF" -t -i <"$MSG"
	assert_success
	maildir_wait 4
	assert_equal "$(maildir_count)" 4
	run grep -h '^X-Original-To:' "$TESTBED_MAILDIR"/new/*
	assert_line "X-Original-To: a@example.org"
	assert_line "X-Original-To: b@example.org"
	assert_line "X-Original-To: c@example.org"
	assert_line "X-Original-To: d@example.org"
	run grep -il '^bcc:' "$TESTBED_MAILDIR"/new/*
	assert_failure
	delivered_equals "$WANT" 4
}

@test "-t adds to the argument recipients; duplicates are sent once" {
	printf 'To: a@example.org, A@EXAMPLE.ORG\nSubject: t\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -t -i a@example.org,e@example.org <"$MSG"
	assert_success
	maildir_wait 2
	sleep 0.5
	assert_equal "$(maildir_count)" 2
}

@test "a 3 MB message with long lines arrives intact through TLS" {
	{
		printf 'Subject: big\n\n'
		for i in $(seq 1 30000); do
			printf '%05d %s\n' "$i" "line of text that goes on for a while to make the message bigger ........."
		done
	} >"$MSG"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	delivered_equals "$MSG"
}

@test "a line over 998 octets is broken with CRLF SP, with a warning" {
	{
		printf 'Subject: long\n\n'
		head -c 1500 /dev/zero | tr '\0' x
		printf '\n'
	} >"$MSG"
	{
		printf 'Subject: long\n\n'
		head -c 998 /dev/zero | tr '\0' x
		printf '\n '
		head -c 502 /dev/zero | tr '\0' x
		printf '\n'
	} >"$WANT"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	assert_output --partial "warning: 1 line longer than 998 octets was broken"
	delivered_equals "$WANT"
}

@test "-v shows the dialogue with AUTH redacted and never the password" {
	sample verbose >"$MSG"
	run "$BOTE" -C "$CONF" -v -i rcpt@example.org <"$MSG"
	assert_success
	assert_line --partial -- "--> STARTTLS"
	# auth on: the strongest mechanism Dovecot offers (SCRAM-SHA-256).
	assert_line --partial -- "--> AUTH SCRAM-SHA-256 <redacted>"
	assert_line --partial -- "--> <redacted>"
	assert_line --partial "TLS established"
	assert_line --regexp -- '--> MAIL FROM:<[^>]+> SIZE=[0-9]+ BODY=8BITMIME'
	assert_line --partial "message accepted"
	refute_output --partial "$TESTBED_PASSWORD"
	# base64 of the PLAIN response must not leak either.
	refute_output --partial "$(printf '\0%s\0%s' "$TESTBED_USER" "$TESTBED_PASSWORD" | base64 -w0)"
}

@test "AUTH LOGIN works when configured" {
	sed -i 's/^auth on$/auth login/' "$CONF"
	sample login >"$MSG"
	run "$BOTE" -C "$CONF" -v -i rcpt@example.org <"$MSG"
	assert_success
	assert_line --partial -- "--> AUTH LOGIN"
	refute_output --partial "$TESTBED_PASSWORD"
	delivered_equals "$MSG"
}

@test "a wrong password is 77 and nothing is delivered" {
	# A new account: nothing queued (bote.1, EXIT STATUS).
	fresh_queue
	sed -i 's/^password .*/password wrong-password/' "$CONF"
	sample wrongpw >"$MSG"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_equal "$status" 77
	assert_line --index 0 --regexp '^bote: AUTH failed: .*535 5\.7\.8 .*check user and password$'
	assert_line --index 1 --partial "bote: not queued: account default has never delivered through"
	refute_output --partial "wrong-password"
	sleep 0.5
	assert_equal "$(maildir_count)" 0
}

@test "the STARTTLS port without auth: Postfix refuses, 77, nothing delivered" {
	sed -i 's/^auth on$/auth off/' "$CONF"
	sample noauth >"$MSG"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	# 530 5.7.0 authentication required (MAIL), classed by 5.7.x.
	assert_equal "$status" 77
	assert_output --regexp '^bote: MAIL FROM failed: the server answered MAIL with 530 5\.7\.0 [^?]*Authentication required; the server wants a login first: set auth on, with user and password$'
	sleep 0.5
	assert_equal "$(maildir_count)" 0
}

@test "unqualified recipients take the sender's domain" {
	printf 'Subject: q\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -i root <"$MSG"
	assert_success
	maildir_wait 1
	run grep -h '^X-Original-To:' "$TESTBED_MAILDIR"/new/*
	assert_output "X-Original-To: root@example.org"
}

@test "-f sets the envelope sender; -f '<>' is the null sender" {
	printf 'Subject: f\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -i -f other@example.org rcpt@example.org <"$MSG"
	assert_success
	maildir_wait 1
	run grep -h '^Return-Path:' "$(maildir_last_file)"
	assert_output "Return-Path: <other@example.org>"
	maildir_clear
	run "$BOTE" -C "$CONF" -i -f '<>' rcpt@example.org <"$MSG"
	assert_success
	maildir_wait 1
	run grep -h '^Return-Path:' "$(maildir_last_file)"
	assert_output "Return-Path: <>"
}

@test "an empty message is delivered (Postfix adds its own headers)" {
	run "$BOTE" -C "$CONF" -i rcpt@example.org </dev/null
	assert_success
	maildir_wait 1
}

@test "a header-only message with no blank line arrives as it was sent" {
	printf 'Subject: header only\nX-Test: yes\n' >"$MSG"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	delivered_equals "$MSG"
}
