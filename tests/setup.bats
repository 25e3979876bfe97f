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
		for n in localhost smtp.gmail.com smtp.office365.com \
		    smtp.example.org \
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

@test "a person at a terminal (tmux): Gmail preset, login and password asked, test mail sent" {
	hosts smtp.gmail.com
	tmux_start "$SETUPNS" "$NET" "$BOTE" --setup bote-test@gmail.com \
	    --tls-trust-file="$TESTBED_CA"
	wait_for "Login name [bote-test@gmail.com]: "
	# The testbed knows one login, not the Gmail address.
	keys "bote-test@example.org" Enter
	wait_for "Choice [1]: "
	keys Enter
	wait_for "Password: "
	keys "$TESTBED_PASSWORD" Enter
	wait_for "Send a test mail to yourself now? [y/N] "
	keys y Enter
	wait_for "EXIT="
	screen >"${SETUP_SESSIONS:-$BATS_TEST_TMPDIR}/interactive"
	run screen
	assert_line "EXIT=0"
	assert_line "  built-in presets: Google: smtp.gmail.com"
	assert_line "Server: smtp.gmail.com port 587, STARTTLS (bote's preset for Google)"
	assert_line --partial "Google wants as the password: an app password"
	assert_line "  5  OAuth2 sign-in (the provider's; with your own client ID)"
	# No echo of the password.
	refute_output --partial "$TESTBED_PASSWORD"
	assert_line --regexp '^  AUTH [A-Z0-9-]+: accepted for bote-test@example\.org$'
	assert_line "    user bote-test@example.org"
	assert_line "    from bote-test@gmail.com"
	assert_line --regexp '^  accepted: +250 '
	[ "$(stat -c %a "$USERFILE")" = 600 ]
	maildir_wait 1
	grep -q '^Subject: bote test mail' "$(maildir_last_file)"
}

@test "a terminal, nothing found: the server is asked for; no test mail when the answer is no" {
	tmux_start "$SETUPNS" "$NET" "$BOTE" --setup bote-test@nowhere.example \
	    --tls-trust-file="$TESTBED_CA" --user=bote-test@example.org
	wait_for "SMTP server host name: "
	keys localhost Enter
	wait_for "Port (465: implicit TLS, 587: STARTTLS) [587]: "
	keys 465 Enter
	wait_for "Choice [1]: "
	keys 2 Enter
	wait_for "Command that prints the password: "
	keys "echo $TESTBED_PASSWORD" Enter
	wait_for "Send a test mail to yourself now? [y/N] "
	keys Enter
	wait_for "EXIT="
	run screen
	assert_line "EXIT=0"
	assert_line --partial "  smtp.nowhere.example port 465: "
	assert_line "Server: localhost port 465, implicit TLS (your answer)"
	assert_line "    # bote-test@nowhere.example: written by bote --setup; the server came from your answer"
	assert_line "    passwordeval \"echo $TESTBED_PASSWORD\""
	assert_line "Done. Test it any time with: bote --test-mail"
	[ "$(maildir_count)" -eq 0 ]
}

@test "autoconfig over HTTPS (the autoconfig host), password from passwordeval, --user" {
	hosts autoconfig.example.com mail.example.com
	mkdir -p "$NET/www/mail"
	cp "$SETUP_CERTS/setup.pem" "$NET/www.pem"
	cp "$SETUP_CERTS/setup-key.pem" "$NET/www-key.pem"
	cat >"$NET/www/mail/config-v1.1.xml" <<-'XML'
	<?xml version="1.0" encoding="UTF-8"?>
	<clientConfig version="1.1">
	  <emailProvider id="example.com">
	    <domain>example.com</domain>
	    <incomingServer type="imap">
	      <hostname>imap.example.com</hostname>
	      <port>993</port>
	      <socketType>SSL</socketType>
	    </incomingServer>
	    <outgoingServer type="smtp">
	      <hostname>plain.example.com</hostname>
	      <port>25</port>
	      <socketType>plain</socketType>
	    </outgoingServer>
	    <outgoingServer type="smtp">
	      <hostname>mail.%EMAILDOMAIN%</hostname>
	      <port>587</port>
	      <socketType>STARTTLS</socketType>
	      <username>%EMAILADDRESS%</username>
	      <authentication>password-cleartext</authentication>
	    </outgoingServer>
	  </emailProvider>
	</clientConfig>
	XML
	inns "$BOTE" --setup someone@example.com --user=bote-test@example.org \
	    --passwordeval="echo $TESTBED_PASSWORD" \
	    --tls-trust-file="$TESTBED_CA"
	assert_success
	assert_line "  _submissions._tcp.example.com: none"
	assert_line "  _submission._tcp.example.com: none"
	assert_line "  https://autoconfig.example.com/mail/config-v1.1.xml: mail.example.com port 587"
	assert_line "Server: mail.example.com port 587, STARTTLS (the autoconfig document https://autoconfig.example.com/mail/config-v1.1.xml)"
	assert_line --regexp '^  AUTH [A-Z0-9-]+: accepted for bote-test@example\.org$'
	assert_line "    passwordeval \"echo $TESTBED_PASSWORD\""
	grep -q 'GET /mail/config-v1.1.xml?emailaddress=someone%40example.com' "$NET/https.log"
	assert_line "Done. Test it any time with: bote --test-mail"
}

@test "autoconfig at the domain's well-known URL; then the MX names a provider" {
	hosts example.com mail.example.com
	mkdir -p "$NET/www/.well-known/autoconfig/mail"
	cp "$SETUP_CERTS/setup.pem" "$NET/www.pem"
	cp "$SETUP_CERTS/setup-key.pem" "$NET/www-key.pem"
	printf '%s\n' '<clientConfig><emailProvider><outgoingServer type="smtp">' \
	    '<hostname>mail.example.com</hostname><port>465</port>' \
	    '<socketType>SSL</socketType><username>%EMAILLOCALPART%</username>' \
	    '</outgoingServer></emailProvider></clientConfig>' \
	    >"$NET/www/.well-known/autoconfig/mail/config-v1.1.xml"
	inns "$BOTE" --setup bote-test@example.com --setup-password=none \
	    --tls-trust-file="$TESTBED_CA"
	assert_success
	assert_line --regexp '^  https://autoconfig\.example\.com/mail/config-v1\.1\.xml\?emailaddress=bote-test%40example\.com: .+'
	assert_line "  https://example.com/.well-known/autoconfig/mail/config-v1.1.xml: mail.example.com port 465"
	assert_line "    auth off"
	# The login would have been the local part.
	run grep -c '^user' "$USERFILE"
	assert_output 0

	rm -rf "$NET/www" "$NET/hosts" "$USERFILE"
	zone "MX example.net alt1.aspmx.l.google.com 10"
	hosts smtp.gmail.com
	inns "$BOTE" --setup bote-test@example.net --setup-password=none \
	    --tls-trust-file="$TESTBED_CA"
	assert_success
	assert_line "  MX of example.net: alt1.aspmx.l.google.com: Google"
	assert_line "Server: smtp.gmail.com port 587, STARTTLS (the MX host alt1.aspmx.l.google.com, which is Google's)"
}

@test "a guess: smtp.DOMAIN answers on 465; msmtp's file, no longer read, is named" {
	hosts smtp.guess.example
	printf 'account default\nhost old.example\n' >"$HOME/.msmtprc"
	chmod 600 "$HOME/.msmtprc"
	inns "$BOTE" --setup bote-test@guess.example --setup-password=eval \
	    --passwordeval="echo $TESTBED_PASSWORD" \
	    --user=bote-test@example.org --tls-trust-file="$TESTBED_CA"
	assert_success
	assert_line "  smtp.guess.example port 465: answers"
	assert_line "Server: smtp.guess.example port 465, implicit TLS (a guess: smtp.guess.example answers on port 465)"
	assert_line "Note: bote read $HOME/.msmtprc while it had no file of its own; from now on it reads $USERFILE instead (copy the accounts you still need, or give -C $HOME/.msmtprc)"
}

@test "nothing found without a terminal: the error names --host; nothing written" {
	inns "$BOTE" --setup me@nowhere.example --setup-password=none </dev/null
	assert_failure 64
	assert_line --partial "  smtp.nowhere.example port 465: "
	assert_line "bote: found no submission server for nowhere.example (see the steps above): name it with --host HOST, and --port PORT unless it is 587 (STARTTLS)"
	[ ! -e "$USERFILE" ]
}

@test "a script that leaves an answer out is told which option; nothing written" {
	zone "SRV _submission._tcp.example.org smtp.example.org 587"
	hosts smtp.example.org
	inns "$BOTE" --setup bote-test@example.org </dev/null
	assert_failure 64
	assert_line --partial "this one is missing: --setup-password=HOW ("
	inns "$BOTE" --setup bote-test@example.org --setup-password=eval </dev/null
	assert_failure 64
	assert_line --partial "this one is missing: --passwordeval=COMMAND"
	inns "$BOTE" --setup bote-test@example.org --setup-password=file </dev/null
	assert_failure 64
	assert_line --partial "this one is missing: a password on standard input"
	inns "$BOTE" --setup bote-test@example.org --setup-password=oauth2 </dev/null
	assert_failure 64
	assert_line --partial "bote knows OAuth2 for Google's and Microsoft's servers only"
	run "$BOTE" --setup bote-test@example.org --setup-password=sometimes
	assert_failure 64
	assert_output "bote: --setup-password takes file, eval, keyring, prompt, oauth2 or none"
	run "$BOTE" --setup
	assert_failure 64
	[ ! -e "$USERFILE" ]
}

@test "an existing account is never changed; another is added next to it, without a second default" {
	mkdir -p "$(dirname "$USERFILE")"
	printf '%s\n' 'account bote-test@example.org' 'host old.example' \
	    'account default : bote-test@example.org' >"$USERFILE"
	chmod 600 "$USERFILE"
	cp "$USERFILE" "$BATS_TEST_TMPDIR/before"
	zone "SRV _submission._tcp.example.org smtp.example.org 587"
	hosts smtp.example.org
	inns "$BOTE" --setup bote-test@example.org --setup-password=none \
	    --tls-trust-file="$TESTBED_CA"
	assert_failure 78
	assert_output --partial "has an account bote-test@example.org already, and bote --setup never changes an account: choose another name with -a NAME"
	cmp "$USERFILE" "$BATS_TEST_TMPDIR/before"

	inns "$BOTE" --setup bote-test@example.org -a second \
	    --setup-password=eval --passwordeval="echo $TESTBED_PASSWORD" \
	    --tls-trust-file="$TESTBED_CA"
	assert_success
	assert_line "Added to $USERFILE:"
	assert_line "Server: smtp.example.org port 587, STARTTLS (the DNS SRV record _submission._tcp.example.org)"
	refute_line --partial "account default"
	head -n 3 "$USERFILE" | cmp - "$BATS_TEST_TMPDIR/before"
	grep -qx 'account second' "$USERFILE"
	[ "$(grep -c '^account default' "$USERFILE")" -eq 1 ]
	# bote reads the file as it now is.
	run "$BOTE" -a second -P
	assert_success
	assert_line --regexp '^  host +smtp\.example\.org'
}

@test "a password is not put in a file others can read; a refused login writes nothing" {
	CONF=$BATS_TEST_TMPDIR/shared.conf
	printf 'defaults\n' >"$CONF"
	chmod 644 "$CONF"
	zone "SRV _submissions._tcp.example.org smtp.example.org 465"
	hosts smtp.example.org
	inns "$BOTE" -C "$CONF" --setup bote-test@example.org \
	    --setup-password=file --tls-trust-file="$TESTBED_CA" <<<"$TESTBED_PASSWORD"
	assert_failure 78
	assert_output --partial "has mode 644, and a password may only be kept in a file no one else can read: chmod 600"
	[ "$(cat "$CONF")" = defaults ]

	inns "$BOTE" --setup bote-test@example.org --setup-password=file \
	    --tls-trust-file="$TESTBED_CA" <<<"wrong-password"
	assert_failure 77
	assert_output --partial "nothing was written to $USERFILE"
	[ ! -e "$USERFILE" ]
}

@test "without a terminal: keyring and OAuth2 are written, not tried, and say what comes next" {
	hosts smtp.gmail.com
	inns "$BOTE" --setup bote-test@gmail.com --setup-password=oauth2 \
	    --setup-client-id=123-abc.apps.googleusercontent.com \
	    --tls-trust-file="$TESTBED_CA" </dev/null
	assert_success
	assert_line "  AUTH: not tried now (sign in first)"
	assert_line "    auth xoauth2"
	assert_line "    oauth2_provider google"
	assert_line "    oauth2_client_id 123-abc.apps.googleusercontent.com"
	assert_line "Sign in later with: bote --oauth-login -a bote-test@gmail.com"
	run "$BOTE" --oauth-status
	assert_output --partial "bote-test@gmail.com"

	inns "$BOTE" --setup bote-test@googlemail.com --setup-password=keyring \
	    --user=bote-test@example.org --tls-trust-file="$TESTBED_CA" </dev/null
	assert_success
	assert_line "  AUTH: not tried now (no terminal to ask on)"
	assert_line "Added to $USERFILE:"
	assert_line "    secret-tool store --label=bote host smtp.gmail.com service smtp user bote-test@example.org"
	run grep -c '^password' "$USERFILE"
	assert_output 0
	[ "$(grep -c '^account default' "$USERFILE")" -eq 1 ]
}

@test "a provider's documented limits come with its preset: Microsoft 365's rate and max_sessions" {
	hosts smtp.office365.com
	inns "$BOTE" --setup bote-test@outlook.com --setup-password=file \
	    --user=bote-test@example.org --tls-trust-file="$TESTBED_CA" \
	    <<<"$TESTBED_PASSWORD"
	assert_success
	assert_line "Server: smtp.office365.com port 587, STARTTLS (bote's preset for Microsoft)"
	assert_line "    rate 30/min"
	assert_line "    max_sessions 3"
	run "$BOTE" -a bote-test@outlook.com --pretend </dev/null
	assert_output --regexp "max_sessions +3 "
	assert_output --regexp "rate +30/min "
}

@test "as sendmail (argv from web applications), --setup is refused and nothing is written" {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -s "$BOTE" "$BATS_TEST_TMPDIR/bin/sendmail"
	for args in "--setup evil@example.org --host=evil.example --setup-password=none" \
	    "-t --setup-password=none" "-t --setup-test-mail"; do
		# shellcheck disable=SC2086
		run "$BATS_TEST_TMPDIR/bin/sendmail" $args </dev/null
		assert_failure 64
		assert_output --partial "--setup is refused when bote runs as sendmail"
	done
	[ ! -e "$USERFILE" ]
}

@test "a terminal: 'ask at each send' asks once now to check, stores nothing; Ctrl-D at a question writes nothing" {
	zone "SRV _submission._tcp.example.org smtp.example.org 587"
	hosts smtp.example.org
	tmux_start "$SETUPNS" "$NET" "$BOTE" --setup bote-test@example.org \
	    --tls-trust-file="$TESTBED_CA"
	wait_for "Login name [bote-test@example.org]: "
	keys Enter
	wait_for "Choice [1]: "
	keys 4 Enter
	wait_for "Password for bote-test@example.org at smtp.example.org: "
	keys "$TESTBED_PASSWORD" Enter
	wait_for "Send a test mail to yourself now? [y/N] "
	keys n Enter
	wait_for "EXIT="
	run screen
	assert_line "EXIT=0"
	assert_line --regexp '^  AUTH [A-Z0-9-]+: accepted for bote-test@example\.org$'
	refute_output --partial "$TESTBED_PASSWORD"
	run grep -c '^password' "$USERFILE"
	assert_output 0
	tmux -L "$TMUX_SOCK" kill-server

	tmux_start "$SETUPNS" "$NET" "$BOTE" --setup other@example.org \
	    --tls-trust-file="$TESTBED_CA"
	wait_for "Login name [other@example.org]: "
	keys C-d
	wait_for "EXIT="
	run screen
	assert_line "EXIT=64"
	assert_line 'bote: no answer to "Login name": nothing was written'
	run grep -c '^account other@example.org' "$USERFILE"
	assert_output 0
}

@test "-a default names the account itself the default; -C names the file" {
	zone "SRV _submission._tcp.example.org smtp.example.org 587"
	hosts smtp.example.org
	CONF=$BATS_TEST_TMPDIR/new/dir/bote.conf
	inns "$BOTE" -C "$CONF" -a default --setup bote-test@example.org \
	    --setup-password=none --tls-trust-file="$TESTBED_CA"
	assert_success
	assert_line "Created $CONF:"
	assert_line "    account default"
	refute_line --partial "account default :"
	[ "$(stat -c %a "$CONF")" = 600 ]
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/new/dir")" = 700 ]
	[ ! -e "$USERFILE" ]
	run "$BOTE" -C "$CONF" -P
	assert_success
	assert_line --regexp '^  host +smtp\.example\.org'
}

@test "keyring: the password typed goes into the Secret Service once it works; the test mail finds it there" {
	local p
	"$BOTE" --version | grep -q '^keyring: Secret Service' ||
		skip "bote was built without libsecret (configure --with-libsecret)"
	for p in dbus-run-session dbus-send gnome-keyring-daemon secret-tool; do
		command -v "$p" >/dev/null ||
			skip "$p is not installed (tests/fixtures/install-deps)"
	done
	zone "SRV _submissions._tcp.example.org smtp.example.org 465"
	hosts smtp.example.org
	KR=$BATS_TEST_TMPDIR/kr
	mkdir -p "$KR"
	# As tests/keyring.bats: a private session bus and an unlocked
	# login keyring, here inside the namespace.
	cat >"$KR/inner" <<-'EOF'
	export XDG_DATA_HOME=$KR/data XDG_RUNTIME_DIR=$KR/run
	mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
	chmod 700 "$XDG_RUNTIME_DIR"
	printf 'keyring-test-pw' | HOME=$KR gnome-keyring-daemon --unlock \
	    --components=secrets --daemonize >/dev/null
	for _ in $(seq 100); do
		dbus-send --session --print-reply --dest=org.freedesktop.DBus \
		    /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
		    string:org.freedesktop.secrets 2>/dev/null |
		    grep -q 'boolean true' && break
		sleep 0.05
	done
	"$BOTE" --setup bote-test@example.org --setup-password=keyring \
	    --tls-trust-file="$CA" --setup-test-mail <<<"$PW"
	echo "LOOKUP=$(secret-tool lookup host smtp.example.org service smtp user bote-test@example.org)"
	EOF
	run timeout 60 "$SETUPNS" "$NET" env KR="$KR" BOTE="$BOTE" \
	    CA="$TESTBED_CA" PW="$TESTBED_PASSWORD" HOME="$HOME" \
	    dbus-run-session -- bash -e "$KR/inner"
	assert_success
	assert_line --regexp '^  AUTH [A-Z0-9-]+: accepted for bote-test@example\.org$'
	assert_line "The password is in the keyring (host smtp.example.org, service smtp, user bote-test@example.org)."
	refute_line --partial "secret-tool store"
	assert_line "LOOKUP=$TESTBED_PASSWORD"
	assert_line --regexp '^  accepted: +250 '
	run grep -c '^password' "$USERFILE"
	assert_output 0
	maildir_wait 1
}
