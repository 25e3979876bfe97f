#!/usr/bin/env bats
# SMTP AUTH with every mechanism: against the real Dovecot SASL
# behind the testbed's Postfix where Dovecot has the mechanism (PLAIN,
# LOGIN, CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256), and against the scripted
# server's SASL side (tests/fixtures/smtpscript, directive "sasl") for the
# rest: SCRAM-*-PLUS, XOAUTH2, OAUTHBEARER, EXTERNAL, and the ways an
# exchange must fail.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library bote.bash
bats_load_library testbed.bash
bats_load_library smtpscript.bash

setup() {
	CONF=$BATS_TEST_TMPDIR/conf
	MSG=$BATS_TEST_TMPDIR/msg
	S=$BATS_TEST_TMPDIR/script
	printf 'From: %s\nTo: rcpt@example.org\nSubject: auth %s\n\nauth body %s\n' \
	    "${TESTBED_USER:-x}" "$BATS_TEST_NUMBER" "$BATS_TEST_NUMBER" >"$MSG"
	# The scripted runs (run_bote) trace, for the mechanism and redaction.
	BOTE_OPTS=(-v)
}

# --- the real Dovecot -------------------------------------------------------

# testbed_send METHOD: send $MSG with "auth METHOD" over STARTTLS with -v,
# check the mechanism in the trace and the message in the Maildir.
testbed_send() {
	maildir_clear
	bote_conf "$CONF"
	sed -i "s/^auth on\$/auth $1/" "$CONF"
	run "$BOTE" -C "$CONF" -v -i rcpt@example.org <"$MSG"
	assert_success
	assert_line --partial -- "--> AUTH $2 <redacted>"
	refute_output --partial "$TESTBED_PASSWORD"
	maildir_wait 1
	run maildir_last
	assert_output --partial "auth body $BATS_TEST_NUMBER"
}

@test "Dovecot: auth plain" {
	testbed_send plain PLAIN
}

@test "Dovecot: auth login" {
	maildir_clear
	bote_conf "$CONF"
	sed -i 's/^auth on$/auth login/' "$CONF"
	run "$BOTE" -C "$CONF" -v -i rcpt@example.org <"$MSG"
	assert_success
	# LOGIN has no initial response: user and password follow 334s.
	assert_line --partial -- "--> AUTH LOGIN"
	assert_line --partial -- "--> <redacted>"
	refute_output --partial "$TESTBED_PASSWORD"
	maildir_wait 1
}

@test "Dovecot: auth cram-md5" {
	maildir_clear
	bote_conf "$CONF"
	sed -i 's/^auth on$/auth cram-md5/' "$CONF"
	run "$BOTE" -C "$CONF" -v -i rcpt@example.org <"$MSG"
	assert_success
	assert_line --partial -- "--> AUTH CRAM-MD5"
	assert_line --partial -- "--> <redacted>"
	maildir_wait 1
}

@test "Dovecot: auth scram-sha-1" {
	testbed_send scram-sha-1 SCRAM-SHA-1
}

@test "Dovecot: auth scram-sha-256" {
	testbed_send scram-sha-256 SCRAM-SHA-256
}

@test "Dovecot: auth on picks SCRAM-SHA-256, over implicit TLS too" {
	maildir_clear
	bote_conf "$CONF"
	run "$BOTE" -C "$CONF" -a tls -v -i rcpt@example.org <"$MSG"
	assert_success
	assert_line --partial -- "--> AUTH SCRAM-SHA-256 <redacted>"
	maildir_wait 1
}

@test "Dovecot: a wrong password with SCRAM is 77, nothing delivered" {
	# A new account: nothing queued (bote.1, EXIT STATUS).
	fresh_queue
	maildir_clear
	bote_conf "$CONF"
	sed -i 's/^password .*/password wrong-password/' "$CONF"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_equal "$status" 77
	assert_output --partial "535"
	refute_output --partial "wrong-password"
	sleep 0.5
	run maildir_count
	assert_output 0
}

# --- the scripted server ----------------------------------------------------

# Greeting, EHLO, STARTTLS, and EHLO after TLS offering AUTH $1.
tls_prelude() {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250 STARTTLS' \
	  'expect STARTTLS' 'send 220 2.0.0 go ahead' 'starttls' \
	  'expect EHLO' "send 250-mx.test\\r\\n250 AUTH $1"
}

# The rest of a successful transaction without PIPELINING.
tx_ok() {
	s 'expect MAIL' 'send 250 2.1.0 Ok' 'expect RCPT' 'send 250 2.1.5 Ok' \
	  'expect DATA' 'send 354 go' 'expect-data' 'send 250 2.0.0 queued' \
	  'expect QUIT' 'send 221 bye'
}

@test "SCRAM-SHA-256 against the scripted server; the trace redacts it" {
	{ tls_prelude 'PLAIN SCRAM-SHA-256'; s 'sasl SCRAM-SHA-256 u p'; tx_ok; } >"$S"
	script_start "$S"
	script_conf "$CONF"
	run_bote
	assert_success
	assert_line --partial -- "--> AUTH SCRAM-SHA-256 <redacted>"
	script_wait || { script_log; fail "the dialogue differed"; }
}

@test "SCRAM-SHA-1-PLUS over TLS 1.2 binds tls-unique" {
	{ tls_prelude 'SCRAM-SHA-1 SCRAM-SHA-1-PLUS PLAIN'
	  s 'sasl SCRAM-SHA-1-PLUS u p'; tx_ok; } >"$S"
	SMTPSCRIPT_TLS12=1 script_start "$S"
	script_conf "$CONF"
	run_bote
	assert_success
	assert_line --partial -- "--> AUTH SCRAM-SHA-1-PLUS <redacted>"
	script_wait || { script_log; fail "the dialogue differed"; }
	run script_log
	assert_output --partial "tls-unique binding matches"
}

@test "SCRAM-SHA-256-PLUS over TLS 1.3 sends a tls-exporter binding" {
	{ tls_prelude 'SCRAM-SHA-256 SCRAM-SHA-256-PLUS'
	  s 'sasl SCRAM-SHA-256-PLUS u p'; tx_ok; } >"$S"
	script_start "$S"
	script_conf "$CONF" "auth scram-sha-256-plus"
	run_bote
	assert_success
	script_wait || { script_log; fail "the dialogue differed"; }
	run script_log
	assert_output --partial "gs2 header: p=tls-exporter,,"
	assert_output --partial "tls-exporter binding: 32 octets"
}

@test "SCRAM: a wrong server signature is refused with *, nothing else sent" {
	{ tls_prelude 'SCRAM-SHA-256'; s 'sasl SCRAM-SHA-256 u p badsig'; } >"$S"
	script_start "$S"
	script_conf "$CONF"
	run_bote
	assert_failure 76
	assert_output --partial "SCRAM-SHA-256"
	assert_output --partial "cancelled"
	assert_output --partial "authentication was abandoned"
	refute_output --partial "does not speak SMTP"
	run sent_lines
	assert_line "*"
	refute_output --regexp "^(MAIL|RCPT|DATA|BDAT)"
	script_wait || { script_log; fail "the dialogue differed"; }
}

@test "SCRAM: 235 without the server's signature is a failure, no MAIL" {
	{ tls_prelude 'SCRAM-SHA-1'; s 'sasl SCRAM-SHA-1 u p nov' 'expect QUIT'; } >"$S"
	script_start "$S"
	script_conf "$CONF"
	run_bote
	assert_failure 76
	assert_output --partial "without proving"
	run sent_lines
	refute_output --regexp "^(MAIL|RCPT|DATA|BDAT)"
	script_wait || { script_log; fail "the dialogue differed"; }
}

@test "XOAUTH2 sends the password as the bearer token" {
	{ tls_prelude 'XOAUTH2 PLAIN'; s 'sasl XOAUTH2 u tok3n'; tx_ok; } >"$S"
	script_start "$S"
	script_conf "$CONF" "auth xoauth2" "password tok3n"
	run_bote
	assert_success
	assert_line --partial -- "--> AUTH XOAUTH2 <redacted>"
	refute_output --partial "tok3n"
	script_wait || { script_log; fail "the dialogue differed"; }
}

@test "XOAUTH2 with a 4000-octet token (Microsoft's are long): sent after the 334" {
	local tok
	tok=ya29.$(head -c 3995 /dev/zero | tr '\0' T)
	{ tls_prelude 'XOAUTH2 PLAIN'; s "sasl XOAUTH2 u $tok"; tx_ok; } >"$S"
	script_start "$S"
	script_conf "$CONF" "auth xoauth2" "password $tok"
	run_bote
	assert_success
	refute_output --partial "$tok"
	script_wait || { script_log; fail "the dialogue differed"; }
}

@test "XOAUTH2 refused: the error challenge is answered, its status reported" {
	{ tls_prelude 'XOAUTH2'; s 'sasl XOAUTH2 u tok3n fail'; } >"$S"
	script_start "$S"
	script_conf "$CONF" "auth xoauth2" "password tok3n"
	run_bote
	assert_failure 77
	assert_output --partial "535"
	assert_output --partial "401"
	script_wait || { script_log; fail "the dialogue differed"; }
}

@test "OAUTHBEARER sends user, host, port and token" {
	{ tls_prelude 'OAUTHBEARER'; s 'sasl OAUTHBEARER u tok3n'; tx_ok; } >"$S"
	script_start "$S"
	script_conf "$CONF" "auth oauthbearer" "password tok3n"
	run_bote
	assert_success
	assert_line --partial -- "--> AUTH OAUTHBEARER <redacted>"
	script_wait || { script_log; fail "the dialogue differed"; }
}

@test "OAUTHBEARER refused: 77" {
	{ tls_prelude 'OAUTHBEARER'; s 'sasl OAUTHBEARER u tok3n fail'; } >"$S"
	script_start "$S"
	script_conf "$CONF" "auth oauthbearer" "password tok3n"
	run_bote
	assert_failure 77
	assert_output --partial "invalid_token"
	script_wait || { script_log; fail "the dialogue differed"; }
}

@test "EXTERNAL needs no user or password and sends an empty response" {
	{ tls_prelude 'EXTERNAL PLAIN'; s 'expect AUTH EXTERNAL =' \
	    'send 235 2.7.0 ok'; tx_ok; } >"$S"
	script_start "$S"
	script_conf "$CONF" "auth external"
	sed -i '/^user /d; /^password /d' "$CONF"
	run_bote
	assert_success
	script_wait || { script_log; fail "the dialogue differed"; }
}

@test "auth on with no mechanism bote picks by itself: 69, names the offer" {
	{ tls_prelude 'GSSAPI XOAUTH2 NTLM'; s 'expect QUIT'; } >"$S"
	script_start "$S"
	script_conf "$CONF"
	run_bote
	assert_failure 69
	assert_output --partial "it offers: XOAUTH2"
	run sent_lines
	refute_output --regexp "^(AUTH|MAIL)"
}

@test "an explicit method the server does not offer: 69, names both" {
	{ tls_prelude 'PLAIN LOGIN'; s 'expect QUIT'; } >"$S"
	script_start "$S"
	script_conf "$CONF" "auth cram-md5"
	run_bote
	assert_failure 69
	assert_output --partial "CRAM-MD5"
	assert_output --partial "it offers: PLAIN LOGIN"
	run sent_lines
	refute_output --regexp "^(AUTH|MAIL)"
}

@test "an undecodable 334 challenge is answered with *" {
	{ tls_prelude 'CRAM-MD5'; s 'expect AUTH CRAM-MD5' \
	    'send 334 !!not base64!!' 'expect *' \
	    'send 501 5.7.0 cancelled' 'expect QUIT'; } >"$S"
	script_start "$S"
	script_conf "$CONF" "auth cram-md5"
	run_bote
	assert_failure 76
	assert_output --partial "cancelled"
	run sent_lines
	refute_output --regexp "^(MAIL|RCPT|DATA)"
	script_wait || { script_log; fail "the dialogue differed"; }
}

@test "an initial response too long for the AUTH line follows the 334" {
	local pw
	pw=$(head -c 600 /dev/zero | tr '\0' 'p')
	{ tls_prelude 'PLAIN'; s 'expect-alone AUTH PLAIN' 'send 334 ' \
	    'expect AHUA' 'send 235 2.7.0 ok'; tx_ok; } >"$S"
	script_start "$S"
	script_conf "$CONF" "auth plain" "password $pw"
	run_bote
	assert_success
	run sent_lines
	assert_line "AUTH PLAIN"
	assert_line "$(printf '\0u\0%s' "$pw" | base64 -w0)"
	refute_output --partial "$pw"
	script_wait || { script_log; fail "the dialogue differed"; }
}

@test "with PIPELINING, AUTH PLAIN shares one write with MAIL, RCPT and DATA" {
	{ s 'send 220 mx.test ESMTP' 'expect EHLO' \
	    'send 250-mx.test\r\n250 STARTTLS' \
	    'expect STARTTLS' 'send 220 2.0.0 go ahead' 'starttls' \
	    'expect EHLO' 'send 250-mx.test\r\n250-PIPELINING\r\n250 AUTH PLAIN' \
	    'expect AUTH PLAIN' 'expect MAIL' 'expect RCPT' 'expect-alone DATA' \
	    'send 235 2.7.0 ok\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go' \
	    'expect-data' 'send 250 2.0.0 queued' 'expect QUIT'; } >"$S"
	script_start "$S"
	script_conf "$CONF" "auth plain"
	run_bote
	assert_success
	script_wait || { script_log; fail "the dialogue differed"; }
}

@test "pipelined AUTH refused but BDAT LAST accepted: the server took the message (0)" {
	# A relay that takes mail for its own domains without AUTH: once it
	# answered 250 to BDAT LAST the message is its responsibility.
	{ s 'send 220 mx.test ESMTP' 'expect EHLO' \
	    'send 250-mx.test\r\n250 STARTTLS' \
	    'expect STARTTLS' 'send 220 2.0.0 go ahead' 'starttls' \
	    'expect EHLO' \
	    'send 250-mx.test\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 AUTH PLAIN' \
	    'expect AUTH PLAIN' 'expect MAIL' 'expect RCPT' 'expect-chunk' \
	    'send 535 5.7.8 bad credentials\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.0.0 queued' \
	    'expect QUIT'; } >"$S"
	script_start "$S"
	script_conf "$CONF" "auth plain"
	run_bote
	assert_success
	assert_output --partial "accepted the message after refusing"
	script_wait || { script_log; fail "the dialogue differed"; }
}

@test "auth scram-sha-256-plus without TLS channel binding data fails clearly" {
	# With tls off there is no channel binding: nothing to bind to.
	{ s 'send 220 mx.test ESMTP' 'expect EHLO' \
	    'send 250-mx.test\r\n250 AUTH SCRAM-SHA-256-PLUS' 'expect QUIT'; } >"$S"
	script_start "$S"
	script_conf "$CONF" "tls off" "auth_cleartext on" "auth scram-sha-256-plus"
	run_bote
	assert_failure 69
	assert_output --partial "SCRAM-SHA-256-PLUS"
	run sent_lines
	refute_output --regexp "^(AUTH|MAIL)"
}
