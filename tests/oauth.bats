#!/usr/bin/env bats
# OAuth2 end to end (bote.conf.5, OAUTH2; issue 15): a fake authorization
# server on loopback over TLS (tests/fixtures/oauthserver: device,
# authorization code with PKCE, refresh with rotation, client
# credentials, introspection), and the testbed's Postfix with Dovecot,
# which checks every token itself through its oauth2 passdb by asking
# that server (RFC 7662 introspection). The test plays the person who
# approves the sign-in, through the fake server's control endpoints.

[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library bote.bash
bats_load_library testbed.bash

# The test clock (no test depends on today's date): tokens expire
# relative to it.
T0=1800000000

setup_file() {
	export TESTBED_CERTS=${TESTBED_CERTS:-$TOP_BUILDDIR/tests/certs}
	"$TESTBED_FIXTURES/mkcerts" "$TESTBED_CERTS" >&2
	OAUTH_DIR=$(mktemp -d /tmp/bote-oauth.XXXXXX)
	chmod 0755 "$OAUTH_DIR"
	export OAUTH_DIR
	# Not holding bats' descriptors, so the file's run ends.
	"$TESTBED_FIXTURES/oauthserver" serve "$OAUTH_DIR" \
	    "$TESTBED_CERTS/server.pem" "$TESTBED_CERTS/server-key.pem" \
	    bote-test@example.org </dev/null >"$OAUTH_DIR/server.out" \
	    2>&1 3>&- &
	echo $! >"$OAUTH_DIR/pid"
	local i
	for ((i = 0; i < 100; i++)); do
		[ -s "$OAUTH_DIR/port" ] && break
		sleep 0.05
	done
	OAUTH_PORT=$(cat "$OAUTH_DIR/port") || return 1
	export OAUTH_PORT
	export TESTBED_OAUTH_INTROSPECT=https://127.0.0.1:$OAUTH_PORT/introspect
	export TESTBED_OAUTH_CA=$TESTBED_CERTS/ca.pem
	testbed_setup_file
}

teardown_file() {
	testbed_teardown_file
	[ -s "${OAUTH_DIR:-/nonexistent}/pid" ] &&
		kill "$(cat "$OAUTH_DIR/pid")" 2>/dev/null
	case ${OAUTH_DIR:-} in /tmp/bote-oauth.*) rm -rf "$OAUTH_DIR" ;; esac
}

setup() {
	CONF=$BATS_TEST_TMPDIR/conf
	MSG=$BATS_TEST_TMPDIR/msg
	STORE=$BATS_TEST_TMPDIR/store
	export BOTE_TEST_OAUTH_DIR=$STORE
	export BOTE_TEST_TIME=$T0
	export BOTE_TEST_SPOOL=$BATS_TEST_TMPDIR/spool
	printf 'From: %s\nTo: %s\nSubject: oauth %s\n\noauth body %s\n' \
	    "$TESTBED_USER" "$TESTBED_USER" "$BATS_TEST_NUMBER" \
	    "$BATS_TEST_NUMBER" >"$MSG"
	oauth_conf "$CONF" on
	ctl down on=0 >/dev/null
	ctl slow seconds=0 >/dev/null
	ctl expires seconds=3600 >/dev/null
	ctl slow_down times=0 >/dev/null
	ctl reset_counts >/dev/null
	maildir_clear
}

# ctl PATH [k=v...]: one of the fake server's levers; prints its JSON.
ctl() {
	"$TESTBED_FIXTURES/oauthserver" ctl "$OAUTH_DIR" "$TESTBED_CA" "$@"
}

# requests NAME: how many requests of that kind the fake server had.
requests() {
	ctl stats | python3 -c 'import json, sys
print(json.load(sys.stdin)["counts"].get(sys.argv[1], 0))' "$1"
}

# oauth_conf FILE AUTH [LINE...]: one account "oauth" on the STARTTLS
# port with "auth AUTH" and the fake server as a custom provider.
oauth_conf() {
	local file=$1 auth=$2 line
	shift 2
	(
		umask 077
		cat <<-EOF
		defaults
		tls_trust_file $TESTBED_CA
		from $TESTBED_USER
		timeout 5

		account oauth
		host 127.0.0.1
		port $TESTBED_STARTTLS_PORT
		auth $auth
		user $TESTBED_USER
		oauth2_provider custom
		oauth2_client_id bote-test-client
		oauth2_device_endpoint https://127.0.0.1:$OAUTH_PORT/device
		oauth2_token_endpoint https://127.0.0.1:$OAUTH_PORT/token
		oauth2_auth_endpoint https://127.0.0.1:$OAUTH_PORT/authorize
		oauth2_trust_file $TESTBED_CA
		oauth2_scope mail
		EOF
		for line in "$@"; do
			echo "$line"
		done
		echo
		echo "account default : oauth"
	) >"$file"
	chmod 0600 "$file"
}

# login_device: bote --oauth-login with the device grant, the code
# approved at the fake server as a person would; its output in $LOGIN.
login_device() {
	local out=$BATS_TEST_TMPDIR/login.out code i
	LOGIN=
	"$BOTE" -C "$CONF" --oauth-login -a oauth >"$out" 2>&1 3>&- &
	local pid=$!
	for ((i = 0; i < 100; i++)); do
		code=$(grep -oE '^    [0-9A-F]{4}-[0-9A-F]{4}$' "$out" | tr -d ' ')
		[ -n "$code" ] && break
		sleep 0.05
	done
	[ -n "$code" ] || { cat "$out"; return 1; }
	ctl approve "user_code=$code" >/dev/null
	LOGIN_STATUS=0
	wait "$pid" || LOGIN_STATUS=$?
	LOGIN=$(cat "$out")
}

# stored KEY: a value from the account's store file.
stored() {
	awk -v k="$1" '$1 == k { print $2 }' "$STORE/oauth"
}

send() {
	run timeout 30 "$BOTE" -C "$CONF" "$@" -i "$TESTBED_USER" <"$MSG"
}

@test "the oauth2 keywords are read, shown by --pretend (secrets not), and checked" {
	oauth_conf "$CONF" on "oauth2_client_secret hush-hush" \
	    "oauth2_flow device"
	run "$BOTE" -C "$CONF" -P
	assert_success
	assert_line --regexp '^  oauth2_client_id +bote-test-client '
	assert_line --regexp '^  oauth2_flow +device '
	assert_line --regexp '^  oauth2_client_secret +\(set, not shown\) '
	refute_output --partial hush-hush

	oauth_conf "$CONF" on "oauth2_token_endpoint http://127.0.0.1/token"
	run "$BOTE" -C "$CONF" -P
	assert_equal "$status" 78
	assert_output --partial "an OAuth2 endpoint must be an https: URL"

	oauth_conf "$CONF" on "oauth2_flow client_credentials"
	run "$BOTE" -C "$CONF" -P
	assert_equal "$status" 78
	assert_output --partial "client_credentials needs oauth2_client_secret"

	printf 'account x\nhost h\nauth xoauth2\nuser u\noauth2_provider google\n' \
	    >"$CONF"
	run "$BOTE" -C "$CONF" -a x -P
	assert_equal "$status" 78
	assert_output --partial "oauth2 settings but no oauth2_client_id"
}

@test "the presets fill in Google's and Microsoft's endpoints; the tenant is checked" {
	printf '%s\n' "account m" "host smtp.office365.com" "auth on" \
	    "user u@example.org" "oauth2_provider microsoft" \
	    "oauth2_client_id cid" "oauth2_tenant contoso.onmicrosoft.com" \
	    "account g" "host smtp.gmail.com" "auth on" "user u@gmail.com" \
	    "oauth2_provider google" "oauth2_client_id gid" >"$CONF"
	run "$BOTE" -C "$CONF" --oauth-status
	assert_success
	assert_line "account m: oauth2_provider microsoft, oauth2_flow device (the preset's)"
	assert_line "  token endpoint: https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
	assert_line "  no token stored: run bote --oauth-login -a m"
	assert_line "account g: oauth2_provider google, oauth2_flow loopback (the preset's)"
	assert_line "  token endpoint: https://oauth2.googleapis.com/token"
	assert_line --partial "Google expires refresh tokens after 7 days"
	printf '%s\n' "account m" "host h" "auth on" "user u" \
	    "oauth2_provider microsoft" "oauth2_client_id c" \
	    "oauth2_tenant ../evil" >"$CONF"
	run "$BOTE" -C "$CONF" -a m -P
	assert_equal "$status" 78
	assert_output --partial "oauth2_tenant must be a tenant ID"
}

@test "without a sign-in a message waits, with the command to run" {
	send
	assert_success
	assert_output --partial "no OAuth2 refresh token is stored for account oauth: run bote --oauth-login -a oauth"
	assert_output --partial "queued as"
	send --no-queue
	assert_equal "$status" 75
}

@test "--oauth-login with the device grant, then a send with OAUTHBEARER checked by Dovecot" {
	login_device
	assert_equal "$LOGIN_STATUS" 0
	[[ $LOGIN == *"https://127.0.0.1:$OAUTH_PORT/activate"* ]]
	[[ $LOGIN == *"Signed in: the tokens of account oauth are stored in $STORE (access token valid until 2027-01-15 09:00:00 UTC)"* ]]
	# The store: 0700 directory, 0600 file, the tokens never printed.
	assert_equal "$(stat -c %a "$STORE")" 700
	run "$BOTE" --version
	assert_line "oauth2 tokens: $STORE"
	assert_equal "$(stat -c %a "$STORE/oauth")" 600
	local at rt
	at=$(stored access_token)
	rt=$(stored refresh_token)
	[ -n "$at" ] && [ -n "$rt" ]
	[[ $LOGIN != *"$at"* && $LOGIN != *"$rt"* ]]

	send -v
	assert_success
	assert_line --partial -- "--> AUTH OAUTHBEARER <redacted>"
	refute_output --partial "$at"
	refute_output --partial "$rt"
	maildir_wait 1
	run maildir_last
	assert_output --partial "oauth body $BATS_TEST_NUMBER"
	# Dovecot asked the fake server; bote did not refresh.
	[ "$(requests introspect)" -ge 1 ]
	assert_equal "$(requests token_refresh_token)" 0

	run "$BOTE" -C "$CONF" --oauth-status
	assert_success
	assert_output "account oauth: oauth2_provider custom, oauth2_flow device (the preset's)
  token endpoint: https://127.0.0.1:$OAUTH_PORT/token
  refresh token: stored
  access token: expires 2027-01-15 09:00:00 UTC (in 60 min)
account default: oauth2_provider custom, oauth2_flow device (the preset's)
  token endpoint: https://127.0.0.1:$OAUTH_PORT/token
  signs in as account oauth
  refresh token: stored
  access token: expires 2027-01-15 09:00:00 UTC (in 60 min)"
}

@test "auth xoauth2 sends XOAUTH2; the tokens stay out of the log file" {
	login_device
	oauth_conf "$CONF" xoauth2 "logfile $BATS_TEST_TMPDIR/log"
	send -v
	assert_success
	assert_line --partial -- "--> AUTH XOAUTH2 <redacted>"
	maildir_wait 1
	run grep -c -e "$(stored access_token)" -e "$(stored refresh_token)" \
	    "$BATS_TEST_TMPDIR/log"
	assert_output 0
}

@test "an access token with less than a minute left is refreshed before connecting, and the refresh token rotates" {
	login_device
	local rt0
	rt0=$(stored refresh_token)
	# 59 minutes 30 seconds later: 30 s left.
	BOTE_TEST_TIME=$((T0 + 3570)) send
	assert_success
	assert_equal "$(requests token_refresh_token)" 1
	maildir_wait 1
	[ "$(stored refresh_token)" != "$rt0" ]
	assert_equal "$(stored expires)" $((T0 + 3570 + 3600))
	# With a minute and more left, no refresh.
	BOTE_TEST_TIME=$((T0 + 3570 + 3500)) send
	assert_success
	assert_equal "$(requests token_refresh_token)" 1
}

@test "a token the server refuses gets one refresh and one retry in the same session" {
	login_device
	ctl revoke_access >/dev/null
	send -v
	assert_success
	assert_line --partial "the server refused the OAuth2 access token: asking the token endpoint for a new one"
	assert_equal "$(grep -c -- '--> AUTH OAUTHBEARER' <<<"$output")" 2
	assert_equal "$(grep -c -- '--> EHLO' <<<"$output")" 2
	assert_equal "$(requests token_refresh_token)" 1
	maildir_wait 1
}

@test "a revoked refresh token (invalid_grant): the message is held with the command, and sent after a new login" {
	login_device
	ctl revoke_refresh >/dev/null
	BOTE_TEST_TIME=$((T0 + 7200)) send
	assert_success
	assert_output --partial "the provider refused the refresh token (invalid_grant): run bote --oauth-login -a oauth"
	assert_output --partial "queued as"
	assert_equal "$(maildir_count)" 0
	run "$BOTE" -C "$CONF" --oauth-status
	assert_line --regexp "^  warning: the provider refused the refresh token \(invalid_grant\) at .*: run bote --oauth-login -a oauth$"
	# The queue runner gets the same answer, and keeps the message,
	# without asking the provider again about a refused token.
	ctl reset_counts >/dev/null
	BOTE_TEST_TIME=$((T0 + 7300)) run "$BOTE" -C "$CONF" -q
	assert_output --partial "run bote --oauth-login -a oauth"
	assert_equal "$(maildir_count)" 0
	assert_equal "$(requests token)" 0

	BOTE_TEST_TIME=$((T0 + 7400)) login_device
	assert_equal "$LOGIN_STATUS" 0
	BOTE_TEST_TIME=$((T0 + 7500)) run "$BOTE" -C "$CONF" -q
	assert_success
	maildir_wait 1
	run maildir_last
	assert_output --partial "oauth body $BATS_TEST_NUMBER"
}

@test "the token endpoint down or slow: the message is queued (75 without the queue)" {
	login_device
	ctl down on=1 >/dev/null
	BOTE_TEST_TIME=$((T0 + 7200)) send
	assert_success
	assert_output --partial "cannot get an OAuth2 access token: the token endpoint refused: temporarily_unavailable"
	assert_output --partial "queued as"
	BOTE_TEST_TIME=$((T0 + 7200)) send --no-queue
	assert_equal "$status" 75
	ctl down on=0 >/dev/null
	ctl slow seconds=4 >/dev/null
	oauth_conf "$CONF" on "timeout 1"
	BOTE_TEST_TIME=$((T0 + 7200)) send --no-queue
	assert_equal "$status" 75
	assert_output --partial "no answer from the token endpoint"
	assert_equal "$(maildir_count)" 0
}

@test "twenty concurrent runs with an expired token make one refresh" {
	login_device
	ctl reset_counts >/dev/null
	local i pids=()
	for ((i = 0; i < 20; i++)); do
		BOTE_TEST_TIME=$((T0 + 7200)) "$BOTE" -C "$CONF" -i \
		    "$TESTBED_USER" <"$MSG" >"$BATS_TEST_TMPDIR/run$i" 2>&1 3>&- &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
	assert_equal "$(requests token_refresh_token)" 1
	maildir_wait 20 30
}

@test "device grant: slow_down is obeyed, access_denied is 77" {
	ctl slow_down times=1 >/dev/null
	login_device
	assert_equal "$LOGIN_STATUS" 0
	[[ $LOGIN == *"(the provider asked bote to poll every 6 seconds)"* ]]

	local out=$BATS_TEST_TMPDIR/deny.out i
	"$BOTE" -C "$CONF" --oauth-login -a oauth >"$out" 2>&1 3>&- &
	local pid=$!
	for ((i = 0; i < 100; i++)); do
		grep -q 'enter the code' "$out" && break
		sleep 0.05
	done
	ctl deny >/dev/null
	local st=0
	wait "$pid" || st=$?
	assert_equal "$st" 77
	run cat "$out"
	assert_output --partial "sign-in refused: the token endpoint refused: access_denied"
}

@test "the loopback flow: a browser on this machine, PKCE checked by the server" {
	oauth_conf "$CONF" on "oauth2_flow loopback"
	local out=$BATS_TEST_TMPDIR/lb.out url i
	"$BOTE" -C "$CONF" --oauth-login -a oauth >"$out" 2>&1 3>&- &
	local pid=$!
	for ((i = 0; i < 100; i++)); do
		url=$(grep -oE '^    https://\S+' "$out" | tr -d ' ')
		[ -n "$url" ] && break
		sleep 0.05
	done
	[[ $url == "https://127.0.0.1:$OAUTH_PORT/authorize?response_type=code&"*"&code_challenge_method=S256" ]]
	# The browser: the server approves and redirects to bote's listener.
	run python3 -c 'import ssl, sys, urllib.request
ctx = ssl.create_default_context(cafile=sys.argv[2])
print(urllib.request.urlopen(sys.argv[1], context=ctx, timeout=10).read().decode())' \
	    "$url" "$TESTBED_CA"
	assert_success
	assert_output --partial "bote has the answer"
	wait "$pid"
	[ -n "$(stored refresh_token)" ]
	send
	assert_success
	maildir_wait 1
}

@test "client credentials (app-only): no person, no refresh token, a new token when it expires" {
	oauth_conf "$CONF" xoauth2 "oauth2_flow client_credentials" \
	    "oauth2_client_secret bote-test-secret"
	run "$BOTE" -C "$CONF" --oauth-login -a oauth
	assert_success
	assert_equal "$(stored refresh_token)" ""
	BOTE_TEST_TIME=$((T0 + 7200)) send
	assert_success
	assert_equal "$(requests token_client_credentials)" 2
	maildir_wait 1
}

@test "a token store others can read is refused" {
	login_device
	chmod 0644 "$STORE/oauth"
	send --no-queue
	assert_equal "$status" 78
	assert_output --partial "holds OAuth2 tokens but is not a file of uid 0 that only it can read: chmod 600"
}

@test "run as sendmail, no oauth2 setting comes from the command line (the refresh token would go where the caller says)" {
	ln -s "$BOTE" "$BATS_TEST_TMPDIR/sendmail"
	run "$BATS_TEST_TMPDIR/sendmail" \
	    --oauth2-token-endpoint=https://127.0.0.1:1/steal -i \
	    "$TESTBED_USER" <"$MSG"
	# No oauth2 setting is a command-line option at all.
	assert_equal "$status" 64
	assert_output --partial "unknown option --oauth2-token-endpoint"
}

@test "a file with a literal oauth2_client_secret must be private, as for a password" {
	oauth_conf "$CONF" on "oauth2_client_secret hush-hush"
	chmod 0644 "$CONF"
	run "$BOTE" -C "$CONF" -P
	assert_equal "$status" 78
	refute_output --partial hush-hush
}
