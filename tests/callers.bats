#!/usr/bin/env bats
# Real callers of sendmail, through bote, into the testbed Postfix.
#
# Where Debian ships the caller and it runs without a terminal (bsd-mailx,
# s-nail, GNU mailutils mail, mutt in batch mode, git send-email, PHP's
# mail()), the real program runs, pointed at a wrapper that logs its argv
# and execs bote. The daemons that cannot run here (cron, cronie, logwatch,
# mdadm, sudo, unattended-upgrades, fail2ban, atd) are replayed: their exact
# argv and stdin as recorded in REFERENCE.md "How real callers invoke
# sendmail", through the same wrapper. Alpine (-bs) is covered with -bs.
#
# Checked for every caller: the exit status, the argv that reached bote,
# the envelope (one Maildir file per recipient, X-Original-To and
# Delivered-To; Return-Path for the sender), the caller's headers and the
# body byte for byte. Unqualified addresses take the domain of the
# account's from (bote-test@example.org), and the testbed refuses
# unqualified envelope addresses (504), so a qualification bug fails here.
#
# Date, Message-ID and From are added when missing (DESIGN.md "Recipients,
# sender, headers").

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library testbed.bash

setup() {
	T=$BATS_TEST_TMPDIR
	CONF="$T/conf"
	bote_conf "$CONF"
	maildir_clear
	MSG="$T/msg"
	GOT="$T/got"
	ARGV="$T/argv"
	WROTE="$T/stdin"
	# No real dotfiles: every caller reads its configuration from here.
	export HOME="$T/home"
	mkdir -p "$HOME"
	# The wrapper every caller is pointed at: it records the argv and
	# what the caller wrote (bote still reads a pipe). Paths are baked
	# in, as sudo and cron run it with an emptied environment.
	WRAP="$T/bin/sendmail"
	mkdir -p "$T/bin"
	cat >"$WRAP" <<-EOF
	#!/bin/sh
	: >'$ARGV'
	for a in "\$@"; do printf '%s\n' "\$a" >>'$ARGV'; done
	tee '$WROTE' | exec '$BOTE' -C '$CONF' "\$@"
	EOF
	chmod 0755 "$WRAP"
}

# argv_is ARG...: the caller passed exactly these arguments.
argv_is() {
	local want
	want=$(printf '%s\n' "$@")
	assert_equal "$(cat "$ARGV")" "$want"
}

# delivered_to RCPT...: exactly one Maildir file per recipient, with
# X-Original-To and Delivered-To naming it; nothing else arrives.
delivered_to() {
	local n=$#
	maildir_wait "$n"
	sleep 0.3
	assert_equal "$(maildir_count)" "$n"
	assert_equal "$(grep -h '^X-Original-To:' "$TESTBED_MAILDIR"/new/* |
	    sed 's/^X-Original-To: //' | sort)" "$(printf '%s\n' "$@" | sort)"
	assert_equal "$(grep -h '^Delivered-To:' "$TESTBED_MAILDIR"/new/* |
	    sed 's/^Delivered-To: //' | sort)" "$(printf '%s\n' "$@" | sort)"
}

# sender_is ADDR: every copy has this envelope sender.
sender_is() {
	assert_equal "$(grep -h '^Return-Path:' "$TESTBED_MAILDIR"/new/* |
	    sort -u)" "Return-Path: <$1>"
}

# The header section and the body of a message (LF line endings).
head_of() { tr -d '\r' <"$1" | awk '/^$/ { exit } { print }'; }
body_of() { tr -d '\r' <"$1" | awk 'b { print; next } /^$/ { b = 1 }'; }

# strip_postfix FILE: the message without the headers Postfix added on
# delivery (as maildir_last does for the newest one).
strip_postfix() {
	awk '
		state == 0 && /^(Return-Path|X-Original-To|Delivered-To):/ { next }
		state == 0 && /^Received:/ { state = 1; next }
		state == 1 && /^[ \t]/ { next }
		{ state = 2; print }
	' "$1"
}

# Every copy carries the same text: compare them all with the newest.
all_copies_alike() {
	local f
	maildir_last >"$T/newest"
	for f in "$TESTBED_MAILDIR"/new/*; do
		run diff "$T/newest" <(strip_postfix "$f")
		assert_success
	done
}

# body_intact WANT: the body that arrived equals WANT's body.
body_intact() {
	maildir_last >"$GOT"
	run diff <(body_of "$1") <(body_of "$GOT")
	assert_success
}

# headers_kept WANT [HEADER...]: every header line the caller wrote
# arrives unchanged, apart from the named ones (whose content header
# policy may qualify); those must still be there as many times.
headers_kept() {
	local want=$1 line name
	shift
	maildir_last >"$GOT"
	head_of "$GOT" >"$T/got-head"
	while IFS= read -r line; do
		name=${line%%:*}
		if printf '%s\n' "$@" | grep -qixF -- "$name"; then
			assert_equal "$(grep -ci "^$name:" "$T/got-head")" \
			    "$(head_of "$want" | grep -ci "^$name:")"
			continue
		fi
		grep -qxF -- "$line" "$T/got-head" ||
			fail "header line not delivered as written: $line"
	done < <(head_of "$want")
}

# header_count NAME: how many NAME: lines the newest message has.
header_count() {
	maildir_last >"$GOT"
	head_of "$GOT" | grep -ci "^$1:" || :
}

# What DESIGN.md promises for a message that lacked them: one Date in
# RFC 5322 form, one Message-ID, one From (with an address in it when
# the caller wrote none).
added_headers_ok() {
	maildir_last >"$GOT"
	head_of "$GOT" >"$T/got-head"
	assert_equal "$(grep -ci '^Date:' "$T/got-head")" 1
	assert_equal "$(grep -ci '^Message-ID:' "$T/got-head")" 1
	assert_equal "$(grep -ci '^From:' "$T/got-head")" 1
	run grep -iE '^Date: ([A-Z][a-z]{2}, )?[ 0-9]?[0-9] [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}(:[0-9]{2})? [-+][0-9]{4}' "$T/got-head"
	assert_success
	run grep -iE '^Message-ID: *<[^<>@ ]+@[^<>@ ]+>$' "$T/got-head"
	assert_success
	# A From the caller wrote may stay unqualified ("From: Logwatch");
	# one bote adds carries an address.
	if ! head_of "$WROTE" | grep -qi '^From:'; then
		run grep -iE '^From:.*[^ <]+@[a-z0-9.-]+' "$T/got-head"
		assert_success
	fi
}

# --- real programs -------------------------------------------------------

@test "bsd-mailx: -i -t, no From/Date/Message-ID, extra -a header" {
	command -v bsd-mailx >/dev/null || skip "bsd-mailx is not installed"
	# bsd-mailx honours "set sendmail" (a path, run with -i -t); MAILRC
	# replaces ~/.mailrc. /etc/mail.rc is still read, as on Debian.
	printf 'set sendmail=%s\n' "$WRAP" >"$T/mailrc"
	printf 'line one\n.leading dot\n..two dots\ncaf\xc3\xa9\n\nlast\n' >"$T/body"
	run env MAILRC="$T/mailrc" bsd-mailx -s "mailx subject" \
	    -a "X-Extra: extra value" -c cc@example.org root a@example.org \
	    <"$T/body"
	assert_success
	argv_is -i -t
	delivered_to root@example.org a@example.org cc@example.org
	sender_is "$TESTBED_USER"
	maildir_last >"$GOT"
	head_of "$GOT" >"$T/got-head"
	run grep -x 'Subject: mailx subject' "$T/got-head"
	assert_success
	run grep -x 'X-Extra: extra value' "$T/got-head"
	assert_success
	run grep -x 'Cc: cc@example.org' "$T/got-head"
	assert_success
	headers_kept "$WROTE" To
	body_intact "$WROTE"
	run diff "$T/body" <(body_of "$GOT")
	assert_success
	all_copies_alike
	added_headers_ok
	run grep -ix "From:.*<\?$TESTBED_USER>\?" "$T/got-head"
	assert_success
}

@test "bsd-mailx -r: -f is passed and becomes the envelope sender" {
	command -v bsd-mailx >/dev/null || skip "bsd-mailx is not installed"
	printf 'set sendmail=%s\n' "$WRAP" >"$T/mailrc"
	printf 'body\n' >"$T/body"
	run env MAILRC="$T/mailrc" bsd-mailx -r mailx-from@example.org \
	    -s "with -r" rcpt@example.org <"$T/body"
	assert_success
	argv_is -i -t -f mailx-from@example.org
	delivered_to rcpt@example.org
	sender_is mailx-from@example.org
	assert_equal "$(header_count From)" 1
	run grep -x 'From: mailx-from@example.org' "$GOT"
	assert_success
	headers_kept "$WROTE" To
	body_intact "$WROTE"
	run diff "$T/body" <(body_of "$GOT")
	assert_success
}

@test "s-nail: -i -- rcpts, Bcc only in argv, not in the header" {
	command -v s-nail >/dev/null || skip "s-nail is not installed"
	printf 'line one\n.leading dot\ncaf\xc3\xa9\n' >"$T/body"
	# -:/ loads no resource files; mta= names the MTA program.
	run s-nail -:/ -S mta="$WRAP" -s "s-nail subject" \
	    -c cc@example.org -b bcc@example.org root a@example.org <"$T/body"
	assert_success
	argv_is -i -- root a@example.org cc@example.org bcc@example.org
	delivered_to root@example.org a@example.org cc@example.org \
	    bcc@example.org
	sender_is "$TESTBED_USER"
	maildir_last >"$GOT"
	run grep -i '^bcc:' "$TESTBED_MAILDIR"/new/*
	assert_failure
	head_of "$GOT" >"$T/got-head"
	run grep -x 'Subject: s-nail subject' "$T/got-head"
	assert_success
	run grep -x 'User-Agent: s-nail v.*' "$T/got-head"
	assert_success
	assert_equal "$(grep -c '^Date:' "$T/got-head")" 1
	# In the C locale s-nail sends 8-bit text quoted-printable: the
	# body must be what s-nail wrote.
	headers_kept "$WROTE" To
	body_intact "$WROTE"
	all_copies_alike
	added_headers_ok
}

@test "s-nail -r 'Name <addr>': -F name -f addr" {
	command -v s-nail >/dev/null || skip "s-nail is not installed"
	printf 'body\n' >"$T/body"
	run s-nail -:/ -S mta="$WRAP" -r 'Some One <s1@example.org>' \
	    -s "s-nail -r" root <"$T/body"
	assert_success
	argv_is -i -F "Some One" -f s1@example.org -- root
	delivered_to root@example.org
	sender_is s1@example.org
	assert_equal "$(header_count From)" 1
	run grep -x 'From: Some One <s1@example.org>' "$GOT"
	assert_success
	assert_equal "$(header_count Message-ID)" 1
	headers_kept "$WROTE" To
	body_intact "$WROTE"
	run diff "$T/body" <(body_of "$GOT")
	assert_success
}

@test "GNU mailutils mail: -oi -f user@domain -t" {
	command -v mail.mailutils >/dev/null || skip "mailutils is not installed"
	# The host name of a test machine is rarely a FQDN: give mailutils
	# the domain for unqualified names. "set sendmail=sendmail://PATH"
	# selects its sendmail mailer with that program (a bare path would
	# select the "prog" mailer, which passes no flags).
	printf 'address {\n  email-domain example.org;\n};\n' >"$T/mailutils.conf"
	printf 'line one\n.leading dot\ncaf\xc3\xa9\n' >"$T/body"
	run mail.mailutils --config-file="$T/mailutils.conf" \
	    -E "set sendmail=sendmail://$WRAP" -s "mailutils subject" \
	    root a@example.org <"$T/body"
	assert_success
	argv_is -oi -f root@example.org -t
	delivered_to root@example.org a@example.org
	sender_is root@example.org
	maildir_last >"$GOT"
	head_of "$GOT" >"$T/got-head"
	run grep -x 'Subject: mailutils subject' "$T/got-head"
	assert_success
	run grep -x 'To: <root@example.org>,<a@example.org>' "$T/got-head"
	assert_success
	run grep -x 'User-Agent: mail (GNU Mailutils .*)' "$T/got-head"
	assert_success
	headers_kept "$WROTE"
	body_intact "$WROTE"
	run diff "$T/body" <(body_of "$GOT")
	assert_success
	all_copies_alike
	added_headers_ok
}

@test "mutt (batch): -oem -oi -B8BITMIME -f from -- rcpts, 8-bit body" {
	command -v mutt >/dev/null || skip "mutt is not installed"
	cat >"$T/muttrc" <<-EOF
	set sendmail="$WRAP -oem -oi"
	set from="Mutt User <mutt-user@example.org>"
	set use_envelope_from=yes
	set use_8bitmime=yes
	set hostname=example.org
	set charset=utf-8
	set send_charset=utf-8
	set record=""
	EOF
	printf 'line one\n.leading dot\n.\ncaf\xc3\xa9\n' >"$T/body"
	# -n: no system muttrc. Batch mode: stdin is the body.
	run mutt -n -F "$T/muttrc" -s "mutt subject" -c cc@example.org \
	    -b bcc@example.org -- root a@example.org <"$T/body"
	assert_success
	argv_is -oem -oi -B8BITMIME -f mutt-user@example.org -- \
	    root@example.org a@example.org cc@example.org bcc@example.org
	delivered_to root@example.org a@example.org cc@example.org \
	    bcc@example.org
	sender_is mutt-user@example.org
	run grep -i '^bcc:' "$TESTBED_MAILDIR"/new/*
	assert_failure
	maildir_last >"$GOT"
	head_of "$GOT" >"$T/got-head"
	run grep -x 'From: Mutt User <mutt-user@example.org>' "$T/got-head"
	assert_success
	run grep -x 'Subject: mutt subject' "$T/got-head"
	assert_success
	run grep -x 'Content-Transfer-Encoding: 8bit' "$T/got-head"
	assert_success
	# mutt writes Date and Message-ID itself: none may be added.
	assert_equal "$(grep -ci '^Date:' "$T/got-head")" 1
	assert_equal "$(grep -ci '^Message-ID:' "$T/got-head")" 1
	headers_kept "$WROTE" To
	body_intact "$WROTE"
	run diff "$T/body" <(body_of "$GOT")
	assert_success
	all_copies_alike
}

@test "git send-email (sendmailCmd): -f envelope -i rcpts, patch intact" {
	command -v git >/dev/null || skip "git is not installed"
	[ -x "$(git --exec-path)/git-send-email" ] ||
	    skip "git send-email is not installed"
	export GIT_CONFIG_NOSYSTEM=1
	git init -q "$T/repo"
	cd "$T/repo"
	git config user.name "Git User"
	git config user.email git-user@example.org
	printf 'a\n' >f
	git add f
	git commit -qm init
	printf 'a\n.\n..b\ncaf\xc3\xa9\n' >f
	# A lone dot line in the commit message (git sends with -i).
	git commit -qam "$(printf 'second\n\nbody of the message\n.\nafter a lone dot\n')"
	git format-patch -q -1 -o "$T/patches"
	run git -c sendemail.sendmailCmd="$WRAP" send-email --quiet \
	    --confirm=never --suppress-cc=all \
	    --from="Git User <git-user@example.org>" \
	    --envelope-sender=git-user@example.org \
	    --to=list@example.org --cc=cc@example.org --bcc=bcc@example.org \
	    "$T"/patches/*.patch </dev/null
	assert_success
	argv_is -f git-user@example.org -i list@example.org cc@example.org \
	    bcc@example.org
	delivered_to list@example.org cc@example.org bcc@example.org
	sender_is git-user@example.org
	run grep -i '^bcc:' "$TESTBED_MAILDIR"/new/*
	assert_failure
	maildir_last >"$GOT"
	head_of "$GOT" >"$T/got-head"
	run grep -x 'From: Git User <git-user@example.org>' "$T/got-head"
	assert_success
	run grep -x 'Subject: \[PATCH\] second' "$T/got-head"
	assert_success
	run grep -x 'X-Mailer: git-send-email .*' "$T/got-head"
	assert_success
	assert_equal "$(grep -ci '^Message-ID:' "$T/got-head")" 1
	assert_equal "$(grep -ci '^Date:' "$T/got-head")" 1
	headers_kept "$WROTE"
	body_intact "$WROTE"
	run diff <(body_of "$T"/patches/*.patch) <(body_of "$GOT")
	assert_success
	run grep -x '\.' "$GOT"
	assert_success
	all_copies_alike
}

@test "PHP mail(): -t -i -fbounce glued, CRLF headers + LF body" {
	command -v php >/dev/null || skip "php-cli is not installed"
	# -n: no php.ini; sendmail_path is run through /bin/sh -c with the
	# fifth parameter appended.
	run php -n -d sendmail_path="$WRAP -t -i" -r '
	    $ok = mail("rcpt@example.org", "PHP subject caf\xc3\xa9",
		"line one\n.\n.leading dot\nlast\n",
		"From: PHP App <php@example.org>\r\nX-Mailer: PHP",
		"-fbounce@example.org");
	    exit($ok ? 0 : 1);'
	assert_success
	argv_is -t -i -fbounce@example.org
	delivered_to rcpt@example.org
	sender_is bounce@example.org
	maildir_last >"$GOT"
	# The raw UTF-8 Subject goes encoded (RFC 2047), after the fields
	# bote adds: the message goes without SMTPUTF8 (bote.1, HEADER
	# FIELDS).
	printf 'Subject: =?UTF-8?B?UEhQIHN1YmplY3QgY2Fmw6k=?=\nTo: rcpt@example.org\nFrom: PHP App <php@example.org>\nX-Mailer: PHP\n' >"$T/want-head"
	run diff "$T/want-head" <(head_of "$GOT" | grep -viE '^(Date|Message-ID):')
	assert_success
	# mail() adds a CRLF after the body: an empty last line.
	run diff <(printf 'line one\n.\n.leading dot\nlast\n\n') <(body_of "$GOT")
	assert_success
	run grep -c $'\r' "$(maildir_last_file)"
	assert_output 0
	# What PHP wrote: four CRLF headers, a CRLF blank line, the LF body,
	# then a CRLF.
	run grep -c $'\r$' "$WROTE"
	assert_output 6
	# Subject: the one field that changed form (encoded, above).
	headers_kept "$WROTE" Subject
	body_intact "$WROTE"
	added_headers_ok
}

@test "PHP mail() returns false when bote fails" {
	command -v php >/dev/null || skip "php-cli is not installed"
	# Nothing listens on port 1: bote exits 75 (with the queue off),
	# mail() must see it.
	sed -i "s/^port $TESTBED_STARTTLS_PORT\$/port 1/; s/^defaults\$/defaults\nqueue off/" "$CONF"
	run php -n -d sendmail_path="$WRAP -t -i" -r '
	    exit(mail("rcpt@example.org", "s", "b\n") ? 0 : 3);'
	assert_equal "$status" 3
	sleep 0.3
	assert_equal "$(maildir_count)" 0
}

# --- replayed daemons ----------------------------------------------------

@test "Debian cron: -FCronDaemon -i -B8BITMIME -oem root" {
	{
		printf 'From: root (Cron Daemon)\n'
		printf 'To: root\n'
		printf 'Subject: Cron <root@host> /usr/local/bin/job\n'
		printf 'MIME-Version: 1.0\n'
		printf 'Content-Type: text/plain; charset=UTF-8\n'
		printf 'Content-Transfer-Encoding: 8bit\n'
		printf 'X-Cron-Env: <SHELL=/bin/sh>\n'
		printf 'X-Cron-Env: <HOME=/root>\n'
		printf 'X-Cron-Env: <PATH=/usr/bin:/bin>\n'
		printf 'X-Cron-Env: <LOGNAME=root>\n'
		printf '\n'
		printf 'job output\n.\n.leading dot\ncaf\xc3\xa9\n'
	} >"$MSG"
	run "$WRAP" -FCronDaemon -i -B8BITMIME -oem root <"$MSG"
	assert_success
	assert_output ""
	argv_is -FCronDaemon -i -B8BITMIME -oem root
	delivered_to root@example.org
	sender_is "$TESTBED_USER"
	# -F names the sender only when From is generated: cron's own From
	# stays (its address may be qualified).
	headers_kept "$MSG" From
	run grep -E '^From: root(@example\.org)? \(Cron Daemon\)$' "$GOT"
	assert_success
	body_intact "$MSG"
	added_headers_ok
}

@test "Debian cron: MAILTO with a comma list arrives as one argument" {
	printf 'From: root (Cron Daemon)\nTo: a@example.org,b@example.org\nSubject: Cron <root@host> job\n\nout\n' >"$MSG"
	run "$WRAP" -FCronDaemon -i -B8BITMIME -oem a@example.org,b@example.org <"$MSG"
	assert_success
	argv_is -FCronDaemon -i -B8BITMIME -oem a@example.org,b@example.org
	delivered_to a@example.org b@example.org
	sender_is "$TESTBED_USER"
	headers_kept "$MSG" From
	body_intact "$MSG"
}

@test "cronie: -FCronDaemon -i -odi -oem -oi -t -f user" {
	{
		printf 'From: "(Cron Daemon)" <user>\n'
		printf 'To: user\n'
		printf 'Subject: Cron <user@host> /home/user/bin/job\n'
		printf 'MIME-Version: 1.0\n'
		printf 'Content-Type: text/plain; charset=UTF-8\n'
		printf 'Content-Transfer-Encoding: 8bit\n'
		printf 'Auto-Submitted: auto-generated\n'
		printf 'Precedence: bulk\n'
		printf 'X-Cron-Env: <LANG=C.UTF-8>\n'
		printf 'X-Cron-Env: <SHELL=/bin/sh>\n'
		printf '\n'
		printf 'job output\n.\ncaf\xc3\xa9\n'
	} >"$MSG"
	run "$WRAP" -FCronDaemon -i -odi -oem -oi -t -f user <"$MSG"
	assert_success
	assert_output ""
	argv_is -FCronDaemon -i -odi -oem -oi -t -f user
	delivered_to user@example.org
	sender_is user@example.org
	headers_kept "$MSG" From To
	body_intact "$MSG"
	added_headers_ok
}

@test "logwatch: -t, no -i, one To: line per address, From: Logwatch" {
	{
		printf 'To: root\n'
		printf 'To: admin@example.org\n'
		printf 'From: Logwatch\n'
		printf 'Subject: Logwatch for host (Linux)\n'
		printf 'Auto-Submitted: auto-generated\n'
		printf 'Precedence: bulk\n'
		printf 'MIME-Version: 1.0\n'
		printf 'Content-Transfer-Encoding: 7bit\n'
		printf 'Content-Type: text/plain; charset="iso-8859-1"\n'
		printf '\n'
		printf '\n ################### Logwatch 7.7 (07/22/22) ####################\n'
		printf '        Processing Initiated: Sun Nov 22 06:25:01 2026\n'
		printf '\n --------------------- sshd Begin ------------------------\n'
		printf '.dotfile touched\n'
		printf ' ---------------------- sshd End -------------------------\n'
	} >"$MSG"
	run "$WRAP" -t <"$MSG"
	assert_success
	assert_output ""
	argv_is -t
	delivered_to root@example.org admin@example.org
	sender_is "$TESTBED_USER"
	headers_kept "$MSG" From To
	body_intact "$MSG"
	all_copies_alike
	added_headers_ok
}

@test "logwatch: without -i a lone dot ends the report (sendmail rule)" {
	printf 'To: root\nFrom: Logwatch\nSubject: lw\n\nbefore\n.\nafter\n' >"$MSG"
	run "$WRAP" -t <"$MSG"
	assert_success
	delivered_to root@example.org
	body_intact <(printf 'To: root\n\nbefore\n')
}

@test "mdadm: -t, From: mdadm monitoring <root>, To: root" {
	{
		printf 'From: mdadm monitoring <root>\n'
		printf 'To: root\n'
		printf 'Subject: Fail event on /dev/md0:host\n'
		printf '\n'
		printf 'This is an automatically generated mail message from mdadm\n'
		printf 'running on host\n\n'
		printf 'A Fail event had been detected on md device /dev/md0.\n\n'
		printf 'Faithfully yours, etc.\n\n'
		printf 'P.S. The /proc/mdstat file currently contains the following:\n\n'
		printf 'Personalities : [raid1]\n'
		printf 'md0 : active raid1 sdb1[1](F) sda1[0]\n'
		printf '      1046528 blocks super 1.2 [2/1] [U_]\n\n'
		printf 'unused devices: <none>\n'
	} >"$MSG"
	run "$WRAP" -t <"$MSG"
	assert_success
	argv_is -t
	delivered_to root@example.org
	sender_is "$TESTBED_USER"
	headers_kept "$MSG" From To
	run grep -E '^From: mdadm monitoring <root(@example\.org)?>$' "$GOT"
	assert_success
	body_intact "$MSG"
	added_headers_ok
}

@test "sudo: -t as root, env -i HOME=/, stdout and stderr on /dev/null" {
	{
		printf 'To: root\n'
		printf 'From: user\n'
		printf 'Auto-Submitted: auto-generated\n'
		printf 'Subject: *** SECURITY information for host ***\n'
		printf '\n'
		printf 'host : Nov 22 12:00:00 : user : user NOT in sudoers ; TTY=pts/0 ; PWD=/home/user ; USER=root ; COMMAND=/bin/sh\n'
	} >"$MSG"
	run setsid -w env -i HOME=/ PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	    LOGNAME=root USER=root "$WRAP" -t <"$MSG" >/dev/null 2>&1
	assert_success
	argv_is -t
	delivered_to root@example.org
	sender_is "$TESTBED_USER"
	headers_kept "$MSG" From To
	body_intact "$MSG"
	added_headers_ok
}

@test "unattended-upgrades: -oi -t, quoted-printable body" {
	{
		printf 'Subject: unattended-upgrades result for host: SUCCESS\n'
		printf 'From: root\n'
		printf 'To: root\n'
		printf 'Auto-Submitted: auto-generated\n'
		printf 'MIME-Version: 1.0\n'
		printf 'Content-Type: text/plain; charset="utf-8"\n'
		printf 'Content-Transfer-Encoding: quoted-printable\n'
		printf '\n'
		printf 'Unattended upgrade result: All upgrades installed\n\n'
		printf 'Packages that were upgraded:\n libc6 caf=C3=A9=\n\n'
		printf '.\n'
		printf 'Unattended-upgrades log:\nStarting unattended upgrades script\n'
	} >"$MSG"
	run "$WRAP" -oi -t <"$MSG"
	assert_success
	argv_is -oi -t
	delivered_to root@example.org
	sender_is "$TESTBED_USER"
	headers_kept "$MSG" From To
	body_intact "$MSG"
	added_headers_ok
}

@test "fail2ban: -f sender dest, no -t, no -i, From and Date supplied" {
	{
		printf 'Subject: [Fail2Ban] sshd: banned 192.0.2.7 from host\n'
		printf 'Date: Sun, 22 Nov 2026 12:00:00 +0000\n'
		printf 'From: Fail2Ban <fail2ban@example.org>\n'
		printf 'To: admin@example.org\n'
		printf '\n'
		printf 'Hi,\n\nThe IP 192.0.2.7 has just been banned by Fail2Ban after\n'
		printf '5 attempts against sshd.\n\n'
		printf 'Lines containing failures of 192.0.2.7 (max 1000)\n'
		printf '..odd log line\n'
		printf '\nRegards,\n\nFail2Ban\n'
	} >"$MSG"
	run "$WRAP" -f "fail2ban@example.org" "admin@example.org" <"$MSG"
	assert_success
	argv_is -f fail2ban@example.org admin@example.org
	delivered_to admin@example.org
	sender_is fail2ban@example.org
	headers_kept "$MSG"
	assert_equal "$(header_count Date)" 1
	body_intact "$MSG"
	assert_equal "$(header_count Message-ID)" 1
}

@test "atd: -i user, cwd /, stdout and stderr on /dev/null" {
	{
		printf 'Subject: Output from your job        7\n'
		printf 'To: user\n'
		printf '\n'
		printf 'job output\n.\nlast\n'
	} >"$MSG"
	run bash -c 'cd / && exec "$1" -i user <"$2" >/dev/null 2>&1' - \
	    "$WRAP" "$MSG"
	assert_success
	argv_is -i user
	delivered_to user@example.org
	sender_is "$TESTBED_USER"
	headers_kept "$MSG" To
	body_intact "$MSG"
	added_headers_ok
	run grep -ix "From:.*<\?$TESTBED_USER>\?" "$T/got-head"
	assert_success
}
