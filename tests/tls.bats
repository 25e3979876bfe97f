#!/usr/bin/env bats
# Certificate checks and TLS settings, against the scripted server
# (tests/fixtures/smtpscript) presenting certificates of a corpus made at
# test time (tests/fixtures/mkcerts-corpus). Every refusal must fail, say
# why in words, and send nothing after the handshake: no EHLO after TLS,
# no AUTH, no MAIL. A certificate the server's administrator must fix
# (expired, not yet valid, revoked) exits 75; one that only a setting of
# ours accepts (untrusted, another name, not the pin: o->setup
# SETUP_CERT, seen through tests/unit/smtp_setup) exits as the queue
# policy for such failures says, which these tests leave to cli/.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library bote.bash
bats_load_library certs.bash
bats_load_library smtpscript.bash

setup_file() {
	cert_corpus
}

setup() {
	S=$BATS_TEST_TMPDIR/script
	CONF=$BATS_TEST_TMPDIR/bote.conf
	MSG=$BATS_TEST_TMPDIR/msg
	printf '%s\n' 'From: sender@example.org' 'To: rcpt@example.net' \
		'Subject: bote tls test' '' 'BODY-MARKER' >"$MSG"
}

# The dialogue up to TLS, then a permissive server.
ok_script() {
	printf '%s\n' 'send 220 mx.test ESMTP smtpscript' \
		'expect EHLO' \
		'send 250-mx.test\r\n250-PIPELINING\r\n250 STARTTLS' \
		'expect STARTTLS' 'send 220 2.0.0 Ready to start TLS' \
		'starttls' 'auto' >"$S"
}

# start CERT [config directives...]: the server with corpus/CERT.pem, and
# a configuration trusting the corpus CA.
start() {
	local cert=$1
	shift
	ok_script
	script_start "$S" --tls-cert "$CORPUS/$cert" ${CLIENT_CA:+--client-ca "$CLIENT_CA"}
	script_conf "$CONF" "tls_trust_file $CORPUS/ca.pem" "$@"
}

# Delivered: the message went out after TLS.
assert_delivered() {
	script_wait || true
	if ! grep -a -q '^BODY-MARKER' "$SCRIPT_RECORD"; then
		show_record
		fail "the message was not sent"
	fi
}

# Refused at the handshake: 75 (with "setup": any failure, the status is
# the queue policy's), and nothing but EHLO and STARTTLS sent.
assert_refused() {
	local after
	if [ "${1:-}" = setup ]; then
		# Queue off: a setup failure (bote.1, EXIT STATUS).
		assert_failure 78
	else
		assert_failure 75
	fi
	script_wait || true
	after=$(sed -n '/^<<TLS/,$p' "$SCRIPT_RECORD" | grep -a -v '^<<TLS' |
		tr -d '\r' || true)
	if [ -n "$after" ]; then
		show_record
		fail "sent after the handshake: $after"
	fi
	if grep -a -q -i -E '^(AUTH|MAIL|RCPT|DATA)' "$SCRIPT_RECORD"; then
		show_record
		fail "sent AUTH, MAIL, RCPT or DATA"
	fi
	refute_output --partial 'WARNING'
}

# setup_class CERT [smtp_setup options...]: the engine's o->setup for a
# session to the server presenting corpus/CERT (a server of its own).
setup_class() {
	local cert=$1
	shift
	ok_script
	script_start "$S" --tls-cert "$cert"
	run "$TOP_BUILDDIR/tests/unit/smtp_setup" -T "$CORPUS/ca.pem" -t 5 \
		"$@" "$SCRIPT_PORT"
	script_stop
}

# The date of a certificate field in bote's format.
cert_date() {
	local d
	d=$(certtool -i --infile "$CORPUS/$1.pem" |
		sed -n "s/^.*$2: //p" | head -n 1)
	date -u -d "$d" '+%Y-%m-%d %H:%M:%S UTC'
}

# --- the CA checks ------------------------------------------------------------

@test "a certificate from the trusted CA with the right names: delivered" {
	start good
	run_bote
	assert_success
	assert_delivered
}

@test "expired certificate: 75, 'expired' with the notAfter date" {
	start expired
	run_bote
	assert_refused
	assert_output --partial "expired"
	assert_output --partial "$(cert_date expired 'Not After')"
	assert_output --partial "notAfter"
}

@test "certificate not yet valid: 75, 'not yet valid' with the notBefore date" {
	start notyet
	run_bote
	assert_refused
	assert_output --partial "not yet valid"
	assert_output --partial "$(cert_date notyet 'Not Before')"
	assert_output --partial "notBefore"
}

@test "certificate from an unknown CA: refused, 'unknown issuer' naming it" {
	start unknownca
	run_bote
	assert_refused setup
	assert_output --partial "unknown issuer"
	assert_output --partial "CN=bote rogue CA"
	assert_output --partial "tls_trust_file"
}

@test "revoked certificate with tls_crl_file: 75, 'revoked'" {
	start revoked "tls_crl_file $CORPUS/crl.pem"
	run_bote
	assert_refused
	assert_output --partial "revoked"
}

@test "the same revoked certificate without a CRL: delivered" {
	start revoked
	run_bote
	assert_success
	assert_delivered
}

@test "tls_crl_file that does not revoke the server's certificate: delivered" {
	start good "tls_crl_file $CORPUS/crl.pem"
	run_bote
	assert_success
	assert_delivered
}

@test "tls_crl_file that is not a CRL: 78 at its line, before connecting" {
	start good "tls_crl_file $CORPUS/good.pem"
	run_bote
	assert_failure 78
	assert_output --regexp 'bote.conf:[0-9]+: .*CRL'
	[ ! -s "$SCRIPT_RECORD" ] || { show_record; fail "connected"; }
}

# --- host names (RFC 9525) ------------------------------------------------------

@test "wrong name: refused, 'name mismatch' naming both names" {
	start wrongname
	run_bote
	assert_refused setup
	assert_output --partial "name mismatch"
	assert_output --partial "DNS:wrong.example"
	assert_output --partial "127.0.0.1"
}

@test "IP literal host against an iPAddress SAN: delivered" {
	start ipsan
	run_bote
	assert_success
	assert_delivered
}

@test "IP literal host is never matched against a dNSName or the CN: refused" {
	# CN=127.0.0.1 and DNS:127.0.0.1, no iPAddress.
	start ipdns
	run_bote
	assert_refused setup
	assert_output --partial "name mismatch"
	assert_output --partial "IP address only matches IP"
}

@test "a DNS name is not matched against an iPAddress SAN" {
	start ipsan "tls_host_override localhost"
	run_bote
	assert_refused setup
	assert_output --partial "name mismatch"
	assert_output --partial "IP:127.0.0.1"
}

@test "tls_host_override: the override is checked, and sent as SNI" {
	start wrongname "tls_host_override wrong.example"
	run_bote
	assert_success
	assert_delivered
}

@test "wildcard *.example.test matches a.example.test" {
	start wildcard "tls_host_override a.example.test"
	run_bote
	assert_success
	assert_delivered
}

@test "wildcard *.example.test does not match example.test" {
	start wildcard "tls_host_override example.test"
	run_bote
	assert_refused setup
	assert_output --partial "name mismatch"
	assert_output --partial "DNS:*.example.test"
	assert_output --partial "example.test"
}

@test "wildcard *.example.test does not match a.b.example.test" {
	start wildcard "tls_host_override a.b.example.test"
	run_bote
	assert_refused setup
	assert_output --partial "name mismatch"
}

@test "partial wildcard f*.example.test never matches foo.example.test" {
	start partialwild "tls_host_override foo.example.test"
	run_bote
	assert_refused setup
	assert_output --partial "name mismatch"
}

@test "CN-only certificate: refused even though the CN matches (RFC 9525 6.3)" {
	start cnonly "tls_host_override localhost"
	run_bote
	assert_refused setup
	assert_output --partial "the certificate of localhost names it only in its CN, which RFC 9525 no longer accepts; ask for a certificate with a subjectAltName, or pin it with tls_fingerprint (bote --serverinfo shows it)"
	refute_output --partial "name mismatch"
	assert_equal "$(grep -c 'RFC 9525' <<<"$output")" 1
}

@test "CN-only certificate pinned with tls_fingerprint: delivered" {
	start cnonly "tls_host_override localhost" \
		"tls_fingerprint $(corpus_sha256 cnonly | colons)"
	run_bote
	assert_success
	assert_delivered
}

@test "CN-only certificate for another name: refused, name mismatch" {
	start cnonly "tls_host_override other.example"
	run_bote
	assert_refused setup
	assert_output --partial "name mismatch"
	assert_output --partial "CN=localhost"
}

@test "CN matches but the SANs do not: refused (no CN fallback with SANs)" {
	start sancn "tls_host_override localhost"
	run_bote
	assert_refused setup
	assert_output --partial "name mismatch"
	assert_output --partial "DNS:other.example"
}

@test "self-signed certificate: refused, 'self-signed' and the pin as the fix" {
	ok_script
	script_start "$S" --tls-cert "$(script_certs)/untrusted"
	script_conf "$CONF" "tls_trust_file $CORPUS/ca.pem"
	run_bote
	assert_refused setup
	assert_output --regexp 'self-signed: the certificate of 127\.0\.0\.1 \("[^"]*"\) is signed by itself, not by a CA in [^;]*ca\.pem; pin it with tls_fingerprint \(bote --serverinfo shows it\), or add it to tls_trust_file'
}

@test "o->setup: SETUP_CERT for untrusted, self-signed, another name, CN-only, not the pin" {
	local c
	for c in "$CORPUS/unknownca" "$CORPUS/wrongname" \
	    "$(script_certs)/untrusted"; do
		setup_class "$c"
		assert_failure 1
		assert_line "setup SETUP_CERT"
	done
	setup_class "$CORPUS/cnonly" -o localhost
	assert_line "setup SETUP_CERT"
	assert_line --partial "why the certificate of localhost names it only in its CN"
	setup_class "$CORPUS/good" -f "$(corpus_sha256 expired)"
	assert_line "setup SETUP_CERT"
	assert_line --partial "why fingerprint mismatch"
	setup_class "$CORPUS/good"
	assert_success
	assert_line "setup SETUP_NONE"
}

@test "o->setup: SETUP_NONE for expired and not yet valid (the server must act)" {
	local c
	for c in expired notyet; do
		setup_class "$CORPUS/$c"
		assert_failure 1
		assert_line "setup SETUP_NONE"
		assert_line --partial "why $([ $c = expired ] && echo expired ||
			echo 'not yet valid'):"
	done
}

# --- fingerprint pins ---------------------------------------------------------

@test "tls_fingerprint right (SHA-256 with colons): delivered without any CA" {
	# The certificate's CA is trusted by nobody: the pin replaces it.
	start unknownca "tls_fingerprint $(corpus_sha256 unknownca | colons)"
	run_bote
	assert_success
	assert_delivered
	refute_output --partial "warning"
}

@test "tls_fingerprint right (lower case, no colons): delivered" {
	start unknownca "tls_fingerprint $(corpus_sha256 unknownca)"
	run_bote
	assert_success
	assert_delivered
}

@test "tls_fingerprint wrong: refused, both fingerprints shown" {
	start good "tls_fingerprint $(corpus_sha256 expired | colons)"
	run_bote
	assert_refused setup
	assert_output --partial "fingerprint mismatch"
	assert_output --partial "$(corpus_sha256 expired | colons)"
	assert_output --partial "$(corpus_sha256 good | colons)"
	assert_output --partial "bote --serverinfo"
	# One piece of advice, the certificate's own; no generic hint.
	refute_output --partial "check the server's TLS setup"
}

@test "tls_fingerprint as SHA-1: accepted with a one-line deprecation warning" {
	local fp
	fp=$(certtool --fingerprint --hash=sha1 --infile "$CORPUS/good.pem" \
		2>/dev/null | tr -d ' \n' | colons)
	start good "tls_fingerprint $fp"
	run_bote
	assert_success
	assert_delivered
	assert_output --partial "SHA-1"
	assert_output --partial "deprecated"
	assert_equal "$(grep -c 'SHA-1' <<<"$output")" 1
}

@test "tls_fingerprint as MD5: 78, with the fix, before connecting" {
	start good "tls_fingerprint 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF"
	run_bote
	assert_failure 78
	assert_output --partial "MD5"
	assert_output --partial "run bote --serverinfo to get the SHA-256 fingerprint"
	[ ! -s "$SCRIPT_RECORD" ] || { show_record; fail "connected"; }
}

@test "tls_fingerprint malformed: 78 at its line" {
	start good "tls_fingerprint 00:11:ZZ"
	run_bote
	assert_failure 78
	assert_output --regexp 'bote.conf:[0-9]+: tls_fingerprint needs a SHA-256'
}

# --- client certificates ----------------------------------------------------

@test "client certificate required: tls_cert_file and tls_key_file are sent" {
	CLIENT_CA=$CORPUS/ca.pem start good \
		"tls_cert_file $CORPUS/client.pem" \
		"tls_key_file $CORPUS/client-key.pem"
	run_bote
	assert_success
	assert_delivered
	run script_log
	assert_output --partial "client certificate: "
	assert_output --partial "commonName=bote test client"
}

@test "AUTH EXTERNAL with the client certificate: no user, no password" {
	printf '%s\n' 'send 220 mx.test ESMTP smtpscript' \
		'expect EHLO' \
		'send 250-mx.test\r\n250-PIPELINING\r\n250 STARTTLS' \
		'expect STARTTLS' 'send 220 2.0.0 Ready to start TLS' \
		'starttls' 'expect EHLO' \
		'send 250-mx.test\r\n250-PIPELINING\r\n250 AUTH PLAIN EXTERNAL' \
		'expect AUTH EXTERNAL =' 'send 235 2.7.0 ok' 'auto' >"$S"
	script_start "$S" --tls-cert "$CORPUS/good" --client-ca "$CORPUS/ca.pem"
	script_conf "$CONF" "tls_trust_file $CORPUS/ca.pem" "auth external" \
		"tls_cert_file $CORPUS/client.pem" \
		"tls_key_file $CORPUS/client-key.pem"
	sed -i '/^user /d; /^password /d' "$CONF"
	run_bote
	assert_success
	assert_delivered
	run script_log
	assert_output --partial "commonName=bote test client"
}

@test "client certificate required but none configured: 75, nothing sent" {
	CLIENT_CA=$CORPUS/ca.pem start good
	run_bote
	assert_failure 75
	refute_output --partial "WARNING"
	script_wait || true
	if grep -a -q -i -E '^(AUTH|MAIL|RCPT|DATA)' "$SCRIPT_RECORD"; then
		show_record
		fail "sent AUTH, MAIL, RCPT or DATA"
	fi
	refute_output --partial "client certificate: "
}

@test "tls_cert_file without tls_key_file: 78" {
	start good "tls_cert_file $CORPUS/client.pem"
	run_bote
	assert_failure 78
	assert_output --partial "tls_cert_file and tls_key_file go together"
}

@test "tls_key_file that does not fit tls_cert_file: 78 naming the files" {
	start good "tls_cert_file $CORPUS/client.pem" \
		"tls_key_file $CORPUS/good-key.pem"
	run_bote
	assert_failure 78
	assert_output --partial "client.pem"
}

# --- priorities, certcheck off ------------------------------------------------

@test "tls_priorities forcing TLS 1.2: -v shows TLS1.2" {
	start good "tls_priorities NORMAL:-VERS-ALL:+VERS-TLS1.2"
	run_bote -v rcpt@example.net
	assert_success
	assert_output --partial "TLS established: (TLS1.2)"
	assert_delivered
}

@test "tls_priorities GnuTLS rejects: 78 naming the position" {
	start good "tls_priorities NORMAL:+NO-SUCH-THING"
	run_bote
	assert_failure 78
	assert_output --regexp 'bote.conf:[0-9]+: tls_priorities: .*at character 8'
	[ ! -s "$SCRIPT_RECORD" ] || { show_record; fail "connected"; }
}

@test "tls_certcheck off: a loud warning, and an untrusted certificate works" {
	start unknownca "tls_certcheck off"
	run_bote
	assert_success
	assert_delivered
	assert_output --partial "WARNING: tls_certcheck is off"
}

@test "tls_nocertcheck (msmtp's spelling): the same warning" {
	start wrongname "tls_nocertcheck"
	run_bote
	assert_success
	assert_delivered
	assert_output --partial "WARNING: tls_certcheck is off"
}

@test "tls_certcheck off with a tls_fingerprint: 78, they contradict" {
	start good "tls_certcheck off" "tls_fingerprint $(corpus_sha256 good)"
	run_bote
	assert_failure 78
	assert_output --partial "contradict"
}
