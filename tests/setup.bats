#!/usr/bin/env bats
# bote --setup ADDRESS (bote.1, SETUP): finding the server (presets, SRV
# records, autoconfig over HTTPS, MX, a guess), asking a person in tmux
# or taking every answer from options, the check, the lines appended to
# the user's file and the test mail, delivered by the test Postfix.
#
# The internet is a network namespace of the test's own
# (tests/fixtures/setupns): dnsmasq answers DNS, /etc/hosts puts the
# providers' names on 127.0.0.1, whose ports 587 and 465 reach the
# testbed's STARTTLS and implicit TLS ports, and an HTTPS server serves
# autoconfig documents. The testbed's certificate names those hosts.

[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library testbed.bash

setup_file() {
	local certs own t
	[ "$(id -u)" -eq 0 ] || return 0
	certs=${TESTBED_CERTS:-$TOP_BUILDDIR/tests/certs}
	"$TESTBED_FIXTURES/mkcerts" "$certs"
	# The test CA of the build tree signs a certificate for every name
	# a test puts on 127.0.0.1; the testbed shows it.
	own=$(mktemp -d /tmp/bote-setupcerts.XXXXXX)
	cp "$certs/ca.pem" "$certs/ca-key.pem" "$own/"
	t=$own/setup.tmpl
	{
		echo 'cn = "localhost"'
		echo 'organization = "bote test suite"'
		printf 'activation_date = "%s"\n' \
		    "$(date -u -d '-1 day' '+%Y-%m-%d %H:%M:%S UTC')"
		printf 'expiration_date = "%s"\n' \
		    "$(date -u -d '+30 days' '+%Y-%m-%d %H:%M:%S UTC')"
		for n in localhost smtp.gmail.com smtp.example.org \
		    mail.example.com autoconfig.example.com example.com \
		    smtp.guess.example; do
			printf 'dns_name = "%s"\n' "$n"
		done
		echo 'ip_address = "127.0.0.1"'
		printf '%s\n' tls_www_server signing_key encryption_key
	} >"$t"
	certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 \
	    --no-text --outfile "$own/setup-key.pem" 2>/dev/null
	certtool --generate-certificate --load-privkey "$own/setup-key.pem" \
	    --load-ca-certificate "$own/ca.pem" \
	    --load-ca-privkey "$own/ca-key.pem" --template "$t" \
	    --outfile "$own/setup.pem" 2>/dev/null
	chmod 0644 "$own"/*.pem
	chmod 0600 "$own"/*-key.pem
	chmod 0755 "$own"
	touch "$own/done"
	export SETUP_CERTS=$own TESTBED_CERTS=$own TESTBED_SERVER_CERT=setup
	testbed_setup_file
}

teardown_file() {
	testbed_teardown_file
	case ${SETUP_CERTS:-} in
	/tmp/bote-setupcerts.*) rm -rf "$SETUP_CERTS" ;;
	esac
}

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (a network namespace)"
	command -v dnsmasq >/dev/null || skip "dnsmasq is not installed"
	SETUPNS=$TOP_SRCDIR/tests/fixtures/setupns
	NET=$BATS_TEST_TMPDIR/net
	mkdir -p "$NET"
	printf '%s\n' "587 $TESTBED_STARTTLS_PORT" "465 $TESTBED_TLS_PORT" \
	    >"$NET/ports"
	export HOME=$BATS_TEST_TMPDIR/home
	unset XDG_CONFIG_HOME
	mkdir -p "$HOME"
	USERFILE=$HOME/.config/bote/config
	TMUX_SOCK=
	maildir_clear
}

teardown() {
	[ -z "$TMUX_SOCK" ] || tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || :
}

# hosts NAME...: those names at 127.0.0.1 in the namespace.
hosts() {
	local n
	for n in "$@"; do
		echo "127.0.0.1 $n"
	done >>"$NET/hosts"
}

# zone LINE...: the name server's records (setupns).
zone() {
	printf '%s\n' "$@" >>"$NET/zone"
}

# inns CMD...: run CMD in the namespace, standard input passed on.
inns() {
	run timeout 60 "$SETUPNS" "$NET" "$@"
}

# In tmux, a terminal that a person answers.
tmux_start() {
	command -v tmux >/dev/null || skip "tmux is not installed"
	TMUX_SOCK=bote-setup-$$-$BATS_TEST_NUMBER
	tmux -L "$TMUX_SOCK" -f /dev/null new-session -d -x 120 -y 50 \
	    "$(printf '%q ' env HOME="$HOME" PATH="$PATH" "$@"); echo EXIT=\$?; sleep 600"
	tmux -L "$TMUX_SOCK" set-option -g history-limit 5000 >/dev/null
}

screen() {
	tmux -L "$TMUX_SOCK" capture-pane -p -J -S - -E - | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

# wait_for TEXT: until the terminal shows it (30 s at most).
wait_for() {
	local i
	for i in $(seq 300); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	echo "the terminal never showed: $1" >&2
	screen >&2
	return 1
}

keys() {
	tmux -L "$TMUX_SOCK" send-keys -t 0 "$@"
}

@test "provisioning without a terminal: SRV record, password on stdin, test mail delivered" {
	zone "SRV _submissions._tcp.example.org smtp.example.org 465"
	hosts smtp.example.org
	inns "$BOTE" --setup bote-test@example.org --setup-password=file \
	    --tls-trust-file="$TESTBED_CA" --setup-test-mail \
	    <<<"$TESTBED_PASSWORD"
	echo "$output" >"${SETUP_SESSIONS:-$BATS_TEST_TMPDIR}/noninteractive"
	assert_success
	assert_line "Looking for the mail submission server of example.org:"
	assert_line "  built-in presets: none for example.org"
	assert_line "  _submissions._tcp.example.org: smtp.example.org port 465"
	assert_line "Server: smtp.example.org port 465, implicit TLS (the DNS SRV record _submissions._tcp.example.org)"
	assert_line "Checking smtp.example.org port 465:"
	assert_line --regexp '^  TLS: TLS1\.[23], .*, the certificate is valid for smtp\.example\.org$'
	assert_line --regexp '^  AUTH mechanisms offered: .*PLAIN'
	assert_line --regexp '^  AUTH [A-Z0-9-]+: accepted for bote-test@example\.org$'
	assert_line "Created $USERFILE:"
	assert_line "    account bote-test@example.org"
	assert_line "    host smtp.example.org"
	assert_line "    port 465"
	assert_line "    tls_starttls off"
	assert_line "    password (not shown)"
	assert_line "    account default : bote-test@example.org"
	refute_output --partial "$TESTBED_PASSWORD"
	# Mode 600, with the password, and bote reads it back.
	[ "$(stat -c %a "$USERFILE")" = 600 ]
	grep -qx "password $TESTBED_PASSWORD" "$USERFILE"
	grep -qx "tls_trust_file $TESTBED_CA" "$USERFILE"
	assert_line --regexp "^Sending a test message from <bote-test@example\.org> to <bote-test@example\.org> through smtp\.example\.org port 465:\$"
	assert_line --regexp '^  accepted: +250 '
	maildir_wait 1
	grep -q '^Subject: bote test mail [0-9a-f]\{16\}' "$(maildir_last_file)"
	grep -q '^account: *bote-test@example.org' "$(maildir_last_file)"
}
