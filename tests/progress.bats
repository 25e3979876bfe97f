#!/usr/bin/env bats
# The progress line (bote.1, DESCRIPTION): a send that takes more than
# about a second shows the octets sent, the size and the rate on standard
# error when that is a terminal, and nothing otherwise. The scripted
# server stalls after 354 without reading, so the message (larger than
# the socket buffers) takes longer than that however fast the machine;
# no test asserts a time.

[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library bote.bash
bats_load_library smtpscript.bash

setup() {
	S=$BATS_TEST_TMPDIR/script
	CONF=$BATS_TEST_TMPDIR/bote.conf
	MSG=$BATS_TEST_TMPDIR/msg
	# 16 MB: more than loopback's socket buffers hold (4 MB each way on
	# Debian), so bote's writes block while the server stalls.
	{
		printf 'From: sender@example.org\nSubject: large\n\n'
		head -c 16000000 /dev/zero | tr '\0' a | fold -w 76
	} >"$MSG"
	s 'send 220 mx.test ESMTP smtpscript' 'expect EHLO' \
	  'send 250 mx.test' 'expect MAIL' 'send 250 2.1.0 ok' \
	  'expect RCPT' 'send 250 2.1.5 ok' 'expect DATA' 'send 354 go' \
	  'stall 1.5' 'expect-data' 'send 250 2.0.0 queued' 'expect QUIT' \
	  'send 221 2.0.0 bye' >"$S"
	script_start "$S"
	cat >"$CONF" <<-EOF2
	account default
	host 127.0.0.1
	port $SCRIPT_PORT
	from sender@example.org
	tls off
	auth off
	queue off
	EOF2
	chmod 600 "$CONF"
}

@test "a long send on a terminal shows a progress line, then wipes it" {
	command -v script >/dev/null || skip "script (util-linux) is missing"
	local out=$BATS_TEST_TMPDIR/tty
	# script(1) gives the command a terminal on all three descriptors;
	# the message comes from a file, not through the terminal.
	run timeout 60 script -qec "'$BOTE' -C '$CONF' -i rcpt@example.net \
	    <'$MSG'; echo \"exit \$?\"" /dev/null </dev/null
	printf '%s' "$output" >"$out"
	assert_output --partial "exit 0"
	# "\rbote: sent 3.8 MiB of 15.7 MiB (24%), 2.5 MiB/s", redrawn.
	grep -a -q -E \
	    $'\rbote: sent [0-9.]+ [KMG]?i?B of [0-9.]+ MiB \\([0-9]+%\\), [0-9.]+ [KMG]?i?B/s' \
	    "$out" || { cat -A "$out"; fail "no progress line"; }
	# Wiped before the exit: blanks between carriage returns, then the
	# next output starts at the beginning of the line.
	grep -a -q -E $'\r +\rexit 0' "$out" ||
	    { cat -A "$out"; fail "the line was not wiped"; }
	script_wait || { show_record; fail "the server saw a problem"; }
}

@test "the same send without a terminal writes nothing on stderr" {
	run timeout 60 setsid -w "$BOTE" -C "$CONF" -i rcpt@example.net \
	    <"$MSG" 2>"$BATS_TEST_TMPDIR/err"
	assert_success
	assert_output ""
	[ ! -s "$BATS_TEST_TMPDIR/err" ] ||
	    fail "stderr: $(cat -A "$BATS_TEST_TMPDIR/err")"
	script_wait || { show_record; fail "the server saw a problem"; }
}
