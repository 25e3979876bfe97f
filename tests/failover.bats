#!/usr/bin/env bats
# Relay failover (bote.conf(5), RELAY FAILOVER): a host line naming
# several hosts, and fallback_accounts naming further accounts of the
# same file, are tried in order when a relay cannot be reached or fails
# before the session is open. The secondary is the test Postfix (the
# delivery is read back from its Maildir, exactly once); the primary is
# the scripted server on another loopback address and the same port, or
# an address where nothing listens. No test asserts a time.

[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library testbed.bash
bats_load_library smtpscript.bash

setup() {
	QDIR=$BATS_TEST_TMPDIR/queue
	CONF=$BATS_TEST_TMPDIR/conf
	LOG=$BATS_TEST_TMPDIR/bote.log
	maildir_clear
}

teardown() {
	script_stop
	if [ -n "${BH_PID:-}" ]; then
		kill "$BH_PID" 2>/dev/null || true
		wait "$BH_PID" 2>/dev/null || true
	fi
}

# conf_with HOSTS [LINE...]: the testbed's accounts, default's host line
# replaced by HOSTS (on the STARTTLS port of the test Postfix).
conf_with() {
	local hosts=$1
	shift
	bote_conf "$CONF" "queue on" "queue_dir $QDIR" "logfile $LOG" "$@"
	cat >>"$CONF" <<-EOF
	host $hosts
	EOF
}

mail_with() {
	printf 'From: %s\nTo: rcpt@example.org\nSubject: failover %s\n' \
	    "$TESTBED_USER" "$1"
	printf 'X-Failover-Test: %s\n\nbody of %s\n' "$1" "$1"
}

delivered() {
	grep -l -x "X-Failover-Test: $1" "$TESTBED_MAILDIR"/new/* 2>/dev/null |
	    wc -l
}

nqueued() {
	find "$QDIR/q" -name '*.ctl' 2>/dev/null | wc -l
}

send() {
	run "$BOTE" -C "$CONF" "$@" -i rcpt@example.org < <(mail_with "$MARK")
}

# The primary on 127.0.0.2, the port of the test Postfix's STARTTLS.
primary() {
	script_start "$S" --listen 127.0.0.2 --port "$TESTBED_STARTTLS_PORT" "$@"
}

@test "primary refuses connections: the second host delivers, once, and the log names it" {
	conf_with 127.0.0.3,127.0.0.1
	MARK=refused send -v
	assert_success
	assert_output --partial "bote: relay 127.0.0.3 port $TESTBED_STARTTLS_PORT (account default) failed: "
	assert_output --partial "Connection refused"
	assert_output --partial "delivered through relay 127.0.0.1:$TESTBED_STARTTLS_PORT (account default)"
	maildir_wait 1
	[ "$(delivered refused)" -eq 1 ]
	[ "$(nqueued)" -eq 0 ]
	run cat "$LOG"
	assert_output --partial "host=127.0.0.3,127.0.0.1 "
	assert_output --partial " relay=127.0.0.1:$TESTBED_STARTTLS_PORT exitcode=EX_OK"
}

@test "without -v a relay that is down is not a warning: the log tells" {
	conf_with 127.0.0.3,127.0.0.1
	MARK=quiet send
	assert_success
	refute_output --partial "relay"
	maildir_wait 1
	[ "$(delivered quiet)" -eq 1 ]
}

@test "black-holed primary (accepts, never greets): passed over after failover_timeout" {
	S=$BATS_TEST_TMPDIR/script
	s 'hang' >"$S"
	primary
	conf_with 127.0.0.2,127.0.0.1 "failover_timeout 2"
	MARK=blackhole send -v
	assert_success
	assert_output --partial "relay 127.0.0.2 port $TESTBED_STARTTLS_PORT (account default) failed: "
	assert_output --partial "no reply within 2 seconds"
	assert_output --partial "delivered through relay 127.0.0.1:"
	maildir_wait 1
	[ "$(delivered blackhole)" -eq 1 ]
	# The primary heard nothing from bote.
	[ -z "$(sent_lines)" ]
}

@test "black-holed primary (accept queue full, SYN dropped): the connect gives up after failover_timeout" {
	local ready=$BATS_TEST_TMPDIR/bh.ready
	"$TOP_SRCDIR/tests/fixtures/blackhole" 127.0.0.2 \
	    "$TESTBED_STARTTLS_PORT" 30 >"$ready" 2>&1 3>&- &
	BH_PID=$!
	for _ in $(seq 1 100); do
		grep -q ready "$ready" && break
		sleep 0.05
	done
	grep -q ready "$ready"
	conf_with 127.0.0.2,127.0.0.1 "failover_timeout 2"
	MARK=synblack send -v
	assert_success
	assert_output --partial "relay 127.0.0.2 port $TESTBED_STARTTLS_PORT (account default) failed: "
	assert_output --partial "timed out"
	assert_output --partial "delivered through relay 127.0.0.1:"
	maildir_wait 1
	[ "$(delivered synblack)" -eq 1 ]
}

@test "primary answers 421 to the greeting: the second host delivers, the first saw nothing" {
	S=$BATS_TEST_TMPDIR/script
	s 'send 421 4.3.2 Service shutting down, try another' >"$S"
	primary
	conf_with 127.0.0.2,127.0.0.1
	MARK=greet421 send -v
	assert_success
	assert_output --partial "421 4.3.2 Service shutting down"
	assert_output --partial "delivered through relay 127.0.0.1:"
	maildir_wait 1
	[ "$(delivered greet421)" -eq 1 ]
	run sent_lines
	refute_output --partial "MAIL"
}

@test "fallback_accounts: a different port and TLS mode after EHLO 451 on the primary" {
	S=$BATS_TEST_TMPDIR/script
	s 'send 220 primary ESMTP' 'expect EHLO' \
	    'send 451 4.3.0 Temporarily unable' >"$S"
	script_start "$S"
	bote_conf "$CONF" "queue on" "queue_dir $QDIR" "logfile $LOG"
	cat >>"$CONF" <<-EOF

	account primary
	host 127.0.0.1
	port $SCRIPT_PORT
	tls off
	auth off
	fallback_accounts tls
	EOF
	MARK=fallback send -v -a primary
	assert_success
	assert_output --partial "relay 127.0.0.1 port $SCRIPT_PORT (account primary) failed: the server answered EHLO with: 451 4.3.0 Temporarily unable; trying 127.0.0.1 port $TESTBED_TLS_PORT (account tls)"
	assert_output --partial "delivered through relay 127.0.0.1:$TESTBED_TLS_PORT (account tls)"
	maildir_wait 1
	[ "$(delivered fallback)" -eq 1 ]
	run cat "$LOG"
	assert_output --partial " relay=127.0.0.1:$TESTBED_TLS_PORT exitcode=EX_OK"
}

@test "a certificate refused on the primary is a warning even though the secondary delivers" {
	S=$BATS_TEST_TMPDIR/script
	s 'send 220 primary ESMTP' 'expect EHLO' \
	    'send 250-primary\r\n250 STARTTLS' 'expect STARTTLS' \
	    'send 220 go ahead' 'starttls' >"$S"
	primary --tls-cert untrusted
	conf_with 127.0.0.2,127.0.0.1
	MARK=cert send
	assert_success
	assert_output --partial "bote: warning: relay 127.0.0.2 port $TESTBED_STARTTLS_PORT (account default) failed: "
	assert_output --partial "trying 127.0.0.1 port $TESTBED_STARTTLS_PORT"
	maildir_wait 1
	[ "$(delivered cert)" -eq 1 ]
	# Nothing but the handshake went to the relay that failed it.
	run sent_lines
	refute_output --partial "AUTH"
	refute_output --partial "MAIL"
}

@test "all relays down: queued with the last relay's error, then delivered by a queue run through the same failover" {
	conf_with 127.0.0.3,127.0.0.4
	MARK=alldown send
	assert_success
	assert_output --partial "queued as"
	[ "$(nqueued)" -eq 1 ]
	run "$BOTE" -C "$CONF" -bp
	assert_output --partial "127.0.0.4"
	# The first host is still down; the second is back.
	sed -i "s/^host 127.0.0.3,127.0.0.4\$/host 127.0.0.3,127.0.0.1/" "$CONF"
	run "$BOTE" -C "$CONF" -q -v
	assert_success
	assert_output --partial "relay 127.0.0.3 port $TESTBED_STARTTLS_PORT (account default) failed: "
	maildir_wait 1
	[ "$(delivered alldown)" -eq 1 ]
	[ "$(nqueued)" -eq 0 ]
	run cat "$LOG"
	assert_output --partial " relay=127.0.0.1:$TESTBED_STARTTLS_PORT queued="
}

@test "a refusal for good (554 greeting) is not failed over" {
	S=$BATS_TEST_TMPDIR/script
	s 'send 554 5.7.1 No service for you' >"$S"
	primary
	conf_with 127.0.0.2,127.0.0.1 "queue off"
	MARK=perm send
	assert_failure
	assert_output --partial "554"
	[ "$(delivered perm)" -eq 0 ]
}

@test "--pretend lists the relays in order; a fallback account must exist" {
	conf_with 127.0.0.3,127.0.0.1
	echo "fallback_accounts tls" >>"$CONF"
	run "$BOTE" -C "$CONF" --pretend
	assert_success
	assert_output --partial "relays, tried in this order"
	assert_output --partial "  1. 127.0.0.3 port $TESTBED_STARTTLS_PORT, tls starttls, account default"
	assert_output --partial "  2. 127.0.0.1 port $TESTBED_STARTTLS_PORT, tls starttls, account default"
	assert_output --partial "  3. 127.0.0.1 port $TESTBED_TLS_PORT, tls implicit, account tls"
	conf_with 127.0.0.1
	echo "fallback_accounts nosuch" >>"$CONF"
	MARK=nosuch send
	assert_failure 78
	assert_output --partial "fallback_accounts: nosuch is not another account of this file"
	[ "$(delivered nosuch)" -eq 0 ]
}

@test "--serverinfo, which fails over nothing, asks the first host of the list" {
	conf_with 127.0.0.1,127.0.0.3
	run "$BOTE" -C "$CONF" --serverinfo
	assert_success
	assert_output --partial "certificate is for 127.0.0.1)"
	refute_output --partial "127.0.0.3"
}

@test "a queue run that needs new sessions (max_per_session 1) tries the dead primary once" {
	local i
	conf_with 127.0.0.3,127.0.0.1 "max_per_session 1"
	for i in 1 2 3; do
		MARK=once$i send -odq
		assert_success
	done
	run "$BOTE" -C "$CONF" -q -v
	assert_success
	assert_equal "$(grep -c '^bote: connecting to 127.0.0.3 ' <<<"$output")" 1
	assert_equal "$(grep -c '^bote: connecting to 127.0.0.1 ' <<<"$output")" 3
	maildir_wait 3
	[ "$(nqueued)" -eq 0 ]
}
