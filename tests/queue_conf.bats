#!/usr/bin/env bats
# A queued message is delivered with the configuration it was submitted
# under (bote.1, QUEUE): its entry records the files read and the account,
# a queue run reads those files again, and no other file's account of the
# same name ever gets the message. A file that is gone, or an account
# that was removed, makes the message wait, and mailq says why. Against
# the test Postfix, delivery read back from the Maildir.

[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library testbed.bash

setup() {
	QDIR=$BATS_TEST_TMPDIR/queue
	mkdir -p "$BATS_TEST_TMPDIR/m"
	A=$BATS_TEST_TMPDIR/m/a
	B=$BATS_TEST_TMPDIR/m/b
	# Two files, each with an account "default", one queue.
	bote_conf "$A" "queue on" "queue_dir $QDIR"
	bote_conf "$B" "queue on" "queue_dir $QDIR"
	maildir_clear
}

mail_with() {
	printf 'From: %s\nTo: rcpt@example.org\nSubject: conf test %s\n' \
	    "$TESTBED_USER" "$1"
	printf 'X-Queue-Test: %s\n\nbody of %s\n' "$1" "$1"
}

delivered() {
	grep -l -x "X-Queue-Test: $1" "$TESTBED_MAILDIR"/new/* 2>/dev/null |
	    wc -l
}

# Point $1's accounts at port 1, where nothing listens (or back).
down() { sed -i "s/^port $TESTBED_STARTTLS_PORT\$/port 1/" "$1"; }
up() { sed -i "s/^port 1\$/port $TESTBED_STARTTLS_PORT/" "$1"; }

@test "the control file records the files read, absolute, and the overrides" {
	down "$A"
	cd "$BATS_TEST_TMPDIR/m"
	run "$BOTE" -C a --timeout=30 -i rcpt@example.org < <(mail_with rec)
	assert_success
	assert_output --partial "queued as"
	ctl=$(ls "$QDIR"/q/*.ctl)
	run grep -E '^(account|conf|override) ' "$ctl"
	assert_output - <<-EOF
	account default
	conf $A
	override timeout=30
	EOF
	run "$BOTE" -C "$A" -bp --json
	assert_output --partial "\"config_files\": [\"$A\"]"
}

@test "a message queued under one file never goes through another file's account of the same name" {
	down "$A"
	run "$BOTE" -C "$A" -i rcpt@example.org < <(mail_with under-a)
	assert_success
	assert_output --partial "queued as"
	# B's default works: its own message goes, and the drain after it
	# leaves A's message alone.
	run "$BOTE" -C "$B" -i rcpt@example.org < <(mail_with under-b)
	assert_success
	maildir_wait 1
	[ "$(delivered under-b)" -eq 1 ]
	# A queue run started with B's file still uses A's for it.
	run "$BOTE" -C "$B" -q -v
	assert_success
	assert_output --partial "deferred"
	[ "$(delivered under-a)" -eq 0 ]
	[ "$(ls "$QDIR"/q/*.ctl | wc -l)" -eq 1 ]
	# A fixed, the same run delivers it, through A's account.
	up "$A"
	run "$BOTE" -C "$B" -q
	assert_success
	maildir_wait 2
	[ "$(delivered under-a)" -eq 1 ]
	[ -z "$(ls "$QDIR"/q/)" ]
}

@test "the file it was queued under is gone: the message waits and mailq says why" {
	down "$A"
	run "$BOTE" -C "$A" -i rcpt@example.org < <(mail_with gone)
	assert_success
	id=$(basename "$(ls "$QDIR"/q/*.ctl)" .ctl)
	up "$A"
	mv "$A" "$A.saved"
	run "$BOTE" -C "$B" -bp
	assert_success
	assert_output --partial "(configuration file $A is gone)"
	run "$BOTE" -C "$B" -q
	assert_success
	assert_output --partial "$id: deferred: configuration file $A is gone (the message was queued under it): restore the file, or delete the message (bote --delete QUEUE-ID)"
	[ "$(delivered gone)" -eq 0 ]
	run "$BOTE" -C "$B" -bp -v
	assert_output --partial "config file:  $A (gone)"
	# Restored: it goes, through A.
	mv "$A.saved" "$A"
	run "$BOTE" -C "$B" -q
	assert_success
	maildir_wait 1
	[ "$(delivered gone)" -eq 1 ]
}

@test "the account was removed from its file: the message waits and says so" {
	printf '\naccount extra : starttls\n' >>"$A"
	down "$A"
	run "$BOTE" -C "$A" -a extra -i rcpt@example.org < <(mail_with removed)
	assert_success
	assert_output --partial "queued as"
	up "$A"
	sed -i '/^account extra/d' "$A"
	run "$BOTE" -C "$A" -q
	assert_success
	assert_output --partial "deferred: account extra is no longer in $A (the message was queued through it): add it again, or delete the message (bote --delete QUEUE-ID)"
	[ "$(delivered removed)" -eq 0 ]
	run "$BOTE" -C "$A" -bp
	assert_output --partial "account extra is no longer in $A"
	# Back in the file: delivered through it.
	printf 'account extra : starttls\n' >>"$A"
	run "$BOTE" -C "$A" -q
	assert_success
	maildir_wait 1
	[ "$(delivered removed)" -eq 1 ]
}

@test "bote -q without -C flushes mail queued with -C ~/.msmtprc" {
	home=$BATS_TEST_TMPDIR/home
	mkdir -p "$home"
	bote_conf "$home/.msmtprc" "queue on"
	down "$home/.msmtprc"
	u() {
		env -u XDG_CONFIG_HOME -u XDG_STATE_HOME HOME="$home" \
		    BOTE_TEST_SPOOL="$home/spool" \
		    BOTE_TEST_SYSCONF="$BATS_TEST_TMPDIR/missing.conf" "$@"
	}
	run u "$BOTE" -C "$home/.msmtprc" -i rcpt@example.org \
	    < <(mail_with msmtprc)
	assert_success
	assert_output --partial "queued as"
	up "$home/.msmtprc"
	run u "$BOTE" -q
	assert_success
	maildir_wait 1
	[ "$(delivered msmtprc)" -eq 1 ]
	run u "$BOTE" -bp
	assert_output "Mail queue is empty"
}

@test "no bote file: mail queued through ~/.msmtprc (no -C) is flushed with it" {
	home=$BATS_TEST_TMPDIR/home
	mkdir -p "$home"
	bote_conf "$home/.msmtprc" "queue on"
	down "$home/.msmtprc"
	u() {
		env -u XDG_CONFIG_HOME -u XDG_STATE_HOME HOME="$home" \
		    BOTE_TEST_SPOOL="$home/spool" \
		    BOTE_TEST_SYSCONF="$BATS_TEST_TMPDIR/missing.conf" \
		    BOTE_TEST_MSMTP_SYSCONF="$BATS_TEST_TMPDIR/missing-msmtprc" \
		    "$@"
	}
	run u "$BOTE" -i rcpt@example.org < <(mail_with no-c)
	assert_success
	assert_output --partial "queued as"
	# The entry names the file actually read.
	run u "$BOTE" -bp --json
	assert_output --partial "\"config_files\": [\"$home/.msmtprc\"]"
	up "$home/.msmtprc"
	run u "$BOTE" -q
	assert_success
	maildir_wait 1
	[ "$(delivered no-c)" -eq 1 ]
	run u "$BOTE" -bp
	assert_output "Mail queue is empty"
}
