#!/usr/bin/env bats
# --test-mail [RECIPIENT] (bote.1): a test message with a unique token,
# the dialogue with the time of each line, and a summary. Against the
# test Postfix; the delivered message is found in the Maildir by its token.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library testbed.bash

setup() {
	CONF=$BATS_TEST_TMPDIR/bote.conf
	maildir_clear
}

@test "--test-mail: delivered with its token, dialogue timed, summary" {
	bote_conf "$CONF"
	# The suite's name server: nothing listens there (Makefile.am).
	export BOTE_TEST_DNS=${BOTE_TEST_DNS:-127.0.0.1:9}
	run timeout 30 "$BOTE" -C "$CONF" --test-mail
	assert_success
	assert_line --regexp "^Sending a test message from <$TESTBED_USER> to <$TESTBED_USER> through 127\.0\.0\.1 port [0-9]+:\$"
	assert_line --regexp '^\[ +0\.[0-9]{3}s\] <-- 220 '
	assert_line --regexp '^\[ +[0-9]+\.[0-9]{3}s\] --> STARTTLS$'
	assert_line --regexp '^\[ +[0-9]+\.[0-9]{3}s\] --> AUTH [A-Z0-9-]+ <redacted>$'
	refute_output --partial "$TESTBED_PASSWORD"
	assert_line --regexp '^  server: +127\.0\.0\.1 port [0-9]+, STARTTLS$'
	assert_line --regexp '^  TLS: +TLS1\.[23], TLS_'
	assert_line --regexp '^  certificate: +CN=localhost'
	assert_line --regexp '^  issuer: +CN=bote test CA'
	assert_line --regexp '^  expires: +[0-9]{4}-'
	assert_line --regexp '^  AUTH: +[A-Z0-9-]+$'
	assert_line --regexp '^  accepted: +250 '
	assert_line --regexp '^  queue ID: +[0-9A-Za-z]+$'
	maildir_wait 1
	f=$(maildir_last_file)
	token=$(sed -n 's/^Subject: bote test mail \([0-9a-f]\{16\}\)\r\?$/\1/p' "$f")
	[ -n "$token" ]
	grep -q "^token: *$token" "$f"
	grep -q "^account: *default" "$f"
	# The Postfix queue ID in the summary is the one that delivered it.
	qid=$(sed -n 's/^  queue ID: *//p' <<<"$output")
	grep -q "$qid" "$f"
	# Then the sender-domain report, from the suite's name server,
	# which answers nothing here (BOTE_TEST_DNS): never one off the
	# machine. tests/checkdomain.bats has the report with answers.
	assert_line "How receivers will judge the sender's domain (bote --check-domain):"
	assert_line --regexp "^sender domain ${TESTBED_USER#*@}, account default, server 127\.0\.0\.1\$"
	assert_line --regexp '^SPF +unknown +no answer for '
}

@test "--test-mail RECIPIENT, and two runs have two tokens" {
	bote_conf "$CONF"
	run timeout 30 "$BOTE" -C "$CONF" --test-mail other@example.org
	assert_success
	assert_line --regexp 'to <other@example\.org> through '
	run timeout 30 "$BOTE" -C "$CONF" --test-mail
	assert_success
	maildir_wait 2
	n=$(cat "$TESTBED_MAILDIR"/new/* | grep -c '^Subject: bote test mail' || true)
	assert_equal "$n" 2
	n=$(cat "$TESTBED_MAILDIR"/new/* | sed -n 's/^Subject: bote test mail //p' | sort -u | wc -l)
	assert_equal "$n" 2
}

@test "--test-mail: AUTH refused exits as a send does (77), nothing queued" {
	bote_conf "$CONF" "queue on" "queue_dir $BATS_TEST_TMPDIR/q"
	sed -i "s/^password $TESTBED_PASSWORD\$/password wrong/" "$CONF"
	run timeout 30 "$BOTE" -C "$CONF" --test-mail
	assert_equal "$status" 77
	assert_output --partial 'AUTH failed'
	refute_line --partial '  accepted:'
	[ -z "$(find "$BATS_TEST_TMPDIR/q" -name '*.ctl' 2>/dev/null)" ]
}
