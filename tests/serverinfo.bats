#!/usr/bin/env bats
# -S, --serverinfo: what the account's server says about itself, against
# the Postfix testbed (tests/helpers/testbed.bash) and the scripted server
# (tests/fixtures/smtpscript). It must never authenticate nor send mail,
# and still show the certificate when verification fails (exit 75).

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library certs.bash
bats_load_library testbed.bash
bats_load_library smtpscript.bash

setup_file() {
	testbed_setup_file
	cert_corpus
}

setup() {
	CONF=$BATS_TEST_TMPDIR/bote.conf
	S=$BATS_TEST_TMPDIR/script
}

si() {
	run timeout 20 "$BOTE" -C "$CONF" "$@"
}

# --- against Postfix ----------------------------------------------------------

@test "Postfix STARTTLS port: greeting, keywords before and after TLS, chain, pin line" {
	bote_conf "$CONF"
	local before
	before=$(maildir_count)
	si --serverinfo
	assert_success
	assert_line --regexp '^SMTP server at 127\.0\.0\.1, port [0-9]+, STARTTLS$'
	assert_line --regexp '^Greeting: 220 '
	assert_line 'Before TLS, the server offers:'
	assert_line '    STARTTLS'
	assert_line 'After TLS, the server offers:'
	# Postfix offers AUTH only after TLS; every mechanism spelled out.
	assert_line --regexp '^    AUTH .*\(mechanisms: .*PLAIN.*\)$'
	assert_line --regexp '^    AUTH .*(mechanisms: .*LOGIN.*)$'
	assert_line '    SIZE 10240000 (messages up to 10240000 bytes, 9.8 MiB)'
	assert_line --regexp '^    version: +TLS1\.[23]$'
	assert_line --regexp '^    cipher suite: +TLS_'
	assert_line --regexp '^    key exchange: +'
	assert_line --regexp '^  1\. subject: +CN=localhost'
	assert_line --regexp '^     issuer: +CN=bote test CA'
	assert_line --regexp '^     valid from: +[0-9]{4}-[0-9]{2}-[0-9]{2} '
	assert_line --regexp '^     valid until: +[0-9]{4}-'
	assert_line '     names:       DNS:localhost, IP:127.0.0.1'
	local fp
	fp=$(cert_sha256 "$TESTBED_CERTS/server.pem" | colons)
	assert_line "     SHA-256:     $fp"
	assert_line --regexp '^Verification: passed'
	assert_line "    tls_fingerprint $fp"
	# Before TLS there is no AUTH (Postfix: smtpd_tls_auth_only).
	run sed -n '/^Before TLS/,/^TLS session/p' <<<"$output"
	refute_output --partial 'AUTH'
	# Nothing was sent.
	assert_equal "$(maildir_count)" "$before"
}

@test "Postfix implicit TLS port: no 'before TLS' section" {
	bote_conf "$CONF"
	si -S -a tls
	assert_success
	assert_line --regexp ', implicit TLS$'
	refute_line 'Before TLS, the server offers:'
	assert_line 'After TLS, the server offers:'
	assert_line --regexp '^Verification: passed'
}

@test "Postfix plain port with tls off: keywords, no TLS section" {
	bote_conf "$CONF"
	si -S -a plain
	assert_success
	assert_line --regexp ', no TLS \(tls off\)$'
	assert_line 'The server offers:'
	refute_line 'TLS session:'
}

@test "the pasted tls_fingerprint line works with no CA at all" {
	bote_conf "$CONF"
	si -S
	assert_success
	local pin
	pin=$(grep -E '^    tls_fingerprint ' <<<"$output" | sed 's/^ *//')
	[ -n "$pin" ]
	# A trust file that does not vouch for the server; the pin must.
	bote_conf "$CONF" "tls_trust_file $CORPUS/ca.pem" "$pin"
	maildir_clear
	printf 'Subject: pinned\n\nBODY-PINNED\n' |
		run timeout 20 "$BOTE" -C "$CONF" "$TESTBED_USER"
	assert_success
	maildir_wait 1
	run maildir_last
	assert_output --partial 'BODY-PINNED'
}

# --- against the scripted server ----------------------------------------------

ehlo_script() {
	printf '%s\n' 'send 220 mx.test ESMTP smtpscript' \
		'expect EHLO' \
		'send 250-mx.test\r\n250-PIPELINING\r\n250-SIZE 0\r\n250-STARTTLS\r\n250 8BITMIME' \
		'expect STARTTLS' 'send 220 2.0.0 Ready to start TLS' \
		'starttls' \
		'expect EHLO' \
		'send 250-mx.test\r\n250-SIZE 35882577\r\n250-AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2\r\n250-AUTH=LOGIN\r\n250-X-\x1b[31mEVIL\r\n250 SMTPUTF8' \
		'expect QUIT' 'send 221 bye' >"$S"
}

@test "scripted server: EHLO, STARTTLS, EHLO, QUIT and nothing else; keywords spelled out" {
	ehlo_script
	script_start "$S" --tls-cert "$CORPUS/good"
	script_conf "$CONF" "tls_trust_file $CORPUS/ca.pem"
	si -S
	assert_success
	assert_line '    SIZE 0 (no size limit announced)'
	assert_line '    SIZE 35882577 (messages up to 35882577 bytes, 34.2 MiB)'
	assert_line '    AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2 (mechanisms: PLAIN, LOGIN, CRAM-MD5, XOAUTH2)'
	assert_line '    AUTH=LOGIN (mechanisms: LOGIN)'
	# A hostile keyword cannot write escape sequences to the terminal.
	assert_line '    X-?[31mEVIL'
	assert_line '    SMTPUTF8'
	script_wait
	run tr -d '\r' <"$SCRIPT_RECORD"
	assert_output "$(printf '%s\n' 'EHLO localhost' STARTTLS '<<TLS>>' \
		'EHLO localhost' QUIT)"
}

@test "untrusted certificate: the chain and the reason are shown, 75, nothing sent after TLS" {
	ehlo_script
	script_start "$S" --tls-cert "$CORPUS/unknownca"
	script_conf "$CONF" "tls_trust_file $CORPUS/ca.pem"
	si -S
	assert_failure 75
	assert_line --regexp '^  1\. subject: +CN=localhost'
	assert_line --regexp '^     issuer: +CN=bote rogue CA'
	assert_line --regexp '^Verification: FAILED: unknown issuer'
	assert_line "    tls_fingerprint $(corpus_sha256 unknownca | colons)"
	refute_line 'After TLS, the server offers:'
	assert_output --partial 'bote: TLS failed: unknown issuer'
	script_wait || true
	run tr -d '\r' <"$SCRIPT_RECORD"
	assert_output "$(printf '%s\n' 'EHLO localhost' STARTTLS '<<TLS>>')"
}

@test "expired certificate: shown with its dates, verification names the date" {
	ehlo_script
	script_start "$S" --tls-cert "$CORPUS/expired"
	script_conf "$CONF" "tls_trust_file $CORPUS/ca.pem"
	si -S
	assert_failure 75
	assert_line --regexp '^Verification: FAILED: expired: .* expired on [0-9]{4}-'
}

@test "tls_certcheck off: verification is reported as none, with the warning" {
	ehlo_script
	script_start "$S" --tls-cert "$CORPUS/wrongname"
	script_conf "$CONF" "tls_certcheck off"
	si -S
	assert_success
	assert_line 'Verification: none (tls_certcheck off)'
	assert_output --partial 'WARNING: tls_certcheck is off'
}

@test "tls_fingerprint pin: verification says the pin matched" {
	ehlo_script
	script_start "$S" --tls-cert "$CORPUS/unknownca"
	script_conf "$CONF" \
	    "tls_fingerprint $(corpus_sha256 unknownca | colons)"
	si -S
	assert_success
	assert_line 'Verification: passed (the certificate matches tls_fingerprint)'
}

@test "tls_host_override is the name checked by --serverinfo" {
	ehlo_script
	script_start "$S" --tls-cert "$CORPUS/wildcard"
	script_conf "$CONF" "tls_trust_file $CORPUS/ca.pem" \
		"tls_host_override mx.example.test"
	si -S
	assert_success
	assert_line --regexp '^Verification: passed .*mx\.example\.test'
}

@test "STARTTLS not offered: what was seen is shown, then 75" {
	printf '%s\n' 'send 220 mx.test ESMTP smtpscript' 'expect EHLO' \
		'send 250-mx.test\r\n250 PIPELINING' >"$S"
	script_start "$S"
	script_conf "$CONF"
	si -S
	assert_failure 75
	assert_line 'Greeting: 220 mx.test ESMTP smtpscript'
	assert_line '    PIPELINING'
	assert_output --partial 'does not offer STARTTLS'
	script_wait || true
	run tr -d '\r' <"$SCRIPT_RECORD"
	assert_output 'EHLO localhost'
}

@test "nothing listening: 75" {
	local port
	port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	SCRIPT_PORT=$port script_conf "$CONF"
	si -S
	assert_failure 75
	assert_output --partial 'connect'
}

@test "-v shows the probe's dialogue" {
	ehlo_script
	script_start "$S" --tls-cert "$CORPUS/good"
	script_conf "$CONF" "tls_trust_file $CORPUS/ca.pem"
	si -S -v
	assert_success
	assert_line 'bote: --> STARTTLS'
	assert_line --regexp '^bote: TLS established: '
}

@test "certificate fields with control bytes are shown with ? (subject, issuer, name mismatch)" {
	# A self-signed certificate whose CN holds ESC, BEL and a UTF-8
	# encoded C1 control (U+009B, CSI): a server controls these bytes.
	local c=$BATS_TEST_TMPDIR/evil
	certtool --generate-privkey --key-type=ecdsa \
	    --outfile "$c-key.pem" 2>/dev/null
	printf 'cn = "evil\033]0;pwned\007\302\233x"\nexpiration_days = 10\n' \
	    >"$c.tmpl"
	printf 'signing_key\nencryption_key\ntls_www_server\n' >>"$c.tmpl"
	certtool --generate-self-signed --load-privkey "$c-key.pem" \
	    --template "$c.tmpl" --outfile "$c.pem" 2>/dev/null
	ehlo_script
	script_start "$S" --tls-cert "$c"
	script_conf "$CONF" "tls_trust_file $c.pem"
	si -S
	assert_failure 75
	assert_line --partial '  1. subject:     CN=evil?]0\;pwned??x'
	assert_line --partial '     issuer:      CN=evil?]0\;pwned??x'
	assert_output --partial 'not for 127.0.0.1'
	assert_output --partial 'the server certificate is for CN=evil?]0\;pwned??x, not for'
	run grep -c "$(printf '[\033\007]')" <<<"$output"
	assert_output 0
	run grep -c "$(printf '\302\233')" <<<"$output"
	assert_output 0
}
