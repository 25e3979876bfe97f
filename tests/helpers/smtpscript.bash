# Bats helper for tests that talk to the scripted SMTP server
# (tests/fixtures/smtpscript).
#
#   script_start SCRIPTFILE [--tls-cert NAME] [--implicit-tls] [--strict]
#                [--listen ADDR] [--client-ca PEM] [--port N]
#       Start the server in the background in $BATS_TEST_TMPDIR and wait
#       (bounded) until it listens.  NAME is a certificate pair made by
#       tests/fixtures/mkcerts: server (default), wrongname, untrusted;
#       or a path without .pem (PATH.pem and PATH-key.pem).  --client-ca
#       requires a client certificate from that CA.
#       Exports SCRIPT_PORT, SCRIPT_RECORD, SCRIPT_LOG, SCRIPT_PID.
#       ADDR is a loopback address to listen on instead of 127.0.0.1;
#       N a port to listen on instead of one the kernel picks.
#   script_stop
#       Kill the server if it still runs (call it from teardown).
#   script_wait
#       Wait (bounded) until the server has finished; prints nothing and
#       returns the server's status: 0 the script ran and every expectation
#       matched, 1 a mismatch or an early close, 2 script error, 3 timeout.
#   script_conf FILE [DIRECTIVE...]
#       Write a bote configuration (msmtprc syntax, mode 0600) for account
#       default on 127.0.0.1:$SCRIPT_PORT.  Each DIRECTIVE ("tls off",
#       "timeout 1") replaces the default line with the same keyword or is
#       appended.
#   recorded
#       Wait for the server to finish, then print the record: every byte
#       the client sent, with a line <<TLS>> where a TLS handshake completed
#       (<<TLS-FAILED>> where one failed).
#   script_log
#       Print the server's log (its transcript and any mismatch).
#   script_certs
#       Make sure the test certificates exist; prints their directory.
#   start_with_script [script_start options]
#       script_start $S, then script_conf $CONF with the directives in
#       CONF_EXTRA (an array the file sets, empty by default).
#   s LINE...
#       Print each argument as one script line (to build $S).
#   sent_lines
#       Wait for the server to finish, then print the record without the
#       TLS markers and without CRs: one line per line bote sent.
#   show_record
#       Print the record (cat -A) and the server's log, for a failure's
#       diagnostics.
#
# Loading it also gives the file a teardown that stops the server; a file
# that needs more defines its own after the load and calls script_stop.

# The suite's environment, bats-support and bats-assert.
bats_load_library bote.bash

SMTPSCRIPT="$TOP_SRCDIR/tests/fixtures/smtpscript"
SCRIPT_CERTS="$TOP_BUILDDIR/tests/certs"
# The server's own safety limit; no test should come near it.
: "${SCRIPT_MAX_TIME:=30}"

script_certs() {
	if [ ! -e "$SCRIPT_CERTS/done" ]; then
		"$TOP_SRCDIR/tests/fixtures/mkcerts" "$SCRIPT_CERTS" >&2 ||
			fail "mkcerts failed"
	fi
	printf '%s\n' "$SCRIPT_CERTS"
}

script_start() {
	local script=$1 cert=server implicit= strict= listen=127.0.0.1 i prefix
	local -a clientca=() port=()
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--tls-cert) cert=$2; shift 2 ;;
		--implicit-tls) implicit=--implicit-tls; shift ;;
		--strict) strict=--strict; shift ;;
		--listen) listen=$2; shift 2 ;;
		--client-ca) clientca=(--client-ca "$2"); shift 2 ;;
		--port) port=(--port "$2"); shift 2 ;;
		*) fail "script_start: unknown option $1" ;;
		esac
	done
	script_certs >/dev/null
	case $cert in
	*/*) prefix=$cert ;;
	*) prefix=$SCRIPT_CERTS/$cert ;;
	esac
	[ -r "$prefix.pem" ] || fail "no certificate named $cert"

	local dir=$BATS_TEST_TMPDIR
	SCRIPT_RECORD=$dir/smtp.record
	SCRIPT_LOG=$dir/smtp.log
	SCRIPT_PORTFILE=$dir/smtp.port
	SCRIPT_STATUSFILE=$dir/smtp.status
	rm -f "$SCRIPT_RECORD" "$SCRIPT_PORTFILE" "$SCRIPT_STATUSFILE"

	# fd 3 is bats' own: a background job holding it would stall bats.
	/usr/bin/python3 "$SMTPSCRIPT" --script "$script" \
		--record "$SCRIPT_RECORD" --port-file "$SCRIPT_PORTFILE" \
		--status-file "$SCRIPT_STATUSFILE" \
		--cert "$prefix.pem" --key "$prefix-key.pem" "${clientca[@]}" \
		--max-time "$SCRIPT_MAX_TIME" --listen "$listen" "${port[@]}" \
		$implicit $strict \
		</dev/null >"$SCRIPT_LOG" 2>&1 3>&- &
	SCRIPT_PID=$!

	for i in $(seq 1 200); do
		if [ -s "$SCRIPT_PORTFILE" ]; then
			SCRIPT_PORT=$(cat "$SCRIPT_PORTFILE")
			export SCRIPT_PORT SCRIPT_RECORD SCRIPT_LOG SCRIPT_PID
			return 0
		fi
		if [ -e "$SCRIPT_STATUSFILE" ]; then
			cat "$SCRIPT_LOG" >&2
			fail "smtpscript exited before listening"
		fi
		sleep 0.05
	done
	cat "$SCRIPT_LOG" >&2
	fail "smtpscript did not start listening within 10 s"
}

script_wait() {
	local i limit
	[ -n "${SCRIPT_STATUSFILE:-}" ] || return 2
	# A little more than the server's own limit, in 0.05 s steps.
	limit=$(( (SCRIPT_MAX_TIME + 5) * 20 ))
	for ((i = 0; i < limit; i++)); do
		if [ -s "$SCRIPT_STATUSFILE" ]; then
			wait "$SCRIPT_PID" 2>/dev/null || true
			return "$(cat "$SCRIPT_STATUSFILE")"
		fi
		sleep 0.05
	done
	echo "smtpscript still running after $SCRIPT_MAX_TIME s" >&2
	return 3
}

script_stop() {
	if [ -n "${SCRIPT_PID:-}" ]; then
		if [ ! -s "${SCRIPT_STATUSFILE:-/nonexistent}" ]; then
			kill "$SCRIPT_PID" 2>/dev/null || true
		fi
		wait "$SCRIPT_PID" 2>/dev/null || true
		SCRIPT_PID=
	fi
}

recorded() {
	script_wait || true
	cat "$SCRIPT_RECORD"
}

script_log() {
	cat "$SCRIPT_LOG"
}

script_conf() {
	local file=$1 d key k i found
	shift
	local -a lines=(
		"host 127.0.0.1"
		"port ${SCRIPT_PORT:?script_conf needs SCRIPT_PORT}"
		"from sender@example.org"
		"tls_trust_file $(script_certs)/ca.pem"
		"auth on"
		"user u"
		"password p"
		"timeout 5"
		"queue off"
	)
	for d in "$@"; do
		key=${d%% *}
		found=
		for i in "${!lines[@]}"; do
			k=${lines[$i]%% *}
			if [ "$k" = "$key" ]; then
				lines[$i]=$d
				found=1
			fi
		done
		[ -n "$found" ] || lines+=("$d")
	done
	(
		umask 077
		{
			echo "account default"
			printf '%s\n' "${lines[@]}"
		} >"$file"
	)
	chmod 0600 "$file"
}

start_with_script() {
	script_start "$S" "$@"
	script_conf "$CONF" "${CONF_EXTRA[@]}"
}

s() {
	printf '%s\n' "$@"
}

sent_lines() {
	script_wait || true
	grep -a -v -E '^<<TLS(-FAILED)?>>$' "$SCRIPT_RECORD" | tr -d '\r'
}

show_record() {
	echo "--- record (cat -A) ---"
	cat -A "$SCRIPT_RECORD"
	echo "--- server log ---"
	script_log
}

# The default test hook: no server outlives its test.
teardown() {
	script_stop
}
