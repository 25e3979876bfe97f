#!/usr/bin/env bats
# Diagnosis that names the fix (bote.1, DIAGNOSIS): a known reply, from
# Microsoft 365, Google or any server's common words, is followed by one
# line of advice, after the server's own text, in a direct send and in a
# queue run. Against the scripted server, which answers as they do.

[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library bote.bash
bats_load_library smtpscript.bash

setup() {
	CONF=$BATS_TEST_TMPDIR/conf
	MSG=$BATS_TEST_TMPDIR/msg
	S=$BATS_TEST_TMPDIR/script
	printf 'From: a@example.org\nTo: rcpt@example.net\nSubject: d\n\nbody\n' \
	    >"$MSG"
}

teardown() {
	script_stop
}

s() { printf '%s\n' "$@"; }

# The server refuses AUTH PLAIN with reply $1.
auth_refused() {
	s 'send 220 mx.test ESMTP' 'expect EHLO' 'send 250-mx.test\r\n250 AUTH PLAIN' \
	  'expect AUTH' "send $1" 'read-all' >"$S"
	script_start "$S"
	script_conf "$CONF" "tls off" "auth_cleartext on" "auth plain"
}

# The server takes AUTH and refuses MAIL with reply $1.
mail_refused() {
	s 'send 220 mx.test ESMTP' 'expect EHLO' 'send 250 mx.test' \
	  'expect MAIL' "send $1" 'read-all' >"$S"
	script_start "$S"
	script_conf "$CONF" "tls off" "auth off"
}

@test "Microsoft 365: SMTP AUTH disabled for the tenant names the switch" {
	auth_refused '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.'
	run_bote
	assert_failure 77
	assert_line --index 0 --partial "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant"
	assert_line --index 0 --partial "; SMTP AUTH is disabled for this Microsoft 365 mailbox or tenant: an administrator must enable Authenticated SMTP for it, or use OAuth2 (auth xoauth2)"
	refute_output --partial "check user and password"
}

@test "Microsoft 365: another 5.7.139 is a refused login with the MFA hint" {
	auth_refused '535 5.7.139 Authentication unsuccessful, the user credentials were incorrect.'
	run_bote
	assert_failure 77
	assert_output --partial "; Microsoft 365 refused the login: user is the full address; with multi-factor authentication use an app password, or OAuth2"
}

@test "Google: 534 5.7.9 asks for an app password" {
	auth_refused '534 5.7.9 Application-specific password required. For more information, go to https://support.google.com/mail/?p=InvalidSecondFactor'
	run_bote
	assert_failure 77
	assert_output --partial "; Google wants an app password for this account (2-Step Verification is on)"
}

@test "SendAsDenied: the From the account may not use" {
	mail_refused '550 5.7.60 SMTP; Client does not have permissions to send as this sender'
	run_bote
	assert_failure
	assert_output --partial "; the server does not let this account send as that sender: set from (and -f) to the account's own address"
}

@test "relay access denied (Postfix's words): the submission port with auth" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' 'send 250 mx.test' \
	  'expect MAIL' 'send 250 2.1.0 Ok' 'expect RCPT' \
	  'send 554 5.7.1 <rcpt@example.net>: Relay access denied' 'read-all' >"$S"
	script_start "$S"
	script_conf "$CONF" "tls off" "auth off"
	run_bote
	assert_failure
	assert_output --partial "Relay access denied; the server will not relay for this client: use the submission port"
}

@test "5.7.1 without SPF or relay words gets no advice of theirs" {
	mail_refused '550 5.7.1 Message rejected as spam'
	run_bote
	assert_failure
	refute_output --partial "SPF"
	refute_output --partial "relay"
}

@test "a queue run's deferral carries the advice too" {
	mail_refused '421 4.7.0 Too many messages, slow down'
	script_conf "$CONF" "tls off" "auth off" "queue on" \
	    "queue_dir $BATS_TEST_TMPDIR/q"
	run_bote
	assert_success
	assert_output --partial "queued as"
	id=$(basename "$(ls "$BATS_TEST_TMPDIR"/q/q/*.ctl)" .ctl)
	script_stop
	mail_refused '421 4.7.0 Too many messages, slow down'
	script_conf "$CONF" "tls off" "auth off" "queue on" \
	    "queue_dir $BATS_TEST_TMPDIR/q"
	# -v: each deferral is shown (bote.1, QUEUE).
	run "$BOTE" -C "$CONF" -q -v
	assert_success
	assert_output --partial "$id: deferred: "
	assert_output --partial "; the server limits how much or how fast this account sends: the queue retries it later"
}

@test "a From of another domain than the account's: a warning for a person, before connecting" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' 'send 250 mx.test' \
	  'expect MAIL' 'send 250 ok' 'expect RCPT' 'send 250 ok' \
	  'expect DATA' 'send 354 go' 'expect-data' 'send 250 2.0.0 ok' \
	  'expect QUIT' 'send 221 bye' >"$S"
	script_start "$S"
	script_conf "$CONF" "tls off" "auth off" "from me@example.org"
	printf 'From: boss@other.example\nTo: rcpt@example.net\nSubject: d\n\nbody\n' \
	    >"$MSG"
	# -v: a person watching.
	BOTE_OPTS=(-v)
	run_bote
	assert_success
	assert_line --index 0 "bote: warning: the From field's address boss@other.example is not of the account's domain (from me@example.org): servers that check (Microsoft 365's Send As, the receiver's DMARC) may refuse it; write From with the account's address, or use an account for that domain"
	# Cron (no terminal, no -v): not a word.
	BOTE_OPTS=()
	script_stop
	script_start "$S"
	script_conf "$CONF" "tls off" "auth off" "from me@example.org"
	run_bote
	assert_success
	refute_output --partial "warning"
	# The same domain: nothing to say.
	script_stop
	script_start "$S"
	script_conf "$CONF" "tls off" "auth off" "from me@example.org"
	printf 'From: you@EXAMPLE.org\nTo: rcpt@example.net\nSubject: d\n\nbody\n' \
	    >"$MSG"
	BOTE_OPTS=(-v)
	run_bote
	assert_success
	refute_output --partial "warning"
}
