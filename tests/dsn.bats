#!/usr/bin/env bats
# Delivery status notifications (RFC 3461): -N, -R and -V and the
# dsn_notify and dsn_return directives become NOTIFY, ORCPT, RET and ENVID
# parameters, sent only when the server's EHLO (after TLS) offers DSN.
# The exact MAIL and RCPT lines come from the scripted server's record
# (tests/fixtures/smtpscript); one delivery goes through the Postfix
# testbed, which offers DSN, in the form mutt uses.

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
	    'Subject: dsn' '' 'body' >"$MSG"
	CONF_EXTRA=("tls off" "auth off")
}

# A whole delivery to N recipients; EHLO offers what $1 says.
dialogue() {
	local caps=$1 n=${2:-1} i
	s 'send 220 mx.test ESMTP smtpscript' 'expect EHLO' \
	  "send 250-mx.test\\r\\n${caps}250 8BITMIME" \
	  'expect MAIL FROM:' 'send 250 2.1.0 Ok'
	for ((i = 0; i < n; i++)); do
		s 'expect RCPT TO:' 'send 250 2.1.5 Ok'
	done
	s 'expect DATA' 'send 354 go ahead' 'expect-data' \
	  'send 250 2.0.0 Ok: queued' 'expect QUIT' 'send 221 bye'
}

# The MAIL and RCPT lines bote sent, without CRs.
envelope_sent() {
	script_wait || true
	tr -d '\r' <"$SCRIPT_RECORD" | grep -a -E '^(MAIL|RCPT) '
}

@test "DSN offered: -N success,failure -R hdrs -V abc+def give RET, ENVID, NOTIFY and ORCPT" {
	dialogue '250-DSN\r\n' 2 >"$S"
	start_with_script
	run_bote -N success,failure -R hdrs -V abc+def rcpt@example.net \
	    a+tag@example.net
	assert_success
	run envelope_sent
	assert_output "$(printf '%s\n' \
	    'MAIL FROM:<sender@example.org> RET=HDRS ENVID=abc+2Bdef' \
	    'RCPT TO:<rcpt@example.net> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;rcpt@example.net' \
	    'RCPT TO:<a+tag@example.net> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;a+2Btag@example.net')"
}

@test "DSN offered: -N never, -R full, values case-insensitive, glued flags" {
	dialogue '250-DSN\r\n' >"$S"
	start_with_script
	run_bote -NNEVER -RFull rcpt@example.net
	assert_success
	run envelope_sent
	assert_output "$(printf '%s\n' \
	    'MAIL FROM:<sender@example.org> RET=FULL' \
	    'RCPT TO:<rcpt@example.net> NOTIFY=NEVER ORCPT=rfc822;rcpt@example.net')"
}

@test "DSN offered: -N delay,Failure,SUCCESS is sent in RFC order; -V alone gives ENVID only" {
	dialogue '250-DSN\r\n' >"$S"
	start_with_script
	run_bote -N delay,Failure,SUCCESS -V 'Q=1' rcpt@example.net
	assert_success
	run envelope_sent
	assert_output "$(printf '%s\n' \
	    'MAIL FROM:<sender@example.org> ENVID=Q+3D1' \
	    'RCPT TO:<rcpt@example.net> NOTIFY=SUCCESS,FAILURE,DELAY ORCPT=rfc822;rcpt@example.net')"
}

@test "DSN not offered: no DSN parameters, and -v says so" {
	dialogue '250-PIPELINING\r\n' >"$S"
	start_with_script
	run_bote -v -N success,failure -R hdrs -V abc rcpt@example.net
	assert_success
	assert_output --partial 'does not offer DSN'
	run envelope_sent
	assert_output "$(printf '%s\n' 'MAIL FROM:<sender@example.org>' \
	    'RCPT TO:<rcpt@example.net>')"
}

@test "DSN offered before STARTTLS but not after: no DSN parameters" {
	s 'send 220 mx.test ESMTP smtpscript' 'expect EHLO' \
	  'send 250-mx.test\r\n250-DSN\r\n250 STARTTLS' \
	  'expect STARTTLS' 'send 220 2.0.0 Ready' 'starttls' \
	  'expect EHLO' 'send 250-mx.test\r\n250 8BITMIME' \
	  'expect MAIL FROM:' 'send 250 2.1.0 Ok' \
	  'expect RCPT TO:' 'send 250 2.1.5 Ok' \
	  'expect DATA' 'send 354 go ahead' 'expect-data' \
	  'send 250 2.0.0 Ok: queued' 'expect QUIT' 'send 221 bye' >"$S"
	CONF_EXTRA=("auth off")
	start_with_script
	run_bote -N failure -R full rcpt@example.net
	assert_success
	run envelope_sent
	assert_output "$(printf '%s\n' 'MAIL FROM:<sender@example.org>' \
	    'RCPT TO:<rcpt@example.net>')"
}

@test "dsn_notify and dsn_return from the account are used without flags" {
	dialogue '250-DSN\r\n' >"$S"
	CONF_EXTRA+=("dsn_notify failure,delay" "dsn_return headers")
	start_with_script
	run_bote rcpt@example.net
	assert_success
	run envelope_sent
	assert_output "$(printf '%s\n' \
	    'MAIL FROM:<sender@example.org> RET=HDRS' \
	    'RCPT TO:<rcpt@example.net> NOTIFY=FAILURE,DELAY ORCPT=rfc822;rcpt@example.net')"
}

@test "the command line wins over dsn_notify and dsn_return (-N off drops NOTIFY)" {
	dialogue '250-DSN\r\n' >"$S"
	CONF_EXTRA+=("dsn_notify success" "dsn_return full")
	start_with_script
	run_bote -N off -R hdrs rcpt@example.net
	assert_success
	run envelope_sent
	assert_output "$(printf '%s\n' \
	    'MAIL FROM:<sender@example.org> RET=HDRS' \
	    'RCPT TO:<rcpt@example.net>')"
}

@test "dsn_notify off and dsn_return off send nothing" {
	dialogue '250-DSN\r\n' >"$S"
	CONF_EXTRA+=("dsn_notify off" "dsn_return off")
	start_with_script
	run_bote rcpt@example.net
	assert_success
	run envelope_sent
	assert_output "$(printf '%s\n' 'MAIL FROM:<sender@example.org>' \
	    'RCPT TO:<rcpt@example.net>')"
}

@test "bad -N, -R and -V values: usage error 64 before anything is read" {
	local v
	for v in sometimes never,success success,,failure '' 'success, delay'; do
		run "$BOTE" -C /nonexistent -N "$v" rcpt@example.net </dev/null
		assert_failure 64
		assert_output --partial '-N needs never, or a comma-separated list'
	done
	run "$BOTE" -C /nonexistent -R body rcpt@example.net </dev/null
	assert_failure 64
	assert_output --partial '-R needs hdrs or full'
	run "$BOTE" -C /nonexistent -V $'a\tb' rcpt@example.net </dev/null
	assert_failure 64
	assert_output --partial '-V needs an envelope ID'
	run "$BOTE" -C /nonexistent -V "$(printf '%0101d' 0)" \
	    rcpt@example.net </dev/null
	assert_failure 64
	assert_output --partial 'longer than 100 octets'
}

@test "bad dsn_notify or dsn_return in the file: configuration error 78" {
	printf 'account default\nhost 127.0.0.1\ndsn_notify always\ndsn_return body\n' \
	    >"$CONF"
	chmod 600 "$CONF"
	run "$BOTE" -C "$CONF" rcpt@example.net </dev/null
	assert_failure 78
	assert_output --partial ':3: dsn_notify must be off, never, or a comma-separated list'
	assert_output --partial ':4: dsn_return must be off, headers or full'
}

@test "Postfix testbed: mutt's -N failure,delay -R hdrs is delivered with DSN" {
	bote_conf "$CONF"
	printf 'From: %s\nTo: %s\nSubject: dsn\n\nbody\n' "$TESTBED_USER" \
	    "$TESTBED_USER" >"$MSG"
	run "$BOTE" -C "$CONF" -v -N failure,delay -R hdrs -i "$TESTBED_USER" \
	    <"$MSG"
	assert_success
	assert_output --regexp 'MAIL FROM:<[^>]*> .*RET=HDRS'
	assert_output --partial "NOTIFY=FAILURE,DELAY ORCPT=rfc822;"
	refute_output --partial 'does not offer DSN'
	maildir_wait 1
}
