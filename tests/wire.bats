#!/usr/bin/env bats
# How bote uses the connection and memory, for speed.
# No test asserts a time: each checks the mechanism that the speed comes
# from, seen with strace(1) or time(1), against the scripted server in its
# permissive "auto" mode over plain TCP.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library bote.bash
bats_load_library smtpscript.bash

setup() {
	S=$BATS_TEST_TMPDIR/script
	CONF=$BATS_TEST_TMPDIR/bote.conf
	printf 'send 220 wire test\nauto\n' >"$S"
}

# A message of about N MiB in 77-octet lines (base64 of random bytes).
big() {
	head -c $(($1 * 1024 * 1024 * 3 / 4)) /dev/urandom | base64 -w 76 \
	    >"$BATS_TEST_TMPDIR/big"
}

plain_session() {
	script_start "$S"
	script_conf "$CONF" "tls off" "auth off"
}

@test "the body leaves in large writes, not one per line" {
	big 1
	plain_session
	run traced strace -f -e trace=write,sendto,sendmsg,writev -o "$BATS_TEST_TMPDIR/st" \
	    "$BOTE" -C "$CONF" -i r@example.org <"$BATS_TEST_TMPDIR/big"
	assert_success
	local lines writes
	lines=$(wc -l <"$BATS_TEST_TMPDIR/big")
	# Socket writes are send(2) with MSG_NOSIGNAL; the spool's are not.
	writes=$(grep -c MSG_NOSIGNAL "$BATS_TEST_TMPDIR/st")
	# 13,000 lines; IO_WBUFSZ (16 KiB) chunks make about 66 writes.
	[ "$lines" -gt 10000 ]
	[ "$writes" -lt 200 ] || fail "$writes writes for $lines lines"
}

@test "TCP_NODELAY is set, and every wait for a reply asks for quick ACKs" {
	big 1
	plain_session
	run traced strace -f -e trace=setsockopt,poll -o "$BATS_TEST_TMPDIR/st" \
	    "$BOTE" -C "$CONF" -i r@example.org <"$BATS_TEST_TMPDIR/big"
	assert_success
	run grep -c TCP_NODELAY "$BATS_TEST_TMPDIR/st"
	assert_output 1
	# Each poll for input on the socket follows a TCP_QUICKACK.
	run awk '
		/poll\(\[\{fd=[0-9]+, events=POLLIN\}/ {
			waits++
			if (prev !~ /TCP_QUICKACK/) bad++
		}
		{ prev = $0 }
		END { printf "%d %d\n", waits, bad }' "$BATS_TEST_TMPDIR/st"
	local waits=${output% *} bad=${output#* }
	[ "$waits" -ge 1 ] || fail "bote never waited for a reply?"
	[ "$bad" -eq 0 ] || fail "$bad of $waits waits without TCP_QUICKACK"
}

@test "bote does not wait for the reply to QUIT" {
	cat >"$S" <<-'EOF2'
	send 220 wire test
	expect EHLO
	send 250-localhost\r\n250 PIPELINING
	expect MAIL
	expect RCPT
	expect DATA
	send 250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go ahead
	expect-data
	send 250 2.0.0 Ok: queued
	expect QUIT
	hang
	EOF2
	script_start "$S"
	script_conf "$CONF" "tls off" "auth off" "timeout 30"
	# Waiting for a 221 that never comes would take the 30 s deadline;
	# the outer timeout (20 s) turns that into a failure (124).
	run timeout 20 "$BOTE" -C "$CONF" -i r@example.org <<<"Subject: x"
	assert_success
	run recorded
	assert_output --partial "QUIT"
}

@test "peak memory does not grow with the message size (1 MiB vs 64 MiB)" {
	big 1
	plain_session
	run /usr/bin/time -f '%M' -o "$BATS_TEST_TMPDIR/rss1" \
	    "$BOTE" -C "$CONF" -i r@example.org <"$BATS_TEST_TMPDIR/big"
	assert_success
	script_stop
	big 64
	plain_session
	run /usr/bin/time -f '%M' -o "$BATS_TEST_TMPDIR/rss64" \
	    "$BOTE" -C "$CONF" -i r@example.org <"$BATS_TEST_TMPDIR/big"
	assert_success
	local a b
	a=$(tail -n 1 "$BATS_TEST_TMPDIR/rss1")
	b=$(tail -n 1 "$BATS_TEST_TMPDIR/rss64")
	# Kilobytes; 64 MiB of message must not add even 2 MiB.
	[ $((b - a)) -lt 2048 ] || fail "max RSS $a KiB at 1 MiB, $b KiB at 64 MiB"
}
