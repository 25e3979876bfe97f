#!/usr/bin/env bats
# What only a configuration change can fix is not hidden behind "queued,
# exit 0" while someone is setting up (bote.1, EXIT STATUS and QUEUE): an
# untrusted certificate, AUTH refused, a message over the server's limit
# fail at once with their own status and nothing is queued while the
# account has never delivered through that server; once it has, the same
# failure means the server changed, and the message waits in the queue
# and is retried, said on every run. Against the test Postfix.

[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library testbed.bash
bats_load_library certs.bash

setup_file() {
	cert_corpus
	testbed_setup_file
}

setup() {
	QDIR=$BATS_TEST_TMPDIR/queue
	CONF=$BATS_TEST_TMPDIR/conf
	bote_conf "$CONF" "queue on" "queue_dir $QDIR"
	maildir_clear
}

mail_with() {
	printf 'From: %s\nTo: rcpt@example.org\nSubject: setup test %s\n' \
	    "$TESTBED_USER" "$1"
	printf 'X-Queue-Test: %s\n\nbody of %s\n' "$1" "$1"
}

delivered() {
	grep -l -x "X-Queue-Test: $1" "$TESTBED_MAILDIR"/new/* 2>/dev/null |
	    wc -l
}

nqueued() {
	find "$QDIR/q" -name '*.ctl' 2>/dev/null | wc -l
}

send() {
	run "$BOTE" -C "$CONF" "$@" -i rcpt@example.org < <(mail_with "$MARK")
}

# Trust another CA than the one that signed the testbed's certificate.
wrong_ca() { sed -i "s|^tls_trust_file .*|tls_trust_file $CORPUS/ca.pem|" "$CONF"; }
right_ca() { sed -i "s|^tls_trust_file .*|tls_trust_file $TESTBED_CA|" "$CONF"; }
wrong_password() { sed -i "s/^password .*/password not-$TESTBED_PASSWORD/" "$CONF"; }
right_password() { sed -i "s/^password .*/password $TESTBED_PASSWORD/" "$CONF"; }

# One message delivered through the account: it knows the server now.
first_delivery() {
	MARK=first send
	assert_success
	maildir_wait 1
}

@test "AUTH refused, the account never delivered there: 77, nothing queued" {
	wrong_password
	MARK=auth1 send
	assert_failure 77
	assert_output --partial "check user and password"
	assert_output --partial "bote: not queued:"
	[ "$(nqueued)" -eq 0 ]
}

@test "AUTH refused after the account delivered there: kept as a soft bounce, never bounced, sent once fixed" {
	first_delivery
	wrong_password
	MARK=auth2 send
	assert_success
	assert_output --partial "queued as"
	assert_output --partial "535"
	run "$BOTE" -C "$CONF" -q
	assert_success
	assert_output --partial ": deferred: "
	[ "$(nqueued)" -eq 1 ]
	[ -z "$(ls "$QDIR/failed" 2>/dev/null)" ]
	right_password
	run "$BOTE" -C "$CONF" -q
	assert_success
	maildir_wait 2
	[ "$(delivered auth2)" -eq 1 ]
}

@test "larger than the server takes: 69 and not queued while new; queued after it delivered there" {
	big=$BATS_TEST_TMPDIR/big
	{
		mail_with big
		head -c 11000000 /dev/zero | tr '\0' 'x' | fold -w 76
	} >"$big"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$big"
	assert_failure 69
	assert_output --partial "bote: not queued:"
	[ "$(nqueued)" -eq 0 ]
	first_delivery
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$big"
	assert_success
	assert_output --partial "queued as"
	[ "$(nqueued)" -eq 1 ]
}

@test "untrusted certificate, the account never delivered there: 78, the fix named, nothing queued" {
	wrong_ca
	MARK=cert1 send
	assert_failure 78
	assert_output --partial "tls_trust_file"
	assert_output --partial "bote: not queued: account default has never delivered through 127.0.0.1 port $TESTBED_STARTTLS_PORT, so this needs a change of configuration, not a retry"
	[ "$(nqueued)" -eq 0 ]
}

@test "untrusted certificate after the account delivered there: queued, said on every run, sent once fixed" {
	first_delivery
	wrong_ca
	MARK=cert2 send
	assert_success
	assert_output --partial "queued as"
	assert_output --partial "account default delivered through this server before, so the server changed: will retry"
	[ "$(nqueued)" -eq 1 ]
	# Not a deferral to keep quiet about: the periodic run says it.
	run "$BOTE" -C "$CONF" -q --due
	run "$BOTE" -C "$CONF" -q
	assert_success
	assert_output --partial ": deferred: "
	[ "$(nqueued)" -eq 1 ]
	run "$BOTE" -C "$CONF" -bp
	assert_output --partial "tls_trust_file"
	right_ca
	run "$BOTE" -C "$CONF" -q
	assert_success
	maildir_wait 2
	[ "$(delivered cert2)" -eq 1 ]
	[ "$(nqueued)" -eq 0 ]
}

@test "the record of a server is per account, host and port: another port is new again" {
	first_delivery
	# The same account name pointed at the implicit-TLS port.
	sed -i "s/^port $TESTBED_STARTTLS_PORT\$/port $TESTBED_TLS_PORT/; s/^tls_starttls on/tls_starttls off/" "$CONF"
	wrong_ca
	MARK=cert3 send
	assert_failure 78
	[ "$(nqueued)" -eq 0 ]
	# The queue directory holds the records: one file per server.
	[ "$(ls "$QDIR/known" | wc -l)" -eq 1 ]
}

@test "STARTTLS to the implicit-TLS port, never delivered there: 76 within seconds, the fix named, nothing queued" {
	sed -i "s/^port $TESTBED_STARTTLS_PORT\$/port $TESTBED_TLS_PORT/" "$CONF"
	MARK=mode1 run timeout 20 "$BOTE" -C "$CONF" -i rcpt@example.org \
	    < <(mail_with mode1)
	[ "$status" -ne 124 ] || fail "waited for the greeting"
	assert_failure 76
	assert_output --partial "speaks TLS at once (implicit TLS), not SMTP with STARTTLS: set tls_starttls off"
	assert_output --partial "bote: not queued:"
	[ "$(nqueued)" -eq 0 ]
}

@test "implicit TLS to the STARTTLS port after the account delivered there: queued, not lost" {
	# Delivered once through the STARTTLS port as account "default"
	# with implicit TLS set by mistake later: the same host and port.
	first_delivery
	sed -i "s/^tls_starttls on/tls_starttls off/" "$CONF"
	MARK=mode2 send
	assert_success
	assert_output --partial "speaks plain SMTP first"
	assert_output --partial "queued as"
	[ "$(nqueued)" -eq 1 ]
	sed -i "s/^tls_starttls off/tls_starttls on/" "$CONF"
	run "$BOTE" -C "$CONF" -q
	assert_success
	maildir_wait 2
	[ "$(delivered mode2)" -eq 1 ]
}
