#!/usr/bin/env bats
# The envelope: the aliases file, account selection by -f,
# allow_from_override, -bi (newaliases), -bv, the names bote is invoked
# as, and the links "make install" makes with --enable-sendmail-links.
# Deliveries go through the Postfix testbed, whose Maildir files carry
# the envelope: Return-Path (MAIL FROM) and Delivered-To (RCPT TO).

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library testbed.bash
bats_load_library smtpscript.bash

setup() {
	CONF="$BATS_TEST_TMPDIR/conf"
	ALIASES="$BATS_TEST_TMPDIR/aliases"
	MSG="$BATS_TEST_TMPDIR/msg"
	printf 'root: admin@example.org\n' >"$ALIASES"
	bote_conf "$CONF" "aliases $ALIASES"
	maildir_clear
	printf 'From: someone@example.org\nTo: root\nSubject: envelope\n\nbody\n' \
	    >"$MSG"
}

# The envelope of the newest delivery: "Return-Path Delivered-To".
envelope_of() {
	local f
	f=$(maildir_last_file) || return 1
	printf '%s %s\n' \
	    "$(sed -n 's/^Return-Path: <\(.*\)>$/\1/p' "$f" | head -n 1)" \
	    "$(sed -n 's/^Delivered-To: //p' "$f" | head -n 1)"
}

# Accounts chosen by -f, on top of bote_conf's starttls, tls and plain.
select_conf() {
	cat >>"$CONF" <<-'EOF'

	account byglob : plain
	from *@glob.example

	account bydetail : tls
	from detail@example.org

	account fixed : plain
	from fixed@example.org
	allow_from_override off
	EOF
}

@test "aliases: a local name goes to its alias; the header is unchanged" {
	run "$BOTE" -C "$CONF" -i root <"$MSG"
	assert_success
	maildir_wait 1
	run envelope_of
	assert_output "$TESTBED_USER admin@example.org"
	# The header says what the sender wrote (it may be qualified).
	run grep '^To:' "$(maildir_last_file)"
	assert_output --regexp '^To: root'
	refute_output --partial admin
}

@test "aliases: recursive, with default catching unknown names" {
	printf '%s\n' 'root: admin@example.org' 'postmaster: root' \
	    'default: catchall@example.org' >"$ALIASES"
	run "$BOTE" -C "$CONF" -i postmaster <"$MSG"
	assert_success
	maildir_wait 1
	run envelope_of
	assert_output "$TESTBED_USER admin@example.org"
	maildir_clear
	run "$BOTE" -C "$CONF" -i nosuchuser <"$MSG"
	assert_success
	maildir_wait 1
	run envelope_of
	assert_output "$TESTBED_USER catchall@example.org"
	maildir_clear
	# A remote address is never an alias, default or not.
	run "$BOTE" -C "$CONF" -i other@example.net <"$MSG"
	assert_success
	maildir_wait 1
	run envelope_of
	assert_output "$TESTBED_USER other@example.net"
}

@test "aliases: user@localhost and user@<this host> are local names" {
	run "$BOTE" -C "$CONF" -i root@localhost <"$MSG"
	assert_success
	maildir_wait 1
	run envelope_of
	assert_output "$TESTBED_USER admin@example.org"
	maildir_clear
	run "$BOTE" -C "$CONF" -i "root@$(hostname)" <"$MSG"
	assert_success
	maildir_wait 1
	run envelope_of
	assert_output "$TESTBED_USER admin@example.org"
}

@test "aliases: -t recipients are expanded too, unknown ones qualified" {
	printf 'To: root, bob\nSubject: t\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -a plain -t -i <"$MSG"
	assert_success
	maildir_wait 2
	run sh -c "grep -h '^Delivered-To:' '$TESTBED_MAILDIR'/new/* | sort"
	assert_output "Delivered-To: admin@example.org
Delivered-To: bob@${TESTBED_USER#*@}"
}

@test "aliases: a bad file or a loop stops the submission (78)" {
	printf 'root: admin@example.org\nsecret-looking hunter2\n' >"$ALIASES"
	run "$BOTE" -C "$CONF" -i root <"$MSG"
	assert_failure 78
	assert_output --partial "$ALIASES:2: no colon"
	refute_output --partial hunter2
	printf 'a: b\nb: a\n' >"$ALIASES"
	run "$BOTE" -C "$CONF" -i a <"$MSG"
	assert_failure 78
	assert_output --partial "nested more than 16 deep"
	rm -f "$ALIASES"
	run "$BOTE" -C "$CONF" -i root <"$MSG"
	assert_failure 78
	assert_output --partial "cannot read the aliases file $ALIASES"
	sleep 0.5
	[ "$(maildir_count)" -eq 0 ]
}

@test "account selection: -f picks the first account whose from matches" {
	select_conf
	run "$BOTE" -C "$CONF" -v -f anyone@glob.example -i r@example.org <"$MSG"
	assert_success
	assert_output --partial "port $TESTBED_PLAIN_PORT"
	maildir_wait 1
	run envelope_of
	assert_output "anyone@glob.example r@example.org"
}

@test "account selection: +detail, case, and no match (default)" {
	select_conf
	run "$BOTE" -C "$CONF" -v -f detail+lists@example.org -i r@example.org <"$MSG"
	assert_success
	assert_output --partial "port $TESTBED_TLS_PORT"
	maildir_wait 1
	run envelope_of
	assert_output "detail+lists@example.org r@example.org"
	# A glob is case-sensitive: this goes to the default account.
	run "$BOTE" -C "$CONF" -v -f anyone@GLOB.example -i r@example.org <"$MSG"
	assert_success
	assert_output --partial "port $TESTBED_STARTTLS_PORT"
	run "$BOTE" -C "$CONF" -v -f nobody@elsewhere.example -i r@example.org <"$MSG"
	assert_success
	assert_output --partial "port $TESTBED_STARTTLS_PORT"
	# -a wins over -f.
	run "$BOTE" -C "$CONF" -v -a plain -f detail@example.org -i r@example.org <"$MSG"
	assert_success
	assert_output --partial "port $TESTBED_PLAIN_PORT"
}

@test "allow_from_override off: -f selects the account, not the sender" {
	select_conf
	run "$BOTE" -C "$CONF" -v -f FIXED+x@example.org -i r@example.org <"$MSG"
	assert_success
	assert_output --partial "MAIL FROM:<fixed@example.org>"
	maildir_wait 1
	run envelope_of
	assert_output "fixed@example.org r@example.org"
}

@test "-bi checks the aliases file: silent when good, count with -v" {
	printf '# comment\nroot: admin@example.org\nteam: a@x.example, b@x.example\n' \
	    >"$ALIASES"
	run "$BOTE" -C "$CONF" -bi
	assert_success
	assert_output ""
	run "$BOTE" -C "$CONF" -bi -v
	assert_success
	assert_output "$ALIASES: 2 aliases"
}

@test "-bi reports every error as file:line, exit 78" {
	printf 'root admin\nok: a@b.example\nroot: x@y.example\n: z@y.example\n' \
	    >"$ALIASES"
	run "$BOTE" -C "$CONF" -bi
	assert_failure 78
	assert_line --index 0 "bote: $ALIASES:1: no colon: expected \"name: address, ...\""
	assert_line --index 1 "bote: $ALIASES:4: no alias name before the colon"
	run "$BOTE" -C "$CONF" -bi
	refute_output --partial admin
}

@test "-bi without an aliases file says so and succeeds" {
	bote_conf "$CONF"
	run "$BOTE" -C "$CONF" -bi
	assert_success
	assert_output "bote: account default has no aliases file: nothing to check"
}

@test "-bv: one line per address, MAIL and RCPT only, never DATA" {
	cat >"$BATS_TEST_TMPDIR/s" <<-'EOF'
	send 220 verify test
	expect EHLO
	send 250-test
	send 250 PIPELINING
	expect MAIL FROM:<sender@example.org>
	send 250 2.1.0 ok
	expect RCPT TO:<admin@example.org>
	expect RCPT TO:<bad@example.org>
	expect RCPT TO:<bob@example.org>
	send 250 2.1.5 ok
	send 550 5.1.1 <bad@example.org>: no such user
	send 250 2.1.5 ok
	expect RSET
	send 250 2.0.0 ok
	expect QUIT
	send 221 bye
	EOF
	script_start "$BATS_TEST_TMPDIR/s"
	script_conf "$CONF" "tls off" "auth off" "aliases $ALIASES"
	run "$BOTE" -C "$CONF" -bv root bad@example.org bob
	assert_failure 67
	assert_output "admin@example.org: deliverable
bad@example.org: refused: 550 5.1.1 <bad@example.org>: no such user
bob@example.org: deliverable"
	run script_wait
	assert_success
	run recorded
	refute_output --partial DATA
}

@test "-bv: all accepted is 0; without PIPELINING one RCPT at a time" {
	cat >"$BATS_TEST_TMPDIR/s" <<-'EOF'
	send 220 verify test
	expect EHLO
	send 250 test
	expect-alone MAIL FROM:<sender@example.org>
	send 250 ok
	expect-alone RCPT TO:<a@example.org>
	send 250 ok
	expect-alone RCPT TO:<b@example.org>
	send 251 will forward
	expect-alone RSET
	send 250 ok
	expect QUIT
	send 221 bye
	EOF
	script_start "$BATS_TEST_TMPDIR/s"
	script_conf "$CONF" "tls off" "auth off"
	run "$BOTE" -C "$CONF" -bv a@example.org b@example.org
	assert_success
	assert_output "a@example.org: deliverable
b@example.org: deliverable"
	run script_wait
	assert_success
}

@test "-bv: no recipients is a usage error" {
	run "$BOTE" -C "$CONF" -bv
	assert_failure 64
}

@test "-bv against Postfix: STARTTLS and AUTH as for sending, nothing delivered" {
	run "$BOTE" -C "$CONF" -bv root someone@example.org
	assert_success
	assert_output "admin@example.org: deliverable
someone@example.org: deliverable"
	sleep 0.5
	[ "$(maildir_count)" -eq 0 ]
}

@test "invoked as mailq or newaliases (argv[0])" {
	ln -s "$BOTE" "$BATS_TEST_TMPDIR/mailq"
	ln -s "$BOTE" "$BATS_TEST_TMPDIR/newaliases"
	BOTE_TEST_SPOOL=$BATS_TEST_TMPDIR/spool run "$BATS_TEST_TMPDIR/mailq"
	assert_success
	assert_output "Mail queue is empty"
	run "$BATS_TEST_TMPDIR/newaliases" -C "$CONF" -v
	assert_success
	assert_output "$ALIASES: 1 alias"
	printf 'broken\n' >"$ALIASES"
	run "$BATS_TEST_TMPDIR/newaliases" -C "$CONF"
	assert_failure 78
	assert_output "newaliases: $ALIASES:1: no colon: expected \"name: address, ...\""
}

@test "make install with sendmail_links=yes links the classic names" {
	local dest=$BATS_TEST_TMPDIR/dest b
	# Only the install step of the build the suite runs in: nothing is
	# rebuilt, and the outer make's job server is not inherited.
	run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$TOP_BUILDDIR" \
	    install-exec DESTDIR="$dest" sendmail_links=yes
	assert_success
	b=$(find "$dest" -name bote -type f)
	[ -x "$b" ]
	local l
	for l in sbin/sendmail lib/sendmail bin/mailq bin/newaliases; do
		l=$(find "$dest" -path "*/$l")
		[ -h "$l" ] || fail "$l is not a link"
		[ "$dest$(readlink "$l")" = "$b" ] || fail "$l -> $(readlink "$l")"
	done
	run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$TOP_BUILDDIR" \
	    uninstall DESTDIR="$dest" sendmail_links=yes
	assert_success
	run find "$dest" ! -type d
	assert_output ""
	# Another MTA's sendmail is never replaced.
	l=$(dirname "$(dirname "$b")")/sbin
	mkdir -p "$l"
	echo real >"$l/sendmail"
	run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$TOP_BUILDDIR" \
	    install-exec DESTDIR="$dest" sendmail_links=yes
	assert_failure
	assert_output --partial "is not a symbolic link: not replacing it"
	[ "$(cat "$l/sendmail")" = real ]
	# Checked before the binary is installed: nothing stops half-way.
	[ ! -e "$b" ] || fail "$b was installed"
}

@test "make install without sendmail_links makes no links" {
	local dest=$BATS_TEST_TMPDIR/dest
	run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$TOP_BUILDDIR" \
	    install-exec DESTDIR="$dest" sendmail_links=no
	assert_success
	run find "$dest" -type l
	assert_output ""
}

@test "-t: a quoted local part holding an '@' (\"a@b c\") has no domain yet: it is qualified" {
	printf 'To: "team@host list"\nSubject: t\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" -a plain -t -i <"$MSG"
	assert_success
	maildir_wait 1
	run sh -c "grep -h '^Delivered-To:' '$TESTBED_MAILDIR'/new/*"
	assert_output "Delivered-To: \"team@host list\"@${TESTBED_USER#*@}"
}
