#!/usr/bin/env bats
# Password sources: password > passwordeval > ~/.netrc > the system netrc >
# a prompt on the terminal. What bote obtained is checked on the wire (the
# AUTH PLAIN response the scripted server recorded); failures are checked
# for their exit status (78), their message (never the secret or the
# command's output), and for not having connected at all.
#
# Tests where bote must find no terminal run it with setsid (a new
# session has no controlling terminal), so they pass from an interactive
# shell too. The prompt is driven on a pseudo-terminal by
# tests/fixtures/ptyrun.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library bote.bash
bats_load_library smtpscript.bash

setup() {
	S=$BATS_TEST_TMPDIR/script
	CONF=$BATS_TEST_TMPDIR/bote.conf
	MSG=$BATS_TEST_TMPDIR/msg
	HOME=$BATS_TEST_TMPDIR/home
	export HOME
	mkdir -p "$HOME"
	chmod 700 "$HOME"
	PTYRUN=$TOP_SRCDIR/tests/fixtures/ptyrun
	printf '%s\n' \
		'From: sender@example.org' \
		'To: rcpt@example.net' \
		'Subject: bote secrets test' \
		'' \
		'BODY-MARKER first line' \
		'last line' >"$MSG"
	CONF_EXTRA=()
	# No controlling terminal: a new session has none.
	BOTE_WRAP=(setsid -w)
}

# A permissive server (EHLO, STARTTLS, AUTH PLAIN/LOGIN, 235, 250...).
start_auto() {
	printf '%s\n' 'send 220 mx.test ESMTP smtpscript' 'auto' >"$S"
	script_start "$S"
	write_conf
}

# No server: port 1, where nothing listens (a connection attempt would
# show up as 75, not 78).
no_server() {
	SCRIPT_PORT=1
	write_conf
}

# The scripted server's configuration without its password line, plus
# CONF_EXTRA.
write_conf() {
	script_conf "$CONF" "${CONF_EXTRA[@]}"
	sed -i '/^password p$/d' "$CONF"
}

# The AUTH PLAIN response for user and password (RFC 4616).
plain() {
	printf '\0%s\0%s' "$1" "$2" | base64 -w0
}

# assert_auth USER PASSWORD: bote authenticated with exactly these.
assert_auth() {
	local want
	want=$(plain "$1" "$2")
	if ! sent_lines | grep -a -q -x -E "(AUTH PLAIN )?$want"; then
		show_record
		fail "no AUTH PLAIN for $1 with the expected password"
	fi
	if ! sent_lines | grep -a -q 'BODY-MARKER'; then
		show_record
		fail "the message was not sent"
	fi
}

netrc() {
	(umask 077; printf '%s\n' "$@" >"$HOME/.netrc")
}

# --- password and passwordeval ----------------------------------------------

@test "password line: used as is, even with a netrc entry" {
	netrc 'machine 127.0.0.1 login u password from-netrc'
	CONF_EXTRA=("password literal-pw")
	start_auto
	run_bote
	assert_success
	assert_auth u literal-pw
}

@test "passwordeval: the first line of its output, over a netrc entry" {
	netrc 'machine 127.0.0.1 login u password from-netrc'
	CONF_EXTRA=("passwordeval printf 'eval-pw\\nsecond line\\n'")
	start_auto
	run_bote
	assert_success
	assert_auth u eval-pw
}

@test "passwordeval exiting 3: 78, names account and status, not the output" {
	CONF_EXTRA=("passwordeval echo leaked-output; exit 3")
	no_server
	run_bote
	assert_equal "$status" 78
	assert_output --partial "account default"
	assert_output --partial "exited with status 3"
	refute_output --partial "leaked-output"
}

@test "passwordeval printing nothing: 78" {
	CONF_EXTRA=("passwordeval true")
	no_server
	run_bote
	assert_equal "$status" 78
	assert_output --partial "account default"
	assert_output --partial "printed nothing"
}

@test "passwordeval printing an empty first line: 78" {
	CONF_EXTRA=("passwordeval printf '\\nsecond\\n'")
	no_server
	run_bote
	assert_equal "$status" 78
	assert_output --partial "empty first line"
	refute_output --partial "second"
}

@test "passwordeval reads /dev/null, not the message" {
	CONF_EXTRA=("passwordeval if read x; then echo \"got-\$x\"; else echo devnull-pw; fi")
	start_auto
	run_bote
	assert_success
	assert_auth u devnull-pw
}

@test "passwordeval never reads bote's standard input (-bs dialogue)" {
	# In -bs mode the password is obtained before the greeting, with the
	# caller's SMTP commands waiting on standard input.
	CONF_EXTRA=("passwordeval if read x; then echo \"got-\$x\"; else echo devnull-pw; fi")
	no_server
	run timeout 20 setsid -w "$BOTE" -C "$CONF" -bs <<<$'QUIT\r'
	assert_success
	assert_line --partial "221"
}

@test "passwordeval's stderr reaches bote's stderr" {
	CONF_EXTRA=("passwordeval echo eval-says-hello >&2; echo pw")
	start_auto
	local st=0
	timeout 20 setsid -w "$BOTE" -C "$CONF" -i rcpt@example.net \
		<"$MSG" 2>"$BATS_TEST_TMPDIR/err" >"$BATS_TEST_TMPDIR/out" ||
		st=$?
	assert_equal "$st" 0
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output --partial "eval-says-hello"
	run cat "$BATS_TEST_TMPDIR/out"
	refute_output --partial "eval-says-hello"
	assert_auth u pw
}

@test "passwordeval hanging: killed at the deadline with its children, 78" {
	local pidfile=$BATS_TEST_TMPDIR/sleep.pid pid i
	CONF_EXTRA=("passwordeval sleep 300 >/dev/null 2>&1 & echo \$! >$pidfile; wait")
	no_server
	BOTE_TEST_EVAL_TIMEOUT=1 run_bote
	assert_equal "$status" 78
	assert_output --partial "did not finish within 1 second"
	pid=$(cat "$pidfile")
	[ -n "$pid" ]
	# The sleep was in the command's process group: it must be gone
	# (or a zombie waiting for init).
	for i in $(seq 1 100); do
		if ! kill -0 "$pid" 2>/dev/null ||
		    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ]; then
			return 0
		fi
		sleep 0.05
	done
	kill "$pid" 2>/dev/null || true
	fail "the sleep started by passwordeval survived"
}

@test "passwordeval: a 1400-octet token goes out whole" {
	local tok
	# Its AUTH PLAIN response needs a line of its own (RFC 4954 4).
	tok=$(head -c 1400 /dev/zero | tr '\0' T)
	CONF_EXTRA=("passwordeval head -c 1400 /dev/zero | tr '\\0' T; echo")
	start_auto
	run_bote
	assert_success
	assert_auth u "$tok"
}

@test "passwordeval: a 64 KiB token is read whole (AUTH may still cap it)" {
	CONF_EXTRA=("passwordeval head -c 65536 /dev/zero | tr '\\0' T; echo")
	start_auto
	run_bote
	# Whatever the SASL layer makes of it, passwordeval took it.
	refute_output --partial "passwordeval"
	if [ "$status" -ne 0 ]; then
		assert_output --regexp "too long for AUTH|longer than [0-9]+ octets|secret is too long"
	fi
}

@test "passwordeval: a first line over 64 KiB is refused (78)" {
	CONF_EXTRA=("passwordeval head -c 65537 /dev/zero | tr '\\0' T; echo")
	no_server
	run_bote
	assert_equal "$status" 78
	assert_output --partial "more than 65536 octets"
	refute_output --partial "TTTT"
}

@test "core dumps are off before a secret is obtained" {
	local hard
	hard=$(ulimit -H -c)
	[ "$hard" != 0 ] || skip "the hard core-size limit is already 0"
	CONF_EXTRA=("passwordeval echo \"core=\$(ulimit -c)\" >&2; echo pw")
	start_auto
	run bash -c 'ulimit -S -c "$1"; shift; exec "$@"' _ "$hard" \
		timeout 20 setsid -w "$BOTE" -C "$CONF" -i rcpt@example.net \
		<"$MSG"
	assert_success
	assert_output --partial "core=0"
}

# --- netrc ------------------------------------------------------------------

@test "netrc: the entry for the host and the account's user" {
	netrc 'machine other.example login u password wrong-host' \
	      'machine 127.0.0.1 login someone password wrong-user' \
	      'machine 127.0.0.1' '  login u' '  password "netrc pw"' \
	      'machine 127.0.0.1 login u password later-entry'
	start_auto
	run_bote
	assert_success
	assert_auth u "netrc pw"
}

@test "netrc: the default entry when no machine matches" {
	netrc 'machine other.example login u password wrong-host' \
	      'macdef init' 'machine 127.0.0.1 login u password in-a-macro' '' \
	      'default login u password default-pw'
	start_auto
	run_bote
	assert_success
	assert_auth u default-pw
}

@test "netrc: only another user's entry: no password, no terminal: 78" {
	netrc 'machine 127.0.0.1 login other password not-yours'
	no_server
	run_bote
	assert_equal "$status" 78
	assert_output --partial "account default"
	assert_output --partial "password"
	assert_output --partial "passwordeval"
	assert_output --partial "netrc"
	refute_output --partial "not-yours"
}

@test "netrc readable by others: refused (78) with the fix, as root too" {
	netrc 'machine 127.0.0.1 login u password exposed'
	chmod 644 "$HOME/.netrc"
	no_server
	run_bote
	assert_equal "$status" 78
	assert_output --regexp "chmod 600 $HOME/\.netrc\$"
	refute_output --partial "exposed"
}

@test "netrc owned by another user: refused (78)" {
	netrc 'machine 127.0.0.1 login u password planted'
	chown 65534 "$HOME/.netrc" 2>/dev/null || skip "cannot chown (not root)"
	[ "$(id -u)" = 0 ] || skip "needs root to read another user's file"
	no_server
	run_bote
	assert_equal "$status" 78
	assert_output --partial "belongs to uid 65534"
	refute_output --partial "planted"
}

@test "netrc that is a symbolic link: refused (78)" {
	(umask 077; printf 'machine 127.0.0.1 login u password linked\n' \
		>"$HOME/real-netrc")
	ln -s "$HOME/real-netrc" "$HOME/.netrc"
	no_server
	run_bote
	assert_equal "$status" 78
	assert_output --partial "symbolic link"
	refute_output --partial "linked"
}

@test "netrc with a syntax error: 78 naming the line, never the token" {
	netrc 'machine 127.0.0.1' 'login u' 'pasword Hidden-Value'
	no_server
	run_bote
	assert_equal "$status" 78
	assert_output --partial "$HOME/.netrc: line 3"
	refute_output --partial "Hidden-Value"
	refute_output --partial "pasword"
}

# As a user other than root: the ordinary case the permission check is for.
run_as_nobody() {
	if command -v setpriv >/dev/null; then
		run timeout 20 setsid -w setpriv --reuid=nobody --regid=nogroup \
			--clear-groups env HOME="$HOME" "$@"
	else
		run timeout 20 setsid -w runuser -u nobody -- \
			env HOME="$HOME" "$@"
	fi
}

@test "netrc readable by others, as an unprivileged user: refused (78)" {
	[ "$(id -u)" = 0 ] || skip "needs root to become nobody"
	command -v setpriv >/dev/null || command -v runuser >/dev/null ||
		skip "neither setpriv nor runuser"
	local d
	d=$(mktemp -d /tmp/bote-secrets.XXXXXX)
	HOME=$d
	no_server
	cp "$CONF" "$d/conf"
	cp "$MSG" "$d/msg"
	printf 'machine 127.0.0.1 login u password exposed\n' >"$d/.netrc"
	chmod 644 "$d/.netrc"
	chmod 600 "$d/conf"
	# The directory is nobody's; other users cannot look into it.
	chown -R nobody "$d"
	chmod 700 "$d"
	run_as_nobody test -x "$BOTE"
	if [ "$status" -ne 0 ]; then
		rm -rf "$d"
		skip "nobody cannot run $BOTE"
	fi
	run_as_nobody sh -c '"$1" -C "$2/conf" -i rcpt@example.net <"$2/msg"' \
		_ "$BOTE" "$d"
	rm -rf "$d"
	assert_equal "$status" 78
	assert_output --regexp "chmod 600 $d/\.netrc\$"
	refute_output --partial "exposed"
}

@test "netrc private to an unprivileged user: used" {
	[ "$(id -u)" = 0 ] || skip "needs root to become nobody"
	command -v setpriv >/dev/null || command -v runuser >/dev/null ||
		skip "neither setpriv nor runuser"
	local d
	d=$(mktemp -d /tmp/bote-secrets.XXXXXX)
	HOME=$d
	start_auto
	cp "$CONF" "$d/conf"
	cp "$MSG" "$d/msg"
	printf 'machine 127.0.0.1 login u password nobodys-pw\n' >"$d/.netrc"
	chmod 600 "$d/.netrc" "$d/conf"
	chown -R nobody "$d"
	chmod 700 "$d"
	run_as_nobody test -r "$(script_certs)/ca.pem" -a -x "$BOTE"
	if [ "$status" -ne 0 ]; then
		rm -rf "$d"
		skip "nobody cannot run $BOTE or read the test CA"
	fi
	run_as_nobody sh -c '"$1" -C "$2/conf" -i rcpt@example.net <"$2/msg"' \
		_ "$BOTE" "$d"
	rm -rf "$d"
	assert_success
	assert_auth u nobodys-pw
}

# --- the prompt ---------------------------------------------------------------

@test "prompt: asked on the terminal with echo off, message from stdin" {
	start_auto
	run "$PTYRUN" --stdin "$MSG" --type 'typed pw' \
		--transcript "$BATS_TEST_TMPDIR/tty" -- \
		"$BOTE" -C "$CONF" -i rcpt@example.net
	assert_success
	assert_auth u 'typed pw'
	run cat "$BATS_TEST_TMPDIR/tty"
	assert_output --partial "Password for u at 127.0.0.1: "
	refute_output --partial "typed pw"
}

@test "prompt: SIGTERM while asking restores the terminal, sends nothing" {
	no_server
	run "$PTYRUN" --stdin "$MSG" --signal TERM -- \
		"$BOTE" -C "$CONF" -i rcpt@example.net
	# ptyrun's own failures are 100 and up: echo left off would be 103.
	assert [ "$status" -ne 0 ]
	assert [ "$status" -lt 100 ]
	assert [ "$status" -ne 75 ]
	assert_output --partial "interrupted"
}

@test "prompt: SIGINT (^C) while asking restores the terminal" {
	no_server
	run "$PTYRUN" --stdin "$MSG" --signal INT -- \
		"$BOTE" -C "$CONF" -i rcpt@example.net
	assert [ "$status" -ne 0 ]
	assert [ "$status" -lt 100 ]
	assert [ "$status" -ne 75 ]
}

@test "prompt: an empty answer is a configuration error (78)" {
	no_server
	run "$PTYRUN" --stdin "$MSG" --type '' -- \
		"$BOTE" -C "$CONF" -i rcpt@example.net
	assert_equal "$status" 78
	assert_output --partial "no password typed"
}

@test "prompt: not shown when the netrc has the password" {
	netrc 'machine 127.0.0.1 login u password netrc-pw'
	start_auto
	run "$PTYRUN" --stdin "$MSG" --no-prompt -- \
		"$BOTE" -C "$CONF" -i rcpt@example.net
	assert_success
	assert_auth u netrc-pw
}

@test "no terminal and no password source: 78 naming the sources" {
	no_server
	run_bote
	assert_equal "$status" 78
	assert_output --partial "account default has auth set but no password"
	assert_output --partial "no terminal"
	assert_output --partial "passwordeval"
	assert_output --partial "netrc"
}

@test "auth without a user: 78 before any password source is tried" {
	netrc 'default login u password netrc-pw'
	no_server
	sed -i '/^user /d' "$CONF"
	run_bote
	assert_equal "$status" 78
	assert_output --partial "no user"
}
