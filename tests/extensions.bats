#!/usr/bin/env bats
# SMTP extensions: each used exactly when the server
# offers it and the message needs it. The scripted server checks the exact
# commands; the testbed's Postfix (which offers SIZE, 8BITMIME, SMTPUTF8,
# DSN and CHUNKING) checks that what bote sends is delivered intact. DSN
# parameters are tested in dsn.bats.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library bote.bash
bats_load_library testbed.bash
bats_load_library smtpscript.bash

setup() {
	S=$BATS_TEST_TMPDIR/script
	CONF=$BATS_TEST_TMPDIR/bote.conf
	MSG=$BATS_TEST_TMPDIR/msg
	WANT=$BATS_TEST_TMPDIR/want
	# Every header present and none added, so the octets are known.
	printf '%s\n' 'From: sender@example.org' 'To: rcpt@example.net' \
	    'Date: Sun, 22 Nov 2026 12:00:00 +0000' \
	    'Message-ID: <ext@example.org>' 'Subject: extensions' '' \
	    '.leading dot' '.' '..' 'last line' >"$MSG"
	sed 's/$/\r/' "$MSG" >"$WANT"
}

# plain_conf [DIRECTIVE...]: no TLS, no AUTH, no added headers.
plain_conf() {
	script_conf "$CONF" "tls off" "auth off" "set_from_header off" \
	    "set_date_header off" "set_msgid_header off" "$@"
}

# What bote sent after the last EHLO, one line each.
after_ehlo() {
	sent_lines | sed -n '/^EHLO/h; /^EHLO/!H; ${x; p}' | sed 1d
}

# The octets of the first BDAT chunk in the record.
chunk() {
	script_wait || true
	python3 - "$SCRIPT_RECORD" <<-'PY'
	import re, sys
	d = open(sys.argv[1], "rb").read()
	m = re.search(rb"BDAT ([0-9]+) LAST\r\n", d)
	n = int(m.group(1))
	sys.stdout.buffer.write(d[m.end():m.end() + n])
	PY
}

# A plain dialogue up to and including EHLO's reply offering $1 (lines
# joined with \r\n), then the transaction with DATA, PIPELINING style.
data_dialogue() {
	s 'send 220 mx.test ESMTP' 'expect EHLO' "send 250-mx.test\\r\\n$1" \
	  'expect MAIL' 'expect RCPT' 'expect DATA' \
	  'send 250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go' 'expect-data' \
	  'send 250 2.0.0 queued' 'expect QUIT'
}

# --- SIZE (RFC 1870) ---------------------------------------------------------

@test "SIZE offered: MAIL carries SIZE= with the exact octets" {
	data_dialogue '250-PIPELINING\r\n250 SIZE 10240000' >"$S"
	script_start "$S"
	plain_conf
	run_bote
	assert_success
	run sent_lines
	assert_line "MAIL FROM:<sender@example.org> SIZE=$(wc -c <"$WANT")"
}

@test "SIZE not offered: no SIZE parameter" {
	data_dialogue '250 PIPELINING' >"$S"
	script_start "$S"
	plain_conf
	run_bote
	assert_success
	run sent_lines
	assert_line "MAIL FROM:<sender@example.org>"
}

@test "larger than the SIZE limit: 69, nothing but QUIT after EHLO" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250-PIPELINING\r\n250 SIZE 100' 'expect QUIT' >"$S"
	script_start "$S"
	plain_conf
	run_bote
	assert_failure 69
	assert_output --partial "the server accepts at most 100"
	run after_ehlo
	assert_output "QUIT"
}

@test "larger than the SIZE limit after STARTTLS: no AUTH either, only QUIT" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250 STARTTLS' \
	  'expect STARTTLS' 'send 220 2.0.0 go ahead' 'starttls' \
	  'expect EHLO' \
	  'send 250-mx.test\r\n250-PIPELINING\r\n250-AUTH PLAIN\r\n250 SIZE 100' \
	  'expect QUIT' >"$S"
	script_start "$S"
	script_conf "$CONF" "auth plain"
	run_bote
	assert_failure 69
	run after_ehlo
	assert_output "QUIT"
}

# --- 8BITMIME (RFC 6152) -----------------------------------------------------

# mime_case EHLO-LINES BODY-LINE: run one message, print its MAIL line.
mime_case() {
	data_dialogue "$1" >"$S"
	printf '%s\n' 'Subject: x' '' "$2" >"$MSG"
	script_start "$S"
	plain_conf
	run_bote
	assert_success
	sent_lines | grep '^MAIL'
	script_stop
}

@test "BODY=8BITMIME only for an 8-bit body, and only when offered" {
	run mime_case '250-PIPELINING\r\n250 8BITMIME' $'caf\xc3\xa9'
	assert_output "MAIL FROM:<sender@example.org> BODY=8BITMIME"
	run mime_case '250-PIPELINING\r\n250 8BITMIME' 'plain ASCII'
	assert_output "MAIL FROM:<sender@example.org>"
	run mime_case '250 PIPELINING' $'caf\xc3\xa9'
	assert_output "MAIL FROM:<sender@example.org>"
}

# --- SMTPUTF8 (RFC 6531) and IDNA ---------------------------------------------

@test "SMTPUTF8 offered: a UTF-8 local part goes as it is, MAIL says SMTPUTF8" {
	data_dialogue '250-PIPELINING\r\n250 SMTPUTF8' >"$S"
	script_start "$S"
	plain_conf
	run_bote $'j\xc3\xb6rg@ex\xc3\xa4mple.org'
	assert_success
	run sent_lines
	assert_line "MAIL FROM:<sender@example.org> SMTPUTF8"
	assert_line $'RCPT TO:<j\xc3\xb6rg@ex\xc3\xa4mple.org>'
}

@test "SMTPUTF8 offered: an ASCII local part at an IDN domain goes as A-labels, no SMTPUTF8" {
	data_dialogue '250-PIPELINING\r\n250 SMTPUTF8' >"$S"
	script_start "$S"
	plain_conf
	run_bote $'rcpt@ex\xc3\xa4mple.org'
	assert_success
	run sent_lines
	# A later hop without SMTPUTF8 still takes it.
	assert_line "MAIL FROM:<sender@example.org>"
	assert_line "RCPT TO:<rcpt@xn--exmple-cua.org>"
}

@test "SMTPUTF8 offered: ASCII addresses do not ask for it" {
	data_dialogue '250-PIPELINING\r\n250 SMTPUTF8' >"$S"
	script_start "$S"
	plain_conf
	run_bote
	assert_success
	run sent_lines
	assert_line "MAIL FROM:<sender@example.org>"
}

@test "SMTPUTF8 not offered: an internationalised domain becomes A-labels" {
	data_dialogue '250 PIPELINING' >"$S"
	script_start "$S"
	plain_conf
	sed -i $'s/^from .*/from s@b\xc3\xbccher.example/' "$CONF"
	run_bote $'rcpt@ex\xc3\xa4mple.org'
	assert_success
	run sent_lines
	assert_line "MAIL FROM:<s@xn--bcher-kva.example>"
	assert_line "RCPT TO:<rcpt@xn--exmple-cua.org>"
	refute_output --partial "SMTPUTF8"
}

@test "SMTPUTF8 not offered: a non-ASCII local part is refused (65), only QUIT" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250 PIPELINING' 'expect QUIT' >"$S"
	script_start "$S"
	plain_conf
	run_bote $'r\xc3\xbcdiger@example.org'
	assert_failure 65
	assert_output --partial "SMTPUTF8"
	run after_ehlo
	assert_output "QUIT"
}

# --- CHUNKING (RFC 3030) ------------------------------------------------------

@test "CHUNKING, one recipient: MAIL, RCPT and BDAT LAST in one write, exact octets" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250-PIPELINING\r\n250 CHUNKING' \
	  'expect MAIL' 'expect RCPT' 'expect-chunk' \
	  'send 250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.0.0 queued' 'expect QUIT' >"$S"
	script_start "$S"
	plain_conf
	run_bote
	assert_success
	script_wait || { script_log; fail "the dialogue differed"; }
	run sent_lines
	assert_line "BDAT $(wc -c <"$WANT") LAST"
	refute_output --partial "DATA"
	# No dot-stuffing, no end-of-data line: the octets as they are.
	chunk >"$BATS_TEST_TMPDIR/chunk"
	cmp "$WANT" "$BATS_TEST_TMPDIR/chunk"
}

@test "CHUNKING, several recipients: BDAT only after every RCPT was accepted" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250-PIPELINING\r\n250 CHUNKING' \
	  'expect MAIL' 'expect RCPT' 'expect-alone RCPT' \
	  'send 250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok' \
	  'expect-chunk' 'send 250 2.0.0 queued' 'expect QUIT' >"$S"
	script_start "$S"
	plain_conf
	run_bote a@example.net b@example.net
	assert_success
	script_wait || { script_log; fail "the dialogue differed"; }
	chunk >"$BATS_TEST_TMPDIR/chunk"
	cmp "$WANT" "$BATS_TEST_TMPDIR/chunk"
}

@test "CHUNKING, several recipients, one refused: no BDAT at all (67)" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250-PIPELINING\r\n250 CHUNKING' \
	  'expect MAIL' 'expect RCPT' 'expect RCPT' \
	  'send 250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 no such user' \
	  'expect QUIT' >"$S"
	script_start "$S"
	plain_conf
	run_bote a@example.net b@example.net
	assert_failure 67
	assert_output --partial "b@example.net"
	run sent_lines
	refute_output --partial "BDAT"
	refute_output --partial "leading dot"
	script_wait || { script_log; fail "the dialogue differed"; }
}

@test "CHUNKING, one recipient refused: the server refuses BDAT, the RCPT reply is the cause" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250-PIPELINING\r\n250 CHUNKING' \
	  'expect MAIL' 'expect RCPT' 'expect-chunk' \
	  'send 250 2.1.0 Ok\r\n550 5.1.1 no such user\r\n554 5.5.1 no valid recipients' \
	  'expect QUIT' >"$S"
	script_start "$S"
	plain_conf
	run_bote
	assert_failure 67
	assert_output --partial "550 5.1.1"
	script_wait || { script_log; fail "the dialogue differed"; }
}

@test "CHUNKING without PIPELINING: one command at a time, then BDAT" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250 CHUNKING' \
	  'expect-alone MAIL' 'send 250 2.1.0 Ok' \
	  'expect-alone RCPT' 'send 250 2.1.5 Ok' \
	  'expect-chunk' 'send 250 2.0.0 queued' 'expect QUIT' >"$S"
	script_start "$S"
	plain_conf
	run_bote
	assert_success
	script_wait || { script_log; fail "the dialogue differed"; }
}

@test "CHUNKING: the connection lost after BDAT LAST, before any reply: 75, maybe delivered" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250-PIPELINING\r\n250 CHUNKING' \
	  'expect MAIL' 'expect RCPT' 'expect-chunk' 'drop' >"$S"
	script_start "$S"
	plain_conf
	run_bote
	assert_failure 75
	assert_output --partial "may have been delivered"
}

@test "BDAT LAST refused with 552 5.3.4: 69" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250-PIPELINING\r\n250 CHUNKING' \
	  'expect MAIL' 'expect RCPT' 'expect-chunk' \
	  'send 250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n552 5.3.4 message too big' \
	  'expect QUIT' >"$S"
	script_start "$S"
	plain_conf
	run_bote
	assert_failure 69
	assert_output --partial "552 5.3.4"
}

# --- against Postfix --------------------------------------------------------

postfix_conf() {
	bote_conf "$CONF" "set_from_header off" "set_date_header off" \
	    "set_msgid_header off"
	sed -i 's/^auth on$/auth plain/' "$CONF"
	maildir_clear
}

@test "Postfix: BDAT delivers a message with dot lines byte for byte" {
	postfix_conf
	run "$BOTE" -C "$CONF" -v -i rcpt@example.org <"$MSG"
	assert_success
	assert_line --partial -- "--> BDAT $(wc -c <"$WANT") LAST"
	maildir_wait 1
	maildir_last >"$BATS_TEST_TMPDIR/got"
	diff "$MSG" "$BATS_TEST_TMPDIR/got"
}

@test "Postfix: an 8-bit message goes with BODY=8BITMIME and arrives intact" {
	postfix_conf
	printf '%s\n' 'From: sender@example.org' 'To: rcpt@example.org' \
	    'Subject: 8bit' '' $'caf\xc3\xa9 \xe2\x82\xac' >"$MSG"
	run "$BOTE" -C "$CONF" -a tls -v -i rcpt@example.org <"$MSG"
	assert_success
	assert_line --regexp -- '--> MAIL FROM:<[^>]+> SIZE=[0-9]+ BODY=8BITMIME$'
	maildir_wait 1
	maildir_last >"$BATS_TEST_TMPDIR/got"
	diff "$MSG" "$BATS_TEST_TMPDIR/got"
}

@test "Postfix: a UTF-8 recipient goes with SMTPUTF8 and is delivered" {
	postfix_conf
	run "$BOTE" -C "$CONF" -v -i $'r\xc3\xbcdiger@ex\xc3\xa4mple.org' <"$MSG"
	assert_success
	assert_line --regexp -- '--> MAIL FROM:<[^>]+> SIZE=[0-9]+ SMTPUTF8$'
	maildir_wait 1
}

@test "Postfix: larger than its SIZE limit: 69, nothing delivered" {
	# A new account: nothing queued (bote.1, EXIT STATUS).
	fresh_queue
	postfix_conf
	head -c $((11 * 1024 * 1024)) /dev/zero | tr '\0' 'x' | fold -w 76 \
	    >"$BATS_TEST_TMPDIR/big"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$BATS_TEST_TMPDIR/big"
	assert_failure 69
	assert_output --partial "accepts at most 10240000"
	run maildir_count
	assert_output 0
}

# Client turns: a connect or a write on the SMTP socket, then the first
# read that returns server data; further reads and polls in the same turn
# (a reply in two segments, TLS session tickets) do not count again. This
# is the number of times bote waits for the server, independent of timing.
turns() {
	awk '
	/connect\([0-9]+, \{sa_family=AF_INET/ {
		match($0, /connect\([0-9]+/)
		fd = substr($0, RSTART + 8, RLENGTH - 8)
		pending = 1
		next
	}
	fd == "" { next }
	$0 ~ "(write|writev|sendto|sendmsg)\\(" fd "," { pending = 1; next }
	$0 ~ "(read|recvfrom|recvmsg)\\(" fd "," && $0 ~ /= [1-9][0-9]*$/ {
		if (pending) { n++; pending = 0 }
	}
	END { print n + 0 }' "$1"
}

@test "Postfix: 7 waits with STARTTLS+AUTH, 5 with implicit TLS+AUTH (PIPELINING, CHUNKING)" {
	postfix_conf
	local st=$BATS_TEST_TMPDIR/st
	# connect, greeting, EHLO, STARTTLS, handshake, EHLO,
	# AUTH+MAIL+RCPT+BDAT LAST
	run traced strace -f -o "$st" -e trace=connect,read,recvfrom,recvmsg,write,writev,sendto,sendmsg \
	    "$BOTE" -C "$CONF" -a starttls -i rcpt@example.org <"$MSG"
	assert_success
	run turns "$st"
	assert_output 7
	# connect, handshake, greeting, EHLO, AUTH+MAIL+RCPT+BDAT LAST
	run traced strace -f -o "$st" -e trace=connect,read,recvfrom,recvmsg,write,writev,sendto,sendmsg \
	    "$BOTE" -C "$CONF" -a tls -i rcpt@example.org <"$MSG"
	assert_success
	run turns "$st"
	assert_output 5
	maildir_wait 2
}
