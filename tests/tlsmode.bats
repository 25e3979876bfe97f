#!/usr/bin/env bats
# A port spoken to in the wrong TLS mode (src/smtp/tlsmode.c), against
# the Postfix testbed (tests/helpers/testbed.bash) and the scripted server
# (tests/fixtures/smtpscript): STARTTLS or plain to the port of implicit
# TLS, TLS at once to a port that greets in clear. Each must end within
# seconds, not at the greeting's deadline (timeout 200 here, and bote
# never gets 20 s), name the setting to change, and send nothing but one
# ClientHello: no EHLO, AUTH or MAIL, no message delivered.
#
# With the queue off (or an account new to the server) a wrong TLS mode
# is 76 (bote.1, EXIT STATUS; tests/setup_fail.bats has the queue's side);
# the engine's o->setup (SETUP_TLSMODE) is read through the driver
# tests/unit/smtp_setup.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library testbed.bash
bats_load_library smtpscript.bash

setup() {
	CONF=$BATS_TEST_TMPDIR/bote.conf
	MSG=$BATS_TEST_TMPDIR/msg
	S=$BATS_TEST_TMPDIR/script
	SETUP=$TOP_BUILDDIR/tests/unit/smtp_setup
	LOG=$TESTBED_DIR/log/postfix.log
	printf '%s\n' "From: $TESTBED_USER" 'To: rcpt@example.net' \
		'Subject: bote tlsmode test' '' 'BODY-MARKER' >"$MSG"
}

# conf_wrong NAME PARENT PORT: the testbed's accounts (timeout 200, queue
# off) and NAME, which is PARENT pointed at PORT.
conf_wrong() {
	bote_conf "$CONF" "timeout 200" "queue off"
	printf '\naccount %s : %s\nport %s\n' "$1" "$2" "$3" >>"$CONF"
}

# Postfix's log lines from line $MARK on, once N connections ended.
server_saw() {
	local n=$1 i
	for ((i = 0; i < 100; i++)); do
		[ "$(tail -n "+$MARK" "$LOG" | grep -c ' disconnect from ')" \
		    -ge "$n" ] && break
		sleep 0.05
	done
	tail -n "+$MARK" "$LOG"
}

# Nothing but connections: no command Postfix counted beyond an unknown
# one (a ClientHello read as a line), no AUTH, no MAIL, no message.
assert_nothing_sent() {
	local before=$1 n=$2 saw
	saw=$(server_saw "$n")
	[ "$(grep -c ' disconnect from ' <<<"$saw")" -ge "$n" ] ||
	    fail "fewer than $n connections ended: $saw"
	if grep -E ' disconnect from .*(ehlo|auth|mail|rcpt|data)=' \
	    <<<"$saw"; then
		fail "the server saw commands: $saw"
	fi
	assert_equal "$(maildir_count)" "$before"
	refute_output --partial -- '--> '
}

mark() {
	MARK=$(($(wc -l <"$LOG") + 1))
}

# --- STARTTLS or plain to the port of implicit TLS -----------------------------

@test "tls_starttls on against the implicit-TLS port: 'set tls_starttls off', found by a second connection, nothing sent" {
	conf_wrong wrong starttls "$TESTBED_TLS_PORT"
	local before
	before=$(maildir_count)
	mark
	run timeout 20 "$BOTE" -C "$CONF" -a wrong -v -i rcpt@example.net <"$MSG"
	[ "$status" -ne 124 ] || fail "still waiting for the greeting after 20 s"
	assert_failure 76
	assert_output --partial "no greeting after 3 s; checking whether port $TESTBED_TLS_PORT speaks TLS at once"
	assert_output --partial "port $TESTBED_TLS_PORT answered with TLS: it speaks TLS at once"
	assert_output --partial "TLS failed: port $TESTBED_TLS_PORT speaks TLS at once (implicit TLS), not SMTP with STARTTLS: set tls_starttls off"
	refute_output --partial "no reply within"
	# The session and the probe: two connections, no command on either.
	assert_nothing_sent "$before" 2
}

@test "tls off against the implicit-TLS port: 'set tls on and tls_starttls off'" {
	conf_wrong wrong plain "$TESTBED_TLS_PORT"
	run timeout 20 "$BOTE" -C "$CONF" -a wrong -i rcpt@example.net <"$MSG"
	[ "$status" -ne 124 ] || fail "still waiting for the greeting after 20 s"
	assert_failure 76
	assert_output --partial "port $TESTBED_TLS_PORT speaks TLS at once (implicit TLS), not plain SMTP: set tls on and tls_starttls off"
}

@test "--serverinfo with tls_starttls on against the implicit-TLS port: the same words" {
	conf_wrong wrong starttls "$TESTBED_TLS_PORT"
	run timeout 20 "$BOTE" -C "$CONF" -a wrong --serverinfo
	[ "$status" -ne 0 ]
	[ "$status" -ne 124 ] || fail "still waiting for the greeting after 20 s"
	refute_line --regexp '^Greeting:'
	assert_output --partial "port $TESTBED_TLS_PORT speaks TLS at once (implicit TLS), not SMTP with STARTTLS: set tls_starttls off"
}

@test "o->setup: SETUP_TLSMODE for STARTTLS to the implicit-TLS port, session and --serverinfo" {
	run "$SETUP" -m starttls -T "$TESTBED_CA" -t 200 "$TESTBED_TLS_PORT"
	assert_failure 1
	assert_line "setup SETUP_TLSMODE"
	run "$SETUP" -S -m starttls -T "$TESTBED_CA" -t 200 "$TESTBED_TLS_PORT"
	assert_failure 1
	assert_line "setup SETUP_TLSMODE"
	run "$SETUP" -m plain -t 200 "$TESTBED_TLS_PORT"
	assert_failure 1
	assert_line "setup SETUP_TLSMODE"
}

# --- TLS at once to a port that greets in clear ------------------------------

@test "tls_starttls off against the STARTTLS port: 'set tls_starttls on' with the greeting, nothing sent" {
	conf_wrong wrong tls "$TESTBED_STARTTLS_PORT"
	local before
	before=$(maildir_count)
	mark
	run timeout 20 "$BOTE" -C "$CONF" -a wrong -v -i rcpt@example.net <"$MSG"
	[ "$status" -ne 124 ] || fail "still in the handshake after 20 s"
	assert_failure 76
	assert_output --regexp "TLS failed: port $TESTBED_STARTTLS_PORT speaks plain SMTP first \\(it greeted \"220 [^\"]+\"\\), not TLS at once: set tls_starttls on"
	refute_output --partial "checking whether"
	assert_nothing_sent "$before" 1
}

@test "--serverinfo with tls_starttls off against the STARTTLS port: the same words" {
	conf_wrong wrong tls "$TESTBED_STARTTLS_PORT"
	run timeout 20 "$BOTE" -C "$CONF" -a wrong -S
	[ "$status" -ne 0 ]
	assert_output --regexp "port $TESTBED_STARTTLS_PORT speaks plain SMTP first \\(it greeted \"220 [^\"]+\"\\), not TLS at once: set tls_starttls on"
}

@test "o->setup: SETUP_TLSMODE for TLS at once to the STARTTLS port, session and --serverinfo" {
	run "$SETUP" -m tls -T "$TESTBED_CA" -t 200 "$TESTBED_STARTTLS_PORT"
	assert_failure 1
	assert_line "setup SETUP_TLSMODE"
	run "$SETUP" -S -m tls -T "$TESTBED_CA" -t 200 "$TESTBED_STARTTLS_PORT"
	assert_failure 1
	assert_line "setup SETUP_TLSMODE"
}

@test "the right modes still work: STARTTLS port, implicit-TLS port" {
	bote_conf "$CONF" "queue off"
	run timeout 20 "$BOTE" -C "$CONF" -a starttls -v -i rcpt@example.net <"$MSG"
	assert_success
	refute_output --partial "checking whether"
	run timeout 20 "$BOTE" -C "$CONF" -a tls -i rcpt@example.net <"$MSG"
	assert_success
}

# --- the scripted server --------------------------------------------------------

@test "a greeting held back 4 s: no TLS on the port, the greeting is waited for, delivered" {
	s 'sleep 4' 'send 220 mx.test ESMTP slow' 'expect EHLO' \
		'send 250-mx.test\r\n250 STARTTLS' 'expect STARTTLS' \
		'send 220 go ahead' 'starttls' 'auto' >"$S"
	script_start "$S"
	script_conf "$CONF" "timeout 15" "auth off"
	run timeout 20 "$BOTE" -C "$CONF" -v -i rcpt@example.net <"$MSG"
	assert_success
	assert_output --partial "no greeting after 3 s; checking whether port $SCRIPT_PORT speaks TLS at once"
	# smtpscript takes one connection: the second is refused.
	assert_output --partial "waiting for the greeting"
	assert_output --partial "<-- 220 mx.test ESMTP slow"
	run sent_lines
	assert_line 'BODY-MARKER'
}

@test "implicit TLS to a server greeting in clear with control bytes: shown as '?'" {
	s 'send 220 mx.test\x1b[2J\x07 ESMTP' 'read-all' >"$S"
	script_start "$S"
	script_conf "$CONF" "tls_starttls off"
	run timeout 20 "$BOTE" -C "$CONF" -i rcpt@example.net <"$MSG"
	[ "$status" -ne 0 ]
	assert_output --partial "(it greeted \"220 mx.test?[2J? ESMTP\"), not TLS at once: set tls_starttls on"
	run sent_lines
	refute_output --regexp '(EHLO|AUTH|MAIL)'
}

@test "implicit TLS to a port that is not SMTP either: what it sent, 'check port and host', not SETUP_TLSMODE" {
	s 'send SSH-2.0-OpenSSH_9.2p1' 'read-all' >"$S"
	script_start "$S"
	script_conf "$CONF" "tls_starttls off"
	run timeout 20 "$BOTE" -C "$CONF" -i rcpt@example.net <"$MSG"
	[ "$status" -ne 0 ]
	assert_output --partial "port $SCRIPT_PORT does not speak TLS (it sent \"SSH-2.0-OpenSSH_9.2p1\"); check port and host"
	script_stop
	script_start "$S"
	run "$SETUP" -m tls "$SCRIPT_PORT"
	assert_failure 1
	assert_line "setup SETUP_NONE"
}
