#!/usr/bin/env bats
# The desktop keyring as a password source (bote.conf(5), Password
# sources): a real Secret Service (gnome-keyring-daemon) in a private
# D-Bus session (dbus-run-session), its login keyring created and
# unlocked with a known password, an entry stored with msmtp's attributes
# by secret-tool, and a delivery through the testbed's Postfix with no
# password in the configuration. Skipped, with the reason, where bote was
# built without libsecret or the programs are missing.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library bote.bash
bats_load_library testbed.bash

setup() {
	local p
	"$BOTE" --version | grep -q '^keyring: Secret Service' ||
		skip "bote was built without libsecret (configure --with-libsecret)"
	for p in dbus-run-session dbus-send gnome-keyring-daemon secret-tool; do
		command -v "$p" >/dev/null ||
			skip "$p is not installed (tests/fixtures/install-deps)"
	done
	CONF=$BATS_TEST_TMPDIR/bote.conf
	MSG=$BATS_TEST_TMPDIR/msg
	KR=$BATS_TEST_TMPDIR/kr
	mkdir -p "$KR"
	printf '%s\n' "From: $TESTBED_USER" 'To: rcpt@example.net' \
		'Subject: bote keyring test' '' 'BODY-MARKER' >"$MSG"
	maildir_clear
	fresh_queue
	# The starttls account without its password line.
	bote_conf "$CONF" "queue off"
	sed -i '/^password /d' "$CONF"
}

# in_keyring SCRIPT: run the bash SCRIPT in a private session bus with
# an unlocked keyring ($KR is its home), bote as $BOTE, the message as
# $MSG. The daemon ends with the bus.
in_keyring() {
	cat >"$KR/inner" <<-'EOF'
	export HOME=$KR XDG_DATA_HOME=$KR/data XDG_RUNTIME_DIR=$KR/run
	mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
	chmod 700 "$XDG_RUNTIME_DIR"
	# --unlock reads the login keyring's password on stdin and creates
	# that keyring when there is none (no prompt: there is no display).
	printf 'keyring-test-pw' | gnome-keyring-daemon --unlock \
	    --components=secrets --daemonize >/dev/null
	for _ in $(seq 100); do
		dbus-send --session --print-reply --dest=org.freedesktop.DBus \
		    /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
		    string:org.freedesktop.secrets 2>/dev/null |
		    grep -q 'boolean true' && break
		sleep 0.05
	done
	EOF
	printf '%s\n' "$1" >>"$KR/inner"
	run timeout 60 env KR="$KR" BOTE="$BOTE" CONF="$CONF" MSG="$MSG" \
	    U="$TESTBED_USER" PW="$TESTBED_PASSWORD" \
	    dbus-run-session -- bash -e "$KR/inner" </dev/null
}

@test "keyring: the password msmtp's attributes store (secret-tool) is used; delivered" {
	in_keyring '
	printf %s "$PW" | secret-tool store --label=msmtp host 127.0.0.1 \
	    service smtp user "$U"
	setsid -w "$BOTE" -C "$CONF" -v -i rcpt@example.net <"$MSG"'
	assert_success
	assert_output --partial '235 2.7.0'
	refute_output --partial "$TESTBED_PASSWORD"
	maildir_wait 1
	maildir_last | grep -q '^BODY-MARKER$'
}

@test "keyring: an entry for another user is not taken; no terminal, so 78 naming the sources" {
	in_keyring '
	printf %s "$PW" | secret-tool store --label=msmtp host 127.0.0.1 \
	    service smtp user someone-else@example.org
	setsid -w "$BOTE" -C "$CONF" -i rcpt@example.net <"$MSG"'
	assert_failure 78
	assert_output --partial 'keyring'
	[ "$(maildir_count)" -eq 0 ]
}

@test "keyring: a netrc entry comes first" {
	in_keyring '
	printf %s wrong-password | secret-tool store --label=msmtp \
	    host 127.0.0.1 service smtp user "$U"
	printf "machine 127.0.0.1 login %s password %s\n" "$U" "$PW" \
	    >"$KR/.netrc"
	chmod 600 "$KR/.netrc"
	setsid -w "$BOTE" -C "$CONF" -i rcpt@example.net <"$MSG"'
	assert_success
	maildir_wait 1
}
