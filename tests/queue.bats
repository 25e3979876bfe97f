#!/usr/bin/env bats
# The queue (bote.1, QUEUE): a temporary failure queues the message and
# exits 0, bote -q delivers it later exactly once, mailq shows the truth,
# and no kill, crash, concurrent flush or full disk loses an acknowledged
# message. Against the test Postfix (delivery read back from the Maildir)
# and, for replies Postfix will not give on demand, the scripted server.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library testbed.bash
bats_load_library smtpscript.bash

setup() {
	QDIR=$BATS_TEST_TMPDIR/queue
	CONF=$BATS_TEST_TMPDIR/conf
	DOWN=$BATS_TEST_TMPDIR/conf.down
	bote_conf "$CONF" "queue on" "queue_dir $QDIR"
	# Another file with the same accounts and the server "down":
	# nothing listens on port 1. (A message queued under it is sent
	# through it, never through $CONF: see while_down.)
	sed "s/^port $TESTBED_STARTTLS_PORT\$/port 1/" "$CONF" >"$DOWN"
	chmod 0600 "$DOWN"
	maildir_clear
}

teardown() {
	script_stop
	maildrop_teardown
	if [ -n "${TMPFS:-}" ]; then
		umount "$TMPFS" 2>/dev/null || true
	fi
}

# down_in FILE CMD...: run CMD while FILE points at port 1, where nothing
# listens: the server is down for that command, back after it. A queued
# message is sent with the file it was queued under, so the server comes
# back in that file, as it would for a person. while_down: in $CONF.
down_in() {
	local f=$1 rc=0
	shift
	cp -p "$f" "$f.up"
	sed -i 's/^port .*/port 1/' "$f"
	"$@" || rc=$?
	cat "$f.up" >"$f"
	rm -f "$f.up"
	return $rc
}

while_down() {
	down_in "$CONF" "$@"
}

# A message with a unique marker, so that deliveries can be counted.
mail_with() {
	printf 'From: %s\nTo: rcpt@example.org\nSubject: queue test %s\n' \
	    "$TESTBED_USER" "$1"
	printf 'X-Queue-Test: %s\n\nbody of %s\n' "$1" "$1"
}

# How many delivered messages carry marker $1.
delivered() {
	grep -l -x "X-Queue-Test: $1" "$TESTBED_MAILDIR"/new/* 2>/dev/null |
	    wc -l
}

# The queue ids, one a line (control files in q/).
queued_ids() {
	find "$QDIR/q" -name '*.ctl' -printf '%f\n' 2>/dev/null |
	    sed 's/\.ctl$//' | sort
}

# Seconds since the epoch, plus $1.
later() {
	echo $(( $(date +%s) + $1 ))
}

# The scripted server stalls before its 354 (extra script lines follow);
# conf sc queues in QDIR.
stall_at_data() {
	printf '%s\n' 'send 220 mx.test ESMTP' 'expect EHLO' 'send 250 mx.test' \
	    'expect MAIL' 'send 250 ok' 'expect RCPT' 'send 250 ok' \
	    'expect DATA' "$@" >"$BATS_TEST_TMPDIR/script"
	script_start "$BATS_TEST_TMPDIR/script"
	script_conf "$BATS_TEST_TMPDIR/sc" "tls off" "auth off" "queue on" \
	    "queue_dir $QDIR" "timeout 60"
}

# Until bote has sent DATA (at most 10 s).
wait_for_data() {
	local i
	for i in $(seq 1 100); do
		grep -q '^DATA' "$SCRIPT_RECORD" 2>/dev/null && return 0
		sleep 0.1
	done
}

@test "server down: exit 0, one line saying why; bote -q delivers it once" {
	run while_down "$BOTE" -C "$CONF" -i rcpt@example.org < <(mail_with down-1)
	assert_success
	assert_output --regexp '^bote: queued as [0-9A-F]{16}: cannot connect to 127\.0\.0\.1 port 1: .*; will retry \(bote -q\)$'
	assert_equal "$(queued_ids | wc -l)" 1
	id=$(queued_ids)
	# The message file is the spool, linked: mode 0600.
	run stat -c %a "$QDIR/q/$id.msg"
	assert_output 600

	# Backoff: not due yet: the periodic run (-q --due) from cron is
	# silent, -v says so.
	run "$BOTE" -C "$CONF" -q --due
	assert_success
	assert_output ""
	run "$BOTE" -C "$CONF" -q --due -v
	assert_success
	assert_output --partial "nothing to deliver now: 1 message queued"
	assert_equal "$(maildir_count)" 0

	# Five minutes later (the test clock), with the server back.
	BOTE_TEST_TIME=$(later 301) run "$BOTE" -C "$CONF" -q --due
	assert_success
	assert_output ""
	maildir_wait 1
	assert_equal "$(delivered down-1)" 1
	assert_equal "$(queued_ids | wc -l)" 0
	[ ! -e "$QDIR/q/$id.msg" ]

	# Nothing is sent twice.
	run "$BOTE" -C "$CONF" -q
	assert_success
	assert_output ""
	sleep 0.5
	assert_equal "$(delivered down-1)" 1
}

@test "the delivered message is byte for byte what a direct send gives" {
	# One fixed test clock for the Date field, the queue entry's age
	# and the flush: nothing here depends on today's date.
	local t0=1795000000
	BOTE_TEST_TIME=$t0 BOTE_TEST_MSGID_RANDOM=0123abcd \
	    run while_down "$BOTE" -C "$CONF" -t -i < <(
		printf 'To: rcpt@example.org\nBcc: hidden@example.org\n'
		printf 'Subject: same bytes\n\n.leading dot\nend\n')
	assert_success
	BOTE_TEST_TIME=$((t0 + 301)) run "$BOTE" -C "$CONF" -q
	assert_success
	maildir_wait 2
	f1=$BATS_TEST_TMPDIR/one
	maildir_last >"$f1"
	maildir_clear
	BOTE_TEST_TIME=$t0 BOTE_TEST_MSGID_RANDOM=0123abcd \
	    run "$BOTE" -C "$CONF" -t -i < <(
		printf 'To: rcpt@example.org\nBcc: hidden@example.org\n'
		printf 'Subject: same bytes\n\n.leading dot\nend\n')
	assert_success
	maildir_wait 2
	run diff "$f1" <(maildir_last)
	assert_success
	run grep -c '^Bcc:' "$f1"
	assert_output 0
}

@test "the test Postfix stopped: queued; started again: bote -q delivers it once" {
	postfix -c "$TESTBED_DIR/etc" stop >/dev/null 2>&1
	# Until its listener is gone, a send could still reach it.
	local i
	for i in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$TESTBED_STARTTLS_PORT") 2>/dev/null || break
		sleep 0.1
	done
	run "$BOTE" -C "$CONF" -i rcpt@example.org < <(mail_with stopped-1)
	postfix -c "$TESTBED_DIR/etc" start >/dev/null 2>&1
	assert_success
	assert_output --partial "queued as"
	assert_equal "$(queued_ids | wc -l)" 1
	for i in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$TESTBED_STARTTLS_PORT") 2>/dev/null && break
		sleep 0.1
	done
	BOTE_TEST_TIME=$(later 301) run "$BOTE" -C "$CONF" -q
	assert_success
	maildir_wait 1
	assert_equal "$(delivered stopped-1)" 1
	assert_equal "$(queued_ids | wc -l)" 0
	run "$BOTE" -C "$CONF" -q
	assert_success
	sleep 0.5
	assert_equal "$(delivered stopped-1)" 1
}

@test "--no-queue and queue off: exit 75, nothing queued" {
	run while_down "$BOTE" -C "$CONF" --no-queue -i rcpt@example.org < <(mail_with nq)
	assert_equal "$status" 75
	assert_output --partial "cannot connect"
	sed -i 's/^queue on$/queue off/' "$CONF"
	run while_down "$BOTE" -C "$CONF" -i rcpt@example.org < <(mail_with off)
	assert_equal "$status" 75
	assert_equal "$(queued_ids | wc -l)" 0
}

@test "a message with more Bcc fields than the old queue cap is queued and sent without them" {
	# 70 Bcc fields are 70 ranges left out of what is sent: anything
	# that can be sent can be queued (one cap, OUTMSG_SKIPMAX).
	{
		printf 'From: %s\nTo: rcpt@example.org\n' "$TESTBED_USER"
		for i in $(seq 1 70); do
			printf 'Bcc: hidden%d@example.org\n' "$i"
		done
		printf 'Subject: many bcc\nX-Queue-Test: bcc70\n\nbody\n'
	} >"$BATS_TEST_TMPDIR/bcc.eml"
	run while_down "$BOTE" -C "$CONF" -i rcpt@example.org <"$BATS_TEST_TMPDIR/bcc.eml"
	assert_success
	assert_output --regexp '^bote: queued as [0-9A-F]{16}: '
	assert_equal "$(queued_ids | wc -l)" 1
	run "$BOTE" -C "$CONF" -qI"$(queued_ids)"
	assert_success
	maildir_wait 1
	assert_equal "$(delivered bcc70)" 1
	run grep -il '^Bcc:' "$TESTBED_MAILDIR"/new/*
	assert_failure
	assert_equal "$(queued_ids | wc -l)" 0
}

@test "a permanent failure is never queued" {
	run "$BOTE" -C "$CONF" -i 'bad recipient'@ < <(mail_with perm)
	assert_failure
	[ "$status" -ne 75 ]
	assert_equal "$(queued_ids | wc -l)" 0
}

@test "-odq queues without connecting; -q sends it at once (due now)" {
	run "$BOTE" -C "$CONF" -odq -i rcpt@example.org < <(mail_with odq)
	assert_success
	assert_output ""
	sleep 0.3
	assert_equal "$(maildir_count)" 0
	run "$BOTE" -C "$CONF" -bp -v
	assert_output --partial "attempts:     0"
	assert_output --partial "next attempt: due now"
	run "$BOTE" -C "$CONF" -q
	assert_success
	maildir_wait 1
	assert_equal "$(delivered odq)" 1
	assert_equal "$(queued_ids | wc -l)" 0
}

@test "-odb returns at once and delivers in the background" {
	run "$BOTE" -C "$CONF" -odb -i rcpt@example.org < <(mail_with odb)
	assert_success
	maildir_wait 1
	assert_equal "$(delivered odb)" 1
	for i in $(seq 1 50); do
		[ "$(queued_ids | wc -l)" -eq 0 ] && break
		sleep 0.1
	done
	assert_equal "$(queued_ids | wc -l)" 0
}

@test "a successful send also delivers the account's due queued mail" {
	run while_down "$BOTE" -C "$CONF" -i rcpt@example.org < <(mail_with early)
	assert_success
	BOTE_TEST_TIME=$(later 301) run "$BOTE" -C "$CONF" -i \
	    rcpt@example.org < <(mail_with late)
	assert_success
	maildir_wait 2
	assert_equal "$(delivered early)" 1
	assert_equal "$(delivered late)" 1
	assert_equal "$(queued_ids | wc -l)" 0
}

@test "-qR and -qI select, and force delivery regardless of backoff" {
	run while_down "$BOTE" -C "$CONF" -i one@example.org < <(mail_with sel-1)
	run while_down "$BOTE" -C "$CONF" -i two@example.org < <(mail_with sel-2)
	assert_equal "$(queued_ids | wc -l)" 2
	run "$BOTE" -C "$CONF" -qRtwo@
	assert_success
	maildir_wait 1
	assert_equal "$(delivered sel-2)" 1
	assert_equal "$(delivered sel-1)" 0
	id=$(queued_ids)
	run "$BOTE" -C "$CONF" -qI"${id:8}"
	assert_success
	maildir_wait 2
	assert_equal "$(delivered sel-1)" 1
	run "$BOTE" -C "$CONF" -qX
	assert_equal "$status" 64
}

@test "mailq: Postfix's postqueue -p layout, line by line; -v keeps the blocks" {
	t0=1795000000	# Wed Nov 18 2026, 11:06:40 UTC
	TZ=UTC BOTE_TEST_TIME=$t0 run while_down "$BOTE" -C "$CONF" -f "$TESTBED_USER" \
	    -i a@example.org b@example.org < <(mail_with pf1)
	assert_success
	a=$(queued_ids)
	TZ=UTC BOTE_TEST_TIME=$((t0 + 61)) run "$BOTE" -C "$CONF" -odq \
	    -f '' -i c@example.org < <(mail_with pf2)
	assert_success
	b=$(queued_ids | grep -v "$a")
	TZ=UTC run "$BOTE" -C "$CONF" -bp --json
	sa=$(echo "$output" | python3 -c 'import json,sys
print({e["id"]: e["size"] for e in json.load(sys.stdin)}[sys.argv[1]])' "$a")
	sb=$(echo "$output" | python3 -c 'import json,sys
print({e["id"]: e["size"] for e in json.load(sys.stdin)}[sys.argv[1]])' "$b")
	TZ=UTC run "$BOTE" -C "$CONF" -bp
	assert_success
	# In the order of their IDs, as queue_ids() sorts them.
	why="cannot connect to 127.0.0.1 port 1: 127.0.0.1: Connection refused (1 address tried)"
	pad=$((76 - ${#why}))
	[ $pad -ge 0 ] || pad=0
	ind=$(printf '%47s' '')
	ea=( "$(printf '%-17s %8s %19s %s' "$a" "$sa" \
	    'Wed Nov 18 11:06:40' "$TESTBED_USER")"
	    "$(printf '%*s(%s)' $pad '' "$why")"
	    "${ind}a@example.org" "${ind}b@example.org" )
	eb=( "$(printf '%-17s %8s %19s %s' "$b" "$sb" \
	    'Wed Nov 18 11:07:41' MAILER-DAEMON)" "${ind}c@example.org" )
	if [[ $a < $b ]]; then
		exp=( "${ea[@]}" "" "${eb[@]}" )
	else
		exp=( "${eb[@]}" "" "${ea[@]}" )
	fi
	# The whole output, blank lines included (bats' lines drops them).
	exp=( "----Queue ID----- --Size-- ---Arrival Time---- --Sender/Recipient------"
	    "${exp[@]}" ""
	    "-- $(((sa + sb) / 1024)) Kbytes in 2 Requests." )
	assert_output "$(printf '%s\n' "${exp[@]}")"
	# -v: today's detailed blocks and totals.
	run "$BOTE" -C "$CONF" -bp -v
	assert_success
	assert_line "$a"
	assert_line "$b"
	assert_line "  sender:       <>"
	assert_line --regexp "^-- 2 messages, $((sa + sb)) octets\$"
}

@test "mailq: the totals count whole Kbytes; one message is one Request" {
	run while_down "$BOTE" -C "$CONF" -i a@example.org < <(mail_with big;
	    head -c 5000 /dev/zero | tr '\0' 'x' | fold -w 70)
	assert_success
	run "$BOTE" -C "$CONF" -bp --json
	size=$(echo "$output" | python3 -c 'import json,sys
print(json.load(sys.stdin)[0]["size"])')
	[ "$size" -ge 5000 ]
	run "$BOTE" -C "$CONF" -bp
	assert_success
	assert_equal "$(tail -n 1 <<<"$output")" \
	    "-- $((size / 1024)) Kbytes in 1 Request."
	# The line before it is blank, as in Postfix.
	assert_equal "$(tail -n 2 <<<"$output" | head -n 1)" ""
}

@test "mailq shows each message; --json is valid and complete" {
	run while_down "$BOTE" -C "$CONF" -f "$TESTBED_USER" -i a@example.org \
	    b@example.org < <(mail_with list)
	assert_success
	id=$(queued_ids)
	ln -s "$BOTE" "$BATS_TEST_TMPDIR/mailq"
	run "$BATS_TEST_TMPDIR/mailq" -C "$CONF" -v
	assert_success
	assert_line "$id"
	assert_line --regexp '^  size: +[0-9]+ octets$'
	assert_line --regexp '^  age: +[0-9]+s \(queued .*\)$'
	assert_line "  sender:       <$TESTBED_USER>"
	assert_line "  recipient:    <a@example.org>"
	assert_line "  recipient:    <b@example.org>"
	assert_line "  attempts:     1"
	assert_line --regexp '^  next attempt: in [0-9]+m'
	assert_line --partial "  last error:   cannot connect to 127.0.0.1 port 1"
	assert_line --regexp '^-- 1 message, [0-9]+ octets$'

	run while_down "$BOTE" -C "$CONF" -bp --json
	assert_success
	echo "$output" | python3 -c '
import json, sys
q = json.load(sys.stdin)
assert len(q) == 1, q
e = q[0]
assert e["id"] == sys.argv[1], e
assert e["state"] == "queued"
assert e["recipients"] == ["a@example.org", "b@example.org"], e
assert e["attempts"] == 1 and e["next_attempt"] > e["created"], e
assert "Connection refused" in e["last_error"], e
assert e["maybe_delivered"] is False
assert e["size"] > 0 and e["age"] >= 0
' "$id"
}

@test "--json escapes what it prints" {
	# A last error with quotes, a backslash and a control byte.
	s() { printf '%s\n' "$@"; }
	s 'send 220 mx.test ESMTP' 'expect EHLO' 'send 250 mx.test' \
	  'expect MAIL' 'send 451 4.3.0 "quoted" back\\slash \x01 ctl' \
	  'read-all' >"$BATS_TEST_TMPDIR/script"
	script_start "$BATS_TEST_TMPDIR/script"
	script_conf "$BATS_TEST_TMPDIR/sc" "tls off" "auth off" "queue on" \
	    "queue_dir $QDIR"
	run "$BOTE" -C "$BATS_TEST_TMPDIR/sc" -i rcpt@example.org \
	    < <(mail_with json)
	assert_success
	assert_output --partial "queued as"
	run "$BOTE" -C "$BATS_TEST_TMPDIR/sc" -bp --json
	assert_success
	# Control bytes were made '?' when the error was recorded.
	echo "$output" | python3 -c '
import json, sys
e = json.load(sys.stdin)[0]
assert "451 4.3.0 \"quoted\" back\\slash ? ctl" in e["last_error"], e
'
	assert_output --partial '451 4.3.0 \"quoted\" back\\slash ? ctl'
	run "$BOTE" -C "$BATS_TEST_TMPDIR/sc" -bp -v
	assert_line --partial 'last error:   the server answered MAIL with: 451 4.3.0 "quoted" back\slash ? ctl'
}

@test "a 4yz to end-of-data is queued; no reply after the dot: queued, may have been delivered" {
	s() { printf '%s\n' "$@"; }
	s 'send 220 mx.test ESMTP' 'expect EHLO' 'send 250 mx.test' \
	  'expect MAIL' 'send 250 ok' 'expect RCPT' 'send 250 ok' \
	  'expect DATA' 'send 354 go' 'expect-data' 'send 452 4.3.1 full' \
	  'read-all' >"$BATS_TEST_TMPDIR/script"
	script_start "$BATS_TEST_TMPDIR/script"
	script_conf "$BATS_TEST_TMPDIR/sc" "tls off" "auth off" "queue on" \
	    "queue_dir $QDIR"
	run "$BOTE" -C "$BATS_TEST_TMPDIR/sc" -i rcpt@example.org \
	    < <(mail_with eod)
	assert_success
	assert_output --partial "452 4.3.1 full; will retry"
	script_stop

	s 'send 220 mx.test ESMTP' 'expect EHLO' 'send 250 mx.test' \
	  'expect MAIL' 'send 250 ok' 'expect RCPT' 'send 250 ok' \
	  'expect DATA' 'send 354 go' 'expect-data' 'drop' \
	  >"$BATS_TEST_TMPDIR/script"
	script_start "$BATS_TEST_TMPDIR/script"
	script_conf "$BATS_TEST_TMPDIR/sc" "tls off" "auth off" "queue on" \
	    "queue_dir $QDIR"
	run "$BOTE" -C "$BATS_TEST_TMPDIR/sc" -i rcpt@example.org \
	    < <(mail_with maybe)
	assert_success
	assert_output --partial "it may have been delivered already"
	assert_equal "$(queued_ids | wc -l)" 2
	run "$BOTE" -C "$BATS_TEST_TMPDIR/sc" -bp --json
	echo "$output" | python3 -c '
import json, sys
q = json.load(sys.stdin)
assert sorted(e["maybe_delivered"] for e in q) == [False, True], q
'
	run "$BOTE" -C "$BATS_TEST_TMPDIR/sc" -bp -v
	assert_output --partial "it may have been delivered already"
}

@test "SIGTERM before the final reply: no end-of-data, queued, exit 0" {
	stall_at_data 'sleep 15' 'send 354 go' 'read-all'
	"$BOTE" -C "$BATS_TEST_TMPDIR/sc" -i rcpt@example.org \
	    < <(mail_with term) 2>"$BATS_TEST_TMPDIR/err" &
	local pid=$! st=0
	wait_for_data
	kill -TERM "$pid"
	wait "$pid" || st=$?
	assert_equal "$st" 0
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output --partial "queued as"
	assert_output --partial "interrupted by a signal"
	script_stop
	run grep -c 'body of term' "$SCRIPT_RECORD"
	assert_output 0
	assert_equal "$(queued_ids | wc -l)" 1
}

@test "Ctrl-C (SIGINT) before the final reply cancels: nothing queued, nothing sent, killed by SIGINT" {
	stall_at_data 'sleep 15' 'send 354 go' 'read-all'
	# A shell starts background commands with SIGINT ignored (and
	# bote keeps what it inherits): as from a terminal, it is not.
	env --default-signal=INT "$BOTE" -C "$BATS_TEST_TMPDIR/sc" -i \
	    rcpt@example.org < <(mail_with int) 2>"$BATS_TEST_TMPDIR/err" &
	local pid=$! st=0
	wait_for_data
	kill -INT "$pid"
	wait "$pid" || st=$?
	# 128 + SIGINT: the shell sees a program a person interrupted.
	assert_equal "$st" 130
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output --partial "interrupted: the message was not sent, and it is not queued"
	refute_output --partial "queued as"
	script_stop
	run grep -c 'body of int' "$SCRIPT_RECORD"
	assert_output 0
	assert_equal "$(queued_ids | wc -l)" 0
	# Nothing is sent later either.
	run "$BOTE" -C "$CONF" -q
	assert_equal "$(delivered int)" 0
}

@test "an ignored SIGINT or SIGHUP stays ignored (a background job, nohup)" {
	stall_at_data 'sleep 2' 'send 354 go' 'expect-data' \
	    'send 250 2.0.0 Ok: queued' 'expect QUIT'
	env --ignore-signal=INT --ignore-signal=HUP "$BOTE" \
	    -C "$BATS_TEST_TMPDIR/sc" -i rcpt@example.org \
	    < <(mail_with nohup) 2>"$BATS_TEST_TMPDIR/err" &
	local pid=$! st=0
	wait_for_data
	kill -INT "$pid"
	kill -HUP "$pid"
	wait "$pid" || st=$?
	assert_equal "$st" 0
	run grep -c 'body of nohup' "$SCRIPT_RECORD"
	assert_output 1
	assert_equal "$(queued_ids | wc -l)" 0
}

@test "two flushes at once send no message twice" {
	local n=15 i
	for i in $(seq 1 $n); do
		while_down "$BOTE" -C "$CONF" -i rcpt@example.org \
		    < <(mail_with par-$i) \
		    2>/dev/null || fail "send $i"
	done
	assert_equal "$(queued_ids | wc -l)" $n
	local t
	t=$(later 301)
	BOTE_TEST_TIME=$t "$BOTE" -C "$CONF" -q 2>"$BATS_TEST_TMPDIR/e1" &
	local p1=$!
	BOTE_TEST_TIME=$t "$BOTE" -C "$CONF" -q 2>"$BATS_TEST_TMPDIR/e2" &
	local p2=$!
	wait $p1
	wait $p2
	maildir_wait $n 20
	sleep 1
	for i in $(seq 1 $n); do
		assert_equal "par-$i: $(delivered par-$i)" "par-$i: 1"
	done
	assert_equal "$(maildir_count)" $n
	assert_equal "$(queued_ids | wc -l)" 0
}

@test "past queue_max_age: moved to failed/ and a bounce is delivered" {
	run while_down "$BOTE" -C "$CONF" -i rcpt@example.org < <(mail_with old)
	assert_success
	id=$(queued_ids)
	# Six days later; the default maximum age is five.
	BOTE_TEST_TIME=$(later $((6 * 86400))) run "$BOTE" -C "$CONF" -q
	assert_success
	assert_output --partial "$id: given up"
	assert_output --partial "bounce sent to <$TESTBED_USER>"
	[ -e "$QDIR/failed/$id.ctl" ] && [ -e "$QDIR/failed/$id.msg" ]
	assert_equal "$(queued_ids | wc -l)" 0
	maildir_wait 1
	sleep 0.3
	# Only the bounce arrived (it quotes the marker, see below).
	assert_equal "$(maildir_count)" 1
	f=$(maildir_last_file)
	run grep -c '^Subject: Undelivered Mail Returned to Sender' "$f"
	assert_output 1
	run grep -c "^Return-Path: <>" "$f"
	assert_output 1
	# The original header is quoted, the body is not.
	run grep -c '^X-Queue-Test: old' "$f"
	assert_output 1
	run grep -c 'body of old' "$f"
	assert_output 0
	run "$BOTE" -C "$CONF" -bp -v
	assert_output --partial "$id  (failed: given up)"
	# Postfix's layout: marked '#', the reason says it was given up.
	run "$BOTE" -C "$CONF" -bp
	assert_line --regexp "^$id# +[0-9]+ "
	assert_line --regexp '^ *\(given up: .*\)$'
}

@test "queue_max_age applies; a bounce that cannot go is logged, kept in failed/" {
	echo "queue_max_age 1h" >>"$CONF"
	run while_down "$BOTE" -C "$CONF" -i rcpt@example.org < <(mail_with short)
	assert_success
	id=$(queued_ids)
	BOTE_TEST_TIME=$(later 3700) run while_down "$BOTE" -C "$CONF" -q
	assert_success
	assert_output --partial "the bounce to <$TESTBED_USER> could not be sent"
	[ -e "$QDIR/failed/$id.ctl" ]
}

@test "a full disk while spooling: 75, nothing sent, the queue intact" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to mount a small tmpfs"
	TMPFS=$QDIR
	mkdir -p "$TMPFS"
	mount -t tmpfs -o size=256k,mode=0700 tmpfs "$TMPFS" ||
	    skip "cannot mount a tmpfs here"
	# One queued message first, then a message bigger than the disk.
	run while_down "$BOTE" -C "$CONF" -i rcpt@example.org < <(mail_with small)
	assert_success
	id=$(queued_ids)
	cp "$QDIR/q/$id.msg" "$BATS_TEST_TMPDIR/small.msg"
	run while_down "$BOTE" -C "$CONF" -i rcpt@example.org < <(
		mail_with big
		head -c 400000 /dev/zero | tr '\0' 'x' | fold -w 70)
	assert_equal "$status" 75
	assert_output --partial "spool"
	run "$BOTE" -C "$CONF" -i rcpt@example.org < <(
		mail_with big2
		head -c 400000 /dev/zero | tr '\0' 'x' | fold -w 70)
	assert_equal "$status" 75
	assert_equal "$(queued_ids)" "$id"
	cmp "$QDIR/q/$id.msg" "$BATS_TEST_TMPDIR/small.msg"
	sleep 0.3
	assert_equal "$(delivered big2)" 0
	# A message that fits but whose control file does not: 75 too.
	run while_down "$BOTE" -C "$CONF" -i rcpt@example.org < <(
		mail_with fits
		head -c 200000 /dev/zero | tr '\0' 'y' | fold -w 70)
	[ "$status" -eq 0 ] || [ "$status" -eq 75 ]
	if [ "$status" -eq 75 ]; then
		assert_equal "$(queued_ids)" "$id"
	fi
	BOTE_TEST_TIME=$(later 301) run "$BOTE" -C "$CONF" -q
	assert_success
	maildir_wait 1
	assert_equal "$(delivered small)" 1
}

@test "200 sends and flushes killed at random: every acknowledged message is delivered" {
	# Each round starts a send (server up or down) or a flush and kills
	# it with SIGKILL after 0 to 99 ms. A message whose send exited 0
	# must arrive, whole, once: the only duplicates allowed are those
	# bote itself reported ("may have delivered it already": a flush
	# killed after the server took the message, before it could remove
	# the entry; RFC 5321 6.1 prefers that to a loss).
	local i n=200 pid st id d kind acked dup=0 noted
	: >"$BATS_TEST_TMPDIR/acked"
	: >"$BATS_TEST_TMPDIR/log"
	for i in $(seq 1 $n); do
		kind=$((RANDOM % 3))
		case $kind in
		0)	"$BOTE" -C "$CONF" -i rcpt@example.org \
			    < <(mail_with k-$i) 2>>"$BATS_TEST_TMPDIR/log" & ;;
		1)	"$BOTE" -C "$DOWN" -i rcpt@example.org \
			    < <(mail_with k-$i) 2>>"$BATS_TEST_TMPDIR/log" & ;;
		2)	BOTE_TEST_TIME=$(later 20000) "$BOTE" -C "$CONF" -q \
			    2>>"$BATS_TEST_TMPDIR/log" & ;;
		esac
		pid=$!
		sleep "0.0$((RANDOM % 10))$((RANDOM % 10))"
		kill -KILL "$pid" 2>/dev/null || true
		st=0
		wait "$pid" 2>/dev/null || st=$?
		if [ "$kind" -ne 2 ] && [ "$st" -eq 0 ]; then
			echo "k-$i" >>"$BATS_TEST_TMPDIR/acked"
		fi
	done
	# Whatever is still queued goes now, the server back for the
	# messages queued under the other file too.
	sed -i "s/^port 1\$/port $TESTBED_STARTTLS_PORT/" "$DOWN"
	BOTE_TEST_TIME=$(later 20000) "$BOTE" -C "$CONF" -q \
	    2>>"$BATS_TEST_TMPDIR/log"
	assert_equal "$(queued_ids | wc -l)" 0
	acked=$(wc -l <"$BATS_TEST_TMPDIR/acked")
	[ "$acked" -gt 0 ]
	maildir_wait "$acked" 60
	sleep 2
	while read -r id; do
		d=$(delivered "$id")
		[ "$d" -ge 1 ] || fail "$id was acknowledged but never delivered"
		[ "$d" -eq 1 ] || dup=$((dup + 1))
	done <"$BATS_TEST_TMPDIR/acked"
	noted=$(grep -c "may have delivered it already" \
	    "$BATS_TEST_TMPDIR/log" || true)
	echo "# $acked of $n acknowledged, $dup delivered twice, $noted" \
	    "reported as possible duplicates" >&3
	[ "$dup" -le "$noted" ] || fail "$dup duplicates, only $noted reported"
	# Never a partial message: every delivered one is whole.
	for f in "$TESTBED_MAILDIR"/new/*; do
		id=$(sed -n 's/^X-Queue-Test: //p' "$f")
		grep -q -x "body of $id" "$f" || fail "partial message $f"
	done
}

@test "bote -q sends an account's messages over one session" {
	local i
	s() { printf '%s\n' "$@"; }
	s 'send 220 mx.test ESMTP' 'auto' >"$BATS_TEST_TMPDIR/script"
	script_start "$BATS_TEST_TMPDIR/script"
	script_conf "$BATS_TEST_TMPDIR/sc" "queue on" "queue_dir $QDIR"
	for i in 1 2 3; do
		run down_in "$BATS_TEST_TMPDIR/sc" "$BOTE" \
		    -C "$BATS_TEST_TMPDIR/sc" -i rcpt@example.org \
		    < <(mail_with one-$i)
		assert_success
	done
	BOTE_TEST_TIME=$(later 301) run "$BOTE" -C "$BATS_TEST_TMPDIR/sc" -q
	assert_success
	assert_equal "$(queued_ids | wc -l)" 0
	run recorded
	# smtpscript takes one connection: all three went over it.
	assert_equal "$(grep -c '^MAIL FROM:' <<<"$output")" 3
	assert_equal "$(grep -c '^EHLO' <<<"$output")" 2
	assert_equal "$(grep -c 'body of one-' <<<"$output")" 3
}

@test "after a successful send the due queued mail goes over the same session" {
	s() { printf '%s\n' "$@"; }
	s 'send 220 mx.test ESMTP' 'auto' >"$BATS_TEST_TMPDIR/script"
	script_start "$BATS_TEST_TMPDIR/script"
	script_conf "$BATS_TEST_TMPDIR/sc" "queue on" "queue_dir $QDIR"
	run down_in "$BATS_TEST_TMPDIR/sc" "$BOTE" -C "$BATS_TEST_TMPDIR/sc" \
	    -i rcpt@example.org < <(mail_with waiting)
	assert_success
	BOTE_TEST_TIME=$(later 301) run "$BOTE" -C "$BATS_TEST_TMPDIR/sc" \
	    -i rcpt@example.org < <(mail_with fresh)
	assert_success
	assert_equal "$(queued_ids | wc -l)" 0
	run recorded
	assert_equal "$(grep -c '^MAIL FROM:' <<<"$output")" 2
	assert_equal "$(grep -c 'body of waiting' <<<"$output")" 1
	assert_equal "$(grep -c 'body of fresh' <<<"$output")" 1
}

# The maildrop tests run bote as nobody: everything it touches must be
# reachable by that user, so they work in a world-searchable directory.
maildrop_setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to run bote as another user"
	command -v runuser >/dev/null || skip "runuser is not installed"
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	MD=$(mktemp -d /tmp/bote-maildrop.XXXXXX)
	chmod 0755 "$MD"
	cp "$BOTE" "$MD/bote"
	chmod 0755 "$MD/bote"
	sed "s|^queue_dir .*|queue_dir $MD/queue|" "$CONF" >"$MD/conf"
	chmod 0600 "$MD/conf"
	run "$MD/bote" -C "$MD/conf" --setup-maildrop
	assert_success
	assert_output "$MD/queue/maildrop"
}

as_nobody() {
	runuser -u nobody -- env -i PATH=/usr/bin:/bin HOME=/nonexistent \
	    BOTE_MAILDROP="$MD/queue/maildrop" "$MD/bote" "$@"
}

maildrop_teardown() {
	case ${MD:-} in
	/tmp/bote-maildrop.*) rm -rf "$MD" ;;
	esac
}

@test "maildrop: a user without access to the secrets drops, root sends" {
	maildrop_setup
	run stat -c %a "$MD/queue/maildrop"
	assert_output 1733
	run as_nobody -i rcpt@example.org < <(mail_with dropped)
	assert_success
	assert_output ""
	# Dropped, owned by the user; the user cannot list the maildrop.
	run find "$MD/queue/maildrop" -type f -user nobody -name 'd.*'
	assert_equal "${#lines[@]}" 1
	run runuser -u nobody -- ls "$MD/queue/maildrop"
	assert_failure
	sleep 0.3
	assert_equal "$(maildir_count)" 0

	# The periodic run: picked up and delivered, and nothing to say.
	run "$MD/bote" -C "$MD/conf" -q
	assert_success
	assert_output ""
	maildir_wait 1
	assert_equal "$(delivered dropped)" 1
	run find "$MD/queue/maildrop" -type f
	assert_output ""
	# The message says who submitted it, below Postfix's own trace.
	f=$(grep -l -x "X-Queue-Test: dropped" "$TESTBED_MAILDIR"/new/*)
	run grep -A1 "^Received: by .* (bote, from userid $(id -u nobody), nobody);\$" "$f"
	assert_success
	assert_line --index 1 --regexp $'^\t[A-Z][a-z]{2}, [0-9]+ [A-Z][a-z]{2} [0-9]{4} '
}

@test "maildrop: mailq lists the files not yet picked up (root only)" {
	maildrop_setup
	TZ=UTC BOTE_TEST_TIME=1795000000 run as_nobody -i rcpt@example.org \
	    < <(mail_with notyet)
	assert_success
	f=$(ls "$MD/queue/maildrop" | grep '^d\.')
	size=$(stat -c %s "$MD/queue/maildrop/$f")
	when=$(TZ=UTC date -d "@$(stat -c %Y "$MD/queue/maildrop/$f")" \
	    '+%a %b %e %H:%M:%S')
	TZ=UTC run "$MD/bote" -C "$MD/conf" -bp
	assert_success
	assert_line --index 1 "$(printf '%-17s %8s %19s %s' "${f#d.}" "$size" \
	    "$when" "(maildrop, sender UID $(id -u nobody))")"
	assert_line --index 2 "-- $((size / 1024)) Kbytes in 1 Request."
	# The user who dropped it cannot read the maildrop: nothing listed.
	run as_nobody -bp
	assert_output "Mail queue is empty"
	# Picked up, it is a queued message like any other.
	sed -i "s/^port $TESTBED_STARTTLS_PORT\$/port 1/" "$MD/conf"
	run "$MD/bote" -C "$MD/conf" -q
	run "$MD/bote" -C "$MD/conf" -bp
	refute_output --partial "(maildrop"
	assert_line --partial "-- 0 Kbytes in 1 Request."
}

@test "maildrop: mailq and the log name the user who submitted a queued message" {
	maildrop_setup
	printf 'logfile %s/log\n' "$MD" >>"$MD/conf"
	run as_nobody -i rcpt@example.org < <(mail_with who)
	assert_success
	sed -i "s/^port $TESTBED_STARTTLS_PORT\$/port 1/" "$MD/conf"
	run "$MD/bote" -C "$MD/conf" -q
	assert_success
	run "$MD/bote" -C "$MD/conf" -bp -v
	assert_success
	assert_line "  submitted by: uid $(id -u nobody)"
	run "$MD/bote" -C "$MD/conf" -bp --json
	assert_output --partial "\"uid\": $(id -u nobody)}"
	# Queued by the pickup, then deferred by the run: two lines.
	run grep -c " uid=$(id -u nobody) " "$MD/log"
	assert_output 2
	# A message root submits itself is not marked.
	run "$MD/bote" -C "$MD/conf" -i rcpt@example.org < <(mail_with root-own)
	run grep -c "uid=" "$MD/log"
	assert_output 2
	run wc -l <"$MD/log"
	assert_output 3
}

# LeakSanitizer cannot run under ptrace: no leak checks under strace.
@test "maildrop: root's pickup queues in-process, and the entry names the user's uid" {
	command -v strace >/dev/null || skip "no strace"
	maildrop_setup
	run as_nobody -i rcpt@example.org < <(mail_with in-process)
	assert_success
	# The server down: the entry stays in the queue to be read.
	sed -i "s/^port $TESTBED_STARTTLS_PORT\$/port 1/" "$MD/conf"
	run env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    strace -f -qq -e trace=execve -o "$BATS_TEST_TMPDIR/trace" \
	    "$MD/bote" -C "$MD/conf" -q -v
	assert_success
	assert_output --partial "(uid $(id -u nobody)) queued"
	# One execve: strace starting bote; bote itself runs nothing.
	run grep -c 'execve(' "$BATS_TEST_TMPDIR/trace"
	assert_output 1
	run grep -h '^uid ' "$MD"/queue/q/*.ctl
	assert_output "uid $(id -u nobody)"
}

@test "maildrop: the user's -f never chooses another account (the default one sends)" {
	maildrop_setup
	# A second account whose from matches the user's -f; as a direct
	# send, -f billing@example.org would pick it.
	printf '\naccount billing : starttls\nfrom billing@example.org\n' \
	    >>"$MD/conf"
	printf 'host 127.0.0.1\nport 1\n' >>"$MD/conf"
	run "$MD/bote" -C "$MD/conf" --pretend -f billing@example.org
	assert_success
	assert_output --partial "account billing"
	run as_nobody -i -f billing@example.org rcpt@example.org \
	    < <(mail_with chosen-account)
	assert_success
	# Queued without an attempt: the server "down" for the default too.
	sed -i "s/^port $TESTBED_STARTTLS_PORT\$/port 1/" "$MD/conf"
	run "$MD/bote" -C "$MD/conf" -q
	assert_success
	run grep -h '^account ' "$MD"/queue/q/*.ctl
	assert_output "account default"
}

# LeakSanitizer cannot run under ptrace: no leak checks under strace.
@test "maildrop: with allow_from_override off, the user's -f is not the sender nor anywhere in the message" {
	maildrop_setup
	printf 'allow_from_override off\n' >>"$MD/conf"
	run as_nobody -i -f boss@example.org rcpt@example.org \
	    < <(printf 'To: rcpt@example.org\nSubject: forged?\n\nbody\n')
	assert_success
	sed -i "s/^port $TESTBED_STARTTLS_PORT\$/port 1/" "$MD/conf"
	run "$MD/bote" -C "$MD/conf" -q
	assert_success
	run grep -h '^sender ' "$MD"/queue/q/*.ctl
	assert_output "sender $TESTBED_USER"
	run grep -c 'boss@example.org' "$MD"/queue/q/*.ctl "$MD"/queue/q/*.msg
	refute_output --regexp ':[1-9]'
}

@test "maildrop: what the user writes after root checked the file is not read" {
	command -v strace >/dev/null || skip "no strace"
	maildrop_setup
	run as_nobody -i rcpt@example.org < <(mail_with appended)
	assert_success
	local f
	f=$(find "$MD/queue/maildrop" -name 'd.*')
	local size
	size=$(stat -c %s "$f")
	# The server down: the entry stays in the queue to be measured.
	sed -i "s/^port $TESTBED_STARTTLS_PORT\$/port 1/" "$MD/conf"
	# Root's check of the file (its fstat) is held for two seconds while
	# the owner appends 4 MiB, as a writer who keeps writing would.
	(sleep 1; head -c 4194304 /dev/zero | tr '\0' 'x' |
	    runuser -u nobody -- tee -a "$f" >/dev/null) &
	run env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    strace -f -qq -o /dev/null -P "$f" \
	    -e inject=fstat,newfstatat,statx:delay_exit=2000000 \
	    "$MD/bote" -C "$MD/conf" -q -v
	wait
	assert_success
	assert_output --partial "queued"
	[ "$(stat -c %s "$f" 2>/dev/null || echo gone)" = gone ]
	# The queued message is the dropped one (CRLF form), not 4 MiB more.
	run sed -n 's/^size //p' "$MD"/queue/q/*.ctl
	[ "$output" -lt 4096 ]
}

@test "maildrop: -t and -f are kept; no recipients is a usage error" {
	maildrop_setup
	run as_nobody -i < <(mail_with none)
	assert_equal "$status" 64
	run as_nobody -t -i -f "$TESTBED_USER" < <(mail_with with-t)
	assert_success
	run "$MD/bote" -C "$MD/conf" -q
	assert_success
	maildir_wait 1
	assert_equal "$(delivered with-t)" 1
}

@test "maildrop: -N, -R and -V are kept with the message" {
	maildrop_setup
	run as_nobody -i -N success,delay -R hdrs -V env123 rcpt@example.org \
	    < <(mail_with dsn-kept)
	assert_success
	run grep -a -c -x -e 'opt -N' -e 'val success,delay' -e 'opt -R' \
	    -e 'val hdrs' -e 'opt -V' -e 'val env123' "$MD"/queue/maildrop/d.*
	assert_output 6
	run "$MD/bote" -C "$MD/conf" -q
	assert_success
	# The message, and Postfix's success notice to the sender (the
	# test user too), which names the envelope id: the options arrived.
	maildir_wait 2
	run grep -l -x 'Original-Envelope-Id: env123' "$TESTBED_MAILDIR"/new/*
	assert_success
	assert_equal "${#lines[@]}" 1
}

@test "maildrop: foreign, hard-linked and malformed files are set aside" {
	maildrop_setup
	local d=$MD/queue/maildrop
	# Owned by root (a user cannot make that, but a link could).
	printf 'BOTE-MAILDROP 1\nrcpt a@example.org\n\nx\n' >"$d/d.root"
	# A user's file with two links.
	printf 'BOTE-MAILDROP 1\nrcpt a@example.org\n\nx\n' >"$d/d.linked"
	chown nobody "$d/d.linked"
	ln "$d/d.linked" "$MD/second-link"
	# Garbage, and an envelope with an option that is not allowed.
	printf 'hello\n' >"$d/d.junk"
	printf 'BOTE-MAILDROP 1\nopt -C\nval /etc/shadow\nrcpt a@example.org\n\nx\n' \
	    >"$d/d.opt"
	chown nobody "$d/d.junk" "$d/d.opt"
	run "$MD/bote" -C "$MD/conf" -q
	assert_success
	assert_output --partial "d.root (uid 0) refused: owned by root"
	assert_output --partial "d.linked (uid $(id -u nobody)) refused: more than one link"
	assert_output --partial "d.junk (uid $(id -u nobody)) refused: not a maildrop file"
	assert_output --partial "d.opt (uid $(id -u nobody)) refused: a malformed envelope"
	run find "$d" -type f
	assert_output ""
	[ -e "$MD/queue/failed/maildrop.d.opt" ]
	sleep 0.3
	assert_equal "$(maildir_count)" 0
}

@test "maildrop: directories, FIFOs and links a user makes are removed, never moved or opened" {
	maildrop_setup
	local d=$MD/queue/maildrop
	runuser -u nobody -- mkdir "$d/d.dir"
	runuser -u nobody -- mkfifo "$d/d.fifo"
	runuser -u nobody -- ln -s /etc/shadow "$d/d.link"
	# A FIFO opened for reading would block: the run must not.
	run timeout 20 "$MD/bote" -C "$MD/conf" -q
	assert_success
	assert_output --partial "d.dir (uid $(id -u nobody)) removed: not a regular file"
	assert_output --partial "d.fifo (uid $(id -u nobody)) removed: not a regular file"
	assert_output --partial "d.link (uid $(id -u nobody)) removed: not a regular file"
	run find "$d" "$MD/queue/failed" -mindepth 1
	assert_output ""
}

@test "maildrop: a file name with control bytes reaches root's output sanitised" {
	maildrop_setup
	local d=$MD/queue/maildrop
	printf 'hello\n' >"$d/d.$(printf '\033]0;pwned\007\302\233x')"
	chown nobody "$d"/d.*
	run "$MD/bote" -C "$MD/conf" -q
	assert_success
	assert_output --partial "maildrop: d.?]0;pwned???x (uid $(id -u nobody)) refused: not a maildrop file"
	run grep -c "$(printf '\033')" <<<"$output"
	assert_output 0
}

@test "maildrop: a message the queue can never hold goes to failed/ after one try" {
	maildrop_setup
	# 10500 recipients with -t: over the queue's 10000 per entry.
	local i j
	{
		for i in $(seq 500); do
			printf 'To: '
			for j in $(seq 20); do printf 'r%d.%d@example.org, ' "$i" "$j"; done
			printf 'r%d.21@example.org\n' "$i"
		done
		printf 'Subject: poison\n\nbody\n'
	} >"$BATS_TEST_TMPDIR/poison"
	run as_nobody -t -i <"$BATS_TEST_TMPDIR/poison"
	assert_success
	run "$MD/bote" -C "$MD/conf" -q
	assert_success
	assert_output --partial "(uid $(id -u nobody)) refused: not queued (exit status 65)"
	run find "$MD/queue/maildrop" -name 'd.*'
	assert_output ""
	run find "$MD/queue/failed" -name 'maildrop.d.*'
	assert_equal "${#lines[@]}" 1
}

@test "maildrop: a maildrop that is not root's 1733 is not read" {
	maildrop_setup
	run as_nobody -i rcpt@example.org < <(mail_with wrong-mode)
	assert_success
	chmod 1777 "$MD/queue/maildrop"
	run "$MD/bote" -C "$MD/conf" -q
	assert_success
	assert_output --partial "not used: owned by uid 0 with mode 1777, not root's with 1733"
	run find "$MD/queue/maildrop" -name 'd.*'
	assert_equal "${#lines[@]}" 1
}

@test "--setup-maildrop never follows a symbolic link" {
	maildrop_setup
	rmdir "$MD/queue/maildrop"
	mkdir -m 0700 "$MD/elsewhere"
	ln -s "$MD/elsewhere" "$MD/queue/maildrop"
	run "$MD/bote" -C "$MD/conf" --setup-maildrop
	assert_equal "$status" 73
	assert_output --partial "not a directory (a symbolic link?)"
	run stat -c %a "$MD/elsewhere"
	assert_output 700
}

@test "a permanent refusal during bote -q: failed/, and the bounce is attempted" {
	s() { printf '%s\n' "$@"; }
	s 'send 220 mx.test ESMTP' 'expect EHLO' 'send 250 mx.test' \
	  'expect MAIL' 'send 250 ok' 'expect RCPT' \
	  'send 550 5.1.1 no such user' 'read-all' >"$BATS_TEST_TMPDIR/script"
	script_start "$BATS_TEST_TMPDIR/script"
	script_conf "$BATS_TEST_TMPDIR/sc" "tls off" "auth off" "queue on" \
	    "queue_dir $QDIR" "from $TESTBED_USER"
	run down_in "$BATS_TEST_TMPDIR/sc" "$BOTE" -C "$BATS_TEST_TMPDIR/sc" \
	    -i gone@example.org < <(mail_with refused)
	assert_success
	id=$(queued_ids)
	# The scripted server takes one connection: the bounce cannot go.
	run "$BOTE" -C "$BATS_TEST_TMPDIR/sc" -qI"$id"
	assert_success
	assert_output --partial "$id: given up (the server answered RCPT"
	assert_output --partial "550 5.1.1 no such user"
	assert_output --partial "could not be sent"
	[ -e "$QDIR/failed/$id.ctl" ]
	assert_equal "$(queued_ids | wc -l)" 0
	run "$BOTE" -C "$BATS_TEST_TMPDIR/sc" -bp --json
	echo "$output" | python3 -c '
import json, sys
q = json.load(sys.stdin)
assert q[0]["state"] == "failed" and "550 5.1.1" in q[0]["last_error"], q
'
}

@test "bote -q is quiet when all is well: a deferral goes to syslog, a given-up message to stderr" {
	run while_down "$BOTE" -C "$CONF" -i rcpt@example.org < <(mail_with quiet-1)
	assert_success
	# Due, the server still down: deferred, which a retry may fix.
	BOTE_TEST_TIME=$(later 301) run while_down "$BOTE" -C "$CONF" -q
	assert_success
	assert_output ""
	assert_equal "$(queued_ids | wc -l)" 1
	# Delivered: nothing either.
	BOTE_TEST_TIME=$(later 1000) run "$BOTE" -C "$CONF" -q
	assert_success
	assert_output ""
	maildir_wait 1
	# Too old: given up, which needs a person.
	run while_down "$BOTE" -C "$CONF" -i rcpt@example.org < <(mail_with quiet-2)
	BOTE_TEST_TIME=$(later $((6 * 86400))) run while_down "$BOTE" -C "$CONF" -q
	assert_output --partial "given up"
}

@test "-q sends a message whose backoff has not expired; -q --due does not" {
	run while_down "$BOTE" -C "$CONF" -i rcpt@example.org < <(mail_with force-1)
	assert_success
	assert_equal "$(queued_ids | wc -l)" 1
	run "$BOTE" -C "$CONF" -q --due
	assert_success
	assert_output ""
	sleep 0.5
	assert_equal "$(delivered force-1)" 0
	assert_equal "$(queued_ids | wc -l)" 1
	run "$BOTE" -C "$CONF" -q
	assert_success
	assert_output ""
	maildir_wait 1
	assert_equal "$(delivered force-1)" 1
	assert_equal "$(queued_ids | wc -l)" 0
	# --due belongs to -q.
	run "$BOTE" -C "$CONF" --due rcpt@example.org </dev/null
	assert_equal "$status" 64
	assert_output --partial "--due goes with -q"
}

@test "-qS selects by sender" {
	run while_down "$BOTE" -C "$CONF" -i -f one@example.org rcpt@example.org \
	    < <(mail_with sender-1)
	run while_down "$BOTE" -C "$CONF" -i -f two@example.org rcpt@example.org \
	    < <(mail_with sender-2)
	assert_equal "$(queued_ids | wc -l)" 2
	run "$BOTE" -C "$CONF" -qSTWO@
	assert_success
	maildir_wait 1
	assert_equal "$(delivered sender-2)" 1
	assert_equal "$(delivered sender-1)" 0
	assert_equal "$(queued_ids | wc -l)" 1
	run "$BOTE" -C "$CONF" -qS
	assert_equal "$status" 64
	assert_output --partial "-qS needs a string to match"
}

@test "--hold: a held message survives -q, -qI and a successful send; --release sends it" {
	run while_down "$BOTE" -C "$CONF" -i rcpt@example.org < <(mail_with held-1)
	id=$(queued_ids)
	run "$BOTE" -C "$CONF" --hold "$id"
	assert_success
	assert_output "bote: $id: held"
	grep -qx 'hold 1' "$QDIR/q/$id.ctl"
	run "$BOTE" -C "$CONF" --hold "$id"
	assert_success
	assert_output "bote: $id: already held"
	run "$BOTE" -C "$CONF" -bp --json
	assert_success
	echo "$output" | python3 -c '
import json, sys
q = json.load(sys.stdin)
assert q[0]["held"] is True, q
'
	# Postfix's mark for a held message, after the ID.
	run "$BOTE" -C "$CONF" -bp
	assert_line --index 1 --regexp "^$id! "
	run "$BOTE" -C "$CONF" -q
	assert_success
	assert_output ""
	run "$BOTE" -C "$CONF" -q -v
	assert_output --partial "1 held"
	run "$BOTE" -C "$CONF" -qI"$id"
	assert_success
	# A successful send drains the due queue, but not a held message,
	# even long after its backoff and queue_max_age.
	BOTE_TEST_TIME=$(later 301) run "$BOTE" -C "$CONF" -i \
	    rcpt@example.org < <(mail_with held-2)
	assert_success
	BOTE_TEST_TIME=$(later $((6 * 86400))) run "$BOTE" -C "$CONF" -q
	assert_success
	maildir_wait 1
	sleep 0.5
	assert_equal "$(delivered held-2)" 1
	assert_equal "$(delivered held-1)" 0
	assert_equal "$(queued_ids)" "$id"

	run "$BOTE" -C "$CONF" --release "$(echo "$id" | tr A-F a-f)"
	assert_success
	assert_output "bote: $id: released"
	! grep -q '^hold' "$QDIR/q/$id.ctl"
	run "$BOTE" -C "$CONF" --release "$id"
	assert_success
	assert_output "bote: $id: not held"
	run "$BOTE" -C "$CONF" -q --due
	assert_success
	maildir_wait 2
	assert_equal "$(delivered held-1)" 1
	assert_equal "$(queued_ids | wc -l)" 0
}

@test "--delete removes a message: nothing in failed/, no bounce; unknown ids and bad ones" {
	run while_down "$BOTE" -C "$CONF" -i rcpt@example.org < <(mail_with del-1)
	id=$(queued_ids)
	run "$BOTE" -C "$CONF" --delete "$id"
	assert_success
	assert_output "bote: $id: deleted"
	assert_equal "$(queued_ids | wc -l)" 0
	[ ! -e "$QDIR/q/$id.msg" ]
	assert_equal "$(find "$QDIR/failed" -type f 2>/dev/null | wc -l)" 0
	run "$BOTE" -C "$CONF" --delete "$id"
	assert_equal "$status" 66
	assert_output "bote: $id: no such message in the queue"
	run "$BOTE" -C "$CONF" --hold 12345
	assert_equal "$status" 64
	assert_output --partial "not a queue id"
	run "$BOTE" -C "$CONF" --delete
	assert_equal "$status" 64
	sleep 0.5
	assert_equal "$(maildir_count)" 0
}

@test "--hold ALL, --release ALL and --delete ALL" {
	run while_down "$BOTE" -C "$CONF" -i rcpt@example.org < <(mail_with all-1)
	run while_down "$BOTE" -C "$CONF" -i rcpt@example.org < <(mail_with all-2)
	assert_equal "$(queued_ids | wc -l)" 2
	run "$BOTE" -C "$CONF" --hold ALL
	assert_success
	assert_equal "$(echo "$output" | grep -c ': held$')" 2
	run "$BOTE" -C "$CONF" --release=ALL
	assert_success
	assert_equal "$(echo "$output" | grep -c ': released$')" 2
	run "$BOTE" -C "$CONF" --delete ALL
	assert_success
	assert_equal "$(echo "$output" | grep -c ': deleted$')" 2
	assert_equal "$(queued_ids | wc -l)" 0
	run "$BOTE" -C "$CONF" --delete ALL
	assert_success
	assert_output "bote: the queue is empty: no message deleted"
}
