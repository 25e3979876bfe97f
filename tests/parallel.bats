#!/usr/bin/env bats
# Parallel sessions (bote.conf(5), max_sessions; issue 18 point 2): a
# queue run deals an account's messages out over up to max_sessions
# sessions at once, each a process with its own connection, one password
# prompt for all. This file's test Postfix takes at most 2 connections
# from a client at once (smtpd_client_connection_count_limit): a third
# session is refused, and its share goes over another session once the
# others are done, not slowed by the account's pace, each message
# delivered exactly once.
# No test asserts a time.

[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library testbed.bash

setup_file() {
	export TESTBED_CONNECTION_COUNT_LIMIT=2
	testbed_setup_file
}

setup() {
	QDIR=$BATS_TEST_TMPDIR/queue
	CONF=$BATS_TEST_TMPDIR/conf
	maildir_clear
}

# N messages queued, each with its own X-Par-Test mark.
queue_n() {
	local i
	for ((i = 1; i <= $1; i++)); do
		{
			printf 'From: %s\nTo: rcpt@example.org\n' "$TESTBED_USER"
			printf 'Subject: par %s\nX-Par-Test: m%s\n\nbody\n' "$i" "$i"
		} | "$BOTE" -C "$CONF" -odq -i rcpt@example.org ||
			fail "queueing m$i failed"
	done
}

each_once() {
	local i n
	maildir_wait "$1"
	[ "$(maildir_count)" -eq "$1" ]
	for ((i = 1; i <= $1; i++)); do
		n=$(grep -l -x "X-Par-Test: m$i" "$TESTBED_MAILDIR"/new/* | wc -l)
		[ "$n" -eq 1 ] || fail "m$i delivered $n times"
	done
	[ -z "$(find "$QDIR/q" -name '*.ctl')" ]
}

# The sessions Postfix saw since mark: their "mail=N" counts.
sessions_since() {
	tail -n +"$1" "$TESTBED_DIR/log/postfix.log" |
	    sed -n 's/.*disconnect from .* mail=\([0-9]*\) .*/\1/p' | sort -n
}

loglines() {
	wc -l <"$TESTBED_DIR/log/postfix.log"
}

@test "max_sessions 2: 100 messages over two sessions at once, 50 each, each delivered once" {
	bote_conf "$CONF" "queue on" "queue_dir $QDIR" "max_sessions 2"
	queue_n 100
	mark=$(( $(loglines) + 1 ))
	run "$BOTE" -C "$CONF" -q
	assert_success
	each_once 100
	run sessions_since "$mark"
	assert_output "$(printf '50\n50')"
}

@test "max_sessions 1, or fewer than 64 messages: one session" {
	bote_conf "$CONF" "queue on" "queue_dir $QDIR" "max_sessions 1"
	queue_n 70
	mark=$(( $(loglines) + 1 ))
	run "$BOTE" -C "$CONF" -q
	assert_success
	each_once 70
	run sessions_since "$mark"
	assert_output 70
	bote_conf "$CONF" "queue on" "queue_dir $QDIR"
	maildir_clear
	queue_n 40
	mark=$(( $(loglines) + 1 ))
	run "$BOTE" -C "$CONF" -q
	each_once 40
	run sessions_since "$mark"
	assert_output 40
}

@test "a session the server refuses (connection limit 2, max_sessions 3): its share goes over another, no attempt, no slow-down" {
	bote_conf "$CONF" "queue on" "queue_dir $QDIR" "max_sessions 3"
	queue_n 120
	mark=$(( $(loglines) + 1 ))
	run "$BOTE" -C "$CONF" -q -v
	assert_success
	assert_output --partial "too many connections"
	refute_output --partial "waiting"
	each_once 120
	# The refused session took none; the others all 120, each once.
	run sessions_since "$mark"
	[ "${#lines[@]}" -ge 2 ]
	total=0
	for n in "${lines[@]}"; do
		total=$((total + n))
	done
	[ "$total" -eq 120 ]
	run "$BOTE" -C "$CONF" -bp
	assert_output --partial "Mail queue is empty"
}
