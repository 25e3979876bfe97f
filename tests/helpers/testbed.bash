# bats helper: a private Postfix + Dovecot testbed per test file.
#
#   bats_load_library testbed.bash
#
# Loading it gives the file one testbed: setup_file and teardown_file below
# start and stop it. A file that needs more in setup_file defines its own
# after the load (which replaces this one) and calls testbed_setup_file.
#
# Provides:
#   testbed_setup_file           start a testbed in a fresh dir under /tmp,
#                                export TESTBED_* and BATS_TESTBED
#   testbed_teardown_file        stop it and remove the dir
#                                (TESTBED_KEEP=1 keeps the dir for debugging)
#   maildir_wait N [TIMEOUT]     wait until at least N messages are in
#                                Maildir/new (default 10 s), else fail
#   maildir_count                print the number of messages in Maildir/new
#   maildir_last                 print the newest message without the
#                                headers Postfix added on delivery
#   maildir_last_file            print the path of the newest message
#   maildir_clear                delete every message
#   bote_conf FILE [LINE...]     write a config (msmtprc syntax) with the
#                                accounts starttls (default), tls and plain;
#                                LINEs are added to its defaults section
#   delivered_equals FILE [N]    wait for N messages (default 1), then
#                                assert that the newest, as maildir_last
#                                prints it (into $GOT), equals FILE
#
# From the suite's environment: BOTE (the binary), TOP_SRCDIR, TOP_BUILDDIR.
# Postfix delivers one file per recipient, with LF line endings.

# The suite's environment, bats-support and bats-assert.
bats_load_library bote.bash

# Located from this file, so the helper works under "make check" and under
# a bare "bats tests/x.bats" alike.
TESTBED_FIXTURES=$(cd "$(dirname "${BASH_SOURCE[0]}")/../fixtures" && pwd)

testbed_setup_file() {
	# Certificates are made once per build tree and shared by every test
	# file (mkcerts locks, so parallel files are safe).
	if [ -z "${TESTBED_CERTS:-}" ] && [ -n "${TOP_BUILDDIR:-}" ]; then
		export TESTBED_CERTS="$TOP_BUILDDIR/tests/certs"
	fi
	# Under /tmp: every directory down to it must be o+x for the daemons.
	BATS_TESTBED=$(mktemp -d /tmp/bote-testbed.XXXXXX)
	export BATS_TESTBED
	if ! "$TESTBED_FIXTURES/testbed" start "$BATS_TESTBED" >&2; then
		"$TESTBED_FIXTURES/testbed" stop "$BATS_TESTBED"
		rm -rf "$BATS_TESTBED"
		echo "testbed_setup_file: the testbed did not start" >&2
		return 1
	fi
	set -a
	. "$BATS_TESTBED/env"
	set +a
}

testbed_teardown_file() {
	[ -n "${BATS_TESTBED:-}" ] || return 0
	"$TESTBED_FIXTURES/testbed" stop "$BATS_TESTBED"
	if [ -n "${TESTBED_KEEP:-}" ]; then
		echo "testbed_teardown_file: kept $BATS_TESTBED" >&2
	else
		case $BATS_TESTBED in
		/tmp/bote-testbed.*) rm -rf "$BATS_TESTBED" ;;
		esac
	fi
}

maildir_count() {
	find "$TESTBED_MAILDIR/new" -type f | wc -l
}

maildir_wait() {
	local want=$1 timeout=${2:-10} i count
	# 20 polls a second.
	for ((i = 0; i <= timeout * 20; i++)); do
		count=$(maildir_count)
		[ "$count" -ge "$want" ] && return 0
		sleep 0.05
	done
	echo "maildir_wait: expected $want message(s) in $TESTBED_MAILDIR/new," \
	     "found $count after ${timeout}s; tail of the Postfix log:" >&2
	tail -n 15 "$TESTBED_DIR/log/postfix.log" >&2
	return 1
}

maildir_last_file() {
	local f
	# Newest by mtime (nanosecond resolution), so it is the last delivery.
	f=$(ls -1t "$TESTBED_MAILDIR/new" | head -n 1)
	if [ -z "$f" ]; then
		echo "maildir_last_file: no message in $TESTBED_MAILDIR/new" >&2
		return 1
	fi
	echo "$TESTBED_MAILDIR/new/$f"
}

# Postfix puts on top of what the client sent, in this order:
#   Return-Path: <sender>           (virtual(8))
#   X-Original-To: <rcpt>           (virtual(8))
#   Delivered-To: <rcpt>            (virtual(8))
#   Received: from ... (folded)     (exactly one, by smtpd)
# Only these are removed: a Received or Return-Path header the client sent
# itself comes after them and stays. Counting lines with awk and then
# cutting with tail keeps the rest byte for byte.
maildir_last() {
	local f skip
	f=$(maildir_last_file) || return 1
	skip=$(awk '
		state == 0 && /^(Return-Path|X-Original-To|Delivered-To):/ { next }
		state == 0 && /^Received:/ { state = 1; next }
		state == 1 && /^[ \t]/ { next }
		{ found = 1; print NR - 1; exit }
		END { if (!found) print NR }
	' "$f")
	tail -n "+$((skip + 1))" "$f"
}

maildir_clear() {
	find "$TESTBED_MAILDIR/new" "$TESTBED_MAILDIR/cur" \
		"$TESTBED_MAILDIR/tmp" -type f -delete
}

bote_conf() {
	local file=$1 line
	shift
	(
		umask 077
		{
			echo "defaults"
			echo "tls_trust_file $TESTBED_CA"
			echo "from $TESTBED_USER"
			for line in "$@"; do
				echo "$line"
			done
			echo
			echo "account starttls"
			echo "host 127.0.0.1"
			echo "port $TESTBED_STARTTLS_PORT"
			echo "tls on"
			echo "tls_starttls on"
			echo "auth on"
			echo "user $TESTBED_USER"
			echo "password $TESTBED_PASSWORD"
			echo
			echo "account tls"
			echo "host 127.0.0.1"
			echo "port $TESTBED_TLS_PORT"
			echo "tls on"
			echo "tls_starttls off"
			echo "auth on"
			echo "user $TESTBED_USER"
			echo "password $TESTBED_PASSWORD"
			echo
			echo "account plain"
			echo "host 127.0.0.1"
			echo "port $TESTBED_PLAIN_PORT"
			echo "tls off"
			echo "auth off"
			echo
			echo "account default : starttls"
		} >"$file"
	)
	# umask only applies to a new file; an existing one keeps its mode.
	chmod 0600 "$file"
}

delivered_equals() {
	maildir_wait "${2:-1}"
	maildir_last >"$GOT"
	run diff "$1" "$GOT"
	assert_success
}

# The default file hooks: one testbed for the whole test file.
setup_file() {
	testbed_setup_file
}

teardown_file() {
	testbed_teardown_file
}
