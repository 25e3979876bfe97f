#!/usr/bin/env bats
# The testbed itself, proved with msmtp (the reference client), so that a
# failure in the bote suites can be blamed on bote and not on the fixture.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library testbed.bash

setup() {
	command -v msmtp >/dev/null || skip "msmtp is not installed"
	maildir_clear
	CONF="$BATS_TEST_TMPDIR/msmtprc"
	bote_conf "$CONF"
	# Date and Message-ID present, so msmtp adds nothing and what arrives
	# must equal what was sent. A leading dot, 8-bit UTF-8 and a long line
	# exercise dot-stuffing, 8BITMIME and line handling end to end.
	MSG="$BATS_TEST_TMPDIR/msg"
	{
		printf 'From: Bote Test <bote-test@example.org>\n'
		printf 'To: rcpt@example.org\n'
		printf 'Subject: testbed check\n'
		printf 'Date: Mon, 01 Jan 2024 00:00:00 +0000\n'
		printf 'Message-ID: <testbed-%s@example.org>\n' "$BATS_TEST_NUMBER"
		printf 'MIME-Version: 1.0\n'
		printf 'Content-Type: text/plain; charset=UTF-8\n'
		printf 'Content-Transfer-Encoding: 8bit\n'
		printf '\n'
		printf 'first line\n'
		printf '.a line starting with a dot\n'
		printf '.\n'
		printf 'Grüße, naïve café\n'
		printf '%0900d\n' 0
		printf 'last line\n'
	} >"$MSG"
}

# deliver ACCOUNT PROTOCOL: send $MSG through ACCOUNT, expect it in the
# Maildir unchanged, received with PROTOCOL (Postfix's Received header says
# ESMTPSA for TLS + AUTH, ESMTP for neither).
deliver() {
	run msmtp -C "$CONF" -a "$1" rcpt@example.org <"$MSG"
	assert_success
	maildir_wait 1
	# Byte for byte (the Maildir stores LF line endings, as $MSG has);
	# "run" would drop trailing newlines, so compare files.
	maildir_last >"$BATS_TEST_TMPDIR/got"
	diff -u "$MSG" "$BATS_TEST_TMPDIR/got"
	run grep -c "with $2 id" "$(maildir_last_file)"
	assert_output 1
	run grep -x 'Delivered-To: rcpt@example.org' "$(maildir_last_file)"
	assert_success
}

@test "STARTTLS + AUTH delivers the message intact" {
	deliver starttls ESMTPSA
}

@test "implicit TLS + AUTH delivers the message intact" {
	deliver tls ESMTPSA
}

@test "the plain port delivers without TLS or AUTH" {
	deliver plain ESMTP
}

@test "maildir_last keeps Received and Return-Path headers the client sent" {
	{
		printf 'Received: from elsewhere by somewhere; Mon, 1 Jan 2024\n'
		printf '\tfolded part\n'
		printf 'Return-Path: <sent@example.org>\n'
		cat "$MSG"
	} >"$MSG.2"
	run msmtp -C "$CONF" -a plain rcpt@example.org <"$MSG.2"
	assert_success
	maildir_wait 1
	maildir_last >"$BATS_TEST_TMPDIR/got"
	diff -u "$MSG.2" "$BATS_TEST_TMPDIR/got"
}

@test "every recipient, any domain, lands in the one Maildir" {
	run msmtp -C "$CONF" -a starttls a@example.org b@example.net \
		c@xn--caf-dma.example <"$MSG"
	assert_success
	maildir_wait 3
	run maildir_count
	assert_output 3
}

@test "every SASL mechanism works" {
	local mech
	for mech in plain login cram-md5 digest-md5 scram-sha-1 scram-sha-256; do
		run msmtp -C "$CONF" -a starttls --auth="$mech" rcpt@example.org \
			<"$MSG"
		assert_success
	done
	maildir_wait 6
}

@test "a wrong password is refused (exit 77)" {
	bote_conf "$CONF.bad"
	sed -i 's/^password .*/password wrong-password/' "$CONF.bad"
	run msmtp -C "$CONF.bad" -a starttls rcpt@example.org <"$MSG"
	assert_failure 77
	assert_output --partial '535 5.7.8'
	run maildir_count
	assert_output 0
}

@test "the STARTTLS port refuses MAIL without AUTH" {
	run msmtp -C "$CONF" -a starttls --auth=off rcpt@example.org <"$MSG"
	assert_failure
	assert_output --partial '530 5.7.0'
	run msmtp -C "$CONF" -a tls --auth=off rcpt@example.org <"$MSG"
	assert_failure
	assert_output --partial '530 5.7.0'
	run maildir_count
	assert_output 0
}

@test "the STARTTLS port offers no AUTH before TLS" {
	run msmtp -C "$CONF" -a starttls --tls=off rcpt@example.org <"$MSG"
	assert_failure 69
	assert_output --partial 'does not support authentication'
}

@test "unqualified envelope addresses are refused, not qualified" {
	run msmtp -C "$CONF" -a plain --from=root rcpt@example.org <"$MSG"
	assert_failure
	assert_output --partial '504 5.5.2 <root>'
	run msmtp -C "$CONF" -a plain root <"$MSG"
	assert_failure
	assert_output --partial '504 5.5.2 <root>'
}

@test "the server certificate is trusted only through the test CA" {
	run msmtp -C "$CONF" -a tls \
		--tls-trust-file="$(dirname "$TESTBED_CA")/untrusted.pem" \
		rcpt@example.org <"$MSG"
	assert_failure
	assert_output --partial 'TLS certificate'
	run maildir_count
	assert_output 0
}
