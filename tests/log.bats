#!/usr/bin/env bats
# msmtp's logging directives: logfile, logfile_time_format, syslog. One
# line per submission attempt, against the scripted SMTP server
# (tests/fixtures/smtpscript). syslog(3) writes to the fixed /dev/log: those
# tests run bote in a private user and mount namespace (unshare -rm) whose
# /dev holds null, zero, random, urandom and, as log, a datagram socket a
# small listener reads; the real /dev is never touched. Where unshare is
# not allowed they are skipped.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library bote.bash
bats_load_library smtpscript.bash

setup() {
	S=$BATS_TEST_TMPDIR/script
	CONF=$BATS_TEST_TMPDIR/bote.conf
	MSG=$BATS_TEST_TMPDIR/msg
	L=$BATS_TEST_TMPDIR/bote.log
	PW=Pw-$RANDOM-NeverLogged
	printf '%s\n' 'From: sender@example.org' 'To: rcpt@example.net' \
		'Subject: log test' '' 'LOG-BODY-MARKER' >"$MSG"
	# The injected clock and zone make the time field deterministic.
	export BOTE_TEST_TIME=1700000000 TZ=UTC
}

prelude() {
	s 'send 220 mx.test ESMTP smtpscript' \
	  'expect EHLO' \
	  'send 250-mx.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME' \
	  'expect STARTTLS' 'send 220 2.0.0 Ready to start TLS' 'starttls' \
	  'expect EHLO' \
	  'send 250-mx.test\r\n250-PIPELINING\r\n250-AUTH PLAIN\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME' \
	  'expect AUTH PLAIN' 'send 235 2.7.0 Authentication successful' \
	  'expect MAIL FROM:<sender@example.org>' 'send 250 2.1.0 Ok'
}

accepted() {
	prelude
	s 'expect RCPT TO:<' 'send 250 2.1.5 Ok' \
	  'expect DATA' 'send 354 End data with <CR><LF>.<CR><LF>' \
	  'expect-data' 'send 250 2.0.0 Ok: queued as 4Xy1Zq' \
	  'expect QUIT' 'send 221 2.0.0 Bye'
}

# start DIRECTIVE...: the server on $S, the configuration with them.
start() {
	script_start "$S"
	script_conf "$CONF" "password $PW" "$@"
}

delivered() {
	script_wait || { script_log; fail "the dialogue differed from the script"; }
	grep -q LOG-BODY-MARKER "$SCRIPT_RECORD" || fail "the message was not sent"
}

@test "logfile: one line per successful send, msmtp's fields, EX_OK" {
	accepted >"$S"
	start "logfile $L" "logfile_time_format %Y-%m-%d"
	run_bote
	assert_success
	delivered
	run cat "$L"
	assert_output --regexp "^2023-11-14 host=127\.0\.0\.1 tls=on auth=on user=u from=sender@example\.org recipients=rcpt@example\.net mailsize=[1-9][0-9]* smtpstatus=250 smtpmsg='250 2\.0\.0 Ok: queued as 4Xy1Zq' exitcode=EX_OK\$"
	[ "${#lines[@]}" -eq 1 ]
	refute_output --partial "$PW"
	refute_output --partial LOG-BODY-MARKER
	# Mode 0600: the log names correspondents.
	[ "$(stat -c %a "$L")" = 600 ]
}

@test "logfile: appended, msmtp's default time format" {
	{ accepted; } >"$S"
	printf 'earlier line\n' >"$L"
	chmod 600 "$L"
	start "logfile $L"
	run_bote
	assert_success
	run cat "$L"
	assert_line --index 0 'earlier line'
	assert_line --index 1 --regexp '^Nov 14 22:13:20 host=127\.0\.0\.1 .* exitcode=EX_OK$'
	[ "${#lines[@]}" -eq 2 ]
}

@test "logfile: a 550 refusal logs the sanitised reply, errormsg and EX_NOUSER" {
	{
		prelude
		s 'expect RCPT' 'send 550 5.1.1 <rcpt@example.net>: it'"'"'s no user\x1b[2J\x07 here' \
		  'expect DATA' 'send 554 5.5.1 Error: no valid recipients'
	} >"$S"
	start "logfile $L" "logfile_time_format T"
	run_bote
	assert_failure 67
	run cat "$L"
	[ "${#lines[@]}" -eq 1 ]
	assert_output --regexp "^T host=127\.0\.0\.1 tls=on auth=on user=u from=sender@example\.org recipients=rcpt@example\.net mailsize=[0-9]+ smtpstatus=550 smtpmsg='550 5\.1\.1 <rcpt@example\.net>: it\?s no user\?\[2J\? here' errormsg='[^'[:cntrl:]]+' exitcode=EX_NOUSER\$"
	refute_output --partial $'\x1b'
	refute_output --partial $'\x07'
	refute_output --partial "$PW"
}

@test "logfile: a queued temporary failure logs queued=ID and EX_OK" {
	{
		prelude
		s 'expect RCPT' 'send 451 4.3.0 try later' \
		  'expect DATA' 'send 554 5.5.1 Error: no valid recipients'
	} >"$S"
	start "logfile $L" "logfile_time_format T" "queue on" \
	    "queue_dir $BATS_TEST_TMPDIR/q"
	run_bote
	assert_success
	run cat "$L"
	[ "${#lines[@]}" -eq 1 ]
	assert_output --regexp "^T host=.* smtpstatus=451 smtpmsg='451 4\.3\.0 try later' errormsg='[^']+' queued=[^ ]+ exitcode=EX_OK\$"
}

@test "logfile -: the line goes to standard output" {
	accepted >"$S"
	start "logfile -" "logfile_time_format T"
	run bash -c '"$1" -C "$2" -i rcpt@example.net <"$3" 2>/dev/null' _ \
	    "$BOTE" "$CONF" "$MSG"
	assert_success
	assert_output --regexp "^T host=127\.0\.0\.1 .* exitcode=EX_OK\$"
	[ "${#lines[@]}" -eq 1 ]
}

@test "logfile that cannot be opened: a warning, exit 0, the mail delivered" {
	accepted >"$S"
	start "logfile $BATS_TEST_TMPDIR/no/such/dir/bote.log"
	run_bote
	assert_success
	assert_output --partial "warning: cannot open log file"
	[ "${#lines[@]}" -eq 1 ]
	delivered
}

@test "logfile that is a symbolic link is not followed" {
	accepted >"$S"
	: >"$BATS_TEST_TMPDIR/target"
	ln -s "$BATS_TEST_TMPDIR/target" "$L"
	start "logfile $L"
	run_bote
	assert_success
	assert_output --partial "warning: cannot open log file"
	delivered
	[ ! -s "$BATS_TEST_TMPDIR/target" ]
}

@test "logfile: ~ and \${VAR} are expanded" {
	accepted >"$S"
	export LOGNAME_PART=var
	start 'logfile ~/${LOGNAME_PART}.log'
	HOME=$BATS_TEST_TMPDIR run_bote
	assert_success
	grep -q 'exitcode=EX_OK$' "$BATS_TEST_TMPDIR/var.log"
}

# fake_syslog CMD...: run CMD with /dev/log a socket whose datagrams end
# up, one per line, in $SYSLOG_OUT.
fake_syslog() {
	local t=$BATS_TEST_TMPDIR i
	unshare -rm true 2>/dev/null || skip "unshare -rm is not allowed here"
	SYSLOG_OUT=$t/syslog.out
	cat >"$t/listen.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(30)
with open(sys.argv[2], "wb", buffering=0) as f:
    while True:
        try:
            d = s.recv(65536)
        except socket.timeout:
            break
        if d == b"quit":
            break
        f.write(d + b"\n")
PY
	python3 "$t/listen.py" "$t/log.sock" "$SYSLOG_OUT" </dev/null \
	    >/dev/null 2>&1 3>&- &
	SYSLOG_PID=$!
	for i in $(seq 1 100); do
		[ -S "$t/log.sock" ] && break
		sleep 0.05
	done
	run unshare -rm bash -c '
		set -e
		d=$1/dev
		mkdir -p "$d"
		for n in null zero random urandom; do
			: >"$d/$n"
			mount --bind "/dev/$n" "$d/$n"
		done
		: >"$d/log"
		mount --bind "$1/log.sock" "$d/log"
		mount --rbind "$d" /dev
		shift
		exec "$@"' _ "$t" "$@" <"$MSG"
	python3 -c 'import socket, sys
socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"quit", sys.argv[1])' \
	    "$t/log.sock"
	wait "$SYSLOG_PID" || true
}

@test "syslog LOG_MAIL: the line without the time, LOG_INFO, as bote[pid]" {
	accepted >"$S"
	start "syslog LOG_MAIL"
	fake_syslog timeout 20 "$BOTE" -C "$CONF" -i rcpt@example.net
	assert_success
	delivered
	run cat "$SYSLOG_OUT"
	[ "${#lines[@]}" -eq 1 ]
	# LOG_MAIL (2 << 3) | LOG_INFO (6) = 22.
	assert_output --regexp "^<22>.* bote\[[0-9]+\]: host=127\.0\.0\.1 tls=on auth=on user=u from=sender@example\.org recipients=rcpt@example\.net mailsize=[0-9]+ smtpstatus=250 smtpmsg='250 2\.0\.0 Ok: queued as 4Xy1Zq' exitcode=EX_OK\$"
	refute_output --partial "$PW"
}

refused() {
	prelude
	s 'expect RCPT' 'send 550 5.1.1 <rcpt@example.net>: no such user' \
	  'expect DATA' 'send 554 5.5.1 Error: no valid recipients'
}

@test "syslog on: LOG_MAIL (msmtp's is LOG_USER); a refusal is LOG_ERR" {
	refused >"$S"
	start "syslog on"
	fake_syslog timeout 20 "$BOTE" -C "$CONF" -i rcpt@example.net
	assert_failure 67
	run cat "$SYSLOG_OUT"
	[ "${#lines[@]}" -eq 1 ]
	# LOG_MAIL (2 << 3) | LOG_ERR (3) = 19.
	assert_output --regexp "^<19>.* bote\[[0-9]+\]: host=.* smtpstatus=550 .* exitcode=EX_NOUSER\$"
}

@test "syslog LOG_USER: msmtp's facility, when asked for by name" {
	refused >"$S"
	start "syslog LOG_USER"
	fake_syslog timeout 20 "$BOTE" -C "$CONF" -i rcpt@example.net
	assert_failure 67
	run cat "$SYSLOG_OUT"
	# LOG_USER (1 << 3) | LOG_ERR (3) = 11.
	assert_output --regexp "^<11>.* bote\[[0-9]+\]: host=.* smtpstatus=550 .* exitcode=EX_NOUSER\$"
}

@test "syslog LOG_LOCAL7 and a log file together" {
	accepted >"$S"
	start "syslog LOG_LOCAL7" "logfile $L" "logfile_time_format T"
	fake_syslog timeout 20 "$BOTE" -C "$CONF" -i rcpt@example.net
	assert_success
	run cat "$SYSLOG_OUT"
	# LOG_LOCAL7 (23 << 3) | LOG_INFO (6) = 190.
	assert_output --regexp "^<190>.* bote\[[0-9]+\]: host=.* exitcode=EX_OK\$"
	grep -q '^T host=.* exitcode=EX_OK$' "$L"
}

@test "syslog: on, off and the facilities are accepted; -P shows them" {
	local w
	script_conf_only() {
		SCRIPT_PORT=25 script_conf "$CONF" "$@"
	}
	for w in on off LOG_USER LOG_MAIL LOG_LOCAL0 LOG_LOCAL7; do
		script_conf_only "syslog $w"
		run "$BOTE" -C "$CONF" -P
		assert_success
		assert_output --regexp "syslog +$w "
	done
	script_conf_only "syslog"
	run "$BOTE" -C "$CONF" -P
	assert_output --regexp "syslog +on "
}

@test "syslog: a bad facility is a configuration error" {
	SCRIPT_PORT=25 script_conf "$CONF" "syslog LOG_DAEMON"
	run "$BOTE" -C "$CONF" -i rcpt@example.net <"$MSG"
	assert_failure 78
	assert_output --partial "syslog must be off, on, LOG_USER"
	assert_output --partial "or LOG_LOCAL7"
}

@test "syslog on: the send is not disturbed" {
	accepted >"$S"
	start "syslog LOG_MAIL"
	run_bote
	assert_success
	delivered
}

@test "--logfile and --logfile-time-format set the directives for one run" {
	accepted >"$S"
	start
	run timeout 20 "$BOTE" -C "$CONF" --logfile="$L" \
	    --logfile-time-format=T -i rcpt@example.net <"$MSG"
	assert_success
	run cat "$L"
	assert_output --regexp "^T host=127\.0\.0\.1 .* exitcode=EX_OK\$"
}

@test "bote -q: the delivery of a queued message is logged with its id" {
	{
		prelude
		s 'expect RCPT' 'send 451 4.3.0 try later' \
		  'expect DATA' 'send 554 5.5.1 Error: no valid recipients'
	} >"$S"
	start "logfile $L" "logfile_time_format T" "queue on" \
	    "queue_dir $BATS_TEST_TMPDIR/q"
	run_bote
	assert_success
	script_wait || true
	script_stop
	local id
	id=$(sed -n 's/.* queued=\([^ ]*\) .*/\1/p' "$L")
	[ -n "$id" ]
	accepted >"$S"
	start "logfile $L" "logfile_time_format T" "queue on" \
	    "queue_dir $BATS_TEST_TMPDIR/q"
	# A day later: the retry is due.
	BOTE_TEST_TIME=1700086400 run timeout 20 "$BOTE" -C "$CONF" -q
	assert_success
	delivered
	run cat "$L"
	[ "${#lines[@]}" -eq 2 ]
	assert_line --index 1 --regexp "^T host=127\.0\.0\.1 tls=on auth=on user=u from=sender@example\.org recipients=rcpt@example\.net mailsize=[0-9]+ smtpstatus=250 smtpmsg='250 2\.0\.0 Ok: queued as 4Xy1Zq' queued=$id exitcode=EX_OK\$"
	refute_output --partial "$PW"
}

@test "log_format postfix: Postfix's lines, which pflogsumm counts" {
	local pf=("log_format postfix" "logfile $L" "queue on"
	    "queue_dir $BATS_TEST_TMPDIR/q")
	# Delivered at once.
	accepted >"$S"
	start "${pf[@]}"
	run_bote
	assert_success
	delivered
	script_stop
	# Deferred (queued), then delivered by bote -q a day later.
	{
		prelude
		s 'expect RCPT' 'send 451 4.3.0 try later' \
		  'expect DATA' 'send 554 5.5.1 Error: no valid recipients'
	} >"$S"
	start "${pf[@]}"
	run_bote
	assert_success
	script_wait || true
	script_stop
	accepted >"$S"
	start "${pf[@]}"
	BOTE_TEST_TIME=1700086400 run timeout 20 "$BOTE" -C "$CONF" -q
	assert_success
	delivered
	run cat "$L"
	[ "${#lines[@]}" -eq 6 ]
	local id='[0-9A-F]{16}' at='Nov 14 22:13:20 [^ ]+'
	assert_line --index 0 --regexp "^$at bote/qmgr\[[0-9]+\]: $id: from=<sender@example\.org>, size=[0-9]+, nrcpt=1 \(queue active\)\$"
	assert_line --index 1 --regexp "^$at bote/smtp\[[0-9]+\]: $id: to=<rcpt@example\.net>, relay=127\.0\.0\.1\[127\.0\.0\.1\]:[0-9]+, delay=[0-9.]+, dsn=2\.0\.0, status=sent \(250 2\.0\.0 Ok: queued as 4Xy1Zq\)\$"
	assert_line --index 3 --regexp "^$at bote/smtp\[[0-9]+\]: $id: to=<rcpt@example\.net>, relay=.*, dsn=4\.3\.0, status=deferred \(.*451 4\.3\.0 try later\)\$"
	assert_line --index 5 --regexp "^Nov 15 22:13:20 .* to=<rcpt@example\.net>, .*, delay=86400\.00, dsn=2\.0\.0, status=sent "
	refute_output --partial "$PW"
	run pflogsumm --syslog-name=bote "$L"
	assert_success
	assert_line --regexp '^ +2 +delivered$'
	assert_line --regexp '^ +1 +deferred +\(1 +deferrals?\)$'
}
