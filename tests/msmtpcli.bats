#!/usr/bin/env bats
# msmtp's command line (issue 14, point 4; bote.1, MSMTP OPTIONS):
# --read-envelope-from, -d/--debug, -X/--logfile, the SMTPSERVER and
# EMAIL fallback, and every other msmtp long option, each with msmtp's
# meaning or a one-line refusal. The scripted server records what bote
# sent.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library bote.bash
bats_load_library smtpscript.bash

setup() {
	S=$BATS_TEST_TMPDIR/script
	CONF=$BATS_TEST_TMPDIR/bote.conf
	MSG=$BATS_TEST_TMPDIR/msg
	printf '%s\n' 'From: "Joe Smith" <joe@example.org>' \
	    'To: rcpt@example.net' 'Subject: msmtp cli' '' 'body' >"$MSG"
	CONF_EXTRA=("tls off" "auth off" "queue off")
	# No user or system file unless a test writes one.
	export HOME=$BATS_TEST_TMPDIR/home
	unset XDG_CONFIG_HOME EMAIL SMTPSERVER
	export BOTE_TEST_SYSCONF=$BATS_TEST_TMPDIR/no-system.conf
	mkdir -p "$HOME"
}

# A delivery whose MAIL FROM must be $1.
dialogue() {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250 PIPELINING' \
	  "expect MAIL FROM:<$1>" 'expect RCPT' 'expect DATA' \
	  'send 250 Ok\r\n250 Ok\r\n354 go' 'expect-data' \
	  'send 250 2.0.0 queued' 'expect QUIT' 'send 221 bye'
}

# --- --read-envelope-from ------------------------------------------------------

@test "--read-envelope-from: MAIL FROM is the From field's address" {
	dialogue joe@example.org >"$S"
	start_with_script
	run_bote --read-envelope-from rcpt@example.net
	assert_success
	script_wait
}

@test "--read-envelope-from chooses the account as -f does" {
	dialogue joe@example.org >"$S"
	start_with_script
	# default points nowhere; the account whose from matches is used.
	sed -i 's/^account default$/account joe/' "$CONF"
	printf 'account default\nhost 127.0.0.1\nport 1\ntls off\n' >>"$CONF"
	sed -i "s/^from .*/from joe@example.org/" "$CONF"
	run_bote --read-envelope-from rcpt@example.net
	assert_success
	script_wait
}

@test "--read-envelope-from: with -f 64; without a From field 64" {
	printf 'account default\nhost 127.0.0.1\nport 1\ntls off\n' >"$CONF"
	run "$BOTE" -C "$CONF" --read-envelope-from -f a@example.org x@y.org \
	    <"$MSG"
	assert_failure 64
	assert_output --partial 'cannot be used together'
	printf 'Subject: none\n\nbody\n' >"$MSG"
	run "$BOTE" -C "$CONF" --read-envelope-from x@y.org <"$MSG"
	assert_failure 64
	assert_output --partial 'the message has no From field'
}

@test "--read-envelope-from keeps the message intact (-P)" {
	printf 'account default\nhost 127.0.0.1\nport 1\ntls off\n' >"$CONF"
	run "$BOTE" -C "$CONF" -P --read-envelope-from x@y.org <"$MSG"
	assert_success
	assert_line '  from <joe@example.org>'
	assert_line --partial 'Subject: msmtp cli'
	assert_line --partial 'body'
}

# --- -d, --debug -----------------------------------------------------------------

@test "-d and --debug: the files, the settings and the dialogue, no secret" {
	s 'send 220 mx.test ESMTP' 'expect EHLO' \
	  'send 250-mx.test\r\n250-AUTH PLAIN\r\n250 PIPELINING' \
	  'expect AUTH PLAIN' 'expect MAIL' 'expect RCPT' 'expect DATA' \
	  'send 235 ok\r\n250 Ok\r\n250 Ok\r\n354 go' 'expect-data' \
	  'send 250 2.0.0 queued' 'expect QUIT' 'send 221 bye' >"$S"
	CONF_EXTRA=("tls off" "auth plain" "auth_cleartext on" "user joe"
	    "password Sekr3t-Pw" "queue off")
	start_with_script
	run_bote --debug rcpt@example.net
	assert_success
	assert_line --partial "debug: configuration file read: $CONF"
	assert_line --partial 'debug: the settings used:'
	assert_line --regexp '^  password +\(set, not shown\)'
	assert_line --partial -- '--> MAIL FROM:<'
	assert_line --partial -- '--> AUTH PLAIN'
	refute_output --partial 'Sekr3t'
	refute_output --partial "$(printf '\0joe\0Sekr3t-Pw' | base64)"
}

@test "-d alone, and Sendmail's -d0.1, are taken as --debug" {
	printf 'account default\nhost 127.0.0.1\nport 1\ntls off\nqueue off\n%s\n' \
	    'from a@example.org' >"$CONF"
	for d in -d -d0.1; do
		run "$BOTE" -C "$CONF" "$d" x@y.org <"$MSG"
		assert_failure 75
		assert_line --partial 'debug: the settings used:'
	done
}

# --- -X, --logfile ---------------------------------------------------------------

@test "-X FILE is msmtp's --logfile: one line per attempt" {
	printf 'account default\nhost 127.0.0.1\nport 1\ntls off\nqueue off\n%s\n' \
	    'from a@example.org' >"$CONF"
	run "$BOTE" -C "$CONF" -X "$BATS_TEST_TMPDIR/log" x@y.org <"$MSG"
	assert_failure 75
	run cat "$BATS_TEST_TMPDIR/log"
	assert_output --partial 'host=127.0.0.1'
	assert_output --partial 'exitcode=EX_TEMPFAIL'
}

@test "as sendmail, -X is refused like --logfile (nothing is written), and --socket" {
	mkdir -p "$BATS_TEST_TMPDIR/bin" "$HOME/.config/bote"
	ln -s "$BOTE" "$BATS_TEST_TMPDIR/bin/sendmail"
	printf 'account default\nhost 127.0.0.1\nport 1\ntls off\n' \
	    >"$HOME/.config/bote/config"
	for x in "-X$BATS_TEST_TMPDIR/x.php" "-X $BATS_TEST_TMPDIR/x.php"; do
		# shellcheck disable=SC2086
		run "$BATS_TEST_TMPDIR/bin/sendmail" -t -i $x <"$MSG"
		assert_failure 64
		assert_output --partial '-X is refused when bote runs as sendmail'
	done
	[ ! -e "$BATS_TEST_TMPDIR/x.php" ]
	# A local service's socket would get the caller's text.
	run "$BATS_TEST_TMPDIR/bin/sendmail" -t -i --socket=/run/x.sock \
	    <"$MSG"
	assert_failure 64
	assert_output --partial '--socket is refused when bote runs as sendmail'
}

# --- SMTPSERVER and EMAIL ----------------------------------------------------------

@test "no file, SMTPSERVER and EMAIL: host and sender from the environment" {
	dialogue me@example.org >"$S"
	script_start "$S"
	SMTPSERVER=127.0.0.1 EMAIL=me@example.org run "$BOTE" \
	    --port="$SCRIPT_PORT" --tls=off -i rcpt@example.net <"$MSG"
	assert_success
	script_wait
}

@test "SMTPSERVER with -f instead of EMAIL; -P says where the account is from" {
	SMTPSERVER=mx.example run "$BOTE" -P -f a@example.org </dev/null
	assert_success
	assert_line --index 0 'configuration file read: none'
	assert_line --index 1 --partial 'account from the environment'
	assert_line --regexp '^  host +mx\.example '
	assert_line --regexp '^  from +\(not set\)'
}

@test "SMTPSERVER without EMAIL or -f: 78, as msmtp; a default account wins" {
	SMTPSERVER=mx.example run "$BOTE" x@y.org </dev/null
	assert_failure 78
	assert_output --partial 'SMTPSERVER is set, but only EMAIL, -f or'
	mkdir -p "$HOME/.config/bote"
	printf 'account default\nhost file.example\n' \
	    >"$HOME/.config/bote/config"
	SMTPSERVER=mx.example EMAIL=me@example.org run "$BOTE" -P </dev/null
	assert_success
	assert_line --regexp '^  host +file\.example '
}

# --- every msmtp long option -------------------------------------------------------

@test "msmtp's long options are taken (-P shows their effect)" {
	printf 'account default\nhost 127.0.0.1\nport 1\ntls off\n' >"$CONF"
	local o
	for o in --port=2525 --source-ip=127.0.0.1 --source-ip= \
	    --timeout=30 --connect-timeout=30 --protocol=smtp \
	    --domain=client.example --auth=off --user=joe --user= \
	    --tls=off --tls-starttls=on --tls-trust-file=system \
	    --tls-crl-file= --tls-fingerprint= --tls-key-file= \
	    --tls-cert-file= --tls-certcheck=on --tls-priorities=NORMAL \
	    --tls-host-override= --tls-min-dh-prime-bits=2048 \
	    --tls-force-sslv3 --auto-from=off --maildomain= \
	    --from=a@example.org --dsn-notify=failure --dsn-return=full \
	    --set-from-header=auto --set-date-header=auto \
	    --set-msgid-header=auto --set-to-header=off \
	    --remove-bcc-headers=on --undisclosed-recipients=off \
	    --logfile= --logfile-time-format=%s --syslog=off --aliases= \
	    --add-missing-from-header \
	    --add-missing-date-header --keepbcc=off --proxy-host= \
	    --proxy-port= --socket= --account=default; do
		run "$BOTE" -C "$CONF" -P "$o" </dev/null
		[ "$status" -eq 0 ] || fail "$o: status $status: $output"
	done
	run "$BOTE" -C "$CONF" -P --domain=client.example --port=2525 \
	    --undisclosed-recipients </dev/null
	assert_line --regexp '^  domain +client\.example +# command line'
	assert_line --regexp '^  port +2525 +# command line'
	assert_line --regexp '^  set_to_header +undisclosed_recipients +# command line'
}

@test "msmtp's options bote does not do: one line naming what to do instead" {
	printf 'account default\nhost 127.0.0.1\nport 1\ntls off\n' >"$CONF"
	run "$BOTE" -C "$CONF" --configure=joe@example.org
	assert_failure 64
	assert_output --partial 'run bote --setup ADDRESS'
	[ "${#lines[@]}" -eq 1 ]
	run "$BOTE" -C "$CONF" --rmqs=@example.org
	assert_failure 64
	assert_output --partial 'run the queue on that server'
	run "$BOTE" -C "$CONF" --protocol=lmtp x@y.org </dev/null
	assert_failure 78
	assert_output "bote: command line: directive protocol lmtp is not supported by this version of bote: bote speaks SMTP only; use the server's SMTP submission port (LMTP is for final delivery)"
	run "$BOTE" -C "$CONF" --auto-from=on x@y.org </dev/null
	assert_failure 78
	assert_output --partial 'write from %U@DOMAIN instead'
}
