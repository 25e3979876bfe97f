#!/usr/bin/env bats
# --check: the monitoring plugin (bote.1, MONITORING). One line on stdout,
# "BOTE STATE - text | perfdata", and the Nagios plugin exit codes: 0 OK,
# 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Against the test Postfix; the queue's
# ages come from the test clock (BOTE_TEST_TIME), never from today's date.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library certs.bash
bats_load_library testbed.bash

setup_file() {
	testbed_setup_file
	cert_corpus
}

setup() {
	CONF=$BATS_TEST_TMPDIR/bote.conf
	QDIR=$BATS_TEST_TMPDIR/queue
}

chk() {
	run timeout 30 "$BOTE" -C "$CONF" --check "$@"
}

# The one line, and nothing else on stdout.
one_line() {
	assert_equal "${#lines[@]}" 1
}

@test "--check: OK, exit 0, the session described, performance data" {
	bote_conf "$CONF"
	local before
	before=$(maildir_count)
	chk
	assert_success
	one_line
	assert_output --regexp '^BOTE OK - 127\.0\.0\.1:[0-9]+ STARTTLS TLS1\.[23], AUTH [A-Z0-9-]+ accepted, queue empty \| time=[0-9]+\.[0-9]{3}s;;;0 queue=0;;;0 oldest=0s;3600;86400;0 cert_days=[0-9]+;14:;;$'
	# AUTH and QUIT only: nothing was sent.
	assert_equal "$(maildir_count)" "$before"
}

@test "--check -a tls: implicit TLS" {
	bote_conf "$CONF"
	chk -a tls
	assert_success
	assert_output --regexp '^BOTE OK - 127\.0\.0\.1:[0-9]+ implicit TLS TLS1\.[23], AUTH '
}

@test "--check: the certificate expiring within --cert-days is a WARNING" {
	bote_conf "$CONF"
	chk --cert-days=100000
	assert_equal "$status" 1
	one_line
	assert_output --regexp '^BOTE WARNING - .*, the certificate expires in [0-9]+ days \| .* cert_days=[0-9]+;100000:;;$'
}

@test "--check: a wrong password is CRITICAL and names AUTH" {
	bote_conf "$CONF" "password wrong-password"
	sed -i "s/^password $TESTBED_PASSWORD\$/password wrong-password/" "$CONF"
	chk
	assert_equal "$status" 2
	one_line
	assert_output --regexp '^BOTE CRITICAL - 127\.0\.0\.1:[0-9]+ STARTTLS, AUTH refused: .*535'
	refute_output --partial wrong-password
}

@test "--check: the server down is CRITICAL" {
	bote_conf "$CONF"
	sed -i 's/^port .*/port 1/' "$CONF"
	chk
	assert_equal "$status" 2
	one_line
	assert_output --regexp '^BOTE CRITICAL - 127\.0\.0\.1:1 STARTTLS, connect failed: .* \| time='
}

@test "--check: a certificate from a CA not trusted is CRITICAL" {
	bote_conf "$CONF" "tls_trust_file $CORPUS/ca.pem"
	chk
	assert_equal "$status" 2
	one_line
	assert_output --regexp '^BOTE CRITICAL - 127\.0\.0\.1:[0-9]+ STARTTLS, TLS (failed|refused): '
}

@test "--check: queued messages, by the age of the oldest: OK, WARNING, CRITICAL" {
	local t0=1795000000	# Wed Nov 18 2026, 11:06:40 UTC
	bote_conf "$CONF" "queue on" "queue_dir $QDIR"
	cp -p "$CONF" "$CONF.up"
	sed -i 's/^port .*/port 1/' "$CONF"
	printf 'From: %s\nSubject: check\n\nqueued\n' "$TESTBED_USER" |
	    BOTE_TEST_TIME=$t0 "$BOTE" -C "$CONF" -i rcpt@example.org
	cat "$CONF.up" >"$CONF"
	BOTE_TEST_TIME=$((t0 + 600)) chk
	assert_success
	assert_output --regexp '^BOTE OK - .*, queue 1 message, oldest 10m \| .* queue=1;;;0 oldest=600s;3600;86400;0 '
	BOTE_TEST_TIME=$((t0 + 7200)) chk
	assert_equal "$status" 1
	assert_output --regexp '^BOTE WARNING - .*, queue 1 message, oldest 2h 0m \| .* oldest=7200s;3600;86400;0 '
	BOTE_TEST_TIME=$((t0 + 2 * 86400)) chk
	assert_equal "$status" 2
	assert_output --regexp '^BOTE CRITICAL - .*, queue 1 message, oldest 2d 0h \| '
	# The thresholds are the caller's.
	BOTE_TEST_TIME=$((t0 + 7200)) chk --warning-age=3h --critical-age 1d
	assert_success
	assert_output --regexp ' oldest=7200s;10800;86400;0 '
	BOTE_TEST_TIME=$((t0 + 600)) chk --warning-age=5m
	assert_equal "$status" 1
}

@test "--check: a held message is a WARNING" {
	local t0=1795000000
	bote_conf "$CONF" "queue on" "queue_dir $QDIR"
	printf 'From: %s\nSubject: held\n\nheld\n' "$TESTBED_USER" |
	    BOTE_TEST_TIME=$t0 "$BOTE" -C "$CONF" -odq -i rcpt@example.org
	run "$BOTE" -C "$CONF" --hold ALL
	assert_success
	BOTE_TEST_TIME=$((t0 + 60)) chk
	assert_equal "$status" 1
	assert_output --regexp '^BOTE WARNING - .*, queue 1 message, oldest 1m, 1 held \| '
}

@test "--check: a configuration error is UNKNOWN, exit 3" {
	printf 'account default\nhost 127.0.0.1\nbogus_directive 1\n' >"$CONF"
	chmod 0600 "$CONF"
	chk
	assert_equal "$status" 3
	assert_line 'BOTE UNKNOWN - configuration error (see standard error)'
	bote_conf "$CONF"
	chk -a nosuchaccount
	assert_equal "$status" 3
}

@test "--check: bad options are UNKNOWN, exit 3" {
	bote_conf "$CONF"
	chk --warning-age=soon
	assert_equal "$status" 3
	assert_line 'BOTE UNKNOWN - bad options (see standard error)'
	assert_line --partial 'option --warning-age needs an age'
	chk --cert-days=2w
	assert_equal "$status" 3
}
