#!/usr/bin/env bats
# proxy_host/proxy_port (SOCKS5, RFC 1928) and socket (a Unix-domain
# socket), against the testbed's Postfix: through microsocks, a real
# SOCKS5 server from Debian started here on loopback, and over the
# testbed's smtpd on DIR/spool/public/smtpsock. Certificates are checked
# end to end through the proxy, for the account's host; a proxy that
# refuses, one that is down, one that wants a password and one that never
# answers fail as a server would, with words naming the proxy.

# The helpers (tests/helpers), under make check and a bare bats alike.
[[ :$BATS_LIB_PATH: == *:$BATS_TEST_DIRNAME/helpers:* ]] ||
	BATS_LIB_PATH+=:$BATS_TEST_DIRNAME/helpers
bats_load_library bote.bash
bats_load_library testbed.bash

setup_file() {
	testbed_setup_file
	PROXY_PORT=$(free_port)
	export PROXY_PORT
	if command -v microsocks >/dev/null; then
		# </dev/null >log: see testbed.bash (no inherited pipe).
		microsocks -i 127.0.0.1 -p "$PROXY_PORT" </dev/null \
		    >"$BATS_FILE_TMPDIR/microsocks.log" 2>&1 3>&- &
		echo $! >"$BATS_FILE_TMPDIR/microsocks.pid"
		wait_port "$PROXY_PORT"
	fi
}

teardown_file() {
	local pid
	for pid in "$BATS_FILE_TMPDIR"/*.pid; do
		[ -e "$pid" ] || continue
		kill "$(cat "$pid")" 2>/dev/null || true
	done
	testbed_teardown_file
}

setup() {
	command -v microsocks >/dev/null ||
		skip "microsocks is not installed (tests/fixtures/install-deps)"
	CONF=$BATS_TEST_TMPDIR/bote.conf
	MSG=$BATS_TEST_TMPDIR/msg
	GOT=$BATS_TEST_TMPDIR/got
	printf '%s\n' "From: $TESTBED_USER" 'To: rcpt@example.net' \
		'Subject: bote proxy test' '' 'BODY-MARKER' >"$MSG"
	maildir_clear
	fresh_queue
}

free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_port PORT: until something listens on 127.0.0.1 PORT (5 s).
wait_port() {
	/usr/bin/python3 - "$1" <<-'EOF'
	import socket, sys, time
	for _ in range(100):
	    try:
	        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()
	        sys.exit(0)
	    except OSError:
	        time.sleep(0.05)
	sys.exit(1)
	EOF
}

# The testbed's accounts (bote_conf) with host localhost, the name on the
# testbed's certificate, which only the proxy resolves; queue off, so a
# failure is an exit status. LINEs go into the defaults section.
proxy_conf() {
	bote_conf "$CONF" "queue off" "proxy_host 127.0.0.1" \
	    "proxy_port $PROXY_PORT" "$@"
	sed -i 's/^host 127\.0\.0\.1$/host localhost/' "$CONF"
}

@test "proxy: delivered through the SOCKS5 proxy with STARTTLS and AUTH, the certificate checked for the host" {
	proxy_conf
	run_bote -v rcpt@example.net
	assert_success
	assert_output --partial "connecting to localhost port $TESTBED_STARTTLS_PORT through the SOCKS5 proxy 127.0.0.1 port $PROXY_PORT"
	assert_output --partial "the proxy connected to localhost port $TESTBED_STARTTLS_PORT"
	assert_output --partial 'TLS established'
	assert_output --partial '235 2.7.0'
	# bote itself connected to the proxy only.
	refute_output --partial "connecting to 127.0.0.1 port $TESTBED_STARTTLS_PORT"
	maildir_wait 1
	maildir_last | grep -q '^BODY-MARKER$'
}

@test "proxy: implicit TLS (port 465 style) through the proxy" {
	proxy_conf
	run_bote -a tls -v rcpt@example.net
	assert_success
	assert_output --partial "the proxy connected to localhost port $TESTBED_TLS_PORT"
	maildir_wait 1
}

@test "proxy: the certificate is checked end to end: a name the certificate lacks is refused" {
	proxy_conf "tls_host_override wrong.example"
	run_bote
	assert_failure 78
	assert_output --partial 'wrong.example'
	[ "$(maildir_count)" -eq 0 ]
}

@test "proxy: the name is resolved by the proxy, not by bote (SOCKS5 ATYP domain)" {
	local nssw hosts=$BATS_TEST_TMPDIR/hosts port
	for nssw in /usr/lib/*/libnss_wrapper.so ""; do
		[ -e "$nssw" ] && break
	done
	[ -n "$nssw" ] || skip "libnss-wrapper is not installed"
	# A second proxy that alone knows the name smtp.proxied.test.
	printf '127.0.0.1 smtp.proxied.test\n' >"$hosts"
	port=$(free_port)
	env LD_PRELOAD="$nssw" NSS_WRAPPER_HOSTS="$hosts" \
	    microsocks -i 127.0.0.1 -p "$port" </dev/null >/dev/null 2>&1 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/named.pid"
	wait_port "$port"
	bote_conf "$CONF" "queue off"
	sed -i 's/^host 127\.0\.0\.1$/host smtp.proxied.test/' "$CONF"
	# Without the proxy the name does not exist here.
	run_bote -a plain rcpt@example.net
	assert_failure 68
	run_bote -a plain --proxy-host=127.0.0.1 --proxy-port="$port" -v rcpt@example.net
	kill "$(cat "$BATS_FILE_TMPDIR/named.pid")"
	assert_success
	assert_output --partial 'the proxy connected to smtp.proxied.test'
	maildir_wait 1
}

@test "proxy: --proxy-host and --proxy-port on the command line" {
	bote_conf "$CONF" "queue off"
	run_bote --proxy-host=127.0.0.1 --proxy-port="$PROXY_PORT" -v rcpt@example.net
	assert_success
	assert_output --partial "through the SOCKS5 proxy 127.0.0.1 port $PROXY_PORT"
	maildir_wait 1
}

@test "proxy: CONNECT refused by the proxy (nothing on the port): 75, the SOCKS reply in words" {
	proxy_conf
	run_bote --port="$(free_port)" rcpt@example.net
	assert_failure 75
	assert_output --partial "the proxy 127.0.0.1 port $PROXY_PORT could not connect to localhost port"
	assert_output --partial 'connection refused (SOCKS5 reply 5)'
}

@test "proxy: a proxy that is down: 75, cannot connect to the proxy" {
	local down
	down=$(free_port)
	proxy_conf
	run_bote --proxy-port="$down" rcpt@example.net
	assert_failure 75
	assert_output --partial "cannot connect to the proxy 127.0.0.1 port $down (proxy_host, proxy_port)"
	assert_output --partial 'Connection refused'
}

@test "proxy: with the queue on, a proxy that is down queues the message" {
	proxy_conf "queue on"
	run_bote --proxy-port="$(free_port)" rcpt@example.net
	assert_success
	assert_output --partial 'cannot connect to the proxy'
	assert_output --partial 'will retry'
}

@test "proxy: one that wants a user name and password: 78, says so" {
	local port
	port=$(free_port)
	microsocks -i 127.0.0.1 -p "$port" -u someone -P secret </dev/null \
	    >/dev/null 2>&1 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/auth.pid"
	wait_port "$port"
	proxy_conf
	run_bote --proxy-port="$port" rcpt@example.net
	kill "$(cat "$BATS_FILE_TMPDIR/auth.pid")"
	assert_failure 78
	assert_output --partial 'wants authentication'
}

@test "proxy: one that never answers is given up after the timeout: 75" {
	local port
	port=$(free_port)
	# Accepts, reads, says nothing.
	/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4)
c, _ = s.accept(); time.sleep(30)' "$port" </dev/null >/dev/null 2>&1 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/mute.pid"
	wait_port "$port"
	proxy_conf "timeout 2"
	SECONDS=0
	run_bote --proxy-port="$port" rcpt@example.net
	kill "$(cat "$BATS_FILE_TMPDIR/mute.pid")" 2>/dev/null || true
	assert_failure 75
	assert_output --partial 'SOCKS5 proxy 127.0.0.1'
	assert_output --partial 'timed out'
	[ "$SECONDS" -lt 10 ]
}

@test "proxy: --serverinfo through the proxy, certificate and all" {
	proxy_conf
	run timeout 20 "$BOTE" -C "$CONF" --serverinfo
	assert_success
	assert_line "SMTP server at localhost, port $TESTBED_STARTTLS_PORT, STARTTLS"
	assert_line "Reached through the SOCKS5 proxy 127.0.0.1 port $PROXY_PORT (proxy_host)"
	assert_output --partial 'After TLS, the server offers:'
}

@test "proxy: --pretend shows proxy_host, proxy_port and socket with their origin" {
	proxy_conf
	run "$BOTE" -C "$CONF" --pretend </dev/null
	assert_success
	assert_line --regexp '^  proxy_host +127\.0\.0\.1 +# '
	assert_line --regexp "^  proxy_port +$PROXY_PORT +# "
	assert_line --regexp '^  socket +\(not set\) +# built-in default'
}

socket_conf() {
	{
		echo "account default"
		echo "socket $TESTBED_SOCKET"
		echo "tls off"
		echo "from $TESTBED_USER"
		echo "queue off"
		printf '%s\n' "$@"
	} >"$CONF"
	chmod 600 "$CONF"
}

@test "socket: delivered over the Unix socket of the local relay, host defaults to localhost" {
	socket_conf
	run_bote -v rcpt@example.net
	assert_success
	assert_output --partial "connected to socket $TESTBED_SOCKET"
	maildir_wait 1
	maildir_last | grep -q '^BODY-MARKER$'
	run "$BOTE" -C "$CONF" --pretend </dev/null
	assert_line --regexp "^  socket +$TESTBED_SOCKET +# "
}

@test "socket: overrides host, port and proxy (as msmtp)" {
	socket_conf "host 192.0.2.1" "port 9" "proxy_host 127.0.0.1" \
	    "proxy_port $(free_port)"
	run_bote -v rcpt@example.net
	assert_success
	refute_output --partial 'proxy'
	maildir_wait 1
}

@test "socket: --serverinfo over the socket" {
	socket_conf
	run timeout 20 "$BOTE" -C "$CONF" --serverinfo
	assert_success
	assert_line "Reached over the socket $TESTBED_SOCKET (socket)"
	assert_output --partial 'The server offers:'
}

@test "socket: none there: 75, the socket named" {
	socket_conf
	sed -i "s|^socket .*|socket $BATS_TEST_TMPDIR/nothing.sock|" "$CONF"
	run_bote
	assert_failure 75
	assert_output --partial "cannot connect to socket $BATS_TEST_TMPDIR/nothing.sock: No such file or directory"
}

@test "eval: refused with 78, a reason and what to do instead" {
	printf '%s\n' 'account default' 'host localhost' \
	    'eval echo host mail.example' >"$CONF"
	chmod 600 "$CONF"
	run "$BOTE" -C "$CONF" --pretend </dev/null
	assert_failure 78
	assert_output --partial ':3: directive eval is not supported by this version of bote: it would run a command'
	assert_output --partial 'use passwordeval for a secret'
}

# fake_proxy PORTFILE REPLY: a SOCKS5 "proxy" in Python that takes the
# method offer and the CONNECT, then sends REPLY (hex) and, in the same
# write, an SMTP greeting, and answers EHLO and QUIT itself. Its port is
# written to PORTFILE; what it received goes to PORTFILE.rec.
fake_proxy() {
	/usr/bin/python3 - "$1" "$2" <<-'EOF' 3>&- &
	import socket, sys
	s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
	open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
	import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
	s.settimeout(20)
	c, _ = s.accept(); c.settimeout(10)
	rec = c.recv(3)
	c.sendall(b"\x05\x00")
	rec += c.recv(300)
	open(sys.argv[1] + ".rec", "wb").write(rec)
	c.sendall(bytes.fromhex(sys.argv[2]) + b"220 fake.test ESMTP\r\n")
	f = c.makefile("rb")
	for line in f:
	    if line.upper().startswith(b"EHLO"):
	        c.sendall(b"250-fake.test\r\n250 8BITMIME\r\n")
	    elif line.upper().startswith(b"QUIT"):
	        c.sendall(b"221 bye\r\n"); break
	c.close()
	EOF
	echo $! >"$BATS_FILE_TMPDIR/fake.pid"
	local i
	for i in $(seq 100); do [ -e "$1" ] && return 0; sleep 0.05; done
	return 1
}

@test "proxy: CONNECT carries the name (ATYP 3); the reply is read to its end, not into the greeting" {
	local pf=$BATS_TEST_TMPDIR/port
	# Succeeded, bound to the name "localhost" port 25 (ATYP 3).
	fake_proxy "$pf" 0500000309$(printf localhost | od -An -tx1 | tr -d ' \n')0019
	bote_conf "$CONF" "queue off"
	sed -i 's/^host 127\.0\.0\.1$/host mail.example.test/' "$CONF"
	run timeout 20 "$BOTE" -C "$CONF" -a plain --serverinfo \
	    --proxy-host=127.0.0.1 --proxy-port="$(cat "$pf")"
	assert_success
	assert_line 'Greeting: 220 fake.test ESMTP'
	# 05 01 00: one method, none; 05 01 00 03 len name port.
	run od -An -tx1 "$pf.rec"
	assert_output --partial '05 01 00 05 01 00 03 11'
	run grep -c 'mail.example.test' "$pf.rec"
	assert_output 1
}

@test "proxy: a reply that is not SOCKS5 is a protocol error (76)" {
	local pf=$BATS_TEST_TMPDIR/port
	fake_proxy "$pf" 04000000
	bote_conf "$CONF" "queue off"
	run_bote -a plain --proxy-host=127.0.0.1 --proxy-port="$(cat "$pf")" rcpt@example.net
	assert_failure 76
	assert_output --partial 'not SOCKS5'
}
