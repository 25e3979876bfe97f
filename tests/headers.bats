#!/usr/bin/env bats
# Header policy against the real testbed (Postfix + Dovecot): Date,
# Message-ID and From added when missing, -F display names, the
# set_*_header directives, Bcc and Resent-Bcc removal, -t with a Resent
# block. The clock and the Message-ID randomness are fixed through the
# test hooks BOTE_TEST_TIME and BOTE_TEST_MSGID_RANDOM (cli/main.c).

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library testbed.bash

setup() {
	CONF="$BATS_TEST_TMPDIR/conf"
	bote_conf "$CONF"
	maildir_clear
	MSG="$BATS_TEST_TMPDIR/msg"
	WANT="$BATS_TEST_TMPDIR/want"
	GOT="$BATS_TEST_TMPDIR/got"
	export TZ=UTC0
	export BOTE_TEST_TIME=1795362138
	export BOTE_TEST_MSGID_RANDOM=00112233445566778899aabbccddeeff
	DATE='Date: Sun, 22 Nov 2026 15:42:18 +0000'
	MSGID='Message-ID: <00112233445566778899aabbccddeeff@example.org>'
}

@test "cron's message gets Date and Message-ID; its own From is kept" {
	printf 'From: root (Cron Daemon)\nTo: root\nSubject: Cron <root@host> run-parts\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\nX-Cron-Env: <SHELL=/bin/sh>\n\nhello\n' >"$MSG"
	{
		echo "$DATE"
		echo "$MSGID"
		cat "$MSG"
	} >"$WANT"
	run "$BOTE" -C "$CONF" -FCronDaemon -i -B8BITMIME -oem root <"$MSG"
	assert_success
	assert_output ""
	delivered_equals "$WANT"
}

@test "no From: one is added from -F and the envelope sender" {
	printf 'Subject: s\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -i -F 'Smith, John' rcpt@example.org <"$MSG"
	assert_success
	{
		echo "$DATE"
		echo "From: \"Smith, John\" <$TESTBED_USER>"
		echo "$MSGID"
		cat "$MSG"
	} >"$WANT"
	delivered_equals "$WANT"
}

@test "a non-ASCII -F name is RFC 2047 B-encoded" {
	printf 'Subject: s\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -i -F $'Jos\xc3\xa9 M\xc3\xbcller' rcpt@example.org <"$MSG"
	assert_success
	maildir_wait 1
	run grep -h '^From:' "$(maildir_last_file)"
	assert_output "From: =?UTF-8?B?Sm9zw6kgTcO8bGxlcg==?= <$TESTBED_USER>"
}

@test "from_full_name is used without -F; -F wins over it" {
	bote_conf "$CONF" 'from_full_name "Backup Robot"'
	printf 'Subject: s\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	maildir_wait 1
	run grep -h '^From:' "$(maildir_last_file)"
	assert_output "From: Backup Robot <$TESTBED_USER>"
	maildir_clear
	run "$BOTE" -C "$CONF" -i -F Other rcpt@example.org <"$MSG"
	assert_success
	maildir_wait 1
	run grep -h '^From:' "$(maildir_last_file)"
	assert_output "From: Other <$TESTBED_USER>"
}

@test "-F with CR LF cannot add a header field" {
	printf 'Subject: s\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -i -F $'x\r\nBcc: evil@x' rcpt@example.org <"$MSG"
	assert_success
	maildir_wait 1
	sleep 0.5
	assert_equal "$(maildir_count)" 1
	run grep -ic '^bcc:' "$(maildir_last_file)"
	assert_output 0
	run grep -h '^From:' "$(maildir_last_file)"
	assert_output "From: \"x Bcc: evil@x\" <$TESTBED_USER>"
}

@test "a message without a header gets the fields and an empty line" {
	printf 'just a body line\n' >"$MSG"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	{
		echo "$DATE"
		echo "From: $TESTBED_USER"
		echo "$MSGID"
		echo
		cat "$MSG"
	} >"$WANT"
	delivered_equals "$WANT"
}

@test "set_from_header on replaces From; off adds none" {
	bote_conf "$CONF" "set_from_header on"
	printf 'From: someone@elsewhere.example\nSubject: s\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -i -F Me rcpt@example.org <"$MSG"
	assert_success
	maildir_wait 1
	run grep -h '^From:' "$(maildir_last_file)"
	assert_output "From: Me <$TESTBED_USER>"
	maildir_clear
	bote_conf "$CONF" "set_from_header off"
	printf 'Subject: s\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	maildir_wait 1
	run grep -c '^From:' "$(maildir_last_file)"
	assert_output 0
}

@test "set_date_header off and set_msgid_header off add nothing" {
	bote_conf "$CONF" "set_date_header off" "set_msgid_header off"
	printf 'From: a@example.org\nSubject: s\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	delivered_equals "$MSG"
}

@test "msmtp's old names: add_missing_date_header off, keepbcc" {
	bote_conf "$CONF" "add_missing_date_header off" "set_msgid_header off" "keepbcc on"
	printf 'From: a@example.org\nBcc: hidden@example.org\nSubject: s\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	delivered_equals "$MSG"
}

@test "Message-ID: random without the hook, domain of the sender" {
	unset BOTE_TEST_MSGID_RANDOM
	printf 'Subject: s\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -i -f me@sub.example.net rcpt@example.org <"$MSG"
	assert_success
	maildir_wait 1
	run grep -h '^Message-ID:' "$(maildir_last_file)"
	assert_output --regexp '^Message-ID: <[0-9a-f]{32}@sub\.example\.net>$'
	first=$output
	maildir_clear
	run "$BOTE" -C "$CONF" -i -f me@sub.example.net rcpt@example.org <"$MSG"
	maildir_wait 1
	run grep -h '^Message-ID:' "$(maildir_last_file)"
	[ "$output" != "$first" ]
}

@test "the null sender uses the account's from for From" {
	printf 'Subject: bounce\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -i -f '<>' rcpt@example.org <"$MSG"
	assert_success
	maildir_wait 1
	run grep -h '^From:' "$(maildir_last_file)"
	assert_output "From: $TESTBED_USER"
}

@test "set_to_header undisclosed_recipients replaces To, Cc and Bcc" {
	bote_conf "$CONF" "set_to_header undisclosed_recipients"
	printf 'From: a@example.org\nTo: a@example.org\nCc: b@example.org\nBcc: c@example.org\nSubject: s\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -t -i <"$MSG"
	assert_success
	{
		echo "$DATE"
		echo "To: undisclosed-recipients:;"
		echo "$MSGID"
		printf 'From: a@example.org\nSubject: s\n\nbody\n'
	} >"$WANT"
	delivered_equals "$WANT" 3
	assert_equal "$(maildir_count)" 3
}

@test "set_to_header on lists the envelope recipients, not Bcc ones" {
	bote_conf "$CONF" "set_to_header on"
	printf 'From: a@example.org\nTo: root\nBcc: c@example.org\nSubject: s\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -t -i x@example.org <"$MSG"
	assert_success
	maildir_wait 3
	run grep -h '^To:' "$(maildir_last_file)"
	assert_output "To: x@example.org, root@example.org"
	run grep -ic '^bcc:' "$(maildir_last_file)"
	assert_output 0
}

@test "Bcc and Resent-Bcc never arrive" {
	printf 'From: a@example.org\nResent-From: r@example.org\nResent-Bcc: rb@example.org\nTo: a@example.org\nBcc: b@example.org\nSubject: s\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -i a@example.org <"$MSG"
	assert_success
	maildir_wait 1
	run grep -ic 'bcc:' "$(maildir_last_file)"
	assert_output 0
}

@test "-t with a Resent block uses only the first block's recipients" {
	printf 'Resent-From: r@example.org\nResent-To: new1@example.org\nResent-Cc: new2@example.org\nResent-Bcc: new3@example.org\nReceived: from x by y; Sun, 22 Nov 2026 12:00:00 +0000\nResent-To: older@example.org\nFrom: a@example.org\nTo: orig@example.org\nSubject: resent\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -t -i <"$MSG"
	assert_success
	maildir_wait 3
	sleep 0.5
	assert_equal "$(maildir_count)" 3
	run grep -h '^X-Original-To:' "$TESTBED_MAILDIR"/new/*
	assert_line "X-Original-To: new1@example.org"
	assert_line "X-Original-To: new2@example.org"
	assert_line "X-Original-To: new3@example.org"
	refute_line "X-Original-To: orig@example.org"
	refute_line "X-Original-To: older@example.org"
	run grep -ic '^resent-bcc:' "$(maildir_last_file)"
	assert_output 0
}

@test "a Subject of raw UTF-8 goes as RFC 2047 encoded-words when the message goes without SMTPUTF8" {
	printf 'From: %s\nTo: rcpt@example.org\nSubject: Gr\xc3\xbc\xc3\x9fe aus K\xc3\xb6ln\n\nbody\n' \
	    "$TESTBED_USER" >"$MSG"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	maildir_wait 1
	run grep -h '^Subject:' "$(maildir_last_file)"
	assert_output "Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?="
	# Any MIME reader gives back what was written.
	run python3 -c 'import email.header, sys
print(str(email.header.make_header(email.header.decode_header(sys.argv[1]))))' \
	    "=?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?="
	assert_output $'Gr\xc3\xbc\xc3\x9fe aus K\xc3\xb6ln'
	# The rest of the header stays where it was.
	run grep -c -x 'To: rcpt@example.org' "$(maildir_last_file)"
	assert_output 1
}

@test "a raw UTF-8 Subject stays as written when the message goes as SMTPUTF8, or is not UTF-8" {
	printf 'From: %s\nSubject: Gr\xc3\xbc\xc3\x9fe\n\nbody\n' "$TESTBED_USER" >"$MSG"
	# A UTF-8 local part: SMTPUTF8, which carries raw UTF-8 anywhere.
	run "$BOTE" -C "$CONF" -i $'r\xc3\xbcdiger@example.org' <"$MSG"
	assert_success
	maildir_wait 1
	run grep -h '^Subject:' "$(maildir_last_file)"
	assert_output $'Subject: Gr\xc3\xbc\xc3\x9fe'
	maildir_clear
	# Latin-1 is not UTF-8: no charset bote could name, so as written.
	printf 'From: %s\nSubject: Gr\xfc\xdfe\n\nbody\n' "$TESTBED_USER" >"$MSG"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	maildir_wait 1
	run grep -h -a '^Subject:' "$(maildir_last_file)"
	assert_output $'Subject: Gr\xfc\xdfe'
}

# Field $1 of file $2 with its continuation lines, CRs removed.
field_of() {
	awk -v n="$1" 'BEGIN { IGNORECASE = 1 } /^\r?$/ { exit }
	    /^[^ \t]/ { on = tolower(substr($0, 1, length(n) + 1)) == tolower(n ":") }
	    on { sub(/\r$/, ""); print }' "$2"
}

# Each address field of a file as "Field|display name|address" lines,
# as Python's email package reads it (RFC 2047 decoded); group names as
# "Field|group|name". The file is read as UTF-8, raw or encoded alike.
addr_fields() {
	python3 - "$1" <<'PY'
import email, email.policy, sys
with open(sys.argv[1], encoding='utf-8', errors='surrogateescape') as fp:
    m = email.message_from_file(fp, policy=email.policy.default)
for name in ('From', 'Sender', 'Reply-To', 'To', 'Cc'):
    for v in m.get_all(name) or []:
        for g in v.groups:
            if g.display_name is not None:
                print(f'{name}|group|{g.display_name}')
            for a in g.addresses:
                print(f'{name}|{a.display_name}|{a.addr_spec}')
PY
}

@test "display names and comments of raw UTF-8 go as RFC 2047 encoded-words, the addresses as written" {
	printf 'From: J\xc3\xbcrgen M\xc3\xbcller <%s>\nTo: "M\xc3\xbcller, J\xc3\xbcrgen" <rcpt@example.org>,\n Ann <ann@example.org>, \xc3\x89mile\n <emile@example.org>\nCc: Gr\xc3\xbcppe: cc1@example.org, cc2@example.org (B\xc3\xbcro);, undisclosed-recipients:;\nReply-To: Bj\xc3\xb6rn <bjorn@example.org>\nSubject: plain\nX-Name: J\xc3\xbcrgen\n\nbody\n' \
	    "$TESTBED_USER" >"$MSG"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	maildir_wait 1
	maildir_last >"$GOT"
	run grep -h '^From:' "$GOT"
	assert_output "From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <$TESTBED_USER>"
	# The quotes and the comma inside go into the encoded text.
	run field_of To "$GOT"
	# Folded again at 78, after a comma where one will do.
	assert_output "To: =?UTF-8?Q?M=C3=BCller=2C_J=C3=BCrgen?= <rcpt@example.org>,
 Ann <ann@example.org>, =?UTF-8?Q?=C3=89mile?= <emile@example.org>"
	run field_of Cc "$GOT"
	assert_output "Cc: =?UTF-8?Q?Gr=C3=BCppe?= : cc1@example.org,
 cc2@example.org (=?UTF-8?Q?B=C3=BCro?=);, undisclosed-recipients:;"
	run grep -h '^Reply-To:' "$GOT"
	assert_output "Reply-To: =?UTF-8?Q?Bj=C3=B6rn?= <bjorn@example.org>"
	# Fields with no encoded-words in them (X-*) go as written.
	run grep -a -c -x $'X-Name: J\xc3\xbcrgen' "$GOT"
	assert_output 1
	# No raw 8-bit is left in the address fields.
	run env LC_ALL=C grep -a -c -P '^(From|To|Cc|Reply-To):.*[\x80-\xff]' "$GOT"
	assert_output 0
	# Any MIME reader gives back the names as written, and the same
	# addresses in the same order.
	addr_fields "$MSG" >"$WANT"
	addr_fields "$GOT" >"$GOT.names"
	run diff "$WANT" "$GOT.names"
	assert_success
	run grep -c -x $'To|M\xc3\xbcller, J\xc3\xbcrgen|rcpt@example.org' "$GOT.names"
	assert_output 1
	run grep -c -x $'Cc|group|Gr\xc3\xbcppe' "$GOT.names"
	assert_output 1
}

@test "display names of raw UTF-8 stay as written when the message goes as SMTPUTF8" {
	printf 'From: J\xc3\xbcrgen <%s>\nTo: \xc3\x89mile <emile@example.org>\n\nbody\n' \
	    "$TESTBED_USER" >"$MSG"
	run "$BOTE" -C "$CONF" -i $'r\xc3\xbcdiger@example.org' <"$MSG"
	assert_success
	maildir_wait 1
	maildir_last >"$GOT"
	run grep -a -h -e '^From:' -e '^To:' "$GOT"
	assert_output $'From: J\xc3\xbcrgen <'"$TESTBED_USER"$'>\nTo: \xc3\x89mile <emile@example.org>'
}

@test "an address field that does not parse goes as written, raw UTF-8 and all" {
	printf 'From: %s\nTo: J\xc3\xbcrgen M\xc3\xbcller\nCc: J\xc3\xbcrgen <jj@example.org\n\nbody\n' \
	    "$TESTBED_USER" >"$MSG"
	run "$BOTE" -C "$CONF" -i rcpt@example.org <"$MSG"
	assert_success
	maildir_wait 1
	maildir_last >"$GOT"
	run grep -a -h -e '^To:' -e '^Cc:' "$GOT"
	assert_output $'To: J\xc3\xbcrgen M\xc3\xbcller\nCc: J\xc3\xbcrgen <jj@example.org'
}

@test "Sender, Bcc kept, Comments and Keywords go encoded too; a field the directives replace is not sent twice" {
	bote_conf "$CONF" "set_from_header on" "set_to_header on" "remove_bcc_headers off"
	printf 'From: J\xc3\xbcrgen <someone@elsewhere.example>\nTo: \xc3\x89mile <emile@example.org>\nSender: S\xc3\xa9verine <%s>\nBcc: Z\xc3\xb6e <rcpt@example.org>\nComments: s\xc3\xbc\xc3\x9f\nKeywords: K\xc3\xb6ln, "Br\xc3\xbchl, Bonn", plain\n\nbody\n' \
	    "$TESTBED_USER" >"$MSG"
	run "$BOTE" -C "$CONF" -i -F Me rcpt@example.org <"$MSG"
	assert_success
	maildir_wait 1
	maildir_last >"$GOT"
	# From and To are bote's own, once each (the directives).
	run grep -a -h -e '^From:' -e '^To:' "$GOT"
	assert_output "From: Me <$TESTBED_USER>
To: rcpt@example.org"
	run grep -h -e '^Sender:' -e '^Bcc:' -e '^Comments:' -e '^Keywords:' "$GOT"
	assert_output "Sender: =?UTF-8?Q?S=C3=A9verine?= <$TESTBED_USER>
Bcc: =?UTF-8?Q?Z=C3=B6e?= <rcpt@example.org>
Comments: =?UTF-8?B?c8O8w58=?=
Keywords: =?UTF-8?Q?K=C3=B6ln?= , =?UTF-8?Q?Br=C3=BChl=2C_Bonn?= , plain"
	run env LC_ALL=C grep -a -c -P '[\x80-\xff]' <(awk '/^\r?$/ { exit } { print }' "$GOT")
	assert_output 0
	# Python reads back the same keywords and Sender.
	run python3 -c 'import email, email.policy, sys
m = email.message_from_file(open(sys.argv[1]), policy=email.policy.default)
print(m["Sender"].addresses[0].display_name, "|", m["Comments"], "|", m["Keywords"])' "$GOT"
	assert_output $'S\xc3\xa9verine | s\xc3\xbc\xc3\x9f | K\xc3\xb6ln , Br\xc3\xbchl, Bonn , plain'
}
