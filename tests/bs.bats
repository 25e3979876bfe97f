#!/usr/bin/env bats
# -bs: an SMTP dialogue with the caller on stdin/stdout, each message
# relayed through the account to the Postfix testbed and read back from
# the Maildir byte for byte (Postfix stores LF line endings).

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library testbed.bash

setup() {
	CONF="$BATS_TEST_TMPDIR/conf"
	bote_conf "$CONF"
	maildir_clear
	IN="$BATS_TEST_TMPDIR/in"
	OUT="$BATS_TEST_TMPDIR/out"
	ERR="$BATS_TEST_TMPDIR/err"
	WANT="$BATS_TEST_TMPDIR/want"
	GOT="$BATS_TEST_TMPDIR/got"
}

# The message as Alpine sends it: CRLF, dot-stuffed.
message() {
	printf 'From: Sender <%s>\r\n' "$TESTBED_USER"
	printf 'To: rcpt@example.org\r\n'
	printf 'Subject: %s\r\n' "$1"
	printf 'Date: Sun, 22 Nov 2026 12:00:00 +0000\r\n'
	printf 'Message-ID: <bs-%s@example.org>\r\n' "$1"
	printf '\r\n'
	printf '..a line with a leading dot\r\n'
	printf '...two dots\r\n'
	printf '..\r\n'
	printf 'caf\xc3\xa9 8-bit\r\n'
	printf 'last line\r\n'
}

# What arrives: un-stuffed, LF.
delivered() {
	message "$1" | sed 's/^\.//' | tr -d '\r'
}

# Run bote -bs with the dialogue in $IN; replies in $OUT, stderr in $ERR.
bs() {
	run bash -c 'i=$0 o=$1 e=$2; shift 2; "$@" <"$i" >"$o" 2>"$e"' \
	    "$IN" "$OUT" "$ERR" \
	    "$BOTE" -C "$CONF" -bs -odb -oem "$@"
}

# The reply codes (and enhanced codes) in $OUT, one per line.
codes() {
	tr -d '\r' <"$OUT" | awk '{ print substr($0, 1, 3) }' | tr '\n' ' '
}

@test "-bs: an Alpine-style dialogue relays the message byte for byte" {
	{
		printf 'EHLO alpine.example\r\n'
		printf 'MAIL FROM:<%s> BODY=8BITMIME\r\n' "$TESTBED_USER"
		printf 'RCPT TO:<rcpt@example.org>\r\n'
		printf 'DATA\r\n'
		message alpine
		printf '.\r\n'
		printf 'QUIT\r\n'
	} >"$IN"
	bs
	assert_success
	assert_equal "$(codes)" "220 250 250 250 250 250 250 250 354 250 221 "
	run grep -c '^250 2\.0\.0 Ok: relayed to 1 recipient via 127\.0\.0\.1: 250 2\.0\.0 Ok' "$OUT"
	assert_output 1
	assert_equal "$(cat "$ERR")" ""
	delivered alpine >"$WANT"
	maildir_wait 1
	maildir_last >"$GOT"
	run diff "$WANT" "$GOT"
	assert_success
}

@test "-bs: two messages in one session, RSET between" {
	{
		printf 'EHLO c\r\n'
		printf 'MAIL FROM:<%s>\r\nRCPT TO:<one@example.org>\r\nDATA\r\n' \
		    "$TESTBED_USER"
		message one
		printf '.\r\nRSET\r\n'
		printf 'MAIL FROM:<%s>\r\nRCPT TO:<two@example.org>\r\nDATA\r\n' \
		    "$TESTBED_USER"
		message two
		printf '.\r\nQUIT\r\n'
	} >"$IN"
	bs
	assert_success
	assert_equal "$(codes)" "220 250 250 250 250 250 250 250 354 250 250 250 250 354 250 221 "
	assert_equal "$(cat "$ERR")" ""
	maildir_wait 2
	run grep -l '^Subject: one' "$TESTBED_MAILDIR"/new/*
	assert_success
	run grep -l '^Subject: two' "$TESTBED_MAILDIR"/new/*
	assert_success
}

@test "-bs: a recipient the server refuses is a 5yz; nothing delivered" {
	{
		printf 'EHLO c\r\n'
		printf 'MAIL FROM:<%s>\r\n' "$TESTBED_USER"
		printf 'RCPT TO:<rcpt@example.org>\r\n'
		printf 'RCPT TO:<bad@nodot>\r\n'
		printf 'DATA\r\n'
		message refused
		printf '.\r\nQUIT\r\n'
	} >"$IN"
	bs
	# 504 5.5.2 from Postfix (reject_non_fqdn_recipient): 5.5.x is 76.
	assert_equal "$status" 76
	run grep -E '^554 5\.5\.2 Error: relay via 127\.0\.0\.1 refused <bad@nodot>: 504 5\.5\.2 <bad@nodot>: Recipient address rejected' "$OUT"
	assert_success
	run tail -n 1 "$OUT"
	assert_output $'221 2.0.0 Bye\r'
	assert_equal "$(cat "$ERR")" ""
	sleep 0.5
	assert_equal "$(maildir_count)" 0
}

@test "-bs: the server unreachable is a 4yz, exit 75" {
	sed -i "s/^port $TESTBED_STARTTLS_PORT\$/port 1/" "$CONF"
	{
		printf 'HELO c\r\nMAIL FROM:<%s>\r\nRCPT TO:<rcpt@example.org>\r\n' \
		    "$TESTBED_USER"
		printf 'DATA\r\n'
		message down
		printf '.\r\nQUIT\r\n'
	} >"$IN"
	bs
	assert_equal "$status" 75
	run grep -E '^451 4\.4\.1 Error: relay via 127\.0\.0\.1 failed' "$OUT"
	assert_success
	assert_equal "$(cat "$ERR")" ""
}

@test "-bs: a bare-LF client works" {
	{
		printf 'HELO c\nMAIL FROM:<%s>\nRCPT TO:<rcpt@example.org>\n' \
		    "$TESTBED_USER"
		printf 'DATA\n'
		message barelf | tr -d '\r'
		printf '.\nQUIT\n'
	} >"$IN"
	bs
	assert_success
	assert_equal "$(codes)" "220 250 250 250 354 250 221 "
	delivered barelf >"$WANT"
	maildir_wait 1
	maildir_last >"$GOT"
	run diff "$WANT" "$GOT"
	assert_success
}

@test "-bs: a command line over 1000 octets is refused with 500 5.5.2" {
	{
		printf 'EHLO c\r\n'
		printf 'MAIL FROM:<%s>\r\n' "$(head -c 1100 /dev/zero | tr '\0' a)"
		printf 'NOOP\r\nQUIT\r\n'
	} >"$IN"
	bs
	assert_success
	run grep -c '^500 5\.5\.2 Error: line too long' "$OUT"
	assert_output 1
	assert_equal "$(codes)" "220 250 250 250 250 250 500 250 221 "
}

@test "-bs: -v traces both dialogues on stderr, none on stdout" {
	{
		printf 'EHLO c\r\nMAIL FROM:<%s>\r\nRCPT TO:<rcpt@example.org>\r\n' \
		    "$TESTBED_USER"
		printf 'DATA\r\n'
		message verbose
		printf '.\r\nQUIT\r\n'
	} >"$IN"
	bs -v
	assert_success
	assert_equal "$(codes)" "220 250 250 250 250 250 250 250 354 250 221 "
	run grep -c '^bote: caller --> MAIL FROM:' "$ERR"
	assert_output 1
	run grep -c '^bote: --> MAIL FROM:' "$ERR"
	assert_output 1
	# auth on: the strongest mechanism Dovecot offers.
	run grep -c 'AUTH SCRAM-SHA-256 <redacted>' "$ERR"
	assert_output 1
	run grep -c "$TESTBED_PASSWORD" "$ERR"
	assert_output 0
}

@test "-bs: EOF inside a transaction exits 75 and relays nothing" {
	printf 'HELO c\r\nMAIL FROM:<%s>\r\nRCPT TO:<rcpt@example.org>\r\nDATA\r\nSubject: cut\r\n' \
	    "$TESTBED_USER" >"$IN"
	bs
	assert_equal "$status" 75
	assert_equal "$(cat "$ERR")" ""
	sleep 0.3
	assert_equal "$(maildir_count)" 0
}

@test "-bs: aliases and allow_from_override off apply as when sending" {
	printf 'root: admin@example.org\n' >"$BATS_TEST_TMPDIR/aliases"
	bote_conf "$CONF" "aliases $BATS_TEST_TMPDIR/aliases" \
	    "allow_from_override off"
	{
		printf 'EHLO c\r\nMAIL FROM:<forged@example.org>\r\n'
		printf 'RCPT TO:<root>\r\nDATA\r\n'
		message aliases
		printf '.\r\nQUIT\r\n'
	} >"$IN"
	bs
	assert_success
	assert_equal "$(cat "$ERR")" ""
	maildir_wait 1
	run grep -h -e '^Return-Path:' -e '^Delivered-To:' "$(maildir_last_file)"
	assert_output "Return-Path: <$TESTBED_USER>
Delivered-To: admin@example.org"
}

@test "-bs: the header rules of a direct send apply (Bcc left out, Date and Message-ID added)" {
	{
		printf 'EHLO c\r\n'
		printf 'MAIL FROM:<%s>\r\n' "$TESTBED_USER"
		printf 'RCPT TO:<rcpt@example.org>\r\n'
		printf 'RCPT TO:<hidden@example.org>\r\n'
		printf 'DATA\r\n'
		printf 'From: Sender <%s>\r\n' "$TESTBED_USER"
		printf 'To: rcpt@example.org\r\n'
		printf 'Bcc: hidden@example.org\r\n'
		printf 'Subject: bs header rules\r\n'
		printf '\r\nbody\r\n.\r\nQUIT\r\n'
	} >"$IN"
	BOTE_TEST_TIME=1795000000 BOTE_TEST_MSGID_RANDOM=00ff bs
	assert_success
	maildir_wait 1
	maildir_last >"$GOT"
	run grep -ci '^bcc:' "$GOT"
	assert_output 0
	run grep -c '^Subject: bs header rules$' "$GOT"
	assert_output 1
	run grep -c "^Message-ID: <00ff@${TESTBED_USER#*@}>\$" "$GOT"
	assert_output 1
	run grep -c '^Date: ' "$GOT"
	assert_output 1
}
